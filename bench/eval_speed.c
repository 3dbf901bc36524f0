/*
 * bench/eval_speed.c — time per point of an exported approximation against the libm function it
 * replaces, in one run. Compiled by bench/run once per target with
 *   -DAPPROX=<exported function> -DREF=<libm function> -DMREF=<MPFR function> -DLO=<a> -DHI=<b>
 * The inputs (4096 points, uniform random in [LO, HI], fixed seed) stay in cache; each function
 * is timed over many passes, alternating, and the best of 31 short rounds is kept (on a busy
 * machine the best short round is the likeliest to be undisturbed). Two loops:
 *   throughput: acc += f(x[i]) — independent calls, which the CPU overlaps;
 *   chained:    acc += f(x[i] + 0.0 * acc) — each argument waits for the previous result, so
 *               the time is the latency of one call (as when the value feeds the next step).
 * Output: approx, libm, speedup (throughput), approx, libm, speedup (chained), then the errors
 * of the approximation and of libm against MPFR (MREF at 128 bits, correctly rounded to double),
 * max |error| / max |f| over the same inputs.
 */
#define _XOPEN_SOURCE 700 /* clock_gettime, j0 */
#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double APPROX(double x);

#define N 4096
#define PASSES 40
#define ROUNDS 31

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile double sink;

static double time_fn(double (*f)(double), const double *x, int chained)
{
    double t0 = now(), acc = 0;
    if (chained) {
        for (int p = 0; p < PASSES; p++)
            for (int i = 0; i < N; i++) acc += f(x[i] + 0.0 * acc); /* acc is finite: adds 0 */
    } else {
        for (int p = 0; p < PASSES; p++)
            for (int i = 0; i < N; i++) acc += f(x[i]);
    }
    sink = acc;
    return (now() - t0) / ((double)PASSES * N) * 1e9; /* ns per point */
}

static double ref_fn(double x) { return REF(x); }

int main(void)
{
    static double x[N];
    unsigned long long s = 88172645463325252ULL;
    double err_a = 0, err_r = 0, maxf = 0;
    mpfr_t m;
    mpfr_init2(m, 128);
    for (int i = 0; i < N; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;                 /* xorshift64 */
        x[i] = LO + (HI - LO) * (double)(s >> 11) * 0x1p-53;
        mpfr_set_d(m, x[i], MPFR_RNDN);
        MREF(m, m, MPFR_RNDN);
        double f = mpfr_get_d(m, MPFR_RNDN); /* the exact value, to 2^-53 relative */
        if (fabs(f) > maxf) maxf = fabs(f);
        if (fabs(APPROX(x[i]) - f) > err_a) err_a = fabs(APPROX(x[i]) - f);
        if (fabs(REF(x[i]) - f) > err_r) err_r = fabs(REF(x[i]) - f);
    }
    mpfr_clear(m);
    double best[4] = {1e30, 1e30, 1e30, 1e30}; /* approx, libm; throughput, chained */
    for (int round = 0; round < ROUNDS; round++)
        for (int chained = 0; chained < 2; chained++) {
            double ta = time_fn(APPROX, x, chained), tr = time_fn(ref_fn, x, chained);
            if (ta < best[2 * chained]) best[2 * chained] = ta;
            if (tr < best[2 * chained + 1]) best[2 * chained + 1] = tr;
        }
    printf("%8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %9.1e %9.1e\n", best[0], best[1], best[1] / best[0],
           best[2], best[3], best[3] / best[2], err_a / maxf, err_r / maxf);
    return 0;
}
