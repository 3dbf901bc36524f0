/* Tests of src/data/: the CSV, whitespace-text and .npy readers against fixtures written by an
 * independent script (tests/gen/data_fixtures.py -> tests/data/), exact round trips, every error
 * message (status, file, line, column), malformed and truncated .npy files, column lookup and
 * selection, the UCI split files, and the scaler's identities. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uniapprox.h"
#include "data/fixtures_ref.h"
#define TU_SCRATCH_TAG "ua_test_data"
#include "test_util.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static const char *fixture(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/data/%s", UA_TEST_DIR, name);
    return p;
}

/* Writes len bytes to a fresh file in the temporary directory (name keeps its extension so that
 * UA_FORMAT_AUTO can see it) and returns its path (tu_path's: copy it to keep it long). */
static const char *write_tmp(const char *name, const void *bytes, size_t len)
{
    const char *p = tu_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

static const char *write_str(const char *name, const char *text)
{
    return write_tmp(name, text, strlen(text));
}

/* Asserts that got == want and that the last error contains every string of the NULL-terminated
 * list; prints the message when it does not. */
static void expect_error(ua_status got, ua_status want, ...)
{
    const char *msg = ua_last_error();
    if (got != want) fprintf(stderr, "status %d, want %d; message: %s\n", got, want, msg);
    assert_int_equal(got, want);
    va_list ap;
    va_start(ap, want);
    const char *sub;
    while ((sub = va_arg(ap, const char *))) {
        if (!strstr(msg, sub)) fprintf(stderr, "message '%s' lacks '%s'\n", msg, sub);
        assert_non_null(strstr(msg, sub));
    }
    va_end(ap);
}

/* Bitwise equality of doubles (distinguishes -0.0 from 0.0). */
static void assert_same_bits(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (memcmp(&a[i], &b[i], sizeof(double)) != 0)
            fprintf(stderr, "element %zu: %a != %a\n", i, a[i], b[i]);
        assert_memory_equal(&a[i], &b[i], sizeof(double));
    }
}

static ua_dataset *read_ok(const char *path, ua_format fmt)
{
    ua_dataset *ds = NULL;
    ua_status s = ua_dataset_read(path, fmt, &ds);
    if (s) fprintf(stderr, "%s\n", ua_last_error());
    assert_int_equal(s, UA_OK);
    assert_non_null(ds);
    return ds;
}

/* ---- the fixtures -------------------------------------------------------------------------- */

static void check_table(ua_dataset *ds)
{
    assert_int_equal(ua_dataset_rows(ds), 4);
    assert_int_equal(ua_dataset_cols(ds), 3);
    assert_same_bits(ua_dataset_values(ds), ref_table, 12);
}

static void test_csv_fixture(void **state)
{
    (void)state;
    const char *files[] = {"small.csv", "small_crlf.csv"};
    for (int k = 0; k < 2; k++) {
        ua_dataset *ds = read_ok(fixture(files[k]), UA_FORMAT_AUTO);
        check_table(ds);
        /* blanks around names dropped, quotes removed, the inner blank kept */
        assert_string_equal(ua_dataset_colname(ds, 0), "alpha");
        assert_string_equal(ua_dataset_colname(ds, 1), "x y");
        assert_string_equal(ua_dataset_colname(ds, 2), "z");
        assert_null(ua_dataset_colname(ds, 3));
        ua_dataset_free(ds);
    }
    /* a UTF-8 byte-order mark before a comment line and the header is skipped */
    ua_dataset *bom = read_ok(write_str("bom.csv", "\xEF\xBB\xBF# c\n\"x\"\"q\",y\n1,2\n"),
                              UA_FORMAT_AUTO);
    assert_string_equal(ua_dataset_colname(bom, 0), "x\"q");
    assert_string_equal(ua_dataset_colname(bom, 1), "y");
    ua_dataset_free(bom);
    bom = read_ok(write_str("bom.txt", "\xEF\xBB\xBF" "1 2\n"), UA_FORMAT_AUTO);
    assert_true(ua_dataset_values(bom)[0] == 1 && ua_dataset_values(bom)[1] == 2);
    ua_dataset_free(bom);
    /* the extension is not needed when the format is given */
    size_t len;
    unsigned char *b = tu_slurp(fixture("small.csv"), &len);
    ua_dataset *ds = read_ok(write_tmp("table.dat", b, len), UA_FORMAT_CSV);
    check_table(ds);
    ua_dataset_free(ds);
    free(b);
}

static void test_text_fixture(void **state)
{
    (void)state;
    ua_dataset *ds = read_ok(fixture("small.txt"), UA_FORMAT_AUTO);
    check_table(ds);
    assert_string_equal(ua_dataset_colname(ds, 0), "0");
    assert_string_equal(ua_dataset_colname(ds, 2), "2");
    ua_dataset_free(ds);
    /* the same with the format given */
    ds = read_ok(fixture("small.txt"), UA_FORMAT_TEXT);
    check_table(ds);
    ua_dataset_free(ds);
}

static void test_npy_fixtures(void **state)
{
    (void)state;
    struct {
        const char *file;
        const double *ref;
        size_t n, d;
    } cases[] = {
        {"f8_2d.npy", ref_f8_2d, 5, 2},  {"f4_2d.npy", ref_f4_2d, 3, 4},
        {"f8_1d.npy", ref_f8_1d, 6, 1},  {"f8_be.npy", ref_f8_2d, 5, 2},
        {"f4_be_1d.npy", ref_f4_2d, 12, 1}, {"f8_v2.npy", ref_f8_2d, 5, 2},
        {"f4_v3.npy", ref_f4_2d, 3, 4},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ua_dataset *ds = read_ok(fixture(cases[k].file), UA_FORMAT_AUTO);
        assert_int_equal(ua_dataset_rows(ds), cases[k].n);
        assert_int_equal(ua_dataset_cols(ds), cases[k].d);
        assert_same_bits(ua_dataset_values(ds), cases[k].ref, cases[k].n * cases[k].d);
        assert_string_equal(ua_dataset_colname(ds, cases[k].d - 1),
                            cases[k].d == 1 ? "0" : cases[k].d == 2 ? "1" : "3");
        ua_dataset_free(ds);
    }
}

/* ---- round trips ----------------------------------------------------------------------------- */

/* A deterministic spread of doubles over the whole range, signs, subnormals and -0.0. */
static double sample_value(uint64_t *st, size_t i)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t r = *st >> 11;
    switch (i % 5) {
    case 0: return ldexp((double)r, -53) * 2 - 1;               /* [-1, 1) */
    case 1: return ldexp((double)(r | 1), (int)(r % 2000) - 1000 - 53); /* any scale */
    case 2: return -ldexp((double)(r % 1000), -1074);            /* subnormals and -0.0 */
    case 3: return (double)(int64_t)(r % 100000) - 50000;        /* integers */
    default: return i % 2 ? DBL_MAX : -DBL_MIN;
    }
}

static void test_round_trip(void **state)
{
    (void)state;
    const size_t n = 2000, d = 7;
    double *x = malloc(n * d * sizeof *x);
    assert_non_null(x);
    uint64_t st = 42;
    for (size_t i = 0; i < n * d; i++) x[i] = sample_value(&st, i);
    for (int fmt = 0; fmt < 2; fmt++) {
        const char *path = fmt ? "rt.csv" : "rt.txt";
        const char *full = tu_path(path);
        FILE *f = fopen(full, "w");
        assert_non_null(f);
        if (fmt) fprintf(f, "c0,c1,c2,c3,c4,c5,c6\n");
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d; j++)
                fprintf(f, "%.17g%s", x[i * d + j], j + 1 < d ? (fmt ? "," : "\t") : "\n");
        fclose(f);
        ua_dataset *ds = read_ok(full, UA_FORMAT_AUTO);
        assert_int_equal(ua_dataset_rows(ds), n);
        assert_int_equal(ua_dataset_cols(ds), d);
        assert_same_bits(ua_dataset_values(ds), x, n * d);
        ua_dataset_free(ds);
    }
    /* from_array copies */
    ua_dataset *ds;
    assert_int_equal(ua_dataset_from_array(x, n, d, NULL, &ds), UA_OK);
    x[0] = 12345;
    assert_true(ua_dataset_values(ds)[0] != 12345);
    assert_string_equal(ua_dataset_colname(ds, 6), "6");
    ua_dataset_free(ds);
    free(x);
}

/* A line far longer than any fixed buffer, and a file of many rows. */
static void test_long_lines_and_many_rows(void **state)
{
    (void)state;
    const size_t wide = 100000;
    const char *full = tu_path("wide.txt");
    FILE *f = fopen(full, "w");
    assert_non_null(f);
    for (int r = 0; r < 2; r++)
        for (size_t j = 0; j < wide; j++)
            fprintf(f, "%.17g%c", (double)j / 3 + r, j + 1 < wide ? ' ' : '\n');
    fclose(f);
    ua_dataset *ds = read_ok(full, UA_FORMAT_TEXT);
    assert_int_equal(ua_dataset_rows(ds), 2);
    assert_int_equal(ua_dataset_cols(ds), wide);
    assert_true(ua_dataset_values(ds)[wide + 99999] == 99999.0 / 3 + 1);
    assert_string_equal(ua_dataset_colname(ds, 99999), "99999");
    ua_dataset_free(ds);

    const size_t rows = 200000;
    full = tu_path("tall.csv");
    f = fopen(full, "w");
    assert_non_null(f);
    fprintf(f, "i,sq\r\n");
    for (size_t i = 0; i < rows; i++) fprintf(f, "%zu,%zu.5\r\n", i, i * i);
    fclose(f);
    ds = read_ok(full, UA_FORMAT_AUTO);
    assert_int_equal(ua_dataset_rows(ds), rows);
    const double *v = ua_dataset_values(ds);
    for (size_t i = 0; i < rows; i += 997) {
        assert_true(v[2 * i] == (double)i);
        assert_true(v[2 * i + 1] == (double)(i * i) + 0.5);
    }
    ua_dataset_free(ds);
}

/* ---- error messages ---------------------------------------------------------------------- */

typedef struct {
    const char *name; /* file name in the scratch directory (its extension picks the reader) */
    const char *text;
    const char *sub[3]; /* substrings the message must contain besides the file name */
} bad_case;

static void test_text_errors(void **state)
{
    (void)state;
    const bad_case cases[] = {
        {"ragged.csv", "a,b,c,d\n1,2,3,4\n\n1,2,3\n",
         {"line 4 has 3 columns, expected 4", "column 4 is missing"}},
        {"extra.csv", "a,b\n1,2,3\n", {"line 2 has 3 columns, expected 2", "column 3 is extra"}},
        {"word.csv", "a,b,c\n1,2,abc\n", {"line 2, column 3", "'abc' is not a number"}},
        {"nan.csv", "a,b\n1,2\n1,nan\n", {"line 3, column 2", "non-finite value 'nan'"}},
        {"inf.csv", "a,b\n-inf,2\n", {"line 2, column 1", "non-finite value '-inf'"}},
        {"nanp.txt", "1 2\n3 NAN(0x1)\n", {"line 2, column 2", "non-finite value 'NAN(0x1)'"}},
        {"infinity.txt", "1 Infinity\n", {"line 1, column 2", "non-finite value 'Infinity'"}},
        {"overflow.txt", "1\n1e999\n", {"line 2, column 1", "'1e999' is out of the double range"}},
        {"junk.csv", "a,b\n\n1.5x,2\n", {"line 3, column 1", "'1.5x' is not a number"}},
        {"junk2.txt", "1 2\n3 4e\n", {"line 2, column 2", "'4e' is not a number"}},
        {"empty.csv", "", {"no data rows"}},
        {"empty.txt", "", {"no data rows"}},
        {"blank.txt", "\n  \n# only comments\n\t\n", {"no data rows"}},
        {"header.csv", "# c\na,b\n\n", {"no data rows", "only a header"}},
        {"dup.csv", "a,b,a\n1,2,3\n", {"line 1, column 3", "duplicate column name 'a'",
                                       "also column 1"}},
        {"dup2.csv", "# x\n\"q\", r ,q\n1,2,3\n", {"line 2, column 3", "duplicate column name 'q'"}},
        {"noname.csv", "a,,c\n1,2,3\n", {"line 1, column 2", "empty column name"}},
        {"noname2.csv", "a,b,\n1,2,3\n", {"line 1, column 3", "empty column name"}},
        {"cell.csv", "a,b\n1,\n", {"line 2, column 2", "empty cell"}},
        {"quote.csv", "a,\"b\n1,2\n", {"line 1, column 2", "unterminated quote"}},
        {"quote2.csv", "\"a\"x,b\n1,2\n", {"line 1, column 1", "text after the closing quote"}},
        {"ragged.txt", "1 2 3\n4 5 6\n7 8\n", {"line 3 has 2 columns, expected 3"}},
        {"ragged2.txt", "# h\n1 2\n4 5 6\n", {"line 3 has 3 columns, expected 2 as on line 2"}},
        {"hdr.txt", "a b\n1 2\n", {"line 1, column 1", "'a' is not a number"}},
        {"crlf.csv", "a,b\r\n1,2\r\n3,x\r\n", {"line 3, column 2", "'x' is not a number"}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *path = write_str(cases[k].name, cases[k].text);
        ua_dataset *ds = (ua_dataset *)&ds; /* must be reset to NULL on failure */
        ua_status s = ua_dataset_read(path, UA_FORMAT_AUTO, &ds);
        expect_error(s, UA_EFORMAT, path, cases[k].sub[0], cases[k].sub[1], cases[k].sub[2],
                     NULL);
        assert_null(ds);
    }
    /* A NUL byte inside a text line. */
    const char nul[] = "a,b\n1,2\n3,\0" "4\n";
    ua_dataset *ds;
    const char *path = write_tmp("nul.csv", nul, sizeof nul - 1);
    expect_error(ua_dataset_read(path, UA_FORMAT_AUTO, &ds), UA_EFORMAT, path, "line 3, column 3",
                 "NUL", NULL);
    /* A very long offending token is shortened in the message. */
    char *big = malloc(5000);
    assert_non_null(big);
    memcpy(big, "1 ", 2);
    memset(big + 2, 'z', 4000);
    strcpy(big + 4002, "\n");
    path = write_str("longtok.txt", big);
    expect_error(ua_dataset_read(path, UA_FORMAT_AUTO, &ds), UA_EFORMAT, "line 1, column 2",
                 "zzz...", NULL);
    free(big);
}

static void test_open_errors(void **state)
{
    (void)state;
    ua_dataset *ds;
    const char *missing = tu_path("no-such-file.csv");
    expect_error(ua_dataset_read(missing, UA_FORMAT_AUTO, &ds), UA_EINVAL, "cannot open",
                 "no-such-file.csv", "No such file or directory", NULL);
    assert_null(ds);
    size_t *idx, n;
    expect_error(ua_read_indices(missing, 10, &idx, &n), UA_EINVAL, "no-such-file.csv",
                 "No such file", NULL);
    assert_null(idx);
    /* A directory is bad input (exit 2 in the CLI), named as such. */
    expect_error(ua_dataset_read(tu_scratch_dir(), UA_FORMAT_TEXT, &ds), UA_EINVAL, tu_scratch_dir(),
                 "is a directory", NULL);
    expect_error(ua_dataset_read(NULL, UA_FORMAT_TEXT, &ds), UA_EINVAL, "path", NULL);
    expect_error(ua_dataset_read(missing, (ua_format)17, &ds), UA_EINVAL, "format", NULL);
}

/* ---- .npy: malformed headers, truncation, corruption ---------------------------------------- */

/* A .npy image with the given header dict text (padded as numpy does), version 1.0, followed by
 * nbytes of data bytes taken from data. */
static unsigned char *npy_image(const char *dict, const void *data, size_t nbytes, size_t *len)
{
    size_t h = strlen(dict);
    size_t pad = (64 - (10 + h + 1) % 64) % 64;
    size_t hl = h + pad + 1;
    *len = 10 + hl + nbytes;
    unsigned char *b = malloc(*len);
    assert_non_null(b);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (unsigned char)(hl & 0xff);
    b[9] = (unsigned char)(hl >> 8);
    memcpy(b + 10, dict, h);
    memset(b + 10 + h, ' ', pad);
    b[10 + hl - 1] = '\n';
    if (nbytes) memcpy(b + 10 + hl, data, nbytes);
    return b;
}

static void test_npy_errors(void **state)
{
    (void)state;
    double six[6] = {1, 2, 3, 4, 5, 6};
    const struct {
        const char *dict;
        size_t nbytes;
        const char *sub[2];
    } cases[] = {
        {"{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }", 48,
         {"fortran_order True", "not supported"}},
        {"{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }", 48,
         {"dtype '<i8' is not supported", "column 11"}},
        {"{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", 6, {"dtype '<f2'"}},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", 3, {"dtype '|u1'"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", 40,
         {"truncated", "needs 48 data bytes, the file has 40"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", 0,
         {"truncated", "needs 48 data bytes, the file has 0"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", 44,
         {"truncated", "needs 48 data bytes, the file has 44"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", 48,
         {"16 bytes after the data"}},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", 48,
         {"24 bytes after the data"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3), }", 48,
         {"3 dimensions"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 8, {"0 dimensions"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (6), }", 48, {"not a tuple"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }", 0, {"no data rows"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 0), }", 0, {"no columns"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (18446744073709551615, 2), }", 48,
         {"too large"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 2), }", 48,
         {"shape entry too large"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", 48,
         {"too large"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 1), }", 48,
         {"truncated", "the file has 48"}},
        {"{'descr': '<f8', 'shape': (3, 2), }", 48, {"missing key 'fortran_order'"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'x': 1}", 48,
         {"unknown key 'x'"}},
        {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3, 2)}", 48,
         {"key 'descr' given twice"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), } x", 48,
         {"text after the closing"}},
        {"{'descr': '<f8', 'fortran_order': false, 'shape': (3, 2)}", 48, {"True or False"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, -2)}", 48,
         {"non-negative integer"}},
        {"{'descr': '<f8' 'fortran_order': False, 'shape': (3, 2)}", 48, {"expected ',' or '}'"}},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2)", 48, {"expected ','"}},
        {"['descr', '<f8']", 48, {"column 1", "expected '{'"}},
        {"{'descr': '<f\\x38', 'fortran_order': False, 'shape': (3, 2)}", 48, {"escapes"}},
        {"{'descr: '<f8', 'fortran_order': False, 'shape': (3, 2)}", 48, {"column"}},
    };
    ua_dataset *ds;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len;
        unsigned char *b = npy_image(cases[k].dict, six, cases[k].nbytes, &len);
        const char *path = write_tmp("bad.npy", b, len);
        ds = (ua_dataset *)&ds;
        expect_error(ua_dataset_read(path, UA_FORMAT_AUTO, &ds), UA_EFORMAT, path,
                     cases[k].sub[0], cases[k].sub[1], NULL);
        assert_null(ds);
        free(b);
    }
    /* The same image, valid, reads back; then damage to the preamble. */
    size_t len;
    unsigned char *good = npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }",
                                    six, 48, &len);
    ds = read_ok(write_tmp("good.npy", good, len), UA_FORMAT_AUTO);
    assert_same_bits(ua_dataset_values(ds), six, 6);
    ua_dataset_free(ds);

    unsigned char *b = malloc(len);
    assert_non_null(b);
    const struct {
        size_t at;
        unsigned char byte;
        const char *sub;
    } damage[] = {
        {0, 0x92, "magic"}, {1, 'n', "magic"}, {6, 4, "version 4.0"}, {7, 1, "version 1.1"},
        {8, 0xff, "truncated .npy header"}, /* header length past the end of the file */
        {9, 0x00, "column"},                /* header length cut: the dict is incomplete */
    };
    for (size_t k = 0; k < sizeof damage / sizeof damage[0]; k++) {
        memcpy(b, good, len);
        b[damage[k].at] = damage[k].byte;
        if (damage[k].at == 9) b[8] = 20; /* 20 bytes of the header only */
        const char *path = write_tmp("damaged.npy", b, len);
        expect_error(ua_dataset_read(path, UA_FORMAT_NPY, &ds), UA_EFORMAT, path, damage[k].sub,
                     NULL);
    }
    /* A NaN in the data names its row and column (1-based); so does an infinity. */
    double withnan[6] = {1, 2, 3, 4, NAN, 6};
    free(good);
    good = npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", withnan, 48,
                     &len);
    const char *path = write_tmp("nan.npy", good, len);
    expect_error(ua_dataset_read(path, UA_FORMAT_AUTO, &ds), UA_EFORMAT, path, "row 3, column 1",
                 "non-finite", NULL);
    free(good);
    float withinf[4] = {1, -INFINITY, 3, 4};
    good = npy_image("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", withinf, 16,
                     &len);
    path = write_tmp("inf.npy", good, len);
    expect_error(ua_dataset_read(path, UA_FORMAT_AUTO, &ds), UA_EFORMAT, "row 2, column 1",
                 "'-inf'", NULL);
    free(good);
    /* A version 2.0 header whose 4-byte length is huge is refused before any allocation. */
    const unsigned char v2[] = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0xff, 0xff, 0xff, 0x7f, '{'};
    path = write_tmp("v2huge.npy", v2, sizeof v2);
    expect_error(ua_dataset_read(path, UA_FORMAT_AUTO, &ds), UA_EFORMAT, "header length", NULL);
    /* A text file given to the .npy reader. */
    path = write_str("text.npy", "1 2 3\n");
    expect_error(ua_dataset_read(path, UA_FORMAT_AUTO, &ds), UA_EFORMAT, "magic", NULL);
    path = write_str("empty.npy", "");
    expect_error(ua_dataset_read(path, UA_FORMAT_AUTO, &ds), UA_EFORMAT, "empty", NULL);
    free(b);
}

/* ---- ua_npy_read / ua_npy_write: n-D arrays, integer dtypes ------------------------------- */

static ua_npy *npy_ok(const char *path)
{
    ua_npy *a = NULL;
    ua_status s = ua_npy_read(path, &a);
    if (s) fprintf(stderr, "%s: %s\n", path, ua_last_error());
    assert_int_equal(s, UA_OK);
    assert_non_null(a);
    return a;
}

/* Stores the w-byte value x big-endian at b. */
static void put_be(unsigned char *b, uint64_t x, int w)
{
    for (int k = 0; k < w; k++) b[k] = (unsigned char)(x >> (8 * (w - 1 - k)));
}

static void test_npy_read_nd(void **state)
{
    (void)state;
    /* int32 (2, 3, 4), little-endian, with negatives and the int32 extremes */
    int32_t i4[24];
    for (int k = 0; k < 24; k++) i4[k] = (k - 12) * 1000;
    i4[0] = INT32_MIN;
    i4[23] = INT32_MAX;
    size_t len;
    unsigned char *b = npy_image("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 4), }",
                                 i4, sizeof i4, &len);
    ua_npy *a = npy_ok(write_tmp("i4.npy", b, len));
    assert_int_equal(a->dtype, UA_NPY_I4);
    assert_int_equal(a->big_endian, 0);
    assert_int_equal(a->ndim, 3);
    assert_true(a->shape[0] == 2 && a->shape[1] == 3 && a->shape[2] == 4 && a->count == 24);
    for (int k = 0; k < 24; k++) assert_true(a->v[k] == (double)i4[k]);
    ua_npy_free(a);
    free(b);

    /* the smaller and unsigned integers token and class files come in: int8, int16, uint8,
     * uint16, uint32 (little- and big-endian), uint64 up to 2^53, each value exactly */
    {
        const int8_t i1[4] = {-128, -1, 0, 127};
        const int16_t i2[4] = {-32768, -1, 0, 32767};
        const uint8_t u1[4] = {0, 1, 200, 255};
        const uint16_t u2[4] = {0, 1, 40000, 65535};
        const uint32_t u4[4] = {0, 1, 70000, 4294967295u};
        const uint64_t u8[4] = {0, 1, (uint64_t)1 << 53, 123456789012345u};
        unsigned char u2be[8];
        for (int k = 0; k < 4; k++) put_be(u2be + 2 * k, u2[k], 2);
        const struct {
            const char *descr;
            const void *data;
            size_t nbytes;
            ua_npy_dtype dtype;
            double v[4];
        } ints[] = {
            {"|i1", i1, sizeof i1, UA_NPY_I1, {-128, -1, 0, 127}},
            {"<i2", i2, sizeof i2, UA_NPY_I2, {-32768, -1, 0, 32767}},
            {"|u1", u1, sizeof u1, UA_NPY_U1, {0, 1, 200, 255}},
            {"<u2", u2, sizeof u2, UA_NPY_U2, {0, 1, 40000, 65535}},
            {">u2", u2be, sizeof u2be, UA_NPY_U2, {0, 1, 40000, 65535}},
            {"<u4", u4, sizeof u4, UA_NPY_U4, {0, 1, 70000, 4294967295.0}},
            {"<u8", u8, sizeof u8, UA_NPY_U8, {0, 1, 9007199254740992.0, 123456789012345.0}},
            /* '=': the host's byte order (numpy reads it; these tests run little-endian hosts
             * and big-endian ones alike, so the data are written in the host's order) */
            {"=i2", i2, sizeof i2, UA_NPY_I2, {-32768, -1, 0, 32767}},
        };
        for (size_t c = 0; c < sizeof ints / sizeof ints[0]; c++) {
            char dict[96];
            snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (2, 2), }",
                     ints[c].descr);
            size_t l;
            unsigned char *img = npy_image(dict, ints[c].data, ints[c].nbytes, &l);
            ua_npy *t = npy_ok(write_tmp("small_ints.npy", img, l));
            assert_int_equal(t->dtype, ints[c].dtype);
            for (int k = 0; k < 4; k++) assert_true(t->v[k] == ints[c].v[k]);
            ua_npy_free(t);
            free(img);
        }
        /* uint64 beyond 2^53 is refused as int64's is; '|' only for one byte */
        const uint64_t u8big[4] = {0, 1, ((uint64_t)1 << 53) + 1, 3};
        size_t l;
        unsigned char *img = npy_image("{'descr': '<u8', 'fortran_order': False, 'shape': (2, 2), }",
                                       u8big, sizeof u8big, &l);
        const char *pth = write_tmp("u8big.npy", img, l);
        ua_npy *t;
        expect_error(ua_npy_read(pth, &t), UA_EFORMAT, pth, "row 2, column 1", "2^53", NULL);
        free(img);
        img = npy_image("{'descr': '|u2', 'fortran_order': False, 'shape': (2, 2), }", u2,
                        sizeof u2, &l);
        pth = write_tmp("u2bar.npy", img, l);
        expect_error(ua_npy_read(pth, &t), UA_EFORMAT, pth, "dtype '|u2' is not supported", NULL);
        free(img);
    }

    /* int64 (2, 2, 2), big-endian, values up to +-2^53 exactly */
    int64_t i8[8] = {0, -1, 1, (int64_t)1 << 53, -((int64_t)1 << 53), 123456789012345, -7, 42};
    unsigned char be[64];
    for (int k = 0; k < 8; k++) put_be(be + 8 * k, (uint64_t)i8[k], 8);
    b = npy_image("{'descr': '>i8', 'fortran_order': False, 'shape': (2, 2, 2), }", be, 64, &len);
    a = npy_ok(write_tmp("i8be.npy", b, len));
    assert_int_equal(a->dtype, UA_NPY_I8);
    assert_int_equal(a->big_endian, 1);
    assert_int_equal(a->ndim, 3);
    for (int k = 0; k < 8; k++) assert_true(a->v[k] == (double)i8[k]);
    ua_npy_free(a);
    /* every proper prefix of it is refused */
    for (size_t cut = 0; cut < len; cut++) {
        const char *path = write_tmp("cut.npy", b, cut);
        a = (ua_npy *)&a;
        expect_error(ua_npy_read(path, &a), UA_EFORMAT, path, NULL);
        assert_null(a);
    }
    free(b);

    /* big-endian float32 4-D (1, 2, 1, 3) */
    float f4[6] = {0.5f, -1.25f, 3.0f, 1e-30f, -0.0f, 65504.0f};
    unsigned char bf[24];
    for (int k = 0; k < 6; k++) {
        uint32_t u;
        memcpy(&u, &f4[k], 4);
        put_be(bf + 4 * k, u, 4);
    }
    b = npy_image("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2, 1, 3)}", bf, 24, &len);
    a = npy_ok(write_tmp("f4be.npy", b, len));
    assert_int_equal(a->dtype, UA_NPY_F4);
    assert_int_equal(a->ndim, 4);
    for (int k = 0; k < 6; k++) assert_memory_equal(&a->v[k], &(double){f4[k]}, sizeof(double));
    ua_npy_free(a);
    free(b);

    /* a scalar and an empty array are arrays too */
    double one = 2.5;
    b = npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", &one, 8, &len);
    a = npy_ok(write_tmp("scalar.npy", b, len));
    assert_true(a->ndim == 0 && a->count == 1 && a->v[0] == 2.5);
    ua_npy_free(a);
    free(b);
    b = npy_image("{'descr': '<i8', 'fortran_order': False, 'shape': (3, 0, 2), }", NULL, 0, &len);
    a = npy_ok(write_tmp("empty3d.npy", b, len));
    assert_true(a->ndim == 3 && a->count == 0 && a->v == NULL && a->shape[0] == 3);
    ua_npy_free(a);
    free(b);

    /* the fixtures read the same through both entry points */
    const char *fx[] = {"f8_2d.npy", "f8_be.npy", "f4_v3.npy", "f8_v2.npy"};
    for (int k = 0; k < 4; k++) {
        a = npy_ok(fixture(fx[k]));
        ua_dataset *ds = read_ok(fixture(fx[k]), UA_FORMAT_NPY);
        assert_int_equal(a->count, ua_dataset_rows(ds) * ua_dataset_cols(ds));
        assert_same_bits(a->v, ua_dataset_values(ds), a->count);
        ua_dataset_free(ds);
        ua_npy_free(a);
    }
    ua_npy_free(NULL);
}

static void test_npy_read_errors(void **state)
{
    (void)state;
    unsigned char zeros[64] = {0};
    const struct {
        const char *dict;
        const void *data;
        size_t nbytes;
        const char *sub[2];
    } cases[] = {
        {"{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", zeros, 16,
         {"dtype '<c8' is not supported", "an integer of 1, 2, 4 or 8 bytes"}},
        {"{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", zeros, 2, {"dtype '|b1'"}},
        {"{'descr': '<u16', 'fortran_order': False, 'shape': (2,), }", zeros, 32, {"dtype '<u16'"}},
        {"{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2), }", zeros, 16,
         {"fortran_order True"}},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2, 2), }", zeros, 28,
         {"truncated", "needs 32 data bytes, the file has 28"}},
        {"{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", zeros, 40,
         {"8 bytes after the data"}},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (0, 4611686018427387904, 8), }",
         zeros, 0, {"too large"}},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), 'extra': 1}", zeros, 16,
         {"unknown key 'extra'"}},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
         "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), }", zeros, 4,
         {"more than 32 entries"}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len;
        unsigned char *b = npy_image(cases[k].dict, cases[k].data, cases[k].nbytes, &len);
        const char *path = write_tmp("bad.npy", b, len);
        ua_npy *a = (ua_npy *)&a;
        expect_error(ua_npy_read(path, &a), UA_EFORMAT, path, cases[k].sub[0], cases[k].sub[1],
                     NULL);
        assert_null(a);
        free(b);
    }
    /* int64 beyond 2^53 is not exact as a double: refused, position named (1-based) */
    int64_t big[4] = {1, 2, ((int64_t)1 << 53) + 1, 4};
    size_t len;
    unsigned char *b = npy_image("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }",
                                 big, 32, &len);
    ua_npy *a;
    const char *path = write_tmp("big.npy", b, len);
    expect_error(ua_npy_read(path, &a), UA_EFORMAT, path, "row 2, column 1", "2^53", NULL);
    free(b);
    /* a NaN in a 3-D array names its index */
    double nan3[8] = {0, 0, 0, 0, 0, NAN, 0, 0};
    b = npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }", nan3, 64,
                  &len);
    path = write_tmp("nan3.npy", b, len);
    /* ... 0-based, as numpy indexes it: element 5 of (2, 2, 2) is a[1, 0, 1] */
    expect_error(ua_npy_read(path, &a), UA_EFORMAT, path, "element [1, 0, 1]", "'nan'", NULL);
    free(b);
    /* the very first element is a[0, 0, 0] (it was once named "[1, 1, 1]") */
    double nan0[8] = {NAN, 0, 0, 0, 0, 0, 0, 0};
    b = npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }", nan0, 64,
                  &len);
    path = write_tmp("nan0.npy", b, len);
    expect_error(ua_npy_read(path, &a), UA_EFORMAT, path, "element [0, 0, 0]", "'nan'", NULL);
    free(b);
    /* files that are not .npy, missing files, directories, NULLs */
    path = write_str("text.npy", "1 2 3\n");
    expect_error(ua_npy_read(path, &a), UA_EFORMAT, path, "magic", NULL);
    path = write_str("empty.npy", "");
    expect_error(ua_npy_read(path, &a), UA_EFORMAT, path, "empty", NULL);
    expect_error(ua_npy_read("/nonexistent/x.npy", &a), UA_EINVAL, "cannot open", NULL);
    expect_error(ua_npy_read("/tmp", &a), UA_EINVAL, "directory", NULL);
    expect_error(ua_npy_read(NULL, &a), UA_EINVAL, NULL);
    expect_error(ua_npy_read(path, NULL), UA_EINVAL, NULL);
}

static void test_npy_write(void **state)
{
    (void)state;
    int64_t i8[6] = {-5, 0, 5, (int64_t)1 << 40, 7, -9};
    size_t shape[3] = {1, 3, 2};
    const char *path = write_tmp("w.npy", "", 0);
    assert_int_equal(ua_npy_write(path, UA_NPY_I8, shape, 3, i8), UA_OK);
    ua_npy *a = npy_ok(path);
    assert_true(a->dtype == UA_NPY_I8 && a->ndim == 3 && a->shape[1] == 3 && a->count == 6);
    for (int k = 0; k < 6; k++) assert_true(a->v[k] == (double)i8[k]);
    ua_npy_free(a);
    /* 1-D float64 reads back through ua_dataset_read as one column */
    double d[4] = {0.1, -2, 1e300, -0.0};
    size_t n4 = 4;
    assert_int_equal(ua_npy_write(path, UA_NPY_F8, &n4, 1, d), UA_OK);
    ua_dataset *ds = read_ok(path, UA_FORMAT_NPY);
    assert_true(ua_dataset_rows(ds) == 4 && ua_dataset_cols(ds) == 1);
    assert_same_bits(ua_dataset_values(ds), d, 4);
    ua_dataset_free(ds);
    /* the data begins at a multiple of 64 bytes, as numpy writes it */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    assert_int_equal((ftell(f) - 32) % 64, 0);
    fclose(f);
    expect_error(ua_npy_write(path, (ua_npy_dtype)9, &n4, 1, d), UA_EINVAL, "dtype", NULL);
    expect_error(ua_npy_write(path, UA_NPY_F8, &n4, 40, d), UA_EINVAL, "dimensions", NULL);
    expect_error(ua_npy_write("/nonexistent/w.npy", UA_NPY_F8, &n4, 1, d), UA_EIO,
                 "/nonexistent/w.npy", NULL);
}

/* Every proper prefix of a valid .npy (v1 and v2) is refused with UA_EFORMAT; random byte
 * corruption of the header never crashes and gives UA_OK or UA_EFORMAT. */
static void test_npy_truncation_and_corruption(void **state)
{
    (void)state;
    const char *files[] = {"f8_2d.npy", "f4_v3.npy", "f8_v2.npy"};
    for (int k = 0; k < 3; k++) {
        size_t len;
        unsigned char *b = tu_slurp(fixture(files[k]), &len);
        for (size_t cut = 0; cut < len; cut++) {
            ua_dataset *ds = (ua_dataset *)&ds;
            const char *path = write_tmp("cut.npy", b, cut);
            ua_status s = ua_dataset_read(path, UA_FORMAT_AUTO, &ds);
            if (s != UA_EFORMAT) fprintf(stderr, "%s cut at %zu: %d\n", files[k], cut, s);
            expect_error(s, UA_EFORMAT, path, NULL);
            assert_null(ds);
        }
        uint64_t st = 7 + (uint64_t)k;
        for (int trial = 0; trial < 300; trial++) {
            unsigned char *c = malloc(len);
            assert_non_null(c);
            memcpy(c, b, len);
            for (int flips = 0; flips < 3; flips++) {
                st = st * 6364136223846793005ULL + 1442695040888963407ULL;
                size_t at = (size_t)(st >> 33) % 128; /* the preamble and header */
                c[at] = (unsigned char)(st >> 20);
            }
            ua_dataset *ds = NULL;
            ua_status s = ua_dataset_read(write_tmp("fuzz.npy", c, len), UA_FORMAT_AUTO, &ds);
            assert_true(s == UA_OK || s == UA_EFORMAT);
            if (s == UA_OK) {
                size_t n = ua_dataset_rows(ds), d = ua_dataset_cols(ds);
                assert_true(n >= 1 && d >= 1 && n * d <= len);
                for (size_t i = 0; i < n * d; i++) assert_true(isfinite(ua_dataset_values(ds)[i]));
            }
            ua_dataset_free(ds);
            free(c);
        }
        free(b);
    }
}

/* ---- columns and selection ------------------------------------------------------------------ */

static void test_column_lookup(void **state)
{
    (void)state;
    const char *path = write_str("cols.csv", "a,3,0,b,long name\n1,2,3,4,5\n6,7,8,9,10\n");
    ua_dataset *ds = read_ok(path, UA_FORMAT_AUTO);
    size_t j = 99;
    assert_int_equal(ua_dataset_column(ds, "b", &j), UA_OK);
    assert_int_equal(j, 3);
    assert_int_equal(ua_dataset_column(ds, "long name", &j), UA_OK);
    assert_int_equal(j, 4);
    /* a name wins over an index: "3" is the column named 3 (index 1), "0" the one named 0 */
    assert_int_equal(ua_dataset_column(ds, "0", &j), UA_OK);
    assert_int_equal(j, 2);
    assert_int_equal(ua_dataset_column(ds, "3", &j), UA_OK);
    assert_int_equal(j, 1);
    /* a plain index where no name matches */
    assert_int_equal(ua_dataset_column(ds, "1", &j), UA_OK);
    assert_int_equal(j, 1);
    assert_int_equal(ua_dataset_column(ds, "4", &j), UA_OK);
    assert_int_equal(j, 4);
    j = 77;
    expect_error(ua_dataset_column(ds, "foo", &j), UA_ENOTFOUND, "no column 'foo'", path,
                 "(columns: a, 3, 0, b, long name)", NULL);
    assert_int_equal(j, 77);
    const char *bad[] = {"5", "-1", "", " 1", "1 ", "+1", "99999999999999999999999"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        expect_error(ua_dataset_column(ds, bad[k], &j), UA_ENOTFOUND, "no column", NULL);
    ua_dataset_free(ds);

    /* Text columns are named by their index. */
    ds = read_ok(fixture("small.txt"), UA_FORMAT_AUTO);
    assert_int_equal(ua_dataset_column(ds, "2", &j), UA_OK);
    assert_int_equal(j, 2);
    expect_error(ua_dataset_column(ds, "3", &j), UA_ENOTFOUND, "(columns: 0, 1, 2)", NULL);
    ua_dataset_free(ds);

    /* A long column list is shortened in the message, which still names the count. */
    double row[300];
    for (int k = 0; k < 300; k++) row[k] = k;
    assert_int_equal(ua_dataset_from_array(row, 1, 300, NULL, &ds), UA_OK);
    expect_error(ua_dataset_column(ds, "x", &j), UA_ENOTFOUND, "(columns: 0, 1, 2,",
                 "... (300 columns)", "array", NULL);
    ua_dataset_free(ds);
}

static void test_select(void **state)
{
    (void)state;
    double v[4 * 3] = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
    const char *names[] = {"p", "q", "r"};
    ua_dataset *ds;
    assert_int_equal(ua_dataset_from_array(v, 4, 3, names, &ds), UA_OK);
    assert_string_equal(ua_dataset_colname(ds, 1), "q");
    size_t rows[] = {3, 0, 3}, cols[] = {2, 0};
    double out[6];
    assert_int_equal(ua_dataset_select(ds, rows, 3, cols, 2, out), UA_OK);
    const double want[6] = {32, 30, 2, 0, 32, 30};
    assert_memory_equal(out, want, sizeof want);
    double all[12];
    assert_int_equal(ua_dataset_select(ds, NULL, 4, NULL, 3, all), UA_OK);
    assert_memory_equal(all, v, sizeof v);
    size_t one[] = {1};
    assert_int_equal(ua_dataset_select(ds, NULL, 2, one, 1, out), UA_OK);
    assert_true(out[0] == 1 && out[1] == 11);

    for (int k = 0; k < 6; k++) out[k] = -1;
    size_t badrow[] = {0, 4};
    expect_error(ua_dataset_select(ds, badrow, 2, cols, 2, out), UA_EINVAL, "rows[1] = 4",
                 "4 rows", NULL);
    size_t badcol[] = {3};
    expect_error(ua_dataset_select(ds, rows, 3, badcol, 1, out), UA_EINVAL, "cols[0] = 3",
                 "3 columns", NULL);
    expect_error(ua_dataset_select(ds, NULL, 5, cols, 2, out), UA_EINVAL, "5 rows", NULL);
    for (int k = 0; k < 6; k++) assert_true(out[k] == -1); /* untouched on failure */
    ua_dataset_free(ds);
}

static void test_from_array_errors(void **state)
{
    (void)state;
    double v[4] = {1, 2, 3, 4};
    ua_dataset *ds = (ua_dataset *)&ds;
    expect_error(ua_dataset_from_array(v, 0, 2, NULL, &ds), UA_EINVAL, "n = 0", NULL);
    assert_null(ds);
    expect_error(ua_dataset_from_array(v, 2, 0, NULL, &ds), UA_EINVAL, "d = 0", NULL);
    expect_error(ua_dataset_from_array(NULL, 2, 2, NULL, &ds), UA_EINVAL, "need values", NULL);
    v[3] = NAN;
    expect_error(ua_dataset_from_array(v, 2, 2, NULL, &ds), UA_EINVAL, "row 1, column 1",
                 "not finite", NULL);
    v[3] = 4;
    const char *dup[] = {"a", "a"}, *empty[] = {"a", ""}, *null[] = {"a", NULL};
    expect_error(ua_dataset_from_array(v, 2, 2, dup, &ds), UA_EINVAL, "both named 'a'", NULL);
    expect_error(ua_dataset_from_array(v, 2, 2, empty, &ds), UA_EINVAL, "column 1 has no name",
                 NULL);
    expect_error(ua_dataset_from_array(v, 2, 2, null, &ds), UA_EINVAL, "no name", NULL);
    expect_error(ua_dataset_from_array(v, SIZE_MAX / 4, 4, NULL, &ds), UA_EINVAL, "too large",
                 NULL);
    ua_dataset_free(NULL);
    assert_int_equal(ua_dataset_rows(NULL), 0);
    assert_null(ua_dataset_values(NULL));
}

/* ---- UCI split files -------------------------------------------------------------------------- */

static void test_indices(void **state)
{
    (void)state;
    size_t *idx, n;
    assert_int_equal(ua_read_indices(fixture("index_train_0.txt"), 12, &idx, &n), UA_OK);
    assert_int_equal(n, 8);
    assert_memory_equal(idx, ref_train, sizeof ref_train);
    free(idx);
    assert_int_equal(ua_read_indices(fixture("index_test_0.txt"), 12, &idx, &n), UA_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(idx, ref_test, sizeof ref_test);
    free(idx);
    assert_int_equal(ua_read_indices(fixture("index_target.txt"), 4, &idx, &n), UA_OK);
    assert_true(n == 1 && idx[0] == 3);
    free(idx);
    /* the limit is exclusive */
    expect_error(ua_read_indices(fixture("index_target.txt"), 3, &idx, &n), UA_EFORMAT,
                 "index_target.txt", "line 1, column 1", "index 3 is out of range (must be < 3)",
                 NULL);
    assert_null(idx);
    assert_int_equal(n, 0);

    /* The whole pipeline on the fixture split: features and target of the training rows. */
    double v[12 * 4];
    for (int i = 0; i < 48; i++) v[i] = i;
    ua_dataset *ds;
    assert_int_equal(ua_dataset_from_array(v, 12, 4, NULL, &ds), UA_OK);
    size_t *tr, ntr, *fe, nfe;
    assert_int_equal(ua_read_indices(fixture("index_train_0.txt"), 12, &tr, &ntr), UA_OK);
    assert_int_equal(ua_read_indices(fixture("index_features.txt"), 4, &fe, &nfe), UA_OK);
    assert_int_equal(nfe, 3);
    double X[8 * 3];
    assert_int_equal(ua_dataset_select(ds, tr, ntr, fe, nfe, X), UA_OK);
    assert_true(X[0] == 28 && X[2] == 30 && X[3] == 0 && X[3 * 7 + 2] == 42);
    free(tr);
    free(fe);
    ua_dataset_free(ds);

    /* Other spellings: "12.0", several per line, blanks, CRLF, comments. */
    const char *path = write_str("idx.txt", "# split\r\n 3 \t 12.0\r\n\r\n0.000 7.\r\n");
    assert_int_equal(ua_read_indices(path, 13, &idx, &n), UA_OK);
    assert_int_equal(n, 4);
    assert_true(idx[0] == 3 && idx[1] == 12 && idx[2] == 0 && idx[3] == 7);
    free(idx);

    const struct {
        const char *text;
        const char *sub[2];
    } bad[] = {
        {"1\n2\n-3\n", {"line 3, column 1", "'-3' is negative"}},
        {"1\n2 1.5\n", {"line 2, column 2", "'1.5' is not a non-negative integer"}},
        {"1\nabc\n", {"line 2, column 1", "'abc'"}},
        {"1\n+4\n", {"line 2, column 1", "'+4'"}},
        {"1e1\n", {"line 1, column 1", "'1e1'"}},
        {"1\n\n10\n", {"line 3, column 1", "index 10 is out of range (must be < 10)"}},
        {"99999999999999999999999999\n", {"line 1", "out of range"}},
        {"", {"no indices"}},
        {"\n# nothing\n", {"no indices"}},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        path = write_str("badidx.txt", bad[k].text);
        expect_error(ua_read_indices(path, 10, &idx, &n), UA_EFORMAT, path, bad[k].sub[0],
                     bad[k].sub[1], NULL);
        assert_null(idx);
    }
}

/* ---- scaler ---------------------------------------------------------------------------------- */

static double ulp(double x) { return nextafter(fabs(x), INFINITY) - fabs(x); }

static void test_scaler(void **state)
{
    (void)state;
    /* Exact values: column {1, 2, 3, 4} has mean 2.5 and population std sqrt(1.25). A constant
     * column (0.1 three times: its floating-point mean is not 0.1) keeps mean 0.1, scale 1. */
    double x[4 * 3] = {1, 0.1, -5, 2, 0.1, 5, 3, 0.1, -5, 4, 0.1, 5};
    ua_scaler sc;
    assert_int_equal(ua_scaler_fit(x, 4, 3, &sc), UA_OK);
    assert_int_equal(sc.d, 3);
    assert_true(sc.mean[0] == 2.5 && sc.scale[0] == sqrt(1.25));
    assert_true(sc.mean[1] == 0.1 && sc.scale[1] == 1);
    assert_true(sc.mean[2] == 0 && sc.scale[2] == 5);
    double z[12];
    memcpy(z, x, sizeof x);
    ua_scaler_apply(&sc, z, 4);
    for (int i = 0; i < 4; i++) {
        assert_true(z[3 * i + 1] == 0); /* exactly centred */
        assert_true(z[3 * i + 2] == (i % 2 ? 1 : -1));
    }
    ua_scaler_invert(&sc, z, 4);
    assert_same_bits(z, x, 12);
    ua_scaler_free(&sc);
    ua_scaler_free(&sc); /* freed arrays are NULL: a second free is harmless */
    ua_scaler_free(NULL);

    /* Identities on a spread of data like the UCI columns (offsets large against the spread):
     * after apply each column has mean 0 and std 1 to a few ulps, and invert restores x to within
     * 2 ulps of max(|x|, |mean|) (the subtraction x - mean rounds at the scale of the larger). */
    const size_t n = 5000, d = 4;
    double *a = malloc(n * d * sizeof *a), *b = malloc(n * d * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    const double offset[4] = {0, 1e3, -2.5e6, 1e-8}, spread[4] = {1, 0.01, 3e2, 1e-9};
    uint64_t st = 99;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            a[i * d + j] = offset[j] + spread[j] * (ldexp((double)(st >> 11), -53) * 2 - 1);
        }
    assert_int_equal(ua_scaler_fit(a, n, d, &sc), UA_OK);
    for (size_t j = 0; j < d; j++) {
        /* an independent reference in long double */
        long double m = 0, v = 0, mabs = 0;
        for (size_t i = 0; i < n; i++) m += a[i * d + j], mabs += fabs(a[i * d + j]);
        mabs /= n;
        m /= n;
        for (size_t i = 0; i < n; i++) v += (a[i * d + j] - m) * (a[i * d + j] - m);
        double sd = (double)sqrtl(v / n);
        /* the mean is as good as its conditioning allows: a few eps times the mean of |x| */
        assert_true(fabs(sc.mean[j] - (double)m) <= 2 * DBL_EPSILON * (double)mabs);
        assert_true(fabs(sc.scale[j] - sd) <= 2 * ulp(sd));
    }
    memcpy(b, a, n * d * sizeof *a);
    ua_scaler_apply(&sc, b, n);
    for (size_t j = 0; j < d; j++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < n; i++) m += b[i * d + j];
        m /= n;
        for (size_t i = 0; i < n; i++) v += (b[i * d + j] - m) * (b[i * d + j] - m);
        double rel = fabs(sc.mean[j]) / sc.scale[j] + 1; /* conditioning of x - mean */
        assert_true(fabs(m) <= 1e3 * DBL_EPSILON * rel);
        assert_true(fabs(sqrt(v / n) - 1) <= 1e3 * DBL_EPSILON * rel);
    }
    ua_scaler_invert(&sc, b, n);
    size_t exact = 0;
    for (size_t i = 0; i < n * d; i++) {
        double big = fmax(fabs(a[i]), fabs(sc.mean[i % d]));
        assert_true(fabs(b[i] - a[i]) <= 2 * ulp(big));
        exact += b[i] == a[i];
    }
    assert_true(exact > n * d / 2); /* most values come back bitwise */
    ua_scaler_free(&sc);
    free(a);
    free(b);

    expect_error(ua_scaler_fit(x, 0, 3, &sc), UA_EINVAL, "n = 0", NULL);
    assert_null(sc.mean);
    expect_error(ua_scaler_fit(x, 4, 0, &sc), UA_EINVAL, "d = 0", NULL);
    x[5] = INFINITY;
    expect_error(ua_scaler_fit(x, 4, 3, &sc), UA_EINVAL, "x[1][2] is not finite", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_fixture),
        cmocka_unit_test(test_text_fixture),
        cmocka_unit_test(test_npy_fixtures),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_long_lines_and_many_rows),
        cmocka_unit_test(test_text_errors),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_npy_errors),
        cmocka_unit_test(test_npy_truncation_and_corruption),
        cmocka_unit_test(test_npy_read_nd),
        cmocka_unit_test(test_npy_read_errors),
        cmocka_unit_test(test_npy_write),
        cmocka_unit_test(test_column_lookup),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_from_array_errors),
        cmocka_unit_test(test_indices),
        cmocka_unit_test(test_scaler),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
