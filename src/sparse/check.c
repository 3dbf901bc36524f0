/*
 * The constructor's own check before it claims convergence: the surpluses are an estimate, and
 * they can all vanish on a grid that misses a feature (Genz's discontinuous family gives nine zero
 * values at level 1) or sit below the interpolation error by the Lebesgue constant (the corner
 * peak measured 5x its surplus estimate in d = 4). So the grid is compared with the target at
 * fresh quasi-random points of the box (ua_problem_sample: scrambled Sobol, a new seed each
 * time; counted as evaluations); when they disagree by more than the tolerance, the refinement
 * tolerance is tightened by the ratio and the refinement goes on. The engine's measurement is
 * still the verdict; this keeps the constructor from claiming what a cheap sample refutes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* (error, row) pairs: the larger error first, then the earlier row. */
typedef struct {
    double err;
    size_t row;
} bad_row;
static int worse_first(const void *a, const void *b)
{
    const bad_row *x = a, *y = b;
    if (x->err != y->err) return x->err > y->err ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Keeps the rows of x (k, d) whose |p - y| > tol in c->bad, the worst first. */
static ua_status keep_bad(ua_sparse_checker *c, const double *x, const double *y,
                          const double *p, size_t k, size_t d, double tol)
{
    size_t m = 0;
    for (size_t r = 0; r < k; r++) m += fabs(p[r] - y[r]) > tol;
    if (m > c->badcap) {
        double *b = realloc(c->bad, m * d * sizeof *b);
        if (!b) return UA_ENOMEM_ERR(m * d * sizeof *b);
        c->bad = b;
        c->badcap = m;
    }
    bad_row *ord = malloc((m ? m : 1) * sizeof *ord);
    if (!ord) return UA_ENOMEM_ERR(m * sizeof *ord);
    size_t j = 0;
    for (size_t r = 0; r < k; r++)
        if (fabs(p[r] - y[r]) > tol) ord[j++] = (bad_row){ fabs(p[r] - y[r]), r };
    qsort(ord, m, sizeof *ord, worse_first);
    for (size_t a = 0; a < m; a++) memcpy(c->bad + a * d, x + ord[a].row * d, d * sizeof *x);
    c->nbad = m;
    free(ord);
    return UA_OK;
}

int ua_sparse_check_done(ua_sparse_checker *c, ua_sparse_target *f, const ua_sparse *g,
                         const ua_sparse_options *o, double scale, ua_status *s)
{
    *s = UA_OK;
    if (c->round > 0 && g->n == c->last_n) return -1; /* tightening added nothing: stuck */
    const size_t d = g->d;
    size_t k = g->n / 16 > 32 ? g->n / 16 : 32;
    if (d == 1) k += c->round; /* 1-D samples are equispaced: vary their number instead */
    if (f->evaluations + k > o->max_evals) {
        c->unchecked = 1;
        return 1;
    }
    double *x = malloc(k * d * sizeof *x), *y = malloc(k * sizeof *y), *p = malloc(k * sizeof *p);
    if (!x || !y || !p) {
        free(x), free(y), free(p);
        *s = UA_ENOMEM_ERR(k * d * sizeof *x);
        return -1;
    }
    *s = ua_problem_sample(f->p, k, 0x5eed0000u + c->round, x, y);
    if (!*s) {
        f->evaluations += k;
        *s = ua_sparse_predict(g, x, k, p);
    }
    double err = 0.0;
    for (size_t r = 0; !*s && r < k; r++) {
        err = fmax(err, fabs(p[r] - y[r]));
        scale = fmax(scale, fabs(y[r]));
    }
    double tol = o->abs ? o->tol : o->tol * scale;
    c->nbad = 0;
    if (!*s && c->keep && err > tol) *s = keep_bad(c, x, y, p, k, d, tol);
    free(x), free(y), free(p);
    if (*s) return -1;
    c->err = err;
    c->points += k;
    if (err <= tol) return 1;
    double shrink = 0.5 * tol / err;
    c->factor *= shrink < 0.1 ? 0.1 : shrink > 0.5 ? 0.5 : shrink;
    c->last_n = g->n;
    c->round++;
    return 0;
}
