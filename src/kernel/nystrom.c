/*
 * Nyström approximation of kernel ridge (Williams & Seeger 2001): M landmarks L drawn from the
 * training rows, W = K(L, L) = U diag(s) U^T, and the features
 *     phi(x) = k(x, L) W^{+1/2},   W^{+1/2} = U diag(s_j^-1/2 if s_j > tol, else 0) U^T,
 * whose Gram matrix Phi Phi^T = C W^+ C^T is the Nyström approximation of K. The pseudo-inverse
 * square root (tol = 1e-12 max s) keeps duplicated landmarks finite: they only add zero
 * eigenvalues. Ridge on the features gives c (M, k); the model stores the landmarks and
 * beta = W^{+1/2} c, so that f(x) = k(x, L) beta, the same form as exact KRR.
 * O(n M d + n M^2 + M^3) time, (n + M) M doubles; above 80% of the physical memory it refuses
 * (UA_EINVAL naming the need, --nystrom and --samples) before allocating.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/internal.h"
#include "internal.h"

ua_status ua_kernel_nystrom_solve(ua_kernel *km, const double *x, const double *y, size_t n,
                                  const ua_kernel_options *o, int lambda_free, double *err);

ua_status ua_kernel_nystrom_solve(ua_kernel *km, const double *x, const double *y, size_t n,
                                  const ua_kernel_options *o, int lambda_free, double *err)
{
    size_t d = km->d, k = km->k, M = o->nystrom < n ? o->nystrom : n;
    /* the memory, estimated before allocating (as the mlp family does): the n x M kernel block and
     * features, W and R (M x M), the landmarks and weights */
    double need = 8.0 * (2.0 * (double)n * (double)M + 2.0 * (double)M * (double)M +
                         (double)M * (double)(d + k + 2)),
           limit = 0.8 * ua_phys_memory();
    if ((limit > 0 && need > limit) || need > 0.5 * (double)SIZE_MAX)
        return UA_ERR(UA_EINVAL, "kernel fit: Nystrom with M = %zu landmarks on %zu rows needs about "
                      "%.3g GiB, more than 80%% of the physical memory (%.3g GiB); reduce --nystrom M "
                      "or --samples (the training rows)", M, n, need / 1073741824.0,
                      limit / 1073741824.0);
    ua_rng r;
    ua_rng_seed(&r, o->seed ^ 0x6e7973ULL);
    size_t *idx = malloc(M * sizeof *idx);
    double *L = malloc(M * d * sizeof *L), *W = malloc(M * M * sizeof *W), *s = malloc(M * sizeof *s);
    double *R = malloc(M * M * sizeof *R), *C = malloc(n * M * sizeof *C);
    double *phi = malloc(n * M * sizeof *phi), *c = malloc(M * k * sizeof *c);
    ua_status st = UA_OK;
    if (!idx || !L || !W || !s || !R || !C || !phi || !c) st = UA_ENOMEM_ERR(2 * n * M * sizeof(double));
    if (!st) st = ua_rng_subset(&r, n, M, idx);
    for (size_t i = 0; !st && i < M; i++) memcpy(L + i * d, x + idx[i] * d, d * sizeof *L);
    if (!st) st = ua_kernel_matrix(&km->spec, L, M, L, M, d, W);
    if (!st) st = ua_ridge_check_finite("kernel fit", "the landmark kernel matrix", W, M * M, 0);
    if (!st) {
        lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)M, W, (lapack_int)M, s);
        if (info) st = UA_ERR(UA_EDOMAIN, "nystrom: eigendecomposition of K(L, L) failed (%d)", (int)info);
    }
    if (!st) {
        /* rows of W are eigenvectors u_j; R = sum_j u_j u_j^T / sqrt(s_j) over s_j > tol */
        double smax = 0;
        for (size_t j = 0; j < M; j++) smax = fmax(smax, s[j]);
        double tol = 1e-12 * smax;
        for (size_t j = 0; j < M; j++) {
            double f = s[j] > tol ? 1.0 / sqrt(sqrt(s[j])) : 0.0; /* split s^-1/2 over both sides */
            for (size_t i = 0; i < M; i++) W[j * M + i] *= f;
        }
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)M, (int)M, (int)M, 1.0, W, (int)M,
                    W, (int)M, 0.0, R, (int)M);
        st = ua_kernel_matrix(&km->spec, x, n, L, M, d, C);
        if (!st) st = ua_ridge_check_finite("kernel fit", "the kernel matrix", C, n * M, 0);
    }
    if (!st) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)M, (int)M, 1.0, C,
                    (int)M, R, (int)M, 0.0, phi, (int)M);
        double lam = km->lambda;
        const double *lams = o->lambda_grid ? o->lambda_grid : ua_ridge_default_lambdas;
        size_t nl = lambda_free ? (o->lambda_grid ? o->n_lambda : UA_RIDGE_N_DEFAULT_LAMBDAS) : 0;
        double e = NAN, et = NAN;
        /* lambda chosen on the standardised error; the error reported in target units */
        const double *cw = km->standardize && !km->classify ? km->ys.scale : NULL;
        st = ua_ridge_features_w(phi, y, n, M, k, cw, lams, nl, 0, &lam, &e, &et, NULL, c);
        if (!st && nl) {
            km->lambda = lam;
            *err = et;
        }
    }
    if (!st) {
        km->w = malloc(M * k * sizeof *km->w);
        if (!km->w) st = UA_ENOMEM_ERR(M * k * sizeof *km->w);
        else cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)M, (int)k, (int)M, 1.0, R,
                         (int)M, c, (int)k, 0.0, km->w, (int)k);
    }
    if (!st) {
        km->pts = L;
        L = NULL;
        km->m = M;
    }
    free(idx);
    free(L);
    free(W);
    free(s);
    free(R);
    free(C);
    free(phi);
    free(c);
    return st;
}
