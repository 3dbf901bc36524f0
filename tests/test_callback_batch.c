/* The C API the Python package stands on: ua_problem_callback_batch (a whole batch per call, as an
 * interpreter wants it; failures with their batch named) and ua_version / ua_version_component
 * (checked against the headers this test is compiled with and the libraries' own calls). */
#include <cblas.h>
#include <math.h>
#include <mpfr.h>
#include <cjson/cJSON.h>

#include "test_util.h"

typedef struct {
    size_t calls, largest, points;
    int fail_after; /* fail the call after this many points were served (0: never) */
} counter;

/* f(x, y) = exp(-x^2) cos(y), a batch at a time */
static ua_status batch_fn(void *ctx, const double *x, size_t n, double *y)
{
    counter *c = ctx;
    c->calls++;
    if (n > c->largest) c->largest = n;
    if (c->fail_after && c->points + n > (size_t)c->fail_after) return UA_EDOMAIN;
    c->points += n;
    for (size_t i = 0; i < n; i++) y[i] = exp(-x[2 * i] * x[2 * i]) * cos(x[2 * i + 1]);
    return UA_OK;
}

static void test_batch_fit_and_measure(void **state)
{
    (void)state;
    counter c = {0};
    double lo[2] = {-1, 0}, hi[2] = {1, 2};
    ua_problem *p;
    assert_int_equal(ua_problem_callback_batch(batch_fn, &c, 2, lo, hi, "g", &p), UA_OK);
    assert_int_equal(ua_problem_kind_of(p), UA_PROBLEM_FUNCTION);
    ua_options *o;
    assert_int_equal(ua_family_options("kernel", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "samples", "300"), UA_OK);
    ua_model *m;
    assert_int_equal(ua_fit(p, "kernel", o, NULL, &m), UA_OK);
    /* the learner's 300 training points came in one call */
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.largest, 300);
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = 5000;
    ua_measurement r;
    assert_int_equal(ua_model_measure(m, p, &mo, &r), UA_OK);
    assert_true(r.has_errors);
    ASSERT_LE(r.err.max_abs, 1e-3);
    ASSERT_LE(1000, c.largest); /* the measurement's batches, not one point at a time */
    /* the model against the closed form, at points of its own */
    double x[2] = {0.3, 1.1}, y;
    assert_int_equal(ua_model_predict(m, x, 1, &y), UA_OK);
    ASSERT_LE(fabs(y - exp(-0.09) * cos(1.1)), 1e-3);
    ua_measurement_free(&r);
    ua_model_free(m);
    ua_options_free(o);
    ua_problem_free(p);
}

static void test_batch_failure_names_the_batch(void **state)
{
    (void)state;
    counter c = {.fail_after = 10};
    double lo[2] = {0, 0}, hi[2] = {1, 1};
    ua_problem *p;
    assert_int_equal(ua_problem_callback_batch(batch_fn, &c, 2, lo, hi, "g", &p), UA_OK);
    double xs[24] = {0}, ys[12];
    assert_int_equal(ua_problem_eval(p, xs, 4, ys), UA_OK);
    assert_int_equal(ua_problem_eval(p, xs, 12, ys), UA_EDOMAIN);
    assert_non_null(strstr(ua_last_error(), "g failed on a batch of 12 points (the first at "
                                            "(x1, x2) = (0, 0))"));
    ua_problem_free(p);
    assert_int_equal(ua_problem_callback_batch(NULL, NULL, 1, lo, hi, "", &p), UA_EINVAL);
    assert_null(p);
    assert_int_equal(ua_problem_callback_batch(batch_fn, &c, 1, hi, lo, "", &p), UA_EINVAL);
}

static const char *component(const char *name, int running)
{
    for (size_t i = 0; i < ua_version_components(); i++) {
        ua_component c;
        assert_int_equal(ua_version_component(i, &c), UA_OK);
        if (!strcmp(c.name, name)) return running ? c.running : c.compiled;
    }
    fail_msg("no component %s", name);
    return NULL;
}

static void test_versions(void **state)
{
    (void)state;
    assert_string_equal(ua_version(), UA_VERSION_STRING);
    assert_string_equal(component("MPFR", 0), MPFR_VERSION_STRING);
    assert_string_equal(component("MPFR", 1), mpfr_get_version());
    assert_string_equal(component("cJSON", 1), cJSON_Version());
    /* OpenBLAS's configuration line, without its "OpenBLAS " lead */
    assert_non_null(strstr(openblas_get_config(), component("OpenBLAS", 1)));
    assert_true(strlen(component("LAPACK", 1)) >= 5);
    assert_true(strlen(component("FFTW", 1)) >= 5);
    ua_component c;
    assert_int_equal(ua_version_component(ua_version_components(), &c), UA_ENOTFOUND);
    assert_int_equal(ua_version_component(0, NULL), UA_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_fit_and_measure),
        cmocka_unit_test(test_batch_failure_names_the_batch),
        cmocka_unit_test(test_versions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
