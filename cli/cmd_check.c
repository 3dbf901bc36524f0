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
    "  --json           machine-readable output\n"
    "\n"
    "exhaustive float32 check:\n"
    "  uniapprox check MODEL --exhaustive [--lo A --hi B] [--threads N] [--top K] [--max-ulp U]\n"
    "  uniapprox check --kernel FILE.c --symbol NAME --against EXPR --lo A --hi B [...]\n"
    "Exports the model as float code (or takes a hand-written `float NAME(float)`), compiles it\n"
    "with the system compiler (cc or $CC; -O2 -ffp-contract=off), loads it, and evaluates it at\n"
    "every float in the model's domain (or [A, B]) against the correctly rounded reference: libm\n"
    "in double for single-function targets such as exp(x) or 2^x, MPFR with increasing precision\n"
    "near rounding boundaries and for every other target. Reports the max error in ULPs of the\n"
    "exact value, how many results are not correctly rounded, NaN/Inf mismatches and the worst\n"
    "inputs. The check runs in a child process: a kernel that crashes or runs past --timeout\n"
    "ends it with a message and exit 1. Exit 1 when --max-ulp U is given and exceeded.\n"
    "  --exhaustive     check every float (instead of the grid above)\n"
    "  --kernel FILE.c  check a hand-written kernel (needs --symbol, --against, --lo, --hi)\n"
    "  --symbol NAME    the kernel's function name\n"
    "  --lo A, --hi B   the interval (default: the model's domain, rounded inwards to floats)\n"
    "  --threads N      OpenMP threads (default: all cores)\n"
    "  --top K          worst inputs to list (default 10, at most 64)\n"
    "  --cflags \"...\"   extra compiler arguments, e.g. \"-march=native -lsleef\"\n"
    "  --max-ulp U      exit 1 when the max error exceeds U ULP\n"
    "  --timeout S      kill the check after S seconds and exit 1 (\"kernel timed out\"), e.g.\n"
    "                   for a kernel that never returns; 0 = no limit (default: 600, or 20 us\n"
    "                   per float per thread when that is longer)\n";

int cmd_check(int argc, char **argv)
{
    const char *against = NULL, *points = "100000", *prec = "128", *tol = NULL;
    int json = 0, exhaustive = 0;
    ua_cli_exhaustive_args ex = { 0 };
    const ua_opt opts[] = {
        { "against", 0, 1, &against, NULL }, { "points", 0, 1, &points, NULL },
        { "prec", 0, 1, &prec, NULL },       { "tol", 0, 1, &tol, NULL },
        { "json", 0, 0, NULL, &json },
        { "exhaustive", 0, 0, NULL, &exhaustive }, { "kernel", 0, 1, &ex.kernel, NULL },
        { "symbol", 0, 1, &ex.symbol, NULL },      { "lo", 0, 1, &ex.lo, NULL },
        { "hi", 0, 1, &ex.hi, NULL },              { "threads", 0, 1, &ex.threads, NULL },
        { "top", 0, 1, &ex.top, NULL },            { "cflags", 0, 1, &ex.cflags, NULL },
        { "max-ulp", 0, 1, &ex.max_ulp, NULL },    { "timeout", 0, 1, &ex.timeout, NULL },
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
    if (exhaustive || ex.kernel) {
        if (npos > 1) return ua_cli_usage("check", "expected at most one MODEL (see --help)");
        ex.model = path;
        ex.against = against;
        ex.json = json;
        return ua_cli_check_exhaustive(&ex);
    }
    if (ex.symbol || ex.lo || ex.hi || ex.threads || ex.top || ex.cflags || ex.max_ulp ||
        ex.timeout)
        return ua_cli_usage("check", "--symbol, --lo, --hi, --threads, --top, --cflags, "
                                     "--max-ulp and --timeout go with --exhaustive or --kernel");
    if (!path) return ua_cli_usage("check", "expected one MODEL (see --help)");
    size_t npoints;
    double precd, told = 0;
    if (ua_cli_size(points, &npoints) || npoints < 2)
        return ua_cli_usage("check", "--points '%s' must be a count >= 2", points);
    if (ua_cli_double(prec, &precd) || precd < 53 || precd > 100000 || precd != (long)precd)
        return ua_cli_usage("check", "--prec '%s' must be an integer number of bits in [53, 100000]", prec);
    if (tol && (ua_cli_double(tol, &told) || !(told > 0)))
        return ua_cli_usage("check", "--tol '%s' must be a positive number", tol);

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("check", s);
    if (!ua_cli_model_is_1d("check", m)) {
        ua_model_free(m);
        return UA_EXIT_USAGE;
    }
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
