/*
 * Speed of the chebnd construction in 2-D (bench/chebnd_speed.sh): for functions of numerical
 * rank about 10 to 30 on [-1, 1]^2, the median time of ua_fit (the construction alone, no
 * measurement) over ROUNDS rounds, with the rank, the evaluations and the time those evaluations
 * take by themselves. Each function is fitted twice: as a formula (the library's interpreter
 * evaluates it) and as a C callback (ua_problem_callback: the construction's own cost).
 * usage: chebnd_speed [ROUNDS]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uniapprox.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double f_runge(const double *x, void *c) { (void)c; return 1.0 / (1.0 + 25.0 * (x[0] * x[0] + x[1] * x[1])); }
static double f_ridge(const double *x, void *c) { (void)c; return exp(-10.0 * (x[0] - x[1]) * (x[0] - x[1])); }
static double f_cosxy(const double *x, void *c) { (void)c; return cos(4.0 * x[0] * x[1]); }
static double f_esc(const double *x, void *c) { (void)c; return exp(sin(3.0 * x[0]) * cos(2.0 * x[1])); }
static double f_mix(const double *x, void *c) { (void)c; return 1.0 / (2.0 + x[0] * x[1]) + x[1] * x[1] * cos(x[0]); }

static const struct {
    const char *spec;
    ua_fnd fn;
} cases[] = {
    {"cos(4*x*y)", f_cosxy},
    {"exp(sin(3*x)*cos(2*y))", f_esc},
    {"1/(2+x*y)+y^2*cos(x)", f_mix},
    {"1/(1+25*(x^2+y^2))", f_runge},
    {"exp(-10*(x-y)^2)", f_ridge},
};

/* Median seconds of `rounds` fits of p; *rank and *evals from the last. */
static double time_fit(const ua_problem *p, int rounds, double *rank, double *evals)
{
    double t[64];
    for (int r = 0; r < rounds; r++) {
        ua_model *m = NULL;
        double t0 = now();
        ua_status s = ua_fit(p, "chebnd", NULL, NULL, &m);
        t[r] = now() - t0;
        if (s != UA_OK) {
            fprintf(stderr, "fit failed: %s\n", ua_last_error());
            exit(1);
        }
        char *desc = NULL;
        ua_model_describe(m, &desc);
        const char *k = strstr(desc, "\"rank\":");
        *rank = k ? atof(k + 7) : NAN;
        k = strstr(desc, "\"evaluations\":");
        *evals = k ? atof(k + 14) : NAN;
        free(desc);
        ua_model_free(m);
    }
    qsort(t, (size_t)rounds, sizeof *t, cmp);
    return t[rounds / 2];
}

/* Seconds to evaluate p at n points (the cost of the fit's calls of f alone). */
static double time_evals(const ua_problem *p, size_t n)
{
    double *x = malloc(2 * n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < 2 * n; i++) x[i] = -1.0 + 2.0 * fmod(0.6180339887 * (double)i, 1.0);
    double t0 = now();
    ua_problem_eval(p, x, n, y);
    double t = now() - t0;
    free(x);
    free(y);
    return t;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    if (rounds < 1) rounds = 1;
    if (rounds > 63) rounds = 63;
    const char *vars[] = {"x", "y"};
    const double lo[2] = {-1, -1}, hi[2] = {1, 1};
    printf("%-26s %5s %7s %12s %12s %12s\n", "f on [-1,1]^2", "rank", "evals", "formula ms",
           "(f calls ms)", "C callback ms");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ua_target *t = NULL;
        ua_problem *pf = NULL, *pc = NULL;
        if (ua_target_parse(cases[c].spec, vars, 2, &t) || ua_problem_formula(t, lo, hi, &pf) ||
            ua_problem_callback(cases[c].fn, NULL, 2, lo, hi, cases[c].spec, &pc)) {
            fprintf(stderr, "%s\n", ua_last_error());
            return 1;
        }
        double rank, evals, rank2, evals2;
        double tf = time_fit(pf, rounds, &rank, &evals);
        double te = time_evals(pf, (size_t)evals);
        double tc = time_fit(pc, rounds, &rank2, &evals2);
        printf("%-26s %5.0f %7.0f %12.1f %12.1f %12.1f\n", cases[c].spec, rank, evals, 1e3 * tf,
               1e3 * te, 1e3 * tc);
        ua_problem_free(pf);
        ua_problem_free(pc);
        ua_target_free(t);
    }
    return 0;
}
