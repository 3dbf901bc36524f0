/*
 * The `chebnd` family vtable (src/model/family.h): low-rank Chebyshev approximation of a formula
 * or the user's function on a box in d = 2 (Chebfun2's construction) and d = 3 (a Tucker cross
 * of Chebyshev series). Predict, gradient, describe (rank, lengths, evaluations, the integral,
 * max and min), natural points and dims here; fit in fit.c, save / load in io.c, C export in
 * export.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "chebtech/chebtech.h"
#include "model/family.h"
#include "internal.h"

static void nd_free(void *state) { ua_chebnd_free(state); }

static ua_status nd_predict(const void *state, const double *x, size_t n, double *y)
{
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "chebnd predict: NULL arrays");
    return ua_chebnd_predict(state, x, n, y);
}

static ua_status nd_gradient(const void *state, const double *x, size_t n, double *g)
{
    if (n && (!x || !g)) return UA_ERR(UA_EINVAL, "chebnd gradient: NULL arrays");
    return ua_chebnd_gradient(state, x, n, g);
}

static void nd_dims(const void *state, size_t *din, size_t *dout)
{
    const ua_chebnd *m = state;
    *din = m->d;
    *dout = 1;
}

/* An array of n numbers, added to obj under key. 0 when out of memory. */
static int add_array(cJSON *obj, const char *key, const double *v, size_t n)
{
    cJSON *a = cJSON_CreateDoubleArray(v, (int)n);
    if (!a) return 0;
    if (!cJSON_AddItemToObject(obj, key, a)) {
        cJSON_Delete(a);
        return 0;
    }
    return 1;
}

/* key = v and key_at = [x...]: a number and an array, as `info` prints them. */
static int add_extremum(cJSON *obj, const char *key, double v, const double *x, size_t d)
{
    char at[16];
    snprintf(at, sizeof at, "%s_at", key);
    return cJSON_AddNumberToObject(obj, key, v) != NULL && add_array(obj, at, x, d);
}

static ua_status nd_describe(const void *state, cJSON *obj)
{
    const ua_chebnd *m = state;
    if (!m || !obj) return UA_ERR(UA_EINVAL, "chebnd describe: NULL argument");
    double ranks[UA_CHEBND_MAXD], lens[UA_CHEBND_MAXD];
    size_t rmax = 0;
    for (size_t i = 0; i < m->d; i++) {
        ranks[i] = (double)m->rank[i];
        lens[i] = (double)m->len[i];
        if (m->rank[i] > rmax) rmax = m->rank[i];
    }
    int ok = cJSON_AddNumberToObject(obj, "rank", (double)rmax) != NULL;
    if (m->d == 3) ok = ok && add_array(obj, "ranks", ranks, m->d);
    ok = ok && add_array(obj, "lengths", lens, m->d);
    ok = ok && cJSON_AddNumberToObject(obj, "evaluations", m->evaluations) != NULL;
    if (m->grid) ok = ok && cJSON_AddNumberToObject(obj, "grid", (double)m->grid) != NULL;
    ok = ok && cJSON_AddBoolToObject(obj, "resolved", m->resolved) != NULL;
    ok = ok && cJSON_AddNumberToObject(obj, "integral", ua_chebnd_integral(m)) != NULL;
    double x[UA_CHEBND_MAXD], v;
    ua_status s = ua_chebnd_extremum(m, 1, x, &v);
    if (s) return s;
    ok = ok && add_extremum(obj, "max", v, x, m->d);
    if ((s = ua_chebnd_extremum(m, 0, x, &v))) return s;
    ok = ok && add_extremum(obj, "min", v, x, m->d);
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

/* The tensor grid of 2L + 1 Chebyshev points per variable (L its length, at least 17, at most
 * 129 in d = 2 and 25 in d = 3, so that at most about 16000 points come on top of the
 * measurement's own): the interpolation points and the points between them, where an
 * interpolant's error peaks. */
static ua_status nd_natural_points(const void *state, double **pts, size_t *n, int *log_grid)
{
    const ua_chebnd *m = state;
    if (!m || !pts || !n) return UA_ERR(UA_EINVAL, "chebnd natural points: NULL argument");
    *pts = NULL;
    *n = 0;
    if (log_grid) *log_grid = 0;
    const size_t d = m->d, cap = d == 2 ? 129 : 25;
    size_t k[UA_CHEBND_MAXD], total = 1;
    double *g[UA_CHEBND_MAXD] = {NULL, NULL, NULL};
    for (size_t i = 0; i < d; i++) {
        k[i] = 2 * m->len[i] + 1;
        if (k[i] < 17) k[i] = 17;
        if (k[i] > cap) k[i] = cap;
        total *= k[i];
    }
    double *out = ua_calloc(total * d, sizeof *out);
    int okg = 1;
    for (size_t i = 0; i < d; i++) {
        g[i] = ua_calloc(k[i], sizeof(double));
        if (!g[i]) okg = 0;
        else ua_cheb_points_on(k[i], m->lo[i], m->hi[i], g[i]);
    }
    if (!out || !okg) {
        free(out);
        for (size_t i = 0; i < d; i++) free(g[i]);
        return UA_ENOMEM_ERR(total * d * sizeof *out);
    }
    for (size_t p = 0; p < total; p++) {
        size_t q = p;
        for (size_t i = d; i-- > 0;) {
            out[p * d + i] = g[i][q % k[i]];
            q /= k[i];
        }
    }
    for (size_t i = 0; i < d; i++) free(g[i]);
    *pts = out;
    *n = total;
    return UA_OK;
}

const ua_family ua_family_chebnd = {
    .name = "chebnd",
    .summary = "low-rank Chebyshev approximation on a box in 2-D (Chebfun2's elimination) and "
               "3-D (Tucker cross), resolved to about machine precision",
    .doc = "docs/chebnd.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA) | UA_ACCEPTS(UA_PROBLEM_FUNCTION),
    .min_dim = 2,
    .max_dim = 3,
    .options = ua_chebnd_option_spec,
    .noptions = UA_CHEBND_NOPTIONS,
    .fit = ua_chebnd_family_fit,
    .free = nd_free,
    .predict = nd_predict,
    .save = ua_chebnd_save,
    .load = ua_chebnd_load,
    .export_c = ua_chebnd_export_c,
    .describe = nd_describe,
    .natural_points = nd_natural_points,
    .dims = nd_dims,
    .gradient = nd_gradient,
    .bounds = &ua_chebnd_bounds,
};
