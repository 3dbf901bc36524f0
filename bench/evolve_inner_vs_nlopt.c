/*
 * bench/evolve_inner_vs_nlopt.c — the evolve family's inner loop (its own CMA-ES,
 * src/evolve/cmaes.c) against NLopt's derivative-free local optimisers (BOBYQA, Sbplx,
 * Nelder-Mead) on the task the inner loop has: a child's constants, inherited and perturbed,
 * tuned to minimise the max float32 ULP error of 2^x on 1024 points of [0, 1] (the seed
 * polynomials of degree 4..7 in Horner form with fma, each coefficient perturbed by a relative
 * 1e-3, 5 draws), with the same number of objective evaluations. Prints per degree the median
 * final error of each method (ULP). Built and run by bench/evolve_table.sh when NLopt is
 * installed (libnlopt-dev); the library itself does not use NLopt.
 */
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox.h"
#include "evolve/internal.h"

#define NP 1024

typedef struct {
    ev_prog g;
    int idx[EV_MAX_VERTICES], nc;
    float x[NP];
    double f[NP];
    long evals;
} task;

static double obj(const double *p, void *ctx)
{
    task *t = ctx;
    float w[EV_MAX_VERTICES * NP], y[NP];
    for (int i = 0; i < t->nc; i++) t->g.val[t->idx[i]] = (double)(float)p[i];
    ev_eval_f32(&t->g, t->x, NP, y, w);
    double mx = 0, s = 0;
    for (int i = 0; i < NP; i++) {
        double e = fabs((double)y[i] - t->f[i]) / ua_ulp32(t->f[i]);
        if (!(e <= 1e300)) e = 1e300;
        mx = fmax(mx, e);
        s += e;
    }
    t->evals++;
    return mx + 1e-3 * s / NP;
}

static double nobj(unsigned n, const double *p, double *grad, void *ctx)
{
    (void)n;
    (void)grad;
    return obj(p, ctx);
}

static double maxerr(task *t, const double *p)
{
    double o = obj(p, t);
    (void)o;
    float w[EV_MAX_VERTICES * NP], y[NP];
    ev_eval_f32(&t->g, t->x, NP, y, w);
    double mx = 0;
    for (int i = 0; i < NP; i++) mx = fmax(mx, fabs((double)y[i] - t->f[i]) / ua_ulp32(t->f[i]));
    return mx;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long budget = argc > 1 ? atol(argv[1]) : 1000;
    static task t;
    double xs[8 * NP], fs[8 * NP];
    for (int i = 0; i < 8 * NP; i++) {
        xs[i] = 0.5 - 0.5 * cos(3.141592653589793 * i / (8 * NP - 1));
        fs[i] = exp2(xs[i]);
    }
    for (int i = 0; i < NP; i++) {
        t.x[i] = (float)(0.5 - 0.5 * cos(3.141592653589793 * i / (NP - 1)));
        t.f[i] = exp2((double)t.x[i]);
    }
    const int algs[3] = {NLOPT_LN_BOBYQA, NLOPT_LN_SBPLX, NLOPT_LN_NELDERMEAD};
    const char *names[4] = {"CMA-ES (evolve)", "NLopt BOBYQA", "NLopt Sbplx", "NLopt Nelder-Mead"};
    printf("| degree | start (median ULP) |");
    for (int m = 0; m < 4; m++) printf(" %s |", names[m]);
    printf("\n|---|---|---|---|---|---|\n");
    for (int deg = 4; deg <= 7; deg++) {
        double res[4][5], st[5];
        for (int draw = 0; draw < 5; draw++) {
            ev_prog seed;
            if (ev_seed_horner(xs, fs, 8 * NP, 0, 1, deg, EV_OPS_ALL, &seed)) return 1;
            ua_rng r;
            ua_rng_seed(&r, 100 + (uint64_t)draw);
            double p0[EV_MAX_VERTICES], sc[EV_MAX_VERTICES];
            t.g = seed;
            t.nc = 0;
            for (int i = 0; i < seed.n; i++)
                if (seed.kind[i] == EV_CONST) {
                    t.idx[t.nc] = i;
                    p0[t.nc] = seed.val[i] * (1 + 1e-3 * ua_rng_normal(&r));
                    sc[t.nc] = fabs(seed.val[i]) > 0 ? fabs(seed.val[i]) : 1e-2;
                    t.nc++;
                }
            st[draw] = maxerr(&t, p0);
            for (int m = 0; m < 4; m++) {
                double p[EV_MAX_VERTICES];
                memcpy(p, p0, sizeof p);
                t.evals = 0;
                if (m == 0) {
                    ua_rng rr;
                    ua_rng_seed(&rr, 7);
                    ev_cmaes(obj, &t, p, sc, (size_t)t.nc, 1e-3, 0, (size_t)budget, &rr);
                } else {
                    nlopt_opt o = nlopt_create((nlopt_algorithm)algs[m - 1], (unsigned)t.nc);
                    double step[EV_MAX_VERTICES], fmin;
                    for (int i = 0; i < t.nc; i++) step[i] = 1e-3 * sc[i];
                    nlopt_set_min_objective(o, nobj, &t);
                    nlopt_set_initial_step(o, step);
                    nlopt_set_maxeval(o, (int)budget);
                    nlopt_optimize(o, p, &fmin);
                    nlopt_destroy(o);
                }
                res[m][draw] = maxerr(&t, p);
            }
        }
        qsort(st, 5, sizeof *st, cmpd);
        printf("| %d | %.4g |", deg, st[2]);
        for (int m = 0; m < 4; m++) {
            qsort(res[m], 5, sizeof res[m][0], cmpd);
            printf(" %.4g |", res[m][2]);
        }
        printf("\n");
    }
    return 0;
}
