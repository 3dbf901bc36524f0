/* Speed of the box measurement (ua_verify_box): points per second against an MPFR reference
 * (128 bits) in 1-D and 3-D, and against a reference in double (the measurement's own overhead),
 * with the approximation a libm call in batches. Each case runs ROUNDS times (alternating the
 * thread counts), and the median and range of the rounds are printed. For the MPFR cases the
 * last column is the cost of the bare reference — ua_target_eval_mpfr at the same points, one
 * thread — as points per second: the measurement's price over it is its overhead.
 * usage: verify_speed [ROUNDS] [THREADS]   (bench/verify_speed.sh builds and runs it) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpfr.h>

#include "uniapprox.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* the approximations / double references, in batch form */
static ua_status erf_batch(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = erf(x[i]);
    return UA_OK;
}
static ua_status cosxyz_batch(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = cos(x[3 * i] * x[3 * i + 1] * x[3 * i + 2]);
    return UA_OK;
}
static ua_status gauss_batch(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        const double *p = x + 3 * i;
        y[i] = exp(-p[0] * p[0] - p[1] * p[1]) * cos(p[2]);
    }
    return UA_OK;
}

typedef struct {
    const char *label, *expr;
    size_t d;
    double lo, hi;
    ua_status (*fn)(void *, const double *, size_t, double *);
    int mpfr; /* reference: 1 the target in MPFR, 0 fn itself in double */
} bench_case;

/* Seconds of one ua_target_eval_mpfr loop over n points of the box (a fixed pseudo-random set). */
static double bare_mpfr(const ua_target *t, size_t d, double lo, double hi, size_t n)
{
    double *x = malloc(n * d * sizeof *x);
    if (!x) return NAN;
    uint64_t s = 12345;
    for (size_t i = 0; i < n * d; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = lo + (hi - lo) * (double)(s >> 11) * 0x1p-53;
    }
    mpfr_t y;
    mpfr_init2(y, 128);
    double sink = 0, t0 = now();
    for (size_t i = 0; i < n; i++) {
        ua_target_eval_mpfr(t, x + i * d, y);
        sink += mpfr_get_d(y, MPFR_RNDN);
    }
    double sec = now() - t0;
    mpfr_clear(y);
    free(x);
    if (sink == 12345.678) printf(" "); /* keeps the loop */
    return sec;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5, maxthreads = argc > 2 ? atoi(argv[2]) : 2;
    if (rounds < 1 || rounds > 99 || maxthreads < 1 || maxthreads > 64) {
        fprintf(stderr, "usage: verify_speed [ROUNDS 1..99] [THREADS 1..64]\n");
        return 2;
    }
    const bench_case cases[] = {
        {"erf(x) on [-4,4], MPFR", "erf(x)", 1, -4, 4, erf_batch, 1},
        {"cos(x*y*z) on [0,2]^3, MPFR", "cos(x*y*z)", 3, 0, 2, cosxyz_batch, 1},
        {"exp(-x^2-y^2)*cos(z) on [-2,2]^3, MPFR", "exp(-x^2-y^2)*cos(z)", 3, -2, 2, gauss_batch, 1},
        {"erf(x) on [-4,4], double reference", NULL, 1, -4, 4, erf_batch, 0},
        {"cos(x*y*z) on [0,2]^3, double reference", NULL, 3, 0, 2, cosxyz_batch, 0},
    };
    const int nthr[2] = {1, maxthreads};
    const int nthr_runs = maxthreads > 1 ? 2 : 1;
    static const char *vars[] = {"x", "y", "z"};
    printf("%-42s %7s %4s %9s %11s %17s %11s\n", "case (default point set)", "points", "thr",
           "median s", "points/s", "range points/s", "bare MPFR/s");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const bench_case *bc = &cases[c];
        ua_target *t = NULL;
        if (bc->mpfr && ua_target_parse(bc->expr, bc->d == 1 ? NULL : vars, bc->d == 1 ? 0 : 3,
                                        &t) != UA_OK) {
            fprintf(stderr, "%s: %s\n", bc->expr, ua_last_error());
            return 1;
        }
        ua_reference ref = {t, bc->mpfr ? NULL : bc->fn, NULL};
        double lo[3] = {bc->lo, bc->lo, bc->lo}, hi[3] = {bc->hi, bc->hi, bc->hi};
        double sec[2][99];
        size_t npoints = 0;
        double maxerr = 0;
        /* the double reference has no threads to use: one thread count only */
        int runs = bc->mpfr ? nthr_runs : 1;
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < runs; k++) {
                ua_verify_box_options opt;
                ua_verify_box_options_default(&opt, bc->d);
                opt.threads = nthr[k];
                ua_box_errors e;
                double t0 = now();
                ua_status s = ua_verify_box(bc->fn, NULL, &ref, bc->d, lo, hi, &opt, &e);
                sec[k][r] = now() - t0;
                if (s != UA_OK) {
                    fprintf(stderr, "%s: %s\n", bc->label, ua_last_error());
                    return 1;
                }
                npoints = e.npoints;
                maxerr = e.max_abs;
                ua_box_errors_free(&e);
            }
        double bare = bc->mpfr ? (double)npoints / bare_mpfr(t, bc->d, bc->lo, bc->hi, npoints)
                               : NAN;
        for (int k = 0; k < runs; k++) {
            qsort(sec[k], (size_t)rounds, sizeof sec[k][0], cmp_double);
            double med = sec[k][rounds / 2];
            if (rounds % 2 == 0) med = 0.5 * (sec[k][rounds / 2 - 1] + sec[k][rounds / 2]);
            char range[32];
            snprintf(range, sizeof range, "%.3g-%.3g", (double)npoints / sec[k][rounds - 1],
                     (double)npoints / sec[k][0]);
            char bare_s[32] = "-";
            if (k == 0 && bc->mpfr) snprintf(bare_s, sizeof bare_s, "%.4g", bare);
            printf("%-42s %7zu %4d %9.3f %11.4g %17s %11s\n", k ? "" : bc->label, npoints,
                   bc->mpfr ? nthr[k] : 1, med, (double)npoints / med, range, bare_s);
        }
        /* libm against MPFR: the measured error, a sanity check of the run */
        if (bc->mpfr) printf("%-42s max |libm - MPFR| = %.3g\n", "", maxerr);
        ua_target_free(t);
    }
    return 0;
}
