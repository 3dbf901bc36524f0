/* ua_exhaustive_f32: every float of an interval against the correctly rounded reference
 * (uniapprox/exhaustive.h). The strategy and the ULP definition are documented in the header;
 * this file holds the float <-> ordered-integer walk, the fast path (libm double + a rounding
 * test), Ziv's loop in MPFR, and the deterministic reduction. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>
#include <omp.h>

#include "core/internal.h"
#include "target/internal.h"
#include "uniapprox/dist.h"
#include "uniapprox/exhaustive.h"
#include "uniapprox/verify.h"

/* Floats are visited in fixed blocks of 2^16; per-thread partial results are combined by rules
 * that do not depend on the order (sums of integers, maxima and a top-k under a total order), so
 * the result is the same for any number of threads. */
#define BLOCK ((int64_t)1 << 16)

/* Relative error the fast path grants the libm double value: 2^-40 = 4096 double ULPs. */
#define FAST_REL_MARGIN 0x1p-40
/* Ziv's loop: MPFR precisions 64, 128, ..., 4096 bits, each result trusted to 2^4 units in its
 * last place (ua_target_eval_mpfr rounds every operation with 32 guard bits). */
#define ZIV_LEVELS 7
#define ZIV_PREC0 64
#define ZIV_TRUST_BITS 4

/* ---- floats as ordered integers ----------------------------------------------------------- */

static uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* A key that orders floats by value with -0 just below +0: +x -> bits, -x -> -1 - |bits|. */
static int64_t f2key(float f)
{
    uint32_t u = f2u(f);
    return (u >> 31) ? -1 - (int64_t)(u & 0x7fffffffu) : (int64_t)u;
}

static float key2f(int64_t k)
{
    return k >= 0 ? u2f((uint32_t)k) : u2f(0x80000000u | (uint32_t)(-1 - k));
}

uint64_t ua_f32_count(float lo, float hi)
{
    if (isnan(lo) || isnan(hi)) return 0;
    int64_t a = f2key(lo), b = f2key(hi);
    return a <= b ? (uint64_t)(b - a + 1) : 0;
}

/* ---- the curated fast path ---------------------------------------------------------------- */

typedef double (*dfn)(double);

static double exp2_d(double x) { return exp2(x); }
/* 10^x: glibc's exp10 (a GNU extension, declared here so that the file needs no _GNU_SOURCE).
 * Trusted like the others: glibc 2.36's (sysdeps/ieee754/dbl-64/e_exp10.c, exp of a split
 * x ln 10 times exp of the rest) is listed at 2 ULP in its libm-test-ulps, and measured here
 * against MPFR at 2.07e6 random floats of |x| < 46 (every float whose 10^x is neither 0 nor Inf
 * in float): at most 2.95 * 2^-53 relative, 2^-40 / 1365; glibc 2.39's rewrite is within 0.52
 * ULP. The tests compare the fast path with MPFR for 10^x (tests/test_libm.c). */
double exp10(double);
static double exp10_d(double x) { return exp10(x); }

/* libm functions whose double result glibc documents within a few ULPs everywhere (relative). */
static dfn curated_fn1(int id)
{
    switch (id) {
    case FN_EXP: return exp;
    case FN_EXPM1: return expm1;
    case FN_LOG: return log;
    case FN_LOG1P: return log1p;
    case FN_LOG2: return log2;
    case FN_LOG10: return log10;
    case FN_SQRT: return sqrt;
    case FN_CBRT: return cbrt;
    case FN_SIN: return sin;
    case FN_COS: return cos;
    case FN_TAN: return tan;
    case FN_ASIN: return asin;
    case FN_ACOS: return acos;
    case FN_ATAN: return atan;
    case FN_SINH: return sinh;
    case FN_COSH: return cosh;
    case FN_TANH: return tanh;
    case FN_ASINH: return asinh;
    case FN_ACOSH: return acosh;
    case FN_ATANH: return atanh;
    case FN_ERF: return erf;
    case FN_ERFC: return erfc;
    case FN_ABS: return fabs;
    default: return NULL;
    }
}

/* Whether literal k of prog is exactly the integer v (its decimal text, not just its double). */
static int literal_is(const ua_program *p, uint32_t k, unsigned v)
{
    if (k >= p->nnum || p->num[k] != (double)v) return 0;
    mpfr_t t;
    mpfr_init2(t, 256);
    int exact = mpfr_strtofr(t, p->numtext[k], NULL, 10, MPFR_RNDN) == 0 && mpfr_cmp_ui(t, v) == 0;
    mpfr_clear(t);
    return exact;
}

/* The double function a curated target reduces to, or NULL (see the header for the set). */
static dfn curated(const ua_target *t)
{
    if (!t || t->builtin || t->dim != 1) return NULL;
    const ua_program *p = &t->prog;
    const ua_node *c = p->code;
    if (p->ncode == 2 && c[0].op == OP_VAR && c[1].op == OP_FN1) return curated_fn1((int)c[1].arg);
    /* b^x written as b ^ x or pow(b, x), with b = 2, e or 10 */
    if (p->ncode == 3 && c[1].op == OP_VAR &&
        (c[2].op == OP_POW || (c[2].op == OP_FN2 && c[2].arg == FN_POW))) {
        if (c[0].op == OP_E) return exp;
        if (c[0].op == OP_NUM && literal_is(p, c[0].arg, 2)) return exp2_d;
        if (c[0].op == OP_NUM && literal_is(p, c[0].arg, 10)) return exp10_d;
    }
    return NULL;
}

int ua_exhaustive_fast_target(const ua_target *ref) { return curated(ref) != NULL; }

/* ---- rounding tests ----------------------------------------------------------------------- */

/* The rounding boundaries around a float magnitude af >= 0 (or +Inf): *mlo, *mhi are the
 * midpoints to its neighbours (exact in double). Below the least subnormal the neighbour of +0 is
 * -2^-149; above FLT_MAX it is 2^128, where rounding to nearest overflows. */
static void boundaries(float af, double *mlo, double *mhi)
{
    uint32_t b = f2u(af);
    if (b >= 0x7f800000u) { /* +Inf: everything from (FLT_MAX + 2^128) / 2 up */
        *mlo = ((double)FLT_MAX + 0x1p128) * 0.5;
        *mhi = INFINITY;
        return;
    }
    double v = af;
    double up = b == 0x7f7fffffu ? 0x1p128 : (double)u2f(b + 1);
    double dn = b == 0 ? -0x1p-149 : (double)u2f(b - 1);
    *mlo = (v + dn) * 0.5;
    *mhi = (v + up) * 0.5;
}

/* Fast path: RN(f) from y ~ f with |y - f| <= 2^-40 |y|. Returns 1 and sets *rn when decided. */
static int decide_double(double y, float *rn)
{
    if (isnan(y)) {
        *rn = NAN;
        return 1;
    }
    float yf = (float)y;
    double ay = fabs(y), mlo, mhi;
    boundaries(fabsf(yf), &mlo, &mhi);
    double margin = FAST_REL_MARGIN * (ay < DBL_MAX ? ay : DBL_MAX) + 0x1p-1060;
    if (ay - mlo > margin && mhi - ay > margin) {
        *rn = yf;
        return 1;
    }
    return 0;
}

/* Per-thread MPFR state for Ziv's loop. */
typedef struct {
    mpfr_t v[ZIV_LEVELS];
    mpfr_t w;
} ziv_state;

static void ziv_init(ziv_state *z)
{
    for (int i = 0; i < ZIV_LEVELS; i++) mpfr_init2(z->v[i], (mpfr_prec_t)ZIV_PREC0 << i);
    mpfr_init2(z->w, (mpfr_prec_t)ZIV_PREC0 << (ZIV_LEVELS - 1));
}

static void ziv_clear(ziv_state *z)
{
    for (int i = 0; i < ZIV_LEVELS; i++) mpfr_clear(z->v[i]);
    mpfr_clear(z->w);
}

/* Whether |v| (finite, non-zero, precision p, trusted to 2^(EXP(v) - p + 4)) lies strictly inside
 * (mlo, mhi) with that margin. */
static int inside(ziv_state *z, mpfr_srcptr v, double mlo, double mhi)
{
    mpfr_prec_t p = mpfr_get_prec(v);
    mpfr_exp_t e = mpfr_get_exp(v) - (mpfr_exp_t)p + ZIV_TRUST_BITS;
    mpfr_set_prec(z->w, p + 8);
    mpfr_abs(z->w, v, MPFR_RNDN);
    mpfr_sub_d(z->w, z->w, mlo, MPFR_RNDN);
    if (mpfr_cmp_ui_2exp(z->w, 1, e) <= 0) return 0;
    if (isinf(mhi)) return 1;
    mpfr_abs(z->w, v, MPFR_RNDN);
    mpfr_d_sub(z->w, mhi, z->w, MPFR_RNDN);
    return mpfr_cmp_ui_2exp(z->w, 1, e) > 0;
}

/* Ziv's loop. Sets *rn and returns the level whose value z->v[level] decided it; *undecided is
 * set when even the last level could not (then rn is rounded from the last level). */
static int decide_mpfr(const ua_target *t, float x, ziv_state *z, float *rn, int *undecided)
{
    double xd = x;
    *undecided = 0;
    for (int i = 0; i < ZIV_LEVELS; i++) {
        mpfr_ptr v = z->v[i];
        ua_target_eval_mpfr(t, &xd, v);
        if (mpfr_nan_p(v)) {
            *rn = NAN;
            return i;
        }
        /* infinities and zeros of the evaluator are exact (log(0), sin(0), 0 * ...) */
        if (mpfr_inf_p(v) || mpfr_zero_p(v)) {
            *rn = mpfr_get_flt(v, MPFR_RNDN);
            return i;
        }
        float c = mpfr_get_flt(v, MPFR_RNDN);
        double mlo, mhi;
        boundaries(fabsf(c), &mlo, &mhi);
        if (inside(z, v, mlo, mhi)) {
            *rn = c;
            return i;
        }
    }
    *undecided = 1;
    *rn = mpfr_get_flt(z->v[ZIV_LEVELS - 1], MPFR_RNDN);
    return ZIV_LEVELS - 1;
}

/* 1 / ulp32(y) for finite y, a power of two built from y's exponent (exact, no libm call). */
static double inv_ulp32(double y)
{
    uint64_t u;
    memcpy(&u, &y, sizeof u);
    int e = (int)((u >> 52) & 0x7ff) - 1023; /* zero and subnormal doubles give e < -126 */
    if (e < -126) e = -126;
    uint64_t r = (uint64_t)(23 - e + 1023) << 52; /* 2^(23 - e), e in [-126, 1023] */
    double d;
    memcpy(&d, &r, sizeof d);
    return d;
}

/* ---- per-thread accumulation ------------------------------------------------------------- */

typedef struct {
    uint64_t count, not_cr, over1, nan_mm, inf_mm, mpfr, undecided;
    double max_ulp;
    size_t ntop, cap;
    ua_exhaustive_point top[UA_EXHAUSTIVE_MAX_TOP];
} partial;

/* The total order of the worst list: larger error first, then smaller x (-0 before +0). */
static int worse(const ua_exhaustive_point *a, const ua_exhaustive_point *b)
{
    if (a->err_ulp != b->err_ulp) return a->err_ulp > b->err_ulp;
    return f2key(a->x) < f2key(b->x);
}

static void top_add(partial *p, const ua_exhaustive_point *pt)
{
    if (p->cap == 0 || !(pt->err_ulp > 0)) return;
    if (p->ntop == p->cap && !worse(pt, &p->top[p->ntop - 1])) return;
    size_t i = p->ntop < p->cap ? p->ntop++ : p->cap - 1;
    while (i > 0 && worse(pt, &p->top[i - 1])) {
        p->top[i] = p->top[i - 1];
        i--;
    }
    p->top[i] = *pt;
}

static void record(partial *p, float x, float y, double ref, float rn, double err)
{
    p->count++;
    int ny = isnan(y), nr = isnan(rn);
    if (ny != nr) p->nan_mm++;
    if (!(ny && nr) && f2u(y) != f2u(rn)) p->not_cr++;
    if ((isinf(rn) || isinf(y)) && !(y == rn)) p->inf_mm++;
    if (nr) return; /* no error is measured where the reference is NaN */
    if (err > 1) p->over1++;
    if (err > p->max_ulp) p->max_ulp = err;
    /* cheap rejection first: almost every point is better than the current k-th worst */
    if (p->cap && err > 0 && (p->ntop < p->cap || err >= p->top[p->ntop - 1].err_ulp)) {
        ua_exhaustive_point pt = {x, y, ref, rn, err};
        top_add(p, &pt);
    }
}

/* The error of output y at reference value ref (double) with correctly rounded float rn. */
static double err_double(float y, double ref, float rn)
{
    if (isinf(rn) && y == rn) return 0; /* a correctly rounded overflow */
    if (!isfinite(y) || !isfinite(ref)) return y == ref ? 0 : INFINITY;
    return fabs((double)y - ref) * inv_ulp32(ref);
}

/* The same from the MPFR value v (finite or not), exactly formed before rounding. */
static double err_mpfr(ziv_state *z, float y, mpfr_srcptr v, float rn)
{
    if (isinf(rn) && y == rn) return 0;
    double ref = mpfr_get_d(v, MPFR_RNDN);
    if (!isfinite(y) || !isfinite(ref)) return (double)y == ref ? 0 : INFINITY;
    mpfr_set_prec(z->w, mpfr_get_prec(v) + 8);
    mpfr_d_sub(z->w, (double)y, v, MPFR_RNDN);
    return fabs(mpfr_get_d(z->w, MPFR_RNDN)) * inv_ulp32(ref);
}

static void check_block(ua_f32_fn fn, const ua_target *t, dfn fast, int64_t k0, int64_t k1,
                        ziv_state *z, partial *p)
{
    for (int64_t k = k0; k < k1; k++) {
        float x = key2f(k);
        float y = fn(x);
        float rn;
        if (fast) {
            double ref = fast((double)x);
            if (decide_double(ref, &rn)) {
                record(p, x, y, ref, rn, isnan(rn) ? 0 : err_double(y, ref, rn));
                continue;
            }
        }
        int undecided;
        int lvl = decide_mpfr(t, x, z, &rn, &undecided);
        p->mpfr++;
        p->undecided += (uint64_t)undecided;
        mpfr_srcptr v = z->v[lvl];
        record(p, x, y, mpfr_get_d(v, MPFR_RNDN), rn, isnan(rn) ? 0 : err_mpfr(z, y, v, rn));
    }
}

static void merge(partial *into, const partial *p)
{
    into->count += p->count;
    into->not_cr += p->not_cr;
    into->over1 += p->over1;
    into->nan_mm += p->nan_mm;
    into->inf_mm += p->inf_mm;
    into->mpfr += p->mpfr;
    into->undecided += p->undecided;
    if (p->max_ulp > into->max_ulp) into->max_ulp = p->max_ulp;
    for (size_t i = 0; i < p->ntop; i++) top_add(into, &p->top[i]);
}

void ua_exhaustive_options_default(ua_exhaustive_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->threads = 0;
    opt->top = 10;
    opt->force_mpfr = 0;
}

ua_status ua_exhaustive_f32(ua_f32_fn fn, const ua_target *ref, float lo, float hi,
                            const ua_exhaustive_options *opt, ua_exhaustive_result *out)
{
    ua_exhaustive_options def;
    if (!opt) {
        ua_exhaustive_options_default(&def);
        opt = &def;
    }
    if (out) memset(out, 0, sizeof *out);
    if (!fn || !ref || !out) return UA_ERR(UA_EINVAL, "ua_exhaustive_f32: NULL argument");
    if (isnan(lo) || isnan(hi)) return UA_ERR(UA_EINVAL, "the interval bounds must not be NaN");
    if (f2key(lo) > f2key(hi))
        return UA_ERR(UA_EINVAL, "need lo <= hi, got [%.9g, %.9g]", (double)lo, (double)hi);
    if (ua_target_dim(ref) != 1)
        return UA_ERR(UA_EINVAL, "target has %zu variables, a float32 kernel has 1",
                      ua_target_dim(ref));
    if (opt->threads < 0) return UA_ERR(UA_EINVAL, "threads must be >= 0, got %d", opt->threads);
    if (opt->top > UA_EXHAUSTIVE_MAX_TOP)
        return UA_ERR(UA_EINVAL, "top must be <= %d, got %zu", UA_EXHAUSTIVE_MAX_TOP, opt->top);

    dfn fast = opt->force_mpfr ? NULL : curated(ref);
    int64_t k0 = f2key(lo), k1 = f2key(hi) + 1;
    int64_t nblocks = (k1 - k0 + BLOCK - 1) / BLOCK;
    int nthreads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    partial *parts = ua_calloc((size_t)nthreads, sizeof *parts);
    if (!parts) return UA_ENOMEM_ERR((size_t)nthreads * sizeof *parts);

#pragma omp parallel num_threads(nthreads)
    {
        partial *p = &parts[omp_get_thread_num()];
        p->cap = opt->top;
        ziv_state z;
        ziv_init(&z);
#pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < nblocks; b++) {
            int64_t a = k0 + b * BLOCK, e = a + BLOCK < k1 ? a + BLOCK : k1;
            check_block(fn, ref, fast, a, e, &z, p);
        }
        ziv_clear(&z);
        mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    }

    partial tot;
    memset(&tot, 0, sizeof tot);
    tot.cap = opt->top;
    for (int i = 0; i < nthreads; i++) merge(&tot, &parts[i]);
    free(parts);

    out->count = tot.count;
    out->n_not_cr = tot.not_cr;
    out->n_over_1ulp = tot.over1;
    out->n_nan_mismatch = tot.nan_mm;
    out->n_inf_mismatch = tot.inf_mm;
    out->n_mpfr = tot.mpfr;
    out->n_undecided = tot.undecided;
    out->max_ulp = tot.max_ulp;
    out->fast_path = fast != NULL;
    out->ntop = tot.ntop;
    memcpy(out->top, tot.top, tot.ntop * sizeof tot.top[0]);
    return UA_OK;
}

ua_status ua_exhaustive_ref_f32(const ua_target *ref, float x, float *out, double *exact)
{
    if (!ref || !out) return UA_ERR(UA_EINVAL, "ua_exhaustive_ref_f32: NULL argument");
    if (ua_target_dim(ref) != 1)
        return UA_ERR(UA_EINVAL, "target has %zu variables, need 1", ua_target_dim(ref));
    dfn fast = curated(ref);
    if (fast) {
        double y = fast((double)x);
        if (decide_double(y, out)) {
            if (exact) *exact = y;
            return UA_OK;
        }
    }
    ziv_state z;
    ziv_init(&z);
    int undecided;
    int lvl = decide_mpfr(ref, x, &z, out, &undecided);
    if (exact) *exact = mpfr_get_d(z.v[lvl], MPFR_RNDN);
    ziv_clear(&z);
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return UA_OK;
}

/* ---- jobs of several ranks (uniapprox/dist.h) ------------------------------------------- */

int ua_exhaustive_share(float lo, float hi, float *sub_lo, float *sub_hi)
{
    if (isnan(lo) || isnan(hi) || f2key(lo) > f2key(hi)) return 0;
    int64_t k0 = f2key(lo);
    size_t a, b;
    ua_dist_share((size_t)(f2key(hi) - k0 + 1), &a, &b);
    if (a == b) return 0;
    *sub_lo = key2f(k0 + (int64_t)a);
    *sub_hi = key2f(k0 + (int64_t)b - 1);
    return 1;
}

ua_status ua_exhaustive_combine(ua_exhaustive_result *r, size_t top)
{
    if (!r) return UA_ERR(UA_EINVAL, "ua_exhaustive_combine: NULL result");
    if (top > UA_EXHAUSTIVE_MAX_TOP)
        return UA_ERR(UA_EINVAL, "top must be <= %d, got %zu", UA_EXHAUSTIVE_MAX_TOP, top);
    int size = ua_dist_size();
    if (size == 1) return UA_OK;
    /* every rank's whole result, one broadcast per rank, merged by the rules of the threads
     * (sums, maxima, the top-k under the total order of `worse`): the same bits on every rank,
     * and the same result as one process, whatever the split */
    partial tot;
    memset(&tot, 0, sizeof tot);
    tot.cap = top;
    int fast = 0;
    for (int root = 0; root < size; root++) {
        ua_exhaustive_result part = *r;
        ua_status s = ua_dist_bcast(&part, sizeof part, root);
        if (s) return s;
        if (part.ntop > UA_EXHAUSTIVE_MAX_TOP) part.ntop = UA_EXHAUSTIVE_MAX_TOP;
        partial p;
        memset(&p, 0, sizeof p);
        p.count = part.count;
        p.not_cr = part.n_not_cr;
        p.over1 = part.n_over_1ulp;
        p.nan_mm = part.n_nan_mismatch;
        p.inf_mm = part.n_inf_mismatch;
        p.mpfr = part.n_mpfr;
        p.undecided = part.n_undecided;
        p.max_ulp = part.max_ulp;
        p.ntop = part.ntop;
        memcpy(p.top, part.top, part.ntop * sizeof part.top[0]);
        merge(&tot, &p);
        /* a rank with an empty share checked nothing and says nothing of the path */
        if (part.count && part.fast_path) fast = 1;
    }
    memset(r, 0, sizeof *r);
    r->count = tot.count;
    r->n_not_cr = tot.not_cr;
    r->n_over_1ulp = tot.over1;
    r->n_nan_mismatch = tot.nan_mm;
    r->n_inf_mismatch = tot.inf_mm;
    r->n_mpfr = tot.mpfr;
    r->n_undecided = tot.undecided;
    r->max_ulp = tot.max_ulp;
    r->fast_path = fast;
    r->ntop = tot.ntop;
    memcpy(r->top, tot.top, tot.ntop * sizeof tot.top[0]);
    return UA_OK;
}
