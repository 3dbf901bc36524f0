/*
 * Tests of the minimax family's stored basis, degree choice and restricted monomials:
 *  - a degree-100 Remez fit of Runge's function stored in the Chebyshev basis: fit, save, load,
 *    export (compiled), measured by the engine against MPFR — its error is the levelled error,
 *    which agrees with Sollya's remez (tests/ref/minimax_basis_sollya.csv, written by
 *    tests/gen/minimax_basis_sollya.sh);
 *  - the automatic basis keeps monomials at low degree (the libm kernels);
 *  - --degree auto: exp on [-1, 1] to 1e-15 picks the least degree by Sollya's errors; abs(x) to
 *    1e-6 is "not resolved" with the best measured model (Bernstein's constant 0.2801694990
 *    checks it) and a degree above the limit is refused before any computation;
 *  - odd / even / chosen monomials against Sollya's remez on [|1,3,5,7|], [|0,2,4,6|], and the
 *    alternation theorem checked independently (MPFR) for a sparse list;
 *  - --var auto takes the unit variable when the monomials in x overflow double.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uniapprox.h>
#include "model/family.h"
#define TU_SCRATCH_TAG "ua_test_minimax_basis"
#include "test_util.h"

#define ASSERT_REL(v, ref, tol)                                                               \
    do {                                                                                      \
        double v_ = (v), r_ = (ref);                                                          \
        if (!(fabs(v_ - r_) <= (tol) * fabs(r_)))                                             \
            fail_msg("%s = %.17g, expected %.17g (rel tol %g)", #v, v_, r_, (double)(tol));   \
    } while (0)

static ua_target *parse(const char *spec)
{
    ua_target *t = NULL;
    if (ua_target_parse(spec, NULL, 0, &t) != UA_OK)
        fail_msg("parse '%s': %s", spec, ua_last_error());
    return t;
}

static ua_minimax *fit(const char *spec, double a, double b, const ua_minimax_options *o,
                       ua_status want)
{
    ua_target *t = parse(spec);
    ua_minimax *p = NULL;
    ua_status s = ua_minimax_fit(t, a, b, o, &p);
    ua_target_free(t);
    if (s != want)
        fail_msg("fit %s: status %s, expected %s (%s)", spec, ua_strerror(s), ua_strerror(want),
                 ua_last_error());
    return p;
}

static ua_minimax_options opts(int degree)
{
    ua_minimax_options o;
    ua_minimax_options_default(&o);
    o.degree = degree;
    return o;
}

/* Sollya's remez sup error for the named case in tests/ref/minimax_basis_sollya.csv; *a, *b the
 * interval (doubles, as Sollya rounded them). */
static double sollya(const char *name, double *a, double *b)
{
    FILE *f = fopen(UA_TEST_DIR "/ref/minimax_basis_sollya.csv", "r");
    if (!f) fail_msg("cannot open tests/ref/minimax_basis_sollya.csv");
    char line[1024];
    double v = NAN;
    while (fgets(line, sizeof line, f)) {
        char *fld[5], *save = NULL;
        int k = 0;
        for (char *tok = strtok_r(line, ",\n", &save); tok && k < 5;
             tok = strtok_r(NULL, ",\n", &save))
            fld[k++] = tok;
        if (k == 5 && !strcmp(fld[0], name)) {
            if (a) *a = strtod(fld[1], NULL);
            if (b) *b = strtod(fld[2], NULL);
            v = strtod(fld[4], NULL);
        }
    }
    fclose(f);
    if (!(v > 0)) fail_msg("case '%s' missing from minimax_basis_sollya.csv", name);
    return v;
}

/* max |model(x) - f(x)| against MPFR over n + 1 uniform points and the alternation points. */
static double mpfr_error(const ua_minimax *p, const char *spec, double a, double b, int n)
{
    ua_target *t = parse(spec);
    mpfr_t y;
    mpfr_init2(y, 160);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    double worst = 0;
    for (int i = 0; i <= n + (int)in.nalt; i++) {
        double x = i <= n ? a + (b - a) * i / n : in.alt[i - n - 1];
        if (x > b) x = b;
        ua_target_eval_mpfr(t, &x, y);
        mpfr_sub_d(y, y, ua_minimax_eval(p, x), MPFR_RNDN);
        worst = fmax(worst, fabs(mpfr_get_d(y, MPFR_RNDN)));
    }
    mpfr_clear(y);
    ua_target_free(t);
    return worst;
}

/* ---- 7: the Chebyshev basis at high degree ------------------------------------------------ */

static void test_runge_degree100_chebyshev(void **state)
{
    (void)state;
    const char *runge = "1/(1+25*x^2)";
    double E = sollya("runge100", NULL, NULL);
    ua_problem *pr = tu_formula_1d(runge, -1, 1);
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("minimax", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "degree", "100"), UA_OK);
    ua_model *m = NULL;
    assert_int_equal(ua_fit(pr, "minimax", o, NULL, &m), UA_OK);
    ua_options_free(o);
    const ua_minimax *p = ua_model_state(m);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.degree, 100);
    assert_int_equal(in.basis, UA_MINIMAX_BASIS_CHEBYSHEV);
    assert_true(in.converged);
    /* the best error: ours is at most Sollya's (its remez stops at quality 1e-5) */
    ASSERT_LE(in.levelled_error, E * (1 + 1e-9));
    ASSERT_LE(E * (1 - 1e-5), in.levelled_error);
    assert_int_equal(in.nalt, 102);
    /* the stored double coefficients reproduce it: the model's error is the levelled error */
    ASSERT_LE(in.measured_error, 1.01 * in.levelled_error);
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = 20000;
    ua_measurement r;
    assert_int_equal(ua_model_measure(m, pr, &mo, &r), UA_OK);
    assert_true(r.resolved);
    ASSERT_LE(r.err.max_abs, 1.01 * in.levelled_error);
    ASSERT_LE(0.99 * in.levelled_error, r.err.max_abs); /* it equioscillates at that level */
    ua_measurement_free(&r);

    /* save, load: the same coefficients, the same values */
    const char *path = tu_path("runge.safetensors");
    ua_model *m2 = NULL;
    assert_int_equal(ua_model_save(m, path), UA_OK);
    assert_int_equal(ua_model_load(path, &m2), UA_OK);
    unlink(path);
    const ua_minimax *q = ua_model_state(m2);
    ua_minimax_info iq;
    ua_minimax_get_info(q, &iq);
    assert_int_equal(iq.basis, UA_MINIMAX_BASIS_CHEBYSHEV);
    size_t n1, n2;
    const double *c1 = ua_minimax_num(p, &n1), *c2 = ua_minimax_num(q, &n2);
    assert_int_equal(n1, 101);
    assert_int_equal(n2, 101);
    assert_memory_equal(c1, c2, n1 * sizeof *c1);
    assert_true(iq.shift == in.shift && iq.scale == in.scale);
    ASSERT_LE(mpfr_error(q, runge, -1, 1, 4000), 1.01 * in.levelled_error);
    assert_int_equal(ua_model_measure(m2, pr, &mo, &r), UA_OK);
    ASSERT_LE(r.err.max_abs, 1.01 * in.levelled_error);
    ua_measurement_free(&r);

    /* the exported C (Clenshaw) equals the library bitwise in double, within float rounding in
     * float */
    ua_compiled *cd = NULL, *cf = NULL;
    char *text = NULL;
    double (*fd)(double) = (double (*)(double))tu_compile_export(
        &ua_family_minimax, q, UA_EXPORT_DOUBLE, "runge_d", &cd, &text);
    assert_non_null(strstr(text, "Clenshaw"));
    free(text);
    float (*ff)(float) = (float (*)(float))tu_compile_export(&ua_family_minimax, q,
                                                             UA_EXPORT_FLOAT, "runge_f", &cf, NULL);
    double werr = 0;
    for (int i = 0; i <= 4000; i++) {
        double x = -1 + 2.0 * i / 4000;
        if (x > 1) x = 1;
        double yd = fd(x);
        if (memcmp(&yd, &(double){ua_minimax_eval(q, x)}, sizeof yd))
            fail_msg("export != eval at x = %.17g: %.17g vs %.17g", x, yd, ua_minimax_eval(q, x));
        float xf = (float)x, yf = ff(xf), yl = ua_minimax_eval_float(q, xf);
        if (memcmp(&yf, &yl, sizeof yf))
            fail_msg("float export != eval_float at x = %.9g: %.9g vs %.9g", xf, yf, yl);
        werr = fmax(werr, fabs(yd - 1.0 / (1.0 + 25.0 * x * x)));
    }
    ASSERT_LE(werr, 1.02 * in.levelled_error);
    assert_true(isnan(fd(1.5)));
    ua_compiled_free(cd);
    ua_compiled_free(cf);
    ua_model_free(m);
    ua_model_free(m2);

    /* the same fit forced into monomials is what the Chebyshev basis replaces: off by orders of
     * magnitude, and not resolved */
    ua_minimax_options om = opts(100);
    om.basis = UA_MINIMAX_BASIS_MONOMIAL;
    ua_minimax *pm = fit(runge, -1, 1, &om, UA_ENOTRESOLVED);
    ua_minimax_get_info(pm, &in);
    assert_true(in.measured_error > 1e3 * in.levelled_error);
    ua_minimax_free(pm);
    ua_problem_free(pr);
}

static void test_basis_auto_keeps_monomials(void **state)
{
    (void)state;
    /* exp on [-1, 1] of degree 10 (Sollya: 2.5023e-11): the monomials reproduce it in double */
    ua_minimax_options o = opts(10);
    ua_minimax *p = fit("exp(x)", -1, 1, &o, UA_OK);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.basis, UA_MINIMAX_BASIS_MONOMIAL);
    ua_minimax_free(p);
    /* float coefficients (the kernels): monomials */
    o.coeffs = UA_MINIMAX_FLOAT;
    p = fit("exp(x)", -1, 1, &o, UA_OK);
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.basis, UA_MINIMAX_BASIS_MONOMIAL);
    ua_minimax_free(p);
    /* forced Chebyshev: the same best approximation, evaluated as a series */
    o = opts(10);
    o.basis = UA_MINIMAX_BASIS_CHEBYSHEV;
    p = fit("exp(x)", -1, 1, &o, UA_OK);
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.basis, UA_MINIMAX_BASIS_CHEBYSHEV);
    ASSERT_REL(in.levelled_error, 2.50228534130416649e-11, 1e-5);
    ASSERT_LE(mpfr_error(p, "exp(x)", -1, 1, 2000), in.levelled_error * (1 + 1e-4));
    /* T_0 coefficient of the best approximation ~ I_0(1) = 1.2660658777520082 */
    ASSERT_REL(ua_minimax_num(p, NULL)[0], 1.2660658777520082, 1e-9);
    ua_minimax_free(p);
    /* a rational in the Chebyshev basis: numerator and denominator series, the same best
     * approximation as in monomials */
    o = opts(4);
    o.den_degree = 4;
    ua_minimax *pr = fit("atan(x)", -1, 1, &o, UA_OK);
    o.basis = UA_MINIMAX_BASIS_CHEBYSHEV;
    p = fit("atan(x)", -1, 1, &o, UA_OK);
    ua_minimax_info ir;
    ua_minimax_get_info(pr, &ir);
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.basis, UA_MINIMAX_BASIS_CHEBYSHEV);
    assert_int_equal(in.den_degree, 4);
    ASSERT_REL(in.levelled_error, ir.levelled_error, 1e-12);
    ASSERT_LE(mpfr_error(p, "atan(x)", -1, 1, 2000), in.levelled_error * (1 + 1e-6));
    ua_minimax_free(pr);
    ua_minimax_free(p);
    /* the Chebyshev basis takes real coefficients and its own variable */
    ua_target *t = parse("exp(x)");
    o.coeffs = UA_MINIMAX_FLOAT;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL);
    assert_null(p);
    o.coeffs = UA_MINIMAX_REAL;
    o.var = UA_MINIMAX_VAR_X;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL);
    ua_target_free(t);
}

/* ---- 8: the degree ------------------------------------------------------------------------- */

static void test_auto_degree_exp(void **state)
{
    (void)state;
    /* Sollya: E_13 = 1.43e-15 > 1e-15 >= E_14 = 4.7e-17, so 14 is the least degree */
    double e13 = sollya("exp13", NULL, NULL), e14 = sollya("exp14", NULL, NULL);
    assert_true(e13 > 1e-15 && e14 < 1e-15);
    ua_minimax_options o = opts(UA_MINIMAX_DEGREE_AUTO);
    o.tol = 1e-15;
    ua_minimax *p = fit("exp(x)", -1, 1, &o, UA_OK);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.degree, 14);
    ASSERT_REL(in.levelled_error, e14, 1e-4);
    ASSERT_LE(in.measured_error, 1e-15);
    ASSERT_LE(mpfr_error(p, "exp(x)", -1, 1, 4000), 1e-15);
    ua_minimax_free(p);
}

static void test_auto_degree_abs_not_reachable(void **state)
{
    (void)state;
    ua_minimax_options o = opts(UA_MINIMAX_DEGREE_AUTO);
    o.tol = 1e-6;
    ua_minimax *p = fit("abs(x)", -1, 1, &o, UA_ENOTRESOLVED);
    const char *msg = ua_last_error();
    assert_non_null(strstr(msg, "not reachable"));
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    /* the default limit of the search, 64: the best measured model, in the Chebyshev basis */
    assert_int_equal(in.degree, 64);
    assert_int_equal(in.basis, UA_MINIMAX_BASIS_CHEBYSHEV);
    /* Bernstein: n E_n(|x|) -> 0.2801694990 (Varga & Carpenter 1985); at n = 64 within 1e-3 */
    ASSERT_REL(64 * in.measured_error, 0.2801694990, 1e-3);
    double e64 = mpfr_error(p, "abs(x)", -1, 1, 4000);
    ASSERT_LE(e64, in.measured_error * (1 + 1e-9));
    /* never worse than a lower degree fitted on its own */
    for (int d = 16; d <= 32; d += 16) {
        ua_minimax_options od = opts(d);
        ua_minimax *q = fit("abs(x)", -1, 1, &od, UA_OK);
        ua_minimax_info iq;
        ua_minimax_get_info(q, &iq);
        ASSERT_LE(in.measured_error, iq.measured_error);
        ua_minimax_free(q);
    }
    ua_minimax_free(p);
}

static void test_degree_limit(void **state)
{
    (void)state;
    ua_target *t = parse("exp(x)");
    ua_minimax_options o = opts(1000);
    ua_minimax *p = NULL;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL);
    assert_null(p);
    assert_non_null(strstr(ua_last_error(), "above the limit 250"));
    o = opts(200);
    o.den_degree = 60; /* m + n counts */
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL);
    o = opts(300);
    o.prec = 96; /* a narrower precision allows more */
    o.max_iter = 1;
    o.degree = 400;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL); /* limit 353 at 96 bits */
    ua_target_free(t);
}

/* ---- 9: odd, even and chosen monomials ----------------------------------------------------- */

static void check_parity(const ua_minimax *p, int odd)
{
    size_t n;
    const double *c = ua_minimax_num(p, &n);
    for (size_t k = odd ? 0 : 1; k < n; k += 2)
        if (c[k] != 0.0) fail_msg("coefficient %zu = %g, expected exactly 0", k, c[k]);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    for (size_t i = 0; i < in.nalt; i++) /* the alternation, mirrored onto [-b, b] */
        assert_true(in.alt[i] == -in.alt[in.nalt - 1 - i]);
}

static void test_odd_sin(void **state)
{
    (void)state;
    double a, b, E = sollya("sin_odd7", &a, &b);
    ua_minimax_options o = opts(7);
    o.parity = UA_MINIMAX_PARITY_ODD;
    ua_minimax *p = fit("sin(x)", a, b, &o, UA_OK);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.degree, 7);
    assert_int_equal(in.basis, UA_MINIMAX_BASIS_MONOMIAL);
    ASSERT_LE(in.levelled_error, E * (1 + 1e-9));
    ASSERT_LE(E * (1 - 1e-5), in.levelled_error);
    /* 4 coefficients: 5 alternation points on [0, b], 10 on [-b, b] */
    assert_int_equal(in.nalt, 10);
    check_parity(p, 1);
    double err = mpfr_error(p, "sin(x)", a, b, 4000);
    ASSERT_LE(err, in.levelled_error * (1 + 1e-6));
    ASSERT_LE(in.levelled_error * (1 - 1e-6), err);
    /* the full degree-7 polynomial is better (it has 8 coefficients), but not by much: sin is odd
     * so its best approximation is odd, and equals this one */
    ua_minimax_options of = opts(7);
    ua_minimax *pf = fit("sin(x)", a, b, &of, UA_OK);
    ua_minimax_info inf;
    ua_minimax_get_info(pf, &inf);
    ASSERT_REL(inf.levelled_error, in.levelled_error, 1e-6);
    ua_minimax_free(pf);
    /* the same as a list of monomials, Sollya's [|1,3,5,7|] */
    static const int ex[] = {1, 3, 5, 7};
    ua_minimax_options ol = opts(0);
    ol.monomials = ex;
    ol.nmonomials = 4;
    ua_minimax *pl = fit("sin(x)", a, b, &ol, UA_OK);
    ua_minimax_info il;
    ua_minimax_get_info(pl, &il);
    ASSERT_REL(il.levelled_error, in.levelled_error, 1e-9);
    check_parity(pl, 1);
    ua_minimax_free(pl);
    ua_minimax_free(p);
    /* float coefficients on the odd list: the lattice rounding keeps the even ones zero and finds
     * fpminimax(sin(x), [|1,3,5,7|], [|single...|], I, absolute) */
    double Ef = sollya("sin_odd7_fpsingle", NULL, NULL);
    o.coeffs = UA_MINIMAX_FLOAT;
    p = fit("sin(x)", a, b, &o, UA_OK);
    ua_minimax_get_info(p, &in);
    check_parity(p, 1);
    ASSERT_LE(in.coeff_error, Ef * (1 + 1e-9));
    ASSERT_LE(in.levelled_error, in.coeff_error);
    size_t nc;
    const double *cf = ua_minimax_num(p, &nc);
    for (size_t k = 0; k < nc; k++) assert_true((double)(float)cf[k] == cf[k]);
    ua_minimax_free(p);
    /* the relative error through 0 (p / sin - 1 -> p'(0) - 1 there), against Sollya's weighted
     * remez of the same problem, and measured with MPFR */
    double Er = sollya("sin_odd7_rel", NULL, NULL);
    o.coeffs = UA_MINIMAX_REAL;
    o.error = UA_MINIMAX_REL;
    p = fit("sin(x)", a, b, &o, UA_OK);
    ua_minimax_get_info(p, &in);
    check_parity(p, 1);
    ASSERT_LE(in.levelled_error, Er * (1 + 1e-9));
    ASSERT_LE(Er * (1 - 1e-5), in.levelled_error);
    mpfr_t y;
    mpfr_init2(y, 160);
    double rel = 0;
    for (int i = 0; i <= 4000; i++) {
        double x = a + (b - a) * i / 4000;
        if (x == 0.0 || x > b) continue;
        mpfr_set_d(y, x, MPFR_RNDN);
        mpfr_sin(y, y, MPFR_RNDN);
        mpfr_d_div(y, ua_minimax_eval(p, x), y, MPFR_RNDN);
        mpfr_sub_ui(y, y, 1, MPFR_RNDN);
        rel = fmax(rel, fabs(mpfr_get_d(y, MPFR_RNDN)));
    }
    mpfr_clear(y);
    ASSERT_LE(rel, in.levelled_error * (1 + 1e-6) + 2 * DBL_EPSILON);
    ASSERT_LE(in.levelled_error * 0.999, rel);
    ua_minimax_free(p);
    /* --degree auto over odd degrees only: the least odd degree meeting 1e-12 on [-1, 1] is the
     * least degree of the unrestricted search (sin is odd, so are its best approximations): 11 */
    ua_minimax_options oa = opts(UA_MINIMAX_DEGREE_AUTO);
    oa.tol = 1e-12;
    ua_minimax *pu = fit("sin(x)", -1, 1, &oa, UA_OK);
    oa.parity = UA_MINIMAX_PARITY_ODD;
    ua_minimax *po = fit("sin(x)", -1, 1, &oa, UA_OK);
    ua_minimax_info iu, io;
    ua_minimax_get_info(pu, &iu);
    ua_minimax_get_info(po, &io);
    assert_int_equal(io.degree, iu.degree);
    assert_int_equal(io.degree, 11);
    check_parity(po, 1);
    ASSERT_REL(io.levelled_error, iu.levelled_error, 1e-6);
    ua_minimax_free(pu);
    ua_minimax_free(po);
}

static void test_even_cos(void **state)
{
    (void)state;
    double a, b, E = sollya("cos_even6", &a, &b);
    ua_minimax_options o = opts(6);
    o.parity = UA_MINIMAX_PARITY_EVEN;
    ua_minimax *p = fit("cos(x)", a, b, &o, UA_OK);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    ASSERT_LE(in.levelled_error, E * (1 + 1e-9));
    ASSERT_LE(E * (1 - 1e-5), in.levelled_error);
    /* 4 coefficients: 5 alternation points on [0, b] including 0, 9 on [-b, b] */
    assert_int_equal(in.nalt, 9);
    check_parity(p, 0);
    ASSERT_LE(mpfr_error(p, "cos(x)", a, b, 4000), in.levelled_error * (1 + 1e-6));
    ua_minimax_free(p);
    double Ef = sollya("cos_even6_fpsingle", NULL, NULL);
    o.coeffs = UA_MINIMAX_FLOAT;
    p = fit("cos(x)", a, b, &o, UA_OK);
    ua_minimax_get_info(p, &in);
    check_parity(p, 0);
    ASSERT_LE(in.coeff_error, Ef * (1 + 1e-9));
    ua_minimax_free(p);
    o.coeffs = UA_MINIMAX_REAL;
    /* in the Chebyshev basis the odd coefficients stay exactly 0 too */
    o.basis = UA_MINIMAX_BASIS_CHEBYSHEV;
    p = fit("cos(x)", a, b, &o, UA_OK);
    check_parity(p, 0);
    ua_minimax_get_info(p, &in);
    ASSERT_LE(in.levelled_error, E * (1 + 1e-9));
    ua_minimax_free(p);
}

/* A sparse list on [0, 1] (Haar by Descartes' rule of signs): the alternation theorem, checked
 * with MPFR at the reported points: m + 1 = 3 points, alternating signs, equal |e|, and no larger
 * |e| anywhere. */
static void test_sparse_monomials_alternate(void **state)
{
    (void)state;
    static const int ex[] = {1, 5};
    ua_minimax_options o = opts(0);
    o.monomials = ex;
    o.nmonomials = 2;
    ua_minimax *p = fit("sin(x)", 0, 1, &o, UA_OK);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.degree, 5);
    assert_int_equal(in.nalt, 3);
    size_t n;
    const double *c = ua_minimax_num(p, &n);
    assert_int_equal(n, 6);
    for (size_t k = 0; k < n; k++)
        if (k != 1 && k != 5 && c[k] != 0.0) fail_msg("coefficient %zu = %g, expected 0", k, c[k]);
    mpfr_t y;
    mpfr_init2(y, 160);
    double prev = 0;
    for (size_t i = 0; i < in.nalt; i++) {
        double x = in.alt[i];
        mpfr_set_d(y, x, MPFR_RNDN);
        mpfr_sin(y, y, MPFR_RNDN);
        mpfr_d_sub(y, c[1] * x + c[5] * x * x * x * x * x, y, MPFR_RNDN);
        double e = mpfr_get_d(y, MPFR_RNDN);
        ASSERT_REL(fabs(e), in.levelled_error, 1e-6);
        if (i) assert_true((e > 0) != (prev > 0));
        prev = e;
    }
    mpfr_clear(y);
    ASSERT_LE(mpfr_error(p, "sin(x)", 0, 1, 4000), in.levelled_error * (1 + 1e-6));
    ua_minimax_free(p);
}

static void test_restricted_refusals(void **state)
{
    (void)state;
    ua_minimax *p = NULL;
    ua_target *t = parse("sin(x) + x^2");
    ua_minimax_options o = opts(7);
    o.parity = UA_MINIMAX_PARITY_ODD;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL); /* not odd */
    assert_non_null(strstr(ua_last_error(), "not odd"));
    assert_null(p);
    ua_target_free(t);
    t = parse("exp(x)");
    static const int mixed[] = {1, 2};
    o = opts(0);
    o.monomials = mixed;
    o.nmonomials = 2;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL); /* no Haar space on [-1, 1] */
    assert_int_equal(ua_minimax_fit(t, -1, 2, &o, &p), UA_EINVAL);
    static const int down[] = {3, 1};
    o.monomials = down;
    assert_int_equal(ua_minimax_fit(t, 0, 1, &o, &p), UA_EINVAL);
    o = opts(4);
    o.parity = UA_MINIMAX_PARITY_EVEN;
    o.den_degree = 2;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL); /* rational */
    o = opts(0);
    o.parity = UA_MINIMAX_PARITY_ODD;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL); /* no odd monomial */
    o = opts(UA_MINIMAX_DEGREE_AUTO);
    o.tol = 1e-3;
    o.parity = UA_MINIMAX_PARITY_ODD;
    o.max_degree = 0;
    assert_int_equal(ua_minimax_fit(t, -1, 1, &o, &p), UA_EINVAL); /* no odd degree to try */
    assert_null(p);
    ua_target_free(t);
}

/* --var auto: the monomials in x of exp on [700, 709] reach e^709 * 709^8 / 8!: beyond double, so
 * the unit variable is taken; --var x cannot store them. */
static void test_var_auto_overflow(void **state)
{
    (void)state;
    ua_minimax_options o = opts(8);
    ua_minimax *p = fit("exp(x)", 700, 709, &o, UA_OK);
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    assert_int_equal(in.var, UA_MINIMAX_VAR_UNIT);
    assert_int_equal(in.basis, UA_MINIMAX_BASIS_MONOMIAL);
    size_t n;
    const double *c = ua_minimax_num(p, &n);
    for (size_t k = 0; k < n; k++) assert_true(isfinite(c[k]));
    ASSERT_LE(mpfr_error(p, "exp(x)", 700, 709, 2000), in.levelled_error * (1 + 1e-6));
    ua_minimax_free(p);
    o.var = UA_MINIMAX_VAR_X;
    ua_target *t = parse("exp(x)");
    assert_int_equal(ua_minimax_fit(t, 700, 709, &o, &p), UA_EUNSUPPORTED);
    assert_non_null(strstr(ua_last_error(), "--var unit"));
    /* float coefficients cannot hold e^700 in any variable: refused, not rounded to garbage */
    o.var = UA_MINIMAX_VAR_AUTO;
    o.coeffs = UA_MINIMAX_FLOAT;
    assert_int_equal(ua_minimax_fit(t, 700, 709, &o, &p), UA_EUNSUPPORTED);
    ua_target_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runge_degree100_chebyshev),
        cmocka_unit_test(test_basis_auto_keeps_monomials),
        cmocka_unit_test(test_auto_degree_exp),
        cmocka_unit_test(test_auto_degree_abs_not_reachable),
        cmocka_unit_test(test_degree_limit),
        cmocka_unit_test(test_odd_sin),
        cmocka_unit_test(test_even_cos),
        cmocka_unit_test(test_sparse_monomials_alternate),
        cmocka_unit_test(test_restricted_refusals),
        cmocka_unit_test(test_var_auto_overflow),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
