/*
 * The local half of the evolve family's inner loop: Gauss-Newton steps on a program's constants
 * for the minimax (max-norm) error, each step's linear minimax problem approximated by Lawson's
 * iteratively reweighted least squares (C. L. Lawson, "Contributions to the theory of linear
 * least maximum approximation", PhD thesis, UCLA, 1961; the weights w_k <- w_k |r_k| converge
 * to the Chebyshev solution of the linear problem). Most programs are nearly linear in their
 * constants (a polynomial exactly so), where this converges in a few steps, while CMA-ES
 * (src/evolve/cmaes.c) needs hundreds of generations to learn the ill-conditioned covariance of
 * polynomial coefficients (bench/evolve_inner_vs_nlopt.c measures it). The Jacobian is by
 * forward differences of the double evaluation; each least-squares problem is solved by
 * Householder QR of the weighted Jacobian (stable where monomial coefficients are nearly
 * dependent). A step is kept only when the objective the caller measures decreases.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* min ||A z - b|| for A (m, n) row-major (m >= n), by Householder QR; A and b are overwritten.
 * Columns whose pivot vanishes get z = 0. */
static void lsq(double *A, double *b, size_t m, size_t n, double *z)
{
    double diag[EV_MAX_VERTICES];
    for (size_t j = 0; j < n; j++) {
        double nrm = 0;
        for (size_t i = j; i < m; i++) nrm += A[i * n + j] * A[i * n + j];
        nrm = sqrt(nrm);
        if (nrm == 0) {
            diag[j] = 0;
            continue;
        }
        double alpha = A[j * n + j] > 0 ? -nrm : nrm;
        /* v = a_j - alpha e_j, stored in A[j.., j] */
        A[j * n + j] -= alpha;
        double vn = 0;
        for (size_t i = j; i < m; i++) vn += A[i * n + j] * A[i * n + j];
        diag[j] = alpha;
        if (vn == 0) continue;
        for (size_t k = j + 1; k < n; k++) {
            double s = 0;
            for (size_t i = j; i < m; i++) s += A[i * n + j] * A[i * n + k];
            s = 2 * s / vn;
            for (size_t i = j; i < m; i++) A[i * n + k] -= s * A[i * n + j];
        }
        double s = 0;
        for (size_t i = j; i < m; i++) s += A[i * n + j] * b[i];
        s = 2 * s / vn;
        for (size_t i = j; i < m; i++) b[i] -= s * A[i * n + j];
    }
    double dmax = 0;
    for (size_t j = 0; j < n; j++) dmax = fmax(dmax, fabs(diag[j]));
    for (size_t jj = n; jj-- > 0;) {
        if (fabs(diag[jj]) <= 1e-13 * dmax) {
            z[jj] = 0;
            continue;
        }
        double s = b[jj];
        for (size_t k = jj + 1; k < n; k++) s -= A[jj * n + k] * z[k];
        z[jj] = s / diag[jj];
    }
}

double ev_polish(ev_prog *g, const double *x, const double *f, const double *inv, size_t m,
                 double (*objective)(const ev_prog *g, void *ctx), void *ctx, int steps)
{
    int idx[EV_MAX_VERTICES], nc = 0;
    for (int i = 0; i < g->n; i++)
        if (g->kind[i] == EV_CONST) idx[nc++] = i;
    double best = objective(g, ctx);
    if (!nc || (size_t)nc > m) return best;
    size_t n = (size_t)nc;
    double *mem = malloc((2 * m * n + 6 * m + (size_t)g->n * m) * sizeof *mem);
    if (!mem) return best;
    double *J = mem, *A = J + m * n, *r = A + m * n, *b = r + m, *w = b + m, *y = w + m,
           *y2 = y + m, *lin = y2 + m, *work = lin + m;
    for (int it = 0; it < steps; it++) {
        ev_eval_f64(g, x, m, y, work);
        for (size_t k = 0; k < m; k++) r[k] = (y[k] - f[k]) * inv[k];
        int bad = 0;
        for (size_t j = 0; j < n && !bad; j++) {
            double v = g->val[idx[j]], h = 1e-7 * fmax(fabs(v), 1e-3);
            g->val[idx[j]] = v + h;
            ev_eval_f64(g, x, m, y2, work);
            g->val[idx[j]] = v;
            for (size_t k = 0; k < m; k++) {
                J[k * n + j] = (y2[k] - y[k]) * inv[k] / h;
                if (!isfinite(J[k * n + j])) bad = 1;
            }
        }
        for (size_t k = 0; k < m; k++)
            if (!isfinite(r[k])) bad = 1;
        if (bad) break;
        /* Lawson: min max_k |r_k + J_k d| */
        double d[EV_MAX_VERTICES] = {0}, dbest[EV_MAX_VERTICES] = {0}, ebest = INFINITY;
        for (size_t k = 0; k < m; k++) w[k] = 1.0 / (double)m;
        for (int l = 0; l < 30; l++) {
            for (size_t k = 0; k < m; k++) {
                double sw = sqrt(w[k]);
                for (size_t j = 0; j < n; j++) A[k * n + j] = sw * J[k * n + j];
                b[k] = -sw * r[k];
            }
            lsq(A, b, m, n, d);
            double emax = 0, wsum = 0;
            for (size_t k = 0; k < m; k++) {
                double s = r[k];
                for (size_t j = 0; j < n; j++) s += J[k * n + j] * d[j];
                lin[k] = fabs(s);
                emax = fmax(emax, lin[k]);
            }
            if (emax < ebest) ebest = emax, memcpy(dbest, d, n * sizeof *d);
            for (size_t k = 0; k < m; k++) w[k] *= lin[k], wsum += w[k];
            if (!(wsum > 0)) break;
            for (size_t k = 0; k < m; k++) w[k] /= wsum;
        }
        /* the step, halved until the true objective decreases */
        double old[EV_MAX_VERTICES];
        for (size_t j = 0; j < n; j++) old[j] = g->val[idx[j]];
        int took = 0;
        for (double s = 1; s > 1.0 / 64 && !took; s /= 2) {
            for (size_t j = 0; j < n; j++) g->val[idx[j]] = old[j] + s * dbest[j];
            double o = objective(g, ctx);
            if (o < best) best = o, took = 1;
        }
        if (!took) {
            for (size_t j = 0; j < n; j++) g->val[idx[j]] = old[j];
            break;
        }
    }
    free(mem);
    return best;
}
