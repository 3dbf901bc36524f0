/*
 * The `spline` family vtable: predict, save / load through the safetensors container, C export,
 * description and the natural points of the error measurement (src/model/family.h).
 *
 * Tensors: "knots" F64 (N,) in x, strictly increasing; "values" F64 (N,); "coeffs" F64 (N, 3)
 * (B, C, D of each knot's interval in the local coordinate u, zeros at the last knot of each
 * piece); "breaks" F64 (P + 1,) (the first knot, the jump locations, the last knot); "scale" F64
 * (1,) (a power of two multiplying the polynomial part; 1 unless the values approach the overflow
 * limit). Metadata: "map" = none | log | asinh, "bc" = not-a-knot | natural | clamped | hermite (with
 * "slope_a", "slope_b"), "resolved" = 1 | 0, "error_estimate", "evaluations".
 */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

static void spline_free_state(void *state) { ua_spline_free(state); }

static ua_status spline_predict(const void *state, const double *x, size_t n, double *y)
{
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "spline predict: NULL arrays");
    for (size_t i = 0; i < n; i++) y[i] = ua_spline_eval(state, x[i]);
    return UA_OK;
}

static ua_status set_meta_double(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

static ua_status spline_save(const void *state, ua_st *st)
{
    const ua_spline *s = state;
    int64_t shn = (int64_t)s->n, shc[2] = { (int64_t)s->n, 3 }, shb = (int64_t)(s->npieces + 1),
            sh1 = 1;
    char buf[32];
    ua_status r = ua_st_add(st, "knots", UA_F64, 1, &shn, s->x);
    if (!r) r = ua_st_add(st, "values", UA_F64, 1, &shn, s->y);
    if (!r) r = ua_st_add(st, "coeffs", UA_F64, 2, shc, s->cf);
    if (!r) r = ua_st_add(st, "breaks", UA_F64, 1, &shb, s->breaks);
    if (!r) r = ua_st_add(st, "scale", UA_F64, 1, &sh1, &s->scale);
    if (!r) r = ua_st_set_meta(st, "map", ua_spline_map_name(s->map));
    if (!r) r = ua_st_set_meta(st, "bc", ua_spline_bc_name(s->bc));
    if (!r && s->bc == UA_SPLINE_CLAMPED) r = set_meta_double(st, "slope_a", s->slope_a);
    if (!r && s->bc == UA_SPLINE_CLAMPED) r = set_meta_double(st, "slope_b", s->slope_b);
    if (!r) r = ua_st_set_meta(st, "resolved", s->resolved ? "1" : "0");
    if (s->nevals) { /* AutoKnots only */
        if (!r) r = set_meta_double(st, "error_estimate", s->err_est);
        snprintf(buf, sizeof buf, "%zu", s->nevals);
        if (!r) r = ua_st_set_meta(st, "evaluations", buf);
    }
    return r;
}

/* A tensor of dtype F64 and the given rank, or UA_EFORMAT naming what is wrong. */
static ua_status get_f64(const ua_st *st, const char *name, size_t want_ndim, const int64_t **shape,
                         const double **data)
{
    ua_dtype dt = UA_F64;
    size_t ndim = 0;
    const void *p = NULL;
    if (ua_st_get(st, name, &dt, &ndim, shape, &p) != UA_OK)
        return UA_ERR(UA_EFORMAT, "spline model: tensor '%s' is missing", name);
    if (dt != UA_F64) return UA_ERR(UA_EFORMAT, "spline model: tensor '%s' must be F64", name);
    if (ndim != want_ndim)
        return UA_ERR(UA_EFORMAT, "spline model: tensor '%s' must have %zu dimension%s", name,
                      want_ndim, want_ndim == 1 ? "" : "s");
    for (size_t i = 0; i < ndim; i++)
        if ((*shape)[i] < 0)
            return UA_ERR(UA_EFORMAT, "spline model: tensor '%s' has a negative dimension", name);
    *data = p;
    return UA_OK;
}

/* Parses a metadata number (%.17g as written); 0 on success. */
static int meta_double(const ua_st *st, const char *key, double *v)
{
    const char *s = ua_st_meta(st, key);
    if (!s || !*s) return -1;
    char *end;
    *v = strtod(s, &end);
    return *end ? -1 : 0;
}

static ua_status spline_load(const ua_st *st, double lo, double hi, void **state)
{
    if (!state) return UA_ERR(UA_EINVAL, "spline load: state is NULL");
    *state = NULL;
    const int64_t *sk = NULL, *sv = NULL, *sc = NULL, *sb = NULL, *ss = NULL;
    const double *knots = NULL, *values = NULL, *coeffs = NULL, *breaks = NULL, *scale = NULL;
    ua_status r = get_f64(st, "knots", 1, &sk, &knots);
    if (!r) r = get_f64(st, "values", 1, &sv, &values);
    if (!r) r = get_f64(st, "coeffs", 2, &sc, &coeffs);
    if (!r) r = get_f64(st, "breaks", 1, &sb, &breaks);
    if (!r) r = get_f64(st, "scale", 1, &ss, &scale);
    if (r) return r;
    size_t n = (size_t)sk[0], nb = (size_t)sb[0];
    if (n < 1 || (size_t)sv[0] != n || (size_t)sc[0] != n || sc[1] != 3)
        return UA_ERR(UA_EFORMAT, "spline model: knots (%zu), values (%" PRId64 ") and coeffs "
                      "(%" PRId64 ", %" PRId64 ") disagree", n, sv[0], sc[0], sc[1]);
    if (ss[0] != 1) return UA_ERR(UA_EFORMAT, "spline model: 'scale' must hold one number");
    if (nb < 2 || nb - 1 > n)
        return UA_ERR(UA_EFORMAT, "spline model: %zu breaks for %zu knots", nb, n);
    const char *mapname = ua_st_meta(st, "map"), *bcname = ua_st_meta(st, "bc");
    ua_spline_map map;
    if (mapname && !strcmp(mapname, "none")) map = UA_SPLINE_MAP_NONE;
    else if (mapname && !strcmp(mapname, "log")) map = UA_SPLINE_MAP_LOG;
    else if (mapname && !strcmp(mapname, "asinh")) map = UA_SPLINE_MAP_ASINH;
    else return UA_ERR(UA_EFORMAT, "spline model: metadata 'map' must be none, log or asinh");
    ua_spline_bc bc;
    double sa = 0, sb2 = 0;
    if (bcname && !strcmp(bcname, "not-a-knot")) bc = UA_SPLINE_NOT_A_KNOT;
    else if (bcname && !strcmp(bcname, "natural")) bc = UA_SPLINE_NATURAL;
    else if (bcname && !strcmp(bcname, "clamped")) bc = UA_SPLINE_CLAMPED;
    else if (bcname && !strcmp(bcname, "hermite")) bc = UA_SPLINE_HERMITE;
    else return UA_ERR(UA_EFORMAT, "spline model: metadata 'bc' must be not-a-knot, natural, "
                       "clamped or hermite");
    if (bc == UA_SPLINE_CLAMPED &&
        (meta_double(st, "slope_a", &sa) || meta_double(st, "slope_b", &sb2) || !isfinite(sa) ||
         !isfinite(sb2)))
        return UA_ERR(UA_EFORMAT, "spline model: a clamped spline needs finite 'slope_a' and "
                      "'slope_b'");
    const char *res = ua_st_meta(st, "resolved");
    if (res && strcmp(res, "0") != 0 && strcmp(res, "1") != 0)
        return UA_ERR(UA_EFORMAT, "spline model: metadata 'resolved' must be \"0\" or \"1\"");
    for (size_t k = 0; k < n; k++)
        if (!isfinite(knots[k]))
            return UA_ERR(UA_EFORMAT, "spline model: knot %zu is not finite", k);
    for (size_t k = 1; k < n; k++)
        if (!(knots[k] > knots[k - 1]))
            return UA_ERR(UA_EFORMAT, "spline model: knots not strictly increasing at %zu", k);
    if (!(knots[0] <= lo && hi <= knots[n - 1]))
        return UA_ERR(UA_EFORMAT, "spline model: knots span [%.17g, %.17g], the domain "
                      "[%.17g, %.17g] is not inside", knots[0], knots[n - 1], lo, hi);
    /* pieces: every break is a knot, in order, from the first knot to the last */
    size_t *first = ua_calloc(nb, sizeof *first);
    if (!first) return UA_ENOMEM_ERR(nb * sizeof *first);
    size_t k = 0;
    for (size_t p = 0; p + 1 < nb && !r; p++) {
        while (k < n && knots[k] < breaks[p]) k++;
        if (k == n || knots[k] != breaks[p] || (p > 0 && k <= first[p - 1]))
            r = UA_ERR(UA_EFORMAT, "spline model: break %zu (%.17g) is not a knot after the "
                       "previous break", p, breaks[p]);
        else first[p] = k;
    }
    if (!r && (first[0] != 0 || breaks[nb - 1] != knots[n - 1]))
        r = UA_ERR(UA_EFORMAT, "spline model: breaks must start at the first knot and end at "
                   "the last");
    first[nb - 1] = n;
    ua_spline *s = NULL;
    if (!r) r = ua_spline_from_parts(n, knots, values, coeffs, scale[0], nb - 1, first, map, bc,
                                     sa, sb2, &s);
    free(first);
    if (r == UA_EINVAL) return UA_ERR(UA_EFORMAT, "spline model: %s", ua_last_error());
    if (r) return r;
    s->resolved = !(res && !strcmp(res, "0"));
    double est;
    if (!meta_double(st, "error_estimate", &est)) s->err_est = est;
    const char *ev = ua_st_meta(st, "evaluations");
    if (ev) s->nevals = (size_t)strtoull(ev, NULL, 10);
    *state = s;
    return UA_OK;
}

/* ---- describe ------------------------------------------------------------------------------ */

static ua_status spline_describe(const void *state, cJSON *obj)
{
    const ua_spline *s = state;
    if (!s || !obj) return UA_ERR(UA_EINVAL, "spline describe: NULL argument");
    cJSON *jumps = cJSON_CreateArray();
    int ok = jumps != NULL;
    for (size_t p = 1; p < s->npieces && ok; p++) {
        cJSON *v = cJSON_CreateNumber(s->breaks[p]);
        ok = v && cJSON_AddItemToArray(jumps, v);
    }
    ok = ok && cJSON_AddNumberToObject(obj, "knots", (double)s->n) != NULL;
    ok = ok && cJSON_AddNumberToObject(obj, "pieces", (double)s->npieces) != NULL;
    if (ok && cJSON_AddItemToObject(obj, "jumps", jumps)) jumps = NULL;
    else ok = 0;
    cJSON_Delete(jumps);
    ok = ok && cJSON_AddStringToObject(obj, "map", ua_spline_map_name(s->map)) != NULL;
    ok = ok && cJSON_AddStringToObject(obj, "bc", ua_spline_bc_name(s->bc)) != NULL;
    ok = ok && cJSON_AddBoolToObject(obj, "resolved", s->resolved) != NULL;
    if (s->nevals) {
        ok = ok && cJSON_AddNumberToObject(obj, "evaluations", (double)s->nevals) != NULL;
        double est = isfinite(s->err_est) ? s->err_est : DBL_MAX; /* JSON has no Inf */
        ok = ok && cJSON_AddNumberToObject(obj, "error_estimate", est) != NULL;
    }
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

/* ---- natural points ------------------------------------------------------------------------ */

/* The knots and the midpoints (in t) of every interval: a spline interpolates at its knots and
 * its error peaks inside the intervals. In x; log_grid for the log map. */
static ua_status spline_natural_points(const void *state, double **pts, size_t *n, int *log_grid)
{
    const ua_spline *s = state;
    if (!s || !pts || !n) return UA_ERR(UA_EINVAL, "spline natural_points: NULL argument");
    *pts = NULL;
    *n = 0;
    size_t cap = (size_t)1 << 22, total = 2 * s->n - 1;
    if (total > cap) total = cap;
    double *out = ua_calloc(total, sizeof *out);
    if (!out) return UA_ENOMEM_ERR(total * sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < s->n && k < total; i++) {
        out[k++] = s->x[i];
        if (i + 1 < s->n && k < total && s->ih[i] != 0.0) {
            double xm = ua_spline_unmap_t(s->map, s->half ? 0.5 * s->t[i] + 0.5 * s->t[i + 1]
                                                          : s->t[i] + 0.5 * (s->t[i + 1] - s->t[i]));
            if (xm > s->x[i] && xm < s->x[i + 1]) out[k++] = xm;
        }
    }
    *pts = out;
    *n = k;
    if (log_grid) *log_grid = s->map == UA_SPLINE_MAP_LOG;
    return UA_OK;
}

const ua_family ua_family_spline = {
    .name = "spline",
    .summary = "cubic splines with adaptive knots (AutoKnots) of 1-D formulas and functions, "
               "or the interpolating spline through 1-D samples (or pchip, akima, makima, "
               "the GCV smoothing spline)",
    .doc = "docs/spline.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA) | UA_ACCEPTS(UA_PROBLEM_FUNCTION) |
               UA_ACCEPTS(UA_PROBLEM_SAMPLES),
    .min_dim = 1,
    .max_dim = 1,
    .options = ua_spline_option_spec,
    .noptions = UA_SPLINE_NOPTIONS,
    .fit = ua_spline_family_fit,
    .free = spline_free_state,
    .predict = spline_predict,
    .save = spline_save,
    .load = spline_load,
    .export_c = ua_spline_export_c,
    .describe = spline_describe,
    .natural_points = spline_natural_points,
    .pieces = ua_spline_pieces,
};
