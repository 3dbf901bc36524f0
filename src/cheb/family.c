/*
 * The `cheb` family vtable: predict, save / load through the safetensors container, C export and
 * description (src/model/family.h).
 *
 * Tensors: "breaks" F64 (P + 1,) in x, "lengths" I64 (P,), "coeffs" F64 (sum of lengths,).
 * Metadata: "map" = "none" | "log", "resolved" = "1" | "0".
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

static void cheb_free(void *state) { ua_cheb_free(state); }

static ua_status cheb_predict(const void *state, const double *x, size_t n, double *y)
{
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "cheb predict: NULL arrays");
    for (size_t i = 0; i < n; i++) y[i] = ua_cheb_eval(state, x[i]);
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
    *state = c;
    return UA_OK;
}

/* ---- C export ------------------------------------------------------------------------------ */

/* A constant that reads back exactly: hex float, with an f suffix for float. */
static void put_const(FILE *out, double v, int is_float)
{
    if (is_float) fprintf(out, "%af", (double)(float)v);
    else fprintf(out, "%a", v);
}

static void put_array(FILE *out, const char *type, const char *name, const char *suffix,
                      const double *v, size_t n, int is_float)
{
    fprintf(out, "static const %s %s_%s[%zu] = {", type, name, suffix, n);
    for (size_t k = 0; k < n; k++) {
        fputs(k % 4 ? " " : "\n    ", out);
        put_const(out, v[k], is_float);
        if (k + 1 < n) fputc(',', out);
    }
    fputs("\n};\n", out);
}

static ua_status cheb_export_c(const void *state, ua_export_type type, const char *name,
                               FILE *out)
{
    const ua_cheb *c = state;
    if (!c || !name || !out) return UA_ERR(UA_EINVAL, "cheb export: NULL argument");
    if (type != UA_EXPORT_DOUBLE && type != UA_EXPORT_FLOAT)
        return UA_ERR(UA_EINVAL, "cheb export: unknown scalar type %d", (int)type);
    const int fl = type == UA_EXPORT_FLOAT;
    const char *T = fl ? "float" : "double", *one = fl ? "1.0f" : "1.0", *zero = fl ? "0.0f" : "0.0";
    const size_t P = c->npieces;
    const int chain = P <= 8; /* few pieces: a compare chain; many: binary search */

    /* In float, trailing coefficients far below float's precision only cost time: drop the
     * longest tail whose absolute sum is under 2^-27 (a quarter of float's unit roundoff) of the
     * scale sum |c_k| of the largest piece. Double keeps every coefficient. */
    size_t *keep = ua_calloc(P, sizeof *keep), *koff = ua_calloc(P + 1, sizeof *koff);
    double *kc = ua_calloc(c->offset[P], sizeof *kc);
    if (!keep || !koff || !kc) {
        free(keep);
        free(koff);
        free(kc);
        return UA_ENOMEM_ERR(c->offset[P] * sizeof *kc);
    }
    double scale = 0.0;
    for (size_t i = 0; i < P; i++) {
        double sum = 0.0;
        for (size_t k = c->offset[i]; k < c->offset[i + 1]; k++) sum += fabs(c->coeffs[k]);
        if (sum > scale) scale = sum;
    }
    for (size_t i = 0; i < P; i++) {
        size_t n = c->offset[i + 1] - c->offset[i];
        if (fl) {
            double tail = 0.0;
            while (n > 1 && tail + fabs(c->coeffs[c->offset[i] + n - 1]) <= 0x1p-27 * scale)
                tail += fabs(c->coeffs[c->offset[i] + --n]);
        }
        keep[i] = n;
        koff[i + 1] = koff[i] + n;
        memcpy(kc + koff[i], c->coeffs + c->offset[i], n * sizeof *kc);
    }

    fprintf(out, "\n/* cheb: %zu piece%s, %zu coefficients, Chebyshev series in %s evaluated by "
                 "Clenshaw's recurrence. */\n\n",
            P, P == 1 ? "" : "s", koff[P], c->map == UA_MAP_LOG ? "t = ln x" : "x");
    put_array(out, T, name, "br", c->breaks, P + 1, fl);
    put_array(out, T, name, "lo", c->lo, P, fl);
    put_array(out, T, name, "hi", c->hi, P, fl);
    put_array(out, T, name, "iw", c->inv_width, P, fl);
    if (chain) {
        for (size_t i = 0; i < P; i++) {
            char suffix[32];
            snprintf(suffix, sizeof suffix, "c%zu", i);
            put_array(out, T, name, suffix, kc + koff[i], keep[i], fl);
        }
    } else {
        put_array(out, T, name, "c", kc, koff[P], fl);
        fprintf(out, "static const int %s_off[%zu] = {", name, P + 1);
        for (size_t i = 0; i <= P; i++) fprintf(out, "%s%zu", i ? ", " : "", koff[i]);
        fputs("};\n", out);
    }
    /* The same operations in the same order as ua_cheb_eval, so double results agree bitwise. */
    fprintf(out,
            "\nstatic inline %s %s_piece(const %s *c, int n, %s t, %s lo, %s hi, %s iw)\n"
            "{\n"
            "    %s s = ((t - lo) - (hi - t)) * iw;\n"
            "    if (s < -%s) s = -%s;\n"
            "    if (s > %s) s = %s;\n"
            "    %s b1 = %s, b2 = %s, s2 = s + s;\n"
            "    for (int k = n - 1; k >= 1; k--) {\n"
            "        %s b0 = c[k] + s2 * b1 - b2;\n"
            "        b2 = b1;\n"
            "        b1 = b0;\n"
            "    }\n"
            "    return c[0] + s * b1 - b2;\n"
            "}\n\n",
            T, name, T, T, T, T, T, T, one, one, one, one, T, zero, zero, T);
    fprintf(out, "%s %s(%s x)\n{\n", T, name, T);
    fprintf(out, "    if (!(x >= %s_br[0] && x <= %s_br[%zu])) return NAN; /* outside, or NaN */\n",
            name, name, P);
    if (c->map == UA_MAP_LOG) fprintf(out, "    %s t = %s(x);\n", T, fl ? "logf" : "log");
    else fprintf(out, "    %s t = x;\n", T);
    if (chain) {
        for (size_t i = 0; i < P; i++) {
            size_t n = keep[i];
            if (i + 1 < P) fprintf(out, "    if (x < %s_br[%zu])\n    ", name, i + 1);
            fprintf(out, "    return %s_piece(%s_c%zu, %zu, t, %s_lo[%zu], %s_hi[%zu], %s_iw[%zu]);\n",
                    name, name, i, n, name, i, name, i, name, i);
        }
    } else {
        fprintf(out,
                "    int lo = 0, hi = %zu; /* largest i with br[i] <= x: a breakpoint belongs to the "
                "piece on its right */\n"
                "    while (hi - lo > 1) {\n"
                "        int mid = (lo + hi) / 2;\n"
                "        if (%s_br[mid] <= x) lo = mid;\n"
                "        else hi = mid;\n"
                "    }\n"
                "    return %s_piece(%s_c + %s_off[lo], %s_off[lo + 1] - %s_off[lo], t, %s_lo[lo], "
                "%s_hi[lo], %s_iw[lo]);\n",
                P, name, name, name, name, name, name, name, name, name);
    }
    fputs("}\n", out);
    free(keep);
    free(koff);
    free(kc);
    if (ferror(out)) return UA_ERR(UA_EIO, "cheb export: write failed");
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
    if (!c || !pts || !n) return UA_ERR(UA_EINVAL, "cheb natural_points: NULL argument");
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
    .free = cheb_free,
    .predict = cheb_predict,
    .save = cheb_save,
    .load = cheb_load,
    .export_c = cheb_export_c,
    .describe = cheb_describe,
    .natural_points = cheb_natural_points,
};
