/* tests/test_libm_fma.c — `uniapprox libm NAME --accuracy 1ulp --working-precision single --fma`
 * (src/libm/exp.c emit_expw, src/libm/log.c emit_logw: exp2f, expf, exp10f, log2f, logf, log10f
 * with explicit fused multiply-adds). Each generated file compiled (-Wall -Wextra -Werror, and
 * -mfma where this CPU has FMA, so that fmaf is one instruction; without FMA libm's fmaf, the
 * same bits) and its function checked against independent facts: exact values (2^k at every
 * integer k, the tie 2^-150 included; e^0 = 1; 10^k for the exact floats 10^k; log2 at every
 * power of two; log(1) = 0; log10(10^k) = k), the special values, every float of a range of
 * normal results and of the subnormal results / inputs against MPFR (<= 1 ULP, no Inf / NaN
 * mismatch), the file built without -mfma (libm's fmaf) giving the same bits on a stride of all
 * 2^32 patterns, the vector variant bit for bit equal to the scalar function, and the refusals
 * (other functions, --accuracy cr, working precision double) with ua_libm_has_fma. The full 2^32
 * runs are in docs/libm.md ("Fused multiply-add"). */
#define TU_SCRATCH_TAG "ua_test_libm_fma"
#include "test_util.h"
#include "libm_test_util.h"

#include <float.h>
#include <math.h>

#include "uniapprox/exhaustive.h"
#include "uniapprox/libm.h"

typedef lt_vec vec_fn;

/* name's file (C name "m_" name) at opt's settings into *text (malloc'd); emit's status. */
static ua_status emit_text(const char *name, ua_libm_accuracy acc, ua_libm_precision wp, int fma,
                           char **text)
{
    const ua_libm_func *f = ua_libm_find(name);
    assert_non_null(f);
    char cname[64];
    snprintf(cname, sizeof cname, "m_%s", name);
    ua_libm_options opt = {cname, 1, acc, wp, fma};
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

/* The --fma file of name compiled (mfma: with -mfma) and loaded: the scalar function, *vec the
 * vector one. */
static ua_f32_fn gen_fma(const char *name, int mfma, vec_fn *vec, ua_compiled **so)
{
    char *text;
    if (emit_text(name, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1, &text))
        fail_msg("emit %s: %s", name, ua_last_error());
    /* the lane function: float, with fused multiply-adds */
    char *lane = strstr(text, "_lane(float x)\n{");
    assert_non_null(lane);
    char *end = strstr(lane, "\n}\n");
    assert_non_null(end);
    *end = 0;
    if (strstr(lane, "double")) fail_msg("%s: the float lane function names double", name);
    if (!strstr(lane, "UA_FMAF(")) fail_msg("%s: no fused multiply-add in the lane function", name);
    *end = '\n';
    assert_non_null(strstr(text, "_mm512_fmadd_ps"));
    assert_non_null(strstr(text, "_mm256_fmadd_ps"));
    const char *path = tu_path("gen.c");
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    assert_int_equal(fputs(text, out) >= 0, 1);
    assert_int_equal(fclose(out), 0);
    free(text);
    ua_status s = tu_compile_flags(path, mfma ? "-mfma" : NULL, so);
    if (s) fail_msg("compiling %s's --fma file: %s", name, ua_last_error());
    unlink(path);
    char cname[64], vname[80];
    snprintf(cname, sizeof cname, "m_%s", name);
    snprintf(vname, sizeof vname, "%s_v", cname);
    void *p = tu_symbol(*so, cname), *v = tu_symbol(*so, vname);
    assert_non_null(p);
    assert_non_null(v);
    ua_f32_fn fn;
    memcpy(&fn, &p, sizeof fn);
    memcpy(vec, &v, sizeof *vec);
    return fn;
}

/* _v against the scalar function bit for bit (NaN payloads included), and the file built the
 * other way (f2: without -mfma where f has it) against f: random patterns, uniform |x| < 160,
 * every length 0..40 (nothing written past n), every 4099th pattern of all 2^32. */
static void same_bits_everywhere(const char *name, vec_fn v, ua_f32_fn f, ua_f32_fn f2,
                                 uint64_t seed)
{
    enum { N = 1 << 16 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    uint64_t s = seed;
    size_t bad = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < N; i++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            x[i] = pass ? (float)((double)(s >> 11) * 0x1p-53 * 320.0 - 160.0)
                        : lt_bits((uint32_t)(s >> 16));
        }
        v(x, y, N - pass);
        for (size_t i = 0; i < N - (size_t)pass; i++) {
            float a = f(x[i]);
            if (memcmp(&a, &y[i], 4) != 0 && bad++ < 3)
                print_error("%s_v(%a) = %a, scalar %a\n", name, (double)x[i], (double)y[i],
                            (double)a);
        }
    }
    for (size_t n = 0; n <= 40; n++) {
        y[n] = 12345.0f;
        v(x + 3, y, n);
        for (size_t i = 0; i < n; i++) {
            float a = f(x[3 + i]);
            if (memcmp(&a, &y[i], 4) != 0) bad++;
        }
        assert_true(y[n] == 12345.0f);
    }
    size_t bad2 = 0;
    for (uint64_t b0 = 0; b0 < (1ull << 32); b0 += (uint64_t)N * 4099) {
        size_t n = 0;
        for (uint64_t u = b0; u < (1ull << 32) && n < N; u += 4099) x[n++] = lt_bits((uint32_t)u);
        v(x, y, n);
        for (size_t i = 0; i < n; i++) {
            float a = f(x[i]), b = f2(x[i]);
            if (memcmp(&a, &y[i], 4) != 0 && bad++ < 3)
                print_error("%s_v(%a) = %a, scalar %a\n", name, (double)x[i], (double)y[i],
                            (double)a);
            if (memcmp(&a, &b, 4) != 0 && bad2++ < 3)
                print_error("%s(%a) = %a with -mfma, %a without\n", name, (double)x[i],
                            (double)a, (double)b);
        }
    }
    if (bad || bad2) fail_msg("%s --fma: %zu vector and %zu -mfma / libm fmaf differences", name, bad, bad2);
    free(x);
    free(y);
}

static void check_range(const char *name, ua_f32_fn f, const ua_target *t, float a, float b)
{
    ua_exhaustive_options opt;
    ua_exhaustive_options_default(&opt);
    ua_exhaustive_result r;
    assert_int_equal(ua_exhaustive_f32(f, t, a, b, &opt, &r), UA_OK);
    assert_true(r.count > 1000000);
    if (!(r.max_ulp <= 1.0) || r.n_over_1ulp || r.n_nan_mismatch || r.n_inf_mismatch)
        fail_msg("%s (--fma) on [%a, %a]: max %g ULP at %a", name, (double)a, (double)b, r.max_ulp,
                 r.ntop ? (double)r.top[0].x : 0.0);
    assert_true(r.n_not_cr > 0); /* the 1-ULP code, not the correctly rounded one */
    print_message("%s --fma on [%g, %g]: %llu floats, max %.4f ULP\n", name, (double)a, (double)b,
                  (unsigned long long)r.count, r.max_ulp);
}

static void test_fma_exps(void **state)
{
    (void)state;
    const float inf = INFINITY, nan = NAN;
    const struct {
        const char *name, *ref;
        float lo, hi, slo, shi;
    } runs[] = {
        {"exp2f", "2^x", 1.0f, 2.0f, -151.0f, -125.0f},
        {"expf", "exp(x)", -2.0f, -1.0f, -104.5f, -87.0f},
        {"exp10f", "10^x", 0.5f, 1.0f, -45.5f, -37.75f},
    };
    int mfma = lt_cpu_has_fma();
    print_message("this CPU %s FMA: the files compiled %s -mfma\n", mfma ? "has" : "has no",
                  mfma ? "with" : "without");
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *name = runs[i].name;
        ua_compiled *so, *so2;
        vec_fn v, v2;
        ua_f32_fn f = gen_fma(name, mfma, &v, &so), f2 = gen_fma(name, 0, &v2, &so2);
        if (!strcmp(name, "exp2f")) {
            for (int k = -149; k <= 127; k++) lt_expect(f((float)k), ldexpf(1.0f, k), name, (float)k);
            lt_expect(f(128.0f), inf, name, 128.0f);
            lt_expect(f(-150.0f), 0.0f, name, -150.0f); /* 2^-150: a tie, to even (0) */
            lt_expect(f(-149.5f), 0x1p-149f, name, -149.5f);
        } else if (!strcmp(name, "expf")) {
            lt_expect(f(0.0f), 1.0f, name, 0.0f);
            lt_expect(f(-0.0f), 1.0f, name, -0.0f);
        } else {
            float p = 1.0f;
            for (int k = 0; k <= 10; k++, p *= 10.0f) lt_expect(f((float)k), p, name, (float)k);
        }
        const float sx[] = {nan, -nan, inf, -inf, 0.0f, -0.0f, FLT_MAX, -FLT_MAX, 0x1p-149f,
                            -0x1p-149f, lt_bits(0x7f800001u), lt_bits(0xffc00001u)};
        const float sy[] = {nan, nan, inf, 0.0f, 1.0f, 1.0f, inf, 0.0f, 1.0f, 1.0f, nan, nan};
        for (size_t j = 0; j < sizeof sx / sizeof sx[0]; j++) lt_expect(f(sx[j]), sy[j], name, sx[j]);
        ua_target *t = NULL;
        assert_int_equal(ua_target_parse(runs[i].ref, NULL, 0, &t), UA_OK);
        check_range(name, f, t, runs[i].lo, runs[i].hi);
        check_range(name, f, t, runs[i].slo, runs[i].shi);
        ua_target_free(t);
        same_bits_everywhere(name, v, f, f2, 0x2545F4914F6CDD1Dull + i);
        ua_compiled_free(so);
        ua_compiled_free(so2);
    }
}

static void test_fma_logs(void **state)
{
    (void)state;
    const float inf = INFINITY, nan = NAN;
    const char *names[] = {"log2f", "logf", "log10f"}, *refs[] = {"log2(x)", "log(x)", "log10(x)"};
    int mfma = lt_cpu_has_fma();
    for (size_t n = 0; n < 3; n++) {
        const char *name = names[n];
        ua_compiled *so, *so2;
        vec_fn v, v2;
        ua_f32_fn f = gen_fma(name, mfma, &v, &so), f2 = gen_fma(name, 0, &v2, &so2);
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
        check_range(name, f, t, 0.5f, 2.0f);
        check_range(name, f, t, 0x1p-149f, 0x1p-126f);
        ua_target_free(t);
        same_bits_everywhere(name, v, f, f2, 0x9E3779B97F4A7C15ull + n);
        ua_compiled_free(so);
        ua_compiled_free(so2);
    }
}

/* The query and the refusals: --fma only at 1ulp with single precision, only for the six; the
 * text without fma has no fused multiply-add (the default unchanged). */
static void test_fma_refusals(void **state)
{
    (void)state;
    char *text;
    const char *six[] = {"exp2f", "expf", "exp10f", "log2f", "logf", "log10f"};
    for (size_t i = 0; i < 6; i++) {
        const ua_libm_func *f = ua_libm_find(six[i]);
        ua_libm_options o = {NULL, 0, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1};
        assert_int_equal(ua_libm_has_fma(f, &o), 1);
        assert_int_equal(ua_libm_has_fma(f, NULL), 1);
        o.working_precision = UA_LIBM_WP_DOUBLE;
        assert_int_equal(ua_libm_has_fma(f, &o), 0);
        o.accuracy = UA_LIBM_CR;
        assert_int_equal(ua_libm_has_fma(f, &o), 0);
        assert_int_equal(emit_text(six[i], UA_LIBM_CR, UA_LIBM_WP_DOUBLE, 1, &text), UA_EINVAL);
        assert_non_null(strstr(ua_last_error(), "no fused multiply-add variant"));
        assert_non_null(strstr(ua_last_error(), "--accuracy 1ulp --working-precision single"));
        free(text);
        assert_int_equal(emit_text(six[i], UA_LIBM_1ULP, UA_LIBM_WP_DOUBLE, 1, &text), UA_EINVAL);
        free(text);
        assert_int_equal(emit_text(six[i], UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 0, &text), UA_OK);
        assert_null(strstr(text, "UA_FMAF"));
        /* V_FMA only in its two definitions (AVX2, AVX-512F), used nowhere */
        int uses = 0;
        for (const char *p = text; (p = strstr(p, "V_FMA(")) != NULL; p++) uses++;
        assert_int_equal(uses, 2);
        free(text);
    }
    const char *others[] = {"expm1f", "log1pf", "erff", "tanhf", "sinf", "cosf"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        const ua_libm_func *f = ua_libm_find(others[i]);
        ua_libm_options o = {NULL, 0, UA_LIBM_1ULP, UA_LIBM_WP_SINGLE, 1};
        assert_int_equal(ua_libm_has_fma(f, &o), i >= 4); /* sinf, cosf: gen_sincosw */
        if (i >= 3) continue; /* tanhf, sinf, cosf: a double-arithmetic fma variant */
        for (int a = 0; a < 2; a++) {
            assert_int_equal(emit_text(others[i], (ua_libm_accuracy)a, UA_LIBM_WP_DOUBLE, 1, &text),
                             UA_EINVAL);
            assert_non_null(strstr(ua_last_error(), "fma is accepted for"));
            free(text);
        }
    }
    /* expm1f, log1pf have no fma variant at any settings */
    assert_int_equal(ua_libm_has_fma(ua_libm_find("expm1f"), NULL), 0);
    assert_int_equal(ua_libm_has_fma(ua_libm_find("log1pf"), NULL), 0);
    assert_int_equal(ua_libm_has_fma(NULL, NULL), 0);
    char where[512];
    ua_libm_fma_where(where, sizeof where);
    assert_non_null(strstr(where, "cosf exp10f exp2f expf log10f log2f logf sinf (--accuracy 1ulp "
                                  "--working-precision single)"));
    char small[12];
    ua_libm_fma_where(small, sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1); /* truncated, NUL-terminated */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fma_refusals),
        cmocka_unit_test(test_fma_exps),
        cmocka_unit_test(test_fma_logs),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
