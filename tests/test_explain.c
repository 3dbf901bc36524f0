/*
 * Explanations (uniapprox/explain.h) against independent values:
 *   - captum's KernelShap test values for y = sum ReLU(sum x + b) - 1, b = (-10, 1, 1, 1)
 *     (captum tests/attr/test_kernel_shap.py, BasicModel_MultiLayer): [40, 120, 80] against the
 *     baseline (10, 20, 10), [76.667, 196.667, 116.667] against zero;
 *   - exact identities: IG and KernelSHAP of a linear model are w_i (x_i - x0_i) (to rounding);
 *     KernelSHAP's efficiency; Gauss-Legendre integrates polynomials of degree 2n - 1 exactly;
 *   - a PyTorch re-implementation of IG and KernelSHAP on a small tanh network
 *     (tests/gen/explain_ref.py, fixture tests/ref/explain_ref.txt).
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
#include "explain/internal.h"
#include "test_util.h"


/* An f64 mlp of d inputs, hidden widths h[0..nh), activation act and one output whose
 * parameters are p in the network's tensor order (weights (out, in) as PyTorch's). */
static ua_model *mlp_model_dt(size_t d, size_t nh, const size_t *h, ua_mlp_act act,
                              const double *p, ua_mlp_dtype dtype)
{
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = nh;
    for (size_t i = 0; i < nh; i++) o.hidden[i] = h[i];
    o.act = act;
    o.dtype = dtype;
    o.param = UA_PARAM_SP;
    ua_mlp *net;
    assert_int_equal(ua_mlp_alloc(d, 1, &o, &net), UA_OK);
    assert_int_equal(ua_mlp_set_params(net, p), UA_OK);
    ua_model *m;
    assert_int_equal(ua_model_wrap("mlp", net, NULL, -INFINITY, INFINITY, &m), UA_OK);
    return m;
}

static ua_model *mlp_model(size_t d, size_t nh, const size_t *h, ua_mlp_act act, const double *p)
{
    return mlp_model_dt(d, nh, h, act, p, UA_MLP_F64);
}

/* captum's BasicModel_MultiLayer: W1 = ones (4, 3), b1 = (-10, 1, 1, 1), W2 = ones (1, 4), b2 = -1 */
static ua_model *captum_model(void)
{
    double p[12 + 4 + 4 + 1];
    size_t k = 0;
    for (int i = 0; i < 12; i++) p[k++] = 1;
    p[k++] = -10, p[k++] = 1, p[k++] = 1, p[k++] = 1;
    for (int i = 0; i < 4; i++) p[k++] = 1;
    p[k++] = -1;
    size_t h = 4;
    ua_model *m = mlp_model(3, 1, &h, UA_ACT_RELU, p);
    /* the tensor order this relies on */
    const ua_mlp *net = ua_model_state(m);
    assert_int_equal(ua_mlp_nparams(net), 21);
    return m;
}

static void test_captum_kernelshap(void **s)
{
    (void)s;
    ua_model *m = captum_model();
    double x[3] = {20, 50, 30}, b[3] = {10, 20, 10}, attr[3];
    ua_explain_info info;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_KERNELSHAP, x, b, NULL, attr, &info), UA_OK);
    assert_true(info.exact);
    assert_true(fabs(info.fx - 392) < 1e-12 && fabs(info.fbase - 152) < 1e-12);
    double want1[3] = {40, 120, 80};
    for (int i = 0; i < 3; i++) assert_true(fabs(attr[i] - want1[i]) < 1e-10);
    assert_true(fabs(info.completeness) < 1e-10);
    /* zero baseline: captum's [76.667, 196.667, 116.667] (exactly 230/3, 590/3, 350/3) */
    assert_int_equal(ua_explain(m, UA_EXPLAIN_KERNELSHAP, x, NULL, NULL, attr, &info), UA_OK);
    double want0[3] = {230.0 / 3, 590.0 / 3, 350.0 / 3};
    for (int i = 0; i < 3; i++) assert_true(fabs(attr[i] - want0[i]) < 1e-10);
    for (int i = 0; i < 3; i++) assert_true(fabs(attr[i] - (double[]){76.667, 196.667, 116.667}[i]) < 1e-3);
    /* sampled KernelSHAP (exact_max_dim 0) keeps efficiency exactly */
    ua_explain_options o;
    ua_explain_options_default(&o);
    o.exact_max_dim = 0;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_KERNELSHAP, x, NULL, &o, attr, &info), UA_OK);
    assert_false(info.exact);
    assert_true(fabs(info.completeness) < 1e-9);
    /* IG against the baseline (10, 20, 10): the path stays where every unit is active, so the
     * integrand is constant and IG equals the Shapley values */
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, x, b, NULL, attr, &info), UA_OK);
    for (int i = 0; i < 3; i++) assert_true(fabs(attr[i] - want1[i]) < 1e-10);
    ua_model_free(m);
}

/* y = w.x + c as a network with no hidden layer */
static void test_linear_identities(void **s)
{
    (void)s;
    enum { D = 16 };
    double p[D + 1], x[D], x0[D], attr[D];
    for (int i = 0; i < D; i++) {
        p[i] = 0.5 + 0.25 * i * (i % 3 == 0 ? -1 : 1);
        x[i] = 1.0 + 0.1 * i;
        x0[i] = -0.3 * (i % 4);
    }
    p[D] = 0.75;
    ua_model *m = mlp_model(D, 0, NULL, UA_ACT_RELU, p);
    ua_explain_info info;
    for (int meth = 0; meth < 5; meth++) {
        ua_explain_options o;
        ua_explain_options_default(&o);
        o.n_steps = 7;
        o.n_samples = meth == UA_EXPLAIN_LIME ? 400 : 3000;
        o.alpha = 0; /* LIME: plain weighted least squares is exact on a linear model */
        assert_int_equal(ua_explain(m, (ua_explain_method)meth, x, x0, &o, attr, &info), UA_OK);
        for (int i = 0; i < D; i++) {
            double want = p[i] * (x[i] - x0[i]);
            assert_true(fabs(attr[i] - want) <= 1e-12 * (1 + fabs(want)));
        }
        if (meth == UA_EXPLAIN_KERNELSHAP) assert_false(info.exact); /* D > 12: sampled */
    }
    /* the same by finite differences (the step's truncation is 0 for a linear model) */
    ua_explain_options o;
    ua_explain_options_default(&o);
    o.finite_differences = 1;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, x, x0, &o, attr, &info), UA_OK);
    assert_false(info.analytic_gradient);
    for (int i = 0; i < D; i++) assert_true(fabs(attr[i] - p[i] * (x[i] - x0[i])) < 1e-8);
    ua_model_free(m);
}

static void test_gauss_legendre(void **s)
{
    (void)s;
    for (size_t n = 1; n <= 60; n++) {
        double t[60], w[60];
        ua_gauss_legendre01(n, t, w);
        /* integral_0^1 t^k dt = 1 / (k + 1) exactly for k <= 2n - 1 */
        for (size_t k = 0; k <= 2 * n - 1 && k < 40; k++) {
            double q = 0;
            for (size_t i = 0; i < n; i++) q += w[i] * pow(t[i], (double)k);
            assert_true(fabs(q - 1.0 / (double)(k + 1)) < 1e-14);
        }
    }
}

/* sampled KernelSHAP against the exact enumeration at d = 13 on a ReLU network */
static void test_sampled_vs_exact(void **s)
{
    (void)s;
    enum { D = 13, H = 6 };
    double p[H * D + H + H + 1], x[D], attr_e[D], attr_s[D];
    ua_rng r;
    ua_rng_seed(&r, 7);
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) p[i] = ua_rng_normal(&r) * 0.5;
    for (int i = 0; i < D; i++) x[i] = ua_rng_uniform(&r) * 2 - 1;
    size_t h = H;
    ua_model *m = mlp_model(D, 1, &h, UA_ACT_RELU, p);
    ua_explain_options o;
    ua_explain_options_default(&o);
    o.exact_max_dim = 13;
    ua_explain_info ie, is;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_KERNELSHAP, x, NULL, &o, attr_e, &ie), UA_OK);
    assert_true(ie.exact && fabs(ie.completeness) < 1e-12);
    o.exact_max_dim = 12;
    o.n_samples = 20000;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_KERNELSHAP, x, NULL, &o, attr_s, &is), UA_OK);
    assert_false(is.exact);
    assert_true(fabs(is.completeness) < 1e-12);
    double num = 0, den = 0;
    for (int i = 0; i < D; i++) {
        num += (attr_s[i] - attr_e[i]) * (attr_s[i] - attr_e[i]);
        den += attr_e[i] * attr_e[i];
    }
    print_message("sampled vs exact KernelSHAP, d = 13, 20000 coalitions: relative L2 %.3g\n",
                  sqrt(num / den));
    assert_true(sqrt(num / den) < 0.1);
    ua_model_free(m);
}

/* a 1-D model: IG's completeness to quadrature accuracy, KernelSHAP the difference */
static void test_one_dimensional(void **s)
{
    (void)s;
    ua_target *t;
    ua_problem *p;
    double lo = 0, hi = 3;
    assert_int_equal(ua_target_parse("sin(x)", NULL, 0, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, &lo, &hi, &p), UA_OK);
    ua_model *m;
    assert_int_equal(ua_fit(p, "cheb", NULL, NULL, &m), UA_OK);
    double x = 2.5, x0 = 0.5, a;
    ua_explain_info info;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, &x, &x0, NULL, &a, &info), UA_OK);
    print_message("1-D cheb sin(x): IG %.17g, sin(2.5) - sin(0.5) %.17g, completeness %.3g\n", a,
                  sin(2.5) - sin(0.5), info.completeness);
    /* without an analytic gradient (cheb has none) the central differences' step error,
     * O(h^2) with h = eps^(1/3) * 3, dominates: 7.5e-12 measured */
    assert_true(fabs(a - (sin(2.5) - sin(0.5))) < 1e-10);
    assert_true(fabs(info.completeness) < 1e-10);
    assert_int_equal(ua_explain(m, UA_EXPLAIN_KERNELSHAP, &x, &x0, NULL, &a, &info), UA_OK);
    assert_true(fabs(a - (info.fx - info.fbase)) == 0);
    assert_true(fabs(a - (sin(2.5) - sin(0.5))) < 1e-12);
    /* outside the interval: refused */
    double out = 3.5;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, &out, &x0, NULL, &a, &info), UA_EINVAL);
    double nan = NAN;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, &nan, &x0, NULL, &a, &info), UA_EINVAL);
    /* SmoothGrad's noise stays inside the interval (clamped): finite */
    assert_int_equal(ua_explain(m, UA_EXPLAIN_SMOOTHGRAD, &x, &x0, NULL, &a, &info), UA_OK);
    assert_true(isfinite(a));
    ua_model_free(m);
    ua_problem_free(p);
    ua_target_free(t);
}

/* The PyTorch re-implementation's IG and KernelSHAP on a 4-8-1 tanh network */
/* tests/ref/explain_ref.txt (tests/gen/explain_ref.py): the network's sizes, its np parameters
 * p and the rows x, baseline, IG (Gauss-Legendre 50, trapezoid 50) and KernelSHAP (d each). */
typedef struct {
    size_t d, h, np;
    double p[200], x[8], x0[8], ig_gl[8], ig_tr[8], shap[8];
} torch_ref;

static void read_torch_ref(torch_ref *r)
{
    FILE *f = fopen(UA_TEST_DIR "/ref/explain_ref.txt", "r");
    assert_non_null(f);
    char line[256];
    do assert_non_null(fgets(line, sizeof line, f)); while (line[0] == '#');
    assert_int_equal(sscanf(line, "d %zu h %zu params %zu", &r->d, &r->h, &r->np), 3);
    assert_true(r->d <= 8 && r->np <= 200);
    for (size_t i = 0; i < r->np; i++) assert_int_equal(fscanf(f, "%lf", &r->p[i]), 1);
    double *rows[5] = {r->x, r->x0, r->ig_gl, r->ig_tr, r->shap};
    const char *names[5] = {"x", "baseline", "ig_gausslegendre_50", "ig_riemann_trapezoid_50",
                            "kernelshap"};
    for (int k = 0; k < 5; k++) {
        char name[64];
        assert_int_equal(fscanf(f, " %63s", name), 1);
        assert_string_equal(name, names[k]);
        for (size_t i = 0; i < r->d; i++) assert_int_equal(fscanf(f, "%lf", &rows[k][i]), 1);
    }
    fclose(f);
}

static void test_torch_reference(void **s)
{
    (void)s;
    static torch_ref r;
    read_torch_ref(&r);
    size_t d = r.d, h = r.h, np = r.np;
    double *p = r.p, *x = r.x, *x0 = r.x0, *ig_gl = r.ig_gl, *ig_tr = r.ig_tr, *shap = r.shap;
    double attr[8];
    ua_model *m = mlp_model(d, 1, &h, UA_ACT_TANH, p);
    assert_int_equal(ua_mlp_nparams(ua_model_state(m)), np);
    ua_explain_options o;
    ua_explain_options_default(&o);
    ua_explain_info info;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, x, x0, &o, attr, &info), UA_OK);
    for (size_t i = 0; i < d; i++) assert_true(fabs(attr[i] - ig_gl[i]) < 1e-12);
    o.method = UA_IG_RIEMANN_TRAPEZOID;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, x, x0, &o, attr, &info), UA_OK);
    for (size_t i = 0; i < d; i++) assert_true(fabs(attr[i] - ig_tr[i]) < 1e-12);
    assert_int_equal(ua_explain(m, UA_EXPLAIN_KERNELSHAP, x, x0, &o, attr, &info), UA_OK);
    for (size_t i = 0; i < d; i++) assert_true(fabs(attr[i] - shap[i]) < 1e-12);
    ua_model_free(m);
}

/* The finite-difference step follows the model's precision: the reference tanh network in
 * float32, IG by central differences (forced). Completeness |sum attr - (f(x) - f(x0))| is the
 * quadrature error (1e-12 in float64 above) plus the differences' error, about
 * d eps^(2/3) |f| for the step cbrt(eps) * scale with eps = FLT_EPSILON (the balance of
 * truncation and rounding); a double step (cbrt(DBL_EPSILON)) leaves float32 rounding / h,
 * measured 6e-4 here before the step followed the model. */
static void test_float32_step(void **s)
{
    (void)s;
    static torch_ref r;
    read_torch_ref(&r);
    size_t d = r.d, h = r.h;
    double *p = r.p, *x = r.x, *x0 = r.x0, attr[8];
    ua_model *m = mlp_model_dt(d, 1, &h, UA_ACT_TANH, p, UA_MLP_F32);
    ua_explain_options o;
    ua_explain_options_default(&o);
    o.finite_differences = 1;
    ua_explain_info info;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, x, x0, &o, attr, &info), UA_OK);
    assert_false(info.analytic_gradient);
    double scale = fmax(1.0, fmax(fabs(info.fx), fabs(info.fbase)));
    double tol = 2.0 * (double)d * pow(0x1p-23, 2.0 / 3.0) * scale;
    print_message("float32 mlp, IG by differences: completeness %.3g (tolerance %.3g)\n",
                  info.completeness, tol);
    assert_true(fabs(info.completeness) <= tol);
    ua_model_free(m);
}

static void test_bad_input(void **s)
{
    (void)s;
    ua_model *m = captum_model();
    double x[3] = {1, 2, 3}, attr[3], bad[3] = {1, NAN, 3}, X[6] = {1, 2, 3, 4, 5, 6}, imp[3];
    ua_explain_options o;
    ua_explain_options_default(&o);
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, bad, NULL, &o, attr, NULL), UA_EINVAL);
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, x, bad, &o, attr, NULL), UA_EINVAL);
    o.n_steps = 0;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, x, NULL, &o, attr, NULL), UA_EINVAL);
    ua_explain_options_default(&o);
    o.target = 1;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_IG, x, NULL, &o, attr, NULL), UA_EINVAL);
    ua_explain_options_default(&o);
    o.exact_max_dim = 30;
    assert_int_equal(ua_explain(m, UA_EXPLAIN_KERNELSHAP, x, NULL, &o, attr, NULL), UA_EINVAL);
    assert_int_equal(ua_explain_global(m, UA_EXPLAIN_IG, X, 0, NULL, NULL, imp), UA_EINVAL);
    assert_int_equal(ua_explain_global(m, UA_EXPLAIN_GRAD_X_INPUT, X, 2, NULL, NULL, imp), UA_OK);
    /* gradient x input: the gradient is the number of active units, 3 at (1, 2, 3) (the first
     * unit sees 6 - 10 < 0), 4 at (4, 5, 6); the mean over the two rows */
    for (int i = 0; i < 3; i++) assert_true(fabs(imp[i] - (3 * X[i] + 4 * X[3 + i]) / 2) < 1e-12);
    ua_explain_method me;
    assert_int_equal(ua_explain_method_parse("shap", &me), UA_ENOTFOUND);
    assert_int_equal(ua_explain_method_parse("kernelshap", &me), UA_OK);
    ua_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_captum_kernelshap), cmocka_unit_test(test_linear_identities),
        cmocka_unit_test(test_gauss_legendre),    cmocka_unit_test(test_sampled_vs_exact),
        cmocka_unit_test(test_one_dimensional),   cmocka_unit_test(test_torch_reference),
        cmocka_unit_test(test_float32_step),      cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
