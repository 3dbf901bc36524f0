/*
 * bench/evolve_latency.c — the measured latency of two float32 kernels float KA(float) and
 * float KB(float) (compiled together by bench/evolve_table.sh): a chained loop x = KA(x) / 2
 * (2^x on [0, 1] maps back into [1/2, 1], away from subnormals, whose arithmetic is slow), where
 * each call waits for the previous result, so the time per call is the kernel's latency plus one
 * multiplication. Rounds of the two alternate; the median of 15 rounds of each is printed in ns
 * per call, then their ratio KB / KA. For another interval, -DMAP_A=a -DMAP_B=b -DX0=x0 make the
 * chain x = a + K(x) * b from x0 (log2 on [1, 2]: 1 + K(x) / 2; erf on [0, 1]: K(x), which
 * settles at erf's fixed point near 0.6); without them x = K(x) / 2 from 0.3, for 2^x.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef MAP_A
#define STEP(y) (MAP_A + (y) * MAP_B)
#else
#define STEP(y) ((y) * 0.5f)
#endif
#ifndef X0
#define X0 0.3f
#endif

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
        float x = X0;
        double t0 = now();
        for (int i = 0; i < N; i++) x = STEP(KA(x));
        ta[r] = (now() - t0) / N * 1e9;
        sink += x;
        x = X0;
        t0 = now();
        for (int i = 0; i < N; i++) x = STEP(KB(x));
        tb[r] = (now() - t0) / N * 1e9;
        sink += x;
    }
    qsort(ta, R, sizeof *ta, cmp);
    qsort(tb, R, sizeof *tb, cmp);
    printf("%.3f %.3f %.3f\n", ta[R / 2], tb[R / 2], tb[R / 2] / ta[R / 2]);
    return sink == 12345.0f;
}
