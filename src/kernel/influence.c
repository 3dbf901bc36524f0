/*
 * The kernel family's influence hook (src/model/family.h): the exact leave-one-out change of a
 * prediction of kernel ridge regression with its hyperparameters (kernel, lambda) and scalers
 * kept. With A = K + lambda I, G = A^-1, alpha = G y and v = G k(x), removing row i gives
 * alpha^(-i) = alpha_{-i} - G_{-i,i} alpha_i / G_ii (the inverse of a principal submatrix by the
 * Schur complement, as in the closed-form LOO of Rifkin & Lippert 2007), hence
 *     f(x) - f_{-i}(x) = alpha_i v_i / G_ii,
 * exact in real arithmetic: one Cholesky factorisation of A (O(n^3 / 3)), its inverse
 * (O(2 n^3 / 3)), one solve. Exact fits only: a Nystrom model is a ridge on features whose
 * landmarks a refit would draw again, so it has no such closed form here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <lapacke.h>
#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

ua_status ua_kernel_influence(const void *state, const double *X, const double *y, size_t n,
                              size_t d, const double *x, double *infl, int *exact)
{
    const ua_kernel *km = state;
    if (km->classify)
        return UA_ERR(UA_EUNSUPPORTED, "a kernel classifier has no closed-form "
                      "leave-one-out of its class (only regression models)");
    if (km->nystrom)
        return UA_ERR(UA_EUNSUPPORTED, "a Nystrom kernel model has no exact "
                      "leave-one-out here (refit without --nystrom, or use rf)");
    if (km->k != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the model has %zu outputs (one is needed)", km->k);
    if (d != km->d || n != km->m)
        return UA_ERR(UA_EINVAL, "the data has %zu row%s of %zu input%s, the model was fitted "
                      "on %zu row%s of %zu", n, n == 1 ? "" : "s", d, d == 1 ? "" : "s", km->m,
                      km->m == 1 ? "" : "s", km->d);
    double need = (double)n * (double)n * 8.0, limit = 0.5 * ua_phys_memory();
    if (limit > 0 && need > limit)
        return UA_ERR(UA_EINVAL, "the %zu x %zu kernel matrix needs %.3g GiB, more "
                      "than half the memory", n, n, need / 1073741824.0);
    double *z = malloc((n * d + d) * sizeof *z), *K = malloc(n * n * sizeof *K),
           *v = malloc(n * sizeof *v);
    ua_status st = UA_OK;
    if (!z || !K || !v) st = UA_ENOMEM_ERR(need);
    if (!st) {
        memcpy(z, X, n * d * sizeof *z);
        memcpy(z + n * d, x, d * sizeof *z);
        if (km->standardize) ua_scaler_apply(&km->xs, z, n + 1);
        /* the rows must be the model's own (it keeps them, standardised) */
        for (size_t i = 0; i < n * d && !st; i++)
            if (!(fabs(z[i] - km->pts[i]) <= 1e-9 * (1 + fabs(km->pts[i]))))
                st = UA_ERR(UA_EINVAL, "data row %zu is not the model's training row "
                            "%zu (input %zu: %.17g, the model holds %.17g after its scaling); "
                            "give the training rows in their order", i / d + 1, i / d + 1,
                            i % d + 1, X[i], km->pts[i]);
    }
    if (!st) st = ua_kmat_sym_lower(&km->spec, km->pts, n, d, K, n);
    if (!st) {
        /* the targets must be the model's own too (as rf checks its normal equations): the
         * weights solve (K + lambda I) w = (y - ym) / ys, so a wrong target column is refused
         * rather than silently unused */
        const double ym = km->standardize ? km->ys.mean[0] : 0, ys = km->standardize ? km->ys.scale[0] : 1;
        double nb = 0, nr = 0, nk = 0, nw = 0;
        for (size_t i = 0; i < n; i++) {
            double t = (y[i] - ym) / ys, r = km->lambda * km->w[i] - t;
            for (size_t j = 0; j < n; j++) {
                double kij = K[i >= j ? i * n + j : j * n + i];
                r += kij * km->w[j];
                nk += kij * kij;
            }
            nb += t * t;
            nr += r * r;
            nw += km->w[i] * km->w[i];
        }
        /* a backward-stable solve leaves about eps ||A|| ||w||: far below a wrong column's miss */
        if (!(sqrt(nr) <= 1e-6 * sqrt(nb) + 1e-9 * (sqrt(nk) + km->lambda) * sqrt(nw)))
            st = UA_ERR(UA_EINVAL, "these targets are not the ones the model was fitted "
                        "on (its system (K + lambda I) w = y misses by %.3g relative); give the "
                        "training rows with their target column (--y-col)", sqrt(nr / (nb > 0 ? nb : 1)));
    }
    if (!st) st = ua_kernel_matrix(&km->spec, km->pts, n, z + n * d, 1, d, v); /* v = k(x) */
    if (!st) {
        for (size_t i = 0; i < n; i++) K[i * n + i] += km->lambda;
        /* row-major lower = column-major upper, as the fit factors it */
        lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)n, K, (lapack_int)n);
        if (!info) info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', (lapack_int)n, 1, K,
                                         (lapack_int)n, v, (lapack_int)n);
        if (!info) info = LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', (lapack_int)n, K, (lapack_int)n);
        if (info)
            st = UA_ERR(UA_EDOMAIN, "K + lambda I is not positive definite (LAPACK "
                        "info %d)", (int)info);
    }
    if (!st) {
        double ys = km->standardize ? km->ys.scale[0] : 1.0;
        for (size_t i = 0; i < n; i++) infl[i] = km->w[i] * v[i] / K[i * n + i] * ys;
        if (exact) *exact = 1;
    }
    free(z);
    free(K);
    free(v);
    return st;
}
