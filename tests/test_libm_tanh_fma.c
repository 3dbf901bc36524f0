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

typedef float (*f32)(float);
typedef void (*vec_fn)(const float *, float *, size_t);

enum { ONE, CR, NACC };
static const ua_libm_accuracy accs[NACC] = {UA_LIBM_1ULP, UA_LIBM_CR};
static const char *const suffix[NACC] = {"_1ulp", "_cr"};
static const double goal[NACC] = {1.0, 0.502};
/* [which][0]: compiled with -mfma where the CPU has FMA; [which][1]: without */
static ua_compiled *compiled[NACC][2];
static f32 fns[NACC][2];
static vec_fn vfns[NACC];

static int cpu_has_fma(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

/* tanhf --fma at accuracy which (with NAME_v) generated once, compiled twice (variant 0: -mfma
 * where the CPU has it; 1: without) */
static f32 get2(int which, int variant)
{
    if (fns[which][variant]) return fns[which][variant];
    const ua_libm_func *g = ua_libm_find("tanhf");
    assert_non_null(g);
    char file[64], cname[64];
    snprintf(file, sizeof file, "fma_tanhf%s.c", suffix[which]);
    snprintf(cname, sizeof cname, "ua_fma_tanhf%s", suffix[which]);
    const char *path = tu_path(file);
    if (!compiled[which][0] && !compiled[which][1]) {
        FILE *out = fopen(path, "w");
        assert_non_null(out);
        ua_libm_options opt = {cname, 1, accs[which], UA_LIBM_WP_DOUBLE, 1};
        ua_status st = g->emit(g, out, &opt);
        assert_int_equal(fclose(out), 0);
        if (st != UA_OK) fail_msg("tanhf --fma: %s", ua_last_error());
        size_t len = 0;
        char *text = tu_slurp(path, &len);
        assert_non_null(text);
        assert_non_null(strstr(text, "UA_FMA(")); /* the scalar code is fused */
        assert_non_null(strstr(text, "_mm512_fmadd_pd")); /* and so are the kernels */
        assert_non_null(strstr(text, "_mm256_fmadd_pd"));
        free(text);
    }
    ua_compiled *c = NULL;
    if (tu_compile_flags(path, variant == 0 && cpu_has_fma() ? "-mfma" : NULL, &c) != UA_OK)
        fail_msg("compiling %s: %s", path, ua_last_error());
    compiled[which][variant] = c;
    fns[which][variant] = (f32)tu_symbol(c, cname);
    assert_non_null(fns[which][variant]);
    if (variant == 0) {
        char vname[80];
        snprintf(vname, sizeof vname, "%s_v", cname);
        vfns[which] = (vec_fn)tu_symbol(c, vname);
        assert_non_null(vfns[which]);
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

static int same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- the exhaustive checker over sub-ranges ---- */

static void check_range(int which, float lo, float hi)
{
    f32 fn = get(which);
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(ua_libm_find("tanhf")->reference, NULL, 0, &t), UA_OK);
    ua_exhaustive_options o;
    ua_exhaustive_options_default(&o);
    ua_exhaustive_result r;
    assert_int_equal(ua_exhaustive_f32(fn, t, lo, hi, &o, &r), UA_OK);
    ua_target_free(t);
    print_message("tanhf%s --fma on [%a, %a]: %llu floats, max %.4f ULP, %llu not correctly "
                  "rounded\n", suffix[which], (double)lo, (double)hi,
                  (unsigned long long)r.count, r.max_ulp, (unsigned long long)r.n_not_cr);
    assert_true(r.count == ua_f32_count(lo, hi));
    assert_int_equal(r.n_nan_mismatch, 0);
    assert_int_equal(r.n_inf_mismatch, 0);
    if (r.ntop && r.max_ulp > goal[which])
        fail_msg("tanhf%s(%a) = %a, exact %a: %.4f ULP", suffix[which], (double)r.top[0].x,
                 (double)r.top[0].y, r.top[0].ref, r.max_ulp);
    ASSERT_LE(r.max_ulp, goal[which]);
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

/* |y - tanh(x)| in float ULPs of the exact value (2^(max(e, -126) - 23) for |tanh| in
 * [2^e, 2^(e+1))), tanh at 300 bits. */
static double ulp_err(float x, float y)
{
    mpfr_t v, d;
    mpfr_inits2(300, v, d, (mpfr_ptr)0);
    mpfr_set_flt(d, x, MPFR_RNDN);
    mpfr_tanh(v, d, MPFR_RNDN);
    long e = mpfr_zero_p(v) ? -126 : (long)mpfr_get_exp(v) - 1;
    mpfr_set_flt(d, y, MPFR_RNDN);
    mpfr_sub(d, d, v, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_mul_2si(d, d, -((e > -126 ? e : -126) - 23), MPFR_RNDN);
    double err = mpfr_get_d(d, MPFR_RNDN);
    mpfr_clears(v, d, (mpfr_ptr)0);
    return err;
}

/* x through which's function (both builds: the same bits) against MPFR */
static void check_point(int which, float x)
{
    float y = get2(which, 0)(x), y1 = get2(which, 1)(x);
    if (!same_bits(y, y1))
        fail_msg("tanhf%s(%a): %a with -mfma, %a without", suffix[which], (double)x, (double)y,
                 (double)y1);
    double err = ulp_err(x, y);
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

/* every 1031st bit pattern (4.2 million inputs, every class): the -mfma build and the one that
 * calls libm's fma give the same bits */
static void test_same_bits_without_mfma(void **state)
{
    (void)state;
    for (int w = 0; w < NACC; w++) {
        f32 a = get2(w, 0), b = get2(w, 1);
        for (uint64_t u = 0; u < (1ull << 32); u += 1031) {
            uint32_t bits = (uint32_t)u;
            float x;
            memcpy(&x, &bits, 4);
            float ya = a(x), yb = b(x);
            if (!same_bits(ya, yb))
                fail_msg("tanhf%s(%a): %a with -mfma, %a without", suffix[w], (double)x,
                         (double)ya, (double)yb);
        }
    }
}

/* ---- special inputs (C99 Annex F) and exact identities ---- */

static void test_special_values(void **state)
{
    (void)state;
    for (int w = 0; w < NACC; w++) {
        f32 f = get(w);
        assert_true(isnan(f(NAN)) && isnan(f(-NAN)));
        assert_true(same_bits(f(INFINITY), 1.0f) && same_bits(f(-INFINITY), -1.0f));
        assert_true(same_bits(f(FLT_MAX), 1.0f) && same_bits(f(-FLT_MAX), -1.0f));
        assert_true(same_bits(f(0.0f), 0.0f) && same_bits(f(-0.0f), -0.0f));
        assert_true(same_bits(f(0x1p-149f), 0x1p-149f));
        assert_true(same_bits(f(-0x1.8p-130f), -0x1.8p-130f));
        assert_true(same_bits(f(0x1p-126f), 0x1p-126f));
        /* tanh(-x) = -tanh(x) bit for bit, |tanh| <= 1, and monotone on this grid */
        float prev = 0.0f;
        for (int i = 0; i < 4000; i++) {
            float x = ldexpf(1.0f + (float)i / 4000.0f, i % 40 - 30);
            assert_true(same_bits(f(-x), -f(x)));
            assert_true(fabsf(f(x)) <= 1.0f);
            float xl = 12.0f * (float)i / 4000.0f, yl = f(xl);
            assert_true(yl >= prev);
            prev = yl;
        }
    }
}

/* ---- the vector variant returns the scalar function's bits ---- */

static void check_vector(int w, const float *x, float *y, size_t n)
{
    f32 f = get(w);
    vfns[w](x, y, n);
    for (size_t i = 0; i < n; i++) {
        float s = f(x[i]);
        if (!same_bits(s, y[i]))
            fail_msg("tanhf%s_v(%a) = %a, scalar %a (n = %zu, i = %zu)", suffix[w], (double)x[i],
                     (double)y[i], (double)s, n, i);
    }
}

static void test_vector_same_bits(void **state)
{
    (void)state;
    static const uint32_t edges[] = {
        0x00000000u, 0x80000000u, 0x00000001u, 0x807fffffu, 0x7f800000u, 0xff800000u,
        0x7fc00000u, 0xffa00001u, 0x7f7fffffu, 0xff7fffffu, 0x3d800000u, 0x3d7fffffu,
        0xbd800000u, 0xbd7fffffu, 0x41102cb4u, 0x41102cb3u, 0xc1102cb4u, 0xc1102cb3u,
        0x3f800000u, 0x3c7eebddu};
    enum { N = 1 << 16, NS = sizeof edges / sizeof edges[0] };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (int w = 0; w < NACC; w++) {
        get(w);
        uint64_t s = 0x9E3779B97F4A7C15ull + (uint64_t)w;
        for (size_t i = 0; i < N; i++) { /* random bit patterns */
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            uint32_t b = (uint32_t)(s >> 16);
            memcpy(&x[i], &b, 4);
        }
        check_vector(w, x, y, N - 3);
        for (size_t i = 0; i < N; i++) x[i] = -10.0f + 0x1p-12f * (float)i; /* every k */
        check_vector(w, x, y, N);
        for (size_t i = 0; i < 17 * NS; i++) memcpy(&x[i], &edges[i % NS], 4);
        for (size_t off = 0; off < 17; off++) check_vector(w, x + off, y, NS);
        for (size_t n = 0; n <= 17; n++) { /* every tail length */
            y[n] = 12345.0f;
            check_vector(w, x + 3, y, n);
            assert_true(y[n] == 12345.0f);
        }
        for (uint64_t b0 = 0; b0 < (1ull << 32); b0 += (uint64_t)N * 4099) {
            size_t n = 0;
            for (uint64_t u = b0; u < (1ull << 32) && n < N; u += 4099) {
                uint32_t b = (uint32_t)u;
                memcpy(&x[n++], &b, 4);
            }
            check_vector(w, x, y, n);
        }
    }
    free(x);
    free(y);
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
