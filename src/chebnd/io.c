/*
 * Save and load of a chebnd model through the safetensors container (the vtable's save / load).
 *
 * Tensors: "lo", "hi" F64 (d,) the box; "factor_0" .. "factor_{d-1}" F64 (rank_i, len_i), the
 * Chebyshev series of each variable's factor columns (in s_i on [-1, 1]); "core" F64 (r,) for
 * d = 2 (the weights of the rank-one terms) or (r0, r1, r2) for d = 3 (the Tucker core).
 * Metadata: "resolved" = "0" | "1", "evaluations" (calls of f spent), "grid" (last phase-1 grid).
 * Every tensor is checked on load (the file is untrusted): shapes, finite values, ranks and
 * lengths >= 1 (ranks at most 1024), a box of 2 or 3 finite intervals lo < hi.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

#define WHO "chebnd model"

static ua_status set_num(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

ua_status ua_chebnd_save(const void *state, ua_st *st)
{
    const ua_chebnd *m = state;
    int64_t sd = (int64_t)m->d;
    ua_status s = ua_st_add(st, "lo", UA_F64, 1, &sd, m->lo);
    if (!s) s = ua_st_add(st, "hi", UA_F64, 1, &sd, m->hi);
    for (size_t i = 0; !s && i < m->d; i++) {
        char name[32];
        snprintf(name, sizeof name, "factor_%zu", i);
        int64_t sh[2] = {(int64_t)m->rank[i], (int64_t)m->len[i]};
        s = ua_st_add(st, name, UA_F64, 2, sh, m->fac[i]);
    }
    if (!s) {
        int64_t sc[3] = {(int64_t)m->rank[0], (int64_t)m->rank[1], (int64_t)m->rank[2]};
        s = ua_st_add(st, "core", UA_F64, m->d == 2 ? 1 : 3, sc, m->core);
    }
    if (!s) s = ua_st_set_meta(st, "resolved", m->resolved ? "1" : "0");
    if (!s) s = set_num(st, "evaluations", m->evaluations);
    if (!s) s = set_num(st, "grid", (double)m->grid);
    return s;
}

/* A non-negative integer metadata value below 2^53, or def when absent. */
static ua_status meta_count(const ua_st *st, const char *key, double def, double *v)
{
    if (!ua_st_meta(st, key)) {
        *v = def;
        return UA_OK;
    }
    ua_status s = ua_st_meta_number(st, WHO, key, 0, v);
    if (s) return s;
    if (!(*v >= 0 && *v <= 0x1p53 && *v == floor(*v)))
        return UA_ERR(UA_EFORMAT, WHO ": metadata '%s' must be a non-negative integer", key);
    return UA_OK;
}

ua_status ua_chebnd_load(const ua_st *st, double lo, double hi, void **state)
{
    (void)lo;
    (void)hi; /* a box model: the box is its own tensors */
    if (!state) return UA_ERR(UA_EINVAL, WHO ": state is NULL");
    *state = NULL;
    size_t d = 0, dh = 0, zero = 0;
    const double *blo, *bhi;
    ua_status s = ua_st_get_f64(st, WHO, "lo", 1, &d, &zero, &blo);
    if (s) return s;
    if (d < 2 || d > 3) return UA_ERR(UA_EFORMAT, WHO ": the box has %zu variables (2 or 3)", d);
    dh = d;
    if ((s = ua_st_get_f64(st, WHO, "hi", 1, &dh, &zero, &bhi))) return s;
    for (size_t i = 0; i < d; i++)
        if (!(blo[i] < bhi[i]))
            return UA_ERR(UA_EFORMAT, WHO ": variable %zu: lo >= hi (%.17g >= %.17g)", i, blo[i],
                          bhi[i]);
    size_t rank[3] = {0, 0, 0}, len[3] = {0, 0, 0};
    const double *fac[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < d; i++) {
        char name[32];
        snprintf(name, sizeof name, "factor_%zu", i);
        if ((s = ua_st_get_f64(st, WHO, name, 2, &rank[i], &len[i], &fac[i]))) return s;
        if (rank[i] > UA_CHEBND_MAX_RANK)
            return UA_ERR(UA_EFORMAT, WHO ": %s has %zu columns (at most %d)", name, rank[i],
                          UA_CHEBND_MAX_RANK);
    }
    /* the core: its shape must match the factors' ranks */
    ua_dtype dt;
    size_t ndim;
    const int64_t *shape;
    const void *cdata;
    if (ua_st_get(st, "core", &dt, &ndim, &shape, &cdata))
        return UA_ERR(UA_EFORMAT, WHO ": tensor 'core' is missing");
    if (dt != UA_F64) return UA_ERR(UA_EFORMAT, WHO ": tensor 'core' must be F64");
    size_t want = d == 2 ? 1 : 3, ncore = 1;
    if (ndim != want)
        return UA_ERR(UA_EFORMAT, WHO ": tensor 'core' must have %zu dimensions for d = %zu", want, d);
    if (d == 2 && (rank[0] != rank[1] || (uint64_t)shape[0] != (uint64_t)rank[0]))
        return UA_ERR(UA_EFORMAT, WHO ": core of %" PRId64 " terms, factors of %zu and %zu columns",
                      shape[0], rank[0], rank[1]);
    for (size_t i = 0; d == 3 && i < 3; i++)
        if ((uint64_t)shape[i] != (uint64_t)rank[i])
            return UA_ERR(UA_EFORMAT, WHO ": core dimension %zu is %" PRId64 ", factor_%zu has %zu "
                          "columns", i, shape[i], i, rank[i]);
    ncore = d == 2 ? rank[0] : rank[0] * rank[1] * rank[2];
    const double *core = cdata;
    size_t bad = ua_first_nonfinite(core, ncore);
    if (bad < ncore) return UA_ERR(UA_EFORMAT, WHO ": core entry %zu is not finite", bad);
    const char *res = ua_st_meta(st, "resolved");
    if (res && strcmp(res, "0") && strcmp(res, "1"))
        return UA_ERR(UA_EFORMAT, WHO ": metadata 'resolved' must be \"0\" or \"1\"");
    double evals, grid;
    if ((s = meta_count(st, "evaluations", 0, &evals))) return s;
    if ((s = meta_count(st, "grid", 0, &grid))) return s;
    ua_chebnd *m = ua_chebnd_alloc(d, blo, bhi, rank, len);
    if (!m) return UA_ENOMEM_ERR(ncore * sizeof(double));
    for (size_t i = 0; i < d; i++) memcpy(m->fac[i], fac[i], rank[i] * len[i] * sizeof(double));
    memcpy(m->core, core, ncore * sizeof(double));
    m->resolved = !(res && !strcmp(res, "0"));
    m->evaluations = evals;
    m->grid = (size_t)grid;
    if ((s = ua_chebnd_finish(m))) {
        ua_chebnd_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}
