/*
 * The `cheb` family's C export (the vtable's export_c, src/model/family.h), written with the
 * shared emitter (src/emit/emit.h): one function `T name(T x)`, NaN outside the domain. Uniform
 * pieces with short series: a (P, stride) table of monomial coefficients evaluated by Estrin's
 * scheme; otherwise Clenshaw's recurrence with the library's operations (the double export equals
 * ua_cheb_eval bitwise).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>

#include "core/internal.h"
#include "emit/emit.h"
#include "internal.h"

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

/* r *= scale, held at +-DBL_MAX (FLT_MAX in float), as ua_cheb_apply. */
static void emit_scale(const ua_emit *e, const ua_cheb *c, const char *ind)
{
    const char *big = e->fl ? "0x1.fffffep+127f" : "0x1.fffffffffffffp+1023"; /* the largest */
    fprintf(e->out, "%sr *= ", ind);
    ua_emit_const(e, c->scale);
    fprintf(e->out, "; /* the series is that of f / scale (a power of two) */\n"
                    "%sif (r > %s) r = %s;\n%sif (r < -%s) r = -%s;\n",
            ind, big, big, ind, big, big);
}

ua_status ua_cheb_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    const ua_cheb *c = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "cheb", state, type, name, out);
    if (st) return st;
    const int fl = e.fl;
    const char *T = e.T, *one = fl ? "1.0f" : "1.0";
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

    if (use_mono) ua_emit_mac(&e); /* fma where the hardware has it */
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
        ua_emit_table(&e, use_mono ? "m" : "c", tab, P, stride);
        free(pad);
        double dom[2] = {c->breaks[0], c->breaks[P]};
        ua_emit_array(&e, "br", dom, 2);
        fprintf(out, "\n%s %s(%s x)\n{\n", T, name, T);
        fprintf(out, "    if (!(x >= %s_br[0] && x <= %s_br[1])) return NAN; /* outside, or NaN */\n",
                name, name);
        if (c->map == UA_MAP_LOG) fprintf(out, "    %s t = %s(x);\n", T, fl ? "logf" : "log");
        else fprintf(out, "    %s t = x;\n", T);
        /* the piece by arithmetic, as ua_cheb_eval: u = (t - t_a) P / (t_b - t_a) */
        fprintf(out, "    %s u = (t - (", T);
        ua_emit_const(&e, c->u_t0);
        fputs(")) * ", out);
        ua_emit_const(&e, c->u_scale);
        fprintf(out, ";\n    int i = (int)u;\n    if (i > %zu) i = %zu;\n    if (i < 0) i = 0;\n"
                     "    %s s = (u - (%s)i) * %s - %s;\n",
                P - 1, P - 1, T, T, fl ? "2.0f" : "2.0", one);
        if (use_mono) {
            fprintf(out, "    const %s *m = %s_m[i];\n", T, name);
            ua_emit_estrin(&e, "    ", "m", stride, "s", "r");
        } else { /* uniform, Clenshaw: the library's operations; the zero padding is exact */
            char top[32];
            snprintf(top, sizeof top, "%zu", stride - 1);
            fprintf(out, "    const %s *c = %s_c[i];\n", T, name);
            ua_emit_clenshaw(&e, "    ", "c", top, "s", "r");
        }
        if (c->scale != 1.0) emit_scale(&e, c, "    ");
        fputs("    return r;\n}\n", out);
        free(keep);
        free(koff);
        free(kc);
        free(mono);
        if (ferror(out)) return UA_ERR(UA_EIO, "cheb export: write failed");
        return UA_OK;
    }
    free(mono);

    ua_emit_array(&e, "br", c->breaks, P + 1);
    ua_emit_array(&e, "lo", c->lo, P);
    ua_emit_array(&e, "hi", c->hi, P);
    ua_emit_array(&e, "iw", c->inv_width, P);
    if (chain) {
        for (size_t i = 0; i < P; i++) {
            char suffix[32];
            snprintf(suffix, sizeof suffix, "c%zu", i);
            ua_emit_array(&e, suffix, kc + koff[i], keep[i]);
        }
    } else {
        ua_emit_array(&e, "c", kc, koff[P]);
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
            "    if (s > %s) s = %s;\n",
            T, name, T, T, T, T, T, T, one, one, one, one);
    ua_emit_clenshaw(&e, "    ", "c", "n - 1", "s", "r");
    fputs("    return r;\n}\n\n", out);
    /* the factors of ua_cheb_apply: the root factor (computed in double, the root being a
     * double and the rest of it), then the scale */
    const int factors = c->roots || c->scale != 1.0;
    if (c->roots) {
        fprintf(out, "static const double %s_rt[%zu] = {", name, 2 * P);
        for (size_t i = 0; i < 2 * P; i++) {
            if (isnan(c->roots[i])) fprintf(out, "%sNAN", i ? ", " : "");
            else fprintf(out, "%s%a", i ? ", " : "", c->roots[i]);
        }
        fputs("};\n", out);
    }
    if (factors) {
        fprintf(out, "static inline %s %s_apply(int i, %s x, %s r)\n{\n", T, name, T, T);
        if (c->roots)
            fprintf(out, "    if (%s_rt[2 * i] == %s_rt[2 * i]) /* a root factor */\n"
                         "        r *= (%s)(((double)x - %s_rt[2 * i]) - %s_rt[2 * i + 1]);\n",
                    name, name, T, name, name);
        else fputs("    (void)i;\n    (void)x;\n", out);
        if (c->scale != 1.0) emit_scale(&e, c, "    ");
        fputs("    return r;\n}\n\n", out);
    }
    fprintf(out, "%s %s(%s x)\n{\n", T, name, T);
    fprintf(out, "    if (!(x >= %s_br[0] && x <= %s_br[%zu])) return NAN; /* outside, or NaN */\n",
            name, name, P);
    if (c->map == UA_MAP_LOG) fprintf(out, "    %s t = %s(x);\n", T, fl ? "logf" : "log");
    else fprintf(out, "    %s t = x;\n", T);
    if (chain) {
        for (size_t i = 0; i < P; i++) {
            size_t n = keep[i];
            if (i + 1 < P) fprintf(out, "    if (x < %s_br[%zu])\n    ", name, i + 1);
            fputs("    ", out);
            if (factors) fprintf(out, "return %s_apply(%zu, x, ", name, i);
            else fputs("return ", out);
            fprintf(out, "%s_piece(%s_c%zu, %zu, t, %s_lo[%zu], %s_hi[%zu], %s_iw[%zu])%s;\n",
                    name, name, i, n, name, i, name, i, name, i, factors ? ")" : "");
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
                "    %s r = %s_piece(%s_c + %s_off[lo], %s_off[lo + 1] - %s_off[lo], t, %s_lo[lo], "
                "%s_hi[lo], %s_iw[lo]);\n",
                P, name, T, name, name, name, name, name, name, name, name);
        if (factors) fprintf(out, "    return %s_apply(lo, x, r);\n", name);
        else fputs("    return r;\n", out);
    }
    fputs("}\n", out);
    free(keep);
    free(koff);
    free(kc);
    if (ferror(out)) return UA_ERR(UA_EIO, "cheb export: write failed");
    return UA_OK;
}

