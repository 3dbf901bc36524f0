/* Tests of the error measurement: ULP identities, and approximations whose errors are known
 * exactly (computed independently here in exact double arithmetic). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uniapprox.h"

static ua_target *parse(const char *spec)
{
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(spec, NULL, 0, &t), UA_OK);
    return t;
}

static void test_ulp_identities(void **state)
{
    (void)state;
    assert_true(ua_ulp64(1.0) == ldexp(1, -52));
    assert_true(ua_ulp64(1.5) == ldexp(1, -52));
    assert_true(ua_ulp64(0.75) == ldexp(1, -53));
    assert_true(ua_ulp64(-1.0) == ldexp(1, -52));
    assert_true(ua_ulp64(2.0) == ldexp(1, -51));
    assert_true(ua_ulp64(nextafter(2.0, 0)) == ldexp(1, -52));
    assert_true(ua_ulp64(1e300) == nextafter(1e300, INFINITY) - 1e300);
    assert_true(ua_ulp64(1.7976931348623157e308) == ldexp(1, 971));
    /* subnormal range and the smallest normal: all spaced by 2^-1074 */
    assert_true(ua_ulp64(0.0) == ldexp(1, -1074));
    assert_true(ua_ulp64(-0.0) == ldexp(1, -1074));
    assert_true(ua_ulp64(5e-324) == ldexp(1, -1074));
    assert_true(ua_ulp64(ldexp(1, -1030)) == ldexp(1, -1074));
    assert_true(ua_ulp64(ldexp(1, -1022)) == ldexp(1, -1074));
    assert_true(ua_ulp64(ldexp(1, -1021)) == ldexp(1, -1073));
    assert_true(isnan(ua_ulp64(NAN)));
    assert_true(isnan(ua_ulp64(INFINITY)));

    assert_true(ua_ulp32(1.0) == ldexp(1, -23));
    assert_true(ua_ulp32(1.5) == ldexp(1, -23));
    assert_true(ua_ulp32(0.75) == ldexp(1, -24));
    assert_true(ua_ulp32(3.0e38) == ldexp(1, 104));
    assert_true(ua_ulp32(0.0) == ldexp(1, -149));
    assert_true(ua_ulp32(ldexp(1, -130)) == ldexp(1, -149));
    assert_true(ua_ulp32(ldexp(1, -126)) == ldexp(1, -149));
    assert_true(ua_ulp32(ldexp(1, -125)) == ldexp(1, -148));
    /* the float32 spacing agrees with nextafterf wherever float has a next value */
    for (float y = 1e-30f; y < 1e30f; y *= 7.3f)
        assert_true(ua_ulp32(y) == (double)nextafterf(y, INFINITY) - (double)y);
    assert_true(isnan(ua_ulp32(-INFINITY)));
}

static double plus_1e10(double x, void *ctx) { (void)ctx; return x + 1e-10; }

static void test_constant_offset(void **state)
{
    (void)state;
    ua_target *t = parse("x");
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    assert_int_equal(opt.npoints, 100000);
    assert_int_equal(opt.prec, 128);
    opt.npoints = 1025; /* x = i/1024: exact */
    ua_errors e;
    assert_int_equal(ua_verify_1d(plus_1e10, NULL, t, 0, 1, &opt, &e), UA_OK);
    /* The exact errors, independently: fl(x + 1e-10) - x is exact in double (Sterbenz for
     * x >= 2^-10; x + 1e-10 - x exact at x = 0), so the max, its location and the rms are known
     * to the last bit of the rounding of the measurement itself. */
    double emax = -1, xmax = 0, sum = 0;
    for (int i = 0; i <= 1024; i++) {
        double x = i / 1024.0, err = (x + 1e-10) - x;
        if (err > emax) emax = err, xmax = x;
        sum += err * err;
    }
    assert_int_equal(e.npoints, 1025);
    assert_int_equal(e.n_nonfinite_ref, 0);
    assert_true(e.max_abs == emax);
    assert_true(e.x_max_abs == xmax);
    assert_true(fabs(e.max_abs - 1e-10) <= ldexp(1, -53));
    assert_true(fabs(e.rms_abs - sqrt(sum / 1025)) <= 1e-15 * e.rms_abs);
    assert_true(fabs(e.rms_abs - 1e-10) <= ldexp(1, -53));
    assert_true(e.scale == 1.0);
    assert_true(e.max_rel_scale == e.max_abs);
    /* relative error is largest at the smallest nonzero x, 1/1024: about 1e-10 * 1024 */
    assert_true(e.x_max_rel == 1.0 / 1024);
    assert_true(fabs(e.max_rel - ((1.0 / 1024 + 1e-10) - 1.0 / 1024) * 1024) <= 1e-22);
    /* at x = 0 the reference is 0: no ULP error is counted there (ulp64(0) is 2^-1074, which
     * would read 1e-10 as 2e313 ULP), as no relative error is; the largest is at the smallest
     * nonzero x, 1/1024, alone in its binade, where ulp64 is 2^-62 */
    assert_true(e.x_max_ulp64 == 1.0 / 1024);
    assert_true(e.max_ulp64 == ((1.0 / 1024 + 1e-10) - 1.0 / 1024) / ldexp(1, -62));
    ua_target_free(t);
}

/* one float64 ULP above a square that is exact in double */
static double square_up(double x, void *ctx) { (void)ctx; return nextafter(x * x, INFINITY); }

static void test_one_ulp(void **state)
{
    (void)state;
    ua_target *t = parse("x*x");
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    opt.npoints = 257; /* x = 1 + i/256 on [1, 2]: x*x has at most 18 bits, exact */
    ua_errors e;
    assert_int_equal(ua_verify_1d(square_up, NULL, t, 1, 2, &opt, &e), UA_OK);
    assert_true(e.max_ulp64 == 1.0);
    assert_true(e.x_max_ulp64 == 1.0); /* every point ties at 1: the smallest x wins */
    /* (float)p rounds back to the exact square: zero float32 error */
    assert_true(e.max_ulp32 == 0.0);
    assert_true(e.x_max_ulp32 == 1.0);
    /* the absolute error is the ULP at the top of the domain: x*x = 4 has ulp 2^-50 */
    assert_true(e.max_abs == ldexp(1, -50));
    assert_true(e.x_max_abs == 2.0);
    /* relative: ulp/x^2 is largest just above a power of two: at x = 1 it is 2^-52 */
    assert_true(e.max_rel == ldexp(1, -52));
    assert_true(e.x_max_rel == 1.0);
    ua_target_free(t);
}

/* x^2 with a bump of 2^-10 at x = 0.25 only */
static double square_bump(double x, void *ctx)
{
    (void)ctx;
    return x * x + (x == 0.25 ? ldexp(1, -10) : 0);
}

static void test_argmax(void **state)
{
    (void)state;
    ua_target *t = parse("x^2");
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    opt.npoints = 33; /* x = -1 + i/16: 0.25 is on the grid, all squares exact */
    ua_errors e;
    assert_int_equal(ua_verify_1d(square_bump, NULL, t, -1, 1, &opt, &e), UA_OK);
    assert_true(e.max_abs == ldexp(1, -10));
    assert_true(e.x_max_abs == 0.25);
    assert_true(e.max_rel == ldexp(1, -10) / 0.0625);
    assert_true(e.x_max_rel == 0.25);
    assert_true(e.max_ulp64 == ldexp(1, -10) / ldexp(1, -56)); /* ulp64(1/16) = 2^-56 */
    assert_true(e.x_max_ulp64 == 0.25);
    assert_true(e.max_ulp32 == ldexp(1, -10) / ldexp(1, -27));
    assert_true(e.scale == 1.0);
    assert_true(e.rms_abs == sqrt(ldexp(1, -20) / 33));
    ua_target_free(t);
}

/* exact except at x = 0.3 (an extra point) and outside the domain */
static double bump_at_extra(double x, void *ctx)
{
    (void)ctx;
    if (x == 0.3) return x + ldexp(1, -8);
    if (x > 1 || x < 0) return 1e300; /* never measured */
    return x;
}

static void test_extra_points(void **state)
{
    (void)state;
    ua_target *t = parse("x");
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    opt.npoints = 1025;
    const double extra[] = {0.3, 5.0, -1.0, NAN};
    opt.extra = extra;
    opt.nextra = 4;
    ua_errors e;
    assert_int_equal(ua_verify_1d(bump_at_extra, NULL, t, 0, 1, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, 1026); /* only 0.3 is inside [0, 1] */
    assert_true(e.max_abs == (0.3 + ldexp(1, -8)) - 0.3); /* exact by Sterbenz */
    assert_true(e.x_max_abs == 0.3);
    /* without the extra point the approximation is exact */
    opt.nextra = 0;
    assert_int_equal(ua_verify_1d(bump_at_extra, NULL, t, 0, 1, &opt, &e), UA_OK);
    assert_true(e.max_abs == 0);
    assert_true(e.rms_abs == 0);
    ua_target_free(t);
}

static double zero(double x, void *ctx) { (void)x; (void)ctx; return 0; }

static void test_nonfinite_reference(void **state)
{
    (void)state;
    ua_target *t = parse("log(x)");
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    opt.npoints = 1001; /* x = -1 + i/500: i = 0..500 give x <= 0, log NaN or -inf */
    ua_errors e;
    assert_int_equal(ua_verify_1d(zero, NULL, t, -1, 1, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, 1001);
    assert_int_equal(e.n_nonfinite_ref, 501);
    /* the largest |log x| over the positive grid points, at the smallest one (about 0.002) */
    assert_true(e.x_max_abs > 0.0019 && e.x_max_abs < 0.0021);
    assert_true(fabs(e.max_abs + log(e.x_max_abs)) <= 1e-15 * e.max_abs);
    assert_true(isfinite(e.max_abs) && isfinite(e.rms_abs));
    assert_true(e.max_rel == 1.0); /* |0 - f| / |f| */
    ua_target_free(t);
}

static double nan_at_half(double x, void *ctx) { (void)ctx; return x == 0.5 ? NAN : x; }

static void test_nonfinite_approx(void **state)
{
    (void)state;
    ua_target *t = parse("x");
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    opt.npoints = 5;
    ua_errors e;
    assert_int_equal(ua_verify_1d(nan_at_half, NULL, t, 0, 1, &opt, &e), UA_OK);
    assert_true(isinf(e.max_abs) && e.x_max_abs == 0.5);
    assert_true(isinf(e.max_rel) && isinf(e.max_ulp64) && isinf(e.max_ulp32));
    assert_true(isinf(e.rms_abs));
    ua_target_free(t);
}

/* records the points it is called at (threads = 1 only) */
typedef struct { double xs[64]; int n; } recorder;
static double record(double x, void *ctx)
{
    recorder *r = ctx;
    if (r->n < 64) r->xs[r->n++] = x;
    return x;
}
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_log_grid(void **state)
{
    (void)state;
    ua_target *t = parse("x");
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    opt.npoints = 11;
    opt.grid = UA_GRID_LOG;
    opt.threads = 1;
    recorder r = {{0}, 0};
    ua_errors e;
    assert_int_equal(ua_verify_1d(record, &r, t, 1, 1024, &opt, &e), UA_OK);
    assert_int_equal(r.n, 11);
    qsort(r.xs, 11, sizeof r.xs[0], cmp_double);
    assert_true(r.xs[0] == 1 && r.xs[10] == 1024); /* endpoints exact */
    for (int k = 1; k < 10; k++) assert_true(fabs(r.xs[k] - ldexp(1, k)) <= 1e-13 * ldexp(1, k));
    /* the uniform grid, for contrast: points 1 + 102.3 k */
    r.n = 0;
    opt.grid = UA_GRID_UNIFORM;
    assert_int_equal(ua_verify_1d(record, &r, t, 1, 1024, &opt, &e), UA_OK);
    qsort(r.xs, 11, sizeof r.xs[0], cmp_double);
    for (int k = 0; k < 11; k++) assert_true(fabs(r.xs[k] - (1 + 102.3 * k)) <= 1e-12);
    ua_target_free(t);
}

/* a noisy approximation of sin: errors of a few ULP, with many near-ties */
static double rough_sin(double x, void *ctx)
{
    (void)ctx;
    return (float)sin(x);
}

static void test_thread_independence(void **state)
{
    (void)state;
    ua_target *t = parse("sin(x)");
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    opt.npoints = 20001;
    const double extra[] = {0.5, 1.5, 0.5};
    opt.extra = extra;
    opt.nextra = 3;
    ua_errors e1, e2, e4;
    opt.threads = 1;
    assert_int_equal(ua_verify_1d(rough_sin, NULL, t, -3, 3, &opt, &e1), UA_OK);
    opt.threads = 2;
    assert_int_equal(ua_verify_1d(rough_sin, NULL, t, -3, 3, &opt, &e2), UA_OK);
    opt.threads = 4;
    assert_int_equal(ua_verify_1d(rough_sin, NULL, t, -3, 3, &opt, &e4), UA_OK);
    assert_memory_equal(&e1, &e2, sizeof e1);
    assert_memory_equal(&e1, &e4, sizeof e1);
    /* and the numbers themselves are plausible: float rounding of sin is <= 2^-25 absolute */
    assert_true(e1.max_abs > 0 && e1.max_abs <= ldexp(1, -25));
    assert_true(e1.max_ulp32 <= 0.5 + 1e-9); /* (float)p is the correctly rounded sin, almost */
    ua_target_free(t);
}

static void test_bad_options(void **state)
{
    (void)state;
    ua_target *t = parse("x");
    ua_verify_options opt;
    ua_errors e;
    ua_verify_options_default(&opt);
    assert_int_equal(ua_verify_1d(zero, NULL, t, 1, 1, &opt, &e), UA_EINVAL);
    assert_int_equal(ua_verify_1d(zero, NULL, t, 2, 1, &opt, &e), UA_EINVAL);
    assert_int_equal(ua_verify_1d(zero, NULL, t, NAN, 1, &opt, &e), UA_EINVAL);
    assert_int_equal(ua_verify_1d(zero, NULL, t, 0, INFINITY, &opt, &e), UA_EINVAL);
    opt.npoints = 1;
    assert_int_equal(ua_verify_1d(zero, NULL, t, 0, 1, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "npoints"));
    ua_verify_options_default(&opt);
    opt.grid = UA_GRID_LOG;
    assert_int_equal(ua_verify_1d(zero, NULL, t, 0, 1, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "log grid"));
    ua_verify_options_default(&opt);
    opt.prec = 52;
    assert_int_equal(ua_verify_1d(zero, NULL, t, 0, 1, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "prec"));
    ua_verify_options_default(&opt);
    opt.nextra = 2;
    assert_int_equal(ua_verify_1d(zero, NULL, t, 0, 1, &opt, &e), UA_EINVAL);
    ua_verify_options_default(&opt);
    opt.threads = -1;
    assert_int_equal(ua_verify_1d(zero, NULL, t, 0, 1, &opt, &e), UA_EINVAL);
    ua_target *t2;
    const char *vars[] = {"x1", "x2"};
    assert_int_equal(ua_target_parse("x1 + x2", vars, 2, &t2), UA_OK);
    ua_verify_options_default(&opt);
    assert_int_equal(ua_verify_1d(zero, NULL, t2, 0, 1, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "2 variables"));
    ua_target_free(t2);
    /* NULL options mean the defaults */
    assert_int_equal(ua_verify_1d(zero, NULL, t, 0, 1, NULL, &e), UA_OK);
    assert_int_equal(e.npoints, 100000);
    ua_target_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ulp_identities),
        cmocka_unit_test(test_constant_offset),
        cmocka_unit_test(test_one_ulp),
        cmocka_unit_test(test_argmax),
        cmocka_unit_test(test_extra_points),
        cmocka_unit_test(test_nonfinite_reference),
        cmocka_unit_test(test_nonfinite_approx),
        cmocka_unit_test(test_log_grid),
        cmocka_unit_test(test_thread_independence),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
