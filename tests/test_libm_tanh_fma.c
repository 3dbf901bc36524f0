/* Tests of `uniapprox libm tanhf --fma` (src/libm/tanh.c: the fused multiply-add code, one code
 * for both accuracies, in double arithmetic). The C of each accuracy is written to the scratch
 * directory and compiled with ua_compile_c, with -mfma where this CPU has FMA (fma inlined) and,
 * once more, without it (fma called from libm: the same bits, fma being exactly rounded), then
 * checked
 *   - by the exhaustive checker (ua_exhaustive_f32, against the correctly rounded reference) over
 *     sub-ranges that hold every branch and boundary: the subnormals and both zeros, the switch
 *     from the odd polynomial to 1 - 2/(e^2x + 1) at 1/16 on both sides, [1/2, 2], the
 *     saturation to +-1 near 9.01, the largest floats and +-Inf;
 *   - at the floats nearest to (j + 1/2) ln2/64 (where k = round(64 x / ln2) changes: |r| is
 *     largest), at the polynomial switch and at the saturation threshold, against mpfr_tanh at
 *     300 bits (independent of the checker);
 *   - at the special inputs (C99 Annex F: tanh(+-0) = +-0, tanh(+-Inf) = +-1, NaN) and by the
 *     exact identity tanh(-x) = -tanh(x) bit for bit, |tanh(x)| <= 1;
 *   - the vector variant (NAME_v) against the scalar function, bit for bit;
 *   - where --fma is accepted for tanhf (double working precision, both accuracies).
 * Bounds asserted: 1 ULP for --accuracy 1ulp (its goal), 0.502 ULP for the default (what
 * `uniapprox libm --help` says of tanhf's default code; measured over all 2^32 inputs in
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
#define TU_SCRATCH_TAG "ua_test_libm_tanh_fma"
#include "test_util.h"
#include "libm_test_util.h"

typedef lt_f32 f32;

enum { ONE, CR, NACC };
static const ua_libm_accuracy accs[NACC] = {UA_LIBM_1ULP, UA_LIBM_CR};
static const char *const suffix[NACC] = {"_1ulp", "_cr"};
static const double goal[NACC] = {1.0, 0.502};
/* [which][0]: compiled with -mfma where the CPU has FMA; [which][1]: without */
static ua_compiled *compiled[NACC][2];
static f32 fns[NACC][2];
static lt_vec vfns[NACC];

/* tanhf --fma at accuracy which (with NAME_v) generated once, compiled twice (variant 0: -mfma
 * where the CPU has it; 1: without) */
static f32 get2(int which, int variant)
{
    if (fns[which][variant]) return fns[which][variant];
    char file[64], cname[64];
    snprintf(file, sizeof file, "fma_tanhf%s.c", suffix[which]);
    snprintf(cname, sizeof cname, "ua_fma_tanhf%s", suffix[which]);
    int first = !compiled[which][0] && !compiled[which][1];
    ua_libm_options opt = {cname, 1, accs[which], UA_LIBM_WP_DOUBLE, 1};
    fns[which][variant] = lt_generate("tanhf", &opt, file, first, variant == 0,
                                      variant == 0 ? &vfns[which] : NULL, &compiled[which][variant]);
    if (first) {
        size_t len = 0;
        char *text = tu_slurp(tu_path(file), &len);
        assert_non_null(text);
        assert_non_null(strstr(text, "UA_FMA(")); /* the scalar code is fused */
        assert_non_null(strstr(text, "_mm512_fmadd_pd")); /* and so are the kernels */
        assert_non_null(strstr(text, "_mm256_fmadd_pd"));
        free(text);
    }
    return fns[which][variant];
}

static f32 get(int which)
{
    return get2(which, 0);
}

static int teardown_all(void **state)
{
    for (int i = 0; i < NACC; i++)
        for (int v = 0; v < 2; v++) ua_compiled_free(compiled[i][v]);
    return tu_scratch_teardown(state);
}

/* ---- the exhaustive checker over sub-ranges ---- */

static void check_range(int which, float lo, float hi)
{
    char label[32];
    snprintf(label, sizeof label, "tanhf%s --fma", suffix[which]);
    lt_check_range(label, get(which), "tanhf", lo, hi, goal[which], NULL);
}

static void test_ranges(void **state)
{
    (void)state;
    for (int w = 0; w < NACC; w++) {
        check_range(w, -0x1p-126f, 0x1p-126f); /* subnormals and both zeros */
        check_range(w, 0x1p-5f, 0x1p-3f);      /* the switch at 1/16 */
        check_range(w, -0x1p-3f, -0x1p-5f);
        check_range(w, 0.5f, 2.0f);
        check_range(w, 8.5f, 9.5f);            /* saturation to 1 near 9.01 */
        check_range(w, -9.5f, -8.5f);
        check_range(w, 0x1p126f, INFINITY);    /* the largest floats and +Inf */
    }
}

/* ---- independent checks against MPFR ---- */

/* x through which's function (both builds: the same bits) against MPFR */
static void check_point(int which, float x)
{
    float y = get2(which, 0)(x), y1 = get2(which, 1)(x);
    if (!lt_same_bits(y, y1))
        fail_msg("tanhf%s(%a): %a with -mfma, %a without", suffix[which], (double)x, (double)y,
                 (double)y1);
    double err = lt_ulp_err(mpfr_tanh, x, y);
    if (!(err <= goal[which]))
        fail_msg("tanhf%s(%a) = %a: %.4f ULP", suffix[which], (double)x, (double)y, err);
}

static void check_around(float x)
{
    for (int w = 0; w < NACC; w++) {
        check_point(w, x);
        check_point(w, -x);
        check_point(w, nextafterf(x, 0.0f));
        check_point(w, nextafterf(x, INFINITY));
    }
}

/* the floats nearest to (j + 1/2) ln2/64, j = 5..840: 2x 32/ln2 halfway between two k, the
 * reduced argument at the edge of the polynomial's interval, both k on either side */
static void test_reduction_edges(void **state)
{
    (void)state;
    mpfr_t v;
    mpfr_init2(v, 300);
    for (int j = 5; j <= 840; j++) {
        mpfr_const_log2(v, MPFR_RNDN);
        mpfr_mul_d(v, v, j + 0.5, MPFR_RNDN);
        mpfr_div_2ui(v, v, 6, MPFR_RNDN);
        check_around(mpfr_get_flt(v, MPFR_RNDN));
    }
    mpfr_clear(v);
}

static void test_hard_points(void **state)
{
    (void)state;
    static const float pts[] = {
        0x1p-4f,         /* the first input of 1 - 2/(e^2x + 1) */
        0x1.fffffep-5f,  /* the last of the odd polynomial */
        0x1.fdd7bap-6f,  /* the worst input over all 2^32 (0.5017 ULP) */
        0x1.205966p+3f,  /* below the least float whose tanh rounds to 1 */
        0x1.205968p+3f,  /* that float */
        0x1p-24f, 0x1p-12f, 0.25f, 0.5493061f /* atanh(1/2) */, 1.0f, 3.0f, 5.0f, 8.0f,
    };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) check_around(pts[i]);
}

/* the -mfma build and the one that calls libm's fma give the same bits */
static void test_same_bits_without_mfma(void **state)
{
    (void)state;
    for (int w = 0; w < NACC; w++) {
        char label[32];
        snprintf(label, sizeof label, "tanhf%s", suffix[w]);
        lt_same_two_ways(label, get2(w, 0), get2(w, 1));
    }
}

/* ---- special inputs (C99 Annex F) and exact identities ---- */

static void test_special_values(void **state)
{
    (void)state;
    for (int w = 0; w < NACC; w++) {
        f32 f = get(w);
        assert_true(isnan(f(NAN)) && isnan(f(-NAN)));
        assert_true(lt_same_bits(f(INFINITY), 1.0f) && lt_same_bits(f(-INFINITY), -1.0f));
        assert_true(lt_same_bits(f(FLT_MAX), 1.0f) && lt_same_bits(f(-FLT_MAX), -1.0f));
        assert_true(lt_same_bits(f(0.0f), 0.0f) && lt_same_bits(f(-0.0f), -0.0f));
        assert_true(lt_same_bits(f(0x1p-149f), 0x1p-149f));
        assert_true(lt_same_bits(f(-0x1.8p-130f), -0x1.8p-130f));
        assert_true(lt_same_bits(f(0x1p-126f), 0x1p-126f));
        /* tanh(-x) = -tanh(x) bit for bit, |tanh| <= 1, and monotone on this grid */
        float prev = 0.0f;
        for (int i = 0; i < 4000; i++) {
            float x = ldexpf(1.0f + (float)i / 4000.0f, i % 40 - 30);
            assert_true(lt_same_bits(f(-x), -f(x)));
            assert_true(fabsf(f(x)) <= 1.0f);
            float xl = 12.0f * (float)i / 4000.0f, yl = f(xl);
            assert_true(yl >= prev);
            prev = yl;
        }
    }
}

/* ---- the vector variant returns the scalar function's bits ---- */

static void test_vector_same_bits(void **state)
{
    (void)state;
    static const uint32_t edges[] = {
        0x00000000u, 0x80000000u, 0x00000001u, 0x807fffffu, 0x7f800000u, 0xff800000u,
        0x7fc00000u, 0xffa00001u, 0x7f7fffffu, 0xff7fffffu, 0x3d800000u, 0x3d7fffffu,
        0xbd800000u, 0xbd7fffffu, 0x41102cb4u, 0x41102cb3u, 0xc1102cb4u, 0xc1102cb3u,
        0x3f800000u, 0x3c7eebddu};
    for (int w = 0; w < NACC; w++) {
        char label[32];
        snprintf(label, sizeof label, "tanhf%s_v", suffix[w]);
        f32 f = get(w); /* every k on the ramp */
        lt_vector_suite(label, vfns[w], f, edges, sizeof edges / sizeof *edges, -10.0f, 0x1p-12f,
                        0x9E3779B97F4A7C15ull + (uint64_t)w);
    }
}

/* ---- where --fma is accepted for tanhf ---- */

static void test_fma_rows(void **state)
{
    (void)state;
    const ua_libm_func *g = ua_libm_find("tanhf");
    assert_non_null(g);
    ua_libm_options o1 = {NULL, 0, UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE, 1};
    ua_libm_options ocr = {NULL, 0, UA_LIBM_CR, UA_LIBM_WP_DOUBLE, 1};
    ua_libm_options osingle = {NULL, 0, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1};
    assert_int_equal(ua_libm_has_fma(g, &o1), 1);
    assert_int_equal(ua_libm_has_fma(g, &ocr), 1);
    assert_int_equal(ua_libm_has_fma(g, &osingle), 0);
    assert_int_equal(ua_libm_has_fma(g, NULL), 1);
    char where[512];
    assert_non_null(strstr(ua_libm_fma_where(where, sizeof where), "tanhf"));
    /* no float-arithmetic variant, with or without --fma */
    FILE *out = fopen(tu_path("refused.c"), "w");
    assert_non_null(out);
    assert_int_equal(g->emit(g, out, &osingle), UA_EINVAL);
    assert_int_equal(fclose(out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fma_rows),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_hard_points),
        cmocka_unit_test(test_reduction_edges),
        cmocka_unit_test(test_same_bits_without_mfma),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_vector_same_bits),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, teardown_all);
}
