/*
 * Kernel ridge regression: fit (standardise, choose hyperparameters, factor K + lambda I in place
 * by Cholesky), predict, and the model's accessors (uniapprox/kernel.h, docs/kernel.md).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#include <omp.h>
#include <lapacke.h>

#include "core/internal.h"
#include "internal.h"

void ua_kernel_options_default(ua_kernel_options *o)
{
    memset(o, 0, sizeof *o);
    ua_kernel_spec_default(&o->kernel);
    o->select = UA_SELECT_LOO;
    o->folds = 5;
    o->select_max = 1000;
    o->standardize = 1;
    o->seed = 1;
}

void ua_kernel_free(ua_kernel *m)
{
    if (!m) return;
    free(m->pts);
    free(m->w);
    free(m->classes);
    ua_scaler_free(&m->xs);
    ua_scaler_free(&m->ys);
    free(m);
}

void ua_kernel_get_info(const ua_kernel *m, ua_kernel_info *in)
{
    memset(in, 0, sizeof *in);
    if (!m) return;
    in->d = m->d;
    in->k = m->k;
    in->dout = m->classify ? 1 : m->k;
    in->m_points = m->m;
    in->n_train = m->n_train;
    in->n_classes = m->classify ? m->k : 0;
    in->spec = m->spec;
    in->lambda = m->lambda;
    in->loo_rmse = m->loo_rmse;
    in->standardize = m->standardize;
    in->classify = m->classify;
    in->nystrom = m->nystrom;
    in->select = m->select;
    in->select_rows_scale = m->select_rows_scale;
    in->select_rows_lambda = m->select_rows_lambda;
    in->select_warning = m->select_warning;
    in->note = m->note;
}

/* ---- hyperparameters: chosen in select.c ------------------------------------------------ */

/* ---- the final solve ----------------------------------------------------------------------- */

/*
 * The exact solve in mixed precision (Higham & Pranesh 2021, as the rf family's src/rf/solve.c).
 * A float32 copy F of K + lambda I is factored by Cholesky in float32 (half dpotrf's flops at
 * twice the vector width: 2.1 s against 5.1 s at n = 8000 on one 2-core machine of 2026) and
 * serves as the preconditioner of conjugate gradients run in double against K + lambda I in
 * double. That matrix is not held: each product with it forms K again, a block of MIXED_BLOCK
 * rows at a time (ua_kernel_rows_direct, or ua_kernel_matrix: the formula predict uses; 0.03 s at
 * n = 8000, d = 8, 2 threads, on the machine of 5 December 2026), where holding the 4 n^2 bytes
 * of its lower triangle beside F cost 1.6 s of first-touch page faults on that (virtual) machine,
 * more than the 6 - 8 products take, and half again the memory: the solve touches the
 * 2 n (n + 1) bytes of F, half of what the double factorisation does.
 *
 * F is held in LAPACK's rectangular full packed format (ua_rfp_index; factored by spftrf, as
 * fast as spotrf). The lower triangle of a full n x n array, each row's part starting a row's
 * length after the last, touched 63% of the array's pages at n = 8000 and nearly all of them at
 * n = 2000 (rows of two pages); the packed format touches half (the fit 12% faster at n = 2000,
 * 3% at 8000; peak memory 27 -> 20 MB and 180 -> 147 MB). F's pages are faulted in by one system
 * call before it is written (ua_prefault, about half the cost of a trap a page there; the host's
 * own first touch remains). The float32 solves are strsv and sgemv on F's three pieces
 * (ua_ridge_precondition_rfp_f32).
 *
 * The iteration stops when the residual recomputed from w is as small as the double Cholesky
 * solve's (pcg below): LAPACK dsposv's test alone left weights 80 - 550 times further from the
 * exact solution than the double solve's (n = 2000, lambda 1e-3 .. 1e-8). Where spftrf fails
 * (K + lambda I not positive definite in float32: lambda too small for its conditioning), a value
 * is not finite in float32, or the iteration does not converge in MIXED_MAX_STEPS products, the
 * caller solves by the double Cholesky factorisation.
 */
enum { MIXED_MAX_STEPS = 30, MIXED_MIN_N = 256, MIXED_BLOCK = 64 };

typedef struct {
    const ua_kernel_spec *s;
    const double *x; /* (n, d) the training points */
    size_t n, d;
    double lambda;
    int nt;      /* threads: each forms its own blocks of MIXED_BLOCK rows, block b on b % nt */
    double *Kb;  /* (nt, MIXED_BLOCK, n) scratch: each thread's block of rows of K + lambda I */
    double *acc; /* (nt, k, n) scratch: each thread's share of a product */
    double *xT;  /* (d, n) the points transposed, for ua_kernel_rows_direct */
    double *tmp; /* (nt, 2 n) scratch of ua_kernel_rows_direct */
    const double *dsc; /* (n) 1 / sqrt(A_ii): the system is D^-1/2 A D^-1/2; NULL: A itself */
} kmat_blocks;

/* Kb (i1 - i0, i1) := rows [i0, i1) of A = K + lambda I (or of D^-1/2 A D^-1/2 with kb->dsc),
 * columns [0, i1); called by one thread of the team, me (ua_kernel_matrix, where the direct rows
 * do not apply, runs on it alone: the thread's own thread count is set to 1) */
static ua_status kernel_rows(const kmat_blocks *kb, int me, double *Kb, size_t i0, size_t i1)
{
    ua_status st = UA_OK;
    if (!ua_kernel_rows_direct(kb->s, kb->x + i0 * kb->d, i1 - i0, kb->xT, kb->n, i1, kb->d, Kb,
                               kb->tmp + (size_t)me * 2 * kb->n))
        st = ua_kernel_matrix(kb->s, kb->x + i0 * kb->d, i1 - i0, kb->x, i1, kb->d, Kb);
    for (size_t i = i0; i < i1; i++) Kb[(i - i0) * i1 + i] += kb->lambda;
    if (kb->dsc)
        for (size_t i = i0; i < i1; i++) {
            double *Ki = Kb + (i - i0) * i1, di = kb->dsc[i];
            for (size_t j = 0; j < i1; j++) Ki[j] *= di * kb->dsc[j];
        }
    return st;
}

/* acc (k, n) += the products of the rows [i0, i1) of A (Kb) with p (k, n): acc_i += sum_{j <= i}
 * A_ij p_j for the block's rows, acc_j += A_ij p_i for j < i (the other triangle) */
UA_MULTIVERSION
static void block_apply(const double *restrict Kb, size_t i0, size_t i1, size_t n, size_t k,
                        const double *restrict p, double *restrict acc)
{
    for (size_t t = 0; t < k; t++) {
        const double *pt = p + t * n;
        double *at = acc + t * n;
        for (size_t i = i0; i < i1; i++) {
            const double *Ki = Kb + (i - i0) * i1;
            double s = 0, pi = pt[i];
#pragma omp simd reduction(+ : s)
            for (size_t j = 0; j < i; j++) {
                s += Ki[j] * pt[j];
                at[j] += Ki[j] * pi;
            }
            at[i] += s + Ki[i] * pi;
        }
    }
}

/* q (k, n) := A p for A = K + lambda I formed again block by block, its lower triangle read;
 * p, q (k, n). One parallel region; the threads' shares summed in thread order. */
static ua_status apply_kernel(const kmat_blocks *kb, size_t k, const double *p, double *q)
{
    size_t n = kb->n, nblk = (n + MIXED_BLOCK - 1) / MIXED_BLOCK;
    int nt = kb->nt, failed = 0;
#pragma omp parallel num_threads(nt) reduction(| : failed)
    {
        int me = omp_get_thread_num();
        omp_set_num_threads(1); /* this thread's nested regions (ua_kernel_matrix's): itself */
        double *Kb = kb->Kb + (size_t)me * MIXED_BLOCK * n, *acc = kb->acc + (size_t)me * k * n;
        memset(acc, 0, k * n * sizeof *acc);
        for (size_t b = (size_t)me; b < nblk && !failed; b += (size_t)nt) {
            size_t i0 = b * MIXED_BLOCK, i1 = n - i0 < MIXED_BLOCK ? n : i0 + MIXED_BLOCK;
            if (kernel_rows(kb, me, Kb, i0, i1)) failed = 1;
            else block_apply(Kb, i0, i1, n, k, p, acc);
        }
    }
    if (failed) return UA_EINVAL;
    for (size_t t = 0; t < k * n; t++) {
        double s = 0;
        for (int th = 0; th < nt; th++) s += kb->acc[(size_t)th * k * n + t];
        q[t] = s;
    }
    return UA_OK;
}

/* F := (float)(sc A) in rectangular full packed format (n (n + 1) / 2 floats, ua_rfp_index) for
 * A = K + lambda I formed block by block; returns the infinity norm of A (row sums of |A_ij| over
 * both triangles), or a non-finite value when an entry of A, or of sc A in float32, is not
 * finite. rs: n doubles; kb->acc: the threads' column sums. */
UA_MULTIVERSION
static double form_float(const kmat_blocks *kb, double sc, float *restrict F, double *restrict rs)
{
    size_t n = kb->n, nblk = (n + MIXED_BLOCK - 1) / MIXED_BLOCK;
    const size_t n1 = n / 2, ld = n % 2 ? n : n + 1; /* F's layout (ua_rfp_index) */
    int nt = kb->nt;
    int bad = 0;
#pragma omp parallel num_threads(nt) reduction(| : bad)
    {
        int me = omp_get_thread_num();
        omp_set_num_threads(1);
        double *Kb = kb->Kb + (size_t)me * MIXED_BLOCK * n, *cs = kb->acc + (size_t)me * n;
        memset(cs, 0, n * sizeof *cs);
        for (size_t b = (size_t)me; b < nblk && !bad; b += (size_t)nt) {
            size_t i0 = b * MIXED_BLOCK, i1 = n - i0 < MIXED_BLOCK ? n : i0 + MIXED_BLOCK;
            if (kernel_rows(kb, me, Kb, i0, i1)) {
                bad = 1;
                break;
            }
            for (size_t i = i0; i < i1; i++) {
                const double *Ki = Kb + (i - i0) * i1;
                float *Fi = F + ua_rfp_index(n, i, 0);
                double r = 0;
                int out = 0; /* a value outside float32's range, or NaN */
                if (i >= n1) { /* the row is contiguous in F */
#pragma omp simd reduction(+ : r) reduction(| : out)
                    for (size_t j = 0; j <= i; j++) {
                        float f = (float)(sc * Ki[j]);
                        Fi[j] = f;
                        out |= !(fabsf(f) <= FLT_MAX);
                        r += fabs(Ki[j]);
                    }
                } else { /* the first n1 rows: a column of U11 each, entries ld apart */
                    for (size_t j = 0; j <= i; j++) {
                        float f = (float)(sc * Ki[j]);
                        Fi[j * ld] = f;
                        out |= !(fabsf(f) <= FLT_MAX);
                        r += fabs(Ki[j]);
                    }
                }
#pragma omp simd
                for (size_t j = 0; j < i; j++) cs[j] += fabs(Ki[j]);
                rs[i] = r;
                bad |= out | !isfinite(r);
            }
        }
    }
    double anorm = 0;
    for (size_t i = 0; i < n; i++) {
        double r = rs[i];
        for (int p = 0; p < nt; p++) r += kb->acc[(size_t)p * n + i];
        anorm = fmax(anorm, r);
    }
    return bad ? NAN : anorm;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

/* the largest over the columns t of max |r_t| / max |w_t| (infinity when w_t = 0 but r_t is not) */
static double residual_ratio(const double *r, const double *w, size_t n, size_t k)
{
    double worst = 0;
    for (size_t t = 0; t < k; t++) {
        double rmax = 0, wmax = 0;
        for (size_t i = 0; i < n; i++) {
            rmax = fmax(rmax, fabs(r[t * n + i]));
            wmax = fmax(wmax, fabs(w[t * n + i]));
        }
        double q = rmax == 0 ? 0 : rmax / wmax;
        if (!(q <= worst)) worst = isnan(q) ? INFINITY : q;
    }
    return worst;
}

/*
 * Conjugate gradients on A w = b (b, w (k, n)), preconditioned by the float32 factor F of sc A,
 * with the flexible (Polak-Ribiere) beta, which tolerates the float32 rounding of the
 * preconditioner (Golub & Ye 1999; Notay 2000). anorm = ||A||_inf, u = 2^-53. The iteration runs
 * until the residual updated step by step passes lim ||w||, then recomputes the true residual
 * b - A w and restarts from it, until that one's normwise backward error rho = ||b - A w|| /
 * (||A|| ||w||) (infinity norms, the worst column) is below u / 8, or below u and no longer
 * halving from one recomputation to the next: the level the double Cholesky solve reaches.
 * The first lim is u anorm, each later one a quarter of the last rho anorm. Returns 1 when
 * converged within MIXED_MAX_STEPS products with A (counted in *steps), 0 otherwise. work:
 * 4 k n + 2 k doubles, rf: k n floats.
 */
static int pcg(const kmat_blocks *kb, const float *F, double sc, size_t k, const double *b,
               double anorm, double *w, double *work, float *rf, int *steps)
{
    const double u = 0.5 * DBL_EPSILON;
    size_t n = kb->n;
    double *r = work, *z = r + k * n, *p = z + k * n, *q = p + k * n, *rz = q + k * n, *rs = rz + k;
    double lim = u * anorm, last = INFINITY;
    memset(w, 0, k * n * sizeof *w);
    memcpy(r, b, k * n * sizeof *r); /* the residual of w = 0 */
    *steps = 0;
    while (*steps < MIXED_MAX_STEPS) {
        /* (re)start from the true residual r */
        if (ua_ridge_precondition_rfp_f32(F, n, k, sc, r, rf, rs, z)) return 0;
        memcpy(p, z, k * n * sizeof *p);
        for (size_t t = 0; t < k; t++) rz[t] = dot(r + t * n, z + t * n, n);
        while (*steps < MIXED_MAX_STEPS) {
            ++*steps;
            if (apply_kernel(kb, k, p, q)) return 0;
            for (size_t t = 0; t < k; t++) {
                if (rz[t] == 0) continue; /* r_t = 0 already: w_t solves its system */
                double pq = dot(p + t * n, q + t * n, n), alpha = rz[t] / pq;
                if (!(rz[t] > 0 && pq > 0 && isfinite(alpha))) return 0; /* not positive definite */
                for (size_t i = 0; i < n; i++) {
                    w[t * n + i] += alpha * p[t * n + i];
                    r[t * n + i] -= alpha * q[t * n + i];
                }
            }
            if (residual_ratio(r, w, n, k) <= lim) break;
            memcpy(q, z, k * n * sizeof *q); /* the previous z, for the flexible beta */
            if (ua_ridge_precondition_rfp_f32(F, n, k, sc, r, rf, rs, z)) return 0;
            for (size_t t = 0; t < k; t++) {
                if (rz[t] == 0) continue;
                double rzn = dot(r + t * n, z + t * n, n);
                double beta = (rzn - dot(r + t * n, q + t * n, n)) / rz[t];
                rz[t] = rzn;
                for (size_t i = 0; i < n; i++) p[t * n + i] = z[t * n + i] + beta * p[t * n + i];
            }
        }
        if (*steps >= MIXED_MAX_STEPS) return 0;
        /* the true residual b - A w */
        ++*steps;
        if (apply_kernel(kb, k, w, q)) return 0;
        for (size_t t = 0; t < k * n; t++) r[t] = b[t] - q[t];
        double rho = residual_ratio(r, w, n, k) / anorm;
        if (rho <= u / 8 || (rho <= u && rho > last / 2)) return 1;
        if (!(rho < INFINITY)) return 0;
        last = rho;
        lim = fmin(lim, 0.25 * rho * anorm);
    }
    return 0;
}

/*
 * w (k, n) := (K + lambda I)^-1 b for the kernel matrix K of the points x (n, d) under the
 * resolved spec s, lambda > 0, b (k, n) one right-hand side per row, in mixed precision (the
 * method above; 2 n (n + 1) bytes for F). Returns 1 when solved, with *steps the products with
 * K + lambda I taken; 0 when not (a value not finite, spftrf failed, no convergence, no memory):
 * the caller then solves in double, which also reports what was wrong. Not static:
 * tests/test_kernel.c calls it directly, to check that this path (not the fallback) meets
 * scipy's solution.
 */
int ua_kernel_solve_mixed(const ua_kernel_spec *s, const double *x, size_t n, size_t d,
                          double lambda, size_t k, const double *b, double *w, int *steps);
int ua_kernel_solve_mixed(const ua_kernel_spec *s, const double *x, size_t n, size_t d,
                          double lambda, size_t k, const double *b, double *w, int *steps)
{
    *steps = 0;
    if (!n || !k || n > (size_t)INT32_MAX / 2 || !(lambda > 0)) return 0;
    int nt = ua_row_threads(n * n, 1000000, (n + MIXED_BLOCK - 1) / MIXED_BLOCK);
    double *dsc = malloc(n * sizeof *dsc), *bs = malloc(k * n * sizeof *bs);
    kmat_blocks kb = { s, x, n, d, lambda, nt,
                       malloc((size_t)nt * MIXED_BLOCK * n * sizeof(double)),
                       malloc((size_t)nt * k * n * sizeof(double)),
                       malloc(d * n * sizeof(double)),
                       malloc((size_t)nt * 2 * n * sizeof(double)), NULL };
    const size_t nF = n * (n + 1) / 2; /* F in rectangular full packed format */
    float *F = malloc(nF * sizeof *F), *rf = malloc(k * n * sizeof *rf);
    double *work = malloc((4 * k * n + 2 * k + n) * sizeof *work);
    int ok = 0, scaled = 0, usable = 1;
    if (kb.Kb && kb.acc && kb.xT && kb.tmp && F && rf && work && dsc && bs) {
        for (size_t j = 0; j < n; j++)
            for (size_t l = 0; l < d; l++) kb.xT[l * n + j] = x[j * d + l];
        /* A's diagonal: where it varies (polynomial and the dot-product kernels), the system is
         * solved as D^-1/2 A D^-1/2 (D^1/2 w) = D^-1/2 b, whose diagonal is 1 (symmetric Jacobi
         * scaling), so that the stopping test's normwise backward error means for every row
         * what it means for a unit diagonal: on A itself a polynomial kernel of degree 40
         * (diagonal spanning decades) passed the test with a training RMSE of 16.5 where the
         * double Cholesky solve, which scaling does not change, has 1.1e-6. A constant diagonal
         * (rbf, Matern, laplacian) is left as it is, to the same bits as before. */
        double dmax = 0; /* F = sc A, sc scaling A's largest diagonal value to 1 */
        for (size_t i = 0; i < n; i++) {
            dsc[i] = ua_kernel_pair(s, x + i * d, x + i * d, d) + lambda;
            if (!(dsc[i] > 0) || !isfinite(dsc[i])) usable = 0;
            scaled |= dsc[i] != dsc[0];
            dmax = fmax(dmax, fabs(dsc[i]));
        }
        double sc = dmax > 0 && isfinite(1.0 / dmax) ? 1.0 / dmax : 1.0;
        if (usable && scaled) {
            for (size_t i = 0; i < n; i++) dsc[i] = 1.0 / sqrt(dsc[i]);
            for (size_t t = 0; t < k; t++)
                for (size_t i = 0; i < n; i++) bs[t * n + i] = dsc[i] * b[t * n + i];
            kb.dsc = dsc;
            sc = 1.0; /* the scaled diagonal is 1 */
        }
        double anorm = NAN;
        if (usable) {
            if (nt > 1) ua_blas_pool_stop(); /* no pool thread spinning through the OpenMP passes */
            ua_prefault(F, nF * sizeof *F); /* one system call, not a trap a page */
            anorm = form_float(&kb, sc, F, work);
        }
        if (isfinite(anorm)
            && !LAPACKE_spftrf_work(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)n, F)) {
            /* conjugate gradients: OpenMP regions between float32 solves, OpenBLAS on one thread */
            int blas_threads = ua_blas_threads_quiet();
            ok = pcg(&kb, F, sc, k, kb.dsc ? bs : b, anorm, w, work, rf, steps);
            ua_blas_threads_quiet_restore(blas_threads);
            if (ok && kb.dsc) /* w = D^-1/2 (D^1/2 w) */
                for (size_t t = 0; t < k; t++)
                    for (size_t i = 0; i < n; i++) w[t * n + i] *= dsc[i];
        }
    }
    free(dsc);
    free(bs);
    free(kb.Kb);
    free(kb.acc);
    free(kb.xT);
    free(kb.tmp);
    free(F);
    free(rf);
    free(work);
    return ok;
}

/* alpha (n, k) = (K + lambda I)^-1 y: in mixed precision (ua_kernel_solve_mixed: the float32
 * factor, 2 n (n + 1) bytes, K formed again block by block) when n >= MIXED_MIN_N; else, or
 * where that does not converge, K formed in double (8 n^2 bytes) and factored by Cholesky in
 * place. The memory limit is checked against the 8 n^2 bytes of that fallback, before either. */
static ua_status solve_exact(const ua_kernel_spec *s, const double *x, const double *y, size_t n,
                             size_t d, size_t k, double lambda, double max_mem, double *alpha)
{
    double need = (double)n * (double)n * 8.0;
    double limit = max_mem > 0 ? max_mem : 0.5 * ua_phys_memory();
    if ((limit > 0 && need > limit) || (double)n * (double)n > 9.0e18)
        return UA_ERR(UA_EINVAL, "kernel fit: the %zu x %zu kernel matrix needs %.3g GiB, more than "
                      "the %.3g GiB allowed; use the Nystrom approximation (--nystrom M, e.g. M = "
                      "2000) or the rf family (random features)", n, n, need / 1073741824.0,
                      limit / 1073741824.0);
    double *B = malloc(n * k * sizeof *B);
    if (!B) return UA_ENOMEM_ERR(n * k * sizeof *B);
    for (size_t i = 0; i < n; i++) /* column-major right-hand sides */
        for (size_t t = 0; t < k; t++) B[t * n + i] = y[i * k + t];
    int steps, mixed = n >= MIXED_MIN_N && lambda > 0;
    if (mixed) {
        double *W = malloc(n * k * sizeof *W);
        mixed = W && ua_kernel_solve_mixed(s, x, n, d, lambda, k, B, W, &steps);
        if (mixed) memcpy(B, W, n * k * sizeof *B);
        free(W);
    }
    double *K = mixed ? NULL : malloc(n * n * sizeof *K);
    ua_status st = UA_OK;
    if (!mixed && !K)
        st = UA_ERR(UA_ENOMEM, "kernel fit: cannot allocate the %zu x %zu kernel matrix "
                    "(%.3g GiB); use --nystrom M or the rf family", n, n, need / 1073741824.0);
    if (!st && !mixed) st = ua_kmat_sym_lower(s, x, n, d, K, n);
    if (!st && !mixed) st = ua_ridge_check_finite("kernel fit", "the kernel matrix", K, n, 1);
    if (!st && !mixed) {
        for (size_t i = 0; i < n; i++) K[i * n + i] += lambda;
        /* the row-major lower triangle is LAPACK's column-major upper: no transposed copy; K was
         * checked finite above (LAPACKE_dpotrf's own check of it took 1% of the fit at n = 8000) */
        lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)n, K,
                                              (lapack_int)n);
        if (info > 0)
            st = UA_ERR(UA_EDOMAIN, "kernel fit: K + lambda I is not positive definite (lambda = "
                        "%g is too small for this kernel; leading minor %d)", lambda, (int)info);
        else if (info < 0) st = UA_ERR(UA_EINVAL, "dpotrf: argument %d invalid", (int)-info);
    }
    if (!st && !mixed) {
        lapack_int info = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'U', (lapack_int)n, (lapack_int)k,
                                              K, (lapack_int)n, B, (lapack_int)n);
        if (info) st = UA_ERR(UA_EINVAL, "dpotrs failed (%d)", (int)info);
    }
    if (!st) {
        for (size_t i = 0; !st && i < n; i++)
            for (size_t t = 0; t < k; t++) alpha[i * k + t] = B[t * n + i];
        if (!st) st = ua_ridge_check_finite("kernel fit", "the weights alpha", alpha, n * k, 0);
    }
    free(K);
    free(B);
    return st;
}

ua_status ua_kernel_nystrom_solve(ua_kernel *km, const double *x, const double *y, size_t n,
                                  const ua_kernel_options *o, int lambda_free, double *err);

/* The Nystrom solve chose lambda again on all rows, from its own grid (o->lambda_grid or the
 * default 1e-8 .. 1e2): the selection's lambda, and its warning, are not the model's. The
 * warning is rewritten for the lambda used: on an end of the grid it was chosen from, or not at
 * all; the scale's part, if any, is kept. */
static void nystrom_lambda_warning(ua_kernel *km, ua_kernel_selection *sel,
                                   const ua_kernel_options *o)
{
    const double *lams = o->lambda_grid ? o->lambda_grid : ua_ridge_default_lambdas;
    size_t nl = o->lambda_grid ? o->n_lambda : UA_RIDGE_N_DEFAULT_LAMBDAS;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nl; i++) lo = fmin(lo, lams[i]), hi = fmax(hi, lams[i]);
    sel->lambda_edge = 0;
    ua_kernel_selection_warning(sel, &km->spec, 0, o->lambda_grid != NULL);
    char *b = km->select_warning;
    size_t len = sizeof km->select_warning;
    int edge = nl > 1 ? (km->lambda <= lo ? -1 : km->lambda >= hi ? 1 : 0) : 0;
    if (!edge) {
        snprintf(b, len, "%s", sel->warning);
        return;
    }
    snprintf(b, len, "lambda = %g is on the %s end of the grid the Nystrom solve chose it from "
             "(%g .. %g, on all %zu rows)%s%.200s", km->lambda, edge < 0 ? "lower" : "upper", lo, hi,
             km->n_train, sel->warning[0] ? "; " : ": the optimum may lie beyond; give the value "
             "or a grid", sel->warning[0] ? sel->warning : "");
}

ua_status ua_kernel_fit(const double *x, const double *y, size_t n, size_t d, size_t k,
                        const ua_kernel_options *opt, ua_kernel **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_kernel_fit: out is NULL");
    *out = NULL;
    ua_kernel_options o;
    if (opt) o = *opt;
    else ua_kernel_options_default(&o);
    if (!x || !y || !n || !d || !k)
        return UA_ERR(UA_EINVAL, "ua_kernel_fit: need x, y and n, d, k > 0 (n = %zu, d = %zu, k = %zu)",
                      n, d, k);
    if (n < 2)
        return UA_ERR(UA_EINVAL, "kernel fit: need at least 2 training rows, got %zu (one row "
                      "determines nothing, and leave-one-out has nothing left)", n);
    if (o.classify && k != 1) return UA_ERR(UA_EINVAL, "kernel fit: classification takes one label column, got %zu", k);
    if (o.nystrom > n)
        return UA_ERR(UA_EINVAL, "kernel fit: Nystrom with %zu landmarks needs at least as many "
                      "training rows, got %zu; use M <= %zu (M = n is exact KRR's cost)",
                      o.nystrom, n, n);
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(x[i])) return UA_ERR(UA_EINVAL, "kernel fit: x[%zu][%zu] is not finite", i / d, i % d);
    for (size_t i = 0; i < n * k; i++)
        if (!isfinite(y[i])) return UA_ERR(UA_EINVAL, "kernel fit: y[%zu][%zu] is not finite", i / k, i % k);
    if (o.classify) {
        ua_status ls = ua_check_labels("kernel fit", y, n, 0);
        if (ls) return ls;
    }
    if (!(o.lambda >= 0) || !isfinite(o.lambda)) return UA_ERR(UA_EINVAL, "kernel fit: lambda must be >= 0 (0: choose), got %g", o.lambda);
    if (o.select > UA_SELECT_NONE) return UA_ERR(UA_EINVAL, "kernel fit: unknown selection %d", (int)o.select);
    if (o.select == UA_SELECT_KFOLD && (o.folds < 2 || o.folds > n))
        return UA_ERR(UA_EINVAL, "kernel fit: k-fold needs 2 <= folds <= n, got %zu", o.folds);
    if (o.lambda_grid)
        for (size_t l = 0; l < o.n_lambda; l++)
            if (!(o.lambda_grid[l] > 0)) return UA_ERR(UA_EINVAL, "kernel fit: lambda grid value %g is not > 0", o.lambda_grid[l]);
    if (o.lambda_grid && !o.n_lambda) return UA_ERR(UA_EINVAL, "kernel fit: empty lambda grid");
    if (!o.select_max) o.select_max = 1000;
    {   /* check the explicitly set values (0 = choose is resolved later) */
        ua_kernel_spec c = o.kernel;
        ua_kspec_fill_defaults(&c, &(double){1.0}, d);
        ua_status st = ua_kspec_check(&c);
        if (st) return st;
        if (o.kernel.gamma < 0 || o.kernel.length_scale < 0 || o.kernel.depth < 0)
            return UA_ERR(UA_EINVAL, "kernel fit: gamma, length scale and depth must be >= 0 (0: choose)");
    }

    ua_kernel *km = calloc(1, sizeof *km);
    if (!km) return UA_ENOMEM_ERR(sizeof *km);
    km->d = d;
    km->standardize = o.standardize != 0;
    km->classify = o.classify != 0;
    km->nystrom = o.nystrom > 0;
    km->n_train = n;
    km->select = o.select;
    km->loo_rmse = NAN;
    ua_status st = UA_OK;
    double *xz = malloc(n * d * sizeof *xz), *yz = NULL;
    if (!xz) st = UA_ENOMEM_ERR(n * d * sizeof *xz);
    if (!st) {
        memcpy(xz, x, n * d * sizeof *xz);
        if (km->standardize && !(st = ua_scaler_fit(x, n, d, &km->xs))) {
            ua_scaler_apply(&km->xs, xz, n);
            st = ua_check_standardised("kernel fit", UA_RIDGE_LEAD, "x", xz, n, d);
        }
    }
    /* targets: standardised columns, or one-hot classes */
    if (!st && km->classify) {
        double *c = malloc(n * sizeof *c);
        if (!c) st = UA_ENOMEM_ERR(n * sizeof *c);
        size_t nc = 0;
        for (size_t i = 0; !st && i < n; i++) {
            size_t j = 0;
            while (j < nc && c[j] < y[i]) j++;
            if (j < nc && c[j] == y[i]) continue;
            memmove(c + j + 1, c + j, (nc - j) * sizeof *c);
            c[j] = y[i];
            nc++;
        }
        if (!st && nc < 2) st = UA_ERR(UA_EINVAL, "kernel fit: classification needs at least 2 classes, got %zu", nc);
        km->classes = c;
        km->k = nc;
        if (!st && !(yz = ua_calloc(n * nc, sizeof *yz))) st = UA_ENOMEM_ERR(n * nc * sizeof *yz);
        for (size_t i = 0; !st && i < n; i++)
            for (size_t j = 0; j < nc; j++)
                if (c[j] == y[i]) yz[i * nc + j] = 1.0;
    } else if (!st) {
        km->k = k;
        if (!(yz = malloc(n * k * sizeof *yz))) st = UA_ENOMEM_ERR(n * k * sizeof *yz);
        else {
            memcpy(yz, y, n * k * sizeof *yz);
            if (km->standardize && !(st = ua_scaler_fit(y, n, k, &km->ys))) {
                ua_scaler_apply(&km->ys, yz, n);
                st = ua_check_standardised("kernel fit", UA_RIDGE_LEAD, "y", yz, n, k);
            }
        }
    }
    size_t kk = km->k;
    ua_kernel_spec spec = o.kernel;
    double lambda = o.lambda;
    int lambda_free = !(lambda > 0) && o.select != UA_SELECT_NONE;
    int need = lambda_free || ua_kernel_has_free_scale(&spec);
    /* a job of several MPI ranks in a build with ScaLAPACK: the exact solve is split over the
     * ranks (dist.c), and so is the memory it needs (the plan below is then per rank) */
    const int dist = !km->nystrom && ua_kernel_dist_active();
    if (!st && !km->nystrom) { /* an exact matrix above the memory's allowance: Nystrom, said */
        size_t M = dist ? ua_kernel_dist_memory_plan(n, kk, o.max_memory, km->note,
                                                     sizeof km->note)
                        : ua_kernel_memory_plan(n, o.max_memory, ua_phys_memory(), km->note,
                                                sizeof km->note);
        if (M && M != (size_t)-1) {
            o.nystrom = M;
            km->nystrom = 1;
        } else if (M == (size_t)-1 && km->note[0]) { /* not even Nystrom fits: refused, said */
            st = UA_ERR(UA_EINVAL, "%s", km->note);
            km->note[0] = '\0';
        }
    }
    if (km->nystrom) o.select_lambda_max = 1; /* Nystrom chooses lambda on all rows itself */
    ua_kernel_selection sel = {0};
    size_t repeated = 0; /* rows whose inputs repeat an earlier row's, when chosen by selection */
    if (!st && need && o.select != UA_SELECT_NONE) {
        st = ua_kernel_choose(&o, xz, yz, n, d, kk,
                              km->standardize && !km->classify ? km->ys.scale : NULL, &spec,
                              &lambda, &km->loo_rmse, &sel);
        if (!st) {
            km->select_rows_scale = sel.rows_scale;
            km->select_rows_lambda = sel.rows_lambda;
            snprintf(km->select_warning, sizeof km->select_warning, "%s", sel.warning);
            repeated = ua_count_repeated_rows(xz, n, d);
        }
    }
    /* every rank repeated the selection; rank 0's choice is the job's (collective) */
    if (dist && need && o.select != UA_SELECT_NONE)
        st = ua_kernel_dist_agree(st, &spec, &lambda, &km->loo_rmse);
    ua_kspec_fill_defaults(&spec, &lambda, d);
    km->spec = spec;
    km->lambda = lambda;
    if (!st && !km->nystrom) {
        km->m = n;
        if (!(km->w = malloc(n * kk * sizeof *km->w))) st = UA_ENOMEM_ERR(n * kk * sizeof *km->w);
        if (!st)
            st = km->nystrom || !dist
                     ? solve_exact(&spec, xz, yz, n, d, kk, lambda, o.max_memory, km->w)
                     : ua_kernel_solve_dist(&spec, xz, yz, n, d, kk, lambda, o.max_memory, km->w,
                                            km->solve, sizeof km->solve);
        if (!st) {
            km->pts = xz;
            xz = NULL;
        }
    } else if (!st) {
        st = ua_kernel_nystrom_solve(km, xz, yz, n, &o, lambda_free, &km->loo_rmse);
        if (!st && lambda_free) {
            km->select_rows_lambda = n;
            nystrom_lambda_warning(km, &sel, &o);
        }
    }
    free(xz);
    free(yz);
    if (!st && repeated) { /* said after the edges' warning, when there is one */
        size_t used = strlen(km->select_warning);
        snprintf(km->select_warning + used, sizeof km->select_warning - used,
                 "%s%zu of the %zu rows repeat another row's inputs: the selection holds a row "
                 "out while its copy stays in, which favours a small lambda and a narrow kernel "
                 "(average or remove the repeats, or give --lambda and the scale)",
                 used ? "; " : "", repeated, n);
    }
    if (st) {
        ua_kernel_free(km);
        return st;
    }
    *out = km;
    return UA_OK;
}

/* scores sc (nb, k) = K (nb, m) w (m, k) */
/* s + c += p, compensated: s the rounded sum, c the rounding errors so far (TwoSum, Knuth). */
#define UA_TWO_SUM_ADD(s, c, p)                                                                   \
    do {                                                                                          \
        double a_ = (s) + (p), b_ = a_ - (s);                                                     \
        (c) += ((s) - (a_ - b_)) + ((p) - b_);                                                    \
        (s) = a_;                                                                                 \
    } while (0)

/* sc (nb, k) = K (nb, m) w (m, k), each sum of the products K_ij w_jt compensated (TwoSum over 4
 * lanes of a fixed order, combined in order): as if summed in twice the precision, then rounded
 * once. The weights of a small lambda are large and cancel (sum |K w| 1e5 times |f| measured at
 * lambda 1e-10): a plain sum then erred by eps times that (1e-11 of |f|), and its order, which
 * the vector width chose, made predictions differ at that level between machines and from the C
 * export (src/kernel/export.c sums the same products, compensated too). */
UA_MULTIVERSION
static void readout(const double *restrict K, const double *restrict w, size_t nb, size_t m, size_t k,
                    double *restrict sc)
{
    for (size_t i = 0; i < nb; i++)
        for (size_t t = 0; t < k; t++) {
            double s[4] = { 0 }, c[4] = { 0 };
            const double *Ki = K + i * m;
            size_t j = 0;
            for (; j + 4 <= m; j += 4)
                for (size_t l = 0; l < 4; l++) {
                    double p = Ki[j + l] * w[(j + l) * k + t];
                    UA_TWO_SUM_ADD(s[l], c[l], p);
                }
            double sum = s[0], comp = c[0];
            for (size_t l = 1; l < 4; l++) {
                UA_TWO_SUM_ADD(sum, comp, s[l]);
                comp += c[l];
            }
            for (; j < m; j++) {
                double p = Ki[j] * w[j * k + t];
                UA_TWO_SUM_ADD(sum, comp, p);
            }
            sc[i * k + t] = sum + comp;
        }
}

ua_status ua_kernel_predict(const ua_kernel *m, const double *x, size_t n, double *y)
{
    if (!m) return UA_ERR(UA_EINVAL, "ua_kernel_predict: model is NULL");
    if (!n) return UA_OK;
    if (!x || !y) return UA_ERR(UA_EINVAL, "ua_kernel_predict: NULL array with n = %zu", n);
    ua_status fin = ua_check_finite_inputs("kernel predict", x, n, m->d);
    if (fin) return fin;
    /* Blocks of rows over OpenMP threads, BLAS (where a kernel uses it) single-threaded inside:
     * OpenMP regions alternating with OpenBLAS's own pool made the two spin against each other. */
    /* B rows a block: each thread's block of K at most 2 MiB (256 rows up to m = 1024). With 256
     * rows at m = 8000 (16 MiB a thread) predicting 2000 rows took 0.09 - 0.27 s, with 32 rows
     * 0.03 - 0.06 s, on a 2-core virtual machine whose first touch of a page costs 23 us */
    size_t d = m->d, k = m->k, B = ((size_t)1 << 18) / (m->m ? m->m : 1);
    B = B < 16 ? 16 : B > 256 ? 256 : B;
    size_t nblk = (n + B - 1) / B;
    int nt = ua_row_threads(n * m->m, 100000, nblk);
    /* The distance kernels in few dimensions form K a row at a time against the points held
     * transposed (ua_kernel_rows_direct: the same values as ua_kernel_matrix) into one row
     * buffer a thread: each thread's memory is then m + 1,024 doubles instead of a block of
     * B rows, whose fresh pages (2 MiB a thread at m = 2000) took longer to fault in than the
     * block took to form (predicting 2,000 rows with m = 2,000: 13 -> 8 ms). */
    const int direct = ua_kernel_has_direct_rows(&m->spec, d);
    size_t per = B * (d + k) + (direct ? m->m + 2 * UA_KERNEL_ROW_CHUNK : B * m->m);
    double *work = malloc((size_t)nt * per * sizeof *work);
    double *ptsT = direct ? malloc(d * m->m * sizeof *ptsT) : NULL; /* (d, m) */
    if (!work || (direct && !ptsT)) {
        free(work);
        free(ptsT);
        return UA_ENOMEM_ERR(((size_t)nt * per + d * m->m) * sizeof *work);
    }
    for (size_t j = 0; direct && j < m->m; j++)
        for (size_t l = 0; l < d; l++) ptsT[l * m->m + j] = m->pts[j * d + l];
    int blas_threads = nt > 1 ? ua_blas_threads_serial() : 1;
    /* error messages are thread-local: the threads record what failed, the caller reports it */
    ua_status sts[UA_MAX_ROW_THREADS] = { UA_OK };
    size_t bad_row[UA_MAX_ROW_THREADS];
    for (int p = 0; p < UA_MAX_ROW_THREADS; p++) bad_row[p] = (size_t)-1;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t q = 0; q < nblk; q++) {
        int p = omp_get_thread_num();
        size_t i0 = q * B, nb = n - i0 < B ? n - i0 : B;
        double *xz = work + (size_t)p * per, *sc = xz + B * d, *K = sc + B * k;
        memcpy(xz, x + i0 * d, nb * d * sizeof *xz);
        if (m->standardize) ua_scaler_apply(&m->xs, xz, nb);
        if (direct) {
            for (size_t i = 0; i < nb; i++) {
                ua_kernel_rows_direct(&m->spec, xz + i * d, 1, ptsT, m->m, m->m, d, K, K + m->m);
                readout(K, m->w, 1, m->m, k, sc + i * k);
            }
        } else {
            ua_status st = ua_kernel_matrix(&m->spec, xz, nb, m->pts, m->m, d, K);
            if (st) {
                sts[p] = st;
                continue;
            }
            readout(K, m->w, nb, m->m, k, sc);
        }
        size_t bad = ua_first_nonfinite(sc, nb * k);
        if (bad < nb * k) {
            if (i0 + bad / k < bad_row[p]) bad_row[p] = i0 + bad / k;
            continue;
        }
        if (m->classify) {
            for (size_t i = 0; i < nb; i++) {
                size_t best = 0;
                for (size_t j = 1; j < k; j++)
                    if (sc[i * k + j] > sc[i * k + best]) best = j;
                y[i0 + i] = m->classes[best];
            }
        } else {
            if (m->standardize) ua_scaler_invert(&m->ys, sc, nb);
            memcpy(y + i0 * k, sc, nb * k * sizeof *y);
        }
    }
    ua_blas_threads_restore(blas_threads);
    free(work);
    free(ptsT);
    size_t first_bad = (size_t)-1;
    for (int p = 0; p < nt; p++) {
        if (sts[p])
            return UA_ERR(sts[p], "kernel predict: forming the kernel matrix failed (%s)", ua_strerror(sts[p]));
        if (bad_row[p] < first_bad) first_bad = bad_row[p];
    }
    if (first_bad != (size_t)-1)
        return UA_ERR(UA_EDOMAIN, "kernel predict: the prediction for row %zu is not finite: the %s "
                      "kernel overflows double at that input (its magnitude is too large)", first_bad + 1,
                      ua_kernel_type_name(m->spec.type));
    return UA_OK;
}
