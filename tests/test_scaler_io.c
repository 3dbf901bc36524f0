/* Scalers in a model file: round trip through ua_st, and every malformed tensor refused. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "uniapprox.h"

static void test_round_trip(void **state)
{
    (void)state;
    const double x[6] = { 1, 10, 2, 20, 4, 60 }; /* (3, 2) */
    ua_scaler sc, back;
    ua_st *st;
    assert_int_equal(ua_scaler_fit(x, 3, 2, &sc), UA_OK);
    /* population statistics by hand: means 7/3 and 30, std sqrt(14/9) and sqrt(1400/3) */
    assert_true(fabs(sc.mean[0] - 7.0 / 3) < 1e-15 && sc.mean[1] == 30);
    assert_true(fabs(sc.scale[1] - sqrt(1400.0 / 3)) < 1e-13);
    assert_int_equal(ua_st_alloc(&st), UA_OK);
    assert_int_equal(ua_scaler_save(&sc, "x_", st), UA_OK);
    assert_int_equal(ua_scaler_load(st, "x_", 2, &back), UA_OK);
    assert_int_equal(back.d, 2);
    assert_memory_equal(back.mean, sc.mean, 2 * sizeof(double));
    assert_memory_equal(back.scale, sc.scale, 2 * sizeof(double));
    ua_scaler_free(&back);
    assert_int_equal(ua_scaler_load(st, "x_", 0, &back), UA_OK); /* any length */
    ua_scaler_free(&back);
    assert_int_equal(ua_scaler_load(st, "x_", 3, &back), UA_EFORMAT); /* wrong length */
    assert_non_null(strstr(ua_last_error(), "expected 3"));
    assert_int_equal(ua_scaler_load(st, "y_", 0, &back), UA_EFORMAT); /* missing */
    assert_non_null(strstr(ua_last_error(), "y_mean"));
    assert_int_equal(ua_scaler_save(&sc, "x_", st), UA_EINVAL); /* duplicate names */
    ua_st_free(st);
    ua_scaler_free(&sc);
}

static void test_bad_values(void **state)
{
    (void)state;
    const double mean[2] = { 0, 1 }, zero[2] = { 1, 0 }, nan[2] = { 1, NAN };
    const int64_t shape[1] = { 2 }, shape2[2] = { 1, 2 };
    ua_scaler sc;
    ua_st *st;
    assert_int_equal(ua_st_alloc(&st), UA_OK);
    assert_int_equal(ua_st_add(st, "a_mean", UA_F64, 1, shape, mean), UA_OK);
    assert_int_equal(ua_st_add(st, "a_scale", UA_F64, 1, shape, zero), UA_OK);
    assert_int_equal(ua_st_add(st, "b_mean", UA_F64, 1, shape, nan), UA_OK);
    assert_int_equal(ua_st_add(st, "b_scale", UA_F64, 1, shape, zero + 0), UA_OK);
    assert_int_equal(ua_st_add(st, "c_mean", UA_F64, 2, shape2, mean), UA_OK);
    assert_int_equal(ua_st_add(st, "c_scale", UA_F64, 1, shape, zero), UA_OK);
    assert_int_equal(ua_scaler_load(st, "a_", 0, &sc), UA_EFORMAT); /* scale 0 */
    assert_non_null(strstr(ua_last_error(), "> 0"));
    assert_int_equal(ua_scaler_load(st, "b_", 0, &sc), UA_EFORMAT); /* NaN mean */
    assert_int_equal(ua_scaler_load(st, "c_", 0, &sc), UA_EFORMAT); /* 2-D */
    assert_null(sc.mean);
    ua_st_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
