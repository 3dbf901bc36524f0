/* Tests of `uniapprox libm sinf|cosf --fma` (src/libm/sincos.c: the fused multiply-add code of
 * the default accuracy and of --accuracy 1ulp, in double arithmetic). Each function's C is
 * written to the scratch directory and compiled with ua_compile_c, with -mfma where this CPU has
 * FMA (fma inlined) and, once more, without it (fma called from libm: the same bits, fma being
 * exactly rounded), then checked
 *   - by the exhaustive checker (ua_exhaustive_f32, against the correctly rounded reference) over
 *     sub-ranges that hold every branch and boundary: the subnormals, [1/2, 8] on both sides, the
 *     1ulp code's one-step reduction below 2^5 and its two-step one above, its switch to the cold
 *     path at 2^20, the default's Cody-Waite / Payne-Hanek switch at 2^28, the largest floats;
 *   - at the floats nearest to multiples of pi/4 and at the reduction's hard cases against
 *     mpfr_sin / mpfr_cos at 300 bits (independent of the checker);
 *   - at the special inputs (C99 Annex F) and by the exact identities sin(-x) = -sin(x),
 *     cos(-x) = cos(x) bit for bit;
 *   - the vector variant (NAME_v) against the scalar function, bit for bit;
 *   - the refusal of --fma where a function or level has no such variant.
 * Bounds asserted: 1 ULP for the 1ulp code (its goal; measured over all 2^32 inputs in
 * docs/libm.md), 0.6 ULP for the default code (the goal where glibc is below 0.6). */
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
#define TU_SCRATCH_TAG "ua_test_libm_trig_fma"
#include "test_util.h"
#include "libm_test_util.h"

typedef lt_f32 f32;

enum { SIN1, COS1, SIN, COS, NFUNC };
static const char *const names[NFUNC] = {"sinf", "cosf", "sinf", "cosf"};
static const ua_libm_accuracy accs[NFUNC] = {UA_LIBM_1ULP, UA_LIBM_1ULP, UA_LIBM_CR, UA_LIBM_CR};
static const char *const suffix[NFUNC] = {"_1ulp", "_1ulp", "_cr", "_cr"};
static const double goal[NFUNC] = {1.0, 1.0, 0.6, 0.6};
/* [which][0]: compiled with -mfma where the CPU has FMA; [which][1]: without */
static ua_compiled *compiled[NFUNC][2];
static f32 fns[NFUNC][2];
static lt_vec vfns[NFUNC];

/* which's function (with NAME_v) generated once, compiled twice (variant 0: -mfma where the CPU
 * has it; 1: without) */
static f32 get2(int which, int variant)
{
    if (fns[which][variant]) return fns[which][variant];
    char file[64], cname[64];
    snprintf(file, sizeof file, "fma_%s%s.c", names[which], suffix[which]);
    snprintf(cname, sizeof cname, "ua_fma_%s%s", names[which], suffix[which]);
    ua_libm_options opt = {cname, 1, accs[which], UA_LIBM_WP_DOUBLE, 1};
    fns[which][variant] = lt_generate(names[which], &opt, file,
                                      !compiled[which][0] && !compiled[which][1], variant == 0,
                                      variant == 0 ? &vfns[which] : NULL, &compiled[which][variant]);
    return fns[which][variant];
}

static f32 get(int which)
{
    return get2(which, 0);
}

static int teardown_all(void **state)
{
    for (int i = 0; i < NFUNC; i++)
        for (int v = 0; v < 2; v++) ua_compiled_free(compiled[i][v]);
    return tu_scratch_teardown(state);
}

/* ---- the exhaustive checker over sub-ranges ---- */

static void check_range(int which, float lo, float hi)
{
    char label[32];
    snprintf(label, sizeof label, "%s%s --fma", names[which], suffix[which]);
    lt_check_range(label, get(which), names[which], lo, hi, goal[which], NULL);
}

static void test_ranges(void **state)
{
    (void)state;
    for (int w = 0; w < NFUNC; w++) {
        check_range(w, -0x1p-126f, 0x1p-126f); /* subnormals and both zeros */
        check_range(w, 0.5f, 8.0f);            /* every quadrant, the k of the one-step case */
        check_range(w, -8.0f, -0.5f);
        check_range(w, 0x1p4f, 0x1p6f);        /* the 1ulp code's one / two steps at 2^5 */
        check_range(w, -0x1p6f, -0x1p4f);
        check_range(w, 0x1p19f, 0x1p21f);      /* the 1ulp code's cold path from 2^20 */
        check_range(w, 0x1p27f, 0x1p29f);      /* Payne-Hanek from 2^28 */
        check_range(w, 0x1p126f, INFINITY);    /* the largest floats and +Inf */
    }
}

/* ---- independent checks against MPFR ---- */

/* x through which's function (both builds: the same bits) against MPFR */
static void check_point(int which, float x)
{
    float y = get2(which, 0)(x), y1 = get2(which, 1)(x);
    if (!lt_same_bits(y, y1))
        fail_msg("%s%s(%a): %a with -mfma, %a without", names[which], suffix[which], (double)x,
                 (double)y, (double)y1);
    double err = lt_ulp_err(which == SIN || which == SIN1 ? mpfr_sin : mpfr_cos, x, y);
    if (!(err <= goal[which]))
        fail_msg("%s%s(%a) = %a: %.4f ULP", names[which], suffix[which], (double)x, (double)y,
                 err);
}

/* the floats nearest to k pi/4, k = 1..400 and k = 2^j, j < 100, both signs: the reduced
 * argument is tiny (k even) or near the edge of the core interval (k odd) */
static void test_multiples_of_pi_over_4(void **state)
{
    (void)state;
    for (int j = 0; j < 500; j++) {
        float x = lt_near_pi4(j);
        for (int w = 0; w < NFUNC; w++) {
            check_point(w, x);
            check_point(w, -x);
            check_point(w, nextafterf(x, 0.0f));
            check_point(w, nextafterf(x, INFINITY));
        }
    }
}

/* hard inputs of this code's reduction, each with why (and lt_trig_hard: the literature's and
 * the anchors' issue trackers') */
static const struct {
    float x;
    const char *why;
} hard[] = {
    {0x1.2d97c8p+2f, "float nearest 3 pi/2 (4.712389): the one-step reduction's largest "
                     "relative error (k = 3, |r| = 1.19e-8)"},
    {0x1.fffffep+4f, "the last input of the 1ulp code's one-step reduction (below 2^5)"},
    {0x1p5f, "2^5: the first input of its two-step reduction"},
    {0x1.e3ce26p+6f, "cosf's worst input had the one-step reduction gone to 2^7 (0.6034 ULP)"},
};

static void test_hard_reduction_cases(void **state)
{
    (void)state;
    size_t nh = sizeof hard / sizeof hard[0], nshared;
    const lt_hard *shared = lt_trig_hard(&nshared);
    for (size_t i = 0; i < nh + nshared; i++) {
        float x = i < nh ? hard[i].x : shared[i - nh].x;
        for (int s = 0; s < 2; s++)
            for (int w = 0; w < NFUNC; w++) check_point(w, s ? -x : x);
    }
}

/* the -mfma build and the one that calls libm's fma give the same bits */
static void test_same_bits_without_mfma(void **state)
{
    (void)state;
    for (int w = 0; w < NFUNC; w++) {
        char label[32];
        snprintf(label, sizeof label, "%s%s", names[w], suffix[w]);
        lt_same_two_ways(label, get2(w, 0), get2(w, 1));
    }
}

/* ---- special inputs (C99 Annex F) and exact identities ---- */

static void test_special_values(void **state)
{
    (void)state;
    for (int w = 0; w < NFUNC; w++) {
        f32 f = get(w);
        int is_sin = w == SIN || w == SIN1;
        assert_true(isnan(f(NAN)) && isnan(f(-NAN)));
        assert_true(isnan(f(INFINITY)) && isnan(f(-INFINITY)));
        if (is_sin) {
            assert_true(lt_same_bits(f(0.0f), 0.0f) && lt_same_bits(f(-0.0f), -0.0f));
            assert_true(lt_same_bits(f(0x1p-149f), 0x1p-149f));
            assert_true(lt_same_bits(f(-0x1.8p-130f), -0x1.8p-130f));
        } else {
            assert_true(lt_same_bits(f(0.0f), 1.0f) && lt_same_bits(f(-0.0f), 1.0f));
            assert_true(lt_same_bits(f(0x1p-149f), 1.0f));
        }
        /* sin(-x) = -sin(x), cos(-x) = cos(x) bit for bit (every quadrant, every reduction),
         * |sin|, |cos| <= 1 */
        for (int i = 0; i < 4000; i++) {
            float x = ldexpf(1.0f + (float)i / 4000.0f, i % 40 - 10);
            assert_true(lt_same_bits(f(-x), is_sin ? -f(x) : f(x)));
            assert_true(fabsf(f(x)) <= 1.0f);
        }
    }
}

/* ---- the vector variant returns the scalar function's bits ---- */

static void test_vector_same_bits(void **state)
{
    (void)state;
    static const uint32_t edges[] = {
        0x00000000u, 0x80000000u, 0x00000001u, 0x807fffffu, 0x7f800000u, 0xff800000u,
        0x7fc00000u, 0xffa00001u, 0x7f7fffffu, 0xff7fffffu, 0x41ffffffu, 0x42000000u,
        0xc1ffffffu, 0xc2000000u, 0x4096cbe4u, 0xc096cbe4u, 0x3fc90fdbu, 0x40490fdbu,
        0x49800000u, 0x497fffffu, 0xc9800000u, 0x4d800000u, 0x4d7fffffu, 0xcd800000u};
    for (int w = 0; w < NFUNC; w++) {
        char label[32];
        snprintf(label, sizeof label, "%s%s_v", names[w], suffix[w]);
        f32 f = get(w); /* the ramp: [-64, 64), the 2^5 switch */
        lt_vector_suite(label, vfns[w], f, edges, sizeof edges / sizeof *edges, -64.0f, 0x1p-9f,
                        0x9E3779B97F4A7C15ull + (uint64_t)w);
    }
}

/* ---- where --fma is accepted ---- */

static void test_fma_refusals(void **state)
{
    (void)state;
    const ua_libm_func *s = ua_libm_find("sinf"), *c = ua_libm_find("cosf");
    ua_libm_options o1 = {NULL, 0, UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE, 1};
    ua_libm_options ocr = {NULL, 0, UA_LIBM_CR, UA_LIBM_WP_DOUBLE, 1};
    ua_libm_options osingle = {NULL, 0, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1};
    assert_int_equal(ua_libm_has_fma(s, &o1), 1);
    assert_int_equal(ua_libm_has_fma(c, &o1), 1);
    assert_int_equal(ua_libm_has_fma(s, &ocr), 1);
    assert_int_equal(ua_libm_has_fma(c, &ocr), 1);
    assert_int_equal(ua_libm_has_fma(s, &osingle), 1); /* tests/test_libm_trig_single.c */
    assert_int_equal(ua_libm_has_fma(s, NULL), 1);
    /* the functions without it: emit refuses, naming where it is accepted */
    FILE *out = fopen(tu_path("refused.c"), "w");
    assert_non_null(out);
    const char *without[] = {"erff"}; /* tanhf: tests/test_libm_tanh_fma.c */
    for (int i = 0; i < 1; i++) {
        const ua_libm_func *g = ua_libm_find(without[i]);
        assert_non_null(g);
        assert_int_equal(ua_libm_has_fma(g, NULL), 0);
        for (int a = 0; a < 2; a++) {
            ua_libm_options o = {NULL, 0, a ? UA_LIBM_1ULP : UA_LIBM_CR, UA_LIBM_WP_DOUBLE, 1};
            assert_int_equal(g->emit(g, out, &o), UA_EINVAL);
            assert_non_null(strstr(ua_last_error(), "sinf"));
        }
    }
    /* sinf's float-arithmetic variant needs --fma */
    osingle.fma = 0;
    assert_int_equal(s->emit(s, out, &osingle), UA_EINVAL);
    assert_int_equal(fclose(out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fma_refusals),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_multiples_of_pi_over_4),
        cmocka_unit_test(test_hard_reduction_cases),
        cmocka_unit_test(test_same_bits_without_mfma),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_vector_same_bits),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, teardown_all);
}
