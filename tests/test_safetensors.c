/* Tests of the safetensors container: round trip, a file written by an independent script,
 * crafted malformed files, every truncation, random corruption, and the atomic write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uniapprox.h"
#define TU_SCRATCH_TAG "ua_test_st"
#include "test_util.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* A safetensors image from a header text (not padded) and data bytes. */
static unsigned char *image(const char *header, const void *data, size_t ndata, size_t *len)
{
    size_t h = strlen(header);
    *len = 8 + h + ndata;
    unsigned char *b = malloc(*len);
    assert_non_null(b);
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)h >> (8 * i));
    memcpy(b + 8, header, h);
    if (ndata) memcpy(b + 8 + h, data, ndata);
    return b;
}

/* Parses buf and asserts UA_EFORMAT with a message containing want. */
static void expect_bad(const void *buf, size_t len, const char *want)
{
    ua_st *st = (ua_st *)1;
    ua_status s = ua_st_parse(buf, len, &st);
    if (s != UA_EFORMAT || !strstr(ua_last_error(), want))
        fail_msg("status %d, message \"%s\", wanted EFORMAT with \"%s\"", (int)s,
                 ua_last_error(), want);
    assert_null(st);
}

static void expect_bad_header(const char *header, size_t ndata, const char *want)
{
    size_t len;
    unsigned char *data = calloc(ndata ? ndata : 1, 1);
    unsigned char *b = image(header, data, ndata, &len);
    expect_bad(b, len, want);
    free(b);
    free(data);
}

/* ---- a set of tensors of every dtype, used by several tests ---------------------------------- */

static const double f64v[6] = {1.0, -0.0, 5e-324, 1.7976931348623157e308, 0.1, -3.25};
static const float f32v[3] = {1.0f, -1.5e-45f, 3.0e38f};
static const int64_t i64v[4] = {INT64_MIN, -1, 0, INT64_MAX};
static const int32_t i32v[2] = {INT32_MIN, INT32_MAX};
static const uint8_t u8v[3] = {0, 128, 255};
static const double scalarv = 2.5;

static ua_st *make_set(void)
{
    ua_st *st;
    assert_int_equal(ua_st_alloc(&st), UA_OK);
    const int64_t s23[] = {2, 3}, s3[] = {3}, s4[] = {1, 4, 1}, s2[] = {2}, s0[] = {0, 5};
    /* added out of name order on purpose: the writer sorts */
    assert_int_equal(ua_st_add(st, "zeta.u8", UA_U8, 1, s3, u8v), UA_OK);
    assert_int_equal(ua_st_add(st, "alpha.f64", UA_F64, 2, s23, f64v), UA_OK);
    assert_int_equal(ua_st_add(st, "beta.f32", UA_F32, 1, s3, f32v), UA_OK);
    assert_int_equal(ua_st_add(st, "gamma.i64", UA_I64, 3, s4, i64v), UA_OK);
    assert_int_equal(ua_st_add(st, "delta.i32", UA_I32, 1, s2, i32v), UA_OK);
    assert_int_equal(ua_st_add(st, "scalar", UA_F64, 0, NULL, &scalarv), UA_OK);
    assert_int_equal(ua_st_add(st, "empty", UA_F32, 2, s0, NULL), UA_OK);
    assert_int_equal(ua_st_set_meta(st, "format", "uniapprox"), UA_OK);
    assert_int_equal(ua_st_set_meta(st, "quote", "a \"b\" \\ \n\t\xc3\xa9"), UA_OK);
    assert_int_equal(ua_st_set_meta(st, "format", "replaced"), UA_OK);
    return st;
}

static void check_tensor(const ua_st *st, const char *name, ua_dtype dt, size_t nd,
                         const int64_t *shape, const void *data, size_t nbytes)
{
    ua_dtype d;
    size_t n;
    const int64_t *sh;
    const void *p;
    assert_int_equal(ua_st_get(st, name, &d, &n, &sh, &p), UA_OK);
    assert_int_equal(d, dt);
    assert_int_equal(n, nd);
    for (size_t i = 0; i < nd; i++) assert_int_equal(sh[i], shape[i]);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % ua_dtype_size(dt), 0); /* aligned for the dtype */
    if (nbytes) assert_memory_equal(p, data, nbytes);
}

static void check_set(const ua_st *st)
{
    const int64_t s23[] = {2, 3}, s3[] = {3}, s4[] = {1, 4, 1}, s2[] = {2}, s0[] = {0, 5};
    assert_int_equal(ua_st_count(st), 7);
    check_tensor(st, "alpha.f64", UA_F64, 2, s23, f64v, sizeof f64v);
    check_tensor(st, "beta.f32", UA_F32, 1, s3, f32v, sizeof f32v);
    check_tensor(st, "gamma.i64", UA_I64, 3, s4, i64v, sizeof i64v);
    check_tensor(st, "delta.i32", UA_I32, 1, s2, i32v, sizeof i32v);
    check_tensor(st, "zeta.u8", UA_U8, 1, s3, u8v, sizeof u8v);
    check_tensor(st, "scalar", UA_F64, 0, NULL, &scalarv, sizeof scalarv);
    check_tensor(st, "empty", UA_F32, 2, s0, NULL, 0);
    assert_int_equal(ua_st_meta_count(st), 2);
    assert_string_equal(ua_st_meta(st, "format"), "replaced");
    assert_string_equal(ua_st_meta(st, "quote"), "a \"b\" \\ \n\t\xc3\xa9");
    assert_null(ua_st_meta(st, "absent"));
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_dtype_size(void **state)
{
    (void)state;
    assert_int_equal(ua_dtype_size(UA_F64), 8);
    assert_int_equal(ua_dtype_size(UA_F32), 4);
    assert_int_equal(ua_dtype_size(UA_I64), 8);
    assert_int_equal(ua_dtype_size(UA_I32), 4);
    assert_int_equal(ua_dtype_size(UA_U8), 1);
}

static void test_add_errors(void **state)
{
    (void)state;
    ua_st *st;
    assert_int_equal(ua_st_alloc(&st), UA_OK);
    const int64_t s1[] = {1}, neg[] = {-1}, s9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    const double v = 1;
    assert_int_equal(ua_st_add(st, "x", UA_F64, 1, s1, &v), UA_OK);
    assert_int_equal(ua_st_add(st, "x", UA_F64, 1, s1, &v), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "duplicate"));
    assert_int_equal(ua_st_add(st, "", UA_F64, 1, s1, &v), UA_EINVAL);
    assert_int_equal(ua_st_add(st, "__metadata__", UA_F64, 1, s1, &v), UA_EINVAL);
    assert_int_equal(ua_st_add(st, "n", UA_F64, 1, neg, &v), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "negative"));
    assert_int_equal(ua_st_add(st, "nine", UA_F64, 9, s9, &v), UA_EINVAL);
    assert_int_equal(ua_st_add(st, "bad", (ua_dtype)17, 1, s1, &v), UA_EINVAL);
    assert_int_equal(ua_st_set_meta(st, "", "v"), UA_EINVAL);
    assert_int_equal(ua_st_count(st), 1);
    assert_string_equal(ua_st_name(st, 0), "x");
    assert_int_equal(ua_st_get(st, "y", NULL, NULL, NULL, NULL), UA_ENOTFOUND);
    ua_st_free(st);
    ua_st_free(NULL);
}

static void test_round_trip(void **state)
{
    (void)state;
    ua_st *st = make_set(), *back = NULL;
    check_set(st);
    const char *path = tu_path("rt.safetensors");
    assert_int_equal(ua_st_write(st, path), UA_OK);
    assert_int_equal(ua_st_read(path, &back), UA_OK);
    check_set(back);

    /* The bytes on disk: header length a multiple of 8 (space padded), tensors in name order in
     * the header, data little-endian, each tensor aligned for its dtype. */
    size_t len;
    unsigned char *b = tu_slurp(path, &len);
    uint64_t h = 0;
    for (int i = 7; i >= 0; i--) h = h << 8 | b[i];
    assert_int_equal(h % 8, 0);
    assert_true(8 + h <= len);
    char *hdr = calloc(h + 1, 1);
    memcpy(hdr, b + 8, h);
    const char *names[] = {"alpha.f64", "beta.f32", "delta.i32", "empty", "gamma.i64", "scalar",
                           "zeta.u8"};
    const char *prev = hdr;
    for (size_t i = 0; i < 7; i++) {
        char key[32];
        snprintf(key, sizeof key, "\"%s\":", names[i]);
        const char *at = strstr(hdr, key);
        assert_non_null(at);
        assert_true(at > prev);
        prev = at;
    }
    /* alpha.f64 (8-byte, first by name among 8-byte dtypes) starts the data: 1.0 is
     * 00 00 00 00 00 00 f0 3f in little-endian. */
    static const unsigned char one_le[8] = {0, 0, 0, 0, 0, 0, 0xf0, 0x3f};
    assert_non_null(strstr(hdr, "\"alpha.f64\":{\"dtype\":\"F64\",\"shape\":[2,3],"
                                "\"data_offsets\":[0,48]}"));
    assert_memory_equal(b + 8 + h, one_le, 8);
    /* Total data: 48 + 32 + 8 (8-byte) + 12 + 8 + 0 (4-byte) + 3 = 111 bytes, no gaps. */
    assert_int_equal(len - 8 - h, 111);
    /* Parsing the in-memory image gives the same set. */
    ua_st *again;
    assert_int_equal(ua_st_parse(b, len, &again), UA_OK);
    check_set(again);
    ua_st_free(again);
    free(hdr);
    free(b);
    ua_st_free(st);
    ua_st_free(back);
    assert_int_equal(tu_scratch_count(".tmp."), 0);
}

static void test_reference_file(void **state)
{
    (void)state;
    ua_st *st;
    assert_int_equal(ua_st_read(UA_TEST_DIR "/ref/safetensors_ref.bin", &st), UA_OK);
    const double a[6] = {0.1, -2.5, 1e300, 5e-324, -0.0, 3.141592653589793};
    const float bf[4] = {1.5f, -0.25f, 3.4028234663852886e38f, 1.401298464324817e-45f};
    const int64_t c[3] = {INT64_MIN, 0, 123456789012345};
    const int32_t d[4] = {-1, INT32_MAX, INT32_MIN, 7};
    const uint8_t e[5] = {0, 1, 127, 128, 255};
    const double s = 42.0;
    const int64_t s23[] = {2, 3}, s4[] = {4}, s3[] = {3}, s22[] = {2, 2}, s5[] = {5}, s03[] = {0, 3};
    assert_int_equal(ua_st_count(st), 7);
    check_tensor(st, "a.f64", UA_F64, 2, s23, a, sizeof a);
    check_tensor(st, "b.f32", UA_F32, 1, s4, bf, sizeof bf);
    check_tensor(st, "c.i64", UA_I64, 1, s3, c, sizeof c);
    check_tensor(st, "d.i32", UA_I32, 2, s22, d, sizeof d);
    check_tensor(st, "e.u8", UA_U8, 1, s5, e, sizeof e);
    check_tensor(st, "s", UA_F64, 0, NULL, &s, sizeof s);
    check_tensor(st, "z", UA_F32, 2, s03, NULL, 0);
    /* -0.0 kept its sign bit (memcmp above), and the values themselves: */
    const double *pa;
    assert_int_equal(ua_st_get(st, "a.f64", NULL, NULL, NULL, (const void **)&pa), UA_OK);
    assert_true(pa[4] == 0 && signbit(pa[4]));
    assert_true(pa[3] > 0 && pa[3] < 1e-323);
    assert_string_equal(ua_st_meta(st, "format"), "test");
    assert_string_equal(ua_st_meta(st, "note"), "h\xc3\xa9llo \"quoted\"");
    ua_st_free(st);
}

static void test_crafted_bad(void **state)
{
    (void)state;
    unsigned char b[64] = {0};
    expect_bad(b, 0, "0 bytes, too short");
    expect_bad(b, 7, "7 bytes, too short");
    /* header length 100 but only 10 bytes follow */
    b[0] = 100;
    expect_bad(b, 18, "header length 100 exceeds the 10 bytes");
    /* header length 2^63 */
    memset(b, 0, 8);
    b[7] = 0x80;
    expect_bad(b, 64, "header length 9223372036854775808 exceeds the limit");
    memset(b, 0, sizeof b);
    b[0] = 0; /* header length 0: empty JSON */
    expect_bad(b, 8, "not valid JSON");

    expect_bad_header("{not json}", 0, "not valid JSON");
    expect_bad_header("[1, 2]", 0, "not a JSON object");
    expect_bad_header("\"str\"", 0, "not a JSON object");
    expect_bad_header("{} x", 0, "trailing bytes");
    expect_bad_header("{\"t\": 5}", 0, "tensor 't': entry is not a JSON object");
    expect_bad_header("{\"t\": {\"shape\": [1], \"data_offsets\": [0, 8]}}", 8,
                      "tensor 't': missing or non-string \"dtype\"");
    expect_bad_header("{\"t\": {\"dtype\": \"BF16\", \"shape\": [1], \"data_offsets\": [0, 2]}}",
                      2, "tensor 't': unsupported dtype 'BF16'");
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": [-1], \"data_offsets\": [0, 8]}}",
                      8, "tensor 't': shape entry 0 is not a non-negative integer");
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": [2, 1.5], \"data_offsets\": [0, 8]}}",
                      8, "tensor 't': shape entry 1 is not a non-negative integer");
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": [\"2\"], \"data_offsets\": [0, 16]}}",
                      16, "shape entry 0 is not a non-negative integer");
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": 2, \"data_offsets\": [0, 16]}}",
                      16, "missing or non-array \"shape\"");
    expect_bad_header("{\"t\": {\"dtype\": \"U8\", \"shape\": [1,1,1,1,1,1,1,1,1], "
                      "\"data_offsets\": [0, 1]}}", 1, "9 dimensions, at most 8");
    expect_bad_header("{\"t\": {\"dtype\": \"U8\", \"shape\": [4294967296, 4294967296, 4294967296],"
                      " \"data_offsets\": [0, 0]}}", 0, "too many elements");
    expect_bad_header("{\"coeffs\": {\"dtype\": \"F64\", \"shape\": [100], "
                      "\"data_offsets\": [0, 800]}}", 792,
                      "tensor 'coeffs': data_offsets [0, 800] exceed the 792 data bytes");
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [0, 8]}}",
                      16, "tensor 't': data_offsets [0, 8] span 8 bytes but shape and dtype F64 "
                          "need 16");
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [8, 0]}}",
                      16, "begin after end");
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8, 9]}}",
                      16, "not a pair of non-negative integers");
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [-8, 0]}}",
                      16, "not a pair of non-negative integers");
    expect_bad_header("{\"a\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [0, 16]},"
                      " \"b\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [8, 24]}}",
                      24, "tensors 'a' [0, 16] and 'b' [8, 24] overlap");
    expect_bad_header("{\"__metadata__\": {\"k\": 1}}", 0, "metadata 'k' is not a string");
    expect_bad_header("{\"__metadata__\": {\"k\": null}}", 0, "metadata 'k' is not a string");
    expect_bad_header("{\"__metadata__\": [\"k\"]}", 0, "\"__metadata__\" is not a JSON object");
    expect_bad_header("{\"__metadata__\": {\"k\": \"a\", \"k\": \"b\"}}", 0,
                      "metadata key 'k' appears twice");
    expect_bad_header("{\"__metadata__\": {}, \"__metadata__\": {}}", 0,
                      "\"__metadata__\" appears twice");
    expect_bad_header("{\"t\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1]},"
                      " \"t\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [1, 2]}}",
                      2, "tensor 't' appears twice");
    /* a valid header whose data was cut short */
    expect_bad_header("{\"t\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [0, 16]}}",
                      8, "data_offsets [0, 16] exceed the 8 data bytes");

    /* and the same headers made valid do parse, so the checks above are not vacuous */
    size_t len;
    unsigned char *img = image("{\"__metadata__\": {\"k\": \"v\"}, \"a\": {\"dtype\": \"F64\", "
                               "\"shape\": [2], \"data_offsets\": [0, 16]}, \"b\": {\"dtype\": "
                               "\"F64\", \"shape\": [1], \"data_offsets\": [16, 24]}}   ",
                               f64v, 24, &len);
    ua_st *st;
    assert_int_equal(ua_st_parse(img, len, &st), UA_OK);
    assert_int_equal(ua_st_count(st), 2);
    const double *pb;
    assert_int_equal(ua_st_get(st, "b", NULL, NULL, NULL, (const void **)&pb), UA_OK);
    assert_true(pb[0] == 5e-324);
    ua_st_free(st);
    free(img);
}

static void test_every_truncation(void **state)
{
    (void)state;
    ua_st *st = make_set();
    const char *path = tu_path("trunc.safetensors");
    assert_int_equal(ua_st_write(st, path), UA_OK);
    ua_st_free(st);
    size_t len;
    unsigned char *full = tu_slurp(path, &len);
    for (size_t n = 0; n <= len; n++) {
        /* an exact-size copy, so ASan sees any read past the prefix */
        unsigned char *b = malloc(n ? n : 1);
        memcpy(b, full, n);
        ua_st *out = (ua_st *)1;
        ua_status s = ua_st_parse(b, n, &out);
        if (n < len) {
            if (s != UA_EFORMAT) fail_msg("prefix of %zu of %zu bytes: status %d", n, len, (int)s);
            assert_null(out);
        } else {
            assert_int_equal(s, UA_OK);
            check_set(out);
            ua_st_free(out);
        }
        free(b);
    }
    free(full);
}

static void test_random_flips(void **state)
{
    (void)state;
    ua_st *st = make_set();
    const char *path = tu_path("flip.safetensors");
    assert_int_equal(ua_st_write(st, path), UA_OK);
    ua_st_free(st);
    size_t len;
    unsigned char *full = tu_slurp(path, &len);
    uint64_t rng = 0x9E3779B97F4A7C15u; /* fixed seed: the run is reproducible */
    int ok = 0, bad = 0;
    for (int it = 0; it < 5000; it++) {
        unsigned char *b = malloc(len);
        memcpy(b, full, len);
        int flips = 1 + it % 4;
        for (int k = 0; k < flips; k++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            size_t at = (size_t)(rng >> 33) % len;
            /* half the flips hit the header length and JSON, where the parser works hardest */
            if (it % 2) at %= 8 + 200;
            b[at] ^= (unsigned char)(1u << ((rng >> 20) % 8));
        }
        ua_st *out = NULL;
        ua_status s = ua_st_parse(b, len, &out);
        if (s == UA_OK) {
            ok++;
            /* whatever was accepted is self-consistent */
            size_t total = 0;
            for (size_t i = 0; i < ua_st_count(out); i++) {
                ua_dtype d;
                size_t nd;
                const int64_t *sh;
                assert_int_equal(ua_st_get(out, ua_st_name(out, i), &d, &nd, &sh, NULL), UA_OK);
                size_t cnt = 1;
                for (size_t j = 0; j < nd; j++) cnt *= (size_t)sh[j];
                total += cnt * ua_dtype_size(d);
            }
            assert_true(total <= len);
            ua_st_free(out);
        } else {
            assert_int_equal(s, UA_EFORMAT);
            assert_null(out);
            bad++;
        }
        free(b);
    }
    /* flips in the data section leave a valid file; flips in the length field do not */
    assert_true(ok > 0);
    assert_true(bad > 0);
    free(full);
}

static void test_read_errors(void **state)
{
    (void)state;
    ua_st *st = (ua_st *)1;
    assert_int_equal(ua_st_read(tu_path("missing.safetensors"), &st), UA_EINVAL);
    assert_null(st);
    assert_non_null(strstr(ua_last_error(), "cannot open '"));
    assert_non_null(strstr(ua_last_error(), "missing.safetensors': No such file or directory"));
    /* a directory is not a model file */
    assert_int_equal(ua_st_read(tu_scratch_dir(), &st), UA_EINVAL);
    /* more than 1 GiB: refused before reading (a sparse file costs no disk) */
    const char *big = tu_path("big.safetensors");
    FILE *f = fopen(big, "wb");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), ((off_t)1 << 30) + 1), 0);
    fclose(f);
    assert_int_equal(ua_st_read(big, &st), UA_EFORMAT);
    assert_non_null(strstr(ua_last_error(), "1 GiB"));
    remove(big);
    /* a malformed file: the message names it */
    const char *junk = tu_path("junk.safetensors");
    f = fopen(junk, "wb");
    fputs("0123456789abcdef", f);
    fclose(f);
    assert_int_equal(ua_st_read(junk, &st), UA_EFORMAT);
    /* text where the length should be: said to be no model file, not as an absurd length */
    assert_non_null(strstr(ua_last_error(), "junk.safetensors': not a uniapprox model file"));
    remove(junk);
}

static void test_atomic_write(void **state)
{
    (void)state;
    ua_st *st = make_set();
    /* a directory that does not exist: UA_EIO naming the file, nothing created */
    const char *nodir = tu_path("no/such/dir/m.safetensors");
    assert_int_equal(ua_st_write(st, nodir), UA_EIO);
    assert_non_null(strstr(ua_last_error(), "m.safetensors"));
    assert_non_null(strstr(ua_last_error(), "No such file or directory"));
    assert_int_equal(tu_scratch_count(".tmp."), 0);

    /* the target is a directory: refused before any temporary file is made, clearly */
    const char *dirpath = tu_path("isdir.safetensors");
    assert_int_equal(mkdir(dirpath, 0755), 0);
    assert_int_equal(ua_st_write(st, dirpath), UA_EIO);
    if (!strstr(ua_last_error(), "is a directory")) fail_msg("message: %s", ua_last_error());
    assert_int_equal(tu_scratch_count(".tmp."), 0);
    rmdir(dirpath);

    /* an existing file is replaced by the complete new one */
    const char *path = tu_path("replace.safetensors");
    ua_st *small;
    assert_int_equal(ua_st_alloc(&small), UA_OK);
    const int64_t s1[] = {1};
    const double v = 7;
    assert_int_equal(ua_st_add(small, "only", UA_F64, 1, s1, &v), UA_OK);
    assert_int_equal(ua_st_write(small, path), UA_OK);
    assert_int_equal(ua_st_write(st, path), UA_OK);
    ua_st *back;
    assert_int_equal(ua_st_read(path, &back), UA_OK);
    check_set(back);
    ua_st_free(back);

    /* a write that fails midway (file size limit) leaves the old file untouched, no temp */
    assert_int_equal(ua_st_write(small, path), UA_OK);
    size_t oldlen;
    unsigned char *old = tu_slurp(path, &oldlen);
    ua_st *bigset;
    assert_int_equal(ua_st_alloc(&bigset), UA_OK);
    const int64_t sbig[] = {1 << 16};
    double *zeros = calloc(1 << 16, sizeof *zeros);
    assert_int_equal(ua_st_add(bigset, "big", UA_F64, 1, sbig, zeros), UA_OK);
    struct rlimit saved, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    lim = saved;
    lim.rlim_cur = 4096;
    void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ua_status s = ua_st_write(bigset, path);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, oldsig);
    assert_int_equal(s, UA_EIO);
    assert_non_null(strstr(ua_last_error(), "File too large"));
    assert_int_equal(tu_scratch_count(".tmp."), 0);
    size_t nowlen;
    unsigned char *now = tu_slurp(path, &nowlen);
    assert_int_equal(nowlen, oldlen);
    assert_memory_equal(now, old, oldlen);
    free(now);
    free(old);
    free(zeros);
    ua_st_free(bigset);
    ua_st_free(small);
    ua_st_free(st);
}

/* What is at the path decides how it is written (src/model/atomic.h): a symbolic link is kept and
 * its target replaced (also a dangling one, relative to the link's directory), a FIFO is written
 * directly and stays a FIFO, a link to a directory is refused. */
static void test_atomic_targets(void **state)
{
    (void)state;
    ua_st *st = make_set();
    char ref[TU_PATH_MAX], link[TU_PATH_MAX];
    snprintf(ref, sizeof ref, "%s", tu_path("ref.safetensors"));
    assert_int_equal(ua_st_write(st, ref), UA_OK);
    size_t reflen, len;
    unsigned char *want = tu_slurp(ref, &reflen);
    struct stat sb;

    /* a link to an existing file: the link stays, the file gets the content */
    assert_int_equal(mkdir(tu_path("sub"), 0755), 0);
    FILE *f = fopen(tu_path("target.safetensors"), "w");
    assert_non_null(f);
    fputs("old", f);
    fclose(f);
    snprintf(link, sizeof link, "%s", tu_path("sub/link.safetensors"));
    assert_int_equal(symlink("../target.safetensors", link), 0);
    assert_int_equal(ua_st_write(st, link), UA_OK);
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    unsigned char *got = tu_slurp(tu_path("target.safetensors"), &len);
    assert_int_equal(len, reflen);
    assert_memory_equal(got, want, reflen);
    free(got);
    assert_int_equal(tu_scratch_count(".tmp."), 0);

    /* a dangling link: its target is created, the link stays */
    snprintf(link, sizeof link, "%s", tu_path("dangling.safetensors"));
    assert_int_equal(symlink("new.safetensors", link), 0);
    assert_int_equal(ua_st_write(st, link), UA_OK);
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    got = tu_slurp(tu_path("new.safetensors"), &len);
    assert_int_equal(len, reflen);
    assert_memory_equal(got, want, reflen);
    free(got);

    /* a link to a directory: refused, nothing made */
    snprintf(link, sizeof link, "%s", tu_path("dirlink"));
    assert_int_equal(symlink("sub", link), 0);
    assert_int_equal(ua_st_write(st, link), UA_EIO);
    if (!strstr(ua_last_error(), "is a directory")) fail_msg("message: %s", ua_last_error());
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));

    /* a FIFO: a reader (a child process) gets the bytes, and it is still a FIFO afterwards */
    char fifo[TU_PATH_MAX], out[TU_PATH_MAX];
    snprintf(fifo, sizeof fifo, "%s", tu_path("pipe.safetensors"));
    snprintf(out, sizeof out, "%s", tu_path("pipe.out"));
    assert_int_equal(mkfifo(fifo, 0644), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the reader: copy the FIFO to out */
        FILE *in = fopen(fifo, "rb"), *o = fopen(out, "wb");
        char buf[4096];
        size_t k;
        if (!in || !o) _exit(1);
        while ((k = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, k, o) != k) _exit(1);
        _exit(fclose(o) != 0);
    }
    ua_status s = ua_st_write(st, fifo);
    int ws = 0;
    if (s != UA_OK) kill(pid, SIGKILL); /* no writer will come: do not wait forever */
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_int_equal(s, UA_OK);
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    got = tu_slurp(out, &len);
    assert_int_equal(len, reflen);
    assert_memory_equal(got, want, reflen);
    free(got);
    assert_int_equal(tu_scratch_count(".tmp."), 0);

    free(want);
    ua_st_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dtype_size),
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_reference_file),
        cmocka_unit_test(test_crafted_bad),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_random_flips),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_atomic_targets),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
