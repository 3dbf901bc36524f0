/*
 * Out-of-core random-feature fit (uniapprox/rf.h ua_rf_fit_blocks, docs/data.md "Out-of-core
 * data"): the output layer's ridge problem needs only the normal equations Phi^T Phi and Phi^T y,
 * sums over rows, so they are accumulated block by block and the rows are never all in memory.
 *
 * Choosing lambda without the rows: with G = V diag(s) V^T and beta = V^T Phi^T y,
 *   c(lambda) = V diag(1 / (s + lambda)) beta,
 *   validation error  |y_v - Phi_v c|^2 = y_v^T y_v - 2 c^T (Phi_v^T y_v) + c^T G_v c,
 *   training residual |y - Phi c|^2     = y^T y - 2 c^T Phi^T y + c^T G c,
 *   GCV(lambda) = n |y - Phi c|^2 / (n - sum s / (s + lambda))^2   (Golub, Heath & Wahba 1979).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "uniapprox/blocks.h"
#include "core/internal.h"
#include "train/ridge.h"
#include "internal.h"

enum { CHUNK = 1024 }; /* feature rows computed at a time */

ua_status ua_rf_normal_blocks(const ua_rf *m, ua_blocks *src, size_t ycol, const size_t *blocks,
                              size_t nb, double *work, double *G, double *b, double *yy,
                              size_t *rows)
{
    size_t M = m->m, d = ua_blocks_cols(src), dx = d - 1, B = ua_blocks_block_rows(src);
    double *blk = work, *x = blk + B * d, *y = x + CHUNK * dx, *phi = y + CHUNK;
    memset(G, 0, M * M * sizeof *G);
    memset(b, 0, M * sizeof *b);
    *yy = 0;
    *rows = 0;
    for (size_t q = 0; q < nb; q++) {
        size_t nr;
        ua_status s = ua_blocks_read(src, blocks[q], blk, &nr);
        if (s) return s;
        for (size_t i0 = 0; i0 < nr; i0 += CHUNK) {
            size_t c = nr - i0 < CHUNK ? nr - i0 : CHUNK;
            ua_blocks_xy(blk + i0 * d, c, d, ycol, x, y);
            if (m->standardize) {
                ua_scaler_apply(&m->xs, x, c);
                ua_scaler_apply(&m->ys, y, c);
            }
            if ((s = ua_rf_features_std(m, x, c, phi))) return s;
            cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)M, (int)c, 1.0, phi, (int)M, 1.0,
                        G, (int)M);
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)c, (int)M, 1.0, phi, (int)M, y, 1, 1.0, b, 1);
            for (size_t i = 0; i < c; i++) *yy += y[i] * y[i];
        }
        *rows += nr;
    }
    for (size_t j = 0; j < M; j++) /* the upper triangle from the lower */
        for (size_t l = j + 1; l < M; l++) G[j * M + l] = G[l * M + j];
    return UA_OK;
}

/* c (M,) := V diag(1 / (s + lambda)) beta; V (M, M) column-major eigenvectors (LAPACK). */
static void ridge_from_eigen(const double *V, const double *s, const double *beta, size_t M,
                             double lambda, double *tmp, double *c)
{
    for (size_t j = 0; j < M; j++) tmp[j] = beta[j] / (fmax(s[j], 0) + lambda);
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)M, (int)M, 1.0, V, (int)M, tmp, 1, 0.0, c, 1);
}

/* y^T y - 2 c^T b + c^T A c for symmetric A (M, M); tmp (M,). */
static double quad_error(const double *A, const double *b, double yy, const double *c, size_t M,
                         double *tmp)
{
    cblas_dsymv(CblasRowMajor, CblasLower, (int)M, 1.0, A, (int)M, c, 1, 0.0, tmp, 1);
    return yy - 2 * cblas_ddot((int)M, c, 1, b, 1) + cblas_ddot((int)M, c, 1, tmp, 1);
}

ua_status ua_rf_fit_blocks(ua_blocks *src, size_t ycol, double val_frac, const ua_rf_options *opt,
                           ua_rf **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_rf_fit_blocks: out is NULL");
    *out = NULL;
    if (!src) return UA_ERR(UA_EINVAL, "ua_rf_fit_blocks: src is NULL");
    ua_rf_options o;
    if (opt) o = *opt;
    else ua_rf_options_default(&o);
    size_t d = ua_blocks_cols(src), n = ua_blocks_rows(src), nbk = ua_blocks_count(src);
    if (d < 2)
        return UA_ERR(UA_EINVAL, "rf fit: out-of-core data needs at least 2 columns (inputs and "
                      "the target), got %zu", d);
    if (ycol >= d) return UA_ERR(UA_EINVAL, "rf fit: target column %zu of %zu", ycol, d);
    if (!(o.lambda >= 0 && isfinite(o.lambda)))
        return UA_ERR(UA_EINVAL, "rf fit: lambda must be >= 0, got %g", o.lambda);
    if (o.lambda_grid && !o.n_lambda) return UA_ERR(UA_EINVAL, "rf fit: empty lambda grid");
    for (size_t l = 0; o.lambda_grid && l < o.n_lambda; l++)
        if (!(o.lambda_grid[l] > 0))
            return UA_ERR(UA_EINVAL, "rf fit: lambda grid value %g is not > 0", o.lambda_grid[l]);
    size_t *train = malloc(nbk * sizeof *train), *val = malloc(nbk * sizeof *val), ntr = 0, nva = 0;
    if (!train || !val) {
        free(train);
        free(val);
        return UA_ENOMEM_ERR(2 * nbk * sizeof *train);
    }
    ua_status st = ua_blocks_split(src, val_frac, o.seed, train, &ntr, val, &nva);
    if (!st && o.features >= 1 && o.features <= 1000000) {
        /* refused before allocating: three m x m matrices, one block and the feature chunk */
        double Mf = (double)o.features, need = 8.0 * (3 * Mf * Mf + (double)ua_blocks_block_rows(src) * (double)d +
                                                      CHUNK * ((double)d + Mf + 1));
        double limit = o.max_memory > 0 ? o.max_memory : 0.8 * ua_phys_memory();
        if (limit > 0 && need > limit)
            st = UA_ERR(UA_EINVAL, "rf fit: %zu features need about %.3g GiB out of core (three "
                        "%zu x %zu matrices and a block of %zu rows), more than the %.3g GiB "
                        "allowed (--max-memory, default 80%% of the physical memory); reduce "
                        "--features or --block-rows", o.features, need / 1073741824.0, o.features,
                        o.features, ua_blocks_block_rows(src), limit / 1073741824.0);
    }
    ua_rf *m = NULL;
    if (!st) st = ua_rf_draw(&o, d - 1, &m);
    size_t M = m ? m->m : 0, B = ua_blocks_block_rows(src);
    double *work = NULL, *G = NULL, *Gv = NULL, *V = NULL, *bt = NULL, *bv = NULL, *tmp = NULL;
    if (!st) {
        m->k = 1;
        m->standardize = o.standardize != 0;
        if (m->standardize) {
            size_t *xc = malloc((d - 1) * sizeof *xc);
            if (!xc) st = UA_ENOMEM_ERR((d - 1) * sizeof *xc);
            for (size_t j = 0, t = 0; !st && j < d; j++)
                if (j != ycol) xc[t++] = j;
            if (!st) st = ua_blocks_scaler(src, xc, d - 1, &m->xs);
            if (!st) st = ua_blocks_scaler(src, &ycol, 1, &m->ys);
            free(xc);
        }
    }
    if (!st) {
        size_t wn = B * d + CHUNK * (d + M + 1);
        work = ua_alloc_large(wn * sizeof *work);
        G = ua_alloc_large(M * M * sizeof *G);
        Gv = nva ? ua_alloc_large(M * M * sizeof *Gv) : NULL;
        V = o.lambda > 0 ? NULL : ua_alloc_large(M * M * sizeof *V);
        bt = malloc(6 * M * sizeof *bt);
        if (!work || !G || (nva && !Gv) || (!(o.lambda > 0) && !V) || !bt)
            st = UA_ENOMEM_ERR((wn + 3 * M * M) * sizeof(double));
        else {
            bv = bt + M;
            tmp = bv + M;
        }
    }
    double yy = 0, yyv = 0;
    size_t rows = 0, rows_v = 0;
    if (!st) st = ua_rf_normal_blocks(m, src, ycol, train, ntr, work, G, bt, &yy, &rows);
    if (!st && nva) st = ua_rf_normal_blocks(m, src, ycol, val, nva, work, Gv, bv, &yyv, &rows_v);
    if (!st && rows < 2)
        st = UA_ERR(UA_EINVAL, "rf fit: need at least 2 training rows, got %zu", rows);
    if (!st && !isfinite(yy))
        st = UA_ERR(UA_EDIVERGED, "rf fit: the normal equations overflow double");
    free(m ? m->c : NULL);
    if (m) m->c = ua_calloc(M, sizeof *m->c);
    if (!st && !m->c) st = UA_ENOMEM_ERR(M * sizeof *m->c);
    double ysc = m && m->standardize ? m->ys.scale[0] : 1.0;
    if (!st && o.lambda > 0) { /* a fixed lambda: (G + lambda I) c = Phi^T y by Cholesky */
        for (size_t j = 0; j < M; j++) G[j * M + j] += o.lambda;
        memcpy(m->c, bt, M * sizeof *m->c);
        lapack_int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)M, 1, G, (lapack_int)M,
                                        m->c, 1);
        if (info)
            st = UA_ERR(UA_EDOMAIN, "rf fit: G + lambda I is not positive definite (LAPACK dposv "
                        "info %d); give a larger --lambda", (int)info);
        m->lambda = o.lambda;
        if (!st && nva) {
            double e = quad_error(Gv, bv, yyv, m->c, M, tmp);
            m->select_rmse = sqrt(fmax(e, 0) / (double)rows_v) * ysc;
        }
    } else if (!st) { /* lambda over the grid from one eigendecomposition */
        memcpy(V, G, M * M * sizeof *V);
        double *s = tmp + M, *beta = s + M, *c = beta + M;
        lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)M, V, (lapack_int)M, s);
        if (info) st = UA_ERR(UA_EDOMAIN, "rf fit: the eigendecomposition of Phi^T Phi failed "
                              "(LAPACK dsyevd info %d)", (int)info);
        if (!st) {
            cblas_dgemv(CblasColMajor, CblasTrans, (int)M, (int)M, 1.0, V, (int)M, bt, 1, 0.0, beta, 1);
            const double *grid = o.lambda_grid ? o.lambda_grid : ua_ridge_default_lambdas;
            size_t nl = o.lambda_grid ? o.n_lambda : UA_RIDGE_N_DEFAULT_LAMBDAS;
            double best = INFINITY;
            for (size_t l = 0; l < nl; l++) {
                ridge_from_eigen(V, s, beta, M, grid[l], tmp, c);
                double score;
                if (nva) {
                    score = fmax(quad_error(Gv, bv, yyv, c, M, tmp), 0) / (double)rows_v;
                } else {
                    double tr = 0;
                    for (size_t j = 0; j < M; j++) tr += fmax(s[j], 0) / (fmax(s[j], 0) + grid[l]);
                    double rss = fmax(quad_error(G, bt, yy, c, M, tmp), 0), den = (double)rows - tr;
                    score = den > 0 ? (double)rows * rss / (den * den) : INFINITY;
                }
                if (score < best) { /* the first of equal scores: the smallest lambda listed */
                    best = score;
                    m->lambda = grid[l];
                    memcpy(m->c, c, M * sizeof *c);
                }
            }
            if (!isfinite(best))
                st = UA_ERR(UA_EDIVERGED, "rf fit: no lambda of the grid gives a finite %s error",
                            nva ? "validation" : "GCV");
            m->select_rmse = sqrt(best) * ysc;
            m->gcv = nva == 0;
        }
    }
    if (!st) st = ua_ridge_check_finite("rf fit", "the output weights", m->c, M, 0);
    free(work);
    free(G);
    free(Gv);
    free(V);
    free(bt);
    free(train);
    free(val);
    if (st) {
        ua_rf_free(m);
        return st;
    }
    m->n_train = rows;
    m->fitted = 1;
    (void)n;
    *out = m;
    return UA_OK;
}
