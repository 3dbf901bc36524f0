/* Bound propagation through networks (uniapprox/lipschitz.h): the issue's two-neuron ReLU network
 * (range [-2, 1], IBP [-6, 4], inf-Lipschitz constant 3, naive product 6), IBP and CROWN against
 * an independent PyTorch implementation (tests/gen/lipschitz_torch_ref.py), and random networks
 * of every scalar activation, where sampled outputs, difference quotients and the float32
 * evaluation error must never exceed the proven bounds. */
#include <math.h>
#include "test_util.h"
#include "uniapprox/lipschitz.h"
#include "core/internal.h" /* ua_rng */
#include "ref/lipschitz_torch_ref.h"

/* An f64 (or f32) network of d inputs, hidden widths, activation act, with parameters p (the
 * mlp's layout: W_0, b_0, W_1, b_1, ...), wrapped as a model on the box [lo, hi]. */
static ua_model *make_net(size_t d, size_t nh, const int *hidden, ua_mlp_act act,
                          ua_mlp_dtype dt, const double *p, const double *lo, const double *hi)
{
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = nh;
    for (size_t i = 0; i < nh; i++) o.hidden[i] = (size_t)hidden[i];
    o.act = act;
    o.dtype = dt;
    o.leaky_slope = 0.01;
    ua_mlp *net;
    assert_int_equal(ua_mlp_alloc(d, 1, &o, &net), UA_OK);
    if (p) assert_int_equal(ua_mlp_set_params(net, p), UA_OK);
    ua_model *m;
    assert_int_equal(ua_model_wrap_box("mlp", net, "net", d, lo, hi, &m), UA_OK);
    return m;
}

static double rel(double a, double b) { return fabs(a - b) / (1 + fabs(b)); }

/* f(x) = [1, -1] . ReLU([[1, -1], [2, -1]] x) on [-1, 2] x [-2, 1]. */
static void test_issue_network(void **state)
{
    (void)state;
    const double p[] = { 1, -1, 2, -1, 0, 0, 1, -1, 0 };
    const double lo[] = { -1, -2 }, hi[] = { 2, 1 };
    const int hidden[] = { 2 };
    ua_model *m = make_net(2, 1, hidden, UA_ACT_RELU, UA_MLP_F64, p, lo, hi);
    double il, iu, cl, cu;
    assert_int_equal(ua_model_bound_output(m, NULL, NULL, UA_BOUND_IBP, &il, &iu), UA_OK);
    ASSERT_LE(il, -6);
    ASSERT_LE(-6 - 1e-12, il);
    ASSERT_LE(4, iu);
    ASSERT_LE(iu, 4 + 1e-12);
    assert_int_equal(ua_model_bound_output(m, lo, hi, UA_BOUND_CROWN, &cl, &cu), UA_OK);
    ASSERT_LE(il, cl); /* at least as tight as IBP */
    ASSERT_LE(cu, iu);
    ASSERT_LE(cl, -2); /* and sound: the true range is [-2, 1] */
    ASSERT_LE(1, cu);
    print_message("issue network: IBP [%g, %g], CROWN [%g, %g], true [-2, 1]\n", il, iu, cl, cu);

    ua_lipschitz_result r;
    assert_int_equal(ua_model_lipschitz(m, NULL, NULL, NULL, &r), UA_OK);
    ASSERT_LE(3, r.bound);
    ASSERT_LE(r.bound, 3 + 1e-9);
    ASSERT_LE(3 - 1e-12, r.lower); /* the gradient (-2, 1) of the region z1 < 0 < z2 */
    ASSERT_LE(r.lower, r.bound);
    assert_true(rel(r.naive, 6) < 1e-12);
    ua_lipschitz_options o = { .norm = UA_NORM_2 };
    assert_int_equal(ua_model_lipschitz(m, NULL, NULL, &o, &r), UA_OK);
    ASSERT_LE(sqrt(5.0), r.bound);
    ASSERT_LE(r.bound, sqrt(5.0) + 1e-9);
    ASSERT_LE(sqrt(5.0) - 1e-12, r.lower);
    /* the certified spectral product: sigma_max([[1, -1], [2, -1]]) = golden ratio^2, times
     * |[1, -1]| = sqrt 2, from above and within 1e-9 */
    double spec = (3 + sqrt(5.0)) / 2 * sqrt(2.0);
    ASSERT_LE(spec, r.naive);
    ASSERT_LE(r.naive, spec * (1 + 1e-9));
    /* the Jacobian's enclosure: d/dx1 in [-2, 1], d/dx2 in [-1, 1] */
    double L, jl[2], ju[2];
    assert_int_equal(ua_model_lipschitz_box(m, NULL, NULL, UA_NORM_INF, NULL, &L, jl, ju), UA_OK);
    assert_true(rel(jl[0], -2) < 1e-12 && rel(ju[0], 1) < 1e-12);
    assert_true(rel(jl[1], -1) < 1e-12 && rel(ju[1], 1) < 1e-12);
    /* a sub-box where only z2 > 0 is active: the gradient is (-2, 1) exactly */
    const double slo[] = { 0.5, 0.9 }, shi[] = { 0.6, 0.95 };
    assert_int_equal(ua_model_lipschitz_box(m, slo, shi, UA_NORM_INF, NULL, &L, jl, ju), UA_OK);
    assert_true(rel(L, 3) < 1e-12);
    ua_model_free(m);
}

/* IBP and CROWN match the PyTorch reference to rounding, outward, and contain the sampled range. */
static void test_torch_reference(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof lip_ref_cases / sizeof lip_ref_cases[0]; c++) {
        const lip_ref_case *k = &lip_ref_cases[c];
        ua_model *m = make_net((size_t)k->d, (size_t)k->nhidden, k->hidden, (ua_mlp_act)k->act,
                               UA_MLP_F64, k->params, k->lo, k->hi);
        double il, iu, cl, cu;
        assert_int_equal(ua_model_bound_output(m, NULL, NULL, UA_BOUND_IBP, &il, &iu), UA_OK);
        assert_true(rel(il, k->ibp_lo) < 1e-12 && rel(iu, k->ibp_hi) < 1e-12);
        ASSERT_LE(il, k->ibp_lo);
        ASSERT_LE(k->ibp_hi, iu);
        assert_int_equal(ua_model_bound_output(m, NULL, NULL, UA_BOUND_CROWN, &cl, &cu), UA_OK);
        if (!isnan(k->crown_lo)) {
            if (!(rel(cl, k->crown_lo) < 1e-12 && rel(cu, k->crown_hi) < 1e-12))
                fail_msg("case %zu: CROWN [%.17g, %.17g], PyTorch [%.17g, %.17g]", c, cl, cu,
                         k->crown_lo, k->crown_hi);
        }
        ASSERT_LE(il, cl);
        ASSERT_LE(cu, iu);
        ASSERT_LE(cl, k->sample_min);
        ASSERT_LE(k->sample_max, cu);
        ua_model_free(m);
    }
}

/* Random networks of every scalar activation: sampled outputs inside IBP and CROWN, every
 * difference quotient below the Lipschitz bound (both norms), the gradient against central
 * differences, and float32 predictions within the evaluation-error bound of the exact network. */
static void test_random_networks(void **state)
{
    (void)state;
    const ua_mlp_act acts[] = { UA_ACT_RELU, UA_ACT_LEAKY_RELU, UA_ACT_GELU, UA_ACT_GELU_TANH,
                                UA_ACT_SILU, UA_ACT_TANH, UA_ACT_SIGMOID, UA_ACT_SOFTPLUS,
                                UA_ACT_SIN };
    ua_rng rng;
    ua_rng_seed(&rng, 7);
    enum { N = 4000 };
    double *x = malloc(2 * N * 3 * sizeof *x), *y = malloc(2 * N * sizeof *y);
    double *y32 = malloc(2 * N * sizeof *y32);
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
        for (size_t rep = 0; rep < 2; rep++) {
            size_t d = 2 + rep;
            const int hidden[] = { 7, 5 };
            double lo[3], hi[3];
            for (size_t j = 0; j < d; j++) {
                double c = 2 * ua_rng_uniform(&rng) - 1, r = 0.2 + ua_rng_uniform(&rng);
                lo[j] = c - r;
                hi[j] = c + r;
            }
            size_t P = 7 * (d + 1) + 5 * 8 + 6;
            double p[128];
            for (size_t i = 0; i < P; i++) p[i] = 1.3 * ua_rng_normal(&rng);
            ua_model *m = make_net(d, 2, hidden, acts[a], UA_MLP_F64, p, lo, hi);
            ua_model *m32 = make_net(d, 2, hidden, acts[a], UA_MLP_F32, p, lo, hi);
            for (size_t i = 0; i < 2 * N; i++)
                for (size_t j = 0; j < d; j++)
                    x[i * d + j] = lo[j] + (hi[j] - lo[j]) * ua_rng_uniform(&rng);
            assert_int_equal(ua_model_predict(m, x, 2 * N, y), UA_OK);
            double il, iu, cl, cu;
            assert_int_equal(ua_model_bound_output(m, NULL, NULL, UA_BOUND_IBP, &il, &iu), UA_OK);
            assert_int_equal(ua_model_bound_output(m, NULL, NULL, UA_BOUND_CROWN, &cl, &cu), UA_OK);
            ASSERT_LE(il, cl);
            ASSERT_LE(cu, iu);
            for (size_t i = 0; i < 2 * N; i++) {
                ASSERT_LE(cl, y[i]);
                ASSERT_LE(y[i], cu);
            }
            for (int nm = 0; nm < 2; nm++) {
                ua_lipschitz_options o = { .norm = nm ? UA_NORM_2 : UA_NORM_INF, .time_limit = 0.3,
                                           .max_boxes = 200 };
                ua_lipschitz_result r;
                assert_int_equal(ua_model_lipschitz(m, NULL, NULL, &o, &r), UA_OK);
                ASSERT_LE(r.lower, r.bound);
                ASSERT_LE(r.bound, r.first_bound);
                /* the gradient's norm at sampled points: a lower bound on the constant */
                double *gs = malloc(500 * d * sizeof *gs);
                assert_int_equal(ua_model_gradient(m, x, 500, gs), UA_OK);
                for (size_t i = 0; i < 500; i++) {
                    double gn = 0;
                    for (size_t j = 0; j < d; j++)
                        gn += nm ? gs[i * d + j] * gs[i * d + j] : fabs(gs[i * d + j]);
                    ASSERT_LE(nm ? sqrt(gn) : gn, r.bound * (1 + 1e-12));
                }
                free(gs);
                for (size_t i = 0; i < N; i++) {
                    const double *u = x + 2 * i * d, *v = u + d;
                    double dist = 0;
                    for (size_t j = 0; j < d; j++)
                        dist = nm ? dist + (u[j] - v[j]) * (u[j] - v[j]) : fmax(dist, fabs(u[j] - v[j]));
                    if (nm) dist = sqrt(dist);
                    ASSERT_LE(fabs(y[2 * i] - y[2 * i + 1]), r.bound * dist * (1 + 1e-12) + 1e-14);
                }
            }
            /* the gradient against central differences of predict (f64) */
            double g[3], xp[3], yp[2];
            assert_int_equal(ua_model_gradient(m, x, 1, g), UA_OK);
            for (size_t j = 0; j < d; j++) {
                double h = 1e-6;
                memcpy(xp, x, d * sizeof *xp);
                xp[j] += h;
                assert_int_equal(ua_model_predict(m, xp, 1, yp), UA_OK);
                xp[j] -= 2 * h;
                assert_int_equal(ua_model_predict(m, xp, 1, yp + 1), UA_OK);
                double fd = (yp[0] - yp[1]) / (2 * h);
                if (acts[a] != UA_ACT_RELU && acts[a] != UA_ACT_LEAKY_RELU)
                    assert_true(fabs(fd - g[j]) < 1e-5 * (1 + fabs(g[j])));
            }
            /* float32 predictions within the evaluation-error bound of the exact network */
            double e;
            assert_int_equal(ua_model_eval_error(m32, NULL, NULL, &e), UA_OK);
            assert_int_equal(ua_model_predict(m32, x, 2 * N, y32), UA_OK);
            double worst = 0;
            for (size_t i = 0; i < 2 * N; i++) worst = fmax(worst, fabs(y32[i] - y[i]));
            ASSERT_LE(worst, e);
            ASSERT_LE(e, 1e-3 * (1 + fmax(fabs(iu), fabs(il))));
            ua_model_free(m);
            ua_model_free(m32);
        }
    }
    free(x);
    free(y);
    free(y32);
}

/* Branch and bound tightens the first bound of a wider ReLU network, never below the lower. */
static void test_branch_and_bound(void **state)
{
    (void)state;
    const double lo[] = { -1, -1 }, hi[] = { 1, 1 };
    const int hidden[] = { 16, 16 };
    /* random weights and biases (with zero biases, as at initialisation, every first-layer
     * neuron switches at the origin, where input splitting cannot separate them) */
    double p[16 * 3 + 16 * 17 + 17];
    ua_rng rng;
    ua_rng_seed(&rng, 11);
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) p[i] = 0.6 * ua_rng_normal(&rng);
    ua_model *m = make_net(2, 2, hidden, UA_ACT_RELU, UA_MLP_F64, p, lo, hi);
    ua_lipschitz_options o = { .time_limit = 5, .max_boxes = 2000 };
    ua_lipschitz_result r;
    assert_int_equal(ua_model_lipschitz(m, NULL, NULL, &o, &r), UA_OK);
    print_message("relu 16x16: first bound %g, after %zu boxes %g, lower %g, naive %g\n",
                  r.first_bound, r.boxes, r.bound, r.lower, r.naive);
    assert_true(r.boxes > 1);
    ASSERT_LE(r.bound, r.first_bound);
    ASSERT_LE(r.lower, r.bound);
    ASSERT_LE(r.bound, r.naive);
    ua_model_free(m);
}

/* rf (cos features and relu) and kernel (rbf) models fitted to a formula: sampled outputs inside
 * the proven range, difference quotients below the Lipschitz bound, the gradient against
 * central differences of predict. */
static void test_rf_kernel(void **state)
{
    (void)state;
    const char *fams[][7] = { { "rf", "dist", "fourier", "features", "60", NULL, NULL },
                              { "rf", "act", "tanh", "features", "60", NULL, NULL },
                              { "rf", "act", "relu", "features", "60", NULL, NULL },
                              { "kernel", "kernel", "rbf", "lambda", "1e-3", "gamma", "0.5" } };
    const char *vars[] = { "x", "y" };
    const double lo[] = { -1, -0.5 }, hi[] = { 1, 1.5 };
    ua_target *t;
    assert_int_equal(ua_target_parse("exp(-x^2-y^2)*cos(2*x)", vars, 2, &t), UA_OK);
    ua_problem *p;
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    ua_rng rng;
    ua_rng_seed(&rng, 5);
    enum { N = 3000 };
    double *x = malloc(2 * N * 2 * sizeof *x), *y = malloc(2 * N * sizeof *y);
    for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++) {
        ua_options *o = NULL;
        assert_int_equal(ua_family_options(fams[f][0], &o), UA_OK);
        for (size_t i = 1; i + 1 < 7 && fams[f][i]; i += 2)
            assert_int_equal(ua_options_set(o, fams[f][i], fams[f][i + 1]), UA_OK);
        assert_int_equal(ua_options_set(o, "samples", "300"), UA_OK);
        ua_model *m = NULL;
        ua_status s = ua_fit(p, fams[f][0], o, NULL, &m);
        if (s != UA_OK && s != UA_ENOTRESOLVED) fail_msg("fit %s: %s", fams[f][0], ua_last_error());
        ua_options_free(o);
        /* a sub-box and the whole box */
        for (int b = 0; b < 2; b++) {
            double bl[2], bh[2];
            for (size_t j = 0; j < 2; j++) {
                bl[j] = b ? lo[j] : lo[j] + 0.3 * (hi[j] - lo[j]);
                bh[j] = b ? hi[j] : lo[j] + 0.45 * (hi[j] - lo[j]);
            }
            for (size_t i = 0; i < 2 * N; i++)
                for (size_t j = 0; j < 2; j++) x[i * 2 + j] = bl[j] + (bh[j] - bl[j]) * ua_rng_uniform(&rng);
            assert_int_equal(ua_model_predict(m, x, 2 * N, y), UA_OK);
            double il, iu, cl, cu;
            assert_int_equal(ua_model_bound_output(m, bl, bh, UA_BOUND_IBP, &il, &iu), UA_OK);
            s = ua_model_bound_output(m, bl, bh, UA_BOUND_CROWN, &cl, &cu);
            if (s == UA_EUNSUPPORTED) { /* the kernel family: intervals only */
                cl = il;
                cu = iu;
            } else {
                assert_int_equal(s, UA_OK);
            }
            ASSERT_LE(il, cl);
            ASSERT_LE(cu, iu);
            for (size_t i = 0; i < 2 * N; i++) {
                ASSERT_LE(cl, y[i]);
                ASSERT_LE(y[i], cu);
            }
            ua_lipschitz_options lo2 = { .time_limit = 0.3, .max_boxes = 300 };
            ua_lipschitz_result r;
            assert_int_equal(ua_model_lipschitz(m, bl, bh, &lo2, &r), UA_OK);
            ASSERT_LE(r.lower, r.bound);
            for (size_t i = 0; i < N; i++) {
                const double *u = x + 4 * i, *v = u + 2;
                double dist = fmax(fabs(u[0] - v[0]), fabs(u[1] - v[1]));
                ASSERT_LE(fabs(y[2 * i] - y[2 * i + 1]), r.bound * dist * (1 + 1e-12) + 1e-14);
            }
            print_message("%s %s: output [%g, %g] (IBP [%g, %g]), L <= %g, lower %g\n",
                          fams[f][0], fams[f][2], cl, cu, il, iu, r.bound, r.lower);
        }
        double g[2], xp[2], yp[2];
        assert_int_equal(ua_model_gradient(m, x, 1, g), UA_OK);
        for (size_t j = 0; j < 2; j++) {
            memcpy(xp, x, sizeof xp);
            xp[j] += 1e-6;
            assert_int_equal(ua_model_predict(m, xp, 1, yp), UA_OK);
            xp[j] -= 2e-6;
            assert_int_equal(ua_model_predict(m, xp, 1, yp + 1), UA_OK);
            if (strcmp(fams[f][2], "relu"))
                assert_true(fabs((yp[0] - yp[1]) / 2e-6 - g[j]) < 1e-4 * (1 + fabs(g[j])));
        }
        ua_model_free(m);
    }
    free(x);
    free(y);
    ua_problem_free(p);
    ua_target_free(t);
}

/* A 1-D network keeps its domain apart from a box: the default box is the domain. y = tanh(2x)
 * on [-1, 1] has Lipschitz constant 2 (at 0) and range [-tanh 2, tanh 2]. */
static void test_one_dimensional(void **state)
{
    (void)state;
    const double p[] = { 2, 0, 1, 0 }, lo[] = { -1 }, hi[] = { 1 };
    const int hidden[] = { 1 };
    ua_model *m = make_net(1, 1, hidden, UA_ACT_TANH, UA_MLP_F64, p, lo, hi);
    ua_lipschitz_result r;
    assert_int_equal(ua_model_lipschitz(m, NULL, NULL, NULL, &r), UA_OK);
    ASSERT_LE(2, r.bound);
    ASSERT_LE(r.bound, 2 * 1.01);
    ASSERT_LE(2 - 1e-6, r.lower);
    double a, b;
    assert_int_equal(ua_model_bound_output(m, NULL, NULL, UA_BOUND_CROWN, &a, &b), UA_OK);
    ASSERT_LE(a, -tanh(2.0));
    ASSERT_LE(-tanh(2.0) - 1e-12, a);
    ASSERT_LE(tanh(2.0), b);
    ASSERT_LE(b, tanh(2.0) + 1e-12);
    ua_model_free(m);
}

/* A float32 network is bounded only where no value its predict computes can overflow float:
 * y = relu(2 x1 - 2 x2) + 0.5 has the exact range [2 a + 0.5, 2 b + 0.5] on [a, b] x [0, 0].
 * On [1e38, 1.5e38] float holds every value (3e38 < FLT_MAX); on [1e38, 1.8e38] the hidden value
 * reaches 3.6e38 (predict refuses x1 = 1.8e38) and on [1e39, 2e39] the input itself does not
 * fit: both boxes refused (UA_EDOMAIN) for the float32 network, bounded for the float64 one. */
static void test_float32_overflow_box(void **state)
{
    (void)state;
    const double p[] = { 2, -2, 0, 1, 0.5 }, lo[] = { -1, -1 }, hi[] = { 1, 1 };
    const int hidden[] = { 1 };
    ua_model *m32 = make_net(2, 1, hidden, UA_ACT_RELU, UA_MLP_F32, p, lo, hi);
    ua_model *m64 = make_net(2, 1, hidden, UA_ACT_RELU, UA_MLP_F64, p, lo, hi);
    double a, b, L, err, g[2];
    const double ok_lo[] = { 1e38, 0 }, ok_hi[] = { 1.5e38, 0 };
    const double ov_lo[] = { 1e38, 0 }, ov_hi[] = { 1.8e38, 0 };
    const double in_lo[] = { 1e39, 0 }, in_hi[] = { 2e39, 0 };
    assert_int_equal(ua_model_bound_output(m32, ok_lo, ok_hi, UA_BOUND_CROWN, &a, &b), UA_OK);
    ASSERT_LE(a, 2e38);
    ASSERT_LE(3e38, b);
    ASSERT_LE(b, 3e38 * (1 + 1e-12));
    assert_int_equal(ua_model_bound_output(m32, ov_lo, ov_hi, UA_BOUND_IBP, &a, &b), UA_EDOMAIN);
    assert_non_null(strstr(ua_last_error(), "dense layer 1 of 2"));
    assert_non_null(strstr(ua_last_error(), "no bound over this box is proven"));
    assert_int_equal(ua_model_lipschitz_box(m32, ov_lo, ov_hi, UA_NORM_INF, NULL, &L, NULL, NULL),
                     UA_EDOMAIN);
    assert_int_equal(ua_model_eval_error(m32, ov_lo, ov_hi, &err), UA_EDOMAIN);
    ua_lipschitz_result r;
    assert_int_equal(ua_model_lipschitz(m32, ov_lo, ov_hi, NULL, &r), UA_EDOMAIN);
    assert_int_equal(ua_model_bound_output(m32, in_lo, in_hi, UA_BOUND_CROWN, &a, &b), UA_EDOMAIN);
    assert_non_null(strstr(ua_last_error(), "side 1 of the box"));
    /* the gradient at a point: where predict refuses it, so does the gradient */
    const double pt_ok[] = { 1e30, 0 }, pt_ov[] = { 1.8e38, 0 };
    assert_int_equal(ua_model_gradient(m32, pt_ok, 1, g), UA_OK);
    assert_true(g[0] == 2 && g[1] == -2);
    assert_int_equal(ua_model_gradient(m32, pt_ov, 1, g), UA_EDOMAIN);
    /* the float64 network: every box bounded, the range exact up to the outward rounding */
    assert_int_equal(ua_model_bound_output(m64, ov_lo, ov_hi, UA_BOUND_CROWN, &a, &b), UA_OK);
    ASSERT_LE(a, 2e38);
    ASSERT_LE(2e38 * (1 - 1e-12), a);
    ASSERT_LE(3.6e38, b);
    ASSERT_LE(b, 3.6e38 * (1 + 1e-12));
    assert_int_equal(ua_model_bound_output(m64, in_lo, in_hi, UA_BOUND_CROWN, &a, &b), UA_OK);
    ASSERT_LE(4e39, b);
    assert_int_equal(ua_model_gradient(m64, pt_ov, 1, g), UA_OK);
    ua_model_free(m32);
    ua_model_free(m64);
}

/* Refusals: unsupported activations and families, bad boxes. */
static void test_refusals(void **state)
{
    (void)state;
    const double lo[] = { -1, -1 }, hi[] = { 1, 1 };
    const int hidden[] = { 4 };
    ua_model *m = make_net(2, 1, hidden, UA_ACT_POLYNORM, UA_MLP_F64, NULL, lo, hi);
    double a, b;
    assert_int_equal(ua_model_bound_output(m, NULL, NULL, UA_BOUND_IBP, &a, &b), UA_EUNSUPPORTED);
    ua_model_free(m);
    m = make_net(2, 1, hidden, UA_ACT_TANH, UA_MLP_F64, NULL, lo, hi);
    const double bad_lo[] = { 1, -1 }, bad_hi[] = { 0, 1 }, nan_lo[] = { NAN, 0 };
    assert_int_equal(ua_model_bound_output(m, bad_lo, bad_hi, UA_BOUND_IBP, &a, &b), UA_EINVAL);
    assert_int_equal(ua_model_bound_output(m, nan_lo, hi, UA_BOUND_IBP, &a, &b), UA_EINVAL);
    assert_int_equal(ua_model_bound_output(m, lo, NULL, UA_BOUND_IBP, &a, &b), UA_EINVAL);
    assert_int_equal(ua_model_bound_output(m, NULL, NULL, (ua_bound_method)7, &a, &b), UA_EINVAL);
    ua_lipschitz_options o = { .target_ratio = 0.5 };
    ua_lipschitz_result r;
    assert_int_equal(ua_model_lipschitz(m, NULL, NULL, &o, &r), UA_EINVAL);
    ua_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_network),
        cmocka_unit_test(test_torch_reference),
        cmocka_unit_test(test_random_networks),
        cmocka_unit_test(test_branch_and_bound),
        cmocka_unit_test(test_rf_kernel),
        cmocka_unit_test(test_one_dimensional),
        cmocka_unit_test(test_float32_overflow_box),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
