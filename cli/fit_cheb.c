/* `uniapprox fit --family cheb` (the default): adaptive Chebyshev options. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *tol, *abs_tol, *max_length, *map, *split_length, *max_pieces, *uniform_length;
static int split;
static ua_cheb_options opt;

static const ua_opt opts[] = {
    { "tol", 0, 1, &tol, NULL },
    { "abs-tol", 0, 1, &abs_tol, NULL },
    { "max-length", 0, 1, &max_length, NULL },
    { "map", 0, 1, &map, NULL },
    { "split", 0, 0, NULL, &split },
    { "split-length", 0, 1, &split_length, NULL },
    { "max-pieces", 0, 1, &max_pieces, NULL },
    { "uniform-length", 0, 1, &uniform_length, NULL },
};

static const char help[] =
    "cheb options (adaptive Chebyshev interpolation, docs/cheb.md):\n"
    "  --tol T              tolerance relative to the function's scale max|f| (default and\n"
    "                       least 2^-52: smaller cannot be met in double and is refused)\n"
    "  --abs-tol T          absolute tolerance instead of --tol (below 2^-52 max|f|: chopped\n"
    "                       at that floor and reported not resolved)\n"
    "  --max-length N       most coefficients per piece (default 65537)\n"
    "  --map none|log       fit in x, or in t = ln x for domains spanning decades (default none)\n"
    "  --split              piecewise: split pieces that do not resolve (edges, then bisection)\n"
    "  --split-length N     with --split: the most coefficients per piece (default 129)\n"
    "  --max-pieces N       with --split or --uniform-length: the most pieces (default 1024)\n"
    "  --uniform-length L   fast evaluation: cut [a, b] (ln x with --map log) into 2^k equal\n"
    "                       pieces, the fewest that each resolve with at most L coefficients;\n"
    "                       the exported C then finds the piece by arithmetic, no search;\n"
    "                       every piece has at most L coefficients, also when not resolved\n"
    "                       (L = 8..16 suits short monomial pieces; excludes --split)\n";

/* Turns the option strings into ua_cheb_options; prints and returns 2 when one is bad. */
static int parse_options(void)
{
    ua_cheb_options_default(&opt);
    if (tol && abs_tol) return ua_cli_usage("fit", "--tol and --abs-tol exclude each other");
    const char *t = tol ? tol : abs_tol;
    if (t && (ua_cli_double(t, &opt.tol) || !(opt.tol > 0)))
        return ua_cli_usage("fit", "tolerance '%s' must be a positive number", t);
    opt.abs_tol = abs_tol != NULL;
    if (max_length && ua_cli_size(max_length, &opt.max_length))
        return ua_cli_usage("fit", "--max-length '%s' is not a count", max_length);
    if (map) {
        if (!strcmp(map, "log")) opt.map = UA_MAP_LOG;
        else if (!strcmp(map, "none")) opt.map = UA_MAP_NONE;
        else return ua_cli_usage("fit", "--map '%s': expected none or log", map);
    }
    opt.split = split;
    if (split_length && ua_cli_size(split_length, &opt.split_length))
        return ua_cli_usage("fit", "--split-length '%s' is not a count", split_length);
    if (max_pieces && ua_cli_size(max_pieces, &opt.max_pieces))
        return ua_cli_usage("fit", "--max-pieces '%s' is not a count", max_pieces);
    if (uniform_length &&
        (ua_cli_size(uniform_length, &opt.uniform_length) || opt.uniform_length < 1))
        return ua_cli_usage("fit", "--uniform-length '%s' must be a count >= 1", uniform_length);
    if (uniform_length && split)
        return ua_cli_usage("fit", "--uniform-length and --split exclude each other");
    if (uniform_length && opt.uniform_length > opt.max_length)
        return ua_cli_usage("fit", "--uniform-length %zu exceeds --max-length %zu",
                            opt.uniform_length, opt.max_length);
    return 0;
}

static int fit(ua_cli_fit_input *in, void **state, ua_status *fit_status)
{
    int rc = parse_options();
    if (rc) return rc;
    if (!in->target)
        return ua_cli_usage("fit", "the cheb family fits a TARGET; for samples (--data) use "
                            "another family");
    ua_cheb *c = NULL;
    *fit_status = ua_cheb_fit(ua_target_fn1, (void *)in->target, in->a, in->b, &opt, &c);
    *state = c;
    return 0;
}

static ua_status store_options(ua_model *m)
{
    char buf[64];
    ua_status s;
    snprintf(buf, sizeof buf, "%.17g", opt.tol);
    s = ua_model_set_meta(m, opt.abs_tol ? "abs_tol" : "tol", buf);
    snprintf(buf, sizeof buf, "%zu", opt.max_length);
    if (!s) s = ua_model_set_meta(m, "max_length", buf);
    if (!s) s = ua_model_set_meta(m, "split", opt.split ? "1" : "0");
    if (opt.uniform_length) {
        snprintf(buf, sizeof buf, "%zu", opt.uniform_length);
        if (!s) s = ua_model_set_meta(m, "uniform_length", buf);
        snprintf(buf, sizeof buf, "%zu", opt.max_pieces);
        if (!s) s = ua_model_set_meta(m, "max_pieces", buf);
    }
    if (opt.split) {
        snprintf(buf, sizeof buf, "%zu", opt.split_length);
        if (!s) s = ua_model_set_meta(m, "split_length", buf);
        snprintf(buf, sizeof buf, "%zu", opt.max_pieces);
        if (!s) s = ua_model_set_meta(m, "max_pieces", buf);
    }
    return s;
}

const ua_cli_fitter ua_cli_fitter_cheb = {
    "cheb", help, opts, sizeof opts / sizeof opts[0], fit, store_options,
};
