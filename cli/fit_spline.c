/* `uniapprox fit --family spline`: AutoKnots cubic splines of a target, or the interpolating
 * spline through the samples of a --data file (docs/spline.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/internal.h"

static const char *rtol, *fscale, *bc, *slopes, *map, *max_knots;
static ua_spline_options opt;
static size_t nsamples;

static const ua_opt opts[] = {
    { "rtol", 0, 1, &rtol, NULL },
    { "fscale", 0, 1, &fscale, NULL },
    { "bc", 0, 1, &bc, NULL },
    { "slopes", 0, 1, &slopes, NULL },
    { "map", 0, 1, &map, NULL },
    { "max-knots", 0, 1, &max_knots, NULL },
};

static const char help[] =
    "spline options (cubic splines with AutoKnots adaptive knots, docs/spline.md):\n"
    "  --rtol R             relative tolerance: |f - s| <= R (|f| + fscale) at every tested\n"
    "                       midpoint, and the same for the integral over each interval\n"
    "                       (default 1e-8)\n"
    "  --fscale F           the function scale of the absolute part of the tolerance (default 0)\n"
    "  --bc not-a-knot|natural|clamped\n"
    "                       end conditions (default not-a-knot)\n"
    "  --slopes A:B         with --bc clamped: f'(a) and f'(b), in x\n"
    "  --map none|log|asinh spline in x, ln x (domains over decades) or asinh x (default none)\n"
    "  --max-knots N        give up (exit 1, 'not resolved', best spline kept) beyond N knots\n"
    "                       (default 100000)\n"
    "  With --data: the interpolating spline through the samples (columns --x-col, --y-col; x\n"
    "  in any order, distinct); the domain is the range of x unless --domain gives a part of\n"
    "  it; NaN outside.\n";

/* Turns the option strings into ua_spline_options; prints and returns 2 when one is bad. */
static int parse_options(void)
{
    ua_spline_options_default(&opt);
    if (rtol && (ua_cli_double(rtol, &opt.rtol) || !(opt.rtol > 0)))
        return ua_cli_usage("fit", "--rtol '%s' must be a positive number", rtol);
    if (fscale && (ua_cli_double(fscale, &opt.fscale) || !(opt.fscale >= 0)))
        return ua_cli_usage("fit", "--fscale '%s' must be a number >= 0", fscale);
    if (bc) {
        if (!strcmp(bc, "not-a-knot")) opt.bc = UA_SPLINE_NOT_A_KNOT;
        else if (!strcmp(bc, "natural")) opt.bc = UA_SPLINE_NATURAL;
        else if (!strcmp(bc, "clamped")) opt.bc = UA_SPLINE_CLAMPED;
        else return ua_cli_usage("fit", "--bc '%s': expected not-a-knot, natural or clamped", bc);
    }
    if (opt.bc == UA_SPLINE_CLAMPED && !slopes)
        return ua_cli_usage("fit", "--bc clamped needs --slopes A:B (f'(a) and f'(b))");
    if (slopes) {
        if (opt.bc != UA_SPLINE_CLAMPED) return ua_cli_usage("fit", "--slopes needs --bc clamped");
        const char *colon = strchr(slopes + 1, ':'); /* a leading '-' is a sign */
        char left[64];
        size_t len = colon ? (size_t)(colon - slopes) : 0;
        if (!colon || len >= sizeof left)
            return ua_cli_usage("fit", "--slopes '%s': expected A:B", slopes);
        memcpy(left, slopes, len);
        left[len] = 0;
        if (ua_cli_double(left, &opt.slope_a) || ua_cli_double(colon + 1, &opt.slope_b))
            return ua_cli_usage("fit", "--slopes '%s': expected two finite numbers A:B", slopes);
    }
    if (map) {
        if (!strcmp(map, "none")) opt.map = UA_SPLINE_MAP_NONE;
        else if (!strcmp(map, "log")) opt.map = UA_SPLINE_MAP_LOG;
        else if (!strcmp(map, "asinh")) opt.map = UA_SPLINE_MAP_ASINH;
        else return ua_cli_usage("fit", "--map '%s': expected none, log or asinh", map);
    }
    if (max_knots && (ua_cli_size(max_knots, &opt.max_knots) || opt.max_knots < opt.init_knots))
        return ua_cli_usage("fit", "--max-knots '%s' must be a count >= %zu", max_knots,
                            opt.init_knots);
    return 0;
}

/* Reads the two columns of in->data and builds the interpolating spline. */
static int fit_samples(ua_cli_fit_input *in, void **state, ua_status *fit_status)
{
    if (rtol || fscale || max_knots)
        return ua_cli_usage("fit", "--rtol, --fscale and --max-knots are AutoKnots options; a "
                            "spline through samples interpolates them all");
    ua_dataset *ds = NULL;
    ua_status s = ua_dataset_read(in->data, UA_FORMAT_AUTO, &ds);
    if (s) {
        *fit_status = s;
        return 0;
    }
    size_t cols[2];
    const char *xc = in->x_col ? in->x_col : "0", *yc = in->y_col ? in->y_col : "1";
    if (ua_dataset_cols(ds) < 2 && !(in->x_col && in->y_col)) {
        ua_dataset_free(ds);
        return ua_cli_usage("fit", "%s has %zu column; a spline needs two (x and y)", in->data,
                            ua_dataset_cols(ds));
    }
    if (ua_dataset_column(ds, xc, &cols[0]) || ua_dataset_column(ds, yc, &cols[1])) {
        ua_dataset_free(ds);
        return ua_cli_usage("fit", "%s", ua_last_error()); /* a column that is not there */
    }
    size_t n = ua_dataset_rows(ds);
    double *xy = ua_calloc(n, 2 * sizeof *xy), *xs = ua_calloc(n, 2 * sizeof *xs);
    if (!xy || !xs) {
        free(xy);
        free(xs);
        ua_dataset_free(ds);
        *fit_status = UA_ENOMEM_ERR(4 * n * sizeof *xy);
        return 0;
    }
    s = ua_dataset_select(ds, NULL, n, cols, 2, xy);
    ua_dataset_free(ds);
    double *ys = xs + n, lo = 0, hi = 0;
    for (size_t k = 0; k < n && !s; k++) {
        xs[k] = xy[2 * k];
        ys[k] = xy[2 * k + 1];
        if (k == 0 || xs[k] < lo) lo = xs[k];
        if (k == 0 || xs[k] > hi) hi = xs[k];
    }
    free(xy);
    ua_spline *sp = NULL;
    if (!s) s = ua_spline_from_samples(xs, ys, n, &opt, &sp);
    free(xs);
    if (s == UA_EINVAL) { /* name the file: the library names the data rows */
        char msg[512];
        snprintf(msg, sizeof msg, "%s", ua_last_error());
        s = UA_ERR(UA_EINVAL, "%s: %s", in->data, msg);
    }
    if (s) {
        *fit_status = s;
        return 0;
    }
    nsamples = n;
    if (!in->domain_given) {
        in->a = lo;
        in->b = hi;
    } else if (!(lo <= in->a && in->b <= hi)) {
        ua_spline_free(sp);
        return ua_cli_usage("fit", "--domain %g:%g is not inside the range of the data [%.17g, "
                            "%.17g] (the spline is NaN outside it)", in->a, in->b, lo, hi);
    }
    *fit_status = UA_OK;
    *state = sp;
    return 0;
}

static int fit(ua_cli_fit_input *in, void **state, ua_status *fit_status)
{
    int rc = parse_options();
    if (rc) return rc;
    if (in->data) return fit_samples(in, state, fit_status);
    if (!in->target)
        return ua_cli_usage("fit", "the spline family fits a TARGET or interpolates --data FILE "
                            "(two columns); --split-dir is for the learners (mlp, kernel, rf)");
    ua_spline *sp = NULL;
    *fit_status = ua_spline_fit(ua_target_fn1, (void *)in->target, in->a, in->b, &opt, &sp);
    *state = sp;
    return 0;
}

static ua_status store_options(ua_model *m)
{
    char buf[64];
    ua_status s = UA_OK;
    if (nsamples) {
        snprintf(buf, sizeof buf, "%zu", nsamples);
        return ua_model_set_meta(m, "samples", buf);
    }
    s = ua_model_set_meta(m, "rtol", ua_fmt_double(buf, opt.rtol));
    if (!s) s = ua_model_set_meta(m, "fscale", ua_fmt_double(buf, opt.fscale));
    snprintf(buf, sizeof buf, "%zu", opt.max_knots);
    if (!s) s = ua_model_set_meta(m, "max_knots", buf);
    return s;
}

const ua_cli_fitter ua_cli_fitter_spline = {
    "spline", help, opts, sizeof opts / sizeof opts[0], fit, store_options,
};
