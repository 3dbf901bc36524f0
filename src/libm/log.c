/* src/libm/log.c — the logarithm generators of `uniapprox libm`: log2f, logf, log10f, log1pf.
 *
 * Method (the table-driven logarithm of Tang, "Table-driven implementation of the logarithm
 * function in IEEE floating-point arithmetic", ACM TOMS 16(4), 1990, in the form glibc's logf
 * uses; everything in double, one rounding to float at the end):
 *   x = 2^k z with z in [OFF, 2 OFF), OFF = 0x3f330000 (0.699...), found on the bits alone
 *   (subnormal x scaled by 2^23 first); the top 7 fraction bits of z - OFF pick one of 128
 *   subintervals, each with c_i = RN_float(1 / its midpoint) (so z c_i is exact in double and
 *   r = z c_i - 1 too, by Sterbenz) and L_i = RN(-log_b(c_i)) from MPFR;
 *   log_b(x) = k log_b(2) + L_i + r q(r),
 * q the relative minimax polynomial of log_b(1 + r)/r on the range of r. The subinterval that
 * starts at z = 1 has c = 1, L = 0 and k = 0 there, so near x = 1 the result is r q(r) with no
 * cancellation. Special inputs by selects (no branch; emit_log_vbody does the same lane by lane):
 * +-0 -> -Inf, x < 0 -> NaN, +Inf -> +Inf, NaN -> NaN.
 * log1pf: for |x| < 2^-7, x q1(x) with q1 the minimax polynomial of log1p(x)/x; elsewhere
 * u = 1 + x in double (exact for |x| < 2^24) and the same table reduction on u's bits. */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "libm/internal.h"

#define LOG_BITS 7
#define LOG_N (1 << LOG_BITS)
#define LOG_OFF 0x3f330000u

typedef struct {
    double base;        /* 2, e (0), 10 */
    const char *q_expr; /* log_b(1+r)/r */
    int degree;
    int p1;             /* log1p */
} log_spec;

static float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static double u2d(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* The tables and the range [*rlo, *rhi] of r over every float z of every subinterval. */
static void log_tables_n(int bits, double base, double *invc, double *logc, double *logc_lo,
                         double *rlo, double *rhi)
{
    *rlo = 0;
    *rhi = 0;
    for (uint32_t i = 0; i < (1u << bits); i++) {
        uint32_t b0 = LOG_OFF + (i << (23 - bits)), b1 = b0 + (1u << (23 - bits));
        double z0 = u2f(b0), z1 = u2f(b1); /* [z0, z1): the floats of subinterval i */
        float c = (float)(2.0 / (z0 + z1));
        /* the two subintervals that meet at z = 1: c = 1, L = 0, so that near x = 1 the
         * result is r q(r) alone, with no cancellation against L */
        if (b0 == 0x3f800000u || b1 == 0x3f800000u) c = 1.0f;
        invc[i] = c;
        logc[i] = logc_lo[i] = 0.0;
        if (c != 1.0f) {
            ua_libm_log_split(c, base, 53, &logc[i], &logc_lo[i]);
            logc[i] = -logc[i];
            logc_lo[i] = -logc_lo[i];
        }
        double a = z0 * c - 1.0, b = (double)u2f(b1 - 1) * c - 1.0;
        if (a < *rlo) *rlo = a;
        if (b > *rhi) *rhi = b;
    }
}

/* The correctly rounded variant's tables: LOG_N subintervals. */
static void log_tables(double base, double *invc, double *logc, double *logc_lo, double *rlo,
                       double *rhi)
{
    log_tables_n(LOG_BITS, base, invc, logc, logc_lo, rlo, rhi);
}

/* What the vector body of a logarithm needs (the constants the scalar lane function uses). */
typedef struct {
    const log_spec *sp;
    const double *q, *q1;
    int lead, p1_degree;
    double p1_t, lb2, lb2_lo;
} log_vctx;

/* The vector kernel body: the lane function's operations, lane by lane (the bit splits on
 * integer vectors, the table loads as gathers, the special inputs and log1p's two branches as
 * selects). */
static void emit_log_vbody(FILE *out, const void *ctx)
{
    const log_vctx *v = ctx;
    const log_spec *sp = v->sp;
    if (!sp->p1) {
        fprintf(out,
                "    VUI ix = (VUI)x;\n"
                "    VUI is = (VUI)(x * 0x1p23f) - (23u << 23);\n"
                "    VUI iu = V_SELI(ix < 0x00800000u, is, ix);\n"
                "    VUI tmp = iu - 0x%xu;\n"
                "    VUI i = (tmp >> %d) %% %d;\n"
                "    VI k = (VI)(tmp & 0xff800000u) >> 23; /* arithmetic: the exact quotient */\n"
                "    VD z = __builtin_convertvector((VF)(iu - (tmp & 0xff800000u)), VD);\n"
                "    VD kd = V_I2D(k);\n"
                "    VD r = z * V_GATHER32(ua_INVC, i) - 1.0;\n",
                LOG_OFF, 23 - LOG_BITS, LOG_N);
    } else {
        fprintf(out,
                "    VUI ix = (VUI)x;\n"
                "    VD u = 1.0 + V_F2D(x);\n"
                "    VU iu = (VU)u;\n"
                "    VU tmp = iu - 0x3fe6600000000000ull;\n"
                "    VU i = (tmp >> %d) %% %d;\n"
                "    /* k = the top 12 bits of tmp, signed; (double)k by the 2^52 + 2^51 shift */\n"
                "    VU kb = tmp >> 52;\n"
                "    VU ks = kb - ((kb & 0x800u) << 1);\n"
                "    VD kd = (VD)(ks + 0x4338000000000000ull) - 0x1.8p52;\n"
                "    VD z = (VD)(iu - (tmp & 0xfff0000000000000ull));\n"
                "    VD r = z * V_GATHER64(ua_INVC, i) - 1.0;\n",
                52 - LOG_BITS, LOG_N);
    }
    if (v->lead) {
        ua_libm_emit_vhorner(out, "q", "r", v->q, sp->degree - 1);
        fprintf(out, "    VD th = r, tl = r * (r * q);\n");
    } else {
        ua_libm_emit_vhorner(out, "q", "r", v->q, sp->degree);
        fprintf(out, "    VD th = r * q, tl = V_SPLAT(0.0);\n");
    }
    fprintf(out,
            "    VD e1, e2;\n"
            "    VD s1 = V_(ua_vtwo_sum)(kd * %a, V_GATHER%d(ua_LOGC, i), &e1);\n"
            "    VD s2 = V_(ua_vtwo_sum)(s1, th, &e2);\n"
            "    VD yh = s2, yl = ((e1 + e2) + (V_GATHER%d(ua_LOGCL, i) + kd * %a)) + tl;\n",
            v->lb2, sp->p1 ? 64 : 32, sp->p1 ? 64 : 32, v->lb2_lo);
    fprintf(out, "    VF nan = (x - x) / (x - x);\n"
                 "    VF ninf = (VF)((VUI){0} + 0xff800000u);\n");
    if (!sp->p1) {
        fprintf(out,
                "    VF res = V_(ua_vrnd2)(yh, yl);\n"
                "    res = V_SELF(ix >= 0x7f800000u, V_SELF(ix == 0x7f800000u, x, nan), res);\n"
                "    res = V_SELF((ix & 0x7fffffffu) == 0, ninf, res);\n");
        return;
    }
    fprintf(out, "    VD xd = V_F2D(x);\n");
    ua_libm_emit_vhorner(out, "p", "xd", v->q1, v->p1_degree);
    fprintf(out,
            "    VD x2 = xd * xd, a = -0.5 * x2;\n"
            "    VD hi = xd + a, lo = (xd - hi) + a;\n"
            "    VL tiny = (xd < %a) & (xd > %a);\n"
            "    VF res = V_(ua_vrnd2)(V_SELD(tiny, hi, yh), V_SELD(tiny, lo + x2 * xd * p, yl));\n"
            "    res = V_SELF(x == 0.0f, x, res);\n"
            "    res = V_SELF(ix == 0x7f800000u, x, res);\n"
            "    res = V_SELF(ix == 0xbf800000u, ninf, res);\n"
            "    res = V_SELF((ix > 0xbf800000u) | (x != x), nan, res);\n",
            v->p1_t, -v->p1_t);
}

/* ---- the table-free 1-ULP core: log1pf's --accuracy 1ulp (emit_log1p_1, below); log2f, logf
 * and log10f used it before their table variant (emit_logt, below: shorter dependency chain)
 * x = 2^k z with z in [OFF1, 2 OFF1), OFF1 = RN_float(1/sqrt 2) (on the bits, as above; subnormal
 * x scaled by 2^23 first), s = (z - 1)/(z + 1) in double (z - 1 and z + 1 exact, one rounding
 * of the quotient), |s| < 0.1716, and log_b z = 2 atanh(s) / ln b = s P(s^2), P the relative
 * minimax polynomial of degree 3 in s^2 (odd in s: s, s^3, s^5, s^7); log_b x = k log_b 2 +
 * s P(s^2) (k log_b 2 rounded once; for log2 exact) rounded once to float. No table, no
 * rounding test. Near x = 1 (k = 0) the result is s P(s^2) with no cancellation; elsewhere
 * |k + log2 z| >= |k| / 2. Special inputs by the same selects as the correctly rounded code. */
#define LOG1_OFF 0x3f3504f3u /* RN_float(1/sqrt(2)) */
#define LOG1_TERMS 4

typedef struct {
    double lb2;           /* RN(log_b 2); 1 for log2 */
    double c[LOG1_TERMS]; /* P's coefficients of s, s^3, s^5, s^7 */
} log1_ctx;

/* The text from z (a double, or a VD of them) and k (int32_t, or VI) to y, for T = "double" or
 * "VD": the same expressions in the scalar and vector code. kd_given: kd (k as a double, or a
 * VD) is already defined, k is not (log1pf's split of a double). */
static void emit_log1_core(FILE *out, const log1_ctx *e, int vec, int kd_given)
{
    const char *T = vec ? "VD" : "double";
    const double *c = e->c;
    fprintf(out,
            "    %s s = (z - 1.0) / (z + 1.0);\n"
            "    %s s2 = s * s, s4 = s2 * s2;\n"
            "    %s p = (%a + %a * s2) + s4 * (%a + %a * s2);\n",
            T, T, T, c[0], c[1], c[2], c[3]);
    if (!kd_given) fprintf(out, vec ? "    VD kd = V_I2D(k);\n" : "    double kd = (double)k;\n");
    if (e->lb2 == 1.0) fprintf(out, "    %s y = kd + s * p;\n", T);
    else fprintf(out, "    %s y = kd * %a + s * p;\n", T, e->lb2);
}

/* The lane function's first lines for every logarithm: x's bits ix, a subnormal (or +0) scaled
 * by 2^23 with 23 taken from its exponent (iu), and tmp = iu - off, whose exponent field is k
 * (the table variants take their entry from its top fraction bits), z = x 2^-k in [off, 2 off). */
static void emit_split_head(FILE *out, unsigned off)
{
    fprintf(out,
            "    uint32_t ix = ua_f2u(x);\n"
            "    /* subnormal (and +0): scale by 2^23, take 23 from the exponent */\n"
            "    uint32_t is = ua_f2u(x * 0x1p23f) - (23u << 23);\n"
            "    uint32_t iu = ix < 0x00800000u ? is : ix;\n"
            "    uint32_t tmp = iu - 0x%xu;\n",
            off);
}

/* The 1-ULP variants' core for the base of sp: e (P's coefficients, log_b 2), the fitted
 * expression *expr, the largest |s| *smax (z in [OFF1, 2 OFF1), widened by 1%: also covers
 * log1pf's double OFF1 = RN(1/sqrt 2)) and P's relative error *err (sampled). */
static ua_status log1_fit(const log_spec *sp, log1_ctx *e, const char **expr, double *smax,
                          double *err)
{
    float off = u2f(LOG1_OFF);
    *smax = 1.01 * fmax(fabs((off - 1.0) / (off + 1.0)), (2.0 * off - 1.0) / (2.0 * off + 1.0));
    *expr = sp->base == 2.0 ? "2*atanh(x)/log(2)"
            : sp->base == 10.0 ? "2*atanh(x)/log(10)" : "2*atanh(x)";
    int monos[LOG1_TERMS];
    for (int i = 0; i < LOG1_TERMS; i++) monos[i] = 2 * i + 1;
    ua_libm_trig_poly p;
    /* tolerance 2^-28: within 0.5 + 2^-4 ULP with the roundings (measured: docs/libm.md) */
    ua_status s = ua_libm_trig_fit(*expr, 0x1p-20, *smax, monos, LOG1_TERMS, 1, 0x1p-28, &p);
    if (s) return s;
    for (int i = 0; i < LOG1_TERMS; i++) e->c[i] = p.c[i];
    double lo;
    e->lb2 = 1.0;
    if (sp->base != 2.0) ua_libm_log_split(2.0, sp->base, 53, &e->lb2, &lo);
    *err = p.error;
    return UA_OK;
}

/* ---- log2f, logf, log10f at 1 ULP: the table reduction ----------------------------------------
 * The correctly rounded variant's reduction (log_tables: z in [OFF, 2 OFF), OFF = 0.699, 128
 * subintervals, c = RN_float(1/midpoint), c = 1 on the two that meet at 1), so that
 * r = z c - 1 is exact (z and c floats: a 48-bit product, then Sterbenz) and |r| < 2^-7.9;
 * log_b x = (k log_b 2 + L[i]) + log_b(1 + r), L[i] = RN(-log_b c) (one double, MPFR), and
 *     log_b(1 + r) = c0 r + r^2 (c1 + c2 r)   (c0 r: r itself for the natural log)
 * from the relative minimax fit of log_b(1 + r)/r (of (log1p(r) - r)/r^2 for the natural log,
 * so that r is added unmultiplied) of degree LOGT_DEG. The sum rounded once to float: no
 * TwoSum, no rounding test. The linear terms are written in zc = z c (exact) rather than in
 * r = zc - 1: (hi - c0) + c0 zc and (c1 - c2) + c2 zc, so that only r^2 waits for the
 * subtraction; after zc: four dependent operations (r, r^2, its product, the sum), against
 * the table-free variant's division and degree-7 odd polynomial. Positive normal x
 * takes this path directly (one predicted branch on x's bits); +-0, subnormals, negative x,
 * +-Inf and NaN go to a cold function that does the same after scaling a subnormal by 2^23,
 * then the special values by selects (the same as the table-free variant). log1pf's 1-ULP
 * code keeps the table-free reduction (emit_log1p_1). The least degree keeping every float
 * within 1 ULP (and 0.6) was measured: docs/libm.md. */
#define LOGT_DEG 2
#define LOGT_BITS 8
#define LOGT_N (1 << LOGT_BITS)

typedef struct {
    int natural;      /* log: r + r^2 (c1 + c2 r) */
    double lb2;       /* RN(log_b 2); 1 for log2 */
    double c[LOGT_DEG + 1];
} logt_ctx;

/* From z, k (as kd) and i to y: the same expressions for T = "double" and "VD"; the table
 * reads written by rd ("ua_INVC[i]" or "V_GATHER32(ua_INVC, i)"). */
static void emit_logt_core(FILE *out, const logt_ctx *e, int vec)
{
    const char *T = vec ? "VD" : "double";
    const char *inv = vec ? "V_GATHER32(ua_INVC, i)" : "ua_INVC[i]";
    const char *lc = vec ? "V_GATHER32(ua_LOGC, i)" : "ua_LOGC[i]";
    /* r = zc - 1; the terms linear in r are written in zc, so that they do not wait for the
     * subtraction: c0 r = c0 zc - c0 (the constant added to hi), c1 + c2 r = (c1 - c2) + c2 zc
     * (c1 - c2 rounded once, here) */
    double c1 = e->c[e->natural ? 0 : 1], c2 = e->c[e->natural ? 1 : 2]; /* as named above */
    fprintf(out, "    %s zc = z * %s; /* exact */\n"
                 "    %s r = zc - 1.0; /* exact */\n", T, inv, T);
    if (e->lb2 == 1.0) fprintf(out, "    %s hi = kd + %s;\n", T, lc);
    else fprintf(out, "    %s hi = kd * %a + %s;\n", T, e->lb2, lc);
    fprintf(out, "    %s r2 = r * r;\n", T);
    if (e->natural)
        fprintf(out, "    %s y = ((hi - 1.0) + zc)", T);
    else
        fprintf(out, "    %s y = ((hi - %a) + %a * zc)", T, e->c[0], e->c[0]);
    fprintf(out, " + r2 * (%a + %a * zc);\n", c1 - c2, c2);
}

/* The vector body: the subnormal scaling and the special values' selects only where a lane
 * is not a positive normal float (one branch on the lanes' mask, predicted where such inputs
 * are rare); elsewhere they would leave every lane as it is: the same bits. */
static void emit_logt_vbody(FILE *out, const void *ctx)
{
    fprintf(out,
            "    VUI ix = (VUI)x;\n"
            "    int sp = V_ANYI(ix - 0x00800000u >= 0x7f000000u); /* 0, subnormal, < 0, Inf, NaN */\n"
            "    VUI iu = ix;\n"
            "    if (sp) {\n"
            "        VUI is = (VUI)(x * 0x1p23f) - (23u << 23);\n"
            "        iu = V_SELI(ix < 0x00800000u, is, ix);\n"
            "    }\n"
            "    VUI tmp = iu - 0x%xu;\n"
            "    VUI i = (tmp >> %d) %% %d;\n"
            "    VI k = (VI)(tmp & 0xff800000u) >> 23; /* arithmetic: the exact quotient */\n"
            "    VD z = V_F2D((VF)(iu - (tmp & 0xff800000u)));\n"
            "    VD kd = V_I2D(k);\n",
            LOG_OFF, 23 - LOGT_BITS, LOGT_N);
    emit_logt_core(out, ctx, 1);
    fprintf(out,
            "    VF res = __builtin_convertvector(y, VF);\n"
            "    if (sp) {\n"
            "        VF nan = (x - x) * __builtin_inff();\n"
            "        VF ninf = (VF)((VUI){0} + 0xff800000u);\n"
            "        res = V_SELF(ix >= 0x7f800000u, V_SELF(ix == 0x7f800000u, x, nan), res);\n"
            "        res = V_SELF((ix & 0x7fffffffu) == 0, ninf, res);\n"
            "    }\n");
}

static ua_status emit_logt(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                           const char *cname)
{
    const log_spec *sp = f->spec;
    double invc[LOGT_N], logc[LOGT_N], logc_lo[LOGT_N], rlo, rhi;
    log_tables_n(LOGT_BITS, sp->base, invc, logc, logc_lo, &rlo, &rhi);
    rlo *= 1.01; /* widened by 1% either way */
    rhi *= 1.01;
    logt_ctx e;
    memset(&e, 0, sizeof e);
    e.natural = sp->base == 0;
    const char *expr = e.natural ? "(log1p(x)-x)/x^2" : sp->q_expr;
    int deg = LOGT_DEG - e.natural;
    double q[UA_LIBM_MAX_COEFFS], e_q = 0;
    ua_status s = ua_libm_fit_core(expr, rlo, rhi, deg, q, &e_q);
    if (s) return s;
    for (int i = 0; i <= deg; i++) e.c[i] = q[i];
    double lo;
    e.lb2 = 1.0;
    if (sp->base != 2.0) ua_libm_log_split(2.0, sp->base, 53, &e.lb2, &lo);
    ua_libm_func g = *f; /* the head names the method of this variant */
    g.summary = sp->base == 2.0 ? "log2 x = (k + L[i]) + log2(1 + r), r = z c_i - 1 exact, 256-entry table, degree-3 polynomial"
              : sp->base == 10.0 ? "log10 x = (k log10(2) + L[i]) + log10(1 + r), r = z c_i - 1 exact, 256-entry table, degree-3 polynomial"
                                 : "log x = (k ln2 + L[i]) + log1p(r), r = z c_i - 1 exact, 256-entry table, degree-3 polynomial";
    ua_libm_emit_head(out, &g, cname);
    fprintf(out,
            "/* --accuracy 1ulp: x = 2^k z, z in [%a, %a), subinterval i: INVC[i] = 1/midpoint\n"
            " * rounded to float (1 on the two that meet at 1), LOGC[i] = RN(-log_b(INVC[i])) (MPFR);\n"
            " * no rounding test: within 1 ULP, not correctly rounded everywhere. */\n",
            (double)u2f(LOG_OFF), 2 * (double)u2f(LOG_OFF));
    ua_libm_emit_table(out, "ua_INVC", invc, LOGT_N);
    ua_libm_emit_table(out, "ua_LOGC", logc, LOGT_N);
    ua_libm_emit_core_note(out, expr, rlo, rhi, deg, e_q);
    fprintf(out, "#ifndef UA_COLD\n#if defined(__GNUC__) || defined(__clang__)\n"
                 "#define UA_COLD __attribute__((noinline, cold))\n#else\n#define UA_COLD\n#endif\n"
                 "#endif\n");
    /* the core from the bits iu of a positive normal float (or a scaled subnormal) */
    fprintf(out,
            "static inline float %s_core(uint32_t iu)\n{\n"
            "    uint32_t tmp = iu - 0x%xu;\n"
            "    uint32_t i = (tmp >> %d) %% %d;\n"
            "    int32_t k = (int32_t)(tmp & 0xff800000u) / (1 << 23); /* exact: no remainder */\n"
            "    double z = ua_u2f(iu - (tmp & 0xff800000u));\n"
            "    double kd = (double)k;\n",
            cname, LOG_OFF, 23 - LOGT_BITS, LOGT_N);
    emit_logt_core(out, &e, 0);
    fprintf(out, "    return (float)y; /* one rounding */\n}\n\n");
    fprintf(out,
            "/* x not a positive normal float */\n"
            "static UA_COLD float %s_special(float x)\n{\n"
            "    uint32_t ix = ua_f2u(x);\n"
            "    /* subnormal (and +0): scale by 2^23, take 23 from the exponent */\n"
            "    uint32_t is = ua_f2u(x * 0x1p23f) - (23u << 23);\n"
            "    float res = %s_core(ix < 0x00800000u ? is : ix);\n"
            "    /* x >= +Inf bits: +Inf -> +Inf; NaN, and every x < 0 (sign bit) -> NaN: (x - x) Inf\n"
            "     * is x's NaN quieted, or the default NaN (0 Inf, Inf - Inf), by a multiplication */\n"
            "    res = ix >= 0x7f800000u ? (ix == 0x7f800000u ? x : (x - x) * (1.0f / 0.0f)) : res;\n"
            "    res = (ix & 0x7fffffffu) == 0 ? -1.0f / 0.0f : res; /* +-0 -> -Inf */\n"
            "    return res;\n}\n\n",
            cname, cname);
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    uint32_t ix = ua_f2u(x);\n"
            "    if (ix - 0x00800000u < 0x7f000000u) /* positive, normal, finite */\n"
            "        return %s_core(ix);\n"
            "    return %s_special(x);\n}\n\n",
            cname, cname, cname);
    return ua_libm_end(f, out, cname, opt, emit_logt_vbody, &e);
}

/* ---- log1pf's 1-ULP variant (--accuracy 1ulp) ----------------------------------------------
 * u = 1 + x in double, exact for 2^-25 <= |x| < 2^53 (x's last bit is then at least 2^-48;
 * beyond, u is rounded once, 2^-53 relative, which moves log u by at most 2^-53 absolute, far
 * below the result's ulp there), then log u as logf's 1-ULP variant on the double: u = 2^k z
 * with z in [OFF1, 2 OFF1), OFF1 = RN(1/sqrt 2) in double, s = (z - 1)/(z + 1), log u =
 * k ln 2 + s P(s^2). Near x = 0 (k = 0) z - 1 = x and z + 1 = 2 + x exactly, so s = x/(2 + x)
 * carries one rounding and there is no cancellation. |x| < 2^-25 returns x (log1p(x) = x (1 -
 * x/2 + ...) is within 2^-26 relative of x, less than half its ulp: x is the correctly rounded
 * value; also -0 and the subnormals). Special inputs: -1 -> -Inf, x < -1 and NaN -> NaN,
 * +Inf -> +Inf. The same operations in the scalar and vector code (k from the double's exponent
 * field by the 1.5 2^52 shift in both). */
#define LOG1P_1_OFF 0x3fe6a09e667f3bcdull /* RN(1/sqrt(2)) */

/* From x (float, or VF) to z and kd (double, or VD), for the scalar (vec 0) or vector code. */
static void emit_log1p_1_split(FILE *out, int vec)
{
    if (vec)
        fprintf(out, "    VUI ix = (VUI)x;\n"
                     "    VD u = 1.0 + V_F2D(x);\n"
                     "    VU iu = (VU)u;\n"
                     "    VU tmp = iu - 0x%llxull;\n"
                     "    VU kb = tmp >> 52;\n",
                (unsigned long long)LOG1P_1_OFF);
    else
        fprintf(out, "    uint32_t ix = ua_f2u(x);\n"
                     "    double u = 1.0 + (double)x; /* exact for 2^-25 <= |x| < 2^53 */\n"
                     "    uint64_t iu = ua_d2u(u);\n"
                     "    uint64_t tmp = iu - 0x%llxull;\n"
                     "    uint64_t kb = tmp >> 52;\n",
                (unsigned long long)LOG1P_1_OFF);
    const char *U = vec ? "VU" : "uint64_t";
    fprintf(out, "    %s ks = kb - ((kb & 0x800u) << 1); /* k, 12 bits, signed, modulo 2^64 */\n", U);
    if (vec)
        fprintf(out, "    VD kd = (VD)(ks + 0x4338000000000000ull) - 0x1.8p52;\n"
                     "    VD z = (VD)(iu - (tmp & 0xfff0000000000000ull));\n");
    else
        fprintf(out, "    double kd = ua_u2d(ks + 0x4338000000000000ull) - 0x1.8p52; /* exact */\n"
                     "    double z = ua_u2d(iu - (tmp & 0xfff0000000000000ull));\n");
}

static void emit_log1p_1_vbody(FILE *out, const void *ctx)
{
    emit_log1p_1_split(out, 1);
    emit_log1_core(out, ctx, 1, 1);
    /* the selects only where a lane needs one (|x| < 2^-25, x <= -1, +Inf, NaN): one branch,
     * the same bits */
    fprintf(out,
            "    VF res = __builtin_convertvector(y, VF);\n"
            "    if (V_ANYI(((x < 0x1p-25f) & (x > -0x1p-25f)) | ~((x > -1.0f) & (x < __builtin_inff())))) {\n"
            "        VF nan = (x - x) * __builtin_inff();\n"
            "        VF ninf = (VF)((VUI){0} + 0xff800000u);\n"
            "        res = V_SELF((x < 0x1p-25f) & (x > -0x1p-25f), x, res);\n"
            "        res = V_SELF(ix == 0x7f800000u, x, res);\n"
            "        res = V_SELF(ix == 0xbf800000u, ninf, res);\n"
            "        res = V_SELF((ix > 0xbf800000u) | (x != x), nan, res);\n"
            "    }\n");
}

static ua_status emit_log1p_1(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                              const char *cname)
{
    log1_ctx e;
    const char *expr;
    double smax, err;
    ua_status s = log1_fit(f->spec, &e, &expr, &smax, &err);
    if (s) return s;
    ua_libm_func g = *f; /* the head names the method of this variant */
    g.summary = "log1p x = k ln2 + s P(s^2), 1 + x = 2^k z in double, s = (z-1)/(z+1), degree-3 P";
    ua_libm_emit_head(out, &g, cname);
    fprintf(out,
            "/* --accuracy 1ulp: log(1 + x) = k ln 2 + 2 atanh(s), 1 + x = 2^k z in double, z in\n"
            " * [%a, %a), s = (z - 1)/(z + 1); no table and no rounding test: within 1 ULP, not\n"
            " * correctly rounded everywhere.\n"
            " * core: s P(s^2) ~ %s on [2^-20, %a], P of degree %d in s^2, double coefficients,\n"
            " * relative error %.3g measured by the minimax fit (sampled). */\n",
            u2d(LOG1P_1_OFF), 2.0 * u2d(LOG1P_1_OFF), expr, smax, LOG1_TERMS - 1, err);
    fprintf(out, "static inline float %s_lane(float x)\n{\n", cname);
    emit_log1p_1_split(out, 0);
    emit_log1_core(out, &e, 0, 1);
    fprintf(out,
            "    float res = (float)y; /* one rounding */\n"
            "    res = x < 0x1p-25f && x > -0x1p-25f ? x : res; /* x itself, correctly rounded */\n"
            "    res = ix == 0x7f800000u ? x : res;             /* +Inf */\n"
            "    res = ix == 0xbf800000u ? -1.0f / 0.0f : res; /* -1 -> -Inf */\n"
            "    /* x < -1 (-Inf included) and NaN -> NaN: (x - x) Inf is x's NaN quieted, or the\n"
            "     * default NaN, by a multiplication */\n"
            "    res = ix > 0xbf800000u || x != x ? (x - x) * (1.0f / 0.0f) : res;\n"
            "    return res;\n}\n\n");
    return ua_libm_end(f, out, cname, opt, emit_log1p_1_vbody, &e);
}

/* ---- the float variant (--accuracy 1ulp --working-precision single) -------------------------
 * Every operation in float, no FMA; the table reduction of the correctly rounded code with 16
 * entries and an r that float arithmetic gets exactly:
 *   x = 2^k z, z in [OFF, 2 OFF), OFF = 0x3f330000 as above (on the bits; subnormals scaled by
 *   2^23); the top 4 fraction bits of z - OFF pick subinterval i; c_i has 5 significant bits
 *   (the one of that precision with the least max |z c - 1| over the subinterval; 1 on the one
 *   that holds 1), so z c - 1 is a multiple of 2^-28 below 2^-4 in magnitude: a float. It is
 *   formed exactly: z = zh + zl (zh 19 bits), zh c exact, zh c - 1 exact (Sterbenz), zl c exact,
 *   and their sum is that float. Then
 *   log_b x = k log_b 2 + L_i + log_b(1 + r),  L_i = -log_b(c_i),
 *   t = k KH + LH_i exact (KH = log_b 2 and LH_i on the grid 2^-16, |t| < 2^8), u = rh IH exact
 *   (rh: r's leading 12 bits, IH = 1/ln b to 12 bits; u = r for b = e), s + e = t + u exactly
 *   (TwoSum), and
 *   y = s + (e + (((rl / ln b + rh IL) + (k KL + LL_i)) + r^2 Q(r))),
 *   Q the coefficients 1..5 of the relative minimax fit of log_b(1 + r)/r of degree 5, rounded to
 *   float (the first, 1/ln b to 2^-30 or so, is the IH + IL above). Everything after s is small:
 *   its roundings cost a few hundredths of an ULP besides the final 0.5 (measured over all 2^32
 *   inputs: docs/libm.md). Special inputs by the selects of the 1-ULP variant. */
#define LOGW_OFF 0x3f330000u
#define LOGW_N 16
#define LOGW_QDEG 4 /* Q: degree 4 (log_b(1 + r)/r of degree 5) */

typedef struct {
    int base_e;                   /* b = e: u = r, no split of r */
    float c[LOGW_N], lh[LOGW_N], ll[LOGW_N];
    float kh, kl;                 /* log_b 2 = kh + kl, kh on the grid 2^-16 */
    float ih, il, ib;             /* 1/ln b = ih + il, ih with 12 bits; ib = RN_float(1/ln b) */
    float ibl;                    /* RN_float(1/ln b - ib) (--fma) */
    float q[LOGW_QDEG + 1];
    int fma;                      /* --fma: emit_logw_core_fma */
} logw_ctx;

static void emit_float_table(FILE *out, const char *name, const float *v)
{
    fprintf(out, "static const float %s[%d] = {", name, LOGW_N);
    for (int i = 0; i < LOGW_N; i++)
        fprintf(out, "%s%af%s", i % 4 == 0 ? "\n    " : " ", (double)v[i], i + 1 < LOGW_N ? "," : "\n");
    fprintf(out, "};\n");
}

/* From z (float or VF), k (int32_t or VI) and i (uint32_t or VUI) to y, for T = "float" or
 * "VF": the same expressions in both. */
static void emit_logw_core(FILE *out, const logw_ctx *e, int vec)
{
    const char *T = vec ? "VF" : "float";
    if (vec)
        fprintf(out, "    VF zh = (VF)((VUI)z & 0xffffffe0u), zl = z - zh;\n"
                     "    VF c = V_PERM16(ua_LWC, i);\n");
    else
        fprintf(out, "    float zh = ua_u2f(ua_f2u(z) & 0xffffffe0u), zl = z - zh;\n"
                     "    float c = ua_LWC[i];\n");
    fprintf(out, "    %s r = (zh * c - 1.0f) + zl * c; /* z c - 1 exactly */\n", T);
    fprintf(out, vec ? "    VF q = (VF){0} + %af;\n" : "    float q = %af;\n", (double)e->q[LOGW_QDEG]);
    for (int j = LOGW_QDEG - 1; j >= 0; j--) fprintf(out, "    q = q * r + %af;\n", (double)e->q[j]);
    if (vec)
        fprintf(out, "    VF kd = __builtin_convertvector(k, VF);\n"
                     "    VF lh = V_PERM16(ua_LWH, i), ll = V_PERM16(ua_LWL, i);\n");
    else
        fprintf(out, "    float kd = (float)k;\n"
                     "    float lh = ua_LWH[i], ll = ua_LWL[i];\n");
    fprintf(out, "    %s t = kd * %af + lh; /* exact */\n", T, (double)e->kh);
    if (e->base_e) {
        fprintf(out, "    %s u = r;\n", T);
    } else {
        if (vec) fprintf(out, "    VF rh = (VF)((VUI)r & 0xfffff000u), rl = r - rh;\n");
        else fprintf(out, "    float rh = ua_u2f(ua_f2u(r) & 0xfffff000u), rl = r - rh;\n");
        fprintf(out, "    %s u = rh * %af; /* exact */\n", T, (double)e->ih);
    }
    fprintf(out, "    %s s = t + u, bb = s - t, e = (t - (s - bb)) + (u - bb); /* s + e = t + u */\n", T);
    if (e->base_e)
        fprintf(out, "    %s y = s + (e + ((kd * %af + ll) + (r * r) * q));\n", T, (double)e->kl);
    else
        fprintf(out, "    %s y = s + (e + (((rl * %af + rh * %af) + (kd * %af + ll)) + (r * r) * q));\n",
                T, (double)e->ib, (double)e->il, (double)e->kl);
}

/* The same with fused multiply-adds (--fma; UA_FMAF in the scalar code, V_FMA in the kernels):
 *   r = fma(z, c, -1)                   exact (z c - 1 is a float, as above): no split of z
 *   Q by Horner in four fmas,           t = fma(k, KH, LH_i) (exact, as before)
 *   u = RN(r IB), ul = fma(r, IB, -u)   u + ul = r IB exactly (IB = RN_float(1/ln b)); b = e: u = r
 *   s + e = t + u (TwoSum), y = s + (e + fma(r^2, Q, fma(r, IBL, ul) + fma(k, KL, LL_i)))
 * (IBL = RN_float(1/ln b - IB); for b = e the fma(r, IBL, ul) term is absent). The kernels read
 * the tables by their permutes on the index's low 4 bits, without the & 15. */
static void emit_logw_core_fma(FILE *out, const logw_ctx *e, int vec)
{
    const char *T = vec ? "VF" : "float", *F = vec ? "V_FMA" : "UA_FMAF";
    const char *V = vec ? "(VF){0} + " : "";
    if (vec) fprintf(out, "    VF c = V_PERM16(ua_LWC, i);\n");
    else fprintf(out, "    float c = ua_LWC[i];\n");
    fprintf(out, "    %s r = %s(z, c, %s-1.0f); /* z c - 1 exactly */\n", T, F, V);
    fprintf(out, "    %s q = %s%af;\n", T, V, (double)e->q[LOGW_QDEG]);
    for (int j = LOGW_QDEG - 1; j >= 0; j--)
        fprintf(out, "    q = %s(q, r, %s%af);\n", F, V, (double)e->q[j]);
    if (vec) /* kd: defined by the vector body's head */
        fprintf(out, "    VF lh = V_PERM16(ua_LWH, i), ll = V_PERM16(ua_LWL, i);\n");
    else
        fprintf(out, "    float kd = (float)k;\n"
                     "    float lh = ua_LWH[i], ll = ua_LWL[i];\n");
    fprintf(out, "    %s t = %s(kd, %s%af, lh); /* exact */\n", T, F, V, (double)e->kh);
    if (e->base_e)
        fprintf(out, "    %s u = r;\n", T);
    else
        fprintf(out, "    %s u = r * %af, ul = %s(r, %s%af, -u); /* u + ul = r IB exactly */\n", T,
                (double)e->ib, F, V, (double)e->ib);
    fprintf(out, "    %s s = t + u, bb = s - t, e = (t - (s - bb)) + (u - bb); /* s + e = t + u */\n", T);
    if (e->base_e)
        fprintf(out, "    %s y = s + (e + %s(r * r, q, %s(kd, %s%af, ll)));\n", T, F, F, V,
                (double)e->kl);
    else
        fprintf(out, "    %s y = s + (e + %s(r * r, q, %s(r, %s%af, ul) + %s(kd, %s%af, ll)));\n", T, F,
                F, V, (double)e->ibl, F, V, (double)e->kl);
}

/* The AVX-512F kernel of --fma: x = 2^k z, z in [OFF, 2 OFF), by vgetmantps (z' in [1, 2)) and
 * vgetexpps (k' = floor(log2 x)), subnormals included, then z = z'/2 and k = k' + 1 where z' >=
 * 2 OFF: the scalar code's z and k (x = 2^k z has one such pair), k already a float; and the
 * special inputs by one vfixupimmps on x's class: NaN -> x quieted ((x - x) Inf), +-0 -> -Inf,
 * +Inf -> +Inf, -Inf and x < 0 -> the default NaN (0 Inf), else y: the scalar code's selects. */
#define LOGW_FIXUP 0x03530422u /* per class, 4 bits: +x 0 (y), -x 3, +Inf 5, -Inf 3, 1.0 0 (y),
                                * +-0 4 (-Inf), SNaN 2 and QNaN 2 (QNaN(x)) */

static void emit_logw_vbody(FILE *out, const void *ctx)
{
    const logw_ctx *e = ctx;
    if (e->fma)
        fprintf(out,
                "#if V_W == 16\n"
                "    __m512 m = _mm512_getmant_ps((__m512)x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);\n"
                "    __m512 ex = _mm512_getexp_ps((__m512)x);\n"
                "    __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(%af), _CMP_GE_OQ);\n"
                "    VF z = (VF)_mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));\n"
                "    VF kd = (VF)_mm512_mask_add_ps(ex, big, ex, _mm512_set1_ps(1.0f)); /* k */\n"
                "    VUI i = ((VUI)z - 0x%xu) >> 19; /* the permutes read its low 4 bits */\n"
                "#else\n",
                2.0 * (double)u2f(LOGW_OFF), LOGW_OFF);
    fprintf(out,
            "    VUI ix = (VUI)x;\n"
            "    VUI is = (VUI)(x * 0x1p23f) - (23u << 23);\n"
            "    VUI iu = V_SELI(ix < 0x00800000u, is, ix);\n"
            "    VUI tmp = iu - 0x%xu;\n"
            "    VI k = (VI)(tmp & 0xff800000u) >> 23; /* arithmetic: the exact quotient */\n"
            "    VUI i = (tmp >> 19)%s;\n"
            "    VF z = (VF)(iu - (tmp & 0xff800000u));\n",
            LOGW_OFF, e->fma ? "; /* the permutes read its low 4 bits */" : " & 15u");
    if (e->fma) fprintf(out, "    VF kd = __builtin_convertvector(k, VF);\n#endif\n");
    if (e->fma) emit_logw_core_fma(out, e, 1);
    else emit_logw_core(out, e, 1);
    if (e->fma)
        fprintf(out,
                "#if V_W == 16\n"
                "    VF res = (VF)_mm512_fixupimm_ps((__m512)y, (__m512)x, _mm512_set1_epi32(0x%x), 0);\n"
                "#else\n",
                LOGW_FIXUP);
    fprintf(out,
            "    VF nan = (x - x) * __builtin_inff();\n"
            "    VF ninf = (VF)((VUI){0} + 0xff800000u);\n"
            "    VF res = y;\n"
            "    res = V_SELF(ix >= 0x7f800000u, V_SELF(ix == 0x7f800000u, x, nan), res);\n"
            "    res = V_SELF((ix & 0x7fffffffu) == 0, ninf, res);\n");
    if (e->fma) fprintf(out, "#endif\n");
}

/* v rounded to a multiple of 2^-m (to nearest) */
static double on_grid(double v, int m) { return ldexp(nearbyint(ldexp(v, m)), -m); }

static ua_status emit_logw(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                           const char *cname)
{
    const log_spec *sp = f->spec;
    logw_ctx e;
    memset(&e, 0, sizeof e);
    e.fma = opt && opt->fma; /* ua_libm_begin accepted it (fma_rows) */
    e.base_e = sp->base == 0.0;
    double rmax = 0;
    for (int i = 0; i < LOGW_N; i++) {
        float a = u2f(LOGW_OFF + (uint32_t)i * (0x800000u / LOGW_N));
        float b = u2f(LOGW_OFF + (uint32_t)(i + 1) * (0x800000u / LOGW_N) - 1);
        double best = INFINITY, bc = 1;
        if (a <= 1.0f && b >= 1.0f) {
            best = fmax(1.0 - a, b - 1.0);
        } else {
            for (int m = 16; m < 32; m++) { /* 5 bits: m/16 in [1, 2), m/32 in [1/2, 1) */
                double cc = a < 1.0f ? m / 16.0 : m / 32.0;
                double w = fmax(fabs(a * cc - 1), fabs(b * cc - 1));
                if (w < best) best = w, bc = cc;
            }
        }
        if (!(best < 0x1p-4))
            return UA_ERR(UA_EINVAL, "%s: subinterval %d: |r| up to %g, not below 2^-4",
                          f->libm_name, i, best);
        rmax = fmax(rmax, best);
        e.c[i] = (float)bc;
        double lh, ll;
        ua_libm_log_split(bc, sp->base, 53, &lh, &ll); /* log_b(c) to about 2^-106 */
        double l = -lh, hi = on_grid(l, 16) + 0.0; /* +0 where c = 1 */
        e.lh[i] = (float)hi;
        e.ll[i] = (float)((l - hi) - ll) + 0.0f;
    }
    double kh, kl, ih;
    ua_libm_log_split(2.0, sp->base, 53, &kh, &kl);
    double kg = on_grid(kh, 16);
    e.kh = (float)kg;
    e.kl = (float)((kh - kg) + kl);
    double ibd = sp->base == 2.0 ? 1.4426950408889634074 : sp->base == 10.0 ? 0.43429448190325182765 : 1.0;
    e.ib = (float)ibd;
    ih = ibd;
    if (!e.base_e) {
        int ex;
        frexp(ibd, &ex);
        ih = ldexp(nearbyint(ldexp(ibd, 12 - ex)), ex - 12); /* 12 bits */
    }
    e.ih = (float)ih;
    e.il = (float)(ibd - ih);
    {
        mpfr_t m; /* 1/ln b - RN_float(1/ln b), from MPFR */
        mpfr_init2(m, 200);
        if (e.base_e) {
            mpfr_set_ui(m, 1, MPFR_RNDN);
        } else {
            mpfr_set_d(m, sp->base, MPFR_RNDN);
            mpfr_log(m, m, MPFR_RNDN);
            mpfr_ui_div(m, 1, m, MPFR_RNDN);
        }
        mpfr_sub_d(m, m, (double)e.ib, MPFR_RNDN);
        e.ibl = mpfr_get_flt(m, MPFR_RNDN);
        mpfr_clear(m);
    }
    double h = rmax * (1 + 0x1p-8), qd[UA_LIBM_MAX_COEFFS], e_q = 0;
    ua_status s = ua_libm_fit_core(sp->q_expr, -h, h, LOGW_QDEG + 1, qd, &e_q);
    if (s) return s;
    for (int j = 0; j <= LOGW_QDEG; j++) e.q[j] = (float)qd[j + 1];
    ua_libm_func g = *f;
    g.summary = sp->base == 2.0 ? "log2 x = k + L_i + log2(1 + r), 16-entry table, r = z c - 1 exact, in float"
              : sp->base == 10.0 ? "log10 x = k log10(2) + L_i + log10(1 + r), 16-entry table, r = z c - 1 exact, in float"
                                 : "log x = k ln2 + L_i + log(1 + r), 16-entry table, r = z c - 1 exact, in float";
    ua_libm_emit_head_arith(out, &g, cname, e.fma ? "float with fused multiply-adds (fmaf)"
                                                   : "float (no FMA)");
    fprintf(out,
            "/* --accuracy 1ulp --working-precision single: every operation in float; x = 2^k z, z in\n"
            " * [%a, %a), 16 subintervals, c_i with 5 bits (r = z c_i - 1 exact, |r| <= %a),\n"
            " * -log_b(c_i) = ua_LWH[i] + ua_LWL[i] (MPFR); within 1 ULP, not correctly rounded\n"
            " * everywhere. */\n",
            (double)u2f(LOGW_OFF), 2.0 * u2f(LOGW_OFF), rmax);
    if (e.fma) {
        fprintf(out, "/* --fma: fused multiply-adds in the reduction, the core and the sum; the\n"
                     " * scalar function is fast where fmaf is inlined (compile with -mfma,\n"
                     " * -march=x86-64-v3 or native), else it calls libm's fmaf: the same bits. */\n");
        ua_libm_emit_fmaf(out);
    }
    emit_float_table(out, "ua_LWC", e.c);
    emit_float_table(out, "ua_LWH", e.lh);
    emit_float_table(out, "ua_LWL", e.ll);
    ua_libm_emit_core_note(out, sp->q_expr, -h, h, LOGW_QDEG + 1, e_q);
    fprintf(out, "/* its coefficients 1..%d rounded to float: r^2 Q(r), Q(r) = q1 + q2 r + ... */\n",
            LOGW_QDEG + 1);
    fprintf(out, "static inline float %s_lane(float x)\n{\n", cname);
    emit_split_head(out, LOGW_OFF);
    fprintf(out,
            "    int32_t k = (int32_t)(tmp & 0xff800000u) / (1 << 23); /* exact: no remainder */\n"
            "    uint32_t i = (tmp >> 19) & 15u;\n"
            "    float z = ua_u2f(iu - (tmp & 0xff800000u));\n");
    if (e.fma) emit_logw_core_fma(out, &e, 0);
    else emit_logw_core(out, &e, 0);
    fprintf(out,
            "    float res = y;\n"
            "    /* x >= +Inf bits: +Inf -> +Inf; NaN, and every x < 0 (sign bit) -> NaN: (x - x) Inf\n"
            "     * is x's NaN quieted, or the default NaN (0 Inf, Inf - Inf), by a multiplication */\n"
            "    res = ix >= 0x7f800000u ? (ix == 0x7f800000u ? x : (x - x) * (1.0f / 0.0f)) : res;\n"
            "    res = (ix & 0x7fffffffu) == 0 ? -1.0f / 0.0f : res; /* +-0 -> -Inf */\n"
            "    return res;\n}\n\n");
    return ua_libm_end(f, out, cname, opt, emit_logw_vbody, &e);
}

static ua_status gen_log(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    const log_spec *sp = f->spec;
    const char *cname;
    ua_status s = ua_libm_begin(f, out, opt, &cname);
    if (s) return s;
    if (opt && opt->accuracy == UA_LIBM_1ULP && opt->working_precision == UA_LIBM_WP_SINGLE)
        return emit_logw(f, out, opt, cname); /* ua_libm_begin refused log1pf */
    if (opt && opt->accuracy == UA_LIBM_1ULP)
        return sp->p1 ? emit_log1p_1(f, out, opt, cname) : emit_logt(f, out, opt, cname);
    double invc[LOG_N], logc[LOG_N], logc_lo[LOG_N], rlo, rhi;
    log_tables(sp->base, invc, logc, logc_lo, &rlo, &rhi);
    /* log1p: u = 1 + x is a double with up to 53 bits, so z c - 1 carries a rounding of
     * 2^-53; the interval is the same. Widened by 1% either way. */
    rlo *= 1.01;
    rhi *= 1.01;
    double q[UA_LIBM_MAX_COEFFS], e_q = 0, q1[UA_LIBM_MAX_COEFFS], e_q1 = 0;
    /* natural log: log(1 + r) = r + r^2 q(r), q ~ (log1p(r) - r)/r^2, so that the leading
     * term r (exact) is not multiplied by a rounded 1 */
    int lead = sp->base == 0;
    s = ua_libm_fit_core(lead ? "(log1p(x)-x)/x^2" : sp->q_expr, rlo, rhi,
                                   sp->degree - lead, q, &e_q);
    if (s) return s;
    const int p1_degree = 4;
    const double p1_t = 0x1p-7;
    if (sp->p1 && (s = ua_libm_fit_core("(log1p(x)-x+x^2/2)/x^3", -p1_t, p1_t, p1_degree, q1,
                                            &e_q1)))
        return s;
    /* log_b(2) = lb2 + lb2_lo, lb2 with 40 bits so that k lb2 is exact (|k| < 2^13) */
    double lb2 = 1.0, lb2_lo = 0.0;
    if (sp->base != 2) ua_libm_log_split(2.0, sp->base, 40, &lb2, &lb2_lo);

    ua_libm_emit_head(out, f, cname);
    fprintf(out, "/* subinterval i of z in [%a, %a): INVC[i] = 1/midpoint rounded to float,\n"
                 " * -log_b(INVC[i]) = LOGC[i] + LOGCL[i] to about 2^-107 (MPFR) */\n",
            (double)u2f(LOG_OFF), 2 * (double)u2f(LOG_OFF));
    ua_libm_emit_table(out, "ua_INVC", invc, LOG_N);
    ua_libm_emit_table(out, "ua_LOGC", logc, LOG_N);
    ua_libm_emit_table(out, "ua_LOGCL", logc_lo, LOG_N);
    ua_libm_emit_core_note(out, lead ? "(log1p(x)-x)/x^2" : sp->q_expr, rlo, rhi,
                           sp->degree - lead, e_q);
    if (sp->p1)
        fprintf(out, "/* small |x| < 2^-7: q3(x) ~ (log1p(x)-x+x^2/2)/x^3, degree %d, relative error %.3g. */\n",
                p1_degree, e_q1);
    fprintf(out, "static inline float %s_lane(float x)\n{\n", cname);
    if (!sp->p1) {
        emit_split_head(out, LOG_OFF);
        fprintf(out,
                "    uint32_t i = (tmp >> %d) %% %d;\n"
                "    int32_t k = (int32_t)(tmp & 0xff800000u) / (1 << 23); /* exact: no remainder */\n"
                "    double z = ua_u2f(iu - (tmp & 0xff800000u));\n",
                23 - LOG_BITS, LOG_N);
    } else {
        fprintf(out,
                "    uint32_t ix = ua_f2u(x);\n"
                "    double u = 1.0 + (double)x; /* exact for |x| < 2^24 */\n"
                "    uint64_t iu = ua_d2u(u);\n"
                "    uint64_t tmp = iu - 0x3fe6600000000000ull; /* OFF as a double */\n"
                "    uint32_t i = (uint32_t)(tmp >> %d) %% %d;\n"
                "    int32_t k = (int32_t)((int64_t)(tmp & 0xfff0000000000000ull) / ((int64_t)1 << 52));\n"
                "    double z = ua_u2d(iu - (tmp & 0xfff0000000000000ull));\n",
                52 - LOG_BITS, LOG_N);
    }
    fprintf(out, "    double r = z * ua_INVC[i] - 1.0;\n");
    if (lead) {
        ua_libm_emit_horner(out, "q", "r", q, sp->degree - 1);
        fprintf(out, "    double th = r, tl = r * (r * q);\n");
    } else {
        ua_libm_emit_horner(out, "q", "r", q, sp->degree);
        fprintf(out, "    double th = r * q, tl = 0.0;\n");
    }
    /* k log_b 2 + LOGC + LOGCL + th + tl, summed so that only tl, LOGCL, k lb2_lo and the
     * TwoSum errors are rounded: the sum carries about 2^-100 of the larger terms */
    fprintf(out,
            "    double e1, e2;\n"
            "    double s1 = ua_two_sum((double)k * %a, ua_LOGC[i], &e1); /* k lb2 exact */\n"
            "    double s2 = ua_two_sum(s1, th, &e2);\n"
            "    double yh = s2, yl = ((e1 + e2) + (ua_LOGCL[i] + (double)k * %a)) + tl;\n",
            lb2, lb2_lo);
    if (!sp->p1) {
        fprintf(out,
                "    float res = ua_rnd2(yh, yl); /* one rounding of yh + yl */\n"
                "    /* x >= +Inf bits: +Inf -> +Inf; NaN, and every x < 0 (sign bit) -> NaN */\n"
                "    res = ix >= 0x7f800000u ? (ix == 0x7f800000u ? x : (x - x) / (x - x)) : res;\n"
                "    res = (ix & 0x7fffffffu) == 0 ? -1.0f / 0.0f : res; /* +-0 -> -Inf */\n"
                "    return res;\n}\n\n");
    } else {
        /* |x| < 2^-7: log1p x = x - x^2/2 + x^3 q3(x). x^2 is exact (24-bit x), x - x^2/2
         * is kept as an unevaluated sum hi + lo (Fast2Sum, |x| > x^2/2), and x^3 q3(x), at
         * most 2^-15.6 |x|, is added to lo: about 2^-70 relative before the final rounding,
         * so that the hard cases of log1pf near 0 (x - x^2/2 close to a midpoint of floats)
         * round correctly without a slow path. */
        fprintf(out, "    double xd = x;\n");
        ua_libm_emit_horner(out, "p", "xd", q1, p1_degree);
        fprintf(out,
                "    double x2 = xd * xd, a = -0.5 * x2;   /* exact */\n"
                "    double hi = xd + a, lo = (xd - hi) + a; /* hi + lo = x - x^2/2 exactly */\n"
                "    int tiny = xd < %a && xd > %a;\n"
                "    float res = tiny ? ua_rnd2(hi, lo + x2 * xd * p) : ua_rnd2(yh, yl);\n"
                "    res = xd == 0 ? x : res; /* -0 stays -0 */\n"
                "    res = ix == 0x7f800000u ? x : res;                 /* +Inf */\n"
                "    res = ix == 0xbf800000u ? -1.0f / 0.0f : res;      /* -1 -> -Inf */\n"
                "    res = ix > 0xbf800000u || x != x ? (x - x) / (x - x) : res; /* < -1, NaN */\n"
                "    return res;\n}\n\n",
                p1_t, -p1_t);
    }
    log_vctx v = {sp, q, q1, lead, p1_degree, p1_t, lb2, lb2_lo};
    return ua_libm_end(f, out, cname, opt, emit_log_vbody, &v);
}

/* ua_libm_func.emit: the generator under the check of the C name (common.c). */
static ua_status emit_log(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    return ua_libm_emit_named(f, out, opt, gen_log);
}

static const log_spec spec_log2f = {2.0, "log1p(x)/(x*log(2))", 5, 0};
static const log_spec spec_logf = {0.0, "log1p(x)/x", 5, 0};
static const log_spec spec_log10f = {10.0, "log1p(x)/(x*log(10))", 5, 0};
static const log_spec spec_log1pf = {0.0, "log1p(x)/x", 5, 1};

const ua_libm_func ua_libm_log2f = {
    "log2f", "log2 x = k + L_i + r q(r): x = 2^k z, 128-entry table of 1/c and -log2(c), "
             "r = z/c - 1 exact, degree-5 q",
    "log2(x)", emit_log, &spec_log2f};
const ua_libm_func ua_libm_logf = {
    "logf", "log x = k ln2 + L_i + r q(r): x = 2^k z, 128-entry table, r = z/c - 1 exact, "
            "degree-5 q",
    "log(x)", emit_log, &spec_logf};
const ua_libm_func ua_libm_log10f = {
    "log10f", "log10 x = k log10(2) + L_i + r q(r): x = 2^k z, 128-entry table, r = z/c - 1 "
              "exact, degree-5 q",
    "log10(x)", emit_log, &spec_log10f};
const ua_libm_func ua_libm_log1pf = {
    "log1pf", "log1p x: x - x^2/2 + x^3 q3(x) (degree 4, double-double) for |x| < 2^-7, else the "
              "table reduction of u = 1 + x "
              "in double",
    "log1p(x)", emit_log, &spec_log1pf};
