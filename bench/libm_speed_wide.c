/*
 * bench/libm_speed_wide.c — every generated `uniapprox libm` function's vector variant NAME_v
 * against SLEEF's u10 functions on 8 lanes (AVX2) and 16 lanes (AVX-512F), and the scalar
 * functions against glibc, in one run, on whatever x86-64 processor runs it: the AVX-512 entries
 * are measured only where the processor has AVX-512F (__builtin_cpu_supports), and NAME_v takes
 * its own run-time choice (the line "dispatch" says which).
 *
 * Usage: libm_speed_wide DIR SLEEF_SO [FUNC...]
 *   DIR holds k_FUNC.so for each FUNC, made by
 *     uniapprox libm FUNC -o k_FUNC.c --vector --name k_FUNC
 *     cc -std=c99 -O2 -ffp-contract=off -fPIC -shared k_FUNC.c -o DIR/k_FUNC.so
 *   SLEEF_SO is SLEEF's runtime library (libsleef.so.3); both are opened with dlopen, so this
 *   program needs no SLEEF header and runs on a machine that has neither installed.
 * Built with: cc -std=c11 -O2 bench/libm_speed_wide.c -o libm_speed_wide -ldl -lm
 *   (no -march: the AVX2 and AVX-512 callers carry their own target attributes).
 *
 * Inputs: 4096 floats of each function's interval (the ranges of bench/libm_table.sh and
 * bench/libm_trig_table.sh; sinf and cosf on [-8, 8] and [-1e6, 1e6]) from a fixed xorshift
 * seed, in L1 cache. Each of ROUNDS rounds times every implementation for PASSES passes over the
 * inputs, the implementations alternating; the median over the rounds is printed, in ns per
 * element of the thread's CPU time. The scalar functions (ours and glibc's) are both called
 * through a pointer, so neither is inlined (bench/libm_speed.c measures ours inlined).
 * Output: "func lo hi impl ns" lines, then the ratios _v / SLEEF.
 */
#define _GNU_SOURCE /* exp10f */
#include <dlfcn.h>
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 4096
#define PASSES 200
#define ROUNDS 15

typedef float (*scalar_fn)(float);
typedef void (*vector_fn)(const float *, float *, size_t);
typedef __m256 (*sleef8_fn)(__m256);
typedef __m512 (*sleef16_fn)(__m512);

static float xs[N], ys[N];
static volatile float sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static const struct {
    const char *name;
    scalar_fn glibc;
    float lo, hi;
} FUNCS[] = {
    {"exp2f", exp2f, -20, 20},     {"expf", expf, -15, 15},        {"exp10f", exp10f, -6, 6},
    {"expm1f", expm1f, -15, 15},   {"log2f", log2f, 0.001f, 1000}, {"logf", logf, 0.001f, 1000},
    {"log10f", log10f, 0.001f, 1000}, {"log1pf", log1pf, -0.9f, 100},
    {"sinf", sinf, -8, 8},         {"sinf", sinf, -1e6f, 1e6f},    {"cosf", cosf, -8, 8},
    {"cosf", cosf, -1e6f, 1e6f},   {"tanhf", tanhf, -5, 5},        {"erff", erff, -3, 3},
};

/* The implementation being timed: one of these is set before each time_it call. */
static scalar_fn cur_scalar;
static vector_fn cur_vector;
static sleef8_fn cur_s8;
static sleef16_fn cur_s16;

static void run_scalar(void)
{
    for (int i = 0; i < N; i++) ys[i] = cur_scalar(xs[i]);
}

static void run_vector(void) { cur_vector(xs, ys, N); }

__attribute__((target("avx2,fma"))) static void run_s8(void)
{
    for (int i = 0; i < N; i += 8) _mm256_storeu_ps(ys + i, cur_s8(_mm256_loadu_ps(xs + i)));
}

__attribute__((target("avx512f"))) static void run_s16(void)
{
    for (int i = 0; i < N; i += 16) _mm512_storeu_ps(ys + i, cur_s16(_mm512_loadu_ps(xs + i)));
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

static int wanted(const char *name, int argc, char **argv)
{
    if (argc <= 3) return 1;
    for (int i = 3; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DIR SLEEF_SO [FUNC...]\n", argv[0]);
        return 2;
    }
    void *sleef = dlopen(argv[2], RTLD_NOW);
    if (!sleef) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    __builtin_cpu_init();
    const int has512 = __builtin_cpu_supports("avx512f");
    const int has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    printf("dispatch: NAME_v runs its %s path\n",
           has512 ? "AVX-512F (8 doubles)" : has2 ? "AVX2+FMA (4 doubles)" : "scalar");
    const int nf = (int)(sizeof FUNCS / sizeof FUNCS[0]);
    for (int k = 0; k < nf; k++) {
        if (!wanted(FUNCS[k].name, argc, argv)) continue;
        char path[4096], sym[128];
        snprintf(path, sizeof path, "%s/k_%s.so", argv[1], FUNCS[k].name);
        void *h = dlopen(path, RTLD_NOW);
        if (!h) {
            fprintf(stderr, "%s\n", dlerror());
            return 2;
        }
        snprintf(sym, sizeof sym, "k_%s", FUNCS[k].name);
        void *ps = dlsym(h, sym);
        snprintf(sym, sizeof sym, "k_%s_v", FUNCS[k].name);
        void *pv = dlsym(h, sym);
        char base[32];
        snprintf(base, sizeof base, "%.*s", (int)strlen(FUNCS[k].name) - 1, FUNCS[k].name);
        snprintf(sym, sizeof sym, "Sleef_%sf8_u10avx2", base);
        void *p8 = dlsym(sleef, sym);
        snprintf(sym, sizeof sym, "Sleef_%sf16_u10avx512f", base);
        void *p16 = dlsym(sleef, sym);
        if (!ps || !pv || !p8 || !p16) {
            fprintf(stderr, "%s: a symbol is missing\n", FUNCS[k].name);
            return 2;
        }
        scalar_fn ours;
        vector_fn ours_v;
        memcpy(&ours, &ps, sizeof ours);
        memcpy(&ours_v, &pv, sizeof ours_v);
        memcpy(&cur_s8, &p8, sizeof cur_s8);
        memcpy(&cur_s16, &p16, sizeof cur_s16);
        unsigned long long s = 88172645463325252ULL;
        for (int i = 0; i < N; i++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            float v = FUNCS[k].lo + (FUNCS[k].hi - FUNCS[k].lo) * (float)((s >> 40) * 0x1p-24);
            xs[i] = v < FUNCS[k].hi ? v : FUNCS[k].lo;
        }
        enum { OURS, GLIBC, OURS_V, SLEEF8, SLEEF16, NI };
        static const char *impl[NI] = {"uniapprox", "glibc", "uniapprox_v", "sleef_u10_avx2",
                                       "sleef_u10_avx512f"};
        double t[NI][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            cur_scalar = ours;
            t[OURS][r] = time_it(run_scalar);
            cur_scalar = FUNCS[k].glibc;
            t[GLIBC][r] = time_it(run_scalar);
            cur_vector = ours_v;
            t[OURS_V][r] = time_it(run_vector);
            t[SLEEF8][r] = has2 ? time_it(run_s8) : NAN;
            t[SLEEF16][r] = has512 ? time_it(run_s16) : NAN;
        }
        double m[NI];
        for (int i = 0; i < NI; i++) {
            m[i] = median(t[i]);
            printf("%s %g %g %s %.4f\n", FUNCS[k].name, FUNCS[k].lo, FUNCS[k].hi, impl[i], m[i]);
        }
        printf("%s %g %g ratios _v/sleef_avx2 %.3f _v/sleef_avx512f %.3f ours/glibc %.3f\n",
               FUNCS[k].name, FUNCS[k].lo, FUNCS[k].hi, m[OURS_V] / m[SLEEF8],
               m[OURS_V] / m[SLEEF16], m[OURS] / m[GLIBC]);
        fflush(stdout);
    }
    return 0;
}
