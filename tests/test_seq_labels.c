/* A stray token or class id in sequence data is refused before the seq model is allocated: the
 * vocabulary (classes) is inferred as the largest id + 1, so one id of 10^7 among 6 positions
 * would size the embedding or the logits by itself (gigabytes). Ids up to max(floor, N * n) are
 * accepted (floors 65536 tokens, 4096 classes: src/seq/internal.h), through ua_seq_fit directly
 * and through the problem's reader (ua_problem_read_samples, which names the file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "uniapprox.h"
#define TU_SCRATCH_TAG "ua_test_seq_labels"
#include "test_util.h"

static ua_status fit(int32_t *tok, int32_t *cls)
{
    ua_seq_data d = { 0 };
    d.N = 2;
    d.n = 3;
    d.tok = tok;
    d.cls = cls;
    ua_seq_options o;
    ua_seq_options_default(&o);
    o.epochs = 1;
    o.val_frac = 0;
    ua_seq *m = NULL;
    ua_status s = ua_seq_fit(&d, &o, &m);
    ua_seq_free(m);
    return s;
}

static void test_stray_class(void **state)
{
    (void)state;
    int32_t tok[6] = { 0, 1, 2, 2, 1, 0 }, cls[6] = { 0, 1, 0, 1, 10000000, 1 };
    assert_int_equal(fit(tok, cls), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "the targets' sequence 1, position 1: class 10000000 "
                                            "is far beyond"));
    assert_non_null(strstr(ua_last_error(), "= 4096"));
    cls[4] = 4095; /* the largest class the floor allows */
    assert_int_equal(fit(tok, cls), UA_OK);
}

static void test_stray_token(void **state)
{
    (void)state;
    int32_t tok[6] = { 0, 1, 2, 2, 15000000, 0 }, cls[6] = { 0, 1, 0, 1, 0, 1 };
    assert_int_equal(fit(tok, cls), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "the inputs' sequence 1, position 1: token 15000000 "
                                            "is far beyond"));
    tok[4] = 65535;
    assert_int_equal(fit(tok, cls), UA_OK);
}

/* The reader names the targets file (not the inputs) and the place of the stray class. */
static void test_reader_names_the_file(void **state)
{
    (void)state;
    const size_t shape[2] = { 2, 3 };
    const int32_t tok[6] = { 0, 1, 2, 2, 1, 0 }, cls[6] = { 0, 1, 0, 1, 10000000, 1 };
    char xp[512], yp[512];
    snprintf(xp, sizeof xp, "%s", tu_path("x.npy"));
    snprintf(yp, sizeof yp, "%s", tu_path("labels.npy"));
    assert_int_equal(ua_npy_write(xp, UA_NPY_I4, shape, 2, tok), UA_OK);
    assert_int_equal(ua_npy_write(yp, UA_NPY_I4, shape, 2, cls), UA_OK);
    ua_sample_source src = { 0 };
    src.data = xp;
    src.targets = yp;
    src.sequences = 1;
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_null(p);
    assert_non_null(strstr(ua_last_error(), "labels.npy: sequence 1, position 1: class 10000000"));
    /* measuring an existing model (check): the ids size nothing, so none is refused here */
    src.ids_unbounded = 1;
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    ua_problem_free(p);
}

/* A test set's ids are bounded as the training set's (max(65536, N len) tokens, with the
 * training set's N len): a model fitted on 80,000 positions may hold token 70,000, so a test file
 * of 16 positions may too; 80,000 is refused, naming the test file. */
static void test_test_ids_bounded_by_training(void **state)
{
    (void)state;
    const size_t big[2] = { 5000, 16 }, small[2] = { 1, 16 };
    int32_t *tok = calloc(5000 * 16, sizeof *tok), *cls = calloc(5000 * 16, sizeof *cls);
    assert_non_null(tok);
    assert_non_null(cls);
    tok[7] = 70000;
    int32_t ttok[16] = { 0, 1, 70000, 2, 1, 0 }, tcls[16] = { 0 };
    char xp[512], yp[512], txp[512], typ[512];
    snprintf(xp, sizeof xp, "%s", tu_path("bx.npy"));
    snprintf(yp, sizeof yp, "%s", tu_path("by.npy"));
    snprintf(txp, sizeof txp, "%s", tu_path("tx.npy"));
    snprintf(typ, sizeof typ, "%s", tu_path("ty.npy"));
    assert_int_equal(ua_npy_write(xp, UA_NPY_I4, big, 2, tok), UA_OK);
    assert_int_equal(ua_npy_write(yp, UA_NPY_I4, big, 2, cls), UA_OK);
    assert_int_equal(ua_npy_write(txp, UA_NPY_I4, small, 2, ttok), UA_OK);
    assert_int_equal(ua_npy_write(typ, UA_NPY_I4, small, 2, tcls), UA_OK);
    ua_sample_source src = { 0 };
    src.data = xp;
    src.targets = yp;
    src.test_data = txp;
    src.test_targets = typ;
    src.sequences = 1;
    ua_problem *p = NULL;
    if (ua_problem_read_samples(&src, &p)) fail_msg("%s", ua_last_error());
    ua_problem_free(p);
    ttok[2] = 80000;
    assert_int_equal(ua_npy_write(txp, UA_NPY_I4, small, 2, ttok), UA_OK);
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_EINVAL);
    assert_null(p);
    assert_non_null(strstr(ua_last_error(), "tx.npy: sequence 0, position 2: token 80000"));
    free(tok);
    free(cls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stray_class),
        cmocka_unit_test(test_stray_token),
        cmocka_unit_test(test_reader_names_the_file),
        cmocka_unit_test(test_test_ids_bounded_by_training),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
