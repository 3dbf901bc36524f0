/*
 * src/libm/erf.c — the erff generator of `uniapprox libm`.
 *
 * The generated function computes in double and rounds once to float (erf is odd: it works on
 * |x| and restores the sign):
 *   - NaN gives NaN; |x| >= S, the least float whose erf rounds to 1 (found with MPFR when the
 *     code is generated, about 3.92), gives +-1 (+-Inf included);
 *   - |x| < 1/2: erf(x) = x P(x^2), a minimax odd polynomial with double coefficients, relative
 *     error (+-0 stay themselves; subnormals come out as 2/sqrt(pi) x rounded once);
 *   - 1/2 <= |x| < 4: PIECES polynomials on intervals of width 1/4, each a minimax polynomial in
 *     t = (|x| - mid) * 8 in [-1, 1] with double coefficients, absolute error (erf >= 0.52 there,
 *     so relative error at most twice that), all of the least common degree meeting the error
 *     goal. A piecewise core instead of erfc's exp(-x^2) R(x): erf is near 1 on the whole range,
 *     so no cancellation is to be avoided, and a table lookup costs less than an exp.
 */
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/internal.h"
#include "libm/internal.h"

#define SMALL 0.5
#define PIECES 14        /* [1/2, 4) in steps of 1/4 */
#if PIECES > 16
#error "erff: the AVX-512F kernel reads the table by 16-entry permutes"
#endif
#define PIECE_TOL 0x1p-36 /* absolute */

/* What the vector body of erff needs. */
typedef struct {
    const char *name;
    const ua_libm_trig_poly *p0;
    int deg;
    double scale;
    uint32_t satb;
    const ua_libm_trig_poly *pp; /* the PIECES pieces (shift: the centre; c: the coefficients) */
} erf_vctx;

/* The vector kernel body: both ranges computed in every lane, then selected; the piece's
 * centre and coefficients gathered (the piece index clamped to the table for the lanes that
 * do not use it). */
static void emit_erf_vbody(FILE *out, const void *ctx)
{
    const erf_vctx *v = ctx;
    ua_libm_emit_odd_vhead(out);
    fprintf(out, "    VD lo = ax * ");
    ua_libm_trig_horner(out, "z", v->p0->c, v->p0->n);
    fprintf(out,
            ";\n"
            "    VD fi = (ax - %a) * 4;\n"
            "    fi = V_SELD(fi < %d.0, fi, V_SPLAT(%d.0));\n"
            "    fi = V_SELD(fi > 0.0, fi, V_SPLAT(0.0)); /* NaN too */\n"
            "    VI i = __builtin_convertvector(fi, VI);\n",
            SMALL, PIECES - 1, PIECES - 1);
    int nc = v->deg + 1;
    /* AVX2 (4 lanes): each lane's row of coefficients read 4 at a time and transposed (two
     * shuffle stages), the rest element by element: a gather of doubles is slow on some CPUs
     * (AMD); AVX-512 (8 lanes): the table by columns (PIECES <= 16 rows, padded with zeros),
     * each column read by one two-register permute (vpermt2pd) instead of a gather (nine
     * gathers measured slower than the AVX2 kernel on an AMD Zen 5): the same doubles */
    fprintf(out, "#if V_W == 4\n"
                 "    VI ic = i * %d;\n"
                 "    const double *c = &%s_c[0][0];\n", nc, v->name);
    for (int k = 0; k < nc; k++) fprintf(out, "    VD c%d;\n", k);
    for (int k0 = 0; k0 + 4 <= nc; k0 += 4) {
        fprintf(out, "    {\n        VD r0, r1, r2, r3;\n");
        for (int l = 0; l < 4; l++)
            fprintf(out, "        memcpy(&r%d, c + ic[%d] + %d, sizeof r%d);\n", l, l, k0, l);
        fprintf(out,
                "        VD t0 = UA_SHUF4(r0, r1, 0, 4, 2, 6);\n"
                "        VD t1 = UA_SHUF4(r0, r1, 1, 5, 3, 7);\n"
                "        VD t2 = UA_SHUF4(r2, r3, 0, 4, 2, 6);\n"
                "        VD t3 = UA_SHUF4(r2, r3, 1, 5, 3, 7);\n"
                "        c%d = UA_SHUF4(t0, t2, 0, 1, 4, 5);\n"
                "        c%d = UA_SHUF4(t1, t3, 0, 1, 4, 5);\n"
                "        c%d = UA_SHUF4(t0, t2, 2, 3, 6, 7);\n"
                "        c%d = UA_SHUF4(t1, t3, 2, 3, 6, 7);\n    }\n",
                k0, k0 + 1, k0 + 2, k0 + 3);
    }
    for (int k = nc - nc % 4; k < nc; k++)
        fprintf(out, "    c%d = (VD){c[ic[0] + %d], c[ic[1] + %d], c[ic[2] + %d], c[ic[3] + %d]};\n",
                k, k, k, k, k);
    fprintf(out, "    VD t = (ax - (VD){%s_mid[i[0]], %s_mid[i[1]], %s_mid[i[2]], %s_mid[i[3]]})"
                 " * %a;\n#else\n",
            v->name, v->name, v->name, v->name, v->scale);
    /* cc[0]: the centres; cc[k + 1]: the coefficients of t^k */
    fprintf(out, "    static const double cc[%d][16] = {\n", nc + 1);
    for (int k = 0; k <= nc; k++) {
        fprintf(out, "        {");
        for (int r = 0; r < 16; r++)
            fprintf(out, "%s%a", r ? ", " : "",
                    r >= PIECES ? 0.0 : k == 0 ? v->pp[r].shift : v->pp[r].c[k - 1]);
        fprintf(out, "},\n");
    }
    fprintf(out, "    };\n"
                 "    __m512i i8 = _mm512_cvtepi32_epi64((__m256i)i);\n");
    for (int k = 0; k <= nc; k++)
        fprintf(out, "    VD %s%d = (VD)_mm512_permutex2var_pd(_mm512_loadu_pd(cc[%d]), i8, "
                     "_mm512_loadu_pd(cc[%d] + 8));\n",
                k ? "c" : "mid", k ? k - 1 : 0, k, k);
    fprintf(out, "    VD t = (ax - mid0) * %a;\n#endif\n", v->scale);
    fprintf(out, "    VD hi = c%d;\n", v->deg);
    for (int k = v->deg - 1; k >= 0; k--) fprintf(out, "    hi = hi * t + c%d;\n", k);
    ua_libm_emit_odd_vtail(out, "lo", "hi", SMALL, v->satb);
}

static ua_status gen_erff(const ua_libm_func *self, FILE *out,
                          const ua_libm_options *opt)
{
    const char *name;
    ua_status st = ua_libm_begin(self, out, opt, &name);
    if (st != UA_OK) return st;
    int monos[UA_LIBM_TRIG_MAXC];
    ua_libm_trig_poly p0;
    st = ua_libm_trig_fit_least("erf(x)", 0x1p-20, SMALL, 1, 2, 4, 12, 1, 0x1p-33, &p0);
    if (st != UA_OK) return st;
    ua_libm_trig_poly *pp = malloc(sizeof(ua_libm_trig_poly) * PIECES);
    if (!pp) return UA_ERR(UA_ENOMEM, "erff: out of memory");
    size_t deg = 5;
    for (;; deg++) {
        for (size_t i = 0; i <= deg; i++) monos[i] = (int)i;
        st = UA_OK;
        for (int k = 0; k < PIECES && st == UA_OK; k++)
            st = ua_libm_trig_fit("erf(x)", SMALL + 0.25 * k, SMALL + 0.25 * (k + 1), monos,
                                  deg + 1, 0, PIECE_TOL, &pp[k]);
        if (st != UA_ENOTRESOLVED || deg >= 14) break;
    }
    if (st != UA_OK) {
        free(pp);
        return st;
    }
    double worst = 0;
    for (int k = 0; k < PIECES; k++) worst = pp[k].error > worst ? pp[k].error : worst;
    float sat = ua_libm_trig_saturation(mpfr_erf, 1.0f, 8.0f);
    uint32_t satb;
    memcpy(&satb, &sat, sizeof satb);

    fprintf(out,
            "/* %s(x) = erf(x) for float x, generated by uniapprox libm erff.\n"
            " * Computed in double, rounded once to float.\n"
            " * |x| < 1/2: x P(x^2), minimax degree %d,\n"
            " * relative error %.3g; 1/2 <= |x| < %a (where erf rounds to 1): %d polynomials of\n"
            " * degree %d on intervals of width 1/4 in t = (|x| - mid) 8, absolute error %.3g at\n"
            " * most (errors measured by the minimax fits). */\n"
            UA_LIBM_INCLUDES,
            name, 2 * (int)p0.n - 1, p0.error, (double)sat, PIECES, (int)deg, worst);
    fprintf(out, "static const double %s_mid[%d] = {", name, PIECES);
    for (int k = 0; k < PIECES; k++) fprintf(out, "%s%a", k ? ", " : "", pp[k].shift);
    fprintf(out, "};\n/* coefficients of t^0 .. t^%d of each piece */\n"
                 "static const double %s_c[%d][%d] = {\n",
            (int)deg, name, PIECES, (int)deg + 1);
    for (int k = 0; k < PIECES; k++) {
        fprintf(out, "    {");
        ua_libm_trig_print_coeffs(out, pp[k].c, deg + 1);
        fprintf(out, "},\n");
    }
    fprintf(out, "};\n\n");
    ua_libm_emit_odd_head(out, name, "erf", satb, sat, SMALL);
    ua_libm_trig_horner(out, "z", p0.c, p0.n);
    fprintf(out,
            "));\n"
            "    }\n"
            "    int i = (int)((ax - %a) * 4); /* exact: the piece of width 1/4 */\n"
            "    const double *c = %s_c[i];\n"
            "    double t = (ax - %s_mid[i]) * %a;\n"
            "    double p = c[%d];\n",
            SMALL, name, name, pp[0].scale, (int)deg);
    fprintf(out, "    for (int k = %d; k >= 0; k--) p = p * t + c[k];\n", (int)deg - 1);
    fprintf(out, "    return (float)(s * p);\n}\n");
    erf_vctx v = {name, &p0, (int)deg, pp[0].scale, satb, pp};
    ua_libm_emit_entry_points(out, name, opt, emit_erf_vbody, &v);
    free(pp);
    return ferror(out) ? UA_ERR(UA_EIO, "%s: write error", name) : UA_OK;
}

/* ua_libm_func.emit: the generator under the check of the C name (common.c). */
static ua_status emit_erff(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    return ua_libm_emit_named(f, out, opt, gen_erff);
}

const ua_libm_func ua_libm_erff = {
    "erff", "odd minimax polynomial for |x| < 1/2, 14 minimax pieces of width 1/4 on [1/2, 4), "
            "+-1 where erf rounds to it; in double",
    "erf(x)", emit_erff, NULL};
