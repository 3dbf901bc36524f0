/* Tests of the rf family: random Fourier features follow the rbf kernel's gamma convention,
 * closed-form LOO / GCV of the ridge output layer against brute force, accuracy on a smooth
 * target, the bandlimited error floor, save / load / C export, bad input. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>
#include <mpfr.h>

#include "uniapprox.h"
#include "core/internal.h"
#include "train/ridge.h"
#include "rf/internal.h"
#define TU_SCRATCH_TAG "ua_test_rf"
#include "test_util.h"

/* Bounds of test_vtable_formula's max errors against MPFR: measured 2.86e-3 (2-D), 4.58e-3
 * (3-D, relu features) and 2.22e-5 (3-D, random Fourier features, gamma 0.5) with seed 1;
 * about 3.5x, 3.3x and 4.5x margin. */
#define RF_BOUND_2D 1e-2
#define RF_BOUND_3D 1.5e-2
#define RF_BOUND_FOURIER 1e-4
/* test_vtable_function: measured 0.033 on the 4-D Gaussian (1500 points, relu); 3x margin. */
#define RF_BOUND_FN 0.1

/* mean of z(x).z(y) over many random Fourier features = exp(-gamma |x - y|^2), the rbf kernel of
 * ua_kernel_matrix with the same gamma */
static void test_fourier_gamma(void **state)
{
    (void)state;
    ua_rf_options o;
    ua_rf_options_default(&o);
    o.dist = UA_RF_FOURIER;
    o.gamma = 2.0;
    o.features = 200000;
    ua_rf *m;
    assert_int_equal(ua_rf_draw(&o, 3, &m), UA_OK);
    const double pts[4 * 3] = {0, 0, 0, 0.3, -0.2, 0.5, 1.0, 0.4, -0.3, -0.6, 0.9, 0.2};
    double *phi = malloc(4 * o.features * sizeof *phi), K[16];
    assert_int_equal(ua_rf_features(m, pts, 4, phi), UA_OK);
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.gamma = 2.0;
    assert_int_equal(ua_kernel_matrix(&s, pts, 4, pts, 4, 3, K), UA_OK);
    double worst = 0, worst_other = 0;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double dot = 0, r2 = 0;
            for (size_t f = 0; f < o.features; f++) dot += phi[i * o.features + f] * phi[j * o.features + f];
            for (int t = 0; t < 3; t++) r2 += (pts[i * 3 + t] - pts[j * 3 + t]) * (pts[i * 3 + t] - pts[j * 3 + t]);
            worst = fmax(worst, fabs(dot - K[i * 4 + j]));
            /* the other common convention, exp(-|x - y|^2 / (2 gamma)), is far off */
            worst_other = fmax(worst_other, fabs(dot - exp(-r2 / (2 * 2.0))));
        }
    print_message("random Fourier features: max |mean z.z - exp(-gamma r^2)| = %.3g (other convention %.3g)\n",
                  worst, worst_other);
    assert_true(worst < 0.01); /* standard error ~ 1/sqrt(2 m) = 0.0016 */
    assert_true(worst_other > 0.1);
    free(phi);
    ua_rf_free(m);
}

/* brute-force LOO of ridge on features: refit without row i by the normal equations */
static void test_ridge_loo(void **state)
{
    (void)state;
    const size_t n = 40, m = 12;
    double phi[40 * 12], y[40];
    ua_rng r;
    ua_rng_seed(&r, 2);
    for (size_t i = 0; i < n * m; i++) phi[i] = ua_rng_normal(&r);
    for (size_t i = 0; i < n; i++) y[i] = phi[i * m] - 0.5 * phi[i * m + 3] + 0.3 * ua_rng_normal(&r);
    const double grid[4] = {1e-3, 0.1, 1.0, 30.0};
    double errs[4], gcv[4], w[12], lam = 0, err;
    assert_int_equal(ua_ridge_features(phi, y, n, m, 1, grid, 4, 0, &lam, &err, errs, w), UA_OK);
    assert_int_equal(ua_ridge_features(phi, y, n, m, 1, grid, 4, 1, &lam, &err, gcv, w), UA_OK);
    for (int l = 0; l < 4; l++) {
        double sse = 0, rss = 0;
        for (size_t i = 0; i < n; i++) {
            double G[144] = {0}, b[12] = {0};
            for (size_t p = 0; p < n; p++) {
                if (p == i) continue;
                for (size_t a = 0; a < m; a++) {
                    b[a] += phi[p * m + a] * y[p];
                    for (size_t c = 0; c < m; c++) G[a * m + c] += phi[p * m + a] * phi[p * m + c];
                }
            }
            for (size_t a = 0; a < m; a++) G[a * m + a] += grid[l];
            assert_int_equal(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)m, 1, G, (lapack_int)m, b, 1), 0);
            double pred = 0;
            for (size_t a = 0; a < m; a++) pred += phi[i * m + a] * b[a];
            sse += (y[i] - pred) * (y[i] - pred);
        }
        double want = sqrt(sse / n);
        if (fabs(errs[l] - want) > 1e-10 * want) fail_msg("lambda %g: LOO %.17g vs brute force %.17g", grid[l], errs[l], want);
        /* GCV from its definition: full fit, tr(H) */
        double G[144] = {0}, b[12] = {0}, H[144];
        for (size_t p = 0; p < n; p++)
            for (size_t a = 0; a < m; a++) {
                b[a] += phi[p * m + a] * y[p];
                for (size_t c = 0; c < m; c++) G[a * m + c] += phi[p * m + a] * phi[p * m + c];
            }
        for (size_t a = 0; a < m; a++) G[a * m + a] += grid[l];
        memcpy(H, G, sizeof H);
        assert_int_equal(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)m, 1, H, (lapack_int)m, b, 1), 0);
        double tr = 0;
        for (size_t a = 0; a < m; a++) { /* tr(Phi (G)^-1 Phi^T) = tr(G^-1 Phi^T Phi) = m - lambda tr(G^-1) */
            double e[12] = {0};
            e[a] = 1;
            memcpy(H, G, sizeof H);
            assert_int_equal(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)m, 1, H, (lapack_int)m, e, 1), 0);
            tr += 1 - grid[l] * e[a];
        }
        for (size_t i = 0; i < n; i++) {
            double pred = 0;
            for (size_t a = 0; a < m; a++) pred += phi[i * m + a] * b[a];
            rss += (y[i] - pred) * (y[i] - pred);
        }
        double g = sqrt(rss / n) / (1 - tr / n);
        if (fabs(gcv[l] - g) > 1e-10 * g) fail_msg("lambda %g: GCV %.17g vs definition %.17g", grid[l], gcv[l], g);
    }
}

static double target2(double a, double b) { return sin(2 * a) * cos(b) + 0.3 * a * b; }

static void test_fit_accuracy(void **state)
{
    (void)state;
    const size_t n = 800, nt = 400;
    double *x = malloc(n * 2 * sizeof *x), *y = malloc(n * sizeof *y);
    double *xt = malloc(nt * 2 * sizeof *xt), *p = malloc(nt * sizeof *p);
    ua_rng r;
    ua_rng_seed(&r, 4);
    for (size_t i = 0; i < n; i++) {
        x[2 * i] = 4 * ua_rng_uniform(&r) - 2;
        x[2 * i + 1] = 4 * ua_rng_uniform(&r) - 2;
        y[i] = target2(x[2 * i], x[2 * i + 1]);
    }
    for (size_t i = 0; i < nt; i++) {
        xt[2 * i] = 3.6 * ua_rng_uniform(&r) - 1.8;
        xt[2 * i + 1] = 3.6 * ua_rng_uniform(&r) - 1.8;
    }
    const ua_rf_dist dists[3] = {UA_RF_GAUSSIAN, UA_RF_UNIFORM, UA_RF_FOURIER};
    const ua_rf_act acts[3] = {UA_RF_RELU, UA_RF_TANH, UA_RF_COS};
    for (int c = 0; c < 3; c++) {
        ua_rf_options o;
        ua_rf_options_default(&o);
        o.features = 300;
        o.dist = dists[c];
        o.act = acts[c];
        o.bandwidth = 3;
        o.gamma = 0.5;
        ua_rf *m;
        assert_int_equal(ua_rf_fit(x, y, n, 2, 1, &o, &m), UA_OK);
        assert_int_equal(ua_rf_predict(m, xt, nt, p), UA_OK);
        double e = 0;
        for (size_t i = 0; i < nt; i++) e += pow(p[i] - target2(xt[2 * i], xt[2 * i + 1]), 2);
        e = sqrt(e / nt);
        ua_rf_info in;
        ua_rf_get_info(m, &in);
        print_message("rf %s/%s: test RMSE %.3g, lambda %g, LOO %.3g\n", ua_rf_dist_name(dists[c]),
                      ua_rf_act_name(in.act), e, in.lambda, in.select_rmse);
        assert_true(e < 0.02);
        assert_true(isfinite(in.select_rmse) && in.lambda > 0);
        /* the same lambda given explicitly (the Cholesky path) gives the same network */
        ua_rf *f;
        o.lambda = in.lambda;
        assert_int_equal(ua_rf_fit(x, y, n, 2, 1, &o, &f), UA_OK);
        double *pf = malloc(nt * sizeof *pf), dmax = 0;
        assert_int_equal(ua_rf_predict(f, xt, nt, pf), UA_OK);
        for (size_t i = 0; i < nt; i++) dmax = fmax(dmax, fabs(pf[i] - p[i]));
        /* at lambda 1e-8 the system is ill-conditioned and the two solvers agree only as far as the
         * conditioning allows; at larger lambda they agree closely */
        print_message("    fixed lambda (Cholesky) vs chosen (eigen): max |diff| %.3g\n", dmax);
        assert_true(dmax < (in.lambda >= 1e-4 ? 1e-8 : 1e-3));
        free(pf);
        ua_rf_free(f);
        ua_rf_free(m);
    }
    free(x);
    free(y);
    free(xt);
    free(p);
}

/* The seed's bandlimited networks: weights in [-B, B] cannot represent frequencies much above B;
 * on a chirp sin(x^2 pi ...) the error has a floor that falls as B grows (docs/rf.md). */
static double chirp(double x) { return sin(8.0 * x * x); } /* local frequency 16 |x| on [-2, 2] */

static void test_bandwidth_floor(void **state)
{
    (void)state;
    const size_t n = 1500, nt = 1000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *xt = malloc(nt * sizeof *xt);
    double *p = malloc(nt * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        x[i] = -2 + 4.0 * (i + 0.5) / n;
        y[i] = chirp(x[i]);
    }
    for (size_t i = 0; i < nt; i++) xt[i] = -2 + 4.0 * (i + 0.25) / nt;
    const double B[3] = {4, 16, 64};
    double err[3];
    for (int b = 0; b < 3; b++) {
        ua_rf_options o;
        ua_rf_options_default(&o);
        o.dist = UA_RF_UNIFORM;
        o.act = UA_RF_COS;
        o.features = 400;
        o.bandwidth = B[b];
        o.standardize = 0;
        ua_rf *m;
        assert_int_equal(ua_rf_fit(x, y, n, 1, 1, &o, &m), UA_OK);
        assert_int_equal(ua_rf_predict(m, xt, nt, p), UA_OK);
        double e = 0;
        for (size_t i = 0; i < nt; i++) e += pow(p[i] - chirp(xt[i]), 2);
        err[b] = sqrt(e / nt);
        ua_rf_free(m);
    }
    print_message("bandlimited cos features on sin(8 x^2): RMSE %.3g, %.3g, %.3g at B = 4, 16, 64\n",
                  err[0], err[1], err[2]);
    assert_true(err[0] > 0.2);     /* the floor: frequencies above ~4 are out of reach */
    assert_true(err[1] < 0.5 * err[0]);
    assert_true(err[2] < 0.01);
    free(x);
    free(y);
    free(xt);
    free(p);
}

typedef void (*nd_fn)(const double *, double *);

static void test_save_load_export(void **state)
{
    (void)state;
    const size_t n = 200, d = 3, k = 2, nt = 40;
    double x[200 * 3], y[200 * 2], xt[40 * 3];
    ua_rng r;
    ua_rng_seed(&r, 8);
    for (size_t i = 0; i < n * d; i++) x[i] = 2 * ua_rng_normal(&r) + 5;
    for (size_t i = 0; i < nt * d; i++) xt[i] = 2 * ua_rng_normal(&r) + 5;
    for (size_t i = 0; i < n; i++) {
        y[i * k] = sin(x[i * d]) + x[i * d + 1];
        y[i * k + 1] = 50 + x[i * d + 2] * x[i * d];
    }
    for (int c = 0; c < 4; c++) {
        ua_rf_options o;
        ua_rf_options_default(&o);
        o.features = 64;
        o.dist = c == 3 ? UA_RF_FOURIER : UA_RF_GAUSSIAN;
        o.act = (ua_rf_act)c;
        o.gcv = c & 1;
        ua_rf *rf;
        assert_int_equal(ua_rf_fit(x, y, n, d, k, &o, &rf), UA_OK);
        ua_model *m, *l;
        assert_int_equal(ua_model_wrap("rf", rf, NULL, -INFINITY, INFINITY, &m), UA_OK);
        char path[TU_PATH_MAX], src[TU_PATH_MAX], file[64]; /* tu_path's buffers are reused */
        snprintf(file, sizeof file, "rf%d.safetensors", c);
        snprintf(path, sizeof path, "%s", tu_path(file));
        snprintf(file, sizeof file, "rf%d.c", c);
        snprintf(src, sizeof src, "%s", tu_path(file));
        assert_int_equal(ua_model_save(m, path), UA_OK);
        assert_int_equal(ua_model_load(path, &l), UA_OK);
        double a[80], b[80], e[80];
        assert_int_equal(ua_model_predict(m, xt, nt, a), UA_OK);
        assert_int_equal(ua_model_predict(l, xt, nt, b), UA_OK);
        assert_memory_equal(a, b, sizeof a);
        assert_int_equal(ua_model_export_c(l, UA_EXPORT_DOUBLE, "rfapprox", src), UA_OK);
        ua_compiled *h;
        nd_fn f = (nd_fn)(uintptr_t)tu_compile_symbol(src, "rfapprox", &h);
        for (size_t i = 0; i < nt; i++) f(xt + i * d, e + i * k);
        double worst = 0, scale = 0;
        for (size_t i = 0; i < nt * k; i++) scale = fmax(scale, fabs(a[i]));
        for (size_t i = 0; i < nt * k; i++) worst = fmax(worst, fabs(e[i] - a[i]) / scale);
        if (worst > 1e-12) fail_msg("rf export %d differs by %g", c, worst);
        ua_compiled_free(h);
        ua_model_free(m);
        ua_model_free(l);
    }
}

static void test_bad_input(void **state)
{
    (void)state;
    double x[10], y[10];
    for (int i = 0; i < 10; i++) x[i] = y[i] = i;
    ua_rf *m = (ua_rf *)1;
    ua_rf_options o;
    ua_rf_options_default(&o);
    x[3] = INFINITY;
    assert_int_equal(ua_rf_fit(x, y, 10, 1, 1, &o, &m), UA_EINVAL);
    assert_null(m);
    x[3] = 3;
    assert_int_equal(ua_rf_fit(x, y, 0, 1, 1, &o, &m), UA_EINVAL);
    o.features = 0;
    assert_int_equal(ua_rf_fit(x, y, 10, 1, 1, &o, &m), UA_EINVAL);
    ua_rf_options_default(&o);
    o.bandwidth = -1;
    assert_int_equal(ua_rf_fit(x, y, 10, 1, 1, &o, &m), UA_EINVAL);
    ua_rf_options_default(&o);
    o.lambda = NAN;
    assert_int_equal(ua_rf_fit(x, y, 10, 1, 1, &o, &m), UA_EINVAL);
    ua_rf_dist dd;
    ua_rf_act aa;
    assert_int_equal(ua_rf_dist_parse("normal", &dd), UA_EINVAL);
    assert_int_equal(ua_rf_act_parse("gelu", &aa), UA_EINVAL);
    assert_int_equal(ua_rf_act_parse("sigmoid", &aa), UA_OK);
    assert_int_equal(aa, UA_RF_SIGMOID);
    ua_rf_free(NULL);
}

/* The vectorised cosine of the Fourier features against MPFR's correctly rounded cos: every
 * quadrant, both signs, the points next to multiples of pi/2, arguments up to the reduction's
 * limit (1e5) and past it (libm's path), and infinities. */
static void test_cos_accuracy(void **state)
{
    (void)state;
    enum { N = 40000 };
    double *t = malloc(N * sizeof *t), *v = malloc(N * sizeof *v), *b = calloc(N, sizeof *b);
    for (size_t i = 0; i < N; i++) {
        double u = ((double)i + 0.5) / N;
        if (i < 10000) t[i] = 8.0 * (2 * u - 1);                        /* |t| < 8 */
        else if (i < 20000) t[i] = 1e5 * (2 * u - 1);                   /* up to the limit */
        else if (i < 30000) t[i] = ((double)i - 25000) * (UA_RF_PI / 2) + 1e-9 * ((double)(i % 7) - 3);
        else t[i] = 1e7 * u;                                            /* libm's path */
        v[i] = t[i] + 0.75; /* the row's argument is v - b */
        b[i] = 0.75;
    }
    mpfr_t m;
    mpfr_init2(m, 200);
    double worst[2] = { 0, 0 };
    for (size_t lo = 0; lo < N; lo += 10000) { /* one row per range, as the fit does */
        double *row = malloc(10000 * sizeof *row);
        memcpy(row, v + lo, 10000 * sizeof *row);
        ua_rf_cos_row(row, b + lo, 1.0, 10000);
        for (size_t i = 0; i < 10000; i++) {
            mpfr_set_d(m, v[lo + i] - b[lo + i], MPFR_RNDN); /* the argument as rounded to double */
            mpfr_cos(m, m, MPFR_RNDN);
            double e = fabs(row[i] - mpfr_get_d(m, MPFR_RNDN));
            worst[lo >= 30000] = fmax(worst[lo >= 30000], e);
        }
        free(row);
    }
    mpfr_clear(m);
    print_message("vectorised cos: max |error| %.3g (|t| <= 1e5), %.3g (libm path)\n", worst[0], worst[1]);
    assert_true(worst[0] < 2.5e-16);
    assert_true(worst[1] < 2.5e-16);
    double inf_row[3] = { INFINITY, 0.5, -2.0 }, zb[3] = { 0, 0, 0 };
    ua_rf_cos_row(inf_row, zb, 2.0, 3);
    assert_true(isnan(inf_row[0]));
    assert_true(fabs(inf_row[1] - 2 * cos(0.5)) < 1e-15 && fabs(inf_row[2] - 2 * cos(-2.0)) < 1e-15);
    free(t);
    free(v);
    free(b);
}

/* A fixed-lambda fit solves the ridge system with a float32 Gram matrix and refinement in double
 * (src/rf/solve.c): its weights equal the double-precision solution, by LAPACK's dposv in this
 * test, of the normal equations of the features rounded to float32. With lambda so small that
 * float32 cannot precondition, the fit falls back to double and still equals dposv on the
 * features in double. */
static void test_mixed_precision_solve(void **state)
{
    (void)state;
    enum { N = 600, D = 3, M = 120, K = 2 };
    double *x = malloc(N * D * sizeof *x), *y = malloc(N * K * sizeof *y);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < D; j++) x[i * D + j] = sin(1.7 * (double)(i * D + j) + 0.3);
        y[i * K] = cos(2 * x[i * D]) * x[i * D + 1] + 0.1 * x[i * D + 2];
        y[i * K + 1] = 1e6 * exp(-x[i * D] * x[i * D]); /* a second output on another scale */
    }
    const double lambdas[2] = { 1e-2, 1e-5 };
    for (int c = 0; c < 2; c++) {
        ua_rf_options o;
        ua_rf_options_default(&o);
        o.dist = UA_RF_FOURIER;
        o.gamma = 0.7;
        o.features = M;
        o.lambda = lambdas[c];
        o.standardize = 0;
        ua_rf *m;
        assert_int_equal(ua_rf_fit(x, y, N, D, K, &o, &m), UA_OK);
        double *phi = malloc(N * M * sizeof *phi), dev[2][K];
        assert_int_equal(ua_rf_features(m, x, N, phi), UA_OK);
        for (int prec = 0; prec < 2; prec++) { /* 0: features in double, 1: rounded to float32 */
            double *G = calloc(M * M, sizeof *G), *r = calloc(M * K, sizeof *r);
            for (size_t i = 0; i < N; i++)
                for (size_t a = 0; a < M; a++) {
                    double pa = prec ? (double)(float)phi[i * M + a] : phi[i * M + a];
                    for (size_t bb = 0; bb < M; bb++)
                        G[a * M + bb] += pa * (prec ? (double)(float)phi[i * M + bb] : phi[i * M + bb]);
                    for (size_t t = 0; t < K; t++) r[a * K + t] += pa * y[i * K + t];
                }
            for (size_t a = 0; a < M; a++) G[a * M + a] += lambdas[c];
            assert_int_equal(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', M, K, G, M, r, K), 0);
            for (size_t t = 0; t < K; t++) {
                double dmax = 0, cmax = 0;
                for (size_t a = 0; a < M; a++) {
                    dmax = fmax(dmax, fabs(m->c[a * K + t] - r[a * K + t]));
                    cmax = fmax(cmax, fabs(r[a * K + t]));
                }
                dev[prec][t] = dmax / cmax;
            }
            free(G);
            free(r);
        }
        for (size_t t = 0; t < K; t++) {
            print_message("lambda %g, output %zu: max |c - dposv| / max |c| = %.3g (float32 features), "
                          "%.3g (double)\n", lambdas[c], t, dev[1][t], dev[0][t]);
            if (c == 0) /* refined to the double solution of the system of the stored features */
                assert_true(dev[1][t] < 1e-9 && dev[0][t] > 100 * dev[1][t]);
            else /* the fallback: the system of the double features */
                assert_true(dev[0][t] < 1e-6 && dev[1][t] > 10 * dev[0][t]);
        }
        free(phi);
        ua_rf_free(m);
    }
    free(x);
    free(y);
}

/* The LOO error is reported in the target's units: scaling y by 1000 (and shifting it) picks the
 * same lambda and scales the reported error by exactly 1000. */
static void test_select_rmse_units(void **state)
{
    (void)state;
    enum { N = 120 };
    double x[N], y[N], y2[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = -2 + 4 * (double)i / (N - 1);
        y[i] = sin(2 * x[i]) + 0.05 * cos(37 * (double)i);
        y2[i] = 1000 * y[i] + 5;
    }
    ua_rf_options o;
    ua_rf_options_default(&o);
    o.features = 60;
    for (int gcv = 0; gcv < 2; gcv++) {
        o.gcv = gcv;
        ua_rf *m1, *m2;
        assert_int_equal(ua_rf_fit(x, y, N, 1, 1, &o, &m1), UA_OK);
        assert_int_equal(ua_rf_fit(x, y2, N, 1, 1, &o, &m2), UA_OK);
        ua_rf_info a, b;
        ua_rf_get_info(m1, &a);
        ua_rf_get_info(m2, &b);
        print_message("%s: %.6g and %.6g (lambda %g, %g)\n", gcv ? "GCV" : "LOO", a.select_rmse, b.select_rmse,
                      a.lambda, b.lambda);
        assert_true(a.lambda == b.lambda);
        assert_true(a.select_rmse > 0.01 && a.select_rmse < 0.5); /* about the 0.05 noise */
        assert_true(fabs(b.select_rmse - 1000 * a.select_rmse) < 1e-6 * b.select_rmse);
        ua_rf_free(m1);
        ua_rf_free(m2);
    }
}

/* One training row is refused; data that overflow double fail with UA_EDIVERGED and a clear
 * message (never LAPACK's "dsyevd: argument 5 is invalid"), with and without standardisation. */
static void test_user_reports(void **state)
{
    (void)state;
    enum { N = 50 };
    double x[N], y[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)(i + 1) * 1e300;
        y[i] = (double)(i % 7 + 1) * 1e306;
    }
    ua_rf_options o;
    ua_rf_options_default(&o);
    o.features = 50;
    ua_rf *m = NULL;
    double xs[2] = { 0.5, 1 }, ys[2] = { 1, 2 };
    assert_int_equal(ua_rf_fit(xs, ys, 1, 1, 1, &o, &m), UA_EINVAL);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "at least 2 training rows"));
    assert_int_equal(ua_rf_fit(xs, ys, 2, 1, 1, &o, &m), UA_OK);
    ua_rf_free(m);
    assert_int_equal(ua_rf_fit(x, y, N, 1, 1, &o, &m), UA_EDIVERGED);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "the ridge solve is not finite: the data overflow double"));
    /* Inputs of 1e8 .. 1e16 without standardisation: H^T H ~ 1e20 .. 1e36, every lambda of the
     * grid is zero next to it, and whether the selection sees a usable fit or rounding noise
     * depends on the last bits of the data. Either way no meaningless model comes back: it is
     * refused ("dominated by rounding"), or its selection error is at most 10x that of predicting
     * zero (a user had 3.4 against 0.27 and, at 1e150, 4.6e287, with exit 0). */
    {
        double xb[3 * N], yb[N], rms = 0;
        int refused = 0;
        for (int e = 8; e <= 16; e += 2)
            for (int gcv = 0; gcv < 2; gcv++) {
                for (size_t i = 0; i < N; i++) {
                    for (size_t j = 0; j < 3; j++)
                        xb[i * 3 + j] = (0.5 + 0.5 * fabs(sin(1.3 * (double)(i * 3 + j)))) * pow(10, e);
                    yb[i] = sin(3 * xb[i * 3] / pow(10, e));
                }
                rms = 0;
                for (size_t i = 0; i < N; i++) rms += yb[i] * yb[i];
                rms = sqrt(rms / N);
                ua_rf_options ob = o;
                ob.standardize = 0;
                ob.gcv = gcv;
                ua_status stb = ua_rf_fit(xb, yb, N, 3, 1, &ob, &m);
                if (stb) {
                    assert_int_equal(stb, UA_EDOMAIN);
                    assert_null(m);
                    assert_non_null(strstr(ua_last_error(), "dominated by rounding"));
                    refused++;
                    continue;
                }
                ua_rf_info in;
                ua_rf_get_info(m, &in);
                if (!(in.select_rmse <= 10 * rms))
                    fail_msg("1e%d inputs: selection error %g, predicting zero %g", e, in.select_rmse, rms);
                ua_rf_free(m);
            }
        print_message("unstandardised inputs of 1e8 .. 1e16: %d of 10 fits refused\n", refused);
    }
    o.standardize = 0;
    for (int fixed = 0; fixed < 2; fixed++) {
        o.lambda = fixed ? 1.0 : 0;
        assert_int_equal(ua_rf_fit(x, y, N, 1, 1, &o, &m), UA_EDIVERGED);
        assert_null(m);
        assert_null(strstr(ua_last_error(), "dsyevd"));
        assert_non_null(strstr(ua_last_error(), "overflow double"));
    }
}

/* The memory guard (uniapprox/rf.h, ua_rf_fit): a fit whose large arrays exceed max_memory is
 * refused with UA_EINVAL before anything is allocated or drawn, and the message names the sizes
 * and the options to reduce. The documented estimate, by hand for n = 100, d = k = 1, m = 50:
 * grid 16 n m + 24 m^2 + 8 n (d + k) = 80000 + 60000 + 1600 = 141600 bytes; fixed lambda
 * 8 n m + 8 m^2 + 1600 = 61600 bytes. At the bound the fit runs; one byte below it is refused. */
static void test_memory_guard(void **state)
{
    (void)state;
    enum { N = 100 };
    double x[N], y[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = -1.0 + 2.0 * (double)i / (N - 1);
        y[i] = sin(3 * x[i]);
    }
    ua_rf_options o;
    ua_rf_options_default(&o);
    o.features = 50;
    ua_rf *m = NULL;
    const double cases[2][2] = {{0, 141600}, {1e-3, 61600}}; /* lambda (0: grid), bytes */
    for (int c = 0; c < 2; c++) {
        o.lambda = cases[c][0];
        o.max_memory = cases[c][1];
        if (ua_rf_fit(x, y, N, 1, 1, &o, &m)) fail_msg("at the bound: %s", ua_last_error());
        ua_rf_free(m);
        m = NULL;
        o.max_memory = cases[c][1] - 1;
        assert_int_equal(ua_rf_fit(x, y, N, 1, 1, &o, &m), UA_EINVAL);
        assert_null(m);
        assert_non_null(strstr(ua_last_error(), "100 training rows x 50 features"));
        /* the user's rows: --samples does nothing there, so it is not suggested; --out-of-core
         * (three 50 x 50 matrices, 60,000 bytes) only where it would fit */
        assert_non_null(strstr(ua_last_error(), c == 0 ? "reduce --features, or fit with --out-of-core"
                                                       : "reduce --features (--out-of-core would not help"));
        assert_null(strstr(ua_last_error(), "--samples"));
    }
    o.max_memory = -1;
    assert_int_equal(ua_rf_fit(x, y, N, 1, 1, &o, &m), UA_EINVAL);

    /* the user's report: 10^7 samples x 10^6 features (80 TB of features alone) through ua_fit is
     * refused before the 10^7 points are drawn; --max-memory 1e12 makes the limit the machine's
     * own no matter how much memory the test runs with */
    ua_target *t = NULL;
    ua_problem *p = NULL;
    ua_options *op = NULL;
    ua_model *mm = NULL;
    const char *vars[] = {"x"};
    double lo = -1, hi = 1;
    assert_int_equal(ua_target_parse("sin(x)", vars, 1, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, &lo, &hi, &p), UA_OK);
    assert_int_equal(ua_family_options("rf", &op), UA_OK);
    assert_int_equal(ua_options_set(op, "samples", "10000000"), UA_OK);
    assert_int_equal(ua_options_set(op, "features", "1000000"), UA_OK);
    assert_int_equal(ua_options_set(op, "max-memory", "1e12"), UA_OK);
    assert_int_equal(ua_fit(p, "rf", op, NULL, &mm), UA_EINVAL);
    assert_null(mm);
    print_message("%s\n", ua_last_error());
    assert_non_null(strstr(ua_last_error(), "10000000 training rows x 1000000 features"));
    assert_non_null(strstr(ua_last_error(), "--max-memory"));
    assert_non_null(strstr(ua_last_error(), "reduce --features or --samples"));
    /* the option reaches the fit: a default-sized fit under 1 MB is refused too */
    assert_int_equal(ua_options_set(op, "samples", "10000"), UA_OK);
    assert_int_equal(ua_options_set(op, "features", "500"), UA_OK);
    assert_int_equal(ua_options_set(op, "max-memory", "1e6"), UA_OK);
    assert_int_equal(ua_fit(p, "rf", op, NULL, &mm), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "10000 training rows x 500 features"));
    assert_int_equal(ua_options_set(op, "max-memory", "0"), UA_EINVAL); /* must be > 0 */
    ua_options_free(op);
    ua_problem_free(p);
    ua_target_free(t);
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
    for (size_t i = 0; i < npts; i++) worst = fmax(worst, fabs(y[i] - ua_target_eval_ref(t, x + i * d, 128)));
    free(x);
    free(y);
    return worst;
}

/* ua_fit of rf with option pairs opts (name, value, ..., NULL) on spec over the box. */
static ua_model *fit_formula(const char *spec, const char *const *vars, size_t d, const double *lo,
                             const double *hi, const char *const *opts, ua_target **tout)
{
    ua_target *t = NULL;
    ua_problem *p = NULL;
    ua_options *o = NULL;
    ua_model *m = NULL;
    assert_int_equal(ua_target_parse(spec, vars, d, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    assert_int_equal(ua_family_options("rf", &o), UA_OK);
    for (size_t i = 0; opts && opts[i]; i += 2) assert_int_equal(ua_options_set(o, opts[i], opts[i + 1]), UA_OK);
    if (ua_fit(p, "rf", o, NULL, &m)) fail_msg("ua_fit(rf, %s): %s", spec, ua_last_error());
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

/* The defaults (500 gaussian relu features, lambda by LOO, 10000 Sobol points) on two smooth
 * targets, and random Fourier features on the 3-D one: the max error against MPFR at 400
 * independent uniform points (bounds: RF_BOUND_*). */
static void test_vtable_formula(void **state)
{
    (void)state;
    static const char *const v2[] = {"x", "y"}, *const v3[] = {"x", "y", "z"};
    const double lo2[] = {-1, -1}, hi2[] = {1, 1}, lo3[] = {0, 0, 0}, hi3[] = {1, 1, 1};
    ua_target *t;
    ua_model *m = fit_formula("exp(-x^2-y^2)", v2, 2, lo2, hi2, NULL, &t);
    double e2 = max_error_mpfr(m, t, 2, lo2, hi2, 400, 77);
    print_message("rf (defaults) exp(-x^2-y^2) on [-1,1]^2: max error %.3g, lambda %s, select_rmse %s, "
                  "train_rmse %s\n", e2, ua_model_meta(m, "lambda"), ua_model_meta(m, "select_rmse"),
                  ua_model_meta(m, "train_rmse"));
    assert_string_equal(ua_model_meta(m, "samples"), "10000");
    assert_non_null(ua_model_meta(m, "select_rmse"));
    ASSERT_LE(meta_number(m, "train_rmse"), e2);
    ua_model_free(m);
    ua_target_free(t);

    m = fit_formula("cos(x*y*z)", v3, 3, lo3, hi3, NULL, &t);
    double e3 = max_error_mpfr(m, t, 3, lo3, hi3, 400, 78);
    print_message("rf (defaults) cos(x*y*z) on [0,1]^3: max error %.3g, lambda %s\n", e3,
                  ua_model_meta(m, "lambda"));
    ua_model_free(m);
    ua_target_free(t);
    static const char *const fourier[] = {"dist", "fourier", "gamma", "0.5", NULL};
    ua_model *mf = fit_formula("cos(x*y*z)", v3, 3, lo3, hi3, fourier, &t);
    double ef = max_error_mpfr(mf, t, 3, lo3, hi3, 400, 78);
    print_message("rf fourier gamma 0.5 cos(x*y*z) on [0,1]^3: max error %.3g, lambda %s\n", ef,
                  ua_model_meta(mf, "lambda"));
    assert_string_equal(ua_model_meta(mf, "gamma"), "0.5");
    ua_model_free(mf);
    ua_target_free(t);
    ASSERT_LE(e2, RF_BOUND_2D);
    ASSERT_LE(e3, RF_BOUND_3D);
    ASSERT_LE(ef, RF_BOUND_FOURIER);
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

/* A SAMPLES problem with a test set: "train_rmse" / "test_rmse" equal the RMSE recomputed from
 * the model's predictions, "select_rmse" is recorded; --samples with a table is refused. */
static void test_vtable_samples(void **state)
{
    (void)state;
    enum { N = 600, NT = 200, D = 2, K = 2 };
    double *x = malloc(N * D * sizeof *x), *y = malloc(N * K * sizeof *y);
    double *xt = malloc(NT * D * sizeof *xt), *yt = malloc(NT * K * sizeof *yt);
    ua_rng r;
    ua_rng_seed(&r, 31);
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
    assert_int_equal(ua_family_options("rf", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "features", "200"), UA_OK);
    if (ua_fit(p, "rf", o, NULL, &m)) fail_msg("%s", ua_last_error());
    double tr = rmse_of(m, x, y, N, K), te = rmse_of(m, xt, yt, NT, K);
    print_message("rf on samples: train_rmse %s (recomputed %.17g), test_rmse %s (recomputed %.17g), "
                  "select_rmse %s\n", ua_model_meta(m, "train_rmse"), tr, ua_model_meta(m, "test_rmse"),
                  te, ua_model_meta(m, "select_rmse"));
    ASSERT_LE(fabs(meta_number(m, "train_rmse") - tr), 1e-12 * tr);
    ASSERT_LE(fabs(meta_number(m, "test_rmse") - te), 1e-12 * te);
    /* the noise has RMSE sqrt((9 + 1e-4) / 2) = 2.1: the test error is near it, not far above */
    ASSERT_LE(te, 3.0);
    ASSERT_LE(2.0, te);
    assert_true(meta_number(m, "select_rmse") > 1.5);
    assert_null(ua_model_meta(m, "samples"));
    ua_model_free(m);
    assert_int_equal(ua_options_set(o, "samples", "100"), UA_OK);
    assert_int_equal(ua_fit(p, "rf", o, NULL, &m), UA_EINVAL);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "--samples is for formula and function problems"));
    ua_options_free(o);
    ua_problem_free(p);
    free(x);
    free(y);
    free(xt);
    free(yt);
}

/* Option values: the table's checks (one message style) and the checks between options in fit,
 * with the command line's messages (tests/cli_rf_options.sh checks them there). */
static void test_vtable_options(void **state)
{
    (void)state;
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("rf", &o), UA_OK);
    static const struct { const char *name, *value, *msg; } bad[] = {
        {"features", "0", "--features '0': expected an integer in [1, 1000000]"},
        {"features", "1000001", "--features '1000001': expected an integer in [1, 1000000]"},
        {"dist", "normal", "--dist 'normal': expected one of gaussian uniform fourier"},
        {"act", "gelu", "--act 'gelu': expected one of relu tanh sigmoid cos"},
        {"scale", "0", "--scale '0': expected a number in (0, inf)"},
        {"bandwidth", "-2", "--bandwidth '-2': expected a number in (0, inf)"},
        {"gamma", "nan", "--gamma 'nan': expected a number"},
        {"alpha", "0", "--alpha '0': expected a number in (0, inf)"},
        {"select", "kfold", "--select 'kfold': expected one of loo gcv"},
        {"samples", "10000001", "--samples '10000001': expected an integer in [2, 10000000]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ua_options_set(o, bad[i].name, bad[i].value), UA_EINVAL);
        if (!strstr(ua_last_error(), bad[i].msg))
            fail_msg("--%s %s: '%s' does not say '%s'", bad[i].name, bad[i].value, ua_last_error(),
                     bad[i].msg);
    }
    size_t n;
    const ua_option_spec *spec = ua_options_spec(o, &n);
    assert_int_equal(n, UA_RF_NOPTIONS);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(spec[i].help);
        assert_null(strchr(spec[i].help, '\n'));
        if (spec[i].def) assert_int_equal(ua_options_set(o, spec[i].name, spec[i].def), UA_OK);
    }
    ua_options_free(o);

    static const char *const v2[] = {"x", "y"};
    const double lo[] = {-1, -1}, hi[] = {1, 1};
    ua_target *t = NULL;
    ua_problem *p = NULL;
    ua_model *m = NULL;
    assert_int_equal(ua_target_parse("x*y", v2, 2, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    static const char *const cases[][5] = {
        {"lambda", "0.1", "alpha", "0.1", "--lambda and --alpha are the same option; give one"},
        {"dist", "fourier", "act", "tanh", "--act tanh is not used with --dist fourier (random "
                                           "Fourier features are cos features)"},
        {"dist", "uniform", "gamma", "0.5", "--gamma is not used with --dist uniform (gamma is the "
                                            "rbf kernel's parameter of --dist fourier"},
        /* the default --dist (gaussian) has no gamma either: refused, not ignored */
        {"gamma", "0.5", "features", "20", "--gamma is not used with --dist gaussian, the default"},
        {"lambda", "0.01", "select", "gcv", "--lambda is not used with --select gcv (--select "
                                            "chooses lambda; a fixed lambda is not selected): "
                                            "give one of them"},
        {"alpha", "0.01", "select", "loo", "--alpha is not used with --select loo"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(ua_family_options("rf", &o), UA_OK);
        assert_int_equal(ua_options_set(o, cases[i][0], cases[i][1]), UA_OK);
        assert_int_equal(ua_options_set(o, cases[i][2], cases[i][3]), UA_OK);
        assert_int_equal(ua_fit(p, "rf", o, NULL, &m), UA_EINVAL);
        assert_null(m);
        if (!strstr(ua_last_error(), cases[i][4]))
            fail_msg("'%s' does not say '%s'", ua_last_error(), cases[i][4]);
        ua_options_free(o);
    }
    /* each alone fits: --gamma with --dist fourier, --act cos with fourier, --lambda alone (its
     * value is the model's) */
    static const char *const ok[][4] = {
        {"gamma", "0.5", "dist", "fourier"},
        {"dist", "fourier", "act", "cos"},
        {"lambda", "0.01", "features", "20"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(ua_family_options("rf", &o), UA_OK);
        assert_int_equal(ua_options_set(o, ok[i][0], ok[i][1]), UA_OK);
        assert_int_equal(ua_options_set(o, ok[i][2], ok[i][3]), UA_OK);
        assert_int_equal(ua_options_set(o, "samples", "200"), UA_OK);
        if (ua_fit(p, "rf", o, NULL, &m)) fail_msg("%s %s: %s", ok[i][0], ok[i][2], ua_last_error());
        if (i == 2) assert_string_equal(ua_model_meta(m, "lambda"), "0.01");
        ua_model_free(m);
        ua_options_free(o);
    }
    ua_problem_free(p);
    ua_target_free(t);
}

/* rf on a FUNCTION problem of 4 variables, 1500 drawn points: the function is called for them,
 * and the max error at 300 independent points of [-1,1]^4 is below RF_BOUND_FN. */
static void test_vtable_function(void **state)
{
    (void)state;
    ASSERT_LE(tu_learner_gauss4_error("rf"), RF_BOUND_FN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fourier_gamma),
        cmocka_unit_test(test_cos_accuracy),
        cmocka_unit_test(test_mixed_precision_solve),
        cmocka_unit_test(test_ridge_loo),
        cmocka_unit_test(test_select_rmse_units),
        cmocka_unit_test(test_fit_accuracy),
        cmocka_unit_test(test_bandwidth_floor),
        cmocka_unit_test(test_save_load_export),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_user_reports),
        cmocka_unit_test(test_memory_guard),
        cmocka_unit_test(test_vtable_formula),
        cmocka_unit_test(test_vtable_function),
        cmocka_unit_test(test_vtable_samples),
        cmocka_unit_test(test_vtable_options),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
