/*
 * Predictive uncertainty of kernel ridge read as a Gaussian process (Rasmussen & Williams 2006,
 * 2.2 and 5.4.1): KRR with kernel k and ridge lambda is the posterior mean of the GP with prior
 * covariance s^2 k and noise variance s^2 lambda. The signal variance s^2 is the marginal
 * likelihood's maximiser for the fitted lambda (profiled: s^2 = y^T (K + lambda I)^-1 y / n,
 * per output column), so the noise variance s^2 lambda is lambda (chosen by LOO) times it. The
 * predictive variance of a new observation at x* is
 *     s^2 (k(x*, x*) - k*^T (K + lambda I)^-1 k* + lambda),
 * the first two terms the posterior variance of f, the last the noise. y^T (K + lambda I)^-1 y =
 * y^T alpha with y = (K + lambda I) alpha recovered from the stored weights, so nothing beyond
 * the saved model is needed; the Cholesky factor is formed again per call (O(n^3 / 3)).
 * With the NNGP / NTK kernels this is the network's infinite-width posterior (Lee et al. 2018).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/internal.h"
#include "internal.h"

ua_status ua_kernel_predict_std(const ua_kernel *m, const double *x, size_t n, double *sd)
{
    if (!m) return UA_ERR(UA_EINVAL, "ua_kernel_predict_std: model is NULL");
    if (!n) return UA_OK;
    if (!x || !sd) return UA_ERR(UA_EINVAL, "ua_kernel_predict_std: NULL array with n = %zu", n);
    if (m->classify) return UA_ERR(UA_EUNSUPPORTED, "kernel: no predictive variance for a classifier");
    if (m->nystrom)
        return UA_ERR(UA_EUNSUPPORTED, "kernel: no predictive variance for a Nystrom model (fit "
                      "exactly for the Gaussian-process variance)");
    size_t N = m->m, d = m->d, k = m->k, B = 256;
    double need = 8.0 * (double)N * (double)N;
    double limit = 0.5 * ua_phys_memory();
    if (limit > 0 && need > limit)
        return UA_ERR(UA_EINVAL, "kernel: the predictive variance needs the %zu x %zu kernel matrix "
                      "(%.3g GiB), more than half of the memory", N, N, need / 1073741824.0);
    double *K = malloc(N * N * sizeof *K), *yz = ua_calloc(N * k, sizeof *yz);
    double *s2 = ua_calloc(k, sizeof *s2), *kx = malloc(B * N * sizeof *kx);
    double *xz = malloc(B * d * sizeof *xz);
    ua_status st = (!K || !yz || !s2 || !kx || !xz) ? UA_ENOMEM_ERR(N * N * sizeof *K) : UA_OK;
    if (!st) st = ua_kmat_sym_lower(&m->spec, m->pts, N, d, K, N);
    if (!st) { /* y = (K + lambda I) alpha from the lower triangle */
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j <= i; j++) {
                double v = K[i * N + j] + (i == j ? m->lambda : 0.0);
                for (size_t t = 0; t < k; t++) {
                    yz[i * k + t] += v * m->w[j * k + t];
                    if (j < i) yz[j * k + t] += v * m->w[i * k + t];
                }
            }
        for (size_t i = 0; i < N; i++)
            for (size_t t = 0; t < k; t++) s2[t] += yz[i * k + t] * m->w[i * k + t] / (double)N;
        for (size_t i = 0; i < N; i++) K[i * N + i] += m->lambda;
        lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)N, K, (lapack_int)N);
        if (info)
            st = UA_ERR(UA_EDOMAIN, "kernel: K + lambda I is not positive definite (%d)", (int)info);
    }
    for (size_t i0 = 0; !st && i0 < n; i0 += B) {
        size_t nb = n - i0 < B ? n - i0 : B;
        memcpy(xz, x + i0 * d, nb * d * sizeof *xz);
        if (m->standardize) ua_scaler_apply(&m->xs, xz, nb);
        st = ua_kernel_matrix(&m->spec, xz, nb, m->pts, N, d, kx);
        if (st) break;
        /* kx row-major (nb, N) is column-major (N, nb): solve U^T v = k* in place */
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, (int)N,
                    (int)nb, 1.0, K, (int)N, kx, (int)N);
        for (size_t i = 0; i < nb; i++) {
            const double *v = kx + i * N;
            double q = 0;
            for (size_t j = 0; j < N; j++) q += v[j] * v[j];
            double kxx = ua_kernel_pair(&m->spec, xz + i * d, xz + i * d, d);
            double vf = kxx - q;
            if (vf < 0) vf = 0; /* rounding below the noise floor */
            for (size_t t = 0; t < k; t++) {
                double s = sqrt(s2[t] * (vf + m->lambda));
                if (m->standardize) s *= m->ys.scale[t];
                sd[(i0 + i) * k + t] = s;
            }
        }
    }
    free(K);
    free(yz);
    free(s2);
    free(kx);
    free(xz);
    return st;
}
