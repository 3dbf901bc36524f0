/*
 * bench/seq_attention.c — one attention kernel, forward + backward, timed (best of REPS) on
 * random q, k, v of one sequence (B = 1): the naive kernel (OpenBLAS GEMMs, the (H, n, n)
 * matrices held) or the fused one (tiles, O(H n) memory), softmax or sigmoid. Prints
 * "seconds work_bytes" where work_bytes is what the kernel needs beyond its O(n H D) inputs and
 * outputs; bench/seq_attention.sh measures the process's peak RSS around it.
 * usage: seq_attention naive|fused softmax|sigmoid N H D REPS
 * Built by bench/seq_attention.sh against the static library (the kernels are internal symbols).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seq/internal.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: seq_attention naive|fused softmax|sigmoid N H D REPS\n");
        return 2;
    }
    int fused = !strcmp(argv[1], "fused"), kind = !strcmp(argv[2], "sigmoid");
    size_t T = strtoul(argv[3], NULL, 10), H = strtoul(argv[4], NULL, 10), D = strtoul(argv[5], NULL, 10);
    int reps = atoi(argv[6]);
    size_t C = H * D;
    ua_seq_attn a = { 1, T, H, D, kind, 0, NULL, NULL, 0, NULL, 0, 0, -logf((float)T) };
    float *qkv = malloc(T * 3 * C * sizeof *qkv), *out = malloc(T * C * sizeof *out);
    float *dout = malloc(T * C * sizeof *dout), *dqkv = malloc(T * 3 * C * sizeof *dqkv);
    uint64_t s = 1;
    for (size_t i = 0; i < T * 3 * C; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        qkv[i] = (float)((double)(s >> 11) * 0x1p-53 * 2 - 1);
    }
    for (size_t i = 0; i < T * C; i++) dout[i] = qkv[(i * 7) % (T * 3 * C)];
    size_t work = fused ? (H * T + ua_seq_attn_fused_scratch(&a)) * sizeof(float)
                        : 2 * H * T * T * sizeof(float);
    float *P = NULL, *dP = NULL, *lse = NULL, *scratch = NULL;
    if (fused) {
        lse = malloc(H * T * sizeof *lse);
        scratch = malloc((ua_seq_attn_fused_scratch(&a) + 1) * sizeof *scratch);
    } else {
        P = malloc(H * T * T * sizeof *P);
        dP = malloc(H * T * T * sizeof *dP);
        if (!P || !dP) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
    }
    double best = INFINITY;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (fused) {
            ua_seq_attn_fused_forward(out, lse, qkv, &a, scratch);
            ua_seq_attn_fused_backward(dqkv, NULL, NULL, dout, qkv, out, lse, &a, scratch);
        } else {
            ua_seq_attn_naive_forward(out, P, qkv, &a);
            ua_seq_attn_naive_backward(dqkv, NULL, NULL, dP, dout, qkv, P, &a);
        }
        double t = now() - t0;
        best = t < best ? t : best;
    }
    double chk = 0;
    for (size_t i = 0; i < T * 3 * C; i++) chk += dqkv[i];
    printf("%.6f %zu %.6g\n", best, work, chk);
    return 0;
}
