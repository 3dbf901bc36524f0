/* Fits from 1-D samples that users know from scipy and numpy, against those libraries' outputs
 * (tests/data/fitters_ref.h, written by tests/gen/fitters_ref.py) and published certified values:
 *   - spline --method pchip / akima: scipy.interpolate.PchipInterpolator, Akima1DInterpolator;
 *     makima: values derived by hand from MATLAB's makima weights;
 *   - spline --method smoothing: scipy.interpolate.make_smoothing_spline at fixed lam and its
 *     GCV lam; NIST StRD Gauss1 (certified residual sum of squares and parameters);
 *   - cheb from samples: numpy.polynomial.Chebyshev.fit coefficients, k-fold CV RMSE per degree
 *     computed with numpy; NIST StRD Wampler1 and Wampler2 (certified coefficients, exact data).
 * The errors measured are printed (print_message) for docs/spline.md and docs/cheb.md. */
#define TU_SCRATCH_TAG "ua_test_fitters"
#include "model/family.h" /* the vtable helpers of test_util.h */
#include "test_util.h"

#include <math.h>

#include "data/fitters_ref.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The family's fit through the vtable on samples (x, y) of n rows: *meta and the state. */
static ua_status fit_samples(const char *family, const double *x, const double *y, size_t n,
                             const char *const *kv, ua_model **meta, void **state)
{
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_samples(x, y, n, 1, 1, &p), UA_OK);
    assert_int_equal(ua_family_accepts(family, p), UA_OK);
    ua_status s = tu_family_fit(family, p, kv, meta, state);
    ua_problem_free(p);
    return s;
}

/* max |s(g) - ref| / max |ref| over the grid (the error relative to the scale of the values:
 * pointwise relative errors are meaningless where the values cross zero). */
static double spline_err(const ua_spline *s, const double *g, const double *ref, size_t n)
{
    double big = 0.0, err = 0.0;
    for (size_t i = 0; i < n; i++) big = fmax(big, fabs(ref[i]));
    for (size_t i = 0; i < n; i++) err = fmax(err, fabs(ua_spline_eval(s, g[i]) - ref[i]));
    return err / big;
}

/* The samples in reverse order: the fits must not depend on the order of the rows. */
static void reversed(const double *a, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) out[i] = a[n - 1 - i];
}

static double hermite_vs(const char *method, const double *x, const double *y, size_t n,
                         const double *grid, const double *ref, size_t ng)
{
    double xr[64], yr[64];
    assert_true(n <= 64);
    reversed(x, n, xr);
    reversed(y, n, yr);
    const char *kv[] = { "method", method, NULL };
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(fit_samples("spline", xr, yr, n, kv, &meta, &st), UA_OK);
    double e = spline_err(st, grid, ref, ng);
    for (size_t i = 0; i < n; i++) assert_true(ua_spline_eval(st, x[i]) == y[i]); /* knots */
    ua_spline_free(st);
    ua_model_free(meta);
    return e;
}

#define HERMITE(method, set)                                                                  \
    hermite_vs(#method, set##_x, set##_y, N_OF(set##_x), set##_grid, set##_##method,           \
               N_OF(set##_grid))

/* PCHIP equals scipy's PchipInterpolator to 1e-14 of the values' scale (flat runs, extrema,
 * both branches of the end formula, 3 and 2 points). */
static void test_pchip_vs_scipy(void **state)
{
    (void)state;
    double e[] = { HERMITE(pchip, shape), HERMITE(pchip, mono), HERMITE(pchip, ends),
                   HERMITE(pchip, fill), HERMITE(pchip, three), HERMITE(pchip, two) };
    double worst = 0.0;
    for (size_t i = 0; i < N_OF(e); i++) worst = fmax(worst, e[i]);
    print_message("pchip vs scipy: max error / max |f| = %.3g\n", worst);
    ASSERT_LE(worst, 1e-14);
}

/* PCHIP keeps monotone data monotone (Fritsch & Carlson): on 2001 points of each interval. */
static void test_pchip_monotone(void **state)
{
    (void)state;
    const char *kv[] = { "method", "pchip", NULL };
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(fit_samples("spline", mono_x, mono_y, N_OF(mono_x), kv, &meta, &st), UA_OK);
    double prev = -INFINITY;
    for (size_t i = 0; i + 1 < N_OF(mono_x); i++)
        for (int k = 0; k <= 2000; k++) {
            double v = ua_spline_eval(st, mono_x[i] + (mono_x[i + 1] - mono_x[i]) * k / 2000.0);
            ASSERT_LE(prev, v);
            prev = v;
        }
    ua_spline_free(st);
    ua_model_free(meta);
}

/* Akima equals scipy's Akima1DInterpolator to 1e-14 of the values' scale, including its fill
 * value where the slope is undefined ("fill"). */
static void test_akima_vs_scipy(void **state)
{
    (void)state;
    double e[] = { HERMITE(akima, shape), HERMITE(akima, mono), HERMITE(akima, ends),
                   HERMITE(akima, fill), HERMITE(akima, three) };
    double worst = 0.0;
    for (size_t i = 0; i < N_OF(e); i++) worst = fmax(worst, e[i]);
    print_message("akima vs scipy: max error / max |f| = %.3g\n", worst);
    ASSERT_LE(worst, 1e-14);
}

/* makima on x = 0..5, y = 0 1 2 2 2 2: the weights |m_{i+1} - m_i| + |m_{i+1} + m_i| / 2 give
 * slopes 1, 1, 0, 0, 0, 0 (by hand), so s = x on [0, 1], s = 1 + u + u^2 - u^3 on [1, 2]
 * (u = x - 1), s = 2 on [2, 5] exactly: no overshoot where Akima's fill slope 1/2 has one. */
static void test_makima_by_hand(void **state)
{
    (void)state;
    const char *kv[] = { "method", "makima", NULL };
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(fit_samples("spline", fill_x, fill_y, N_OF(fill_x), kv, &meta, &st), UA_OK);
    for (int k = 0; k <= 500; k++) {
        double x = 5.0 * k / 500.0, v = ua_spline_eval(st, x), want;
        if (x <= 1.0) want = x;
        else if (x <= 2.0) {
            double u = x - 1.0;
            want = 1.0 + u + u * u - u * u * u;
        } else want = 2.0;
        ASSERT_LE(fabs(v - want), 4e-16 * 2.0);
        if (x >= 2.0) assert_true(v == 2.0);
    }
    ua_spline_free(st);
    ua_model_free(meta);
    /* Akima itself overshoots there (scipy agrees: test_akima_vs_scipy) */
    kv[1] = "akima";
    assert_int_equal(fit_samples("spline", fill_x, fill_y, N_OF(fill_x), kv, &meta, &st), UA_OK);
    assert_true(ua_spline_eval(st, 2.5) > 2.0);
    ua_spline_free(st);
    ua_model_free(meta);
}

static ua_spline *smoothing(const double *x, const double *y, size_t n, const char *lam,
                            ua_model **meta)
{
    const char *kv[] = { "method", "smoothing", lam ? "lam" : NULL, lam, NULL };
    void *st = NULL;
    assert_int_equal(fit_samples("spline", x, y, n, kv, meta, &st), UA_OK);
    return st;
}

/* The smoothing spline at a fixed lam equals scipy's make_smoothing_spline to 1e-8 of the
 * values' scale (lam 1e-3, 0.1, 10: from near interpolation to near the straight line), and the
 * exact solution at the knots (60-digit mpmath) to 1e-9. */
static void test_smoothing_fixed_lam(void **state)
{
    (void)state;
    const double lams[] = { smooth_lam1, smooth_lam2, smooth_lam3 };
    const double *refs[] = { smooth_lam1_values, smooth_lam2_values, smooth_lam3_values };
    const double *exact[] = { smooth_lam1_exact, smooth_lam2_exact, smooth_lam3_exact };
    double xr[N_OF(smooth_x)], yr[N_OF(smooth_x)];
    reversed(smooth_x, N_OF(smooth_x), xr);
    reversed(smooth_y, N_OF(smooth_y), yr);
    double worst = 0.0;
    for (size_t i = 0; i < 3; i++) {
        char lam[40];
        snprintf(lam, sizeof lam, "%.17g", lams[i]);
        ua_model *meta = NULL;
        ua_spline *s = smoothing(xr, yr, N_OF(smooth_x), lam, &meta);
        assert_string_equal(ua_model_meta(meta, "smoothing_lam_from"), "given");
        assert_true(tu_meta_number(meta, "smoothing_lam") == lams[i]);
        double e = spline_err(s, smooth_grid, refs[i], N_OF(smooth_grid));
        double ex = spline_err(s, smooth_x, exact[i], N_OF(smooth_x));
        print_message("smoothing lam %g vs scipy: max error / max |f| = %.3g; vs the exact "
                      "values at the knots %.3g (edf %.3f)\n", lams[i], e, ex,
                      tu_meta_number(meta, "effective_dof"));
        worst = fmax(worst, e);
        /* nearer the exact solution than scipy is (scipy: 8.6e-13, 8.2e-11, 2.7e-9) */
        ASSERT_LE(ex, 1e-9);
        ua_spline_free(s);
        ua_model_free(meta);
    }
    ASSERT_LE(worst, 1e-8);
}

/* lam chosen by GCV: scipy searches lam in [0, n] with Brent's bounded method to an absolute
 * 1e-5 (minimize_scalar's default xatol), ours over ln lam to 1e-10: ours is within 2e-3 of
 * scipy's lam (relative), its GCV score is no worse than the score at scipy's lam, and the
 * spline at scipy's lam equals scipy's to 1e-8 of the scale. */
static void test_smoothing_gcv(void **state)
{
    (void)state;
    size_t n = N_OF(smooth_x);
    ua_model *meta = NULL;
    ua_spline *s = smoothing(smooth_x, smooth_y, n, NULL, &meta);
    assert_string_equal(ua_model_meta(meta, "smoothing_lam_from"), "gcv");
    double lam = tu_meta_number(meta, "smoothing_lam"), gcv = tu_meta_number(meta, "gcv_score");
    double vs_gcv = spline_err(s, smooth_grid, smooth_gcv_values, N_OF(smooth_grid));
    ua_spline_free(s);
    ua_model_free(meta);
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", smooth_gcv_lam);
    s = smoothing(smooth_x, smooth_y, n, buf, &meta);
    double gcv_scipy = tu_meta_number(meta, "gcv_score");
    double e = spline_err(s, smooth_grid, smooth_gcv_values, N_OF(smooth_grid));
    ua_spline_free(s);
    ua_model_free(meta);
    print_message("GCV: lam %.10g (scipy %.10g, rel diff %.3g), score %.12g (at scipy's lam "
                  "%.12g); values vs scipy's GCV spline %.3g, at scipy's lam %.3g\n",
                  lam, smooth_gcv_lam, fabs(lam - smooth_gcv_lam) / smooth_gcv_lam, gcv,
                  gcv_scipy, vs_gcv, e);
    ASSERT_LE(fabs(lam - smooth_gcv_lam), 2e-3 * smooth_gcv_lam);
    ASSERT_LE(gcv, gcv_scipy * (1 + 1e-12));
    ASSERT_LE(e, 1e-8);
}

/* NIST StRD Gauss1: 250 points, noise of variance 6.25; the certified fit's residual RMS is
 * sqrt(RSS / N) = 2.2942. The GCV smoothing spline's residual RMS is near that floor (its edf
 * exceeds the model's 8 parameters, so a little below), and it follows the certified model
 * curve far more closely than the noise. */
static double gauss1_model(double x)
{
    const double *b = gauss1_b;
    return b[0] * exp(-b[1] * x) + b[2] * exp(-(x - b[3]) * (x - b[3]) / (b[4] * b[4])) +
           b[5] * exp(-(x - b[6]) * (x - b[6]) / (b[7] * b[7]));
}

static void test_smoothing_gauss1(void **state)
{
    (void)state;
    size_t n = N_OF(gauss1_x);
    ua_model *meta = NULL;
    ua_spline *s = smoothing(gauss1_x, gauss1_y, n, NULL, &meta);
    double rss = 0.0, dev = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = ua_spline_eval(s, gauss1_x[i]);
        rss += (v - gauss1_y[i]) * (v - gauss1_y[i]);
        dev += (v - gauss1_model(gauss1_x[i])) * (v - gauss1_model(gauss1_x[i]));
    }
    double rms = sqrt(rss / (double)n), floor_ = sqrt(gauss1_rss / (double)n);
    double dev_rms = sqrt(dev / (double)n);
    print_message("Gauss1: residual RMS %.6g, noise floor sqrt(RSS_cert/N) %.6g (ratio %.4f), "
                  "RMS vs the certified model %.4g, lam %.6g, edf %.3f\n", rms, floor_,
                  rms / floor_, dev_rms, tu_meta_number(meta, "smoothing_lam"),
                  tu_meta_number(meta, "effective_dof"));
    ASSERT_LE(fabs(tu_meta_number(meta, "residual_rms") - rms), 1e-9 * rms);
    ASSERT_LE(0.9 * floor_, rms);
    ASSERT_LE(rms, 1.02 * floor_);
    ASSERT_LE(dev_rms, 0.4 * floor_);
    ua_spline_free(s);
    ua_model_free(meta);
}

/* Chebyshev.fit: the coefficients equal numpy's to 1e-12 of the largest (degrees 4 and 10). */
static void test_cheb_lsq_vs_numpy(void **state)
{
    (void)state;
    const double *refs[] = { cheb_coef4, cheb_coef10 };
    const char *degs[] = { "4", "10" };
    double worst = 0.0;
    for (size_t i = 0; i < 2; i++) {
        const char *kv[] = { "degree", degs[i], NULL };
        ua_model *meta = NULL;
        void *st = NULL;
        assert_int_equal(fit_samples("cheb", cheb_x, cheb_y, N_OF(cheb_x), kv, &meta, &st),
                         UA_OK);
        size_t len = ua_cheb_length(st, 0);
        const double *c = ua_cheb_coeffs(st, 0);
        assert_int_equal(len, (size_t)atoi(degs[i]) + 1);
        double big = 0.0, err = 0.0;
        for (size_t k = 0; k < len; k++) {
            big = fmax(big, fabs(refs[i][k]));
            err = fmax(err, fabs(c[k] - refs[i][k]));
        }
        worst = fmax(worst, err / big);
        assert_string_equal(ua_model_meta(meta, "lsq_degree"), degs[i]);
        ua_cheb_free(st);
        ua_model_free(meta);
    }
    print_message("Chebyshev.fit: max coefficient error / max |c| = %.3g\n", worst);
    ASSERT_LE(worst, 1e-12);
}

/* --degree cv: the CV RMSE of every degree equals numpy's (same folds) to 1e-10, and the degree
 * chosen is numpy's argmin. */
static void test_cheb_cv_vs_numpy(void **state)
{
    (void)state;
    const char *kv[] = { "degree", "cv", NULL };
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(fit_samples("cheb", cheb_x, cheb_y, N_OF(cheb_x), kv, &meta, &st), UA_OK);
    const char *list = ua_model_meta(meta, "cv_rmse_by_degree");
    assert_non_null(list);
    size_t best = 0, d = 0;
    double worst = 0.0;
    for (const char *p = list; *p; d++) {
        char *end;
        double v = strtod(p, &end);
        assert_true(end != p && d <= CHEB_CV_MAXDEG);
        worst = fmax(worst, fabs(v - cheb_cv_rmse[d]) / cheb_cv_rmse[d]);
        if (cheb_cv_rmse[d] < cheb_cv_rmse[best]) best = d;
        p = *end == ',' ? end + 1 : end;
    }
    assert_int_equal(d, CHEB_CV_MAXDEG + 1);
    print_message("CV RMSE vs numpy: max relative difference %.3g; degree %zu\n", worst, best);
    ASSERT_LE(worst, 1e-10);
    assert_int_equal((size_t)tu_meta_number(meta, "lsq_degree"), best);
    ASSERT_LE(fabs(tu_meta_number(meta, "cv_rmse") - cheb_cv_rmse[best]),
              1e-10 * cheb_cv_rmse[best]);
    ua_cheb_free(st);
    ua_model_free(meta);
}

/* The series on [a, b] as power-series coefficients in x (long double): p (k,). */
static void cheb_to_monomials(const double *c, size_t k, double a, double b, long double *p)
{
    /* T_j(s) in powers of s, then s = (2 x - a - b) / (b - a) */
    long double t[3][16] = { { 0 } }, ps[16] = { 0 };
    assert_true(k <= 16);
    t[0][0] = 1;
    t[1][1] = 1;
    for (size_t j = 0; j < k; j++) {
        long double *tj = t[j % 3];
        if (j >= 2) {
            long double *t1 = t[(j - 1) % 3], *t2 = t[(j - 2) % 3];
            for (size_t i = 0; i < 16; i++) tj[i] = (i ? 2 * t1[i - 1] : 0) - t2[i];
        }
        for (size_t i = 0; i < 16; i++) ps[i] += c[j] * tj[i];
    }
    long double al = 2.0L / ((long double)b - a), be = -((long double)a + b) / ((long double)b - a);
    long double pw[16] = { 1 }; /* (al x + be)^i, coefficients in x */
    for (size_t i = 0; i < 16; i++) p[i] = 0;
    for (size_t i = 0; i < k; i++) {
        for (size_t m = 0; m <= i; m++) p[m] += ps[i] * pw[m];
        for (size_t m = i + 2; m-- > 0;) pw[m] = be * pw[m] + (m ? al * pw[m - 1] : 0);
    }
}

/* NIST StRD Wampler1 and Wampler2 (degree 5, x = 0..20; certified coefficients 1,1,1,1,1,1 and
 * 1, 0.1, ..., 1e-5, residual standard deviation 0): the data regenerated from their
 * definitions (Wampler1's are integers, exact; Wampler2's are the doubles nearest the NIST
 * decimals, at most 1/2 ulp off). The series is converted to powers of x in long double. */
static void test_wampler(void **state)
{
    (void)state;
    for (int w = 1; w <= 2; w++) {
        double x[21], y[21], cert[6];
        for (int k = 0; k < 6; k++) cert[k] = w == 1 ? 1.0 : pow(10.0, -k);
        for (int i = 0; i <= 20; i++) {
            x[i] = i;
            if (w == 1) y[i] = 1 + i + i * i + pow(i, 3) + pow(i, 4) + pow(i, 5);
            else { /* the NIST decimal, exactly as a rational, rounded once */
                long long num = 100000LL + 10000LL * i + 1000LL * i * i + 100LL * i * i * i +
                                10LL * i * i * i * i + (long long)i * i * i * i * i;
                y[i] = (double)num / 100000.0;
            }
        }
        const char *kv[] = { "degree", "5", NULL };
        ua_model *meta = NULL;
        void *st = NULL;
        assert_int_equal(fit_samples("cheb", x, y, 21, kv, &meta, &st), UA_OK);
        size_t len = ua_cheb_length(st, 0);
        const double *c = ua_cheb_coeffs(st, 0);
        long double p[16];
        cheb_to_monomials(c, len, 0.0, 20.0, p);
        double worst = 0.0, rms = tu_meta_number(meta, "residual_rms");
        for (int k = 0; k < 6; k++) worst = fmax(worst, (double)fabsl((p[k] - cert[k]) / cert[k]));
        print_message("Wampler%d: max relative coefficient error %.3g, residual RMS %.3g "
                      "(%.3g of max |y|; certified 0)\n", w, worst, rms, rms / y[20]);
        /* numpy's Chebyshev.fit, converted exactly (mpmath), is off by 1.849e-9 (Wampler1) and
         * 1.37e-12 (Wampler2): the conditioning of the power basis on [0, 20], not the fit */
        ASSERT_LE(worst, w == 1 ? 2e-9 : 1e-11);
        ASSERT_LE(rms, 1e-14 * y[20]);
        ua_cheb_free(st);
        ua_model_free(meta);
    }
}

/* Through the engine: fit, measure (RMSE on the rows), save, load, predict, for each method. */
static void test_engine_round_trip(void **state)
{
    (void)state;
    struct {
        const char *family, *opt, *val;
    } cases[] = { { "spline", "method", "pchip" },     { "spline", "method", "akima" },
                  { "spline", "method", "makima" },    { "spline", "method", "smoothing" },
                  { "cheb", "degree", "6" },           { "cheb", "degree", "cv" } };
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_samples(shape_x, shape_y, N_OF(shape_x), 1, 1, &p), UA_OK);
    for (size_t i = 0; i < N_OF(cases); i++) {
        ua_options *o = NULL;
        assert_int_equal(ua_family_options(cases[i].family, &o), UA_OK);
        assert_int_equal(ua_options_set(o, cases[i].opt, cases[i].val), UA_OK);
        if (!strcmp(cases[i].val, "cv")) assert_int_equal(ua_options_set(o, "folds", "3"), UA_OK);
        ua_model *m = NULL;
        assert_int_equal(ua_fit(p, cases[i].family, o, NULL, &m), UA_OK);
        ua_options_free(o);
        double lo, hi;
        ua_model_domain(m, &lo, &hi);
        assert_true(lo == 0.0 && hi == 8.5);
        char path[64];
        snprintf(path, sizeof path, "rt%zu.safetensors", i);
        assert_int_equal(ua_model_save(m, tu_path(path)), UA_OK);
        ua_model *back = NULL;
        assert_int_equal(ua_model_load(tu_path(path), &back), UA_OK);
        double yg[N_OF(shape_grid)], yb[N_OF(shape_grid)];
        assert_int_equal(ua_model_predict(m, shape_grid, N_OF(shape_grid), yg), UA_OK);
        assert_int_equal(ua_model_predict(back, shape_grid, N_OF(shape_grid), yb), UA_OK);
        for (size_t k = 0; k < N_OF(shape_grid); k++) assert_true(yg[k] == yb[k]);
        ua_model_free(back);
        ua_model_free(m);
    }
    ua_problem_free(p);
}

/* Bad input and impossible options: UA_EINVAL with a message naming the cause. */
static void expect_refusal(const char *family, const double *x, const double *y, size_t n,
                           const char *const *kv, const char *words)
{
    ua_model *meta = NULL;
    void *st = NULL;
    ua_status s = fit_samples(family, x, y, n, kv, &meta, &st);
    if (s != UA_EINVAL) fail_msg("%s: status %d, expected UA_EINVAL", words, (int)s);
    if (!strstr(ua_last_error(), words))
        fail_msg("message '%s' does not contain '%s'", ua_last_error(), words);
    assert_null(st);
    ua_model_free(meta);
}

static void test_refusals(void **state)
{
    (void)state;
    double x[] = { 0, 1, 1, 3 }, y[] = { 1, 2, 3, 4 };
    const char *pchip[] = { "method", "pchip", NULL };
    expect_refusal("spline", x, y, 4, pchip, "rows 2 and 3");
    const char *akima[] = { "method", "akima", NULL };
    expect_refusal("spline", x, y, 2, akima, "at least 3");
    const char *lam[] = { "method", "pchip", "lam", "1", NULL };
    expect_refusal("spline", shape_x, shape_y, 5, lam, "--lam needs --method smoothing");
    const char *bc[] = { "method", "akima", "bc", "natural", NULL };
    expect_refusal("spline", shape_x, shape_y, 5, bc, "--bc");
    const char *deg[] = { "degree", "3", NULL };
    expect_refusal("cheb", shape_x, shape_y, 3, deg, "at least 4 samples");
    const char *bad[] = { "degree", "three", NULL };
    expect_refusal("cheb", shape_x, shape_y, 5, bad, "expected an integer");
    const char *tol[] = { "tol", "1e-6", NULL };
    expect_refusal("cheb", shape_x, shape_y, 5, tol, "--tol");
    const char *folds[] = { "degree", "2", "folds", "3", NULL };
    expect_refusal("cheb", shape_x, shape_y, 5, folds, "--degree cv");
    /* fewer samples than the default 5 folds: leave-one-out, not a refusal; a --folds given
     * above the samples is refused */
    {
        ua_model *meta = NULL;
        void *st = NULL;
        assert_int_equal(fit_samples("cheb", three_x, three_y, 3, NULL, &meta, &st), UA_OK);
        assert_string_equal(ua_model_meta(meta, "cv_folds"), "3");
        ua_cheb_free(st);
        ua_model_free(meta);
    }
    const char *four[] = { "folds", "4", NULL };
    expect_refusal("cheb", three_x, three_y, 3, four, "give --folds or a fixed --degree");
    double same[] = { 2, 2, 2 };
    const char *d1[] = { "degree", "1", NULL };
    expect_refusal("cheb", same, y, 3, d1, "every sample has x");

    /* the methods fit samples, not formulas */
    ua_problem *p = tu_formula_1d("sin(x)", 0, 1);
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(tu_family_fit("spline", p, pchip, &meta, &st), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "fits samples"));
    ua_model_free(meta);
    assert_int_equal(tu_family_fit("cheb", p, deg, &meta, &st), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "fit samples"));
    ua_model_free(meta);
    ua_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pchip_vs_scipy),     cmocka_unit_test(test_pchip_monotone),
        cmocka_unit_test(test_akima_vs_scipy),     cmocka_unit_test(test_makima_by_hand),
        cmocka_unit_test(test_smoothing_fixed_lam), cmocka_unit_test(test_smoothing_gcv),
        cmocka_unit_test(test_smoothing_gauss1),   cmocka_unit_test(test_cheb_lsq_vs_numpy),
        cmocka_unit_test(test_cheb_cv_vs_numpy),   cmocka_unit_test(test_wampler),
        cmocka_unit_test(test_engine_round_trip),  cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
