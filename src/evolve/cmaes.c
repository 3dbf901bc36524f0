/*
 * CMA-ES, the inner loop of the evolve family that tunes a program's constants (the paper's
 * choice). The (mu/mu_w, lambda) strategy with cumulative step-size adaptation, rank-one and
 * rank-mu covariance updates and the default parameters of Hansen, "The CMA Evolution Strategy:
 * A Tutorial", arXiv 1604.00772 (2016), Table 1. The covariance matrix is decomposed by cyclic
 * Jacobi rotations (n is at most a few tens) every few generations, as the tutorial suggests.
 * Rank-based, so the objective may be a maximum of ULP errors (not smooth, not continuous in
 * float).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Eigen-decomposition of the symmetric a (n, n) by cyclic Jacobi: eigenvalues d (n,), vectors as
 * the columns of v (n, n). a is overwritten. */
static void jacobi(double *a, size_t n, double *d, double *v)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) v[i * n + j] = i == j;
    for (int sweep = 0; sweep < 50; sweep++) {
        double off = 0, tot = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                tot += a[i * n + j] * a[i * n + j];
                if (i != j) off += a[i * n + j] * a[i * n + j];
            }
        if (off <= 1e-30 * tot) break;
        for (size_t p = 0; p < n; p++)
            for (size_t q = p + 1; q < n; q++) {
                double apq = a[p * n + q];
                if (apq == 0) continue;
                double th = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                double t = (th >= 0 ? 1 : -1) / (fabs(th) + sqrt(th * th + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (size_t k = 0; k < n; k++) {
                    double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < n; k++) {
                    double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for (size_t k = 0; k < n; k++) {
                    double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
    }
    for (size_t i = 0; i < n; i++) d[i] = a[i * n + i];
}

typedef struct {
    double f;
    size_t i;
} ranked;

static int by_f(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->f < y->f) return -1;
    if (x->f > y->f) return 1;
    return (x->i > y->i) - (x->i < y->i);
}

double ev_cmaes(ev_objective fobj, void *ctx, double *x0, const double *scale, size_t n,
                double sigma0, size_t lambda, size_t max_evals, ua_rng *rng)
{
    double best = fobj(x0, ctx);
    if (isnan(best)) best = INFINITY;
    if (n == 0 || max_evals <= 1) return best;
    if (!lambda) lambda = 4 + (size_t)floor(3 * log((double)n));
    if (lambda < 4) lambda = 4;
    size_t mu = lambda / 2;
    double *mem = calloc(8 * n + 4 * n * n + lambda * (2 * n + 1) + mu + 4, sizeof *mem);
    ranked *rk = calloc(lambda, sizeof *rk);
    if (!mem || !rk) {
        free(mem);
        free(rk);
        return best;
    }
    double *m = mem, *pc = m + n, *ps = pc + n, *d = ps + n, *xbest = d + n, *y = xbest + n,
           *zmean = y + n, *tmp = zmean + n;
    double *C = tmp + n, *B = C + n * n, *A = B + n * n, *invsq = A + n * n;
    double *Z = invsq + n * n, *X = Z + lambda * n, *F = X + lambda * n, *w = F + lambda;
    /* weights, Table 1 */
    double wsum = 0, w2 = 0;
    for (size_t i = 0; i < mu; i++) w[i] = log((double)mu + 0.5) - log((double)i + 1), wsum += w[i];
    for (size_t i = 0; i < mu; i++) w[i] /= wsum, w2 += w[i] * w[i];
    double mueff = 1 / w2, dn = (double)n;
    double cc = (4 + mueff / dn) / (dn + 4 + 2 * mueff / dn);
    double cs = (mueff + 2) / (dn + mueff + 5);
    double c1 = 2 / ((dn + 1.3) * (dn + 1.3) + mueff);
    double cmu = fmin(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((dn + 2) * (dn + 2) + mueff));
    double damps = 1 + 2 * fmax(0, sqrt((mueff - 1) / (dn + 1)) - 1) + cs;
    double chin = sqrt(dn) * (1 - 1 / (4 * dn) + 1 / (21 * dn * dn));
    double sigma = sigma0;
    for (size_t i = 0; i < n; i++) {
        C[i * n + i] = B[i * n + i] = d[i] = 1;
        invsq[i * n + i] = 1;
        m[i] = 0; /* the search variable: x = x0 + scale * m */
    }
    memcpy(xbest, x0, n * sizeof *x0);
    double *origin = malloc(n * sizeof *origin);
    if (!origin) {
        free(mem);
        free(rk);
        return best;
    }
    memcpy(origin, x0, n * sizeof *x0);
    size_t evals = 1, gen = 0, eigen_gen = 0;
    while (evals + lambda <= max_evals) {
        for (size_t k = 0; k < lambda; k++) {
            double *z = Z + k * n, *xk = X + k * n;
            for (size_t i = 0; i < n; i++) tmp[i] = ua_rng_normal(rng) * d[i];
            for (size_t i = 0; i < n; i++) {
                double s = 0;
                for (size_t j = 0; j < n; j++) s += B[i * n + j] * tmp[j];
                z[i] = s; /* y_k = B D z */
                xk[i] = origin[i] + scale[i] * (m[i] + sigma * s);
            }
            double fk = fobj(xk, ctx);
            F[k] = isnan(fk) ? INFINITY : fk;
            rk[k].f = F[k];
            rk[k].i = k;
            if (F[k] < best) {
                best = F[k];
                memcpy(xbest, xk, n * sizeof *xk);
            }
        }
        evals += lambda;
        gen++;
        qsort(rk, lambda, sizeof *rk, by_f);
        if (!isfinite(rk[0].f)) {
            sigma *= 0.5; /* everything invalid: look closer */
            if (sigma < 1e-300) break;
            continue;
        }
        /* mean update: y_w = sum w_i y_(i) */
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t k = 0; k < mu; k++) s += w[k] * Z[rk[k].i * n + i];
            y[i] = s;
            m[i] += sigma * s;
        }
        /* C^-1/2 y_w */
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t j = 0; j < n; j++) s += invsq[i * n + j] * y[j];
            zmean[i] = s;
        }
        double psn = 0;
        for (size_t i = 0; i < n; i++) {
            ps[i] = (1 - cs) * ps[i] + sqrt(cs * (2 - cs) * mueff) * zmean[i];
            psn += ps[i] * ps[i];
        }
        psn = sqrt(psn);
        double hs = psn / sqrt(1 - pow(1 - cs, 2.0 * (double)gen)) < (1.4 + 2 / (dn + 1)) * chin;
        for (size_t i = 0; i < n; i++)
            pc[i] = (1 - cc) * pc[i] + hs * sqrt(cc * (2 - cc) * mueff) * y[i];
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++) {
                double r1 = pc[i] * pc[j] + (1 - hs) * cc * (2 - cc) * C[i * n + j];
                double rm = 0;
                for (size_t k = 0; k < mu; k++)
                    rm += w[k] * Z[rk[k].i * n + i] * Z[rk[k].i * n + j];
                C[i * n + j] = C[j * n + i] = (1 - c1 - cmu) * C[i * n + j] + c1 * r1 + cmu * rm;
            }
        sigma *= exp((cs / damps) * (psn / chin - 1));
        if (!(sigma > 1e-300) || !isfinite(sigma)) break;
        /* decompose C every n/10 + 1 generations */
        if (gen - eigen_gen >= n / 10 + 1) {
            eigen_gen = gen;
            memcpy(A, C, n * n * sizeof *C);
            jacobi(A, n, d, B);
            for (size_t i = 0; i < n; i++) d[i] = sqrt(fmax(d[i], 1e-300));
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++) {
                    double s = 0;
                    for (size_t k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k] / d[k];
                    invsq[i * n + j] = s;
                }
            double dmax = 0, dmin = INFINITY;
            for (size_t i = 0; i < n; i++) dmax = fmax(dmax, d[i]), dmin = fmin(dmin, d[i]);
            if (dmax > 1e7 * dmin) break; /* ill-conditioned: converged as far as it goes */
        }
        /* converged: steps below double resolution of every coordinate */
        double step = 0;
        for (size_t i = 0; i < n; i++) step = fmax(step, sigma * d[i] * fabs(scale[i]) /
                                                             fmax(fabs(origin[i] + scale[i] * m[i]),
                                                                  1e-300));
        if (step < 1e-17) break;
    }
    memcpy(x0, xbest, n * sizeof *x0);
    free(origin);
    free(mem);
    free(rk);
    return best;
}
