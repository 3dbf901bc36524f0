/*
 * Influence (ua_model_influence, uniapprox/explain.h) against actual retraining without each row:
 *   - kernel ridge (exact fit) and the ridge on random features: the closed-form leave-one-out
 *     must equal f(x) - f_{-i}(x) of a refit with the same hyperparameters to 1e-8;
 *   - mlp: the damped Gauss-Newton influence against retraining without each row, warm-started
 *     from the fitted weights and run to convergence (Levenberg-Marquardt): Spearman rank
 *     correlation and the overlap of the top 5 rows, printed and asserted above stated floors
 *     (also for EK-FAC and the diagonal approximation); with more parameters than rows, the
 *     n x n (push-through) solve against the P x P one assembled here;
 *   - EK-FAC: equal to the exact inverse for a network without hidden layers (an identity), equal
 *     to a PyTorch computation on a 3-5-4-1 network (tests/gen/ekfac_ref.py), and its correlation
 *     with the exact inverse on a 2-32-32-1 network, against the diagonal's.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "uniapprox.h"
#include "uniapprox/explain.h"
#include <lapacke.h>
#include "mlp/influence.h"
#include "test_util.h"
#include "ref/ekfac_ref.h"

enum { N = 40, D = 2 };
#define DIAG_RHO_FLOOR 0.6 /* measured 0.757 */
#define EKFAC_RHO_FLOOR 0.65 /* measured 0.765 (against retraining, 2-6-1) */
#define EKFAC_LARGE_FLOOR 0.65 /* measured Pearson 0.741 (against the exact inverse, 2-32-32-1) */

static void make_data(double *X, double *y, size_t n, unsigned seed)
{
    unsigned s = seed;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < D; j++) {
            s = s * 1103515245u + 12345u;
            X[i * D + j] = ((s >> 8) & 0xffff) / 65536.0 * 2 - 1;
        }
        s = s * 1103515245u + 12345u;
        double noise = (((s >> 8) & 0xffff) / 65536.0 - 0.5) * 0.2;
        y[i] = sin(2 * X[i * D]) + X[i * D + 1] * X[i * D + 1] + noise;
    }
    y[7] += 1.5; /* one outlier with a large influence */
}

/* X, y without row i into Xo, yo */
static void drop_row(const double *X, const double *y, size_t n, size_t i, double *Xo, double *yo)
{
    for (size_t r = 0, k = 0; r < n; r++) {
        if (r == i) continue;
        memcpy(Xo + k * D, X + r * D, D * sizeof *X);
        yo[k++] = y[r];
    }
}

static ua_model *wrap(const char *fam, void *state)
{
    ua_model *m;
    assert_int_equal(ua_model_wrap(fam, state, NULL, -INFINITY, INFINITY, &m), UA_OK);
    return m;
}

static void test_kernel_exact(void **s)
{
    (void)s;
    double X[N * D], y[N], Xo[N * D], yo[N], x[D] = {0.3, -0.2}, infl[N];
    make_data(X, y, N, 1);
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.kernel.type = UA_KERNEL_RBF;
    o.kernel.gamma = 1.5;
    o.lambda = 1e-2;
    o.select = UA_SELECT_NONE;
    o.standardize = 0;
    ua_kernel *km;
    assert_int_equal(ua_kernel_fit(X, y, N, D, 1, &o, &km), UA_OK);
    ua_model *m = wrap("kernel", km);
    int exact = 0;
    assert_int_equal(ua_model_influence(m, X, y, N, x, infl, &exact), UA_OK);
    assert_true(exact);
    double fx, worst = 0;
    assert_int_equal(ua_model_predict(m, x, 1, &fx), UA_OK);
    for (size_t i = 0; i < N; i++) {
        drop_row(X, y, N, i, Xo, yo);
        ua_kernel *ki;
        double fi;
        assert_int_equal(ua_kernel_fit(Xo, yo, N - 1, D, 1, &o, &ki), UA_OK);
        assert_int_equal(ua_kernel_predict(ki, x, 1, &fi), UA_OK);
        ua_kernel_free(ki);
        worst = fmax(worst, fabs((fx - fi) - infl[i]));
    }
    print_message("kernel: closed-form LOO influence vs refits, max |diff| %.3g\n", worst);
    assert_true(worst < 1e-8);
    /* rows that are not the training rows, or another count: refused */
    X[3] += 0.5;
    assert_int_equal(ua_model_influence(m, X, y, N, x, infl, NULL), UA_EINVAL);
    X[3] -= 0.5;
    assert_int_equal(ua_model_influence(m, X, y, N - 1, x, infl, NULL), UA_EINVAL);
    ua_model_free(m);
}

static void test_rf_exact(void **s)
{
    (void)s;
    double X[N * D], y[N], Xo[N * D], yo[N], x[D] = {-0.4, 0.6}, infl[N];
    make_data(X, y, N, 2);
    ua_rf_options o;
    ua_rf_options_default(&o);
    o.features = 30;
    /* a grid of one lambda: the double-precision solve (a fixed lambda goes through a float32
     * Gram matrix refined in double, whose own solution differs from the exact one by ~1e-8) */
    static const double grid[1] = {1e-3};
    o.lambda_grid = grid;
    o.n_lambda = 1;
    o.standardize = 0;
    o.seed = 3;
    ua_rf *rf;
    assert_int_equal(ua_rf_fit(X, y, N, D, 1, &o, &rf), UA_OK);
    ua_model *m = wrap("rf", rf);
    int exact = 0;
    assert_int_equal(ua_model_influence(m, X, y, N, x, infl, &exact), UA_OK);
    assert_true(exact);
    double fx, worst = 0;
    assert_int_equal(ua_model_predict(m, x, 1, &fx), UA_OK);
    for (size_t i = 0; i < N; i++) {
        drop_row(X, y, N, i, Xo, yo);
        ua_rf *ri;
        double fi;
        assert_int_equal(ua_rf_fit(Xo, yo, N - 1, D, 1, &o, &ri), UA_OK);
        assert_int_equal(ua_rf_predict(ri, x, 1, &fi), UA_OK);
        ua_rf_free(ri);
        worst = fmax(worst, fabs((fx - fi) - infl[i]));
    }
    print_message("rf: closed-form LOO influence vs refits, max |diff| %.3g\n", worst);
    assert_true(worst < 1e-8);
    /* other targets than the fit's: the normal equations do not hold */
    y[5] += 1;
    assert_int_equal(ua_model_influence(m, X, y, N, x, infl, NULL), UA_EINVAL);
    ua_model_free(m);
}

/* Spearman's rank correlation of a and b (n,), no ties expected */
static double spearman(const double *a, const double *b, size_t n)
{
    double ra[N], rb[N];
    for (size_t i = 0; i < n; i++) {
        ra[i] = rb[i] = 0;
        for (size_t j = 0; j < n; j++) {
            ra[i] += a[j] < a[i];
            rb[i] += b[j] < b[i];
        }
    }
    double mean = (n - 1) / 2.0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        sab += (ra[i] - mean) * (rb[i] - mean);
        saa += (ra[i] - mean) * (ra[i] - mean);
        sbb += (rb[i] - mean) * (rb[i] - mean);
    }
    return sab / sqrt(saa * sbb);
}

/* the indices of the k largest |v| into top */
static void top_k(const double *v, size_t n, size_t k, size_t *top)
{
    int used[N] = {0};
    for (size_t t = 0; t < k; t++) {
        size_t best = 0;
        double bv = -1;
        for (size_t i = 0; i < n; i++)
            if (!used[i] && fabs(v[i]) > bv) bv = fabs(v[i]), best = i;
        used[best] = 1;
        top[t] = best;
    }
}

/* J (P,) := d output / d params at row x (D,), *f the output (raw units: standardize is off) */
static void row_jacobian(const ua_mlp *m, const double *x, double *J, double *f)
{
    double loss, t;
    assert_int_equal(ua_mlp_loss_grad(m, x, &(double){0}, 1, 1, &loss, NULL, f), UA_OK);
    t = *f - 0.5; /* d/dp (f - t)^2 = 2 (f - t) J = J */
    assert_int_equal(ua_mlp_loss_grad(m, x, &t, 1, 1, &loss, J, NULL), UA_OK);
}

/* Retraining to convergence by Levenberg-Marquardt on sum (y_i - f_i)^2 + c |theta|^2 over the
 * rows X, y (n,) (Adam's objective, the mean squared error plus weight decay wd |theta|^2 / 2,
 * times n: c = n wd / 2), from the network's current weights: the minimiser nearest to them, which is the
 * retraining an influence function predicts (a refit from a fresh start lands in another
 * minimum: that difference is not the row's). Returns the final gradient norm. */
static double lm_fit(ua_mlp *m, const double *X, const double *y, size_t n, double wd)
{
    size_t P = ua_mlp_nparams(m);
    double *J = malloc(n * P * sizeof *J), *r = malloc(n * sizeof *r), *p = malloc(2 * P * sizeof *p);
    double *A = malloc(P * P * sizeof *A), *g = malloc(P * sizeof *g), lam = 1e-3, gn = INFINITY;
    assert_true(J && r && p && A && g);
    double c = (double)n * wd / 2;
    for (int it = 0; it < 200; it++) {
        double loss = 0, f;
        ua_mlp_get_params(m, p);
        for (size_t a = 0; a < P; a++) loss += c * p[a] * p[a];
        for (size_t i = 0; i < n; i++) {
            row_jacobian(m, X + i * D, J + i * P, &f);
            r[i] = y[i] - f;
            loss += r[i] * r[i];
        }
        gn = 0;
        for (size_t a = 0; a < P; a++) {
            g[a] = 0;
            for (size_t i = 0; i < n; i++) g[a] += J[i * P + a] * r[i];
            g[a] -= c * p[a];
            gn += g[a] * g[a];
        }
        gn = sqrt(gn);
        if (gn < 1e-11) break;
        for (;;) {
            for (size_t a = 0; a < P; a++)
                for (size_t b = 0; b < P; b++) {
                    double v = 0;
                    for (size_t i = 0; i < n; i++) v += J[i * P + a] * J[i * P + b];
                    A[a * P + b] = v + (a == b ? c + lam * (1 + v) : 0);
                }
            memcpy(p + P, g, P * sizeof *g);
            assert_int_equal(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (int)P, 1, A, (int)P, p + P, 1), 0);
            for (size_t a = 0; a < P; a++) p[P + a] += p[a];
            assert_int_equal(ua_mlp_set_params(m, p + P), UA_OK);
            double l2 = 0;
            for (size_t a = 0; a < P; a++) l2 += c * p[P + a] * p[P + a];
            for (size_t i = 0; i < n; i++) {
                double fi;
                assert_int_equal(ua_mlp_predict(m, X + i * D, 1, &fi), UA_OK);
                l2 += (y[i] - fi) * (y[i] - fi);
            }
            if (l2 <= loss) { lam = fmax(lam / 3, 1e-12); break; }
            lam *= 4;
            assert_int_equal(ua_mlp_set_params(m, p), UA_OK);
            if (lam > 1e12) break;
        }
        if (lam > 1e12) break;
    }
    free(J); free(r); free(p); free(A); free(g);
    return gn;
}

static void test_mlp_vs_retraining(void **s)
{
    (void)s;
    double X[N * D], y[N], Xo[N * D], yo[N], x[D] = {0.1, 0.5}, infl[N], actual[N];
    make_data(X, y, N, 3);
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 1;
    o.hidden[0] = 6;
    o.act = UA_ACT_TANH;
    o.dtype = UA_MLP_F64;
    o.optim = UA_OPTIM_LBFGS;
    o.epochs = 300;
    o.val_frac = 0;
    o.standardize = 0;
    o.threads = 1;
    o.seed = 11;
    ua_mlp *net;
    assert_int_equal(ua_mlp_fit(X, y, N, D, 1, &o, &net), UA_OK);
    /* the model the influence reads: the same weights, fitted as by Adam with weight decay
     * (the decay makes the minimum isolated: a tanh network's plain loss has flat valleys) */
    const double wd = 1e-2;
    o.optim = UA_OPTIM_ADAM;
    o.weight_decay = wd;
    {
        size_t P0 = ua_mlp_nparams(net);
        double *q = malloc(P0 * sizeof *q);
        ua_mlp_get_params(net, q);
        ua_mlp_free(net);
        assert_int_equal(ua_mlp_alloc(D, 1, &o, &net), UA_OK);
        assert_int_equal(ua_mlp_set_params(net, q), UA_OK);
        free(q);
    }
    double gn = lm_fit(net, X, y, N, wd); /* to the minimum itself */
    size_t P = ua_mlp_nparams(net);
    double *p0 = malloc(P * sizeof *p0);
    ua_mlp_get_params(net, p0);
    ua_model *m = wrap("mlp", net);
    int exact = 1;
    assert_int_equal(ua_model_influence(m, X, y, N, x, infl, &exact), UA_OK);
    assert_false(exact);
    double fx;
    assert_int_equal(ua_model_predict(m, x, 1, &fx), UA_OK);
    for (size_t i = 0; i < N; i++) {
        drop_row(X, y, N, i, Xo, yo);
        ua_mlp *ni;
        double fi;
        assert_int_equal(ua_mlp_alloc(D, 1, &o, &ni), UA_OK);
        assert_int_equal(ua_mlp_set_params(ni, p0), UA_OK);
        lm_fit(ni, Xo, yo, N - 1, wd);
        assert_int_equal(ua_mlp_predict(ni, x, 1, &fi), UA_OK);
        ua_mlp_free(ni);
        actual[i] = fx - fi;
    }
    double rho = spearman(infl, actual, N), num = 0, den = 0, sxy = 0, sxx = 0;
    for (size_t i = 0; i < N; i++) {
        sxy += infl[i] * actual[i];
        sxx += infl[i] * infl[i];
        num += (infl[i] - actual[i]) * (infl[i] - actual[i]);
        den += actual[i] * actual[i];
    }
    size_t ta[5], tb[5], overlap = 0;
    top_k(infl, N, 5, ta);
    top_k(actual, N, 5, tb);
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++) overlap += ta[a] == tb[b];
    print_message("mlp 2-6-1 tanh, 40 rows (gradient norm at the fit %.2g): Gauss-Newton influence "
                  "vs warm-started retraining without each row: Spearman %.3f, top-5 overlap %zu "
                  "of 5, relative L2 %.3f, least-squares slope of retraining on influence %.3f\n", gn, rho,
                  overlap, sqrt(num / den), sxy / sxx);
    assert_true(rho > 0.9);
    assert_true(overlap >= 3);
    /* EK-FAC (used beyond min(n, P) = 5000: the switch forced with exact_max 0) on the same model */
    double ek[N], diag[N];
    assert_int_equal(ua_mlp_influence_limit(ua_model_state(m), X, y, N, D, x, ek, &exact, 0), UA_OK);
    double rho_e = spearman(ek, actual, N), rho_ee = spearman(ek, infl, N);
    size_t te[5], overlap_e = 0;
    top_k(ek, N, 5, te);
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++) overlap_e += te[a] == tb[b];
    print_message("  EK-FAC: Spearman %.3f against retraining (top-5 overlap %zu of 5), %.3f against "
                  "the exact inverse\n", rho_e, overlap_e, rho_ee);
    assert_true(rho_e > EKFAC_RHO_FLOOR);
    /* the diagonal Gauss-Newton approximation (a method of its own) on the same model */
    assert_int_equal(ua_mlp_influence_run(ua_model_state(m), X, y, N, D, x, UA_MLP_INFL_DIAG, 0,
                                          diag, &exact, NULL), UA_OK);
    double rho_d = spearman(diag, actual, N);
    size_t td[5], overlap_d = 0;
    top_k(diag, N, 5, td);
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++) overlap_d += td[a] == tb[b];
    print_message("  the diagonal approximation: Spearman %.3f, top-5 overlap %zu of 5\n", rho_d,
                  overlap_d);
    assert_true(rho_d > DIAG_RHO_FLOOR);
    free(p0);
    ua_model_free(m);
}

/* more parameters than rows (2-16-1, P = 65 > n = 40): the hook solves through the n x n matrix
 * J J^T + mu I (the push-through identity); the same first-order influence from the P x P matrix
 * J^T J + mu I, assembled here from the network's per-row gradients, must agree */
static void test_mlp_push_through(void **s)
{
    (void)s;
    double X[N * D], y[N], x[D] = {-0.3, 0.4}, infl[N];
    make_data(X, y, N, 4);
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 1;
    o.hidden[0] = 16;
    o.act = UA_ACT_TANH;
    o.dtype = UA_MLP_F64;
    o.optim = UA_OPTIM_LBFGS;
    o.epochs = 100;
    o.val_frac = 0;
    o.standardize = 0;
    o.threads = 1;
    ua_mlp *net;
    assert_int_equal(ua_mlp_fit(X, y, N, D, 1, &o, &net), UA_OK);
    size_t P = ua_mlp_nparams(net);
    assert_true(P > N);
    ua_model *m = wrap("mlp", net);
    assert_int_equal(ua_model_influence(m, X, y, N, x, infl, NULL), UA_OK);
    double *J = malloc((N + 1) * P * sizeof *J), *G = malloc(P * P * sizeof *G), r[N], f, tr = 0;
    assert_true(J && G);
    for (size_t i = 0; i < N; i++) {
        row_jacobian(net, X + i * D, J + i * P, &f);
        r[i] = y[i] - f;
        for (size_t a = 0; a < P; a++) tr += J[i * P + a] * J[i * P + a];
    }
    double *u = J + N * P;
    row_jacobian(net, x, u, &f);
    double mu = 0.1 * tr / (double)P;
    for (size_t a = 0; a < P; a++)
        for (size_t b = 0; b < P; b++) {
            double v = a == b ? mu : 0;
            for (size_t i = 0; i < N; i++) v += J[i * P + a] * J[i * P + b];
            G[a * P + b] = v;
        }
    assert_int_equal(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (int)P, 1, G, (int)P, u, 1), 0);
    double worst = 0, scale = 0;
    for (size_t i = 0; i < N; i++) {
        double want = 0;
        for (size_t a = 0; a < P; a++) want += J[i * P + a] * u[a];
        want *= r[i];
        worst = fmax(worst, fabs(want - infl[i]));
        scale = fmax(scale, fabs(want));
    }
    print_message("mlp P = %zu > n = %d: push-through vs the P x P solve, max |diff| %.3g of %.3g\n",
                  P, N, worst, scale);
    assert_true(worst <= 1e-9 * scale);
    free(J);
    free(G);
    ua_model_free(m);
}

static void test_unsupported(void **s)
{
    (void)s;
    ua_target *t;
    ua_problem *p;
    double lo = 0, hi = 1, X[3] = {0.1, 0.2, 0.3}, y[3] = {1, 2, 3}, x = 0.5, infl[3];
    assert_int_equal(ua_target_parse("exp(x)", NULL, 0, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, &lo, &hi, &p), UA_OK);
    ua_model *m;
    assert_int_equal(ua_fit(p, "cheb", NULL, NULL, &m), UA_OK);
    assert_int_equal(ua_model_influence(m, X, y, 3, &x, infl, NULL), UA_EUNSUPPORTED);
    y[1] = NAN;
    assert_int_equal(ua_model_influence(m, X, y, 3, &x, infl, NULL), UA_EINVAL);
    assert_int_equal(ua_model_influence(m, X, y, 0, &x, infl, NULL), UA_EINVAL);
    ua_model_free(m);
    ua_problem_free(p);
    ua_target_free(t);
}

/* A network without hidden layers and one output: every row's output gradient at the layer is 1,
 * so K-FAC's input factor sum_i [x_i; 1][x_i; 1]^T is the Gauss-Newton matrix itself and EK-FAC's
 * corrected eigenvalues are its spectrum: EK-FAC must equal the exact inverse to rounding. With
 * fewer rows than parameters (8 rows, 12 inputs, P = 13) both are the first-order term (EK-FAC
 * always is; the exact inverse adds the leverage factor only where P <= n), the exact one through
 * the n x n push-through solve. */
static void test_mlp_ekfac_linear_identity(void **s)
{
    (void)s;
    enum { NW = 8, DW = 12 };
    double X[NW * DW], y[NW], x[DW], p[DW + 1], gn[NW], ek[NW];
    unsigned r = 99;
#define UNIT() (r = r * 1103515245u + 12345u, ((r >> 8) & 0xffff) / 65536.0 * 2 - 1)
    for (size_t i = 0; i < NW * DW; i++) X[i] = UNIT();
    for (size_t i = 0; i < NW; i++) y[i] = UNIT();
    for (size_t j = 0; j < DW; j++) x[j] = UNIT();
    for (size_t j = 0; j <= DW; j++) p[j] = 0.5 * UNIT();
#undef UNIT
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 0;
    o.dtype = UA_MLP_F64;
    o.optim = UA_OPTIM_ADAM;
    o.weight_decay = 0.1;
    o.standardize = 0;
    o.threads = 1;
    ua_mlp *net;
    assert_int_equal(ua_mlp_alloc(DW, 1, &o, &net), UA_OK);
    assert_int_equal(ua_mlp_nparams(net), DW + 1);
    assert_int_equal(ua_mlp_set_params(net, p), UA_OK);
    int exact = 1;
    const char *used = NULL;
    assert_int_equal(ua_mlp_influence_run(net, X, y, NW, DW, x, UA_MLP_INFL_GN, 5000, gn, &exact,
                                          &used), UA_OK);
    assert_non_null(strstr(used, "exact inverse"));
    assert_int_equal(ua_mlp_influence_run(net, X, y, NW, DW, x, UA_MLP_INFL_EKFAC, 5000, ek, &exact,
                                          &used), UA_OK);
    assert_non_null(strstr(used, "EK-FAC"));
    assert_false(exact);
    double worst = 0, scale = 0;
    for (size_t i = 0; i < NW; i++) {
        worst = fmax(worst, fabs(gn[i] - ek[i]));
        scale = fmax(scale, fabs(gn[i]));
    }
    print_message("mlp without hidden layers (12 inputs, 8 rows): EK-FAC vs the exact inverse, "
                  "max |diff| %.3g of %.3g\n", worst, scale);
    assert_true(scale > 1e-2);
    assert_true(worst <= 1e-10 * scale);
    ua_mlp_free(net);
}

/* The 3-5-4-1 tanh network of tests/gen/ekfac_ref.py: EK-FAC and the exact inverse against the
 * same quantities computed in PyTorch from autograd per-row gradients (tests/ref/ekfac_ref.h),
 * on 60 rows (P = 49 <= n: the exact inverse's leverage factor) and on the first 30 (P > n), through
 * the public ua_model_influence_method and its method names. */
static void test_mlp_ekfac_torch(void **s)
{
    (void)s;
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 2;
    o.hidden[0] = EK_H1;
    o.hidden[1] = EK_H2;
    o.act = UA_ACT_TANH;
    o.dtype = UA_MLP_F64;
    o.optim = UA_OPTIM_ADAM;
    o.weight_decay = ek_wd;
    o.standardize = 0;
    o.threads = 1;
    ua_mlp *net;
    assert_int_equal(ua_mlp_alloc(EK_D, 1, &o, &net), UA_OK);
    assert_int_equal(ua_mlp_nparams(net), EK_P);
    assert_int_equal(ua_mlp_set_params(net, ek_params), UA_OK);
    ua_model *m = wrap("mlp", net);
    double infl[EK_N];
    struct { size_t n; const char *method; const double *want; } cases[] = {
        {EK_N, "ekfac", ek_ekfac_n}, {EK_N, "gauss-newton", ek_exact_n},
        {EK_NS, "ekfac", ek_ekfac_s}, {EK_NS, "gauss-newton", ek_exact_s},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int exact = 1;
        const char *used = NULL;
        assert_int_equal(ua_model_influence_method(m, ek_X, ek_y, cases[c].n, ek_x0,
                                                   cases[c].method, infl, &exact, &used), UA_OK);
        assert_false(exact);
        assert_non_null(used);
        double worst = 0, scale = 0;
        for (size_t i = 0; i < cases[c].n; i++) {
            worst = fmax(worst, fabs(infl[i] - cases[c].want[i]));
            scale = fmax(scale, fabs(cases[c].want[i]));
        }
        print_message("3-5-4-1 tanh, %zu rows, %s vs PyTorch: max |diff| %.3g of %.3g\n",
                      cases[c].n, cases[c].method, worst, scale);
        assert_true(scale > 1e-2);
        assert_true(worst <= 1e-9 * scale);
    }
    /* a method the family does not have: refused, naming the methods */
    assert_int_equal(ua_model_influence_method(m, ek_X, ek_y, EK_N, ek_x0, "kfac", infl, NULL,
                                               NULL), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "ekfac"));
    ua_model_free(m);
}

/* Pearson correlation of a and b (n,) */
static double pearson(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) ma += a[i] / (double)n, mb += b[i] / (double)n;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

/* Spearman's rank correlation for any n (ranks by sorting indices; ties broken by index) */
static const double *g_rank_key;
static int by_key(const void *a, const void *b)
{
    double u = g_rank_key[*(const size_t *)a], v = g_rank_key[*(const size_t *)b];
    return u < v ? -1 : u > v ? 1 : 0;
}
static double spearman_n(const double *a, const double *b, size_t n)
{
    size_t *idx = malloc(n * sizeof *idx);
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb);
    assert_true(idx && ra && rb);
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < n; i++) idx[i] = i;
        g_rank_key = t ? b : a;
        qsort(idx, n, sizeof *idx, by_key);
        for (size_t i = 0; i < n; i++) (t ? rb : ra)[idx[i]] = (double)i;
    }
    double rho = pearson(ra, rb, n);
    free(idx);
    free(ra);
    free(rb);
    return rho;
}

/* A larger network (2-32-32-1 tanh, P = 1185, fitted by Adam with weight decay on 300 rows):
 * EK-FAC's and the diagonal's agreement with the exact inverse (first-order: P > n), printed
 * and asserted above floors below the measured values */
static void test_mlp_ekfac_larger(void **s)
{
    (void)s;
    enum { NL = 300 };
    double *X = malloc(NL * D * sizeof *X), *y = malloc(NL * sizeof *y), x[D] = {0.25, -0.6};
    double *gn = malloc(NL * sizeof *gn), *ek = malloc(NL * sizeof *ek), *dg = malloc(NL * sizeof *dg);
    assert_true(X && y && gn && ek && dg);
    make_data(X, y, NL, 6);
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 2;
    o.hidden[0] = o.hidden[1] = 32;
    o.act = UA_ACT_TANH;
    o.dtype = UA_MLP_F64;
    o.optim = UA_OPTIM_ADAM;
    o.weight_decay = 1e-3;
    o.epochs = 300;
    o.val_frac = 0;
    o.threads = 1;
    o.seed = 5;
    ua_mlp *net;
    assert_int_equal(ua_mlp_fit(X, y, NL, D, 1, &o, &net), UA_OK);
    assert_int_equal(ua_mlp_influence_run(net, X, y, NL, D, x, UA_MLP_INFL_GN, 5000, gn, NULL,
                                          NULL), UA_OK);
    assert_int_equal(ua_mlp_influence_run(net, X, y, NL, D, x, UA_MLP_INFL_EKFAC, 5000, ek, NULL,
                                          NULL), UA_OK);
    assert_int_equal(ua_mlp_influence_run(net, X, y, NL, D, x, UA_MLP_INFL_DIAG, 5000, dg, NULL,
                                          NULL), UA_OK);
    double pe = pearson(ek, gn, NL), se = spearman_n(ek, gn, NL);
    double pd = pearson(dg, gn, NL), sd = spearman_n(dg, gn, NL);
    print_message("mlp 2-32-32-1 tanh (P = %zu), %d rows, against the exact inverse: EK-FAC "
                  "Pearson %.3f Spearman %.3f; diagonal Pearson %.3f Spearman %.3f\n",
                  ua_mlp_nparams(net), NL, pe, se, pd, sd);
    assert_true(pe > EKFAC_LARGE_FLOOR);
    assert_true(pe > pd && se > sd); /* measured: EK-FAC closer to the exact inverse than the diagonal */
    ua_mlp_free(net);
    free(X); free(y); free(gn); free(ek); free(dg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_exact),
        cmocka_unit_test(test_rf_exact),
        cmocka_unit_test(test_mlp_vs_retraining),
        cmocka_unit_test(test_mlp_push_through),
        cmocka_unit_test(test_mlp_ekfac_linear_identity),
        cmocka_unit_test(test_mlp_ekfac_torch),
        cmocka_unit_test(test_mlp_ekfac_larger),
        cmocka_unit_test(test_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
