/*
 * L-BFGS (Nocedal & Wright, "Numerical Optimization", 2nd ed.): the two-loop recursion of
 * algorithm 7.4 for the direction d = -H g, with H_0 = (s.y / y.y) I (eq. 7.20), and a
 * backtracking line search for the Armijo condition f(p + a d) <= f + c1 a g.d (algorithm 3.1,
 * c1 = 1e-4, halving a from 1). A pair (s, y) is kept only when s.y > 0 (curvature), which keeps
 * H positive definite without a Wolfe search. Full batch; the first-order optimisers are
 * in optim.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

ua_status ua_train_lbfgs_alloc(size_t P, size_t history, ua_train_lbfgs *lb)
{
    memset(lb, 0, sizeof *lb);
    lb->P = P;
    lb->history = history;
    lb->s = ua_calloc(history * P, sizeof(double));
    lb->y = ua_calloc(history * P, sizeof(double));
    lb->rho = ua_calloc(history, sizeof(double));
    lb->alpha = ua_calloc(history, sizeof(double));
    lb->d = ua_calloc(P, sizeof(double));
    lb->q = ua_calloc(P, sizeof(double));
    lb->pnew = ua_calloc(P, sizeof(double));
    lb->gnew = ua_calloc(P, sizeof(double));
    if (!lb->s || !lb->y || !lb->rho || !lb->alpha || !lb->d || !lb->q || !lb->pnew || !lb->gnew) {
        ua_train_lbfgs_free(lb);
        return UA_ENOMEM_ERR((2 * history + 4) * P * sizeof(double));
    }
    return UA_OK;
}

void ua_train_lbfgs_free(ua_train_lbfgs *lb)
{
    free(lb->s);
    free(lb->y);
    free(lb->rho);
    free(lb->alpha);
    free(lb->d);
    free(lb->q);
    free(lb->pnew);
    free(lb->gnew);
    memset(lb, 0, sizeof *lb);
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

/* d = -H g by the two-loop recursion over the stored pairs, newest first. */
static void direction(ua_train_lbfgs *lb, const double *g)
{
    size_t P = lb->P, m = lb->history;
    double *q = lb->q;
    for (size_t i = 0; i < P; i++) q[i] = g[i];
    for (size_t j = 0; j < lb->count; j++) {
        size_t k = (lb->head + m - 1 - j) % m;
        lb->alpha[k] = lb->rho[k] * dot(lb->s + k * P, q, P);
        const double *yk = lb->y + k * P;
        for (size_t i = 0; i < P; i++) q[i] -= lb->alpha[k] * yk[i];
    }
    double gamma = 1.0;
    if (lb->count) {
        size_t k = (lb->head + m - 1) % m;
        const double *yk = lb->y + k * P;
        gamma = 1.0 / (lb->rho[k] * dot(yk, yk, P));
    }
    for (size_t i = 0; i < P; i++) q[i] *= gamma;
    for (size_t j = lb->count; j-- > 0;) {
        size_t k = (lb->head + m - 1 - j) % m;
        double beta = lb->rho[k] * dot(lb->y + k * P, q, P);
        const double *sk = lb->s + k * P;
        for (size_t i = 0; i < P; i++) q[i] += (lb->alpha[k] - beta) * sk[i];
    }
    for (size_t i = 0; i < P; i++) lb->d[i] = -q[i];
}

int ua_train_lbfgs_iter(ua_train_lbfgs *lb, ua_train_fg fg, void *ctx, double *p, double *f, double *g)
{
    size_t P = lb->P;
    direction(lb, g);
    double gd = dot(g, lb->d, P);
    if (!(gd < 0)) { /* not a descent direction (rounding): restart from steepest descent */
        lb->count = 0;
        for (size_t i = 0; i < P; i++) lb->d[i] = -g[i];
        gd = -dot(g, g, P);
        if (!(gd < 0)) return 1;
    }
    /* first iteration: a step of length at most 1 along -g (N&W: scale by 1/|g|) */
    double a = lb->count ? 1.0 : fmin(1.0, 1.0 / sqrt(-gd));
    for (int tries = 0; tries < 40; tries++, a *= 0.5) {
        for (size_t i = 0; i < P; i++) lb->pnew[i] = p[i] + a * lb->d[i];
        double fn = fg(lb->pnew, lb->gnew, ctx);
        if (isfinite(fn) && fn <= *f + 1e-4 * a * gd) {
            size_t k = lb->head;
            double *sk = lb->s + k * P, *yk = lb->y + k * P;
            for (size_t i = 0; i < P; i++) {
                sk[i] = lb->pnew[i] - p[i];
                yk[i] = lb->gnew[i] - g[i];
            }
            double sy = dot(sk, yk, P);
            if (sy > 1e-12 * sqrt(dot(sk, sk, P) * dot(yk, yk, P)) && sy > 0) {
                lb->rho[k] = 1.0 / sy;
                lb->head = (lb->head + 1) % lb->history;
                if (lb->count < lb->history) lb->count++;
            }
            memcpy(p, lb->pnew, P * sizeof *p);
            memcpy(g, lb->gnew, P * sizeof *g);
            int stalled = !(fn < *f);
            *f = fn;
            return stalled;
        }
    }
    return 1;
}
