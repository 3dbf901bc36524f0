/*
 * bench/libm_trig_speed.c — throughput of the generated sinf, cosf, tanhf, erff against glibc's
 * and SLEEF's u10 functions (scalar, and Sleef_*f8_u10avx2 on 8 lanes), in one run; also the
 * generated vector variants ua_*_v (on this machine's widest: AVX2 without AVX-512). Built by
 * bench/libm_trig_table.sh with
 *     -O2 -march=native -ffp-contract=off -DKERNELS_C='"kernels.c"' libm_trig_speed.c
 *     -l:libsleef.so.3 -lm
 * where kernels.c (written by the script from `libm_trig_check FUNC emit ua_FUNC`) holds the four
 * generated functions ua_sinf ... ua_erff, #included here so that they can be inlined as glibc's
 * cannot. SLEEF is declared here (the runtime package libsleef3 has no header).
 *
 * Inputs: 4096 floats (fixed xorshift seed) that stay in L1 cache, uniform on each function's
 * interval (sin, cos: [-8, 8] and [-1e6, 1e6]; tanh: [-5, 5]; erf: [-3, 3]), repeated PASSES
 * times per round, ROUNDS rounds, the implementations alternating within a round; each pass of
 * 4096 calls is timed alone (0.02 to 2 ms) and the fastest pass is kept: on a shared machine the
 * fastest pass is one no other process interrupted, whatever the function's own cost.
 * With -DWITH_CR, kernels.c also holds the default (cr) functions uacr_sinf ... uacr_erff, timed
 * as a sixth implementation "uniapprox_cr" in the same rounds (the script does this when the
 * ua_* functions are the `--accuracy 1ulp` ones).
 * Output: one line per function, input set and implementation: "func set impl ns_per_element".
 */
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include KERNELS_C /* ua_sinf, ua_cosf, ua_tanhf, ua_erff */

float Sleef_sinf_u10(float), Sleef_cosf_u10(float), Sleef_tanhf_u10(float), Sleef_erff_u10(float);
__m256 Sleef_sinf8_u10avx2(__m256), Sleef_cosf8_u10avx2(__m256), Sleef_tanhf8_u10avx2(__m256),
    Sleef_erff8_u10avx2(__m256);

#define N 4096
#define PASSES 20
#define ROUNDS 31
#ifdef WITH_CR
#define NE_CR 1
#define CR_ENTRY(f) , {"uniapprox_cr", f, 0}
#else
#define NE_CR 0
#define CR_ENTRY(f)
#endif
/* the file's AVX2 kernel called directly (NAME_v picks the AVX-512F one where the CPU has it);
 * where compiled for AVX-512F (-march=native on such a CPU), SLEEF's AVX-512F u10, 16 lanes */
#ifdef __AVX512F__
#define NE_512 1
#define W_ENTRY(a, b) , {"uniapprox_v_avx2", a, 0}, {"sleef_u10_avx512x16", b, 0}
#else
#define NE_512 0
#define W_ENTRY(a, b) , {"uniapprox_v_avx2", a, 0}
#endif
#define NE (6 + NE_CR + NE_512) /* implementations */

static float xs[N], ys[N];
static volatile float sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#define LOOP(nm, f) \
    static void nm(void) { for (int i = 0; i < N; i++) ys[i] = f(xs[i]); }
#define LOOP8(nm, f)                                                              \
    static void nm(void)                                                          \
    {                                                                             \
        for (int i = 0; i < N; i += 8) _mm256_storeu_ps(ys + i, f(_mm256_loadu_ps(xs + i))); \
    }
LOOP(ua_sin, ua_sinf) LOOP(gl_sin, sinf) LOOP(sl_sin, Sleef_sinf_u10) LOOP8(v_sin, Sleef_sinf8_u10avx2)
LOOP(ua_cos, ua_cosf) LOOP(gl_cos, cosf) LOOP(sl_cos, Sleef_cosf_u10) LOOP8(v_cos, Sleef_cosf8_u10avx2)
LOOP(ua_tanh, ua_tanhf) LOOP(gl_tanh, tanhf) LOOP(sl_tanh, Sleef_tanhf_u10)
LOOP8(v_tanh, Sleef_tanhf8_u10avx2)
LOOP(ua_erf, ua_erff) LOOP(gl_erf, erff) LOOP(sl_erf, Sleef_erff_u10) LOOP8(v_erf, Sleef_erff8_u10avx2)
#ifdef WITH_CR
LOOP(cr_sin, uacr_sinf) LOOP(cr_cos, uacr_cosf) LOOP(cr_tanh, uacr_tanhf) LOOP(cr_erf, uacr_erff)
#endif
static void u2_sin(void) { ua_sinf_v_avx2(xs, ys, N); }
static void u2_cos(void) { ua_cosf_v_avx2(xs, ys, N); }
static void u2_tanh(void) { ua_tanhf_v_avx2(xs, ys, N); }
static void u2_erf(void) { ua_erff_v_avx2(xs, ys, N); }
#ifdef __AVX512F__
__m512 Sleef_sinf16_u10avx512f(__m512), Sleef_cosf16_u10avx512f(__m512),
    Sleef_tanhf16_u10avx512f(__m512), Sleef_erff16_u10avx512f(__m512);
#define LOOP16(nm, f)                                                             \
    static void nm(void)                                                          \
    {                                                                             \
        for (int i = 0; i < N; i += 16) _mm512_storeu_ps(ys + i, f(_mm512_loadu_ps(xs + i))); \
    }
LOOP16(w_sin, Sleef_sinf16_u10avx512f) LOOP16(w_cos, Sleef_cosf16_u10avx512f)
LOOP16(w_tanh, Sleef_tanhf16_u10avx512f) LOOP16(w_erf, Sleef_erff16_u10avx512f)
#endif
static void uv_sin(void) { ua_sinf_v(xs, ys, N); }
static void uv_cos(void) { ua_cosf_v(xs, ys, N); }
static void uv_tanh(void) { ua_tanhf_v(xs, ys, N); }
static void uv_erf(void) { ua_erff_v(xs, ys, N); }

typedef struct {
    const char *name;
    void (*run)(void);
    double best;
} entry;

static void fill(float lo, float hi)
{
    uint32_t s = 2463534242u;
    for (int i = 0; i < N; i++) {
        s ^= s << 13, s ^= s >> 17, s ^= s << 5;
        xs[i] = lo + (hi - lo) * (float)(s >> 8) * 0x1p-24f;
    }
}

static void bench(const char *fn, const char *set, float lo, float hi, entry *e)
{
    fill(lo, hi);
    for (int k = 0; k < NE; k++) e[k].best = INFINITY;
    for (int r = 0; r < ROUNDS; r++)
        for (int k = 0; k < NE; k++) {
            for (int p = 0; p < PASSES; p++) {
                double t0 = now();
                e[k].run();
                double ns = (now() - t0) / N * 1e9;
                sink = ys[p & (N - 1)];
                if (ns < e[k].best) e[k].best = ns;
            }
        }
    for (int k = 0; k < NE; k++) printf("%s %s %s %.3f\n", fn, set, e[k].name, e[k].best);
}

int main(void)
{
    entry s[NE] = {{"uniapprox", ua_sin, 0}, {"glibc", gl_sin, 0}, {"sleef_u10", sl_sin, 0},
                  {"sleef_u10_avx2x8", v_sin, 0}, {"uniapprox_v", uv_sin, 0} CR_ENTRY(cr_sin) W_ENTRY(u2_sin, w_sin)};
    entry c[NE] = {{"uniapprox", ua_cos, 0}, {"glibc", gl_cos, 0}, {"sleef_u10", sl_cos, 0},
                  {"sleef_u10_avx2x8", v_cos, 0}, {"uniapprox_v", uv_cos, 0} CR_ENTRY(cr_cos) W_ENTRY(u2_cos, w_cos)};
    entry t[NE] = {{"uniapprox", ua_tanh, 0}, {"glibc", gl_tanh, 0}, {"sleef_u10", sl_tanh, 0},
                  {"sleef_u10_avx2x8", v_tanh, 0}, {"uniapprox_v", uv_tanh, 0} CR_ENTRY(cr_tanh) W_ENTRY(u2_tanh, w_tanh)};
    entry e[NE] = {{"uniapprox", ua_erf, 0}, {"glibc", gl_erf, 0}, {"sleef_u10", sl_erf, 0},
                  {"sleef_u10_avx2x8", v_erf, 0}, {"uniapprox_v", uv_erf, 0} CR_ENTRY(cr_erf) W_ENTRY(u2_erf, w_erf)};
    bench("sinf", "[-8,8]", -8, 8, s);
    bench("sinf", "[-1e6,1e6]", -1e6f, 1e6f, s);
    bench("cosf", "[-8,8]", -8, 8, c);
    bench("cosf", "[-1e6,1e6]", -1e6f, 1e6f, c);
    bench("tanhf", "[-5,5]", -5, 5, t);
    bench("erff", "[-3,3]", -3, 3, e);
    return 0;
}
