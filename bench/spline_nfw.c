/*
 * bench/spline_nfw.c — the AutoKnots paper's benchmark (arXiv 2412.13423): the NFW projected
 * surface density Sigma_hat(X) on X in [1e-4, 1e4], spline in ln X, for rtol = 1e-1 ... 1e-10.
 * For each rtol: the knots AutoKnots places, the max relative error measured against the MPFR
 * reference (ua_verify_1d: 10^5 points uniform in ln X plus every knot and every interval's
 * midpoint), and the fewest knots a not-a-knot spline on a grid uniform in ln X needs to reach
 * the same measured error (bisection on the knot count). Prints a Markdown table (docs/spline.md).
 * Built and run by bench/spline_nfw.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <uniapprox.h>

#define A 1e-4
#define B 1e4
#define NPOINTS 100000

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "spline_nfw: %s: %s\n", what, ua_last_error());
    exit(1);
}

/* Max relative error of s against the reference, on npoints uniform in ln X plus the knots and
 * the midpoints. */
static double measure(const ua_spline *s, const ua_target *t, size_t npoints)
{
    size_t n = ua_spline_nknots(s);
    const double *x = ua_spline_knots(s);
    double *extra = malloc((2 * n) * sizeof *extra);
    if (!extra) die("out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        extra[m++] = x[i];
        if (i + 1 < n) extra[m++] = sqrt(x[i] * x[i + 1]); /* the midpoint in ln X */
    }
    ua_verify_options o;
    ua_verify_options_default(&o);
    o.npoints = npoints;
    o.grid = UA_GRID_LOG;
    o.extra = extra;
    o.nextra = m;
    ua_errors e;
    if (ua_verify_1d(ua_spline_fn1, (void *)s, t, A, B, &o, &e)) die("verify");
    free(extra);
    return e.max_rel;
}

/* The not-a-knot spline through n points uniform in ln X, and its measured error. */
static double uniform_error(size_t n, const ua_target *t, size_t npoints)
{
    double *x = malloc(2 * n * sizeof *x), *y = x + n;
    if (!x) die("out of memory");
    double la = log(A), lb = log(B);
    for (size_t i = 0; i < n; i++) {
        x[i] = i == 0 ? A : i + 1 == n ? B : exp(la + (lb - la) * (double)i / (double)(n - 1));
        y[i] = ua_target_eval(t, &x[i]);
    }
    ua_spline_options o;
    ua_spline_options_default(&o);
    o.map = UA_SPLINE_MAP_LOG;
    ua_spline *s;
    if (ua_spline_from_samples(x, y, n, &o, &s)) die("uniform spline");
    double e = measure(s, t, npoints);
    ua_spline_free(s);
    free(x);
    return e;
}

int main(int argc, char **argv)
{
    int nr = argc > 1 ? atoi(argv[1]) : 10; /* rtol = 1e-1 ... 1e-nr */
    ua_target *t;
    if (ua_target_parse("nfw-sigma", NULL, 0, &t)) die("target");
    printf("| rtol | knots | evaluations | max rel. error (MPFR) | uniform-in-ln X knots for the "
           "same error | uniform / AutoKnots | fit time (ms, best of 3) |\n");
    printf("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int k = 1; k <= nr; k++) {
        double rtol = pow(10.0, -k);
        ua_spline_options o;
        ua_spline_options_default(&o);
        o.rtol = rtol;
        o.map = UA_SPLINE_MAP_LOG;
        ua_spline *s = NULL;
        double dt = INFINITY; /* best of 3 */
        for (int rep = 0; rep < 3; rep++) {
            ua_spline_free(s);
            double t0 = now();
            if (ua_spline_fit(ua_target_fn1, t, A, B, &o, &s)) die("fit");
            dt = fmin(dt, now() - t0);
        }
        size_t knots = ua_spline_nknots(s), evals = ua_spline_nevals(s);
        double err = measure(s, t, NPOINTS);
        ua_spline_free(s);
        /* fewest uniform knots with error <= err: grow geometrically, then bisect, measuring on
         * a coarser grid (plus knots and midpoints); then confirm on the full grid, stepping up
         * by 1% while the full measurement disagrees */
        size_t lo = 4, hi = 8;
        while (uniform_error(hi, t, NPOINTS / 5) > err) {
            lo = hi;
            hi *= 2;
            if (hi > 4000000) die("uniform grid does not reach the error");
        }
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (uniform_error(mid, t, NPOINTS / 5) <= err) hi = mid;
            else lo = mid;
        }
        while (uniform_error(hi, t, NPOINTS) > err) hi += hi / 100 + 1;
        printf("| 1e-%d | %zu | %zu | %.2e | %zu | %.2f | %.2f |\n", k, knots, evals, err, hi,
               (double)hi / (double)knots, 1e3 * dt);
        fflush(stdout);
    }
    ua_target_free(t);
    return 0;
}
