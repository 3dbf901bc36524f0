/*
 * bench/libm_speed.c — one generated `uniapprox libm` function against glibc and SLEEF u10, in
 * one run. Built by bench/libm_table.sh with
 *     -O2 -march=native -ffp-contract=off -DKERNEL_C='"f.c"' -DNAME=k -DLIBM=expf
 *     -DSLEEF_S=Sleef_expf_u10 -DSLEEF_V=Sleef_expf8_u10avx2 -DLO=-80 -DHI=80 libm_speed.c
 *     -l:libsleef.so.3 -lm
 * where f.c is the generated file (#included, so the scalar function can be inlined as a libm
 * call cannot; NAME_v is its vector variant). SLEEF is declared here (its runtime library is
 * enough; no header needed). Inputs: 4096 floats of [LO, HI) in L1 cache (fixed xorshift
 * seed). Throughput: PASSES passes per round, the functions alternating within each of ROUNDS
 * rounds, the median per function. Latency: the same 4096 inputs, each call's input depending
 * on the previous result (x[i] + 0 * y: not folded without -ffast-math), median of rounds.
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so that on a shared, loaded machine
 * the time the thread waits for a core is not counted (the caches it shares still are).
 * Where the CPU has them (checked at run time), two more throughput lines: the file's AVX2 kernel
 * called directly (NAME_v_avx2; NAME_v itself picks the widest kernel, AVX-512F where the CPU has
 * it) and SLEEF's AVX-512F u10 (SLEEF_V512, default the SLEEF_V name with f16_u10avx512f).
 * Output: lines "name throughput_ns latency_ns".
 */
#define _GNU_SOURCE /* exp10f */
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include KERNEL_C

float SLEEF_S(float);
#ifdef __AVX2__
__m256 SLEEF_V(__m256);
#endif
#if defined(__AVX512F__) && defined(SLEEF_V512)
__m512 SLEEF_V512(__m512);
#define HAVE_V512 1
#else
#define HAVE_V512 0
#endif

#define N 4096
#define PASSES 300
#define ROUNDS 9
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

static float xs[N], ys[N];
static volatile float sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void t_ours(void) { for (int i = 0; i < N; i++) ys[i] = NAME(xs[i]); }
static void t_ours_v(void) { CAT(NAME, _v)(xs, ys, N); }
static void t_glibc(void) { for (int i = 0; i < N; i++) ys[i] = LIBM(xs[i]); }
static void t_sleef(void) { for (int i = 0; i < N; i++) ys[i] = SLEEF_S(xs[i]); }
#ifdef __AVX2__
static void t_sleef_v(void)
{
    for (int i = 0; i < N; i += 8) _mm256_storeu_ps(ys + i, SLEEF_V(_mm256_loadu_ps(xs + i)));
}
#else
static void t_sleef_v(void) { t_sleef(); }
#endif
#if defined(__GNUC__) && defined(__x86_64__)
static void t_ours_v_avx2(void) { CAT(NAME, _v_avx2)(xs, ys, N); }
#else
static void t_ours_v_avx2(void) { t_ours_v(); }
#endif
#if HAVE_V512
static void t_sleef_v512(void)
{
    for (int i = 0; i < N; i += 16) _mm512_storeu_ps(ys + i, SLEEF_V512(_mm512_loadu_ps(xs + i)));
}
#else
static void t_sleef_v512(void) { t_sleef_v(); }
#endif
/* latency: a chain of dependent calls */
static void l_ours(void) { float y = 0; for (int i = 0; i < N; i++) y = NAME(xs[i] + 0.0f * y); sink = y; }
static void l_glibc(void) { float y = 0; for (int i = 0; i < N; i++) y = LIBM(xs[i] + 0.0f * y); sink = y; }
static void l_sleef(void) { float y = 0; for (int i = 0; i < N; i++) y = SLEEF_S(xs[i] + 0.0f * y); sink = y; }

typedef struct {
    const char *name;
    void (*tp)(void), (*lat)(void);
    double t[ROUNDS], l[ROUNDS];
} entry;

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v)
{
    qsort(v, ROUNDS, sizeof *v, cmp);
    return v[ROUNDS / 2];
}

static double time_it(void (*f)(void))
{
    double t0 = now();
    for (int p = 0; p < PASSES; p++) {
        f();
        sink = ys[p & (N - 1)];
    }
    return (now() - t0) / ((double)PASSES * N) * 1e9;
}

int main(void)
{
    unsigned long long s = 88172645463325252ULL;
    for (int i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        float v = (float)LO + (float)(HI - LO) * (float)((s >> 40) * 0x1p-24);
        xs[i] = v < (float)HI ? v : (float)LO;
    }
    entry e[] = {{"uniapprox", t_ours, l_ours, {0}, {0}},
                 {"uniapprox_vector", t_ours_v, NULL, {0}, {0}},
                 {"glibc", t_glibc, l_glibc, {0}, {0}},
                 {"sleef_u10", t_sleef, l_sleef, {0}, {0}},
                 {"sleef_u10_avx2", t_sleef_v, NULL, {0}, {0}},
                 {"uniapprox_vector_avx2", t_ours_v_avx2, NULL, {0}, {0}},
                 {"sleef_u10_avx512", t_sleef_v512, NULL, {0}, {0}}};
    __builtin_cpu_init();
    int ne = sizeof e / sizeof e[0];
    if (!HAVE_V512 || !__builtin_cpu_supports("avx512f")) ne--; /* no SLEEF AVX-512 line */
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) ne--;
    for (int r = 0; r < ROUNDS; r++)
        for (int k = 0; k < ne; k++) {
            e[k].t[r] = time_it(e[k].tp);
            e[k].l[r] = e[k].lat ? time_it(e[k].lat) : NAN;
        }
    for (int k = 0; k < ne; k++)
        printf("%s %.4f %.4f\n", e[k].name, median(e[k].t), e[k].lat ? median(e[k].l) : NAN);
    return 0;
}
