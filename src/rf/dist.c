/*
 * The output layer at a fixed lambda in double precision, in a job of several MPI ranks
 * (uniapprox/dist.h): c = (H^T H + lambda I)^-1 H^T y, H (n, m) the hidden features in double.
 * The fallback of the distributed mixed-precision solve (solve.c) where its conjugate gradients
 * (preconditioned in float32) do not converge, as solve_double is the single process's: each rank
 * forms H^T H and H^T y of its own rows (ua_dist_share: a contiguous block), one rank-ordered
 * allreduce adds them
 * (ua_dist_allreduce_sum: the same bits on every rank), and every rank solves the same m x m
 * system by Cholesky (LAPACK dposv), so every rank holds the same model.
 *
 * Cost per rank: (n / ranks) m^2 flops for the Gram matrix (dsyrk), m^3 / 3 for the Cholesky
 * (the same on every rank), and (m^2 + k m + 1) doubles exchanged once (the allreduce gathers
 * them from every rank).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/internal.h"
#include "train/ridge.h"
#include "uniapprox/dist.h"
#include "internal.h"

enum { BLOCK_ROWS = 256 };

/* Rows [r0, r1) of z into G (m, m, lower triangle, += H^T H) and bt (k, m, += (H^T y)^T). buf
 * is (BLOCK_ROWS, m). */
static ua_status gram_part(const ua_rf *m, const double *z, const double *y, size_t r0, size_t r1,
                           double *buf, double *G, double *bt)
{
    size_t M = m->m, k = m->k, d = m->d;
    for (size_t i0 = r0; i0 < r1; i0 += BLOCK_ROWS) {
        size_t nb = r1 - i0 < BLOCK_ROWS ? r1 - i0 : BLOCK_ROWS;
        ua_status st = ua_rf_features_std(m, z + i0 * d, nb, buf);
        if (st) return st;
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)M, (int)nb, 1.0, buf, (int)M, 1.0,
                    G, (int)M);
        /* bt (k, m) += y_block^T (k, nb) H_block (nb, m) */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)M, (int)nb, 1.0,
                    y + i0 * k, (int)k, buf, (int)M, 1.0, bt, (int)M);
    }
    return UA_OK;
}

ua_status ua_rf_solve_fixed_dist(const ua_rf *m, const double *z, const double *y, size_t n,
                                 double lambda, double *c)
{
    if (!(lambda > 0)) return UA_ERR(UA_EINVAL, "ridge: lambda must be > 0, got %g", lambda);
    size_t M = m->m, k = m->k, lo, hi;
    ua_dist_share(n, &lo, &hi);
    /* one buffer for the exchange: G (m, m), bt (k, m), and a failure flag */
    size_t len = M * M + k * M + 1;
    double *g = ua_alloc_large(len * sizeof *g), *buf = malloc(BLOCK_ROWS * M * sizeof *buf);
    ua_status st = UA_OK;
    if (!g || !buf) {
        st = UA_ENOMEM_ERR((len + BLOCK_ROWS * M) * sizeof(double));
        /* still take part in the exchange (with a flag alone: a size mismatch MPI ends the
         * job on), so that the other ranks are not left waiting */
        double flag = 1;
        (void)ua_dist_allreduce_sum(&flag, 1);
        free(g);
        free(buf);
        return st;
    }
    memset(g, 0, len * sizeof *g);
    int blas_threads = ua_blas_threads_quiet(); /* the ranks already hold the cores */
    st = gram_part(m, z, y, lo, hi, buf, g, g + M * M);
    ua_blas_threads_quiet_restore(blas_threads);
    /* every rank reaches the exchange, a failed one with its flag set */
    if (st) memset(g, 0, len * sizeof *g);
    g[len - 1] = st ? 1.0 : 0.0;
    ua_status sx = ua_dist_allreduce_sum(g, len);
    if (!st) st = sx;
    if (!st && g[len - 1] != 0)
        st = UA_ERR(UA_ENOMEM, "rf fit: another rank of the job failed to form its Gram matrix "
                    "(its message is that rank's)");
    if (!st) {
        /* G + lambda I, lower triangle row-major = upper column-major; bt (k, m) row-major is
         * the (m, k) column-major right-hand side */
        for (size_t j = 0; j < M; j++) g[j * M + j] += lambda;
        lapack_int info = LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', (lapack_int)M, (lapack_int)k, g,
                                        (lapack_int)M, g + M * M, (lapack_int)M);
        if (info)
            st = UA_ERR(UA_EDOMAIN, "rf fit: the Cholesky factorisation of H^T H + lambda I failed "
                        "(LAPACK info %d; lambda %g too small for the features)", (int)info,
                        lambda);
        else
            for (size_t j = 0; j < M; j++)
                for (size_t t = 0; t < k; t++) c[j * k + t] = g[M * M + t * M + j];
    }
    free(g);
    free(buf);
    if (!st) st = ua_ridge_check_finite("rf fit", "the output weights", c, M * k, 0);
    return st;
}
