/* Tests of `uniapprox libm sinf|cosf --accuracy 1ulp --working-precision single --fma`
 * (src/libm/sincos.c, gen_sincosw: float arithmetic with fused multiply-adds below |x| = 400,
 * the double code of --accuracy 1ulp above). Each function's C is written to the scratch
 * directory and compiled with ua_compile_c, with -mfma where this CPU has FMA (fmaf inlined)
 * and, once more, without it (fmaf called from libm: the same bits, fmaf being exactly
 * rounded), then checked
 *   - by the exhaustive checker (ua_exhaustive_f32, against the correctly rounded reference) over
 *     sub-ranges that hold every branch and boundary: the subnormals, [1/2, 8] on both sides,
 *     [256, 512] (the float code's largest k and its switch to the double code at 400; the
 *     float nearest a multiple of pi/2 below 400, 0x1.f9cbe2p+7), the double code's
 *     Cody-Waite around 2^20 and its Payne-Hanek switch at 2^28, the largest floats;
 *   - at the floats nearest to multiples of pi/4 and at the reduction's hard cases against
 *     mpfr_sin / mpfr_cos at 300 bits (independent of the checker);
 *   - at the special inputs (C99 Annex F) and by the exact identities sin(-x) = -sin(x),
 *     cos(-x) = cos(x) bit for bit;
 *   - the vector variant (NAME_v: 16 floats per AVX-512F vector, 8 per AVX2) against the scalar
 *     function, bit for bit;
 *   - the refusal of --working-precision single without --fma.
 * Bound asserted: 1 ULP (the goal of --accuracy 1ulp; measured over all 2^32 inputs in
 * docs/libm.md). */
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
#define TU_SCRATCH_TAG "ua_test_libm_trig_single"
#include "test_util.h"
#include "libm_test_util.h"

typedef lt_f32 f32;

enum { SIN1, COS1, NFUNC };
static const char *const names[NFUNC] = {"sinf", "cosf"};
static const char *const suffix[NFUNC] = {"_single", "_single"};
static const double goal[NFUNC] = {1.0, 1.0};
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
    snprintf(file, sizeof file, "w_%s%s.c", names[which], suffix[which]);
    snprintf(cname, sizeof cname, "ua_w_%s%s", names[which], suffix[which]);
    ua_libm_options opt = {cname, 1, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1};
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
    snprintf(label, sizeof label, "%s%s", names[which], suffix[which]);
    lt_check_range(label, get(which), names[which], lo, hi, goal[which], NULL);
}

static void test_ranges(void **state)
{
    (void)state;
    for (int w = 0; w < NFUNC; w++) {
        check_range(w, -0x1p-126f, 0x1p-126f); /* subnormals and both zeros */
        check_range(w, 0.5f, 8.0f);            /* every quadrant, the first k */
        check_range(w, -8.0f, -0.5f);
        check_range(w, 0x1p8f, 0x1p9f);        /* k up to 255, the double code from 400 */
        check_range(w, -0x1p9f, -0x1p8f);
        check_range(w, 0x1.fp19f, 0x1.1p20f);  /* the double code's Cody-Waite */
        check_range(w, 0x1.fp27f, 0x1.1p28f);  /* Payne-Hanek from 2^28 */
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
    double err = lt_ulp_err(which == SIN1 ? mpfr_sin : mpfr_cos, x, y);
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
    {0x1.f9cbe2p+7f, "the float nearest a multiple of pi/2 below 400 (k = 161, |r| = 4.19e-9): "
                     "the float reduction's smallest r"},
    {0x1.8fffffp+8f, "the last input of the float code (below 400)"},
    {400.0f, "400: the first input of the double code"},
    {0x1.4c3946p+8f, "sinf's worst input over the positive floats (0.873 ULP against double sin)"},
    {0x1.114f9p+6f, "cosf's worst input over the positive floats (0.864 ULP against double cos)"},
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

/* every 1031st bit pattern (4.2 million inputs, every class): the -mfma build and the one that
 * calls libm's fma give the same bits */
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
        int is_sin = w == SIN1;
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
        0x49800000u, 0x497fffffu, 0xc9800000u, 0x4d800000u, 0x4d7fffffu, 0xcd800000u,
        0x43c80000u, 0x43c7ffffu, 0xc3c80000u, 0xc3c7ffffu, 0x437ce5f1u, 0xc37ce5f1u};
    for (int w = 0; w < NFUNC; w++) {
        char label[32];
        snprintf(label, sizeof label, "%s%s_v", names[w], suffix[w]);
        f32 f = get(w); /* the ramp: [368, 432), the switch at 400 */
        lt_vector_suite(label, vfns[w], f, edges, sizeof edges / sizeof *edges, 368.0f, 0x1p-10f,
                        0x9E3779B97F4A7C15ull + (uint64_t)w);
    }
}

/* ---- where the variant is accepted ---- */

static void test_refusals(void **state)
{
    (void)state;
    const ua_libm_func *s = ua_libm_find("sinf"), *c = ua_libm_find("cosf");
    ua_libm_options o = {NULL, 0, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1};
    assert_int_equal(ua_libm_has_single(s), 1);
    assert_int_equal(ua_libm_has_single(c), 1);
    assert_int_equal(ua_libm_has_fma(s, &o), 1);
    assert_int_equal(ua_libm_has_fma(c, &o), 1);
    char where[512];
    ua_libm_fma_where(where, sizeof where);
    assert_non_null(strstr(where, "cosf exp10f exp2f expf log10f log2f logf sinf (--accuracy 1ulp "
                                  "--working-precision single)"));
    FILE *out = fopen(tu_path("refused.c"), "w");
    assert_non_null(out);
    /* without --fma: refused, saying why; at the default accuracy: refused */
    o.fma = 0;
    assert_int_equal(s->emit(s, out, &o), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "needs --fma"));
    assert_int_equal(c->emit(c, out, &o), UA_EINVAL);
    ua_libm_options ocr = {NULL, 0, UA_LIBM_CR, UA_LIBM_WP_SINGLE, 1};
    assert_int_equal(s->emit(s, out, &ocr), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "only for accuracy 1ulp"));
    assert_int_equal(fclose(out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_multiples_of_pi_over_4),
        cmocka_unit_test(test_hard_reduction_cases),
        cmocka_unit_test(test_same_bits_without_mfma),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_vector_same_bits),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, teardown_all);
}
