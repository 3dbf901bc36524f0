/* Standardisation of the learners in a model file: "<prefix>mean" and "<prefix>scale" tensors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "uniapprox/model.h"

ua_status ua_scaler_save(const ua_scaler *sc, const char *prefix, ua_st *st)
{
    char name[96];
    if (!sc || !prefix || !st || strlen(prefix) > 64)
        return UA_ERR(UA_EINVAL, "ua_scaler_save: bad argument");
    int64_t shape[1] = { (int64_t)sc->d };
    snprintf(name, sizeof name, "%smean", prefix);
    ua_status s = ua_st_add(st, name, UA_F64, 1, shape, sc->mean);
    if (s) return s;
    snprintf(name, sizeof name, "%sscale", prefix);
    return ua_st_add(st, name, UA_F64, 1, shape, sc->scale);
}

/* One (d,) F64 tensor, copied into a new array after the checks. */
static ua_status get_vector(const ua_st *st, const char *name, size_t *d, int positive,
                            double **out)
{
    ua_dtype dt;
    size_t ndim;
    const int64_t *shape;
    const void *data;
    if (ua_st_get(st, name, &dt, &ndim, &shape, &data))
        return UA_ERR(UA_EFORMAT, "tensor '%s' is missing", name);
    if (dt != UA_F64 || ndim != 1 || shape[0] < 1)
        return UA_ERR(UA_EFORMAT, "tensor '%s' must be F64 of shape (d,) with d >= 1", name);
    if (*d && (size_t)shape[0] != *d)
        return UA_ERR(UA_EFORMAT, "tensor '%s' has %lld entries, expected %zu", name,
                      (long long)shape[0], *d);
    *d = (size_t)shape[0];
    const double *v = data;
    for (size_t j = 0; j < *d; j++)
        if (!isfinite(v[j]) || (positive && !(v[j] > 0)))
            return UA_ERR(UA_EFORMAT, "tensor '%s': entry %zu is %g (must be finite%s)", name, j,
                          v[j], positive ? " and > 0" : "");
    *out = malloc(*d * sizeof **out);
    if (!*out) return UA_ENOMEM_ERR(*d * sizeof **out);
    memcpy(*out, v, *d * sizeof **out);
    return UA_OK;
}

ua_status ua_scaler_load(const ua_st *st, const char *prefix, size_t d, ua_scaler *sc)
{
    char name[96];
    memset(sc, 0, sizeof *sc);
    if (!st || !prefix || strlen(prefix) > 64) return UA_ERR(UA_EINVAL, "ua_scaler_load: bad argument");
    snprintf(name, sizeof name, "%smean", prefix);
    ua_status s = get_vector(st, name, &d, 0, &sc->mean);
    snprintf(name, sizeof name, "%sscale", prefix);
    if (!s) s = get_vector(st, name, &d, 1, &sc->scale);
    if (s) {
        ua_scaler_free(sc);
        return s;
    }
    sc->d = d;
    return UA_OK;
}
