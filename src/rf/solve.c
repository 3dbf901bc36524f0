/*
 * The output layer of a random-feature network at a fixed lambda, in mixed precision:
 *   c = (H^T H + lambda I)^-1 H^T y,   H (n, m) the hidden features.
 *
 * Forming H^T H costs n m^2 flops and dominates the fit; in float32 it runs twice as fast (ssyrk)
 * and H takes half the memory. The Cholesky factor of the float32 Gram matrix is then only a
 * preconditioner: conjugate gradients with residuals in double (a pass over the float32 H per
 * step; the low-precision factor as preconditioner as in Higham & Pranesh 2021) converge to the
 * double-precision solution of the system for the features as stored (each rounded to float32, a
 * relative perturbation of 6e-8, far below the randomness of the features themselves). Where they
 * do not converge (lambda too small for the float32 Gram matrix's conditioning) the solve is
 * redone entirely in double.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <omp.h>
#include <lapacke.h>

#include "core/internal.h"
#include "train/ridge.h"
#include "uniapprox/dist.h"
#include "internal.h"

enum { BLOCK_ROWS = 256, MAX_PASSES = 30 };

/* acc (k, m) += h0 (h0 . w_t) + h1 (h1 . w_t) for two float32 rows h0, h1 (m,) and w (k, m), in
 * double (h1 == NULL: the first term alone). The dot products are summed in 16 lanes (four AVX2
 * registers of partial sums, not one whose every add waits for the last), and acc is loaded and
 * stored once for the two rows: a pass over H then runs at about the speed memory delivers H. */
UA_MULTIVERSION
static void normal_rows(const float *restrict h0, const float *restrict h1, const double *restrict w,
                        size_t m, size_t k, double *restrict acc)
{
    enum { L = 16 };
    for (size_t t = 0; t < k; t++) {
        const double *wt = w + t * m;
        double s0[L] = {0}, s1[L] = {0}, u0 = 0, u1 = 0;
        size_t j = 0;
        if (h1) {
            for (; j + L <= m; j += L) {
#pragma omp simd
                for (size_t l = 0; l < L; l++) s0[l] += (double)h0[j + l] * wt[j + l];
#pragma omp simd
                for (size_t l = 0; l < L; l++) s1[l] += (double)h1[j + l] * wt[j + l];
            }
            for (size_t l = 0; l < L; l++) {
                u0 += s0[l];
                u1 += s1[l];
            }
            for (; j < m; j++) {
                u0 += (double)h0[j] * wt[j];
                u1 += (double)h1[j] * wt[j];
            }
            double *at = acc + t * m;
            for (j = 0; j < m; j++) at[j] += (double)h0[j] * u0 + (double)h1[j] * u1;
        } else {
            for (; j + L <= m; j += L)
#pragma omp simd
                for (size_t l = 0; l < L; l++) s0[l] += (double)h0[j + l] * wt[j + l];
            for (size_t l = 0; l < L; l++) u0 += s0[l];
            for (; j < m; j++) u0 += (double)h0[j] * wt[j];
            double *at = acc + t * m;
            for (j = 0; j < m; j++) at[j] += (double)h0[j] * u0;
        }
    }
}

/* out (k, m) := H^T (H w) + lambda w for H (n, m) float32, w (k, m); products in double, one pass
 * over H. acc holds nt (k, m) partial sums, one per thread. In a job of several ranks (dist) H is
 * this rank's rows and the sum over the ranks' H^T (H w) is taken (rank-ordered, the same bits on
 * every rank) before lambda w is added; collective then. */
static ua_status apply_normal(const float *H, size_t n, size_t m, size_t k, const double *w,
                              double lambda, double *acc, int nt, int dist, double *out)
{
    memset(acc, 0, (size_t)nt * k * m * sizeof *acc);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int p = 0; p < nt; p++) {
        size_t i0 = n * (size_t)p / (size_t)nt, i1 = n * (size_t)(p + 1) / (size_t)nt;
        size_t i = i0;
        for (; i + 2 <= i1; i += 2) normal_rows(H + i * m, H + (i + 1) * m, w, m, k, acc + (size_t)p * k * m);
        if (i < i1) normal_rows(H + i * m, NULL, w, m, k, acc + (size_t)p * k * m);
    }
    if (dist) {
        for (size_t t = 0; t < k * m; t++) {
            double s = 0;
            for (int p = 0; p < nt; p++) s += acc[(size_t)p * k * m + t];
            out[t] = s;
        }
        ua_status st = ua_dist_allreduce_sum(out, k * m);
        if (st) return st;
        for (size_t t = 0; t < k * m; t++) out[t] += lambda * w[t];
        return UA_OK;
    }
    for (size_t t = 0; t < k * m; t++) {
        double s = lambda * w[t];
        for (int p = 0; p < nt; p++) s += acc[(size_t)p * k * m + t];
        out[t] = s;
    }
    return UA_OK;
}

/* 1 when flag is nonzero on any rank of the job (flag itself in one process); collective. A
 * decision every rank must take alike (another step, a restart, the fallback to double) goes through
 * here, so that ranks on machines whose BLAS rounds differently cannot part ways and wait for
 * each other forever. */
static int any_rank(int flag, ua_status *st)
{
    double v = flag ? 1.0 : 0.0;
    if (ua_dist_size() > 1) {
        ua_status s = ua_dist_allreduce_max(&v, 1);
        if (s && !*st) *st = s;
    }
    return v != 0;
}

/* The ranks' float32 Gram matrices (lower triangles of G, (m, m)) and H^T y (b, (k, m)) summed
 * over the job, in double and in rank order, back into G and b on every rank; *in_float and *st
 * are made the job's (any rank out of float32's range, any rank failed: a failure elsewhere
 * becomes UA_ENOMEM here, its message on its own rank). Collective: every rank calls it, also
 * after a failure of its own.
 *
 * The triangle goes through the sum in pieces of whole rows, at most max(2^16, m) doubles, through
 * one small buffer (the last piece carries b and the two flags): a buffer of the whole triangle in
 * double (4 MB at m = 1,000) was fresh memory, whose first touch on a virtual machine (10-20 us a
 * 4 KiB page) cost more than the exchange itself. The number and sizes of the pieces depend on m
 * and k alone, so every rank makes the same calls. */
static void exchange_gram(float *G, double *b, size_t m, size_t k, int *in_float, ua_status *st)
{
    size_t cap = m > ((size_t)1 << 16) ? m : (size_t)1 << 16, tail = k * m + 2;
    if (cap < tail) cap = tail;
    double *g = malloc(cap * sizeof *g);
    if (!g) {
        /* no buffer: still take part, with a flag alone, so that the others are not left
         * waiting (they then see a mismatch of sizes and MPI ends the job) */
        double flag[1] = {1};
        (void)ua_dist_allreduce_sum(flag, 1);
        if (!*st) *st = UA_ENOMEM_ERR(cap * sizeof *g);
        return;
    }
    int failed = *st != UA_OK, send = !failed && *in_float;
    ua_status s = UA_OK;
    for (size_t j0 = 0; j0 < m && !s;) { /* rows j0 .. j1 - 1 of the lower triangle */
        size_t j1 = j0, len = 0;
        while (j1 < m && len + j1 + 1 <= cap) len += ++j1;
        for (size_t j = j0, q = 0; j < j1; j++)
            for (size_t l = 0; l <= j; l++) g[q++] = send ? (double)G[j * m + l] : 0;
        s = ua_dist_allreduce_sum(g, len);
        if (!s && send)
            for (size_t j = j0, q = 0; j < j1; j++)
                for (size_t l = 0; l <= j; l++) G[j * m + l] = (float)g[q++];
        j0 = j1;
    }
    if (!s) {
        if (send) memcpy(g, b, k * m * sizeof *b);
        else memset(g, 0, k * m * sizeof *g);
        g[tail - 2] = failed;
        g[tail - 1] = !*in_float;
        s = ua_dist_allreduce_sum(g, tail);
    }
    if (s && !*st) *st = s;
    if (!*st && g[tail - 2] != 0)
        *st = UA_ERR(UA_ENOMEM, "rf fit: another rank of the job failed to form its Gram matrix "
                     "(its message is that rank's)");
    if (!s && g[tail - 1] != 0) *in_float = 0;
    if (!*st && *in_float) memcpy(b, g, k * m * sizeof *b);
    free(g);
}

/* b (m,) += a h for a float32 row h (m,) */
UA_MULTIVERSION
static void axpy_float(double a, const float *restrict h, size_t m, double *restrict b)
{
    for (size_t j = 0; j < m; j++) b[j] += a * (double)h[j];
}

/* H (n, m) := (float)phi; returns 0 if every value is finite in float32 */
UA_MULTIVERSION
static int to_float(const double *restrict phi, size_t n, float *restrict H)
{
    float worst = 0;
    for (size_t t = 0; t < n; t++) {
        H[t] = (float)phi[t];
        float a = fabsf(H[t]) * 0.0f; /* 0 for finite values, NaN otherwise */
        worst += a;
    }
    return worst != 0.0f;
}

/* the double-precision solve: all features in double, one Cholesky (src/train/ridge.c) */
static ua_status solve_double(const ua_rf *m, const double *z, const double *y, size_t n, double lambda,
                              double *c)
{
    double *phi = malloc(n * m->m * sizeof *phi);
    if (!phi) return UA_ENOMEM_ERR(n * m->m * sizeof *phi);
    ua_status st = ua_rf_features_std(m, z, n, phi);
    double lam = lambda;
    if (!st) st = ua_ridge_features(phi, y, n, m->m, m->k, NULL, 0, 0, &lam, NULL, NULL, c);
    free(phi);
    return st;
}

/* Per thread: the features of rows [r0, r1) into H (float32), their Gram matrix into Gp (lower
 * triangle, ssyrk) and H^T y into bp (k, m). Returns 0 when a feature is outside float32's range. */
static int gram_rows(const ua_rf *m, const double *z, const double *y, size_t r0, size_t r1, float *H,
                     double *buf, float *Gp, double *bp, ua_status *st)
{
    size_t M = m->m, k = m->k;
    int in_float = 1;
    for (size_t i0 = r0; in_float && i0 < r1; i0 += BLOCK_ROWS) {
        size_t nb = r1 - i0 < BLOCK_ROWS ? r1 - i0 : BLOCK_ROWS;
        if ((*st = ua_rf_features_std(m, z + i0 * m->d, nb, buf))) return 1;
        in_float = !to_float(buf, nb * M, H + i0 * M);
    }
    if (!in_float) return 0;
    for (size_t i = r0; i < r1; i++)
        for (size_t t = 0; t < k; t++) axpy_float(y[i * k + t], H + i * M, M, bp + t * M);
    if (r1 > r0)
        cblas_ssyrk(CblasRowMajor, CblasLower, CblasTrans, (int)M, (int)(r1 - r0), 1.0f, H + r0 * M, (int)M,
                    0.0f, Gp, (int)M);
    return 1;
}

static double dot(const double *a, const double *b, size_t m)
{
    double s = 0;
    for (size_t j = 0; j < m; j++) s += a[j] * b[j];
    return s;
}

/* 1 when every output's residual r = b - A w (A = H^T H + lambda I) is within tol of its weights,
 * max |r_t| <= tol max |w_t| (LAPACK dsposv's test, in the max norm); on every rank alike. */
static int small_residual(const double *r, const double *w, size_t m, size_t k, double tol, int dist,
                          ua_status *st)
{
    int ok = 1;
    for (size_t t = 0; t < k; t++) {
        double rmax = 0, wmax = 0;
        for (size_t j = 0; j < m; j++) {
            rmax = fmax(rmax, fabs(r[t * m + j]));
            wmax = fmax(wmax, fabs(w[t * m + j]));
        }
        if (!(rmax <= wmax * tol)) ok = 0;
    }
    return dist ? !any_rank(!ok, st) : ok;
}

/*
 * w (k, m) := the solution of (H^T H + lambda I) w = b (b (k, m): one system per output) in
 * double, by conjugate gradients preconditioned with the float32 Cholesky factor G of the float32
 * Gram matrix plus lambda I. Each step is one pass over H (apply_normal: H^T (H p) in double);
 * beta is the flexible (Polak-Ribiere) one, which tolerates the float32 rounding of the
 * preconditioner (Golub & Ye 1999; Notay 2000). Classical iterative refinement with the same
 * factor (the method of LAPACK's dsposv) contracts the error by about kappa u_float32 a step
 * (0.6-0.7 at lambda 1 on 40,000 rows of 8 inputs and 1,000 relu features, condition number
 * 2.6e7: 30 passes over H, the last just within the test); conjugate gradients took 12 there, the
 * last the check below, with a residual 8 times smaller and weights 70 times closer to those of
 * an exact solve (numpy, double). The residual updated step by step is confirmed by one
 * recomputed from w (b - A w) before returning converged; if that one is too large the iteration
 * restarts from it. At most MAX_PASSES passes over H; returns 1 when converged, 0
 * otherwise (the caller then solves in double). work: 4 k m + 2 k doubles; rf: k m floats.
 * Collective in a job of several ranks (H this rank's rows): every rank takes the same steps.
 */
static int pcg(const float *H, size_t n, size_t m, size_t k, const float *G, double lambda,
               const double *b, double tol, double *acc, int nt, int dist, double *w, double *work,
               float *rf, ua_status *st)
{
    double *r = work, *z = r + k * m, *p = z + k * m, *q = p + k * m, *rz = q + k * m, *rs = rz + k;
    memset(w, 0, k * m * sizeof *w);
    memcpy(r, b, k * m * sizeof *r); /* the residual of w = 0 */
    int passes = 0;
    while (passes < MAX_PASSES) {
        /* (re)start from the true residual r */
        int bad = ua_ridge_precondition_f32(G, m, k, 1.0, r, rf, rs, z) != 0;
        if (dist ? any_rank(bad, st) : bad) return 0;
        memcpy(p, z, k * m * sizeof *p);
        for (size_t t = 0; t < k; t++) rz[t] = dot(r + t * m, z + t * m, m);
        while (passes < MAX_PASSES) {
            passes++;
            if ((*st = apply_normal(H, n, m, k, p, lambda, acc, nt, dist, q))) return 0;
            bad = 0;
            for (size_t t = 0; t < k; t++) {
                if (rz[t] == 0) continue; /* r_t = 0 already: w_t solves its system */
                double pq = dot(p + t * m, q + t * m, m), alpha = rz[t] / pq;
                if (!(rz[t] > 0 && pq > 0 && isfinite(alpha))) bad = 1; /* not positive definite */
                for (size_t j = 0; j < m; j++) {
                    w[t * m + j] += alpha * p[t * m + j];
                    r[t * m + j] -= alpha * q[t * m + j];
                }
            }
            if (dist ? any_rank(bad, st) : bad) return 0;
            if (small_residual(r, w, m, k, tol, dist, st)) break;
            memcpy(q, z, k * m * sizeof *q); /* the previous z, for the flexible beta */
            bad = ua_ridge_precondition_f32(G, m, k, 1.0, r, rf, rs, z) != 0;
            if (dist ? any_rank(bad, st) : bad) return 0;
            for (size_t t = 0; t < k; t++) {
                if (rz[t] == 0) continue;
                double rzn = dot(r + t * m, z + t * m, m);
                double beta = (rzn - dot(r + t * m, q + t * m, m)) / rz[t];
                rz[t] = rzn;
                for (size_t j = 0; j < m; j++) p[t * m + j] = z[t * m + j] + beta * p[t * m + j];
            }
        }
        if (passes >= MAX_PASSES || *st) return 0;
        /* the true residual b - A w */
        passes++;
        if ((*st = apply_normal(H, n, m, k, w, lambda, acc, nt, dist, q))) return 0;
        for (size_t t = 0; t < k * m; t++) r[t] = b[t] - q[t];
        if (small_residual(r, w, m, k, tol, dist, st)) return !*st;
    }
    return 0;
}

ua_status ua_rf_solve_fixed(const ua_rf *m, const double *z, const double *y, size_t n, double lambda,
                            double *c)
{
    if (!(lambda > 0)) return UA_ERR(UA_EINVAL, "ridge: lambda must be > 0, got %g", lambda);
    /* In a job of several MPI ranks (uniapprox/dist.h) this rank holds its block of the rows
     * only: its H, its Gram matrix and H^T y, summed over the ranks once (exchange_gram), and its
     * share of H^T (H p) in each step of conjugate gradients (apply_normal); every rank factors
     * and iterates on the same system, so every rank ends with the same weights. */
    const int dist = ua_dist_size() > 1;
    size_t lo = 0, hi = n;
    if (dist) ua_dist_share(n, &lo, &hi);
    const size_t n_all = n;
    z += lo * m->d;
    y += lo * m->k;
    n = hi - lo;
    size_t M = m->m, k = m->k, B = n < BLOCK_ROWS ? n : BLOCK_ROWS;
    if (B == 0) B = 1;
    /* Threads: OpenMP over rows, each calling single-threaded BLAS on its own rows. Mixing
     * OpenMP regions with OpenBLAS's own thread pool made both pools spin against each other on
     * few cores (fits taking 3x their usual time); OpenBLAS is set to one thread for the solve
     * and restored after. */
    int nt = n ? ua_row_threads(n * M, 1000000, n) : 1;
    /* each thread beyond the first holds its own m x m float32 Gram matrix: at most 256 MiB of them */
    size_t extra = ((size_t)256 << 20) / (M * M * sizeof(float));
    if ((size_t)nt > 1 + extra) nt = (int)(1 + extra);
    int blas_threads = 1;
    size_t nH = n ? n : 1; /* a rank may hold no row */
    /* H by plain malloc, not ua_alloc_large's huge pages: on a virtual machine that hands freed
     * memory back to its host (free page reporting, in blocks of 2 MiB), a fresh huge page is
     * backed again by the host at first touch; the 160 MB of H at 40,000 rows x 1,000 features
     * took 0.75-1.04 s of system time in huge pages against 0.08-0.11 s in 4 KiB pages, which the
     * guest takes from memory it still holds (docs/scale.md). Where huge pages are cheap they
     * save about 0.09 s on that H. Its pages are faulted in by one system call before the
     * threads write it (ua_prefault: half the cost of a fault a page there). */
    float *H = nH * M < (size_t)-1 / sizeof(float) ? malloc(nH * M * sizeof(float)) : NULL;
    if (H) ua_prefault(H, nH * M * sizeof(float));
    float *G = ua_alloc_large((size_t)nt * M * M * sizeof *G), *rf = malloc(k * M * sizeof *rf);
    double *buf = ua_alloc_large((size_t)nt * B * M * sizeof *buf);
    double *b = ua_calloc((size_t)nt * k * M, sizeof *b), *w = ua_calloc(k * M, sizeof *w);
    double *r = malloc((4 * k * M + 2 * k) * sizeof *r), *acc = malloc((size_t)nt * k * M * sizeof *acc);
    ua_status st = UA_OK;
    if (!H || !G || !rf || !buf || !b || !w || !r || !acc)
        st = UA_ENOMEM_ERR(n * M * sizeof *H + (size_t)nt * M * M * sizeof *G + (size_t)nt * B * M * sizeof *buf);
    int in_float = 1, converged = 0;
    if (!st) {
        if (nt > 1) blas_threads = ua_blas_threads_quiet();
        if (n == 0) memset(G, 0, M * M * sizeof *G); /* a rank without rows adds nothing */
        ua_status sts[UA_MAX_ROW_THREADS] = { UA_OK };
#pragma omp parallel for num_threads(nt) schedule(static) reduction(&& : in_float)
        for (int p = 0; p < nt; p++) {
            size_t r0 = n * (size_t)p / (size_t)nt, r1 = n * (size_t)(p + 1) / (size_t)nt;
            in_float = gram_rows(m, z, y, r0, r1, H, buf + (size_t)p * B * M, G + (size_t)p * M * M,
                                 b + (size_t)p * k * M, &sts[p]);
        }
        for (int p = 0; p < nt; p++) /* messages are thread-local: reported here; only memory fails */
            if (sts[p] && !st) st = UA_ENOMEM_ERR(m->d * M * sizeof(double));
    }
    if (!st && in_float) {
        /* sum the threads' Gram matrices (lower triangles) and H^T y into the first */
        for (int p = 1; p < nt; p++) {
            const float *Gp = G + (size_t)p * M * M;
            for (size_t j = 0; j < M; j++)
                for (size_t l = 0; l <= j; l++) G[j * M + l] += Gp[j * M + l];
            for (size_t t = 0; t < k * M; t++) b[t] += b[(size_t)p * k * M + t];
        }
    }
    if (dist) exchange_gram(G, b, M, k, &in_float, &st);
    if (!st && in_float) {
        /* G: lower triangle row-major = upper column-major, as spotrf reads */
        /* infinity norm of G + lambda I, for the stopping test: the absolute row sums of the
         * symmetric G from its lower triangle read row by row (entry (j, l) adds to rows j and l),
         * not down its columns (a stride of m floats: a cache miss an entry) */
        double anorm = 0, *rowsum = acc; /* acc (nt k m >= m doubles) is free until pcg */
        for (size_t j = 0; j < M; j++) rowsum[j] = lambda;
        for (size_t j = 0; j < M; j++) {
            double s = 0;
            for (size_t l = 0; l < j; l++) {
                double a = fabs((double)G[j * M + l]);
                s += a;
                rowsum[l] += a;
            }
            rowsum[j] += s + fabs((double)G[j * M + j]);
        }
        for (size_t j = 0; j < M; j++) anorm = fmax(anorm, rowsum[j]);
        for (size_t j = 0; j < M; j++) G[j * M + j] += (float)lambda;
        lapack_int info = isfinite(anorm) ? LAPACKE_spotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)M, G, (lapack_int)M) : -1;
        if (dist) info = any_rank(info != 0, &st) ? -1 : 0;
        double tol = anorm * DBL_EPSILON * sqrt((double)M);
        if (!info) converged = pcg(H, n, M, k, G, lambda, b, tol, acc, nt, dist, w, r, rf, &st);
    }
    ua_blas_threads_quiet_restore(blas_threads);
    free(H);
    free(G);
    free(rf);
    free(buf);
    free(b);
    free(acc);
    if (!st && converged)
        for (size_t j = 0; j < M; j++)
            for (size_t t = 0; t < k; t++) c[j * k + t] = w[t * M + j];
    free(w);
    free(r);
    if (!st && !converged)
        st = dist ? ua_rf_solve_fixed_dist(m, z - lo * m->d, y - lo * k, n_all, lambda, c)
                  : solve_double(m, z, y, n, lambda, c);
    if (!st) st = ua_ridge_check_finite("rf fit", "the output weights", c, M * k, 0);
    return st;
}
