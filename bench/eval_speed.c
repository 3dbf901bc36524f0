/*
 * bench/eval_speed.c — time per point of an exported approximation against the libm function it
 * replaces, in one run. Compiled by bench/run once per target with
 *   -DAPPROX=<exported function> -DREF=<libm function> -DLO=<a> -DHI=<b>
 * The inputs (4096 points, uniform random in [LO, HI], fixed seed) stay in cache; each function
 * is timed over many passes, alternating, and the best of 7 rounds is kept.
 */
#define _XOPEN_SOURCE 700 /* clock_gettime, j0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double APPROX(double x);

#define N 4096
#define PASSES 200

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile double sink;

static double time_fn(double (*f)(double), const double *x)
{
    double t0 = now(), acc = 0;
    for (int p = 0; p < PASSES; p++)
        for (int i = 0; i < N; i++) acc += f(x[i]);
    sink = acc;
    return (now() - t0) / ((double)PASSES * N) * 1e9; /* ns per point */
}

static double ref_fn(double x) { return REF(x); }

int main(void)
{
    static double x[N];
    unsigned long long s = 88172645463325252ULL;
    double maxdiff = 0, maxref = 0;
    for (int i = 0; i < N; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;                 /* xorshift64 */
        x[i] = LO + (HI - LO) * (double)(s >> 11) * 0x1p-53;
        double d = fabs(APPROX(x[i]) - REF(x[i]));
        if (d > maxdiff) maxdiff = d;
        if (fabs(REF(x[i])) > maxref) maxref = fabs(REF(x[i]));
    }
    double best_a = 1e30, best_r = 1e30;
    for (int round = 0; round < 7; round++) {
        double ta = time_fn(APPROX, x), tr = time_fn(ref_fn, x);
        if (ta < best_a) best_a = ta;
        if (tr < best_r) best_r = tr;
    }
    printf("%8.2f %8.2f %8.2f %10.2e\n", best_a, best_r, best_r / best_a, maxdiff / maxref);
    return 0;
}
