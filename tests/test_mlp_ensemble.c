/*
 * Deep ensembles of the mlp family (src/mlp/ensemble.c; Lakshminarayanan, Pritzel & Blundell
 * 2017): --n-estimators M trains member i exactly as a single network with --seed seed + i, so
 * the ensemble is checked against M separately fitted networks:
 *   - the mixture mean equals the average of the M single predictions (to rounding: the same
 *     sum in the same order, then one division);
 *   - the predictive variance is the Gaussian mixture's, mean of variances + variance of means,
 *     with each member's noise variance its mean squared residual (computed here from the single
 *     networks' predictions on the training rows, --val-frac 0);
 *   - a classifier's probabilities are the members' averaged softmax probabilities;
 *   - save / load keeps every member (predictions and sd bit for bit), the exported C computes
 *     the mean (within float rounding of the f32 networks);
 *   - on y = sin(2x) + 0.2 e, e ~ N(0, 1), the 95% interval's coverage of 2000 fresh rows is
 *     measured here and must lie in [0.85, 0.99];
 *   - operations defined on one network (bounds, compression, influence) refuse an ensemble, and
 *     a single network has no sd.
 */
#include <math.h>

#define TWO_PI 6.283185307179586476925

#include "model/family.h"
#define TU_SCRATCH_TAG "ua_test_ens"
#include "test_util.h"
#include "uniapprox/compress.h"
#include "uniapprox/lipschitz.h"
#include "uniapprox/metrics.h"
#include "uniapprox/mlp.h"

/* A reproducible generator of its own: xorshift64*, uniform in (0, 1), Box-Muller normals. */
static uint64_t rs = 88172645463325252ull;
static double unif(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return ((double)((rs * 2685821657736338717ull) >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) { return sqrt(-2 * log(unif())) * cos(TWO_PI * unif()); }

/* y = sin(2 x0) + 0.5 x1^2 + noise * N(0, 1) at n rows of x in [-2, 2]^d (d 1 or 2). */
static void make_data(size_t n, size_t d, double noise, double *x, double *y)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) x[i * d + j] = -2 + 4 * unif();
        y[i] = sin(2 * x[i * d]) + (d > 1 ? 0.5 * x[i * d + 1] * x[i * d + 1] : 0) + noise * normal();
    }
}

/* Fits the mlp on (x, y) with the given (name, value) options (NULL-terminated) and --threads 1. */
static ua_model *fit(const double *x, const double *y, size_t n, size_t d, ...)
{
    ua_problem *p = NULL;
    ua_options *o = NULL;
    ua_model *m = NULL;
    assert_int_equal(ua_problem_samples(x, y, n, d, 1, &p), UA_OK);
    assert_int_equal(ua_family_options("mlp", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "threads", "1"), UA_OK);
    va_list ap;
    va_start(ap, d);
    for (const char *k; (k = va_arg(ap, const char *));)
        assert_int_equal(ua_options_set(o, k, va_arg(ap, const char *)), UA_OK);
    va_end(ap);
    ua_status s = ua_fit(p, "mlp", o, NULL, &m);
    if (s) fail_msg("fit: %s", ua_last_error());
    ua_options_free(o);
    ua_problem_free(p);
    return m;
}

enum { N = 120, D = 2, M = 3, T = 40 };

/* The mixture mean and the variance identity against three separately fitted networks. */
static void test_mean_and_variance(void **state)
{
    (void)state;
    static double x[N * D], y[N], xt[T * D], yt[T];
    make_data(N, D, 0.1, x, y);
    make_data(T, D, 0.1, xt, yt);
#define OPTS "hidden", "8x8", "epochs", "40", "val-frac", "0"
    ua_model *ens = fit(x, y, N, D, OPTS, "seed", "7", "n-estimators", "3", NULL);
    ua_model *one[M];
    const char *seeds[M] = {"7", "8", "9"};
    for (int i = 0; i < M; i++) one[i] = fit(x, y, N, D, OPTS, "seed", seeds[i], NULL);
    double mu[M][T], noise[M], pe[T], sd[T];
    for (int i = 0; i < M; i++) {
        assert_int_equal(ua_model_predict(one[i], xt, T, mu[i]), UA_OK);
        static double ptr[N]; /* member i's noise variance: its MSE on all its rows */
        assert_int_equal(ua_model_predict(one[i], x, N, ptr), UA_OK);
        noise[i] = 0;
        for (int r = 0; r < N; r++) noise[i] += (ptr[r] - y[r]) * (ptr[r] - y[r]) / N;
    }
    assert_int_equal(ua_model_predict(ens, xt, T, pe), UA_OK);
    assert_int_equal(ua_model_predict_std(ens, xt, T, sd), UA_OK);
    double spread = 0;
    for (int r = 0; r < T; r++) {
        double avg = (mu[0][r] + mu[1][r] + mu[2][r]) / M;
        if (fabs(pe[r] - avg) > 1e-15 * (1 + fabs(avg)))
            fail_msg("row %d: ensemble mean %.17g, average of the singles %.17g", r, pe[r], avg);
        double var = (noise[0] + noise[1] + noise[2]) / M, mom2 = 0;
        for (int i = 0; i < M; i++) mom2 += mu[i][r] * mu[i][r] / M;
        var += mom2 - avg * avg; /* the paper's form: mean of (sigma^2 + mu^2) minus mu*^2 */
        if (fabs(sd[r] * sd[r] - var) > 1e-12 * var)
            fail_msg("row %d: sd^2 %.17g, mixture variance %.17g", r, sd[r] * sd[r], var);
        spread += mom2 - avg * avg;
    }
    assert_true(spread > 0); /* the members differ: the variance of means is not empty */
    /* n-estimators 1 is the single network */
    ua_model *m1 = fit(x, y, N, D, OPTS, "seed", "7", "n-estimators", "1", NULL);
    double p1[T];
    assert_int_equal(ua_model_predict(m1, xt, T, p1), UA_OK);
    assert_memory_equal(p1, mu[0], sizeof p1);
    assert_int_equal(ua_model_predict_std(m1, xt, T, sd), UA_EUNSUPPORTED);
    ua_model_free(m1);
    for (int i = 0; i < M; i++) ua_model_free(one[i]);
    ua_model_free(ens);
}

/* Save / load round trip, the exported C's mean, and the refusals of single-network operations. */
static void test_save_load_export(void **state)
{
    (void)state;
    static double x[N * D], y[N], xt[T * D], yt[T];
    make_data(N, D, 0.1, x, y);
    make_data(T, D, 0.1, xt, yt);
    ua_model *ens = fit(x, y, N, D, OPTS, "seed", "3", "n-estimators", "4", NULL);
    double p[T], s[T], p2[T], s2[T];
    assert_int_equal(ua_model_predict(ens, xt, T, p), UA_OK);
    assert_int_equal(ua_model_predict_std(ens, xt, T, s), UA_OK);
    assert_int_equal(ua_model_save(ens, tu_path("ens.st")), UA_OK);
    ua_model *back = NULL;
    assert_int_equal(ua_model_load(tu_path("ens.st"), &back), UA_OK);
    assert_int_equal(ua_model_predict(back, xt, T, p2), UA_OK);
    assert_int_equal(ua_model_predict_std(back, xt, T, s2), UA_OK);
    assert_memory_equal(p, p2, sizeof p);
    assert_memory_equal(s, s2, sizeof s);
    /* exported C: the mean of the members, within float rounding of f32 networks */
    ua_compiled *c = NULL;
    typedef double (*fn2)(const double *); /* 2 inputs, 1 output: double NAME(const double *x) */
    fn2 f = (fn2)tu_compile_export(ua_model_family_vtable(back), ua_model_state(back),
                                   UA_EXPORT_DOUBLE, "ens_fn", &c, NULL);
    for (int r = 0; r < T; r++) {
        double v = f(xt + r * D);
        ASSERT_LE(fabs(v - p[r]), 1e-5 * (1 + fabs(p[r])));
    }
    ua_compiled_free(c);
    /* one-network operations refuse, and say why */
    ua_compress_options co;
    ua_compress_options_default(&co);
    ua_model *cm = NULL;
    ua_compress_report rep;
    assert_int_equal(ua_model_compress(back, &co, &cm, &rep), UA_EUNSUPPORTED);
    assert_non_null(strstr(ua_last_error(), "deep ensemble"));
    assert_null(cm);
    double lo[D] = {-1, -1}, hi[D] = {1, 1}, blo, bhi;
    assert_int_equal(ua_model_bound_output(back, lo, hi, (ua_bound_method)0, &blo, &bhi), UA_EUNSUPPORTED);
    ua_model_free(back);
    ua_model_free(ens);
}

/* A classifier ensemble: class probabilities are the members' average; labels its argmax. */
static void test_classifier(void **state)
{
    (void)state;
    static double x[N * D], y[N], xt[T * D], yt[T];
    make_data(N, D, 0, x, y);
    for (int i = 0; i < N; i++) y[i] = x[i * D] + x[i * D + 1] > 0 ? 1 : (x[i * D] > 1 ? 2 : 0);
    make_data(T, D, 0, xt, yt);
#define COPTS "hidden", "8", "epochs", "30", "val-frac", "0", "task", "classify"
    ua_model *ens = fit(x, y, N, D, COPTS, "seed", "1", "n-estimators", "2", NULL);
    ua_model *a = fit(x, y, N, D, COPTS, "seed", "1", NULL);
    ua_model *b = fit(x, y, N, D, COPTS, "seed", "2", NULL);
    const ua_mlp *me = ua_model_state(ens), *ma = ua_model_state(a), *mb = ua_model_state(b);
    size_t C = 0;
    ua_mlp_dims(me, NULL, NULL, &C);
    assert_int_equal(C, 3);
    double pe[T * 3], pa[T * 3], pb[T * 3], lab[T];
    assert_int_equal(ua_mlp_predict_proba(me, xt, T, pe), UA_OK);
    assert_int_equal(ua_mlp_predict_proba(ma, xt, T, pa), UA_OK);
    assert_int_equal(ua_mlp_predict_proba(mb, xt, T, pb), UA_OK);
    assert_int_equal(ua_model_predict(ens, xt, T, lab), UA_OK);
    for (int r = 0; r < T; r++) {
        int arg = 0;
        for (int c = 0; c < 3; c++) {
            double avg = (pa[r * 3 + c] + pb[r * 3 + c]) / 2;
            ASSERT_LE(fabs(pe[r * 3 + c] - avg), 1e-15);
            if (pe[r * 3 + c] > pe[r * 3 + arg]) arg = c;
        }
        assert_true(lab[r] == arg);
    }
    double sd[T];
    assert_int_equal(ua_model_predict_std(ens, xt, T, sd), UA_EUNSUPPORTED);
    ua_model_free(a);
    ua_model_free(b);
    ua_model_free(ens);
}

/* Coverage of the 95% interval y +- 1.96 sd on fresh rows of a noisy 1-D problem. */
static void test_coverage(void **state)
{
    (void)state;
    enum { NT = 400, NF = 2000 };
    static double x[NT], y[NT], xf[NF], yf[NF], p[NF], s[NF];
    const double noise = 0.2;
    make_data(NT, 1, noise, x, y);
    make_data(NF, 1, noise, xf, yf);
    ua_model *ens = fit(x, y, NT, 1, "hidden", "32x32", "epochs", "150", "val-frac", "0.2",
                        "seed", "11", "n-estimators", "5", NULL);
    assert_int_equal(ua_model_predict(ens, xf, NF, p), UA_OK);
    assert_int_equal(ua_model_predict_std(ens, xf, NF, s), UA_OK);
    double in = 0, msd = 0, nll = 0;
    for (int i = 0; i < NF; i++) {
        in += fabs(yf[i] - p[i]) <= 1.959963984540054 * s[i];
        msd += s[i] / NF;
        nll += (0.5 * log(TWO_PI * s[i] * s[i]) + (yf[i] - p[i]) * (yf[i] - p[i]) / (2 * s[i] * s[i])) / NF;
    }
    double cover = in / NF;
    print_message("coverage of the 95%% interval %.4f, mean sd %.4f (noise %.2f), NLL %.4f "
                  "(the true model's %.4f)\n", cover, msd, noise, nll,
                  0.5 * log(TWO_PI * noise * noise) + 0.5);
    ASSERT_LE(0.85, cover);
    ASSERT_LE(cover, 0.99);
    ASSERT_LE(0.7 * noise, msd); /* the sd is the noise's, give or take the members' error */
    ASSERT_LE(msd, 1.6 * noise);
    ua_model_free(ens);
}

/* The Gaussian head's loss and gradient: the loss equals the mean of log(v)/2 + (y - mu)^2/(2 v),
 * v = softplus(s) + 1e-6, from the network's own outputs (computed here), and the backward pass
 * equals central differences of that loss (f64 network, raw units). */
static void test_gaussian_loss_gradient(void **state)
{
    (void)state;
    enum { n = 7, d = 3, k = 2 };
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.task = UA_TASK_GAUSSIAN;
    o.dtype = UA_MLP_F64;
    o.act = UA_ACT_TANH;
    o.nhidden = 1;
    o.hidden[0] = 5;
    o.seed = 4;
    ua_mlp *m = NULL;
    assert_int_equal(ua_mlp_alloc(d, 2 * k, &o, &m), UA_OK);
    size_t k_net = 0, dout = 0;
    ua_mlp_dims(m, NULL, &k_net, &dout);
    assert_int_equal(k_net, k);
    assert_int_equal(dout, 2 * k);
    double x[n * d], y[n * k], out[n * 2 * k], loss;
    for (int i = 0; i < n * d; i++) x[i] = 2 * unif() - 1;
    for (int i = 0; i < n * k; i++) y[i] = 3 * unif() - 1.5;
    size_t P = ua_mlp_nparams(m);
    double *g = malloc(P * sizeof *g), *p = malloc(P * sizeof *p);
    assert_non_null(g);
    assert_non_null(p);
    assert_int_equal(ua_mlp_loss_grad(m, x, y, n, k, &loss, g, out), UA_OK);
    double want = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            double mu = out[i * 2 * k + j], sp = out[i * 2 * k + k + j];
            double v = log1p(exp(sp)) + 1e-6, e = y[i * k + j] - mu;
            want += (0.5 * log(v) + 0.5 * e * e / v) / (n * k);
        }
    ASSERT_LE(fabs(loss - want), 1e-14 * fabs(want));
    ua_mlp_get_params(m, p);
    double num2 = 0, den2 = 0;
    for (size_t q = 0; q < P; q++) {
        double h = 1e-6 * (1 + fabs(p[q])), keep = p[q], lp, lm;
        p[q] = keep + h;
        assert_int_equal(ua_mlp_set_params(m, p), UA_OK);
        assert_int_equal(ua_mlp_loss_grad(m, x, y, n, k, &lp, NULL, NULL), UA_OK);
        p[q] = keep - h;
        assert_int_equal(ua_mlp_set_params(m, p), UA_OK);
        assert_int_equal(ua_mlp_loss_grad(m, x, y, n, k, &lm, NULL, NULL), UA_OK);
        p[q] = keep;
        double fd = (lp - lm) / (2 * h);
        num2 += (g[q] - fd) * (g[q] - fd);
        den2 += fd * fd;
    }
    ASSERT_LE(sqrt(num2 / den2), 1e-7);
    free(g);
    free(p);
    ua_mlp_free(m);
}

/* Gaussian heads (--task gaussian): an ensemble's sd is the mixture of its members' own
 * variances (sd^2 = mean of the single networks' sd^2 + variance of their means), save / load
 * keeps it, and on heteroscedastic noise the sd follows the noise where one variance per member
 * cannot. */
static void test_gaussian_heads(void **state)
{
    (void)state;
    enum { NT = 600, NF = 2000, G = 3 };
    static double x[NT], y[NT], xf[NF], yf[NF], pe[NF], se[NF], mu[G][NF], sg[G][NF], s2[NF];
    /* y = sin(2x) + (0.05 + 0.15 |x|) e on [-2, 2]: the noise sd grows 7-fold from 0 to 2 */
    for (int i = 0; i < NT + NF; i++) {
        double t = -2 + 4 * unif(), v = sin(2 * t) + (0.05 + 0.15 * fabs(t)) * normal();
        if (i < NT) { x[i] = t; y[i] = v; } else { xf[i - NT] = t; yf[i - NT] = v; }
    }
#define GOPTS "hidden", "32x32", "epochs", "150", "val-frac", "0.2", "task", "gaussian"
    ua_model *ens = fit(x, y, NT, 1, GOPTS, "seed", "5", "n-estimators", "3", NULL);
    const char *seeds[G] = {"5", "6", "7"};
    for (int i = 0; i < G; i++) {
        ua_model *one = fit(x, y, NT, 1, GOPTS, "seed", seeds[i], NULL);
        assert_int_equal(ua_model_predict(one, xf, NF, mu[i]), UA_OK);
        assert_int_equal(ua_model_predict_std(one, xf, NF, sg[i]), UA_OK);
        ua_model_free(one);
    }
    assert_int_equal(ua_model_predict(ens, xf, NF, pe), UA_OK);
    assert_int_equal(ua_model_predict_std(ens, xf, NF, se), UA_OK);
    double in = 0, lo_sd = 0, hi_sd = 0, nlo = 0, nhi = 0;
    for (int r = 0; r < NF; r++) {
        double avg = (mu[0][r] + mu[1][r] + mu[2][r]) / G, var = 0;
        ASSERT_LE(fabs(pe[r] - avg), 1e-15 * (1 + fabs(avg)));
        for (int i = 0; i < G; i++) var += (sg[i][r] * sg[i][r] + mu[i][r] * mu[i][r]) / G;
        var -= avg * avg;
        if (fabs(se[r] * se[r] - var) > 1e-11 * var)
            fail_msg("row %d: sd^2 %.17g, mixture variance %.17g", r, se[r] * se[r], var);
        in += fabs(yf[r] - pe[r]) <= 1.959963984540054 * se[r];
        if (fabs(xf[r]) < 0.5) { lo_sd += se[r]; nlo++; }
        if (fabs(xf[r]) > 1.5) { hi_sd += se[r]; nhi++; }
    }
    double cover = in / NF, ratio = (hi_sd / nhi) / (lo_sd / nlo);
    /* the true noise sd averages 0.0875 on |x| < 0.5 and 0.3125 on |x| > 1.5: a ratio of 3.6 */
    print_message("gaussian heads: coverage %.4f, sd(|x| > 1.5) / sd(|x| < 0.5) = %.3f (true "
                  "3.57)\n", cover, ratio);
    ASSERT_LE(0.88, cover);
    ASSERT_LE(cover, 0.99);
    ASSERT_LE(2.0, ratio);
    /* the same ensemble without the variance head: one noise variance per member */
    ua_model *plain = fit(x, y, NT, 1, "hidden", "32x32", "epochs", "150", "val-frac", "0.2",
                          "seed", "5", "n-estimators", "3", NULL);
    assert_int_equal(ua_model_predict_std(plain, xf, NF, s2), UA_OK);
    double plo = 0, phi = 0;
    for (int r = 0; r < NF; r++) {
        if (fabs(xf[r]) < 0.5) plo += s2[r] / nlo;
        if (fabs(xf[r]) > 1.5) phi += s2[r] / nhi;
    }
    print_message("without the head: sd ratio %.3f\n", phi / plo);
    ASSERT_LE(phi / plo, ratio);
    ua_model_free(plain);
    assert_int_equal(ua_model_save(ens, tu_path("gauss.st")), UA_OK);
    ua_model *back = NULL;
    assert_int_equal(ua_model_load(tu_path("gauss.st"), &back), UA_OK);
    assert_int_equal(ua_model_predict_std(back, xf, NF, s2), UA_OK);
    assert_memory_equal(se, s2, sizeof s2);
    ua_model_free(back);
    ua_model_free(ens);
}

/* Bad values of the option are refused with the option's message. */
static void test_option_refused(void **state)
{
    (void)state;
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("mlp", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "n-estimators", "0"), UA_EINVAL);
    assert_int_equal(ua_options_set(o, "n-estimators", "65"), UA_EINVAL);
    assert_int_equal(ua_options_set(o, "n-estimators", "64"), UA_OK);
    ua_options_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_and_variance),
        cmocka_unit_test(test_save_load_export),
        cmocka_unit_test(test_classifier),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_gaussian_loss_gradient),
        cmocka_unit_test(test_gaussian_heads),
        cmocka_unit_test(test_option_refused),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
