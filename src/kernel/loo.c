/*
 * Hyperparameter selection for kernel ridge: the exact leave-one-out error in closed form
 * (Rifkin & Lippert 2007, "Notes on regularized least squares"): with H = (K + lambda I)^-1 and
 * alpha = H y, removing row i changes its prediction to y_i - alpha_i / H_ii, so the LOO residual
 * is e_i = alpha_i / H_ii. One eigendecomposition K = Q diag(s) Q^T serves every lambda:
 *   alpha = Q diag(1/(s + lambda)) Q^T y,   H_ii = sum_j Q_ij^2 / (s_j + lambda).
 * k-fold: an eigendecomposition of each training fold, again shared by every lambda.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/internal.h"
#include "internal.h"

/* Eigendecomposition of the symmetric a (n, n) whose lower triangle (row-major) is set: on return
 * row j of a (row-major) is the eigenvector of s[j]. dsyevd in column-major order reads the same
 * memory as its upper triangle and writes the eigenvectors as columns = our rows. */
static ua_status eig(double *a, size_t n, double *s)
{
    ua_status st = ua_ridge_check_finite("kernel fit", "the kernel matrix", a, n, 1);
    if (st) return st;
    lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)n, a, (lapack_int)n, s);
    if (info < 0) return UA_ERR(UA_EINVAL, "dsyevd: argument %d is invalid", (int)-info);
    if (info > 0) return UA_ERR(UA_EDOMAIN, "dsyevd: the eigendecomposition did not converge");
    return UA_OK;
}

/* LOO residuals res (n, k) for one lambda from E (rows = eigenvectors), s, qty = E y (n, k).
 * Returns 0, or -1 when some s_j + lambda <= 0 (not positive definite at this lambda). */
static int loo_one(const double *E, const double *s, const double *qty, size_t n, size_t k,
                   double lambda, double *c, double *h, double *cq, double *res)
{
    for (size_t j = 0; j < n; j++) {
        if (!(s[j] + lambda > 0)) return -1;
        c[j] = 1.0 / (s[j] + lambda);
        for (size_t t = 0; t < k; t++) cq[j * k + t] = c[j] * qty[j * k + t];
    }
    /* alpha = E^T cq */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)k, (int)n, 1.0, E, (int)n, cq,
                (int)k, 0.0, res, (int)k);
    memset(h, 0, n * sizeof *h);
    for (size_t j = 0; j < n; j++) {
        const double *e = E + j * n;
        double cj = c[j];
        for (size_t i = 0; i < n; i++) h[i] += e[i] * e[i] * cj;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < k; t++) res[i * k + t] /= h[i];
    return 0;
}

/* sqrt(sum_t cw[t]^2 sse[t] / (n k)): the RMSE in target units of per-column sums of squared
 * standardised residuals sse (k,); cw NULL: unit scales. */
static double scaled_rmse(const double *sse, const double *cw, size_t n, size_t k)
{
    double sum = 0;
    for (size_t t = 0; t < k; t++) sum += (cw ? cw[t] * cw[t] : 1.0) * sse[t];
    return sqrt(sum / (double)(n * k));
}

ua_status ua_krr_loo_grid(double *kmat, const double *y, size_t n, size_t k, const double *cw,
                          const double *lambdas, size_t nl, double *err, double *err_t)
{
    double *s = malloc(n * sizeof *s), *qty = malloc(n * k * sizeof *qty);
    double *c = malloc(n * sizeof *c), *h = malloc(n * sizeof *h);
    double *cq = malloc(n * k * sizeof *cq), *res = malloc(n * k * sizeof *res);
    double *sse = malloc(k * sizeof *sse);
    ua_status st = UA_OK;
    if (!s || !qty || !c || !h || !cq || !res || !sse) st = UA_ENOMEM_ERR(4 * n * k * sizeof(double));
    if (!st) st = eig(kmat, n, s);
    if (!st) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)k, (int)n, 1.0, kmat,
                    (int)n, y, (int)k, 0.0, qty, (int)k);
        double smin = s[0], smax = s[0];
        for (size_t j = 1; j < n; j++) {
            smin = s[j] < smin ? s[j] : smin;
            smax = s[j] > smax ? s[j] : smax;
        }
        for (size_t l = 0; l < nl; l++) {
            /* a lambda that leaves K + lambda I conditioned worse than 1e14 is no candidate: its
             * LOO residuals are rounding, and the final Cholesky may fail (select.c reports a
             * choice on that boundary) */
            if (!(smin + lambdas[l] > UA_KERNEL_MAX_COND_INV * (smax + lambdas[l])) ||
                loo_one(kmat, s, qty, n, k, lambdas[l], c, h, cq, res)) {
                err[l] = INFINITY;
                if (err_t) err_t[l] = INFINITY;
                continue;
            }
            memset(sse, 0, k * sizeof *sse);
            for (size_t i = 0; i < n; i++)
                for (size_t t = 0; t < k; t++) sse[t] += res[i * k + t] * res[i * k + t];
            err[l] = scaled_rmse(sse, NULL, n, k);
            if (err_t) err_t[l] = scaled_rmse(sse, cw, n, k);
        }
    }
    free(sse);
    free(s);
    free(qty);
    free(c);
    free(h);
    free(cq);
    free(res);
    return st;
}

ua_status ua_krr_kfold_grid(const double *kmat, const double *y, size_t n, size_t k,
                            const double *cw, const size_t *fold, size_t folds,
                            const double *lambdas, size_t nl, double *err, double *err_t)
{
    double *sse = ua_calloc(nl * k, sizeof *sse); /* (nl, k): per lambda and output column */
    size_t *tr = malloc(n * sizeof *tr), *va = malloc(n * sizeof *va);
    double *E = malloc(n * n * sizeof *E), *s = malloc(n * sizeof *s);
    double *qty = malloc(n * k * sizeof *qty), *cq = malloc(n * k * sizeof *cq);
    double *beta = malloc(n * k * sizeof *beta), *ytr = malloc(n * k * sizeof *ytr);
    ua_status st = UA_OK;
    if (!sse || !tr || !va || !E || !s || !qty || !cq || !beta || !ytr)
        st = UA_ENOMEM_ERR(n * n * sizeof *E);
#define KAT(i, j) ((i) >= (j) ? kmat[(i) * n + (j)] : kmat[(j) * n + (i)])
    for (size_t f = 0; !st && f < folds; f++) {
        size_t nt = 0, nv = 0;
        for (size_t i = 0; i < n; i++) {
            if (fold[i] == f) va[nv++] = i;
            else tr[nt++] = i;
        }
        if (!nv || !nt) continue;
        for (size_t a = 0; a < nt; a++) {
            for (size_t b = 0; b <= a; b++) E[a * nt + b] = KAT(tr[a], tr[b]);
            memcpy(ytr + a * k, y + tr[a] * k, k * sizeof *ytr);
        }
        if ((st = eig(E, nt, s))) break;
        double smin = s[0], smax = s[0];
        for (size_t j = 1; j < nt; j++) {
            smin = s[j] < smin ? s[j] : smin;
            smax = s[j] > smax ? s[j] : smax;
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nt, (int)k, (int)nt, 1.0, E,
                    (int)nt, ytr, (int)k, 0.0, qty, (int)k);
        for (size_t l = 0; l < nl; l++) {
            int bad = !(smin + lambdas[l] > UA_KERNEL_MAX_COND_INV * (smax + lambdas[l]));
            for (size_t j = 0; j < nt && !bad; j++) {
                if (!(s[j] + lambdas[l] > 0)) bad = 1;
                for (size_t t = 0; t < k; t++) cq[j * k + t] = qty[j * k + t] / (s[j] + lambdas[l]);
            }
            if (bad) {
                for (size_t t = 0; t < k; t++) sse[l * k + t] = INFINITY;
                continue;
            }
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nt, (int)k, (int)nt, 1.0, E,
                        (int)nt, cq, (int)k, 0.0, beta, (int)k);
            for (size_t v = 0; v < nv; v++)
                for (size_t t = 0; t < k; t++) {
                    double p = 0;
                    for (size_t a = 0; a < nt; a++) p += KAT(va[v], tr[a]) * beta[a * k + t];
                    double e = y[va[v] * k + t] - p;
                    sse[l * k + t] += e * e;
                }
        }
    }
#undef KAT
    for (size_t l = 0; !st && l < nl; l++) {
        err[l] = scaled_rmse(sse + l * k, NULL, n, k);
        if (err_t) err_t[l] = scaled_rmse(sse + l * k, cw, n, k);
    }
    free(sse);
    free(tr);
    free(va);
    free(E);
    free(s);
    free(qty);
    free(cq);
    free(beta);
    free(ytr);
    return st;
}

ua_status ua_kernel_loo_residuals(const double *kmat, const double *y, size_t n, size_t k,
                                  double lambda, double *res)
{
    if (!kmat || !y || !res || !n || !k) return UA_ERR(UA_EINVAL, "ua_kernel_loo_residuals: bad argument");
    double *E = malloc(n * n * sizeof *E), *s = malloc(n * sizeof *s);
    double *qty = malloc(n * k * sizeof *qty), *c = malloc(n * sizeof *c), *h = malloc(n * sizeof *h);
    double *cq = malloc(n * k * sizeof *cq);
    ua_status st = UA_OK;
    if (!E || !s || !qty || !c || !h || !cq) st = UA_ENOMEM_ERR(n * n * sizeof *E);
    if (!st) {
        memcpy(E, kmat, n * n * sizeof *E);
        st = eig(E, n, s);
    }
    if (!st) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)k, (int)n, 1.0, E,
                    (int)n, y, (int)k, 0.0, qty, (int)k);
        if (loo_one(E, s, qty, n, k, lambda, c, h, cq, res))
            st = UA_ERR(UA_EDOMAIN, "K + lambda I is not positive definite at lambda = %g", lambda);
    }
    free(E);
    free(s);
    free(qty);
    free(c);
    free(h);
    free(cq);
    return st;
}
