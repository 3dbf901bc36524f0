/* uniapprox check — re-measure a model's errors against the MPFR reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: uniapprox check MODEL [--against EXPR] [--points N] [--prec BITS] [--json]\n"
    "\n"
    "Evaluates the model on a dense grid over its domain (uniform, or uniform in ln x for\n"
    "log-mapped models) plus its own natural points (Chebyshev points, breakpoints), and measures\n"
    "the error against the target evaluated in MPFR: max absolute, max relative, max relative to\n"
    "the function's scale, RMS, and ULPs of float64 and float32, each with where it occurs.\n"
    "\n"
    "options:\n"
    "  --against EXPR   measure against EXPR instead of the target stored in the model\n"
    "  --points N       grid points (default 100000)\n"
    "  --prec BITS      MPFR precision of the reference (default 128)\n"
    "  --tol T          exit 1 when the max error relative to the scale exceeds T\n"
    "  --json           machine-readable output\n";

int cmd_check(int argc, char **argv)
{
    const char *against = NULL, *points = "100000", *prec = "128", *tol = NULL;
    int json = 0;
    const ua_opt opts[] = {
        { "against", 0, 1, &against, NULL }, { "points", 0, 1, &points, NULL },
        { "prec", 0, 1, &prec, NULL },       { "tol", 0, 1, &tol, NULL },
        { "json", 0, 0, NULL, &json },
    };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse("check", argc, argv, opts, sizeof opts / sizeof opts[0], &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    const char *path = npos == 1 ? pos[0] : NULL;
    free(pos);
    if (rc) return rc;
    if (!path) return ua_cli_usage("check", "expected one MODEL (see --help)");
    size_t npoints;
    double precd, told = 0;
    if (ua_cli_size(points, &npoints) || npoints < 2)
        return ua_cli_usage("check", "--points '%s' must be a count >= 2", points);
    if (ua_cli_double(prec, &precd) || precd < 53 || precd > 100000 || precd != (long)precd)
        return ua_cli_usage("check", "--prec '%s' must be an integer number of bits >= 53", prec);
    if (tol && (ua_cli_double(tol, &told) || !(told > 0)))
        return ua_cli_usage("check", "--tol '%s' must be a positive number", tol);

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("check", s);
    const char *spec = against ? against : ua_model_target(m);
    if (!*spec) {
        ua_model_free(m);
        return ua_cli_usage("check", "the model stores no target: give one with --against");
    }
    ua_target *t;
    ua_errors err;
    s = ua_target_parse(spec, NULL, 0, &t);
    if (!s) s = ua_cli_measure(m, t, npoints, (long)precd, &err);
    ua_target_free(t);
    if (s) {
        ua_model_free(m);
        return ua_cli_fail("check", s);
    }
    double lo, hi;
    ua_model_domain(m, &lo, &hi);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "model", path);
        cJSON_AddStringToObject(o, "against", spec);
        cJSON *d = cJSON_AddArrayToObject(o, "domain");
        cJSON_AddItemToArray(d, cJSON_CreateNumber(lo));
        cJSON_AddItemToArray(d, cJSON_CreateNumber(hi));
        cJSON_AddNumberToObject(o, "reference_prec", precd);
        ua_cli_errors_json(o, &err);
        ua_cli_print_json(o);
    } else {
        printf("model     %s (%s)\n", path, ua_model_family(m));
        printf("against   %s on [%.17g, %.17g], MPFR %ld bits\n", spec, lo, hi, (long)precd);
        ua_cli_errors_text(stdout, &err);
    }
    ua_model_free(m);
    if (tol && !(err.max_rel_scale <= told)) {
        fprintf(stderr, "uniapprox check: max error / scale %.3e exceeds --tol %.3e\n",
                err.max_rel_scale, told);
        return UA_EXIT_FAIL;
    }
    return UA_EXIT_OK;
}
