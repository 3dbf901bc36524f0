/*
 * Random-feature networks: draw the frozen hidden layer, fit the output layer by ridge (lambda by
 * LOO or GCV, src/train/ridge.c), predict (uniapprox/rf.h, docs/rf.md).
 */
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#include <omp.h>

#include "core/internal.h"
#include "train/ridge.h"
#include "internal.h"

static const char *const dist_names[] = {"gaussian", "uniform", "fourier"};
static const char *const act_names[] = {"relu", "tanh", "sigmoid", "cos"};

const char *ua_rf_dist_name(ua_rf_dist d) { return (unsigned)d < 3 ? dist_names[d] : "?"; }
const char *ua_rf_act_name(ua_rf_act a) { return (unsigned)a < 4 ? act_names[a] : "?"; }

ua_status ua_rf_dist_parse(const char *name, ua_rf_dist *dist)
{
    for (int i = 0; name && i < 3; i++)
        if (!strcmp(name, dist_names[i])) {
            *dist = (ua_rf_dist)i;
            return UA_OK;
        }
    return UA_ERR(UA_EINVAL, "unknown weight distribution '%s' (gaussian, uniform, fourier)",
                  name ? name : "(null)");
}

ua_status ua_rf_act_parse(const char *name, ua_rf_act *act)
{
    for (int i = 0; name && i < 4; i++)
        if (!strcmp(name, act_names[i])) {
            *act = (ua_rf_act)i;
            return UA_OK;
        }
    return UA_ERR(UA_EINVAL, "unknown activation '%s' (relu, tanh, sigmoid, cos)", name ? name : "(null)");
}

void ua_rf_options_default(ua_rf_options *o)
{
    memset(o, 0, sizeof *o);
    o->features = 500;
    o->dist = UA_RF_GAUSSIAN;
    o->act = UA_RF_RELU;
    o->scale = 1.0;
    o->bandwidth = 1.0;
    o->standardize = 1;
    o->seed = 1;
}

void ua_rf_free(ua_rf *m)
{
    if (!m) return;
    free(m->A);
    free(m->b);
    free(m->c);
    ua_scaler_free(&m->xs);
    ua_scaler_free(&m->ys);
    free(m);
}

void ua_rf_get_info(const ua_rf *m, ua_rf_info *in)
{
    memset(in, 0, sizeof *in);
    if (!m) return;
    in->d = m->d;
    in->k = m->k;
    in->features = m->m;
    in->n_train = m->n_train;
    in->dist = m->dist;
    in->act = m->act;
    in->scale = m->scale;
    in->bandwidth = m->bandwidth;
    in->gamma = m->gamma;
    in->lambda = m->lambda;
    in->select_rmse = m->select_rmse;
    in->gcv = m->gcv;
    in->standardize = m->standardize;
}

ua_status ua_rf_draw(const ua_rf_options *opt, size_t d, ua_rf **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_rf_draw: out is NULL");
    *out = NULL;
    ua_rf_options o;
    if (opt) o = *opt;
    else ua_rf_options_default(&o);
    if (!d) return UA_ERR(UA_EINVAL, "rf: d must be > 0");
    if (o.features < 1 || o.features > 1000000)
        return UA_ERR(UA_EINVAL, "rf: features must be 1..1000000, got %zu", o.features);
    if ((unsigned)o.dist > 2) return UA_ERR(UA_EINVAL, "rf: unknown distribution %d", (int)o.dist);
    if ((unsigned)o.act > 3) return UA_ERR(UA_EINVAL, "rf: unknown activation %d", (int)o.act);
    if (!(o.scale > 0 && isfinite(o.scale)) || !(o.bandwidth > 0 && isfinite(o.bandwidth)) ||
        !(o.gamma >= 0 && isfinite(o.gamma)))
        return UA_ERR(UA_EINVAL, "rf: scale and bandwidth must be > 0 and gamma >= 0 (got %g, %g, %g)",
                      o.scale, o.bandwidth, o.gamma);
    ua_rf *m = calloc(1, sizeof *m);
    if (!m) return UA_ENOMEM_ERR(sizeof *m);
    size_t M = o.features;
    m->d = d;
    m->m = M;
    m->k = 1;
    m->dist = o.dist;
    m->act = o.dist == UA_RF_FOURIER ? UA_RF_COS : o.act;
    m->scale = o.scale;
    m->bandwidth = o.bandwidth;
    m->gamma = o.gamma > 0 ? o.gamma : 1.0 / (double)d;
    m->gcv = o.gcv != 0;
    m->standardize = 0;
    m->select_rmse = NAN;
    m->out_scale = o.dist == UA_RF_FOURIER ? sqrt(2.0 / (double)M) : 1.0;
    m->A = malloc(M * d * sizeof *m->A);
    m->b = malloc(M * sizeof *m->b);
    m->c = ua_calloc(M, sizeof *m->c);
    if (!m->A || !m->b || !m->c) {
        ua_rf_free(m);
        return UA_ENOMEM_ERR(M * d * sizeof(double));
    }
    ua_rng r;
    ua_rng_seed(&r, o.seed);
    double sd = sqrt((double)d);
    for (size_t i = 0; i < M; i++) {
        for (size_t j = 0; j < d; j++) {
            double a;
            switch (o.dist) {
            case UA_RF_GAUSSIAN: a = ua_rng_normal(&r) * o.scale / sd; break;
            case UA_RF_UNIFORM: a = (2.0 * ua_rng_uniform(&r) - 1.0) * o.bandwidth; break;
            default: a = ua_rng_normal(&r) * sqrt(2.0 * m->gamma); break;
            }
            m->A[i * d + j] = a;
        }
        switch (o.dist) {
        case UA_RF_GAUSSIAN: m->b[i] = ua_rng_normal(&r) * o.scale; break;
        case UA_RF_UNIFORM: m->b[i] = (2.0 * ua_rng_uniform(&r) - 1.0) * 2.0 * o.bandwidth * sd; break;
        default: m->b[i] = 2.0 * UA_RF_PI * ua_rng_uniform(&r); break;
        }
    }
    *out = m;
    return UA_OK;
}

/* v[j] := s act(v[j] - b[j]) for j < n, act relu, tanh or sigmoid. One loop per activation, so
 * that relu's compiles to a branch-free vector blend (a branch per feature mispredicts on half of
 * them); each value is the same expression as before, bit for bit. */
UA_MULTIVERSION
static void act_row(double *restrict v, const double *restrict b, double s, ua_rf_act a, size_t n)
{
    switch (a) {
    case UA_RF_RELU:
#pragma omp simd
        for (size_t j = 0; j < n; j++) {
            double t = v[j] - b[j];
            v[j] = s * (t > 0 ? t : 0.0);
        }
        break;
    case UA_RF_TANH:
        for (size_t j = 0; j < n; j++) v[j] = s * tanh(v[j] - b[j]);
        break;
    case UA_RF_SIGMOID:
        for (size_t j = 0; j < n; j++) v[j] = s * (1.0 / (1.0 + exp(-(v[j] - b[j]))));
        break;
    default: ua_rf_cos_row(v, b, s, n); break;
    }
}

/* Below this input dimension the pre-activations z A^T are summed directly, fused with the
 * activation row by row; a dgemm with so short an inner dimension is memory-bound and slower. */
enum { FUSED_MAX_D = 32 };

/* v (m,) := z At for one row z (d,), At (d, m) */
UA_MULTIVERSION
static void preact_row(double *restrict v, const double *restrict z, const double *restrict At, size_t d,
                       size_t m)
{
    enum { C = 32 }; /* a chunk of sums stays in vector registers across the d terms */
    size_t j0 = 0;
    for (; j0 + C <= m; j0 += C) {
        double s[C] = {0};
        for (size_t l = 0; l < d; l++) {
            const double a = z[l], *row = At + l * m + j0;
            for (size_t j = 0; j < C; j++) s[j] += a * row[j];
        }
        for (size_t j = 0; j < C; j++) v[j0 + j] = s[j];
    }
    for (size_t j = j0; j < m; j++) {
        double s = 0;
        for (size_t l = 0; l < d; l++) s += z[l] * At[l * m + j];
        v[j] = s;
    }
}

ua_status ua_rf_features_std(const ua_rf *m, const double *z, size_t n, double *phi)
{
    size_t M = m->m, d = m->d;
    if (d > FUSED_MAX_D) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)M, (int)d, 1.0, z, (int)d,
                    m->A, (int)d, 0.0, phi, (int)M);
    } else {
        double *At = malloc(d * M * sizeof *At); /* (d, m): rows contiguous over the features */
        if (!At) return UA_ENOMEM_ERR(d * M * sizeof *At);
        for (size_t j = 0; j < M; j++)
            for (size_t l = 0; l < d; l++) At[l * M + j] = m->A[j * d + l];
#pragma omp parallel for schedule(static) if (n * M * d > 1000000)
        for (size_t i = 0; i < n; i++) { /* the activation while the row is in cache */
            preact_row(phi + i * M, z + i * d, At, d, M);
            act_row(phi + i * M, m->b, m->out_scale, m->act, M);
        }
        free(At);
        return UA_OK;
    }
    for (size_t i = 0; i < n; i++) act_row(phi + i * M, m->b, m->out_scale, m->act, M);
    return UA_OK;
}

ua_status ua_rf_features(const ua_rf *m, const double *x, size_t n, double *phi)
{
    if (!m || (n && (!x || !phi))) return UA_ERR(UA_EINVAL, "ua_rf_features: NULL argument");
    if (!n) return UA_OK;
    double *z = malloc(n * m->d * sizeof *z);
    if (!z) return UA_ENOMEM_ERR(n * m->d * sizeof *z);
    memcpy(z, x, n * m->d * sizeof *z);
    if (m->standardize) ua_scaler_apply(&m->xs, z, n);
    ua_status st = ua_rf_features_std(m, z, n, phi);
    free(z);
    return st;
}

ua_status ua_rf_check_memory(size_t n, size_t d, size_t k, size_t m, int fixed_lambda,
                             double max_memory, int drawn)
{
    /* in double: n m overflows nothing here, and the comparison needs no exact bytes */
    double N = (double)n, M = (double)m, feat = 8.0 * N * M, gram = 8.0 * M * M;
    /* grid: phi and P = Phi V (n x m each), G and dsyevd's 1 + 6 m + 2 m^2 workspace; fixed:
     * the double-precision fallback's phi and G, more than the float32 pass holds */
    double need = fixed_lambda ? feat + gram : 2.0 * feat + 3.0 * gram;
    need += 8.0 * N * (double)(d + k);
    double limit = max_memory > 0 ? max_memory : 0.8 * ua_phys_memory();
    /* --out-of-core holds three m x m matrices (fit_blocks.c) and a block of rows: advised only
     * where those fit, that is where the rows' features are what is too large */
    int blocks_fit = limit > 0 && 3.0 * gram < 0.9 * limit;
    if ((limit > 0 && need > limit) || need > 0.5 * (double)SIZE_MAX)
        return UA_ERR(UA_EINVAL, "rf fit: %zu training rows x %zu features need about %.3g GiB "
                      "(the %zu x %zu features matrix %.3g GiB%s, the %zu x %zu Gram matrix %.3g "
                      "GiB%s), more than the %.3g GiB allowed (--max-memory, default 80%% of the "
                      "physical memory); %s", n, m, need / 1073741824.0, n, m, feat / 1073741824.0,
                      fixed_lambda ? "" : ", twice", m, m, gram / 1073741824.0,
                      fixed_lambda ? "" : ", three times", limit / 1073741824.0,
                      drawn ? "reduce --features or --samples (the points drawn)"
                      : blocks_fit ? "reduce --features, or fit with --out-of-core (which holds one "
                                     "block of rows in memory)"
                                   : "reduce --features (--out-of-core would not help: it holds three "
                                     "m x m matrices)");
    return UA_OK;
}

ua_status ua_rf_fit(const double *x, const double *y, size_t n, size_t d, size_t k,
                    const ua_rf_options *opt, ua_rf **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_rf_fit: out is NULL");
    *out = NULL;
    ua_rf_options o;
    if (opt) o = *opt;
    else ua_rf_options_default(&o);
    if (!x || !y || !n || !d || !k)
        return UA_ERR(UA_EINVAL, "ua_rf_fit: need x, y and n, d, k > 0 (n = %zu, d = %zu, k = %zu)", n, d, k);
    if (n < 2)
        return UA_ERR(UA_EINVAL, "rf fit: need at least 2 training rows, got %zu (one row "
                      "determines nothing, and leave-one-out has nothing left)", n);
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(x[i])) return UA_ERR(UA_EINVAL, "rf fit: x[%zu][%zu] is not finite", i / d, i % d);
    for (size_t i = 0; i < n * k; i++)
        if (!isfinite(y[i])) return UA_ERR(UA_EINVAL, "rf fit: y[%zu][%zu] is not finite", i / k, i % k);
    if (!(o.lambda >= 0 && isfinite(o.lambda))) return UA_ERR(UA_EINVAL, "rf fit: lambda must be >= 0, got %g", o.lambda);
    if (o.lambda_grid && !o.n_lambda) return UA_ERR(UA_EINVAL, "rf fit: empty lambda grid");
    for (size_t l = 0; o.lambda_grid && l < o.n_lambda; l++)
        if (!(o.lambda_grid[l] > 0)) return UA_ERR(UA_EINVAL, "rf fit: lambda grid value %g is not > 0", o.lambda_grid[l]);
    if (!(o.max_memory >= 0)) return UA_ERR(UA_EINVAL, "rf fit: max_memory must be >= 0, got %g", o.max_memory);
    /* features are range-checked by ua_rf_draw; checked here first so the estimate sees a sane m */
    if (o.features >= 1 && o.features <= 1000000) {
        ua_status mst = ua_rf_check_memory(n, d, k, o.features, o.lambda > 0, o.max_memory, 0);
        if (mst) return mst;
    }
    ua_rf *m;
    ua_status st = ua_rf_draw(&o, d, &m);
    if (st) return st;
    m->k = k;
    m->n_train = n;
    m->standardize = o.standardize != 0;
    size_t M = m->m;
    double *z = malloc(n * d * sizeof *z), *yz = malloc(n * k * sizeof *yz);
    free(m->c);
    m->c = malloc(M * k * sizeof *m->c);
    if (!z || !yz || !m->c) st = UA_ENOMEM_ERR((n * (d + k) + M * k) * sizeof *z);
    if (!st) {
        memcpy(z, x, n * d * sizeof *z);
        memcpy(yz, y, n * k * sizeof *yz);
        if (m->standardize) {
            if (!(st = ua_scaler_fit(x, n, d, &m->xs))) {
                ua_scaler_apply(&m->xs, z, n);
                st = ua_check_standardised("rf fit", UA_RIDGE_LEAD, "x", z, n, d);
            }
            if (!st && !(st = ua_scaler_fit(y, n, k, &m->ys))) {
                ua_scaler_apply(&m->ys, yz, n);
                st = ua_check_standardised("rf fit", UA_RIDGE_LEAD, "y", yz, n, k);
            }
        }
    }
    if (!st && o.lambda > 0) { /* a fixed lambda: mixed-precision Cholesky (solve.c) */
        m->lambda = o.lambda;
        /* under mpirun the ranks share the rows of the Gram matrix (solve.c) */
        st = ua_rf_solve_fixed(m, z, yz, n, o.lambda, m->c);
    } else if (!st) { /* lambda over a grid: one eigendecomposition scores them all */
        double *phi = malloc(n * M * sizeof *phi), lam = 0, err = NAN;
        const double *grid = o.lambda_grid ? o.lambda_grid : ua_ridge_default_lambdas;
        size_t nl = o.lambda_grid ? o.n_lambda : UA_RIDGE_N_DEFAULT_LAMBDAS;
        if (!phi) st = UA_ENOMEM_ERR(n * M * sizeof *phi);
        if (!st) st = ua_rf_features_std(m, z, n, phi);
        /* lambda is chosen on the standardised targets; the error is reported in the target's units */
        double err_t = NAN;
        if (!st)
            st = ua_ridge_features_w(phi, yz, n, M, k, m->standardize ? m->ys.scale : NULL, grid, nl,
                                     m->gcv, &lam, &err, &err_t, NULL, m->c);
        free(phi);
        m->lambda = lam;
        m->select_rmse = err_t;
    }
    free(z);
    free(yz);
    if (st) {
        ua_rf_free(m);
        return st;
    }
    m->fitted = 1;
    *out = m;
    return UA_OK;
}

/* y (k,) = c^T h for one row of features h (m,), c (m, k) */
UA_MULTIVERSION
static void readout_row(const double *restrict h, const double *restrict c, size_t m, size_t k,
                        double *restrict y)
{
    for (size_t t = 0; t < k; t++) {
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (size_t j = 0; j < m; j++) s += h[j] * c[j * k + t];
        y[t] = s;
    }
}

ua_status ua_rf_predict(const ua_rf *m, const double *x, size_t n, double *y)
{
    if (!m) return UA_ERR(UA_EINVAL, "ua_rf_predict: model is NULL");
    if (!n) return UA_OK;
    if (!x || !y) return UA_ERR(UA_EINVAL, "ua_rf_predict: NULL array with n = %zu", n);
    ua_status fin = ua_check_finite_inputs("rf predict", x, n, m->d);
    if (fin) return fin;
    /* Blocks of rows over OpenMP threads; the readout is a plain loop, not BLAS, so that no
     * OpenBLAS thread pool runs between the OpenMP regions (the two spin against each other).
     * 32 rows a block: each thread's features then take 256 KiB at 1,000 features, where blocks
     * of 256 rows (2 MiB a thread) spent more time faulting in fresh pages than computing
     * (predicting 2,000 rows with 1,000 features: 11 -> 4 ms on a 2-core virtual machine). */
    size_t B = 32, M = m->m, k = m->k, d = m->d, nblk = (n + B - 1) / B;
    int nt = ua_row_threads(n * M * d, 1000000, nblk);
    double *phi = malloc((size_t)nt * B * (M + d) * sizeof *phi);
    if (!phi) return UA_ENOMEM_ERR((size_t)nt * B * (M + d) * sizeof *phi);
    /* error messages are thread-local: the threads record what failed, the caller reports it */
    int no_memory[UA_MAX_ROW_THREADS] = { 0 };
    size_t bad_row[UA_MAX_ROW_THREADS];
    for (int p = 0; p < UA_MAX_ROW_THREADS; p++) bad_row[p] = (size_t)-1;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t q = 0; q < nblk; q++) {
        int p = omp_get_thread_num();
        size_t i0 = q * B, nb = n - i0 < B ? n - i0 : B;
        double *h = phi + (size_t)p * B * (M + d), *z = h + B * M;
        memcpy(z, x + i0 * d, nb * d * sizeof *z);
        if (m->standardize) ua_scaler_apply(&m->xs, z, nb);
        if (ua_rf_features_std(m, z, nb, h)) { /* fails only for memory */
            no_memory[p] = 1;
            continue;
        }
        for (size_t i = 0; i < nb; i++) readout_row(h + i * M, m->c, M, k, y + (i0 + i) * k);
        size_t bad = ua_first_nonfinite(y + i0 * k, nb * k);
        if (bad < nb * k && i0 + bad / k < bad_row[p]) bad_row[p] = i0 + bad / k;
        if (m->standardize) ua_scaler_invert(&m->ys, y + i0 * k, nb);
    }
    free(phi);
    size_t first_bad = (size_t)-1;
    for (int p = 0; p < nt; p++) {
        if (no_memory[p]) return UA_ENOMEM_ERR(d * M * sizeof(double));
        if (bad_row[p] < first_bad) first_bad = bad_row[p];
    }
    return first_bad != (size_t)-1 ? ua_rf_nonfinite_error(first_bad) : UA_OK;
}

ua_status ua_rf_nonfinite_error(size_t row)
{
    return UA_ERR(UA_EDOMAIN, "rf predict: the prediction for row %zu is not finite: the hidden "
                  "features overflow double at that input (its magnitude is too large)", row + 1);
}
