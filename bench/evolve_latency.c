/*
 * bench/evolve_latency.c — the measured latency of two float32 kernels float KA(float) and
 * float KB(float) (compiled together by bench/evolve_table.sh): a chained loop x = KA(x) / 2
 * (2^x on [0, 1] maps back into [1/2, 1], away from subnormals, whose arithmetic is slow), where
 * each call waits for the previous result, so the time per call is the kernel's latency plus one
 * multiplication. Rounds of the two alternate; the median of 15 rounds of each is printed in ns
 * per call, then their ratio KB / KA.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

float KA(float x);
float KB(float x);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define N 2000000
#define R 15

int main(void)
{
    double ta[R], tb[R];
    volatile float sink = 0;
    for (int r = 0; r < R; r++) {
        float x = 0.3f;
        double t0 = now();
        for (int i = 0; i < N; i++) x = KA(x) * 0.5f;
        ta[r] = (now() - t0) / N * 1e9;
        sink += x;
        x = 0.3f;
        t0 = now();
        for (int i = 0; i < N; i++) x = KB(x) * 0.5f;
        tb[r] = (now() - t0) / N * 1e9;
        sink += x;
    }
    qsort(ta, R, sizeof *ta, cmp);
    qsort(tb, R, sizeof *tb, cmp);
    printf("%.3f %.3f %.3f\n", ta[R / 2], tb[R / 2], tb[R / 2] / ta[R / 2]);
    return sink == 12345.0f;
}
