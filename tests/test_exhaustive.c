/* Tests of the exhaustive float32 checker (uniapprox/exhaustive.h): kernels with known errors,
 * glibc's float functions against a brute-force MPFR checker written here independently of the
 * library (one mpfr_<fn> call at 300 bits per float), the fast path against the MPFR-only path,
 * independence from the thread count, compiling a kernel with the system compiler, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <mpfr.h>

#include "uniapprox.h"
#define TU_SCRATCH_TAG "ua_test_exhaustive"
#include "test_util.h"

static ua_target *parse(const char *spec)
{
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(spec, NULL, 0, &t), UA_OK);
    return t;
}

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* ---- the independent brute-force checker --------------------------------------------------- */

typedef int (*mpfr_fn)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);

typedef struct {
    uint64_t count, not_cr, nan_mm, inf_mm, over1;
    double max_ulp;
    float worst_x;
} brute;

/* ulp32 of the exact value v (finite, MPFR): 2^(max(e, -126) - 23) for |v| in [2^e, 2^(e+1)). */
static double ulp32_mpfr(mpfr_srcptr v)
{
    if (mpfr_zero_p(v)) return ldexp(1, -149);
    long e = (long)mpfr_get_exp(v) - 1;
    return ldexp(1, (int)((e > -126 ? e : -126) - 23));
}

/* Every float from lo to hi by nextafterf, f in MPFR at 300 bits, RN by mpfr_get_flt. */
static brute brute_force(float (*k)(float), mpfr_fn f, float lo, float hi)
{
    brute b = {0, 0, 0, 0, 0, 0.0, NAN};
    mpfr_t v, d, xm;
    mpfr_inits2(300, v, d, xm, (mpfr_ptr)0);
    for (float x = lo;; x = (x == 0 && signbit(x)) ? 0.0f : nextafterf(x, INFINITY)) {
        mpfr_set_flt(xm, x, MPFR_RNDN);
        f(v, xm, MPFR_RNDN);
        float rn = mpfr_get_flt(v, MPFR_RNDN), y = k(x);
        b.count++;
        if (isnan(y) != isnan(rn)) b.nan_mm++;
        if (!(isnan(y) && isnan(rn)) && bits(y) != bits(rn)) b.not_cr++;
        if ((isinf(rn) || isinf(y)) && !(y == rn)) b.inf_mm++;
        if (!isnan(rn)) {
            double err;
            if (isinf(rn) && y == rn) err = 0;
            else if (!isfinite(y) || mpfr_inf_p(v)) err = INFINITY;
            else {
                mpfr_set_flt(d, y, MPFR_RNDN);
                mpfr_sub(d, d, v, MPFR_RNDN);
                err = fabs(mpfr_get_d(d, MPFR_RNDN)) / ulp32_mpfr(v);
            }
            if (err > 1) b.over1++;
            if (err > b.max_ulp) {
                b.max_ulp = err;
                b.worst_x = x;
            }
        }
        if (bits(x) == bits(hi)) break; /* -0 is followed by +0, then the positive floats */
    }
    mpfr_clears(v, d, xm, (mpfr_ptr)0);
    return b;
}

static ua_exhaustive_result run(float (*k)(float), const char *spec, float lo, float hi,
                                int threads, int force_mpfr)
{
    ua_target *t = parse(spec);
    ua_exhaustive_options o;
    ua_exhaustive_options_default(&o);
    o.threads = threads;
    o.force_mpfr = force_mpfr;
    o.top = 16;
    ua_exhaustive_result r;
    assert_int_equal(ua_exhaustive_f32(k, t, lo, hi, &o, &r), UA_OK);
    ua_target_free(t);
    return r;
}

static void assert_agrees(const ua_exhaustive_result *r, const brute *b)
{
    assert_true(r->count == b->count);
    assert_true(r->n_not_cr == b->not_cr);
    assert_true(r->n_nan_mismatch == b->nan_mm);
    assert_true(r->n_inf_mismatch == b->inf_mm);
    assert_true(r->n_over_1ulp == b->over1);
    assert_true(r->n_undecided == 0);
    if (isinf(b->max_ulp)) assert_true(isinf(r->max_ulp));
    else assert_true(fabs(r->max_ulp - b->max_ulp) <= 1e-6 * (1 + b->max_ulp));
    if (r->ntop && b->max_ulp > 0) assert_true(bits(r->top[0].x) == bits(b->worst_x));
}

/* ---- kernels -------------------------------------------------------------------------------- */

static float k_expf(float x) { return expf(x); }
static float k_sinf(float x) { return sinf(x); }
static float k_logf(float x) { return logf(x); }
static float k_log_zero(float x) { return x < 0 ? 0.0f : logf(x); } /* no NaN below 0 */
static float k_exp_noinf(float x) /* saturates instead of overflowing */
{
    float y = expf(x);
    return isinf(y) ? FLT_MAX : y;
}
/* Truncated Taylor polynomial of exp, in float: wrong by about x^3/6. */
static float k_taylor2(float x) { return 1.0f + x + 0.5f * x * x; }

/* The correctly rounded exp on [1, 1 + 1000 ulps], from MPFR, with planted errors: +3 ULPs at
 * every 100th float, and +7 ULPs at float 555. */
#define TAB_N 1001
static float tab[TAB_N];

static void fill_tab(void)
{
    mpfr_t v;
    mpfr_init2(v, 300);
    for (int i = 0; i < TAB_N; i++) {
        mpfr_set_flt(v, from_bits(bits(1.0f) + (uint32_t)i), MPFR_RNDN);
        mpfr_exp(v, v, MPFR_RNDN);
        tab[i] = mpfr_get_flt(v, MPFR_RNDN);
        if (i % 100 == 0) tab[i] = from_bits(bits(tab[i]) + 3);
        if (i == 555) tab[i] = from_bits(bits(tab[i]) + 7);
    }
    mpfr_clear(v);
}

static float k_planted(float x) { return tab[bits(x) - bits(1.0f)]; }

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_planted_errors(void **state)
{
    (void)state;
    fill_tab();
    float lo = 1.0f, hi = from_bits(bits(1.0f) + TAB_N - 1);
    ua_exhaustive_result r = run(k_planted, "exp(x)", lo, hi, 0, 0);
    assert_true(r.count == TAB_N);
    assert_true(r.n_not_cr == 11 + 1);  /* 0, 100, ..., 1000 and 555 */
    assert_true(r.n_over_1ulp == 12);   /* each off by >= 3 - 0.5 ULPs */
    assert_true(r.n_nan_mismatch == 0 && r.n_inf_mismatch == 0);
    /* the worst is at float 555: 7 ULPs plus the (independently computed) rounding error there */
    float x555 = from_bits(bits(1.0f) + 555);
    mpfr_t v, d;
    mpfr_inits2(300, v, d, (mpfr_ptr)0);
    mpfr_set_flt(v, x555, MPFR_RNDN);
    mpfr_exp(v, v, MPFR_RNDN);
    mpfr_set_flt(d, tab[555], MPFR_RNDN);
    mpfr_sub(d, d, v, MPFR_RNDN);
    double want = mpfr_get_d(d, MPFR_RNDN) / ulp32_mpfr(v);
    mpfr_clears(v, d, (mpfr_ptr)0);
    assert_true(want > 6.5 && want < 7.5);
    assert_true(fabs(r.max_ulp - want) < 1e-9);
    assert_true(bits(r.top[0].x) == bits(x555));
    assert_true(bits(r.top[0].y) == bits(tab[555]));
    assert_true(bits(r.top[0].ref_rn) == bits(tab[555]) - 7);
    /* the next worst are the +3 ones, each between 2.5 and 3.5 ULPs */
    for (size_t i = 1; i < 12; i++) assert_true(r.top[i].err_ulp > 2.5 && r.top[i].err_ulp < 3.5);
    for (size_t i = 12; i < r.ntop; i++) assert_true(r.top[i].err_ulp <= 0.5);
    /* the independent checker sees the same */
    brute b = brute_force(k_planted, mpfr_exp, lo, hi);
    assert_agrees(&r, &b);
}

static void test_taylor_kernel(void **state)
{
    (void)state;
    /* 1 + x + x^2/2 on [15/16 2^-6, 2^-6] (524289 floats; [0, 2^-6] would hold 1e9): error
     * about x^3/6 = 6.4e-7 at the end, i.e. about 5 ULPs */
    float lo = 0x1.ep-7f, hi = 0x1p-6f;
    ua_exhaustive_result r = run(k_taylor2, "exp(x)", lo, hi, 0, 0);
    brute b = brute_force(k_taylor2, mpfr_exp, lo, hi);
    assert_agrees(&r, &b);
    assert_true(r.max_ulp > 4 && r.max_ulp < 7);
    assert_true(r.n_over_1ulp > 1000);
}

static void test_glibc_vs_brute_force(void **state)
{
    (void)state;
    ua_exhaustive_result r;
    brute b;
    /* expf on [10, 10.25]: 262145 floats, results of about 2^14 */
    r = run(k_expf, "exp(x)", 10.0f, 10.25f, 0, 0);
    b = brute_force(k_expf, mpfr_exp, 10.0f, 10.25f);
    assert_agrees(&r, &b);
    assert_true(r.fast_path);
    assert_true(r.max_ulp > 0.4 && r.max_ulp < 1.0);
    /* across the overflow threshold (88.72): glibc returns +Inf exactly where RN overflows */
    r = run(k_expf, "exp(x)", 88.5f, 89.0f, 0, 0);
    b = brute_force(k_expf, mpfr_exp, 88.5f, 89.0f);
    assert_agrees(&r, &b);
    assert_true(r.n_inf_mismatch == 0);
    /* a kernel that saturates at FLT_MAX: every overflowing input is an Inf mismatch */
    r = run(k_exp_noinf, "exp(x)", 88.5f, 89.0f, 0, 0);
    b = brute_force(k_exp_noinf, mpfr_exp, 88.5f, 89.0f);
    assert_agrees(&r, &b);
    uint64_t n_over = 0;
    for (float x = 88.5f; x <= 89.0f; x = nextafterf(x, INFINITY)) n_over += isinf(expf(x));
    assert_true(n_over > 1000 && r.n_inf_mismatch == n_over);
    /* sinf around zero: subnormals, both zeros (sin(-0) = -0) */
    r = run(k_sinf, "sin(x)", -0x1p-140f, 0x1p-140f, 0, 0);
    b = brute_force(k_sinf, mpfr_sin, -0x1p-140f, 0x1p-140f);
    assert_agrees(&r, &b);
    assert_true(r.count == 2 * ((uint64_t)1 << 9) + 2);
    assert_true(r.n_not_cr == 0 && r.max_ulp == 0);
    /* log below 0: NaN references; a kernel returning 0 there mismatches every one */
    r = run(k_logf, "log(x)", -1.0f, -0.999f, 0, 0);
    assert_true(r.count > 8000 && r.n_nan_mismatch == 0 && r.n_not_cr == 0);
    assert_true(r.max_ulp == 0); /* no reference is a number: nothing measured */
    r = run(k_log_zero, "log(x)", -0x1p-146f, 0x1p-146f, 0, 0);
    b = brute_force(k_log_zero, mpfr_log, -0x1p-146f, 0x1p-146f);
    assert_agrees(&r, &b);
    /* the 8 subnormals below 0; log(-0) = log(+0) = -Inf matches */
    assert_true(r.count == 18 && r.n_nan_mismatch == 8 && r.n_inf_mismatch == 0);
}

static void test_fast_equals_mpfr_only(void **state)
{
    (void)state;
    const struct {
        float (*k)(float);
        const char *spec;
        float lo, hi;
    } cases[] = {
        {k_expf, "exp(x)", 1.0f, 1.01f},
        {k_expf, "e^x", -3.0f, -2.99f},
        {k_sinf, "sin(x)", 100.0f, 100.01f},
        {k_taylor2, "exp(x)", 0x1.fp-13f, 0x1p-12f},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ua_exhaustive_result f = run(cases[c].k, cases[c].spec, cases[c].lo, cases[c].hi, 0, 0);
        ua_exhaustive_result m = run(cases[c].k, cases[c].spec, cases[c].lo, cases[c].hi, 0, 1);
        assert_true(f.fast_path && !m.fast_path);
        assert_true(m.n_mpfr == m.count && f.n_mpfr < f.count / 100);
        assert_true(f.count == m.count && f.n_not_cr == m.n_not_cr);
        assert_true(f.n_over_1ulp == m.n_over_1ulp);
        assert_true(f.n_nan_mismatch == m.n_nan_mismatch && f.n_inf_mismatch == m.n_inf_mismatch);
        assert_true(fabs(f.max_ulp - m.max_ulp) < 1e-7);
        assert_true(f.ntop == m.ntop);
        for (size_t i = 0; i < f.ntop; i++) {
            assert_true(bits(f.top[i].ref_rn) == bits(m.top[i].ref_rn));
            assert_true(fabs(f.top[i].err_ulp - m.top[i].err_ulp) < 1e-7);
        }
    }
}

static void test_threads_independent(void **state)
{
    (void)state;
    ua_exhaustive_result r1 = run(k_expf, "exp(x)", -2.0f, -1.9f, 1, 0);
    for (int th = 2; th <= 5; th += 3) {
        ua_exhaustive_result r = run(k_expf, "exp(x)", -2.0f, -1.9f, th, 0);
        assert_true(r.count == r1.count && r.n_not_cr == r1.n_not_cr && r.n_mpfr == r1.n_mpfr);
        assert_true(r.max_ulp == r1.max_ulp && r.ntop == r1.ntop);
        for (size_t i = 0; i < r.ntop; i++) {
            assert_true(bits(r.top[i].x) == bits(r1.top[i].x));
            assert_true(r.top[i].err_ulp == r1.top[i].err_ulp);
        }
    }
    /* several blocks of 2^16 */
    assert_true(r1.count > 3 * 65536);
}

static void test_curated_set(void **state)
{
    (void)state;
    const char *yes[] = {"exp(x)", "2^x", "pow(2, x)", "e^x", "log1p(x)", "erf(x)", "sin(x)"};
    const char *no[] = {"exp(2*x)", "2.0000000000000000001^x", "lgamma(x)", "j0(x)", "x^2",
                        "nfw-sigma", "3^x", "exp(x) + 1"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        ua_target *t = parse(yes[i]);
        assert_int_equal(ua_exhaustive_fast_target(t), 1);
        ua_target_free(t);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        ua_target *t = parse(no[i]);
        assert_int_equal(ua_exhaustive_fast_target(t), 0);
        ua_target_free(t);
    }
    /* the reference for one input, both paths */
    ua_target *t = parse("2^x");
    float y;
    double ex;
    assert_int_equal(ua_exhaustive_ref_f32(t, 0.5f, &y, &ex), UA_OK);
    assert_true(y == (float)sqrt(2.0) && ex == sqrt(2.0));
    ua_target_free(t);
    /* a non-curated target with an exact midpoint: (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 lies
     * halfway between the floats 1 + 2^-11 and 1 + 2^-11 + 2^-23; no precision decides it, and
     * the 4096-bit value rounds to the even one */
    t = parse("x^2");
    assert_int_equal(ua_exhaustive_ref_f32(t, 1.0f + 0x1p-12f, &y, NULL), UA_OK);
    assert_true(y == 1.0f + 0x1p-11f); /* even significand */
    ua_target_free(t);
}

static void test_count_and_bad_input(void **state)
{
    (void)state;
    assert_true(ua_f32_count(-0.0f, 0.0f) == 2);
    assert_true(ua_f32_count(0.0f, 0.0f) == 1);
    assert_true(ua_f32_count(0.0f, -0.0f) == 0);
    assert_true(ua_f32_count(1.0f, 1.0f) == 1);
    assert_true(ua_f32_count(-1.0f, 1.0f) == 2 * (uint64_t)0x3f800000 + 2);
    assert_true(ua_f32_count(0.0f, 1.0f) == (uint64_t)0x3f800000 + 1);
    assert_true(ua_f32_count(-INFINITY, INFINITY) == 2 * (uint64_t)0x7f800000 + 2);
    assert_true(ua_f32_count(2.0f, 1.0f) == 0 && ua_f32_count(NAN, 1.0f) == 0);

    ua_target *t = parse("exp(x)"), *t2;
    assert_int_equal(ua_target_parse("x1 + x2", (const char *const[]){"x1", "x2"}, 2, &t2), UA_OK);
    ua_exhaustive_options o;
    ua_exhaustive_options_default(&o);
    ua_exhaustive_result r;
    r.count = 123;
    assert_int_equal(ua_exhaustive_f32(NULL, t, 0, 1, &o, &r), UA_EINVAL);
    assert_true(r.count == 0); /* zeroed on failure */
    assert_int_equal(ua_exhaustive_f32(k_expf, NULL, 0, 1, &o, &r), UA_EINVAL);
    assert_int_equal(ua_exhaustive_f32(k_expf, t, 0, 1, &o, NULL), UA_EINVAL);
    assert_int_equal(ua_exhaustive_f32(k_expf, t, 1, 0, &o, &r), UA_EINVAL);
    assert_int_equal(ua_exhaustive_f32(k_expf, t, NAN, 1, &o, &r), UA_EINVAL);
    assert_int_equal(ua_exhaustive_f32(k_expf, t, 0, NAN, &o, &r), UA_EINVAL);
    assert_int_equal(ua_exhaustive_f32(k_expf, t, 0.0f, -0.0f, &o, &r), UA_EINVAL);
    assert_int_equal(ua_exhaustive_f32(k_expf, t2, 0, 1, &o, &r), UA_EINVAL);
    assert_true(strstr(ua_last_error(), "variables") != NULL);
    o.threads = -1;
    assert_int_equal(ua_exhaustive_f32(k_expf, t, 0, 1, &o, &r), UA_EINVAL);
    o.threads = 0;
    o.top = UA_EXHAUSTIVE_MAX_TOP + 1;
    assert_int_equal(ua_exhaustive_f32(k_expf, t, 0, 1, &o, &r), UA_EINVAL);
    o.top = 0; /* no worst list: still counts */
    assert_int_equal(ua_exhaustive_f32(k_expf, t, 1.0f, 1.001f, &o, &r), UA_OK);
    assert_true(r.ntop == 0 && r.count > 0);
    /* NULL options = defaults; a single float */
    assert_int_equal(ua_exhaustive_f32(k_expf, t, 1.0f, 1.0f, NULL, &r), UA_OK);
    assert_true(r.count == 1 && r.n_not_cr == 0);
    assert_int_equal(ua_exhaustive_ref_f32(NULL, 1.0f, &(float){0}, NULL), UA_EINVAL);
    ua_target_free(t);
    ua_target_free(t2);
}

/* ---- compiling a kernel --------------------------------------------------------------------- */

/* Writes text to kernel.c in the scratch directory and returns its path (tu_path's buffer). */
static const char *write_source(const char *text)
{
    const char *path = tu_path("kernel.c");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_compile(void **state)
{
    (void)state;
#ifdef UA_C_COMPILER
    setenv("CC", UA_C_COMPILER, 1);
#endif
    /* the same truncated Taylor polynomial, compiled: the same errors as the in-process one */
    const char *src = write_source("float taylor2(float x) { return 1.0f + x + 0.5f * x * x; }\n"
                             "int not_a_kernel = 3;\n");
    ua_compiled *c;
    assert_int_equal(ua_compile_c(src, NULL, &c), UA_OK);
    void *sym;
    assert_int_equal(ua_compiled_symbol(c, "taylor2", &sym), UA_OK);
    float (*fn)(float);
    memcpy(&fn, &sym, sizeof fn);
    ua_exhaustive_result a = run(fn, "exp(x)", 0x1.ep-9f, 0x1p-8f, 0, 0);
    ua_exhaustive_result b = run(k_taylor2, "exp(x)", 0x1.ep-9f, 0x1p-8f, 0, 0);
    assert_true(a.count == b.count && a.n_not_cr == b.n_not_cr && a.max_ulp == b.max_ulp);
    assert_int_equal(ua_compiled_symbol(c, "no_such_kernel", &sym), UA_ENOTFOUND);
    assert_null(sym);
    ua_compiled_free(c);
    ua_compiled_free(NULL);
    /* extra arguments reach the compiler: a macro defined on its command line */
    src = write_source("float k(float x) { return x * SCALE; }\n");
    const char *args[] = {"-DSCALE=2.0f", NULL};
    assert_int_equal(ua_compile_c(src, args, &c), UA_OK);
    assert_int_equal(ua_compiled_symbol(c, "k", &sym), UA_OK);
    memcpy(&fn, &sym, sizeof fn);
    assert_true(fn(1.5f) == 3.0f);
    ua_compiled_free(c);
    /* a syntax error: UA_EIO with the compiler's diagnostics in the message */
    src = write_source("float k(float x) { return x +; }\n");
    assert_int_equal(ua_compile_c(src, NULL, &c), UA_EIO);
    assert_null(c);
    assert_true(strstr(ua_last_error(), "error") != NULL);
    unlink(src);
    assert_int_equal(ua_compile_c("/nonexistent/k.c", NULL, &c), UA_EINVAL);
    assert_int_equal(ua_compile_c(NULL, NULL, &c), UA_EINVAL);
    /* a compiler that does not exist */
    src = write_source("float k(float x) { return x; }\n");
    setenv("CC", "/nonexistent/cc", 1);
    assert_int_equal(ua_compile_c(src, NULL, &c), UA_EIO);
    assert_true(strstr(ua_last_error(), "/nonexistent/cc") != NULL);
    unsetenv("CC");
    unlink(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_errors),
        cmocka_unit_test(test_taylor_kernel),
        cmocka_unit_test(test_glibc_vs_brute_force),
        cmocka_unit_test(test_fast_equals_mpfr_only),
        cmocka_unit_test(test_threads_independent),
        cmocka_unit_test(test_curated_set),
        cmocka_unit_test(test_count_and_bad_input),
        cmocka_unit_test(test_compile),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
