/* Tests of the kernel family: scikit-learn KernelRidge predictions, NNGP/NTK against an independent
 * evaluation (tests/gen/ntk_ref.py) and against the empirical NTK of wide finite networks,
 * closed-form LOO against brute force, the seed's permutation result, duplicated rows and
 * landmarks, distance cancellation, the memory guard, bad input, save / load / C export, the
 * mixed-precision exact solve against scipy and against the exact solution of its system. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>
#include <mpfr.h>

#include "uniapprox.h"
#include "core/internal.h"
#include "kernel/internal.h"
#include "model/family.h"
#include "ref/kernel_sklearn_ref.h"
#include "ref/kernel_solve_ref.h"
#include "ref/ntk_ref.h"
#include "train/ridge.h"
#define TU_SCRATCH_TAG "ua_test_kernel"
#include "test_util.h"

/* Bounds of test_vtable_formula's max errors against MPFR: measured 2.11e-6 (2-D) and 6.95e-5
 * (3-D) with the defaults (2000 Sobol points, seed 1); about 5x and 4x margin. */
#define KERNEL_BOUND_2D 1e-5
#define KERNEL_BOUND_3D 3e-4
/* test_vtable_function: measured 1.07e-3 on the 4-D Gaussian (1500 points); about 5x margin. */
#define KERNEL_BOUND_FN 5e-3

static double relerr(double a, double b, double floor_)
{
    return fabs(a - b) / fmax(fabs(b), floor_);
}

/* ---- scikit-learn KernelRidge ---------------------------------------------------------------- */

static void check_sklearn(ua_kernel_type type, double gamma, int degree, double coef0, double alpha,
                          const double *pred, const double *dual)
{
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.kernel.type = type;
    o.kernel.gamma = gamma;
    o.kernel.degree = degree;
    o.kernel.coef0 = coef0;
    o.lambda = alpha;
    o.select = UA_SELECT_NONE;
    o.standardize = 0;
    ua_kernel *m;
    assert_int_equal(ua_kernel_fit(SK_X, SK_Y, SK_N, SK_D, 1, &o, &m), UA_OK);
    double p[SK_NT], worst = 0, scale = 0;
    assert_int_equal(ua_kernel_predict(m, SK_XT, SK_NT, p), UA_OK);
    for (size_t i = 0; i < SK_NT; i++) scale = fmax(scale, fabs(pred[i]));
    for (size_t i = 0; i < SK_NT; i++) worst = fmax(worst, relerr(p[i], pred[i], 1e-3 * scale));
    if (worst > 1e-8) fail_msg("%s: predictions differ from scikit-learn by %g (relative)",
                               ua_kernel_type_name(type), worst);
    double wd = 0, ws = 0;
    for (size_t i = 0; i < SK_N; i++) ws = fmax(ws, fabs(dual[i]));
    for (size_t i = 0; i < SK_N; i++) wd = fmax(wd, relerr(m->w[i], dual[i], 1e-3 * ws));
    if (wd > 1e-8) fail_msg("%s: dual coefficients differ by %g", ua_kernel_type_name(type), wd);
    ua_kernel_free(m);
}

static void test_sklearn_krr(void **state)
{
    (void)state;
    check_sklearn(UA_KERNEL_RBF, 0.25, 3, 1.0, 0.1, SK_PRED_RBF, SK_DUAL_RBF);
    check_sklearn(UA_KERNEL_LAPLACIAN, 0.3, 3, 1.0, 0.01, SK_PRED_LAPLACIAN, SK_DUAL_LAPLACIAN);
    check_sklearn(UA_KERNEL_POLYNOMIAL, 0.2, 3, 1.0, 1.0, SK_PRED_POLYNOMIAL, SK_DUAL_POLYNOMIAL);
}

/* ---- NNGP / NTK --------------------------------------------------------------------------------- */

static void test_ntk_reference(void **state)
{
    (void)state;
    double K[NTK_N * NTK_N];
    for (int c = 0; c < NTK_CASES; c++) {
        ua_kernel_spec s;
        ua_kernel_spec_default(&s);
        s.act = NTK_CASE[c][0] ? UA_KACT_ERF : UA_KACT_RELU;
        s.depth = (int)NTK_CASE[c][1];
        s.sw = NTK_CASE[c][2];
        s.sb = NTK_CASE[c][3];
        s.frozen_readout = (int)NTK_CASE[c][4];
        for (int which = 0; which < 2; which++) {
            s.type = which ? UA_KERNEL_NTK : UA_KERNEL_NNGP;
            const double *ref = (which ? NTK_NTK : NTK_NNGP) + c * NTK_N * NTK_N;
            assert_int_equal(ua_kernel_matrix(&s, NTK_X, NTK_N, NTK_X, NTK_N, NTK_D, K), UA_OK);
            double worst = 0;
            int wi = 0;
            for (int i = 0; i < NTK_N * NTK_N; i++) {
                /* relative to the entry, or at an entry near 0 (an opposite pair: relu's
                 * (pi - t) at t = pi, where the reference holds its rounding, -7.9e-9 in case 4,
                 * and a.b summed in index order gives c = -1 and 0) to the entry's scale
                 * sqrt(k(x_i, x_i) k(x_j, x_j)), the bound of Cauchy-Schwarz */
                int ii = i / NTK_N, jj = i % NTK_N;
                double sc = sqrt(fabs(ref[ii * NTK_N + ii] * ref[jj * NTK_N + jj]));
                double e = relerr(K[i], ref[i], fmax(sc, 1e-300));
                if (e > worst) { worst = e; wi = i; }
            }
            if (worst > 1e-8) print_message("worst %d: %.17g vs %.17g\n", wi, K[wi], ref[wi]);
            /* 1e-8: at the collinear and opposite pairs the angle arccos(c) amplifies the
             * rounding of c near +-1 (d t = -dc / sin t), in both evaluations */
            if (worst > 1e-8) fail_msg("case %d %s: relative error %g", c, which ? "ntk" : "nngp", worst);
            /* the symmetric (training) path agrees with the general one */
            double L[NTK_N * NTK_N];
            assert_int_equal(ua_kmat_sym_lower(&s, NTK_X, NTK_N, NTK_D, L, NTK_N), UA_OK);
            for (int i = 0; i < NTK_N; i++)
                for (int j = 0; j <= i; j++) assert_true(relerr(L[i * NTK_N + j], K[i * NTK_N + j], 1e-300) < 1e-13);
        }
    }
}

/* Empirical NTK of one random network f(x) in the NTK parametrisation (depth hidden ReLU layers of
 * width w): Theta(x, x') = sum over parameters of df/dp(x) df/dp(x'), for the npts points xs. */
static void empirical_ntk(const double *xs, int npts, int d, int depth, int w, double sw, double sb,
                          ua_rng *r, double *theta)
{
    int nl = depth + 1;
    int *nin = malloc(nl * sizeof *nin), *nout = malloc(nl * sizeof *nout);
    double **W = malloc(nl * sizeof *W), **B = malloc(nl * sizeof *B);
    for (int l = 0; l < nl; l++) {
        nin[l] = l == 0 ? d : w;
        nout[l] = l == depth ? 1 : w;
        W[l] = malloc((size_t)nin[l] * nout[l] * sizeof(double));
        B[l] = malloc((size_t)nout[l] * sizeof(double));
        for (long i = 0; i < (long)nin[l] * nout[l]; i++) W[l][i] = ua_rng_normal(r);
        for (int i = 0; i < nout[l]; i++) B[l][i] = ua_rng_normal(r);
    }
    /* per point: activations a_l (input of layer l) and backprop deltas g_l = df/dz_l */
    double **A = malloc((size_t)npts * nl * sizeof *A), **G = malloc((size_t)npts * nl * sizeof *G);
    for (int p = 0; p < npts; p++) {
        double *a = malloc(d * sizeof *a);
        memcpy(a, xs + p * d, d * sizeof *a);
        double **Z = malloc(nl * sizeof *Z);
        for (int l = 0; l < nl; l++) {
            A[p * nl + l] = a;
            double *z = malloc(nout[l] * sizeof *z), c = sw / sqrt((double)nin[l]);
            for (int o = 0; o < nout[l]; o++) {
                double t = 0;
                for (int i = 0; i < nin[l]; i++) t += W[l][(long)o * nin[l] + i] * a[i];
                z[o] = c * t + sb * B[l][o];
            }
            Z[l] = z;
            if (l < depth) {
                a = malloc(nout[l] * sizeof *a);
                for (int o = 0; o < nout[l]; o++) a[o] = z[o] > 0 ? z[o] : 0;
            }
        }
        double *g = malloc(sizeof *g);
        g[0] = 1.0;
        for (int l = depth; l >= 0; l--) {
            G[p * nl + l] = g;
            if (l == 0) break;
            double *gp = calloc(nin[l], sizeof *gp), c = sw / sqrt((double)nin[l]);
            for (int o = 0; o < nout[l]; o++)
                for (int i = 0; i < nin[l]; i++) gp[i] += c * W[l][(long)o * nin[l] + i] * g[o];
            for (int i = 0; i < nin[l]; i++) gp[i] *= Z[l - 1][i] > 0 ? 1.0 : 0.0;
            g = gp;
        }
        for (int l = 0; l < nl; l++) free(Z[l]);
        free(Z);
    }
    /* Theta = sum_l (g_l . g_l') (sw^2 a_l . a_l' / n_in + sb^2) */
    for (int p = 0; p < npts; p++)
        for (int q = 0; q < npts; q++) {
            double t = 0;
            for (int l = 0; l < nl; l++) {
                double gg = 0, aa = 0;
                for (int o = 0; o < nout[l]; o++) gg += G[p * nl + l][o] * G[q * nl + l][o];
                for (int i = 0; i < nin[l]; i++) aa += A[p * nl + l][i] * A[q * nl + l][i];
                t += gg * (sw * sw * aa / nin[l] + sb * sb);
            }
            theta[p * npts + q] = t;
        }
    for (int i = 0; i < npts * nl; i++) {
        free(G[i]);
        free(A[i]);
    }
    free(A);
    free(G);
    for (int l = 0; l < nl; l++) {
        free(W[l]);
        free(B[l]);
    }
    free(W);
    free(B);
    free(nin);
    free(nout);
}

static void test_ntk_finite_width(void **state)
{
    (void)state;
    const double xs[4 * 3] = {1.0, 0.5, -0.3, -0.2, 0.8, 1.1, 0.9, -1.2, 0.4, 0.3, 0.3, -0.9};
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.type = UA_KERNEL_NTK;
    s.sw = 1.3;
    s.sb = 0.4;
    const int widths[2][3] = {{64, 1024, 16384}, {32, 256, 2048}};
    for (int depth = 1; depth <= 2; depth++) {
        s.depth = depth;
        double K[16], th[16], err[3];
        assert_int_equal(ua_kernel_matrix(&s, xs, 4, xs, 4, 3, K), UA_OK);
        double norm = 0;
        for (int i = 0; i < 16; i++) norm += K[i] * K[i];
        for (int wi = 0; wi < 3; wi++) {
            ua_rng r;
            ua_rng_seed(&r, 100 + wi);
            double mean[16] = {0};
            const int reps = 3;
            for (int rep = 0; rep < reps; rep++) {
                empirical_ntk(xs, 4, 3, depth, widths[depth - 1][wi], s.sw, s.sb, &r, th);
                for (int i = 0; i < 16; i++) mean[i] += th[i] / reps;
            }
            double e = 0;
            for (int i = 0; i < 16; i++) e += (mean[i] - K[i]) * (mean[i] - K[i]);
            err[wi] = sqrt(e / norm);
        }
        print_message("depth %d: relative Frobenius error of the empirical NTK at widths %d, %d, %d: "
                      "%.3g, %.3g, %.3g\n", depth, widths[depth - 1][0], widths[depth - 1][1],
                      widths[depth - 1][2], err[0], err[1], err[2]);
        /* fluctuations shrink like 1/sqrt(width) (more slowly with depth) */
        assert_true(err[2] < 0.5 * err[0]);
        assert_true(err[2] < (depth == 1 ? 0.02 : 0.08));
    }
}

/* ---- leave-one-out --------------------------------------------------------------------------- */

/* Solves (A + lam I) x = b for the symmetric positive definite A (n, n) (Cholesky, its own copy). */
static void spd_solve(const double *A, size_t n, double lam, const double *b, double *x)
{
    double *C = malloc(n * n * sizeof *C);
    memcpy(C, A, n * n * sizeof *C);
    for (size_t i = 0; i < n; i++) C[i * n + i] += lam;
    memcpy(x, b, n * sizeof *x);
    assert_int_equal(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, 1, C, (lapack_int)n, x, 1), 0);
    free(C);
}

/* Brute-force LOO residuals: refit without row i, predict row i. */
static void brute_loo(const double *K, const double *y, size_t n, double lam, double *res)
{
    size_t m = n - 1;
    double *S = malloc(m * m * sizeof *S), *ys = malloc(m * sizeof *ys), *a = malloc(m * sizeof *a);
    for (size_t i = 0; i < n; i++) {
        size_t r = 0;
        for (size_t p = 0; p < n; p++) {
            if (p == i) continue;
            size_t c = 0;
            for (size_t q = 0; q < n; q++)
                if (q != i) S[r * m + c++] = K[p * n + q];
            ys[r++] = y[p];
        }
        spd_solve(S, m, lam, ys, a);
        double pred = 0;
        r = 0;
        for (size_t p = 0; p < n; p++)
            if (p != i) pred += K[i * n + p] * a[r++];
        res[i] = y[i] - pred;
    }
    free(S);
    free(ys);
    free(a);
}

static void test_loo_closed_form(void **state)
{
    (void)state;
    const size_t n = 30, d = 2;
    double x[30 * 2], y[30], K[30 * 30], res[30], ref[30];
    ua_rng r;
    ua_rng_seed(&r, 5);
    for (size_t i = 0; i < n; i++) {
        x[i * d] = 4 * ua_rng_uniform(&r) - 2;
        x[i * d + 1] = 4 * ua_rng_uniform(&r) - 2;
        y[i] = sin(x[i * d]) * cos(x[i * d + 1]) + 0.1 * ua_rng_normal(&r);
    }
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.gamma = 0.5;
    assert_int_equal(ua_kernel_matrix(&s, x, n, x, n, d, K), UA_OK);
    for (int l = 0; l < 3; l++) {
        const double lams[3] = {1e-3, 0.1, 3.0};
        double lam = lams[l];
        assert_int_equal(ua_kernel_loo_residuals(K, y, n, 1, lam, res), UA_OK);
        brute_loo(K, y, n, lam, ref);
        for (size_t i = 0; i < n; i++)
            if (relerr(res[i], ref[i], 1e-6) > 1e-9) fail_msg("lambda %g, row %zu: LOO %.17g vs brute force %.17g", lam, i, res[i], ref[i]);
    }
    /* the fit chooses the lambda of least brute-force LOO error and reports that error */
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.kernel = s;
    o.standardize = 0;
    ua_kernel *m;
    assert_int_equal(ua_kernel_fit(x, y, n, d, 1, &o, &m), UA_OK);
    double best = INFINITY, bl = 0;
    for (int l = 0; l < 11; l++) {
        brute_loo(K, y, n, ua_ridge_default_lambdas[l], ref);
        double e = 0;
        for (size_t i = 0; i < n; i++) e += ref[i] * ref[i];
        e = sqrt(e / n);
        if (e < best) {
            best = e;
            bl = ua_ridge_default_lambdas[l];
        }
    }
    ua_kernel_info info;
    ua_kernel_get_info(m, &info);
    assert_true(info.lambda == bl);
    assert_true(relerr(info.loo_rmse, best, 1e-300) < 1e-9);
    ua_kernel_free(m);
    /* k-fold selection runs and reports a finite error of the same size */
    o.select = UA_SELECT_KFOLD;
    o.folds = 5;
    assert_int_equal(ua_kernel_fit(x, y, n, d, 1, &o, &m), UA_OK);
    ua_kernel_get_info(m, &info);
    assert_true(isfinite(info.loo_rmse) && info.loo_rmse < 3 * best && info.loo_rmse > 0.5 * best);
    ua_kernel_free(m);
}

/* loo_rmse is in the target's units: two output columns of scales about 1e3 and 1e-3, fitted with
 * standardisation, against brute-force LOO on the standardised data with each column's residuals
 * scaled back by its population standard deviation; the lambda is chosen on the standardised
 * error. K-fold and Nystrom selection: the reported error scales with the target (y -> 1000 y + 5
 * multiplies it by 1000). */
static void test_loo_target_units(void **state)
{
    (void)state;
    enum { n = 30, d = 2, k = 2 };
    double x[n * d], y[n * k], xz[n * d], yz[n * k], K[n * n], col[n], ref[n];
    double mean[k], sd[k];
    ua_rng r;
    ua_rng_seed(&r, 11);
    for (size_t i = 0; i < n; i++) {
        double a = 4 * ua_rng_uniform(&r) - 2, b = 4 * ua_rng_uniform(&r) - 2;
        x[i * d] = a;
        x[i * d + 1] = b;
        y[i * k] = 1000 * (sin(a) * cos(b) + 0.1 * ua_rng_normal(&r)) + 5;
        y[i * k + 1] = 1e-3 * (a * a - b + 0.05 * ua_rng_normal(&r));
    }
    /* standardise x and y by hand: mean and population standard deviation */
    for (size_t j = 0; j < d + k; j++) {
        const double *src = j < d ? x : y;
        double *dst = j < d ? xz : yz;
        size_t w = j < d ? d : k, c = j < d ? j : j - d;
        double mu = 0, v = 0;
        for (size_t i = 0; i < n; i++) mu += src[i * w + c];
        mu /= n;
        for (size_t i = 0; i < n; i++) v += (src[i * w + c] - mu) * (src[i * w + c] - mu);
        double sdev = sqrt(v / n);
        for (size_t i = 0; i < n; i++) dst[i * w + c] = (src[i * w + c] - mu) / sdev;
        if (j >= d) {
            mean[c] = mu;
            sd[c] = sdev;
        }
    }
    assert_true(sd[0] > 100 && sd[1] < 1e-2);
    (void)mean;
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.gamma = 0.5;
    assert_int_equal(ua_kernel_matrix(&s, xz, n, xz, n, d, K), UA_OK);
    double best = INFINITY, best_t = INFINITY, bl = 0;
    for (int l = 0; l < 11; l++) {
        double sse[k];
        for (size_t t = 0; t < k; t++) {
            for (size_t i = 0; i < n; i++) col[i] = yz[i * k + t];
            brute_loo(K, col, n, ua_ridge_default_lambdas[l], ref);
            sse[t] = 0;
            for (size_t i = 0; i < n; i++) sse[t] += ref[i] * ref[i];
        }
        double e = sqrt((sse[0] + sse[1]) / (n * k));
        if (e < best) {
            best = e;
            best_t = sqrt((sd[0] * sd[0] * sse[0] + sd[1] * sd[1] * sse[1]) / (n * k));
            bl = ua_ridge_default_lambdas[l];
        }
    }
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.kernel = s;
    ua_kernel *m;
    assert_int_equal(ua_kernel_fit(x, y, n, d, k, &o, &m), UA_OK);
    ua_kernel_info info;
    ua_kernel_get_info(m, &info);
    assert_true(info.lambda == bl);
    if (relerr(info.loo_rmse, best_t, 1e-300) > 1e-9)
        fail_msg("loo_rmse %.17g, brute force in target units %.17g (standardised %.17g)",
                 info.loo_rmse, best_t, best);
    assert_true(best_t > 100 * best); /* the units matter: the standardised value would fail */
    ua_kernel_free(m);

    /* k = 1: k-fold and Nystrom errors scale with the target */
    double y1[n], y2[n];
    for (size_t i = 0; i < n; i++) {
        y1[i] = (y[i * k] - 5) / 1000;
        y2[i] = 1000 * y1[i] + 5;
    }
    for (int v = 0; v < 2; v++) {
        ua_kernel_options_default(&o);
        o.kernel = s;
        if (v == 0) {
            o.select = UA_SELECT_KFOLD;
            o.folds = 5;
        } else o.nystrom = n;
        double e1, e2;
        assert_int_equal(ua_kernel_fit(x, y1, n, d, 1, &o, &m), UA_OK);
        ua_kernel_get_info(m, &info);
        e1 = info.loo_rmse;
        ua_kernel_free(m);
        assert_int_equal(ua_kernel_fit(x, y2, n, d, 1, &o, &m), UA_OK);
        ua_kernel_get_info(m, &info);
        e2 = info.loo_rmse;
        ua_kernel_free(m);
        if (!(isfinite(e1) && e1 > 0) || relerr(e2, 1000 * e1, 1e-300) > 1e-6)
            fail_msg("%s: loo_rmse %.17g for y, %.17g for 1000 y + 5 (want 1000 times)",
                     v ? "nystrom" : "kfold", e1, e2);
    }
}

/* ---- the permutation result ------------------------------------------------------------------ */

/* NTK of Dense, ReLU, Dense trained on e_1..e_k -> e_perm(i); every nonzero binary input, after
 * rounding, maps to its permutation. Returns the number of wrong inputs and the max error. */
static size_t permutation_errors(int k, int frozen, double *maxerr)
{
    ua_rng r;
    ua_rng_seed(&r, 1000 + k);
    size_t *perm = malloc(k * sizeof *perm);
    ua_rng_subset(&r, k, k, perm);
    double *X = calloc((size_t)k * k, sizeof *X), *Y = calloc((size_t)k * k, sizeof *Y);
    for (int i = 0; i < k; i++) {
        X[i * k + i] = 1;
        Y[i * k + perm[i]] = 1;
    }
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.kernel.type = UA_KERNEL_NTK;
    o.kernel.depth = 1;
    o.kernel.sw = 1.5;
    o.kernel.sb = 0.0;
    o.kernel.frozen_readout = frozen;
    o.lambda = 1e-12;
    o.select = UA_SELECT_NONE;
    o.standardize = 0;
    ua_kernel *m;
    assert_int_equal(ua_kernel_fit(X, Y, k, k, k, &o, &m), UA_OK);
    size_t n = ((size_t)1 << k) - 1, wrong = 0;
    double *in = malloc(n * k * sizeof *in), *out = malloc(n * k * sizeof *out);
    for (size_t v = 1; v <= n; v++)
        for (int j = 0; j < k; j++) in[(v - 1) * k + j] = (double)((v >> j) & 1);
    assert_int_equal(ua_kernel_predict(m, in, n, out), UA_OK);
    *maxerr = 0;
    for (size_t v = 0; v < n; v++) {
        int bad = 0;
        for (int i = 0; i < k; i++) {
            double want = in[v * k + i]; /* output perm[i] carries input i */
            double got = out[v * k + perm[i]];
            *maxerr = fmax(*maxerr, fabs(got - want));
            bad |= round(got) != want;
        }
        wrong += bad;
    }
    ua_kernel_free(m);
    free(perm);
    free(X);
    free(Y);
    free(in);
    free(out);
    return wrong;
}

static void test_permutation(void **state)
{
    (void)state;
    double e8, e12, f12;
    assert_int_equal(permutation_errors(8, 1, &e8), 0);
    assert_int_equal(permutation_errors(12, 1, &e12), 0);
    assert_true(e8 < 0.5 && e12 < 0.5);
    /* with the readout trained too, the NNGP term shifts every output and plain rounding fails on
     * inputs with many ones (docs/kernel.md) */
    assert_true(permutation_errors(12, 0, &f12) > 0);
    assert_true(f12 > 0.5);
}

/* ---- numerics: duplicates, Nyström, cancellation ---------------------------------------------- */

static void test_duplicates_and_nystrom(void **state)
{
    (void)state;
    const size_t n = 200, d = 3;
    double *x = malloc(n * d * sizeof *x), *y = malloc(n * sizeof *y), *p = malloc(n * sizeof *p);
    double *q = malloc(n * sizeof *q);
    ua_rng r;
    ua_rng_seed(&r, 9);
    for (size_t i = 0; i < n; i++) {
        size_t src = i % 40; /* 40 distinct rows, each 5 times */
        if (i < 40)
            for (size_t j = 0; j < d; j++) x[i * d + j] = 2 * ua_rng_uniform(&r) - 1;
        else memcpy(x + i * d, x + src * d, d * sizeof *x);
        y[i] = x[src * d] * x[src * d] - x[src * d + 1];
    }
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.kernel.gamma = 1.0;
    o.lambda = 1e-10;
    o.select = UA_SELECT_NONE;
    ua_kernel *m, *ny;
    assert_int_equal(ua_kernel_fit(x, y, n, d, 1, &o, &m), UA_OK);
    assert_int_equal(ua_kernel_predict(m, x, n, p), UA_OK);
    for (size_t i = 0; i < n; i++) assert_true(isfinite(p[i]) && fabs(p[i] - y[i]) < 1e-3);
    /* every row a landmark: 40 distinct landmarks 5 times each (W has rank 40 of 200), the
     * pseudo-inverse square root keeps them finite and Nystrom reproduces exact KRR */
    o.nystrom = 200;
    o.lambda = 1e-8;
    assert_int_equal(ua_kernel_fit(x, y, n, d, 1, &o, &ny), UA_OK);
    for (size_t i = 0; i < ny->m * ny->k; i++) assert_true(isfinite(ny->w[i]));
    assert_int_equal(ua_kernel_predict(ny, x, n, q), UA_OK);
    double qd = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(isfinite(q[i]));
        qd = fmax(qd, fabs(q[i] - p[i]));
    }
    print_message("nystrom with duplicated landmarks: max |nystrom - exact| = %g\n", qd);
    assert_true(qd < 1e-3);
    ua_kernel_free(ny);
    /* Nyström with its own LOO choice of lambda on a larger smooth problem stays accurate */
    o.lambda = 0;
    o.select = UA_SELECT_LOO;
    o.nystrom = 30;
    assert_int_equal(ua_kernel_fit(x, y, n, d, 1, &o, &ny), UA_OK);
    ua_kernel_info info;
    ua_kernel_get_info(ny, &info);
    assert_true(info.nystrom && info.m_points == 30 && isfinite(info.loo_rmse));
    ua_kernel_free(ny);
    ua_kernel_free(m);
    free(x);
    free(y);
    free(p);
    free(q);
}

/* ua_vexp, the vectorised exp of the rbf and Matérn kernel matrices, against MPFR's correctly
 * rounded exp over [-760, 760] (the libm tails below -708 and above 709 included), with the
 * special values; relative error below 4e-16 (absolute near the subnormal range). */
static void test_vexp_accuracy(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    for (size_t i = 0; i < N; i++) x[i] = -760 + 1520.0 * (double)i / N + 1e-7 * (double)(i % 11);
    x[1] = 0;
    x[2] = -0.0;
    x[3] = 1e-300;
    x[4] = NAN;
    x[5] = INFINITY;
    x[6] = -INFINITY;
    ua_vexp(x, y, N);
    mpfr_t m;
    mpfr_init2(m, 200);
    double worst = 0;
    for (size_t i = 0; i < N; i++) {
        if (i >= 4 && i <= 6) continue;
        mpfr_set_d(m, x[i], MPFR_RNDN);
        mpfr_exp(m, m, MPFR_RNDN);
        double want = mpfr_get_d(m, MPFR_RNDN);
        if (isinf(want)) {
            assert_true(isinf(y[i]) && y[i] > 0);
            continue;
        }
        double e = fabs(y[i] - want) / fmax(want, 0x1p-1022);
        worst = fmax(worst, e);
    }
    mpfr_clear(m);
    print_message("ua_vexp: max relative error %.3g\n", worst);
    assert_true(worst < 4e-16);
    assert_true(y[1] == 1 && y[2] == 1 && y[3] == 1);
    assert_true(isnan(y[4]) && isinf(y[5]) && y[6] == 0);
    free(x);
    free(y);
}

/* Far from the data: Matérn kernels decay to 0, so the prediction at an input of 1e200 is the
 * target mean (not NaN from (1 + t) e^-t with t = inf), in 3 (direct sums) and 40 (BLAS)
 * dimensions; an NTK model, whose kernel grows with |x|, overflows there and says so. */
static void test_far_inputs(void **state)
{
    (void)state;
    enum { N = 30 };
    const size_t dims[2] = { 3, 40 };
    for (int c = 0; c < 2; c++) {
        size_t d = dims[c];
        double *x = malloc(N * d * sizeof *x), y[N], mean = 0;
        for (size_t i = 0; i < N; i++) {
            for (size_t j = 0; j < d; j++) x[i * d + j] = sin(0.7 * (double)(i * d + j));
            y[i] = 2 + cos(x[i * d]);
            mean += y[i] / N;
        }
        double *far = calloc(d, sizeof *far), p;
        far[0] = 1e200;
        for (int nu = 0; nu < 3; nu++) {
            ua_kernel_options o;
            ua_kernel_options_default(&o);
            o.kernel.type = UA_KERNEL_MATERN;
            o.kernel.nu = nu == 0 ? 0.5 : nu == 1 ? 1.5 : 2.5;
            o.kernel.length_scale = 1;
            o.lambda = 1e-3;
            o.select = UA_SELECT_NONE;
            ua_kernel *m;
            assert_int_equal(ua_kernel_fit(x, y, N, d, 1, &o, &m), UA_OK);
            assert_int_equal(ua_kernel_predict(m, far, 1, &p), UA_OK);
            if (!(fabs(p - mean) < 1e-12)) fail_msg("matern %g, d %zu: %g at 1e200, mean %g", o.kernel.nu, d, p, mean);
            ua_kernel_free(m);
        }
        ua_kernel_options o;
        ua_kernel_options_default(&o);
        o.kernel.type = UA_KERNEL_NTK;
        o.kernel.depth = 2;
        o.lambda = 1e-3;
        o.select = UA_SELECT_NONE;
        ua_kernel *m;
        assert_int_equal(ua_kernel_fit(x, y, N, d, 1, &o, &m), UA_OK);
        far[0] = 1e160;
        assert_int_equal(ua_kernel_predict(m, far, 1, &p), UA_EDOMAIN);
        assert_non_null(strstr(ua_last_error(), "row 1 is not finite"));
        ua_kernel_free(m);
        free(x);
        free(far);
    }
}

static void test_distance_cancellation(void **state)
{
    (void)state;
    /* two clusters far apart (centring does not help the far one) of float32 points that differ
     * in the last bits: r^2 ~ 1e-8 next to |x|^2 ~ 1e6. d = 3 takes the direct-sum path of the
     * distance kernels, d = 40 the BLAS product with centring and recomputation. */
    const size_t n = 8, dims[2] = { 3, 40 };
    for (int c = 0; c < 2; c++) {
        size_t d = dims[c];
        double *x = malloc(n * d * sizeof *x), K[64], L[64];
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d; j++) {
                float base = i < 4 ? 0.25f : 1000.0f;
                x[i * d + j] = (double)nextafterf(base + (float)(j % 3), INFINITY) + 0.0;
                for (size_t t = 0; t < i % 4 && j < 3; t++)
                    x[i * d + j] = (double)nextafterf((float)x[i * d + j], INFINITY);
            }
        ua_kernel_spec s;
        ua_kernel_spec_default(&s);
        s.gamma = 1e8;
        assert_int_equal(ua_kernel_matrix(&s, x, n, x, n, d, K), UA_OK);
        assert_int_equal(ua_kmat_sym_lower(&s, x, n, d, L, n), UA_OK);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                long double r2 = 0;
                for (size_t t = 0; t < d; t++) {
                    long double df = (long double)x[i * d + t] - (long double)x[j * d + t];
                    r2 += df * df;
                }
                double want = (double)expl(-1e8L * r2);
                assert_true(relerr(K[i * n + j], want, 1e-300) < 1e-12);
                if (j <= i) assert_true(relerr(L[i * n + j], want, 1e-300) < 1e-12);
            }
        free(x);
    }
}

static void test_kernel_values(void **state)
{
    (void)state;
    const double a[2] = {1, 0}, b[2] = {0, 1}, c[2] = {3, 4};
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.type = UA_KERNEL_ARCCOS;
    double k;
    for (int ord = 0; ord <= 2; ord++) {
        s.order = ord;
        assert_int_equal(ua_kernel_matrix(&s, a, 1, b, 1, 2, &k), UA_OK);
        const double want90[3] = {0.5, 1 / 3.14159265358979323846, 0.5}, want0[3] = {1, 25, 1875};
        assert_true(fabs(k - want90[ord]) < 1e-15);
        assert_int_equal(ua_kernel_matrix(&s, c, 1, c, 1, 2, &k), UA_OK); /* theta = 0 */
        assert_true(fabs(k - want0[ord]) < 1e-12 * want0[ord]);
    }
    s.type = UA_KERNEL_MATERN;
    s.length_scale = 2.0;
    const double nus[3] = {0.5, 1.5, 2.5};
    for (int i = 0; i < 3; i++) { /* r = 5, r/l = 2.5 */
        s.nu = nus[i];
        const double zero2[2] = {0, 0};
        assert_int_equal(ua_kernel_matrix(&s, c, 1, zero2, 1, 2, &k), UA_OK);
        double t = sqrt(2 * nus[i]) * 2.5;
        double want = i == 0 ? exp(-2.5) : i == 1 ? (1 + t) * exp(-t) : (1 + t + t * t / 3) * exp(-t);
        assert_true(relerr(k, want, 1e-300) < 1e-14);
    }
}

/* ---- guards and bad input -------------------------------------------------------------------- */

static void test_memory_guard_and_bad_input(void **state)
{
    (void)state;
    const size_t n = 100;
    double x[100], y[100];
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)i / n;
        y[i] = sin(6 * x[i]);
    }
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.max_memory = 1000.0; /* bytes: 100 x 100 doubles need 80000 */
    o.lambda = 1e-6;
    o.kernel.gamma = 10;
    ua_kernel *m = (ua_kernel *)1;
    assert_int_equal(ua_kernel_fit(x, y, n, 1, 1, &o, &m), UA_EINVAL); /* refused before allocating */
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "--nystrom"));
    assert_non_null(strstr(ua_last_error(), "rf family"));
    o.nystrom = 20; /* the suggested way out works */
    assert_int_equal(ua_kernel_fit(x, y, n, 1, 1, &o, &m), UA_OK);
    double p;
    const double half = 0.5;
    assert_int_equal(ua_kernel_predict(m, &half, 1, &p), UA_OK);
    print_message("nystrom 20: %g vs %g\n", p, sin(3.0));
    assert_true(fabs(p - sin(3.0)) < 1e-2);
    ua_kernel_free(m);

    ua_kernel_options_default(&o);
    double bad[100];
    memcpy(bad, x, sizeof bad);
    bad[17] = NAN;
    assert_int_equal(ua_kernel_fit(bad, y, n, 1, 1, &o, &m), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "x[17][0]"));
    assert_int_equal(ua_kernel_fit(x, bad, n, 1, 1, &o, &m), UA_EINVAL);
    assert_int_equal(ua_kernel_fit(x, y, 0, 1, 1, &o, &m), UA_EINVAL);
    assert_int_equal(ua_kernel_fit(NULL, y, n, 1, 1, &o, &m), UA_EINVAL);
    o.classify = 1;
    assert_int_equal(ua_kernel_fit(x, y, n / 2, 1, 2, &o, &m), UA_EINVAL);
    double one[100];
    for (size_t i = 0; i < n; i++) one[i] = 3;
    assert_int_equal(ua_kernel_fit(x, one, n, 1, 1, &o, &m), UA_EINVAL); /* a single class */
    ua_kernel_options_default(&o);
    o.kernel.type = UA_KERNEL_MATERN;
    o.kernel.nu = 2.0;
    assert_int_equal(ua_kernel_fit(x, y, n, 1, 1, &o, &m), UA_EINVAL);
    ua_kernel_options_default(&o);
    o.lambda = -1;
    assert_int_equal(ua_kernel_fit(x, y, n, 1, 1, &o, &m), UA_EINVAL);
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    double k;
    assert_int_equal(ua_kernel_matrix(&s, x, 1, x, 1, 1, &k), UA_EINVAL); /* gamma 0 unresolved */
    ua_kernel_type t;
    assert_int_equal(ua_kernel_type_parse("gaussian", &t), UA_EINVAL);
    assert_int_equal(ua_kernel_type_parse("poly", &t), UA_OK);
    assert_int_equal(t, UA_KERNEL_POLYNOMIAL);
    ua_kernel_free(NULL);
    /* a lambda too small for an indefinite-looking matrix: rank-deficient polynomial kernel */
    ua_kernel_options_default(&o);
    o.kernel.type = UA_KERNEL_POLYNOMIAL;
    o.kernel.degree = 1;
    o.kernel.gamma = 1;
    o.kernel.coef0 = 0;
    o.lambda = 1e-300;
    o.select = UA_SELECT_NONE;
    assert_int_equal(ua_kernel_fit(x, y, n, 1, 1, &o, &m), UA_EDOMAIN);
}

/* ---- classification -------------------------------------------------------------------------- */

static void test_classify(void **state)
{
    (void)state;
    const size_t n = 300;
    double x[300 * 2], y[300], p[300];
    ua_rng r;
    ua_rng_seed(&r, 3);
    for (size_t i = 0; i < n; i++) {
        int c = (int)(i % 3);
        x[i * 2] = 2.0 * cos(2.1 * c) + 0.5 * ua_rng_normal(&r);
        x[i * 2 + 1] = 2.0 * sin(2.1 * c) + 0.5 * ua_rng_normal(&r);
        y[i] = 10.0 + 5.0 * c; /* labels 10, 15, 20 */
    }
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.classify = 1;
    ua_kernel *m;
    assert_int_equal(ua_kernel_fit(x, y, n, 2, 1, &o, &m), UA_OK);
    assert_int_equal(ua_kernel_predict(m, x, n, p), UA_OK);
    size_t right = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(p[i] == 10 || p[i] == 15 || p[i] == 20);
        right += p[i] == y[i];
    }
    assert_true(right > 0.95 * n);
    ua_kernel_free(m);
}

/* ---- save / load / export -------------------------------------------------------------------- */

typedef void (*nd_fn)(const double *, double *);
typedef double (*sc_fn)(const double *);

/* tol: the export's largest difference from the library, relative to the output scale */
static void roundtrip(ua_kernel *km, const double *xt, size_t nt, const char *tag, double tol)
{
    ua_kernel_info info;
    ua_kernel_get_info(km, &info);
    size_t d = info.d, dout = info.dout;
    ua_model *m;
    assert_int_equal(ua_model_wrap("kernel", km, NULL, -INFINITY, INFINITY, &m), UA_OK);
    char path[TU_PATH_MAX], src[TU_PATH_MAX], file[256]; /* tu_path's buffers are reused */
    snprintf(file, sizeof file, "%s.safetensors", tag);
    snprintf(path, sizeof path, "%s", tu_path(file));
    snprintf(file, sizeof file, "%s.c", tag);
    snprintf(src, sizeof src, "%s", tu_path(file));
    assert_int_equal(ua_model_save(m, path), UA_OK);
    ua_model *l;
    assert_int_equal(ua_model_load(path, &l), UA_OK);
    size_t di, dd;
    ua_model_dims(l, &di, &dd);
    assert_int_equal(di, d);
    assert_int_equal(dd, dout);
    double *a = malloc(nt * dout * sizeof *a), *b = malloc(nt * dout * sizeof *b);
    double *c = malloc(nt * dout * sizeof *c);
    assert_int_equal(ua_model_predict(m, xt, nt, a), UA_OK);
    assert_int_equal(ua_model_predict(l, xt, nt, b), UA_OK);
    assert_memory_equal(a, b, nt * dout * sizeof *a); /* bitwise after a round trip */
    assert_int_equal(ua_model_export_c(l, UA_EXPORT_DOUBLE, "kapprox", src), UA_OK);
    ua_compiled *h;
    /* the signature follows the dims: 1 output returns it, more write y (dout,) */
    void *sym = tu_compile_symbol(src, "kapprox", &h);
    char *text = tu_slurp(src, NULL);
    assert_non_null(strstr(text, dout == 1 ? "double kapprox(const double *x)\n{"
                                           : "void kapprox(const double *x, double *y)\n{"));
    free(text);
    double scale = 0, worst = 0;
    for (size_t i = 0; i < nt; i++) {
        if (dout == 1) c[i] = ((sc_fn)(uintptr_t)sym)(xt + i * d);
        else ((nd_fn)(uintptr_t)sym)(xt + i * d, c + i * dout);
    }
    for (size_t i = 0; i < nt * dout; i++) scale = fmax(scale, fabs(a[i]));
    for (size_t i = 0; i < nt * dout; i++) worst = fmax(worst, fabs(c[i] - a[i]) / scale);
    if (worst > tol) fail_msg("%s: export differs from the library by %g of the scale (> %g)", tag,
                              worst, tol);
    ua_compiled_free(h);
    ua_model_free(m);
    ua_model_free(l);
    free(a);
    free(b);
    free(c);
}

static void test_save_load_export(void **state)
{
    (void)state;
    const size_t n = 120, d = 3, nt = 50;
    double x[120 * 3], y[120 * 2], yc[120], xt[50 * 3];
    ua_rng r;
    ua_rng_seed(&r, 11);
    for (size_t i = 0; i < n * d; i++) x[i] = 3 * ua_rng_normal(&r) + 1;
    for (size_t i = 0; i < nt * d; i++) xt[i] = 3 * ua_rng_normal(&r) + 1;
    for (size_t i = 0; i < n; i++) {
        y[i * 2] = 100 + 10 * sin(x[i * d]) * x[i * d + 1];
        y[i * 2 + 1] = x[i * d + 2] * x[i * d + 2];
        yc[i] = x[i * d] > 1 ? 1 : -1;
    }
    const ua_kernel_type types[] = {UA_KERNEL_RBF, UA_KERNEL_LAPLACIAN, UA_KERNEL_MATERN,
                                    UA_KERNEL_POLYNOMIAL, UA_KERNEL_ARCCOS, UA_KERNEL_NNGP,
                                    UA_KERNEL_NTK};
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        ua_kernel_options o;
        ua_kernel_options_default(&o);
        o.kernel.type = types[t];
        o.kernel.act = t == 5 ? UA_KACT_ERF : UA_KACT_RELU;
        o.kernel.nu = 2.5;
        o.kernel.order = 2;
        o.lambda = types[t] == UA_KERNEL_POLYNOMIAL ? 1.0 : 0.0;
        ua_kernel *km;
        assert_int_equal(ua_kernel_fit(x, y, n, d, 2, &o, &km), UA_OK);
        /* rbf, Matérn: the library's exp and compensated sum, compiled without fused
         * multiply-adds (-ffp-contract=off): the same bits (measured 0); laplacian: libm's exp
         * in both; the dot-product kernels form a.b by BLAS in predict */
        int same = types[t] == UA_KERNEL_RBF || types[t] == UA_KERNEL_MATERN ||
                   types[t] == UA_KERNEL_LAPLACIAN;
        roundtrip(km, xt, nt, ua_kernel_type_name(types[t]), same ? 1e-15 : 1e-11);
    }
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.classify = 1;
    o.kernel.type = UA_KERNEL_NTK;
    o.kernel.frozen_readout = 1;
    ua_kernel *km;
    assert_int_equal(ua_kernel_fit(x, yc, n, d, 1, &o, &km), UA_OK);
    roundtrip(km, xt, nt, "classify", 1e-11);
    ua_kernel_options_default(&o);
    o.nystrom = 40;
    o.standardize = 0;
    assert_int_equal(ua_kernel_fit(x, y, n, d, 2, &o, &km), UA_OK);
    roundtrip(km, xt, nt, "nystrom", 1e-11);

    /* a tampered file: weights of the wrong shape, a non-finite point, a bad kernel name */
    ua_kernel_options_default(&o);
    assert_int_equal(ua_kernel_fit(x, y, n, d, 1, &o, &km), UA_OK);
    const ua_family *fam = ua_family_find("kernel");
    for (int bad = 0; bad < 3; bad++) {
        ua_st *st;
        assert_int_equal(ua_st_alloc(&st), UA_OK);
        assert_int_equal(fam->save(km, st), UA_OK);
        ua_st *st2;
        assert_int_equal(ua_st_alloc(&st2), UA_OK);
        for (size_t i = 0; i < ua_st_count(st); i++) {
            const char *nm = ua_st_name(st, i);
            ua_dtype dt;
            size_t nd;
            const int64_t *sh;
            const void *data;
            ua_st_get(st, nm, &dt, &nd, &sh, &data);
            int64_t shape[2] = {sh[0], nd > 1 ? sh[1] : 0};
            double *copy = malloc((size_t)shape[0] * (nd > 1 ? (size_t)shape[1] : 1) * sizeof *copy);
            memcpy(copy, data, (size_t)shape[0] * (nd > 1 ? (size_t)shape[1] : 1) * sizeof *copy);
            if (bad == 0 && !strcmp(nm, "weights")) shape[0] -= 1;
            if (bad == 1 && !strcmp(nm, "points")) copy[5] = INFINITY;
            assert_int_equal(ua_st_add(st2, nm, dt, nd, shape, copy), UA_OK);
            free(copy);
        }
        for (size_t i = 0; i < ua_st_meta_count(st); i++) {
            const char *k, *v;
            ua_st_meta_at(st, i, &k, &v);
            ua_st_set_meta(st2, k, bad == 2 && !strcmp(k, "kernel") ? "gaussian" : v);
        }
        void *out = NULL;
        assert_int_equal(fam->load(st2, -INFINITY, INFINITY, &out), UA_EFORMAT);
        assert_null(out);
        ua_st_free(st);
        ua_st_free(st2);
    }
    ua_kernel_free(km);
}

/* What a new user ran into: one training row, real-valued labels with classify, more Nystrom
 * landmarks than rows, data that overflow double (a clear UA_EDIVERGED message, never LAPACK's
 * "dsyevd: argument 5 is invalid"). */
static void test_user_reports(void **state)
{
    (void)state;
    enum { N = 60 };
    double x[N], y[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = sin((double)i);
        y[i] = sin(3.0 * (double)i);
    }
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    ua_kernel *m = NULL;
    /* one sample: nothing to fit, no LOO */
    assert_int_equal(ua_kernel_fit(x, y, 1, 1, 1, &o, &m), UA_EINVAL);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "at least 2 training rows"));
    assert_int_equal(ua_kernel_fit(x, y, 2, 1, 1, &o, &m), UA_OK);
    ua_kernel_free(m);
    /* classify on real-valued y: refused, the row named */
    o.classify = 1;
    assert_int_equal(ua_kernel_fit(x, y, N, 1, 1, &o, &m), UA_EINVAL);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "in row 1 is not an integer class label"));
    double lab[N];
    for (size_t i = 0; i < N; i++) lab[i] = y[i] > 0 ? 1 : -1; /* negative integers are labels */
    assert_int_equal(ua_kernel_fit(x, lab, N, 1, 1, &o, &m), UA_OK);
    ua_kernel_free(m);
    o.classify = 0;
    /* Nystrom: M > n refused */
    o.nystrom = 100000;
    assert_int_equal(ua_kernel_fit(x, y, N, 1, 1, &o, &m), UA_EINVAL);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "100000 landmarks"));
    o.nystrom = N;
    assert_int_equal(ua_kernel_fit(x, y, N, 1, 1, &o, &m), UA_OK);
    ua_kernel_free(m);
    o.nystrom = 0;
    /* x ~ 1e300, y ~ 1e306 */
    double xh[N], yh[N];
    for (size_t i = 0; i < N; i++) {
        xh[i] = (double)(i + 1) * 1e300;
        yh[i] = (double)(i % 7 + 1) * 1e306;
    }
    assert_int_equal(ua_kernel_fit(xh, yh, N, 1, 1, &o, &m), UA_EDIVERGED);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "the ridge solve is not finite: the data overflow double"));
    /* raw columns: the polynomial kernel overflows; checked before LAPACK sees it */
    o.standardize = 0;
    o.kernel.type = UA_KERNEL_POLYNOMIAL;
    for (int sel = 0; sel < 2; sel++) {
        o.lambda = sel ? 1.0 : 0; /* LOO's dsyevd path, then the fixed-lambda Cholesky */
        assert_int_equal(ua_kernel_fit(xh, yh, N, 1, 1, &o, &m), UA_EDIVERGED);
        assert_null(m);
        assert_null(strstr(ua_last_error(), "dsyevd"));
        assert_non_null(strstr(ua_last_error(), "overflow double"));
    }
    o.nystrom = 10;
    assert_int_equal(ua_kernel_fit(xh, yh, N, 1, 1, &o, &m), UA_EDIVERGED);
    assert_null(strstr(ua_last_error(), "dsyevd"));
    /* the closed-form LOO helper on a non-finite matrix */
    double K[4] = { 1, INFINITY, INFINITY, 1 }, res[2];
    assert_int_equal(ua_kernel_loo_residuals(K, y, 2, 1, 1.0, res), UA_EDIVERGED);
    assert_null(strstr(ua_last_error(), "dsyevd"));
}

/* ---- the family vtable: ua_fit on problems ----------------------------------------------------- */

/* The largest |model - f| at npts points drawn uniformly in the box lo, hi (d,) by ua_rng (not the
 * Sobol points the fit drew), f the target in MPFR at 128 bits rounded to double. */
static double max_error_mpfr(const ua_model *m, const ua_target *t, size_t d, const double *lo,
                             const double *hi, size_t npts, uint64_t seed)
{
    double *x = malloc(npts * d * sizeof *x), *y = malloc(npts * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    ua_rng r;
    ua_rng_seed(&r, seed);
    for (size_t i = 0; i < npts; i++)
        for (size_t j = 0; j < d; j++) x[i * d + j] = lo[j] + (hi[j] - lo[j]) * ua_rng_uniform(&r);
    assert_int_equal(ua_model_predict(m, x, npts, y), UA_OK);
    double worst = 0;
    for (size_t i = 0; i < npts; i++) {
        double ref = ua_target_eval_ref(t, x + i * d, 128);
        worst = fmax(worst, fabs(y[i] - ref));
    }
    free(x);
    free(y);
    return worst;
}

/* ua_fit of family fam with option pairs opts (name, value, ..., NULL) on spec over the box; returns
 * the model and the target (both the caller's). */
static ua_model *fit_formula(const char *fam, const char *spec, const char *const *vars, size_t d,
                             const double *lo, const double *hi, const char *const *opts,
                             ua_target **tout)
{
    ua_target *t = NULL;
    ua_problem *p = NULL;
    ua_options *o = NULL;
    ua_model *m = NULL;
    assert_int_equal(ua_target_parse(spec, vars, d, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    assert_int_equal(ua_family_options(fam, &o), UA_OK);
    for (size_t i = 0; opts && opts[i]; i += 2) assert_int_equal(ua_options_set(o, opts[i], opts[i + 1]), UA_OK);
    ua_status s = ua_fit(p, fam, o, NULL, &m);
    if (s) fail_msg("ua_fit(%s, %s): %s", fam, spec, ua_last_error());
    ua_options_free(o);
    ua_problem_free(p);
    *tout = t;
    return m;
}

static double meta_number(const ua_model *m, const char *key)
{
    const char *v = ua_model_meta(m, key);
    if (!v) fail_msg("metadata '%s' is missing", key);
    return strtod(v, NULL);
}

/* rbf, gamma and lambda chosen by LOO, on 2000 Sobol points (the default) of two smooth targets:
 * the max error against MPFR at 400 independent uniform points (bounds: KERNEL_BOUND_2D/3D). */
static void test_vtable_formula(void **state)
{
    (void)state;
    static const char *const v2[] = {"x", "y"}, *const v3[] = {"x", "y", "z"};
    const double lo2[] = {-1, -1}, hi2[] = {1, 1}, lo3[] = {0, 0, 0}, hi3[] = {1, 1, 1};
    ua_target *t;
    ua_model *m = fit_formula("kernel", "exp(-x^2-y^2)", v2, 2, lo2, hi2, NULL, &t);
    double e2 = max_error_mpfr(m, t, 2, lo2, hi2, 400, 77);
    printf("kernel rbf (LOO) exp(-x^2-y^2) on [-1,1]^2, 2000 points: max error %.3g, gamma %s, "
           "lambda %s, loo_rmse %s\n", e2, ua_model_meta(m, "gamma"), ua_model_meta(m, "lambda"),
           ua_model_meta(m, "loo_rmse"));
    assert_string_equal(ua_model_meta(m, "samples"), "2000");
    assert_string_equal(ua_model_meta(m, "kernel"), "rbf");
    ASSERT_LE(meta_number(m, "train_rmse"), 1e-5);
    ASSERT_LE(meta_number(m, "loo_rmse"), 1e-4);
    ua_model_free(m);
    ua_target_free(t);

    m = fit_formula("kernel", "cos(x*y*z)", v3, 3, lo3, hi3, NULL, &t);
    double e3 = max_error_mpfr(m, t, 3, lo3, hi3, 400, 78);
    printf("kernel rbf (LOO) cos(x*y*z) on [0,1]^3, 2000 points: max error %.3g, gamma %s, "
           "lambda %s\n", e3, ua_model_meta(m, "gamma"), ua_model_meta(m, "lambda"));
    ua_model_free(m);
    ua_target_free(t);
    ASSERT_LE(e2, KERNEL_BOUND_2D);
    ASSERT_LE(e3, KERNEL_BOUND_3D);
}

/* RMSE of m's predictions at x (n, d) against y (n, k), recomputed here. */
static double rmse_of(const ua_model *m, const double *x, const double *y, size_t n, size_t k)
{
    double *p = malloc(n * k * sizeof *p), acc = 0;
    assert_non_null(p);
    assert_int_equal(ua_model_predict(m, x, n, p), UA_OK);
    for (size_t i = 0; i < n * k; i++) acc += (p[i] - y[i]) * (p[i] - y[i]);
    free(p);
    return sqrt(acc / (double)(n * k));
}

/* A SAMPLES problem with a test set: "train_rmse" and "test_rmse" on the model equal the RMSE
 * recomputed from its predictions (to rounding of the sum's order), "loo_rmse" is recorded; with
 * --classify the error rates; --samples with a table is refused. */
static void test_vtable_samples(void **state)
{
    (void)state;
    enum { N = 300, NT = 120, D = 2, K = 2 };
    double x[N * D], y[N * K], xt[NT * D], yt[NT * K];
    ua_rng r;
    ua_rng_seed(&r, 21);
    for (size_t i = 0; i < N + NT; i++) {
        double *xi = i < N ? x + i * D : xt + (i - N) * D, *yi = i < N ? y + i * K : yt + (i - N) * K;
        xi[0] = 4 * ua_rng_uniform(&r) - 2;
        xi[1] = 4 * ua_rng_uniform(&r) - 2;
        yi[0] = 100 * sin(xi[0]) * cos(xi[1]) + 3 * ua_rng_normal(&r);
        yi[1] = xi[0] * xi[1] + 0.01 * ua_rng_normal(&r);
    }
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_samples(x, y, N, D, K, &p), UA_OK);
    assert_int_equal(ua_problem_set_test(p, xt, yt, NT), UA_OK);
    ua_options *o = NULL;
    ua_model *m = NULL;
    assert_int_equal(ua_family_options("kernel", &o), UA_OK);
    if (ua_fit(p, "kernel", o, NULL, &m)) fail_msg("%s", ua_last_error());
    double tr = rmse_of(m, x, y, N, K), te = rmse_of(m, xt, yt, NT, K);
    printf("kernel on samples: train_rmse %s (recomputed %.17g), test_rmse %s (recomputed %.17g), "
           "loo_rmse %s\n", ua_model_meta(m, "train_rmse"), tr, ua_model_meta(m, "test_rmse"), te,
           ua_model_meta(m, "loo_rmse"));
    ASSERT_LE(fabs(meta_number(m, "train_rmse") - tr), 1e-12 * tr);
    ASSERT_LE(fabs(meta_number(m, "test_rmse") - te), 1e-12 * te);
    /* the noise has RMSE sqrt((9 + 1e-4) / 2) = 2.1: the test error is near it, not far above */
    ASSERT_LE(te, 3.0);
    ASSERT_LE(2.0, te);
    assert_true(meta_number(m, "loo_rmse") > 1.5);
    assert_null(ua_model_meta(m, "samples"));
    ua_model_free(m);
    /* a table's rows are the training set */
    assert_int_equal(ua_options_set(o, "samples", "100"), UA_OK);
    assert_int_equal(ua_fit(p, "kernel", o, NULL, &m), UA_EINVAL);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "--samples is for formula and function problems"));
    ua_options_free(o);
    ua_problem_free(p);

    /* classification: two labels by the sign of x0 x1; error rates recomputed */
    double lab[N], labt[NT];
    for (size_t i = 0; i < N; i++) lab[i] = x[i * D] * x[i * D + 1] > 0 ? 1 : 0;
    for (size_t i = 0; i < NT; i++) labt[i] = xt[i * D] * xt[i * D + 1] > 0 ? 1 : 0;
    assert_int_equal(ua_problem_samples(x, lab, N, D, 1, &p), UA_OK);
    assert_int_equal(ua_problem_set_test(p, xt, labt, NT), UA_OK);
    assert_int_equal(ua_family_options("kernel", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "classify", NULL), UA_OK);
    if (ua_fit(p, "kernel", o, NULL, &m)) fail_msg("%s", ua_last_error());
    double pt[NT], wrong = 0;
    assert_int_equal(ua_model_predict(m, xt, NT, pt), UA_OK);
    for (size_t i = 0; i < NT; i++) wrong += pt[i] != labt[i];
    printf("kernel classify: test_error_rate %s (recomputed %g)\n",
           ua_model_meta(m, "test_error_rate"), wrong / NT);
    ASSERT_LE(fabs(meta_number(m, "test_error_rate") - wrong / NT), 1e-15);
    ASSERT_LE(meta_number(m, "test_error_rate"), 0.1);
    assert_non_null(ua_model_meta(m, "train_error_rate"));
    assert_null(ua_model_meta(m, "test_rmse"));
    ua_model_free(m);
    ua_options_free(o);
    ua_problem_free(p);
    /* --classify with two target columns */
    assert_int_equal(ua_problem_samples(x, y, N, D, K, &p), UA_OK);
    assert_int_equal(ua_family_options("kernel", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "classify", NULL), UA_OK);
    assert_int_equal(ua_fit(p, "kernel", o, NULL, &m), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "--classify takes one label column (--y-col), got 2"));
    ua_options_free(o);
    ua_problem_free(p);
}

/* Option values: the table's checks (one message style) and the checks between options in fit. */
static void test_vtable_options(void **state)
{
    (void)state;
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("kernel", &o), UA_OK);
    static const struct { const char *name, *value, *msg; } bad[] = {
        {"kernel", "gauss", "--kernel 'gauss': expected one of rbf laplacian matern polynomial"},
        {"gamma", "0", "--gamma '0': expected a number in (0, inf)"},
        /* only finite values are taken: the printed interval is open at inf */
        {"gamma", "inf", "--gamma 'inf': expected a number in (0, inf)"},
        {"alpha", "inf", "--alpha 'inf': expected a number in (0, inf)"},
        {"lambda", "inf", "--lambda 'inf': expected a number in (0, inf)"},
        {"coef0", "-inf", "--coef0 '-inf': expected a number in (-inf, inf)"},
        {"gamma", "abc", "--gamma 'abc': expected a number"},
        {"degree", "65", "--degree '65': expected an integer in [1, 64]"},
        {"degree", "2.5", "--degree '2.5': expected an integer"},
        {"order", "3", "--order '3': expected an integer in [0, 2]"},
        {"depth", "0", "--depth '0': expected an integer in [1, 1000]"},
        {"act", "tanh", "--act 'tanh': expected one of relu erf"},
        {"sb", "-1", "--sb '-1': expected a number in [0, inf)"},
        {"lambda", "-1e-3", "--lambda '-1e-3': expected a number in (0, inf)"},
        {"select", "cv", "--select 'cv': expected one of loo kfold none"},
        {"folds", "1", "--folds '1': expected an integer in [2, "},
        {"select-max", "1", "--select-max '1': expected an integer in [2, "},
        {"nystrom", "0", "--nystrom '0': expected an integer in [1, "},
        {"samples", "1", "--samples '1': expected an integer in [2, "},
        {"seed", "-1", "--seed '-1': expected an integer in [0, "},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ua_options_set(o, bad[i].name, bad[i].value), UA_EINVAL);
        if (!strstr(ua_last_error(), bad[i].msg))
            fail_msg("--%s %s: '%s' does not say '%s'", bad[i].name, bad[i].value, ua_last_error(),
                     bad[i].msg);
    }
    assert_int_equal(ua_options_set(o, "kernels", "rbf"), UA_ENOTFOUND);
    /* every option has one help line and a default that its own check accepts */
    size_t n;
    const ua_option_spec *spec = ua_options_spec(o, &n);
    assert_int_equal(n, UA_KERNEL_NOPTIONS);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(spec[i].help);
        assert_null(strchr(spec[i].help, '\n'));
        if (spec[i].def) assert_int_equal(ua_options_set(o, spec[i].name, spec[i].def), UA_OK);
    }
    ua_options_free(o);

    /* checks between options, as the command line made them */
    static const char *const v2[] = {"x", "y"};
    const double lo[] = {-1, -1}, hi[] = {1, 1};
    ua_target *t = NULL;
    ua_problem *p = NULL;
    ua_model *m = NULL;
    assert_int_equal(ua_target_parse("x*y", v2, 2, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    static const char *const cases[][5] = {
        {"lambda", "0.1", "alpha", "0.1", "--lambda and --alpha are the same option; give one"},
        {"kernel", "matern", "nu", "1", "--nu must be 0.5, 1.5 or 2.5"},
        {"samples", "100", "nystrom", "200", "Nystrom with 200 landmarks needs at least as many"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(ua_family_options("kernel", &o), UA_OK);
        assert_int_equal(ua_options_set(o, cases[i][0], cases[i][1]), UA_OK);
        assert_int_equal(ua_options_set(o, cases[i][2], cases[i][3]), UA_OK);
        assert_int_equal(ua_fit(p, "kernel", o, NULL, &m), UA_EINVAL);
        assert_null(m);
        if (!strstr(ua_last_error(), cases[i][4]))
            fail_msg("'%s' does not say '%s'", ua_last_error(), cases[i][4]);
        ua_options_free(o);
    }
    /* a fixed lambda and gamma (select none): the values are the model's */
    assert_int_equal(ua_family_options("kernel", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "alpha", "0.001"), UA_OK);
    assert_int_equal(ua_options_set(o, "gamma", "0.5"), UA_OK);
    assert_int_equal(ua_options_set(o, "samples", "50"), UA_OK);
    assert_int_equal(ua_fit(p, "kernel", o, NULL, &m), UA_OK);
    assert_string_equal(ua_model_meta(m, "lambda"), "0.001");
    assert_string_equal(ua_model_meta(m, "gamma"), "0.5");
    assert_string_equal(ua_model_meta(m, "samples"), "50");
    ua_kernel_info in;
    ua_kernel_get_info(ua_model_state(m), &in);
    assert_true(in.lambda == 0.001 && in.spec.gamma == 0.5 && in.n_train == 50);
    ua_model_free(m);
    ua_options_free(o);
    ua_problem_free(p);
    ua_target_free(t);
}

/* kernel on a FUNCTION problem of 4 variables, 1500 drawn points: the function is called for them,
 * and the max error at 300 independent points of [-1,1]^4 is below KERNEL_BOUND_FN. */
static void test_vtable_function(void **state)
{
    (void)state;
    ASSERT_LE(tu_learner_gauss4_error("kernel"), KERNEL_BOUND_FN);
}

/* ---- the mixed-precision exact solve (src/kernel/krr.c) ----------------------------------- */

/* test_mixed_solve: measured 0.30 (the mixed solve's distance from the exact solution over the
 * double Cholesky solve's; 0.95 - 3.1 on n = 2000 at lambda 1e-3 .. 1e-8) and 1.02e-9 from scipy
 * (the double solve: 7.3e-10; the condition number 2.5e7 times the kernel values' rounding). Its
 * backward error is to be below 2^-53 (measured 0.11 of it, the double solve 0.35); LAPACK
 * dsposv's stopping test alone gave 22 times 2^-53 there. */
#define MIXED_VS_DOUBLE 3.0
#define MIXED_VS_SCIPY 5e-9

int ua_kernel_solve_mixed(const ua_kernel_spec *s, const double *x, size_t n, size_t d,
                          double lambda, size_t k, const double *b, double *w, int *steps);

/* The points and targets of tests/gen/kernel_solve_ref.py, the same doubles bit for bit. */
static void solve_problem(double *x, double *y)
{
    for (size_t i = 0; i < KS_N; i++) {
        for (size_t j = 0; j < KS_D; j++)
            x[i * KS_D + j] = (double)((i * 7919 + j * 104729 + 13) % 1009) / 1009.0 * 4.0 - 2.0;
        y[i * KS_K] = (double)((i * 31337) % 2003) / 2003.0 - 0.5;
        y[i * KS_K + 1] = x[i * KS_D] * x[i * KS_D + 1];
    }
}

/* max over the columns of max_i |a_ti - b_ti| / max_i |b_ti|, a and b (k, n) */
static double col_relerr(const double *a, const double *b, size_t n, size_t k)
{
    double worst = 0;
    for (size_t t = 0; t < k; t++) {
        double e = 0, s = 0;
        for (size_t i = 0; i < n; i++) {
            e = fmax(e, fabs(a[t * n + i] - b[t * n + i]));
            s = fmax(s, fabs(b[t * n + i]));
        }
        worst = fmax(worst, e / s);
    }
    return worst;
}

/* The mixed-precision solve (float32 Cholesky preconditioning conjugate gradients in double)
 * against (1) the exact solution of the same double system, by iterative refinement of the
 * double Cholesky solution with residuals in long double (64-bit significands), and the double
 * Cholesky solution itself: its weights must be as close to the exact ones as the double solve's;
 * (2) scipy's Cholesky solve (tests/gen/kernel_solve_ref.py) of the system numpy forms, whose
 * kernel values differ from ours by rounding; (3) ua_kernel_fit, which takes this path; (4) a
 * lambda too small for float32 (spotrf fails): the fit falls back to the double solve. */
/* ua_kernel_rows_direct, the mixed solve's products' rows: the bits of ua_kernel_matrix for rbf
 * and Matern, on a block of rows against a prefix of the columns (more than its 512-column chunk,
 * and a leading dimension larger than the columns used); 0 and nothing written for polynomial.
 * ua_prefault on a range that starts and ends inside pages: the contents are unchanged. */
static void test_kernel_rows_direct(void **state)
{
    (void)state;
    enum { n = 1100, d = 3, r0 = 37, nr = 5 };
    double *x = malloc(n * d * sizeof *x), *xT = malloc(d * n * sizeof *xT);
    double *K = malloc(nr * n * sizeof *K), *R = malloc(nr * n * sizeof *R);
    double *tmp = malloc(2 * n * sizeof *tmp);
    assert_non_null(x && xT && K && R && tmp);
    for (size_t i = 0; i < n * d; i++) x[i] = sin(0.37 * (double)i + 0.1) * 1.7;
    for (size_t j = 0; j < n; j++)
        for (size_t l = 0; l < d; l++) xT[l * n + j] = x[j * d + l];
    ua_kernel_spec s;
    for (int kind = 0; kind < 3; kind++) {
        ua_kernel_spec_default(&s);
        s.type = kind == 2 ? UA_KERNEL_POLYNOMIAL : kind ? UA_KERNEL_MATERN : UA_KERNEL_RBF;
        s.gamma = 0.3;
        s.length_scale = 0.8;
        s.nu = 1.5;
        s.degree = 2;
        s.coef0 = 1;
        for (size_t nb = 200; nb <= n; nb += 450) { /* 200, 650, 1100 columns */
            for (size_t t = 0; t < nr * nb; t++) R[t] = -7.0;
            int done = ua_kernel_rows_direct(&s, x + r0 * d, nr, xT, n, nb, d, R, tmp);
            if (kind == 2) {
                assert_int_equal(done, 0);
                for (size_t t = 0; t < nr * nb; t++) assert_true(R[t] == -7.0);
                continue;
            }
            assert_int_equal(done, 1);
            assert_int_equal(ua_kernel_matrix(&s, x + r0 * d, nr, x, nb, d, K), UA_OK);
            assert_memory_equal(R, K, nr * nb * sizeof *K);
            /* each value is the kernel of its pair (the rounding of exp and its argument apart) */
            for (size_t i = 0; i < nr; i++)
                for (size_t j = 0; j < nb; j += 97) {
                    double v = ua_kernel_pair(&s, x + (r0 + i) * d, x + j * d, d);
                    assert_true(fabs(R[i * nb + j] - v) <= 1e-13 * fabs(v) + 1e-300);
                }
        }
    }
    unsigned char *buf = malloc(3 << 20);
    assert_non_null(buf);
    for (size_t i = 0; i < (size_t)3 << 20; i++) buf[i] = (unsigned char)(i * 131u);
    ua_prefault(buf + 1000, ((size_t)2 << 20) + 17);
    ua_prefault(NULL, 5);
    ua_prefault(buf, 0);
    for (size_t i = 0; i < (size_t)3 << 20; i++)
        assert_int_equal(buf[i], (unsigned char)(i * 131u));
    free(buf);
    free(x);
    free(xT);
    free(K);
    free(R);
    free(tmp);
}

/* max_i |b_i - (A w)_i| for A (n, n) row-major, the residual summed in long double */
static double residual_max(const double *A, const double *b, const double *w, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        long double r = b[i];
        for (size_t j = 0; j < n; j++) r -= (long double)A[i * n + j] * w[j];
        worst = fmax(worst, fabs((double)r));
    }
    return worst;
}

/* F's layout in the mixed solve, LAPACK's rectangular full packed format (TRANSR 'N', UPLO 'U'):
 * (1) ua_rfp_index puts every entry where LAPACK's own conversion strttf does, for n = 1..9 (odd
 * and even), each of the n (n + 1) / 2 places once; (2) the preconditioner on that format
 * (spftrf's factor) gives the solution the full-storage one gives (spotrf's factor), to float32
 * rounding, on a well-conditioned matrix of odd and even order. */
static void test_rfp_layout(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 9; n++) {
        float A[81], R[45];
        int hits[45] = { 0 };
        for (size_t c = 0; c < n; c++)
            for (size_t r = 0; r < n; r++) A[r + c * n] = r <= c ? (float)(100 * r + c + 1) : -1.0f;
        assert_int_equal(LAPACKE_strttf(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)n, A, (lapack_int)n, R), 0);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++) {
                size_t q = ua_rfp_index(n, i, j);
                assert_true(q < n * (n + 1) / 2);
                hits[q]++;
                assert_true(R[q] == A[j + i * n]); /* entry (i, j) of the lower = (j, i) of U */
            }
        for (size_t q = 0; q < n * (n + 1) / 2; q++) assert_int_equal(hits[q], 1);
    }
    for (size_t n = 300; n <= 301; n++) {
        enum { k = 2 };
        float *Ff = malloc(n * n * sizeof *Ff), *Fp = malloc(n * (n + 1) / 2 * sizeof *Fp);
        float *rf = malloc(k * n * sizeof *rf);
        double *r = malloc(k * n * sizeof *r), *z0 = malloc(k * n * sizeof *z0), *z1 = malloc(k * n * sizeof *z1);
        double rs[k];
        assert_non_null(Ff && Fp && rf && r && z0 && z1);
        for (size_t i = 0; i < n; i++) /* exp(-(i - j)^2 / 50) + I: symmetric positive definite */
            for (size_t j = 0; j <= i; j++) {
                double dij = (double)i - (double)j;
                float v = (float)(exp(-dij * dij / 50.0) + (i == j));
                Ff[j + i * n] = v;
                Fp[ua_rfp_index(n, i, j)] = v;
            }
        for (size_t t = 0; t < k * n; t++) r[t] = sin(0.7 * (double)t) * (t < n ? 1e30 : 1e-30);
        assert_int_equal(LAPACKE_spotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)n, Ff, (lapack_int)n), 0);
        assert_int_equal(LAPACKE_spftrf(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)n, Fp), 0);
        assert_int_equal(ua_ridge_precondition_f32(Ff, n, k, 2.0, r, rf, rs, z0), 0);
        assert_int_equal(ua_ridge_precondition_rfp_f32(Fp, n, k, 2.0, r, rf, rs, z1), 0);
        for (size_t t = 0; t < k; t++) {
            double e = 0, m = 0;
            for (size_t i = 0; i < n; i++) {
                e = fmax(e, fabs(z1[t * n + i] - z0[t * n + i]));
                m = fmax(m, fabs(z0[t * n + i]));
            }
            assert_true(m > 0 && isfinite(m));
            ASSERT_LE(e / m, 1e-5);
        }
        free(Ff), free(Fp), free(rf), free(r), free(z0), free(z1);
    }
}

/* The mixed solve at an odd order (F's packed layout differs for odd n): the first 599 points of
 * the problem above at lambda 1e-3; the residual within 10 times
 * LAPACK dposv's on the same system. */
static void test_mixed_solve_odd(void **state)
{
    (void)state;
    enum { N = KS_N, n = KS_N - 1 };
    double *x = malloc(N * KS_D * sizeof *x), *y = malloc(N * KS_K * sizeof *y);
    double *A = malloc((size_t)n * n * sizeof *A), *L = malloc((size_t)n * n * sizeof *L);
    double *b = malloc(n * sizeof *b), *wd = malloc(n * sizeof *wd), *wm = malloc(n * sizeof *wm);
    assert_non_null(x && y && A && L && b && wd && wm);
    solve_problem(x, y);
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.type = UA_KERNEL_RBF;
    s.gamma = KS_GAMMA;
    const double lambda = 1e-3;
    assert_int_equal(ua_kmat_sym_lower(&s, x, n, KS_D, A, n), UA_OK);
    for (size_t i = 0; i < n; i++) A[i * n + i] += lambda;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) A[i * n + j] = A[j * n + i];
    for (size_t i = 0; i < n; i++) b[i] = y[i * KS_K];
    memcpy(L, A, (size_t)n * n * sizeof *L);
    memcpy(wd, b, n * sizeof *wd);
    assert_int_equal(LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', n, 1, L, n, wd, n), 0);
    int steps;
    int ok = ua_kernel_solve_mixed(&s, x, n, KS_D, lambda, 1, b, wm, &steps);
    double rm = residual_max(A, b, wm, n), rd = residual_max(A, b, wd, n);
    print_message("odd order %d: %s in %d products, residual %.3g (dposv %.3g)\n", (int)n,
                  ok ? "converged" : "refused", steps, rm, rd);
    assert_int_equal(ok, 1);
    ASSERT_LE(rm, 10.0 * rd);
    free(x), free(y), free(A), free(L), free(b), free(wd), free(wm);
}

/* The mixed solve on a badly scaled system: a polynomial kernel of degree 40 on standardised
 * points, whose diagonal spans decades. Before the solve scaled the diagonal to 1, its stopping
 * test (normwise backward error) passed weights whose residual was 1e6-1e7 times the double
 * Cholesky solve's (training RMSE 16.5 against 1.1e-6, a new user's report; here 358 against
 * 6.8e-7, in 2 products). Now the residual max |b - A w| (in long double) must be within 10
 * times LAPACK dposv's on the same system. */
static void test_mixed_solve_scaled(void **state)
{
    (void)state;
    enum { n = 300, d = 3 };
    double *x = malloc(n * d * sizeof *x), *A = malloc(n * n * sizeof *A), *L = malloc(n * n * sizeof *L);
    double *b = malloc(n * sizeof *b), *wd = malloc(n * sizeof *wd), *wm = malloc(n * sizeof *wm);
    assert_non_null(x && A && L && b && wd && wm);
    /* points spread evenly over [-sqrt 3, sqrt 3]^3 (standardised uniform inputs: Weyl
     * sequences), a smooth target */
    const double alpha[d] = { 0.6180339887498949, 0.4142135623730951, 0.7320508075688772 };
    for (size_t i = 0; i < n; i++) {
        for (size_t l = 0; l < d; l++) {
            double f = (double)(i + 1) * alpha[l];
            x[i * d + l] = sqrt(3.0) * (2.0 * (f - floor(f)) - 1.0);
        }
        b[i] = sin(3.0 * x[i * d]) + 0.5 * cos(2.0 * x[i * d + 2]) + 0.1 * (x[i * d] + x[i * d + 1]);
    }
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.type = UA_KERNEL_POLYNOMIAL;
    s.degree = 40;
    s.gamma = 1.0 / d;
    s.coef0 = 1;
    const double lambda = 1e-3;
    assert_int_equal(ua_kmat_sym_lower(&s, x, n, d, A, n), UA_OK);
    for (size_t i = 0; i < n; i++) A[i * n + i] += lambda;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) A[i * n + j] = A[j * n + i];
    double dmin = INFINITY, dmax = 0;
    for (size_t i = 0; i < n; i++) {
        dmin = fmin(dmin, A[i * n + i]);
        dmax = fmax(dmax, A[i * n + i]);
    }
    print_message("diagonal %.3g .. %.3g\n", dmin, dmax);
    assert_true(dmax / dmin > 1e6); /* the diagonal does span decades */
    memcpy(L, A, n * n * sizeof *L);
    memcpy(wd, b, n * sizeof *wd);
    assert_int_equal(LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', n, 1, L, n, wd, n), 0);
    int steps;
    int ok = ua_kernel_solve_mixed(&s, x, n, d, lambda, 1, b, wm, &steps);
    double res[2] = { residual_max(A, b, wm, n), residual_max(A, b, wd, n) };
    print_message("scaled mixed solve: %s in %d products, residual %.3g (dposv %.3g)\n",
                  ok ? "converged" : "refused (the caller solves in double)", steps, res[0], res[1]);
    assert_int_equal(ok, 1); /* this system is within the mixed solve's reach (8 products) */
    assert_true(res[0] <= 10.0 * res[1]);
    assert_true(res[1] < 1e-3); /* the double solve itself fits the data */
    free(x);
    free(A);
    free(L);
    free(b);
    free(wd);
    free(wm);
}

/* ua_count_repeated_rows (the selection's warning about repeated rows): exact counts by
 * construction, -0 equal to +0, a NaN equal to nothing; and the fit's warning says it. */
static void test_repeated_rows(void **state)
{
    (void)state;
    enum { n = 60, d = 2 };
    double x[n * d], y[n];
    for (size_t i = 0; i < n; i++) { /* rows 0..29 distinct, row 30 + i repeats row i */
        size_t r = i % 30;
        x[i * d] = sin(0.7 * (double)r);
        x[i * d + 1] = cos(1.3 * (double)r);
        y[i] = x[i * d] * x[i * d + 1];
    }
    assert_int_equal(ua_count_repeated_rows(x, 30, d), 0);
    assert_int_equal(ua_count_repeated_rows(x, n, d), 30);
    assert_int_equal(ua_count_repeated_rows(x, 40, d), 10);
    double t[4 * 2] = { 1, 0.0, 1, -0.0, NAN, 2, NAN, 2 };
    assert_int_equal(ua_count_repeated_rows(t, 4, 2), 1); /* (1, 0) = (1, -0); NaN rows differ */
    double three[3] = { 5, 5, 5 };
    assert_int_equal(ua_count_repeated_rows(three, 3, 1), 2);
    assert_int_equal(ua_count_repeated_rows(three, 1, 1), 0);
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    ua_kernel *m;
    assert_int_equal(ua_kernel_fit(x, y, n, d, 1, &o, &m), UA_OK);
    ua_kernel_info in;
    ua_kernel_get_info(m, &in);
    assert_non_null(strstr(in.select_warning, "30 of the 60 rows repeat another row's inputs"));
    ua_kernel_free(m);
    assert_int_equal(ua_kernel_fit(x, y, 30, d, 1, &o, &m), UA_OK);
    ua_kernel_get_info(m, &in);
    assert_null(strstr(in.select_warning, "repeat"));
    ua_kernel_free(m);
}

static void test_mixed_solve(void **state)
{
    (void)state;
    enum { n = KS_N, k = KS_K };
    double *x = malloc(n * KS_D * sizeof *x), *y = malloc(n * k * sizeof *y);
    double *A = malloc(n * n * sizeof *A), *L = malloc(n * n * sizeof *L);
    double *b = malloc(n * k * sizeof *b), *wd = malloc(n * k * sizeof *wd);
    double *wm = malloc(n * k * sizeof *wm), *ref = malloc(n * k * sizeof *ref);
    double *sc = malloc(n * k * sizeof *sc);
    long double *rl = malloc(n * sizeof *rl);
    assert_non_null(x && y && A && L && b && wd && wm && ref && sc && rl);
    solve_problem(x, y);
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.type = UA_KERNEL_RBF;
    s.gamma = KS_GAMMA;
    for (int pass = 0; pass < 2; pass++) {
        double lambda = pass ? 1e-9 : KS_LAMBDA;
        assert_int_equal(ua_kmat_sym_lower(&s, x, n, KS_D, A, n), UA_OK);
        for (size_t i = 0; i < n; i++) A[i * n + i] += lambda;
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) A[i * n + j] = A[j * n + i];
        for (size_t i = 0; i < n; i++)
            for (size_t t = 0; t < k; t++) b[t * n + i] = y[i * k + t];
        memcpy(L, A, n * n * sizeof *L);
        memcpy(wd, b, n * k * sizeof *wd);
        assert_int_equal(LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', n, k, L, n, wd, n), 0);
        /* the exact solution of A w = b: refinement, residuals in long double */
        memcpy(ref, wd, n * k * sizeof *ref);
        for (int it = 0; it < 4; it++) {
            for (size_t t = 0; t < k; t++) {
                for (size_t i = 0; i < n; i++) {
                    long double r = b[t * n + i];
                    for (size_t j = 0; j < n; j++) r -= (long double)A[i * n + j] * ref[t * n + j];
                    rl[i] = r;
                    sc[t * n + i] = (double)r;
                }
            }
            assert_int_equal(LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', n, k, L, n, sc, n), 0);
            for (size_t t = 0; t < n * k; t++) ref[t] += sc[t];
        }
        double ed = col_relerr(wd, ref, n, k);
        int steps;
        int ok = ua_kernel_solve_mixed(&s, x, n, KS_D, lambda, k, b, wm, &steps);
        /* normwise backward errors max |b - A w| / (||A||_inf max |w|) in units of 2^-53, the
         * residuals in long double: the mixed solve's (its stopping test) and the double one's */
        double anorm = 0, bw[2] = { 0, 0 };
        for (size_t i = 0; i < n; i++) {
            double r = 0;
            for (size_t j = 0; j < n; j++) r += fabs(A[i * n + j]);
            anorm = fmax(anorm, r);
        }
        for (int v = 0; v < 2; v++)
            for (size_t t = 0; t < k; t++) {
                const double *w = (v ? wd : wm) + t * n;
                double rmax = 0, wmax = 0;
                for (size_t i = 0; i < n; i++) {
                    long double r = b[t * n + i];
                    for (size_t j = 0; j < n; j++) r -= (long double)A[i * n + j] * w[j];
                    rmax = fmax(rmax, fabs((double)r));
                    wmax = fmax(wmax, fabs(w[i]));
                }
                bw[v] = fmax(bw[v], rmax / (anorm * wmax) / 0x1p-53);
            }
        ua_kernel_options o;
        ua_kernel_options_default(&o);
        o.kernel = s;
        o.lambda = lambda;
        o.select = UA_SELECT_NONE;
        o.standardize = 0;
        ua_kernel *m;
        assert_int_equal(ua_kernel_fit(x, y, n, KS_D, k, &o, &m), UA_OK);
        for (size_t i = 0; i < n; i++)
            for (size_t t = 0; t < k; t++) sc[t * n + i] = m->w[i * k + t];
        ua_kernel_free(m);
        if (!pass) {
            double *kw = L; /* scipy's weights, (k, n) */
            for (size_t i = 0; i < n; i++)
                for (size_t t = 0; t < k; t++) kw[t * n + i] = KS_W[i * k + t];
            double em = col_relerr(wm, ref, n, k), ek = col_relerr(wm, kw, n, k);
            double ekd = col_relerr(wd, kw, n, k);
            print_message("lambda %g: %d products; from the exact solution: mixed %.3g, double "
                          "%.3g; from scipy: mixed %.3g, double %.3g; backward error / 2^-53: "
                          "mixed %.3g, double %.3g\n", lambda, steps, em, ed, ek, ekd, bw[0], bw[1]);
            assert_int_equal(ok, 1);
            assert_true(steps >= 2 && steps <= 30);
            ASSERT_LE(em, MIXED_VS_DOUBLE * ed);
            ASSERT_LE(bw[0], 1.0);
            ASSERT_LE(ek, MIXED_VS_SCIPY);
            assert_true(col_relerr(sc, wm, n, k) == 0); /* the fit took this path */
        } else {
            /* spotrf fails on this lambda: the fit's weights are the double solve's */
            assert_int_equal(ok, 0);
            assert_true(col_relerr(sc, wd, n, k) <= 1e-15);
        }
    }
    free(x), free(y), free(A), free(L), free(b), free(wd), free(wm), free(ref), free(sc), free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sklearn_krr),
        cmocka_unit_test(test_kernel_rows_direct),
        cmocka_unit_test(test_repeated_rows),
        cmocka_unit_test(test_mixed_solve),
        cmocka_unit_test(test_mixed_solve_scaled),
        cmocka_unit_test(test_rfp_layout),
        cmocka_unit_test(test_mixed_solve_odd),
        cmocka_unit_test(test_ntk_reference),
        cmocka_unit_test(test_ntk_finite_width),
        cmocka_unit_test(test_loo_closed_form),
        cmocka_unit_test(test_loo_target_units),
        cmocka_unit_test(test_permutation),
        cmocka_unit_test(test_duplicates_and_nystrom),
        cmocka_unit_test(test_vexp_accuracy),
        cmocka_unit_test(test_distance_cancellation),
        cmocka_unit_test(test_far_inputs),
        cmocka_unit_test(test_kernel_values),
        cmocka_unit_test(test_memory_guard_and_bad_input),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_save_load_export),
        cmocka_unit_test(test_user_reports),
        cmocka_unit_test(test_vtable_formula),
        cmocka_unit_test(test_vtable_function),
        cmocka_unit_test(test_vtable_samples),
        cmocka_unit_test(test_vtable_options),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
