/*
 * tests/test_pde.c — the pde family: forward-mode derivatives of the network against closed
 * forms and central differences, the reverse pass against differences of the loss, the residual
 * of exact solutions of every shipped equation, a Poisson fit measured against its exact
 * solution, the export against predict, and malformed problem files refused.
 */
#define TU_SCRATCH_TAG "ua_test_pde"
#include "test_util.h"

#include <math.h>

#include "uniapprox/pde.h"
#include "pde/internal.h"
#include "pde/loss.h"
#include "core/internal.h"

#define PI 3.14159265358979323846

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

/* Jets of random networks of each kind against central differences of predict. */
static void check_jet_fd(ua_pde_arch arch, ua_pde_act act)
{
    ua_pde_net net;
    double lo[2] = { -1, 0 }, hi[2] = { 1, 3 };
    size_t hidden[2] = { 6, 5 };
    assert_int_equal(ua_pde_net_init(&net, 2, lo, hi, act, arch, 4, hidden, 2), UA_OK);
    ua_pde_net_randomize(&net, 7, arch == UA_PDE_NET_GAUSSIAN ? 0.6 : 0.8);
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

static void test_jet_fd(void **st)
{
    (void)st;
    check_jet_fd(UA_PDE_NET_MLP, UA_PDE_TANH);
    check_jet_fd(UA_PDE_NET_MLP, UA_PDE_SIN);
    check_jet_fd(UA_PDE_NET_FOURIER, UA_PDE_TANH);
    check_jet_fd(UA_PDE_NET_GAUSSIAN, UA_PDE_TANH);
}

/* The reverse pass: d/dtheta of sum gu . jet against central differences in each parameter. */
static void check_backward(ua_pde_arch arch, ua_pde_act act)
{
    ua_pde_net net;
    double lo[2] = { -1, 0 }, hi[2] = { 1, 3 };
    size_t hidden[2] = { 5, 4 };
    assert_int_equal(ua_pde_net_init(&net, 2, lo, hi, act, arch, 3, hidden, 2), UA_OK);
    ua_pde_net_randomize(&net, 11, arch == UA_PDE_NET_GAUSSIAN ? 0.7 : 0.8);
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

static void test_backward_fd(void **st)
{
    (void)st;
    check_backward(UA_PDE_NET_MLP, UA_PDE_TANH);
    check_backward(UA_PDE_NET_MLP, UA_PDE_SIN);
    check_backward(UA_PDE_NET_FOURIER, UA_PDE_SIN);
    check_backward(UA_PDE_NET_GAUSSIAN, UA_PDE_TANH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jet_closed_form),
        cmocka_unit_test(test_jet_fd),
        cmocka_unit_test(test_backward_fd),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
