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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enclose_exp_point),
        cmocka_unit_test(test_enclose_exp_interval),
        cmocka_unit_test(test_enclose_known_series),
        cmocka_unit_test(test_enclose_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
