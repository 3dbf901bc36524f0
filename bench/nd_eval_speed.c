/*
 * bench/nd_eval_speed.c — evaluation time per point of an n-D model three ways, on the same
 * 4096 points of [0,1]^DIM (in cache), alternating, median of ROUNDS short rounds:
 *   exported  the model's exported C (`uniapprox export --type double`), `double APPROX(const
 *             double *x)`, compiled with this file;
 *   predict   ua_model_predict on the whole batch (the library's own evaluation of the model file);
 *   target    the target formula compiled in double, TARGET(x) (a C expression in x[0..DIM-1]).
 * (At most 5 rounds when one takes over 0.2 s.) Prints ns per point for each and the ratios, and
 * the largest difference between the exported code and ua_model_predict (the export is meant to
 * reproduce the model) and between the model and the target (its error in double on these
 * points, over max |target|).
 * Build: cc -O2 -march=native -DAPPROX=name -DDIM=d '-DTARGET(x)=expr' nd_eval_speed.c model.c
 *        libuniapprox.a (and its libraries); run: ./a.out MODEL.safetensors [ROUNDS]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "uniapprox.h"

double APPROX(const double *x);

enum { NPTS = 4096 };

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

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return v[n / 2];
}

static double target(const double *x) { return TARGET(x); }

/* Keeps a result alive so that the loops are not optimised away. */
static volatile double sink;

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODEL.safetensors [ROUNDS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 21;
    if (rounds < 1 || rounds > 1000) rounds = 21;
    ua_model *m = NULL;
    if (ua_model_load(argv[1], &m)) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    static double x[NPTS * DIM], y[NPTS];
    uint64_t s = 88172645463325252ULL; /* xorshift64, fixed points */
    for (size_t i = 0; i < (size_t)NPTS * DIM; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x[i] = (double)(s >> 11) * 0x1p-53;
    }
    if (ua_model_predict(m, x, NPTS, y)) {
        fprintf(stderr, "ua_model_predict failed\n");
        return 1;
    }
    double dexp = 0, derr = 0, scale = 0;
    for (int i = 0; i < NPTS; i++) {
        double e = APPROX(x + (size_t)i * DIM), t = target(x + (size_t)i * DIM);
        dexp = fmax(dexp, fabs(e - y[i]));
        derr = fmax(derr, fabs(y[i] - t));
        scale = fmax(scale, fabs(t));
    }
    double *te = malloc(sizeof(double) * (size_t)rounds * 3), *tp = te + rounds, *tt = tp + rounds;
    if (!te) return 1;
    for (int r = 0; r < rounds; r++) {
        double t0 = now(), acc = 0;
        for (int i = 0; i < NPTS; i++) acc += APPROX(x + (size_t)i * DIM);
        double t1 = now();
        ua_model_predict(m, x, NPTS, y);
        double t2 = now();
        for (int i = 0; i < NPTS; i++) acc += target(x + (size_t)i * DIM);
        double t3 = now();
        sink = acc + y[0];
        /* a slow model (over 0.2 s a round) gets 5 rounds at most: the medians stay stable at
         * that cost, and the run stays short */
        if (r == 0 && t3 - t0 > 0.2 && rounds > 5) rounds = 5;
        te[r] = (t1 - t0) / NPTS * 1e9;
        tp[r] = (t2 - t1) / NPTS * 1e9;
        tt[r] = (t3 - t2) / NPTS * 1e9;
    }
    double e = median(te, rounds), p = median(tp, rounds), t = median(tt, rounds);
    printf("%9.1f %9.1f %9.1f %9.2f %9.2f   %.1e %.1e\n", e, p, t, p / e, t / e, dexp,
           scale > 0 ? derr / scale : derr);
    free(te);
    ua_model_free(m);
    return 0;
}
