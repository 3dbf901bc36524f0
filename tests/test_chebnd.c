/*
 * Tests of the chebnd family through its vtable: exact ranks (sums of separable terms, the
 * Franke function, cos(10(x^2 + y))), separable products to 1e-14, 3-D Tucker ranks, integrals
 * against closed forms (polynomials, erf products), partial derivatives against analytic ones,
 * max / min of a function with a known extremum, save / load bitwise, the exported C compiled
 * and equal to predict, and bad input (dimensions, NaN, malformed tensors, budgets).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uniapprox.h>
#include "core/internal.h"
#include "model/family.h"
#define TU_SCRATCH_TAG "ua_test_chebnd"
#include "test_util.h"

#define PI 3.14159265358979323846

static const char *const XY[] = {"x", "y", "z", "w"};

/* The FORMULA problem spec in the variables x, y (, z, w) on the box lo, hi (d,). */
static ua_problem *formula(const char *spec, size_t d, const double *lo, const double *hi)
{
    ua_target *t = NULL;
    ua_problem *p = NULL;
    assert_int_equal(ua_target_parse(spec, XY, d, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, lo, hi, &p), UA_OK);
    ua_target_free(t);
    return p;
}

/* A fit through the vtable that must succeed (UA_OK); the caller frees state and meta. */
static void *fit_ok(ua_problem *p, const char *const *kv, ua_model **meta)
{
    void *state = NULL;
    ua_status s = tu_family_fit("chebnd", p, kv, meta, &state);
    if (s != UA_OK) fail_msg("chebnd fit: %s (status %d)", ua_last_error(), (int)s);
    assert_non_null(state);
    return state;
}

static const ua_family *fam(void) { return ua_family_find("chebnd"); }

/* The family's describe as parsed JSON (cJSON_Delete it). */
static cJSON *describe(const void *state)
{
    cJSON *o = cJSON_CreateObject();
    assert_non_null(o);
    assert_int_equal(fam()->describe(state, o), UA_OK);
    return o;
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v)) fail_msg("describe has no number '%s'", key);
    return v->valuedouble;
}

static double jarr(const cJSON *o, const char *key, int i)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsArray(a)) fail_msg("describe has no array '%s'", key);
    const cJSON *v = cJSON_GetArrayItem(a, i);
    assert_non_null(v);
    return v->valuedouble;
}

/* Max |model - f| (f in double, through the problem) at N points of a Sobol sequence in the
 * box, relative to max |f| there. */
static double rel_error(const void *state, const ua_problem *p)
{
    enum { N = 2000 };
    size_t d = ua_problem_dim(p);
    double *u = malloc(N * d * sizeof *u), *f = malloc(N * sizeof *f), *y = malloc(N * sizeof *y);
    assert_non_null(u);
    assert_non_null(f);
    assert_non_null(y);
    assert_int_equal(ua_qmc_sobol(d, N, 7, 99, u), UA_OK);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < d; j++) {
            double lo = ua_problem_lo(p)[j], hi = ua_problem_hi(p)[j];
            u[i * d + j] = lo + (hi - lo) * u[i * d + j];
        }
    assert_int_equal(ua_problem_eval(p, u, N, f), UA_OK);
    assert_int_equal(fam()->predict(state, u, N, y), UA_OK);
    double err = 0, scale = 0;
    for (size_t i = 0; i < N; i++) {
        err = fmax(err, fabs(y[i] - f[i]));
        scale = fmax(scale, fabs(f[i]));
    }
    free(u);
    free(f);
    free(y);
    return err / scale;
}

/* Fits spec on the box and checks the rank (2-D) reported by describe. Returns the relative
 * error at independent points. */
static double fit_rank2(const char *spec, double a, double b, size_t rank)
{
    double lo[2] = {a, a}, hi[2] = {b, b};
    ua_problem *p = formula(spec, 2, lo, hi);
    ua_model *meta = NULL;
    void *st = fit_ok(p, NULL, &meta);
    cJSON *o = describe(st);
    double err = rel_error(st, p);
    print_message("%s: rank %g, lengths %g x %g, %g evaluations, rel. error %.3g\n", spec,
                  jnum(o, "rank"), jarr(o, "lengths", 0), jarr(o, "lengths", 1),
                  jnum(o, "evaluations"), err);
    assert_int_equal((size_t)jnum(o, "rank"), rank);
    assert_true(jnum(o, "evaluations") > 0);
    cJSON_Delete(o);
    fam()->free(st);
    ua_model_free(meta);
    ua_problem_free(p);
    return err;
}

static void test_exact_ranks_2d(void **state)
{
    (void)state;
    /* a sum of r separable terms has rank r */
    ASSERT_LE(fit_rank2("exp(x)*sin(y)", -1, 1, 1), 1e-14);
    ASSERT_LE(fit_rank2("exp(x)*sin(2*y) + cos(3*x)*y^2", -1, 1, 2), 1e-13);
    ASSERT_LE(fit_rank2("exp(x)*sin(2*y) + cos(3*x)*y^2 + 1/(3+x)*exp(-y)", -1, 1, 3), 1e-13);
    /* cos(a + b) = cos a cos b - sin a sin b: rank 2 (Townsend & Trefethen 2013) */
    ASSERT_LE(fit_rank2("cos(10*(x^2+y))", -1, 1, 2), 1e-13);
    /* Franke's function on [0, 1]^2: four separable Gaussians, rank 4 (Chebfun2's example) */
    ASSERT_LE(fit_rank2("3/4*exp(-((9*x-2)^2+(9*y-2)^2)/4) + 3/4*exp(-(9*x+1)^2/49-(9*y+1)/10)"
                        " + 1/2*exp(-((9*x-7)^2+(9*y-3)^2)/4) - 1/5*exp(-(9*x-4)^2-(9*y-7)^2)",
                        0, 1, 4),
              1e-13);
}

static void test_separable_3d(void **state)
{
    (void)state;
    const double lo[3] = {-1, -1, -1}, hi[3] = {1, 1, 1};
    struct {
        const char *spec;
        size_t maxrank;
        double tol;
    } cases[] = {
        {"exp(x)*cos(2*y)*(1+z^2)", 1, 1e-14},
        {"exp(x)*cos(y)*z + sin(x)*y^2*exp(z)", 2, 1e-13},
    };
    for (size_t c = 0; c < 2; c++) {
        ua_problem *p = formula(cases[c].spec, 3, lo, hi);
        ua_model *meta = NULL;
        void *st = fit_ok(p, NULL, &meta);
        cJSON *o = describe(st);
        double err = rel_error(st, p);
        print_message("%s: ranks (%g, %g, %g), lengths (%g, %g, %g), %g evaluations, rel. error "
                      "%.3g\n", cases[c].spec, jarr(o, "ranks", 0), jarr(o, "ranks", 1),
                      jarr(o, "ranks", 2), jarr(o, "lengths", 0), jarr(o, "lengths", 1),
                      jarr(o, "lengths", 2), jnum(o, "evaluations"), err);
        for (int i = 0; i < 3; i++) {
            if (c == 0) assert_int_equal((size_t)jarr(o, "ranks", i), 1);
            ASSERT_LE(jarr(o, "ranks", i), (double)cases[c].maxrank);
        }
        ASSERT_LE(err, cases[c].tol);
        cJSON_Delete(o);
        fam()->free(st);
        ua_model_free(meta);
        ua_problem_free(p);
    }
}

/* exp(-x^2-y^2-z^2) cos(x+y+z) through the engine: resolved at the default tolerance, its error
 * measured against MPFR at points the constructor never saw. */
static void test_gauss_cos_3d_measured(void **state)
{
    (void)state;
    const double lo[3] = {-1, -1, -1}, hi[3] = {1, 1, 1};
    ua_problem *p = formula("exp(-x^2-y^2-z^2)*cos(x+y+z)", 3, lo, hi);
    ua_model *m = NULL;
    if (ua_fit(p, "chebnd", NULL, NULL, &m)) fail_msg("%s", ua_last_error());
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = 20000;
    ua_measurement r;
    assert_int_equal(ua_model_measure(m, p, &mo, &r), UA_OK);
    print_message("exp(-x^2-y^2-z^2)cos(x+y+z): max abs error %.3g over %zu points (MPFR), "
                  "tolerance ratio %.3g, resolved %d\n", r.err.max_abs, r.err.npoints,
                  r.err.tol_ratio, r.resolved);
    assert_true(r.has_tol);
    assert_true(r.resolved);
    ASSERT_LE(r.err.max_abs, 1e-14);
    ua_measurement_free(&r);
    ua_model_free(m);
    ua_problem_free(p);
}

/* The integral over the box against closed forms. */
static void test_integrals(void **state)
{
    (void)state;
    struct {
        const char *spec;
        size_t d;
        double lo[3], hi[3], exact;
    } cases[] = {
        /* int_0^1 int_0^2 x^2 y^3 + x y = (1/3)(4) + (1/2)(2) = 7/3 */
        {"x^2*y^3 + x*y", 2, {0, 0}, {1, 2}, 7.0 / 3.0},
        /* a Gaussian bump: (sqrt(pi)/2 (erf(1) - erf(-1)))^2 on [-1,1]^2 with exp(-x^2-y^2) */
        {"exp(-x^2-y^2)", 2, {-1, -1}, {1, 1}, PI * erf(1.0) * erf(1.0)},
        /* off-centre, narrow: exp(-((x-0.2)^2 + (y+0.1)^2) / 0.02) on [-1, 1]^2:
         * prod_i sqrt(pi 0.02) / 2 (erf((1 - c_i) / s) + erf((1 + c_i) / s)), s = sqrt(0.02) */
        {"exp(-((x-0.2)^2+(y+0.1)^2)/0.02)", 2, {-1, -1}, {1, 1}, NAN},
        /* 3-D: int x y^2 z^3 + 1 on [0,1]x[0,1]x[0,2] = (1/2)(1/3)(4) + 2 = 8/3 */
        {"x*y^2*z^3 + 1", 3, {0, 0, 0}, {1, 1, 2}, 8.0 / 3.0},
        /* 3-D Gaussian bump on [-1, 1]^3 */
        {"exp(-x^2-2*y^2-3*z^2)", 3, {-1, -1, -1}, {1, 1, 1}, NAN},
    };
    double s = sqrt(0.02);
    cases[2].exact = (sqrt(PI * 0.02) / 2 * (erf(0.8 / s) + erf(1.2 / s))) *
                     (sqrt(PI * 0.02) / 2 * (erf(1.1 / s) + erf(0.9 / s)));
    cases[4].exact = 1.0;
    for (int a = 1; a <= 3; a++) cases[4].exact *= sqrt(PI / a) * erf(sqrt((double)a));
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ua_problem *p = formula(cases[c].spec, cases[c].d, cases[c].lo, cases[c].hi);
        ua_model *meta = NULL;
        void *st = fit_ok(p, NULL, &meta);
        cJSON *o = describe(st);
        double got = jnum(o, "integral"), err = fabs(got - cases[c].exact) / fabs(cases[c].exact);
        print_message("integral of %s: %.17g, exact %.17g, rel. error %.3g\n", cases[c].spec, got,
                      cases[c].exact, err);
        ASSERT_LE(err, 1e-14);
        cJSON_Delete(o);
        fam()->free(st);
        ua_model_free(meta);
        ua_problem_free(p);
    }
}

/* Partial derivatives through the vtable's gradient and ua_model_gradient, against the
 * analytic ones. */
static void test_gradient(void **state)
{
    (void)state;
    const double lo[3] = {-1, -1, -1}, hi[3] = {1, 2, 1};
    /* d = 2: f = sin(x) e^y + x y^2 */
    ua_problem *p = formula("sin(x)*exp(y) + x*y^2", 2, lo, hi);
    ua_model *m = NULL;
    if (ua_fit(p, "chebnd", NULL, NULL, &m)) fail_msg("%s", ua_last_error());
    enum { N = 50 };
    double x[N * 3], g[N * 3], worst = 0;
    for (size_t i = 0; i < N; i++) {
        x[2 * i] = -1 + 2 * fmod(0.618034 * (double)(i + 1), 1.0);
        x[2 * i + 1] = -1 + 3 * fmod(0.414214 * (double)(i + 1), 1.0);
    }
    assert_int_equal(ua_model_gradient(m, x, N, g), UA_OK);
    for (size_t i = 0; i < N; i++) {
        double a = x[2 * i], b = x[2 * i + 1];
        worst = fmax(worst, fabs(g[2 * i] - (cos(a) * exp(b) + b * b)));
        worst = fmax(worst, fabs(g[2 * i + 1] - (sin(a) * exp(b) + 2 * a * b)));
    }
    print_message("gradient of sin(x)e^y + xy^2: max error %.3g\n", worst);
    ASSERT_LE(worst, 1e-12);
    /* outside the box: NaN */
    double out[2] = {0.5, 2.5}, go[2];
    assert_int_equal(ua_model_gradient(m, out, 1, go), UA_OK);
    assert_true(isnan(go[0]) && isnan(go[1]));
    ua_model_free(m);
    ua_problem_free(p);

    /* d = 3: f = exp(x) cos(y z) */
    p = formula("exp(x)*cos(y*z)", 3, lo, hi);
    if (ua_fit(p, "chebnd", NULL, NULL, &m)) fail_msg("%s", ua_last_error());
    worst = 0;
    for (size_t i = 0; i < N; i++) {
        x[3 * i] = -1 + 2 * fmod(0.618034 * (double)(i + 1), 1.0);
        x[3 * i + 1] = -1 + 3 * fmod(0.414214 * (double)(i + 1), 1.0);
        x[3 * i + 2] = -1 + 2 * fmod(0.732051 * (double)(i + 1), 1.0);
    }
    assert_int_equal(ua_model_gradient(m, x, N, g), UA_OK);
    for (size_t i = 0; i < N; i++) {
        double a = x[3 * i], b = x[3 * i + 1], c = x[3 * i + 2];
        worst = fmax(worst, fabs(g[3 * i] - exp(a) * cos(b * c)));
        worst = fmax(worst, fabs(g[3 * i + 1] + exp(a) * c * sin(b * c)));
        worst = fmax(worst, fabs(g[3 * i + 2] + exp(a) * b * sin(b * c)));
    }
    print_message("gradient of exp(x)cos(yz): max error %.3g\n", worst);
    ASSERT_LE(worst, 1e-11);
    ua_model_free(m);
    ua_problem_free(p);

    /* a family without the hook says so */
    double a = 0, b = 1;
    p = tu_formula_1d("exp(x)", a, b);
    if (ua_fit(p, "cheb", NULL, NULL, &m)) fail_msg("%s", ua_last_error());
    assert_int_equal(ua_model_gradient(m, x, 1, g), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "the cheb family has no analytic gradient"));
    ua_model_free(m);
    ua_problem_free(p);
}

/* Max and min of a bump with a known peak inside the box and its minimum at a corner. */
static void test_extrema(void **state)
{
    (void)state;
    const double lo[3] = {-1, -1, -1}, hi[3] = {1, 1, 1};
    ua_problem *p = formula("exp(-((x-0.3)^2+2*(y+0.2)^2))", 2, lo, hi);
    ua_model *meta = NULL;
    void *st = fit_ok(p, NULL, &meta);
    cJSON *o = describe(st);
    const cJSON *mx = o, *mn = o; /* "max", "max_at", "min", "min_at" */
    print_message("max %.17g at (%.17g, %.17g); min %.17g at (%.17g, %.17g)\n",
                  jnum(mx, "max"), jarr(mx, "max_at", 0), jarr(mx, "max_at", 1), jnum(mn, "min"),
                  jarr(mn, "min_at", 0), jarr(mn, "min_at", 1));
    ASSERT_LE(fabs(jnum(mx, "max") - 1.0), 1e-14);
    ASSERT_LE(fabs(jarr(mx, "max_at", 0) - 0.3), 1e-7); /* a smooth maximum: x to about sqrt(u) */
    ASSERT_LE(fabs(jarr(mx, "max_at", 1) + 0.2), 1e-7);
    /* the farthest corner (-1, 1): exp(-(1.69 + 2 * 1.44)) */
    ASSERT_LE(fabs(jnum(mn, "min") - exp(-(1.69 + 2 * 1.44))), 1e-14);
    assert_true(jarr(mn, "min_at", 0) == -1.0 && jarr(mn, "min_at", 1) == 1.0);
    cJSON_Delete(o);
    fam()->free(st);
    ua_model_free(meta);
    ua_problem_free(p);

    /* 3-D: the peak of -(x-0.1)^2 - (y-0.2)^2 - (z+0.3)^2 + x y z is found by Newton */
    p = formula("cos(x-0.1)*cos(y-0.2)*cos(z+0.3)", 3, lo, hi);
    st = fit_ok(p, NULL, &meta);
    o = describe(st);
    mx = o;
    ASSERT_LE(fabs(jnum(mx, "max") - 1.0), 1e-14);
    ASSERT_LE(fabs(jarr(mx, "max_at", 0) - 0.1), 1e-7);
    ASSERT_LE(fabs(jarr(mx, "max_at", 1) - 0.2), 1e-7);
    ASSERT_LE(fabs(jarr(mx, "max_at", 2) + 0.3), 1e-7);
    cJSON_Delete(o);
    fam()->free(st);
    ua_model_free(meta);
    ua_problem_free(p);
}

/* Save and load through ua_st: the same tensors and bitwise the same predictions; the export
 * compiled equals predict bitwise (double), and to float precision (float). */
static void roundtrip_and_export(const char *spec, size_t d)
{
    const double lo[3] = {-1, -0.5, 0}, hi[3] = {1, 1.5, 2};
    ua_problem *p = formula(spec, d, lo, hi);
    ua_model *meta = NULL;
    void *st = fit_ok(p, NULL, &meta);
    ua_st *t = NULL;
    assert_int_equal(ua_st_alloc(&t), UA_OK);
    assert_int_equal(fam()->save(st, t), UA_OK);
    void *back = NULL;
    assert_int_equal(fam()->load(t, -INFINITY, INFINITY, &back), UA_OK);
    enum { N = 300 };
    double x[N * 3], y1[N], y2[N], yc[N], yf[N];
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = lo[j] + (hi[j] - lo[j]) * fmod(0.7548776662 * (double)(i * d + j + 1), 1.0);
    x[0] = lo[0]; /* the box's corners belong to it */
    x[1] = hi[1];
    assert_int_equal(fam()->predict(st, x, N, y1), UA_OK);
    assert_int_equal(fam()->predict(back, x, N, y2), UA_OK);
    assert_memory_equal(y1, y2, sizeof y1);
    ua_compiled *c = NULL, *cf = NULL;
    void *sym = tu_compile_export(fam(), back, UA_EXPORT_DOUBLE, "nd_export", &c, NULL);
    void *symf = tu_compile_export(fam(), back, UA_EXPORT_FLOAT, "nd_exportf", &cf, NULL);
    double (*f)(const double *);
    float (*ff)(const float *);
    memcpy(&f, &sym, sizeof f);
    memcpy(&ff, &symf, sizeof ff);
    double worstf = 0, scale = 0;
    for (size_t i = 0; i < N; i++) {
        float xf[3];
        for (size_t j = 0; j < d; j++) xf[j] = (float)x[i * d + j];
        yc[i] = f(x + i * d);
        yf[i] = ff(xf);
        if (i > 1) worstf = fmax(worstf, fabs(yf[i] - y1[i]));
        scale = fmax(scale, fabs(y1[i]));
    }
    assert_memory_equal(yc, y1, sizeof yc);
    print_message("%s: float export max error %.3g (scale %.3g)\n", spec, worstf, scale);
    ASSERT_LE(worstf, 1e-5 * scale);
    double outside[3] = {lo[0] - 1, lo[1], lo[2]};
    assert_true(isnan(f(outside)));
    ua_compiled_free(c);
    ua_compiled_free(cf);
    fam()->free(back);
    ua_st_free(t);
    fam()->free(st);
    ua_model_free(meta);
    ua_problem_free(p);
}

static void test_save_load_export(void **state)
{
    (void)state;
    roundtrip_and_export("exp(x)*sin(3*y) + 1/(2+x+y)", 2);
    roundtrip_and_export("exp(-x^2-y^2-z^2)*cos(x+y+z)", 3);
}

/* Malformed tensors are refused with UA_EFORMAT (the file is untrusted). */
static void test_bad_files(void **state)
{
    (void)state;
    const double lo[2] = {-1, -1}, hi[2] = {1, 1};
    const double fac[6] = {1, 0.5, 0.25, 0.5, 1, 0};
    struct {
        const char *what;
        int64_t core_n;
        double core0, lo0;
        int drop_factor;
    } cases[] = {
        {"core of another length", 3, 1.0, -1, 0},
        {"NaN in the core", 2, NAN, -1, 0},
        {"lo >= hi", 2, 1.0, 1, 0},
        {"a factor missing", 2, 1.0, -1, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ua_st *t = NULL;
        assert_int_equal(ua_st_alloc(&t), UA_OK);
        int64_t s2 = 2, sf[2] = {2, 3};
        double l[2] = {cases[c].lo0, lo[1]}, core[3] = {cases[c].core0, 1.0, 1.0};
        assert_int_equal(ua_st_add(t, "lo", UA_F64, 1, &s2, l), UA_OK);
        assert_int_equal(ua_st_add(t, "hi", UA_F64, 1, &s2, hi), UA_OK);
        assert_int_equal(ua_st_add(t, "factor_0", UA_F64, 2, sf, fac), UA_OK);
        if (!cases[c].drop_factor)
            assert_int_equal(ua_st_add(t, "factor_1", UA_F64, 2, sf, fac), UA_OK);
        assert_int_equal(ua_st_add(t, "core", UA_F64, 1, &cases[c].core_n, core), UA_OK);
        void *m = (void *)1;
        assert_int_equal(fam()->load(t, -INFINITY, INFINITY, &m), UA_EFORMAT);
        assert_null(m);
        print_message("%s: %s\n", cases[c].what, ua_last_error());
        ua_st_free(t);
    }
    /* a well-formed one loads, and evaluates sum_k core_k u0_k u1_k at the centre */
    ua_st *t = NULL;
    assert_int_equal(ua_st_alloc(&t), UA_OK);
    int64_t s2 = 2, sf[2] = {2, 3};
    double core[2] = {1.0, 2.0};
    assert_int_equal(ua_st_add(t, "lo", UA_F64, 1, &s2, lo), UA_OK);
    assert_int_equal(ua_st_add(t, "hi", UA_F64, 1, &s2, hi), UA_OK);
    assert_int_equal(ua_st_add(t, "factor_0", UA_F64, 2, sf, fac), UA_OK);
    assert_int_equal(ua_st_add(t, "factor_1", UA_F64, 2, sf, fac), UA_OK);
    assert_int_equal(ua_st_add(t, "core", UA_F64, 1, &s2, core), UA_OK);
    void *m = NULL;
    assert_int_equal(fam()->load(t, -INFINITY, INFINITY, &m), UA_OK);
    /* at s = 0: T0 = 1, T1 = 0, T2 = -1: u_0 = 1 - 0.25 = 0.75, u_1 = 0.5 - 0 = 0.5 */
    double x0[2] = {0, 0}, y0;
    assert_int_equal(fam()->predict(m, x0, 1, &y0), UA_OK);
    assert_true(fabs(y0 - (1.0 * 0.75 * 0.75 + 2.0 * 0.5 * 0.5)) < 1e-15);
    fam()->free(m);
    ua_st_free(t);
}

/* 1-D and 4-D problems are refused by accepts; NaN from the formula is a clear error. */
static void test_bad_problems(void **state)
{
    (void)state;
    double lo[4] = {-1, -1, -1, -1}, hi[4] = {1, 1, 1, 1};
    ua_problem *p = tu_formula_1d("exp(x)", -1, 1);
    assert_int_equal(ua_family_accepts("chebnd", p), UA_EUNSUPPORTED);
    assert_non_null(strstr(ua_last_error(), "chebnd"));
    ua_problem_free(p);
    p = formula("x*y*z*w", 4, lo, hi);
    assert_int_equal(ua_family_accepts("chebnd", p), UA_EUNSUPPORTED);
    assert_non_null(strstr(ua_last_error(), "2- to 3-D"));
    ua_problem_free(p);
    /* log of a negative number: NaN at a grid point, named */
    p = formula("log(x)*y", 2, lo, hi);
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(tu_family_fit("chebnd", p, NULL, &meta, &st), UA_EDOMAIN);
    assert_null(st);
    print_message("NaN: %s\n", ua_last_error());
    assert_non_null(strstr(ua_last_error(), "log(x)*y is nan at (x, y) = ("));
    ua_model_free(meta);
    ua_problem_free(p);
    /* --tol with --abs-tol */
    p = formula("x*y", 2, lo, hi);
    const char *both[] = {"tol", "1e-10", "abs-tol", "1e-10", NULL};
    assert_int_equal(tu_family_fit("chebnd", p, both, &meta, &st), UA_EINVAL);
    ua_model_free(meta);
    ua_problem_free(p);
}

/* Caps: --max-rank and --max-evals stop with the best model, not resolved; a budget below the
 * first grid is bad input. */
static void test_caps(void **state)
{
    (void)state;
    double lo[2] = {-1, -1}, hi[2] = {1, 1};
    ua_problem *p = formula("1/(1+25*(x^2+y^2))", 2, lo, hi);
    ua_model *meta = NULL;
    void *st = NULL;
    const char *rank2[] = {"max-rank", "2", NULL};
    assert_int_equal(tu_family_fit("chebnd", p, rank2, &meta, &st), UA_ENOTRESOLVED);
    assert_non_null(st);
    print_message("--max-rank 2: %s\n", ua_last_error());
    assert_non_null(strstr(ua_last_error(), "rank 2"));
    cJSON *o = describe(st);
    assert_int_equal((int)jnum(o, "rank"), 2);
    cJSON_Delete(o);
    fam()->free(st);
    ua_model_free(meta);
    const char *few[] = {"max-evals", "100", NULL};
    assert_int_equal(tu_family_fit("chebnd", p, few, &meta, &st), UA_EINVAL);
    assert_null(st);
    assert_non_null(strstr(ua_last_error(), "--max-evals 100"));
    ua_model_free(meta);
    const char *some[] = {"max-evals", "1500", NULL};
    assert_int_equal(tu_family_fit("chebnd", p, some, &meta, &st), UA_ENOTRESOLVED);
    assert_non_null(st);
    o = describe(st);
    print_message("--max-evals 1500: %s; %g evaluations\n", ua_last_error(), jnum(o, "evaluations"));
    ASSERT_LE(jnum(o, "evaluations"), 1500);
    cJSON_Delete(o);
    fam()->free(st);
    ua_model_free(meta);
    ua_problem_free(p);
}

/* The user's function (a callback FUNCTION problem): the reported evaluations are its calls. */
static double user_f(const double *x, void *ctx)
{
    (*(size_t *)ctx)++;
    return 1.0 / (2.0 + x[0] * x[1]) + x[1] * x[1] * cos(x[0]);
}

static void test_function_problem(void **state)
{
    (void)state;
    size_t calls = 0;
    const double lo[2] = {-1, 0}, hi[2] = {1, 1};
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_callback(user_f, &calls, 2, lo, hi, "user_f", &p), UA_OK);
    ua_model *meta = NULL;
    void *st = fit_ok(p, NULL, &meta);
    size_t fit_calls = calls;
    cJSON *o = describe(st);
    print_message("user function: rank %g, %zu calls, %g evaluations reported\n", jnum(o, "rank"),
                  fit_calls, jnum(o, "evaluations"));
    assert_int_equal((size_t)jnum(o, "evaluations"), fit_calls);
    ASSERT_LE(rel_error(st, p), 1e-14);
    cJSON_Delete(o);
    fam()->free(st);
    ua_model_free(meta);
    ua_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_ranks_2d),
        cmocka_unit_test(test_separable_3d),
        cmocka_unit_test(test_gauss_cos_3d_measured),
        cmocka_unit_test(test_integrals),
        cmocka_unit_test(test_gradient),
        cmocka_unit_test(test_extrema),
        cmocka_unit_test(test_save_load_export),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_bad_problems),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_function_problem),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
