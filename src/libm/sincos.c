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
 */
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
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

/* What the vector body of sinf / cosf needs. */
typedef struct {
    const char *name;
    int is_cos;
    const ua_libm_trig_poly *ps, *pc;
    const double *p;
} sincos_vctx;

/* The vector kernel body: Cody-Waite and both cores in every lane, the quadrant's choice and
 * sign by selects; NaN and +-Inf by a select; the lanes with |x| >= 2^28 (Payne-Hanek) are
 * recomputed by the scalar function, one by one, in the rare blocks that have one. */
static void emit_sincos_vbody(FILE *out, const void *ctx)
{
    const sincos_vctx *v = ctx;
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
    if (v->is_cos)
        fprintf(out, "    VD y = V_SELD((q & 1) != 0, sn, cs);\n"
                     "    y = V_SELD(((q + 1) & 2) != 0, -y, y);\n");
    else
        fprintf(out, "    VU sign = __builtin_convertvector(u >> 31, VU);\n"
                     "    VD y = V_SELD((q & 1) != 0, cs, sn);\n"
                     "    y = V_SELD((((q >> 1) ^ sign) & 1) != 0, -y, y);\n");
    fprintf(out,
            "    VF res = __builtin_convertvector(y, VF);\n"
            "    res = V_SELF(ua >= 0x7f800000u, x - x, res); /* NaN, +-Inf -> NaN */\n"
            "    VI big = (ua >= 0x4d800000u) & (ua < 0x7f800000u); /* Payne-Hanek */\n"
            "    int any = 0;\n"
            "    for (int l = 0; l < V_W; l++) any |= big[l];\n"
            "    if (any)\n"
            "        for (int l = 0; l < V_W; l++)\n"
            "            if (big[l]) res[l] = %s(x[l]);\n",
            v->name);
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
    double p[4];
    constants(w, p);

    fprintf(out,
            "/* %s(x) = %s(x) for float x, generated by uniapprox libm %s.\n"
            " * Computed in double, rounded once to float. Reduction: x = k pi/2 + r, Cody-Waite\n"
            " * (pi/2 in three parts) for |x| < 2^28, Payne-Hanek (96 bits of 2/pi, exact integer\n"
            " * products) above. Cores on [-pi/4, pi/4], minimax with double coefficients:\n"
            " * sin(r) = r P(r^2), degree %d, relative error %.3g; cos(r) = Q(r^2), degree %d,\n"
            " * relative error %.3g (measured by the minimax fit). */\n"
            "#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n\n",
            name, is_cos ? "cos" : "sin", is_cos ? "cosf" : "sinf", 2 * (int)ps.n - 1, ps.error,
            2 * (int)pc.n - 2, pc.error);
    fprintf(out, "/* 2/pi: bits 32 i + 1 .. 32 i + 32 after the point (MPFR, mpfr_const_pi) */\n"
                 "static const uint32_t %s_2opi[8] = {", name);
    for (int i = 0; i < 8; i++) fprintf(out, "%s0x%08xu", i ? ", " : "", (unsigned)w[i]);
    fprintf(out, "};\n\n");
    /* the reduction */
    fprintf(out,
            "/* r = |x| - k pi/2 (double), *q = k mod 4; u = the bits of |x|, finite */\n"
            "static double %s_reduce(float ax, uint32_t u, int *q)\n{\n"
            "    if (u < 0x4d800000u) { /* |x| < 2^28: Cody-Waite, k < 2^28 */\n"
            "        double xd = ax;\n"
            "        double t = xd * %a + 0x1.8p52; /* k = round(x 2/pi) in the low bits */\n"
            "        double k = t - 0x1.8p52;\n"
            "        uint64_t tb;\n"
            "        memcpy(&tb, &t, sizeof tb);\n"
            "        *q = (int)(tb & 3);\n"
            "        return ((xd - k * %a) - k * %a) - k * %a;\n"
            "    }\n"
            "    /* Payne-Hanek: |x| = m 2^e, e >= 5; bits s = e - 1 .. e + 94 of 2/pi */\n"
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
            "    uint64_t f = (hi << 34) | (mid << 2) | (lo >> 30); /* fraction, 2^-64 units */\n"
            "    int k = (int)(hi >> 30) + (int)(f >> 63);   /* round to the nearest k */\n"
            "    *q = k & 3;\n"
            "    return (double)(int64_t)f * %a; /* times pi/2 2^-64 */\n"
            "}\n\n",
            name, p[3], p[0], p[1], p[2], name, 0x1.921fb54442d18p-64);
    /* the cores */
    fprintf(out, "static double %s_sin(double r)\n{\n    double z = r * r;\n    return r * ", name);
    ua_libm_trig_horner(out, "z", ps.c, ps.n);
    fprintf(out, ";\n}\n\nstatic double %s_cos(double r)\n{\n    double z = r * r;\n    return ",
            name);
    ua_libm_trig_horner(out, "z", pc.c, pc.n);
    fprintf(out, ";\n}\n\n");
    /* the function */
    fprintf(out,
            "float %s(float x)\n{\n"
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
    sincos_vctx v = {name, is_cos, &ps, &pc, p};
    ua_libm_trig_vector(out, name, opt, emit_sincos_vbody, &v);
    return ferror(out) ? UA_ERR(UA_EIO, "%s: write error", name) : UA_OK;
}

/* ua_libm_func.emit: the generator under the check of the C name (common.c). */
static ua_status emit_sincos(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    return ua_libm_emit_named(f, out, opt, gen_sincos);
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
