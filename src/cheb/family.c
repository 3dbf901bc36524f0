/*
 * The `cheb` family vtable: predict, save / load through the safetensors container, C export and
 * description (src/model/family.h).
 *
 * Tensors: "breaks" F64 (P + 1,) in x, "lengths" I64 (P,), "coeffs" F64 (sum of lengths,).
 * Metadata: "map" = "none" | "log", "resolved" = "1" | "0", "uniform" = "1" (uniform pieces; absent
 * or "0" otherwise). Optional: "value_scale" (a power of two multiplying every value, when the
 * target's values reach 2^960) and the tensor "roots" F64 (P, 2) (root factors, --rel-tol).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"
#include "options.h"

static void cheb_free(void *state) { ua_cheb_free(state); }

static ua_status cheb_predict(const void *state, const double *x, size_t n, double *y)
{
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "cheb predict: NULL arrays");
    ua_cheb_eval_many(state, x, n, y);
    return UA_OK;
}

static ua_status cheb_save(const void *state, ua_st *st)
{
    const ua_cheb *c = state;
    size_t P = c->npieces, total = c->offset[P];
    int64_t *len = ua_calloc(P, sizeof *len);
    if (!len) return UA_ENOMEM_ERR(P * sizeof *len);
    for (size_t i = 0; i < P; i++) len[i] = (int64_t)(c->offset[i + 1] - c->offset[i]);
    int64_t shb = (int64_t)(P + 1), shl = (int64_t)P, shc = (int64_t)total;
    ua_status s = ua_st_add(st, "breaks", UA_F64, 1, &shb, c->breaks);
    if (!s) s = ua_st_add(st, "lengths", UA_I64, 1, &shl, len);
    if (!s) s = ua_st_add(st, "coeffs", UA_F64, 1, &shc, c->coeffs);
    if (!s) s = ua_st_set_meta(st, "map", c->map == UA_MAP_LOG ? "log" : "none");
    if (!s) s = ua_st_set_meta(st, "resolved", c->resolved ? "1" : "0");
    if (!s && c->uniform) s = ua_st_set_meta(st, "uniform", "1");
    if (!s && c->scale != 1.0) { /* a power of two: %a round-trips it exactly */
        char buf[40];
        snprintf(buf, sizeof buf, "%a", c->scale);
        s = ua_st_set_meta(st, "value_scale", buf);
    }
    if (!s && c->roots) {
        int64_t shr[2] = { (int64_t)P, 2 };
        s = ua_st_add(st, "roots", UA_F64, 2, shr, c->roots);
    }
    free(len);
    return s;
}

/* A 1-D tensor of the given dtype, or UA_EFORMAT naming what is wrong. */
static ua_status get_vector(const ua_st *st, const char *name, ua_dtype want, size_t *n,
                            const void **data)
{
    ua_dtype dt = UA_F64;
    size_t ndim = 0;
    const int64_t *shape = NULL;
    if (ua_st_get(st, name, &dt, &ndim, &shape, data) != UA_OK)
        return UA_ERR(UA_EFORMAT, "cheb model: tensor '%s' is missing", name);
    if (dt != want)
        return UA_ERR(UA_EFORMAT, "cheb model: tensor '%s' must be %s", name,
                      want == UA_F64 ? "F64" : "I64");
    if (ndim != 1 || shape[0] < 0)
        return UA_ERR(UA_EFORMAT, "cheb model: tensor '%s' must be 1-D", name);
    *n = (size_t)shape[0];
    return UA_OK;
}

/* The optional metadata "value_scale" (a power of two, default 1) and tensor "roots" F64 (P, 2):
 * each row a root at an end of its piece and the rest of it, or NaN (no root factor). */
static ua_status load_factors(const ua_st *st, ua_cheb *c)
{
    double scale = 1.0;
    const char *sc = ua_st_meta(st, "value_scale");
    if (sc) {
        char *end = NULL;
        scale = strtod(sc, &end);
        if (end == sc || *end)
            return UA_ERR(UA_EFORMAT, "cheb model: metadata 'value_scale' is not a number");
    }
    const double *roots = NULL;
    ua_dtype dt = UA_F64;
    size_t ndim = 0;
    const int64_t *shape = NULL;
    const void *data = NULL;
    if (ua_st_get(st, "roots", &dt, &ndim, &shape, &data) == UA_OK) {
        if (dt != UA_F64 || ndim != 2 || shape[0] != (int64_t)c->npieces || shape[1] != 2)
            return UA_ERR(UA_EFORMAT, "cheb model: tensor 'roots' must be F64 (%zu, 2)",
                          c->npieces);
        roots = data;
    }
    ua_status s = ua_cheb_set_factors(c, scale, roots);
    if (s == UA_EINVAL) return UA_ERR(UA_EFORMAT, "cheb model: %s", ua_last_error());
    return s;
}

static ua_status cheb_load(const ua_st *st, double lo, double hi, void **state)
{
    if (!state) return UA_ERR(UA_EINVAL, "cheb load: state is NULL");
    *state = NULL;
    size_t nb = 0, nl = 0, nc = 0;
    const void *pb = NULL, *pl = NULL, *pc = NULL;
    ua_status s = get_vector(st, "breaks", UA_F64, &nb, &pb);
    if (!s) s = get_vector(st, "lengths", UA_I64, &nl, &pl);
    if (!s) s = get_vector(st, "coeffs", UA_F64, &nc, &pc);
    if (s) return s;
    const double *breaks = pb, *coeffs = pc;
    const int64_t *len = pl;
    if (nl < 1 || nb != nl + 1)
        return UA_ERR(UA_EFORMAT, "cheb model: %zu breaks for %zu pieces (need pieces + 1 >= 2)",
                      nb, nl);
    size_t total = 0;
    for (size_t i = 0; i < nl; i++) {
        if (len[i] < 1)
            return UA_ERR(UA_EFORMAT, "cheb model: length of piece %zu is %" PRId64 " (< 1)", i,
                          len[i]);
        if ((uint64_t)len[i] > (uint64_t)(nc - total))
            return UA_ERR(UA_EFORMAT, "cheb model: lengths add up to more than the %zu coeffs", nc);
        total += (size_t)len[i];
    }
    if (total != nc)
        return UA_ERR(UA_EFORMAT, "cheb model: lengths add up to %zu, but there are %zu coeffs",
                      total, nc);
    for (size_t i = 0; i < nb; i++)
        if (!isfinite(breaks[i]))
            return UA_ERR(UA_EFORMAT, "cheb model: breakpoint %zu is not finite", i);
    for (size_t i = 0; i + 1 < nb; i++)
        if (!(breaks[i] < breaks[i + 1]))
            return UA_ERR(UA_EFORMAT, "cheb model: breakpoints not strictly increasing at %zu", i);
    if (breaks[0] != lo || breaks[nb - 1] != hi)
        return UA_ERR(UA_EFORMAT, "cheb model: breakpoints span [%.17g, %.17g], domain is [%.17g, %.17g]",
                      breaks[0], breaks[nb - 1], lo, hi);
    for (size_t k = 0; k < nc; k++)
        if (!isfinite(coeffs[k]))
            return UA_ERR(UA_EFORMAT, "cheb model: coefficient %zu is not finite", k);
    const char *mapname = ua_st_meta(st, "map");
    ua_map map;
    if (mapname && strcmp(mapname, "none") == 0) map = UA_MAP_NONE;
    else if (mapname && strcmp(mapname, "log") == 0) map = UA_MAP_LOG;
    else return UA_ERR(UA_EFORMAT, "cheb model: metadata 'map' must be \"none\" or \"log\"");
    if (map == UA_MAP_LOG && !(lo > 0.0))
        return UA_ERR(UA_EFORMAT, "cheb model: the log map needs a domain in x > 0");
    const char *res = ua_st_meta(st, "resolved");
    if (res && strcmp(res, "0") != 0 && strcmp(res, "1") != 0)
        return UA_ERR(UA_EFORMAT, "cheb model: metadata 'resolved' must be \"0\" or \"1\"");
    size_t *lengths = ua_calloc(nl, sizeof *lengths);
    if (!lengths) return UA_ENOMEM_ERR(nl * sizeof *lengths);
    for (size_t i = 0; i < nl; i++) lengths[i] = (size_t)len[i];
    ua_cheb *c = NULL;
    s = ua_cheb_from_parts(nl, breaks, lengths, coeffs, map, &c);
    free(lengths);
    if (s == UA_EINVAL) /* content the checks above let through: still a bad file */
        return UA_ERR(UA_EFORMAT, "cheb model: %s", ua_last_error());
    if (s) return s;
    c->resolved = !(res && strcmp(res, "0") == 0);
    const char *uni = ua_st_meta(st, "uniform");
    if (uni && strcmp(uni, "0") != 0 && strcmp(uni, "1") != 0) {
        ua_cheb_free(c);
        return UA_ERR(UA_EFORMAT, "cheb model: metadata 'uniform' must be \"0\" or \"1\"");
    }
    s = load_factors(st, c);
    if (s) {
        ua_cheb_free(c);
        return s;
    }
    if (uni && strcmp(uni, "1") == 0) {
        s = ua_cheb_make_uniform(c, 1); /* the breakpoints must be those of equal pieces */
        if (s) {
            ua_cheb_free(c);
            return s;
        }
    }
    *state = c;
    return UA_OK;
}

/* ---- describe ------------------------------------------------------------------------------ */

static ua_status cheb_describe(const void *state, cJSON *obj)
{
    const ua_cheb *c = state;
    if (!c || !obj) return UA_ERR(UA_EINVAL, "cheb describe: NULL argument");
    size_t P = c->npieces;
    cJSON *br = cJSON_CreateArray(), *ln = cJSON_CreateArray();
    if (!br || !ln) {
        cJSON_Delete(br);
        cJSON_Delete(ln);
        return UA_ENOMEM_ERR(64);
    }
    int ok = 1;
    for (size_t i = 0; i <= P && ok; i++) {
        cJSON *v = cJSON_CreateNumber(c->breaks[i]);
        ok = v && cJSON_AddItemToArray(br, v);
    }
    for (size_t i = 0; i < P && ok; i++) {
        cJSON *v = cJSON_CreateNumber((double)(c->offset[i + 1] - c->offset[i]));
        ok = v && cJSON_AddItemToArray(ln, v);
    }
    ok = ok && cJSON_AddNumberToObject(obj, "pieces", (double)P) != NULL;
    if (ok && cJSON_AddItemToObject(obj, "breakpoints", br)) br = NULL;
    else ok = 0;
    if (ok && cJSON_AddItemToObject(obj, "lengths", ln)) ln = NULL;
    else ok = 0;
    cJSON_Delete(br);
    cJSON_Delete(ln);
    ok = ok && cJSON_AddNumberToObject(obj, "total_length", (double)c->offset[P]) != NULL;
    ok = ok && cJSON_AddStringToObject(obj, "map", c->map == UA_MAP_LOG ? "log" : "none") != NULL;
    ok = ok && cJSON_AddBoolToObject(obj, "resolved", c->resolved) != NULL;
    ok = ok && cJSON_AddBoolToObject(obj, "uniform", c->uniform) != NULL;
    double integral;
    ua_status s = ua_cheb_integral(c, &integral);
    if (ok) {
        if ((s == UA_OK || s == UA_ENOTRESOLVED) && isfinite(integral))
            ok = cJSON_AddNumberToObject(obj, "integral", integral) != NULL;
        else
            ok = cJSON_AddNullToObject(obj, "integral") != NULL;
    }
    if (s == UA_ENOMEM) return s;
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

/* ---- natural points ------------------------------------------------------------------------ */

/* Per piece of length L, the 2L + 1 (at least 17) Chebyshev points of the second kind: they hold
 * the interpolation grid's points and the points halfway (in angle) between them, near where an
 * interpolant's error peaks; the breakpoints are among them. In x, also for the log map. */
static ua_status cheb_natural_points(const void *state, double **pts, size_t *n, int *log_grid)
{
    const ua_cheb *c = state;
    if (!c || !pts || !n) return UA_ERR(UA_EINVAL, "cheb natural points: NULL argument");
    *pts = NULL;
    *n = 0;
    size_t total = 0, cap = (size_t)1 << 22; /* bounded work for the caller */
    for (size_t i = 0; i < c->npieces; i++) {
        size_t L = c->offset[i + 1] - c->offset[i], m = L < 8 ? 17 : 2 * L + 1;
        if (m > cap - total) m = 0;
        total += m;
    }
    double *out = ua_calloc(total ? total : 1, sizeof *out);
    if (!out) return UA_ENOMEM_ERR(total * sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < c->npieces; i++) {
        size_t L = c->offset[i + 1] - c->offset[i], m = L < 8 ? 17 : 2 * L + 1;
        if (m > total - k) break;
        ua_cheb_points_on(m, c->lo[i], c->hi[i], out + k);
        if (c->map == UA_MAP_LOG) {
            for (size_t j = 1; j + 1 < m; j++) out[k + j] = exp(out[k + j]);
            out[k] = c->breaks[i];
            out[k + m - 1] = c->breaks[i + 1];
        }
        k += m;
    }
    *pts = out;
    *n = k;
    if (log_grid) *log_grid = c->map == UA_MAP_LOG;
    return UA_OK;
}

const ua_family ua_family_cheb = {
    .name = "cheb",
    .summary = "adaptive (piecewise) Chebyshev interpolation of 1-D formulas and functions, "
               "resolved to about machine precision (Chebfun's construction); least squares "
               "from 1-D samples",
    .doc = "docs/cheb.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA) | UA_ACCEPTS(UA_PROBLEM_FUNCTION) |
               UA_ACCEPTS(UA_PROBLEM_SAMPLES), /* samples: least squares (lsq.c) */
    .min_dim = 1,
    .max_dim = 1,
    .options = ua_cheb_option_spec,
    .noptions = UA_CHEB_NOPTIONS,
    .fit = ua_cheb_family_fit,
    .free = cheb_free,
    .predict = cheb_predict,
    .save = cheb_save,
    .load = cheb_load,
    .export_c = ua_cheb_export_c,
    .describe = cheb_describe,
    .natural_points = cheb_natural_points,
    .pieces = ua_cheb_pieces,
};
