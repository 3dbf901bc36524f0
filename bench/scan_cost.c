/*
 * bench/scan_cost.c — wall time of ua_cheb_fit / ua_spline_fit for smooth targets (plain C
 * functions, so that the library's own work is what is timed). Built twice by bench/scan_cost.sh,
 * against two builds of the library (before / after a change), and run as alternating rounds;
 * this program times one round: for each target, the median over REPS fits, in microseconds,
 * printed as "label us length".
 */
#define _XOPEN_SOURCE 700 /* j0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "uniapprox/cheb.h"
#include "uniapprox/spline.h"

static double f_exp(double x, void *c) { (void)c; return exp(x); }
static double f_cube(double x, void *c) { (void)c; return x * x * x; }
static double f_cos20(double x, void *c) { (void)c; return cos(20.0 * x); }
static double f_j0(double x, void *c) { (void)c; return j0(x); }
static double f_runge(double x, void *c) { (void)c; return 1.0 / (1.0 + 25.0 * x * x); }
static double f_sin(double x, void *c) { (void)c; return sin(x); }

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { REPS = 15 };

typedef struct {
    const char *label;
    ua_fn1 f;
    double a, b;
    int spline, split, uniform;
} target;

static double run_one(const target *t, size_t *len)
{
    double us[REPS];
    for (int r = 0; r < REPS; r++) {
        double t0 = now_us();
        if (t->spline) {
            ua_spline *s = NULL;
            ua_status st = ua_spline_fit(t->f, NULL, t->a, t->b, NULL, &s);
            us[r] = now_us() - t0;
            if (st) {
                fprintf(stderr, "%s: %s\n", t->label, ua_last_error());
                exit(1);
            }
            *len = ua_spline_nknots(s);
            ua_spline_free(s);
        } else {
            ua_cheb_options o;
            ua_cheb_options_default(&o);
            o.split = t->split;
            o.uniform_length = (size_t)t->uniform;
            ua_cheb *c = NULL;
            ua_status st = ua_cheb_fit(t->f, NULL, t->a, t->b, &o, &c);
            us[r] = now_us() - t0;
            if (st) {
                fprintf(stderr, "%s: %s\n", t->label, ua_last_error());
                exit(1);
            }
            *len = ua_cheb_total_length(c);
            ua_cheb_free(c);
        }
    }
    qsort(us, REPS, sizeof *us, cmp);
    return us[REPS / 2];
}

int main(void)
{
    static const target targets[] = {
        { "cheb exp [-1,1]", f_exp, -1, 1, 0, 0, 0 },
        { "cheb x^3 [-1,1]", f_cube, -1, 1, 0, 0, 0 },
        { "cheb cos(20x) [-1,1]", f_cos20, -1, 1, 0, 0, 0 },
        { "cheb J0 [0,100]", f_j0, 0, 100, 0, 0, 0 },
        { "cheb runge [-1,1]", f_runge, -1, 1, 0, 0, 0 },
        { "cheb --split runge", f_runge, -1, 1, 0, 1, 0 },
        { "cheb --uniform 16 J0", f_j0, 0, 100, 0, 0, 16 },
        { "spline exp [-1,1]", f_exp, -1, 1, 1, 0, 0 },
        { "spline sin [0,10]", f_sin, 0, 10, 1, 0, 0 },
    };
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        size_t len = 0;
        double us = run_one(&targets[i], &len);
        printf("%s|%.1f|%zu\n", targets[i].label, us, len);
    }
    return 0;
}
