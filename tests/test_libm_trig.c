/* Tests of the sinf, cosf, tanhf and erff generators of `uniapprox libm` (src/libm/sincos.c,
 * tanh.c, erf.c): each function's C is written to the scratch directory, compiled with
 * ua_compile_c and checked
 *   - by the exhaustive checker (ua_exhaustive_f32, against the correctly rounded MPFR / glibc
 *     reference) over sub-ranges that hold every branch and boundary of the generated code (the
 *     subnormals, the ends of the polynomial pieces, the Cody–Waite / Payne–Hanek switch at 2^28,
 *     the saturation to +-1, the largest floats and the infinities); the full 2^32 run is in
 *     bench/libm_trig_table.sh;
 *   - at the floats nearest to multiples of pi/4 and at hard cases for the argument reduction from
 *     the literature and from other projects' issue trackers, against mpfr_sin / mpfr_cos at 300
 *     bits (independent of the checker);
 *   - at the special inputs (NaN, +-Inf, +-0, subnormals) against the values C99 Annex F gives.
 * sinf and cosf are tested twice: the default code and the `--accuracy 1ulp` code (SIN1, COS1:
 * one polynomial whatever the quadrant, a two-part Cody-Waite below 2^20).
 * The error goal asserted is the issue's: <= 0.6 ULP where glibc is (glibc's sinf, cosf, tanhf,
 * erff are all below 0.6 ULP), no NaN or infinity mismatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <mpfr.h>

#include "uniapprox.h"
#include "uniapprox/libm.h"
#define TU_SCRATCH_TAG "ua_test_libm_trig"
#include "test_util.h"
#include "libm_test_util.h"

#define GOAL_ULP 0.6

typedef float (*f32)(float);

/* ---- generating and compiling, once per function ---- */

enum { SIN, COS, TANH, ERF, SIN1, COS1, NFUNC };
static const char *const names[NFUNC] = {"sinf", "cosf", "tanhf", "erff", "sinf", "cosf"};
static const ua_libm_accuracy accs[NFUNC] = {UA_LIBM_CR, UA_LIBM_CR, UA_LIBM_CR, UA_LIBM_CR,
                                             UA_LIBM_1ULP, UA_LIBM_1ULP};
static const char *const suffix[NFUNC] = {"", "", "", "", "_1ulp", "_1ulp"};
static ua_compiled *compiled[NFUNC];
static f32 fns[NFUNC];

static f32 get(int which)
{
    if (fns[which]) return fns[which];
    char file[64], cname[64];
    snprintf(file, sizeof file, "%s%s.c", names[which], suffix[which]);
    /* a name of our own, so that the compiled object never resolves to glibc's function */
    snprintf(cname, sizeof cname, "ua_gen_%s%s", names[which], suffix[which]);
    ua_libm_options opt = {cname, 0, accs[which], UA_LIBM_WP_DOUBLE, 0};
    fns[which] = lt_generate(names[which], &opt, file, 1, 0, NULL, &compiled[which]);
    return fns[which];
}

static int teardown_all(void **state)
{
    for (int i = 0; i < NFUNC; i++) ua_compiled_free(compiled[i]);
    return tu_scratch_teardown(state);
}

/* ---- the exhaustive checker over sub-ranges ---- */

static void check_range(int which, float lo, float hi)
{
    char label[32];
    snprintf(label, sizeof label, "%s%s", names[which], suffix[which]);
    lt_check_range(label, get(which), names[which], lo, hi, GOAL_ULP, NULL);
}

static void test_sinf_ranges(void **state)
{
    (void)state;
    check_range(SIN, -0x1p-126f, 0x1p-126f); /* subnormals and both zeros */
    check_range(SIN, 0.5f, 2.0f);            /* pi/4 and pi/2 */
    check_range(SIN, 0x1p27f, 0x1p29f);      /* Cody-Waite below 2^28, Payne-Hanek above */
    check_range(SIN, -0x1p100f, -0x1p99f);
    check_range(SIN, 0x1p126f, INFINITY);    /* the largest floats and +Inf */
}

static void test_cosf_ranges(void **state)
{
    (void)state;
    check_range(COS, -0x1p-126f, 0x1p-126f);
    check_range(COS, 1.0f, 4.0f); /* pi/2, pi */
    check_range(COS, 0x1p27f, 0x1p29f);
    check_range(COS, 0x1p60f, 0x1p61f);
    check_range(COS, -INFINITY, -0x1p126f);
}

/* --accuracy 1ulp: the same ranges, and the switch from the two-part to the three-part
 * Cody-Waite at 2^20 (the ranges hold every quadrant of the one-polynomial evaluation) */
static void test_sinf_1ulp_ranges(void **state)
{
    (void)state;
    check_range(SIN1, -0x1p-126f, 0x1p-126f);
    check_range(SIN1, 0.5f, 8.0f);
    check_range(SIN1, -8.0f, -0.5f);
    check_range(SIN1, 0x1p19f, 0x1p21f);
    check_range(SIN1, -0x1p21f, -0x1p19f);
    check_range(SIN1, 0x1p27f, 0x1p29f);
    check_range(SIN1, -0x1p100f, -0x1p99f);
    check_range(SIN1, 0x1p126f, INFINITY);
}

static void test_cosf_1ulp_ranges(void **state)
{
    (void)state;
    check_range(COS1, -0x1p-126f, 0x1p-126f);
    check_range(COS1, 0.5f, 8.0f);
    check_range(COS1, -8.0f, -0.5f);
    check_range(COS1, 0x1p19f, 0x1p21f);
    check_range(COS1, 0x1p27f, 0x1p29f);
    check_range(COS1, 0x1p60f, 0x1p61f);
    check_range(COS1, -INFINITY, -0x1p126f);
}

static void test_tanhf_ranges(void **state)
{
    (void)state;
    check_range(TANH, -0x1p-126f, 0x1p-126f);
    check_range(TANH, 0x1p-5f, 0x1p-3f); /* the polynomial / exp switch at 1/16 */
    check_range(TANH, -1.0f, -0.5f);
    check_range(TANH, 8.0f, 16.0f);      /* saturation near 9.01 */
    check_range(TANH, 0x1p126f, INFINITY);
}

static void test_erff_ranges(void **state)
{
    (void)state;
    check_range(ERF, -0x1p-126f, 0x1p-126f);
    check_range(ERF, 0.25f, 1.0f); /* the odd polynomial / pieces switch at 1/2 */
    check_range(ERF, -2.0f, -1.0f);
    check_range(ERF, 3.0f, 6.0f);  /* the last piece, saturation near 3.92 */
    check_range(ERF, -INFINITY, -0x1p126f);
}

/* ---- independent checks against MPFR ---- */

typedef lt_mpfr_fn mpfr_fn;

static void check_point(int which, mpfr_fn f, float x)
{
    float y = get(which)(x);
    double err = lt_ulp_err(f, x, y);
    if (!(err <= GOAL_ULP))
        fail_msg("%s(%a) = %a: %.4f ULP", names[which], (double)x, (double)y, err);
}

/* sin and cos at the floats nearest to k pi/4 (k = 1..400 and k = 2^j, j < 100): the reduced
 * argument is tiny (sin near k pi) or near the edge of the core interval (odd k). */
static void test_multiples_of_pi_over_4(void **state)
{
    (void)state;
    for (int j = 0; j < 500; j++) {
        float x = lt_near_pi4(j);
        check_point(SIN, mpfr_sin, x);
        check_point(SIN, mpfr_sin, -x);
        check_point(COS, mpfr_cos, x);
        check_point(SIN1, mpfr_sin, x);
        check_point(SIN1, mpfr_sin, -x);
        check_point(COS1, mpfr_cos, x);
        check_point(COS1, mpfr_cos, -x);
    }
}

static void test_hard_reduction_cases(void **state)
{
    (void)state;
    size_t nhard;
    const lt_hard *hard = lt_trig_hard(&nhard);
    for (size_t i = 0; i < nhard; i++) {
        for (int s = 0; s < 2; s++) {
            float x = s ? -hard[i].x : hard[i].x;
            check_point(SIN, mpfr_sin, x);
            check_point(COS, mpfr_cos, x);
            check_point(SIN1, mpfr_sin, x);
            check_point(COS1, mpfr_cos, x);
        }
    }
    /* the bits of the AOCL input are those of -4994642.5 */
    float a = -4994642.5f;
    uint32_t u;
    memcpy(&u, &a, sizeof u);
    assert_int_equal(u, 0xca986ca5u);
    /* the worst case is as hard as cited: x - k pi/2 within 2^-29 of 0 */
    mpfr_t v, h;
    mpfr_inits2(400, v, h, (mpfr_ptr)0);
    mpfr_const_pi(h, MPFR_RNDN);
    mpfr_div_2ui(h, h, 1, MPFR_RNDN);
    mpfr_set_flt(v, 16367173.0f * 0x1p72f, MPFR_RNDN);
    mpfr_fmod(v, v, h, MPFR_RNDN);
    if (mpfr_cmp_d(v, 0.7853981633974483) > 0) mpfr_sub(v, v, h, MPFR_RNDN);
    ASSERT_LE(fabs(mpfr_get_d(v, MPFR_RNDN)), 0x1p-29);
    mpfr_clears(v, h, (mpfr_ptr)0);
}

/* ---- special inputs (C99 Annex F) ---- */

static void test_special_values(void **state)
{
    (void)state;
    f32 s = get(SIN), c = get(COS), t = get(TANH), e = get(ERF);
    for (int i = 0; i < NFUNC; i++) {
        assert_true(isnan(get(i)(NAN)));
        assert_true(isnan(get(i)(-NAN)));
    }
    assert_true(isnan(s(INFINITY)) && isnan(s(-INFINITY)));
    assert_true(isnan(c(INFINITY)) && isnan(c(-INFINITY)));
    assert_true(lt_same_bits(t(INFINITY), 1.0f) && lt_same_bits(t(-INFINITY), -1.0f));
    assert_true(lt_same_bits(e(INFINITY), 1.0f) && lt_same_bits(e(-INFINITY), -1.0f));
    /* odd functions keep the sign of zero; cos(+-0) = 1 */
    assert_true(lt_same_bits(s(0.0f), 0.0f) && lt_same_bits(s(-0.0f), -0.0f));
    assert_true(lt_same_bits(t(0.0f), 0.0f) && lt_same_bits(t(-0.0f), -0.0f));
    assert_true(lt_same_bits(e(0.0f), 0.0f) && lt_same_bits(e(-0.0f), -0.0f));
    assert_true(lt_same_bits(c(0.0f), 1.0f) && lt_same_bits(c(-0.0f), 1.0f));
    /* the 1ulp code: the same special values (its sin's m = -0 + r keeps the sign of zero) */
    f32 s1 = get(SIN1), c1 = get(COS1);
    assert_true(isnan(s1(INFINITY)) && isnan(s1(-INFINITY)));
    assert_true(isnan(c1(INFINITY)) && isnan(c1(-INFINITY)));
    assert_true(lt_same_bits(s1(0.0f), 0.0f) && lt_same_bits(s1(-0.0f), -0.0f));
    assert_true(lt_same_bits(c1(0.0f), 1.0f) && lt_same_bits(c1(-0.0f), 1.0f));
    assert_true(lt_same_bits(s1(0x1p-149f), 0x1p-149f) && lt_same_bits(s1(-0x1.8p-130f), -0x1.8p-130f));
    assert_true(lt_same_bits(c1(0x1p-149f), 1.0f));
    /* exact identities: sin(-x) = -sin(x), cos(-x) = cos(x) bit for bit (every quadrant and
     * both reductions), and |sin|, |cos| <= 1 */
    for (int i = 0; i < 4000; i++) {
        float x = ldexpf(1.0f + (float)i / 4000.0f, i % 40 - 10);
        assert_true(lt_same_bits(s1(-x), -s1(x)));
        assert_true(lt_same_bits(c1(-x), c1(x)));
        assert_true(fabsf(s1(x)) <= 1.0f && fabsf(c1(x)) <= 1.0f);
    }
    /* subnormals: sin and tanh round to x itself, erf to 2/sqrt(pi) x rounded once */
    float d = 0x1p-149f, d2 = 0x1.8p-130f;
    assert_true(lt_same_bits(s(d), d) && lt_same_bits(s(-d2), -d2));
    assert_true(lt_same_bits(t(d), d) && lt_same_bits(t(-d2), -d2));
    assert_true(lt_same_bits(c(d), 1.0f));
    assert_true(lt_same_bits(e(d), d));              /* 1.128 2^-149 rounds to 2^-149 */
    assert_true(lt_same_bits(e(2 * d), 2 * d));      /* 2.26 -> 2 */
    assert_true(lt_same_bits(e(4 * d), 5 * d));      /* 4.51 -> 5 */
    /* saturation: tanh and erf are exactly +-1 from where they round to 1 on */
    assert_true(lt_same_bits(t(10.0f), 1.0f) && lt_same_bits(t(-20.0f), -1.0f));
    assert_true(lt_same_bits(e(4.0f), 1.0f) && lt_same_bits(e(-100.0f), -1.0f));
    assert_true(t(9.0f) < 1.0f);  /* 1 - tanh(9) = 3.0e-8 > 2^-25: rounds below 1 */
    assert_true(e(3.9f) < 1.0f);  /* erfc(3.9) = 3.5e-8 > 2^-25 */
}

/* ---- the generators' table and options ---- */

static void test_registry_and_options(void **state)
{
    (void)state;
    for (int i = 0; i < NFUNC; i++) {
        const ua_libm_func *g = ua_libm_find(names[i]);
        assert_non_null(g);
        assert_string_equal(g->libm_name, names[i]);
        assert_non_null(g->summary);
    }
    for (size_t i = 1; i < ua_libm_count(); i++)
        assert_true(strcmp(ua_libm_at(i - 1)->libm_name, ua_libm_at(i)->libm_name) < 0);
    /* a name that is not a C identifier */
    FILE *out = fopen(tu_path("bad.c"), "w");
    assert_non_null(out);
    ua_libm_options bad = {"1sin", 0, UA_LIBM_CR, UA_LIBM_WP_DOUBLE, 0};
    for (int i = 0; i < NFUNC; i++)
        assert_int_equal(ua_libm_find(names[i])->emit(ua_libm_find(names[i]), out, &bad), UA_EINVAL);
    assert_int_equal(ua_libm_find("sinf")->emit(ua_libm_find("sinf"), NULL, NULL), UA_EINVAL);
    fclose(out);
    /* the vector entry point returns what the scalar function does */
    out = fopen(tu_path("vec.c"), "w");
    assert_non_null(out);
    ua_libm_options vo = {"my_erf", 1, UA_LIBM_CR, UA_LIBM_WP_DOUBLE, 0};
    assert_int_equal(ua_libm_find("erff")->emit(ua_libm_find("erff"), out, &vo), UA_OK);
    assert_int_equal(fclose(out), 0);
    ua_compiled *cc = NULL;
    float (*sc)(float) = (float (*)(float))tu_compile_symbol(tu_path("vec.c"), "my_erf", &cc);
    void (*vf)(const float *, float *, size_t) =
        (void (*)(const float *, float *, size_t))tu_symbol(cc, "my_erf_v");
    assert_non_null(sc);
    assert_non_null(vf);
    float xs[37], ys[37];
    for (int i = 0; i < 37; i++) xs[i] = -4.5f + 0.25f * (float)i;
    vf(xs, ys, 37);
    for (int i = 0; i < 37; i++) assert_true(lt_same_bits(ys[i], sc(xs[i])));
    ua_compiled_free(cc);
}

/* ---- the vector variants return the scalar functions' bits (NaNs included) --------------- */

static void test_vector_same_bits(void **state)
{
    (void)state;
    /* the special values and the borders of the branches and selects: +-0, subnormals, NaNs,
     * +-Inf, FLT_MAX, the small-argument limits 1/16 and 1/2 and their neighbours, the
     * saturation region, 2^28 (Payne-Hanek from there) and its neighbours, multiples of pi/4 */
    static const uint32_t edges[] = {
        0x00000000u, 0x80000000u, 0x00000001u, 0x807fffffu, 0x00800000u, 0x7f800000u,
        0xff800000u, 0x7fc00000u, 0xffc00000u, 0x7f800001u, 0xffa00001u, 0x7f7fffffu,
        0xff7fffffu, 0x3d800000u, 0xbd800000u, 0x3d7fffffu, 0x3d800001u, 0x3f000000u,
        0xbf000000u, 0x3effffffu, 0x3f000001u, 0x40800000u, 0xc07fffffu, 0x41100000u,
        0x4110a000u, 0xc1100000u, 0x407ab000u, 0x4d800000u, 0x4d7fffffu, 0xcd800000u,
        0xcd7fffffu, 0x4d800001u, 0x3f490fdbu, 0xbf490fdbu, 0x3fc90fdbu, 0x40490fdbu,
        0x4096cbe4u, 0x40c90fdbu, 0x5a000000u, 0x7e800000u, 0x49800000u, 0x497fffffu,
        0xc9800000u, 0xc97fffffu};
    for (int k = 0; k < NFUNC; k++) {
        char cname[32], path[64], label[40];
        snprintf(cname, sizeof cname, "v_%s%s", names[k], suffix[k]);
        snprintf(path, sizeof path, "v_%s%s.c", names[k], suffix[k]);
        snprintf(label, sizeof label, "%s%s_v", names[k], suffix[k]);
        ua_libm_options vo = {cname, 1, accs[k], UA_LIBM_WP_DOUBLE, 0};
        ua_compiled *cc = NULL;
        lt_vec v = NULL;
        lt_f32 f = lt_generate(names[k], &vo, path, 1, 0, &v, &cc);
        /* the ramp: every 2^-12 step of [-8, 8) */
        lt_vector_suite(label, v, f, edges, sizeof edges / sizeof *edges, -8.0f, 0x1p-12f,
                        0x9E3779B97F4A7C15ull + (uint64_t)k);
        ua_compiled_free(cc);
        unlink(tu_path(path));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_and_options),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_multiples_of_pi_over_4),
        cmocka_unit_test(test_hard_reduction_cases),
        cmocka_unit_test(test_sinf_ranges),
        cmocka_unit_test(test_cosf_ranges),
        cmocka_unit_test(test_sinf_1ulp_ranges),
        cmocka_unit_test(test_cosf_1ulp_ranges),
        cmocka_unit_test(test_tanhf_ranges),
        cmocka_unit_test(test_erff_ranges),
        cmocka_unit_test(test_vector_same_bits),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, teardown_all);
}
