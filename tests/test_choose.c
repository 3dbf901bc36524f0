/* ua_family_choose and ua_fit(..., "auto", ...): the family fitted when the caller names none
 * (docs/engine.md, "Choosing the family"). A formula or a function in d > 1 goes to chebnd for
 * d <= 3 and to sparse beyond; everything else keeps the first family by name that takes it.
 * The cases of chebnd and sparse are skipped, with a message, while those families are not
 * registered: they must hold once they are. */
#include "test_util.h"

#include <math.h>

/* Whether family name is registered (the message of a miss is cleared). */
static int registered(const char *name)
{
    ua_family_info info;
    if (ua_family_info_get(name, &info) == UA_OK) return 1;
    ua_clear_error();
    return 0;
}

/* The first family by name that accepts p: the rule for every problem but a formula or function
 * in d > 1, computed here from the registry alone. */
static const char *first_by_name(const ua_problem *p)
{
    for (size_t i = 0; i < ua_family_count(); i++) {
        ua_family_info info;
        assert_int_equal(ua_family_info_at(i, &info), UA_OK);
        if (ua_family_accepts(info.name, p) == UA_OK) return info.name;
        ua_clear_error();
    }
    return NULL;
}

/* A formula problem on [0,1]^d in the variables x1..xd. */
static ua_problem *formula(const char *spec, size_t d)
{
    char names[16][24];
    const char *vars[16];
    double lo[16], hi[16];
    assert_true(d <= 16);
    for (size_t i = 0; i < d; i++) {
        snprintf(names[i], sizeof names[i], "x%zu", i + 1);
        vars[i] = names[i];
        lo[i] = 0;
        hi[i] = 1;
    }
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(spec, vars, d, &t), UA_OK);
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    ua_target_free(t);
    return p;
}

/* Skips the running test, saying why, unless family name is registered. */
#define NEED_FAMILY(name)                                                                     \
    do {                                                                                      \
        if (!registered(name)) {                                                              \
            print_message("SKIP: the %s family is not registered yet: this case of the "     \
                          "automatic choice waits for it\n", name);                           \
            skip();                                                                           \
        }                                                                                     \
    } while (0)

/* Checks that p is given to family want and that the why names the problem's words. */
static void expect_choice(const ua_problem *p, const char *want, const char *words)
{
    const char *name = NULL, *why = NULL;
    assert_int_equal(ua_family_choose(p, &name, &why), UA_OK);
    assert_non_null(name);
    assert_string_equal(name, want);
    assert_non_null(why);
    if (!strstr(why, words)) fail_msg("why '%s' does not say '%s'", why, words);
    assert_true(!strncmp(why, "auto: ", 6));
}

static void test_formula_2d_and_3d_go_to_chebnd(void **state)
{
    (void)state;
    NEED_FAMILY("chebnd");
    ua_problem *p = formula("exp(-x1^2-x2^2)", 2);
    expect_choice(p, "chebnd", "a formula in 2 variables");
    ua_problem_free(p);
    p = formula("cos(x1*x2*x3)", 3);
    expect_choice(p, "chebnd", "a formula in 3 variables");
    ua_problem_free(p);
}

static double prod_cos(const double *x, void *ctx)
{
    (void)ctx;
    return cos(x[0]) * cos(x[1]);
}

static void test_function_2d_goes_to_chebnd(void **state)
{
    (void)state;
    NEED_FAMILY("chebnd");
    double lo[2] = { 0, 0 }, hi[2] = { 1, 1 };
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_callback(prod_cos, NULL, 2, lo, hi, "cos(x1)cos(x2)", &p), UA_OK);
    expect_choice(p, "chebnd", "your function of 2 variables");
    ua_problem_free(p);
}

static void test_formula_4d_and_10d_go_to_sparse(void **state)
{
    (void)state;
    NEED_FAMILY("sparse");
    ua_problem *p = formula("exp(-(x1^2+x2^2+x3^2+x4^2))", 4);
    expect_choice(p, "sparse", "a formula in 4 variables");
    ua_problem_free(p);
    p = formula("cos(x1+x2+x3+x4+x5+x6+x7+x8+x9+x10)", 10);
    expect_choice(p, "sparse", "a formula in 10 variables");
    ua_problem_free(p);
}

/* 1-D formulas, samples and sequences keep the first family by name that accepts them. */
static void test_other_problems_keep_first_by_name(void **state)
{
    (void)state;
    ua_problem *p = formula("sin(x1)", 1);
    assert_string_equal(first_by_name(p), "cheb");
    expect_choice(p, "cheb", "a formula in 1 variable");
    ua_problem_free(p);

    double x[8], y[4];
    for (int i = 0; i < 4; i++) {
        x[2 * i] = i;
        x[2 * i + 1] = 0.5 * i;
        y[i] = x[2 * i] + x[2 * i + 1];
    }
    assert_int_equal(ua_problem_samples(x, y, 4, 2, 1, &p), UA_OK);
    expect_choice(p, first_by_name(p), "samples with 2 inputs");
    ua_problem_free(p);
}

/* ua_fit with "auto" fits the chosen family and keeps the reason in the metadata. */
static void test_fit_auto_records_the_choice(void **state)
{
    (void)state;
    ua_problem *p = formula("exp(x1)", 1);
    ua_model *m = NULL;
    assert_int_equal(ua_fit(p, "auto", NULL, NULL, &m), UA_OK);
    assert_string_equal(ua_model_family(m), "cheb");
    const char *choice = ua_model_meta(m, "family_choice");
    assert_non_null(choice);
    assert_non_null(strstr(choice, "auto: a formula in 1 variable"));
    ua_model_free(m);
    /* a family named by the caller records no choice */
    assert_int_equal(ua_fit(p, "cheb", NULL, NULL, &m), UA_OK);
    assert_null(ua_model_meta(m, "family_choice"));
    ua_model_free(m);
    ua_problem_free(p);
}

static void test_fit_auto_2d(void **state)
{
    (void)state;
    NEED_FAMILY("chebnd");
    ua_problem *p = formula("exp(-x1^2-x2^2)", 2);
    ua_model *m = NULL;
    ua_status s = ua_fit(p, NULL, NULL, NULL, &m);
    assert_true(s == UA_OK || s == UA_ENOTRESOLVED);
    assert_string_equal(ua_model_family(m), "chebnd");
    assert_non_null(strstr(ua_model_meta(m, "family_choice"), "a formula in 2 variables"));
    ua_model_free(m);
    ua_problem_free(p);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const char *name = "x", *why = "x";
    assert_int_equal(ua_family_choose(NULL, &name, &why), UA_EINVAL);
    assert_null(why);
    ua_problem *p = formula("x1", 1);
    assert_int_equal(ua_family_choose(p, NULL, NULL), UA_EINVAL);
    assert_int_equal(ua_family_choose(p, &name, NULL), UA_OK); /* why is optional */
    assert_string_equal(name, "cheb");
    ua_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_2d_and_3d_go_to_chebnd),
        cmocka_unit_test(test_function_2d_goes_to_chebnd),
        cmocka_unit_test(test_formula_4d_and_10d_go_to_sparse),
        cmocka_unit_test(test_other_problems_keep_first_by_name),
        cmocka_unit_test(test_fit_auto_records_the_choice),
        cmocka_unit_test(test_fit_auto_2d),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
