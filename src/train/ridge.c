/*
 * Ridge least squares on features (Nyström features of src/kernel/, random features of src/rf/):
 *   w = (Phi^T Phi + lambda I)^-1 Phi^T y,   Phi (n, m), y (n, k).
 * One eigendecomposition Phi^T Phi = V diag(s) V^T serves every lambda of a grid; with
 * P = Phi V the hat matrix is H = P diag(1/(s + lambda)) P^T, so
 *   LOO: e_i = (y_i - yhat_i) / (1 - H_ii),  H_ii = sum_j P_ij^2 / (s_j + lambda)
 *   GCV: mean (y - yhat)^2 / (1 - tr(H) / n)^2,  tr(H) = sum_j s_j / (s_j + lambda)
 * (Golub, Heath & Wahba 1979; Rifkin & Lippert 2007).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/internal.h"
#include "ridge.h"

const double ua_ridge_default_lambdas[UA_RIDGE_N_DEFAULT_LAMBDAS] = {
    1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2};

ua_status ua_ridge_check_finite(const char *who, const char *what, const double *a, size_t n,
                                int lower)
{
    size_t bad = 0, cnt = lower ? n * n : n;
    int found = 0;
    if (lower) {
        for (size_t i = 0; i < n && !found; i++)
            for (size_t j = 0; j <= i; j++)
                if (!isfinite(a[i * n + j])) {
                    found = 1;
                    bad = i * n + j;
                    break;
                }
    } else {
        bad = ua_first_nonfinite(a, n);
        found = bad < cnt;
    }
    if (!found) return UA_OK;
    return UA_ERR(UA_EDIVERGED, "%s: " UA_RIDGE_LEAD "the data overflow double (%s, entry "
                  "%zu, is %g); rescale the samples to moderate magnitudes (e.g. divide by a "
                  "power of ten)", who, what, bad, isnan(a[bad]) ? NAN : a[bad]);
}

ua_status ua_ridge_features(const double *phi, const double *y, size_t n, size_t m, size_t k,
                            const double *lambdas, size_t nl, int crit, double *lambda,
                            double *err, double *errs, double *w)
{
    return ua_ridge_features_w(phi, y, n, m, k, NULL, lambdas, nl, crit, lambda, err, NULL, errs, w);
}

ua_status ua_ridge_features_w(const double *phi, const double *y, size_t n, size_t m, size_t k,
                              const double *cw, const double *lambdas, size_t nl, int crit,
                              double *lambda, double *err, double *err_t, double *errs, double *w)
{
    if (!nl) { /* a fixed lambda: one Cholesky factorisation, m^3 / 3 flops */
        if (!(*lambda > 0)) return UA_ERR(UA_EINVAL, "ridge: lambda must be > 0, got %g", *lambda);
        double *G = malloc(m * m * sizeof *G), *B = malloc(m * k * sizeof *B);
        ua_status st = UA_OK;
        if (!G || !B) st = UA_ENOMEM_ERR(m * m * sizeof *G);
        if (!st) {
            cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)m, (int)n, 1.0, phi, (int)m, 0.0,
                        G, (int)m);
            for (size_t j = 0; j < m; j++) G[j * m + j] += *lambda;
            /* B (column-major m x k) = Phi^T y */
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)m, (int)k, (int)n, 1.0, phi,
                        (int)m, y, (int)k, 0.0, B, (int)m);
            st = ua_ridge_check_finite("ridge", "Phi^T Phi", G, m, 1);
            if (!st) st = ua_ridge_check_finite("ridge", "Phi^T y", B, m * k, 0);
        }
        if (!st) {
            lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)m, G, (lapack_int)m);
            if (!info) info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', (lapack_int)m, (lapack_int)k, G,
                                             (lapack_int)m, B, (lapack_int)m);
            if (info) st = UA_ERR(UA_EDOMAIN, "ridge: Phi^T Phi + lambda I is not positive definite "
                                  "(lambda %g too small for %zu features from %zu rows; info %d): "
                                  "raise lambda%s", *lambda, m, n, (int)info,
                                  m > n ? ", or use fewer features than rows (Phi^T Phi is then "
                                          "singular)" : "");
            for (size_t j = 0; !st && j < m; j++)
                for (size_t t = 0; t < k; t++) w[j * k + t] = B[t * m + j];
            if (!st) st = ua_ridge_check_finite("ridge", "the output weights", w, m * k, 0);
        }
        free(G);
        free(B);
        return st;
    }
    double *G = malloc(m * m * sizeof *G), *s = malloc(m * sizeof *s);
    double *b = malloc(m * k * sizeof *b), *wp = malloc(m * k * sizeof *wp);
    double *P = nl ? malloc(n * m * sizeof *P) : NULL;
    double *yh = nl ? malloc(n * k * sizeof *yh) : NULL, *h = nl ? malloc(n * sizeof *h) : NULL;
    ua_status st = UA_OK;
    if (!G || !s || !b || !wp || (nl && (!P || !yh || !h)))
        st = UA_ENOMEM_ERR((m * m + n * m) * sizeof(double));
    if (!st) {
        /* G = Phi^T Phi: lower triangle row-major = column-major upper, which dsyevd reads */
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)m, (int)n, 1.0, phi, (int)m, 0.0, G,
                    (int)m);
        st = ua_ridge_check_finite("ridge", "the features", phi, n * m, 0);
        if (!st) st = ua_ridge_check_finite("ridge", "the targets", y, n * k, 0);
        if (!st) st = ua_ridge_check_finite("ridge", "Phi^T Phi", G, m, 1);
    }
    if (!st) {
        lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)m, G,
                                         (lapack_int)m, s);
        if (info) st = UA_ERR(UA_EDOMAIN, "ridge: the eigendecomposition failed (info %d)", (int)info);
    }
    /* rows of G are now the eigenvectors v_j; b = V^T Phi^T y */
    if (!st) {
        double *pty = malloc(m * k * sizeof *pty);
        if (!pty) st = UA_ENOMEM_ERR(m * k * sizeof *pty);
        else {
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)k, (int)n, 1.0, phi,
                        (int)m, y, (int)k, 0.0, pty, (int)k);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)k, (int)m, 1.0, G,
                        (int)m, pty, (int)k, 0.0, b, (int)k);
            free(pty);
        }
    }
    for (size_t j = 0; !st && j < m; j++)
        if (s[j] < 0) s[j] = 0; /* Phi^T Phi is PSD: negative values are rounding */
    if (!st && nl) {
        /* P = Phi V: P_ij = phi_i . v_j */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)m, 1.0, phi,
                    (int)m, G, (int)m, 0.0, P, (int)m);
        double best = INFINITY, best_t = INFINITY;
        size_t bi = 0;
        for (size_t l = 0; l < nl; l++) {
            double lam = lambdas[l], tr = 0;
            for (size_t j = 0; j < m; j++) {
                for (size_t t = 0; t < k; t++) wp[j * k + t] = b[j * k + t] / (s[j] + lam);
                tr += s[j] / (s[j] + lam);
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)k, (int)m, 1.0, P,
                        (int)m, wp, (int)k, 0.0, yh, (int)k);
            double sse = 0, sset = 0; /* sset: residuals scaled by cw (target units) */
            if (crit == 0) {
                for (size_t i = 0; i < n; i++) {
                    double hi = 0;
                    const double *p = P + i * m;
                    for (size_t j = 0; j < m; j++) hi += p[j] * p[j] / (s[j] + lam);
                    h[i] = hi;
                    double den = 1.0 - hi;
                    if (den < 1e-12) den = 1e-12;
                    for (size_t t = 0; t < k; t++) {
                        double e = (y[i * k + t] - yh[i * k + t]) / den;
                        sse += e * e;
                        sset += (cw ? cw[t] * cw[t] : 1.0) * e * e;
                    }
                }
                sse /= (double)(n * k);
                sset /= (double)(n * k);
            } else {
                for (size_t i = 0; i < n * k; i++) {
                    double e2 = (y[i] - yh[i]) * (y[i] - yh[i]);
                    sse += e2;
                    sset += (cw ? cw[i % k] * cw[i % k] : 1.0) * e2;
                }
                double den = 1.0 - tr / (double)n;
                sse = den > 1e-12 ? sse / (double)(n * k) / (den * den) : INFINITY;
                sset = den > 1e-12 ? sset / (double)(n * k) / (den * den) : INFINITY;
            }
            double e = sqrt(sse);
            if (errs) errs[l] = e;
            if (e < best) {
                best = e;
                best_t = sqrt(sset);
                bi = l;
            }
        }
        /* Sanity: the largest lambdas approach w = 0, whose error is the RMS of y itself, so a
         * best error far above that means the selection ran on rounding noise (features of
         * enormous scale: inputs of 1e10 without standardisation give H^T H ~ 1e24, where every
         * lambda of the grid is zero and the solution is noise although it is finite). */
        double rms = 0;
        for (size_t i = 0; i < n * k; i++) rms += y[i] * y[i];
        rms = sqrt(rms / (double)(n * k));
        if (!(best <= 10 * rms + 1e-300))
            st = UA_ERR(UA_EDOMAIN, "ridge: the best %s error over the lambda grid (%.3g) is %.3g times "
                        "that of predicting zero (%.3g): the solve is dominated by rounding (features "
                        "of enormous scale); standardise the inputs (drop --no-standardize) or rescale "
                        "them", crit == 0 ? "LOO" : "GCV", best, best / rms, rms);
        *lambda = lambdas[bi];
        if (err) *err = best;
        if (err_t) *err_t = best_t;
    }
    if (!st) {
        double lam = *lambda;
        if (!(lam > 0)) st = UA_ERR(UA_EINVAL, "ridge: lambda must be > 0, got %g", lam);
        for (size_t j = 0; !st && j < m; j++)
            for (size_t t = 0; t < k; t++) wp[j * k + t] = b[j * k + t] / (s[j] + lam);
        if (!st)
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)k, (int)m, 1.0, G,
                        (int)m, wp, (int)k, 0.0, w, (int)k);
        if (!st) st = ua_ridge_check_finite("ridge", "the output weights", w, m * k, 0);
    }
    free(G);
    free(s);
    free(b);
    free(wp);
    free(P);
    free(yh);
    free(h);
    return st;
}

/* rf (k, m) := r (k, m) with each row divided by its largest magnitude (rs, 1 for a zero row) */
static void scale_rows_f32(const double *r, size_t m, size_t k, float *rf, double *rs)
{
    for (size_t t = 0; t < k; t++) {
        double v = 0;
        for (size_t j = 0; j < m; j++) v = fmax(v, fabs(r[t * m + j]));
        rs[t] = v > 0 ? v : 1;
        for (size_t j = 0; j < m; j++) rf[t * m + j] = (float)(r[t * m + j] / rs[t]);
    }
}

/* z (k, m) := sc rs_t rf (k, m), the scaling of scale_rows_f32 undone */
static void unscale_rows(const float *rf, const double *rs, size_t m, size_t k, double sc, double *z)
{
    for (size_t t = 0; t < k; t++)
        for (size_t j = 0; j < m; j++) z[t * m + j] = sc * rs[t] * (double)rf[t * m + j];
}

int ua_ridge_precondition_f32(const float *F, size_t m, size_t k, double sc, const double *r,
                              float *rf, double *rs, double *z)
{
    scale_rows_f32(r, m, k, rf, rs);
    /* F^T F z = r, one right-hand side at a time by two triangular solves (strsv): spotrs with
     * one column calls strsm, whose packing made the pair 2.6x slower (27 ms against 10.5 ms at
     * m = 8000, one thread); both read the factor once a solve, memory-bound. */
    if (m > (size_t)INT32_MAX) return -1;
    for (size_t t = 0; t < k; t++) {
        cblas_strsv(CblasColMajor, CblasUpper, CblasTrans, CblasNonUnit, (int)m, F, (int)m,
                    rf + t * m, 1);
        cblas_strsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, (int)m, F, (int)m,
                    rf + t * m, 1);
    }
    unscale_rows(rf, rs, m, k, sc, z);
    return 0;
}

int ua_ridge_precondition_rfp_f32(const float *F, size_t m, size_t k, double sc, const double *r,
                                  float *rf, double *rs, double *z)
{
    if (m > (size_t)INT32_MAX - 1) return -1;
    scale_rows_f32(r, m, k, rf, rs);
    /* U = [U11 U12; 0 U22], U11 held as L11 = U11^T at row n1 + 1, U12 at row 0, U22 at row n1
     * of the ld-row array (ua_rfp_index). U^T U z = r: U^T y = r (y1 = L11^-1 r1, y2 =
     * U22^-T (r2 - U12^T y1)), then U z = y (z2 = U22^-1 y2, z1 = L11^-T (y1 - U12 z2)). */
    const int n1 = (int)(m / 2), n2 = (int)m - n1, ld = m % 2 ? (int)m : (int)m + 1;
    const float *L11 = F + n1 + 1, *U12 = F, *U22 = F + n1;
    for (size_t t = 0; t < k; t++) {
        float *y1 = rf + t * m, *y2 = y1 + n1;
        cblas_strsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, n1, L11, ld, y1, 1);
        cblas_sgemv(CblasColMajor, CblasTrans, n1, n2, -1.0f, U12, ld, y1, 1, 1.0f, y2, 1);
        cblas_strsv(CblasColMajor, CblasUpper, CblasTrans, CblasNonUnit, n2, U22, ld, y2, 1);
        cblas_strsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, n2, U22, ld, y2, 1);
        cblas_sgemv(CblasColMajor, CblasNoTrans, n1, n2, -1.0f, U12, ld, y2, 1, 1.0f, y1, 1);
        cblas_strsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, n1, L11, ld, y1, 1);
    }
    unscale_rows(rf, rs, m, k, sc, z);
    return 0;
}
