/*
 * bench/seq_sgemm_rate.c — OpenBLAS's sgemm rate at the product shapes of the seq family's copy
 * task (bench/seq_threads.sh: 2 layers, width C = 64, 4 heads of 32, FFN 256, n = 128, batch 16,
 * vocabulary 64), the yardstick of seq's 1-thread training throughput (docs/mlp.md, "seq").
 * One batch is T = 16 x 128 = 2048 tokens. A layer's forward products: Q, K, V and the output
 * projection (T, C) x (C, C), the FFN (T, C) x (C, 4C) and (T, 4C) x (4C, C), and for each of the
 * 16 x 4 (sequence, head) pairs the scores (n, 32) x (32, n) and P V (n, n) x (n, 32); the readout
 * (T, C) x (C, 64) once a batch. Each shape is timed alone (best of 7 rounds of 50 products, one
 * warm-up), and the rate of the whole set is its flops over the summed times (a flop-weighted
 * harmonic mean). The backward products are the same shapes transposed.
 * Prints one line: GFLOP/s. The thread count is OpenBLAS's (OPENBLAS_NUM_THREADS).
 * usage: seq_sgemm_rate
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    int m, n, k; /* C (m, n) = A (m, k) B (k, n) */
    int count;   /* products of this shape in one layer's forward pass (or a batch's readout) */
} shape;

int main(void)
{
    enum { T = 2048, C = 64, F = 256, N = 128, DH = 32, PAIRS = 16 * 4, V = 64, LAYERS = 2 };
    const shape s[] = {
        { T, C, C, 4 * LAYERS }, { T, F, C, LAYERS }, { T, C, F, LAYERS },
        { N, N, DH, PAIRS * LAYERS }, { N, DH, N, PAIRS * LAYERS }, { T, V, C, 1 },
    };
    const size_t big = (size_t)T * F;
    float *A = malloc(big * sizeof *A), *B = malloc(big * sizeof *B), *Cm = malloc(big * sizeof *Cm);
    if (!A || !B || !Cm) return 2;
    for (size_t i = 0; i < big; i++) {
        A[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
        B[i] = (float)((i * 40503u) % 1000) / 1000.0f - 0.5f;
        Cm[i] = 0;
    }
    double flops = 0, time = 0;
    for (size_t q = 0; q < sizeof s / sizeof *s; q++) {
        const int m = s[q].m, n = s[q].n, k = s[q].k, reps = 50;
        double best = 1e30;
        for (int r = 0; r < 8; r++) { /* round 0: warm-up */
            double t0 = now();
            for (int i = 0; i < reps; i++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, A, k, B, n, 0.0f, Cm, n);
            double t = (now() - t0) / reps;
            if (r && t < best) best = t;
        }
        flops += 2.0 * m * n * k * s[q].count;
        time += best * s[q].count;
    }
    printf("%.1f\n", flops / time / 1e9);
    free(A);
    free(B);
    free(Cm);
    return 0;
}
