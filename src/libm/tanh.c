/*
 * src/libm/tanh.c — the tanhf generator of `uniapprox libm`.
 *
 * The generated function computes in double and rounds once to float (tanh is odd: it works on
 * |x| and restores the sign):
 *   - NaN gives NaN; |x| >= S, the least float whose tanh rounds to 1 (found with MPFR when the
 *     code is generated, about 9.01), gives +-1 (+-Inf included);
 *   - |x| < 1/16: tanh(x) = x P(x^2), a minimax odd polynomial with double coefficients,
 *     relative error (so +-0 and the subnormals come out as themselves: tanh(x) rounds to x);
 *   - 1/16 <= |x| < S: tanh(x) = 1 - 2 / (e^(2x) + 1) (cancellation at most a factor 16 at
 *     x = 1/16), with e^y = 2^(k/32) e^r, k = round(32 y / ln 2), r = y - k ln2/32 in two parts
 *     (the first 42 bits, so that k ln2/32 and the subtraction are exact), 2^(j/32) from a table
 *     computed with MPFR, e^r a minimax polynomial on [-ln2/64, ln2/64] (the table-driven method
 *     of P. T. P. Tang, "Table-driven implementation of the exponential function in IEEE
 *     floating-point arithmetic", ACM TOMS 15(2), 1989).
 * --fma (ua_libm_options.fma, both accuracies): explicit fused multiply-adds, UA_FMA in the scalar
 * code (C99 fma: exactly rounded, the same bits on every machine) and vfmadd in the kernels (the
 * scalar function's bits): k from fma(y, 32/ln2, 1.5 2^52), r = fma(-k, L2, fma(-k, L1, y)) with
 * ln2/32 in two 53-bit parts (the inner fma exact: see constants), both polynomials by Horner
 * fmas. The scalar function is fast only where the compiler inlines fma (-mfma, -march=x86-64-v3
 * or native); elsewhere each fma is a call to libm's.
 */
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
#include <string.h>
#include "core/internal.h"
#include "libm/internal.h"

#define SMALL 0.0625
#define TOL 0x1p-36

/* tab[j] = 2^(j/32) rounded to double; ln2/32 in a head of `bits` bits and a tail; 32/ln2.
 * bits = 42 (no FMA): k L1 is exact for k < 2^11 and so is y - k L1 (Sterbenz).
 * bits = 53 (--fma): fma(-k, L1, y) is exact: y = 2|x| >= 1/8 is a multiple of 2^-26, k L1 of
 * 2^-58 (L1 in [2^-6, 2^-5)), and |y - k L1| <= ln2/64 + k 2^-59 < 2^-6 (k < 1024), so the
 * difference is a multiple of 2^-58 below 2^52 of them: it fits in 53 bits. */
static void constants(double tab[32], double l[3], int bits)
{
    mpfr_t v, t;
    mpfr_inits2(200, v, t, (mpfr_ptr)0);
    for (int j = 0; j < 32; j++) {
        mpfr_set_ui(v, (unsigned long)j, MPFR_RNDN);
        mpfr_div_2ui(v, v, 5, MPFR_RNDN);
        mpfr_exp2(v, v, MPFR_RNDN);
        tab[j] = mpfr_get_d(v, MPFR_RNDN);
    }
    mpfr_const_log2(v, MPFR_RNDN);
    mpfr_div_2ui(v, v, 5, MPFR_RNDN);
    mpfr_set_prec(t, bits);
    mpfr_set(t, v, MPFR_RNDN);
    l[0] = mpfr_get_d(t, MPFR_RNDN);
    mpfr_set_prec(t, 200);
    mpfr_set_d(t, l[0], MPFR_RNDN);
    mpfr_sub(t, v, t, MPFR_RNDN);
    l[1] = mpfr_get_d(t, MPFR_RNDN);
    mpfr_ui_div(t, 1, v, MPFR_RNDN);
    l[2] = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clears(v, t, (mpfr_ptr)0);
}

/* What the vector body of tanhf needs. */
typedef struct {
    const char *name;
    const ua_libm_trig_poly *pt, *pe;
    const double *l;
    uint32_t satb;
    int fma; /* --fma: TH_VFMA (vfmadd, the scalar UA_FMA lane by lane) */
} tanh_vctx;

/* The vector kernel body: both ranges computed in every lane, then selected (the scalar
 * function's operations lane by lane; the table load as a gather). */
static void emit_tanh_vbody(FILE *out, const void *ctx)
{
    const tanh_vctx *v = ctx;
    if (!v->fma) {
        ua_libm_emit_odd_vhead(out);
        fprintf(out, "    VD lo = ax * ");
        ua_libm_trig_horner(out, "z", v->pt->c, v->pt->n);
        fprintf(out,
                ";\n"
                "    VD y = 2 * ax;\n"
                "    VD t = y * %a + 0x1.8p52;\n"
                "    VD k = t - 0x1.8p52;\n"
                "    VU ki = (VU)t & 0xfffffu;\n"
                "    VD r = (y - k * %a) - k * %a;\n"
                "    VD sc = (VD)(((ki >> 5) + 1023) << 52);\n"
                "    VD e = sc * (V_GATHER64(%s_exp2tab, ki & 31) * ",
                v->l[2], v->l[0], v->l[1], v->name);
        ua_libm_trig_horner(out, "r", v->pe->c, v->pe->n);
        fprintf(out, ");\n    VD hi = 1.0 - 2.0 / (e + 1.0);\n");
        ua_libm_emit_odd_vtail(out, "lo", "hi", SMALL, v->satb);
        return;
    }
    fprintf(out, "#if V_W == 4\n"
                 "#define TH_VFMA(a, b, c) ((VD)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))\n"
                 "#else\n"
                 "#define TH_VFMA(a, b, c) ((VD)_mm512_fmadd_pd((__m512d)(a), (__m512d)(b), (__m512d)(c)))\n"
                 "#endif\n");
    ua_libm_emit_odd_vhead(out);
    fprintf(out, "    VD lo = ax * ");
    ua_libm_emit_horner_fma(out, "z", v->pt->c, v->pt->n, "TH_VFMA", 1);
    fprintf(out,
            ";\n"
            "    VD y = 2 * ax;\n"
            "    VD t = TH_VFMA(y, V_SPLAT(%a), V_SPLAT(0x1.8p52));\n"
            "    VD k = t - 0x1.8p52;\n"
            "    VU ki = (VU)t & 0xfffffu;\n"
            "    VD r = TH_VFMA(k, V_SPLAT(%a), TH_VFMA(k, V_SPLAT(%a), y));\n"
            "    VD sc = (VD)(((ki >> 5) + 1023) << 52);\n"
            "#if V_W == 8 /* the 32 entries in 4 registers: two 16-entry permutes and a blend */\n"
            "    VD tj = V_SELD((ki & 16) != 0,\n"
            "                   (VD)_mm512_permutex2var_pd(_mm512_loadu_pd(%s_exp2tab + 16), (__m512i)ki,\n"
            "                                              _mm512_loadu_pd(%s_exp2tab + 24)),\n"
            "                   (VD)_mm512_permutex2var_pd(_mm512_loadu_pd(%s_exp2tab), (__m512i)ki,\n"
            "                                              _mm512_loadu_pd(%s_exp2tab + 8)));\n"
            "#else\n"
            "    VD tj = V_GATHER64(%s_exp2tab, ki & 31);\n"
            "#endif\n"
            "    VD e = sc * (tj * ",
            v->l[2], -v->l[1], -v->l[0], v->name, v->name, v->name, v->name, v->name);
    ua_libm_emit_horner_fma(out, "r", v->pe->c, v->pe->n, "TH_VFMA", 1);
    fprintf(out, ");\n    VD hi = 1.0 - 2.0 / (e + 1.0);\n");
    ua_libm_emit_odd_vtail(out, "lo", "hi", SMALL, v->satb);
    fprintf(out, "#undef TH_VFMA\n");
}

static ua_status gen_tanhf(const ua_libm_func *self, FILE *out,
                           const ua_libm_options *opt)
{
    const char *name;
    ua_status st = ua_libm_begin(self, out, opt, &name);
    if (st != UA_OK) return st;
    ua_libm_trig_poly pt, pe;
    st = ua_libm_trig_fit_least("tanh(x)", 0x1p-20, SMALL, 1, 2, 3, 10, 1, 0x1p-33, &pt);
    if (st != UA_OK) return st;
    double h = 0.0109; /* ln2/64 = 0.010830 plus room for k rounded the other way */
    st = ua_libm_trig_fit_least("exp(x)", -h, h, 0, 1, 3, 10, 0, 0x1p-42, &pe);
    if (st != UA_OK) return st;
    double tab[32], l[3];
    constants(tab, l, opt->fma ? 53 : 42);
    float sat = ua_libm_trig_saturation(mpfr_tanh, 1.0f, 20.0f);
    uint32_t satb;
    memcpy(&satb, &sat, sizeof satb);

    fprintf(out,
            "/* %s(x) = tanh(x) for float x, generated by uniapprox libm tanhf%s.\n"
            " * Computed in double, rounded once to float.\n"
            " * |x| < 1/16: x P(x^2), minimax degree %d,\n"
            " * relative error %.3g; 1/16 <= |x| < %a (where tanh rounds to 1): 1 - 2/(e^2x + 1),\n"
            " * e^y = 2^(k/32) e^r, e^r minimax degree %d on [-ln2/64, ln2/64], absolute error\n"
            " * %.3g (errors measured by the minimax fit). */\n"
            "%s"
            UA_LIBM_INCLUDES,
            name, opt->fma ? " --fma" : "", 2 * (int)pt.n - 1, pt.error, (double)sat,
            (int)pe.n - 1, pe.error,
            opt->fma
                ? "/* --fma: the reduction y - k ln2/32 (ln2/32 in two 53-bit parts) and both\n"
                  " * polynomials use fused multiply-adds (UA_FMA, C99 fma: exactly rounded, so the bits\n"
                  " * are the same on every machine, and the vector kernels' vfmadd give the scalar\n"
                  " * function's bits). Fast only where the compiler inlines fma (-mfma,\n"
                  " * -march=x86-64-v3 or native); elsewhere each UA_FMA is a call to libm's fma (link\n"
                  " * with -lm). */\n"
                : "");
    if (opt->fma) ua_libm_emit_fma(out);
    fprintf(out, "/* 2^(j/32), j = 0..31 (MPFR, rounded to double) */\n"
                 "static const double %s_exp2tab[32] = {\n    ", name);
    for (int j = 0; j < 32; j++)
        fprintf(out, "%a%s", tab[j], j == 31 ? "\n};\n\n" : (j % 4 == 3 ? ",\n    " : ", "));
    ua_libm_emit_odd_head(out, name, "tanh", satb, sat, SMALL);
    if (opt->fma) {
        ua_libm_emit_horner_fma(out, "z", pt.c, pt.n, "UA_FMA", 0);
        fprintf(out,
                "));\n"
                "    }\n"
                "    double y = 2 * ax;\n"
                "    double t = UA_FMA(y, %a, 0x1.8p52); /* k = round(32 y / ln2) in the low bits */\n"
                "    double k = t - 0x1.8p52;\n"
                "    uint64_t tb;\n"
                "    memcpy(&tb, &t, sizeof tb);\n"
                "    uint64_t ki = tb & 0xfffffu; /* 0 <= k < 1024 */\n"
                "    /* y - k L1 exact (L1 53 bits; the fma's product exact), one rounding after */\n"
                "    double r = UA_FMA(k, %a, UA_FMA(k, %a, y));\n"
                "    uint64_t sb = (uint64_t)((ki >> 5) + 1023) << 52;\n"
                "    double sc;\n"
                "    memcpy(&sc, &sb, sizeof sc);\n"
                "    double e = sc * (%s_exp2tab[ki & 31] * ",
                l[2], -l[1], -l[0], name);
        ua_libm_emit_horner_fma(out, "r", pe.c, pe.n, "UA_FMA", 0);
    } else {
        ua_libm_trig_horner(out, "z", pt.c, pt.n);
        fprintf(out,
                "));\n"
                "    }\n"
                "    double y = 2 * ax;\n"
                "    double t = y * %a + 0x1.8p52; /* k = round(32 y / ln2) in the low bits */\n"
                "    double k = t - 0x1.8p52;\n"
                "    uint64_t tb;\n"
                "    memcpy(&tb, &t, sizeof tb);\n"
                "    uint64_t ki = tb & 0xfffffu; /* 0 <= k < 1024 */\n"
                "    double r = (y - k * %a) - k * %a;\n"
                "    uint64_t sb = (uint64_t)((ki >> 5) + 1023) << 52;\n"
                "    double sc;\n"
                "    memcpy(&sc, &sb, sizeof sc);\n"
                "    double e = sc * (%s_exp2tab[ki & 31] * ",
                l[2], l[0], l[1], name);
        ua_libm_trig_horner(out, "r", pe.c, pe.n);
    }
    fprintf(out, ");\n"
                 "    return (float)(s * (1.0 - 2.0 / (e + 1.0)));\n}\n");
    tanh_vctx v = {name, &pt, &pe, l, satb, opt->fma};
    ua_libm_emit_entry_points(out, name, opt, emit_tanh_vbody, &v);
    return ferror(out) ? UA_ERR(UA_EIO, "%s: write error", name) : UA_OK;
}

/* ua_libm_func.emit: the generator under the check of the C name (common.c). */
static ua_status emit_tanhf(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    return ua_libm_emit_named(f, out, opt, gen_tanhf);
}

const ua_libm_func ua_libm_tanhf = {
    "tanhf", "odd minimax polynomial for |x| < 1/16, 1 - 2/(e^2x + 1) with a table-driven e^y "
             "above, +-1 where tanh rounds to it; in double",
    "tanh(x)", emit_tanhf, NULL};
