/*
 * The spline family behind the engine's vtable (src/model/family.h): its option table, and fit on
 * a 1-D FORMULA or FUNCTION problem (AutoKnots) or on 1-D samples (the interpolating spline),
 * recording the tolerance the verdict will check (docs/spline.md, "Options and the verdict").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "model/family.h" /* ua_model_set_problem */
#include "probe/probe.h"

#define AUTOKNOTS "AutoKnots, arXiv 2412.13423; NumCosmo ncm_spline_func"
#define DEBOOR "de Boor, A Practical Guide to Splines, ch. IV"

const ua_option_spec ua_spline_option_spec[] = {
    { "rtol", UA_OPT_REAL, "1e-8", 0, 1, 1, NULL,
      "relative tolerance: |f - s| <= R (|f| + fscale) at every tested midpoint, and the same "
      "for the integral over each interval (least 2^-52: smaller cannot be met in double and is "
      "refused)", AUTOKNOTS },
    { "fscale", UA_OPT_REAL, "0", 0, 1e300, 0, NULL,
      "the function scale of the absolute part of the tolerance, in the units of f", AUTOKNOTS },
    { "bc", UA_OPT_CHOICE, "not-a-knot", 0, 0, 0, "not-a-knot|natural|clamped",
      "end conditions (clamped needs --slopes)", DEBOOR },
    { "slopes", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
      "with --bc clamped: f'(a) and f'(b) in x, as A:B (unset: none)", DEBOOR },
    { "map", UA_OPT_CHOICE, "none", 0, 0, 0, "none|log|asinh",
      "spline in x, ln x (domains over decades, needs 0 < a) or asinh x (decades on both sides "
      "of 0)", NULL },
    { "max-knots", UA_OPT_INT, "100000", 6, UA_SPLINE_MAX_KNOTS, 0, NULL,
      "give up (not resolved, best spline kept) beyond this many knots (at most 4e6: about 150 "
      "bytes of memory each)", AUTOKNOTS },
    { "rel-tol", UA_OPT_REAL, NULL, 0, 1, 1, NULL,
      "pointwise relative tolerance |f - s| <= T |f(x)| at every point: --rtol T with --fscale 0 "
      "(the same flag as cheb's; excludes --rtol and --fscale; unset: off)", AUTOKNOTS },
    { "method", UA_OPT_CHOICE, "cubic", 0, 0, 0, "cubic|pchip|akima|makima|smoothing",
      "from samples: the interpolating cubic spline, monotone PCHIP, Akima, modified Akima, or "
      "the smoothing spline (see --lam)",
      "scipy.interpolate CubicSpline, PchipInterpolator, Akima1DInterpolator, "
      "make_smoothing_spline" },
    { "lam", UA_OPT_REAL, NULL, 0, 1e300, 0, NULL,
      "with --method smoothing: lambda in sum (y - g)^2 + lambda * integral g''^2 (unset: the "
      "lambda minimising generalized cross-validation)",
      "scipy make_smoothing_spline; Craven & Wahba 1979" },
};

_Static_assert(sizeof ua_spline_option_spec / sizeof ua_spline_option_spec[0] ==
                   UA_SPLINE_NOPTIONS,
               "UA_SPLINE_NOPTIONS must count the table");

/* "A:B" into two finite numbers (a leading '-' of A is a sign, not the separator). */
static int parse_slopes(const char *s, double *a, double *b)
{
    const char *colon = strchr(s + (s[0] != '\0'), ':');
    char left[64];
    size_t len = colon ? (size_t)(colon - s) : 0;
    if (!colon || len == 0 || len >= sizeof left) return -1;
    memcpy(left, s, len);
    left[len] = '\0';
    char *end;
    *a = strtod(left, &end);
    if (*end || !isfinite(*a)) return -1;
    *b = strtod(colon + 1, &end);
    if (end == colon + 1 || *end || !isfinite(*b)) return -1;
    return 0;
}

/* The option values as ua_spline_options, with the exclusions the table cannot express. */
static ua_status read_options(const ua_options *o, ua_spline_options *so)
{
    ua_spline_options_default(so);
    so->rtol = ua_options_real(o, "rtol");
    so->fscale = ua_options_real(o, "fscale");
    if (ua_options_get(o, "rel-tol")) { /* pointwise relative: AutoKnots' tolerance, F = 0 */
        if (ua_options_given(o, "rtol") || ua_options_given(o, "fscale"))
            return UA_ERR(UA_EINVAL, "--rel-tol excludes --rtol and --fscale (it is --rtol T "
                          "with --fscale 0)");
        so->rtol = ua_options_real(o, "rel-tol");
        so->fscale = 0.0;
    }
    static const ua_spline_bc bcs[] = { UA_SPLINE_NOT_A_KNOT, UA_SPLINE_NATURAL,
                                        UA_SPLINE_CLAMPED };
    static const ua_spline_map maps[] = { UA_SPLINE_MAP_NONE, UA_SPLINE_MAP_LOG,
                                          UA_SPLINE_MAP_ASINH };
    int bc = ua_options_choice(o, "bc"), map = ua_options_choice(o, "map");
    so->bc = bcs[bc < 0 ? 0 : bc];
    so->map = maps[map < 0 ? 0 : map];
    so->max_knots = (size_t)ua_options_int(o, "max-knots");
    const char *slopes = ua_options_get(o, "slopes");
    if (so->bc == UA_SPLINE_CLAMPED && !slopes)
        return UA_ERR(UA_EINVAL, "--bc clamped needs --slopes A:B (f'(a) and f'(b))");
    if (slopes) {
        if (so->bc != UA_SPLINE_CLAMPED) return UA_ERR(UA_EINVAL, "--slopes needs --bc clamped");
        if (parse_slopes(slopes, &so->slope_a, &so->slope_b))
            return UA_ERR(UA_EINVAL, "--slopes '%s': expected two finite numbers A:B", slopes);
    }
    return UA_OK;
}

static ua_status set_number(ua_model *m, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(m, key, ua_fmt_double(buf, v));
}

/* SAMPLES with d == 1, k == 1: the interpolating spline through them (no tolerance: it meets
 * every sample; the measurement is the RMSE on the rows). */
static ua_status fit_samples(const ua_problem *p, const ua_options *o,
                             const ua_spline_options *so, ua_model *meta, void **state)
{
    if (ua_options_given(o, "rtol") || ua_options_given(o, "fscale") ||
        ua_options_given(o, "max-knots") || ua_options_get(o, "rel-tol"))
        return UA_ERR(UA_EINVAL, "--rtol, --fscale, --rel-tol and --max-knots are AutoKnots "
                      "options; a spline through samples interpolates them all");
    if (ua_problem_outputs(p) != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the spline family interpolates one output; the samples "
                      "have %zu", ua_problem_outputs(p));
    const double *x, *y;
    size_t n;
    ua_problem_train(p, &x, &y, &n);
    ua_spline *sp = NULL;
    ua_status s = ua_spline_from_samples(x, y, n, so, &sp);
    const char *file = ua_problem_describe(p);
    if (s == UA_EINVAL && file && file[0]) { /* the rows named are the file's: name it too */
        char msg[512];
        ua_last_error_message(msg, sizeof msg);
        return UA_ERR(UA_EINVAL, "%s: %s", file, msg);
    }
    if (s) return s;
    /* the model's domain is the range of x (a table has no box of its own): saved with the
     * model, NaN outside, and what `check --against` measures on */
    double lo = x[0], hi = x[0];
    for (size_t i = 1; i < n; i++) {
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", n);
    s = ua_model_set_problem(meta, ua_model_target(meta), 1, &lo, &hi);
    if (!s) s = ua_model_set_meta(meta, "samples", buf);
    if (s) {
        ua_spline_free(sp);
        return s;
    }
    *state = sp;
    return UA_OK;
}

/* The constant model of a target at the rounding level of its evaluation: a line through
 * (a, mid) and (b, mid), its note, and its tolerance (four times the largest rounding error seen,
 * absolute; the verdict is the measurement's). */
static ua_status rounding_level_model(double a, double b, const ua_spline_options *so,
                                      double level, double exact, double mid, ua_model *meta,
                                      void **state)
{
    ua_spline_options o = *so;
    o.bc = UA_SPLINE_NATURAL;
    double x[2] = { a, b }, y[2] = { mid, mid };
    ua_spline *sp = NULL;
    ua_status s = ua_spline_from_samples(x, y, 2, &o, &sp);
    if (s) return s;
    const double tol_abs = 4.0 * level;
    char note[600];
    ua_probe_rounding_note(note, sizeof note, level, exact, mid, tol_abs);
    s = ua_model_set_meta(meta, "fit_note", note);
    if (!s) s = set_number(meta, "tol_abs", tol_abs);
    if (!s) s = set_number(meta, "tol_scale", 8.0 * 0x1p-52);
    if (!s) s = set_number(meta, "tol_rel", 0.0);
    if (!s) s = set_number(meta, "rounding_level", level);
    if (s) {
        ua_spline_free(sp);
        return s;
    }
    *state = sp;
    return UA_OK;
}

ua_status ua_spline_family_fit(const ua_problem *p, const ua_options *o,
                               const ua_fit_hooks *hooks, ua_model *meta, void **state)
{
    (void)hooks;
    *state = NULL;
    ua_problem_kind kind = ua_problem_kind_of(p);
    if (ua_problem_dim(p) != 1 || kind == UA_PROBLEM_SEQUENCES)
        return UA_ERR(UA_EUNSUPPORTED, "the spline family fits 1-D formulas, functions and "
                      "samples");
    ua_spline_options so;
    ua_status s = read_options(o, &so);
    if (s) return s;
    if (ua_options_choice(o, "method") > 0 || ua_options_given(o, "lam"))
        return ua_spline_fit_method(p, o, meta, state); /* src/spline/methods.c */
    if (kind == UA_PROBLEM_SAMPLES) return fit_samples(p, o, &so, meta, state);

    double a = ua_problem_lo(p)[0], b = ua_problem_hi(p)[0];
    ua_probe_problem_fn fn = { .p = p };
    ua_spline *sp = NULL;
    /* a target at the rounding level of its own evaluation ((x + 1) - x - 1): the constant at
     * once, instead of knots down to the spacing of doubles (src/probe/noise.c) */
    int noise = 0;
    double level = 0.0, exact = 0.0, mid = 0.0;
    s = ua_probe_problem_rounding_level(p, &fn, a, b, so.map == UA_SPLINE_MAP_LOG, &noise,
                                        &level, &exact, &mid);
    if (s) return s;
    if (noise) return rounding_level_model(a, b, &so, level, exact, mid, meta, state);
    ua_status fs = ua_options_get(o, "rel-tol")
                       ? ua_spline_fit_rel(ua_probe_problem_fn1, &fn, a, b, &so, &sp)
                       : ua_spline_fit(ua_probe_problem_fn1, &fn, a, b, &so, &sp);
    fs = ua_probe_problem_status(&fn, fs);
    if (fs != UA_OK && fs != UA_ENOTRESOLVED) {
        ua_spline_free(sp);
        return fs;
    }
    char reason[512] = ""; /* the not-resolved message must outlive the metadata calls */
    if (fs == UA_ENOTRESOLVED) ua_last_error_message(reason, sizeof reason);
    /* The verdict's tolerance: AutoKnots' |f - s| <= R (|f| + F), plus 8 ulps of the scale for
     * the rounding of double evaluation (docs/spline.md: measured at most 4.0 ulps). */
    double est = ua_spline_error_estimate(sp), ymax = 0.0;
    const double *yv = ua_spline_values(sp);
    for (size_t i = 0; i < ua_spline_nknots(sp); i++) ymax = fmax(ymax, fabs(yv[i]));
    s = set_number(meta, "tol_rel", so.rtol);
    if (!s) s = set_number(meta, "tol_abs", so.rtol * so.fscale);
    if (!s) s = set_number(meta, "tol_scale", 8.0 * 0x1p-52);
    /* the estimate is relative to |f| + F: in f's units, at most est (max |f| + F) */
    if (!s) s = set_number(meta, "estimated_err", est * (ymax + so.fscale));
    if (!s) s = set_number(meta, "estimated_rel_err", est);
    if (s) {
        ua_spline_free(sp);
        return s;
    }
    *state = sp;
    if (fs == UA_ENOTRESOLVED) return UA_ERR(UA_ENOTRESOLVED, "%s", reason);
    return UA_OK;
}
