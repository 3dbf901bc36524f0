/* `uniapprox fit --family minimax`: Remez best approximations (docs/minimax.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *degree, *rational, *error, *weight, *tol, *coeffs, *scheme, *max_iter, *var,
    *work_prec;
static ua_minimax_options opt;
static int auto_degree;

static const ua_opt opts[] = {
    { "degree", 0, 1, &degree, NULL },     { "rational", 0, 1, &rational, NULL },
    { "error", 0, 1, &error, NULL },       { "weight", 0, 1, &weight, NULL },
    { "tol", 0, 1, &tol, NULL },           { "coeffs", 0, 1, &coeffs, NULL },
    { "scheme", 0, 1, &scheme, NULL },     { "max-iter", 0, 1, &max_iter, NULL },
    { "var", 0, 1, &var, NULL },           { "work-prec", 0, 1, &work_prec, NULL },
};

static const char help[] =
    "minimax options (Remez best approximation, docs/minimax.md):\n"
    "  --degree N|auto      polynomial degree (default 8); auto: the least degree whose best\n"
    "                       approximation meets --tol (like Sollya's guessdegree)\n"
    "  --rational M/N       best rational of numerator degree M and denominator degree N\n"
    "  --error abs|rel|weighted  error measure (default abs; weighted needs --weight)\n"
    "  --weight EXPR        minimise max |w(x) (p(x) - f(x))| with w = EXPR > 0 on the domain\n"
    "  --tol T              with --degree auto: the error to meet, in the --error measure\n"
    "  --coeffs real|double|float  coefficients: real (rounded once to double), or rounded to\n"
    "                       double / float and re-optimised (like Sollya's fpminimax); default real\n"
    "  --scheme horner|estrin  evaluation scheme of eval and export (default horner)\n"
    "  --var auto|x|unit    monomials in x, or in t = (x - mid) * 2 / (b - a); auto picks x when\n"
    "                       that form is well conditioned (default auto)\n"
    "  --max-iter N         most Remez iterations (default 60)\n"
    "  --work-prec BITS     MPFR working precision of the solver (default 192)\n";

static int parse_options(void)
{
    ua_minimax_options_default(&opt);
    auto_degree = 0;
    if (degree && rational) return ua_cli_usage("fit", "--degree and --rational exclude each other");
    if (degree) {
        size_t d;
        if (!strcmp(degree, "auto")) {
            opt.degree = UA_MINIMAX_DEGREE_AUTO;
            auto_degree = 1;
        } else if (ua_cli_size(degree, &d) || d > 1000) {
            return ua_cli_usage("fit", "--degree '%s': expected a degree 0..1000 or auto", degree);
        } else opt.degree = (int)d;
    }
    if (rational) {
        unsigned m, n;
        char c;
        if (sscanf(rational, "%u/%u%c", &m, &n, &c) != 2 || m > 1000 || n > 1000)
            return ua_cli_usage("fit", "--rational '%s': expected M/N (degrees 0..1000)", rational);
        opt.degree = (int)m;
        opt.den_degree = (int)n;
    }
    if (error) {
        if (!strcmp(error, "abs")) opt.error = UA_MINIMAX_ABS;
        else if (!strcmp(error, "rel")) opt.error = UA_MINIMAX_REL;
        else if (!strcmp(error, "weighted")) opt.error = UA_MINIMAX_WEIGHTED;
        else return ua_cli_usage("fit", "--error '%s': expected abs, rel or weighted", error);
    }
    if (weight) {
        if (error && opt.error != UA_MINIMAX_WEIGHTED)
            return ua_cli_usage("fit", "--weight needs --error weighted (or no --error)");
        opt.error = UA_MINIMAX_WEIGHTED;
    } else if (opt.error == UA_MINIMAX_WEIGHTED) {
        return ua_cli_usage("fit", "--error weighted needs --weight EXPR");
    }
    if (tol && (ua_cli_double(tol, &opt.tol) || !(opt.tol > 0)))
        return ua_cli_usage("fit", "--tol '%s' must be a positive number", tol);
    if (auto_degree && !tol) return ua_cli_usage("fit", "--degree auto needs --tol T");
    if (tol && !auto_degree) return ua_cli_usage("fit", "--tol is for --degree auto");
    if (coeffs) {
        if (!strcmp(coeffs, "real")) opt.coeffs = UA_MINIMAX_REAL;
        else if (!strcmp(coeffs, "double")) opt.coeffs = UA_MINIMAX_DOUBLE;
        else if (!strcmp(coeffs, "float")) opt.coeffs = UA_MINIMAX_FLOAT;
        else return ua_cli_usage("fit", "--coeffs '%s': expected real, double or float", coeffs);
    }
    if (scheme) {
        if (!strcmp(scheme, "horner")) opt.scheme = UA_MINIMAX_HORNER;
        else if (!strcmp(scheme, "estrin")) opt.scheme = UA_MINIMAX_ESTRIN;
        else return ua_cli_usage("fit", "--scheme '%s': expected horner or estrin", scheme);
    }
    if (var) {
        if (!strcmp(var, "auto")) opt.var = UA_MINIMAX_VAR_AUTO;
        else if (!strcmp(var, "x")) opt.var = UA_MINIMAX_VAR_X;
        else if (!strcmp(var, "unit")) opt.var = UA_MINIMAX_VAR_UNIT;
        else return ua_cli_usage("fit", "--var '%s': expected auto, x or unit", var);
    }
    if (max_iter && (ua_cli_size(max_iter, &opt.max_iter) || opt.max_iter == 0))
        return ua_cli_usage("fit", "--max-iter '%s' must be a count >= 1", max_iter);
    if (work_prec) {
        size_t p;
        if (ua_cli_size(work_prec, &p) || p < 64 || p > 100000)
            return ua_cli_usage("fit", "--work-prec '%s' must be 64..100000 bits", work_prec);
        opt.prec = (long)p;
    }
    return 0;
}

static int fit(ua_cli_fit_input *in, void **state, ua_status *fit_status)
{
    int rc = parse_options();
    if (rc) return rc;
    if (!in->target)
        return ua_cli_usage("fit", "the minimax family fits a TARGET; for samples (--data) use "
                            "another family");
    ua_target *w = NULL;
    if (weight) {
        ua_status s = ua_target_parse(weight, NULL, 0, &w);
        if (s) {
            *fit_status = s;
            *state = NULL;
            return 0;
        }
        opt.weight = w;
    }
    ua_minimax *p = NULL;
    *fit_status = ua_minimax_fit(in->target, in->a, in->b, &opt, &p);
    *state = p;
    opt.weight = NULL;
    ua_target_free(w);
    return 0;
}

static ua_status store_options(ua_model *m)
{
    static const char *const en[] = {"abs", "rel", "weighted"}, *const cn[] = {"real", "double", "float"};
    char buf[64];
    ua_status s;
    if (auto_degree) s = ua_model_set_meta(m, "degree", "auto");
    else {
        snprintf(buf, sizeof buf, "%d", opt.degree);
        s = ua_model_set_meta(m, "degree", buf);
    }
    snprintf(buf, sizeof buf, "%d", opt.den_degree);
    if (!s) s = ua_model_set_meta(m, "den_degree", buf);
    if (!s) s = ua_model_set_meta(m, "error", en[opt.error]);
    if (!s && weight) s = ua_model_set_meta(m, "weight", weight);
    if (!s && auto_degree) {
        snprintf(buf, sizeof buf, "%.17g", opt.tol);
        s = ua_model_set_meta(m, "tol", buf);
    }
    if (!s) s = ua_model_set_meta(m, "coeffs", cn[opt.coeffs]);
    if (!s) s = ua_model_set_meta(m, "scheme", opt.scheme == UA_MINIMAX_ESTRIN ? "estrin" : "horner");
    snprintf(buf, sizeof buf, "%zu", opt.max_iter);
    if (!s) s = ua_model_set_meta(m, "max_iter", buf);
    snprintf(buf, sizeof buf, "%ld", opt.prec);
    if (!s) s = ua_model_set_meta(m, "work_prec", buf);
    return s;
}

const ua_cli_fitter ua_cli_fitter_minimax = {
    "minimax", help, opts, sizeof opts / sizeof opts[0], fit, store_options,
};
