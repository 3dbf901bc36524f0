/* `uniapprox fit --family kernel`: kernel ridge regression on samples (docs/kernel.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *kernel, *gamma_s, *length_scale, *nu, *degree, *coef0, *order, *depth, *act,
    *sw, *sb, *lambda, *alpha, *select_s, *folds, *nystrom, *max_memory, *seed, *select_max;
static int no_standardize, classify, frozen_readout;
static ua_kernel_options opt;
static double train_err = NAN, test_err = NAN;

static const ua_opt opts[] = {
    { "kernel", 0, 1, &kernel, NULL },         { "gamma", 0, 1, &gamma_s, NULL },
    { "length-scale", 0, 1, &length_scale, NULL }, { "nu", 0, 1, &nu, NULL },
    { "degree", 0, 1, &degree, NULL },         { "coef0", 0, 1, &coef0, NULL },
    { "order", 0, 1, &order, NULL },           { "depth", 0, 1, &depth, NULL },
    { "act", 0, 1, &act, NULL },               { "sw", 0, 1, &sw, NULL },
    { "sb", 0, 1, &sb, NULL },                 { "lambda", 0, 1, &lambda, NULL },
    { "alpha", 0, 1, &alpha, NULL },           { "select", 0, 1, &select_s, NULL },
    { "folds", 0, 1, &folds, NULL },           { "nystrom", 0, 1, &nystrom, NULL },
    { "max-memory", 0, 1, &max_memory, NULL }, { "seed", 0, 1, &seed, NULL },
    { "select-max", 0, 1, &select_max, NULL },
    { "no-standardize", 0, 0, NULL, &no_standardize },
    { "classify", 0, 0, NULL, &classify },
    { "frozen-readout", 0, 0, NULL, &frozen_readout },
};

static const char help[] =
    "kernel options (kernel ridge regression on --data / --split-dir samples, docs/kernel.md):\n"
    "  --kernel K           rbf (default), laplacian, matern, polynomial, arccos, nngp, ntk\n"
    "  --gamma G            rbf exp(-G r^2), laplacian exp(-G |x-y|_1), polynomial (G x.y + coef0)^deg\n"
    "                       (default: chosen by LOO for rbf/laplacian; 1/d for polynomial)\n"
    "  --length-scale L     matern length scale (default: chosen)   --nu 0.5|1.5|2.5 (default 1.5)\n"
    "  --degree N --coef0 C polynomial (default 3 and 1)            --order 0|1|2 arccos (default 1)\n"
    "  --depth L            nngp/ntk hidden layers (default: chosen 1..5)\n"
    "  --act relu|erf --sw S --sb B   nngp/ntk activation, weight and bias std (relu, 1.5, 0.1)\n"
    "  --frozen-readout     ntk of the hidden layers only (the readout layer is not trained)\n"
    "  --lambda L, --alpha L  ridge (scikit-learn's alpha; default: chosen by LOO over 1e-8..1e2)\n"
    "  --select loo|kfold|none  how unset values are chosen (default loo; none: defaults)\n"
    "  --folds K            k of k-fold (default 5)\n"
    "  --select-max N       choose on at most N random rows (default 1000); the fit uses all\n"
    "  --nystrom M          Nystrom approximation with M landmarks (large n)\n"
    "  --max-memory BYTES   the n x n matrix may take at most this (default 80% of RAM)\n"
    "  --no-standardize     fit raw columns (compare with scikit-learn one for one)\n"
    "  --classify           y holds class labels: one-hot fit, predict the argmax\n"
    "  --seed S             subsets and landmarks (default 1)\n";

static int num(const char *name, const char *v, double *out)
{
    if (v && ua_cli_double(v, out)) return ua_cli_usage("fit", "--%s '%s' is not a number", name, v);
    return 0;
}

static int parse_options(void)
{
    ua_kernel_options_default(&opt);
    ua_kernel_spec *s = &opt.kernel;
    double v;
    int rc = 0;
    if (kernel && ua_kernel_type_parse(kernel, &s->type)) return ua_cli_usage("fit", "%s", ua_last_error());
    if (lambda && alpha) return ua_cli_usage("fit", "--lambda and --alpha are the same option; give one");
    if (!rc && gamma_s && !(rc = num("gamma", gamma_s, &v)) && !(v > 0)) rc = ua_cli_usage("fit", "--gamma must be > 0");
    if (!rc && gamma_s) s->gamma = v;
    if (!rc && length_scale && !(rc = num("length-scale", length_scale, &v)) && !(v > 0)) rc = ua_cli_usage("fit", "--length-scale must be > 0");
    if (!rc && length_scale) s->length_scale = v;
    if (!rc && nu && !(rc = num("nu", nu, &v)) && v != 0.5 && v != 1.5 && v != 2.5) rc = ua_cli_usage("fit", "--nu must be 0.5, 1.5 or 2.5");
    if (!rc && nu) s->nu = v;
    if (!rc && degree && !(rc = num("degree", degree, &v)) && (v != floor(v) || v < 1 || v > 64)) rc = ua_cli_usage("fit", "--degree must be an integer 1..64");
    if (!rc && degree) s->degree = (int)v;
    if (!rc) rc = num("coef0", coef0, &s->coef0);
    if (!rc && order && !(rc = num("order", order, &v)) && v != 0 && v != 1 && v != 2) rc = ua_cli_usage("fit", "--order must be 0, 1 or 2");
    if (!rc && order) s->order = (int)v;
    if (!rc && depth && !(rc = num("depth", depth, &v)) && (v != floor(v) || v < 1 || v > 1000)) rc = ua_cli_usage("fit", "--depth must be an integer 1..1000");
    if (!rc && depth) s->depth = (int)v;
    if (!rc && act) {
        if (!strcmp(act, "relu")) s->act = UA_KACT_RELU;
        else if (!strcmp(act, "erf")) s->act = UA_KACT_ERF;
        else rc = ua_cli_usage("fit", "--act '%s': expected relu or erf", act);
    }
    if (!rc && sw && !(rc = num("sw", sw, &s->sw)) && !(s->sw > 0)) rc = ua_cli_usage("fit", "--sw must be > 0");
    if (!rc && sb && !(rc = num("sb", sb, &s->sb)) && !(s->sb >= 0)) rc = ua_cli_usage("fit", "--sb must be >= 0");
    const char *lam = lambda ? lambda : alpha;
    if (!rc && lam && !(rc = num(lambda ? "lambda" : "alpha", lam, &opt.lambda)) && !(opt.lambda > 0))
        rc = ua_cli_usage("fit", "--%s must be > 0", lambda ? "lambda" : "alpha");
    if (!rc && select_s) {
        if (!strcmp(select_s, "loo")) opt.select = UA_SELECT_LOO;
        else if (!strcmp(select_s, "kfold")) opt.select = UA_SELECT_KFOLD;
        else if (!strcmp(select_s, "none")) opt.select = UA_SELECT_NONE;
        else rc = ua_cli_usage("fit", "--select '%s': expected loo, kfold or none", select_s);
    }
    if (!rc && folds && (ua_cli_size(folds, &opt.folds) || opt.folds < 2)) rc = ua_cli_usage("fit", "--folds must be a count >= 2");
    if (!rc && nystrom && (ua_cli_size(nystrom, &opt.nystrom) || opt.nystrom < 1)) rc = ua_cli_usage("fit", "--nystrom must be a count >= 1");
    if (!rc && select_max && (ua_cli_size(select_max, &opt.select_max) || opt.select_max < 2)) rc = ua_cli_usage("fit", "--select-max must be a count >= 2");
    if (!rc && max_memory && (rc = num("max-memory", max_memory, &opt.max_memory)) == 0 && !(opt.max_memory > 0))
        rc = ua_cli_usage("fit", "--max-memory must be > 0 bytes");
    size_t sd;
    if (!rc && seed) {
        if (ua_cli_size(seed, &sd)) rc = ua_cli_usage("fit", "--seed must be a count");
        else opt.seed = sd;
    }
    s->frozen_readout = frozen_readout;
    opt.standardize = !no_standardize;
    opt.classify = classify;
    return rc;
}

/* RMSE (regression) or error rate (classification) of m on xy. */
static ua_status score(const ua_kernel *m, const ua_cli_xy *xy, double *err)
{
    double *p = malloc(xy->n * xy->k * sizeof *p);
    if (!p) return UA_ENOMEM;
    ua_status s = ua_kernel_predict(m, xy->x, xy->n, p);
    size_t N = xy->n * xy->k;
    double acc = 0;
    if (classify) {
        for (size_t i = 0; !s && i < N; i++) acc += p[i] != xy->y[i];
        *err = acc / (double)N;
        free(p);
        return s;
    }
    if (!s) *err = ua_cli_rmse(p, xy->y, N);
    free(p);
    return s;
}

static int fit(ua_cli_fit_input *in, void **state, ua_status *fit_status)
{
    train_err = test_err = NAN;
    int rc = parse_options();
    if (rc) return rc;
    if ((rc = ua_cli_samples_only(in, "kernel"))) return rc;
    ua_cli_xy tr, te;
    if ((rc = ua_cli_load_xy(in, "train", &tr))) return rc;
    in->a = -INFINITY; /* an n-D model of samples has no interval domain */
    in->b = INFINITY;
    if (classify && tr.k != 1) {
        ua_cli_xy_free(&tr);
        return ua_cli_usage("fit", "--classify takes one label column (--y-col), got %zu", tr.k);
    }
    ua_kernel *m = NULL;
    *fit_status = ua_kernel_fit(tr.x, tr.y, tr.n, tr.d, tr.k, &opt, &m);
    if (*fit_status == UA_OK) *fit_status = score(m, &tr, &train_err);
    if (*fit_status == UA_OK && in->split_dir) {
        if ((rc = ua_cli_load_xy(in, "test", &te))) {
            ua_kernel_free(m);
            ua_cli_xy_free(&tr);
            return rc;
        }
        *fit_status = score(m, &te, &test_err);
        ua_cli_xy_free(&te);
    }
    ua_cli_xy_free(&tr);
    if (*fit_status) {
        ua_kernel_free(m);
        m = NULL;
    }
    *state = m;
    return 0;
}

static ua_status store_options(ua_model *m)
{
    char buf[64];
    ua_status s = UA_OK;
    const char *what = classify ? "error_rate" : "rmse";
    if (isfinite(train_err)) {
        snprintf(buf, sizeof buf, "%.17g", train_err);
        char key[32];
        snprintf(key, sizeof key, "train_%s", what);
        s = ua_model_set_meta(m, key, buf);
    }
    if (!s && isfinite(test_err)) {
        snprintf(buf, sizeof buf, "%.17g", test_err);
        char key[32];
        snprintf(key, sizeof key, "test_%s", what);
        s = ua_model_set_meta(m, key, buf);
    }
    return s;
}

const ua_cli_fitter ua_cli_fitter_kernel = {
    "kernel", help, opts, sizeof opts / sizeof opts[0], fit, store_options,
};
