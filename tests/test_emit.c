/*
 * Tests of the C emitter (src/emit/): constants that read back bitwise, Horner / Estrin /
 * Clenshaw against a long double evaluation within a stated rounding bound, the signature rule,
 * the header comment (measured errors, box, reference, block-comment safety), and the exports of
 * the learners (mlp, kernel, rf) in every signature of the rule, compiled and compared with
 * ua_model_predict.
 */
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

#include "uniapprox.h"
#include "core/internal.h"
#include "emit/emit.h"
#include "model/family.h"
#define TU_SCRATCH_TAG "ua_test_emit"
#include "test_util.h"

/* A scratch file name: tu_path's buffers are reused, so keep a copy. */
static void scratch(char *buf, const char *file)
{
    snprintf(buf, TU_PATH_MAX, "%s", tu_path(file));
}

/* Random doubles of every exponent: raw 64-bit patterns (splitmix64), non-finite ones skipped. */
static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

#define NCONST 2000

static size_t const_values(double *v)
{
    static const double special[] = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0, 3.14159265358979323846, DBL_MAX,
                                     -DBL_MAX, DBL_MIN, 0x1p-1074, -0x1.8p-1070, DBL_EPSILON,
                                     (double)FLT_MAX, 0x1.fffffefp127, 1e300, FLT_MIN, 0x1p-149};
    size_t n = 0;
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) v[n++] = special[i];
    uint64_t s = 42;
    while (n < NCONST) {
        uint64_t b = splitmix(&s);
        double x;
        memcpy(&x, &b, sizeof x);
        if (isfinite(x)) v[n++] = x;
    }
    return n;
}

/* float reference of ua_emit_float: values beyond the float range are +-FLT_MAX */
static float float_of(double v)
{
    if (v > FLT_MAX) return FLT_MAX;
    if (v < -FLT_MAX) return -FLT_MAX;
    return (float)v;
}

static void test_constants_read_back(void **state)
{
    (void)state;
    static double v[NCONST];
    size_t n = const_values(v);
    char src[TU_PATH_MAX];
    scratch(src, "consts.c");
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs("#include <math.h>\n", f);
    ua_emit d = ua_emit_begin(f, UA_EXPORT_DOUBLE, "cd"), g = ua_emit_begin(f, UA_EXPORT_FLOAT, "cf");
    ua_emit_array(&d, "v", v, n);
    ua_emit_array(&g, "v", v, n);
    ua_emit_array_f64(&g, "w", v, n); /* double elements in a float export */
    float vf[64];
    for (size_t i = 0; i < 64; i++) vf[i] = float_of(v[i]);
    ua_emit_array_f32(&d, "w", vf, 64);
    ua_emit_table(&d, "t", v, 25, 80);
    fputs("static const double cd_s[6] = {", f);
    const double odd[6] = {INFINITY, -INFINITY, NAN, 2.5, -0.0, 0x1p-1074};
    for (int i = 0; i < 6; i++) {
        ua_emit_const(&d, odd[i]);
        fputs(i < 5 ? ", " : "};\n", f);
    }
    fputs("static const float cf_s[4] = {", f);
    for (int i = 0; i < 4; i++) {
        ua_emit_const(&g, odd[i] == 2.5 ? 1e300 : odd[i]);
        fputs(i < 3 ? ", " : "};\n", f);
    }
    fputs("const double *cd_get(void) { return cd_v; }\n"
          "const float *cf_get(void) { return cf_v; }\n"
          "const double *cf_getw(void) { return cf_w; }\n"
          "const float *cd_getw(void) { return cd_w; }\n"
          "const double *cd_gett(void) { return &cd_t[0][0]; }\n"
          "const double *cd_gets(void) { return cd_s; }\n"
          "const float *cf_gets(void) { return cf_s; }\n",
          f);
    assert_false(ferror(f));
    assert_int_equal(fclose(f), 0);
    ua_compiled *h;
    assert_non_null(tu_compile_symbol(src, "cd_get", &h));
    const double *rd = ((const double *(*)(void))(uintptr_t)tu_symbol(h, "cd_get"))();
    const float *rf = ((const float *(*)(void))(uintptr_t)tu_symbol(h, "cf_get"))();
    const double *rw = ((const double *(*)(void))(uintptr_t)tu_symbol(h, "cf_getw"))();
    const float *r32 = ((const float *(*)(void))(uintptr_t)tu_symbol(h, "cd_getw"))();
    const double *rt = ((const double *(*)(void))(uintptr_t)tu_symbol(h, "cd_gett"))();
    const double *rs = ((const double *(*)(void))(uintptr_t)tu_symbol(h, "cd_gets"))();
    const float *rsf = ((const float *(*)(void))(uintptr_t)tu_symbol(h, "cf_gets"))();
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        float want = float_of(v[i]);
        if (memcmp(&rd[i], &v[i], sizeof(double)) || memcmp(&rw[i], &v[i], sizeof(double)) ||
            memcmp(&rf[i], &want, sizeof(float)) || (i < 25 * 80 && memcmp(&rt[i], &v[i], 8))) {
            if (bad++ < 5) print_message("constant %zu: %a read back as %a / %a\n", i, v[i], rd[i],
                                         (double)rf[i]);
        }
    }
    assert_int_equal(bad, 0);
    assert_memory_equal(r32, vf, sizeof vf);
    assert_true(isinf(rs[0]) && rs[0] > 0 && isinf(rs[1]) && rs[1] < 0 && isnan(rs[2]));
    assert_true(rs[3] == 2.5 && signbit(rs[4]) && rs[4] == 0 && rs[5] == 0x1p-1074);
    assert_true(isinf(rsf[0]) && isinf(rsf[1]) && isnan(rsf[2]) && rsf[3] == FLT_MAX);
    ua_compiled_free(h);
    remove(src);
}

/* ---- polynomials --------------------------------------------------------------------------- */

static const size_t LENS[] = {1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 24, 33, 64, 65, 100};
#define NLENS (sizeof LENS / sizeof LENS[0])
#define MAXLEN 100

typedef double (*d1)(double);
typedef float (*f1)(float);

static void poly_coeffs(size_t n, double *c)
{
    uint64_t s = 7 + n;
    for (size_t k = 0; k < n; k++) c[k] = 2.0 * (double)(splitmix(&s) >> 11) * 0x1p-53 - 1.0;
}

/* Writes, for each length, NAME_h<n>, NAME_e<n> and NAME_k<n> (Horner, Estrin, Clenshaw) of the
 * coefficients NAME_c<n>. */
static void write_polys(FILE *f, ua_export_type type, const char *name)
{
    ua_emit e = ua_emit_begin(f, type, name);
    ua_emit_mac(&e);
    double c[MAXLEN];
    char arr[64], fn[64], top[32];
    for (size_t i = 0; i < NLENS; i++) {
        size_t n = LENS[i];
        poly_coeffs(n, c);
        snprintf(arr, sizeof arr, "c%zu", n);
        ua_emit_array(&e, arr, c, n);
        snprintf(arr, sizeof arr, "%s_c%zu", name, n);
        snprintf(top, sizeof top, "%zu", n - 1);
        const char *kinds = "hek";
        for (int k = 0; k < 3; k++) {
            snprintf(fn, sizeof fn, "%s_%c%zu", name, kinds[k], n);
            fprintf(f, "%s %s(%s t)\n{\n    (void)t; /* a constant does not use it */\n", e.T, fn,
                    e.T);
            if (k == 0) ua_emit_horner(&e, "    ", arr, n, "t", "r");
            else if (k == 1) ua_emit_estrin(&e, "    ", arr, n, "t", "r");
            else ua_emit_clenshaw(&e, "    ", arr, top, "t", "r");
            fputs("    return r;\n}\n", f);
        }
    }
}

/* sum c_k t^k and sum |c_k| |t|^k; sum c_k T_k(t) and sum |c_k| (long double) */
static long double ref_power(const double *c, size_t n, long double t, long double *abs_sum)
{
    long double y = 0, a = 0;
    for (size_t k = n; k-- > 0;) {
        y = y * t + c[k];
        a = a * fabsl(t) + fabsl((long double)c[k]);
    }
    *abs_sum = a;
    return y;
}

static long double ref_cheb(const double *c, size_t n, long double t, long double *abs_sum)
{
    long double t0 = 1, t1 = t, y = 0, a = 0;
    for (size_t k = 0; k < n; k++) {
        long double tk = k == 0 ? 1 : k == 1 ? t : 2 * t * t1 - t0;
        if (k >= 2) {
            t0 = t1;
            t1 = tk;
        }
        y += c[k] * tk;
        a += fabsl((long double)c[k]);
    }
    *abs_sum = a;
    return y;
}

/*
 * Bounds (u the unit roundoff of the type, S the sums above): Horner and Estrin err by at most
 * gamma_m S with m = 2n (Horner: one multiply and one add a coefficient; Estrin: a term meets
 * ceil(log2 n) multiply-adds and as many squarings, fewer than 2n roundings); we allow 4 n u S.
 * Clenshaw on [-1, 1]: at most about (n + 1)^2 u sum |c_k| (the b_k grow at most linearly); we
 * allow 2 (n + 1)^2 u sum |c_k|. The long double reference errs by 2^-11 of that.
 */
static void check_polys(void *hd, void *hf)
{
    double c[MAXLEN], cf[MAXLEN];
    char fn[64];
    double worst[3] = {0, 0, 0}, worstf[3] = {0, 0, 0};
    for (size_t i = 0; i < NLENS; i++) {
        size_t n = LENS[i];
        poly_coeffs(n, c);
        for (size_t k = 0; k < n; k++) cf[k] = (double)(float)c[k];
        for (int kind = 0; kind < 3; kind++) {
            snprintf(fn, sizeof fn, "pd_%c%zu", "hek"[kind], n);
            d1 fd = (d1)(uintptr_t)tu_symbol(hd, fn);
            snprintf(fn, sizeof fn, "pf_%c%zu", "hek"[kind], n);
            f1 ff = (f1)(uintptr_t)tu_symbol(hf, fn);
            assert_non_null(fd);
            assert_non_null(ff);
            for (int j = 0; j <= 400; j++) {
                double t = -1.0 + j / 200.0;
                if (j % 7 == 3) t = nextafter(t, 2.0); /* not only grid values */
                float tf = (float)t;
                long double S, Sf, y, yf;
                if (kind < 2) {
                    y = ref_power(c, n, t, &S);
                    yf = ref_power(cf, n, tf, &Sf);
                } else {
                    y = ref_cheb(c, n, t, &S);
                    yf = ref_cheb(cf, n, tf, &Sf);
                }
                double m = kind < 2 ? 4.0 * n : 2.0 * (n + 1) * (n + 1);
                double err = (double)fabsl(fd(t) - y) / (m * 0x1p-53 * (double)S + 0x1p-1000);
                double errf = (double)fabsl(ff(tf) - yf) / (m * 0x1p-24 * (double)Sf + 0x1p-140);
                if (err > worst[kind]) worst[kind] = err;
                if (errf > worstf[kind]) worstf[kind] = errf;
                if (err > 1 || errf > 1)
                    fail_msg("%s n = %zu at t = %a: double err %.3g, float err %.3g of the bound",
                             kind == 0 ? "Horner" : kind == 1 ? "Estrin" : "Clenshaw", n, t, err,
                             errf);
            }
        }
    }
    print_message("worst error / bound: Horner %.3g, Estrin %.3g, Clenshaw %.3g (double); "
                  "%.3g, %.3g, %.3g (float)\n",
                  worst[0], worst[1], worst[2], worstf[0], worstf[1], worstf[2]);
}

static void test_polynomials(void **state)
{
    (void)state;
    char srcd[TU_PATH_MAX], srcf[TU_PATH_MAX];
    scratch(srcd, "polyd.c");
    scratch(srcf, "polyf.c");
    FILE *f = fopen(srcd, "w");
    assert_non_null(f);
    fputs("#include <math.h>\n", f);
    write_polys(f, UA_EXPORT_DOUBLE, "pd");
    assert_int_equal(fclose(f), 0);
    f = fopen(srcf, "w");
    assert_non_null(f);
    fputs("#include <math.h>\n", f);
    write_polys(f, UA_EXPORT_FLOAT, "pf");
    assert_int_equal(fclose(f), 0);
    ua_compiled *hd, *hf;
    assert_non_null(tu_compile_symbol(srcd, "pd_h1", &hd));
    assert_non_null(tu_compile_symbol(srcf, "pf_h1", &hf));
    check_polys(hd, hf);
    /* Estrin's depth: 100 coefficients take 7 levels (squarings up to t^64), not 99 steps */
    char *text = tu_slurp(srcd, NULL);
    assert_non_null(strstr(text, "const double r_t6 = r_t5 * r_t5;"));
    assert_null(strstr(text, "r_t7 ="));
    free(text);
    ua_compiled_free(hd);
    ua_compiled_free(hf);
    remove(srcd);
    remove(srcf);
}

/* ---- signature and header ------------------------------------------------------------------ */

static void test_signature(void **state)
{
    (void)state;
    static const struct {
        ua_export_type type;
        size_t din, dout;
        const char *want;
    } cases[] = {
        {UA_EXPORT_DOUBLE, 1, 1, "double f(double x)"},
        {UA_EXPORT_DOUBLE, 3, 1, "double f(const double *x)"},
        {UA_EXPORT_DOUBLE, 3, 2, "void f(const double *x, double *y)"},
        {UA_EXPORT_DOUBLE, 1, 4, "void f(const double *x, double *y)"},
        {UA_EXPORT_FLOAT, 1, 1, "float f(float x)"},
        {UA_EXPORT_FLOAT, 2, 1, "float f(const float *x)"},
        {UA_EXPORT_FLOAT, 2, 3, "void f(const float *x, float *y)"},
    };
    char b[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ua_emit_signature(b, sizeof b, cases[i].type, "f", cases[i].din, cases[i].dout);
        assert_string_equal(b, cases[i].want);
    }
    /* the families' argument checks */
    ua_emit e;
    assert_int_equal(ua_emit_start(&e, "cheb", NULL, UA_EXPORT_DOUBLE, "f", stdout), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "cheb export: NULL argument"));
    assert_int_equal(ua_emit_start(&e, "rf", &e, (ua_export_type)7, "f", stdout), UA_EINVAL);
    assert_int_equal(ua_emit_start(&e, "rf", &e, UA_EXPORT_FLOAT, "f", stdout), UA_OK);
    assert_true(e.fl && !strcmp(e.T, "float") && !strcmp(e.f, "f") && !strcmp(e.name, "f"));
}

/* metadata of a test: pairs key, value, NULL-terminated */
static const char *pairs_meta(const void *ctx, const char *key)
{
    const char *const *p = ctx;
    for (; p[0]; p += 2)
        if (!strcmp(p[0], key)) return p[1];
    return NULL;
}

/* Writes a header and a trivial function, compiles it (the comment must stay a comment) and
 * returns the text (the caller frees). */
static char *header_text(const ua_emit_header *h, ua_export_type type, const char *name)
{
    char src[TU_PATH_MAX];
    scratch(src, "header.c");
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    ua_emit_header_begin(f, type, name, h);
    fputs(" *   family line: 1\n", f);
    ua_emit_header_end(f, type, name, h);
    ua_emit e = ua_emit_begin(f, type, name);
    ua_emit_eval_begin(&e);
    fprintf(f, "    for (int i = 0; i < %zu; i++) y[i] = x[0] + (%s)i;\n}\n", h->dout, e.T);
    ua_emit_entry(&e, h->din, h->dout);
    assert_int_equal(fclose(f), 0);
    ua_compiled *c;
    assert_non_null(tu_compile_symbol(src, name, &c));
    assert_null(tu_symbol(c, "oops")); /* the injected declaration stayed in the comment */
    ua_compiled_free(c);
    char *text = tu_slurp(src, NULL);
    remove(src);
    return text;
}

static void test_header_learner(void **state)
{
    (void)state;
    static const char *const meta[] = {"train_rmse", "0.0123", "test_rmse", "0.0456",
                                       "loo_rmse", "0.02", "lambda", "1e-6", NULL};
    ua_emit_header h = {0};
    h.family = "kernel";
    h.data = "samples */ int oops; /* .csv";
    h.din = 2;
    h.dout = 1;
    h.meta = pairs_meta;
    h.meta_ctx = meta;
    char *t = header_text(&h, UA_EXPORT_DOUBLE, "hl");
    assert_non_null(strstr(t, "/*\n * double hl(const double *x)\n *   x: (2,) inputs\n"));
    assert_non_null(strstr(t, " * family: kernel\n"));
    assert_non_null(strstr(t, " * data: samples * / int oops; / * .csv\n"));
    assert_non_null(strstr(t, "measured error on the samples (in the target's units):"));
    assert_non_null(strstr(t, " *   train_rmse         0.0123   (RMS error on the training rows)"));
    assert_non_null(strstr(t, " *   test_rmse          0.0456"));
    assert_non_null(strstr(t, " *   loo_rmse           0.02"));
    assert_null(strstr(t, "not recorded"));
    assert_null(strstr(t, "reference:")); /* samples have none */
    assert_non_null(strstr(t, " *     double hl(const double *x);\n */\n#include <math.h>\n"));
    free(t);
}

static void test_header_box(void **state)
{
    (void)state;
    static const char *const meta[] = {
        "max_abs_err", "3.5e-07", "max_abs_err_x", "0.5,0.25,1", "max_rel_scale_err", "1.75e-07",
        "scale", "2", "rms_err", "1e-07", "check_points", "1000", "check_prec", "128", NULL};
    static const double lo[3] = {0, -1, 0.5}, hi[3] = {1, 1, 2};
    static const char *const vars[3] = {"x", "y", "z"};
    ua_emit_header h = {0};
    h.family = "mlp";
    h.target = "sin(x) * y + z";
    h.din = 3;
    h.dout = 2;
    h.d = 3;
    h.lo = lo;
    h.hi = hi;
    h.vars = vars;
    h.meta = pairs_meta;
    h.meta_ctx = meta;
    char *t = header_text(&h, UA_EXPORT_FLOAT, "hb");
    assert_non_null(strstr(t, " * void hb(const float *x, float *y)\n *   x: (3,) inputs (x, y, z)\n"
                              " *   y: (2,) outputs\n"));
    assert_non_null(strstr(t, " * target: sin(x) * y + z\n"));
    assert_non_null(strstr(t, " * box: x in [0, 1],\n *     y in [-1, 1],\n *     z in [0.5, 2]\n"));
    assert_non_null(strstr(t, " * reference: MPFR at 128 bits\n"));
    assert_non_null(strstr(t, "(sampled maximum over 1000 points, not a bound)"));
    assert_non_null(strstr(t, " *   max_abs_err        3.5e-07"));
    assert_non_null(strstr(t, " *   at x = (0.5,0.25,1)\n"));
    assert_non_null(strstr(t, " *   max_rel_scale_err  1.75e-07"));
    assert_non_null(strstr(t, " *   rms_err            1e-07"));
    /* a float export states the double model's errors as the double model's, not its own */
    assert_non_null(strstr(t, "measured error of the double model (not of this float function) "
                              "against the reference"));
    assert_non_null(strstr(t, "The float function here was not measured"));
    assert_null(strstr(t, " * measured error against the reference"));
    free(t);
    /* the learner's header in float: the same */
    static const char *const lmeta[] = {"train_rmse", "0.0123", NULL};
    ua_emit_header hl = {0};
    hl.family = "kernel";
    hl.din = 2;
    hl.dout = 1;
    hl.meta = pairs_meta;
    hl.meta_ctx = lmeta;
    t = header_text(&hl, UA_EXPORT_FLOAT, "hlf");
    assert_non_null(strstr(t, "measured error of the double model (not of this float function) "
                              "on the samples"));
    assert_non_null(strstr(t, "The float function here was not measured"));
    free(t);

    /* a model that computes in float itself (compute_type float32: evolve in float32): its
     * float export is the model that was measured, and the header says so; its double export
     * is labelled as before */
    static const char *const fmeta[] = {"max_abs_err", "2.1e-07", "max_ulp32", "0.886",
                                        "check_points", "100001", "compute_type", "float32",
                                        NULL};
    ua_emit_header hf = {0};
    hf.family = "evolve";
    hf.din = 1;
    hf.dout = 1;
    hf.meta = pairs_meta;
    hf.meta_ctx = fmeta;
    t = header_text(&hf, UA_EXPORT_FLOAT, "hf");
    assert_non_null(strstr(t, " * measured error of this float function against the reference "
                              "(over 100001 points):\n"));
    assert_non_null(strstr(t, "this\n * float function is the model that was measured."));
    assert_null(strstr(t, "not measured"));
    assert_null(strstr(t, "double model"));
    free(t);
    t = header_text(&hf, UA_EXPORT_DOUBLE, "hd");
    assert_non_null(strstr(t, " * measured error against the reference (over 100001 points):\n"));
    assert_null(strstr(t, "float function"));
    free(t);

    /* 1-D: a domain; the reference from metadata "reference"; nothing measured */
    static const char *const meta1[] = {"reference", "the function, double", NULL};
    static const char *const none[] = {NULL};
    ua_emit_header h1 = {0};
    h1.family = "cheb";
    h1.target = "f(x) */ int oops; /*";
    h1.din = h1.dout = h1.d = 1;
    h1.lo = lo;
    h1.hi = hi;
    h1.meta = pairs_meta;
    h1.meta_ctx = meta1;
    t = header_text(&h1, UA_EXPORT_DOUBLE, "h1");
    assert_non_null(strstr(t, " * double h1(double x)\n *\n"));
    assert_non_null(strstr(t, " * domain: [0, 1] (NaN outside)\n"));
    assert_non_null(strstr(t, " * reference: the function, double\n"));
    assert_non_null(strstr(t, " *\n * measured error: not recorded\n"));
    free(t);
    h1.meta_ctx = none;
    h1.target = NULL;
    t = header_text(&h1, UA_EXPORT_DOUBLE, "h2");
    assert_non_null(strstr(t, " * target: (not recorded)\n"));
    assert_non_null(strstr(t, "measured error: not recorded"));
    free(t);
}

/* ---- the learners' exports in every signature ---------------------------------------------- */

typedef double (*sc_fn)(const double *);
typedef void (*nd_fn)(const double *, double *);
typedef float (*scf_fn)(const float *);
typedef float (*f11_fn)(float);
typedef void (*ndf_fn)(const float *, float *);

#define NT 200

/* Exports m (type), compiles it, checks the signature line and compares with ua_model_predict
 * at NT points xt (NT, d): max |export - predict| <= tol max(1, max |predict|). */
static void check_model_export(ua_model *m, ua_export_type type, const double *xt, double tol,
                               const char *tag)
{
    size_t d, k;
    ua_model_dims(m, &d, &k);
    char src[TU_PATH_MAX], file[64], sig[160];
    snprintf(file, sizeof file, "%s.c", tag);
    scratch(src, file);
    assert_int_equal(ua_model_export_c(m, type, tag, src), UA_OK);
    char *text = tu_slurp(src, NULL);
    ua_emit_signature(sig, sizeof sig, type, tag, d, k);
    strcat(sig, "\n{");
    if (!strstr(text, sig)) fail_msg("%s: no '%s' in the export", tag, sig);
    free(text);
    ua_compiled *h;
    void *sym = tu_compile_symbol(src, tag, &h);
    assert_non_null(sym);
    double *want = malloc(NT * k * sizeof *want), *got = malloc(NT * k * sizeof *got);
    assert_int_equal(ua_model_predict(m, xt, NT, want), UA_OK);
    for (size_t i = 0; i < NT; i++) {
        const double *x = xt + i * d;
        double *y = got + i * k;
        if (type == UA_EXPORT_DOUBLE) {
            if (d == 1 && k == 1) y[0] = ((d1)(uintptr_t)sym)(x[0]);
            else if (k == 1) y[0] = ((sc_fn)(uintptr_t)sym)(x);
            else ((nd_fn)(uintptr_t)sym)(x, y);
        } else {
            float xf[8], yf[8];
            for (size_t j = 0; j < d; j++) xf[j] = (float)x[j];
            if (d == 1 && k == 1) yf[0] = ((f11_fn)(uintptr_t)sym)(xf[0]);
            else if (k == 1) yf[0] = ((scf_fn)(uintptr_t)sym)(xf);
            else ((ndf_fn)(uintptr_t)sym)(xf, yf);
            for (size_t j = 0; j < k; j++) y[j] = yf[j];
        }
    }
    double scale = 1, worst = 0;
    for (size_t i = 0; i < NT * k; i++) scale = fmax(scale, fabs(want[i]));
    for (size_t i = 0; i < NT * k; i++) worst = fmax(worst, fabs(got[i] - want[i]) / scale);
    print_message("%s (%zu in, %zu out, %s): max |export - predict| = %.3g of the scale\n", tag, d,
                  k, type == UA_EXPORT_FLOAT ? "float" : "double", worst);
    if (!(worst <= tol)) fail_msg("%s: export differs from predict by %g (> %g)", tag, worst, tol);
    free(want);
    free(got);
    ua_compiled_free(h);
    remove(src);
}

/* n rows of d inputs in [-2, 2] and k smooth targets of them */
static void make_data(size_t n, size_t d, size_t k, uint64_t seed, double *x, double *y)
{
    ua_rng r;
    ua_rng_seed(&r, seed);
    for (size_t i = 0; i < n * d; i++) x[i] = 4 * ua_rng_uniform(&r) - 2;
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < k; t++) {
            double s = 10.0 * (double)t;
            for (size_t j = 0; j < d; j++) s += sin((double)(j + t + 1) * x[i * d + j]);
            y[i * k + t] = s;
        }
}

static const size_t SHAPES[][2] = {{1, 1}, {3, 1}, {3, 2}};

static void test_kernel_rf_exports(void **state)
{
    (void)state;
    static double x[150 * 3], y[150 * 2], xt[NT * 3], yt[NT * 2];
    for (size_t s = 0; s < 3; s++) {
        size_t d = SHAPES[s][0], k = SHAPES[s][1];
        make_data(150, d, k, 5 + s, x, y);
        make_data(NT, d, k, 50 + s, xt, yt);
        ua_kernel_options ko;
        ua_kernel_options_default(&ko);
        /* the default selection (lambda may go down to 1e-12: large cancelling weights, which
         * the float export keeps in double behind its float interface) */
        ua_kernel *km;
        assert_int_equal(ua_kernel_fit(x, y, 150, d, k, &ko, &km), UA_OK);
        ua_model *m;
        assert_int_equal(ua_model_wrap("kernel", km, NULL, -INFINITY, INFINITY, &m), UA_OK);
        char tag[32];
        snprintf(tag, sizeof tag, "kern%zu%zu", d, k);
        /* the sums run in another order than predict's BLAS, and the large cancelling weights of
         * a small lambda amplify that rounding (measured 2.4e-11 of the scale at 1e-12) */
        check_model_export(m, UA_EXPORT_DOUBLE, xt, 1e-10, tag);
        snprintf(tag, sizeof tag, "kernf%zu%zu", d, k);
        /* float: computed in double, so only the float input and output roundings remain */
        check_model_export(m, UA_EXPORT_FLOAT, xt, 1e-5, tag);
        ua_model_free(m);

        ua_rf_options ro;
        ua_rf_options_default(&ro);
        ro.features = 64;
        ua_rf *rf;
        assert_int_equal(ua_rf_fit(x, y, 150, d, k, &ro, &rf), UA_OK);
        assert_int_equal(ua_model_wrap("rf", rf, NULL, -INFINITY, INFINITY, &m), UA_OK);
        snprintf(tag, sizeof tag, "rf%zu%zu", d, k);
        check_model_export(m, UA_EXPORT_DOUBLE, xt, 1e-12, tag);
        ua_model_free(m);
    }
}

static void test_mlp_exports(void **state)
{
    (void)state;
    static double x[200 * 3], y[200 * 2], xt[NT * 3], yt[NT * 2];
    for (size_t s = 0; s < 3; s++) {
        size_t d = SHAPES[s][0], k = SHAPES[s][1];
        make_data(200, d, k, 9 + s, x, y);
        make_data(NT, d, k, 90 + s, xt, yt);
        for (int dt = 0; dt < 2; dt++) {
            ua_mlp_options o;
            ua_mlp_options_default(&o);
            o.nhidden = 2;
            o.hidden[0] = 16;
            o.hidden[1] = 8;
            o.act = s == 2 ? UA_ACT_TANH : UA_ACT_GELU;
            o.epochs = 3;
            o.batch = 32;
            o.threads = 1;
            o.dtype = dt ? UA_MLP_F64 : UA_MLP_F32;
            ua_mlp *net;
            assert_int_equal(ua_mlp_fit(x, y, 200, d, k, &o, &net), UA_OK);
            ua_model *m;
            assert_int_equal(ua_model_wrap("mlp", net, NULL, -INFINITY, INFINITY, &m), UA_OK);
            char tag[32];
            snprintf(tag, sizeof tag, "mlp%s%zu%zu", dt ? "64" : "32", d, k);
            /* f64: the same formulas, only the order of the sums differs from BLAS; f32: the
             * export computes in double what the library computes in float */
            check_model_export(m, UA_EXPORT_DOUBLE, xt, dt ? 1e-12 : 1e-5, tag);
            snprintf(tag, sizeof tag, "mlpf%s%zu%zu", dt ? "64" : "32", d, k);
            check_model_export(m, UA_EXPORT_FLOAT, xt, 1e-5, tag);
            ua_model_free(m);
        }
    }
}

/* A learner's measured error reaches the exported file's header. */
static void test_learner_header_in_export(void **state)
{
    (void)state;
    static double x[60 * 2], y[60], xt[NT * 2], yt[NT];
    make_data(60, 2, 1, 3, x, y);
    make_data(NT, 2, 1, 4, xt, yt);
    ua_kernel_options ko;
    ua_kernel_options_default(&ko);
    ua_kernel *km;
    assert_int_equal(ua_kernel_fit(x, y, 60, 2, 1, &ko, &km), UA_OK);
    ua_model *m;
    assert_int_equal(ua_model_wrap("kernel", km, NULL, -INFINITY, INFINITY, &m), UA_OK);
    char src[TU_PATH_MAX];
    scratch(src, "learner.c");
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "lrn", src), UA_OK);
    char *t = tu_slurp(src, NULL);
    assert_non_null(strstr(t, "measured error: not recorded")); /* nothing measured yet */
    free(t);
    /* the RMSE of predict on held-out rows, as a fit records it */
    double p[NT], ss = 0;
    assert_int_equal(ua_model_predict(m, xt, NT, p), UA_OK);
    for (size_t i = 0; i < NT; i++) ss += (p[i] - yt[i]) * (p[i] - yt[i]);
    char buf[32];
    assert_int_equal(ua_model_set_meta(m, "test_rmse", ua_fmt_double(buf, sqrt(ss / NT))), UA_OK);
    assert_int_equal(ua_model_set_meta(m, "train_rmse", "0.001"), UA_OK);
    assert_int_equal(ua_model_set_meta(m, "data", "train.csv"), UA_OK);
    assert_int_equal(ua_model_export_c(m, UA_EXPORT_DOUBLE, "lrn", src), UA_OK);
    t = tu_slurp(src, NULL);
    char want[96];
    snprintf(want, sizeof want, " *   test_rmse          %s", buf);
    assert_non_null(strstr(t, want));
    assert_non_null(strstr(t, " *   train_rmse         0.001"));
    assert_non_null(strstr(t, " * data: train.csv\n"));
    assert_non_null(strstr(t, "double lrn(const double *x)"));
    assert_null(strstr(t, "not recorded"));
    free(t);
    remove(src);
    ua_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constants_read_back),
        cmocka_unit_test(test_polynomials),
        cmocka_unit_test(test_signature),
        cmocka_unit_test(test_header_learner),
        cmocka_unit_test(test_header_box),
        cmocka_unit_test(test_kernel_rf_exports),
        cmocka_unit_test(test_mlp_exports),
        cmocka_unit_test(test_learner_header_in_export),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
