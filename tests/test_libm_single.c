/* tests/test_libm_single.c — `uniapprox libm NAME --accuracy 1ulp --working-precision single`
 * (src/libm/exp.c and log.c, the float variant of exp2f, expf, exp10f, log2f, logf, log10f):
 * each generated file compiled (-Wall -Wextra -Werror) and its function checked against
 * independent facts: exact values (2^k at every integer k, subnormal results and the tie
 * 2^-150 included; e^0 = 1; 10^k for the exact floats 10^k; log2 at every power of two; log(1) =
 * 0; log10(10^k) = k), the special values and the overflow / underflow borders against the
 * correctly rounded MPFR value, every float of two ranges against MPFR (the exponentials:
 * normal results and subnormal ones; the logarithms: [1/2, 2] and the subnormal inputs; <= 1
 * ULP, no Inf / NaN mismatch), the vector variant bit for bit equal to the
 * scalar function, and the refusals (other functions, other accuracies). The full 2^32 runs are
 * in docs/libm.md ("Float arithmetic"). */
#define TU_SCRATCH_TAG "ua_test_libm_single"
#include "test_util.h"
#include "libm_test_util.h"

#include <float.h>
#include <math.h>

#include "uniapprox/exhaustive.h"
#include "uniapprox/libm.h"

typedef lt_vec vec_fn;

/* Writes libm function name (C name "s_" name) with opt's accuracy and working precision into
 * *text (malloc'd, NUL-terminated); returns emit's status. */
static ua_status emit_text(const char *name, ua_libm_accuracy acc, ua_libm_precision wp,
                           int vector, char **text)
{
    const ua_libm_func *f = ua_libm_find(name);
    assert_non_null(f);
    char cname[64];
    snprintf(cname, sizeof cname, "s_%s", name);
    ua_libm_options opt = {cname, vector, acc, wp, 0};
    FILE *out = fopen(tu_path("t.c"), "w+");
    assert_non_null(out);
    ua_status s = f->emit(f, out, &opt);
    long n = ftell(out);
    assert_true(n >= 0);
    *text = calloc((size_t)n + 1, 1);
    assert_non_null(*text);
    rewind(out);
    assert_int_equal(fread(*text, 1, (size_t)n, out), (size_t)n);
    fclose(out);
    unlink(tu_path("t.c"));
    return s;
}

/* The float variant of name compiled: the scalar function, *vec the vector one. */
static ua_f32_fn gen_single(const char *name, vec_fn *vec, ua_compiled **so)
{
    char *text;
    if (emit_text(name, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1, &text))
        fail_msg("emit %s: %s", name, ua_last_error());
    /* the lane function evaluates in float: no double in it */
    char *lane = strstr(text, "_lane(float x)\n{");
    assert_non_null(lane);
    char *end = strstr(lane, "\n}\n");
    assert_non_null(end);
    *end = 0;
    if (strstr(lane, "double")) fail_msg("%s: the float lane function names double", name);
    *end = '\n';
    const char *path = tu_path("gen.c");
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    assert_int_equal(fputs(text, out) >= 0, 1);
    assert_int_equal(fclose(out), 0);
    free(text);
    char cname[64], vname[80];
    snprintf(cname, sizeof cname, "s_%s", name);
    snprintf(vname, sizeof vname, "%s_v", cname);
    void *p = tu_compile_symbol(path, cname, so);
    ua_f32_fn fn;
    memcpy(&fn, &p, sizeof fn);
    void *v = tu_symbol(*so, vname);
    assert_non_null(v);
    memcpy(vec, &v, sizeof *vec);
    unlink(path);
    return fn;
}

/* The correctly rounded value of the target ref at x (MPFR). */
static float cr(const ua_target *t, float x)
{
    float y;
    assert_int_equal(ua_exhaustive_ref_f32(t, x, &y, NULL), UA_OK);
    return y;
}

/* Bitwise, NaN payloads included: the vector kernels perform the scalar operations. */
static void check_vector(const char *name, vec_fn v, ua_f32_fn f, const float *x, float *y,
                         size_t n)
{
    char label[64];
    snprintf(label, sizeof label, "%s_v", name);
    lt_check_vector(label, v, f, x, y, n);
}

/* The vector variant against the scalar function: random bit patterns, the special values and
 * the borders of the clamps, the reduction and the scaling at every position of a block, every
 * length 0..40 (blocks of 8 and 16 floats, two per step, and the padded tail; nothing written
 * past n), every 65537th bit pattern of all 2^32. */
static void vector_same(const char *name, vec_fn v, ua_f32_fn f, uint64_t seed)
{
    static const uint32_t edges[] = {
        0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u,
        0x7f800001u, 0xff800001u, 0x7fa00000u, 0x7fffffffu, 0xffffffffu, 0x7f7fffffu,
        0xff7fffffu, 0x00800000u, 0x80800000u, 0x007fffffu, 0x807fffffu, 0x00000001u,
        0x80000001u, 0x3f800000u, 0xbf800000u, 0x3d800000u, 0xbd800000u, 0x3d7fffffu,
        0x43000000u, 0x42fffffeu, 0x43010000u, 0xc3180000u, 0xc3160000u, 0xc2fc0000u,
        0x42b17218u, 0x42b17217u, 0x42b30000u, 0xc2d20000u, 0xc2cff1b5u, 0xc2aeac50u,
        0x421a209bu, 0x421a209au, 0x421c0000u, 0xc2380000u, 0xc2349e35u, 0xc217b818u,
        0x3e800000u, 0xbe800000u, 0x4b000000u, 0xcb000000u};
    enum { N = 1 << 16, NS = sizeof edges / sizeof edges[0] };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    uint64_t s = seed;
    for (size_t i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x[i] = lt_bits((uint32_t)(s >> 16));
    }
    check_vector(name, v, f, x, y, N - 5);
    /* uniformly over the reduced range too: |x| < 160 in float */
    for (size_t i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x[i] = (float)((double)(s >> 11) * 0x1p-53 * 320.0 - 160.0);
    }
    check_vector(name, v, f, x, y, N);
    for (size_t i = 0; i < 33 * NS; i++) x[i] = lt_bits(edges[i % NS]);
    for (size_t off = 0; off < 33; off++) check_vector(name, v, f, x + off, y, NS);
    for (size_t n = 0; n <= 40; n++) {
        y[n] = 12345.0f;
        check_vector(name, v, f, x + 5, y, n);
        assert_true(y[n] == 12345.0f);
    }
    for (uint64_t b0 = 0; b0 < (1ull << 32); b0 += (uint64_t)N * 65537) {
        size_t n = 0;
        for (uint64_t u = b0; u < (1ull << 32) && n < N; u += 65537) x[n++] = lt_bits((uint32_t)u);
        check_vector(name, v, f, x, y, n);
    }
    free(x);
    free(y);
}

/* The least float x in [a, b] with f's correctly rounded value satisfying pred (monotone:
 * false, then true), by bisection on the float keys of a, b >= 0 or both <= 0. */
static float first_where(const ua_target *t, float a, float b, int (*pred)(float))
{
    int64_t ka, kb;
    uint32_t ua, ub;
    memcpy(&ua, &a, 4);
    memcpy(&ub, &b, 4);
    ka = (ua >> 31) ? -(int64_t)(ua & 0x7fffffffu) : (int64_t)ua;
    kb = (ub >> 31) ? -(int64_t)(ub & 0x7fffffffu) : (int64_t)ub;
    while (ka < kb) {
        int64_t m = ka + (kb - ka) / 2;
        uint32_t um = m < 0 ? (uint32_t)(-m) | 0x80000000u : (uint32_t)m;
        if (pred(cr(t, lt_bits(um)))) kb = m;
        else ka = m + 1;
    }
    return lt_bits(ka < 0 ? (uint32_t)(-ka) | 0x80000000u : (uint32_t)ka);
}
static int is_inf(float y) { return isinf(y); }
static int is_nonzero(float y) { return y != 0; }
static int is_normal(float y) { return y >= FLT_MIN; }

/* Exact values, special values, the borders, two ranges against MPFR, the vector bits. */
static void test_single(void **state)
{
    (void)state;
    const float inf = INFINITY, nan = NAN;
    const struct {
        const char *name, *ref;
        float lo, hi;   /* a range of normal results */
        float slo, shi; /* the results subnormal there (and some normal, some 0) */
    } runs[] = {
        {"exp2f", "2^x", 1.0f, 2.0f, -151.0f, -125.0f},
        {"expf", "exp(x)", -2.0f, -1.0f, -104.5f, -87.0f},
        {"exp10f", "10^x", 0.5f, 1.0f, -45.5f, -37.75f},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *name = runs[i].name;
        ua_compiled *so;
        vec_fn v;
        ua_f32_fn f = gen_single(name, &v, &so);
        float p = 1.0f;
        if (!strcmp(name, "exp2f")) {
            for (int k = -149; k <= 127; k++) lt_expect(f((float)k), ldexpf(1.0f, k), name, (float)k);
            lt_expect(f(128.0f), inf, name, 128.0f);
            lt_expect(f(-150.0f), 0.0f, name, -150.0f); /* 2^-150: a tie, to even (0) */
            lt_expect(f(-151.0f), 0.0f, name, -151.0f);
            lt_expect(f(-149.5f), 0x1p-149f, name, -149.5f);
        } else if (!strcmp(name, "expf")) {
            lt_expect(f(0.0f), 1.0f, name, 0.0f);
            lt_expect(f(-0.0f), 1.0f, name, -0.0f);
        } else {
            for (int k = 0; k <= 10; k++, p *= 10.0f) lt_expect(f((float)k), p, name, (float)k);
        }
        const float sx[] = {nan, -nan, inf, -inf, 0.0f, -0.0f, FLT_MAX, -FLT_MAX, 0x1p-149f,
                            -0x1p-149f, lt_bits(0x7f800001u), lt_bits(0xffc00001u)};
        const float sy[] = {nan, nan, inf, 0.0f, 1.0f, 1.0f, inf, 0.0f, 1.0f, 1.0f, nan, nan};
        for (size_t j = 0; j < sizeof sx / sizeof sx[0]; j++) lt_expect(f(sx[j]), sy[j], name, sx[j]);
        ua_target *t = NULL;
        assert_int_equal(ua_target_parse(runs[i].ref, NULL, 0, &t), UA_OK);
        /* the overflow, underflow and subnormal borders (MPFR) and their neighbours: the
         * correctly rounded value where it is Inf or 0; finite and nonzero where it is not */
        const float bx[] = {first_where(t, 1.0f, 200.0f, is_inf),
                            first_where(t, -200.0f, -1.0f, is_nonzero),
                            first_where(t, -200.0f, -1.0f, is_normal)};
        for (size_t j = 0; j < 3; j++)
            for (int d = -2; d <= 2; d++) {
                float xb = bx[j];
                for (int e = 0; e < (d < 0 ? -d : d); e++) xb = nextafterf(xb, d < 0 ? -inf : inf);
                float want = cr(t, xb), got = f(xb);
                if (isinf(want) || want == 0 || isinf(got) || got == 0) lt_expect(got, want, name, xb);
            }
        ua_exhaustive_options opt;
        ua_exhaustive_options_default(&opt);
        ua_exhaustive_result r;
        for (int range = 0; range < 2; range++) {
            float a = range ? runs[i].slo : runs[i].lo, b = range ? runs[i].shi : runs[i].hi;
            assert_int_equal(ua_exhaustive_f32(f, t, a, b, &opt, &r), UA_OK);
            assert_true(r.count > 1000000);
            if (!(r.max_ulp <= 1.0) || r.n_over_1ulp || r.n_nan_mismatch || r.n_inf_mismatch)
                fail_msg("%s (single) on [%a, %a]: max %g ULP at %a", name, (double)a, (double)b,
                         r.max_ulp, r.ntop ? (double)r.top[0].x : 0.0);
            assert_true(r.n_not_cr > 0); /* the float code, not the correctly rounded one */
            print_message("%s single on [%g, %g]: %llu floats, max %.4f ULP\n", name, (double)a,
                          (double)b, (unsigned long long)r.count, r.max_ulp);
        }
        ua_target_free(t);
        vector_same(name, v, f, 0x2545F4914F6CDD1Dull + i);
        ua_compiled_free(so);
    }
}

/* log2f, logf, log10f: exact values (log2 at every power of two, subnormals included; log(1) =
 * 0; log10(10^k) = k for the exact floats 10^k), the special values, a few borders against
 * MPFR (within 1 ULP), [1/2, 2] and the subnormal inputs against MPFR, the vector bits. */
static void test_single_logs(void **state)
{
    (void)state;
    const float inf = INFINITY, nan = NAN;
    const char *names[] = {"log2f", "logf", "log10f"}, *refs[] = {"log2(x)", "log(x)", "log10(x)"};
    for (size_t n = 0; n < 3; n++) {
        const char *name = names[n];
        ua_compiled *so;
        vec_fn v;
        ua_f32_fn f = gen_single(name, &v, &so);
        if (n == 0)
            for (int k = -149; k <= 127; k++) lt_expect(f(ldexpf(1.0f, k)), (float)k, name, ldexpf(1, k));
        if (n == 2) {
            float p = 1.0f;
            for (int k = 0; k <= 10; k++, p *= 10.0f) lt_expect(f(p), (float)k, name, p);
        }
        const float sx[] = {1.0f, nan, -nan, inf, -inf, 0.0f, -0.0f, -1.0f, -0x1p-149f,
                            -FLT_MAX, lt_bits(0x7f800001u), lt_bits(0xffc00001u)};
        const float sy[] = {0.0f, nan, nan, inf, nan, -inf, -inf, nan, nan, nan, nan, nan};
        for (size_t j = 0; j < sizeof sx / sizeof sx[0]; j++) lt_expect(f(sx[j]), sy[j], name, sx[j]);
        ua_target *t = NULL;
        assert_int_equal(ua_target_parse(refs[n], NULL, 0, &t), UA_OK);
        const float fx[] = {FLT_MAX, FLT_MIN, 0x1p-149f, 0x1.fffffcp-127f, 2.0f, 0.5f,
                            0x1.66p-1f, 0x1.65fffep-1f, 0x1.fffffep-1f, 0x1.000002p+0f,
                            0x1.f6p-1f, 0x1.05fffep+0f, 0x1.06p+0f};
        for (size_t j = 0; j < sizeof fx / sizeof fx[0]; j++) {
            float want = cr(t, fx[j]), got = f(fx[j]);
            if (!(fabs((double)got - (double)want) <=
                  fabs((double)nextafterf(want, 0) - (double)want)))
                fail_msg("%s(%a) = %a, correctly rounded %a", name, (double)fx[j], (double)got,
                         (double)want);
        }
        ua_exhaustive_options opt;
        ua_exhaustive_options_default(&opt);
        ua_exhaustive_result r;
        const float ranges[2][2] = {{0.5f, 2.0f}, {0x1p-149f, 0x1p-126f}};
        for (int range = 0; range < 2; range++) {
            float a = ranges[range][0], b = ranges[range][1];
            assert_int_equal(ua_exhaustive_f32(f, t, a, b, &opt, &r), UA_OK);
            assert_true(r.count > 1000000);
            if (!(r.max_ulp <= 1.0) || r.n_over_1ulp || r.n_nan_mismatch || r.n_inf_mismatch)
                fail_msg("%s (single) on [%a, %a]: max %g ULP at %a", name, (double)a, (double)b,
                         r.max_ulp, r.ntop ? (double)r.top[0].x : 0.0);
            assert_true(r.n_not_cr > 0);
            print_message("%s single on [%g, %g]: %llu floats, max %.4f ULP\n", name, (double)a,
                          (double)b, (unsigned long long)r.count, r.max_ulp);
        }
        ua_target_free(t);
        vector_same(name, v, f, 0x9E3779B97F4A7C15ull + n);
        ua_compiled_free(so);
    }
}

/* single only at 1ulp and only for exp2f, expf, exp10f, logf (sinf, cosf with --fma); a working precision out of range; the
 * default (double) writes the same text as before the option existed (zero-initialised). */
static void test_refusals_and_default(void **state)
{
    (void)state;
    char *text;
    const char *others[] = {"expm1f", "log1pf", "tanhf", "erff"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        assert_int_equal(ua_libm_has_single(ua_libm_find(others[i])), 0);
        assert_int_equal(emit_text(others[i], UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 0, &text),
                         UA_EINVAL);
        assert_non_null(strstr(ua_last_error(), "no single working-precision variant"));
        free(text);
    }
    assert_int_equal(ua_libm_has_single(NULL), 0);
    /* sinf, cosf: only with --fma (tests/test_libm_trig_single.c) */
    const char *trig[] = {"sinf", "cosf"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(ua_libm_has_single(ua_libm_find(trig[i])), 1);
        assert_int_equal(emit_text(trig[i], UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 0, &text), UA_EINVAL);
        assert_non_null(strstr(ua_last_error(), "needs --fma"));
        free(text);
    }
    const char *logs[] = {"log2f", "logf", "log10f"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ua_libm_has_single(ua_libm_find(logs[i])), 1);
        assert_int_equal(emit_text(logs[i], UA_LIBM_CR, UA_LIBM_WP_SINGLE, 0, &text), UA_EINVAL);
        free(text);
        assert_int_equal(emit_text(logs[i], UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1, &text), UA_OK);
        assert_non_null(strstr(text, "Arithmetic in float"));
        assert_non_null(strstr(text, "ua_LWC"));
        free(text);
    }
    const char *ours[] = {"exp2f", "expf", "exp10f"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ua_libm_has_single(ua_libm_find(ours[i])), 1);
        assert_int_equal(emit_text(ours[i], UA_LIBM_CR, UA_LIBM_WP_SINGLE, 0, &text), UA_EINVAL);
        assert_non_null(strstr(ua_last_error(), "only for accuracy 1ulp"));
        free(text);
        assert_int_equal(emit_text(ours[i], UA_LIBM_1ULP, (ua_libm_precision)2, 0, &text),
                         UA_EINVAL);
        free(text);
        /* double: the 1ulp double code (no float table); single: the float table */
        assert_int_equal(emit_text(ours[i], UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE, 1, &text), UA_OK);
        assert_null(strstr(text, "ua_ETH"));
        assert_non_null(strstr(text, "Arithmetic in double"));
        free(text);
        assert_int_equal(emit_text(ours[i], UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1, &text), UA_OK);
        assert_non_null(strstr(text, "ua_ETH"));
        assert_non_null(strstr(text, "Arithmetic in float"));
        assert_non_null(strstr(text, "_mm256_permutevar8x32_ps"));
        free(text);
    }
    /* the shift constant of the reduction: 1.5 2^23 + 2032 */
    assert_int_equal(emit_text("exp2f", UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 0, &text), UA_OK);
    assert_non_null(strstr(text, "0x1.800fep+23f"));
    assert_true(0x1.800fep+23f == 12582912.0f + 2032.0f);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals_and_default),
        cmocka_unit_test(test_single),
        cmocka_unit_test(test_single_logs),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
