/*
 * bench/sgemm_rate.c — the machine's sgemm rate through OpenBLAS, the yardstick of the mlp
 * family's large-network throughput (docs/mlp.md, "Where the training time goes").
 * Prints two lines, GFLOP/s (2 m n k flops a product):
 *   square   — C (1024, 1024) += A (1024, 1024) B (1024, 1024), the rate OpenBLAS reaches;
 *   mlp_step — the five products of one training step of the 16 -> 256 -> 256 -> 1 network at
 *              batch 256 (forward h W^T for layers 1-2, backward dz^T h for layers 1-2 and dz W
 *              for layer 2; layer 3's products of width 1 are left to the network), the shapes
 *              and transposes train.c hands to sgemm, i.e. the rate the network could reach.
 * Median of 7 timed rounds after one warm-up; the thread count is OpenBLAS's (OPENBLAS_NUM_THREADS).
 * usage: [UA_CPU_TIME=1] sgemm_rate [ROUNDS]
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Wall time, or with UA_CPU_TIME set the process's CPU time: on a shared machine the rate per
 * CPU second of one thread is the unloaded rate to within cache effects. */
static double now(void)
{
    struct timespec t;
    clock_gettime(getenv("UA_CPU_TIME") ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static float *filled(size_t n)
{
    float *v = malloc(n * sizeof *v);
    if (!v) exit(2);
    for (size_t i = 0; i < n; i++) v[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
    return v;
}

/* One training step's products: B rows, widths 16 -> 256 -> 256. */
static double mlp_step(float *x, float *W1, float *W2, float *z1, float *z2, float *d2, float *d1,
                       float *g1, float *g2)
{
    const int B = 256, d = 16, w = 256;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, w, d, 1, x, d, W1, d, 1, z1, w);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, w, w, 1, z1, w, W2, w, 1, z2, w);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, w, w, B, 1, d2, w, z1, w, 1, g2, w);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, w, w, 1, d2, w, W2, w, 0, d1, w);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, w, d, B, 1, d1, w, x, d, 1, g1, d);
    return 2.0 * B * ((double)w * d + (double)w * w + (double)w * w + (double)w * w + (double)w * d);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    if (rounds < 1 || rounds > 101) rounds = 7;
    const int N = 1024;
    float *A = filled((size_t)N * N), *Bm = filled((size_t)N * N), *C = filled((size_t)N * N);
    float *x = filled(256 * 16), *W1 = filled(256 * 16), *W2 = filled(256 * 256);
    float *z1 = filled(256 * 256), *z2 = filled(256 * 256), *d2 = filled(256 * 256);
    float *d1 = filled(256 * 256), *g1 = filled(256 * 16), *g2 = filled(256 * 256);
    double t[101], u[101];
    for (int r = -1; r < rounds; r++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1, A, N, Bm, N, 1, C, N);
        double t1 = now(), flops = 0;
        for (int s = 0; s < 32; s++) flops += mlp_step(x, W1, W2, z1, z2, d2, d1, g1, g2);
        double t2 = now();
        if (r >= 0) {
            t[r] = 2.0 * N * N * (double)N / (t1 - t0) * 1e-9;
            u[r] = flops / (t2 - t1) * 1e-9;
        }
    }
    qsort(t, (size_t)rounds, sizeof *t, cmp);
    qsort(u, (size_t)rounds, sizeof *u, cmp);
    printf("square %.1f\nmlp_step %.1f\n", t[rounds / 2], u[rounds / 2]);
    return 0;
}
