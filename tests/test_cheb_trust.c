/*
 * Trust in the cheb family's 1-D fits (docs/cheb.md, "Trust"): a target at the rounding level of
 * its own evaluation is recognised at once and measured honestly; values near DBL_MAX are fitted
 * as f / 2^k (no coefficient overflows; saved, loaded, exported, measured); located edges are
 * snapped to the simplest double of their bracket (src/probe/edge.c). Every verdict is the engine's measurement
 * against MPFR (ua_model_measure), never the constructor's word.
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
#include <unistd.h>

#include <uniapprox.h>
#include "model/family.h"
#define TU_SCRATCH_TAG "ua_test_cheb_trust"
#include "test_util.h"

static ua_model *fit_measure(const char *spec, double a, double b, const char *const *kv,
                             ua_status *fs, ua_measurement *r)
{
    return tu_fit_measure_1d("cheb", spec, a, b, kv, fs, r);
}

static const ua_cheb *state_of(const ua_model *m) { return ua_model_state(m); }

/* ---- 1. the rounding level of the evaluation ------------------------------------------------ */

/* Expressions that are zero in exact arithmetic, whose double evaluation is rounding: the model
 * is one constant, the note says why, and the measurement against MPFR resolves it. */
static void test_rounding_level_formulas(void **st)
{
    (void)st;
    static const struct {
        const char *spec;
        double a, b;
    } cases[] = {
        { "(x+1)-x-1", 0.0, 1.0 },
        { "sin(x-pi)+sin(-x-pi)", 0.0, 1.0 },
        { "exp(log(x))-x", 1.0, 2.0 },
        { "(x*3)/3-x+(x/7)*7-x", 0.1, 5.0 },
        { "sqrt(x)^2-x", 1.0, 4.0 },
        { "cos(x)^2+sin(x)^2-1", -2.0, 3.0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ua_status fs;
        ua_measurement r;
        ua_model *m = fit_measure(cases[k].spec, cases[k].a, cases[k].b, NULL, &fs, &r);
        if (fs != UA_OK) fail_msg("%s: %s", cases[k].spec, ua_model_meta(m, "fit_reason"));
        assert_int_equal(ua_cheb_npieces(state_of(m)), 1);
        assert_int_equal(ua_cheb_total_length(state_of(m)), 1); /* one constant */
        const char *note = ua_model_meta(m, "fit_note");
        /* sampled exactly 0 everywhere (the problem layer may sample in MPFR): the zero function,
         * exact, needs no note; otherwise the note says what happened */
        if (ua_cheb_coeffs(state_of(m), 0)[0] != 0.0 || note) {
            assert_non_null(note);
            assert_non_null(strstr(note, "rounding level of its own evaluation"));
            assert_true(tu_meta_number(m, "tol_abs") > 0.0);
            assert_true(tu_meta_number(m, "tol_abs") < 1e-12);
        }
        if (!r.resolved) fail_msg("%s: measured not resolved (max abs %g)", cases[k].spec, r.err.max_abs);
        assert_true(r.err.max_abs < 1e-14);
        ua_measurement_free(&r);
        ua_model_free(m);
    }
}

/* Small but not rounding (1e-300 sin x agrees at every precision): a normal, long fit; lost at
 * every precision tried (sin(1e300 x)): not resolved, and the measurement agrees. */
static void test_rounding_level_not_fooled(void **st)
{
    (void)st;
    ua_status fs;
    ua_measurement r;
    ua_model *m = fit_measure("1e-300*sin(x)", 0.0, 1.0, NULL, &fs, &r);
    assert_int_equal(fs, UA_OK);
    assert_null(ua_model_meta(m, "fit_note"));
    assert_true(ua_cheb_total_length(state_of(m)) > 8);
    assert_true(r.resolved);
    ua_measurement_free(&r);
    ua_model_free(m);

    static const char *const short_fit[] = { "max-length", "1025", NULL }; /* bounded work */
    m = fit_measure("sin(1e300*x)", 0.0, 1.0, short_fit, &fs, &r);
    assert_int_equal(fs, UA_ENOTRESOLVED);
    assert_false(r.resolved);
    assert_true(r.err.max_abs > 0.5); /* the constant is far from the exact function */
    ua_measurement_free(&r);
    ua_model_free(m);
}

/* A user function (reference: itself, in double) that is rounding: sin(x - pi) + sin(-x - pi)
 * with pi rounded to double, through volatile so that no compiler folds it. */
static double user_noise(const double *x, void *ctx)
{
    (void)ctx;
    volatile double pi = 3.14159265358979323846, u = x[0] - pi, v = -x[0] - pi;
    return sin(u) + sin(v);
}

static void test_rounding_level_function(void **st)
{
    (void)st;
    double lo = 0.25, hi = 2.0;
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_callback(user_noise, NULL, 1, &lo, &hi, "noise", &p), UA_OK);
    ua_model *m = NULL;
    if (ua_fit(p, "cheb", NULL, NULL, &m) != UA_OK) fail_msg("%s", ua_last_error());
    assert_int_equal(ua_cheb_total_length(state_of(m)), 1);
    assert_non_null(strstr(ua_model_meta(m, "fit_note"), "neighbouring doubles"));
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = 20000;
    ua_measurement r;
    assert_int_equal(ua_model_measure(m, p, &mo, &r), UA_OK);
    assert_true(r.resolved);
    /* the rounding of x - pi and -x - pi (|.| < 4: half an ulp is 2^-52) through sin, twice,
     * plus the sines' own rounding: well below 2^-48 */
    ASSERT_LE(r.err.max_abs, 0x1p-48);
    ua_measurement_free(&r);
    ua_model_free(m);
    ua_problem_free(p);
}

/* ---- 5. values near DBL_MAX -------------------------------------------------------------------- */

static void check_roundtrip(ua_model *m, double a, double b)
{
    const char *path = tu_path("big.ua");
    assert_int_equal(ua_model_save(m, path), UA_OK);
    ua_model *l = NULL;
    if (ua_model_load(path, &l) != UA_OK) fail_msg("load: %s", ua_last_error());
    const ua_cheb *c = state_of(m);
    for (size_t i = 0; i < ua_cheb_npieces(c); i++)
        for (size_t k = 0; k < ua_cheb_length(c, i); k++) assert_true(isfinite(ua_cheb_coeffs(c, i)[k]));
    ua_compiled *so = NULL;
    double (*g)(double) = (double (*)(double))tu_compile_export(ua_model_family_vtable(m),
                                                                 ua_model_state(m), UA_EXPORT_DOUBLE,
                                                                 "big", &so, NULL);
    for (int j = 0; j <= 200; j++) {
        double x = a + (b - a) * j / 200.0, y0, y1;
        assert_int_equal(ua_model_predict(m, &x, 1, &y0), UA_OK);
        assert_int_equal(ua_model_predict(l, &x, 1, &y1), UA_OK);
        assert_true(isfinite(y0));
        assert_true(y0 == y1);       /* loaded: the same model */
        assert_true(g(x) == y0);     /* exported: the same operations */
    }
    ua_compiled_free(so);
    ua_model_free(l);
}

static void test_overflow_exp(void **st)
{
    (void)st;
    const double a = 700.0, b = 709.782712;
    ua_status fs;
    ua_measurement r;
    ua_model *m = fit_measure("exp(x)", a, b, NULL, &fs, &r);
    assert_int_equal(fs, UA_OK);
    assert_true(r.resolved);
    assert_true(r.err.scale > 1.79e308); /* exp(709.782712) = 1.797693e308 */
    assert_true(isfinite(r.err.max_abs));
    check_roundtrip(m, a, b);
    double x = b, y;
    assert_int_equal(ua_model_predict(m, &x, 1, &y), UA_OK);
    ASSERT_LE(fabs(y - exp(b)) / exp(b), 1e-13); /* libm's exp is correct to an ulp or so */
    ua_measurement_free(&r);
    ua_model_free(m);
}

/* Values of both signs reaching DBL_MAX within 0.5%: -1.79e308 cos(3x) and a smooth quotient. */
static void test_overflow_near_max(void **st)
{
    (void)st;
    static const char *specs[] = { "-1.79e308*cos(3*x)", "1.7e308/(1+x^2)" };
    for (size_t k = 0; k < 2; k++) {
        ua_status fs;
        ua_measurement r;
        ua_model *m = fit_measure(specs[k], -1.0, 1.0, NULL, &fs, &r);
        assert_int_equal(fs, UA_OK);
        if (!r.resolved) fail_msg("%s: not resolved (max abs %g)", specs[k], r.err.max_abs);
        check_roundtrip(m, -1.0, 1.0);
        ua_measurement_free(&r);
        ua_model_free(m);
    }
}

/* ---- 2. exact breakpoints ------------------------------------------------------------------------ */

/* The piecewise fit (--split) of spec on [-1, 1]: the interior breakpoint nearest want is within
 * ulps units in the last place of it (0: exactly it), and the measurement resolves the fit. */
static void check_break(const char *spec, double want, double ulps, int resolves)
{
    static const char *const split[] = { "split", "1", NULL };
    ua_status fs;
    ua_measurement r;
    ua_model *m = fit_measure(spec, -1.0, 1.0, split, &fs, &r);
    const ua_cheb *c = state_of(m);
    size_t P = ua_cheb_npieces(c);
    assert_true(P >= 2);
    double best = INFINITY;
    for (size_t i = 1; i < P; i++)
        if (fabs(ua_cheb_breaks(c)[i] - want) < fabs(best - want)) best = ua_cheb_breaks(c)[i];
    double unit = want == 0.0 ? 0.0 : nextafter(fabs(want), INFINITY) - fabs(want);
    if (!(fabs(best - want) <= ulps * unit))
        fail_msg("%s: break at %.17g, want %.17g (within %g ulps)", spec, best, want, ulps);
    if (resolves && !r.resolved) fail_msg("%s: not resolved (max abs %g)", spec, r.err.max_abs);
    ua_measurement_free(&r);
    ua_model_free(m);
}

static void test_exact_breaks(void **st)
{
    (void)st;
    check_break("abs(x)", 0.0, 0, 1);
    check_break("abs(x-0.25)", 0.25, 0, 1);
    check_break("abs(x+0.625)*exp(x)", -0.625, 0, 1);
    /* sign(0) = 0 at the break itself, where the model takes the right piece's 1: the
     * measurement (which includes the breakpoint) says not resolved, honestly */
    check_break("sign(x-0.5)", 0.5, 0, 0);
    /* kinks at no simple double: the one-sided quadratics are intersected (src/cheb/locate.c)
     * and the break is within an ulp of the double nearest the kink, also on top of a value
     * (rounding 1) and of curvature; want: the double the formula's own constant rounds to */
    check_break("abs(x-1/3)", 1.0 / 3.0, 1, 1);
    check_break("abs(x-2/7)+1", 2.0 / 7.0, 1, 1);
    check_break("abs(x-2/7)*exp(x)+1", 2.0 / 7.0, 1, 1);
    check_break("abs(x+3/11)*cos(x)", -3.0 / 11.0, 1, 1);
    check_break("abs(x-0.1)+0.5*x", 0.1, 1, 1);
}

/* |x - c|^p, p not an integer: the edge is located exactly (c a double: at c; else within an
 * ulp), the pieces towards it are graded geometrically (docs/cheb.md, "Splitting") and the fit
 * is resolved by the measurement against MPFR, with few pieces (measured 12 to 15). */
static void check_power(const char *spec, double c, double ulps, size_t max_pieces)
{
    static const char *const split[] = { "split", "1", NULL };
    ua_status fs;
    ua_measurement r;
    ua_model *m = fit_measure(spec, -1.0, 1.0, split, &fs, &r);
    const ua_cheb *ch = state_of(m);
    size_t P = ua_cheb_npieces(ch);
    double best = INFINITY;
    for (size_t i = 1; i < P; i++)
        if (fabs(ua_cheb_breaks(ch)[i] - c) < fabs(best - c)) best = ua_cheb_breaks(ch)[i];
    double unit = c == 0.0 ? 0.0 : nextafter(fabs(c), INFINITY) - fabs(c);
    if (!(fabs(best - c) <= ulps * unit))
        fail_msg("%s: break at %.17g, want %.17g (within %g ulps)", spec, best, c, ulps);
    if (fs != UA_OK || !r.resolved)
        fail_msg("%s: not resolved (fit %d, max abs %g, %zu pieces)", spec, (int)fs,
                 r.err.max_abs, P);
    if (P > max_pieces) fail_msg("%s: %zu pieces, want at most %zu", spec, P, max_pieces);
    /* the singular point itself and its neighbours: the MPFR value, to the scale's tolerance */
    ASSERT_LE(r.err.max_abs, 16.0 * DBL_EPSILON * r.err.scale);
    ua_measurement_free(&r);
    ua_model_free(m);
}

static void test_power_singularities(void **st)
{
    (void)st;
    check_power("abs(x)^1.5", 0.0, 0, 12);
    check_power("abs(x-0.375)^1.5*exp(x)", 0.375, 0, 12);
    check_power("abs(x+0.5)^1.25", -0.5, 0, 16);
    check_power("abs(x-1/3)^1.5", 1.0 / 3.0, 1, 12);
    check_power("abs(x-0.1)^1.25*cos(x)", 0.1, 1, 16);
}

/* ---- 3. pointwise relative accuracy ------------------------------------------------------------ */

/* The model at x against a closed value (MPFR-correct to 1 ulp here, checked by mpmath when the
 * test was written): relative error at most rel. */
static void assert_rel(ua_model *m, double x, double want, double rel)
{
    double y;
    assert_int_equal(ua_model_predict(m, &x, 1, &y), UA_OK);
    if (!(fabs(y - want) <= rel * fabs(want)))
        fail_msg("at x = %.17g: %.17g, want %.17g (rel %.3g > %.3g)", x, y, want,
                 fabs(y - want) / fabs(want), rel);
}

static void test_rel_tol_erf(void **st)
{
    (void)st;
    static const char *const kv[] = { "rel-tol", "1e-13", NULL };
    ua_status fs;
    ua_measurement r;
    ua_model *m = fit_measure("erf(x)", -4.0, 4.0, kv, &fs, &r);
    assert_int_equal(fs, UA_OK);
    assert_true(r.resolved);
    ASSERT_LE(r.err.max_rel, 1e-13);
    const ua_cheb *c = state_of(m);
    assert_int_equal(ua_cheb_npieces(c), 2);
    assert_true(ua_cheb_breaks(c)[1] == 0.0); /* erf's zero, exactly */
    double x = 0.0, y;
    assert_int_equal(ua_model_predict(m, &x, 1, &y), UA_OK);
    assert_true(y == 0.0);
    /* erf(x) = 2 x / sqrt(pi) (1 - x^2 / 3 + ...): at these x the series is exact to 1e-20 */
    const double two_rpi = 1.1283791670955125739; /* 2 / sqrt(pi) */
    assert_rel(m, 1e-300, two_rpi * 1e-300, 1e-13);
    assert_rel(m, -3e-200, -two_rpi * 3e-200, 1e-13);
    assert_rel(m, 1e-10, two_rpi * 1e-10, 1e-13);
    /* 7.9e-6: erf = 2x/sqrt(pi) (1 - x^2/3 + x^4/10), x^2/3 = 2.08e-11 */
    double x7 = 7.9e-6, e7 = two_rpi * x7 * (1.0 - x7 * x7 / 3.0 + x7 * x7 * x7 * x7 / 10.0);
    assert_rel(m, x7, e7, 1e-13);
    /* saved, loaded and exported: the same values */
    const char *path = tu_path("rel.ua");
    assert_int_equal(ua_model_save(m, path), UA_OK);
    ua_model *l = NULL;
    assert_int_equal(ua_model_load(path, &l), UA_OK);
    ua_compiled *so = NULL;
    double (*g)(double) = (double (*)(double))tu_compile_export(ua_model_family_vtable(m),
                                                                 ua_model_state(m),
                                                                 UA_EXPORT_DOUBLE, "rel", &so, NULL);
    static const double xs[] = { -4.0, -1e-300, 0.0, 1e-300, 7.9e-6, 0.3, 3.999 };
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        double y0, y1;
        assert_int_equal(ua_model_predict(m, &xs[k], 1, &y0), UA_OK);
        assert_int_equal(ua_model_predict(l, &xs[k], 1, &y1), UA_OK);
        assert_true(y0 == y1);
        assert_true(g(xs[k]) == y0);
    }
    ua_compiled_free(so);
    ua_model_free(l);
    ua_measurement_free(&r);
    ua_model_free(m);
}

/* sin on [-3, 3], log near 1, a product with its zero at 0.25: relative accuracy everywhere the
 * measurement looks (the breakpoints, zeros included, are among its points). (A zero that is no
 * double, sin(x - 1/3), is limited by the double evaluation itself, whose zero is the double
 * nearest 1/3: measured 4.8e-6 relative at 1e-11 from it; sampling in MPFR is what lifts that.) */
static void test_rel_tol_sin(void **st)
{
    (void)st;
    static const char *const kv[] = { "rel-tol", "1e-12", NULL };
    static const struct {
        const char *spec;
        double a, b;
    } cases[] = { { "sin(x)", -3.0, 3.0 }, { "log(x)", 0.5, 2.0 },
                  { "(x-0.25)*exp(x)*(2+sin(3*x))", -1.0, 2.0 } };
    for (size_t k = 0; k < 3; k++) {
        ua_status fs;
        ua_measurement r;
        ua_model *m = fit_measure(cases[k].spec, cases[k].a, cases[k].b, kv, &fs, &r);
        assert_int_equal(fs, UA_OK);
        if (!r.resolved) fail_msg("%s: max rel %g at %g", cases[k].spec, r.err.max_rel, r.err.x_max_rel[0]);
        ASSERT_LE(r.err.max_rel, 1e-12);
        assert_null(ua_model_meta(m, "warning"));
        ua_measurement_free(&r);
        ua_model_free(m);
        /* without it: a warning exactly when the measured relative error exceeds 100 times
         * the tolerance relative to the scale */
        m = fit_measure(cases[k].spec, cases[k].a, cases[k].b, NULL, &fs, &r);
        if (r.err.max_rel > 100.0 * r.tol_scale) {
            assert_non_null(ua_model_meta(m, "warning"));
            assert_non_null(strstr(ua_model_meta(m, "warning"), "--rel-tol"));
        } else {
            assert_null(ua_model_meta(m, "warning"));
        }
        ua_measurement_free(&r);
        ua_model_free(m);
    }
}

/* exp(2/x) cos(1/x) on [0.05, 1]: |f| from 1e17 down to its zeros. Without --rel-tol the default
 * tolerance (relative to max|f|) lets the sign go wrong near the zeros: a warning says so. With
 * it, no value of the wrong sign on a dense grid (the zeros are cut at; the double evaluation of
 * f near them limits how far the relative tolerance is met, and the verdict says so). */
static void test_rel_tol_signs(void **st)
{
    (void)st;
    ua_status fs;
    ua_measurement r;
    ua_model *m = fit_measure("exp(2/x)*cos(1/x)", 0.05, 1.0, NULL, &fs, &r);
    assert_non_null(ua_model_meta(m, "warning"));
    ua_measurement_free(&r);
    ua_model_free(m);
    /* --rel-tol 1e-13 on the domain (the zeros 1/(pi/2 + k pi) accumulate at 0, outside
     * it): resolved, and within 1e-13 of MPFR next to every zero, from 1e-3 relative down to
     * one ulp. A piece whose g = f / (x - r) spans more than T / eps (2.7e5 down to 370 next to
     * the zero 2/(3 pi)) is halved; the rest of each root comes from a second-order difference
     * with a step of 2^-36 of the piece (a first-order one left 3e-5 relative at the zeros, and
     * the piece that did not resolve took 43 s) */
    static const char *const kv[] = { "rel-tol", "1e-13", NULL };
    m = fit_measure("exp(2/x)*cos(1/x)", 0.05, 1.0, kv, &fs, &r);
    if (fs != UA_OK || !r.resolved)
        fail_msg("exp(2/x)*cos(1/x) --rel-tol 1e-13: not resolved (fit %d, max rel %g)", (int)fs,
                 r.err.max_rel);
    ASSERT_LE(r.err.max_rel, 1e-13);
    ua_problem *p = tu_formula_1d("exp(2/x)*cos(1/x)", 0.05, 1.0);
    const ua_target *t = ua_problem_target(p);
    size_t wrong = 0;
    for (int k = 0; k <= 5; k++) {
        const double z = 1.0 / (3.141592653589793 * (k + 0.5)); /* within an ulp or two */
        double xs[12];
        size_t n = 0;
        static const double d[] = { 1e-3, 1e-8, 1e-12 };
        for (int j = 0; j < 3; j++) {
            xs[n++] = z * (1.0 - d[j]);
            xs[n++] = z * (1.0 + d[j]);
        }
        double lo = z, hi = z;
        for (int j = 0; j < 3; j++) {
            lo = nextafter(lo, 0.0);
            hi = nextafter(hi, 1.0);
            xs[n++] = lo;
            xs[n++] = hi;
        }
        for (size_t j = 0; j < n; j++) {
            double x = xs[j], y, want = ua_target_eval_ref(t, &x, 128);
            assert_int_equal(ua_model_predict(m, &x, 1, &y), UA_OK);
            if ((y < 0.0) != (want < 0.0)) wrong++;
            if (!(fabs(y - want) <= 1e-13 * fabs(want)))
                fail_msg("x = %.17g: %.17g, want %.17g (relative %.3g)", x, y, want,
                         fabs(y - want) / fabs(want));
        }
    }
    assert_int_equal(wrong, 0);
    ua_problem_free(p);
    ua_measurement_free(&r);
    ua_model_free(m);
}

/* ---- 4. sampling at the reference's precision: the default reaches it pointwise ------------- */

/* sqrt(x^2+1)-x on [0, 30] (a new input of the erfc(x) exp(x^2) kind): its double
 * evaluation cancels (the probe switches to MPFR sampling) and its values fall from 1 to 1/60.
 * A tolerance relative to max|f| leaves 44 ulps where f is smallest (measured with --tol eps);
 * the default then fits to 2 ulps of |f(x)| (pieces of range <= 2) and the measurement against
 * MPFR finds at most 8 ulps, with the note saying so. */
static void test_default_pointwise_mpfr(void **st)
{
    (void)st;
    ua_status fs;
    ua_measurement r;
    ua_model *m = fit_measure("sqrt(x^2+1)-x", 0.0, 30.0, NULL, &fs, &r);
    if (fs != UA_OK || !r.resolved) fail_msg("not resolved (fit %d)", (int)fs);
    const char *note = ua_model_meta(m, "fit_note");
    assert_non_null(note);
    assert_non_null(strstr(note, "pointwise relative"));
    assert_true(ua_cheb_npieces(state_of(m)) >= 3);
    ASSERT_LE(r.err.max_ulp64, 8.0);
    ASSERT_LE(r.err.max_rel, 8.0 * DBL_EPSILON);
    ua_measurement_free(&r);
    ua_model_free(m);
    /* a tolerance given keeps its meaning: one series, relative to max|f| */
    static const char *const kv[] = { "tol", "2.220446049250313e-16", NULL };
    m = fit_measure("sqrt(x^2+1)-x", 0.0, 30.0, kv, &fs, &r);
    assert_int_equal(fs, UA_OK);
    assert_int_equal(ua_cheb_npieces(state_of(m)), 1);
    assert_null(ua_model_meta(m, "fit_note"));
    ASSERT_LE(16.0, r.err.max_ulp64); /* measured 44 */
    ua_measurement_free(&r);
    ua_model_free(m);
}

/* ---- 7. the RMS of errors near 1e+-300 --------------------------------------------------------- */

/* The measurement's RMS is a scaled sum of squares (src/verify): errors near 1e284 (f = 1e300
 * sin x) squared overflowed to an RMS of Inf, errors near 1e-316 underflowed to 0. Identities:
 * max / sqrt(N) <= RMS <= max over the N finite points. */
static void test_rms_extreme_scales(void **st)
{
    (void)st;
    static const char *const specs[] = { "1e300*sin(x)", "1e-300*sin(x)" };
    for (size_t k = 0; k < 2; k++) {
        ua_status fs;
        ua_measurement r;
        ua_model *m = fit_measure(specs[k], -1.0, 1.0, NULL, &fs, &r);
        size_t n = r.err.npoints - r.err.n_nonfinite_ref;
        if (!(r.err.max_abs > 0.0)) fail_msg("%s: no error to average", specs[k]);
        if (!(r.err.rms_abs <= r.err.max_abs && r.err.rms_abs >= r.err.max_abs / sqrt((double)n)))
            fail_msg("%s: rms %g outside [max / sqrt(N), max] = [%g, %g]", specs[k],
                     r.err.rms_abs, r.err.max_abs / sqrt((double)n), r.err.max_abs);
        ua_measurement_free(&r);
        ua_model_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounding_level_formulas),
        cmocka_unit_test(test_rounding_level_not_fooled),
        cmocka_unit_test(test_rounding_level_function),
        cmocka_unit_test(test_overflow_exp),
        cmocka_unit_test(test_overflow_near_max),
        cmocka_unit_test(test_exact_breaks),
        cmocka_unit_test(test_power_singularities),
        cmocka_unit_test(test_rel_tol_erf),
        cmocka_unit_test(test_rel_tol_sin),
        cmocka_unit_test(test_rel_tol_signs),
        cmocka_unit_test(test_default_pointwise_mpfr),
        cmocka_unit_test(test_rms_extreme_scales),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
