/*
 * The output layer at a fixed lambda in a job of several MPI ranks (uniapprox/dist.h):
 *   c = (H^T H + lambda I)^-1 H^T y,   H (n, m) the hidden features.
 * Each rank forms the Gram matrix H^T H and H^T y of its own rows (ua_dist_share: a contiguous
 * block), one rank-ordered allreduce adds them (ua_dist_allreduce_sum: the same bits on every
 * rank), and every rank solves the same m x m system by Cholesky in double (LAPACK dposv), so every
 * rank holds the same model.
 *
 * The features are rounded to float32 before the products, as the single-process solve does
 * (solve.c), so that both solve the same system: that one converges to its double-precision
 * solution by iterative refinement, this one solves it directly in double; they agree to the
 * system's conditioning times the refinement's tolerance (about 1e-12 relative in practice). A
 * feature outside float32's range on any rank makes every rank redo the products in double, as
 * the single-process solve falls back to double.
 *
 * Cost per rank: (n / ranks) m^2 flops for the Gram matrix (dsyrk), m^3 / 3 for the Cholesky
 * (the same on every rank), and (m^2 + k m + 1) doubles exchanged once (times the ranks in the
 * allreduce's gather).
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

/* Rows [r0, r1) of z into G (m, m, lower triangle, += H^T H) and bt (k, m, += (H^T y)^T), the
 * features rounded to float32 when in_float; *overflow := 1 when in_float and a feature is not
 * finite in float32 (the sums are then to be redone in double). buf is (BLOCK_ROWS, m). */
static ua_status gram_part(const ua_rf *m, const double *z, const double *y, size_t r0, size_t r1,
                           int in_float, double *buf, double *G, double *bt, int *overflow)
{
    size_t M = m->m, k = m->k, d = m->d;
    *overflow = 0;
    for (size_t i0 = r0; i0 < r1; i0 += BLOCK_ROWS) {
        size_t nb = r1 - i0 < BLOCK_ROWS ? r1 - i0 : BLOCK_ROWS;
        ua_status st = ua_rf_features_std(m, z + i0 * d, nb, buf);
        if (st) return st;
        if (in_float)
            for (size_t t = 0; t < nb * M; t++) {
                float f = (float)buf[t];
                if (!isfinite(f)) {
                    *overflow = 1;
                    return UA_OK;
                }
                buf[t] = (double)f;
            }
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
    /* one buffer for the exchange: G (m, m), bt (k, m), and the overflow flag */
    size_t len = M * M + k * M + 1;
    double *g = ua_alloc_large(len * sizeof *g), *buf = malloc(BLOCK_ROWS * M * sizeof *buf);
    ua_status st = UA_OK;
    if (!g || !buf) st = UA_ENOMEM_ERR((len + BLOCK_ROWS * M) * sizeof(double));
    /* OpenBLAS on one thread: the ranks already hold the cores */
    int blas_threads = ua_blas_threads_serial();
    for (int in_float = 1; !st; in_float = 0) {
        memset(g, 0, len * sizeof *g);
        int overflow = 0;
        st = gram_part(m, z, y, lo, hi, in_float, buf, g, g + M * M, &overflow);
        /* every rank reaches the exchange, a failed one with its flag (2) set, so that no rank
         * waits for another forever; the flag says whether to redo the sums in double */
        g[len - 1] = st ? 2.0 : overflow ? 1.0 : 0.0;
        if (st || overflow) memset(g, 0, (len - 1) * sizeof *g);
        ua_status sx = ua_dist_allreduce_sum(g, len);
        if (st) break;
        if ((st = sx)) break;
        if (g[len - 1] >= 2.0) {
            st = UA_ERR(UA_ENOMEM, "rf fit: another rank of the job failed to form its Gram "
                        "matrix (its message is that rank's)");
            break;
        }
        if (g[len - 1] == 0.0 || !in_float) break;
    }
    ua_blas_threads_restore(blas_threads);
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
