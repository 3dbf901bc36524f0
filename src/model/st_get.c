/* Validated getters for family loaders: F64 tensors and numeric metadata (uniapprox/model.h). */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "uniapprox/model.h"

ua_status ua_st_get_f64(const ua_st *st, const char *who, const char *name, size_t ndim,
                        size_t *rows, size_t *cols, const double **data)
{
    ua_dtype dt;
    size_t nd;
    const int64_t *sh;
    const void *p;
    if (ua_st_get(st, name, &dt, &nd, &sh, &p))
        return UA_ERR(UA_EFORMAT, "%s: tensor '%s' is missing", who, name);
    if (dt != UA_F64 || nd != ndim || (ndim != 1 && ndim != 2) || sh[0] < 1 ||
        (ndim == 2 && sh[1] < 1))
        return UA_ERR(UA_EFORMAT, "%s: tensor '%s' must be F64 with %zu non-empty dimensions", who,
                      name, ndim);
    if ((*rows && (size_t)sh[0] != *rows) || (ndim == 2 && *cols && (size_t)sh[1] != *cols))
        return UA_ERR(UA_EFORMAT, "%s: tensor '%s' has the wrong shape", who, name);
    *rows = (size_t)sh[0];
    if (ndim == 2) *cols = (size_t)sh[1];
    const double *v = p;
    size_t count = *rows * (ndim == 2 ? *cols : 1);
    for (size_t i = 0; i < count; i++)
        if (!isfinite(v[i]))
            return UA_ERR(UA_EFORMAT, "%s: tensor '%s': entry %zu is not finite", who, name, i);
    *data = v;
    return UA_OK;
}

ua_status ua_st_meta_number(const ua_st *st, const char *who, const char *key, int nan_ok,
                            double *value)
{
    const char *t = ua_st_meta(st, key);
    if (!t) return UA_ERR(UA_EFORMAT, "%s: metadata '%s' is missing", who, key);
    char *end;
    *value = strtod(t, &end);
    if (end == t || *end || (!isfinite(*value) && !(nan_ok && isnan(*value))))
        return UA_ERR(UA_EFORMAT, "%s: metadata '%s' = '%s' is not a finite number", who, key, t);
    return UA_OK;
}
