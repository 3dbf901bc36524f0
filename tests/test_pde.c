/*
 * tests/test_pde.c — the pde family: forward-mode derivatives of the network against closed
 * forms and central differences, the reverse pass against differences of the loss, the residual
 * of exact solutions of every shipped equation, a Poisson fit measured against its exact
 * solution, the export against predict, and malformed problem files refused.
 */
#define TU_SCRATCH_TAG "ua_test_pde"
#include "model/family.h"
#include "test_util.h"

#include <math.h>

#include <cjson/cJSON.h>

#include "uniapprox/pde.h"
#include "model/family.h"
#include "pde/internal.h"
#include "pde/loss.h"
#include "core/internal.h"

/* What the Poisson fit of test_poisson_fit_export reaches (16x16 tanh, 200 interior points, the
 * boundary condition enforced by the derived output transform u = 4x(1-x) 4y(1-y) N, 200 Adam
 * steps and 150 of L-BFGS, seed 3): measured relative L2 error 8.3e-4 and max error 1.3e-3
 * against the exact solution; the bounds leave a factor 6 for other BLAS kernels and compilers
 * (docs/pde.md). */
#define POISSON_REL_L2 5e-3
#define POISSON_MAX_ERR 2e-2

/* A network of known weights: one hidden unit, u = c tanh(w.z + b) + c0, z the scaled input:
 * its jets have closed forms. */
static void test_jet_closed_form(void **st)
{
    (void)st;
    ua_pde_net net;
    double lo[2] = { 0, -1 }, hi[2] = { 2, 1 };
    size_t hidden[1] = { 1 };
    assert_int_equal(ua_pde_net_init(&net, 2, lo, hi, UA_PDE_TANH, UA_PDE_NET_MLP, 0, hidden, 1),
                     UA_OK);
    assert_int_equal(net.P, 2 + 1 + 1 + 1);
    double w0 = 0.7, w1 = -0.4, b = 0.3, c = 1.5, c0 = -0.2;
    net.theta[0] = w0, net.theta[1] = w1, net.theta[2] = b, net.theta[3] = c, net.theta[4] = c0;
    ua_pde_jet jet = { .d = 2, .C = 6, .npairs = 3, .pi = { 0, 0, 1 }, .pj = { 0, 1, 1 } };
    ua_pde_work w;
    assert_int_equal(ua_pde_work_alloc(&w, &net, &jet, 1), UA_OK);
    double x[2] = { 0.5, 0.25 }, u[6];
    ua_pde_net_forward(&net, &jet, &w, x, 1, u);
    /* z0 = x - 1 (scale 1), z1 = y (scale 1) */
    double s0 = 1, s1 = 1, z0 = x[0] - 1, z1 = x[1];
    double a = w0 * z0 + w1 * z1 + b, t = tanh(a), d1 = 1 - t * t, d2 = -2 * t * d1;
    double e[6] = { c * t + c0,         c * d1 * w0 * s0,        c * d1 * w1 * s1,
                    c * d2 * w0 * w0,   c * d2 * w0 * w1,        c * d2 * w1 * w1 };
    for (int k = 0; k < 6; k++) assert_true(fabs(u[k] - e[k]) <= 1e-15 * (1 + fabs(e[k])));
    ua_pde_work_free(&w);
    ua_pde_net_free(&net);
}

/* An output transform u = g + D N over (x, t) with a parameter a = 0.5, its g and D exercising
 * pow, division, exp, log, sqrt and the trigonometric functions. */
static ua_pde_transform *test_transform(void)
{
    static const char *const vars[] = { "x", "t", "a" };
    double a = 0.5;
    ua_pde_transform *T;
    assert_int_equal(ua_pde_transform_new("x^2*cos(pi*x) + a*sin(t)*x/(2+x) + sqrt(1+t^2)",
                                          "t*(1-x^2)*exp(x/3)*log(2+t)^a", vars, 3, 2, &a, &T),
                     UA_OK);
    return T;
}

/* Jets of random networks of each kind against central differences of predict (hard: through
 * the output transform). */
static void check_jet_fd_t(ua_pde_arch arch, ua_pde_act act, int hard)
{
    ua_pde_net net;
    double lo[2] = { -1, 0 }, hi[2] = { 1, 3 };
    size_t hidden[2] = { 6, 5 };
    assert_int_equal(ua_pde_net_init(&net, 2, lo, hi, act, arch, 4, hidden, 2), UA_OK);
    ua_pde_net_randomize(&net, 7, arch == UA_PDE_NET_GAUSSIAN ? 0.6 : 0.8);
    if (hard) net.T = test_transform();
    ua_pde_jet jet = { .d = 2, .C = 6, .npairs = 3, .pi = { 0, 0, 1 }, .pj = { 0, 1, 1 } };
    ua_pde_work w;
    assert_int_equal(ua_pde_work_alloc(&w, &net, &jet, 3), UA_OK);
    double x[6] = { 0.3, 1.1, -0.7, 2.5, 0.9, 0.2 }, u[18];
    ua_pde_net_forward(&net, &jet, &w, x, 3, u);
    for (int p = 0; p < 3; p++) {
        double h = 1e-3, v0;
        assert_int_equal(ua_pde_net_predict(&net, x + 2 * p, 1, &v0), UA_OK);
        assert_true(fabs(v0 - u[6 * p]) <= 1e-14 * (1 + fabs(v0)));
        for (int i = 0; i < 2; i++) {
            /* central differences at h and h/2, Richardson-extrapolated: O(h^4) */
            double d1[2], d2[2];
            for (int r = 0; r < 2; r++) {
                double hh = r ? h / 2 : h, fp, fm;
                double xp[2] = { x[2 * p], x[2 * p + 1] }, xm[2] = { xp[0], xp[1] };
                xp[i] += hh;
                xm[i] -= hh;
                ua_pde_net_predict(&net, xp, 1, &fp);
                ua_pde_net_predict(&net, xm, 1, &fm);
                d1[r] = (fp - fm) / (2 * hh);
                d2[r] = (fp - 2 * v0 + fm) / (hh * hh);
            }
            double fd1 = (4 * d1[1] - d1[0]) / 3, fd2 = (4 * d2[1] - d2[0]) / 3;
            ASSERT_LE(fabs(fd1 - u[6 * p + 1 + i]), 1e-8 * (1 + fabs(fd1)));
            ASSERT_LE(fabs(fd2 - u[6 * p + (i ? 5 : 3)]), 1e-6 * (1 + fabs(fd2)));
        }
        /* the mixed derivative by the four-point formula */
        double f[4], xs[4][2] = { { h, h }, { h, -h }, { -h, h }, { -h, -h } };
        for (int k = 0; k < 4; k++) {
            double xx[2] = { x[2 * p] + xs[k][0], x[2 * p + 1] + xs[k][1] };
            ua_pde_net_predict(&net, xx, 1, &f[k]);
        }
        double fxy = (f[0] - f[1] - f[2] + f[3]) / (4 * h * h);
        ASSERT_LE(fabs(fxy - u[6 * p + 4]), 1e-4 * (1 + fabs(fxy)));
    }
    ua_pde_work_free(&w);
    ua_pde_net_free(&net);
}

static void check_jet_fd(ua_pde_arch arch, ua_pde_act act) { check_jet_fd_t(arch, act, 0); }

static void test_jet_fd(void **st)
{
    (void)st;
    check_jet_fd_t(UA_PDE_NET_MLP, UA_PDE_TANH, 1);
    check_jet_fd_t(UA_PDE_NET_GAUSSIAN, UA_PDE_SIN, 1);
    check_jet_fd(UA_PDE_NET_MLP, UA_PDE_TANH);
    check_jet_fd(UA_PDE_NET_MLP, UA_PDE_SIN);
    check_jet_fd(UA_PDE_NET_FOURIER, UA_PDE_TANH);
    check_jet_fd(UA_PDE_NET_GAUSSIAN, UA_PDE_TANH);
}

/* The reverse pass: d/dtheta of sum gu . jet against central differences in each parameter. */
static void check_backward_t(ua_pde_arch arch, ua_pde_act act, int hard)
{
    ua_pde_net net;
    double lo[2] = { -1, 0 }, hi[2] = { 1, 3 };
    size_t hidden[2] = { 5, 4 };
    assert_int_equal(ua_pde_net_init(&net, 2, lo, hi, act, arch, 3, hidden, 2), UA_OK);
    ua_pde_net_randomize(&net, 11, arch == UA_PDE_NET_GAUSSIAN ? 0.7 : 0.8);
    if (hard) net.T = test_transform();
    for (size_t k = 0; k < net.P; k++) net.theta[k] += 0.05 * sin(3.0 * (double)k); /* biases */
    ua_pde_jet jet = { .d = 2, .C = 6, .npairs = 3, .pi = { 0, 0, 1 }, .pj = { 0, 1, 1 } };
    ua_pde_work w;
    size_t n = 3, C = 6;
    assert_int_equal(ua_pde_work_alloc(&w, &net, &jet, n), UA_OK);
    double x[6] = { 0.3, 1.1, -0.7, 2.5, 0.9, 0.2 }, u[18], gu[18];
    for (size_t k = 0; k < n * C; k++) gu[k] = cos(1.7 * (double)k + 0.3);
    double *g = calloc(net.P, sizeof *g);
    ua_pde_net_forward(&net, &jet, &w, x, n, u);
    ua_pde_net_backward(&net, &jet, &w, x, n, gu, g);
    for (size_t k = 0; k < net.P; k++) {
        double keep = net.theta[k], h = 1e-6, fp = 0, fm = 0;
        net.theta[k] = keep + h;
        ua_pde_net_forward(&net, &jet, &w, x, n, u);
        for (size_t c = 0; c < n * C; c++) fp += gu[c] * u[c];
        net.theta[k] = keep - h;
        ua_pde_net_forward(&net, &jet, &w, x, n, u);
        for (size_t c = 0; c < n * C; c++) fm += gu[c] * u[c];
        net.theta[k] = keep;
        double fd = (fp - fm) / (2 * h);
        if (!(fabs(fd - g[k]) <= 1e-6 * (1 + fabs(fd))))
            fail_msg("arch %d act %d parameter %zu: backward %.12g, differences %.12g", arch, act,
                     k, g[k], fd);
    }
    free(g);
    ua_pde_work_free(&w);
    ua_pde_net_free(&net);
}

static void check_backward(ua_pde_arch arch, ua_pde_act act) { check_backward_t(arch, act, 0); }

static void test_backward_fd(void **st)
{
    (void)st;
    check_backward_t(UA_PDE_NET_MLP, UA_PDE_TANH, 1);
    check_backward_t(UA_PDE_NET_GAUSSIAN, UA_PDE_TANH, 1);
    check_backward(UA_PDE_NET_MLP, UA_PDE_TANH);
    check_backward(UA_PDE_NET_MLP, UA_PDE_SIN);
    check_backward(UA_PDE_NET_FOURIER, UA_PDE_SIN);
    check_backward(UA_PDE_NET_GAUSSIAN, UA_PDE_TANH);
}


/* The loss's gradient (the conditions' penalties, the residual through the jets, the output
 * transform) against central differences in every parameter, on a problem with Dirichlet,
 * Neumann and periodic conditions (penalties) and on Allen-Cahn with hard constraints. */
static void check_loss_gradient(const char *text, int hard)
{
    ua_pde_spec *s;
    if (ua_pde_spec_parse(text, strlen(text), "grad.json", &s)) fail_msg("%s", ua_last_error());
    ua_pde_net net;
    size_t hidden[2] = { 4, 3 };
    assert_int_equal(ua_pde_net_init(&net, s->d, s->lo, s->hi, UA_PDE_TANH, UA_PDE_NET_MLP, 0,
                                     hidden, 2), UA_OK);
    ua_pde_net_randomize(&net, 5, 1);
    for (size_t k = 0; k < net.P; k++) net.theta[k] += 0.1 * sin(2.0 * (double)k);
    if (hard) assert_int_equal(ua_pde_spec_transform(s, &net.T), UA_OK);
    assert_true(!hard || net.T);
    ua_pde_points pt;
    assert_int_equal(ua_pde_points_make(s, 12, 6, 6, hard, 9, &pt), UA_OK);
    if (hard) assert_int_equal(pt.n, 12); /* the enforced conditions need no points */
    ua_pde_loss L;
    assert_int_equal(ua_pde_loss_init(&L, s, &net, &pt, 1, 10), UA_OK);
    double *g = malloc(net.P * sizeof *g), *th = malloc(net.P * sizeof *th);
    memcpy(th, net.theta, net.P * sizeof *th);
    ua_pde_loss_eval(&L, th, g);
    for (size_t k = 0; k < net.P; k++) {
        double keep = th[k], h = 1e-6;
        th[k] = keep + h;
        double fp = ua_pde_loss_eval(&L, th, NULL);
        th[k] = keep - h;
        double fm = ua_pde_loss_eval(&L, th, NULL);
        th[k] = keep;
        double fd = (fp - fm) / (2 * h);
        if (!(fabs(fd - g[k]) <= 1e-5 * (1 + fabs(fd))))
            fail_msg("hard %d, parameter %zu: gradient %.12g, differences %.12g", hard, k, g[k], fd);
    }
    free(g), free(th);
    ua_pde_loss_free(&L);
    ua_pde_points_free(&pt);
    ua_pde_net_free(&net);
    ua_pde_spec_free(s);
}

static void test_loss_gradient(void **st)
{
    (void)st;
    check_loss_gradient("{\"space\": {\"x\": [0, 1], \"y\": [0, 2]}, \"equation\": "
                        "\"u_xx + u_yy + u_xy - 2*u + u*u_x\", \"conditions\": [{\"type\": "
                        "\"neumann\", \"on\": \"x=lo\", \"value\": \"0.3*y\"}, {\"type\": "
                        "\"dirichlet\", \"on\": \"x=1\", \"value\": \"cos(pi*y)\"}, "
                        "{\"type\": \"periodic\", \"variable\": \"y\"}], \"exact\": \"0\"}", 0);
    check_loss_gradient("{\"space\": {\"x\": [-1, 1]}, \"time\": {\"t\": [0, 1]}, "
                        "\"parameters\": {\"d\": 0.001}, \"equation\": \"u_t - d*u_xx + "
                        "5*(u^3 - u)\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": -1}, "
                        "{\"type\": \"initial\", \"value\": \"x^2*cos(pi*x)\"}], \"exact\": "
                        "\"0\"}", 1);
}

/* The jets of DeepXDE's Allen-Cahn transform, g = x^2 cos(pi x) and D = t (1 - x^2), against
 * their closed forms; and u = g + D N's jets by the product rule for a known N. */
static void test_transform_closed_form(void **st)
{
    (void)st;
    static const char *const vars[] = { "x", "t" };
    ua_pde_transform *T;
    assert_int_equal(ua_pde_transform_new("x^2*cos(pi*x)", "t*(1-x^2)", vars, 2, 2, NULL, &T),
                     UA_OK);
    ua_pde_jet jet = { .d = 2, .C = 6, .npairs = 3, .pi = { 0, 0, 1 }, .pj = { 0, 1, 1 } };
    double x = 0.37, t = 0.61, pi = 3.14159265358979323846, c = cos(pi * x), s = sin(pi * x);
    double G[6], D[6], X[2] = { x, t };
    ua_pde_transform_jets(T, &jet, X, G, D);
    double eG[6] = { x * x * c, 2 * x * c - pi * x * x * s, 0,
                     2 * c - 4 * pi * x * s - pi * pi * x * x * c, 0, 0 };
    double eD[6] = { t * (1 - x * x), -2 * x * t, 1 - x * x, -2 * t, -2 * x, 0 };
    for (int k = 0; k < 6; k++) {
        ASSERT_LE(fabs(G[k] - eG[k]), 1e-14 * (1 + fabs(eG[k])));
        ASSERT_LE(fabs(D[k] - eD[k]), 1e-14 * (1 + fabs(eD[k])));
    }
    /* N = (n0, n_x, n_t, n_xx, n_xt, n_tt): u_xt = g_xt + D_xt N + D_x N_t + D_t N_x + D N_xt */
    double u[6] = { 0.3, -1.2, 0.7, 2.1, -0.4, 0.9 }, N[6];
    memcpy(N, u, sizeof N);
    ua_pde_transform_forward(T, &jet, X, 1, u);
    double e_xt = eG[4] + eD[4] * N[0] + eD[1] * N[2] + eD[2] * N[1] + eD[0] * N[4];
    double e_xx = eG[3] + eD[3] * N[0] + 2 * eD[1] * N[1] + eD[0] * N[3];
    ASSERT_LE(fabs(u[0] - (eG[0] + eD[0] * N[0])), 1e-15);
    ASSERT_LE(fabs(u[4] - e_xt), 1e-14);
    ASSERT_LE(fabs(u[3] - e_xx), 1e-14);
    ua_pde_transform_free(T);
}

/* The transform derived from the box for the shipped problems (DeepXDE's for Allen-Cahn, up to
 * D's constant factor), the file's own checked, and what cannot be one refused. */
static void test_transform_files(void **st)
{
    (void)st;
    static const struct { const char *file, *g; } shipped_g[] = {
        { "poisson.json", "0" }, { "helmholtz.json", "0" },
        { "burgers.json", "-sin(pi*x)" }, { "allen_cahn.json", "x^2*cos(pi*x)" } };
    for (size_t i = 0; i < 4; i++) {
        char path[1024];
        snprintf(path, sizeof path, UA_TEST_DIR "/../examples/pde/%s", shipped_g[i].file);
        size_t len;
        char *text = tu_slurp(path, &len);
        ua_pde_spec *s;
        if (ua_pde_spec_parse(text, len, shipped_g[i].file, &s)) fail_msg("%s", ua_last_error());
        assert_non_null(s->transform_g);
        assert_string_equal(s->transform_g, shipped_g[i].g);
        ua_pde_transform *T;
        assert_int_equal(ua_pde_spec_transform(s, &T), UA_OK);
        /* D vanishes on every face the conditions hold on, and not inside */
        double lo0 = s->lo[0], hi0 = s->hi[0], g, D;
        double p1[2] = { lo0, 0.5 * (s->lo[1] + s->hi[1]) }, p2[2] = { hi0, s->hi[1] };
        double p3[2] = { 0.5 * (lo0 + hi0), s->lo[1] }, p4[2] = { 0.3 * lo0 + 0.7 * hi0, 0.6 * s->lo[1] + 0.4 * s->hi[1] };
        ua_pde_transform_values(T, p1, &g, &D), assert_true(D == 0);
        ua_pde_transform_values(T, p2, &g, &D), assert_true(D == 0);
        ua_pde_transform_values(T, p3, &g, &D), assert_true(D == 0);
        ua_pde_transform_values(T, p4, &g, &D), assert_true(D > 0);
        ua_pde_transform_free(T);
        ua_pde_spec_free(s);
        free(text);
    }
    const char *head = "{\"space\": {\"x\": [-1, 1]}, \"time\": {\"t\": [0, 1]}, "
                       "\"equation\": \"u_t - u_xx\", \"exact\": \"0\", ";
    static const struct { const char *tail; int ok; const char *g; } cases[] = {
        /* DeepXDE's Allen-Cahn transform given in the file */
        { "\"conditions\": [{\"type\": \"dirichlet\", \"value\": -1}, {\"type\": \"initial\", "
          "\"value\": \"x^2*cos(pi*x)\"}], \"output_transform\": {\"g\": \"x^2*cos(pi*x)\", "
          "\"D\": \"t*(1-x^2)\"}}", 1, "x^2*cos(pi*x)" },
        /* an initial value that disagrees with the boundary: no transform, penalties */
        { "\"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}, {\"type\": \"initial\", "
          "\"value\": 1}]}", 1, NULL },
        /* "none" */
        { "\"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"output_transform\": "
          "\"none\"}", 1, NULL },
        /* a Neumann face stays a penalty; the Dirichlet one and the initial one are enforced */
        { "\"conditions\": [{\"type\": \"dirichlet\", \"on\": \"x=lo\", \"value\": \"t\"}, "
          "{\"type\": \"neumann\", \"on\": \"x=hi\", \"value\": 0}, {\"type\": \"initial\", "
          "\"value\": 0}]}", 1, "t" },
        /* D not 0 on the boundary */
        { "\"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"output_transform\": "
          "{\"g\": \"0\", \"D\": \"1-x\"}}", 0, NULL },
        /* g not the initial value */
        { "\"conditions\": [{\"type\": \"initial\", \"value\": \"sin(x)\"}], "
          "\"output_transform\": {\"g\": \"cos(x)\", \"D\": \"t\"}}", 0, NULL },
        /* D zero everywhere */
        { "\"conditions\": [{\"type\": \"initial\", \"value\": 0}], \"output_transform\": "
          "{\"g\": \"0\", \"D\": \"0*t\"}}", 0, NULL },
        /* a function the jets cannot differentiate; a parse error; a wrong type; extra fields */
        { "\"conditions\": [{\"type\": \"initial\", \"value\": 0}], \"output_transform\": "
          "{\"g\": \"0\", \"D\": \"t*gamma(2+x)\"}}", 0, NULL },
        { "\"conditions\": [{\"type\": \"initial\", \"value\": 0}], \"output_transform\": "
          "{\"g\": \"0\", \"D\": \"t*(\"}}", 0, NULL },
        { "\"conditions\": [{\"type\": \"initial\", \"value\": 0}], \"output_transform\": 3}", 0,
          NULL },
        { "\"conditions\": [{\"type\": \"initial\", \"value\": 0}], \"output_transform\": "
          "{\"g\": \"0\", \"D\": \"t\", \"N\": \"1\"}}", 0, NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%s", head, cases[i].tail);
        ua_pde_spec *s = NULL;
        ua_status rc = ua_pde_spec_parse(text, strlen(text), "tr.json", &s);
        if (!cases[i].ok) {
            if (rc != UA_EFORMAT && rc != UA_EPARSE) fail_msg("case %zu: status %d", i, (int)rc);
            assert_non_null(strstr(ua_last_error(), "output_transform"));
            continue;
        }
        if (rc) fail_msg("case %zu: %s", i, ua_last_error());
        if (cases[i].g) assert_string_equal(s->transform_g, cases[i].g);
        else assert_null(s->transform_g);
        ua_pde_spec_free(s);
    }
}

/* ---- the problem files ----------------------------------------------------------------------- */

#define EXAMPLES UA_TEST_DIR "/../examples/pde/"

/* A shipped problem file with its solution replaced by an exact one (exact NULL: as shipped). */
static ua_problem *shipped(const char *file, const char *exact)
{
    char path[1024];
    snprintf(path, sizeof path, EXAMPLES "%s", file);
    size_t len;
    char *text = tu_slurp(path, &len);
    assert_non_null(text);
    ua_problem *p = NULL;
    if (!exact) {
        assert_int_equal(ua_pde_problem_parse(text, len, file, &p), UA_OK);
        free(text);
        return p;
    }
    cJSON *root = cJSON_ParseWithLength(text, len);
    assert_non_null(root);
    cJSON_DeleteItemFromObject(root, "reference");
    cJSON_DeleteItemFromObject(root, "exact");
    cJSON_AddStringToObject(root, "exact", exact);
    char *t2 = cJSON_PrintUnformatted(root);
    if (ua_pde_problem_parse(t2, strlen(t2), file, &p) != UA_OK) fail_msg("%s", ua_last_error());
    free(t2);
    cJSON_Delete(root);
    free(text);
    return p;
}

/* The residual of the problem's equation at n points for the function v = ua_problem_eval's
 * solution (scaled by factor), its jet by Richardson-extrapolated central differences (O(h^4)).
 * Returns the largest |R|. */
static double residual_of_solution(const ua_problem *p, double factor, size_t n)
{
    size_t d = ua_problem_dim(p), full = 1 + d + d * (d + 1) / 2;
    const double *lo = ua_problem_lo(p), *hi = ua_problem_hi(p);
    double *x = malloc(n * d * sizeof *x), *jet = malloc(n * full * sizeof *jet);
    double *r = malloc(n * sizeof *r);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < d; a++) /* inside the box, away from its faces */
            x[i * d + a] = lo[a] + (hi[a] - lo[a]) * (0.05 + 0.9 * fmod(0.6180339887 * (double)(i + 1) * (double)(a + 2), 1.0));
    for (size_t i = 0; i < n; i++) {
        double *J = jet + i * full, *xi = x + i * d, f0;
        ua_problem_eval(p, xi, 1, &f0);
        J[0] = factor * f0;
        size_t q = 1 + d;
        for (size_t a = 0; a < d; a++) {
            double d1[2], d2[2];
            for (int k = 0; k < 2; k++) {
                double h = (k ? 0.5e-3 : 1e-3) * (hi[a] - lo[a]) / 2, fp, fm, keep = xi[a];
                xi[a] = keep + h;
                ua_problem_eval(p, xi, 1, &fp);
                xi[a] = keep - h;
                ua_problem_eval(p, xi, 1, &fm);
                xi[a] = keep;
                d1[k] = (fp - fm) / (2 * h);
                d2[k] = (fp - 2 * f0 + fm) / (h * h);
            }
            J[1 + a] = factor * (4 * d1[1] - d1[0]) / 3;
            for (size_t b = a; b < d; b++, q++) {
                if (b == a) {
                    J[q] = factor * (4 * d2[1] - d2[0]) / 3;
                    continue;
                }
                double m[2];
                for (int k = 0; k < 2; k++) {
                    double ha = (k ? 0.5e-3 : 1e-3) * (hi[a] - lo[a]) / 2;
                    double hb = (k ? 0.5e-3 : 1e-3) * (hi[b] - lo[b]) / 2, f[4];
                    double ka = xi[a], kb = xi[b];
                    for (int s = 0; s < 4; s++) {
                        xi[a] = ka + (s < 2 ? ha : -ha);
                        xi[b] = kb + (s % 2 ? -hb : hb);
                        ua_problem_eval(p, xi, 1, &f[s]);
                    }
                    xi[a] = ka, xi[b] = kb;
                    m[k] = (f[0] - f[1] - f[2] + f[3]) / (4 * ha * hb);
                }
                J[q] = factor * (4 * m[1] - m[0]) / 3;
            }
        }
    }
    assert_int_equal(ua_pde_problem_residual(p, x, jet, n, r), UA_OK);
    double mx = 0;
    for (size_t i = 0; i < n; i++) mx = fabs(r[i]) > mx || isnan(r[i]) ? fabs(r[i]) : mx;
    free(x), free(jet), free(r);
    return mx;
}

/* Every shipped equation is satisfied by an exact solution (the residual is ~0 up to the
 * differences' error) and not by a function 10% off it. Burgers: the Cole-Hopf solution for
 * phi = 2 + exp(-nu pi^2 t) cos(pi x); Allen-Cahn: the standing front tanh(x sqrt(5 / (2 d))). */
static void test_residual_of_exact(void **st)
{
    (void)st;
    static const struct {
        const char *file, *exact;
        double tol, off;
    } cases[] = {
        { "poisson.json", NULL, 1e-6, 1 },
        { "helmholtz.json", NULL, 1e-5, 10 },
        { "burgers.json", "2*nu*pi*exp(-nu*pi^2*t)*sin(pi*x)/(2+exp(-nu*pi^2*t)*cos(pi*x))", 1e-9,
          1e-5 },
        { "allen_cahn.json", "tanh(x*sqrt(5/(2*d)))", 1e-4, 0.1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ua_problem *p = shipped(cases[i].file, cases[i].exact);
        double r = residual_of_solution(p, 1.0, 64), r_off = residual_of_solution(p, 1.1, 64);
        print_message("%s: max |R| %.3g for the exact solution, %.3g for 1.1 times it\n",
                      cases[i].file, r, r_off);
        ASSERT_LE(r, cases[i].tol);
        ASSERT_LE(cases[i].off, r_off);
        ua_problem_free(p);
    }
}

/* A Poisson fit in a small budget, with a fixed seed, measured by the engine against the exact
 * solution (not the training loss); saved, loaded and exported: the C code agrees with predict. */
static void test_poisson_fit_export(void **st)
{
    (void)st;
    ua_problem *p = shipped("poisson.json", NULL);
    ua_options *o;
    assert_int_equal(ua_family_options("pde", &o), UA_OK);
    static const char *const kv[] = { "hidden", "16x16", "num-domain", "200", "iterations",
                                      "200", "lbfgs-maxiter", "150", "resample-period", "100",
                                      "seed", "3", "tol", "0.05", NULL };
    for (size_t i = 0; kv[i]; i += 2) assert_int_equal(ua_options_set(o, kv[i], kv[i + 1]), UA_OK);
    ua_model *m = NULL;
    ua_status s = ua_fit(p, "pde", o, NULL, &m);
    ua_options_free(o);
    if (s != UA_OK && s != UA_ENOTRESOLVED) fail_msg("%s", ua_last_error());
    ua_measurement r;
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = 20000;
    assert_int_equal(ua_model_measure(m, p, &mo, &r), UA_OK);
    double rel_l2 = tu_meta_number(m, "rel_l2_err");
    print_message("poisson: relative L2 %.3g, max error %.3g (grid), %.3g (measured)\n", rel_l2,
                  tu_meta_number(m, "grid_max_abs_err"), r.err.max_abs);
    ASSERT_LE(rel_l2, POISSON_REL_L2);
    ASSERT_LE(r.err.max_abs, POISSON_MAX_ERR);
    assert_true(r.has_tol);
    assert_int_equal(r.resolved, r.err.tol_ratio <= 1);
    ua_measurement_free(&r);

    /* save, load: the same values; the export agrees with predict */
    assert_int_equal(ua_model_save(m, tu_path("poisson.uam")), UA_OK);
    ua_model *back;
    assert_int_equal(ua_model_load(tu_path("poisson.uam"), &back), UA_OK);
    double x[2 * 50], y1[50], y2[50];
    for (int i = 0; i < 100; i++) x[i] = fmod(0.7548776662 * (double)(i + 1), 1.0);
    assert_int_equal(ua_model_predict(m, x, 50, y1), UA_OK);
    assert_int_equal(ua_model_predict(back, x, 50, y2), UA_OK);
    assert_memory_equal(y1, y2, sizeof y1);
    ua_compiled *c;
    double (*f)(const double *) = (double (*)(const double *))(uintptr_t)tu_compile_export(
        ua_model_family_vtable(back), ua_model_state(back), UA_EXPORT_DOUBLE, "poisson_u", &c, NULL);
    for (int i = 0; i < 50; i++) ASSERT_LE(fabs(f(x + 2 * i) - y1[i]), 1e-13);
    ua_compiled_free(c);
    ua_model_free(back);
    ua_model_free(m);
    ua_problem_free(p);
}

/* Malformed problem files are refused with a message, never a crash. */
static void test_malformed(void **st)
{
    (void)st;
    static const char *const bad[] = {
        "",
        "not json",
        "[1, 2]",
        "{\"space\": {\"x\": [0, 1]}}",
        "{\"space\": {\"x\": [1, 0]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1e999]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"xy\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx +\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_yy\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"robin\"}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"on\": \"x=0.5\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"initial\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}]}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\", \"reference\": \"burgers\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"reference\": \"heat\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\", \"colour\": 1}",
        "{\"space\": {\"x\": [0, 1]}, \"parameters\": {\"u0\": 1}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1], \"y\": [0, 1], \"z\": [0, 1], \"w\": [0, 1], \"v\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"time\": {\"t\": [0, 1], \"s\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"0\"}",
        "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": \"periodic\", \"variable\": \"t\"}], \"exact\": \"0\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ua_problem *p = (ua_problem *)1;
        ua_status s = ua_pde_problem_parse(bad[i], strlen(bad[i]), "bad.json", &p);
        if (s != UA_EFORMAT && s != UA_EPARSE)
            fail_msg("case %zu: status %d, expected a format or parse error", i, (int)s);
        assert_null(p);
        assert_non_null(strstr(ua_last_error(), "bad.json"));
    }
    ua_problem *p;
    assert_int_equal(ua_pde_problem_read(tu_path("missing.json"), &p), UA_EINVAL);
}

/* An exact solution that is not finite on the box is refused when the file is read (before any
 * training), naming the field and the point: log(x - 2) is NaN on all of [0, 1] (first at
 * x = 0), 1 / (x - 0.5) infinite at the grid point x = 0.5, and in 2-D log(y) at y = 0. */
static void test_exact_not_finite(void **st)
{
    (void)st;
    static const char *const cases[][2] = {
        { "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx+1\", \"conditions\": [{\"type\": "
          "\"dirichlet\", \"value\": 0}], \"exact\": \"log(x-2)\"}", "at x = 0 " },
        { "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx\", \"conditions\": [{\"type\": "
          "\"dirichlet\", \"value\": 0}], \"exact\": \"1/(x-0.5)\"}", "at x = 0.5 " },
        { "{\"space\": {\"x\": [0, 1], \"y\": [0, 2]}, \"equation\": \"u_xx\", \"conditions\": "
          "[{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"x+log(y)\"}",
          "at x = 0, y = 0 " },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ua_problem *p = (ua_problem *)1;
        ua_status s = ua_pde_problem_parse(cases[i][0], strlen(cases[i][0]), "bad.json", &p);
        assert_int_equal(s, UA_EDOMAIN);
        assert_null(p);
        const char *msg = ua_last_error();
        if (!strstr(msg, "bad.json: \"exact\": not finite") || !strstr(msg, cases[i][1]))
            fail_msg("case %zu: message '%s' does not name the field and %s", i, msg, cases[i][1]);
    }
}

/* Only white space may follow the JSON object (text, or NUL bytes within the given length, were
 * ignored), and no object may hold a key twice (cJSON keeps both and the reader saw the first):
 * UA_EFORMAT naming the file, the byte or the key. */
static void test_trailing_and_duplicates(void **st)
{
    (void)st;
    static const char good[] = "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx+2\", "
                               "\"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], "
                               "\"exact\": \"x*(1-x)\"}";
    ua_problem *p = NULL;
    char text[512];
    /* white space after the object is fine */
    snprintf(text, sizeof text, "%s \n\r\t\n", good);
    if (ua_pde_problem_parse(text, strlen(text), "ok.json", &p)) fail_msg("%s", ua_last_error());
    ua_problem_free(p);
    static const struct { const char *tail; size_t tail_len; const char *msg; } tails[] = {
        { "garbage", 7, "text after the JSON object at byte" },
        { "\n{}", 3, "text after the JSON object at byte" },
        { "\0\0xx", 4, "(a NUL byte)" },
        { "\n\0", 2, "(a NUL byte)" },
    };
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        size_t n = strlen(good);
        memcpy(text, good, n);
        memcpy(text + n, tails[i].tail, tails[i].tail_len);
        p = (ua_problem *)1;
        assert_int_equal(ua_pde_problem_parse(text, n + tails[i].tail_len, "bad.json", &p),
                         UA_EFORMAT);
        assert_null(p);
        const char *msg = ua_last_error();
        if (!strstr(msg, "bad.json: ") || !strstr(msg, tails[i].msg))
            fail_msg("tail %zu: message '%s' lacks '%s'", i, msg, tails[i].msg);
    }
    static const char *const dups[][2] = {
        { "{\"space\": {\"x\": [0, 1]}, \"space\": {\"x\": [0, 2]}, \"equation\": \"u_xx+2\", "
          "\"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"x*(1-x)\"}",
          "the field \"space\" appears twice" },
        { "{\"space\": {\"x\": [0, 1], \"x\": [0, 2]}, \"equation\": \"u_xx+2\", "
          "\"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], \"exact\": \"x*(1-x)\"}",
          "the key \"x\" appears twice in \"space\"" },
        { "{\"space\": {\"x\": [0, 1]}, \"equation\": \"u_xx+2\", \"conditions\": "
          "[{\"type\": \"dirichlet\", \"value\": 0, \"value\": 1}], \"exact\": \"x*(1-x)\"}",
          "the key \"value\" appears twice in \"conditions\"" },
        { "{\"space\": {\"x\": [0, 1]}, \"parameters\": {\"k\": 1, \"k\": 2}, \"equation\": "
          "\"u_xx+2*k\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], "
          "\"exact\": \"x*(1-x)\"}", "the key \"k\" appears twice in \"parameters\"" },
    };
    for (size_t i = 0; i < sizeof dups / sizeof *dups; i++) {
        p = (ua_problem *)1;
        assert_int_equal(ua_pde_problem_parse(dups[i][0], strlen(dups[i][0]), "dup.json", &p),
                         UA_EFORMAT);
        assert_null(p);
        const char *msg = ua_last_error();
        if (!strstr(msg, "dup.json: ") || !strstr(msg, dups[i][1]))
            fail_msg("duplicate %zu: message '%s' lacks '%s'", i, msg, dups[i][1]);
    }
}

/* An equation that is NaN or infinite at every point of the box whatever u is has nothing to
 * train on: refused when the file is read (UA_EDOMAIN, naming the equation), where it used to
 * reach "the loss is not finite at Adam step 1". Equations singular only somewhere (1/x at
 * x = 0, 1/(u_x - u_y) where u_x = u_y, sqrt(u - 3) for u < 3) are accepted. */
static void test_equation_not_finite(void **st)
{
    (void)st;
    static const char *const refused[] = { "1/0*u", "log(-1)+u", "u_xx+sqrt(-u*u-1)",
                                           "u_xx+u_yy+0/0" };
    static const char *const accepted[] = { "u_xx+u_yy+1/x", "u_xx+1/(u_x-u_y)",
                                            "u_xx+sqrt(u-3)" };
    char text[512];
    for (size_t i = 0; i < sizeof refused / sizeof *refused + sizeof accepted / sizeof *accepted;
         i++) {
        int refuse = i < sizeof refused / sizeof *refused;
        const char *eq = refuse ? refused[i] : accepted[i - sizeof refused / sizeof *refused];
        snprintf(text, sizeof text, "{\"space\": {\"x\": [0, 1], \"y\": [0, 1]}, \"equation\": "
                 "\"%s\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}], "
                 "\"exact\": \"x*y\"}", eq);
        ua_problem *p = (ua_problem *)1;
        ua_status s = ua_pde_problem_parse(text, strlen(text), "eq.json", &p);
        if (!refuse) {
            if (s) fail_msg("'%s' refused: %s", eq, ua_last_error());
            ua_problem_free(p);
            continue;
        }
        assert_int_equal(s, UA_EDOMAIN);
        assert_null(p);
        char want[128];
        snprintf(want, sizeof want, "eq.json: \"equation\" \"%s\" is NaN or infinite at every "
                 "point tried (961 points", eq);
        if (!strstr(ua_last_error(), want))
            fail_msg("'%s': message '%s' lacks '%s'", eq, ua_last_error(), want);
    }
}

/* A solution near DBL_MAX is measured: on [0, 1e308] the grid's points and the L2 sums stay
 * finite (before: x = 1e308 j / (g - 1) overflowed, and sum u^2 did). A predict of u (1 + 1e-3)
 * against u = x has relative L2 error exactly 1e-3 (up to rounding) and max error 1e-3 * 1e308
 * at x = 1e308. */
static ua_status scaled_predict(const void *ctx, const double *x, size_t n, double *u)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) u[i] = x[i] * (1 + 1e-3);
    return UA_OK;
}

static void test_huge_solution_measured(void **st)
{
    (void)st;
    const char *text = "{\"space\": {\"x\": [0, 1e308]}, \"equation\": \"u_xx\", \"conditions\": "
                       "[{\"type\": \"dirichlet\", \"value\": \"x\"}], \"exact\": \"x\"}";
    ua_problem *p;
    if (ua_pde_problem_parse(text, strlen(text), "big.json", &p)) fail_msg("%s", ua_last_error());
    const ua_pde_spec *s = ua_problem_pde_spec(p);
    ua_pde_errors e;
    if (ua_pde_grid_errors(s, scaled_predict, NULL, 101, &e)) fail_msg("%s", ua_last_error());
    assert_int_equal(e.npoints, 101);
    assert_true(fabs(e.rel_l2 - 1e-3) <= 1e-12);
    assert_true(fabs(e.max_abs - 1e305) <= 1e-10 * 1e305);
    assert_true(e.x_max_abs[0] == 1e308);
    assert_true(e.scale == 1e308);
    /* rms of 1e-3 x over x = 1e308 j / 100, j = 0..100: 1e305 sqrt(sum j^2 / 100^2 / 101) */
    double rms = 1e305 * sqrt(100.0 * 101 * 201 / 6 / 1e4 / 101);
    assert_true(fabs(e.rms_abs - rms) <= 1e-12 * rms);
    ua_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jet_closed_form),
        cmocka_unit_test(test_jet_fd),
        cmocka_unit_test(test_backward_fd),
        cmocka_unit_test(test_transform_closed_form),
        cmocka_unit_test(test_loss_gradient),
        cmocka_unit_test(test_transform_files),
        cmocka_unit_test(test_residual_of_exact),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_exact_not_finite),
        cmocka_unit_test(test_trailing_and_duplicates),
        cmocka_unit_test(test_equation_not_finite),
        cmocka_unit_test(test_huge_solution_measured),
        cmocka_unit_test(test_poisson_fit_export),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
