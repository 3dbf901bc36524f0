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
#include <string.h>
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
            "    VD c = V_F2D(x);\n"
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
                 "    VD xd = V_F2D(x);\n");
    int lead = v->q1[0] == 1.0;
    ua_libm_emit_vhorner(out, "p", "xd", v->q1 + lead, v->m1_degree - lead);
    fprintf(out,
            "    VL tiny = (xd < 0.125) & (xd > -0.125);\n"
            "    VF res = V_(ua_vrnd2)(V_SELD(tiny, %s, sm1), V_SELD(tiny, %s, big));\n"
            "    res = V_SELF(x == 0.0f, x, res);\n",
            lead ? "xd" : "V_SPLAT(0.0)", lead ? "xd * (xd * p)" : "xd * p");
}

/* ---- the 1-ULP variant (--accuracy 1ulp) ---------------------------------------------------
 * b^x = 2^(K/N) 2^(r/N), N = EXP1_N = 128: z = RN(x N log2 b) (exact for b = 2), K = round(z)
 * (the 1.5 2^52 shift, with 1023 N added so that K div N + 1023 lies in the low bits), r = z - K
 * exact (|r| <= 1/2); 2^(K/N) = 2^(K div N) T1[K mod N], T1[j] = RN(2^(j/N)) from MPFR, the
 * power of two written into a double's exponent field and multiplied into the table entry
 * (exact) off the critical path; 2^(r/N) = 1 + r q(r) with q the relative minimax polynomial of
 * (2^(r/N) - 1)/r of degree EXPF1_DEG on [-1/2, 1/2], written (1 + q0 r) + r^2 q1: two
 * products and an addition after r. The double product rounded once to float. No rounding
 * test. Inputs of |x| below the clamps' nearer end take the path without the clamps (the
 * clamps would leave them unchanged: the same bits), by a branch on x's bits that is off the
 * critical path and predicted; the others go through the clamped code (a cold function).
 * Where the compiler targets SSE4.1 (GCC, Clang), r = z - rint(z): the same K as the shift
 * (both round to nearest even), one addition fewer on the chain. For exp2 (z = N x exact) the
 * product is left out instead: the shift is scaled by 1/N and r/N = x - K/N formed directly,
 * q's coefficients scaled by N and N^2 (powers of two: the same bits). The vector kernels do the
 * same operations lane by lane (the clamps as max / min on every lane, the table read element
 * by element or by a gather).
 * Error estimate: q's relative error as fitted (written into the file), 2^-53 for T1, a few
 * 2^-53 for the evaluation, about 2^-45 for the rounding of z (|z| <= 153 N); the least degree
 * that kept every float within 1 ULP was measured (docs/libm.md). */
#define EXP1_N 128
#define EXP1_LOGN 7
#define EXPF1_DEG 1

typedef struct {
    double k2n;     /* RN(N log2 b); N for exp2 */
    float lo, hi;   /* the clamps (as the correctly rounded variant's) */
    const double *q;
    int t8; /* the AVX-512F kernel reads T1 by emit_exp1_t8's helper (emit_exp1_scale) */
} exp1_ctx;

/* The lane function's text after the clamp, for T = "double" (scalar) or "VD" (vector): both
 * are the same expressions, so the vector kernels perform the scalar operations. */
/* From the clamped float c (a float, or a VF) to cd, z = x log2 b (k2 = RN(log2 b); 1: exact),
 * ki (k + 1023 in its low bits), kd = k, r = z - k exact (|r| <= 1/2), r2 and r4, for the scalar
 * (vec 0) or the vector code: the same expressions. Shared by exp's and expm1's 1-ULP code. */
static void emit_exp1_reduce(FILE *out, double k2, int vec)
{
    const char *T = vec ? "VD" : "double";
    if (vec) fprintf(out, "    VD cd = V_F2D(c);\n");
    else fprintf(out, "    double cd = c;\n");
    if (k2 == 1.0) fprintf(out, "    %s z = cd; /* x log2 b, exact */\n", T);
    else fprintf(out, "    %s z = cd * %a; /* x log2 b */\n", T, k2);
    /* 0x1.8p52 + 1023: k + 1023 = round(z) + 1023 in the low bits of t, so that its shift by
     * 52 is 2^k's exponent field */
    fprintf(out, "    %s t = z + 0x1.80000000003ffp52; /* round(z) + 1023 in the low bits */\n", T);
    if (vec) fprintf(out, "    VU ki = (VU)t;\n");
    else fprintf(out, "    uint64_t ki = ua_d2u(t);\n");
    fprintf(out,
            "    %s kd = t - 0x1.80000000003ffp52; /* k */\n"
            "    %s r = z - kd; /* exact, |r| <= 1/2 */\n"
            "    %s r2 = r * r, r4 = r2 * r2;\n",
            T, T, T);
}

/* The vector body's clamp of x to [lo, hi] (max / min: NaN passes), as the scalar code's. */
static void emit_exp1_vclamp(FILE *out, float lo, float hi)
{
    fprintf(out, "    VF c = V_MAXF((VF){0} + %af, x);\n"
                 "    c = V_MINF((VF){0} + %af, c);\n",
            (double)lo, (double)hi);
}

/* 2^(K/N) 2^(r/N) from the float c (a float, or a VF): the text shared by the scalar core (vec
 * 0, ending in "return s * p") and the vector body (ending in the VF res). */
/* s = 2^(K/N) from ki (K + 1023 N in its low bits): the table's 2^(j/N), j = K mod N, times
 * 2^floor(K/N) put into the exponent field; exact. */
/* On AVX-512F (V_W 8) the table read is not a gather (vgatherqpd measured about half the
 * kernel's time on an AMD Zen 5) but, where exp1_t8_exact said so, T1[j] rebuilt from two small
 * tables read by permutes: j = 16 a + b, 2^(j/N) = (AH[a] + AL[a]) (BH[b] + BL[b]) (hi + lo
 * doubles from MPFR), m = AH BL + AL BH (one fma), T1[j] = fma(AH, BH, m) (the exact product
 * plus m, rounded once): the same doubles as the table (checked for every j at generation time;
 * the helper ua_exp1_t8, emitted by emit_exp1_t8). t8: use it. */
static void emit_exp1_scale(FILE *out, int vec, int t8)
{
    if (vec && t8)
        fprintf(out,
                "#if V_W == 8\n"
                "    VD s = (VD)V_(ua_exp1_t)((__m512i)(ki & %du)) * (VD)((ki >> %d) << 52);\n"
                "#else\n"
                "    VD s = V_GATHER64(ua_T1, ki & %du) * (VD)((ki >> %d) << 52);\n"
                "#endif\n",
                EXP1_N - 1, EXP1_LOGN, EXP1_N - 1, EXP1_LOGN);
    else if (vec)
        fprintf(out, "    VD s = V_GATHER64(ua_T1, ki & %du) * (VD)((ki >> %d) << 52);\n",
                EXP1_N - 1, EXP1_LOGN);
    else
        fprintf(out, "    double s = ua_T1[ki & %du] * ua_u2d((ki >> %d) << 52); /* 2^(K/N), exact */\n",
                EXP1_N - 1, EXP1_LOGN);
}

/* The hi / lo tables of 2^(16a/N) (a < 8) and 2^(b/N) (b < 16) and whether fma(AH, BH, m) above
 * gives T1[j] for every j (C's fma is the correctly rounded one, as the vector instruction). */
typedef struct {
    double ah[8], al[8], bh[16], bl[16];
} exp1_t8_tabs;

static int exp1_t8_exact(const double *T1, exp1_t8_tabs *t)
{
    for (int a = 0; a < 8; a++) ua_libm_exp2_split(16 * a, EXP1_N, &t->ah[a], &t->al[a]);
    for (int b = 0; b < 16; b++) ua_libm_exp2_split(b, EXP1_N, &t->bh[b], &t->bl[b]);
    for (int j = 0; j < EXP1_N; j++) {
        double ah = t->ah[j >> 4], al = t->al[j >> 4], bh = t->bh[j & 15], bl = t->bl[j & 15];
        if (fma(ah, bh, fma(ah, bl, al * bh)) != T1[j]) return 0;
    }
    return 1;
}

/* The AVX-512F helper V_(ua_exp1_t)(j) = T1[j] (j < 128 in 64-bit lanes), and its tables,
 * in the file's x86 part (emitted where --vector is given and exp1_t8_exact held). Named per
 * width by V_ at its use; defined once per translation unit (files may be concatenated). */
static void emit_exp1_t8(FILE *out, const exp1_t8_tabs *t)
{
    fprintf(out, "#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))\n"
                 "#ifndef UA_LIBM_EXP1_T8\n#define UA_LIBM_EXP1_T8\n#include <immintrin.h>\n"
                 "/* 2^(j/128) = (AH[j div 16] + AL[j div 16]) (BH[j mod 16] + BL[j mod 16]), rounded\n"
                 " * once by the last fma, less AL BL: the table's doubles (ua_T1, checked for every j when generated), read by\n"
                 " * AVX-512F permutes instead of a gather */\n");
    ua_libm_emit_table(out, "ua_T1AH", t->ah, 8);
    ua_libm_emit_table(out, "ua_T1AL", t->al, 8);
    ua_libm_emit_table(out, "ua_T1BH", t->bh, 16);
    ua_libm_emit_table(out, "ua_T1BL", t->bl, 16);
    fprintf(out,
            "__attribute__((target(\"avx512f\"), always_inline, unused)) static inline __m512d\n"
            "ua_exp1_t8(__m512i j)\n{\n"
            "    __m512i a = _mm512_srli_epi64(j, 4);\n"
            "    __m512d ah = _mm512_permutexvar_pd(a, _mm512_loadu_pd(ua_T1AH));\n"
            "    __m512d al = _mm512_permutexvar_pd(a, _mm512_loadu_pd(ua_T1AL));\n"
            "    __m512d bh = _mm512_permutex2var_pd(_mm512_loadu_pd(ua_T1BH), j, _mm512_loadu_pd(ua_T1BH + 8));\n"
            "    __m512d bl = _mm512_permutex2var_pd(_mm512_loadu_pd(ua_T1BL), j, _mm512_loadu_pd(ua_T1BL + 8));\n"
            "    __m512d m = _mm512_fmadd_pd(ah, bl, _mm512_mul_pd(al, bh));\n"
            "    return _mm512_fmadd_pd(ah, bh, m); /* AH BH + m, rounded once */\n}\n"
            "#endif\n#endif\n");
}

static void emit_exp1_core(FILE *out, const exp1_ctx *e, int vec)
{
    const char *T = vec ? "VD" : "double";
    const double *q = e->q;
    const double sh = 0x1.8p52 + 1023.0 * EXP1_N;
    if (vec) fprintf(out, "    VD cd = V_F2D(c);\n");
    else fprintf(out, "    double cd = c;\n");
    if (e->k2n == EXP1_N) {
        /* exp2: z = N x would be exact, so the shift is scaled instead (ulp of t = 1/N): r/N
         * = x - K/N exact, and the coefficients scaled by N and N^2 (exact): the same bits as
         * r = z - K with z = N x, without the product on the chain */
        const double n = EXP1_N;
        fprintf(out, "    %s t = cd + %a; /* K = round(N x): K + 1023 N in the low bits */\n", T,
                sh / n);
        if (vec) fprintf(out, "    VU ki = (VU)t;\n");
        else fprintf(out, "    uint64_t ki = ua_d2u(t);\n");
        fprintf(out, "    %s r = cd - (t - %a); /* x - K/N, exact, |r| <= 1/(2N) */\n", T, sh / n);
        emit_exp1_scale(out, vec, e->t8);
        if (EXPF1_DEG == 1)
            fprintf(out, "    %s p = (1.0 + %a * r) + (r * r) * %a;\n", T, q[0] * n, q[1] * n * n);
        else
            fprintf(out, "    %s p = (1.0 + %a * r) + (r * r) * (%a + %a * r);\n", T, q[0] * n,
                    q[1] * n * n, q[2] * n * n * n);
        if (vec) fprintf(out, "    VF res = __builtin_convertvector(s * p, VF);\n");
        else fprintf(out, "    return s * p;\n}\n\n");
        return;
    }
    fprintf(out, "    %s z = cd * %a; /* x N log2 b */\n", T, e->k2n);
    fprintf(out, "    %s t = z + %a; /* K + 1023 N in the low bits */\n", T, sh);
    if (vec) {
        fprintf(out, "    VU ki = (VU)t;\n"
                     "    VD r = z - (t - %a); /* exact, |r| <= 1/2 */\n", sh);
    } else {
        fprintf(out,
                "    uint64_t ki = ua_d2u(t);\n"
                "#if defined(__SSE4_1__) && (defined(__GNUC__) || defined(__clang__))\n"
                "    double r = z - __builtin_rint(z); /* the same K (roundsd), exact, |r| <= 1/2 */\n"
                "#else\n"
                "    double r = z - (t - %a); /* exact, |r| <= 1/2 */\n"
                "#endif\n", sh);
    }
    emit_exp1_scale(out, vec, e->t8);
    if (EXPF1_DEG == 1)
        fprintf(out, "    %s p = (1.0 + %a * r) + (r * r) * %a;\n", T, q[0], q[1]);
    else
        fprintf(out, "    %s p = (1.0 + %a * r) + (r * r) * (%a + %a * r);\n", T, q[0], q[1],
                q[2]);
    if (vec) fprintf(out, "    VF res = __builtin_convertvector(s * p, VF);\n");
    else fprintf(out, "    return s * p;\n}\n\n");
}

static void emit_exp1_vbody(FILE *out, const void *ctx)
{
    const exp1_ctx *e = ctx;
    emit_exp1_vclamp(out, e->lo, e->hi);
    emit_exp1_core(out, e, 1);
}

static ua_status emit_exp1(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                           const char *cname)
{
    const exp_spec *sp = f->spec;
    double q[UA_LIBM_MAX_COEFFS], e_q = 0;
    const double h = 0.5 * (1 + 0x1p-20); /* |r| <= 1/2 */
    char expr[64];
    snprintf(expr, sizeof expr, "(2^(x/%d)-1)/x", EXP1_N);
    ua_status s = ua_libm_fit_core(expr, -h, h, EXPF1_DEG, q, &e_q);
    if (s) return s;
    double c1, c2, inv;
    cody_waite(sp->base, &c1, &c2, &inv);
    /* RN(32 log2 b) N/32 = RN(N log2 b) exactly (powers of 2); N for b = 2 */
    exp1_ctx e = {inv * (EXP1_N / EXP_N), (float)sp->lo, (float)sp->hi, q, 0};
    double T1[EXP1_N], tl;
    for (int j = 0; j < EXP1_N; j++) ua_libm_exp2_split(j, EXP1_N, &T1[j], &tl);
    float bound = (float)fmin(-sp->lo, sp->hi); /* |x| below: inside both clamps */
    uint32_t bb;
    memcpy(&bb, &bound, sizeof bb);
    ua_libm_func g = *f; /* the head names the method of this variant */
    g.summary = sp->base == EXP_BASE2 ? "2^x = 2^(K/128) (1 + r q(r)), K = round(128 x), r = 128 x - K, 128-entry table, degree-1 q"
              : sp->base == EXP_BASEE ? "e^x = 2^(K/128) (1 + r q(r)), K = round(128 x log2 e), r = 128 x log2 e - K, 128-entry table, degree-1 q"
                                      : "10^x = 2^(K/128) (1 + r q(r)), K = round(128 x log2 10), r = 128 x log2 10 - K, 128-entry table, degree-1 q";
    ua_libm_emit_head(out, &g, cname);
    fprintf(out, "/* --accuracy 1ulp: b^x = 2^(K/128) 2^(r/128), K = round(128 x log2 b), r = 128 x log2 b - K,\n"
                 " * no rounding test: within 1 ULP, not correctly rounded everywhere.\n"
                 " * 2^(j/128) rounded to double (MPFR): */\n");
    ua_libm_emit_table(out, "ua_T1", T1, EXP1_N);
    exp1_t8_tabs t8;
    e.t8 = opt && opt->vector && exp1_t8_exact(T1, &t8);
    if (e.t8) emit_exp1_t8(out, &t8);
    ua_libm_emit_core_note(out, expr, -h, h, EXPF1_DEG, e_q);
    fprintf(out, "#ifndef UA_COLD\n#if defined(__GNUC__) || defined(__clang__)\n"
                 "#define UA_COLD __attribute__((noinline, cold))\n#else\n#define UA_COLD\n#endif\n"
                 "#endif\n");
    fprintf(out, "static inline double %s_core(float c)\n{\n", cname);
    emit_exp1_core(out, &e, 0);
    fprintf(out,
            "/* |x| >= %a or NaN: clamped first */\n"
            "static UA_COLD float %s_clamped(float x)\n{\n"
            "    float c = x < %af ? %af : x; /* below: the result rounds to +0 (also -Inf) */\n"
            "    c = c > %af ? %af : c;       /* above: +Inf; NaN passes both */\n"
            "    return (float)%s_core(c);\n}\n\n",
            (double)bound, cname, (double)e.lo, (double)e.lo, (double)e.hi, (double)e.hi, cname);
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    if ((ua_f2u(x) & 0x7fffffffu) < 0x%08xu) /* |x| < %a: inside the clamps */\n"
            "        return (float)%s_core(x); /* one rounding */\n"
            "    return %s_clamped(x);\n}\n\n",
            cname, (unsigned)bb, (double)bound, cname, cname);
    return ua_libm_end(f, out, cname, opt, emit_exp1_vbody, &e);
}

/* ---- expm1f's 1-ULP variant (--accuracy 1ulp) ----------------------------------------------
 * Both branches in double, one plain rounding to float, no table, no rounding test:
 *     |x| < 1/8:  e^x - 1 = x p(x),  p the relative minimax polynomial of expm1(x)/x, degree 5;
 *     elsewhere:  e^x - 1 = (2^k - 1) + 2^k r q(r),  z = RN(x log2 e), k = round(z), r = z - k
 *                 exact (|r| <= 1/2), q the relative minimax polynomial of (2^r - 1)/r, degree 6
 *                 (one more than exp's: e^x - 1 is up to 8.5 times more sensitive to the error of
 *                 2^r q at |x| = 1/8).
 * 2^k - 1 is exact for -53 <= k <= 53 (k >= -58 here: x is clamped to [-40, 89.5]; beyond,
 * the rounding of 2^k - 1 is far below the result's ulp). Where k = 0 the result is r q(r) with
 * no cancellation. Both polynomials by Estrin's scheme; the vector kernels evaluate both
 * branches and select, the same operations lane by lane. The measured maximum over all 2^32
 * inputs is in docs/libm.md. */
#define EXPM1_1_DEG_Q 6
#define EXPM1_1_DEG_P 5

typedef struct {
    double k2;      /* RN(log2 e) */
    float lo, hi;   /* the clamps (as the correctly rounded variant's) */
    const double *q, *p;
} expm1_1_ctx;

/* The lane function's text after the clamp (c, a float or VF), for the scalar (vec 0) or the
 * vector code: the same expressions. Defines y (double or VD), the result before the rounding. */
static void emit_expm1_1_core(FILE *out, const expm1_1_ctx *e, int vec)
{
    const char *T = vec ? "VD" : "double";
    const double *q = e->q, *p = e->p;
    emit_exp1_reduce(out, e->k2, vec);
    fprintf(out, "    %s q = ((%a + %a * r) + r2 * (%a + %a * r)) + r4 * ((%a + %a * r) + r2 * %a);\n",
            T, q[0], q[1], q[2], q[3], q[4], q[5], q[6]);
    if (vec) fprintf(out, "    VD sc = (VD)(ki << 52);\n");
    else fprintf(out, "    double sc = ua_u2d(ki << 52); /* 2^k, a normal double */\n");
    fprintf(out,
            "    %s big = (sc - 1.0) + sc * (r * q);\n"
            "    %s c2 = cd * cd, c4 = c2 * c2;\n"
            "    %s p = ((%a + %a * cd) + c2 * (%a + %a * cd)) + c4 * (%a + %a * cd);\n"
            "    %s small = cd * p;\n",
            T, T, T, p[0], p[1], p[2], p[3], p[4], p[5], T);
    if (vec)
        fprintf(out, "    VL tiny = (cd < 0.125) & (cd > -0.125);\n"
                     "    VF res = __builtin_convertvector(V_SELD(tiny, small, big), VF);\n");
    else
        fprintf(out, "    double y = cd < 0.125 && cd > -0.125 ? small : big;\n"
                     "    return (float)y; /* one rounding; -0 stays -0 (cd p) */\n}\n\n");
}

static void emit_expm1_1_vbody(FILE *out, const void *ctx)
{
    const expm1_1_ctx *e = ctx;
    emit_exp1_vclamp(out, e->lo, e->hi);
    emit_expm1_1_core(out, e, 1);
}

static ua_status emit_expm1_1(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                              const char *cname)
{
    const exp_spec *sp = f->spec;
    double q[UA_LIBM_MAX_COEFFS], p[UA_LIBM_MAX_COEFFS], e_q = 0, e_p = 0;
    const double h = 0.5 * (1 + 0x1p-20); /* |r| <= 1/2 */
    ua_status s = ua_libm_fit_core("(2^x-1)/x", -h, h, EXPM1_1_DEG_Q, q, &e_q);
    if (!s) s = ua_libm_fit_core("expm1(x)/x", -0.125, 0.125, EXPM1_1_DEG_P, p, &e_p);
    if (s) return s;
    double c1, c2, inv;
    cody_waite(sp->base, &c1, &c2, &inv);
    expm1_1_ctx e = {inv / EXP_N, (float)sp->lo, (float)sp->hi, q, p};
    ua_libm_func g = *f; /* the head names the method of this variant */
    g.summary = "e^x - 1 = x p(x) for |x| < 1/8, else (2^k - 1) + 2^k r q(r), k = round(x log2 e), "
                "r = x log2 e - k, degree-5 p, degree-6 q";
    ua_libm_emit_head(out, &g, cname);
    fprintf(out, "/* --accuracy 1ulp: no table and no rounding test: within 1 ULP, not correctly\n"
                 " * rounded everywhere. */\n");
    ua_libm_emit_core_note(out, "(2^x-1)/x", -h, h, EXPM1_1_DEG_Q, e_q);
    fprintf(out, "/* small |x| < 1/8: p(x) ~ expm1(x)/x, degree %d, relative error %.3g. */\n",
            EXPM1_1_DEG_P, e_p);
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    float c = x < %af ? %af : x; /* below: the result rounds to -1 (also -Inf) */\n"
            "    c = c > %af ? %af : c;       /* above: +Inf; NaN passes both */\n",
            cname, (double)e.lo, (double)e.lo, (double)e.hi, (double)e.hi);
    emit_expm1_1_core(out, &e, 0);
    return ua_libm_end(f, out, cname, opt, emit_expm1_1_vbody, &e);
}

/* ---- the float variant (--accuracy 1ulp --working-precision single) -------------------------
 * Every operation in float (8 lanes per AVX2 vector), no FMA (-ffp-contract=off):
 *     b^x = 2^(K/8) b^r,   K = round(8 x log2 b),   r = x - K log_b(2)/8,   |r| <= log_b(2)/16,
 * K by the shift 1.5 2^23 (+ 2032, so that K + 2032 > 0 lies in the low bits of the float t);
 * r = x - K/8 exactly for exp2, else Cody-Waite r = (x - K C1) - K C2 with C1 = log_b(2)/8 to 13
 * bits (K C1 exact for |K| < 2^11, x - K C1 exact by Sterbenz) and C2 = RN_float(log_b(2)/8 - C1);
 * 2^(j/8) = TH[j] + TL[j] (j = K mod 8; float hi and lo from MPFR); b^r - 1 = r q(r), q of degree 3
 * with float coefficients (the double minimax fit of (b^r - 1)/r rounded to float; on an interval
 * this short the rounding costs about 2^-28 relative, written into the file);
 *     y = TH[j] + (TL[j] + TH[j] (r q(r))),   y in [0.95, 1.92],
 * then b^x = (y 2^(floor(k/2))) 2^(ceil(k/2)), k = K div 8: two exact powers of two, so that the
 * first product is exact and only the second rounds (once) where the result is subnormal, and
 * the results near overflow need no 2^128. Error estimate: the final addition's 0.5 ULP plus the
 * roundings of r q (|r q| <= 0.045) and of the core, about 0.15 ULP; a subnormal result adds its
 * own rounding to y's error halved or less: below 1 ULP (measured over all 2^32 inputs:
 * docs/libm.md). The input is clamped as the other variants (NaN passes through). */
#define EXPW_N 8   /* table entries 2^(j/8): one vpermps of 8 floats per AVX2 vector */
#define EXPW_DEG 3 /* the degree of q */

typedef struct {
    exp_base base;
    float lo, hi;          /* the clamps */
    float inv;             /* RN_float(8 log2 b); 8 for exp2 */
    float c1, c2;          /* log_b(2)/8 ~ c1 + c2; c1 = 1/8, c2 = 0 for exp2 */
    float th[EXPW_N], tl[EXPW_N];
    float q[EXPW_DEG + 1];
    int fma;               /* --fma: emit_expw_core_fma */
} expw_ctx;

/* The shift: t = z + SH holds K + 2032 in its low bits (t in [2^23, 2^24) for |K| < 2^22). */
#define EXPW_SH "0x1.800fep+23f" /* 1.5 2^23 + 2032 = 12584944 (tests/test_libm_single.c) */

/* The lane function's text after the clamp (reads `c`, a float), for T = "float" (scalar) or
 * "VF" (vector), UT its unsigned integer type: both are the same expressions. */
static void emit_expw_core(FILE *out, const expw_ctx *e, int vec)
{
    const char *T = vec ? "VF" : "float", *UT = vec ? "VUI" : "uint32_t";
    fprintf(out, "    %s t = c * %af + %s; /* K = round(8 x log2 b): t holds K + 2032 */\n", T,
            (double)e->inv, EXPW_SH);
    if (vec) fprintf(out, "    VUI kb = (VUI)t - 0x4b400000u; /* K + 2032 */\n");
    else fprintf(out, "    uint32_t kb = ua_f2u(t) - 0x4b400000u; /* K + 2032 */\n");
    fprintf(out, "    %s kd = t - %s; /* K */\n", T, EXPW_SH);
    if (e->c2 == 0)
        fprintf(out, "    %s r = c - kd * %af; /* exact, |r| <= 1/16 */\n", T, (double)e->c1);
    else
        fprintf(out, "    %s r = (c - kd * %af) - kd * %af; /* Cody-Waite: the first two exact */\n",
                T, (double)e->c1, (double)e->c2);
    fprintf(out,
            "    %s q = ((%af * r + %af) * r + %af) * r + %af;\n"
            "    %s rq = r * q; /* b^r - 1 */\n"
            "    %s j = kb & 7u, kk = kb >> 3, e1 = kk >> 1, e2 = kk - e1; /* e1 + e2 = k + 254 */\n",
            T, (double)e->q[3], (double)e->q[2], (double)e->q[1], (double)e->q[0], T, UT);
    if (vec)
        fprintf(out, "    VF th = V_PERM8(ua_ETH, j), tl = V_PERM8(ua_ETL, j);\n");
    else
        fprintf(out, "    float th = ua_ETH[j], tl = ua_ETL[j];\n");
    fprintf(out, "    %s y = th + (tl + th * rq); /* 2^(j/8) b^r, one final rounding */\n", T);
    if (vec)
        fprintf(out, "    VF res = (y * (VF)(e1 << 23)) * (VF)(e2 << 23);\n");
    else
        fprintf(out, "    /* y 2^(floor(k/2)) exact, then one rounding by 2^(ceil(k/2)) */\n"
                     "    return (y * ua_u2f(e1 << 23)) * ua_u2f(e2 << 23);\n}\n\n");
}

/* The same with fused multiply-adds (--fma; UA_FMAF in the scalar code, V_FMA in the kernels):
 *     t = fma(c, 8 log2 b, SH)             K = round(c 8 log2 b), the product unrounded
 *     r = fma(-K, C1, c) [; fma(-K, C2, r)] the first exact (as K C1 and c - K C1 were), the
 *                                           second rounded once instead of twice
 *     q = Horner in three fmas, rq = r q,   y = th + fma(th, rq, tl)
 * The AVX-512F kernel reads the tables, duplicated to 16 entries, by one vpermps on K + 2032
 * itself (its low 4 bits: no & 7; AVX2's vpermps reads the low 3) and scales by vscalefps(y,
 * K/8), which is y 2^floor(K/8) rounded once: the two products' bits (the first exact, the
 * second rounding once) in one instruction. */
static void emit_expw_core_fma(FILE *out, const expw_ctx *e, int vec)
{
    const char *T = vec ? "VF" : "float", *F = vec ? "V_FMA" : "UA_FMAF";
    const char *V = vec ? "(VF){0} + " : ""; /* a float constant as a vector */
    fprintf(out, "    %s t = %s(c, %s%af, %s%s); /* K = round(8 x log2 b): t holds K + 2032 */\n",
            T, F, V, (double)e->inv, V, EXPW_SH);
    if (vec) fprintf(out, "    VUI kb = (VUI)t - 0x4b400000u; /* K + 2032 */\n");
    else fprintf(out, "    uint32_t kb = ua_f2u(t) - 0x4b400000u; /* K + 2032 */\n");
    fprintf(out, "    %s kd = t - %s; /* K */\n", T, EXPW_SH);
    if (e->c2 == 0)
        fprintf(out, "    %s r = %s(kd, %s%af, c); /* exact, |r| <= 1/16 */\n", T, F, V,
                -(double)e->c1);
    else
        fprintf(out, "    %s r = %s(kd, %s%af, %s(kd, %s%af, c)); /* Cody-Waite: the inner one exact */\n",
                T, F, V, -(double)e->c2, F, V, -(double)e->c1);
    fprintf(out,
            "    %s q = %s(%s(%s(%s%af, r, %s%af), r, %s%af), r, %s%af);\n"
            "    %s rq = r * q; /* b^r - 1 */\n",
            T, F, F, F, V, (double)e->q[3], V, (double)e->q[2], V, (double)e->q[1], V,
            (double)e->q[0], T);
    if (vec) {
        fprintf(out,
                "#if V_W == 16\n"
                "    VF th = V_PERM16(ua_ETH, kb), tl = V_PERM16(ua_ETL, kb); /* low 4 bits of kb */\n"
                "#else\n"
                "    VF th = V_PERM8(ua_ETH, kb), tl = V_PERM8(ua_ETL, kb); /* low 3 bits of kb */\n"
                "#endif\n"
                "    VF y = th + V_FMA(th, rq, tl); /* 2^(j/8) b^r, one final rounding */\n"
                "#if V_W == 16\n"
                "    VF res = (VF)_mm512_scalef_ps((__m512)y, (__m512)(kd * 0.125f)); /* y 2^floor(K/8) */\n"
                "#else\n"
                "    VUI kk = kb >> 3, e1 = kk >> 1, e2 = kk - e1; /* e1 + e2 = k + 254 */\n"
                "    VF res = (y * (VF)(e1 << 23)) * (VF)(e2 << 23);\n"
                "#endif\n");
        return;
    }
    fprintf(out,
            "    uint32_t j = kb & 7u, kk = kb >> 3, e1 = kk >> 1, e2 = kk - e1; /* e1 + e2 = k + 254 */\n"
            "    float th = ua_ETH[j], tl = ua_ETL[j];\n"
            "    float y = th + UA_FMAF(th, rq, tl); /* 2^(j/8) b^r, one final rounding */\n"
            "    /* y 2^(floor(k/2)) exact, then one rounding by 2^(ceil(k/2)) */\n"
            "    return (y * ua_u2f(e1 << 23)) * ua_u2f(e2 << 23);\n}\n\n");
}

static void emit_expw_vbody(FILE *out, const void *ctx)
{
    const expw_ctx *e = ctx;
    fprintf(out, "    VF c = V_MAXF((VF){0} + %af, x);\n"
                 "    c = V_MINF((VF){0} + %af, c);\n",
            (double)e->lo, (double)e->hi);
    if (e->fma) emit_expw_core_fma(out, e, 1);
    else emit_expw_core(out, e, 1);
}

/* RN_float(v) and RN_float(v - RN_float(v)) of an MPFR value. */
static void float_split(mpfr_t v, float *hi, float *lo)
{
    mpfr_t t;
    mpfr_init2(t, 300);
    *hi = mpfr_get_flt(v, MPFR_RNDN);
    mpfr_sub_d(t, v, (double)*hi, MPFR_RNDN);
    *lo = mpfr_get_flt(t, MPFR_RNDN);
    mpfr_clear(t);
}

static ua_status emit_expw(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                           const char *cname)
{
    const exp_spec *sp = f->spec;
    expw_ctx e;
    memset(&e, 0, sizeof e);
    e.fma = opt && opt->fma; /* ua_libm_begin accepted it (fma_rows) */
    e.base = sp->base;
    e.lo = (float)sp->lo;
    e.hi = (float)sp->hi;
    mpfr_t v, t;
    mpfr_inits2(300, v, t, (mpfr_ptr)0);
    /* v = log_b(2) / 8 */
    if (sp->base == EXP_BASEE) {
        mpfr_const_log2(v, MPFR_RNDN);
    } else if (sp->base == EXP_BASE10) {
        mpfr_set_ui(v, 2, MPFR_RNDN);
        mpfr_log10(v, v, MPFR_RNDN);
    } else {
        mpfr_set_ui(v, 1, MPFR_RNDN);
    }
    mpfr_div_ui(v, v, EXPW_N, MPFR_RNDN);
    mpfr_ui_div(t, 1, v, MPFR_RNDN);
    e.inv = mpfr_get_flt(t, MPFR_RNDN);
    /* |K| <= 8 max(|lo|, hi) log2 b + 1 < 2^11: c1 with 24 - 11 bits makes K c1 exact */
    double kmax = fmax(fabs(sp->lo), fabs(sp->hi)) * (double)e.inv + 2;
    int kbits = (int)ceil(log2(kmax + 1));
    if (kbits > 12) {
        mpfr_clears(v, t, (mpfr_ptr)0);
        return UA_ERR(UA_EINVAL, "%s: |K| up to %g: no exact Cody-Waite split", f->libm_name, kmax);
    }
    mpfr_set(t, v, MPFR_RNDN);
    mpfr_prec_round(t, 24 - kbits, MPFR_RNDN);
    e.c1 = mpfr_get_flt(t, MPFR_RNDN); /* exact: 24 - kbits bits */
    mpfr_set_prec(t, 300);
    mpfr_set_flt(t, e.c1, MPFR_RNDN);
    mpfr_sub(t, v, t, MPFR_RNDN);
    e.c2 = mpfr_get_flt(t, MPFR_RNDN);
    for (int j = 0; j < EXPW_N; j++) {
        mpfr_set_si(t, j, MPFR_RNDN);
        mpfr_div_ui(t, t, EXPW_N, MPFR_RNDN);
        mpfr_exp2(t, t, MPFR_RNDN);
        float_split(t, &e.th[j], &e.tl[j]);
    }
    /* |r| <= log_b(2)/16 plus the roundings of c inv and of the reduction: widened by 2^-8 */
    double h = mpfr_get_d(v, MPFR_RNDN) * 0.5 * (1 + 0x1p-8);
    mpfr_clears(v, t, (mpfr_ptr)0);
    double qd[UA_LIBM_MAX_COEFFS], e_q = 0;
    ua_status s = ua_libm_fit_core(sp->q_expr, -h, h, EXPW_DEG, qd, &e_q);
    if (s) return s;
    for (int i = 0; i <= EXPW_DEG; i++) e.q[i] = (float)qd[i];
    /* the float coefficients' relative error (exact evaluation in double against expm1(r ln b)/r
     * in double, 4097 points): sampled */
    const double lnb = sp->base == EXP_BASE2 ? 0.69314718055994530942
                     : sp->base == EXP_BASEE ? 1.0 : 2.30258509299404568402;
    double e_qf = 0;
    for (int i = 0; i <= 4096; i++) {
        double r = -h + 2 * h * i / 4096.0;
        if (r == 0) continue;
        double want = expm1(r * lnb) / r;
        double got = ((e.q[3] * r + (double)e.q[2]) * r + (double)e.q[1]) * r + (double)e.q[0];
        e_qf = fmax(e_qf, fabs(got / want - 1));
    }
    ua_libm_func g = *f;
    g.summary = sp->base == EXP_BASE2
                    ? "2^x = 2^(K/8) (1 + r q(r)), K = round(8x), r = x - K/8, in float"
                : sp->base == EXP_BASEE
                    ? "e^x = 2^(K/8) (1 + r q(r)), K = round(8x log2 e), Cody-Waite r, in float"
                    : "10^x = 2^(K/8) (1 + r q(r)), K = round(8x log2 10), Cody-Waite r, in float";
    ua_libm_emit_head_arith(out, &g, cname, e.fma ? "float with fused multiply-adds (fmaf)"
                                                   : "float (no FMA)");
    fprintf(out,
            "/* --accuracy 1ulp --working-precision single: every operation in float; 2^(j/8) =\n"
            " * ua_ETH[j] + ua_ETL[j] (MPFR); within 1 ULP, not correctly rounded everywhere. */\n");
    if (e.fma) {
        fprintf(out, "/* --fma: fused multiply-adds in the reduction, the core and the\n"
                     " * reconstruction; the scalar function is fast where fmaf is inlined (compile\n"
                     " * with -mfma, -march=x86-64-v3 or native), else it calls libm's fmaf: the same\n"
                     " * bits. The tables are written twice over (16 entries) for the AVX-512F\n"
                     " * permute. */\n");
        ua_libm_emit_fmaf(out);
    }
    int nt = e.fma ? 2 * EXPW_N : EXPW_N;
    fprintf(out, "static const float ua_ETH[%d] = {", nt);
    for (int j = 0; j < nt; j++) fprintf(out, "%s%af", j ? ", " : "", (double)e.th[j % EXPW_N]);
    fprintf(out, "};\nstatic const float ua_ETL[%d] = {", nt);
    for (int j = 0; j < nt; j++) fprintf(out, "%s%af", j ? ", " : "", (double)e.tl[j % EXPW_N]);
    fprintf(out, "};\n");
    ua_libm_emit_core_note(out, sp->q_expr, -h, h, EXPW_DEG, e_q);
    fprintf(out, "/* its coefficients rounded to float: relative error %.3g (sampled, 4097 points,\n"
                 " * exact evaluation) */\n",
            e_qf);
    fprintf(out,
            "static inline float %s_lane(float x)\n{\n"
            "    float c = x < %af ? %af : x; /* below: the result rounds to +0 (also -Inf) */\n"
            "    c = c > %af ? %af : c;       /* above: +Inf; NaN passes both */\n",
            cname, (double)e.lo, (double)e.lo, (double)e.hi, (double)e.hi);
    if (e.fma) emit_expw_core_fma(out, &e, 0);
    else emit_expw_core(out, &e, 0);
    return ua_libm_end(f, out, cname, opt, emit_expw_vbody, &e);
}

static ua_status gen_exp(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    const exp_spec *sp = f->spec;
    const char *cname;
    ua_status s = ua_libm_begin(f, out, opt, &cname);
    if (s) return s;
    if (opt && opt->accuracy == UA_LIBM_1ULP && opt->working_precision == UA_LIBM_WP_SINGLE)
        return emit_expw(f, out, opt, cname); /* ua_libm_begin refused it for expm1f */
    if (opt && opt->accuracy == UA_LIBM_1ULP)
        return sp->m1 ? emit_expm1_1(f, out, opt, cname) : emit_exp1(f, out, opt, cname);
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

/* ua_libm_func.emit: the generator under the check of the C name (common.c). */
static ua_status emit_exp(const ua_libm_func *f, FILE *out, const ua_libm_options *opt)
{
    return ua_libm_emit_named(f, out, opt, gen_exp);
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
