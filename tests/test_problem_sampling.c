/* How a formula problem is sampled (--sample-prec: double, MPFR, or auto by a probe) and its
 * removable singularities (--fill-removable), through the public problem API and ua_fit with the
 * cheb family. Every value is checked against an independent source: MPFR at 256 bits
 * (ua_target_eval_ref) for samples, closed forms for limits (d/dx log((x+3)/4) at 1 = 1/4,
 * lim x^2/sinh(x^2) = 1, lim (sin x - x)/x^3 = -1/6, lim sin(xy)/(xy) = 1). */
#include <math.h>

#include "test_util.h"

static ua_problem *formula(const char *spec, const char *const *vars, size_t d, double a,
                           double b)
{
    ua_target *t;
    assert_int_equal(ua_target_parse(spec, vars, vars ? d : 0, &t), UA_OK);
    double lo[4], hi[4];
    for (size_t i = 0; i < d; i++) {
        lo[i] = a;
        hi[i] = b;
    }
    ua_problem *p;
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    ua_target_free(t);
    return p;
}

static void assert_has(const char *text, const char *sub)
{
    if (!text || !strstr(text, sub)) fail_msg("'%s' not in '%s'", sub, text ? text : "(null)");
}

static void assert_error_has(const char *sub) { assert_has(ua_last_error(), sub); }

/* |a - b| / ulp(b) in doubles (b finite, nonzero). */
static double ulps(double a, double b)
{
    int e;
    frexp(b, &e);
    return fabs(a - b) / ldexp(1.0, e - 53);
}

/* Fits p with cheb (defaults, or --split --split-length 17 when split) and measures it on n
 * points: returns the model (caller frees). */
static ua_model *fit_cheb_opt(const ua_problem *p, size_t n, int split, ua_measurement *r)
{
    ua_model *m = NULL;
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("cheb", &o), UA_OK);
    if (split) {
        assert_int_equal(ua_options_set(o, "split", NULL), UA_OK);
        assert_int_equal(ua_options_set(o, "split-length", "17"), UA_OK);
    }
    assert_int_equal(ua_fit(p, "cheb", o, NULL, &m), UA_OK);
    ua_options_free(o);
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = n;
    assert_int_equal(ua_model_measure(m, p, &mo, r), UA_OK);
    return m;
}

static ua_model *fit_cheb(const ua_problem *p, size_t n, ua_measurement *r)
{
    return fit_cheb_opt(p, n, 0, r);
}

/* The probe: erfc(x)*exp(x^2) on [0, 10] loses tens of ulps in double (the tiny erfc and the huge
 * exp amplify each other's relative errors), so auto samples in MPFR; sin(x) stays double. */
static void test_probe_decides(void **state)
{
    (void)state;
    ua_problem *p = formula("erfc(x)*exp(x^2)", NULL, 1, 0, 10);
    assert_int_equal(ua_problem_sample_prec(p), 113);
    assert_has(ua_problem_sampling(p), "MPFR 113 bits (double evaluation off by ");
    assert_has(ua_problem_sampling(p), " ulp on the probe)");
    /* x = 9.7: x^2 is not a double, and its rounding error is amplified 2 x^2 fold by exp */
    double x = 9.7, yd;
    assert_int_equal(ua_problem_set_sample_prec(p, 53), UA_OK);
    assert_int_equal(ua_problem_eval(p, &x, 1, &yd), UA_OK);
    const ua_target *t = ua_problem_target(p);
    double ref = ua_target_eval_ref(t, &x, 256);
    print_message("erfc(x)*exp(x^2) at x = 9.7: double formula off by %.1f ulp\n", ulps(yd, ref));
    assert_true(ulps(yd, ref) > 4);
    assert_string_equal(ua_problem_sampling(p), "double (--sample-prec 53)");
    assert_int_equal(ua_problem_sample_prec(p), 53);
    assert_int_equal(ua_problem_set_sample_prec(p, 200), UA_OK);
    assert_string_equal(ua_problem_sampling(p), "MPFR 200 bits (--sample-prec 200)");
    assert_int_equal(ua_problem_set_sample_prec(p, UA_SAMPLE_PREC_AUTO), UA_OK);
    assert_int_equal(ua_problem_sample_prec(p), 113);
    ua_problem_free(p);

    p = formula("sin(x)", NULL, 1, 0, 10);
    assert_int_equal(ua_problem_sample_prec(p), 53);
    assert_has(ua_problem_sampling(p), "double (within ");
    ua_problem_free(p);

    /* the double formula overflows (exp(900) = inf, times erfc(30) ~ 1e-393 = 0 in double) where
     * MPFR does not: MPFR sampling, and the samples are right */
    p = formula("erfc(x)*exp(x^2)", NULL, 1, 20, 30);
    assert_int_equal(ua_problem_sample_prec(p), 113);
    assert_has(ua_problem_sampling(p), "not finite at");
    x = 29.5;
    assert_int_equal(ua_problem_eval(p, &x, 1, &yd), UA_OK);
    ref = ua_target_eval_ref(ua_problem_target(p), &x, 256);
    assert_true(isfinite(yd));
    ASSERT_LE(ulps(yd, ref), 0.5);
    ua_problem_free(p);

    /* a probe in 3-D, on Sobol points */
    const char *v3[] = { "x", "y", "z" };
    p = formula("exp(-x^2-y^2)*cos(z)", v3, 3, -1, 1);
    assert_true(ua_problem_sample_prec(p) == 53 || ua_problem_sample_prec(p) == 113);
    print_message("exp(-x^2-y^2)*cos(z): %s\n", ua_problem_sampling(p));
    ua_problem_free(p);
}

/* MPFR samples are the reference rounded once: within half an ulp of MPFR at 256 bits (the
 * double formula is not, by up to the probe's figure). */
static void test_mpfr_samples(void **state)
{
    (void)state;
    ua_problem *p = formula("erfc(x)*exp(x^2)", NULL, 1, 0, 10);
    enum { N = 256 };
    double x[N], ym[N], yd[N];
    for (int i = 0; i < N; i++) x[i] = 10.0 * i / (N - 1); /* 10/255: squares not exact */
    assert_int_equal(ua_problem_eval(p, x, N, ym), UA_OK); /* auto: MPFR 113 */
    assert_int_equal(ua_problem_set_sample_prec(p, 53), UA_OK);
    assert_int_equal(ua_problem_eval(p, x, N, yd), UA_OK);
    double wm = 0, wd = 0;
    for (int i = 0; i < N; i++) {
        double ref = ua_target_eval_ref(ua_problem_target(p), &x[i], 256);
        if (ulps(ym[i], ref) > wm) wm = ulps(ym[i], ref);
        if (ulps(yd[i], ref) > wd) wd = ulps(yd[i], ref);
    }
    print_message("erfc(x)*exp(x^2) on 256 points: MPFR samples %.2f ulp, double %.1f ulp\n", wm,
                  wd);
    ASSERT_LE(wm, 0.5);
    assert_true(wd > 20);
    ua_problem_free(p);
}

/* The point of it: cheb on erfc(x)*exp(x^2) on [0, 10], measured against MPFR. One series has a
 * tolerance relative to max|f| = 1 while f(10) = 0.056, which leaves ~19 ulp relative at x = 10
 * whatever the samples; pieces (--split --split-length 17) each have their own scale, and then
 * the samples decide: a few ulps in MPFR, hundreds in double. */
static void test_erfc_cheb(void **state)
{
    (void)state;
    ua_problem *p = formula("erfc(x)*exp(x^2)", NULL, 1, 0, 10);
    double rel[2][2], ulp[2][2]; /* [split][double] */
    for (int split = 0; split < 2; split++)
        for (int dbl = 0; dbl < 2; dbl++) {
            assert_int_equal(ua_problem_set_sample_prec(p, dbl ? 53 : UA_SAMPLE_PREC_AUTO),
                             UA_OK);
            ua_measurement r;
            ua_model *m = fit_cheb_opt(p, 2000, split, &r);
            rel[split][dbl] = r.err.max_rel;
            ulp[split][dbl] = r.err.max_ulp64;
            assert_has(ua_model_meta(m, "sampling"), dbl ? "double (--sample-prec 53)"
                                                         : "MPFR 113 bits (double evaluation");
            ua_measurement_free(&r);
            ua_model_free(m);
        }
    print_message("cheb erfc(x)*exp(x^2) on [0,10], max rel error against MPFR (ulp):\n"
                  "  one series: MPFR sampling %.3g (%.3g), double %.3g (%.3g)\n"
                  "  --split --split-length 17: MPFR sampling %.3g (%.3g), double %.3g (%.3g)\n",
                  rel[0][0], ulp[0][0], rel[0][1], ulp[0][1], rel[1][0], ulp[1][0], rel[1][1],
                  ulp[1][1]);
    /* pieces: a few ulps with MPFR samples, far more in double */
    ASSERT_LE(ulp[1][0], 6);
    ASSERT_LE(rel[1][0], 1e-15);
    assert_true(rel[1][1] > 5e-15);
    /* one series: the samples still matter (9e-15 in double) */
    ASSERT_LE(rel[0][0], 3e-15);
    assert_true(rel[0][1] > 2 * rel[0][0]);
    ua_problem_free(p);
}

/* x^2/sinh(x^2) is 0/0 at 0; the limit is 1. */
static void test_fill_sinh(void **state)
{
    (void)state;
    ua_problem *p = formula("x^2/sinh(x^2)", NULL, 1, -1, 1);
    double z = 0, y;
    /* off: NaN, and a fit says the point is removable */
    assert_int_equal(ua_problem_eval(p, &z, 1, &y), UA_OK);
    assert_true(isnan(y));
    ua_model *m = NULL;
    assert_int_equal(ua_fit(p, "cheb", NULL, NULL, &m), UA_EDOMAIN);
    assert_error_has("is NaN at x = 0, but has a limit there (1,");
    assert_error_has("--fill-removable fills it");
    double lim, agree;
    assert_int_equal(ua_problem_limit(p, &z, &lim, &agree), UA_OK);
    assert_true(lim == 1.0);
    ASSERT_LE(agree, 1e-30);

    assert_int_equal(ua_problem_set_fill_removable(p, 1), UA_OK);
    assert_true(ua_problem_fill_removable(p));
    assert_int_equal(ua_problem_eval(p, &z, 1, &y), UA_OK);
    assert_true(y == 1.0);
    ua_measurement r;
    m = fit_cheb(p, 20001, &r); /* 20001 points: the grid holds x = 0 */
    assert_int_equal(r.err.n_nonfinite_ref, 0);
    assert_true(r.resolved);
    ASSERT_LE(r.err.max_abs, 1e-15);
    assert_has(ua_model_meta(m, "filled"),
               "filled removable singularity at x = 0: limit 1 (both sides agree to ");
    assert_string_equal(ua_model_meta(m, "fill_removable"), "1");
    double fx, fv;
    char *text;
    assert_int_equal(ua_problem_fill_text(p, &text), UA_OK);
    print_message("%s\n", text);
    free(text);
    assert_int_equal(ua_problem_filled(p, 0, &fx, &fv, NULL), 1);
    assert_true(fx == 0 && fv == 1);
    /* `check` re-creates the problem from the model: the same fill */
    ua_problem *q;
    assert_int_equal(ua_model_problem(m, &q), UA_OK);
    assert_true(ua_problem_fill_removable(q));
    ua_measurement r2;
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = 2001;
    assert_int_equal(ua_model_measure(m, q, &mo, &r2), UA_OK);
    assert_true(r2.resolved);
    ua_measurement_free(&r2);
    ua_problem_free(q);
    ua_measurement_free(&r);
    ua_model_free(m);
    ua_problem_free(p);
}

/* log((x+3)/4)/(x-1) at 1: the derivative of log((x+3)/4) there, 1/4. */
static void test_fill_log(void **state)
{
    (void)state;
    ua_problem *p = formula("log((x+3)/4)/(x-1)", NULL, 1, 0, 2);
    assert_int_equal(ua_problem_set_fill_removable(p, 1), UA_OK);
    double one = 1, y, lim, agree;
    assert_int_equal(ua_problem_limit(p, &one, &lim, &agree), UA_OK);
    assert_true(lim == 0.25);
    ASSERT_LE(agree, 1e-30);
    assert_int_equal(ua_problem_eval(p, &one, 1, &y), UA_OK);
    assert_true(y == 0.25);
    ua_measurement r;
    ua_model *m = fit_cheb(p, 20001, &r);
    assert_true(r.resolved);
    assert_int_equal(r.err.n_nonfinite_ref, 0);
    ASSERT_LE(r.err.max_rel, 1e-15);
    assert_has(ua_model_meta(m, "filled"), "at x = 1: limit 0.25 (both sides agree to ");
    char *text;
    assert_int_equal(ua_problem_fill_text(p, &text), UA_OK);
    print_message("%s\n", text);
    free(text);
    ua_measurement_free(&r);
    ua_model_free(m);

    /* other closed forms: (sin x - x)/x^3 -> -1/6, (1 - cos x)/x^2 -> 1/2 */
    ua_problem_free(p);
    p = formula("(sin(x)-x)/x^3", NULL, 1, -1, 1);
    double z = 0;
    assert_int_equal(ua_problem_limit(p, &z, &lim, NULL), UA_OK);
    assert_true(lim == -1.0 / 6.0);
    ua_problem_free(p);
    p = formula("(1-cos(x))/x^2", NULL, 1, 0, 1); /* at the box's end: one side */
    assert_int_equal(ua_problem_limit(p, &z, &lim, NULL), UA_OK);
    assert_true(lim == 0.5);
    ua_problem_free(p);
}

/* What is no removable singularity is refused, with the reason. */
static void test_fill_refused(void **state)
{
    (void)state;
    double z = 0, lim, y;
    /* a pole: 1/x (inf at 0, no limit) and x/x^2 (0/0 at 0, a pole all the same) */
    ua_problem *p = formula("1/x", NULL, 1, -1, 1);
    assert_int_equal(ua_problem_limit(p, &z, &lim, NULL), UA_EDOMAIN);
    assert_true(isnan(lim));
    ua_problem_free(p);
    p = formula("x/x^2", NULL, 1, -1, 1);
    assert_int_equal(ua_problem_limit(p, &z, &lim, NULL), UA_EDOMAIN);
    assert_error_has("no limit of x/x^2 at x = 0:");
    ua_problem_free(p);
    p = formula("x/x^2", NULL, 1, 0.5, 1.5);
    assert_int_equal(ua_problem_set_fill_removable(p, 1), UA_OK);
    ua_problem_free(p);
    p = formula("x/(x^2*x^2)", NULL, 1, -1, 1);
    assert_int_equal(ua_problem_set_fill_removable(p, 1), UA_OK);
    assert_int_equal(ua_problem_eval(p, &z, 1, &y), UA_OK);
    assert_true(isnan(y));
    ua_model *m = NULL;
    assert_int_equal(ua_fit(p, "cheb", NULL, NULL, &m), UA_EDOMAIN);
    assert_error_has("--fill-removable cannot fill it");
    assert_true(strstr(ua_last_error(), "grows without bound") ||
                strstr(ua_last_error(), "differ"));
    assert_int_equal(ua_problem_filled(p, 0, NULL, NULL, NULL), 0);
    ua_problem_free(p);
    p = formula("x/x^2", NULL, 1, 0, 1); /* one side, in the box: a pole */
    assert_int_equal(ua_problem_limit(p, &z, &lim, NULL), UA_EDOMAIN);
    assert_error_has("grows without bound");
    ua_problem_free(p);

    /* a jump: sign(x)*x/x is -1 left of 0 and 1 right of it */
    p = formula("sign(x)*x/x", NULL, 1, -1, 1);
    assert_int_equal(ua_problem_set_fill_removable(p, 1), UA_OK);
    assert_int_equal(ua_problem_limit(p, &z, &lim, NULL), UA_EDOMAIN);
    assert_error_has("the limits from the two sides differ (-1 and 1): a jump");
    assert_int_equal(ua_fit(p, "cheb", NULL, NULL, &m), UA_EDOMAIN);
    assert_error_has("sign(x)*x/x is NaN at x = 0, and --fill-removable cannot fill it");
    ua_problem_free(p);

    /* NaN on one side inside the box: sqrt(x)/sqrt(x) at 0 on [-1, 1] */
    p = formula("sqrt(x)/sqrt(x)", NULL, 1, -1, 1);
    assert_int_equal(ua_problem_limit(p, &z, &lim, NULL), UA_EDOMAIN);
    assert_error_has("not finite on one side");
    ua_problem_free(p);
}

/* n-D: sin(x*y)/(x*y) is NaN on both axes; along a direction off the axes the limit is 1. A limit
 * that depends on the direction (x*y/(x^2+y^2) at the origin) is refused. */
static void test_fill_2d(void **state)
{
    (void)state;
    const char *v2[] = { "x", "y" };
    ua_problem *p = formula("sin(x*y)/(x*y)", v2, 2, -1, 1);
    enum { N = 64 };
    double x[2 * N], y[N];
    assert_int_equal(ua_problem_sample(p, N, 0, x, y), UA_EDOMAIN);
    assert_error_has("but has a limit there (1,");
    assert_int_equal(ua_problem_set_fill_removable(p, 1), UA_OK);
    assert_int_equal(ua_problem_sample(p, N, 0, x, y), UA_OK);
    size_t filled = 0;
    for (int i = 0; i < N; i++) {
        if (x[2 * i] == 0 || x[2 * i + 1] == 0) {
            assert_true(y[i] == 1.0);
            filled++;
        } else {
            double t = x[2 * i] * x[2 * i + 1];
            assert_true(fabs(y[i] - sin(t) / t) <= 4e-16);
        }
    }
    assert_true(filled >= 1);
    assert_int_equal(ua_problem_filled(p, 0, NULL, NULL, NULL), filled);
    double pt[2] = { 0, 0.5 }, lim;
    assert_int_equal(ua_problem_limit(p, pt, &lim, NULL), UA_OK);
    assert_true(lim == 1.0);
    ua_problem_free(p);

    /* a limit of 0 on the box's edge: x^2/sinh(x^2) + y at (0, -1) is 1 - 1; the sides' values
     * at the last step are O(h), which must not be read as a jump (and sign(x)*x/x + y, whose
     * sides are -2 and 0 there, still is one) */
    p = formula("x^2/sinh(x^2)+y", v2, 2, -1, 1);
    double e[2] = { 0, -1 };
    assert_int_equal(ua_problem_limit(p, e, &lim, NULL), UA_OK);
    assert_true(fabs(lim) <= 1e-30);
    e[1] = 0.5;
    assert_int_equal(ua_problem_limit(p, e, &lim, NULL), UA_OK);
    assert_true(lim == 1.5);
    ua_problem_free(p);
    p = formula("sign(x)*x/x+y", v2, 2, -1, 1);
    e[1] = -1;
    assert_int_equal(ua_problem_limit(p, e, &lim, NULL), UA_EDOMAIN);
    assert_error_has("differ");
    ua_problem_free(p);

    p = formula("x*y/(x^2+y^2)", v2, 2, -1, 1);
    double o[2] = { 0, 0 };
    assert_int_equal(ua_problem_limit(p, o, &lim, NULL), UA_EDOMAIN);
    assert_error_has("differ");
    ua_problem_free(p);
}

/* Where only the double formula is NaN (inf * 0 beyond x = 26.6), the fill gives MPFR's value
 * there, and reports nothing: no singularity. */
static void test_fill_double_only(void **state)
{
    (void)state;
    ua_problem *p = formula("erfc(x)*exp(x^2)", NULL, 1, 20, 30);
    assert_int_equal(ua_problem_set_sample_prec(p, 53), UA_OK);
    double x = 29.5, y;
    assert_int_equal(ua_problem_eval(p, &x, 1, &y), UA_OK);
    assert_true(isnan(y)); /* exp(870.25) = inf in double */
    assert_int_equal(ua_problem_set_fill_removable(p, 1), UA_OK);
    assert_int_equal(ua_problem_eval(p, &x, 1, &y), UA_OK);
    ASSERT_LE(ulps(y, ua_target_eval_ref(ua_problem_target(p), &x, 256)), 0.5);
    assert_int_equal(ua_problem_filled(p, 0, NULL, NULL, NULL), 0);
    ua_problem_free(p);
}

static void test_bad_input(void **state)
{
    (void)state;
    ua_problem *p = formula("sin(x)", NULL, 1, 0, 1);
    assert_int_equal(ua_problem_set_sample_prec(p, 40), UA_EINVAL);
    assert_int_equal(ua_problem_set_sample_prec(p, UA_SAMPLE_PREC_MAX + 1), UA_EINVAL);
    assert_int_equal(ua_problem_set_sample_prec(NULL, 53), UA_EINVAL);
    double inf = INFINITY;
    assert_int_equal(ua_problem_limit(p, &inf, NULL, NULL), UA_EINVAL);
    ua_problem_free(p);
    double xs[2] = { 0, 1 }, ys[2] = { 1, 2 };
    assert_int_equal(ua_problem_samples(xs, ys, 2, 1, 1, &p), UA_OK);
    assert_int_equal(ua_problem_set_sample_prec(p, 113), UA_EINVAL);
    assert_int_equal(ua_problem_set_fill_removable(p, 1), UA_EINVAL);
    assert_string_equal(ua_problem_sampling(p), "none");
    ua_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_decides), cmocka_unit_test(test_mpfr_samples),
        cmocka_unit_test(test_erfc_cheb),     cmocka_unit_test(test_fill_sinh),
        cmocka_unit_test(test_fill_log),      cmocka_unit_test(test_fill_refused),
        cmocka_unit_test(test_fill_2d),       cmocka_unit_test(test_fill_double_only),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
