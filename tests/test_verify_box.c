/* Tests of ua_verify_box (src/verify/box.c): approximations whose errors over a box are known
 * exactly (dyadic points and values, computed independently here), the point counts of the
 * documented point sets, agreement with ua_verify_1d for d == 1, MPFR against a double reference,
 * the tolerance verdict, non-finite references, the point cap, failures of the callbacks, points
 * rounded to float (float_inputs), and independence of the thread count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/internal.h"
#include "test_util.h"
#include "uniapprox.h"

static ua_target *parse(const char *spec, size_t d)
{
    static const char *vars[] = {"x1", "x2", "x3", "x4", "x5"};
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(spec, d ? vars : NULL, d, &t), UA_OK);
    return t;
}

/* ---- approximations in batch form ---------------------------------------------------------- */

/* sum of the coordinates + C * product: exact in double on the dyadic points used below */
static ua_status sum_plus_product(void *ctx, const double *x, size_t n, double *y)
{
    size_t d = *(const size_t *)ctx;
    for (size_t i = 0; i < n; i++) {
        double s = 0, p = 0x1p-10;
        for (size_t j = 0; j < d; j++) {
            s += x[i * d + j];
            p *= x[i * d + j];
        }
        y[i] = s + p;
    }
    return UA_OK;
}

/* exp(x1 - x2) + 2 in double (libm), and the same times (1 + 1e-10) */
static double smooth2(const double *x) { return exp(x[0] - x[1]) + 2; }
static ua_status smooth2_batch(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = smooth2(x + 2 * i);
    return UA_OK;
}
static ua_status smooth2_rel(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = smooth2(x + 2 * i) * (1 + 1e-10);
    return UA_OK;
}

/* exp(-x1^2 - x2^2) cos(x3) in double, and with an error of about 1e-6 */
static double gauss3(const double *x) { return exp(-x[0] * x[0] - x[1] * x[1]) * cos(x[2]); }
static ua_status gauss3_batch(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = gauss3(x + 3 * i);
    return UA_OK;
}
static ua_status gauss3_rough(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = gauss3(x + 3 * i) + 1e-6 * sin(3 * x[3 * i] + x[3 * i + 1] - 2 * x[3 * i + 2]);
    return UA_OK;
}
/* rounded to float: errors of a few 1e-8 with many near-ties */
static ua_status gauss3_float(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = (float)gauss3(x + 3 * i);
    return UA_OK;
}

/* x1 + x2 + 2^-20 x1: the tolerance case */
static ua_status sum_plus_x1(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = x[2 * i] + x[2 * i + 1] + 0x1p-20 * x[2 * i];
    return UA_OK;
}

static ua_status zero_batch(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    (void)x;
    for (size_t i = 0; i < n; i++) y[i] = 0;
    return UA_OK;
}

/* ---- known errors -------------------------------------------------------------------------- */

/* The error c x1 x2 (x3) grows towards the corner hi: there it is exact (all dyadic), and it is
 * the largest anywhere (every other point has a smaller product; rounding is far below). */
static void test_corner_max(void **state)
{
    (void)state;
    const double lo[3] = {1, 1, 1}, hi[3] = {2, 2, 2};
    for (size_t d = 2; d <= 3; d++) {
        ua_target *t = parse(d == 2 ? "x1 + x2" : "x1 + x2 + x3", d);
        ua_reference ref = {t, NULL, NULL};
        ua_verify_box_options opt;
        ua_verify_box_options_default(&opt, d);
        opt.sobol_points = 4096;
        ua_box_errors e;
        assert_int_equal(ua_verify_box(sum_plus_product, &d, &ref, d, lo, hi, &opt, &e), UA_OK);
        double emax = ldexp(1, -10 + (int)d); /* 2^-10 * 2^d */
        assert_true(e.max_abs == emax);
        for (size_t j = 0; j < d; j++) assert_true(e.x_max_abs[j] == 2.0);
        /* relative: c prod / sum grows in every coordinate too; one rounding of emax / (2d) */
        assert_true(fabs(e.max_rel - emax / (2.0 * (double)d)) <= ldexp(e.max_rel, -52));
        for (size_t j = 0; j < d; j++) assert_true(e.x_max_rel[j] == 2.0);
        assert_true(e.scale == 2.0 * (double)d);
        assert_true(e.max_rel_scale == emax / (2.0 * (double)d));
        assert_int_equal(e.n_nonfinite_ref, 0);
        assert_true(isnan(e.tol_ratio) && isnan(e.x_tol_ratio[0]));
        assert_int_equal(e.d, d);
        ua_box_errors_free(&e);
        assert_null(e.x_max_abs);
        ua_target_free(t);
    }
}

/* p = f (1 + 1e-10), f from libm: the relative error is 1e-10 up to the roundings of f, of the
 * product and of the constant, a few 2^-53 each; with the double reference (the same libm f) one
 * fewer. */
static void test_relative_error(void **state)
{
    (void)state;
    const double lo[2] = {-1, 0}, hi[2] = {1, 3};
    ua_target *t = parse("exp(x1 - x2) + 2", 2);
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 2);
    opt.grid_points = 2500;
    opt.sobol_points = 2048;
    ua_box_errors e;
    ua_reference mref = {t, NULL, NULL}, dref = {NULL, smooth2_batch, NULL};
    assert_int_equal(ua_verify_box(smooth2_rel, NULL, &mref, 2, lo, hi, &opt, &e), UA_OK);
    ASSERT_LE(fabs(e.max_rel - 1e-10), 4 * 0x1p-52);
    ASSERT_LE(1e-10 - 4 * 0x1p-52, e.max_rel);
    ua_box_errors_free(&e);
    assert_int_equal(ua_verify_box(smooth2_rel, NULL, &dref, 2, lo, hi, &opt, &e), UA_OK);
    ASSERT_LE(fabs(e.max_rel - 1e-10), 2 * 0x1p-52);
    /* the largest |f| is at x1 = 1, x2 = 0: e + 2; the absolute error follows it */
    assert_true(e.scale == exp(1.0) + 2);
    assert_true(e.x_max_abs[0] == 1 && e.x_max_abs[1] == 0);
    ua_box_errors_free(&e);
    ua_target_free(t);
}

/* The MPFR reference and the double one (libm, good to ~1 ulp) agree on an error of 1e-6. */
static void test_mpfr_vs_double(void **state)
{
    (void)state;
    const double lo[3] = {-1, -1, 0}, hi[3] = {1, 1, 3};
    ua_target *t = parse("exp(-x1^2 - x2^2) * cos(x3)", 3);
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 3);
    opt.sobol_points = 8192;
    ua_box_errors em, ed;
    ua_reference mref = {t, NULL, NULL}, dref = {NULL, gauss3_batch, NULL};
    assert_int_equal(ua_verify_box(gauss3_rough, NULL, &mref, 3, lo, hi, &opt, &em), UA_OK);
    assert_int_equal(ua_verify_box(gauss3_rough, NULL, &dref, 3, lo, hi, &opt, &ed), UA_OK);
    assert_int_equal(em.npoints, 8192 + 8 + 6 + 1);
    assert_int_equal(ed.npoints, em.npoints);
    ASSERT_LE(0.9e-6, em.max_abs);
    ASSERT_LE(em.max_abs, 1e-6);
    ASSERT_LE(fabs(em.max_abs - ed.max_abs), 4e-16);
    ASSERT_LE(fabs(em.rms_abs - ed.rms_abs), 4e-16);
    assert_true(em.scale == ed.scale || fabs(em.scale - ed.scale) <= 0x1p-52);
    assert_memory_equal(em.x_max_abs, ed.x_max_abs, 3 * sizeof(double));
    ua_box_errors_free(&em);
    ua_box_errors_free(&ed);
    ua_target_free(t);
}

/* f = x1 + x2 on [1, 2]^2 at dyadic points only (a 5 x 5 grid, corners, face centres, centre),
 * p - f = 2^-20 x1, scale 4. Every ratio below is one rounding of a quotient of exact numbers. */
static void test_tolerance_ratio(void **state)
{
    (void)state;
    const double lo[2] = {1, 1}, hi[2] = {2, 2};
    ua_target *t = parse("x1 + x2", 2);
    ua_reference ref = {t, NULL, NULL};
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 2);
    opt.grid_points = 25; /* 5 per side: 1, 1.25, ..., 2 */
    opt.sobol_points = 0;
    ua_box_errors e;

    /* all three terms: ratio 2^-20 x1 / (2^-22 + 2^-23 * 4 + 2^-21 (x1 + x2)) = 4 x1 / (3 + 2
     * (x1 + x2)), largest at x1 = 2, x2 = 1: 8/9 */
    opt.tol_abs = 0x1p-22;
    opt.tol_scale = 0x1p-23;
    opt.tol_rel = 0x1p-21;
    assert_int_equal(ua_verify_box(sum_plus_x1, NULL, &ref, 2, lo, hi, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, 25 + 4 + 4 + 1);
    assert_true(e.scale == 4);
    assert_true(e.tol_ratio == 8.0 / 9.0);
    assert_true(e.x_tol_ratio[0] == 2 && e.x_tol_ratio[1] == 1);
    /* the max abs error 2^-19 all along x1 = 2: the first such point is grid row x1 = 2, x2 = 1 */
    assert_true(e.max_abs == 0x1p-19);
    assert_true(e.x_max_abs[0] == 2 && e.x_max_abs[1] == 1);
    /* rms over the 34 points, independently: x1 takes 1, 1.25, .. 2 five times each on the grid,
     * 1, 1, 2, 2 at the corners, 1, 2, 1.5, 1.5 at the face centres and 1.5 at the centre */
    double sum = 0;
    for (int i = 0; i < 5; i++) sum += 5 * (1 + i / 4.0) * (1 + i / 4.0);
    sum += 1 + 1 + 4 + 4 + 1 + 4 + 2.25 + 2.25 + 2.25;
    ASSERT_LE(fabs(e.rms_abs - 0x1p-20 * sqrt(sum / 34)), 1e-15 * e.rms_abs);
    ua_box_errors_free(&e);

    /* without the scale term (computed point by point): 2^-20 x1 / (2^-20 (x1 + x2)), max 2/3 */
    opt.tol_abs = 0;
    opt.tol_scale = 0;
    opt.tol_rel = 0x1p-20;
    assert_int_equal(ua_verify_box(sum_plus_x1, NULL, &ref, 2, lo, hi, &opt, &e), UA_OK);
    assert_true(e.tol_ratio == 2.0 / 3.0);
    assert_true(e.x_tol_ratio[0] == 2 && e.x_tol_ratio[1] == 1);
    ua_box_errors_free(&e);

    /* without the relative term (from the max): 2^-19 / (3 2^-20 + 2^-22 * 4) = 1/2 */
    opt.tol_abs = 3 * 0x1p-20;
    opt.tol_scale = 0x1p-22;
    opt.tol_rel = 0;
    assert_int_equal(ua_verify_box(sum_plus_x1, NULL, &ref, 2, lo, hi, &opt, &e), UA_OK);
    assert_true(e.tol_ratio == 0.5);
    assert_true(e.x_tol_ratio[0] == 2 && e.x_tol_ratio[1] == 1);
    ua_box_errors_free(&e);

    /* a tolerance of 0 on an exact approximation: met (ratio 0), not 0/0 */
    opt.tol_abs = 0;
    opt.tol_scale = 1e-3;
    opt.tol_rel = 0;
    ua_target *t0 = parse("0 * x1 + 0 * x2", 2);
    ua_reference ref0 = {t0, NULL, NULL};
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref0, 2, lo, hi, &opt, &e), UA_OK);
    assert_true(e.scale == 0 && e.max_abs == 0 && e.tol_ratio == 0);
    assert_true(isnan(e.max_rel) && isnan(e.x_max_rel[0])); /* f == 0 everywhere */
    ua_box_errors_free(&e);
    ua_target_free(t0);
    ua_target_free(t);
}

/* log(x1) + x2 on [-1, 1] x [0, 1] at a 5 x 5 grid (x1 = -1, -0.5, 0, 0.5, 1), the corners, face
 * centres and centre: not finite wherever x1 <= 0. By hand: 15 grid points, 2 corners, 3 face
 * centres (x1 = -1, and the two at x1 = 0), the centre: 21 of 34. */
static ua_status log_ref_double(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = x[2 * i] > 0 ? log(x[2 * i]) + x[2 * i + 1] : NAN;
    return UA_OK;
}

/* NaN at the centre of [-1, 1]^2 only */
static ua_status nan_at_centre(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = x[2 * i] == 0 && x[2 * i + 1] == 0 ? NAN : x[2 * i] * x[2 * i + 1];
    return UA_OK;
}

static void test_nonfinite_approx(void **state)
{
    (void)state;
    const double lo[2] = {-1, -1}, hi[2] = {1, 1};
    ua_target *t = parse("x1 * x2", 2);
    ua_reference ref = {t, NULL, NULL};
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 2);
    opt.grid_points = 16; /* the centre is not on the 4 x 4 grid: only the centre point is NaN */
    opt.sobol_points = 64;
    opt.tol_abs = 1;
    ua_box_errors e;
    assert_int_equal(ua_verify_box(nan_at_centre, NULL, &ref, 2, lo, hi, &opt, &e), UA_OK);
    assert_true(isinf(e.max_abs) && isinf(e.max_ulp64) && isinf(e.max_ulp32));
    assert_true(isinf(e.rms_abs) && isinf(e.tol_ratio));
    assert_true(e.x_max_abs[0] == 0 && e.x_max_abs[1] == 0);
    assert_true(e.x_tol_ratio[0] == 0 && e.x_tol_ratio[1] == 0);
    /* every max, the relative one too, even though f = 0 there (as ua_verify_1d) */
    assert_true(isinf(e.max_rel) && e.x_max_rel[0] == 0);
    ua_box_errors_free(&e);
    ua_target_free(t);
}

static void test_nonfinite_reference(void **state)
{
    (void)state;
    const double lo[2] = {-1, 0}, hi[2] = {1, 1};
    ua_target *t = parse("log(x1) + x2", 2);
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 2);
    opt.grid_points = 25;
    opt.sobol_points = 0;
    ua_box_errors e;
    ua_reference mref = {t, NULL, NULL}, dref = {NULL, log_ref_double, NULL};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(ua_verify_box(zero_batch, NULL, k ? &dref : &mref, 2, lo, hi, &opt, &e),
                         UA_OK);
        assert_int_equal(e.npoints, 34);
        assert_int_equal(e.n_nonfinite_ref, 21);
        /* the finite points: x1 in {0.5, 1}; |f| largest at x1 = 1, x2 = 1: 1 */
        assert_true(e.max_abs == 1.0 && e.x_max_abs[0] == 1 && e.x_max_abs[1] == 1);
        assert_true(e.max_rel == 1.0);
        ua_box_errors_free(&e);
    }
    /* nothing finite at all: every max is NaN, at NaN */
    const double lo2[2] = {-2, 0}, hi2[2] = {-1, 1};
    assert_int_equal(ua_verify_box(zero_batch, NULL, &mref, 2, lo2, hi2, &opt, &e), UA_OK);
    assert_int_equal(e.n_nonfinite_ref, 34);
    assert_true(isnan(e.max_abs) && isnan(e.x_max_abs[1]) && isnan(e.rms_abs));
    ua_box_errors_free(&e);
    ua_target_free(t);
}

/* ---- point sets ---------------------------------------------------------------------------- */

typedef struct {
    size_t n, in_box, corners, calls;
    size_t d;
    const double *lo, *hi;
} counter;

static ua_status count_points(void *ctx, const double *x, size_t n, double *y)
{
    counter *c = ctx;
    c->calls++;
    for (size_t i = 0; i < n; i++) {
        int inside = 1, corner = 1;
        for (size_t j = 0; j < c->d; j++) {
            double v = x[i * c->d + j];
            if (!(v >= c->lo[j] && v <= c->hi[j])) inside = 0;
            if (v != c->lo[j] && v != c->hi[j]) corner = 0;
        }
        c->in_box += inside;
        c->corners += corner;
        y[i] = 0;
    }
    c->n += n;
    return UA_OK;
}

static ua_status one_double(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    (void)x;
    for (size_t i = 0; i < n; i++) y[i] = 1;
    return UA_OK;
}

typedef struct { size_t calls, last_done, last_total; int monotone; } progress_log;
static void on_progress(void *ctx, size_t done, size_t total)
{
    progress_log *p = ctx;
    if (done <= p->last_done) p->monotone = 0;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
}

/* The documented counts with the defaults: d = 5 is 100000 Sobol points + 32 corners + 10 face
 * centres + the centre; extra points count when inside the box. */
static void test_point_counts(void **state)
{
    (void)state;
    const double lo[5] = {0, -1, 2, 0, -3}, hi[5] = {1, 1, 3, 5, -2};
    counter c = {0, 0, 0, 0, 5, lo, hi};
    ua_reference ref = {NULL, one_double, NULL};
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 5);
    assert_int_equal(opt.sobol_points, 100000);
    assert_int_equal(opt.max_points, 10000000);
    progress_log pl = {0, 0, 0, 1};
    opt.progress = on_progress;
    opt.progress_ctx = &pl;
    const double extra[3 * 5] = {0.5, 0, 2.5, 1, -2.5,   /* inside */
                                 0.5, 0, 2.5, 1, -1.5,   /* outside */
                                 NAN, 0, 2.5, 1, -2.5};  /* not a point */
    opt.extra = extra;
    opt.nextra = 3;
    ua_box_errors e;
    assert_int_equal(ua_verify_box(count_points, &c, &ref, 5, lo, hi, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, 100000 + 32 + 10 + 1 + 1);
    assert_int_equal(c.n, e.npoints);
    assert_int_equal(c.in_box, e.npoints);
    assert_int_equal(c.corners, 32); /* Sobol points of a random shift never hit a corner */
    ASSERT_LE(2, c.calls);           /* in batches, not all at once */
    assert_true(e.max_abs == 1 && e.rms_abs == 1 && e.max_rel == 1);
    assert_true(pl.monotone && pl.calls == c.calls && pl.last_done == e.npoints &&
                pl.last_total == e.npoints);
    ua_box_errors_free(&e);

    /* the defaults of the other dimensions */
    ua_verify_box_options_default(&opt, 1);
    assert_int_equal(opt.grid_points, 100000);
    assert_int_equal(opt.sobol_points, 0);
    assert_true(opt.grid == UA_GRID_UNIFORM && opt.prec == 128 && opt.seed == 1);
    ua_verify_box_options_default(&opt, 2);
    assert_int_equal(opt.grid_points, 40000);
    assert_int_equal(opt.sobol_points, 20000);
    /* d = 2: 200 x 200 grid + 20000 + 4 + 4 + 1; d = 1: 100000 grid + the centre; d = 20: no
     * corners */
    const size_t dims[3] = {1, 2, 20}, want[3] = {100001, 60009, 100041};
    double lo20[20], hi20[20];
    for (int j = 0; j < 20; j++) lo20[j] = -1, hi20[j] = 1;
    for (int k = 0; k < 3; k++) {
        ua_verify_box_options_default(&opt, dims[k]);
        assert_int_equal(ua_verify_box(one_double, NULL, &ref, dims[k], lo20, hi20, &opt, &e),
                         UA_OK);
        assert_int_equal(e.npoints, want[k]);
        ua_box_errors_free(&e);
    }
    /* d = 2: grid_points not a square: ceil(sqrt) per side, at least 2 */
    ua_verify_box_options_default(&opt, 2);
    opt.sobol_points = 0;
    opt.grid_points = 10; /* 4 x 4 */
    assert_int_equal(ua_verify_box(one_double, NULL, &ref, 2, lo20, hi20, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, 16 + 9);
    ua_box_errors_free(&e);
    opt.grid_points = 1; /* 2 x 2 */
    assert_int_equal(ua_verify_box(one_double, NULL, &ref, 2, lo20, hi20, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, 4 + 9);
    ua_box_errors_free(&e);
    /* d = 1 without a grid: the endpoints and the centre */
    ua_verify_box_options_default(&opt, 1);
    opt.grid_points = 0;
    assert_int_equal(ua_verify_box(one_double, NULL, &ref, 1, lo20, hi20, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, 3);
    ua_box_errors_free(&e);
}

/* The cap: a request above max_points fails before any evaluation, naming the cap and the
 * option. */
static void test_cap(void **state)
{
    (void)state;
    const double lo[3] = {0, 0, 0}, hi[3] = {1, 1, 1};
    counter c = {0, 0, 0, 0, 3, lo, hi};
    ua_reference ref = {NULL, one_double, NULL};
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 3);
    opt.max_points = 100014; /* one short of 100000 + 8 + 6 + 1 */
    ua_box_errors e;
    assert_int_equal(ua_verify_box(count_points, &c, &ref, 3, lo, hi, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "100015 points"));
    assert_non_null(strstr(ua_last_error(), "cap of 100014"));
    assert_non_null(strstr(ua_last_error(), "--points"));
    assert_int_equal(c.calls, 0);
    assert_null(e.x_max_abs);
    opt.max_points = 100015;
    assert_int_equal(ua_verify_box(count_points, &c, &ref, 3, lo, hi, &opt, &e), UA_OK);
    ua_box_errors_free(&e);
    /* a count that overflows size_t fails the cap too */
    ua_verify_box_options_default(&opt, 2);
    opt.grid_points = SIZE_MAX;
    assert_int_equal(ua_verify_box(one_double, NULL, &ref, 2, lo, hi, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "--points"));
}

/* ---- d == 1 is ua_verify_1d ---------------------------------------------------------------- */

static double rough_1d(double x, void *ctx)
{
    (void)ctx;
    return (float)(sin(3 * x) + 0.5);
}
static ua_status rough_1d_batch(void *ctx, const double *x, size_t n, double *y)
{
    for (size_t i = 0; i < n; i++) y[i] = rough_1d(x[i], ctx);
    return UA_OK;
}

static void test_same_as_1d(void **state)
{
    (void)state;
    ua_target *t = parse("sin(3*x) + 0.5", 0);
    ua_reference ref = {t, NULL, NULL};
    const double ab[2][2] = {{-2, 1}, {0.5, 1000}};
    for (int g = 0; g < 2; g++) {
        double a = ab[g][0], b = ab[g][1], centre = (a + b) / 2;
        ua_verify_box_options bo;
        ua_verify_box_options_default(&bo, 1);
        bo.grid_points = 30001;
        bo.grid = g ? UA_GRID_LOG : UA_GRID_UNIFORM;
        ua_verify_options o;
        ua_verify_options_default(&o);
        o.npoints = 30001;
        o.grid = bo.grid;
        o.extra = &centre; /* the box set's one point beyond the grid */
        o.nextra = 1;
        ua_box_errors eb;
        ua_errors e1;
        assert_int_equal(ua_verify_box(rough_1d_batch, NULL, &ref, 1, &a, &b, &bo, &eb), UA_OK);
        assert_int_equal(ua_verify_1d(rough_1d, NULL, t, a, b, &o, &e1), UA_OK);
        assert_int_equal(eb.npoints, 30002);
        assert_int_equal(eb.npoints, e1.npoints);
        assert_true(eb.max_abs == e1.max_abs && eb.x_max_abs[0] == e1.x_max_abs);
        assert_true(eb.max_rel == e1.max_rel && eb.x_max_rel[0] == e1.x_max_rel);
        assert_true(eb.max_ulp64 == e1.max_ulp64 && eb.x_max_ulp64[0] == e1.x_max_ulp64);
        assert_true(eb.max_ulp32 == e1.max_ulp32 && eb.x_max_ulp32[0] == e1.x_max_ulp32);
        assert_true(eb.scale == e1.scale && eb.max_rel_scale == e1.max_rel_scale);
        assert_true(eb.rms_abs == e1.rms_abs); /* same blocks, same order of the sums */
        assert_true(eb.max_abs > 0);
        ua_box_errors_free(&eb);
    }
    ua_target_free(t);
}

/* ---- threads ------------------------------------------------------------------------------- */

static void same_errors(const ua_box_errors *a, const ua_box_errors *b)
{
    assert_int_equal(a->npoints, b->npoints);
    assert_int_equal(a->n_nonfinite_ref, b->n_nonfinite_ref);
    const double va[] = {a->scale, a->max_abs, a->max_rel, a->max_rel_scale, a->rms_abs,
                         a->max_ulp64, a->max_ulp32, a->tol_ratio};
    const double vb[] = {b->scale, b->max_abs, b->max_rel, b->max_rel_scale, b->rms_abs,
                         b->max_ulp64, b->max_ulp32, b->tol_ratio};
    assert_memory_equal(va, vb, sizeof va);
    size_t bytes = a->d * sizeof(double);
    assert_memory_equal(a->x_max_abs, b->x_max_abs, bytes);
    assert_memory_equal(a->x_max_rel, b->x_max_rel, bytes);
    assert_memory_equal(a->x_max_ulp64, b->x_max_ulp64, bytes);
    assert_memory_equal(a->x_max_ulp32, b->x_max_ulp32, bytes);
    assert_memory_equal(a->x_tol_ratio, b->x_tol_ratio, bytes);
}

static void test_thread_independence(void **state)
{
    (void)state;
    const double lo[3] = {-1, -1, 0}, hi[3] = {1, 1, 3};
    ua_target *t = parse("exp(-x1^2 - x2^2) * cos(x3)", 3);
    ua_reference ref = {t, NULL, NULL};
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 3);
    opt.sobol_points = 20000; /* two batches */
    opt.tol_abs = 1e-9;
    opt.tol_scale = 1e-9;
    opt.tol_rel = 1e-8;
    const double extra[6] = {0.5, 0.5, 1, 0.25, -0.5, 2};
    opt.extra = extra;
    opt.nextra = 2;
    ua_box_errors e1, e2, e3;
    opt.threads = 1;
    assert_int_equal(ua_verify_box(gauss3_float, NULL, &ref, 3, lo, hi, &opt, &e1), UA_OK);
    opt.threads = 2;
    assert_int_equal(ua_verify_box(gauss3_float, NULL, &ref, 3, lo, hi, &opt, &e2), UA_OK);
    opt.threads = 3;
    assert_int_equal(ua_verify_box(gauss3_float, NULL, &ref, 3, lo, hi, &opt, &e3), UA_OK);
    same_errors(&e1, &e2);
    same_errors(&e1, &e3);
    /* plausible: float rounding of values <= 1 is <= 2^-25 */
    assert_true(e1.max_abs > 0 && e1.max_abs <= 0x1p-25);
    assert_true(e1.tol_ratio > 0 && isfinite(e1.tol_ratio));
    assert_int_equal(e1.npoints, 20000 + 8 + 6 + 1 + 2);
    ua_box_errors_free(&e1);
    ua_box_errors_free(&e2);
    ua_box_errors_free(&e3);
    ua_target_free(t);
}

/* ---- failures ------------------------------------------------------------------------------ */

static ua_status failing_ref(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    (void)x;
    (void)n;
    (void)y;
    return UA_ERR(UA_EIO, "child exited with status 3");
}

static ua_status failing_approx(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    (void)x;
    (void)n;
    (void)y;
    return UA_EDIVERGED;
}

static void test_failures(void **state)
{
    (void)state;
    const double lo[2] = {0, 0}, hi[2] = {1, 1}, bad_hi[2] = {1, 0};
    ua_target *t = parse("x1 * x2", 2), *t1 = parse("x", 0);
    ua_reference ref = {t, NULL, NULL}, both = {t, one_double, NULL}, none = {NULL, NULL, NULL};
    ua_reference fail = {NULL, failing_ref, NULL}, wrong_dim = {t1, NULL, NULL};
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 2);
    opt.grid_points = 16;
    opt.sobol_points = 16;
    ua_box_errors e;
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref, 2, lo, bad_hi, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "dimension 2"));
    assert_int_equal(ua_verify_box(zero_batch, NULL, &both, 2, lo, hi, &opt, &e), UA_EINVAL);
    assert_int_equal(ua_verify_box(zero_batch, NULL, &none, 2, lo, hi, &opt, &e), UA_EINVAL);
    assert_int_equal(ua_verify_box(zero_batch, NULL, &wrong_dim, 2, lo, hi, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "has 1 variable, the box 2 dimensions"));
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref, 0, lo, hi, &opt, &e), UA_EINVAL);
    assert_int_equal(ua_verify_box(zero_batch, NULL, NULL, 2, lo, hi, &opt, &e), UA_EINVAL);
    assert_int_equal(ua_verify_box(NULL, NULL, &ref, 2, lo, hi, &opt, &e), UA_EINVAL);
    assert_int_equal(ua_verify_box(zero_batch, NULL, &fail, 2, lo, hi, &opt, &e), UA_EDOMAIN);
    assert_non_null(strstr(ua_last_error(), "reference function failed"));
    assert_non_null(strstr(ua_last_error(), "child exited")); /* its own message kept */
    assert_int_equal(ua_verify_box(failing_approx, NULL, &ref, 2, lo, hi, &opt, &e), UA_EDIVERGED);
    assert_null(e.x_max_abs);
    opt.grid = UA_GRID_LOG;
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref, 2, lo, hi, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "log grid"));
    ua_verify_box_options_default(&opt, 2);
    opt.tol_rel = -1;
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref, 2, lo, hi, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "tol_rel"));
    ua_verify_box_options_default(&opt, 2);
    opt.prec = 20;
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref, 2, lo, hi, &opt, &e), UA_EINVAL);
    ua_verify_box_options_default(&opt, 2);
    opt.nextra = 3;
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref, 2, lo, hi, &opt, &e), UA_EINVAL);
    /* d = 1: log grid needs lo > 0; one grid point is no grid */
    const double a = 0, b = 1;
    ua_reference ref1 = {t1, NULL, NULL};
    ua_verify_box_options_default(&opt, 1);
    opt.grid = UA_GRID_LOG;
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref1, 1, &a, &b, &opt, &e), UA_EINVAL);
    ua_verify_box_options_default(&opt, 1);
    opt.grid_points = 1;
    assert_int_equal(ua_verify_box(zero_batch, NULL, &ref1, 1, &a, &b, &opt, &e), UA_EINVAL);
    /* Sobol points beyond 64 dimensions */
    double lo70[70] = {0}, hi70[70];
    for (int j = 0; j < 70; j++) hi70[j] = 1;
    ua_reference dref = {NULL, one_double, NULL};
    ua_verify_box_options_default(&opt, 70);
    assert_int_equal(ua_verify_box(zero_batch, NULL, &dref, 70, lo70, hi70, &opt, &e), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "sobol_points"));
    opt.sobol_points = 0; /* then 2d + 1 points */
    assert_int_equal(ua_verify_box(zero_batch, NULL, &dref, 70, lo70, hi70, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, 141);
    ua_box_errors_free(&e);
    ua_box_errors_free(NULL);
    ua_target_free(t);
    ua_target_free(t1);
}

/* 3 (float)x where x is in [lo, hi], NaN outside: a model that rounds its input to float. */
typedef struct { double lo, hi; } box1;
static ua_status three_float_x(void *ctx, const double *x, size_t n, double *y)
{
    const box1 *b = ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] >= b->lo && x[i] <= b->hi ? 3.0 * (double)(float)x[i] : NAN;
    return UA_OK;
}

/* float_inputs: the points are rounded to floats inside the box, so a model of 3 x that rounds x
 * to float is exact there (3 f is exact in double), while at the double grid points its error is
 * 3 |x - float(x)|, up to 3 x 2^-24 near 1. The ends 1 + 2^-30 and 1 + 2^-20 + 2^-30 are not
 * floats: the rounded points stay inside (the model is NaN outside, which would be infinite). */
static void test_float_inputs(void **state)
{
    (void)state;
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse("3*x", NULL, 0, &t), UA_OK);
    box1 b = { 1 + 0x1p-30, 1 + 0x1p-20 + 0x1p-30 };
    ua_reference ref = {t, NULL, NULL};
    ua_verify_box_options opt;
    ua_verify_box_options_default(&opt, 1);
    opt.grid_points = 1001;
    opt.tol_rel = 1e-12;
    ua_box_errors e;
    assert_int_equal(ua_verify_box(three_float_x, &b, &ref, 1, &b.lo, &b.hi, &opt, &e), UA_OK);
    assert_true(e.max_abs > 2.5 * 0x1p-24 && e.max_abs <= 3 * 0x1p-24); /* x's rounding */
    assert_true(e.tol_ratio > 1);
    size_t n = e.npoints; /* 1001 grid points and the centre */
    ua_box_errors_free(&e);
    opt.float_inputs = 1;
    assert_int_equal(ua_verify_box(three_float_x, &b, &ref, 1, &b.lo, &b.hi, &opt, &e), UA_OK);
    assert_int_equal(e.npoints, n);
    assert_true(e.max_abs == 0); /* every point a float of the box: 3 f exact */
    assert_true(e.tol_ratio == 0);
    ua_box_errors_free(&e);
    /* no float in [lo, hi]: the points are kept (errors measured at double x again) */
    box1 c = { 1 + 0x1p-30, 1 + 0x1p-29 };
    assert_int_equal(ua_verify_box(three_float_x, &c, &ref, 1, &c.lo, &c.hi, &opt, &e), UA_OK);
    assert_true(isfinite(e.max_abs) && e.max_abs > 0);
    ua_box_errors_free(&e);
    ua_target_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_inputs),
        cmocka_unit_test(test_corner_max),
        cmocka_unit_test(test_relative_error),
        cmocka_unit_test(test_mpfr_vs_double),
        cmocka_unit_test(test_tolerance_ratio),
        cmocka_unit_test(test_nonfinite_reference),
        cmocka_unit_test(test_nonfinite_approx),
        cmocka_unit_test(test_point_counts),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_same_as_1d),
        cmocka_unit_test(test_thread_independence),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
