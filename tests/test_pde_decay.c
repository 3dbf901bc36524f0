/*
 * tests/test_pde_decay.c — the pde family's learning-rate decay of the Adam phase (--decay,
 * --decay-steps, --decay-rate): ua_pde_decay_lr against the schedules' closed forms and against
 * PyTorch's chainable (recursive) forms of ExponentialLR and CosineAnnealingLR recomputed here,
 * the rate a fit records for its last Adam step and every step's rate at odd and small counts
 * with the default decay-steps, bad rates and a rate or steps without a decay refused, and a
 * small heat-equation fit with a decay measured against the exact solution.
 */
#define TU_SCRATCH_TAG "ua_test_pde_decay"
#include "model/family.h"
#include "test_util.h"

#include <math.h>

#include "uniapprox/pde.h"
#include "pde/internal.h"
#include "core/internal.h"

/* The heat fit of test_heat_fit_decay (10x10 tanh, 200 fixed interior points, u = sin(pi x) +
 * 4x(1-x) t N, 400 Adam steps with the cosine decay from 1e-2 to 1e-4, causal training off, then
 * 100 L-BFGS, seed 2): measured relative L2 error 1.15e-4 against exp(-k pi^2 t) sin(pi x); the
 * bound leaves a factor of about 4 for other BLAS kernels and compilers. The decay is not what
 * makes it small (lr 1e-2 constant measured 1.10e-4, 1e-3 2.40e-4): the test asserts that a fit
 * with a decay trains to the exact solution. */
#define HEAT_DECAY_REL_L2 5e-4

static const char heat[] =
    "{\"space\": {\"x\": [0, 1]}, \"time\": {\"t\": [0, 1]}, \"parameters\": {\"k\": 0.1}, "
    "\"equation\": \"u_t - k*u_xx\", \"conditions\": [{\"type\": \"dirichlet\", \"value\": 0}, "
    "{\"type\": \"initial\", \"value\": \"sin(pi*x)\"}], \"exact\": \"exp(-k*pi^2*t)*sin(pi*x)\"}";

#define PI 3.14159265358979323846
#define REL(a, b) (fabs((a) - (b)) / fabs(b))

/* Closed forms by hand, and PyTorch's recursive forms (torch.optim.lr_scheduler: ExponentialLR
 * lr_k = gamma lr_{k-1}; StepLR lr_k = gamma lr_{k-1} when k % step_size == 0;
 * CosineAnnealingLR lr_k = eta_min + (lr_{k-1} - eta_min) (1 + cos(pi k / T)) /
 * (1 + cos(pi (k - 1) / T)) for k <= T). */
static void test_decay_closed_form(void **st)
{
    (void)st;
    const double lr = 1e-3;
    for (size_t t = 0; t < 50; t += 7)
        assert_true(ua_pde_decay_lr(UA_PDE_DECAY_NONE, lr, 10, 0.5, t) == lr);
    /* inverse time (DeepXDE's ("inverse time", 100, 9)): lr / (1 + 9 t / 100) */
    ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_INVERSE_TIME, lr, 100, 9, 0), 1e-3), 1e-15);
    ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_INVERSE_TIME, lr, 100, 9, 50), 1e-3 / 5.5), 1e-15);
    ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_INVERSE_TIME, lr, 100, 9, 100), 1e-4), 1e-15);
    ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_INVERSE_TIME, lr, 2000, 0.9, 4000), 1e-3 / 2.8),
              1e-15);
    /* exponential over 100 steps to 0.1: 1e-4 at t = 100, 10^-4.5 at t = 150 */
    ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_EXPONENTIAL, lr, 100, 0.1, 100), 1e-4), 1e-14);
    ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_EXPONENTIAL, lr, 100, 0.1, 150),
                  3.1622776601683795e-05), 1e-14);
    /* PyTorch's ExponentialLR(gamma 0.93): decay-steps 1 */
    double e = lr;
    for (size_t k = 0; k <= 40; k++, e *= 0.93)
        ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_EXPONENTIAL, lr, 1, 0.93, k), e), 1e-13);
    /* PyTorch's StepLR(step_size 7, gamma 0.3) */
    double sv = lr;
    for (size_t k = 0; k <= 30; k++) {
        if (k && k % 7 == 0) sv *= 0.3;
        ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_STEP, lr, 7, 0.3, k), sv), 1e-14);
    }
    assert_true(ua_pde_decay_lr(UA_PDE_DECAY_STEP, lr, 7, 0.3, 6) == lr);
    /* PyTorch's CosineAnnealingLR(T_max 20, eta_min 2e-4): rate = eta_min / lr = 0.2 */
    const double T = 20, emin = 2e-4;
    double c = lr;
    for (size_t k = 0; k <= 20; k++) {
        if (k) c = emin + (c - emin) * (1 + cos(PI * (double)k / T)) /
                              (1 + cos(PI * (double)(k - 1) / T));
        ASSERT_LE(fabs(ua_pde_decay_lr(UA_PDE_DECAY_COSINE, lr, 20, 0.2, k) - c), 1e-15 * lr);
    }
    ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_COSINE, lr, 20, 0.2, 10), 6e-4), 1e-15);
    /* after decay-steps the cosine stays at its floor (PyTorch's rises again) */
    ASSERT_LE(REL(ua_pde_decay_lr(UA_PDE_DECAY_COSINE, lr, 20, 0.2, 35), emin), 1e-15);
    assert_true(ua_pde_decay_lr(UA_PDE_DECAY_COSINE, lr, 20, 0, 20) == 0);
}

static ua_status fit_heat(const char *const *kv, ua_model **m)
{
    ua_problem *p = NULL;
    assert_int_equal(ua_pde_problem_parse(heat, strlen(heat), "heat.json", &p), UA_OK);
    ua_options *o;
    assert_int_equal(ua_family_options("pde", &o), UA_OK);
    ua_status s = UA_OK;
    for (size_t i = 0; kv[i] && !s; i += 2) s = ua_options_set(o, kv[i], kv[i + 1]);
    if (!s) s = ua_fit(p, "pde", o, NULL, m);
    ua_options_free(o);
    ua_problem_free(p);
    return s;
}

/* A fit records the rate of its last Adam step (t = iterations - 1), printed to 6 digits; the
 * default decay-steps (iterations - 1; step: ceil(iterations / 2)) put that step at lr rate. */
static void test_fit_lr_final(void **st)
{
    (void)st;
    struct {
        const char *decay, *rate, *steps;
        double want;
    } c[] = {
        { "none", NULL, NULL, 2e-3 },
        { "exponential", "0.5", NULL, 2e-3 * 0.5 },  /* steps 49: 0.5^(49 / 49) */
        { "exponential", "0.5", "50", 2e-3 * pow(0.5, 49.0 / 50) },
        { "step", NULL, NULL, 2e-4 },        /* defaults: steps 25, rate 0.1: 2e-3 0.1^1 */
        { "step", "0.5", "10", 2e-3 / 16 },  /* floor(49 / 10) = 4 */
        { "inverse-time", NULL, NULL, 2e-4 }, /* steps 49: 2e-3 / (1 + 9) */
        { "inverse-time", NULL, "50", 2e-3 / (1 + 9 * 49.0 / 50) },
        { "cosine", NULL, NULL, 2e-4 },      /* steps 49: 2e-3 (0.1 + 0.9 (1 + cos pi) / 2) */
        { "cosine", NULL, "50", 2e-3 * (0.1 + 0.9 * 0.5 * (1 + cos(PI * 49 / 50))) },
        { "cosine", "0", "10", 0 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const char *kv[20] = { "iterations", "50", "lbfgs-maxiter", "0", "num-domain", "40",
                               "hidden", "4", "lr", "0.002", "decay", c[i].decay };
        size_t n = 12;
        if (c[i].rate) kv[n++] = "decay-rate", kv[n++] = c[i].rate;
        if (c[i].steps) kv[n++] = "decay-steps", kv[n++] = c[i].steps;
        kv[n] = NULL;
        ua_model *m = NULL;
        if (fit_heat(kv, &m) != UA_OK) fail_msg("%s: %s", c[i].decay, ua_last_error());
        double got = tu_meta_number(m, "lr_final");
        if (c[i].want == 0) assert_true(got == 0);
        else ASSERT_LE(REL(got, c[i].want), 1e-5);
        ua_model_free(m);
    }
}

/* The rate of every Adam step of a fit (the epoch hook: every step while iterations < 200). */
typedef struct {
    double lr[256];
    size_t n;
} lr_log;

static void log_epoch(void *ctx, size_t epoch, size_t epochs, double train, double val,
                      double lr, double seconds, int improved)
{
    (void)epochs, (void)train, (void)val, (void)seconds, (void)improved;
    lr_log *g = ctx;
    assert_int_equal(epoch, g->n + 1); /* one call per Adam step, in order */
    g->lr[g->n++] = lr;
}

/* The default schedules at small and odd step counts, step by step: the closed forms with the
 * documented default decay-steps (iterations - 1; step: ceil(iterations / 2)), PyTorch's StepLR
 * and CosineAnnealingLR recursions with those step sizes, and the last step at exactly lr / 10
 * (one step: lr). Step at 101 iterations ended at lr / 100 when its steps were floor(101 / 2). */
static void test_default_schedule_odd(void **st)
{
    (void)st;
    const size_t counts[] = { 1, 2, 3, 4, 101 };
    const char *kinds[] = { "inverse-time", "exponential", "step", "cosine" };
    const double lr = 2e-3;
    for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++)
        for (size_t k = 0; k < 4; k++) {
            size_t n = counts[ci];
            char iters[16];
            snprintf(iters, sizeof iters, "%zu", n);
            ua_problem *p = NULL;
            assert_int_equal(ua_pde_problem_parse(heat, strlen(heat), "heat.json", &p), UA_OK);
            ua_options *o;
            assert_int_equal(ua_family_options("pde", &o), UA_OK);
            const char *kv[] = { "iterations", iters, "lbfgs-maxiter", "0", "num-domain", "20",
                                 "hidden", "3", "lr", "0.002", "resample-period", "0",
                                 "decay", kinds[k], NULL };
            for (size_t i = 0; kv[i]; i += 2)
                assert_int_equal(ua_options_set(o, kv[i], kv[i + 1]), UA_OK);
            lr_log g = { .n = 0 };
            ua_fit_hooks h = { .epoch = log_epoch, .ctx = &g };
            ua_model *m = NULL;
            if (ua_fit(p, "pde", o, &h, &m) != UA_OK)
                fail_msg("%s %zu: %s", kinds[k], n, ua_last_error());
            assert_int_equal(g.n, n);
            size_t steps = k == 2 ? (n + 1) / 2 : n > 1 ? n - 1 : 1;
            double sv = lr, c = lr, emin = 0.1 * lr;
            size_t low = 0;
            for (size_t t = 0; t < n; t++) {
                double x = (double)t / (double)steps, want;
                if (t && k == 2 && t % steps == 0) sv *= 0.1;           /* StepLR */
                if (t && t <= steps)                                     /* CosineAnnealingLR */
                    c = emin + (c - emin) * (1 + cos(PI * (double)t / (double)steps)) /
                                   (1 + cos(PI * (double)(t - 1) / (double)steps));
                switch (k) {
                case 0: want = lr / (1 + 9 * x); break;
                case 1: want = lr * pow(0.1, x); break;
                case 2: want = sv; break;
                default: want = c; break;
                }
                if (k == 2) ASSERT_LE(REL(g.lr[t], lr * pow(0.1, floor(x))), 1e-15);
                if (k == 3) ASSERT_LE(REL(g.lr[t], lr * (0.1 + 0.45 * (1 + cos(PI * fmin(x, 1))))),
                                      1e-15);
                ASSERT_LE(REL(g.lr[t], want), 1e-13);
                low += g.lr[t] < lr;
            }
            ASSERT_LE(REL(g.lr[n - 1], n > 1 ? lr / 10 : lr), 1e-15);
            ASSERT_LE(REL(tu_meta_number(m, "lr_final"), n > 1 ? lr / 10 : lr), 1e-5);
            /* step: the second half at lr / 10, the last floor(n / 2) steps */
            if (k == 2) assert_int_equal(low, n / 2);
            ua_model_free(m);
            ua_options_free(o);
            ua_problem_free(p);
        }
}

/* --decay-rate and --decay-steps change nothing without a decay: refused, naming the option. */
static void test_decay_options_need_decay(void **st)
{
    (void)st;
    const char *cases[][4] = { { "decay-rate", "0.5", NULL, NULL },
                               { "decay-steps", "10", NULL, NULL },
                               { "decay", "none", "decay-rate", "0.5" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *kv[] = { "iterations", "2", "lbfgs-maxiter", "0", cases[i][0], cases[i][1],
                             cases[i][2], cases[i][3], NULL };
        ua_model *m = NULL;
        assert_int_equal(fit_heat(kv, &m), UA_EINVAL);
        assert_null(m);
        const char *name = cases[i][2] ? cases[i][2] : cases[i][0];
        assert_non_null(strstr(ua_last_error(), name));
        assert_non_null(strstr(ua_last_error(), "has no effect with --decay none"));
    }
}

static void test_bad_rates(void **st)
{
    (void)st;
    const char *bad[][2] = { { "step", "2" }, { "exponential", "0" }, { "exponential", "1.5" },
                             { "cosine", "1.5" }, { "inverse-time", "-1" } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *kv[] = { "decay", bad[i][0], "decay-rate", bad[i][1], "iterations", "1",
                             "lbfgs-maxiter", "0", NULL };
        ua_model *m = NULL;
        assert_int_equal(fit_heat(kv, &m), UA_EINVAL);
        assert_null(m);
    }
    const char *kv[] = { "decay", "sideways", NULL };
    ua_model *m = NULL;
    assert_int_equal(fit_heat(kv, &m), UA_EINVAL);
    assert_null(m);
}

static void test_heat_fit_decay(void **st)
{
    (void)st;
    static const char *const kv[] = { "hidden", "10x10", "num-domain", "200", "iterations",
                                      "400", "lbfgs-maxiter", "100", "resample-period", "0",
                                      "causal-epsilon", "0", "lr", "0.01", "decay", "cosine",
                                      "decay-rate", "0.01", "seed", "2", NULL };
    ua_model *m = NULL;
    ua_status s = fit_heat(kv, &m);
    if (s != UA_OK) fail_msg("%s", ua_last_error());
    double rel = tu_meta_number(m, "rel_l2_err");
    print_message("heat, cosine decay 1e-2 -> 1e-4: relative L2 %.3g, lr_final %.6g\n", rel,
                  tu_meta_number(m, "lr_final"));
    ASSERT_LE(rel, HEAT_DECAY_REL_L2);
    ua_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decay_closed_form),
        cmocka_unit_test(test_fit_lr_final),
        cmocka_unit_test(test_default_schedule_odd),
        cmocka_unit_test(test_decay_options_need_decay),
        cmocka_unit_test(test_bad_rates),
        cmocka_unit_test(test_heat_fit_decay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
