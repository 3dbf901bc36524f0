/* `uniapprox fit --family rf`: random-feature networks on samples (docs/rf.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *features, *dist, *act, *scale, *bandwidth, *gamma_s, *lambda, *alpha, *select_s,
    *seed;
static int no_standardize;
static ua_rf_options opt;
static double train_err = NAN, test_err = NAN;

static const ua_opt opts[] = {
    { "features", 0, 1, &features, NULL },   { "dist", 0, 1, &dist, NULL },
    { "act", 0, 1, &act, NULL },             { "scale", 0, 1, &scale, NULL },
    { "bandwidth", 0, 1, &bandwidth, NULL }, { "gamma", 0, 1, &gamma_s, NULL },
    { "lambda", 0, 1, &lambda, NULL },       { "alpha", 0, 1, &alpha, NULL },
    { "select", 0, 1, &select_s, NULL },     { "seed", 0, 1, &seed, NULL },
    { "no-standardize", 0, 0, NULL, &no_standardize },
};

static const char help[] =
    "rf options (random-feature network on --data / --split-dir samples, docs/rf.md):\n"
    "  --features M         hidden units (default 500)\n"
    "  --dist D             gaussian (default), uniform (bandlimited, --bandwidth), fourier\n"
    "                       (random Fourier features of the rbf kernel exp(-gamma r^2))\n"
    "  --act A              relu (default), tanh, sigmoid, cos (fourier: always cos)\n"
    "  --scale S            gaussian: std of the pre-activation a.z (default 1)\n"
    "  --bandwidth B        uniform: weights in [-B, B] (default 1)\n"
    "  --gamma G            fourier: the rbf gamma (default 1/d)\n"
    "  --lambda L, --alpha L  ridge of the output layer (default: chosen by LOO)\n"
    "  --select loo|gcv     how lambda is chosen (default loo; not with --lambda)\n"
    "  --no-standardize     use raw columns\n"
    "  --seed S             the random weights (default 1)\n";

static int num(const char *name, const char *v, double *out)
{
    if (v && (ua_cli_double(v, out) || !(*out > 0)))
        return ua_cli_usage("fit", "--%s '%s' must be a number > 0", name, v);
    return 0;
}

static int parse_options(void)
{
    ua_rf_options_default(&opt);
    int rc = 0;
    if (features && (ua_cli_size(features, &opt.features) || opt.features < 1 || opt.features > 1000000))
        return ua_cli_usage("fit", "--features must be a count 1..1000000");
    if (dist && ua_rf_dist_parse(dist, &opt.dist)) return ua_cli_usage("fit", "%s", ua_last_error());
    if (act && ua_rf_act_parse(act, &opt.act)) return ua_cli_usage("fit", "%s", ua_last_error());
    if (lambda && alpha) return ua_cli_usage("fit", "--lambda and --alpha are the same option; give one");
    /* Options that the given others make meaningless are refused rather than silently ignored
     * (only when both were given: a default is never an error). */
    if (act && dist && opt.dist == UA_RF_FOURIER && opt.act != UA_RF_COS)
        return ua_cli_usage("fit", "--act %s is not used with --dist fourier (random Fourier "
                                   "features are cos features)", act);
    if (gamma_s && dist && opt.dist != UA_RF_FOURIER)
        return ua_cli_usage("fit", "--gamma is not used with --dist %s (gamma is the rbf kernel's "
                                   "parameter of --dist fourier)", dist);
    if ((lambda || alpha) && select_s)
        return ua_cli_usage("fit", "--%s is not used with --select %s (--select chooses lambda; "
                                   "a fixed lambda is not selected): give one of them",
                            lambda ? "lambda" : "alpha", select_s);
    if (!rc) rc = num("scale", scale, &opt.scale);
    if (!rc) rc = num("bandwidth", bandwidth, &opt.bandwidth);
    if (!rc) rc = num("gamma", gamma_s, &opt.gamma);
    if (!rc) rc = num(lambda ? "lambda" : "alpha", lambda ? lambda : alpha, &opt.lambda);
    if (!rc && select_s) {
        if (!strcmp(select_s, "loo")) opt.gcv = 0;
        else if (!strcmp(select_s, "gcv")) opt.gcv = 1;
        else rc = ua_cli_usage("fit", "--select '%s': expected loo or gcv", select_s);
    }
    size_t sd;
    if (!rc && seed) {
        if (ua_cli_size(seed, &sd)) rc = ua_cli_usage("fit", "--seed must be a count");
        else opt.seed = sd;
    }
    opt.standardize = !no_standardize;
    return rc;
}

static ua_status score(const ua_rf *m, const ua_cli_xy *xy, double *err)
{
    double *p = malloc(xy->n * xy->k * sizeof *p);
    if (!p) return UA_ENOMEM;
    ua_status s = ua_rf_predict(m, xy->x, xy->n, p);
    if (!s) *err = ua_cli_rmse(p, xy->y, xy->n * xy->k);
    free(p);
    return s;
}

static int fit(ua_cli_fit_input *in, void **state, ua_status *fit_status)
{
    train_err = test_err = NAN;
    int rc = parse_options();
    if (rc) return rc;
    if ((rc = ua_cli_samples_only(in, "rf"))) return rc;
    ua_cli_xy tr, te;
    if ((rc = ua_cli_load_xy(in, "train", &tr))) return rc;
    in->a = -INFINITY; /* an n-D model of samples has no interval domain */
    in->b = INFINITY;
    ua_rf *m = NULL;
    *fit_status = ua_rf_fit(tr.x, tr.y, tr.n, tr.d, tr.k, &opt, &m);
    if (*fit_status == UA_OK) *fit_status = score(m, &tr, &train_err);
    if (*fit_status == UA_OK && in->split_dir) {
        if ((rc = ua_cli_load_xy(in, "test", &te))) {
            ua_rf_free(m);
            ua_cli_xy_free(&tr);
            return rc;
        }
        *fit_status = score(m, &te, &test_err);
        ua_cli_xy_free(&te);
    }
    ua_cli_xy_free(&tr);
    if (*fit_status) {
        ua_rf_free(m);
        m = NULL;
    }
    *state = m;
    return 0;
}

static ua_status store_options(ua_model *m)
{
    char buf[64];
    ua_status s = UA_OK;
    if (isfinite(train_err)) {
        snprintf(buf, sizeof buf, "%.17g", train_err);
        s = ua_model_set_meta(m, "train_rmse", buf);
    }
    if (!s && isfinite(test_err)) {
        snprintf(buf, sizeof buf, "%.17g", test_err);
        s = ua_model_set_meta(m, "test_rmse", buf);
    }
    return s;
}

const ua_cli_fitter ua_cli_fitter_rf = {
    "rf", help, opts, sizeof opts / sizeof opts[0], fit, store_options,
};
