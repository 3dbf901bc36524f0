/*
 * bench/exp2f_speed.c — throughput of the verified float32 2^x kernel against glibc's exp2f and
 * SLEEF's Sleef_exp2f_u10 (scalar) and Sleef_exp2f16_u10avx512f (16 lanes; Sleef_exp2f8_u10avx2
 * when the compiler targets no AVX-512), in one run. Built by bench/exp2f_vs_sleef.sh with
 *     -O3 -march=native -ffp-contract=off -DKERNEL_C='"exp2f_kernel.c"' exp2f_speed.c -lsleef -lm
 * where exp2f_kernel.c (written by the script, #included here so that it can be inlined) holds
 * the degree-6 minimax core exp2_core(x) on [0, 1] exported by uniapprox, and ua_exp2f(x), its
 * extension to every float: 2^x = 2^n 2^r with n = floor(x), r = x - n in [0, 1) (exact).
 *
 * Inputs: 4096 floats (fixed xorshift seed) that stay in L1 cache, repeated PASSES times per
 * round, best of ROUNDS rounds, the functions alternating within a round — a 10^7 array would
 * measure memory bandwidth, not the kernels. Two input sets: [0, 1) (the core's interval; every
 * function gets the same inputs) and [-126, 127] (the full range: our ua_exp2f). Output: one line
 * per function and set, "name set ns_per_element".
 */
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include <sleef.h>

#include KERNEL_C /* defines exp2_core and ua_exp2f */

#define N 4096
#define PASSES 2000
#define ROUNDS 7

static float xs[N], ys[N];
static volatile float sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* y[i] = f(x[i]) over the array, PASSES times: independent calls the CPU can overlap. */
static void run_core(void) { for (int i = 0; i < N; i++) ys[i] = exp2_core(xs[i]); }
static void run_full(void) { for (int i = 0; i < N; i++) ys[i] = ua_exp2f(xs[i]); }
static void run_glibc(void) { for (int i = 0; i < N; i++) ys[i] = exp2f(xs[i]); }
static void run_sleef(void) { for (int i = 0; i < N; i++) ys[i] = Sleef_exp2f_u10(xs[i]); }
#if defined(__AVX512F__)
#define SIMD_NAME "Sleef_exp2f16_u10avx512f"
static void run_simd(void)
{
    for (int i = 0; i < N; i += 16)
        _mm512_storeu_ps(ys + i, Sleef_exp2f16_u10avx512f(_mm512_loadu_ps(xs + i)));
}
#elif defined(__AVX2__)
#define SIMD_NAME "Sleef_exp2f8_u10avx2"
static void run_simd(void)
{
    for (int i = 0; i < N; i += 8)
        _mm256_storeu_ps(ys + i, Sleef_exp2f8_u10avx2(_mm256_loadu_ps(xs + i)));
}
#else
#define SIMD_NAME "Sleef_exp2f_u10 (no SIMD target)"
static void run_simd(void) { run_sleef(); }
#endif

typedef struct {
    const char *name;
    void (*run)(void);
    double best;
} entry;

static void bench(const char *set, entry *e, int n)
{
    for (int k = 0; k < n; k++) e[k].best = INFINITY;
    for (int r = 0; r < ROUNDS; r++)
        for (int k = 0; k < n; k++) {
            double t0 = now();
            for (int p = 0; p < PASSES; p++) {
                e[k].run();
                sink = ys[p & (N - 1)]; /* keeps the stores alive */
            }
            double ns = (now() - t0) / ((double)PASSES * N) * 1e9;
            if (ns < e[k].best) e[k].best = ns;
        }
    for (int k = 0; k < n; k++) printf("%s %s %.4f\n", e[k].name, set, e[k].best);
}

static void fill(float lo, float hi)
{
    unsigned long long s = 88172645463325252ULL;
    for (int i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        float v = lo + (hi - lo) * (float)((s >> 40) * 0x1p-24); /* [lo, hi) */
        xs[i] = v < hi ? v : lo;
    }
}

int main(void)
{
    entry unit[] = {{"uniapprox_exp2_core", run_core, 0}, {"glibc_exp2f", run_glibc, 0},
                    {"Sleef_exp2f_u10", run_sleef, 0}, {SIMD_NAME, run_simd, 0}};
    fill(0.0f, 1.0f);
    bench("[0,1)", unit, 4);
    entry full[] = {{"uniapprox_exp2f", run_full, 0}, {"glibc_exp2f", run_glibc, 0},
                    {"Sleef_exp2f_u10", run_sleef, 0}, {SIMD_NAME, run_simd, 0}};
    fill(-126.0f, 127.0f);
    bench("[-126,127]", full, 4);
    return 0;
}
