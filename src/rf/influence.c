/*
 * The rf family's influence hook (src/model/family.h): the exact leave-one-out change of a
 * prediction of the ridge on random features, the features, lambda and scalers kept. With
 * H (n, m) the training features, A = H^T H + lambda I, c = A^-1 H^T y, residuals r = y - H c and
 * leverages h_i = phi_i^T A^-1 phi_i (the hat matrix's diagonal), the Sherman-Morrison update of
 * A without row i gives c^(-i) = c - A^-1 phi_i r_i / (1 - h_i), hence
 *     f(x) - f_{-i}(x) = phi(x)^T A^-1 phi_i r_i / (1 - h_i)
 * (the PRESS identity of linear smoothers, Allen 1974), exact in real arithmetic. Cost: the
 * Gram matrix O(n m^2), a Cholesky O(m^3 / 3), one solve with n right-hand sides O(n m^2).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

ua_status ua_rf_influence(const void *state, const double *X, const double *y, size_t n, size_t d,
                          const double *x, double *infl, int *exact)
{
    const ua_rf *m = state;
    size_t M = m->m;
    if (m->k != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the model has %zu outputs (one is needed)", m->k);
    if (d != m->d || n != m->n_train)
        return UA_ERR(UA_EINVAL, "the data has %zu row%s of %zu input%s, the model was "
                      "fitted on %zu row%s of %zu", n, n == 1 ? "" : "s", d, d == 1 ? "" : "s",
                      m->n_train, m->n_train == 1 ? "" : "s", m->d);
    double need = ((double)(n + 1) * (double)M + (double)M * (double)M) * 8.0;
    double limit = 0.5 * ua_phys_memory();
    if (limit > 0 && need > limit)
        return UA_ERR(UA_EINVAL, "the features and Gram matrix need %.3g GiB, more than "
                      "half the memory", need / 1073741824.0);
    double *z = malloc((n + 1) * d * sizeof *z), *H = malloc((n + 1) * M * sizeof *H);
    double *S = malloc(M * sizeof *S), *A = malloc(M * M * sizeof *A);
    double *r = malloc(n * sizeof *r), *g = malloc(M * sizeof *g), *u = malloc(M * sizeof *u);
    ua_status st = UA_OK;
    if (!z || !H || !S || !A || !r || !g || !u) st = UA_ENOMEM_ERR(need);
    if (!st) {
        memcpy(z, X, n * d * sizeof *z);
        memcpy(z + n * d, x, d * sizeof *z);
        if (m->standardize) ua_scaler_apply(&m->xs, z, n + 1);
        st = ua_rf_features_std(m, z, n + 1, H); /* row n: phi(x) */
    }
    if (!st) {
        const double ym = m->standardize ? m->ys.mean[0] : 0, ys = m->standardize ? m->ys.scale[0] : 1;
        for (size_t i = 0; i < n; i++) r[i] = (y[i] - ym) / ys;
        /* the rows must be the training rows: the normal equations H^T (y - H c) = lambda c hold */
        double nb = 0, ng = 0;
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)M, 1.0, H, (int)M, r, 1, 0.0, g, 1);
        for (size_t j = 0; j < M; j++) nb += g[j] * g[j];
        for (size_t i = 0; i < n; i++) r[i] -= cblas_ddot((int)M, H + i * M, 1, m->c, 1);
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)M, 1.0, H, (int)M, r, 1, 0.0, g, 1);
        for (size_t j = 0; j < M; j++) ng += (g[j] - m->lambda * m->c[j]) * (g[j] - m->lambda * m->c[j]);
        if (!(sqrt(ng) <= 1e-6 * sqrt(nb) + 1e-300))
            st = UA_ERR(UA_EINVAL, "these %zu rows are not the ones the model was fitted "
                        "on (its normal equations miss by %.3g relative); give the training rows in "
                        "their order", n, sqrt(ng / (nb > 0 ? nb : 1)));
    }
    if (!st) {
        /* A = H^T H + lambda I (lower triangle, row-major) */
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)M, (int)n, 1.0, H, (int)M, 0.0, A, (int)M);
        for (size_t j = 0; j < M; j++) A[j * M + j] += m->lambda;
        lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)M, A, (lapack_int)M);
        if (info)
            st = UA_ERR(UA_EDOMAIN, "H^T H + lambda I is not positive definite (LAPACK "
                        "info %d)", (int)info);
    }
    if (!st) {
        /* u = A^-1 phi(x), so that phi_i^T A^-1 phi(x) = phi_i . u */
        memcpy(u, H + n * M, M * sizeof *u);
        LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', (lapack_int)M, 1, A, (lapack_int)M, u, 1);
        const double ys = m->standardize ? m->ys.scale[0] : 1;
        for (size_t i = 0; i < n; i++) {
            double h = 0, p = 0;
            /* h_i = phi_i^T A^-1 phi_i through the factor: |L^-1 phi_i|^2 */
            memcpy(S, H + i * M, M * sizeof *S);
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)M, A, (int)M,
                        S, 1);
            h = cblas_ddot((int)M, S, 1, S, 1);
            p = cblas_ddot((int)M, H + i * M, 1, u, 1);
            infl[i] = p * r[i] / (1 - h) * ys;
        }
        if (exact) *exact = 1;
    }
    free(z);
    free(H);
    free(S);
    free(A);
    free(r);
    free(g);
    free(u);
    return st;
}
