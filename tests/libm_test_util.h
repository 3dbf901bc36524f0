/* tests/libm_test_util.h — what the tests of the generated float32 functions (`uniapprox libm`,
 * src/libm) share: float bit patterns and their comparison, whether this CPU has FMA, one
 * generated file compiled (with or without -mfma) and loaded, the exhaustive checker over a
 * sub-range held against a goal in ULPs, one value's error against MPFR at 300 bits, the vector
 * variant against the scalar function bit for bit, and one file's two builds (-mfma and not)
 * against each other.
 *
 * Include after test_util.h (which brings cmocka and the library's headers), with <mpfr.h>
 * before it for lt_ulp_err. Every function is static inline so that a test file uses what it
 * needs without unused-function warnings. */
#ifndef UA_LIBM_TEST_UTIL_H
#define UA_LIBM_TEST_UTIL_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/libm.h"

typedef float (*lt_f32)(float);
typedef void (*lt_vec)(const float *, float *, size_t);

/* The float whose bit pattern is u. */
static inline float lt_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* 1 when a and b have the same bits, NaN payloads and signs included (what a vector kernel that
 * performs the scalar operations must return). */
static inline int lt_same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* 1 when a and b are the same value: both NaN (any payload), or the same bits (so -0 != +0). */
static inline int lt_same_value(float a, float b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return lt_same_bits(a, b);
}

/* Fails the test unless got is want as lt_same_value says; what names the function. */
static inline void lt_expect(float got, float want, const char *what, float x)
{
    if (!lt_same_value(got, want))
        fail_msg("%s(%a) = %a, expected %a", what, (double)x, (double)got, (double)want);
}

/* 1 when this CPU has FMA (x86: cpuid through GCC's builtin), else 0. */
static inline int lt_cpu_has_fma(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma") != 0;
#else
    return 0;
#endif
}

/* libm function name written with opt (its C name opt->name; opt->vector for NAME_v) to the
 * scratch file `file` (tu_path), compiled as tu_compile_flags does, with -mfma when mfma is 1 and
 * this CPU has FMA, and loaded: returns the scalar function and, when vec is not NULL, NAME_v in
 * *vec; *so owns the code (ua_compiled_free). With write 0 the file is taken as it is (written
 * by an earlier call: the same text compiled another way). Fails the test on any error. */
static inline lt_f32 lt_generate(const char *name, const ua_libm_options *opt, const char *file,
                                 int write, int mfma, lt_vec *vec, ua_compiled **so)
{
    const ua_libm_func *g = ua_libm_find(name);
    assert_non_null(g);
    const char *path = tu_path(file);
    if (write) {
        FILE *out = fopen(path, "w");
        assert_non_null(out);
        ua_status st = g->emit(g, out, opt);
        assert_int_equal(fclose(out), 0);
        if (st != UA_OK) fail_msg("%s: %s", name, ua_last_error());
    }
    if (tu_compile_flags(path, mfma && lt_cpu_has_fma() ? "-mfma" : NULL, so) != UA_OK)
        fail_msg("compiling %s: %s", path, ua_last_error());
    lt_f32 f = (lt_f32)tu_symbol(*so, opt->name);
    assert_non_null(f);
    if (vec) {
        char vname[96];
        snprintf(vname, sizeof vname, "%s_v", opt->name);
        *vec = (lt_vec)tu_symbol(*so, vname);
        assert_non_null(*vec);
    }
    return f;
}

/* fn over every float of [lo, hi] by the exhaustive checker against libm function name's
 * correctly rounded reference: every float counted, no NaN or Inf mismatch, max ULP <= goal
 * (the worst input named when not). label names fn in the messages; *out (may be NULL) gets the
 * result. */
static inline void lt_check_range(const char *label, lt_f32 fn, const char *name, float lo,
                                  float hi, double goal, ua_exhaustive_result *out)
{
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(ua_libm_find(name)->reference, NULL, 0, &t), UA_OK);
    ua_exhaustive_options o;
    ua_exhaustive_options_default(&o);
    ua_exhaustive_result r;
    assert_int_equal(ua_exhaustive_f32(fn, t, lo, hi, &o, &r), UA_OK);
    ua_target_free(t);
    print_message("%s on [%a, %a]: %llu floats, max %.4f ULP, %llu not correctly rounded\n",
                  label, (double)lo, (double)hi, (unsigned long long)r.count, r.max_ulp,
                  (unsigned long long)r.n_not_cr);
    assert_true(r.count == ua_f32_count(lo, hi));
    assert_int_equal(r.n_nan_mismatch, 0);
    assert_int_equal(r.n_inf_mismatch, 0);
    if (r.ntop && r.max_ulp > goal)
        fail_msg("%s(%a) = %a, exact %a: %.4f ULP", label, (double)r.top[0].x, (double)r.top[0].y,
                 r.top[0].ref, r.max_ulp);
    ASSERT_LE(r.max_ulp, goal);
    if (out) *out = r;
}

/* v(x, y, n) against f at each x[i], bit for bit (NaN payloads included: the kernels perform
 * the scalar operations); label names v in the message. */
static inline void lt_check_vector(const char *label, lt_vec v, lt_f32 f, const float *x, float *y,
                                   size_t n)
{
    v(x, y, n);
    for (size_t i = 0; i < n; i++) {
        float s = f(x[i]);
        if (!lt_same_bits(s, y[i]))
            fail_msg("%s(%a) = %a, scalar %a (n = %zu, i = %zu)", label, (double)x[i],
                     (double)y[i], (double)s, n, i);
    }
}

/* v against f bit for bit (lt_check_vector) on: 2^16 - 3 random bit patterns (xorshift from
 * seed), the ramp lo + step i for i < 2^16, the nedges patterns of edges at each of 17 offsets
 * (every lane position of both kernels), every tail length 0..17 with nothing written past n,
 * and every 4099th bit pattern of all 2^32 (every class). */
static inline void lt_vector_suite(const char *label, lt_vec v, lt_f32 f, const uint32_t *edges,
                                   size_t nedges, float lo, float step, uint64_t seed)
{
    enum { N = 1 << 16 };
    float *x = malloc((N + 17 * nedges) * sizeof *x), *y = malloc((N + 17 * nedges) * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    uint64_t s = seed;
    for (size_t i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x[i] = lt_bits((uint32_t)(s >> 16));
    }
    lt_check_vector(label, v, f, x, y, N - 3);
    for (size_t i = 0; i < N; i++) x[i] = lo + step * (float)i;
    lt_check_vector(label, v, f, x, y, N);
    for (size_t i = 0; i < 17 * nedges; i++) x[i] = lt_bits(edges[i % nedges]);
    for (size_t off = 0; off < 17; off++) lt_check_vector(label, v, f, x + off, y, nedges);
    for (size_t n = 0; n <= 17; n++) {
        y[n] = 12345.0f;
        lt_check_vector(label, v, f, x + 3, y, n);
        assert_true(y[n] == 12345.0f);
    }
    for (uint64_t b0 = 0; b0 < (1ull << 32); b0 += (uint64_t)N * 4099) {
        size_t n = 0;
        for (uint64_t u = b0; u < (1ull << 32) && n < N; u += 4099) x[n++] = lt_bits((uint32_t)u);
        lt_check_vector(label, v, f, x, y, n);
    }
    free(x);
    free(y);
}

/* a(x) and b(x) the same bits at every 1031st bit pattern of all 2^32 (4.2 million inputs,
 * every class): one generated file built two ways (-mfma, and libm's fma called). */
static inline void lt_same_two_ways(const char *label, lt_f32 a, lt_f32 b)
{
    for (uint64_t u = 0; u < (1ull << 32); u += 1031) {
        float x = lt_bits((uint32_t)u), ya = a(x), yb = b(x);
        if (!lt_same_bits(ya, yb))
            fail_msg("%s(%a): %a with -mfma, %a without", label, (double)x, (double)ya, (double)yb);
    }
}

#ifdef MPFR_VERSION
typedef int (*lt_mpfr_fn)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);

/* |y - f(x)| in float ULPs of the exact value (2^(max(e, -126) - 23) for |f(x)| in
 * [2^e, 2^(e+1))), f evaluated by MPFR at 300 bits. */
static inline double lt_ulp_err(lt_mpfr_fn f, float x, float y)
{
    mpfr_t v, d;
    mpfr_inits2(300, v, d, (mpfr_ptr)0);
    mpfr_set_flt(d, x, MPFR_RNDN);
    f(v, d, MPFR_RNDN);
    long e = mpfr_zero_p(v) ? -126 : (long)mpfr_get_exp(v) - 1;
    mpfr_set_flt(d, y, MPFR_RNDN);
    mpfr_sub(d, d, v, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_mul_2si(d, d, -((e > -126 ? e : -126) - 23), MPFR_RNDN);
    double err = mpfr_get_d(d, MPFR_RNDN);
    mpfr_clears(v, d, (mpfr_ptr)0);
    return err;
}

/* A hard input of sin / cos argument reduction and where it comes from. */
typedef struct {
    float x;
    const char *source;
} lt_hard;

/* The hard inputs of sin / cos argument reduction from the literature and the anchors' issue
 * trackers, each with its source (every test of sinf / cosf runs them, both signs, besides the
 * boundaries of its own code); *n gets their count. */
static inline const lt_hard *lt_trig_hard(size_t *n)
{
    static const lt_hard hard[] = {
        {16367173.0f * 0x1p72f, "16367173 * 2^72: cited as the single-precision worst case of the "
                                "reduction by pi/2 (J.-M. Muller, Elementary Functions, the chapter "
                                "on range reduction); |r| = 2^-29.2, checked in test_libm_trig.c"},
        {16367173.0f * 0x1p71f, "16367173 * 2^71: within 2^-30 of an odd multiple of pi/4, where "
                                "round(x 2/pi) turns"},
        {0x1.921fb6p+1f, "float(pi): sin is pi - float(pi), -8.74e-8 (the brief)"},
        {0x1.921fb6p+0f, "float(pi/2)"},
        {1e38f, "1e38 (the brief)"},
        {FLT_MAX, "the largest float"},
        {96079.33f, "JuliaMath/Libm.jl issue 39 (SLEEF's float sin off at 96079.33)"},
        {3e8f, "stdlib-js/stdlib issue 10846 (sincosf(3e8) outside [-1, 1])"},
        {103963.5f, "tenstorrent/tt-metal issue 51845 (Cody-Waite limit of a 4-part float split)"},
        {51981.5f, "tenstorrent/tt-metal issue 51845"},
        {16793388.0f, "tenstorrent/tt-metal issue 51845 (sin > 1)"},
        {16786764.0f, "tenstorrent/tt-metal issue 51845 (cos > 1)"},
        {6.7e8f, "tenstorrent/tt-metal issue 55318"},
        {1e10f, "tenstorrent/tt-metal issue 55318"},
        {1e15f, "tenstorrent/tt-metal issue 55318"},
        {1e30f, "tenstorrent/tt-metal issue 55318"},
        {3.4e38f, "tenstorrent/tt-metal issue 55318"},
        {1e8f, "Rinzii/ccmath issue 129 (sin snapped to multiples of pi/8)"},
        {1e18f, "Rinzii/ccmath issue 129"},
        {-4994642.5f, "amd/aocl-libm-ose issue 47 (input 0xca986ca5 of vrs8_sinf / vrs8_cosf)"},
        {0x1p28f, "2^28: the first input of the Payne-Hanek branch"},
        {0x1.fffffep+27f, "the last input of the Cody-Waite branch"},
        {0x1p20f, "2^20: the first input of the 1ulp code's three-part Cody-Waite"},
        {0x1.fffffep+19f, "the last input of the 1ulp code's two-part Cody-Waite"},
        {1e6f, "1e6, near the 1ulp code's two-part limit (k = 636620)"},
    };
    *n = sizeof hard / sizeof hard[0];
    return hard;
}

/* The float nearest k pi/4 (MPFR, 400 bits), k = j + 1 for j < 400 and 2^(j - 400) for
 * 400 <= j < 500: the reduced argument of sin / cos is tiny there (k even) or at the edge of the
 * core interval (k odd). */
static inline float lt_near_pi4(int j)
{
    mpfr_t v;
    mpfr_init2(v, 400);
    mpfr_const_pi(v, MPFR_RNDN);
    mpfr_mul_d(v, v, (j < 400 ? j + 1 : ldexp(1.0, j - 400)) / 4, MPFR_RNDN);
    float x = mpfr_get_flt(v, MPFR_RNDN);
    mpfr_clear(v);
    return x;
}
#endif

#endif
