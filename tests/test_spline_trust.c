/*
 * Trust in the spline family's 1-D fits (docs/spline.md, "Trust"): a target at the rounding level
 * of its own evaluation gets a constant at once (not knots down to the spacing of doubles);
 * --rel-tol asks for pointwise relative accuracy (AutoKnots' tolerance with F = 0), met near the
 * zeros of erf and sin as measured against MPFR; samples whose values are near 1e300 give the
 * same spline as the exactly scaled samples. Verdicts are the engine's measurement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uniapprox.h>
#include "model/family.h"
#define TU_SCRATCH_TAG "ua_test_spline_trust"
#include "test_util.h"

static ua_model *fit_measure(const char *spec, double a, double b, const char *const *kv,
                             ua_status *fs, ua_measurement *r)
{
    return tu_fit_measure_1d("spline", spec, a, b, kv, fs, r);
}

/* Zero in exact arithmetic, rounding in double: two knots, a note, resolved by the measurement. */
static void test_rounding_level(void **st)
{
    (void)st;
    static const struct {
        const char *spec;
        double a, b;
    } cases[] = { { "(x+1)-x-1", 0.0, 1.0 }, { "sin(x-pi)+sin(-x-pi)", 0.0, 1.0 },
                  { "cos(x)^2+sin(x)^2-1", -2.0, 3.0 } };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ua_status fs;
        ua_measurement r;
        ua_model *m = fit_measure(cases[k].spec, cases[k].a, cases[k].b, NULL, &fs, &r);
        assert_int_equal(fs, UA_OK);
        assert_int_equal(ua_spline_nknots(ua_model_state(m)), 2);
        assert_non_null(strstr(ua_model_meta(m, "fit_note"), "rounding level"));
        if (!r.resolved) fail_msg("%s: not resolved (max abs %g)", cases[k].spec, r.err.max_abs);
        assert_true(r.err.max_abs < 1e-14);
        ua_measurement_free(&r);
        ua_model_free(m);
    }
}

/* --rel-tol T: |f - s| <= T |f(x)| measured against MPFR, and at points next to erf's zero. */
static void test_rel_tol(void **st)
{
    (void)st;
    static const char *const kv[] = { "rel-tol", "1e-10", NULL };
    ua_status fs;
    ua_measurement r;
    ua_model *m = fit_measure("erf(x)", -4.0, 4.0, kv, &fs, &r);
    assert_int_equal(fs, UA_OK);
    assert_true(r.resolved);
    ASSERT_LE(r.err.max_rel, 1e-10);
    const double two_rpi = 1.1283791670955125739; /* erf(x) = 2x / sqrt(pi) (1 - x^2/3 ...) */
    /* On both sides of the knot at 0 (whose value is 0 exactly): the interval left of it is
     * evaluated from that knot (ua_spline_local), not as erf(x_i) + s(u), which cancelled to
     * 8.7e-19 at x = -2e-150 (want -2.3e-150) */
    static const double xs[] = { 1e-300, 2e-150, 1e-9, 7.9e-6, -1e-300, -2e-150, -1e-9, -7.9e-6 };
    for (size_t k = 0; k < 8; k++) {
        double x = xs[k], y, want = two_rpi * x * (1.0 - x * x / 3.0);
        assert_int_equal(ua_model_predict(m, &x, 1, &y), UA_OK);
        if (!(fabs(y - want) <= 1e-10 * fabs(want)))
            fail_msg("erf at %g: %.17g, want %.17g", x, y, want);
    }
    ua_measurement_free(&r);
    ua_model_free(m);

    m = fit_measure("sin(x)", -3.0, 3.0, kv, &fs, &r);
    assert_int_equal(fs, UA_OK);
    assert_true(r.resolved);
    ASSERT_LE(r.err.max_rel, 1e-10);
    ua_measurement_free(&r);
    ua_model_free(m);

    /* --rel-tol is --rtol T with --fscale 0: with either it is refused */
    static const char *const both[] = { "rel-tol", "1e-10", "rtol", "1e-8", NULL };
    ua_problem *p = tu_formula_1d("sin(x)", -1.0, 1.0);
    ua_model *meta = NULL;
    void *state = NULL;
    assert_int_equal(tu_family_fit("spline", p, both, &meta, &state), UA_EINVAL);
    assert_null(state);
    ua_model_free(meta);
    ua_problem_free(p);
}

/* --rel-tol next to zeros that are no knot of the uniform start (new inputs): the zeros are
 * found and become knots, and at points 1e-2 to 1 ulp from each the sign is right and the
 * relative error within 2 T of the MPFR reference (128 bits). The targets' double evaluation is
 * itself relatively accurate there (libm's sin near k pi, x - c exact near c). */
#define PI_D 3.141592653589793115997963468544185161590576171875 /* pi rounded to double */

static void test_rel_tol_zeros(void **st)
{
    (void)st;
    static const struct {
        const char *spec;
        double a, b;
        double z[4];
        size_t nz;
    } cases[] = {
        { "sin(x)", 2.0, 10.0, { PI_D, 2.0 * PI_D, 3.0 * PI_D }, 3 },
        { "tanh(x-0.5)*exp(x)", -1.0, 2.0, { 0.5 }, 1 },
        { "log(x)*cos(x)", 0.5, 3.0, { 1.0, PI_D / 2.0 }, 2 },
    };
    const double T = 1e-9;
    static const char *const kv[] = { "rel-tol", "1e-9", NULL };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ua_status fs;
        ua_measurement r;
        ua_model *m = fit_measure(cases[c].spec, cases[c].a, cases[c].b, kv, &fs, &r);
        if (fs != UA_OK || !r.resolved)
            fail_msg("%s: not resolved (fit %d, max rel %g)", cases[c].spec, (int)fs,
                     r.err.max_rel);
        ASSERT_LE(r.err.max_rel, 2.0 * T);
        ua_problem *p = tu_formula_1d(cases[c].spec, cases[c].a, cases[c].b);
        const ua_target *t = ua_problem_target(p);
        for (size_t k = 0; k < cases[c].nz; k++) {
            const double z = cases[c].z[k];
            double xs[16];
            size_t n = 0;
            static const double d[] = { 1e-2, 1e-6, 1e-11 };
            for (int j = 0; j < 3; j++) {
                xs[n++] = z - d[j] * fabs(z);
                xs[n++] = z + d[j] * fabs(z);
            }
            double lo = z, hi = z;
            for (int j = 1; j <= 3; j++) {
                lo = nextafter(lo, -INFINITY);
                hi = nextafter(hi, INFINITY);
                xs[n++] = lo;
                xs[n++] = hi;
            }
            for (size_t j = 0; j < n; j++) {
                double x = xs[j], y, want = ua_target_eval_ref(t, &x, 128);
                assert_int_equal(ua_model_predict(m, &x, 1, &y), UA_OK);
                if (!((y < 0.0) == (want < 0.0) && fabs(y - want) <= 2.0 * T * fabs(want)))
                    fail_msg("%s at x = %.17g: %.17g, want %.17g", cases[c].spec, x, y, want);
            }
        }
        ua_problem_free(p);
        ua_measurement_free(&r);
        ua_model_free(m);
    }
}

/* Values near 1e300: the spline through y equals 2^1000 times the spline through y * 2^-1000
 * (both exact scalings: the cubic spline is linear in y), and is finite everywhere. */
static void test_samples_near_max(void **st)
{
    (void)st;
    enum { N = 9 };
    double x[N], y[N], ys[N];
    for (int k = 0; k < N; k++) {
        x[k] = k * 0.25;
        y[k] = (1.5 + sin(3.0 * x[k])) * 1e300 * (k % 2 ? 1.0 : 0.9);
        ys[k] = ldexp(y[k], -1000);
    }
    ua_spline *s = NULL, *t = NULL;
    assert_int_equal(ua_spline_from_samples(x, y, N, NULL, &s), UA_OK);
    assert_int_equal(ua_spline_from_samples(x, ys, N, NULL, &t), UA_OK);
    for (int j = 0; j <= 400; j++) {
        double xj = 2.0 * j / 400.0, a = ua_spline_eval(s, xj), b = ldexp(ua_spline_eval(t, xj), 1000);
        assert_true(isfinite(a));
        ASSERT_LE(fabs(a - b), 1e-14 * fabs(b));
    }
    for (int k = 0; k < N; k++) assert_true(ua_spline_eval(s, x[k]) == y[k]);
    ua_spline_free(s);
    ua_spline_free(t);
}

/* Knots at +-1e308: the widths overflow in double, so the local coordinate is taken in t / 16
 * (exact). Two samples give the line through them, saved, loaded and exported bitwise; three
 * samples with 0 give the natural spline through them (here a line as well: the points are
 * collinear). */
static void test_samples_knots_near_max(void **st)
{
    (void)st;
    double x2[2] = { -1e308, 1e308 }, y2[2] = { 1.0, 2.0 };
    double x3[3] = { 1e308, -1e308, 0.0 }, y3[3] = { 2.0, 1.0, 1.5 };
    for (int c = 0; c < 2; c++) {
        ua_problem *p = NULL;
        assert_int_equal(ua_problem_samples(c ? x3 : x2, c ? y3 : y2, c ? 3 : 2, 1, 1, &p), UA_OK);
        ua_model *m = NULL;
        if (ua_fit(p, "spline", NULL, NULL, &m) != UA_OK) fail_msg("%s", ua_last_error());
        const char *path = tu_path("max.ua");
        assert_int_equal(ua_model_save(m, path), UA_OK);
        ua_model *l = NULL;
        assert_int_equal(ua_model_load(path, &l), UA_OK);
        ua_compiled *so = NULL;
        double (*g)(double) = (double (*)(double))tu_compile_export(
            ua_model_family_vtable(m), ua_model_state(m), UA_EXPORT_DOUBLE, "maxk", &so, NULL);
        for (int j = 0; j <= 64; j++) {
            double x = (j - 32) * (1e308 / 32.0), y, yl; /* -1e308 .. 1e308 */
            assert_int_equal(ua_model_predict(m, &x, 1, &y), UA_OK);
            assert_int_equal(ua_model_predict(l, &x, 1, &yl), UA_OK);
            double want = 1.5 + 0.5 * (x / 1e308);
            ASSERT_LE(fabs(y - want), 4.0 * DBL_EPSILON);
            assert_true(y == yl);
            assert_true(g(x) == y);
        }
        ua_compiled_free(so);
        ua_model_free(l);
        ua_model_free(m);
        ua_problem_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounding_level),
        cmocka_unit_test(test_rel_tol),
        cmocka_unit_test(test_rel_tol_zeros),
        cmocka_unit_test(test_samples_near_max),
        cmocka_unit_test(test_samples_knots_near_max),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
