/* Proven bounds for low-rank Chebyshev models (chebnd, d = 2 and 3) by the n-D Taylor-model
 * prover (src/prove/tm_prove.c) through the family's Taylor-model hook (src/chebnd/bounds.c):
 * fits of smooth formulas get a proven bound on max |model - f| within 1.1x of the measured
 * maximum (asserted < 2: the first-order grid prover this replaced reached 4.8e5x, 2.9e3x and
 * 74x on the first three), and no MPFR evaluation at 20000-40000 random points exceeds it; a
 * narrow bump between the model's points, a pole just outside the box and a zero line inside
 * are covered; the target shifted by 1e-6 cos(xy) moves the bound to cover the shift (a prover
 * that ignored f's model or trusted samples alone would fail); a pole inside is refused with its
 * place. Cell budgets, not time limits, keep the runs deterministic. The hook's output and
 * derivative enclosures (the bound-propagation hooks) hold at random points of a sub-box. */
#include <math.h>
#include "test_util.h"
#include "uniapprox/prove.h"
#include "uniapprox/lipschitz.h"
#include "core/internal.h" /* ua_rng */

static ua_model *fit_chebnd(const ua_target *t, size_t d, const char *tol, const char *maxlen)
{
    const double lo[] = { -1, -1, -1 }, hi[] = { 1, 1, 1 };
    ua_problem *p;
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    (void)d;
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("chebnd", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "tol", tol), UA_OK);
    if (maxlen) assert_int_equal(ua_options_set(o, "max-length", maxlen), UA_OK);
    ua_model *m = NULL;
    ua_status s = ua_fit(p, "chebnd", o, NULL, &m);
    if (s != UA_OK && s != UA_ENOTRESOLVED) fail_msg("fit: %s", ua_last_error());
    ua_options_free(o);
    ua_problem_free(p);
    return m;
}

/* The largest |m - f| over n random points of [-1, 1]^d (plus the extra point, if any), f in
 * MPFR at 128 bits. */
static double sampled_max(const ua_model *m, const ua_target *t, size_t d, size_t n,
                          const double *extra)
{
    double *x = malloc((n + 1) * d * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    ua_rng rng;
    ua_rng_seed(&rng, 5);
    for (size_t i = 0; i < n * d; i++) x[i] = 2 * ua_rng_uniform(&rng) - 1;
    if (extra) memcpy(x + n * d, extra, d * sizeof *x);
    size_t N = extra ? n + 1 : n;
    assert_int_equal(ua_model_predict(m, x, N, y), UA_OK);
    double worst = 0;
    for (size_t i = 0; i < N; i++)
        worst = fmax(worst, fabs(y[i] - ua_target_eval_ref(t, x + d * i, 128)));
    free(x);
    free(y);
    return worst;
}

static void prove_and_check(const char *expr, size_t d, const char *tol, const char *maxlen,
                            const char *against, const double *extra, size_t cells, double ratio)
{
    const char *vars[] = { "x", "y", "z" };
    ua_target *t, *g;
    assert_int_equal(ua_target_parse(expr, vars, d, &t), UA_OK);
    assert_int_equal(ua_target_parse(against ? against : expr, vars, d, &g), UA_OK);
    ua_model *m = fit_chebnd(t, d, tol, maxlen);
    ua_prove_options po = { .target_ratio = 1.1, .time_limit = 600, .max_pieces = cells };
    ua_proof pf;
    assert_int_equal(ua_model_prove(m, g, &po, &pf), UA_OK);
    if (!pf.proven) fail_msg("not proven: %s", pf.why);
    double sm = sampled_max(m, g, d, d == 2 ? 40000 : 20000, extra), meas = fmax(sm, pf.measured);
    print_message("chebnd %s (tol %s)%s%s: proven %.4g, measured %.4g (prover %.4g, sampled "
                  "%.4g), ratio %.3f, %zu cells, rounding %.3g, %.2f s\n", expr, tol,
                  against ? " against " : "", against ? against : "", pf.bound, meas,
                  pf.measured, sm, pf.bound / meas, pf.pieces, pf.rounding, pf.seconds);
    ASSERT_LE(sm, pf.bound); /* the proof holds at every evaluated point */
    ASSERT_LE(pf.measured, pf.bound);
    ASSERT_LE(pf.bound, ratio * meas);
    assert_string_equal(pf.method, "taylor-model-nd");
    ua_model_free(m);
    ua_target_free(t);
    ua_target_free(g);
}

static void test_gauss2(void **state)
{
    (void)state;
    prove_and_check("exp(-x^2-y^2)", 2, "1e-6", NULL, NULL, NULL, 4000, 2);
}

static void test_cos_exp3(void **state)
{
    (void)state;
    prove_and_check("cos(x+2*y)*exp(z)", 3, "1e-4", NULL, NULL, NULL, 4000, 2);
}

/* The model of exp(-x^2-y^2) proven against the same function plus a bump of height 1e-3 and
 * width 0.01 centred between grid points: the bound must cover the bump's peak. */
static void test_bump(void **state)
{
    (void)state;
    const double peak[] = { 0.3137, -0.2718 };
    prove_and_check("exp(-x^2-y^2)", 2, "1e-6", NULL,
                    "exp(-x^2-y^2)+1e-3*exp(-((x-0.3137)^2+(y+0.2718)^2)/1e-4)", peak, 4000, 2);
}

/* A coarser fit (an error of about 5e-4): the first-order prover gets within 74x. */
static void test_rough2(void **state)
{
    (void)state;
    prove_and_check("sin(9*x)*cos(8*y)", 2, "1e-4", "17", NULL, NULL, 4000, 2);
}

/* The hook's enclosures of the value and of each partial derivative over a sub-box contain the
 * model's values and gradients (from predict and gradient) at random points of it. */
static void test_hook_encloses(void **state)
{
    (void)state;
    const char *vars[] = { "x", "y", "z" };
    ua_target *t;
    assert_int_equal(ua_target_parse("cos(x+2*y)*exp(z)", vars, 3, &t), UA_OK);
    ua_model *m = fit_chebnd(t, 3, "1e-10", NULL);
    const double lo[] = { -0.3, 0.1, 0.5 }, hi[] = { 0.1, 0.15, 0.9 };
    double olo, ohi, L, jl[3], ju[3];
    assert_int_equal(ua_model_bound_output(m, lo, hi, UA_BOUND_IBP, &olo, &ohi), UA_OK);
    assert_int_equal(ua_model_lipschitz_box(m, lo, hi, UA_NORM_INF, NULL, &L, jl, ju), UA_OK);
    ua_rng rng;
    ua_rng_seed(&rng, 9);
    double vmin = INFINITY, vmax = -INFINITY;
    for (int k = 0; k < 2000; k++) {
        double x[3], y, gr[3];
        for (int i = 0; i < 3; i++) x[i] = lo[i] + (hi[i] - lo[i]) * ua_rng_uniform(&rng);
        assert_int_equal(ua_model_predict(m, x, 1, &y), UA_OK);
        assert_int_equal(ua_model_gradient(m, x, 1, gr), UA_OK);
        ASSERT_LE(olo, y + 1e-14);
        ASSERT_LE(y - 1e-14, ohi);
        vmin = fmin(vmin, y);
        vmax = fmax(vmax, y);
        double l1 = 0;
        for (int i = 0; i < 3; i++) {
            ASSERT_LE(jl[i], gr[i] + 1e-12);
            ASSERT_LE(gr[i] - 1e-12, ju[i]);
            l1 += fabs(gr[i]);
        }
        ASSERT_LE(l1, L + 1e-12);
    }
    /* the enclosure is not trivially wide: within 20% of the sampled range on this small box */
    ASSERT_LE(ohi - olo, 2 * (vmax - vmin));
    /* over the whole box the global coefficient bounds keep the range near the truth, +-e (the
     * Taylor form alone, without them, gave +-8.6e5 on the whole box of a sin(9x)cos(8y) fit) */
    assert_int_equal(ua_model_bound_output(m, NULL, NULL, UA_BOUND_IBP, &olo, &ohi), UA_OK);
    print_message("whole box: the output enclosed in [%.6g, %.6g]\n", olo, ohi);
    ASSERT_LE(olo, -exp(1.0) + 1e-6);
    ASSERT_LE(exp(1.0) - 1e-6, ohi);
    ASSERT_LE(ohi - olo, 5 * exp(1.0)); /* 4.62 e reached */
    ua_model_free(m);
    ua_target_free(t);
}

/* A 2-D fit of higher rank (the fits above are of rank 1 in 2-D): every factor column counts. */
static void test_rank2(void **state)
{
    (void)state;
    prove_and_check("log(3+x*y)+cos(x+2*y)", 2, "1e-8", NULL, NULL, NULL, 8000, 2);
}

/* A pole just outside the box: 1/(x - 1.1) * exp(y) (the cells next to x = 1 need a small
 * radius for the Taylor model of 1/(x - 1.1) to converge). */
static void test_pole_outside(void **state)
{
    (void)state;
    prove_and_check("exp(y)/(x-1.1)", 2, "1e-6", NULL, NULL, NULL, 8000, 2);
}

/* f has a zero line inside the box (the bound is absolute, the relative error meaningless). */
static void test_zero_inside(void **state)
{
    (void)state;
    prove_and_check("sin(3*x)*(y-0.2)", 2, "1e-7", NULL, NULL, NULL, 8000, 2);
}

/* A wrong implementation fails here: the model proven against f + 1e-6 (its error is about 1e-9)
 * must get a bound of at least 1e-6 - 1e-9, and still within 1.1x of what is measured. */
static void test_perturbed(void **state)
{
    (void)state;
    const char *vars[] = { "x", "y" };
    ua_target *t, *g;
    assert_int_equal(ua_target_parse("exp(-x^2-y^2)", vars, 2, &t), UA_OK);
    assert_int_equal(ua_target_parse("exp(-x^2-y^2)+1e-6*cos(x*y)", vars, 2, &g), UA_OK);
    ua_model *m = fit_chebnd(t, 2, "1e-6", NULL);
    ua_proof pf;
    ua_prove_options po = { .target_ratio = 1.1, .time_limit = 600, .max_pieces = 4000 };
    assert_int_equal(ua_model_prove(m, g, &po, &pf), UA_OK);
    assert_true(pf.proven);
    print_message("against f + 1e-6 cos(xy): bound %.6g, measured %.6g, %zu cells\n", pf.bound,
                  pf.measured, pf.pieces);
    ASSERT_LE(1e-6 - 2e-9, pf.bound);
    ASSERT_LE(pf.bound, 1.1 * pf.measured);
    ASSERT_LE(sampled_max(m, g, 2, 20000, NULL), pf.bound);
    ua_model_free(m);
    ua_target_free(t);
    ua_target_free(g);
}

/* A pole inside the box: "not proven", with the place and the function named; a built-in target
 * has no ball form. */
static void test_refused(void **state)
{
    (void)state;
    const char *vars[] = { "x", "y" };
    ua_target *t, *g;
    assert_int_equal(ua_target_parse("exp(-x^2-y^2)", vars, 2, &t), UA_OK);
    assert_int_equal(ua_target_parse("1/(x-0.3)+y", vars, 2, &g), UA_OK);
    ua_model *m = fit_chebnd(t, 2, "1e-6", NULL);
    ua_proof pf;
    ua_prove_options po = { .target_ratio = 1.1, .time_limit = 600, .max_pieces = 20000 };
    assert_int_equal(ua_model_prove(m, g, &po, &pf), UA_OK);
    assert_false(pf.proven);
    assert_true(isinf(pf.bound));
    print_message("not proven: %s\n", pf.why);
    assert_non_null(strstr(pf.why, "near (0.3"));
    assert_non_null(strstr(pf.why, "division"));
    ua_model_free(m);
    ua_target_free(t);
    ua_target_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hook_encloses),
        cmocka_unit_test(test_gauss2),
        cmocka_unit_test(test_cos_exp3),
        cmocka_unit_test(test_bump),
        cmocka_unit_test(test_rough2),
        cmocka_unit_test(test_rank2),
        cmocka_unit_test(test_pole_outside),
        cmocka_unit_test(test_zero_inside),
        cmocka_unit_test(test_perturbed),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
