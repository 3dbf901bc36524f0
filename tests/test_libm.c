/* tests/test_libm.c — the exponential and logarithm generators of `uniapprox libm` (exp2f expf
 * exp10f expm1f log2f logf log10f log1pf): each generated C file is compiled (-Wall -Wextra
 * -Werror) and its function checked against independent facts: exact values (2^k at integers,
 * log2 at powers of two, exp(0) = 1, log(1) = 0, 10^k for k <= 10), the C99 special values,
 * hard cases from the issue trackers and test suites of LLVM libc and Arm's optimized-routines,
 * an exhaustive check of one binade per function against the correctly rounded MPFR value
 * (uniapprox/exhaustive.h), and the vector variant bitwise equal to the scalar function. The
 * full 2^32 runs are in bench/libm_table.sh (docs/libm.md). */
#define TU_SCRATCH_TAG "ua_test_libm"
#include "test_util.h"

#include <math.h>
#include <float.h>

#include "uniapprox/exhaustive.h"
#include "uniapprox/libm.h"

typedef void (*vec_fn)(const float *, float *, size_t);

/* Generates libm function name at accuracy acc (C name "k_" name, with the vector variant),
 * compiles it and returns the scalar function; *vec the vector one. */
static ua_f32_fn gen_acc(const char *name, ua_libm_accuracy acc, vec_fn *vec, ua_compiled **so)
{
    const ua_libm_func *f = ua_libm_find(name);
    assert_non_null(f);
    char cname[64], vname[80];
    snprintf(cname, sizeof cname, "k_%s", name);
    snprintf(vname, sizeof vname, "%s_v", cname);
    ua_libm_options opt = {cname, 1, acc, UA_LIBM_WP_DOUBLE, 0};
    const char *path = tu_path("gen.c");
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    ua_status s = f->emit(f, out, &opt);
    assert_int_equal(fclose(out), 0);
    if (s) fail_msg("emit %s: %s", name, ua_last_error());
    void *p = tu_compile_symbol(path, cname, so);
    ua_f32_fn fn;
    memcpy(&fn, &p, sizeof fn);
    if (vec) {
        void *v = tu_symbol(*so, vname);
        assert_non_null(v);
        memcpy(vec, &v, sizeof *vec);
    }
    unlink(path);
    return fn;
}

/* The correctly rounded variant (the default). */
static ua_f32_fn gen(const char *name, vec_fn *vec, ua_compiled **so)
{
    return gen_acc(name, UA_LIBM_CR, vec, so);
}

static int same_bits(float a, float b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, 4) == 0;
}

static float bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* The correctly rounded value of ref at x (MPFR decides near rounding boundaries). */
static float cr(const char *ref, float x)
{
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(ref, NULL, 0, &t), UA_OK);
    float y;
    assert_int_equal(ua_exhaustive_ref_f32(t, x, &y, NULL), UA_OK);
    ua_target_free(t);
    return y;
}

static void expect(float got, float want, const char *what, float x)
{
    if (!same_bits(got, want))
        fail_msg("%s(%a) = %a, expected %a", what, (double)x, (double)got, (double)want);
}

/* ---- exact values ------------------------------------------------------------------------- */

static void test_exp2_integers_exact(void **state)
{
    (void)state;
    ua_compiled *so;
    ua_f32_fn f = gen("exp2f", NULL, &so);
    for (int k = -149; k <= 127; k++) expect(f((float)k), ldexpf(1.0f, k), "exp2f", (float)k);
    expect(f(128.0f), INFINITY, "exp2f", 128.0f);
    expect(f(-150.0f), 0.0f, "exp2f", -150.0f); /* 2^-150: a tie, to even (0) */
    expect(f(-151.0f), 0.0f, "exp2f", -151.0f);
    ua_compiled_free(so);
}

static void test_log2_powers_exact(void **state)
{
    (void)state;
    ua_compiled *so;
    ua_f32_fn f = gen("log2f", NULL, &so);
    for (int k = -149; k <= 127; k++) expect(f(ldexpf(1.0f, k)), (float)k, "log2f", ldexpf(1, k));
    ua_compiled_free(so);
}

static void test_exp_log_unit(void **state)
{
    (void)state;
    ua_compiled *so;
    ua_f32_fn f = gen("expf", NULL, &so);
    expect(f(0.0f), 1.0f, "expf", 0.0f);
    expect(f(-0.0f), 1.0f, "expf", -0.0f);
    ua_compiled_free(so);
    f = gen("logf", NULL, &so);
    expect(f(1.0f), 0.0f, "logf", 1.0f);
    ua_compiled_free(so);
    f = gen("log10f", NULL, &so);
    float p = 1.0f;
    for (int k = 0; k <= 10; k++, p *= 10.0f) expect(f(p), (float)k, "log10f", p); /* exact floats */
    ua_compiled_free(so);
    f = gen("exp10f", NULL, &so);
    p = 1.0f;
    for (int k = 0; k <= 10; k++, p *= 10.0f) expect(f((float)k), p, "exp10f", (float)k);
    ua_compiled_free(so);
}

/* ---- special values (C99 Annex F) --------------------------------------------------------- */

typedef struct {
    const char *name;
    float x, want;
} special;

static void test_special_values(void **state)
{
    (void)state;
    const float inf = INFINITY, nan = NAN;
    const special cases[] = {
        {"exp2f", nan, nan},    {"exp2f", inf, inf},     {"exp2f", -inf, 0.0f},
        {"exp2f", 0.0f, 1.0f},  {"exp2f", -0.0f, 1.0f},  {"exp2f", FLT_MAX, inf},
        {"exp2f", -FLT_MAX, 0.0f},
        {"expf", nan, nan},     {"expf", inf, inf},      {"expf", -inf, 0.0f},
        {"expf", FLT_MAX, inf}, {"expf", -FLT_MAX, 0.0f},
        {"exp10f", nan, nan},   {"exp10f", inf, inf},    {"exp10f", -inf, 0.0f},
        {"exp10f", 0.0f, 1.0f}, {"exp10f", -0.0f, 1.0f}, {"exp10f", FLT_MAX, inf},
        {"expm1f", nan, nan},   {"expm1f", inf, inf},    {"expm1f", -inf, -1.0f},
        {"expm1f", 0.0f, 0.0f}, {"expm1f", -0.0f, -0.0f}, {"expm1f", -FLT_MAX, -1.0f},
        {"expm1f", 0x1p-149f, 0x1p-149f}, {"expm1f", -0x1p-149f, -0x1p-149f},
        {"log2f", nan, nan},    {"log2f", inf, inf},     {"log2f", -inf, nan},
        {"log2f", 0.0f, -inf},  {"log2f", -0.0f, -inf},  {"log2f", -1.0f, nan},
        {"log2f", -0x1p-149f, nan}, {"log2f", 0x1p-149f, -149.0f},
        {"logf", nan, nan},     {"logf", inf, inf},      {"logf", 0.0f, -inf},
        {"logf", -0.0f, -inf},  {"logf", -1.0f, nan},    {"logf", 1.0f, 0.0f},
        {"log10f", nan, nan},   {"log10f", inf, inf},    {"log10f", 0.0f, -inf},
        {"log10f", -2.0f, nan},
        {"log1pf", nan, nan},   {"log1pf", inf, inf},    {"log1pf", -inf, nan},
        {"log1pf", -1.0f, -inf}, {"log1pf", -2.0f, nan}, {"log1pf", 0.0f, 0.0f},
        {"log1pf", -0.0f, -0.0f}, {"log1pf", 0x1p-149f, 0x1p-149f},
        {"log1pf", -0x1p-149f, -0x1p-149f},
    };
    const char *cur = NULL;
    ua_compiled *so = NULL;
    ua_f32_fn f = NULL;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!cur || strcmp(cur, cases[i].name)) {
            ua_compiled_free(so);
            cur = cases[i].name;
            f = gen(cur, NULL, &so);
        }
        expect(f(cases[i].x), cases[i].want, cur, cases[i].x);
        /* and every NaN pattern of a few: any NaN in, a NaN out */
        expect(f(bits(0x7f800001u)), nan, cur, bits(0x7f800001u));
        expect(f(bits(0xffc00000u)), nan, cur, bits(0xffc00000u));
    }
    ua_compiled_free(so);
}

/* ---- hard cases from the anchors' test suites --------------------------------------------- */

typedef struct {
    const char *name, *ref;
    const uint32_t *x;
    size_t n;
} hard_list;

/* LLVM libc, libc/test/src/math/log1pf_test.cpp, TrickyInputs (x; the expected values are ours:
 * the correctly rounded MPFR value) */
static const uint32_t hard_log1pf[] = {
    0x35c00006u, 0x35400003u, 0x3640000cu, 0x36c00018u, 0x3710001bu, 0x37400030u, 0x3770004bu,
    0x3b9315c8u, 0x3c6eb7afu, 0x3ddbfec3u, 0x3efd81adu, 0x41078febu, 0x4cc1c80bu, 0x5cd69e88u,
    0x5ee8984eu, 0x65d890d3u, 0x665e7ca6u, 0x6f31a8ecu, 0x79e7ec37u, 0x7a17f30au, 0xb53ffffdu,
    0xb70fffe5u, 0xbb0ec8c4u, 0xbc4d092cu, 0xbc657728u, 0xbd1d20afu,
    /* +Inf, FLT_MAX: the one "special mismatch" of the first full 2^32 run of log1pf was +Inf,
     * which the check then compared with its upper tail's value RN(log1p(FLT_MAX)) = 88.72 */
    0x7f800000u, 0x7f7fffffu};
/* LLVM libc, libc/test/src/math/logf_test.cpp, TrickyInputs */
static const uint32_t hard_logf[] = {
    0x1b7679ffu, 0x1e88452du, 0x3f800001u, 0x3509dcf6u, 0x3bf86ef0u, 0x3c413d3au, 0x3ca1c99fu,
    0x3d13e105u, 0x3f7ff1f2u, 0x3f7fffffu, 0x3f800006u, 0x3f800014u, 0x3f80001cu, 0x3f80c777u,
    0x3f80ce72u, 0x3f80d19fu, 0x3f80f7bfu, 0x3f80fcfeu, 0x3f81feb4u, 0x3f83d731u, 0x3f90cb1du,
    0x3fc55379u, 0x3fd364d7u, 0x41178febu, 0x4c5d65a5u, 0x4e85f412u, 0x500ffb03u, 0x5cd69e88u,
    0x5ee8984eu, 0x65d890d3u, 0x665e7ca6u, 0x6f31a8ecu, 0x79e7ec37u, 0x7a17f30au};
/* LLVM libc, libc/test/src/math/expm1f_test.cpp, Borderline and Overflow / Underflow */
static const uint32_t hard_expm1f[] = {
    0x42affff8u, 0x42b00008u, 0xc2affff8u, 0xc2b00008u, 0x3dc252ddu, 0x3e35bec5u, 0x942ed494u,
    0xbdc1c6cbu, 0x7f7fffffu, 0x42cffff8u, 0x42d00008u, 0xff7fffffu, 0xc2cffff8u, 0xc2d00008u};
/* LLVM libc, libc/test/src/math/exp10f_test.cpp, TrickyInputs (x and -x there; both here) */
static const uint32_t hard_exp10f[] = {
    0x325e5bd8u, 0x325e5bd9u, 0x325e5bdau, 0x3d14d956u, 0x4116498au, 0x4126f431u, 0x4187d13cu,
    0x4203e9dau, 0x420b5f5du, 0x42349e35u, 0xb25e5bd8u, 0xb25e5bd9u, 0xb25e5bdau, 0xbd14d956u,
    0xc116498au, 0xc126f431u, 0xc187d13cu, 0xc203e9dau, 0xc20b5f5du, 0xc2349e35u, 0xc2cffff8u,
    0xc2d00008u, 0x43000000u, 0x43000001u};
/* Arm optimized-routines (in LLVM's libc/AOR_v20.02/math/test/testcases/directed/expf.tst): the
 * borders of overflow and underflow */
static const uint32_t hard_expf[] = {0x42affff8u, 0x42b00008u, 0x42cffff8u, 0x42d00008u,
                                     0xc2affff8u, 0xc2b00008u, 0xc2cffff8u, 0xc2d00008u,
                                     0x7f7fffffu, 0xff7fffffu};
/* exp2f: -0x1.e7526ep-6, the one input of [-10, 10] that a double table alone (no 2^(i/32)
 * low part) rounded wrongly, found by this project's exhaustive check; the overflow and
 * underflow borders */
static const uint32_t hard_exp2f[] = {0xbcf3a937u, 0x42fffffeu, 0x42ffffffu, 0x43000000u,
                                      0xc3150000u, 0xc3160000u, 0xc315ffffu};

static void test_hard_cases(void **state)
{
    (void)state;
    const hard_list lists[] = {
        {"log1pf", "log1p(x)", hard_log1pf, sizeof hard_log1pf / 4},
        {"logf", "log(x)", hard_logf, sizeof hard_logf / 4},
        {"expm1f", "expm1(x)", hard_expm1f, sizeof hard_expm1f / 4},
        {"exp10f", "10^x", hard_exp10f, sizeof hard_exp10f / 4},
        {"expf", "exp(x)", hard_expf, sizeof hard_expf / 4},
        {"exp2f", "2^x", hard_exp2f, sizeof hard_exp2f / 4},
    };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        ua_compiled *so;
        ua_f32_fn f = gen(lists[l].name, NULL, &so);
        for (size_t i = 0; i < lists[l].n; i++) {
            float x = bits(lists[l].x[i]);
            /* correctly rounded, as the full 2^32 check measured (docs/libm.md) */
            expect(f(x), cr(lists[l].ref, x), lists[l].name, x);
        }
        ua_compiled_free(so);
    }
}

/* ---- one binade each, every float, against MPFR ------------------------------------------- */

static void test_exhaustive_binade(void **state)
{
    (void)state;
    const struct {
        const char *name, *ref;
        float lo, hi;
    } runs[] = {
        {"exp2f", "2^x", 1.0f, 2.0f},      {"expf", "exp(x)", -2.0f, -1.0f},
        {"expm1f", "expm1(x)", 0.0625f, 0.125f}, /* the polynomial branch's last binade */
        {"expm1f", "expm1(x)", 0.125f, 0.25f},   /* and the table branch's first */
        {"log2f", "log2(x)", 1.0f, 2.0f},  {"logf", "log(x)", 0.5f, 1.0f},
        {"log10f", "log10(x)", 2.0f, 4.0f}, {"log1pf", "log1p(x)", 0x1p-8f, 0x1p-7f},
        {"log1pf", "log1p(x)", -0x1p-6f, -0x1p-7f},
        /* 10^x is on the checker's fast path (glibc's exp10) since it was found accurate */
        {"exp10f", "10^x", 1.0f, 2.0f},         {"exp10f", "10^x", -32.0f, -16.0f},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        ua_compiled *so;
        ua_f32_fn f = gen(runs[i].name, NULL, &so);
        ua_target *t = NULL;
        assert_int_equal(ua_target_parse(runs[i].ref, NULL, 0, &t), UA_OK);
        ua_exhaustive_options opt;
        ua_exhaustive_options_default(&opt);
        ua_exhaustive_result r;
        assert_int_equal(ua_exhaustive_f32(f, t, runs[i].lo, runs[i].hi, &opt, &r), UA_OK);
        assert_true(r.count > 60000);
        if (!(r.max_ulp <= 1.0) || r.n_nan_mismatch || r.n_inf_mismatch)
            fail_msg("%s on [%a, %a]: max %g ULP at %a", runs[i].name, (double)runs[i].lo,
                     (double)runs[i].hi, r.max_ulp, r.ntop ? (double)r.top[0].x : 0.0);
        /* the measured property (docs/libm.md): correctly rounded on these binades */
        if (r.n_not_cr)
            fail_msg("%s on [%a, %a]: %llu not correctly rounded, e.g. x = %a", runs[i].name,
                     (double)runs[i].lo, (double)runs[i].hi, (unsigned long long)r.n_not_cr,
                     r.ntop ? (double)r.top[0].x : 0.0);
        ua_target_free(t);
        ua_compiled_free(so);
    }
}

/* ---- 10^x on the checker's fast path agrees with MPFR ------------------------------------ */

/* The exhaustive checker decides 10^x from glibc's exp10 (trusted to 2^-40 relative, measured
 * 2.95 * 2^-53) and falls back to MPFR near a rounding boundary: the same counts and max error
 * as deciding every float with MPFR, on 65537 floats of [1, 1.0078125] and of [-40, -39.75]
 * (results near float's subnormal range). Also which spellings are on the fast path. */
static void test_exp10_fast_path_matches_mpfr(void **state)
{
    (void)state;
    const char *fast[] = {"10^x", "pow(10, x)", "10.0^x"}, *slow[] = {"10.5^x", "10^(x+1)"};
    for (size_t i = 0; i < 3 + 2; i++) {
        ua_target *t = NULL;
        assert_int_equal(ua_target_parse(i < 3 ? fast[i] : slow[i - 3], NULL, 0, &t), UA_OK);
        assert_int_equal(ua_exhaustive_fast_target(t), i < 3);
        ua_target_free(t);
    }
    ua_compiled *so;
    ua_f32_fn f = gen("exp10f", NULL, &so);
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse("10^x", NULL, 0, &t), UA_OK);
    const float ranges[2][2] = {{1.0f, 1.0078125f}, {-40.0f, -39.75f}};
    for (int k = 0; k < 2; k++) {
        ua_exhaustive_options opt;
        ua_exhaustive_options_default(&opt);
        ua_exhaustive_result a, b;
        assert_int_equal(ua_exhaustive_f32(f, t, ranges[k][0], ranges[k][1], &opt, &a), UA_OK);
        opt.force_mpfr = 1;
        assert_int_equal(ua_exhaustive_f32(f, t, ranges[k][0], ranges[k][1], &opt, &b), UA_OK);
        assert_int_equal(a.fast_path, 1);
        assert_int_equal(b.fast_path, 0);
        assert_true(a.n_mpfr < a.count / 100); /* the fast path decided nearly all */
        assert_int_equal(a.count, b.count);
        assert_true(a.count > 60000);
        assert_int_equal(a.n_not_cr, b.n_not_cr);
        assert_int_equal(a.n_over_1ulp, b.n_over_1ulp);
        ASSERT_LE(fabs(a.max_ulp - b.max_ulp), 1e-6);
    }
    ua_target_free(t);
    ua_compiled_free(so);
}

/* ---- the vector variant returns the scalar function's bits -------------------------------- */

/* Bitwise equal, NaNs included (the vector kernels perform the scalar operations, so even the
 * NaN payloads and signs agree). */
static int identical(float a, float b) { return memcmp(&a, &b, 4) == 0; }

static void check_vector(const char *name, vec_fn v, ua_f32_fn f, const float *x, float *y,
                         size_t n)
{
    v(x, y, n);
    for (size_t i = 0; i < n; i++)
        if (!identical(y[i], f(x[i])))
            fail_msg("%s_v(%a) = %a, scalar %a (n = %zu, i = %zu)", name, (double)x[i],
                     (double)y[i], (double)f(x[i]), n, i);
}

/* The vector variant v of the function f (named name) against f: random bit patterns (seed),
 * the special values and borders at every block position, every tail length, every 4099th bit
 * pattern of all 2^32. */
static void vector_same_bits(const char *name, vec_fn v, ua_f32_fn f, uint64_t seed)
{
    /* the special values and the borders of every branch and select of the lane functions */
    static const uint32_t edges[] = {
        0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u,
        0x7f800001u, 0xff800001u, 0x7fa00000u, 0x7fffffffu, 0xffffffffu, 0x7f7fffffu,
        0xff7fffffu, 0x00800000u, 0x80800000u, 0x007fffffu, 0x807fffffu, 0x00000001u,
        0x80000001u, 0x3f800000u, 0xbf800000u, 0xbf7fffffu, 0xbf800001u, 0x3f7fffffu,
        0x3f800001u, 0x3e000000u, 0xbe000000u, 0x3dffffffu, 0xbdffffffu, 0x3c000000u,
        0xbc000000u, 0x3bffffffu, 0xbbffffffu, 0x43000000u, 0xc3180000u, 0xc3190000u,
        0x42b20000u, 0x42b17218u, 0x42b17217u, 0xc2d20000u, 0xc2cff1b5u, 0xc2200000u,
        0x421c0000u, 0xc2380000u, 0x421a209bu, 0xc2340000u, 0x3f330000u, 0x3f32ffffu,
        0x4b800000u, 0xcb800000u, 0x33800000u, 0xb3800000u,
        /* --accuracy 1ulp: its log's reduction border 1/sqrt(2), its exp2's upper clamp 129,
         * expf's 89.5 */
        0x3f3504f3u, 0x3f3504f2u, 0x43010000u, 0x42b30000u};
    enum { N = 1 << 16, NS = sizeof edges / sizeof edges[0] };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    uint64_t s = seed;
    for (size_t i = 0; i < N; i++) { /* random bit patterns: every class of input */
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x[i] = bits((uint32_t)(s >> 16));
    }
    x[0] = 0.0f, x[1] = -0.0f, x[2] = INFINITY, x[3] = -INFINITY, x[4] = NAN;
    check_vector(name, v, f, x, y, N - 3); /* an odd length: the loops' tails too */
    /* every special value at every position of a block, and every tail length 0..17 */
    for (size_t i = 0; i < 17 * NS; i++) x[i] = bits(edges[i % NS]);
    for (size_t off = 0; off < 17; off++) check_vector(name, v, f, x + off, y, NS);
    for (size_t n = 0; n <= 17; n++) {
        y[n] = 12345.0f;
        check_vector(name, v, f, x + 3, y, n);
        assert_true(y[n] == 12345.0f); /* nothing written past y[n - 1] */
    }
    /* every 4099th bit pattern of all 2^32 (1 047 809 inputs, a stride prime to the
     * blocks), in blocks of N */
    for (uint64_t b0 = 0; b0 < (1ull << 32); b0 += (uint64_t)N * 4099) {
        size_t n = 0;
        for (uint64_t u = b0; u < (1ull << 32) && n < N; u += 4099) x[n++] = bits((uint32_t)u);
        check_vector(name, v, f, x, y, n);
    }
    free(x);
    free(y);
}

static void test_vector_same_bits(void **state)
{
    (void)state;
    const char *names[] = {"exp2f", "expf", "exp10f", "expm1f", "log2f", "logf", "log10f",
                           "log1pf"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        ua_compiled *so;
        vec_fn v;
        ua_f32_fn f = gen(names[k], &v, &so);
        vector_same_bits(names[k], v, f, 0x9E3779B97F4A7C15ull + k);
        ua_compiled_free(so);
    }
}

/* ---- --accuracy 1ulp ---------------------------------------------------------------------- */

/* Exact values of the function f (named name, at --accuracy 1ulp): 2^k at every integer k
 * (subnormal results and the tie 2^-150 included), log2 at every power of two, exp(0), log(1),
 * 10^k and log10(10^k) for the exact floats 10^k. */
static void exact_1ulp(const char *name, ua_f32_fn f)
{
    float p = 1.0f;
    if (!strcmp(name, "exp2f")) {
        for (int k = -149; k <= 127; k++) expect(f((float)k), ldexpf(1.0f, k), name, (float)k);
        expect(f(128.0f), INFINITY, name, 128.0f);
        expect(f(-150.0f), 0.0f, name, -150.0f); /* 2^-150: a tie, to even (0) */
        expect(f(-151.0f), 0.0f, name, -151.0f);
    } else if (!strcmp(name, "log2f")) {
        for (int k = -149; k <= 127; k++) expect(f(ldexpf(1.0f, k)), (float)k, name, ldexpf(1, k));
    } else if (!strcmp(name, "expf")) {
        expect(f(0.0f), 1.0f, name, 0.0f);
        expect(f(-0.0f), 1.0f, name, -0.0f);
    } else if (!strcmp(name, "logf")) {
        expect(f(1.0f), 0.0f, name, 1.0f);
    } else if (!strcmp(name, "expm1f") || !strcmp(name, "log1pf")) {
        /* x itself where it is the correctly rounded value: |expm1(x) - x| and |log1p(x) - x| are
         * below x^2 (|x| <= 1/2), under half an ulp of x for |x| < 2^-25 */
        for (int k = -149; k <= -26; k++) {
            expect(f(ldexpf(1.0f, k)), ldexpf(1.0f, k), name, ldexpf(1.0f, k));
            expect(f(-ldexpf(1.0f, k)), -ldexpf(1.0f, k), name, -ldexpf(1.0f, k));
        }
        expect(f(0.0f), 0.0f, name, 0.0f);
    } else if (!strcmp(name, "log10f")) {
        for (int k = 0; k <= 10; k++, p *= 10.0f) expect(f(p), (float)k, name, p);
    } else {
        for (int k = 0; k <= 10; k++, p *= 10.0f) expect(f((float)k), p, name, (float)k);
    }
}

/* --accuracy 1ulp, each of the eight functions compiled once a range: its exact values, the C99 special
 * values (each its function's exact value), every float of one binade against MPFR (within 0.6
 * ULP: the full 2^32 runs in docs/libm.md measured at most 0.5614 (logf); no Inf or NaN mismatch; and,
 * so that this is the faster code and not the correctly rounded one, some results not correctly
 * rounded), and the vector variant's bits. */
static void test_1ulp(void **state)
{
    (void)state;
    const float inf = INFINITY, nan = NAN;
    const struct {
        const char *name, *ref;
        float lo, hi;
        float sx[6], sy[6]; /* special inputs and their values */
    } runs[] = {
        {"exp2f", "2^x", 1.0f, 2.0f, {nan, inf, -inf, -0.0f, FLT_MAX, -FLT_MAX},
         {nan, inf, 0.0f, 1.0f, inf, 0.0f}},
        {"expf", "exp(x)", -2.0f, -1.0f, {nan, inf, -inf, 0.0f, FLT_MAX, -FLT_MAX},
         {nan, inf, 0.0f, 1.0f, inf, 0.0f}},
        {"exp10f", "10^x", 1.0f, 2.0f, {nan, inf, -inf, -0.0f, FLT_MAX, -FLT_MAX},
         {nan, inf, 0.0f, 1.0f, inf, 0.0f}},
        {"log2f", "log2(x)", 1.0f, 2.0f, {nan, inf, -inf, 0.0f, -0.0f, -1.0f},
         {nan, inf, nan, -inf, -inf, nan}},
        {"logf", "log(x)", 0.5f, 1.0f, {nan, inf, -inf, 0.0f, -0.0f, -0x1p-149f},
         {nan, inf, nan, -inf, -inf, nan}},
        {"log10f", "log10(x)", 2.0f, 4.0f, {nan, inf, -inf, 0.0f, 1.0f, -2.0f},
         {nan, inf, nan, -inf, 0.0f, nan}},
        /* expm1f: the binade where 2^k - 1 = -1/2 meets 2^k r q(r) (k = -1), and the small
         * branch's upper binade; log1pf: k = 1, and near 0 (k = 0, s = x / (2 + x)) */
        {"expm1f", "expm1(x)", -1.0f, -0.5f, {nan, inf, -inf, -0.0f, FLT_MAX, -FLT_MAX},
         {nan, inf, -1.0f, -0.0f, inf, -1.0f}},
        {"expm1f", "expm1(x)", 0.0625f, 0.125f, {nan, -40.0f, -41.0f, 0.0f, 89.0f, -88.0f},
         {nan, -1.0f, -1.0f, 0.0f, inf, -1.0f}},
        {"log1pf", "log1p(x)", 1.0f, 2.0f, {nan, inf, -inf, -1.0f, -0.0f, -2.0f},
         {nan, inf, nan, -inf, -0.0f, nan}},
        {"log1pf", "log1p(x)", -0.0625f, -0.03125f, {-0x1.fffffep-1f, -0x1p-149f, FLT_MAX, 1.0f, 0.0f, -1.5f},
         {-0x1.0a2b24p+4f, -0x1p-149f, 0x1.62e43p+6f, 0x1.62e43p-1f, 0.0f, nan}},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *name = runs[i].name;
        ua_compiled *so;
        vec_fn v;
        ua_f32_fn f = gen_acc(name, UA_LIBM_1ULP, &v, &so);
        exact_1ulp(name, f);
        for (int j = 0; j < 6; j++) expect(f(runs[i].sx[j]), runs[i].sy[j], name, runs[i].sx[j]);
        expect(f(bits(0x7f800001u)), nan, name, bits(0x7f800001u));
        expect(f(bits(0xffc00000u)), nan, name, bits(0xffc00000u));
        ua_target *t = NULL;
        assert_int_equal(ua_target_parse(runs[i].ref, NULL, 0, &t), UA_OK);
        ua_exhaustive_options opt;
        ua_exhaustive_options_default(&opt);
        ua_exhaustive_result r;
        assert_int_equal(ua_exhaustive_f32(f, t, runs[i].lo, runs[i].hi, &opt, &r), UA_OK);
        assert_true(r.count > 60000);
        if (!(r.max_ulp <= 0.6) || r.n_over_1ulp || r.n_nan_mismatch || r.n_inf_mismatch)
            fail_msg("%s (1ulp) on [%a, %a]: max %g ULP at %a", name, (double)runs[i].lo,
                     (double)runs[i].hi, r.max_ulp, r.ntop ? (double)r.top[0].x : 0.0);
        assert_true(r.n_not_cr > 0);
        ua_target_free(t);
        vector_same_bits(name, v, f, 0x51ED2701u + i);
        ua_compiled_free(so);
    }
}

/* A function without a faster variant writes its correctly rounded code at --accuracy 1ulp:
 * the same text (erff); sinf and cosf have their own 1ulp code (tests/test_libm_trig.c): other
 * text, with one coefficient table for every quadrant. */
static void test_1ulp_fallback_same_code(void **state)
{
    (void)state;
    const char *names[] = {"erff", "sinf", "cosf"};
    for (size_t i = 0; i < 3; i++) {
        const ua_libm_func *f = ua_libm_find(names[i]);
        assert_non_null(f);
        char *text[2];
        for (int a = 0; a < 2; a++) {
            ua_libm_options opt = {"k_fn", 1, a ? UA_LIBM_1ULP : UA_LIBM_CR, UA_LIBM_WP_DOUBLE, 0};
            FILE *out = fopen(tu_path("fb.c"), "w+");
            assert_non_null(out);
            assert_int_equal(f->emit(f, out, &opt), UA_OK);
            long n = ftell(out);
            assert_true(n > 1000);
            text[a] = calloc((size_t)n + 1, 1);
            assert_non_null(text[a]);
            rewind(out);
            assert_int_equal(fread(text[a], 1, (size_t)n, out), (size_t)n);
            fclose(out);
        }
        if (i == 0) {
            assert_string_equal(text[0], text[1]);
        } else {
            assert_true(strcmp(text[0], text[1]) != 0);
            assert_null(strstr(text[0], "k_fn_P[4]"));
            assert_non_null(strstr(text[1], "k_fn_P[4]"));
        }
        free(text[0]);
        free(text[1]);
    }
    unlink(tu_path("fb.c"));
    /* and the faster variants are other code: no double-double table */
    ua_libm_options opt = {"k_fn", 0, UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE, 0};
    const ua_libm_func *f = ua_libm_find("logf");
    FILE *out = fopen(tu_path("fb.c"), "w+");
    assert_non_null(out);
    assert_int_equal(f->emit(f, out, &opt), UA_OK);
    long n = ftell(out);
    char *t = calloc((size_t)n + 1, 1);
    assert_non_null(t);
    rewind(out);
    assert_int_equal(fread(t, 1, (size_t)n, out), (size_t)n);
    fclose(out);
    unlink(tu_path("fb.c"));
    assert_null(strstr(t, "ua_LOGCL"));
    assert_non_null(strstr(t, "--accuracy 1ulp"));
    free(t);
}

/* ---- the table and bad options ------------------------------------------------------------ */

static void test_registry_and_bad_name(void **state)
{
    (void)state;
    for (size_t i = 1; i < ua_libm_count(); i++)
        assert_true(strcmp(ua_libm_at(i - 1)->libm_name, ua_libm_at(i)->libm_name) < 0);
    assert_null(ua_libm_find("nosuchf"));
    assert_null(ua_libm_find(NULL));
    const ua_libm_func *f = ua_libm_find("expf");
    assert_non_null(f);
    ua_libm_options opt = {"not an identifier", 0, UA_LIBM_CR, UA_LIBM_WP_DOUBLE, 0};
    FILE *out = fopen(tu_path("bad.c"), "w");
    assert_non_null(out);
    assert_int_equal(f->emit(f, out, &opt), UA_EINVAL);
    /* an accuracy outside the enum is refused by every generator (it wrote the default code) */
    for (size_t i = 0; i < ua_libm_count(); i++) {
        const ua_libm_func *g = ua_libm_at(i);
        ua_libm_options bad = {NULL, 0, (ua_libm_accuracy)5, UA_LIBM_WP_DOUBLE, 0};
        assert_int_equal(g->emit(g, out, &bad), UA_EINVAL);
        assert_non_null(strstr(ua_last_error(), "accuracy 5: expected cr (0) or 1ulp (1)"));
    }
    fclose(out);
    unlink(tu_path("bad.c"));
}

/* The generated files refuse to compile under fast-math flags, which fold away their exact
 * rounding steps (expf wrong by 1.8e5 ULP and sinf(4) = -1 under -Ofast, measured); they compile
 * with the plain flags. */
static void test_fast_math_refused(void **state)
{
    (void)state;
    static const char *const names[] = {"expf", "logf", "sinf", "tanhf", "erff"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const ua_libm_func *f = ua_libm_find(names[i]);
        ua_libm_options opt = {"k_fm", 1, UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE, 0};
        const char *path = tu_path("fm.c");
        FILE *out = fopen(path, "w");
        assert_non_null(out);
        assert_int_equal(f->emit(f, out, &opt), UA_OK);
        assert_int_equal(fclose(out), 0);
        ua_compiled *c = NULL;
        if (tu_compile_flags(path, NULL, &c) != UA_OK) fail_msg("%s: %s", names[i], ua_last_error());
        ua_compiled_free(c);
        assert_int_equal(tu_compile_flags(path, "-ffast-math", &c), UA_EIO);
        if (!strstr(ua_last_error(), "compile it without -ffast-math"))
            fail_msg("%s: %s", names[i], ua_last_error());
        ua_compiled_free(c);
    }
    unlink(tu_path("fm.c"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp2_integers_exact),
        cmocka_unit_test(test_log2_powers_exact),
        cmocka_unit_test(test_exp_log_unit),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_hard_cases),
        cmocka_unit_test(test_exhaustive_binade),
        cmocka_unit_test(test_exp10_fast_path_matches_mpfr),
        cmocka_unit_test(test_vector_same_bits),
        cmocka_unit_test(test_1ulp),
        cmocka_unit_test(test_1ulp_fallback_same_code),
        cmocka_unit_test(test_registry_and_bad_name),
        cmocka_unit_test(test_fast_math_refused),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
