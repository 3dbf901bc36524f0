/* src/libm/exp.c — the exponential generators of `uniapprox libm`: exp2f, expf, exp10f, expm1f.
 *
 * Method (the table-driven reduction of Tang, "Table-driven implementation of the exponential
 * function in IEEE floating-point arithmetic", ACM TOMS 15(2), 1989, with N = 32 as in glibc's
 * float exponentials; everything in double, one rounding to float at the end):
 *     b^x = 2^(x log2 b) = 2^(k/N) * b^r,   k = round(x N log2 b),   r = x - k log_b(2) / N,
 * |r| <= log_b(2) / (2N) (plus the rounding of the product). 2^(k/N) = 2^(k div N) * T[k mod N]
 * with T[i] = RN(2^(i/N)) from MPFR and the power of two added into the exponent field. r is
 * formed by Cody-Waite: log_b(2)/N = C1 + C2 with C1 holding 40 bits, so k C1 is exact for
 * |k| < 2^13 and c - k C1 is exact (Sterbenz) or nearly; for exp2, r = x - k/N is exact.
 * b^r = 1 + r q(r), q the relative minimax polynomial of (b^r - 1)/r on the reduced interval,
 * found at generation time by ua_libm_fit_core. The input is clamped (selects, no branch) to
 * [LO, HI], outside which the float result is +0 or +Inf anyway, so that k stays small; the
 * vector kernels (emit_exp_vbody) do the same lane by lane; NaN passes through the clamps and
 * the arithmetic.
 * expm1: for |x| < 1/8, x q1(x) with q1 the minimax polynomial of expm1(x)/x (no cancellation);
 * elsewhere (s - 1) + s r q(r), s = 2^(k/N), where e^x - 1 is at most 7.6 times more sensitive
 * to the error of e^x than e^x itself. */
#include <math.h>
#include <mpfr.h>

#include "core/internal.h"
#include "libm/internal.h"

#define EXP_N 32 /* table entries: 2^(i/32) */

typedef enum { EXP_BASE2, EXP_BASEE, EXP_BASE10 } exp_base;

typedef struct {
    exp_base base;
    const char *q_expr; /* (b^r - 1)/r */
    double lo, hi;      /* the clamps: b^lo rounds to +0, b^hi to +Inf */
    int degree;         /* of q */
    int m1;             /* expm1 */
} exp_spec;

/* log_b(2) / N split for Cody-Waite: *c1 (40 leading bits), *c2 = RN(value - c1); also
 * *inv = RN(N / log_b(2)). */
static void cody_waite(exp_base base, double *c1, double *c2, double *inv)
{
    mpfr_t v, t;
    mpfr_inits2(200, v, t, (mpfr_ptr)0);
    if (base == EXP_BASEE) {
        mpfr_const_log2(v, MPFR_RNDN); /* ln 2 */
    } else if (base == EXP_BASE10) {
        mpfr_set_ui(v, 2, MPFR_RNDN);
        mpfr_log10(v, v, MPFR_RNDN); /* log10 2 */
    } else {
        mpfr_set_ui(v, 1, MPFR_RNDN);
    }
    mpfr_div_ui(v, v, EXP_N, MPFR_RNDN);
    mpfr_ui_div(t, 1, v, MPFR_RNDN);
    *inv = mpfr_get_d(t, MPFR_RNDN);
    mpfr_set(t, v, MPFR_RNDN);
    mpfr_prec_round(t, 40, MPFR_RNDZ);
    *c1 = mpfr_get_d(t, MPFR_RNDN); /* exact: 40 bits */
    mpfr_sub(t, v, t, MPFR_RNDN);
    *c2 = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clears(v, t, (mpfr_ptr)0);
}

/* What the vector body of an exponential needs (the constants the scalar lane function uses). */
typedef struct {
    const exp_spec *sp;
    double c1, c2, inv;
    const double *q, *q1;
    int m1_degree;
} exp_vctx;

/* The vector kernel body: the lane function's operations, lane by lane (the clamps as selects,
 * the table loads as gathers, expm1's two branches as one select of the rounding's inputs). */
static void emit_exp_vbody(FILE *out, const void *ctx)
{
    const exp_vctx *v = ctx;
    const exp_spec *sp = v->sp;
    fprintf(out,
            "    VD c = __builtin_convertvector(x, VD);\n"
            "    c = V_SELD(c < %a, V_SPLAT(%a), c);\n"
            "    c = V_SELD(c > %a, V_SPLAT(%a), c);\n"
            "    VD z = c * %a + 0x1.8p52;\n"
            "    VU ki = (VU)z;\n"
            "    VD kd = z - 0x1.8p52;\n",
            sp->lo, sp->lo, sp->hi, sp->hi, v->inv);
    if (sp->base == EXP_BASE2)
        fprintf(out, "    VD r = c - kd * %a;\n", v->c1);
    else
        fprintf(out, "    VD r = (c - kd * %a) - kd * %a;\n", v->c1, v->c2);
    ua_libm_emit_vhorner(out, "q", "r", v->q, sp->degree);
    fprintf(out,
            "    VD sc = (VD)(((ki >> 5) + 1023) << 52);\n"
            "    VU j = ki %% %d;\n"
            "    VD s = V_GATHER64(ua_T, j) * sc, sl = V_GATHER64(ua_TL, j) * sc;\n",
            EXP_N);
    if (!sp->m1) {
        fprintf(out, "    VF res = V_(ua_vrnd2)(s, sl + s * (r * q));\n");
        return;
    }
    fprintf(out, "    VD sm1 = s - 1.0, big = sl + s * (r * q);\n"
                 "    VD xd = __builtin_convertvector(x, VD);\n");
    int lead = v->q1[0] == 1.0;
    ua_libm_emit_vhorner(out, "p", "xd", v->q1 + lead, v->m1_degree - lead);
    fprintf(out,
            "    VL tiny = (xd < 0.125) & (xd > -0.125);\n"
            "    VF res = V_(ua_vrnd2)(V_SELD(tiny, %s, sm1), V_SELD(tiny, %s, big));\n"
            "    res = V_SELF(x == 0.0f, x, res);\n",
            lead ? "xd" : "V_SPLAT(0.0)", lead ? "xd * (xd * p)" : "xd * p");
}

/* ---- the 1-ULP variant (--accuracy 1ulp) ---------------------------------------------------
 * b^x = 2^z, z = RN(x log2 b) (exact for b = 2), k = round(z) (the 1.5 2^52 shift), r = z - k
 * exact (|r| <= 1/2), 2^r = 1 + r q(r) with q the relative minimax polynomial of (2^r - 1)/r of
 * degree 5 on [-1/2, 1/2] (evaluated by Estrin's scheme: the same operations in the scalar
 * and vector code), 2^k written into a double's exponent field, and the double product rounded
 * once to float. No table, no rounding test. The input is clamped in float to [LO, HI] (max /
 * min; NaN passes through). Error estimate: the relative error of q (about 1.1e-8 as fitted)
 * times |r q| / p <= 0.6, plus about 2^-45 for the rounding of z (|z| <= 153) and a few 2^-53:
 * about 2^-27 relative, so at most about 0.5 + 2^-3 ULP; the exhaustive check measured 0.5526
 * (docs/libm.md). */
#define EXPF1_DEG 5

typedef struct {
    double k2;      /* RN(log2 b); 1 for exp2 */
    float lo, hi;   /* the clamps (as the correctly rounded variant's) */
    const double *q;
} exp1_ctx;

/* The lane function's text after the clamp, for T = "double" (scalar) or "VD" (vector): both
 * are the same expressions, so the vector kernels perform the scalar operations. */
static void emit_exp1_core(FILE *out, const exp1_ctx *e, int vec)
{
    const char *T = vec ? "VD" : "double";
    const double *q = e->q;
    if (vec) fprintf(out, "    VD cd = V_F2D(c);\n");
    else fprintf(out, "    double cd = c;\n");
    if (e->k2 == 1.0) fprintf(out, "    %s z = cd; /* x log2 b, exact */\n", T);
    else fprintf(out, "    %s z = cd * %a; /* x log2 b */\n", T, e->k2);
    /* 0x1.8p52 + 1023: k + 1023 = round(z) + 1023 in the low bits of t, so that its shift by
     * 52 is 2^k's exponent field */
    fprintf(out, "    %s t = z + 0x1.80000000003ffp52; /* round(z) + 1023 in the low bits */\n", T);
    if (vec) fprintf(out, "    VU ki = (VU)t;\n");
    else fprintf(out, "    uint64_t ki = ua_d2u(t);\n");
    fprintf(out,
            "    %s kd = t - 0x1.80000000003ffp52; /* k */\n"
            "    %s r = z - kd; /* exact, |r| <= 1/2 */\n"
            "    %s r2 = r * r, r4 = r2 * r2;\n"
            "    %s q = ((%a + %a * r) + r2 * (%a + %a * r)) + r4 * (%a + %a * r);\n"
            "    %s p = 1.0 + r * q;\n",
            T, T, T, T, q[0], q[1], q[2], q[3], q[4], q[5], T);
    if (vec)
        fprintf(out, "    VD sc = (VD)(ki << 52);\n"
                     "    VF res = __builtin_convertvector(p * sc, VF);\n");
    else
        fprintf(out, "    double sc = ua_u2d(ki << 52); /* 2^k, a normal double */\n"
                     "    return (float)(p * sc); /* one rounding */\n}\n\n");
}

static void emit_exp1_vbody(FILE *out, const void *ctx)
{
    const exp1_ctx *e = ctx;
    fprintf(out, "    VF c = V_MAXF((VF){0} + %af, x);\n"
                 "    c = V_MINF((VF){0} + %af, c);\n",
            (double)e->lo, (double)e->hi);
    emit_exp1_core(out, e, 1);
}

static ua_status emit_exp1(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                           const char *cname)
{
    const exp_spec *sp = f->spec;
    double q[UA_LIBM_MAX_COEFFS], e_q = 0;
    const double h = 0.5 * (1 + 0x1p-20); /* |r| <= 1/2 */
    ua_status s = ua_libm_fit_core("(2^x-1)/x", -h, h, EXPF1_DEG, q, &e_q);
    if (s) return s;
    double c1, c2, inv;
    cody_waite(sp->base, &c1, &c2, &inv);
    /* RN(N log2 b) / N = RN(log2 b) exactly (N a power of 2); 1 for b = 2 */
    exp1_ctx e = {inv / EXP_N, (float)sp->lo, (float)sp->hi, q};
    ua_libm_func g = *f; /* the head names the method of this variant */
    g.summary = sp->base == EXP_BASE2 ? "2^x = 2^k (1 + r q(r)), k = round(x), r = x - k, degree-5 q"
              : sp->base == EXP_BASEE ? "e^x = 2^k (1 + r q(r)), k = round(x log2 e), r = x log2 e - k, degree-5 q"
                                      : "10^x = 2^k (1 + r q(r)), k = round(x log2 10), r = x log2 10 - k, degree-5 q";
    ua_libm_emit_head(out, &g, cname);
    fprintf(out, "/* --accuracy 1ulp: b^x = 2^k 2^r, k = round(x log2 b), r = x log2 b - k, no table and\n"
                 " * no rounding test: within 1 ULP, not correctly rounded everywhere. */\n");
    ua_libm_emit_core_note(out, "(2^x-1)/x", -h, h, EXPF1_DEG, e_q);
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    float c = x < %af ? %af : x; /* below: the result rounds to +0 (also -Inf) */\n"
            "    c = c > %af ? %af : c;       /* above: +Inf; NaN passes both */\n",
            cname, (double)e.lo, (double)e.lo, (double)e.hi, (double)e.hi);
    emit_exp1_core(out, &e, 0);
    return ua_libm_end(f, out, cname, opt, emit_exp1_vbody, &e);
}

static ua_status emit_exp(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    const exp_spec *sp = f->spec;
    const char *cname;
    ua_status s = ua_libm_begin(f, out, opt, &cname);
    if (s) return s;
    /* expm1f has no 1-ULP variant: its correctly rounded code is within 1 ULP */
    if (opt && opt->accuracy == UA_LIBM_1ULP && !sp->m1) return emit_exp1(f, out, opt, cname);
    double c1, c2, inv;
    cody_waite(sp->base, &c1, &c2, &inv);
    /* |r| <= (c1 + c2) / 2, widened by 1% for the rounding of c * inv and of the reduction */
    double h = 0.505 * (c1 + c2);
    double q[UA_LIBM_MAX_COEFFS], e_q = 0, q1[UA_LIBM_MAX_COEFFS], e_q1 = 0;
    s = ua_libm_fit_core(sp->q_expr, -h, h, sp->degree, q, &e_q);
    if (s) return s;
    const int m1_degree = 8;
    if (sp->m1 && (s = ua_libm_fit_core("expm1(x)/x", -0.125, 0.125, m1_degree, q1, &e_q1)))
        return s;
    double T[EXP_N], TL[EXP_N];
    for (int i = 0; i < EXP_N; i++) ua_libm_exp2_split(i, EXP_N, &T[i], &TL[i]);

    ua_libm_emit_head(out, f, cname);
    fprintf(out, "/* 2^(i/%d) = T[i] + TL[i] to about 2^-107 (MPFR): the rounding error of a\n"
                 " * double table alone (2^-54) would leave a few inputs not correctly rounded */\n",
            EXP_N);
    ua_libm_emit_table(out, "ua_T", T, EXP_N);
    ua_libm_emit_table(out, "ua_TL", TL, EXP_N);
    ua_libm_emit_core_note(out, sp->q_expr, -h, h, sp->degree, e_q);
    if (sp->m1)
        fprintf(out, "/* small |x| < 1/8: q1(x) ~ expm1(x)/x, degree %d, relative error %.3g. */\n",
                m1_degree, e_q1);
    fprintf(out, "static inline float %s_lane(float x)\n{\n", cname);
    fprintf(out,
            "    double c = x;\n"
            "    c = c < %a ? %a : c; /* below: the float result is +0%s (also for -Inf) */\n"
            "    c = c > %a ? %a : c; /* above: +Inf; NaN passes both selects */\n"
            "    double z = c * %a + 0x1.8p52; /* k = round(c N log2 b) in the low bits */\n"
            "    uint64_t ki = ua_d2u(z);\n"
            "    double kd = z - 0x1.8p52;\n",
            sp->lo, sp->lo, sp->m1 ? " (here: -1)" : "", sp->hi, sp->hi, inv);
    if (sp->base == EXP_BASE2)
        fprintf(out, "    double r = c - kd * %a; /* exact */\n", c1);
    else
        fprintf(out, "    double r = (c - kd * %a) - kd * %a; /* Cody-Waite */\n", c1, c2);
    ua_libm_emit_horner(out, "q", "r", q, sp->degree);
    fprintf(out,
            "    /* 2^(k/%d) = sc (T + TL)[k mod %d], sc = 2^(k div %d) exactly (a normal double) */\n"
            "    double sc = ua_u2d(((ki >> 5) + 1023) << 52);\n"
            "    double s = ua_T[ki %% %d] * sc, sl = ua_TL[ki %% %d] * sc;\n",
            EXP_N, EXP_N, EXP_N, EXP_N, EXP_N);
    if (!sp->m1) {
        fprintf(out, "    return ua_rnd2(s, sl + s * (r * q)); /* one rounding of the sum */\n}\n\n");
    } else {
        fprintf(out, "    double sm1 = s - 1.0, big = sl + s * (r * q);\n    double xd = x;\n");
        int lead = q1[0] == 1.0; /* x q1(x) = x + x (x q1'(x)): x exact, added last */
        ua_libm_emit_horner(out, "p", "xd", q1 + lead, m1_degree - lead);
        fprintf(out,
                "    int tiny = xd < 0.125 && xd > -0.125;\n"
                "    /* tiny: x + x (x p'), one rounding; else (s - 1) + s r q, one rounding */\n"
                "    float res = tiny ? %s : ua_rnd2(sm1, big);\n"
                "    return xd == 0 ? x : res; /* -0 stays -0 */\n}\n\n",
                lead ? "ua_rnd2(xd, xd * (xd * p))" : "ua_rnd2(0.0, xd * p)");
    }
    exp_vctx v = {sp, c1, c2, inv, q, q1, m1_degree};
    return ua_libm_end(f, out, cname, opt, emit_exp_vbody, &v);
}

static const exp_spec spec_exp2f = {EXP_BASE2, "(2^x-1)/x", -152.0, 129.0, 5, 0};
static const exp_spec spec_expf = {EXP_BASEE, "expm1(x)/x", -105.0, 89.5, 5, 0};
static const exp_spec spec_exp10f = {EXP_BASE10, "(10^x-1)/x", -46.0, 39.0, 5, 0};
static const exp_spec spec_expm1f = {EXP_BASEE, "expm1(x)/x", -40.0, 89.5, 5, 1};

const ua_libm_func ua_libm_exp2f = {
    "exp2f", "2^x = 2^(k/32) (1 + r q(r)), r = x - k/32 exact, 32-entry table, degree-5 q",
    "2^x", emit_exp, &spec_exp2f};
const ua_libm_func ua_libm_expf = {
    "expf", "e^x = 2^(k/32) (1 + r q(r)), Cody-Waite r = x - k ln2/32, 32-entry table, degree-5 q",
    "exp(x)", emit_exp, &spec_expf};
const ua_libm_func ua_libm_exp10f = {
    "exp10f",
    "10^x = 2^(k/32) (1 + r q(r)), Cody-Waite r = x - k log10(2)/32, 32-entry table, degree-5 q",
    "10^x", emit_exp, &spec_exp10f};
const ua_libm_func ua_libm_expm1f = {
    "expm1f",
    "e^x - 1: x q1(x) (degree 8) for |x| < 1/8, else (s - 1) + s r q(r) as expf",
    "expm1(x)", emit_exp, &spec_expm1f};
