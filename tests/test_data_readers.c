/* Nasty inputs for the table readers (src/data/) and every family that takes samples: files of
 * nothing but a form feed, a vertical tab or a UTF-8 byte-order mark, a CSV of only a header,
 * CRLF line ends with a BOM, blanks of every isspace kind between numbers (tests/data/nasty_*).
 * A file without numbers is "no data rows" naming the file (it once read as one row of zero
 * columns, which a fitter then used after the dataset was freed); the good ones read to the exact
 * values written, and each family that takes samples fits them through the engine, which records
 * the header's input names ("input_names") itself, whatever the family. */
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
#define TU_SCRATCH_TAG "ua_test_data_readers"
#include "test_util.h"

static const char *fixture(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/data/%s", UA_TEST_DIR, name);
    return p;
}

/* Files with no number in them: refused by the reader with "no data rows", naming the file. */
static void test_no_numbers(void **state)
{
    (void)state;
    static const char *const files[] = { "nasty_ff.txt", "nasty_vt.txt", "nasty_bom.txt",
                                         "nasty_header.csv" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        ua_dataset *ds = (ua_dataset *)1;
        ua_status s = ua_dataset_read(fixture(files[i]), UA_FORMAT_AUTO, &ds);
        if (s != UA_EFORMAT) fprintf(stderr, "%s: status %d, %s\n", files[i], s, ua_last_error());
        assert_int_equal(s, UA_EFORMAT);
        assert_null(ds);
        assert_non_null(strstr(ua_last_error(), "no data rows"));
        assert_non_null(strstr(ua_last_error(), files[i]));
        /* the same through the problem every sample-taking family is handed */
        ua_sample_source src = { 0 };
        src.data = fixture(files[i]);
        ua_problem *p = (ua_problem *)1;
        s = ua_problem_read_samples(&src, &p);
        assert_int_equal(s, UA_EFORMAT);
        assert_null(p);
        assert_non_null(strstr(ua_last_error(), "no data rows"));
    }
}

/* The same as text written on the fly: a form feed or vertical tab among blank lines, and as
 * the only content with the text format forced on a .csv name. */
static void test_blank_kinds_inline(void **state)
{
    (void)state;
    static const char *const bodies[] = { "\f", "\v", "\f\n\v\n \t\r\n", "# c\n\f\n" };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        const char *path = tu_path("blank.txt");
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(bodies[i], f);
        assert_int_equal(fclose(f), 0);
        for (int fmt = 0; fmt < 2; fmt++) {
            ua_dataset *ds = NULL;
            ua_status s = ua_dataset_read(path, fmt ? UA_FORMAT_CSV : UA_FORMAT_TEXT, &ds);
            assert_int_equal(s, UA_EFORMAT);
            assert_non_null(strstr(ua_last_error(), "no data rows"));
        }
    }
}

/* CRLF ends and a BOM: the values written by the generator (x = k/8, y = k^2/64, all exact in
 * binary), and the names from the header without the BOM. */
static void test_crlf_bom_values(void **state)
{
    (void)state;
    ua_dataset *ds = NULL;
    assert_int_equal(ua_dataset_read(fixture("nasty_crlf.csv"), UA_FORMAT_AUTO, &ds), UA_OK);
    assert_int_equal(ua_dataset_rows(ds), 20);
    assert_int_equal(ua_dataset_cols(ds), 2);
    assert_string_equal(ua_dataset_colname(ds, 0), "x");
    assert_string_equal(ua_dataset_colname(ds, 1), "y");
    double v[40];
    size_t cols[2] = { 0, 1 };
    assert_int_equal(ua_dataset_select(ds, NULL, 20, cols, 2, v), UA_OK);
    for (size_t k = 0; k < 20; k++) {
        assert_true(v[2 * k] == (double)k / 8);
        assert_true(v[2 * k + 1] == (double)(k * k) / 64);
    }
    ua_dataset_free(ds);
}

/* Whitespace text with \f, \v, \t, \r and spaces between the numbers, after them and as
 * blank lines: the same 20 rows as the CSV. */
static void test_every_blank_separates(void **state)
{
    (void)state;
    ua_dataset *ds = NULL;
    assert_int_equal(ua_dataset_read(fixture("nasty_ff_blanks.txt"), UA_FORMAT_AUTO, &ds), UA_OK);
    assert_int_equal(ua_dataset_rows(ds), 20);
    assert_int_equal(ua_dataset_cols(ds), 2);
    double v[40];
    size_t cols[2] = { 0, 1 };
    assert_int_equal(ua_dataset_select(ds, NULL, 20, cols, 2, v), UA_OK);
    for (size_t k = 0; k < 20; k++) {
        assert_true(v[2 * k] == (double)k / 8);
        assert_true(v[2 * k + 1] == (double)(k * k) / 64);
    }
    ua_dataset_free(ds);
}

/* Every registered family that takes these 1-D samples fits them through ua_fit; the problem is
 * freed before the model is used (a family must keep no pointer into it or into the dataset it
 * came from), and the model predicts the training rows to its measured train RMSE, recomputed
 * here from ua_model_predict. The engine records input_names ["x"] from the header, for every
 * family; from a headerless file it records none. */
static void test_every_sample_family(void **state)
{
    (void)state;
    size_t fitted = 0;
    for (size_t f = 0; f < ua_family_count(); f++) {
        ua_family_info info;
        assert_int_equal(ua_family_info_at(f, &info), UA_OK);
        if (!(info.accepts & UA_ACCEPTS(UA_PROBLEM_SAMPLES))) continue;
        for (int headerless = 0; headerless < 2; headerless++) {
            ua_sample_source src = { 0 };
            src.data = fixture(headerless ? "nasty_ff_blanks.txt" : "nasty_crlf.csv");
            ua_problem *p = NULL;
            assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
            if (ua_family_accepts(info.name, p) != UA_OK) {
                ua_clear_error();
                ua_problem_free(p);
                continue;
            }
            const double *x, *y;
            size_t n;
            ua_problem_train(p, &x, &y, &n);
            double *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys);
            assert_non_null(xs);
            assert_non_null(ys);
            memcpy(xs, x, n * sizeof *xs);
            memcpy(ys, y, n * sizeof *ys);
            ua_model *m = NULL;
            ua_status s = ua_fit(p, info.name, NULL, NULL, &m);
            if (s && s != UA_ENOTRESOLVED)
                fprintf(stderr, "%s on %s: %s\n", info.name, src.data, ua_last_error());
            assert_true(s == UA_OK || s == UA_ENOTRESOLVED);
            ua_measurement r;
            assert_int_equal(ua_model_measure(m, p, NULL, &r), UA_OK);
            ua_problem_free(p); /* the model must not need it any more */
            const char *names = ua_model_meta(m, "input_names");
            if (headerless) assert_null(names);
            else {
                if (!names) fprintf(stderr, "%s: no input_names\n", info.name);
                assert_non_null(names);
                assert_string_equal(names, "[\"x\"]");
            }
            double *pred = malloc(n * sizeof *pred);
            assert_non_null(pred);
            assert_int_equal(ua_model_predict(m, xs, n, pred), UA_OK);
            double ss = 0;
            for (size_t i = 0; i < n; i++) {
                assert_true(isfinite(pred[i]));
                ss += (pred[i] - ys[i]) * (pred[i] - ys[i]);
            }
            double rmse = sqrt(ss / (double)n);
            assert_true(fabs(rmse - r.train_rmse) <= 1e-12 + 1e-9 * r.train_rmse);
            ua_measurement_free(&r);
            free(pred);
            free(xs);
            free(ys);
            ua_model_free(m);
            fitted++;
        }
    }
    assert_true(fitted >= 8); /* at least spline, kernel, mlp, rf on both files */
}

/* The spline through samples interpolates: at every row of the CRLF file it returns y exactly
 * up to rounding (a closed-form identity of interpolation, independent of the fit's method). */
static void test_spline_interpolates_crlf(void **state)
{
    (void)state;
    ua_family_info info;
    if (ua_family_info_get("spline", &info) != UA_OK) skip();
    ua_sample_source src = { 0 };
    src.data = fixture("nasty_crlf.csv");
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_read_samples(&src, &p), UA_OK);
    ua_model *m = NULL;
    assert_int_equal(ua_fit(p, "spline", NULL, NULL, &m), UA_OK);
    ua_problem_free(p);
    for (size_t k = 0; k < 20; k++) {
        double x = (double)k / 8, y;
        assert_int_equal(ua_model_predict(m, &x, 1, &y), UA_OK);
        assert_true(fabs(y - (double)(k * k) / 64) <= 1e-14);
    }
    ua_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_numbers),
        cmocka_unit_test(test_blank_kinds_inline),
        cmocka_unit_test(test_crlf_bom_values),
        cmocka_unit_test(test_every_blank_separates),
        cmocka_unit_test(test_every_sample_family),
        cmocka_unit_test(test_spline_interpolates_crlf),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
