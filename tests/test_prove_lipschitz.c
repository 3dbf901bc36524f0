/* The grid-and-Lipschitz prover of networks (ua_prove_lipschitz_grid, uniapprox/prove.h): an mlp
 * fitted to exp(-x^2-y^2) on [-1, 1]^2 gets a proven bound on max |model - f| that no MPFR
 * evaluation at 40000 random points exceeds and that is within 3x of the measured maximum (the
 * issue's goal), for a float32 network (the default, whose own rounding is part of the bound) and
 * a float64 one; a proof refused for a target that is not defined on the whole box. */
#include <math.h>
#include "test_util.h"
#include "uniapprox/prove.h"
#include "uniapprox/lipschitz.h"
#include "core/internal.h" /* ua_rng */

static ua_model *fit_mlp(const ua_target *t, const char *dtype)
{
    const double lo[] = { -1, -1 }, hi[] = { 1, 1 };
    ua_problem *p;
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("mlp", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "hidden", "32x32"), UA_OK);
    assert_int_equal(ua_options_set(o, "activation", "tanh"), UA_OK);
    assert_int_equal(ua_options_set(o, "dtype", dtype), UA_OK);
    assert_int_equal(ua_options_set(o, "optim", "lbfgs"), UA_OK);
    assert_int_equal(ua_options_set(o, "epochs", "300"), UA_OK);
    assert_int_equal(ua_options_set(o, "samples", "1000"), UA_OK);
    assert_int_equal(ua_options_set(o, "threads", "1"), UA_OK);
    ua_model *m = NULL;
    ua_status s = ua_fit(p, "mlp", o, NULL, &m);
    if (s != UA_OK && s != UA_ENOTRESOLVED) fail_msg("fit: %s", ua_last_error());
    ua_options_free(o);
    ua_problem_free(p);
    return m;
}

/* The largest |m - f| over 40000 random points of the box, f in MPFR at 128 bits. */
static double sampled_max(const ua_model *m, const ua_target *t)
{
    enum { N = 40000 };
    double *x = malloc(2 * N * sizeof *x), *y = malloc(N * sizeof *y);
    ua_rng rng;
    ua_rng_seed(&rng, 3);
    for (size_t i = 0; i < 2 * N; i++) x[i] = 2 * ua_rng_uniform(&rng) - 1;
    assert_int_equal(ua_model_predict(m, x, N, y), UA_OK);
    double worst = 0;
    for (size_t i = 0; i < N; i++)
        worst = fmax(worst, fabs(y[i] - ua_target_eval_ref(t, x + 2 * i, 128)));
    free(x);
    free(y);
    return worst;
}

/* The f64 model, kept for the refusal test (one fit fewer). */
static ua_model *kept;

static void check_gaussian(const char *dtype)
{
    const char *vars[] = { "x", "y" };
    ua_target *t;
    assert_int_equal(ua_target_parse("exp(-x^2-y^2)", vars, 2, &t), UA_OK);
    ua_model *m = fit_mlp(t, dtype);
    /* the time limit only guards: the target ratio stops it (deterministic), in ~4 s in Release */
    ua_prove_options po = { .target_ratio = 1.5, .time_limit = 120 };
    ua_proof pf;
    assert_int_equal(ua_prove_lipschitz_grid(m, t, &po, &pf), UA_OK);
    if (!pf.proven) fail_msg("not proven: %s", pf.why);
    double sm = sampled_max(m, t), meas = fmax(sm, pf.measured);
    print_message("%s mlp on exp(-x^2-y^2): proven %.4g, measured %.4g (prover %.4g, sampled "
                  "%.4g), ratio %.3f, %zu cells, rounding %.3g, %.2f s\n", dtype, pf.bound, meas,
                  pf.measured, sm, pf.bound / meas, pf.pieces, pf.rounding, pf.seconds);
    ASSERT_LE(sm, pf.bound);          /* the proof holds at every evaluated point */
    ASSERT_LE(pf.measured, pf.bound);
    ASSERT_LE(pf.bound, 3 * meas);    /* the goal: within 3x of the measured maximum */
    assert_string_equal(pf.method, "lipschitz-grid");
    if (!kept && !strcmp(dtype, "f64")) kept = m;
    else ua_model_free(m);
    ua_target_free(t);
}

static void test_gaussian_f32(void **state)
{
    (void)state;
    check_gaussian("f32");
}

static void test_gaussian_f64(void **state)
{
    (void)state;
    check_gaussian("f64");
}

/* A target with a pole inside the box: no proof, and the reason. */
static void test_pole_refused(void **state)
{
    (void)state;
    const char *vars[] = { "x", "y" };
    ua_target *g;
    assert_int_equal(ua_target_parse("1/(x-0.3)", vars, 2, &g), UA_OK);
    assert_non_null(kept);
    ua_model *m = kept;
    kept = NULL;
    ua_prove_options po = { .time_limit = 5 };
    ua_proof pf;
    assert_int_equal(ua_prove_lipschitz_grid(m, g, &po, &pf), UA_OK);
    assert_int_equal(pf.proven, 0);
    assert_true(isinf(pf.bound));
    assert_true(strlen(pf.why) > 0);
    ua_model_free(m);
    ua_target_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gaussian_f32),
        cmocka_unit_test(test_gaussian_f64),
        cmocka_unit_test(test_pole_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
