/*
 * The `cheb` family vtable: predict, save / load through the safetensors container, C export and
 * description (src/model/family.h).
 *
 * Tensors: "breaks" F64 (P + 1,) in x, "lengths" I64 (P,), "coeffs" F64 (sum of lengths,).
 * Metadata: "map" = "none" | "log", "resolved" = "1" | "0", "uniform" = "1" (uniform pieces; absent
 * or "0" otherwise).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>

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
    if (!s && c->uniform) s = ua_st_set_meta(st, "uniform", "1");
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
    const char *uni = ua_st_meta(st, "uniform");
    if (uni && strcmp(uni, "0") != 0 && strcmp(uni, "1") != 0) {
        ua_cheb_free(c);
        return UA_ERR(UA_EFORMAT, "cheb model: metadata 'uniform' must be \"0\" or \"1\"");
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

/* Monomial form of short pieces (docs/cheb.md, "Speed"): p(s) = sum_j m_j s^j on [-1, 1], used
 * when every piece has at most MONO_MAX_LENGTH coefficients and sum_j |m_j| <= MONO_GROWTH V
 * (V = max over pieces of sum_k |c_k|, the scale Clenshaw's own error bound refers to): then
 * the once-rounded coefficients and the evaluation (|s| <= 1) err by at most a few
 * u sum_j |m_j| <= 2 MONO_GROWTH u V, the size of Clenshaw's rounding error, and well within
 * the default tol 2^-52 times a scale of order V. */
#define MONO_MAX_LENGTH 24
#define MONO_GROWTH 2.0

/* m (n,) := the monomial coefficients of sum_{k<n} c_k T_k(s), n <= MONO_MAX_LENGTH. The
 * coefficients of T_k are integers below 2^40 here, so in MPFR at 192 bits every product and sum
 * is exact; each m_j is rounded once, to double or (fl) to float. Returns sum_j |m_j| (rounded
 * values), or -1 when MPFR cannot allocate. */
static double cheb_to_monomial(const double *c, size_t n, int fl, double *m)
{
    int64_t t[MONO_MAX_LENGTH][MONO_MAX_LENGTH];
    memset(t, 0, sizeof t);
    t[0][0] = 1;
    if (n > 1) t[1][1] = 1;
    for (size_t k = 2; k < n; k++) /* T_k = 2 s T_{k-1} - T_{k-2} */
        for (size_t j = 0; j <= k; j++)
            t[k][j] = (j ? 2 * t[k - 1][j - 1] : 0) - t[k - 2][j];
    mpfr_t acc, term;
    mpfr_inits2(192, acc, term, (mpfr_ptr)0);
    double sum = 0.0;
    for (size_t j = 0; j < n; j++) {
        mpfr_set_zero(acc, 1);
        for (size_t k = j; k < n; k++) {
            if (!t[k][j]) continue;
            mpfr_set_d(term, c[k], MPFR_RNDN);
            mpfr_mul_si(term, term, (long)t[k][j], MPFR_RNDN);
            mpfr_add(acc, acc, term, MPFR_RNDN);
        }
        m[j] = fl ? (double)mpfr_get_flt(acc, MPFR_RNDN) : mpfr_get_d(acc, MPFR_RNDN);
        sum += fabs(m[j]);
    }
    mpfr_clears(acc, term, (mpfr_ptr)0);
    return sum;
}

/* Emits the evaluation of sum_{j<=deg} m[j] s^j by Estrin's scheme into `T r`: pairs
 * m[2j] + m[2j+1] s, then pairs of those with s^2, s^4, ... — depth log2(deg + 1) instead of
 * Horner's deg, so the multiply-adds of one call overlap. F is the fused multiply-add helper. */
static void emit_estrin(FILE *out, const char *T, const char *F, size_t deg)
{
    size_t n = deg + 1, level = 0;
    if (n == 1) {
        fprintf(out, "    %s r = m[0];\n", T);
        return;
    }
    /* level 0: the coefficients themselves, named m[j] */
    for (;;) {
        size_t half = (n + 1) / 2;
        const char *pw = level == 0 ? "s" : NULL;
        char pwbuf[32];
        if (!pw) {
            snprintf(pwbuf, sizeof pwbuf, "s%zu", (size_t)1 << level);
            pw = pwbuf;
        }
        if (level >= 1) { /* s^(2^level) from the previous power */
            if (level == 1) fprintf(out, "    %s s2 = s * s;\n", T);
            else fprintf(out, "    %s s%zu = s%zu * s%zu;\n", T, (size_t)1 << level,
                         (size_t)1 << (level - 1), (size_t)1 << (level - 1));
        }
        for (size_t j = 0; j < half; j++) {
            char lo[64], hi[64];
            if (level == 0) {
                snprintf(lo, sizeof lo, "m[%zu]", 2 * j);
                snprintf(hi, sizeof hi, "m[%zu]", 2 * j + 1);
            } else {
                snprintf(lo, sizeof lo, "e%zu_%zu", level - 1, 2 * j);
                snprintf(hi, sizeof hi, "e%zu_%zu", level - 1, 2 * j + 1);
            }
            if (half == 1 && 2 * j + 1 < n) {
                fprintf(out, "    %s r = %s(%s, %s, %s);\n", T, F, hi, pw, lo);
                return;
            }
            if (2 * j + 1 < n) fprintf(out, "    %s e%zu_%zu = %s(%s, %s, %s);\n", T, level, j, F, hi, pw, lo);
            else fprintf(out, "    %s e%zu_%zu = %s;\n", T, level, j, lo);
        }
        n = half;
        level++;
    }
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
     * piece's own scale sum |c_k| (per piece, so that a piece where |f| is small keeps what it
     * needs for accuracy relative to its own size, not just to the largest piece's). Double keeps
     * every coefficient. The float export's accuracy is thus relative to each piece's scale
     * sum |c_k| (about 2^-24 of it, plus float's rounding of t and s), not pointwise relative:
     * where |f| is far below its piece's scale the relative error grows (docs/cheb.md). */
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
    size_t stride = 1; /* the longest kept piece */
    for (size_t i = 0; i < P; i++) {
        size_t n = c->offset[i + 1] - c->offset[i];
        if (fl) {
            double tail = 0.0, own = 0.0;
            for (size_t k = c->offset[i]; k < c->offset[i + 1]; k++) own += fabs(c->coeffs[k]);
            while (n > 1 && tail + fabs(c->coeffs[c->offset[i] + n - 1]) <= 0x1p-27 * own)
                tail += fabs(c->coeffs[c->offset[i] + --n]);
        }
        keep[i] = n;
        koff[i + 1] = koff[i] + n;
        memcpy(kc + koff[i], c->coeffs + c->offset[i], n * sizeof *kc);
        if (n > stride) stride = n;
    }

    /* Monomial form for uniform pieces when every piece qualifies; the (P, stride) table is
     * zero-padded. (Other models keep Clenshaw, whose double export equals the library's value
     * bitwise, a contract the model tests rely on.) */
    double *mono = NULL, worst_growth = 0.0;
    int use_mono = c->uniform && stride <= MONO_MAX_LENGTH &&
                   P <= ((size_t)-1) / sizeof(double) / stride;
    if (use_mono) {
        mono = ua_calloc(P * stride, sizeof *mono);
        if (!mono) {
            free(keep);
            free(koff);
            free(kc);
            return UA_ENOMEM_ERR(P * stride * sizeof *mono);
        }
        for (size_t i = 0; i < P && use_mono; i++) {
            double g = cheb_to_monomial(kc + koff[i], keep[i], fl, mono + i * stride);
            if (!(g >= 0.0 && g <= MONO_GROWTH * scale)) use_mono = 0;
            if (scale > 0.0 && g / scale > worst_growth) worst_growth = g / scale;
        }
    }
    const int uni = c->uniform; /* use_mono implies uni */
    const char *var = c->map == UA_MAP_LOG ? "t = ln x" : "x";

    if (use_mono)
        fprintf(out,
                "\n/* cheb: %zu %spiece%s in %s; on each, a polynomial of degree %zu in the local "
                "variable s in [-1, 1] (monomial basis, converted exactly from the Chebyshev "
                "series and rounded once; sum |m_j| <= %.2f sum |c_k|), evaluated by Estrin's "
                "scheme. */\n\n",
                P, uni ? "uniform " : "", P == 1 ? "" : "s", var, stride - 1, worst_growth);
    else
        fprintf(out, "\n/* cheb: %zu %spiece%s, %zu coefficients, Chebyshev series in %s evaluated by "
                     "Clenshaw's recurrence. */\n\n",
                P, uni ? "uniform " : "", P == 1 ? "" : "s", koff[P], var);
    if (fl)
        fprintf(out,
                "/* float accuracy: about 2^-24 relative to each piece's scale sum |c_k| (the "
                "series' tail below 2^-27 of it is dropped; x, t and s are rounded to float), NOT "
                "pointwise relative: where |f| is far below its piece's scale the relative error "
                "is larger. `uniapprox check MODEL --exhaustive` measures this float export over "
                "every float of the domain. */\n\n");

    if (use_mono) {
        /* fused multiply-add where the hardware has it (C99 FP_FAST_FMA / FP_FAST_FMAF) */
        fprintf(out,
                "static inline %s %s_fma(%s a, %s b, %s c)\n{\n"
                "#ifdef %s\n    return %s(a, b, c);\n#else\n    return a * b + c;\n#endif\n}\n\n",
                T, name, T, T, T, fl ? "FP_FAST_FMAF" : "FP_FAST_FMA", fl ? "fmaf" : "fma");
    }
    if (uni) {
        /* one contiguous (P, stride) table */
        const double *tab = mono;
        double *pad = NULL;
        if (!use_mono) {
            pad = ua_calloc(P * stride, sizeof *pad);
            if (!pad) {
                free(keep);
                free(koff);
                free(kc);
                free(mono);
                return UA_ENOMEM_ERR(P * stride * sizeof *pad);
            }
            for (size_t i = 0; i < P; i++) memcpy(pad + i * stride, kc + koff[i], keep[i] * sizeof *pad);
            tab = pad;
        }
        fprintf(out, "static const %s %s_%s[%zu][%zu] = {", T, name, use_mono ? "m" : "c", P, stride);
        for (size_t i = 0; i < P; i++) {
            fputs("\n    {", out);
            for (size_t k = 0; k < stride; k++) {
                if (k && k % 4 == 0) fputs("\n     ", out);
                put_const(out, tab[i * stride + k], fl);
                if (k + 1 < stride) fputs(", ", out);
            }
            fputs(i + 1 < P ? "}," : "}", out);
        }
        fputs("\n};\n", out);
        free(pad);
        double dom[2] = {c->breaks[0], c->breaks[P]};
        put_array(out, T, name, "br", dom, 2, fl);
        fprintf(out, "\n%s %s(%s x)\n{\n", T, name, T);
        fprintf(out, "    if (!(x >= %s_br[0] && x <= %s_br[1])) return NAN; /* outside, or NaN */\n",
                name, name);
        if (c->map == UA_MAP_LOG) fprintf(out, "    %s t = %s(x);\n", T, fl ? "logf" : "log");
        else fprintf(out, "    %s t = x;\n", T);
        /* the piece by arithmetic, as ua_cheb_eval: u = (t - t_a) P / (t_b - t_a) */
        fprintf(out, "    %s u = (t - (", T);
        put_const(out, c->u_t0, fl);
        fputs(")) * ", out);
        put_const(out, c->u_scale, fl);
        fprintf(out, ";\n    int i = (int)u;\n    if (i > %zu) i = %zu;\n    if (i < 0) i = 0;\n"
                     "    %s s = (u - (%s)i) * %s - %s;\n",
                P - 1, P - 1, T, T, fl ? "2.0f" : "2.0", one);
        char F[160];
        snprintf(F, sizeof F, "%s_fma", name);
        if (use_mono) {
            fprintf(out, "    const %s *m = %s_m[i];\n", T, name);
            emit_estrin(out, T, F, stride - 1);
            fputs("    return r;\n}\n", out);
        } else { /* uniform, Clenshaw: the library's operations; the zero padding is exact */
            fprintf(out,
                    "    const %s *c = %s_c[i];\n"
                    "    %s b1 = %s, b2 = %s, s2 = s + s;\n"
                    "    for (int k = %zu; k >= 1; k--) {\n"
                    "        %s b0 = c[k] + s2 * b1 - b2;\n"
                    "        b2 = b1;\n"
                    "        b1 = b0;\n"
                    "    }\n"
                    "    return c[0] + s * b1 - b2;\n}\n",
                    T, name, T, zero, zero, stride - 1, T);
        }
        free(keep);
        free(koff);
        free(kc);
        free(mono);
        if (ferror(out)) return UA_ERR(UA_EIO, "cheb export: write failed");
        return UA_OK;
    }
    free(mono);

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
