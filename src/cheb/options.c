/*
 * The cheb family behind the engine's vtable (src/model/family.h): its option table, and fit on a
 * 1-D FORMULA or FUNCTION problem, recording the tolerance the verdict will check (docs/cheb.md,
 * "Options and the verdict").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "options.h"
#include "probe/probe.h"
#include "uniapprox/target.h"

#define CHOP "Chebfun; Aurentz & Trefethen 2017 (standardChop)"

const ua_option_spec ua_cheb_option_spec[] = {
    { "tol", UA_OPT_REAL, "2.220446049250313e-16", 0, 1, 1, NULL,
      "tolerance relative to the function's scale max|f| (least 2^-52: smaller cannot be met in "
      "double and is refused)", CHOP },
    { "abs-tol", UA_OPT_REAL, NULL, 0, 1e300, 1, NULL,
      "absolute tolerance instead of --tol (unset: --tol; below 2^-52 max|f| it is chopped at "
      "that floor and the fit is not resolved)", CHOP },
    { "max-length", UA_OPT_INT, "65537", 17, 16777217, 0, NULL,
      "most coefficients per piece before giving up", CHOP },
    { "map", UA_OPT_CHOICE, "none", 0, 0, 0, "none|log",
      "fit in x, or in t = ln x for domains spanning decades (needs 0 < a)", NULL },
    { "split", UA_OPT_FLAG, NULL, 0, 0, 0, NULL,
      "piecewise: split pieces that do not resolve (at detected edges, else bisection)",
      "Chebfun splitting; Pachon, Platte & Trefethen 2010" },
    { "split-length", UA_OPT_INT, "129", 17, 16777217, 0, NULL,
      "with --split: the most coefficients per piece", "Chebfun splitting" },
    { "max-pieces", UA_OPT_INT, "1024", 1, 1048576, 0, NULL,
      "with --split or --uniform-length: the most pieces", NULL },
    { "uniform-length", UA_OPT_INT, NULL, 1, 16777217, 0, NULL,
      "fast evaluation: 2^k equal pieces (in ln x with --map log), the fewest that each resolve "
      "with at most L coefficients; the piece is found by arithmetic (unset: off; excludes "
      "--split; at most --max-length)", NULL },
    { "rel-tol", UA_OPT_REAL, NULL, 0, 1, 1, NULL,
      "pointwise relative tolerance, |e| <= T |f(x)| at every point (unset: off): pieces cut at "
      "the zeros of f, f / (x - r) fitted where a simple zero r ends a piece (excludes --tol, "
      "--abs-tol, --split, --map log, --uniform-length)", "Chebfun; Trefethen, ATAP ch. 3" },
    { "degree", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
      "from samples: the degree N of the least-squares series, or 'cv' (unset: cv, the degree "
      "of least k-fold cross-validated RMSE)", "numpy.polynomial.Chebyshev.fit" },
    { "folds", UA_OPT_INT, "5", 2, 1000, 0, NULL,
      "with --degree cv: the number of folds (sample i of the x order in fold i mod k; unset "
      "and fewer samples: one sample per fold)",
      "Hastie, Tibshirani & Friedman, ESL 7.10" },
    { "max-degree", UA_OPT_INT, "20", 0, 1000, 0, NULL,
      "with --degree cv: the highest degree tried (capped at the smallest training fold - 1)",
      NULL },
};

_Static_assert(sizeof ua_cheb_option_spec / sizeof ua_cheb_option_spec[0] == UA_CHEB_NOPTIONS,
               "UA_CHEB_NOPTIONS must count the table");

/* The option values as ua_cheb_options, with the exclusions the table cannot express. */
static ua_status read_options(const ua_options *o, ua_cheb_options *co)
{
    ua_cheb_options_default(co);
    int tol = ua_options_given(o, "tol"), abs = ua_options_get(o, "abs-tol") != NULL;
    if (tol && abs) return UA_ERR(UA_EINVAL, "--tol and --abs-tol exclude each other");
    co->abs_tol = abs;
    co->tol = ua_options_real(o, abs ? "abs-tol" : "tol");
    co->max_length = (size_t)ua_options_int(o, "max-length");
    co->map = ua_options_choice(o, "map") == 1 ? UA_MAP_LOG : UA_MAP_NONE;
    co->split = ua_options_flag(o, "split");
    co->split_length = (size_t)ua_options_int(o, "split-length");
    co->max_pieces = (size_t)ua_options_int(o, "max-pieces");
    co->uniform_length = ua_options_get(o, "uniform-length")
                             ? (size_t)ua_options_int(o, "uniform-length") : 0;
    if (co->uniform_length && co->split)
        return UA_ERR(UA_EINVAL, "--uniform-length and --split exclude each other");
    if (co->uniform_length > co->max_length)
        return UA_ERR(UA_EINVAL, "--uniform-length %zu exceeds --max-length %zu",
                      co->uniform_length, co->max_length);
    return UA_OK;
}

/* a + b as hi + lo exactly (Knuth's TwoSum) */
static void two_sum(double a, double b, double *hi, double *lo)
{
    double s = a + b, bb = s - a;
    *hi = s;
    *lo = (a - (s - bb)) + (b - bb);
}

/* sum_{k<n} c_k T_k(s) by Clenshaw's recurrence in double-double (b_k as hi + lo, the products
 * by TwoProduct through fma): the series' value to about 2^-100 relative to the b_k, against
 * which the double recurrence's rounding is measured. */
static double clenshaw_dd(const double *c, size_t n, double s)
{
    double s2 = s + s, h1 = 0.0, l1 = 0.0, h2 = 0.0, l2 = 0.0;
    for (size_t k = n - 1; k >= 1; k--) {
        double ph = s2 * h1, pl = fma(s2, h1, -ph) + s2 * l1; /* s2 * b1 */
        double h, l, e;
        two_sum(c[k], ph, &h, &l);
        l += pl - l2;
        two_sum(h, -h2, &h, &e);
        l += e;
        two_sum(h, l, &h, &l); /* renormalised */
        h2 = h1;
        l2 = l1;
        h1 = h;
        l1 = l;
    }
    double ph = s * h1, pl = fma(s, h1, -ph) + s * l1, h, l, e;
    two_sum(c[0], ph, &h, &l);
    l += pl - l2;
    two_sum(h, -h2, &h, &e);
    return h + (l + e);
}

/* Sample points per piece of the allowance: 2n, at least 64 and at most about 2^25 / n (a
 * piece of 12284 terms: 2731 points, 0.2 s). */
static size_t allowance_points(size_t n)
{
    size_t m = 2 * n, cap = ((size_t)1 << 25) / (n ? n : 1);
    if (m > cap) m = cap;
    return m < 64 ? 64 : m;
}

/*
 * The rounding allowance in the units of f (docs/cheb.md), sampled at Chebyshev points s_j of
 * each piece (allowance_points), in the piece's variable t (x, or ln x for the log map), t =
 * mid + h s:
 *  - the input's rounding: an input x is a double, off by up to half an ulp of the real number
 *    meant, and f there differs by up to |f'(x)| ulp(x) / 2 <= 2^-53 |x| |f'(x)|; taken as a
 *    full 2^-52 |t| |dp/dt| (a margin of 2 for the sampling), with |t| + 1 for the log map,
 *    whose t = ln x is itself a rounded result;
 *  - the map's rounding: the model computes s = (t - mid) / h in double, three roundings of
 *    about 2^-53 |t - mid| in t together, taken as 2^-52 |t - mid| |dp/dt| — near the small end
 *    of a long piece (x = 1e-3 on [1e-3, 1]) far more than the input's ulp;
 *  - Clenshaw's rounding: the recurrence in double against the same recurrence in double-double
 *    at the same s, twice its sampled maximum (it grows with the length: 2.8e-12 for the 12284
 *    terms of sin(1/x) on [1e-3, 1]).
 * The largest sum over the pieces' points: an estimate from samples, not a bound. Not covered:
 * the rounding of the sample points themselves (mid + h s_j is off by up to about 2^-53 (|x_j| +
 * h |s_j|)), which interpolation carries over; where it shows, the fit is not resolved.
 */
static ua_status conditioning_allowance(const ua_cheb *c, double *allow)
{
    double worst = 0.0;
    size_t nmax = 0;
    for (size_t i = 0; i < c->npieces; i++)
        if (c->offset[i + 1] - c->offset[i] > nmax) nmax = c->offset[i + 1] - c->offset[i];
    double *d = malloc((nmax ? nmax : 1) * sizeof *d);
    if (!d) return UA_ENOMEM_ERR(nmax * sizeof *d);
    for (size_t i = 0; i < c->npieces; i++) {
        const double *a = c->coeffs + c->offset[i];
        size_t n = c->offset[i + 1] - c->offset[i];
        double lo = c->lo[i], hi = c->hi[i], mid = lo + (hi - lo) / 2, h = (hi - lo) / 2;
        ua_cheb_deriv_coeffs(a, n, d); /* d[n - 1] = 0: n - 1 terms (at least one) */
        size_t nd = n > 1 ? n - 1 : 1, m = allowance_points(n);
        for (size_t j = 0; j < m; j++) {
            /* the Chebyshev point -cos(j pi / (m - 1)), as ua_cheb_points computes it */
            double s = sin(3.14159265358979323846 * ((double)(2 * j) - (double)(m - 1)) /
                           (2.0 * (double)(m - 1)));
            double t = mid + h * s;
            double dpdt = ua_cheb_clenshaw(d, nd, s) / h;
            double input = 0x1p-52 * (fabs(t) + (c->map == UA_MAP_LOG ? 1.0 : 0.0)) * fabs(dpdt);
            double map = 0x1p-52 * fabs(t - mid) * fabs(dpdt);
            double noise = 2.0 * fabs(ua_cheb_clenshaw(a, n, s) - clenshaw_dd(a, n, s));
            double r = input + map + noise;
            if (r > worst || r != r) worst = r;
        }
    }
    free(d);
    *allow = worst * c->scale;
    return UA_OK;
}

/* The constructor's own estimate. Resolved: what standardChop certified, tol relative to the
 * scale (sum_k |c_k| >= max |p| on each piece) or the absolute tol. Not resolved: the size of
 * the tail it could not resolve, the largest |c_k| over the last sixteenth (at least 2) of the
 * worst piece's coefficients — not the last one alone, which is 0 for every even k of an odd
 * target (tan(1.5707963 x) on [-1, 1] reported an estimate of 0). Can still be 0 (every tail
 * coefficient exactly 0): the caller leaves the key out then. */
static double own_estimate(const ua_cheb *c, const ua_cheb_options *co)
{
    double scale = 0.0, last = 0.0;
    for (size_t i = 0; i < c->npieces; i++) {
        const double *a = c->coeffs + c->offset[i];
        size_t n = c->offset[i + 1] - c->offset[i];
        double sum = 0.0;
        for (size_t k = 0; k < n; k++) sum += fabs(a[k]);
        scale = fmax(scale, sum);
        size_t tail = n / 16 > 2 ? n / 16 : 2;
        for (size_t k = n > tail ? n - tail : 1; k < n; k++) last = fmax(last, fabs(a[k]));
    }
    if (!c->resolved) return last * c->scale;
    return co->abs_tol ? co->tol : co->tol * scale * c->scale;
}

static ua_status set_number(ua_model *m, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(m, key, ua_fmt_double(buf, v));
}

/* The constant model of a target at the rounding level of its evaluation, its note and its
 * tolerance (tol_abs: four times the largest rounding error seen, absolute; the verdict is the
 * measurement's). exact < 0: a function problem (its reference is itself, in double: the level
 * is that of its values at neighbouring doubles, ua_cheb_fit). */
static ua_status rounding_level_model(double a, double b, ua_map map, double level, double exact,
                                      double mid, ua_model *meta, ua_cheb **out)
{
    *out = NULL;
    const double tol_abs = 4.0 * level;
    char note[600];
    ua_probe_rounding_note(note, sizeof note, level, exact, mid, tol_abs);
    double br[2] = { a, b };
    size_t len = 1;
    ua_status s = ua_cheb_from_parts(1, br, &len, &mid, map, out);
    if (!s) s = ua_model_set_meta(meta, "fit_note", note);
    if (!s) s = set_number(meta, "tol_abs", tol_abs);
    if (!s) s = set_number(meta, "tol_scale", 16.0 * 0x1p-52);
    if (!s) s = set_number(meta, "tol_rel", 0.0);
    if (!s) s = set_number(meta, "rounding_level", level);
    if (s) {
        ua_cheb_free(*out);
        *out = NULL;
    }
    return s;
}

/* The reference of a formula at x (MPFR, 128 bits): the value of f at a root's double that the
 * rest of the root is computed from. */
static double formula_ref(double x, void *ctx)
{
    return ua_target_eval_ref((const ua_target *)ctx, &x, 128);
}

/* The formula in MPFR at the precision of y, for the location of singular points (locate.c). */
static void formula_mpfr(double x, mpfr_t y, void *ctx)
{
    ua_target_eval_mpfr((const ua_target *)ctx, &x, y);
}

/* The pointwise relative tolerance of the default for a target sampled in MPFR: 2 ulps, so that
 * each piece's values span at most a factor 2 and its error relative to the scale, 2^-52, is at
 * most 2 ulps of every value. */
#define DEFAULT_REL 0x1p-51

/* Whether the default fit c of a FORMULA sampled in MPFR (no --tol, --abs-tol, --split, --map,
 * --uniform-length given) should be fitted again to a pointwise relative tolerance: its values
 * (on 257 Chebyshev points of each piece) have one sign and span more than a factor 2. */
static int default_pointwise(const ua_problem *p, const ua_options *o, const ua_cheb_options *co,
                             const ua_cheb *c)
{
    if (ua_problem_kind_of(p) != UA_PROBLEM_FORMULA || ua_problem_sample_prec(p) <= 53) return 0;
    if (ua_options_given(o, "tol") || ua_options_get(o, "abs-tol") || co->split ||
        co->uniform_length || co->map != UA_MAP_NONE || c->scale != 1.0 || c->roots)
        return 0;
    double lo = INFINITY, hi = 0.0, pts[257];
    int neg = 0, pos = 0;
    ua_cheb_points(257, pts);
    for (size_t i = 0; i < c->npieces; i++) {
        const double *cf = c->coeffs + c->offset[i];
        size_t n = c->offset[i + 1] - c->offset[i];
        for (size_t j = 0; j < 257; j++) {
            double v = ua_cheb_clenshaw(cf, n, pts[j]);
            neg |= v <= 0.0;
            pos |= v >= 0.0;
            lo = fmin(lo, fabs(v));
            hi = fmax(hi, fabs(v));
        }
    }
    /* a target with zeros keeps the scale's tolerance (cos(20x): Chebfun's 51 coefficients;
     * --rel-tol asks for the zeros): only the dynamic range of a target of one sign is the
     * default's business */
    return !(neg && pos) && hi > 2.0 * lo;
}

/* The verdict's tolerance of a pointwise relative fit c to T (fit_rel), recorded in meta. */
static ua_status record_rel(ua_model *meta, const ua_cheb *c, double T)
{
    double worst = 0.0, pts[257];
    ua_cheb_points(257, pts);
    for (size_t i = 0; i < c->npieces; i++) {
        const double *cf = c->coeffs + c->offset[i];
        size_t n = c->offset[i + 1] - c->offset[i];
        double sum = 0.0, m = INFINITY;
        for (size_t k = 0; k < n; k++) sum += fabs(cf[k]);
        for (size_t j = 0; j < 257; j++) m = fmin(m, fabs(ua_cheb_clenshaw(cf, n, pts[j])));
        if (m > 0.0) worst = fmax(worst, sum / m);
    }
    ua_status s = set_number(meta, "tol_rel", T + 16.0 * 0x1p-52 * fmax(worst, 1.0));
    if (!s) s = set_number(meta, "tol_abs", 0x1p-1070);
    if (!s) s = set_number(meta, "tol_scale", 0.0);
    if (!s) s = set_number(meta, "estimated_rel_err", T);
    return s;
}

/*
 * --rel-tol T: pointwise relative accuracy (ua_cheb_fit_rel). The verdict's tolerance is
 * |e| <= (T + rounding) |f(x)| with rounding = 16 eps max over pieces of sum |c_k| / min |p| (the
 * rounding of Clenshaw's sum relative to the piece's smallest value), plus 2^-1070 absolute for
 * products that end in the subnormal range. meta NULL: a try (the default's second fit), which
 * returns the model only when it resolves and records nothing.
 */
static ua_status fit_rel(const ua_problem *p, const ua_options *o, const ua_cheb_options *co,
                         ua_probe_problem_fn *fn, double T, const ua_cheb *hint, ua_model *meta,
                         void **state)
{
    if (ua_options_given(o, "tol") || ua_options_get(o, "abs-tol") || co->split ||
        co->uniform_length || co->map != UA_MAP_NONE)
        return UA_ERR(UA_EINVAL, "--rel-tol excludes --tol, --abs-tol, --split, --map log and "
                      "--uniform-length");
    const double a = ua_problem_lo(p)[0], b = ua_problem_hi(p)[0];
    if (T < 0x1p-52)
        return UA_ERR(UA_EINVAL, "--rel-tol %g is below double precision, %.2g", T, 0x1p-52);
    const ua_target *t = ua_problem_kind_of(p) == UA_PROBLEM_FORMULA ? ua_problem_target(p) : NULL;
    ua_cheb *c = NULL;
    ua_status fs = ua_cheb_fit_rel(ua_probe_problem_fn1, fn, t ? formula_ref : NULL, (void *)t,
                                   hint, a, b, T, co, &c);
    fs = ua_probe_problem_status(fn, fs);
    if (fs != UA_OK && fs != UA_ENOTRESOLVED) {
        ua_cheb_free(c);
        return fs;
    }
    if (fs == UA_ENOTRESOLVED && !meta) { /* a try (the default's second fit): no model */
        ua_cheb_free(c);
        return fs;
    }
    char reason[512] = "";
    if (fs == UA_ENOTRESOLVED) ua_last_error_message(reason, sizeof reason);
    if (!meta) { /* resolved: the caller records it */
        *state = c;
        return UA_OK;
    }
    ua_status s = record_rel(meta, c, T);
    if (s) {
        ua_cheb_free(c);
        return s;
    }
    *state = c;
    if (fs == UA_ENOTRESOLVED) return UA_ERR(UA_ENOTRESOLVED, "%s", reason);
    return UA_OK;
}

ua_status ua_cheb_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                             ua_model *meta, void **state)
{
    (void)hooks;
    *state = NULL;
    ua_problem_kind kind = ua_problem_kind_of(p);
    if ((kind == UA_PROBLEM_SAMPLES && ua_problem_dim(p) == 1) || ua_options_given(o, "degree") ||
        ua_options_given(o, "folds") || ua_options_given(o, "max-degree"))
        return ua_cheb_lsq_family_fit(p, o, meta, state); /* least squares: src/cheb/lsq.c */
    if ((kind != UA_PROBLEM_FORMULA && kind != UA_PROBLEM_FUNCTION) || ua_problem_dim(p) != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the cheb family fits 1-D formulas and functions");
    ua_cheb_options co;
    ua_status s = read_options(o, &co);
    if (s) return s;
    double a = ua_problem_lo(p)[0], b = ua_problem_hi(p)[0];
    ua_probe_problem_fn fn = { .p = p };
    ua_cheb *c = NULL;
    int noise = 0;
    double level = 0.0, exact = 0.0, mid = 0.0;
    /* a target at the rounding level of its own evaluation: a constant, at once (Chebfun's
     * vscale test, decided by the probe against the exact function; src/probe/noise.c) */
    s = ua_probe_problem_rounding_level(p, &fn, a, b, co.map == UA_MAP_LOG, &noise, &level,
                                        &exact, &mid);
    if (!s && noise) s = rounding_level_model(a, b, co.map, level, exact, mid, meta, &c);
    if (s || noise) {
        *state = c;
        return s;
    }
    if (ua_options_get(o, "rel-tol"))
        return fit_rel(p, o, &co, &fn, ua_options_real(o, "rel-tol"), NULL, meta, state);
    ua_cheb_hp hp = { formula_mpfr, (void *)ua_problem_target(p) };
    ua_status fs = ua_cheb_fit_hp(ua_probe_problem_fn1, &fn,
                                  kind == UA_PROBLEM_FORMULA ? &hp : NULL, a, b, &co, &c);
    fs = ua_probe_problem_status(&fn, fs);
    if (fs != UA_OK && fs != UA_ENOTRESOLVED) {
        ua_cheb_free(c);
        return fs;
    }
    if (fs == UA_OK && default_pointwise(p, o, &co, c)) {
        /* sampled at the reference's precision with the default tolerance: the goal is the
         * reference's accuracy at every point, which a tolerance relative to max|f| misses
         * where |f| is small (erfc(x) exp(x^2) on [0, 10]: 19 ulps at x = 9.6, f there 18
         * times below its maximum). Fitted again to the pointwise relative tolerance
         * DEFAULT_REL (as --rel-tol), the first fit standing in for f on the zero scan; kept
         * when that resolves, else the first fit stays. */
        void *st2 = NULL;
        ua_status fr = fit_rel(p, o, &co, &fn, DEFAULT_REL, c, NULL, &st2);
        if (fr == UA_OK) {
            ua_cheb_free(c);
            c = st2;
            fr = record_rel(meta, c, DEFAULT_REL);
            if (fr) {
                ua_cheb_free(c);
                return fr;
            }
            *state = c;
            char note[320];
            snprintf(note, sizeof note, "sampled in MPFR with the default tolerance: fitted to "
                     "the pointwise relative tolerance %.3g |f(x)| (as --rel-tol %.3g), "
                     "%zu pieces; --tol T asks for a tolerance relative to max|f| instead",
                     DEFAULT_REL, DEFAULT_REL, ((ua_cheb *)st2)->npieces);
            return ua_model_set_meta(meta, "fit_note", note);
        }
        ua_cheb_free(st2);
        if (fr != UA_ENOTRESOLVED && fr != UA_EINVAL) {
            ua_cheb_free(c);
            return fr;
        }
        ua_clear_error();
    }
    char reason[512] = ""; /* the not-resolved message must outlive the metadata calls */
    if (fs == UA_ENOTRESOLVED) ua_last_error_message(reason, sizeof reason);

    /* The verdict's tolerance: the one asked for, plus the rounding of double evaluation
     * (docs/cheb.md): 16 ulps of the scale for the rounded samples and the chop, and the
     * allowance A sampled pointwise: the input's and the map's rounding carried by f', and
     * Clenshaw's rounding measured against double-double. */
    const double rounding = 16.0 * 0x1p-52;
    double allow = 0.0;
    s = conditioning_allowance(c, &allow);
    if (!s) s = set_number(meta, "tol_abs", (co.abs_tol ? co.tol : 0.0) + allow);
    if (!s) s = set_number(meta, "tol_scale", co.abs_tol ? rounding : co.tol + rounding);
    if (!s) s = set_number(meta, "tol_rel", 0.0);
    double est = own_estimate(c, &co); /* not resolved and 0: no claim rather than a false one */
    if (!s && (c->resolved || est > 0.0)) s = set_number(meta, "estimated_err", est);
    if (s) {
        ua_cheb_free(c);
        return s;
    }
    *state = c;
    if (fs == UA_ENOTRESOLVED) return UA_ERR(UA_ENOTRESOLVED, "%s", reason);
    return UA_OK;
}
