/* uniapprox fit — build an approximation of a target, measure it against MPFR, save it.
 * The generic part; each family's options and fit call live in cli/fit_<family>.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "model/family.h"

static const char help[] =
    "usage: uniapprox fit TARGET [--domain a:b] [-o MODEL.safetensors] [--family NAME] [options]\n"
    "       (a TARGET that starts with '-', such as -x^2, goes after --: fit -- -x^2)\n"
    "       uniapprox fit --data FILE --family NAME [--x-col C] [--y-col C] [-o MODEL] [options]\n"
    "\n"
    "Fits TARGET (an expression in x, or a built-in name such as nfw-sigma) on [a, b], measures\n"
    "the result against the MPFR reference, and saves the model when -o is given. With --data,\n"
    "fits samples read from FILE (CSV with a header, whitespace-separated text, or .npy) instead.\n"
    "\n"
    "options:\n"
    "  --domain a:b         interval (default -1:1)\n"
    "  -o, --output FILE    save the model (safetensors) to FILE, atomically\n"
    "  --family NAME        approximator family (default cheb)\n"
    "  --data FILE          fit the samples in FILE instead of a TARGET\n"
    "  --x-col C, --y-col C columns of FILE by name or 0-based index (default: first, second;\n"
    "                       for n-D learners comma-separated lists, default: all but the last,\n"
    "                       and the last)\n"
    "  --split-dir DIR      a UCI-style split folder (data.txt, index_features.txt,\n"
    "                       index_target.txt, index_train_K.txt): fit the training rows of split K\n"
    "  --split K            which split of --split-dir (default 0)\n"
    "  --check-points N     grid points of the error measurement (default 100000)\n"
    "  --prec BITS          MPFR precision of the reference (default 128)\n"
    "  --json               machine-readable output\n"
    "\n";

static const char help_tail[] =
    "\n"
    "exit status: 0 resolved, 1 not resolved (the best model is still saved and its error\n"
    "reported) or a runtime failure, 2 bad usage or bad input (unparsable target, target NaN or\n"
    "infinite in the domain, a >= b)\n";

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* The value of --family wherever it stands (the family decides which options exist). */
static const char *find_family(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) break;
        if (!strncmp(argv[i], "--family=", 9)) return argv[i] + 9;
        if (!strcmp(argv[i], "--family") && i + 1 < argc) return argv[i + 1];
    }
    return "cheb";
}

int cmd_fit(int argc, char **argv)
{
    const char *domain = "-1:1", *output = NULL, *family = "cheb";
    const char *points = NULL, *prec = NULL, *data = NULL, *x_col = NULL, *y_col = NULL;
    const char *split_dir = NULL, *split_k = NULL;
    int json = 0;
    const ua_opt generic[] = {
        { "data", 0, 1, &data, NULL },           { "x-col", 0, 1, &x_col, NULL },
        { "y-col", 0, 1, &y_col, NULL },         { "split-dir", 0, 1, &split_dir, NULL },
        { "split", 0, 1, &split_k, NULL },
        { "domain", 0, 1, &domain, NULL },       { "output", 'o', 1, &output, NULL },
        { "family", 0, 1, &family, NULL },       { "check-points", 0, 1, &points, NULL },
        { "prec", 0, 1, &prec, NULL },           { "json", 0, 0, NULL, &json },
    };
    const size_t ngeneric = sizeof generic / sizeof generic[0];
    const ua_cli_fitter *fitter = ua_cli_fitter_find(find_family(argc, argv));
    if (!fitter)
        return ua_cli_usage("fit", "unknown family '%s' (available: %s)", find_family(argc, argv),
                            ua_cli_fitter_names());
    ua_opt all[64];
    if (ngeneric + fitter->nopts > sizeof all / sizeof all[0]) return ua_cli_usage("fit", "too many options");
    memcpy(all, generic, sizeof generic);
    memcpy(all + ngeneric, fitter->opts, fitter->nopts * sizeof *all);

    char **pos;
    size_t npos;
    int rc = ua_cli_parse("fit", argc, argv, all, ngeneric + fitter->nopts, &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        fputs(fitter->help, stdout);
        fputs(help_tail, stdout);
        return UA_EXIT_OK;
    }
    const char *spec = npos == 1 ? pos[0] : NULL;
    free(pos);
    if (rc) return rc;
    int samples = data || split_dir;
    if (samples && npos) return ua_cli_usage("fit", "give either a TARGET or --data/--split-dir, not both");
    if (!samples && !spec) return ua_cli_usage("fit", "expected one TARGET, got %zu (see --help)", npos);
    if (!samples && (x_col || y_col)) return ua_cli_usage("fit", "--x-col and --y-col need --data");
    if (split_k && !split_dir) return ua_cli_usage("fit", "--split K needs --split-dir");
    if (samples && (points || prec))
        return ua_cli_usage("fit", "--check-points and --prec measure against a TARGET; samples "
                            "(--data, --split-dir) have none");
    if (!points) points = "100000";
    if (!prec) prec = "128";

    double a = -1, b = 1, precd;
    size_t npoints;
    int domain_given = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--domain") || !strncmp(argv[i], "--domain=", 9)) domain_given = 1;
    if ((rc = ua_cli_domain("fit", domain, &a, &b))) return rc;
    if (ua_cli_size(points, &npoints) || npoints < 2)
        return ua_cli_usage("fit", "--check-points '%s' must be a count >= 2", points);
    if (ua_cli_double(prec, &precd) || precd < 53 || precd > 100000 || precd != (long)precd)
        return ua_cli_usage("fit", "--prec '%s' must be an integer number of bits in [53, 100000]", prec);

    ua_target *t = NULL;
    ua_status s = spec ? ua_target_parse(spec, NULL, 0, &t) : UA_OK;
    if (s) return ua_cli_fail("fit", s);
    if (t && ua_target_dim(t) != 1) {
        ua_target_free(t);
        return ua_cli_usage("fit", "target '%s' has %zu variables; fit takes one", spec,
                            ua_target_dim(t));
    }

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    void *state = NULL;
    ua_status fit_status = UA_OK;
    ua_cli_fit_input in = { t, a, b, domain_given, data, x_col, y_col, split_dir, split_k };
    rc = fitter->fit(&in, &state, &fit_status);
    a = in.a;
    b = in.b;
    double fit_s = seconds_since(&t0);
    if (rc || (fit_status != UA_OK && fit_status != UA_ENOTRESOLVED)) {
        ua_target_free(t);
        return rc ? rc : ua_cli_fail("fit", fit_status);
    }
    if (fit_status == UA_ENOTRESOLVED)
        fprintf(stderr, "uniapprox fit: warning: not resolved (%s); the best approximation "
                "found is kept\n", ua_last_error());

    ua_model *m;
    ua_errors err;
    char buf[32];
    s = ua_model_wrap(fitter->family, state, spec, a, b, &m);
    if (!s) s = fitter->store_options(m);
    snprintf(buf, sizeof buf, "%.6g", fit_s);
    if (!s) s = ua_model_set_meta(m, "fit_seconds", buf);
    if (!s && data) s = ua_model_set_meta(m, "data", data);
    if (!s && split_dir) s = ua_model_set_meta(m, "split_dir", split_dir);
    if (!s && split_dir) s = ua_model_set_meta(m, "split", split_k ? split_k : "0");
    if (!s && t) s = ua_cli_measure(m, t, npoints, (long)precd, &err);
    if (!s && t) s = ua_cli_store_errors(m, &err, npoints, (long)precd);
    if (!s && output) s = ua_model_save(m, output);
    ua_target_free(t);
    cJSON *o = NULL;
    if (!s) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, spec ? "target" : "data", spec ? spec : data ? data : split_dir);
        cJSON_AddStringToObject(o, "family", fitter->family);
        cJSON *d = cJSON_AddArrayToObject(o, "domain");
        cJSON_AddItemToArray(d, cJSON_CreateNumber(a));
        cJSON_AddItemToArray(d, cJSON_CreateNumber(b));
        s = ua_model_family_vtable(m)->describe(ua_model_state(m), o);
    }
    if (s) {
        cJSON_Delete(o);
        ua_model_free(m);
        return ua_cli_fail("fit", s);
    }
    /* what a learner measured on its samples, in the target's units */
    static const char *const sample_keys[] = { "train_rmse", "test_rmse", "loo_rmse" };
    for (size_t i = 0; i < sizeof sample_keys / sizeof sample_keys[0]; i++) {
        const char *v = ua_model_meta(m, sample_keys[i]);
        double d;
        if (v && !ua_cli_double(v, &d)) cJSON_AddNumberToObject(o, sample_keys[i], d);
    }
    cJSON_AddBoolToObject(o, "fit_resolved", fit_status == UA_OK);
    cJSON_AddNumberToObject(o, "fit_seconds", round(fit_s * 1e6) / 1e6); /* to the microsecond */
    if (output) cJSON_AddStringToObject(o, "saved", output);
    if (json) {
        if (t) {
            cJSON_AddNumberToObject(o, "reference_prec", precd);
            ua_cli_errors_json(o, &err);
        }
        ua_cli_print_json(o);
    } else {
        ua_cli_print_fields(stdout, o, NULL);
        if (t) {
            printf("errors against the MPFR reference (%ld bits):\n", (long)precd);
            ua_cli_errors_text(stdout, &err);
        }
        cJSON_Delete(o);
    }
    ua_model_free(m);
    return fit_status == UA_OK ? UA_EXIT_OK : UA_EXIT_FAIL;
}
