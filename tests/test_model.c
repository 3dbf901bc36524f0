/* Tests of the generic model: wrap, metadata, save/load round trip, malformed model files, and
 * the C export compiled and run against ua_model_predict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "uniapprox.h"
#include "model/family.h"
#define TU_SCRATCH_TAG "ua_test_model"
#include "test_util.h"

/* Domain [-0.1, 0.7]: neither end is a dyadic number, so the "%.17g" round trip matters. */
static const double LO = -0.1, HI = 0.7;
static const double BREAKS[3] = {-0.1, 0.25, 0.7};
static const size_t LENGTHS[2] = {3, 4};
static const double COEFFS[7] = {0.5, -0.25, 0.125, 1.0, 0.3, -0.2, 0.05};

static ua_model *make_model(void)
{
    ua_cheb *c = NULL;
    assert_int_equal(ua_cheb_from_parts(2, BREAKS, LENGTHS, COEFFS, UA_MAP_NONE, &c), UA_OK);
    ua_model *m = NULL;
    assert_int_equal(ua_model_wrap("cheb", c, "x^2 + sin(x)", LO, HI, &m), UA_OK);
    assert_int_equal(ua_model_set_meta(m, "max_abs_err", "1.25e-16"), UA_OK);
    assert_int_equal(ua_model_set_meta(m, "max_ulp64", "0.75"), UA_OK);
    assert_int_equal(ua_model_set_meta(m, "fit.tol", "2.220446049250313e-16"), UA_OK);
    return m;
}

/* The value of the series directly: T_k(s) = cos(k acos s) on the piece holding x. */
static double direct(double x)
{
    size_t p = x < BREAKS[1] ? 0 : 1;
    double a = BREAKS[p], b = BREAKS[p + 1], s = (2 * x - a - b) / (b - a);
    const double *c = COEFFS + (p ? LENGTHS[0] : 0);
    double y = 0;
    for (size_t k = 0; k < LENGTHS[p]; k++) y += c[k] * cos((double)k * acos(s));
    return y;
}

#define NPTS 1001
static void sample_points(double *x)
{
    for (int i = 0; i < NPTS; i++) x[i] = LO + (HI - LO) * i / (NPTS - 1);
    x[NPTS - 1] = HI;
}

static void test_wrap_and_accessors(void **state)
{
    (void)state;
    ua_model *m = make_model();
    assert_string_equal(ua_model_family(m), "cheb");
    assert_string_equal(ua_model_target(m), "x^2 + sin(x)");
    assert_ptr_equal(ua_model_family_vtable(m), ua_family_find("cheb"));
    assert_non_null(ua_model_state(m));
    double lo, hi;
    ua_model_domain(m, &lo, &hi);
    assert_true(lo == LO && hi == HI);

    /* metadata: reserved keys refused, others set, replaced, enumerated in order */
    const char *reserved[] = {"format", "format_version", "family", "target", "domain"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ua_model_set_meta(m, reserved[i], "x"), UA_EINVAL);
        assert_non_null(strstr(ua_last_error(), "reserved"));
    }
    assert_int_equal(ua_model_set_meta(m, "", "x"), UA_EINVAL);
    assert_int_equal(ua_model_set_meta(m, "fit.tol", "1e-10"), UA_OK);
    assert_string_equal(ua_model_meta(m, "fit.tol"), "1e-10");
    assert_null(ua_model_meta(m, "format"));
    assert_int_equal(ua_model_meta_count(m), 3);
    const char *k, *v;
    ua_model_meta_at(m, 0, &k, &v);
    assert_string_equal(k, "max_abs_err");
    assert_string_equal(v, "1.25e-16");

    /* predictions: the series, and NaN outside the domain */
    double x[NPTS], y[NPTS];
    sample_points(x);
    assert_int_equal(ua_model_predict(m, x, NPTS, y), UA_OK);
    for (int i = 0; i < NPTS; i++) assert_true(fabs(y[i] - direct(x[i])) <= 1e-15);
    double out[4] = {-0.2, 0.71, NAN, INFINITY}, yo[4];
    assert_int_equal(ua_model_predict(m, out, 4, yo), UA_OK);
    for (int i = 0; i < 4; i++) assert_true(isnan(yo[i]));
    assert_int_equal(ua_model_predict(m, NULL, 3, y), UA_EINVAL);
    assert_int_equal(ua_model_predict(m, NULL, 0, NULL), UA_OK);
    ua_model_free(m);
    ua_model_free(NULL);
}

static void test_wrap_errors(void **state)
{
    (void)state;
    ua_cheb *c = NULL;
    assert_int_equal(ua_cheb_from_parts(2, BREAKS, LENGTHS, COEFFS, UA_MAP_NONE, &c), UA_OK);
    ua_model *m = (ua_model *)1;
    /* unknown family: the state stays the caller's */
    assert_int_equal(ua_model_wrap("nosuch", c, "x", LO, HI, &m), UA_ENOTFOUND);
    assert_null(m);
    assert_non_null(strstr(ua_last_error(), "nosuch"));
    /* bad domain: the state is released by wrap (ASan would report a leak otherwise) */
    assert_int_equal(ua_model_wrap("cheb", c, "x", 1, 1, &m), UA_EINVAL);
    assert_null(m);
    assert_int_equal(ua_cheb_from_parts(2, BREAKS, LENGTHS, COEFFS, UA_MAP_NONE, &c), UA_OK);
    assert_int_equal(ua_model_wrap("cheb", c, "x", 0, NAN, &m), UA_EINVAL);
    /* target NULL is "" */
    assert_int_equal(ua_cheb_from_parts(2, BREAKS, LENGTHS, COEFFS, UA_MAP_NONE, &c), UA_OK);
    assert_int_equal(ua_model_wrap("cheb", c, NULL, LO, HI, &m), UA_OK);
    assert_string_equal(ua_model_target(m), "");
    ua_model_free(m);
}

static void test_save_load(void **state)
{
    (void)state;
    ua_model *m = make_model();
    const char *path = tu_path("m.safetensors");
    assert_int_equal(ua_model_save(m, path), UA_OK);
    ua_model *back = NULL;
    assert_int_equal(ua_model_load(path, &back), UA_OK);
    assert_string_equal(ua_model_family(back), "cheb");
    assert_string_equal(ua_model_target(back), "x^2 + sin(x)");
    double lo, hi;
    ua_model_domain(back, &lo, &hi);
    assert_true(lo == LO && hi == HI); /* bitwise through the "%.17g" text */
    double x[NPTS], y1[NPTS], y2[NPTS];
    sample_points(x);
    assert_int_equal(ua_model_predict(m, x, NPTS, y1), UA_OK);
    assert_int_equal(ua_model_predict(back, x, NPTS, y2), UA_OK);
    assert_memory_equal(y1, y2, sizeof y1);
    /* the caller's metadata came back, the reserved keys did not leak into it */
    assert_string_equal(ua_model_meta(back, "max_abs_err"), "1.25e-16");
    assert_string_equal(ua_model_meta(back, "max_ulp64"), "0.75");
    assert_string_equal(ua_model_meta(back, "fit.tol"), "2.220446049250313e-16");
    for (size_t i = 0; i < ua_model_meta_count(back); i++) {
        const char *k;
        ua_model_meta_at(back, i, &k, NULL);
        assert_true(strcmp(k, "format") && strcmp(k, "domain") && strcmp(k, "family"));
    }
    /* the file's own metadata, as another reader sees it */
    ua_st *st;
    assert_int_equal(ua_st_read(path, &st), UA_OK);
    assert_string_equal(ua_st_meta(st, "format"), "uniapprox");
    assert_string_equal(ua_st_meta(st, "format_version"), "1");
    assert_string_equal(ua_st_meta(st, "family"), "cheb");
    assert_string_equal(ua_st_meta(st, "target"), "x^2 + sin(x)");
    assert_string_equal(ua_st_meta(st, "domain"), "-0.10000000000000001:0.69999999999999996");
    ua_st_free(st);
    /* saving the loaded model again gives the same bytes */
    const char *path2 = tu_path("m2.safetensors");
    assert_int_equal(ua_model_save(back, path2), UA_OK);
    char *t1 = tu_slurp(path, NULL), *t2 = tu_slurp(path2, NULL);
    assert_string_equal(t1 + 8, t2 + 8);
    free(t1);
    free(t2);
    ua_model_free(back);
    ua_model_free(m);
    assert_int_equal(tu_scratch_count(".tmp."), 0);
}

/* Copies the model file at src to dst with metadata key set to value (NULL: removed) or, when
 * drop_tensor is set, without that tensor. */
static void rewrite(const char *src, const char *dst, const char *key, const char *value,
                    const char *drop_tensor)
{
    ua_st *in, *out;
    assert_int_equal(ua_st_read(src, &in), UA_OK);
    assert_int_equal(ua_st_alloc(&out), UA_OK);
    for (size_t i = 0; i < ua_st_count(in); i++) {
        const char *name = ua_st_name(in, i);
        if (drop_tensor && strcmp(name, drop_tensor) == 0) continue;
        ua_dtype d;
        size_t nd;
        const int64_t *sh;
        const void *data;
        assert_int_equal(ua_st_get(in, name, &d, &nd, &sh, &data), UA_OK);
        assert_int_equal(ua_st_add(out, name, d, nd, sh, data), UA_OK);
    }
    for (size_t i = 0; i < ua_st_meta_count(in); i++) {
        const char *k, *v;
        ua_st_meta_at(in, i, &k, &v);
        if (key && strcmp(k, key) == 0) continue;
        assert_int_equal(ua_st_set_meta(out, k, v), UA_OK);
    }
    if (key && value) assert_int_equal(ua_st_set_meta(out, key, value), UA_OK);
    assert_int_equal(ua_st_write(out, dst), UA_OK);
    ua_st_free(in);
    ua_st_free(out);
}

static void expect_load(const char *path, ua_status want, const char *msg)
{
    ua_model *m = (ua_model *)1;
    ua_status s = ua_model_load(path, &m);
    if (s != want || !strstr(ua_last_error(), msg))
        fail_msg("status %d, message \"%s\"; wanted %d with \"%s\"", (int)s, ua_last_error(),
                 (int)want, msg);
    assert_null(m);
}

static void test_bad_model_files(void **state)
{
    (void)state;
    ua_model *m = make_model();
    const char *good = tu_path("good.safetensors"), *bad = tu_path("bad.safetensors");
    assert_int_equal(ua_model_save(m, good), UA_OK);
    ua_model_free(m);
    /* the unmodified copy loads: the failures below come from the one change each makes */
    rewrite(good, bad, NULL, NULL, NULL);
    assert_int_equal(ua_model_load(bad, &m), UA_OK);
    ua_model_free(m);

    rewrite(good, bad, "format", "pytorch", NULL);
    expect_load(bad, UA_EFORMAT, "metadata format is 'pytorch', expected 'uniapprox'");
    rewrite(good, bad, "format", NULL, NULL);
    expect_load(bad, UA_EFORMAT, "not a uniapprox model");
    rewrite(good, bad, "format_version", "2", NULL);
    expect_load(bad, UA_EFORMAT, "format_version 2 is newer than this build reads (1)");
    rewrite(good, bad, "format_version", "1.0", NULL);
    expect_load(bad, UA_EFORMAT, "format_version '1.0' is not a positive integer");
    rewrite(good, bad, "format_version", NULL, NULL);
    expect_load(bad, UA_EFORMAT, "\"format_version\" is missing");
    rewrite(good, bad, "family", "spline9", NULL);
    expect_load(bad, UA_ENOTFOUND, "unknown family 'spline9'");
    rewrite(good, bad, "family", NULL, NULL);
    expect_load(bad, UA_EFORMAT, "\"family\" is missing");
    const char *domains[] = {"1:0", "nan:1", "x", "0:inf", "-0.1:0.7junk", "-0.1", ":1", "1:1"};
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++) {
        rewrite(good, bad, "domain", domains[i], NULL);
        char want[64];
        snprintf(want, sizeof want, "domain '%s' is not", domains[i]);
        expect_load(bad, UA_EFORMAT, want);
    }
    rewrite(good, bad, "domain", NULL, NULL);
    expect_load(bad, UA_EFORMAT, "\"domain\" is missing");
    rewrite(good, bad, "target", NULL, NULL);
    expect_load(bad, UA_EFORMAT, "\"target\" is missing");
    /* the family validates its own tensors */
    rewrite(good, bad, NULL, NULL, "coeffs");
    expect_load(bad, UA_EFORMAT, "coeffs");
    /* a domain the breakpoints do not span */
    rewrite(good, bad, "domain", "-0.1:0.8", NULL);
    expect_load(bad, UA_EFORMAT, "domain");
    /* the container's own checks come first */
    FILE *f = fopen(bad, "wb");
    fputs("garbage!", f);
    fclose(f);
    expect_load(bad, UA_EFORMAT, "bad.safetensors");
    expect_load(tu_path("absent.safetensors"), UA_EINVAL, "No such file or directory");
    /* saving where nothing can be written */
    m = make_model();
    const char *nodir = tu_path("no/dir/m.safetensors");
    assert_int_equal(ua_model_save(m, nodir), UA_EIO);
    ua_model_free(m);
    assert_int_equal(tu_scratch_count(".tmp."), 0);
}

/* A tolerance term of the metadata that is not a finite number >= 0 is refused by the
 * measurement with the key named (a damaged or hand-edited file), never read as 0; a good value
 * is measured. */
static void test_bad_tolerance_metadata(void **state)
{
    (void)state;
    static const char *const keys[] = {"tol_abs", "tol_scale", "tol_rel"};
    static const char *const bad[] = {"nan", "inf", "-inf", "abc", "", "-1", "1e400", "1e-3x"};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            ua_model *m = make_model();
            ua_problem *p = NULL;
            assert_int_equal(ua_model_problem(m, &p), UA_OK);
            assert_int_equal(ua_model_set_meta(m, keys[k], bad[i]), UA_OK);
            ua_measure_options mo;
            ua_measure_options_default(&mo);
            mo.check_points = 101;
            ua_measurement r;
            ua_status s = ua_model_measure(m, p, &mo, &r);
            char want[96];
            snprintf(want, sizeof want, "metadata %s must be finite and >= 0, got '%s'", keys[k],
                     bad[i]);
            if (s != UA_EINVAL || !strstr(ua_last_error(), want))
                fail_msg("%s = '%s': status %d, message \"%s\"; wanted UA_EINVAL with \"%s\"",
                         keys[k], bad[i], (int)s, ua_last_error(), want);
            ua_problem_free(p);
            ua_model_free(m);
        }
    /* a good value: measured, and the term read (1 relative to the scale: resolved) */
    ua_model *m = make_model();
    ua_problem *p = NULL;
    assert_int_equal(ua_model_problem(m, &p), UA_OK);
    assert_int_equal(ua_model_set_meta(m, "tol_scale", "1"), UA_OK);
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = 101;
    ua_measurement r;
    assert_int_equal(ua_model_measure(m, p, &mo, &r), UA_OK);
    assert_true(r.has_tol && r.tol_scale == 1.0 && r.tol_abs == 0.0);
    ua_measurement_free(&r);
    ua_problem_free(p);
    ua_model_free(m);
}

typedef double (*dfn)(double);
typedef float (*ffn)(float);

static void test_export_c(void **state)
{
    (void)state;
    ua_model *m = make_model();
    char src[TU_PATH_MAX]; /* tu_path's buffers are reused: keep a copy */
    snprintf(src, sizeof src, "%s", tu_path("approx.c"));
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "my_approx", src), UA_OK);
    char *text = tu_slurp(src, NULL);
    /* the header comment carries what a reader needs */
    assert_non_null(strstr(text, "double my_approx(double x)"));
    assert_non_null(strstr(text, "Generated by uniapprox " UA_VERSION_STRING));
    assert_non_null(strstr(text, "target: x^2 + sin(x)"));
    assert_non_null(strstr(text, "domain: [-0.10000000000000001, 0.69999999999999996]"));
    assert_non_null(strstr(text, "family: cheb"));
    assert_non_null(strstr(text, "pieces: 2"));
    assert_non_null(strstr(text, "lengths: [3,4]"));
    assert_non_null(strstr(text, "max_abs_err        1.25e-16"));
    assert_non_null(strstr(text, "max_ulp64          0.75"));
    assert_null(strstr(text, "max_rel_err")); /* not measured, not claimed */
    assert_non_null(strstr(text, "#include <math.h>"));
    free(text);

    ua_compiled *h;
    dfn f = (dfn)(uintptr_t)tu_compile_symbol(src, "my_approx", &h);
    assert_non_null(f);
    double x[NPTS], y[NPTS];
    sample_points(x);
    assert_int_equal(ua_model_predict(m, x, NPTS, y), UA_OK);
    for (int i = 0; i < NPTS; i++)
        if (memcmp(&y[i], &(double){f(x[i])}, sizeof(double)) != 0)
            fail_msg("x = %.17g: export %.17g, model %.17g", x[i], f(x[i]), y[i]);
    assert_true(isnan(f(-0.2)) && isnan(f(0.8)) && isnan(f(NAN)));
    ua_compiled_free(h);

    /* float export: float coefficients, so agreement to float precision */
    const char *srcf = tu_path("approxf.c");
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_FLOAT, NULL, srcf), UA_OK);
    text = tu_slurp(srcf, NULL);
    assert_non_null(strstr(text, "float ua_approx(float x)"));
    free(text);
    ffn g = (ffn)(uintptr_t)tu_compile_symbol(srcf, "ua_approx", &h);
    assert_non_null(g);
    for (int i = 0; i < NPTS; i++) {
        float xf = (float)x[i];
        if (xf < LO || xf > HI) continue;
        double yd;
        assert_int_equal(ua_model_predict(m, &(double){xf}, 1, &yd), UA_OK);
        assert_true(fabs((double)g(xf) - yd) <= 4e-7 * 2.5);
    }
    ua_compiled_free(h);

    /* "-" writes to standard output */
    const char *cap = tu_path("stdout.c");
    fflush(stdout);
    int saved = dup(1), fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    ua_status s = ua_model_export_c(m, UA_EXPORT_DOUBLE, "to_stdout", "-");
    fflush(stdout);
    dup2(saved, 1);
    close(fd);
    close(saved);
    assert_int_equal(s, UA_OK);
    text = tu_slurp(cap, NULL);
    assert_non_null(strstr(text, "double to_stdout(double x)\n{"));
    free(text);

    /* names that are not C identifiers, or are keywords: refused, nothing written */
    const char *badnames[] = {"1abc", "int", "a-b", "", "double", "_Bool", "__x", "a b"};
    const char *nopath = tu_path("never.c");
    for (size_t i = 0; i < sizeof badnames / sizeof badnames[0]; i++) {
        assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, badnames[i], nopath), UA_EINVAL);
        assert_true(access(nopath, F_OK) != 0);
    }
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "a-b", nopath), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "'a-b' is not a C identifier"));
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "int", nopath), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "keyword"));
    /* a write that fails midway (file size limit) leaves the previous export untouched */
    char *before = tu_slurp(src, NULL);
    struct rlimit saved_lim, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved_lim), 0);
    lim = saved_lim;
    lim.rlim_cur = 300; /* inside the header comment */
    void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    s = ua_model_export_c(m, UA_EXPORT_DOUBLE, "other_name", src);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved_lim), 0);
    signal(SIGXFSZ, oldsig);
    assert_int_equal(s, UA_EIO);
    if (!strstr(ua_last_error(), "approx.c")) fail_msg("message: %s", ua_last_error());
    char *after = tu_slurp(src, NULL);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_int_equal(tu_scratch_count(".tmp."), 0);
    /* an unwritable place: UA_EIO, no temporary file left */
    const char *nodir = tu_path("no/dir/x.c");
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "ok", nodir), UA_EIO);
    assert_int_equal(tu_scratch_count(".tmp."), 0);
    ua_model_free(m);
}

/* A target spec that tries to close the comment early stays inside it. */
static void test_export_comment_injection(void **state)
{
    (void)state;
    ua_cheb *c = NULL;
    assert_int_equal(ua_cheb_from_parts(2, BREAKS, LENGTHS, COEFFS, UA_MAP_NONE, &c), UA_OK);
    ua_model *m;
    assert_int_equal(ua_model_wrap("cheb", c, "x */ int oops; /*\nmore", LO, HI, &m), UA_OK);
    const char *src = tu_path("inj.c");
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "inj", src), UA_OK);
    ua_compiled *h;
    assert_non_null(tu_compile_symbol(src, "inj", &h));
    assert_null(tu_symbol(h, "oops"));
    assert_non_null(tu_symbol(h, "inj"));
    ua_compiled_free(h);
    ua_model_free(m);
}

/* An n-D model of a formula: the box with the variable names, the reference and the sampled
 * errors in the header ("not a bound"), the signature `double name(const double *x)`, and the
 * compiled export equal to ua_model_predict. */
static void test_export_box(void **state)
{
    (void)state;
    enum { N = 80, NT = 300 };
    double x[N * 2], y[N], xt[NT * 2];
    for (int i = 0; i < N; i++) {
        x[2 * i] = -1 + 2.0 * (i % 9) / 8;
        x[2 * i + 1] = 0.5 + 1.5 * (i / 9) / 8.0;
        y[i] = sin(x[2 * i]) * x[2 * i + 1];
    }
    for (int i = 0; i < NT; i++) {
        xt[2 * i] = -1 + 2.0 * i / (NT - 1);
        xt[2 * i + 1] = 0.5 + 1.5 * ((i * 37) % NT) / (NT - 1);
    }
    ua_kernel *km;
    assert_int_equal(ua_kernel_fit(x, y, N, 2, 1, NULL, &km), UA_OK);
    static const double lo[2] = {-1, 0.5}, hi[2] = {1, 2};
    ua_model *m;
    assert_int_equal(ua_model_wrap_box("kernel", km, "sin(u) * v", 2, lo, hi, &m), UA_OK);
    static const char *const meta[][2] = {
        {"vars", "u,v"},           {"reference", "MPFR"},      {"check_prec", "128"},
        {"max_abs_err", "0.0025"}, {"max_abs_err_x", "1,0.5"}, {"rms_err", "0.0004"},
        {"check_points", "4096"}};
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
        assert_int_equal(ua_model_set_meta(m, meta[i][0], meta[i][1]), UA_OK);
    char src[TU_PATH_MAX];
    snprintf(src, sizeof src, "%s", tu_path("box.c"));
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "boxed", src), UA_OK);
    char *text = tu_slurp(src, NULL);
    assert_non_null(strstr(text, " * double boxed(const double *x)\n *   x: (2,) inputs (u, v)\n"));
    assert_non_null(strstr(text, " * target: sin(u) * v\n"));
    assert_non_null(strstr(text, " * box: u in [-1, 1],\n *     v in [0.5, 2]\n"));
    assert_non_null(strstr(text, " * reference: MPFR at 128 bits\n"));
    assert_non_null(strstr(text, "(sampled maximum over 4096 points, not a bound)"));
    assert_non_null(strstr(text, " *   max_abs_err        0.0025"));
    assert_non_null(strstr(text, " *   at x = (1,0.5)\n"));
    assert_non_null(strstr(text, " *   rms_err            0.0004"));
    free(text);
    ua_compiled *h;
    double (*f)(const double *) = (double (*)(const double *))(uintptr_t)tu_compile_symbol(
        src, "boxed", &h);
    assert_non_null(f);
    double want[NT], worst = 0;
    assert_int_equal(ua_model_predict(m, xt, NT, want), UA_OK);
    for (int i = 0; i < NT; i++) worst = fmax(worst, fabs(f(xt + 2 * i) - want[i]));
    /* the same sums in another order: the weights of a small-lambda fit cancel, which amplifies
     * rounding (measured 4e-12 with |y| <= 2) */
    if (worst > 1e-10) fail_msg("box export differs from predict by %g", worst);
    ua_compiled_free(h);
    ua_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_and_accessors),
        cmocka_unit_test(test_wrap_errors),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_bad_model_files),
        cmocka_unit_test(test_bad_tolerance_metadata),
        cmocka_unit_test(test_export_c),
        cmocka_unit_test(test_export_comment_injection),
        cmocka_unit_test(test_export_box),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
