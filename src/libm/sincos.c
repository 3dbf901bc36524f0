/*
 * src/libm/sincos.c — the sinf and cosf generators of `uniapprox libm`.
 *
 * The generated function computes in double and rounds once to float:
 *   - NaN and +-Inf give NaN (x - x);
 *   - |x| < 2^28: Cody–Waite reduction r = x - k pi/2, k = round(x 2/pi), with pi/2 split in
 *     three parts P1 + P2 + P3 (24, 24 and 53 bits): k P1 and k P2 are exact (k < 2^28) and so
 *     are the first two subtractions (the operands are multiples of 2^-24 resp. 2^-49 and the
 *     results below 2^4 resp. 1); only the last one rounds (W. J. Cody and W. Waite, "Software
 *     Manual for the Elementary Functions", 1980, ch. 8);
 *   - |x| >= 2^28: Payne–Hanek reduction (M. Payne and R. Hanek, "Radian reduction for
 *     trigonometric functions", SIGNUM Newsletter 18(1), 1983): x = m 2^e with m a 24-bit integer;
 *     the bits of 2/pi of weight above 2^(2-e) only add multiples of 4 to x 2/pi and are skipped,
 *     the next 96 bits W are multiplied exactly by m (three 24x32-bit products in 64-bit
 *     integers), the top two bits of the 120-bit product give k mod 4 and the next 64 bits the
 *     fraction (truncation error below 2^-64 of a quarter turn). The table of 2/pi is computed
 *     here with MPFR (256 bits, mpfr_const_pi) when the code is generated;
 *   - the cores sin(r) = r P(r^2) and cos(r) = Q(r^2) on [-pi/4, pi/4] (widened by 2^-10 for the
 *     rounding of k) are minimax polynomials with double coefficients, relative error, found by
 *     the minimax family when the code is generated; the degree is the least whose measured error
 *     is below 2^-33 (then max error about 0.5 + 2^-9 float ULP before the evaluation's own
 *     double roundings);
 *   - the quadrant k mod 4 picks +-sin(r) or +-cos(r).
 * That is the default (UA_LIBM_CR); --accuracy 1ulp writes gen_sincos1's code (below): a shorter
 * reduction below 2^20 and one polynomial whose coefficients are read by quadrant.
 * --fma (ua_libm_options.fma, both accuracies): explicit fused multiply-adds, UA_FMA in the
 * scalar code (C99 fma: exactly rounded, the same bits on every machine) and vfmadd in the
 * kernels (the scalar function's bits): k from fma(x, 2/pi, 1.5 2^52), the Cody-Waite reduction
 * with pi/2 in two 53-bit parts (constants2), the cores by Horner fmas. The scalar function is
 * fast only where the compiler inlines fma (-mfma, -march=x86-64-v3 or native); elsewhere each
 * fma is a call to libm's. The large-argument paths are the same as without --fma.
 * --accuracy 1ulp --working-precision single --fma writes gen_sincosw's code (below): float
 * arithmetic in 8 / 16 float lanes below |x| = 400, the double 1ulp --fma code above.
 */
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
#include <string.h>
#include "core/internal.h"
#include "libm/internal.h"

#define CORE_LO 0x1p-20 /* the relative-error fits start here (the cores' error is flat below) */
#define CORE_HI 0.7864  /* pi/4 = 0.78540 plus room for k rounded the other way */
#define CORE_TOL 0x1p-33

/* words[i] = bits 32 i + 1 .. 32 i + 32 after the binary point of 2/pi, and the three parts of
 * pi/2 for Cody–Waite: p[0], p[1] rounded to 24 bits, p[2] to 53 bits; p[3] = 2/pi (double). */
static void constants(uint32_t words[8], double p[4])
{
    mpfr_t v, t;
    mpfr_inits2(400, v, t, (mpfr_ptr)0);
    mpfr_const_pi(v, MPFR_RNDN);
    mpfr_ui_div(v, 2, v, MPFR_RNDN); /* 2/pi, 400 bits: the 256 used are exact */
    p[3] = mpfr_get_d(v, MPFR_RNDN);
    for (int i = 0; i < 8; i++) {
        mpfr_mul_2ui(v, v, 32, MPFR_RNDN);
        unsigned long w = mpfr_get_ui(v, MPFR_RNDZ);
        words[i] = (uint32_t)w;
        mpfr_sub_ui(v, v, w, MPFR_RNDN);
    }
    mpfr_const_pi(v, MPFR_RNDN);
    mpfr_div_2ui(v, v, 1, MPFR_RNDN); /* pi/2 */
    for (int i = 0; i < 3; i++) {
        mpfr_set_prec(t, i < 2 ? 24 : 53);
        mpfr_set(t, v, MPFR_RNDN);
        p[i] = mpfr_get_d(t, MPFR_RNDN);
        mpfr_sub(v, v, t, MPFR_RNDN);
    }
    mpfr_clears(v, t, (mpfr_ptr)0);
}

/* pi/2 = q[0] + q[1] + ..., q[0] rounded to `bits` bits, q[1] = RN53(pi/2 - q[0]).
 * bits = 33 (no FMA): for |k| < 2^20, k q[0] is exact (53 bits) and so is x - k q[0]
 * (Sterbenz), and k q[1] is off k pi/2 - k q[0] by less than k 2^-85 (q[1]'s rounding,
 * |q[1]| < 2^-33, plus the product's).
 * bits = 53 (--fma): fma(-k, q[0], x) is exact for |k| < 2^28: x (a float, |x| >= 2^-29 where
 * k != 0) and k q[0] are multiples of 2^-52 and |x - k q[0]| < 1, so the difference has at most
 * 52 significant bits; fma(-k, q[1], that) rounds once, off x - k pi/2 by at most half an ulp
 * of the result plus |k| |pi/2 - q[0] - q[1]| <= |k| 2^-107 (q[1] in [2^-54, 2^-53): its
 * rounding error is at most 2^-107; the product inside the fma is exact). */
static void constants2(double q[2], int bits)
{
    mpfr_t v, t;
    mpfr_inits2(400, v, t, (mpfr_ptr)0);
    mpfr_const_pi(v, MPFR_RNDN);
    mpfr_div_2ui(v, v, 1, MPFR_RNDN);
    mpfr_set_prec(t, bits);
    mpfr_set(t, v, MPFR_RNDN);
    q[0] = mpfr_get_d(t, MPFR_RNDN);
    mpfr_sub(v, v, t, MPFR_RNDN);
    q[1] = mpfr_get_d(v, MPFR_RNDN);
    mpfr_clears(v, t, (mpfr_ptr)0);
}

/* --fma, in a vector body: SC_VFMA(a, b, c) on VD lanes, vfmadd (the scalar code's UA_FMA lane
 * by lane: the same bits); emit_vfma_undef after the body's last use. */
static void emit_vfma(FILE *out)
{
    fprintf(out, "#if V_W == 4\n"
                 "#define SC_VFMA(a, b, c) ((VD)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))\n"
                 "#else\n"
                 "#define SC_VFMA(a, b, c) ((VD)_mm512_fmadd_pd((__m512d)(a), (__m512d)(b), (__m512d)(c)))\n"
                 "#endif\n");
}

static void emit_vfma_undef(FILE *out)
{
    fprintf(out, "#undef SC_VFMA\n");
}

/* What the vector body of sinf / cosf needs. */
typedef struct {
    const char *name;
    int is_cos;
    const ua_libm_trig_poly *ps, *pc;
    const double *p;
    const double *q2; /* --fma: pi/2 in two 53-bit parts (constants2), else NULL */
} sincos_vctx;

/* The vector kernel body: Cody-Waite and both cores in every lane, the quadrant's choice and
 * sign by selects; NaN and +-Inf by a select; the lanes with |x| >= 2^28 (Payne-Hanek) are
 * recomputed by the scalar code (the file's static NAME_lane, which cannot be interposed as the
 * public NAME can in a shared library), one by one, in the rare blocks that have one. */
/* The Payne-Hanek reduction's common lines, for |x| >= 2^28 (u: the bits of |x|, finite): the
 * 96 bits of 2/pi from bit s = e - 1 on (the table NAME_2opi) times the 24-bit mantissa in three
 * exact 24 x 32-bit products; leaves hi (the integer bits k mod 4 above bit 30) and f (the
 * fraction in 2^-64 units) to the caller, which rounds k and scales f by pi/2 2^-64. */
static void emit_payne_hanek(FILE *out, const char *name)
{
    fprintf(out,
            "    int e = (int)(u >> 23) - 150, s = e - 1;\n"
            "    int j = (s - 1) >> 5, sh = (s - 1) & 31;\n"
            "    uint64_t m = (u & 0x7fffffu) | 0x800000u;\n"
            "    const uint32_t *T = %s_2opi;\n"
            "    uint64_t w0 = (uint32_t)((((uint64_t)T[j] << 32) | T[j + 1]) >> (32 - sh));\n"
            "    uint64_t w1 = (uint32_t)((((uint64_t)T[j + 1] << 32) | T[j + 2]) >> (32 - sh));\n"
            "    uint64_t w2 = (uint32_t)((((uint64_t)T[j + 2] << 32) | T[j + 3]) >> (32 - sh));\n"
            "    /* P = m (w0 w1 w2) mod 2^96 = hi:mid:lo; |x| 2/pi mod 4 = P 2^-94 */\n"
            "    uint64_t p2 = m * w2, p1 = m * w1 + (p2 >> 32), p0 = m * w0 + (p1 >> 32);\n"
            "    uint64_t lo = p2 & 0xffffffffu, mid = p1 & 0xffffffffu, hi = p0 & 0xffffffffu;\n"
            "    uint64_t f = (hi << 34) | (mid << 2) | (lo >> 30); /* fraction, 2^-64 units */\n",
            name);
}

static void emit_sincos_vbody(FILE *out, const void *ctx)
{
    const sincos_vctx *v = ctx;
    if (v->q2) {
        emit_vfma(out);
        fprintf(out,
                "    VUI u = (VUI)x;\n"
                "    VUI ua = u & 0x7fffffffu;\n"
                "    VD xd = __builtin_convertvector((VF)ua, VD);\n"
                "    VD t = SC_VFMA(xd, V_SPLAT(%a), V_SPLAT(0x1.8p52));\n"
                "    VD k = t - 0x1.8p52;\n"
                "    VU q = (VU)t & 3;\n"
                "    VD r = SC_VFMA(k, V_SPLAT(%a), SC_VFMA(k, V_SPLAT(%a), xd));\n"
                "    VD z = r * r;\n"
                "    VD sn = r * ",
                v->p[3], -v->q2[1], -v->q2[0]);
        ua_libm_emit_horner_fma(out, "z", v->ps->c, v->ps->n, "SC_VFMA", 1);
        fprintf(out, ";\n    VD cs = ");
        ua_libm_emit_horner_fma(out, "z", v->pc->c, v->pc->n, "SC_VFMA", 1);
        fprintf(out, ";\n");
    } else {
        fprintf(out,
                "    VUI u = (VUI)x;\n"
                "    VUI ua = u & 0x7fffffffu;\n"
                "    VD xd = __builtin_convertvector((VF)ua, VD);\n"
                "    VD t = xd * %a + 0x1.8p52;\n"
                "    VD k = t - 0x1.8p52;\n"
                "    VU q = (VU)t & 3;\n"
                "    VD r = ((xd - k * %a) - k * %a) - k * %a;\n"
                "    VD z = r * r;\n"
                "    VD sn = r * ",
                v->p[3], v->p[0], v->p[1], v->p[2]);
        ua_libm_trig_horner(out, "z", v->ps->c, v->ps->n);
        fprintf(out, ";\n    VD cs = ");
        ua_libm_trig_horner(out, "z", v->pc->c, v->pc->n);
        fprintf(out, ";\n");
    }
    if (v->is_cos)
        fprintf(out, "    VD y = V_SELD((q & 1) != 0, sn, cs);\n"
                     "    y = V_SELD(((q + 1) & 2) != 0, -y, y);\n");
    else
        fprintf(out, "    VU sign = __builtin_convertvector(u >> 31, VU);\n"
                     "    VD y = V_SELD((q & 1) != 0, cs, sn);\n"
                     "    y = V_SELD((((q >> 1) ^ sign) & 1) != 0, -y, y);\n");
    fprintf(out,
            "    VF res = __builtin_convertvector(y, VF);\n"
            "    if (V_ANYI(ua >= 0x4d800000u)) { /* one branch: lanes >= 0x4d800000, Inf and NaN */\n"
            "        res = V_SELF(ua >= 0x7f800000u, x - x, res); /* NaN, +-Inf -> NaN */\n"
            "        VI big = (ua >= 0x4d800000u) & (ua < 0x7f800000u); /* Payne-Hanek */\n"
            "        for (int l = 0; l < V_W; l++)\n"
            "            if (big[l]) res[l] = %s_lane(x[l]); /* the file's own scalar code */\n"
            "    }\n",
            v->name);
    if (v->q2) emit_vfma_undef(out);
}

/* Both functions' source: the reduction, the two cores, then the quadrant selection. */
static ua_status gen_sincos(const ua_libm_func *self, FILE *out,
                            const ua_libm_options *opt)
{
    int is_cos = *(const int *)self->spec;
    const char *name;
    ua_status st = ua_libm_begin(self, out, opt, &name);
    if (st != UA_OK) return st;
    ua_libm_trig_poly ps, pc;
    /* the least-degree cores over the odd (sin) and even (cos) powers meeting CORE_TOL */
    st = ua_libm_trig_fit_least("sin(x)", CORE_LO, CORE_HI, 1, 2, 3, 8, 1, CORE_TOL, &ps);
    if (st == UA_OK)
        st = ua_libm_trig_fit_least("cos(x)", CORE_LO, CORE_HI, 0, 2, 3, 8, 1, CORE_TOL, &pc);
    if (st != UA_OK) return st;
    uint32_t w[8];
    double p[4], q2[2];
    constants(w, p);
    constants2(q2, 53); /* --fma's two-part pi/2 */

    fprintf(out,
            "/* %s(x) = %s(x) for float x, generated by uniapprox libm %s%s.\n"
            " * Computed in double, rounded once to float. Reduction: x = k pi/2 + r, Cody-Waite\n"
            " * (pi/2 in %s) for |x| < 2^28, Payne-Hanek (96 bits of 2/pi, exact integer\n"
            " * products) above. Cores on [-pi/4, pi/4], minimax with double coefficients:\n"
            " * sin(r) = r P(r^2), degree %d, relative error %.3g; cos(r) = Q(r^2), degree %d,\n"
            " * relative error %.3g (measured by the minimax fit). */\n"
            "%s"
            UA_LIBM_INCLUDES,
            name, is_cos ? "cos" : "sin", is_cos ? "cosf" : "sinf", opt->fma ? " --fma" : "",
            opt->fma ? "two 53-bit parts, fused" : "three parts", 2 * (int)ps.n - 1, ps.error,
            2 * (int)pc.n - 2, pc.error,
            opt->fma
                ? "/* --fma: the Cody-Waite reduction and the cores use fused multiply-adds (UA_FMA,\n"
                  " * C99 fma: exactly rounded, so the bits are the same on every machine, and the vector\n"
                  " * kernels' vfmadd give the scalar function's bits). Fast only where the compiler\n"
                  " * inlines fma (-mfma, -march=x86-64-v3 or native); elsewhere each UA_FMA is a call\n"
                  " * to libm's fma (link with -lm). */\n"
                : "");
    if (opt->fma) ua_libm_emit_fma(out);
    fprintf(out, "/* 2/pi: bits 32 i + 1 .. 32 i + 32 after the point (MPFR, mpfr_const_pi) */\n"
                 "static const uint32_t %s_2opi[8] = {", name);
    for (int i = 0; i < 8; i++) fprintf(out, "%s0x%08xu", i ? ", " : "", (unsigned)w[i]);
    fprintf(out, "};\n\n");
    /* the reduction */
    fprintf(out,
            "/* r = |x| - k pi/2 (double), *q = k mod 4; u = the bits of |x|, finite */\n"
            "static double %s_reduce(float ax, uint32_t u, int *q)\n{\n"
            "    if (u < 0x4d800000u) { /* |x| < 2^28: Cody-Waite, k < 2^28 */\n"
            "        double xd = ax;\n",
            name);
    if (opt->fma)
        fprintf(out,
                "        double t = UA_FMA(xd, %a, 0x1.8p52); /* k = round(x 2/pi) in the low bits */\n"
                "        double k = t - 0x1.8p52;\n"
                "        uint64_t tb;\n"
                "        memcpy(&tb, &t, sizeof tb);\n"
                "        *q = (int)(tb & 3);\n"
                "        /* x - k P1 exact (P1 53 bits; the fma's product exact), one rounding after */\n"
                "        return UA_FMA(k, %a, UA_FMA(k, %a, xd));\n",
                p[3], -q2[1], -q2[0]);
    else
        fprintf(out,
                "        double t = xd * %a + 0x1.8p52; /* k = round(x 2/pi) in the low bits */\n"
                "        double k = t - 0x1.8p52;\n"
                "        uint64_t tb;\n"
                "        memcpy(&tb, &t, sizeof tb);\n"
                "        *q = (int)(tb & 3);\n"
                "        return ((xd - k * %a) - k * %a) - k * %a;\n",
                p[3], p[0], p[1], p[2]);
    fprintf(out, "    }\n"
                 "    /* Payne-Hanek: |x| = m 2^e, e >= 5; bits s = e - 1 .. e + 94 of 2/pi */\n");
    emit_payne_hanek(out, name);
    fprintf(out,
            "    int k = (int)(hi >> 30) + (int)(f >> 63);   /* round to the nearest k */\n"
            "    *q = k & 3;\n"
            "    return (double)(int64_t)f * %a; /* times pi/2 2^-64 */\n"
            "}\n\n",
            0x1.921fb54442d18p-64);
    /* the cores */
    fprintf(out, "static double %s_sin(double r)\n{\n    double z = r * r;\n    return r * ", name);
    if (opt->fma)
        ua_libm_emit_horner_fma(out, "z", ps.c, ps.n, "UA_FMA", 0);
    else
        ua_libm_trig_horner(out, "z", ps.c, ps.n);
    fprintf(out, ";\n}\n\nstatic double %s_cos(double r)\n{\n    double z = r * r;\n    return ",
            name);
    if (opt->fma)
        ua_libm_emit_horner_fma(out, "z", pc.c, pc.n, "UA_FMA", 0);
    else
        ua_libm_trig_horner(out, "z", pc.c, pc.n);
    fprintf(out, ";\n}\n\n");
    /* the function */
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    uint32_t u;\n"
            "    memcpy(&u, &x, sizeof u);\n"
            "    uint32_t sign = u >> 31;\n"
            "    u &= 0x7fffffffu;\n"
            "    if (u >= 0x7f800000u) return x - x; /* NaN, +-Inf -> NaN */\n"
            "    float ax;\n"
            "    memcpy(&ax, &u, sizeof ax);\n"
            "    int q;\n"
            "    double r = %s_reduce(ax, u, &q);\n",
            name, name);
    if (is_cos)
        fprintf(out,
                "    (void)sign; /* cos is even */\n"
                "    double y = (q & 1) ? %s_sin(r) : %s_cos(r);\n"
                "    return (float)(((q + 1) & 2) ? -y : y);\n}\n",
                name, name);
    else
        fprintf(out,
                "    double y = (q & 1) ? %s_cos(r) : %s_sin(r);\n"
                "    return (float)(((q & 2) != 0) != (sign != 0) ? -y : y);\n}\n",
                name, name);
    sincos_vctx v = {name, is_cos, &ps, &pc, p, opt->fma ? q2 : NULL};
    ua_libm_emit_entry_points(out, name, opt, emit_sincos_vbody, &v);
    return ferror(out) ? UA_ERR(UA_EIO, "%s: write error", name) : UA_OK;
}

/* ---- the 1-ULP variant (--accuracy 1ulp) ----------------------------------------------------
 * Reduction: for |x| < 2^20, Cody-Waite on x itself (signed, so that k mod 4 carries the sign of
 * sin) with pi/2 in two parts (constants2: k P1 and x - k P1 exact, one rounding after);
 * 2^20 <= |x| < 2^28 the default's three-part split, and Payne-Hanek above, both in a cold
 * function that returns r and k mod 4. Then ONE polynomial evaluation whatever the quadrant,
 * no branch on it:
 *     y = m(r) P_q(z),  z = r^2,  q = k mod 4 (k + 1 for cos: cos x = sin(x + pi/2)),
 * with m = r and P = S (sin's core, sin r = r S(r^2)) for even q, m = 1 and P = C (cos r =
 * C(r^2)) for odd q; P's coefficients are read from a 4-row table whose rows 2 and 3 are rows 0
 * and 1 negated (sin(r + pi) = -sin r: the negations are exact, so y is the same as -(m P)).
 * m = a_q + b_q r with (a, b) = (-0, 1) or (1, 0): exactly r (the sign of zero kept: -0 + r) or
 * exactly 1. P as a polynomial in z^2 of pairs (emit_pairs_z). The cores: the least-degree
 * minimax fits under CORE1_TOL (relative error), the shorter refitted to the longer's length
 * (one table row length). Measured (docs/libm.md): cos of degree 6 (3.3e-8) gave 1.053 ULP
 * near pi/2, so the tolerance is set where cos takes degree 8 (and sin, refitted, degree 9:
 * the default's cores, 0.5010 ULP over all 2^32 inputs). */
#define CORE1_TOL 0x1p-26

/* --fma, --accuracy 1ulp: below FMA1_LIMIT (the bits of 2^5) the reduction is ONE fused step,
 * r = fma(-k, P1, x) with P1 = pi/2 rounded to 53 bits: exact (constants2), off x - k pi/2 by
 * |k| |pi/2 - P1| = |k| 6.12e-17, |k| <= 20. Its effect in ULPs is largest where the result is
 * about +-r (sin near k pi, cos near odd multiples of pi/2) and r is least: over the k of
 * |x| < 2^5 the float nearest k pi/2 is at least 4.4e-8 (k = 1), 1.19e-8 (k = 3), ... away
 * (computed with 200-bit pi for every k), so the added relative error is at most
 * 3 * 6.12e-17 / 1.19e-8 = 1.5e-8, under 0.26 ULP (2^24 times it); measured, the max error
 * below 2^5 is that of the two-step code (0.5010 ULP on [1/2, 32]). With the limit at 2^7
 * (k <= 81) it measured 0.6034 ULP on [64, 128] for cosf (0.5086 for sinf), so the limit is
 * 2^5: [-8, 8] is all one-step. The second step, - k P2, is added from 2^5 on (a branch in the
 * scalar code, a select in the kernels: the same bits). */
#define FMA1_LIMIT 0x42000000u
#define FMA1_LIMIT_X 0x1p5 /* the same limit as a double: the kernels compare x in double lanes
                            * (two compares, where the float-lane mask took six conversions) */

typedef struct {
    const char *name;
    int is_cos;
    size_t nc;               /* coefficients per row */
    const double (*c)[8];    /* rows: S, C, -S, -C */
    const double *p;         /* P1, P2, P3, 2/pi */
    const double *p2;        /* the two-part pi/2 for |x| < 2^20 */
    int fma;                 /* --fma: fused reduction and polynomial (UA_FMA / SC_VFMA) */
} sincos1_ctx;

/* p = P(z), z = r^2, as a polynomial in z2 = z^2 of pairs (c_2i + c_2i+1 z) (Horner in z2 on
 * the pairs: half the serial steps of Horner in z, one product fewer than Estrin's z4):
 *     (c0 + c1 z) + z2 ((c2 + c3 z) + z2 (c4 [+ c5 z] ...));
 * the coefficients named by cfmt (printf of the index); T the type. */
static void emit_pairs_z(FILE *out, const char *T, size_t n, const char *cfmt)
{
    fprintf(out, "    %s z = r * r, z2 = z * z;\n    %s p = ", T, T);
    for (size_t j = 0; j < n; j += 2) {
        if (j) fprintf(out, " + z2 * (");
        fputc('(', out);
        fprintf(out, cfmt, (int)j);
        if (j + 1 < n) {
            fprintf(out, " + ");
            fprintf(out, cfmt, (int)j + 1);
            fprintf(out, " * z");
        }
        fputc(')', out);
    }
    for (size_t j = 2; j < n; j += 2) fputc(')', out);
    fprintf(out, ";\n");
}

/* --fma: p = P(z), z = r^2, by Horner in z with each step fused,
 *     p = F(F(F(F(c4, z, c3), z, c2), z, c1), z, c0)   (5 coefficients);
 * the coefficients named by cfmt (printf of the index); T the type. Where the evaluation is bound
 * by the multiply-add units' throughput (a loop over independent inputs), Horner's one product
 * fewer than emit_pairs_z's (no z^2) measured faster: 1.88 against 2.01 ns for sinf on [-8, 8]
 * (prototype, the same machine and minutes; glibc 2.15). */
static void emit_horner_z_fma(FILE *out, const char *T, size_t n, const char *cfmt, const char *F)
{
    fprintf(out, "    %s z = r * r;\n    %s p = ", T, T);
    for (size_t j = 0; j + 1 < n; j++) fprintf(out, "%s(", F);
    fprintf(out, cfmt, (int)n - 1);
    for (size_t j = n - 1; j-- > 0;) {
        fprintf(out, ", z, ");
        fprintf(out, cfmt, (int)j);
        fputc(')', out);
    }
    fprintf(out, ";\n");
}

static void emit_sincos1_vbody(FILE *out, const void *ctx)
{
    const sincos1_ctx *v = ctx;
    if (v->fma) {
        emit_vfma(out);
        fprintf(out,
                "    VUI u = (VUI)x;\n"
                "    VUI ua = u & 0x7fffffffu;\n"
                "    VD xd = V_F2D(x);\n"
                "    VD t = SC_VFMA(xd, V_SPLAT(%a), V_SPLAT(0x1.8p52));\n"
                "    VD k = t - 0x1.8p52;\n"
                "    VU q = ((VU)t + %d) & 3;\n"
                "    VD r1 = SC_VFMA(k, V_SPLAT(%a), xd); /* exact */\n"
                "    VL small = (xd < %a) & (xd > %a); /* |x| < 2^5: r1 (NaN: r2, replaced) */\n"
                "    VD r = V_SELD(small, r1, SC_VFMA(k, V_SPLAT(%a), r1));\n",
                v->p[3], v->is_cos, -v->p2[0], FMA1_LIMIT_X, -FMA1_LIMIT_X, -v->p2[1]);
    } else
        fprintf(out,
                "    VUI u = (VUI)x;\n"
                "    VUI ua = u & 0x7fffffffu;\n"
                "    VD xd = V_F2D(x);\n"
                "    VD t = xd * %a + 0x1.8p52;\n"
                "    VD k = t - 0x1.8p52;\n"
                "    VU q = ((VU)t + %d) & 3;\n"
                "    VD r = (xd - k * %a) - k * %a;\n",
                v->p[3], v->is_cos, v->p2[0], v->p2[1]);
    /* the row of q: S or C (odd), negated for q >= 2 after the product (exact) */
    /* AVX2: each coefficient picked by one vpermilpd from the pair (even row, odd row) on
     * q's bit 0 (as index bit 1); AVX-512F: selects on a mask register (one blend each) */
    fprintf(out, "    VL odd = (q & 1) != 0;\n"
                 "#if V_W == 4\n"
                 "    __m256i qi = (__m256i)(q << 1);\n");
    for (size_t i = 0; i < v->nc; i++)
        fprintf(out, "    VD c%zu = (VD)_mm256_permutevar_pd((__m256d){%a, %a, %a, %a}, qi);\n", i,
                v->c[0][i], v->c[1][i], v->c[0][i], v->c[1][i]);
    fprintf(out, "#else\n");
    for (size_t i = 0; i < v->nc; i++)
        fprintf(out, "    VD c%zu = V_SELD(odd, V_SPLAT(%a), V_SPLAT(%a));\n", i, v->c[1][i],
                v->c[0][i]);
    fprintf(out, "#endif\n");
    if (v->fma)
        emit_horner_z_fma(out, "VD", v->nc, "c%d", "SC_VFMA");
    else
        emit_pairs_z(out, "VD", v->nc, "c%d");
    /* the negation for q >= 2 as a flip of the sign bit (what -y is) */
    fprintf(out,
            "    VD m = V_SELD(odd, V_SPLAT(1.0), r);\n"
            "    VD y = m * p;\n"
            "    y = (VD)((VU)y ^ ((q & 2) << 62));\n"
            "    VF res = __builtin_convertvector(y, VF);\n"
            "    if (V_ANYI(ua >= 0x49800000u)) { /* one branch: lanes >= 0x49800000, Inf and NaN */\n"
            "        res = V_SELF(ua >= 0x7f800000u, x - x, res); /* NaN, +-Inf -> NaN */\n"
            "        VI big = (ua >= 0x49800000u) & (ua < 0x7f800000u); /* |x| >= 2^20 */\n"
            "        for (int l = 0; l < V_W; l++)\n"
            "            if (big[l]) res[l] = %s_lane(x[l]); /* the file's own scalar code */\n"
            "    }\n",
            v->name);
    if (v->fma) emit_vfma_undef(out);
}

/* The 1-ULP cores as the rows of gen_sincos1's table: c[0] = S, c[1] = C (both nc terms: the
 * shorter refitted to the longer's length), c[2] = -S, c[3] = -C; ps and pc the fits. */
static ua_status sincos1_rows(ua_libm_trig_poly *ps, ua_libm_trig_poly *pc, double c[4][8],
                              size_t *ncp)
{
    ua_status st = ua_libm_trig_fit_least("sin(x)", CORE_LO, CORE_HI, 1, 2, 2, 8, 1, CORE1_TOL, ps);
    if (st == UA_OK)
        st = ua_libm_trig_fit_least("cos(x)", CORE_LO, CORE_HI, 0, 2, 2, 8, 1, CORE1_TOL, pc);
    if (st != UA_OK) return st;
    /* both rows have the longer core's length: the shorter core is refitted with as many
     * terms (a more accurate core at no cost, where zeros would pad it) */
    size_t nc = ps->n > pc->n ? ps->n : pc->n;
    if (ps->n < nc)
        st = ua_libm_trig_fit_least("sin(x)", CORE_LO, CORE_HI, 1, 2, nc, nc, 1, CORE1_TOL, ps);
    else if (pc->n < nc)
        st = ua_libm_trig_fit_least("cos(x)", CORE_LO, CORE_HI, 0, 2, nc, nc, 1, CORE1_TOL, pc);
    if (st != UA_OK) return st;
    for (size_t i = 0; i < nc; i++) {
        c[0][i] = i < ps->n ? ps->c[i] : 0.0;
        c[1][i] = i < pc->n ? pc->c[i] : 0.0;
        c[2][i] = -c[0][i];
        c[3][i] = -c[1][i];
    }
    *ncp = nc;
    return UA_OK;
}

/* The 1-ULP variant's tables (2/pi's bits, the rows P_q and M) and its cold function NAME_big
 * (Cody-Waite with pi/2 in three parts below 2^28, Payne-Hanek above), for |x| >= from (a C
 * text for its comment). */
static void emit_sincos1_big(FILE *out, const char *name, int is_cos, size_t nc,
                             const double (*c)[8], const uint32_t w[8], const double p[4],
                             const char *from)
{
    fprintf(out, "/* 2/pi: bits 32 i + 1 .. 32 i + 32 after the point (MPFR, mpfr_const_pi) */\n"
                 "static const uint32_t %s_2opi[8] = {", name);
    for (int i = 0; i < 8; i++) fprintf(out, "%s0x%08xu", i ? ", " : "", (unsigned)w[i]);
    fprintf(out, "};\n\n/* P_q: rows S, C, -S, -C */\nstatic const double %s_P[4][%zu] = {\n",
            name, nc);
    for (int q = 0; q < 4; q++) {
        fprintf(out, "    {");
        ua_libm_trig_print_coeffs(out, c[q], nc);
        fprintf(out, "},\n");
    }
    fprintf(out, "};\n/* m = a + b r: (a, b) = (-0, 1) (m = r) or (1, 0) (m = 1) */\n"
                 "static const double %s_M[4][2] = {{-0.0, 1.0}, {1.0, 0.0}, {-0.0, 1.0}, {1.0, 0.0}};\n\n",
            name);
    fprintf(out,
            "/* |x| >= %s, finite (u: the bits of |x|): r = x - k pi/2 and *q = k mod 4 (of |x| for\n"
            " * cos, cos being even), by Cody-Waite with pi/2 in three parts below 2^28, Payne-Hanek\n"
            " * (96 bits of 2/pi, exact integer products) above */\n"
            "static UA_COLD double %s_big(float x, uint32_t u, unsigned *q)\n{\n"
            "    if (u < 0x4d800000u) { /* k < 2^28: k P1, k P2 exact, the first two differences too */\n"
            "        double xd = x;\n"
            "        double t = xd * %a + 0x1.8p52;\n"
            "        double k = t - 0x1.8p52;\n"
            "        uint64_t tb;\n"
            "        memcpy(&tb, &t, sizeof tb);\n"
            "        *q = (unsigned)tb%s;\n"
            "        return ((xd - k * %a) - k * %a) - k * %a;\n"
            "    }\n",
            from, name, p[3], is_cos ? " + 1u" : "", p[0], p[1], p[2]);
    emit_payne_hanek(out, name);
    fprintf(out,
            "    unsigned k = (unsigned)(hi >> 30) + (unsigned)(f >> 63); /* round to the nearest k */\n"
            "    double r = (double)(int64_t)f * %a; /* times pi/2 2^-64 */\n"
            "%s"
            "}\n\n",
            0x1.921fb54442d18p-64,
            is_cos ? "    *q = k + 1u; /* cos is even: cos |x| = sin(|x| + pi/2) */\n    return r;\n"
                   : "    if (x < 0) { r = -r; k = 0u - k; } /* sin(-a) = sin(-r - k pi/2) */\n"
                     "    *q = k;\n    return r;\n");
}

static ua_status gen_sincos1(const ua_libm_func *self, FILE *out, const ua_libm_options *opt)
{
    int is_cos = *(const int *)self->spec;
    const char *name;
    ua_status st = ua_libm_begin(self, out, opt, &name);
    if (st != UA_OK) return st;
    ua_libm_trig_poly ps, pc;
    double c[4][8] = {{0}};
    size_t nc = 0;
    st = sincos1_rows(&ps, &pc, c, &nc);
    if (st != UA_OK) return st;
    uint32_t w[8];
    double p[4], q2[2];
    constants(w, p);
    constants2(q2, opt->fma ? 53 : 33);
    fprintf(out,
            "/* %s(x) = %s(x) for float x, generated by uniapprox libm %s --accuracy 1ulp%s.\n"
            " * Computed in double, rounded once to float: within 1 ULP, not correctly rounded\n"
            " * everywhere. Reduction: x = k pi/2 + r, Cody-Waite with pi/2 in two parts for\n"
            " * |x| < 2^20, in three below 2^28, Payne-Hanek (96 bits of 2/pi) above. One\n"
            " * polynomial whatever the quadrant: y = m P_q(r^2), m = r and P = S for even q = k mod 4,\n"
            " * m = 1 and P = C for odd q, rows 2 and 3 negated. Cores on [-pi/4, pi/4], minimax with\n"
            " * double coefficients: sin(r) = r S(r^2), degree %d, relative error %.3g; cos(r) =\n"
            " * C(r^2), degree %d, relative error %.3g (measured by the minimax fit). */\n"
            "%s"
            UA_LIBM_INCLUDES
            "#ifndef UA_COLD\n#if defined(__GNUC__) || defined(__clang__)\n"
            "#define UA_COLD __attribute__((noinline, cold))\n#else\n#define UA_COLD\n#endif\n"
            "#endif\n\n",
            name, is_cos ? "cos" : "sin", is_cos ? "cosf" : "sinf", opt->fma ? " --fma" : "",
            2 * (int)ps.n - 1, ps.error, 2 * (int)pc.n - 2, pc.error,
            opt->fma
                ? "/* --fma: below 2^20 the reduction and the polynomial use fused multiply-adds\n"
                  " * (UA_FMA, C99 fma: exactly rounded, so the bits are the same on every machine, and\n"
                  " * the vector kernels' vfmadd give the scalar function's bits); pi/2 in two 53-bit\n"
                  " * parts. Fast only where the compiler inlines fma (-mfma, -march=x86-64-v3 or\n"
                  " * native); elsewhere each UA_FMA is a call to libm's fma (link with -lm). */\n"
                : "");
    if (opt->fma) ua_libm_emit_fma(out);
    emit_sincos1_big(out, name, is_cos, nc, (const double (*)[8])c, w, p, "2^20");
    char texpr[80]; /* t = x 2/pi + 1.5 2^52 (fused with --fma) */
    if (opt->fma)
        snprintf(texpr, sizeof texpr, "UA_FMA(xd, %a, 0x1.8p52)", p[3]);
    else
        snprintf(texpr, sizeof texpr, "xd * %a + 0x1.8p52", p[3]);
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    uint32_t u;\n"
            "    memcpy(&u, &x, sizeof u);\n"
            "    uint32_t ua = u & 0x7fffffffu;\n"
            "    double r;\n"
            "    unsigned q;\n"
            "    if (ua < 0x49800000u) { /* |x| < 2^20: Cody-Waite on x, k = round(x 2/pi), |k| < 2^20 */\n"
            "        double xd = x;\n"
            "        double t = %s; /* k in the low bits (two's complement) */\n"
            "        double k = t - 0x1.8p52;\n"
            "        uint64_t tb;\n"
            "        memcpy(&tb, &t, sizeof tb);\n"
            "        q = (unsigned)tb%s;\n",
            name, texpr, is_cos ? " + 1u" : "");
    if (opt->fma)
        fprintf(out,
                "        r = UA_FMA(k, %a, xd); /* x - k P1, exact (P1: pi/2 to 53 bits) */\n"
                "        if (ua >= 0x%08xu) /* |x| >= 2^5: - k P2, one rounding */\n"
                "            r = UA_FMA(k, %a, r);\n",
                -q2[0], FMA1_LIMIT, -q2[1]);
    else
        fprintf(out,
                "        r = (xd - k * %a) - k * %a; /* k P1 and the difference exact: one rounding */\n",
                q2[0], q2[1]);
    fprintf(out,
            "    } else {\n"
            "        if (ua >= 0x7f800000u) return x - x; /* NaN, +-Inf -> NaN */\n"
            "        r = %s_big(x, ua, &q);\n",
            name);
    fprintf(out, "    }\n"
                 "    q &= 3u;\n"
                 "    const double *c = %s_P[q];\n",
            name);
    if (opt->fma) {
        emit_horner_z_fma(out, "double", nc, "c[%d]", "UA_FMA");
        fprintf(out, "    double m = UA_FMA(%s_M[q][1], r, %s_M[q][0]); /* exactly r or 1 */\n",
                name, name);
    } else {
        emit_pairs_z(out, "double", nc, "c[%d]");
        fprintf(out, "    double m = %s_M[q][0] + %s_M[q][1] * r;\n", name, name);
    }
    fprintf(out, "    return (float)(m * p); /* one rounding */\n}\n");
    sincos1_ctx v = {name, is_cos, nc, (const double (*)[8])c, p, q2, opt->fma};
    ua_libm_emit_entry_points(out, name, opt, emit_sincos1_vbody, &v);
    return ferror(out) ? UA_ERR(UA_EIO, "%s: write error", name) : UA_OK;
}

/* ---- float lanes (--accuracy 1ulp --working-precision single --fma) -------------------------
 * Every operation of |x| < SW_LIMIT in float with fused multiply-adds (16 lanes per AVX-512F
 * vector, 8 per AVX2), the same operations in the scalar code (UA_FMAF) and the kernels
 * (V_FMA):
 *   - a = |x| (cos is even; sin odd: the sign of x is put back at the end), k = round(a 2/pi)
 *     by t = fma(a, RN(2/pi), 1.5 2^23) (k in the low bits of t; k <= 255);
 *   - Cody-Waite with pi/2 in three floats, P1 (24 bits), P2 (SW_P2_BITS = 15 bits: k P2 exact
 *     for k < 2^8), P3 (24 bits): ra = fma(-k, P1, a) is exact (a and k P1 are multiples of
 *     2^-24 where k != 0 and |ra| < 1); hi = fma(-k, P2, ra) rounds once, and its error is
 *     exact by Fast2Sum (T. J. Dekker, "A floating-point technique for extending the available
 *     precision", Numer. Math. 18, 1971: |ra| >= |k P2|, or else ra - k P2 is exact, being a
 *     multiple of 2^-39 below 2^-15): d = hi - ra exact, e = fma(k, P2, d) = -(error) exact;
 *     nlo = fma(k, P3, e) = -(lo), r = hi + lo off x - k pi/2 by at most 2^-55 for k < 2^8
 *     (P3's rounding and nlo's), where |r| >= 2^-27.83 over the floats below 402 (the float
 *     nearest a multiple of pi/2 there: 0x1.f9cbe2p+7, k = 161; found by scanning every k with
 *     113-bit pi), so that the reduction adds at most 2^-27 relative;
 *   - sin(hi + lo) = hi + (hi z S(z) + lo) (z = hi^2; S ~ (sin(r) - r) / r^3, hi z S + lo
 *     computed as -(fma(hz, -S, nlo)), one rounding of a term below 0.081 |hi|, then the final
 *     sum);
 *     cos(hi + lo) = 1 + hi (-hi/2 + hi z C(z) - lo) (C ~ (cos(r) - 1 + r^2/2) / r^4, three
 *     fmas after C: the inner term is below 0.02, so only the last two roundings count);
 *     the lo terms drop lo (cos(hi) - 1) and lo (sin(hi) - hi), below 0.16 and 0.001 ULP;
 *     both are computed in every lane and one is taken by q = k mod 4 (+1 for cos) odd;
 *   - the sign: q's bit 1 (and x's sign for sin) flips the result's sign bit.
 * |x| >= SW_LIMIT, Inf and NaN: the double code of --accuracy 1ulp --fma (below 2^20 its two
 * fused Cody-Waite steps, then Cody-Waite in three parts below 2^28, Payne-Hanek above; the
 * cores S, C in double by Horner fmas), in a cold function: the same bits as that code for
 * every such input (checked). A kernel with such a lane (one compare and one branch otherwise)
 * computes the lanes below 2^20 in double lanes, two halves of the vector (the scalar code's
 * operations), and calls the scalar code for the lanes from 2^20 on, Inf and NaN: one by one
 * those were 1.8 to 1.9 times SLEEF's AVX-512F time on [-1e6, 1e6], in double lanes 0.47. */
#define SW_LIMIT 0x43c80000u /* 400.0f: k = round(|x| 2/pi) <= 255 below */
#define SW_P2_BITS 15
#define SW_LO 0x1p-8        /* the cores' fits start here (their terms are below 2^-24 r there) */
#define SW_HI 0.7864        /* pi/4 plus room for the rounding of k */

typedef struct {
    const char *name;
    int is_cos;
    float p[4]; /* P1, P2, P3, RN(2/pi) */
    float s[8], c[8];
    size_t ns, nc;
    const double (*rows)[8]; /* the double code's rows S, C (gen_sincos1's table) */
    size_t nrow;
    double twoopi, q2[2];    /* 2/pi; pi/2 in two 53-bit parts (constants2) */
} sincosw_ctx;

/* The lane function's float part (T = "float" or "VF"): from a (|x|) to y (before the sign);
 * both cores are computed and q's parity picks one, in the scalar code as in the kernels (a
 * branch on q was slower: 2.3 against 1.8 ns per call for random x in [-8, 8], mispredicted). */
static void emit_sincosw_core(FILE *out, const sincosw_ctx *v, int vec)
{
    const char *T = vec ? "VF" : "float", *F = vec ? "V_FMA" : "UA_FMAF";
    const char *V = vec ? "(VF){0} + " : "";
    fprintf(out,
            "    %s t = %s(a, %s%af, %s0x1.8p23f); /* k = round(|x| 2/pi) in the low bits */\n"
            "    %s k = t - 0x1.8p23f;\n",
            T, F, V, (double)v->p[3], V, T);
    if (vec) fprintf(out, "    VUI q = (VUI)t%s;\n", v->is_cos ? " + 1u" : "");
    else
        fprintf(out, "    uint32_t q;\n    memcpy(&q, &t, sizeof q);\n%s",
                v->is_cos ? "    q += 1u;\n" : "");
    fprintf(out,
            "    %s ra = %s(k, %s%af, a);   /* a - k P1, exact */\n"
            "    %s hi = %s(k, %s%af, ra);  /* ra - k P2 (k P2 exact), one rounding */\n"
            "    %s d = hi - ra;                   /* exact (Fast2Sum) */\n"
            "    %s nlo = %s(k, %s%af, %s(k, %s%af, d)); /* -(lo): hi's error (exact) - k P3 */\n"
            "    %s z = hi * hi, hz = hi * z;\n",
            T, F, V, -(double)v->p[0], T, F, V, -(double)v->p[1], T, T, F, V, (double)v->p[2], F,
            V, (double)v->p[1], T);
    /* the negated sin core -S and the cos core C by Horner in z */
    const float *cs[2] = {v->s, v->c};
    size_t n[2] = {v->ns, v->nc};
    const char *nm[2] = {"ns", "c"};
    for (int j = 0; j < 2; j++) {
        fprintf(out, "    %s %s = ", T, nm[j]);
        for (size_t i = 0; i + 1 < n[j]; i++) fprintf(out, "%s(", F);
        fprintf(out, "%s%af", V, (double)(j == 0 ? -cs[j][n[j] - 1] : cs[j][n[j] - 1]));
        for (size_t i = n[j] - 1; i-- > 0;)
            fprintf(out, ", z, %s%af)", V, (double)(j == 0 ? -cs[j][i] : cs[j][i]));
        fprintf(out, ";\n");
        if (j == 0)
            fprintf(out, "    %s ys = hi - %s(hz, ns, nlo); /* hi + (hi z S + lo) */\n", T, F);
        else
            fprintf(out, "    %s yc = %s(hi, %s(hi, %s-0.5f, %s(hz, c, nlo)), %s1.0f);\n", T, F, F,
                    V, F, V);
    }
    if (vec) fprintf(out, "    VF y = V_SELF((q & 1u) != 0, yc, ys);\n");
    else fprintf(out, "    float y = (q & 1u) ? yc : ys; /* both computed: no branch on q */\n");
}

static void emit_sincosw_vbody(FILE *out, const void *ctx)
{
    const sincosw_ctx *v = ctx;
    fprintf(out, "    VUI u = (VUI)x;\n"
                 "    VUI ua = u & 0x7fffffffu;\n"
                 "    VF a = (VF)ua;\n");
    emit_sincosw_core(out, v, 1);
    fprintf(out,
            "    VUI sg = ((q << 30)%s) & 0x80000000u; /* the sign: q's bit 1%s */\n"
            "    VF res = (VF)((VUI)y ^ sg);\n"
            "#if V_W == 16\n"
            "    if (_mm512_cmpge_epu32_mask((__m512i)ua, _mm512_set1_epi32((int)0x%08xu)))\n"
            "#else\n"
            "    if (_mm256_movemask_ps((__m256)(VI)(ua >= 0x%08xu)))\n"
            "#endif\n"
            "    { /* one branch: lanes |x| >= %g, Inf and NaN */\n",
            v->is_cos ? "" : " ^ u", v->is_cos ? "" : " xor x's sign", SW_LIMIT, SW_LIMIT,
            (double)400.0f);
    /* 400 <= |x| < 2^20: the scalar NAME_dbl's double code in double lanes, two halves */
    fprintf(out,
            "        typedef double sw_vd __attribute__((vector_size(V_W * 4)));\n"
            "        typedef long long sw_vl __attribute__((vector_size(V_W * 4)));\n"
            "        typedef float sw_vh __attribute__((vector_size(V_W * 2)));\n"
            "#if V_W == 16\n"
            "#define SW_DFMA(a, b, c) ((sw_vd)_mm512_fmadd_pd((__m512d)(a), (__m512d)(b), (__m512d)(c)))\n"
            "#else\n"
            "#define SW_DFMA(a, b, c) ((sw_vd)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))\n"
            "#endif\n"
            "#define SW_D(c) ((sw_vd){0} + (c))\n"
            "        float yd[V_W];\n"
            "        for (int h = 0; h < 2; h++) {\n"
            "            sw_vh xh;\n"
            "            memcpy(&xh, (const float *)&x + h * (V_W / 2), sizeof xh);\n"
            "            sw_vd xd = __builtin_convertvector(xh, sw_vd);\n"
            "            sw_vd t = SW_DFMA(xd, SW_D(%a), SW_D(0x1.8p52));\n"
            "            sw_vd k = t - 0x1.8p52;\n"
            "            sw_vl q2 = ((sw_vl)t + %d) & 3;\n"
            "            sw_vd r = SW_DFMA(k, SW_D(%a), SW_DFMA(k, SW_D(%a), xd));\n"
            "            sw_vl odd = (q2 & 1) != 0;\n",
            v->twoopi, v->is_cos, -v->q2[1], -v->q2[0]);
    for (size_t i = 0; i < v->nrow; i++)
        fprintf(out, "            sw_vd c%zu = (sw_vd)((odd & (sw_vl)SW_D(%a)) | (~odd & (sw_vl)SW_D(%a)));\n",
                i, v->rows[1][i], v->rows[0][i]);
    emit_horner_z_fma(out, "            sw_vd", v->nrow, "c%d", "SW_DFMA");
    fprintf(out,
            "            sw_vd m = (sw_vd)((odd & (sw_vl)SW_D(1.0)) | (~odd & (sw_vl)r));\n"
            "            sw_vd y2 = m * p;\n"
            "            y2 = (sw_vd)((sw_vl)y2 ^ ((q2 & 2) << 62)); /* rows 2, 3: -(m p) */\n"
            "            sw_vh yh = __builtin_convertvector(y2, sw_vh);\n"
            "            memcpy(yd + h * (V_W / 2), &yh, sizeof yh);\n"
            "        }\n"
            "#undef SW_DFMA\n#undef SW_D\n"
            "        VF ydv;\n"
            "        memcpy(&ydv, yd, sizeof ydv);\n"
            "        res = V_SELF(ua >= 0x%08xu, ydv, res); /* the lanes >= 2^20 replaced below */\n"
            "        for (int l = 0; l < V_W; l++) /* |x| >= 2^20, Inf, NaN: the scalar code */\n"
            "            if (ua[l] >= 0x49800000u) res[l] = %s_lane(x[l]);\n"
            "    }\n",
            SW_LIMIT, v->name);
}

/* RN_bits(v) as a float, and v -= it (MPFR). */
static float take_bits(mpfr_t v, int bits)
{
    mpfr_t t;
    mpfr_init2(t, bits);
    mpfr_set(t, v, MPFR_RNDN);
    float f = mpfr_get_flt(t, MPFR_RNDN);
    mpfr_sub(v, v, t, MPFR_RNDN);
    mpfr_clear(t);
    return f;
}

static ua_status gen_sincosw(const ua_libm_func *self, FILE *out, const ua_libm_options *opt)
{
    int is_cos = *(const int *)self->spec;
    const char *name;
    ua_status st = ua_libm_begin(self, out, opt, &name);
    if (st != UA_OK) return st;
    if (!opt || !opt->fma)
        return UA_ERR(UA_EINVAL, "%s: --working-precision single needs --fma here (the float code "
                      "of sinf and cosf is written with fused multiply-adds only)", self->libm_name);
    sincosw_ctx v;
    memset(&v, 0, sizeof v);
    v.name = name;
    v.is_cos = is_cos;
    /* the float cores: S ~ (sin(r) - r) / r^3 and C ~ (cos(r) - 1 + r^2/2) / r^4 in z = r^2,
     * the least degree below their tolerances (the relative error of the term they give:
     * hi z S is below 0.11 |sin|, z^2 C below 0.02), coefficients rounded to float */
    ua_libm_trig_poly fs, fc;
    st = ua_libm_trig_fit_least("(sin(x)-x)/x^3", SW_LO, SW_HI, 0, 2, 2, 8, 1, 0x1p-28, &fs);
    if (st == UA_OK)
        st = ua_libm_trig_fit_least("(cos(x)-1+x^2/2)/x^4", SW_LO, SW_HI, 0, 2, 2, 8, 1, 0x1p-24,
                                    &fc);
    if (st != UA_OK) return st;
    v.ns = fs.n;
    v.nc = fc.n;
    for (size_t i = 0; i < fs.n; i++) v.s[i] = (float)fs.c[i];
    for (size_t i = 0; i < fc.n; i++) v.c[i] = (float)fc.c[i];
    mpfr_t pv;
    mpfr_init2(pv, 300);
    mpfr_const_pi(pv, MPFR_RNDN);
    mpfr_div_2ui(pv, pv, 1, MPFR_RNDN);
    v.p[0] = take_bits(pv, 24);
    v.p[1] = take_bits(pv, SW_P2_BITS);
    v.p[2] = take_bits(pv, 24);
    mpfr_const_pi(pv, MPFR_RNDN);
    mpfr_ui_div(pv, 2, pv, MPFR_RNDN);
    v.p[3] = mpfr_get_flt(pv, MPFR_RNDN);
    mpfr_clear(pv);
    /* the double code for |x| >= 400 */
    ua_libm_trig_poly ps, pc;
    double c[4][8] = {{0}};
    size_t nc = 0;
    st = sincos1_rows(&ps, &pc, c, &nc);
    if (st != UA_OK) return st;
    uint32_t w[8];
    double p[4], q2[2];
    constants(w, p);
    constants2(q2, 53);
    v.rows = (const double (*)[8])c;
    v.nrow = nc;
    v.twoopi = p[3];
    v.q2[0] = q2[0];
    v.q2[1] = q2[1];
    fprintf(out,
            "/* %s(x) = %s(x) for float x, generated by uniapprox libm %s --accuracy 1ulp\n"
            " * --working-precision single --fma. Within 1 ULP, not correctly rounded everywhere.\n"
            " * |x| < 400: every operation in float with fused multiply-adds (UA_FMAF: C99 fmaf,\n"
            " * exactly rounded, the same bits on every machine; the vector kernels' vfmadd give\n"
            " * the scalar function's bits): k = round(|x| 2/pi), Cody-Waite r = |x| - k pi/2 =\n"
            " * hi + lo with pi/2 in three floats (the first two steps exact, hi's error exact by\n"
            " * Fast2Sum), then sin r = hi + (hi z S(z) + lo) and cos r = 1 + hi (-hi/2 + hi z C(z)\n"
            " * - lo), z = hi^2, chosen by k mod 4; S of degree %d (relative error %.3g), C of\n"
            " * degree %d (%.3g), minimax, float coefficients. |x| >= 400: the double code of\n"
            " * --accuracy 1ulp --fma (the same bits; in double lanes in the kernels below 2^20;\n"
            " * Cody-Waite in double below 2^28, Payne-Hanek above). Fast only\n"
            " * where the compiler inlines fmaf (-mfma, -march=x86-64-v3 or native); elsewhere each\n"
            " * UA_FMAF is a call to libm's fmaf (link with -lm). */\n"
            UA_LIBM_INCLUDES
            "#ifndef UA_COLD\n#if defined(__GNUC__) || defined(__clang__)\n"
            "#define UA_COLD __attribute__((noinline, cold))\n#else\n#define UA_COLD\n#endif\n"
            "#endif\n",
            name, is_cos ? "cos" : "sin", is_cos ? "cosf" : "sinf", 2 * (int)fs.n + 1, fs.error,
            2 * (int)fc.n + 2, fc.error);
    ua_libm_emit_fmaf(out);
    fprintf(out, "\n");
    ua_libm_emit_fma(out);
    emit_sincos1_big(out, name, is_cos, nc, (const double (*)[8])c, w, p, "2^20");
    fprintf(out,
            "/* |x| >= 400, finite (ua: the bits of |x|): the double code of --accuracy 1ulp --fma\n"
            " * (below 2^20 its two fused Cody-Waite steps; the kernels compute these lanes so, in\n"
            " * double lanes) */\n"
            "static UA_COLD float %s_dbl(float x, uint32_t ua)\n{\n"
            "    unsigned q;\n"
            "    double r;\n"
            "    if (ua < 0x49800000u) { /* |x| < 2^20: k P1 and x - k P1 exact, one rounding after */\n"
            "        double xd = x;\n"
            "        double t = UA_FMA(xd, %a, 0x1.8p52);\n"
            "        double k = t - 0x1.8p52;\n"
            "        uint64_t tb;\n"
            "        memcpy(&tb, &t, sizeof tb);\n"
            "        q = (unsigned)tb%s;\n"
            "        r = UA_FMA(k, %a, UA_FMA(k, %a, xd));\n"
            "    } else {\n"
            "        r = %s_big(x, ua, &q);\n"
            "    }\n"
            "    q &= 3u;\n"
            "    const double *c = %s_P[q];\n",
            name, p[3], is_cos ? " + 1u" : "", -q2[1], -q2[0], name, name);
    emit_horner_z_fma(out, "double", nc, "c[%d]", "UA_FMA");
    fprintf(out, "    double m = UA_FMA(%s_M[q][1], r, %s_M[q][0]); /* exactly r or 1 */\n"
                 "    return (float)(m * p); /* one rounding */\n}\n\n",
            name, name);
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    uint32_t u;\n"
            "    memcpy(&u, &x, sizeof u);\n"
            "    uint32_t ua = u & 0x7fffffffu;\n"
            "    if (ua >= 0x%08xu) { /* |x| >= 400, Inf, NaN */\n"
            "        if (ua >= 0x7f800000u) return x - x; /* NaN, +-Inf -> NaN */\n"
            "        return %s_dbl(x, ua);\n"
            "    }\n"
            "    float a;\n"
            "    memcpy(&a, &ua, sizeof a);\n",
            name, SW_LIMIT, name);
    emit_sincosw_core(out, &v, 0);
    fprintf(out, "    uint32_t yb;\n"
                 "    memcpy(&yb, &y, sizeof yb);\n"
                 "    yb ^= (q << 30%s) & 0x80000000u; /* the sign */\n"
                 "    memcpy(&y, &yb, sizeof y);\n"
                 "    return y;\n}\n",
            is_cos ? "" : " ^ u");
    ua_libm_emit_entry_points(out, name, opt, emit_sincosw_vbody, &v);
    return ferror(out) ? UA_ERR(UA_EIO, "%s: write error", name) : UA_OK;
}

/* ua_libm_func.emit: the generator under the check of the C name (common.c). */
static ua_status emit_sincos(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    if (opt && opt->accuracy == UA_LIBM_1ULP && opt->working_precision == UA_LIBM_WP_SINGLE)
        return ua_libm_emit_named(f, out, opt, gen_sincosw); /* ua_libm_begin: with --fma only */
    return ua_libm_emit_named(f, out, opt,
                              opt && opt->accuracy == UA_LIBM_1ULP ? gen_sincos1 : gen_sincos);
}

static const int is_sin = 0, is_cos = 1; /* the spec of each: which function */

const ua_libm_func ua_libm_sinf = {
    "sinf", "Cody-Waite (|x| < 2^28) / Payne-Hanek reduction by pi/2, minimax sin and cos cores "
            "on [-pi/4, pi/4] in double",
    "sin(x)", emit_sincos, &is_sin};

const ua_libm_func ua_libm_cosf = {
    "cosf", "Cody-Waite (|x| < 2^28) / Payne-Hanek reduction by pi/2, minimax sin and cos cores "
            "on [-pi/4, pi/4] in double",
    "cos(x)", emit_sincos, &is_cos};
