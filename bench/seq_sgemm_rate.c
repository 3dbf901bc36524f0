/*
 * bench/seq_sgemm_rate.c — OpenBLAS's sgemm rate at the products one training step of the seq
 * family's copy task makes (bench/seq_threads.sh: 2 layers, width C = 64, 4 heads of D = 16, FFN
 * F = 256, n = 128, batch 16, vocabulary 64, the fused attention, no causal mask), the yardstick
 * of seq's 1-thread training throughput (docs/mlp.md, "seq on one thread against sgemm").
 * One batch is T = 16 x 128 = 2048 tokens. Every call is the one src/seq makes: the same
 * transposes, leading dimensions and beta (0 where the product is a fresh output, 1 where it
 * accumulates), so the yardstick is sgemm doing exactly the step's products and nothing else:
 *   forward, a layer: QKV (T, 3C) = X W^T, the output projection (T, C), the FFN (T, F) and
 *     (T, C) from F; for each of the 16 x 4 (sequence, head) pairs the scores S = Q K^T (n, n)
 *     of depth D (rows 3C apart) and P V (n, D) accumulated; the readout (T, V) once;
 *   backward, each dense layer (outc, in): dW += dY^T X (outc, in) of depth T and dX = dY W
 *     (T, in); each pair: S again and U = dO V^T (n, n), dV += P^T dO, dK += dS^T Q (n, D) of
 *     depth n, dQ += dS K (n, D) into rows 3C apart.
 * Each call shape is timed alone (best of 7 rounds, one warm-up), and the rate of the whole step is
 * its flops over the summed times (a flop-weighted harmonic mean). The flops include the
 * backward pass's recomputed scores, which the training rate's 811,008 flops a token leave out.
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

enum { NN, NT, TN }; /* row-major op(A) op(B) */

typedef struct {
    int op, m, n, k;      /* C (m, n) = op(A) (m, k) op(B) (k, n) */
    int lda, ldb, ldc;
    float beta;
    int count;            /* calls of this kind in one training step */
} call;

int main(void)
{
    enum { T = 2048, C = 64, C3 = 3 * C, F = 256, N = 128, D = 16, PAIRS = 16 * 4, V = 64, L = 2 };
    const call s[] = {
        /* forward: dense layers X W^T, W (outc, in) */
        { NT, T, C3, C, C, C, C3, 0, L },
        { NT, T, C, C, C, C, C, 0, L },
        { NT, T, F, C, C, C, F, 0, L },
        { NT, T, C, F, F, F, C, 0, L },
        { NT, T, V, C, C, C, V, 0, 1 },
        /* forward attention, per pair: S = Q K^T, acc += P V */
        { NT, N, N, D, C3, C3, N, 0, PAIRS * L },
        { NN, N, D, N, N, C3, D, 1, PAIRS * L },
        /* backward dense layers: dW += dY^T X, dX = dY W */
        { TN, C3, C, T, C3, C, C, 1, L },
        { NN, T, C, C3, C3, C, C, 0, L },
        { TN, C, C, T, C, C, C, 1, L },
        { NN, T, C, C, C, C, C, 0, L },
        { TN, F, C, T, F, C, C, 1, L },
        { NN, T, C, F, F, C, C, 0, L },
        { TN, C, F, T, C, F, F, 1, L },
        { NN, T, F, C, C, F, F, 0, L },
        { TN, V, C, T, V, C, C, 1, 1 },
        { NN, T, C, V, V, C, C, 0, 1 },
        /* backward attention, per pair: S, U = dO V^T, dV, dK, dQ */
        { NT, N, N, D, C3, C3, N, 0, PAIRS * L },
        { NT, N, N, D, C, C3, N, 0, PAIRS * L },
        { TN, N, D, N, N, C, D, 1, PAIRS * L },
        { TN, N, D, N, N, C3, D, 1, PAIRS * L },
        { NN, N, D, N, N, C3, C3, 1, PAIRS * L },
    };
    const size_t big = (size_t)T * F; /* the largest operand: (T, F) */
    float *A = malloc(big * sizeof *A), *B = malloc(big * sizeof *B), *Cm = malloc(big * sizeof *Cm);
    if (!A || !B || !Cm) return 2;
    for (size_t i = 0; i < big; i++) {
        A[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
        B[i] = (float)((i * 40503u) % 1000) / 1000.0f - 0.5f;
        Cm[i] = 0;
    }
    double flops = 0, time = 0;
    for (size_t q = 0; q < sizeof s / sizeof *s; q++) {
        const call *c = &s[q];
        /* about 0.4 GFLOP a round (4-5 ms), whatever the shape */
        int reps = (int)(4e8 / (2.0 * c->m * c->n * c->k)) + 1;
        enum CBLAS_TRANSPOSE ta = c->op == TN ? CblasTrans : CblasNoTrans;
        enum CBLAS_TRANSPOSE tb = c->op == NT ? CblasTrans : CblasNoTrans;
        double best = 1e30;
        for (int r = 0; r < 8; r++) { /* round 0: warm-up */
            double t0 = now();
            for (int i = 0; i < reps; i++)
                cblas_sgemm(CblasRowMajor, ta, tb, c->m, c->n, c->k, 1.0f, A, c->lda, B, c->ldb,
                            c->beta, Cm, c->ldc);
            double t = (now() - t0) / reps;
            if (r && t < best) best = t;
        }
        flops += 2.0 * c->m * c->n * c->k * c->count;
        time += best * c->count;
    }
    printf("%.1f\n", flops / time / 1e9);
    free(A);
    free(B);
    free(Cm);
    return 0;
}
