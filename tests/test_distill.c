/*
 * Distillation (uniapprox/distill.h): a student fitted to a teacher through the public API.
 * A chebnd teacher distilled into chebnd (the teacher is a polynomial the student can represent
 * exactly) agrees to rounding; a tanh network distilled into a network of the same size on dense
 * points reaches a stated small error; the error reported is recomputed here on other points;
 * metadata names the teacher; bad options and teachers without inputs to draw are refused.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "uniapprox.h"
#include "uniapprox/distill.h"
#define TU_SCRATCH_TAG "ua_test_distill"
#include "test_util.h"

static double rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-52 - 1.0;
}

/* max |a - b| at n random points of [-1, 1]^2 */
static double max_diff(const ua_model *a, const ua_model *b, size_t n)
{
    uint64_t s = 99;
    double *x = malloc(2 * n * sizeof *x), *ya = malloc(n * sizeof *ya), *yb = malloc(n * sizeof *yb);
    for (size_t i = 0; i < 2 * n; i++) x[i] = rnd(&s);
    assert_int_equal(ua_model_predict(a, x, n, ya), UA_OK);
    assert_int_equal(ua_model_predict(b, x, n, yb), UA_OK);
    double e = 0;
    for (size_t i = 0; i < n; i++) if (fabs(ya[i] - yb[i]) > e) e = fabs(ya[i] - yb[i]);
    free(x); free(ya); free(yb);
    return e;
}

static ua_model *fit_formula(const char *spec, const char *family)
{
    const char *vars[2] = { "x", "y" };
    ua_target *t;
    assert_int_equal(ua_target_parse(spec, vars, 2, &t), UA_OK);
    double lo[2] = { -1, -1 }, hi[2] = { 1, 1 };
    ua_problem *p;
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    ua_model *m;
    assert_int_equal(ua_fit(p, family, NULL, NULL, &m), UA_OK);
    ua_problem_free(p);
    ua_target_free(t);
    return m;
}

/* chebnd -> chebnd: the student samples the teacher (a polynomial of low rank) and rebuilds it. */
static void test_chebnd_to_chebnd_exact(void **state)
{
    (void)state;
    ua_model *t = fit_formula("sin(3*x)*cos(2*y) + x*y", "chebnd");
    ua_model *s = NULL;
    ua_distill_report rep;
    assert_int_equal(ua_distill(t, "chebnd", NULL, NULL, NULL, &s, &rep), UA_OK);
    assert_string_equal(rep.problem, "function");
    assert_string_equal(rep.source, "box");
    assert_int_equal(rep.points, 10000);
    ASSERT_LE(rep.max_abs, 1e-13);
    ASSERT_LE(max_diff(s, t, 5000), 1e-13);
    assert_string_equal(ua_model_meta(s, "distilled_from"), "chebnd");
    assert_string_equal(ua_model_meta(s, "distill_source"), "box");
    ua_model_free(s);
    ua_model_free(t);
}

/* A tanh network 2 -> 16 -> 1 with fixed random weights, distilled into the same architecture on
 * 4000 Sobol points with L-BFGS: the student reaches RMSE <= 1% of the teacher's RMS output. */
static void test_mlp_same_size(void **state)
{
    (void)state;
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 1;
    o.hidden[0] = 16;
    o.act = UA_ACT_TANH;
    o.dtype = UA_MLP_F64;
    ua_mlp *m;
    assert_int_equal(ua_mlp_alloc(2, 1, &o, &m), UA_OK);
    size_t P = ua_mlp_nparams(m);
    double *p = malloc(P * sizeof *p);
    uint64_t sd = 5;
    for (size_t i = 0; i < P; i++) p[i] = 1.5 * rnd(&sd);
    assert_int_equal(ua_mlp_set_params(m, p), UA_OK);
    free(p);
    double lo[2] = { -1, -1 }, hi[2] = { 1, 1 };
    ua_model *t;
    assert_int_equal(ua_model_wrap_box("mlp", m, NULL, 2, lo, hi, &t), UA_OK);
    ua_options *fo;
    assert_int_equal(ua_family_options("mlp", &fo), UA_OK);
    assert_int_equal(ua_options_set(fo, "hidden", "16"), UA_OK);
    assert_int_equal(ua_options_set(fo, "activation", "tanh"), UA_OK);
    assert_int_equal(ua_options_set(fo, "optim", "lbfgs"), UA_OK);
    assert_int_equal(ua_options_set(fo, "epochs", "300"), UA_OK);
    assert_int_equal(ua_options_set(fo, "dtype", "f64"), UA_OK);
    ua_distill_options d;
    ua_distill_options_default(&d);
    d.points = 4000;
    d.check_points = 4000;
    ua_model *s = NULL;
    ua_distill_report rep;
    ua_status st = ua_distill(t, "mlp", fo, &d, NULL, &s, &rep);
    assert_true(st == UA_OK || st == UA_ENOTRESOLVED);
    assert_string_equal(rep.problem, "samples");
    print_message("mlp 2-16-1 -> same: rmse %.3g, teacher rms %.3g, sampled max %.3g\n", rep.rmse,
                  rep.teacher_rms, rep.max_abs);
    ASSERT_LE(rep.rmse, 0.01 * rep.teacher_rms);
    /* the report's maximum is a sample: other points of the same box agree within a factor */
    ASSERT_LE(max_diff(s, t, 4000), 3 * rep.max_abs);
    ua_options_free(fo);
    ua_model_free(s);
    ua_model_free(t);
}

/* mlp -> chebnd: a small tanh network is analytic, so the low-rank Chebyshev student samples
 * it on its own grids and reproduces it to near rounding (the report's sampled maximum and an
 * independent one). */
static void test_mlp_to_chebnd(void **state)
{
    (void)state;
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 1;
    o.hidden[0] = 4;
    o.act = UA_ACT_TANH;
    o.dtype = UA_MLP_F64;
    ua_mlp *m;
    assert_int_equal(ua_mlp_alloc(2, 1, &o, &m), UA_OK);
    size_t P = ua_mlp_nparams(m);
    double *p = malloc(P * sizeof *p);
    uint64_t sd = 8;
    for (size_t i = 0; i < P; i++) p[i] = 0.8 * rnd(&sd);
    assert_int_equal(ua_mlp_set_params(m, p), UA_OK);
    free(p);
    double lo[2] = { -1, -1 }, hi[2] = { 1, 1 };
    ua_model *t, *s = NULL;
    assert_int_equal(ua_model_wrap_box("mlp", m, NULL, 2, lo, hi, &t), UA_OK);
    ua_distill_report rep;
    ua_status st = ua_distill(t, "chebnd", NULL, NULL, NULL, &s, &rep);
    assert_true(st == UA_OK || st == UA_ENOTRESOLVED);
    assert_string_equal(rep.problem, "function");
    print_message("tanh 2-4-1 -> chebnd: sampled max %.3g, teacher rms %.3g\n", rep.max_abs,
                  rep.teacher_rms);
    ASSERT_LE(rep.max_abs, 1e-10 * rep.teacher_rms);
    ASSERT_LE(max_diff(s, t, 4000), 1e-10 * rep.teacher_rms);
    ua_model_free(s);
    ua_model_free(t);
}

/* A teacher fitted on samples has no box: its training inputs (jittered) are the points. */
static void test_samples_teacher_needs_data(void **state)
{
    (void)state;
    size_t n = 200;
    double *x = malloc(2 * n * sizeof *x), *y = malloc(n * sizeof *y);
    uint64_t s = 17;
    for (size_t i = 0; i < n; i++) {
        x[2 * i] = rnd(&s);
        x[2 * i + 1] = rnd(&s);
        y[i] = x[2 * i] * x[2 * i] - x[2 * i + 1];
    }
    ua_problem *p;
    assert_int_equal(ua_problem_samples(x, y, n, 2, 1, &p), UA_OK);
    ua_options *fo;
    assert_int_equal(ua_family_options("mlp", &fo), UA_OK);
    assert_int_equal(ua_options_set(fo, "epochs", "20"), UA_OK);
    assert_int_equal(ua_options_set(fo, "hidden", "8"), UA_OK);
    ua_model *t;
    assert_int_equal(ua_fit(p, "mlp", fo, NULL, &t), UA_OK);
    ua_model *st = NULL;
    ua_distill_report rep;
    ua_distill_options d;
    ua_distill_options_default(&d);
    d.points = 300;
    d.check_points = 300;
    assert_int_equal(ua_distill(t, "mlp", fo, &d, NULL, &st, &rep), UA_EUNSUPPORTED);
    assert_null(st);
    d.data_x = x;
    d.data_n = n;
    ua_status fs = ua_distill(t, "mlp", fo, &d, NULL, &st, &rep);
    assert_true(fs == UA_OK || fs == UA_ENOTRESOLVED);
    assert_string_equal(rep.source, "data");
    assert_string_equal(ua_model_meta(st, "distill_source"), "data");
    assert_true(isfinite(rep.rmse) && rep.points == 300);
    /* chebnd takes functions of a box: the data's bounding box is the box */
    ua_model_free(st);
    ua_options_free(fo);
    ua_model_free(t);
    ua_problem_free(p);
    free(x);
    free(y);
}

static void test_bad_options(void **state)
{
    (void)state;
    ua_model *t = fit_formula("x + y", "chebnd"), *s = NULL;
    ua_distill_report rep;
    ua_distill_options d;
    ua_distill_options_default(&d);
    d.points = 0;
    assert_int_equal(ua_distill(t, "mlp", NULL, &d, NULL, &s, &rep), UA_EINVAL);
    d.points = 10;
    d.jitter = NAN;
    assert_int_equal(ua_distill(t, "mlp", NULL, &d, NULL, &s, &rep), UA_EINVAL);
    d.jitter = 0.05;
    double lo[2] = { 1, 0 }, hi[2] = { 0, 1 };
    d.lo = lo;
    d.hi = hi;
    assert_int_equal(ua_distill(t, "mlp", NULL, &d, NULL, &s, &rep), UA_EINVAL);
    d.lo = d.hi = NULL;
    double bad[2] = { 0, NAN };
    d.data_x = bad;
    d.data_n = 1;
    assert_int_equal(ua_distill(t, "mlp", NULL, &d, NULL, &s, &rep), UA_EINVAL);
    d.data_x = NULL;
    assert_int_equal(ua_distill(t, "nosuch", NULL, &d, NULL, &s, &rep), UA_ENOTFOUND);
    assert_int_equal(ua_distill(t, "seq", NULL, &d, NULL, &s, &rep), UA_EUNSUPPORTED);
    assert_null(s);
    ua_model_free(t);
}

/* Hidden-layer matching: refused for other teachers, students and bad weights; with a weight it
 * trains a student whose metadata records it, and weight 0 is a plain distillation loop. */
static void test_match_hidden(void **state)
{
    (void)state;
    ua_model *c = fit_formula("x + y", "chebnd"), *s = NULL;
    ua_distill_report rep;
    ua_distill_options d;
    ua_distill_options_default(&d);
    d.points = 256;
    d.check_points = 256;
    assert_int_equal(ua_distill_mlp_hidden(c, NULL, &d, 1.0, &s, &rep), UA_EUNSUPPORTED);
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 1;
    o.hidden[0] = 8;
    o.act = UA_ACT_TANH;
    ua_mlp *m;
    assert_int_equal(ua_mlp_alloc(2, 1, &o, &m), UA_OK);
    double lo[2] = { -1, -1 }, hi[2] = { 1, 1 };
    ua_model *t;
    assert_int_equal(ua_model_wrap_box("mlp", m, NULL, 2, lo, hi, &t), UA_OK);
    assert_int_equal(ua_distill_mlp_hidden(t, NULL, &d, -1.0, &s, &rep), UA_EINVAL);
    ua_options *ko, *fo;
    assert_int_equal(ua_family_options("kernel", &ko), UA_OK);
    assert_int_equal(ua_distill_mlp_hidden(t, ko, &d, 1.0, &s, &rep), UA_EUNSUPPORTED);
    assert_int_equal(ua_family_options("mlp", &fo), UA_OK);
    assert_int_equal(ua_options_set(fo, "hidden", "6x6"), UA_OK);
    assert_int_equal(ua_options_set(fo, "epochs", "40"), UA_OK);
    assert_int_equal(ua_distill_mlp_hidden(t, fo, &d, 0.5, &s, &rep), UA_OK);
    assert_true(isfinite(rep.rmse) && rep.rmse < rep.teacher_rms);
    assert_string_equal(ua_model_meta(s, "distill_hidden_weight"), "0.5");
    ua_model_free(s);
    ua_options_free(ko);
    ua_options_free(fo);
    ua_model_free(t);
    ua_model_free(c);
}

static void test_diff(void **state)
{
    (void)state;
    double a[3] = { 1, 2, 3 }, b[3] = { 1, 4, 3 }, r, mx;
    ua_distill_diff(a, b, 3, &r, &mx);
    assert_true(fabs(r - sqrt(4.0 / 3)) < 1e-15 && mx == 2);
    a[0] = NAN;
    ua_distill_diff(a, b, 3, &r, &mx);
    assert_true(isinf(mx));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chebnd_to_chebnd_exact),
        cmocka_unit_test(test_mlp_same_size),
        cmocka_unit_test(test_mlp_to_chebnd),
        cmocka_unit_test(test_samples_teacher_needs_data),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_match_hidden),
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
