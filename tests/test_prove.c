/*
 * Proven error bounds (uniapprox/prove.h): the Taylor enclosures of the target in Arb balls
 * against closed forms, and the Taylor-model prover against MPFR evaluations at many points,
 * including adversarial cases a wrong prover would get wrong.
 */
#include <float.h>
#include <math.h>

#include "test_util.h"
#include "uniapprox/prove.h"

#define PI 3.141592653589793238
#define E_ 2.718281828459045235
#define LN2 0.6931471805599453094

/* MPFR's value of spec at x (53 bits, rounded to nearest). */
static double ref1(const char *spec, double x)
{
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(spec, NULL, 0, &t), UA_OK);
    double y = ua_target_eval_ref(t, &x, 200);
    ua_target_free(t);
    return y;
}

/* ---- ua_target_enclose_taylor ---------------------------------------------------------------- */

static ua_target *parse1(const char *spec)
{
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(spec, NULL, 0, &t), UA_OK);
    return t;
}

/* Asserts that [clo[k], chi[k]] holds want and is at most rel * |want| + abs wide. */
static void assert_encloses(double clo, double chi, double want, double rel, double abs_)
{
    ASSERT_LE(clo, want);
    ASSERT_LE(want, chi);
    ASSERT_LE(chi - clo, rel * fabs(want) + abs_);
}

static void test_enclose_exp_point(void **state)
{
    (void)state;
    ua_target *t = parse1("exp(x)");
    double lo = 0, hi = 0, clo[21], chi[21], fact = 1;
    assert_int_equal(ua_target_enclose_taylor(t, &lo, &hi, 0, 20, clo, chi), UA_OK);
    for (int k = 0; k <= 20; k++) {
        if (k) fact *= k;
        /* 1/k! is no double past k = 2: the enclosure must hold the nearest doubles' bracket */
        assert_encloses(clo[k], chi[k], 1.0 / fact, 4 * DBL_EPSILON, 0);
    }
    ua_target_free(t);
}

static void test_enclose_exp_interval(void **state)
{
    (void)state;
    /* over [0, 1] the k-th coefficient e^x / k! takes every value of [1/k!, e/k!] */
    ua_target *t = parse1("exp(x)");
    double lo = 0, hi = 1, clo[9], chi[9], fact = 1;
    assert_int_equal(ua_target_enclose_taylor(t, &lo, &hi, 0, 8, clo, chi), UA_OK);
    for (int k = 0; k <= 8; k++) {
        if (k) fact *= k;
        ASSERT_LE(clo[k], 1.0 / fact);
        ASSERT_LE(E_ / fact, chi[k]);
        ASSERT_LE(chi[k] - clo[k], 1.01 * (E_ - 1) / fact); /* not far wider than the range */
    }
    ua_target_free(t);
}

static void test_enclose_known_series(void **state)
{
    (void)state;
    double clo[8], chi[8], x;
    /* sin at 0.5: sin, cos, -sin/2, -cos/6, sin/24 */
    ua_target *t = parse1("sin(x)");
    x = 0.5;
    assert_int_equal(ua_target_enclose_taylor(t, &x, &x, 0, 4, clo, chi), UA_OK);
    double ws[5] = { sin(x), cos(x), -sin(x) / 2, -cos(x) / 6, sin(x) / 24 };
    for (int k = 0; k <= 4; k++) assert_encloses(clo[k], chi[k], ws[k], 1e-14, 0);
    ua_target_free(t);
    /* erf at 0: 2/sqrt(pi) (x - x^3/3 + x^5/10 - ...) */
    t = parse1("erf(x)");
    x = 0;
    assert_int_equal(ua_target_enclose_taylor(t, &x, &x, 0, 5, clo, chi), UA_OK);
    double c = 2 / sqrt(PI);
    double we[6] = { 0, c, 0, -c / 3, 0, c / 10 };
    for (int k = 0; k <= 5; k++) assert_encloses(clo[k], chi[k], we[k], 1e-14, 1e-300);
    ua_target_free(t);
    /* J0 at 0: 1 - x^2/4 + x^4/64 (DLMF 10.2.2) */
    t = parse1("j0(x)");
    assert_int_equal(ua_target_enclose_taylor(t, &x, &x, 0, 4, clo, chi), UA_OK);
    double wj[5] = { 1, 0, -0.25, 0, 1.0 / 64 };
    for (int k = 0; k <= 4; k++) assert_encloses(clo[k], chi[k], wj[k], 1e-14, 1e-300);
    ua_target_free(t);
    /* Y0' = -Y1 (DLMF 10.6.3) at 1.5 */
    t = parse1("y0(x)");
    x = 1.5;
    assert_int_equal(ua_target_enclose_taylor(t, &x, &x, 0, 1, clo, chi), UA_OK);
    assert_encloses(clo[0], chi[0], ref1("y0(x)", x), 1e-14, 0);
    assert_encloses(clo[1], chi[1], -ref1("y1(x)", x), 1e-14, 0);
    ua_target_free(t);
    /* lgamma' = digamma: at 1, -Euler's gamma; at -0.5 (Gamma < 0), digamma(-0.5) =
     * digamma(0.5) + 2 = 2 - gamma - 2 ln 2 (DLMF 5.4.13, 5.5.2) */
    t = parse1("lgamma(x)");
    x = 1;
    assert_int_equal(ua_target_enclose_taylor(t, &x, &x, 0, 1, clo, chi), UA_OK);
    assert_encloses(clo[1], chi[1], -0.57721566490153286, 1e-14, 0);
    x = -0.5;
    assert_int_equal(ua_target_enclose_taylor(t, &x, &x, 0, 1, clo, chi), UA_OK);
    assert_encloses(clo[0], chi[0], log(2 * sqrt(PI)), 1e-14, 0);
    assert_encloses(clo[1], chi[1], 0.036489973978576520559, 1e-13, 0); /* mpmath */
    ua_target_free(t);
    /* pow with a real exponent, asinh, atan2 of two variables */
    t = parse1("x^2.5 + asinh(x)");
    x = 1;
    assert_int_equal(ua_target_enclose_taylor(t, &x, &x, 0, 1, clo, chi), UA_OK);
    assert_encloses(clo[0], chi[0], 1 + asinh(1.0), 1e-14, 0);
    assert_encloses(clo[1], chi[1], 2.5 + 1 / sqrt(2.0), 1e-14, 0);
    ua_target_free(t);
    const char *v2[2] = { "x", "y" };
    assert_int_equal(ua_target_parse("atan2(y, x)", v2, 2, &t), UA_OK);
    double p[2] = { -1, 1 }; /* d/dx atan2(y, x) = -y / (x^2 + y^2) = -1/2, on the second sheet */
    assert_int_equal(ua_target_enclose_taylor(t, p, p, 0, 1, clo, chi), UA_OK);
    assert_encloses(clo[0], chi[0], 3 * PI / 4, 1e-14, 0);
    assert_encloses(clo[1], chi[1], -0.5, 1e-14, 0);
    ua_target_free(t);
}

static void test_enclose_refuses(void **state)
{
    (void)state;
    struct { const char *spec; double lo, hi; size_t order; } bad[] = {
        { "log(x)", -1, 1, 0 },        /* log of negatives */
        { "1/x", -1, 1, 0 },           /* a pole inside */
        { "tan(x)", 1, 2, 0 },         /* the pole pi/2 */
        { "abs(x)", -1, 1, 1 },        /* no derivative at 0 */
        { "sqrt(x)", 0, 1, 2 },        /* infinite derivative at 0 */
        { "0*log(x)", -2, -1, 0 },     /* NaN in C; an intermediate is undefined */
        { "nfw-sigma", 0.5, 1, 0 },    /* a built-in: no expression to enclose */
        { "tgamma(x)", -1.5, -0.5, 0 } /* the pole at -1 */
    };
    double clo[4], chi[4];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ua_target *t = parse1(bad[i].spec);
        ua_status s = ua_target_enclose_taylor(t, &bad[i].lo, &bad[i].hi, 0, bad[i].order, clo, chi);
        if (s != UA_EDOMAIN) fail_msg("%s on [%g, %g]: status %d", bad[i].spec, bad[i].lo, bad[i].hi, s);
        ua_target_free(t);
    }
    /* abs is fine at order 0 (a value range) and away from 0 */
    ua_target *t = parse1("abs(x)");
    double lo = -1, hi = 2;
    assert_int_equal(ua_target_enclose_taylor(t, &lo, &hi, 0, 0, clo, chi), UA_OK);
    ASSERT_LE(clo[0], 0);
    ASSERT_LE(2, chi[0]);
    lo = -3, hi = -2;
    assert_int_equal(ua_target_enclose_taylor(t, &lo, &hi, 0, 1, clo, chi), UA_OK);
    assert_encloses(clo[1], chi[1], -1, 0, 0);
    assert_int_equal(ua_target_enclose_taylor(t, &lo, &hi, 1, 1, clo, chi), UA_EINVAL);
    ua_target_free(t);
}


/* ---- the Taylor-model prover ----------------------------------------------------------------- */

/* Fits spec on [a, b] with family (options kv: name, value pairs, NULL-terminated) through the
 * engine; the fit must succeed (resolved or not). */
static ua_model *fit1(const char *family, const char *spec, double a, double b,
                      const char *const *kv)
{
    ua_target *t = parse1(spec);
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_formula(t, &a, &b, &p), UA_OK);
    ua_target_free(t);
    ua_options *o = NULL;
    assert_int_equal(ua_family_options(family, &o), UA_OK);
    for (size_t i = 0; kv && kv[i]; i += 2) assert_int_equal(ua_options_set(o, kv[i], kv[i + 1]), UA_OK);
    ua_model *m = NULL;
    ua_status s = ua_fit(p, family, o, NULL, &m);
    if (s != UA_OK && s != UA_ENOTRESOLVED) fail_msg("%s %s: %s", family, spec, ua_last_error());
    ua_options_free(o);
    ua_problem_free(p);
    return m;
}

/* max |predict - f| over n + 1 equally spaced points of [a, b] and the extra points xs (nx,),
 * f in MPFR at 128 bits: the independent check every proven bound must pass. */
static double mpfr_max_err(const ua_model *m, const ua_target *f, double a, double b, size_t n,
                           const double *xs, size_t nx)
{
    mpfr_t y, d;
    mpfr_init2(y, 128);
    mpfr_init2(d, 128);
    double mx = 0;
    for (size_t i = 0; i <= n + nx; i++) {
        double x = i <= n ? (i == n ? b : a + (b - a) * (double)i / (double)n) : xs[i - n - 1];
        double v;
        assert_int_equal(ua_model_predict(m, &x, 1, &v), UA_OK);
        ua_target_eval_mpfr(f, &x, y);
        mpfr_set_d(d, v, MPFR_RNDN);
        mpfr_sub(d, d, y, MPFR_RNDN);
        double e = fabs(mpfr_get_d(d, MPFR_RNDU));
        if (e > mx) mx = e;
    }
    mpfr_clear(y);
    mpfr_clear(d);
    return mx;
}

typedef struct {
    const char *family, *spec;
    double a, b;
    const char *kv[7];
    double max_ratio; /* bound / measured asserted at most this (0: not asserted) */
} smooth_case;

static void test_prove_smooth(void **state)
{
    (void)state;
    const smooth_case cases[] = {
        { "minimax", "exp(x)", -1, 1, { "degree", "10", NULL }, 1.1 },
        { "minimax", "1/(1+25*x^2)", -1, 1, { "degree", "40", NULL }, 0 },
        { "minimax", "1/(1+25*x^2)", -1, 1, { "degree", "40", "basis", "chebyshev", NULL }, 1.1 },
        { "cheb", "exp(x)", -1, 1, { "tol", "1e-10", NULL }, 1.1 },
        { "cheb", "erf(x)", -3, 3, { "tol", "1e-10", NULL }, 1.1 },
        { "cheb", "1/(1+25*x^2)", -1, 1, { "tol", "1e-8", NULL }, 1.1 },
        { "cheb", "sin(x)", -30, 30, { "tol", "1e-9", NULL }, 1.1 }, /* 1.09, a tenth rounding */
        { "spline", "sin(x)", 0, 6, { "rtol", "1e-6", NULL }, 1.1 },
        { "cheb", "erf(x)", -4, 4, { "uniform-length", "16", "tol", "1e-10", NULL }, 1.1 }, /* uniform */
        { "minimax", "atan(x)", 0, 1, { "degree", "12", "scheme", "estrin", NULL }, 1.1 },
        { "cheb", "exp(x)", -1, 1, { NULL }, 0 }, /* to machine precision: rounding dominates */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const smooth_case *c = &cases[i];
        ua_model *m = fit1(c->family, c->spec, c->a, c->b, c->kv);
        ua_target *f = parse1(c->spec);
        ua_proof pr;
        assert_int_equal(ua_model_prove(m, f, NULL, &pr), UA_OK);
        double chk = mpfr_max_err(m, f, c->a, c->b, 20000, NULL, 0);
        printf("  %-8s %-14s [%g, %g]: proven %d bound %.4g (rounding %.3g) measured %.4g "
               "ratio %.4f check %.4g pieces %zu %.3f s %s\n", c->family, c->spec, c->a, c->b,
               pr.proven, pr.bound, pr.rounding, pr.measured, pr.bound / pr.measured, chk,
               pr.pieces, pr.seconds, pr.why);
        assert_true(pr.proven);
        ASSERT_LE(chk, pr.bound);
        ASSERT_LE(pr.measured, pr.bound);
        if (c->max_ratio > 0) ASSERT_LE(pr.bound, c->max_ratio * pr.measured);
        ua_target_free(f);
        ua_model_free(m);
    }
}

/* A narrow spike between grid points: the model (fitted to exp) misses a bump of height 1e-6 and
 * width 1e-6 that the target has at an irrational-looking point. A sampled maximum on 20001
 * points sees 2.5e-11; the proof must cover the spike's 1e-6 (a prover that forgets the Taylor
 * remainder, or trusts samples, reports ~2.5e-11 and fails here). */
static void test_prove_spike(void **state)
{
    (void)state;
    const char *kv[] = { "degree", "10", NULL };
    ua_model *m = fit1("minimax", "exp(x)", -1, 1, kv);
    ua_target *f = parse1("exp(x) + 1e-6*exp(-((x - 0.1234567891)/1e-6)^2)");
    ua_proof pr;
    assert_int_equal(ua_model_prove(m, f, NULL, &pr), UA_OK);
    double x0 = 0.1234567891;
    double at_spike = mpfr_max_err(m, f, x0, x0, 0, NULL, 0);
    double sampled = mpfr_max_err(m, f, -1, 1, 20000, NULL, 0);
    printf("  spike: proven %d bound %.4g measured %.4g at the spike %.4g sampled %.4g pieces %zu "
           "%.3f s\n", pr.proven, pr.bound, pr.measured, at_spike, sampled, pr.pieces, pr.seconds);
    assert_true(pr.proven);
    ASSERT_LE(1e-7, at_spike - sampled); /* the grid misses it */
    ASSERT_LE(at_spike, pr.bound);
    ASSERT_LE(pr.bound, 1.1 * pr.measured); /* and the prover found it */
    ua_target_free(f);
    ua_model_free(m);
}

/* A pole just outside the interval (1/(x - 1.02) on [-1, 1]: Taylor expansions near 1 converge
 * only within 2e-2) and a zero of f inside (sin on [-1, 2], fitted for relative accuracy: the
 * pieces carry the factor (x - r)): the bound must hold at dense points, with extra points
 * crowded towards the pole. */
static void test_prove_near_pole_and_zero(void **state)
{
    (void)state;
    double xs[400];
    for (int i = 0; i < 400; i++) xs[i] = 1.0 - 2e-2 * (double)i / 400.0;
    struct { const char *family, *spec; double a, b; const char *kv[3]; } cs[] = {
        { "cheb", "1/(x - 1.02)", -1, 1, { "tol", "1e-9", NULL } },
        { "cheb", "sin(x)", -1, 2, { "rel-tol", "1e-12", NULL } },
        { "cheb", "log(x)", 0.5, 2, { "tol", "1e-13", NULL } },
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        ua_model *m = fit1(cs[i].family, cs[i].spec, cs[i].a, cs[i].b, cs[i].kv);
        ua_target *f = parse1(cs[i].spec);
        ua_proof pr;
        assert_int_equal(ua_model_prove(m, f, NULL, &pr), UA_OK);
        double chk = mpfr_max_err(m, f, cs[i].a, cs[i].b, 20000, i == 0 ? xs : NULL, i == 0 ? 400 : 0);
        printf("  %s on [%g, %g]: proven %d bound %.4g (rounding %.3g) measured %.4g check %.4g "
               "pieces %zu %.3f s %s\n", cs[i].spec, cs[i].a, cs[i].b, pr.proven, pr.bound,
               pr.rounding, pr.measured, chk, pr.pieces, pr.seconds, pr.why);
        assert_true(pr.proven);
        ASSERT_LE(chk, pr.bound);
        ua_target_free(f);
        ua_model_free(m);
    }
}

/* What cannot be proven says why: a pole inside, a log of negatives, a built-in target, a
 * log-mapped model; a formula of another dimension is an error. */
static void test_prove_refusals(void **state)
{
    (void)state;
    const char *kv[] = { "degree", "6", NULL };
    ua_model *m = fit1("minimax", "exp(x)", -1, 1, kv);
    const char *bad[] = { "1/(x - 0.3)", "log(x)", "1/x", "nfw-sigma" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ua_target *f = parse1(bad[i]);
        ua_proof pr;
        assert_int_equal(ua_model_prove(m, f, NULL, &pr), UA_OK);
        printf("  %s: proven %d why: %s\n", bad[i], pr.proven, pr.why);
        assert_false(pr.proven);
        assert_true(isinf(pr.bound));
        assert_true(strlen(pr.why) > 10);
        ua_target_free(f);
    }
    const char *v2[2] = { "x", "y" };
    ua_target *f2 = NULL;
    assert_int_equal(ua_target_parse("x + y", v2, 2, &f2), UA_OK);
    ua_proof pr;
    assert_int_equal(ua_model_prove(m, f2, NULL, &pr), UA_EINVAL);
    ua_target_free(f2);
    ua_model_free(m);
    const char *kl[] = { "map", "log", NULL };
    m = fit1("cheb", "log(x)", 1, 100, kl);
    ua_target *f = parse1("log(x)");
    assert_int_equal(ua_model_prove(m, f, NULL, &pr), UA_OK);
    assert_false(pr.proven);
    assert_non_null(strstr(pr.why, "log"));
    ua_target_free(f);
    ua_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enclose_exp_point),
        cmocka_unit_test(test_enclose_exp_interval),
        cmocka_unit_test(test_enclose_known_series),
        cmocka_unit_test(test_enclose_refuses),
        cmocka_unit_test(test_prove_smooth),
        cmocka_unit_test(test_prove_spike),
        cmocka_unit_test(test_prove_near_pole_and_zero),
        cmocka_unit_test(test_prove_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
