/*
 * The mlp family on the engine (src/model/family.h): its option table and the vtable's fit.
 *
 * fit takes
 *   FORMULA / FUNCTION problems in any dimension: "samples" training points of the box drawn by
 *     ua_problem_sample (quasi-random, seeded by "seed"); the engine stores the box with the
 *     model. Default samples: 2000 per input dimension (2000 in 1-D, 6000 in 3-D), at most 100000
 *     — a fixed count would cover a 3-D box far more thinly than a 1-D interval.
 *   SAMPLES problems: the training rows; with a test set, the test rows are predicted too.
 * and records on the model's metadata "train_rmse" (regression: on the training points, in the
 * target's units) and, with a test set, "test_rmse" (or "train_accuracy" / "test_accuracy" for
 * classification). Progress: hooks->epoch after every epoch; "log" writes the JSONL curve
 * (src/train/log.c) in the library. No option lives in a static: everything is read from the
 * ua_options set.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/family.h"
#include "internal.h"

#define BIG 1e300 /* "any finite value" as a table range */

const ua_option_spec ua_mlp_option_table[] = {
    { "hidden", UA_OPT_STRING, "64x64", 0, 0, 0, NULL,
      "hidden widths WxW... (0: a linear model), at most 16 layers of 1..2^20", NULL },
    { "activation", UA_OPT_CHOICE, "relu", 0, 0, 0,
      UA_TRAIN_ACT_CHOICES "|polyrelu|polynorm",
      "activation after every hidden layer (polyrelu, polynorm: learnable PolyCom of order 3)",
      "PolyCom: Zhuo et al., Polynomial Composition Activations (2024); GELU: Hendrycks & Gimpel "
      "(2016)" },
    { "leaky-slope", UA_OPT_REAL, "0.01", -BIG, BIG, 0, NULL,
      "leaky_relu's slope for x < 0", NULL },
    { "evonorm", UA_OPT_FLAG, NULL, 0, 0, 0, NULL,
      "EvoNorm-S0 after each hidden layer instead of the activation",
      "Liu et al., Evolving Normalization-Activation Layers (2020)" },
    { "evonorm-groups", UA_OPT_INT, NULL, 1, 1048576, 0, NULL,
      "EvoNorm-S0's groups (default: the most of 8, 4, 2, 1 leaving >= 16 features a group)",
      "Liu et al. (2020)" },
    { "param", UA_OPT_CHOICE, "sp", 0, 0, 0, "sp|ntk|mup",
      "parametrisation: standard, NTK, or muP (hyperparameters transfer across widths)",
      "muP: Yang et al., Tensor Programs V (2022), table 3; NTK: Jacot, Gabriel & Hongler (2018)" },
    { "mup-base-width", UA_OPT_INT, "64", 1, 1048576, 0, NULL,
      "muP: the width at which muP equals the standard parametrisation",
      "Yang et al., Tensor Programs V (2022)" },
    { "dtype", UA_OPT_CHOICE, "f32", 0, 0, 0, "f32|f64", "arithmetic of the network", NULL },
    { "task", UA_OPT_CHOICE, "regress", 0, 0, 0, "regress|classify|gaussian",
      "mean squared error; softmax cross-entropy on integer labels 0..C-1 (samples only); or "
      "gaussian: a mean and a variance head trained by the Gaussian NLL (eval --std)",
      "gaussian: Nix & Weigend (1994); Lakshminarayanan et al. (2017); PyTorch's "
      "GaussianNLLLoss" },
    { "optim", UA_OPT_CHOICE, "adam", 0, 0, 0, "adam|adamw|sgd|lbfgs",
      "optimiser: Adam, AdamW, SGD with momentum, or full-batch L-BFGS",
      "Adam: Kingma & Ba (2015); AdamW: Loshchilov & Hutter (2019); L-BFGS: Nocedal & Wright, "
      "Numerical Optimization, algorithms 7.4 and 3.1" },
    { "lr", UA_OPT_REAL, "3e-3", 0, BIG, 1, NULL,
      "base learning rate (L-BFGS takes none: its line search sets the step)", NULL },
    { "momentum", UA_OPT_REAL, "0.9", 0, 1, 0, NULL, "SGD momentum, in [0, 1)",
      "PyTorch's SGD (heavy ball)" },
    { "weight-decay", UA_OPT_REAL, "0", 0, BIG, 0, NULL,
      "L2 weight decay (adam, sgd) or decoupled weight decay (adamw), weights only",
      "Loshchilov & Hutter, Decoupled Weight Decay Regularization (2019)" },
    { "schedule", UA_OPT_CHOICE, "cosine", 0, 0, 0, UA_TRAIN_SCHED_CHOICES,
      "learning-rate schedule over all steps (warmup: linear warm-up, then cosine)",
      "Loshchilov & Hutter, SGDR (2017)" },
    { "warmup", UA_OPT_INT, "0", 0, 1e12, 0, NULL,
      "warm-up steps of --schedule warmup (0: 5% of all steps; at most all steps - 1, the "
      "rest a cosine decay)", NULL },
    { "batch", UA_OPT_INT, "32", 1, 1073741824, 0, NULL, "minibatch size (not L-BFGS)", NULL },
    { "epochs", UA_OPT_INT, "400", 1, 1e9, 0, NULL, "most epochs (L-BFGS: most iterations)",
      NULL },
    { "val-frac", UA_OPT_REAL, "0.1", 0, 1, 0, NULL,
      "fraction of the rows held out for early stopping, in [0, 1) (0: none)", NULL },
    { "patience", UA_OPT_INT, "50", 1, 1e9, 0, NULL,
      "epochs without a better validation loss before stopping", NULL },
    { "lbfgs-history", UA_OPT_INT, "20", 1, 100000, 0, NULL, "L-BFGS memory m",
      "Nocedal & Wright, Numerical Optimization, section 7.2" },
    { "no-standardize", UA_OPT_FLAG, NULL, 0, 0, 0, NULL,
      "fit the raw columns (default: standardise x and y on the training rows)", NULL },
    { "seed", UA_OPT_INT, "0", 0, 9007199254740992.0, 0, NULL,
      "initialisation, shuffling, validation split and training points; with --threads 1 a "
      "fit is bitwise reproducible", NULL },
    { "threads", UA_OPT_INT, NULL, 0, 1024, 0, NULL,
      "BLAS and OpenMP threads, a process-wide setting (0 or unset: the OpenMP default, all "
      "cores)", NULL },
    { "log", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
      "write the training curve to this file, one JSON object per epoch (JSONL)", NULL },
    { "samples", UA_OPT_INT, NULL, 2, 1e8, 0, NULL,
      "formula / function problems: training points in the box (default 2000 per input "
      "dimension, at most 100000)", NULL },
    { "n-estimators", UA_OPT_INT, "1", 1, 64, 0, NULL,
      "deep ensemble: M networks trained from seeds seed .. seed + M - 1 on the same rows; "
      "predicts their mean (classifiers: mean class probabilities) and, M >= 2, a predictive "
      "sd (eval --std)",
      "Lakshminarayanan, Pritzel & Blundell, Simple and Scalable Predictive Uncertainty "
      "Estimation using Deep Ensembles (NeurIPS 2017); scikit-learn's n_estimators" },
    /* the criticality initialisation has no option: C_W is set by the activation */
};

/* Tables of fewer rows than this get the small-data defaults (read_options). */
#define UA_MLP_SMALL_N 50

/* The default of "samples" for d inputs (see the header comment). */
static size_t default_samples(size_t d)
{
    size_t n = 2000 * d;
    return n > 100000 ? 100000 : n;
}

/* An option that only means something with another one: refused when given without it, so a
 * user never believes an ignored value was used. */
static ua_status needs(const ua_options *o, const char *name, int ok, const char *why)
{
    if (ua_options_given(o, name) && !ok)
        return UA_ERR(UA_EINVAL, "mlp: --%s applies %s", name, why);
    return UA_OK;
}

/* ua_mlp_options from the set, with the checks that involve several options. */
static ua_status read_options(const ua_options *o, const ua_problem *p, ua_mlp_options *opt)
{
    ua_mlp_options_default(opt);
    ua_status s = ua_mlp_hidden_parse(ua_options_get(o, "hidden"), opt);
    if (s) return UA_ERR(UA_EINVAL, "mlp: --hidden: %s", ua_last_error());
    opt->act = (ua_mlp_act)ua_options_choice(o, "activation");
    opt->leaky_slope = ua_options_real(o, "leaky-slope");
    opt->evonorm = ua_options_flag(o, "evonorm");
    if (ua_options_get(o, "evonorm-groups"))
        opt->evonorm_groups = (size_t)ua_options_int(o, "evonorm-groups");
    opt->param = (ua_mlp_param)ua_options_choice(o, "param");
    opt->mup_base_width = (size_t)ua_options_int(o, "mup-base-width");
    opt->dtype = (ua_mlp_dtype)ua_options_choice(o, "dtype");
    opt->task = (ua_mlp_task)ua_options_choice(o, "task");
    opt->optim = (ua_mlp_optim)ua_options_choice(o, "optim");
    opt->lr = ua_options_real(o, "lr");
    opt->momentum = ua_options_real(o, "momentum");
    opt->weight_decay = ua_options_real(o, "weight-decay");
    opt->schedule = (ua_mlp_schedule)ua_options_choice(o, "schedule");
    opt->warmup = (size_t)ua_options_int(o, "warmup");
    opt->batch = (size_t)ua_options_int(o, "batch");
    opt->epochs = (size_t)ua_options_int(o, "epochs");
    opt->val_frac = ua_options_real(o, "val-frac");
    opt->patience = (size_t)ua_options_int(o, "patience");
    opt->lbfgs_history = (size_t)ua_options_int(o, "lbfgs-history");
    opt->standardize = !ua_options_flag(o, "no-standardize");
    opt->seed = (uint64_t)ua_options_int(o, "seed");
    opt->threads = ua_options_get(o, "threads") ? (int)ua_options_int(o, "threads") : 0;

    /* Small data (docs/mlp.md, "Small data"; measured on sin(2x) + x^2/2 at N = 6 and 16):
     * below UA_MLP_SMALL_N rows a 10% validation split holds out one or two rows (N = 6 was
     * refused) and minibatch Adam for 400 epochs underfits (N = 16: test RMSE 0.035 without a
     * split); full-batch L-BFGS without a split reaches 0.0084 (N = 16) and 0.047 (N = 6).
     * Applied only to what the user did not set. */
    size_t nrows = 0;
    if (ua_problem_kind_of(p) == UA_PROBLEM_SAMPLES) ua_problem_train(p, NULL, NULL, &nrows);
    if (ua_problem_kind_of(p) == UA_PROBLEM_SAMPLES && nrows == 1) /* as kernel and rf */
        return UA_ERR(UA_EINVAL, "mlp fit: need at least 2 training rows, got 1 (one row "
                      "determines nothing: every network through it fits it exactly)");
    if (nrows && nrows < UA_MLP_SMALL_N) {
        if (!ua_options_given(o, "val-frac") && !ua_options_given(o, "patience")) opt->val_frac = 0;
        static const char *const sgd_only[] = {"optim", "lr", "batch", "schedule", "warmup",
                                               "momentum", "weight-decay"};
        int keep = 0;
        for (size_t i = 0; i < sizeof sgd_only / sizeof sgd_only[0]; i++)
            keep |= ua_options_given(o, sgd_only[i]);
        if (!keep) opt->optim = UA_OPTIM_LBFGS;
    }
    int lbfgs = opt->optim == UA_OPTIM_LBFGS, box = ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES;
    if ((s = needs(o, "evonorm-groups", opt->evonorm, "with --evonorm")) ||
        (s = needs(o, "mup-base-width", opt->param == UA_PARAM_MUP, "with --param mup")) ||
        (s = needs(o, "leaky-slope", opt->act == UA_ACT_LEAKY_RELU && !opt->evonorm,
                   "to --activation leaky_relu")) ||
        (s = needs(o, "momentum", opt->optim == UA_OPTIM_SGD, "to --optim sgd")) ||
        (s = needs(o, "lbfgs-history", lbfgs, "to --optim lbfgs")) ||
        (s = needs(o, "lr", !lbfgs, "to adam, adamw and sgd; L-BFGS's line search sets its step")) ||
        (s = needs(o, "batch", !lbfgs, "to adam, adamw and sgd; L-BFGS is full-batch")) ||
        (s = needs(o, "schedule", !lbfgs, "to adam, adamw and sgd, not L-BFGS")) ||
        (s = needs(o, "warmup", !lbfgs && opt->schedule == UA_SCHED_WARMUP,
                   "with --schedule warmup")) ||
        (s = needs(o, "patience", opt->val_frac > 0, "with a validation fraction (--val-frac > 0)")) ||
        (s = needs(o, "samples", box, "to formula and function problems; samples are the rows")))
        return s;
    if (box && opt->task == UA_TASK_CLASSIFY)
        return UA_ERR(UA_EINVAL, "mlp: --task classify needs samples with integer labels, not a "
                      "%s", ua_problem_kind_name(ua_problem_kind_of(p)));
    if (opt->momentum >= 1) return UA_ERR(UA_EINVAL, "mlp: --momentum %g: expected a number in [0, 1)", opt->momentum);
    if (opt->val_frac >= 1) return UA_ERR(UA_EINVAL, "mlp: --val-frac %g: expected a number in [0, 1)", opt->val_frac);
    if (ua_mlp_options_check(opt)) return UA_ERR(UA_EINVAL, "%s", ua_last_error());
    return UA_OK;
}

/* The per-epoch record goes to the engine's hook and to the training log (src/train/log.c). */
static void on_epoch(const ua_mlp_progress *e, void *ctx)
{
    ua_train_report_epoch(ctx, e->epoch, e->epochs, e->train_loss, e->val_loss, e->lr,
                          e->seconds, e->improved);
}

/* RMSE of prediction p (n,) against y (n,), scaled by the largest error so that huge targets do
 * not overflow the sum of squares. NaN when a prediction is NaN. */
static double rmse(const double *p, const double *y, size_t n)
{
    double mx = 0, acc = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(p[i] - y[i]);
        mx = isnan(e) || isnan(mx) ? NAN : e > mx ? e : mx;
    }
    if (!(mx > 0 && isfinite(mx))) return mx;
    for (size_t i = 0; i < n; i++) {
        double e = (p[i] - y[i]) / mx;
        acc += e * e;
    }
    return mx * sqrt(acc / (double)n);
}

/* The RMSE (regression, target units) or accuracy (classification) of m on x (n, d) -> y (n, k),
 * stored on meta under key. */
static ua_status record(const ua_mlp *m, ua_model *meta, const char *key, const double *x,
                        const double *y, size_t n, size_t k, double *value)
{
    double *p = ua_calloc(n * k, sizeof *p);
    if (!p) return UA_ENOMEM_ERR(n * k * sizeof *p);
    ua_status s = ua_mlp_predict(m, x, n, p);
    double v = NAN;
    if (!s && m->opt.task == UA_TASK_CLASSIFY) {
        size_t right = 0;
        for (size_t i = 0; i < n; i++) right += p[i] == y[i];
        v = (double)right / (double)n;
    } else if (!s) {
        v = rmse(p, y, n * k);
    }
    free(p);
    char buf[32];
    if (!s) s = ua_model_set_meta(meta, key, ua_fmt_double(buf, v));
    if (value) *value = v;
    return s;
}

ua_status ua_mlp_fit_problem(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                             ua_model *meta, void **state)
{
    *state = NULL;
    ua_mlp_options opt;
    ua_status s = read_options(o, p, &opt);
    if (s) return s;
    ua_problem_kind kind = ua_problem_kind_of(p);
    size_t d = ua_problem_dim(p), k = ua_problem_outputs(p), n = 0;
    const double *x = NULL, *y = NULL;
    double *xs = NULL, *ys = NULL;
    if (kind == UA_PROBLEM_SAMPLES) {
        ua_problem_train(p, &x, &y, &n);
    } else {
        n = ua_options_get(o, "samples") ? (size_t)ua_options_int(o, "samples")
                                         : default_samples(d);
        k = 1;
        xs = ua_calloc(n * d, sizeof *xs);
        ys = ua_calloc(n, sizeof *ys);
        if (!xs || !ys) s = UA_ENOMEM_ERR(n * (d + 1) * sizeof(double));
        if (!s) s = ua_problem_sample(p, n, opt.seed, xs, ys);
        x = xs;
        y = ys;
    }
    ua_train_report pc = { hooks, { 0 } };
    if (!s) s = ua_train_log_open(&pc.log, ua_options_get(o, "log"), 1);
    if (!s && (hooks || pc.log.f)) {
        opt.progress = on_epoch;
        opt.progress_ctx = &pc;
    }
    ua_mlp *m = NULL;
    size_t M = (size_t)ua_options_int(o, "n-estimators");
    if (!s) s = M > 1 ? ua_mlp_fit_ensemble(x, y, n, d, k, &opt, M, &m)
                      : ua_mlp_fit(x, y, n, d, k, &opt, &m);
    /* a log that could not be written does not lose the trained model (metadata log_error) */
    ua_status ls = ua_train_log_close(&pc.log);
    if (!s) s = ua_train_log_keep(ls, meta);
    int classify = opt.task == UA_TASK_CLASSIFY;
    if (!s && kind == UA_PROBLEM_SAMPLES && n < UA_MLP_SMALL_N) { /* said, not implied */
        char why[200];
        snprintf(why, sizeof why, "%zu rows < %d: validation fraction %g, optimiser %s (the "
                 "small-data defaults, for what was not given)", n, UA_MLP_SMALL_N, opt.val_frac,
                 opt.optim == UA_OPTIM_LBFGS ? "lbfgs" : "as given");
        s = ua_model_set_meta(meta, "small_data", why);
    }
    if (!s) s = record(m, meta, classify ? "train_accuracy" : "train_rmse", x, y, n, k, NULL);
    const double *tx = NULL, *ty = NULL;
    size_t tn = 0;
    if (kind == UA_PROBLEM_SAMPLES) ua_problem_test(p, &tx, &ty, &tn);
    if (!s && tn) {
        double v;
        s = record(m, meta, classify ? "test_accuracy" : "test_rmse", tx, ty, tn, k, &v);
        if (!s && !classify) ua_mlp_set_test_rmse(m, v);
    }
    free(xs);
    free(ys);
    if (s) {
        ua_mlp_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}

/* The vtable's fit_blocks (src/model/family.h): out-of-core training (train_blocks.c) with the
 * options of the table; what cannot apply out of core is refused with the reason. */
ua_status ua_mlp_fit_blocks_family(struct ua_blocks *src, size_t ycol, const ua_options *o,
                                   ua_model *meta, void **state)
{
    *state = NULL;
    if (ua_options_choice(o, "task") != UA_TASK_REGRESS)
        return UA_ERR(UA_EINVAL, "mlp: out-of-core training is regression only (--task regress)");
    if (ua_options_given(o, "samples"))
        return UA_ERR(UA_EINVAL, "mlp: --samples applies to formula and function problems; "
                      "out-of-core data are the file's rows");
    if (ua_options_int(o, "n-estimators") > 1)
        return UA_ERR(UA_EINVAL, "mlp: --n-estimators (a deep ensemble) is not offered out of "
                      "core; fit the members one by one with --seed");
    ua_mlp_options opt;
    ua_status s = read_options(o, NULL, &opt);
    if (s) return s;
    ua_train_report pc = { NULL, { 0 } };
    s = ua_train_log_open(&pc.log, ua_options_get(o, "log"), 1);
    if (!s && pc.log.f) {
        opt.progress = on_epoch;
        opt.progress_ctx = &pc;
    }
    ua_mlp *m = NULL;
    if (!s) s = ua_mlp_fit_blocks(src, ycol, &opt, &m);
    /* a log that could not be written does not lose the trained model (metadata log_error) */
    ua_status ls = ua_train_log_close(&pc.log);
    if (!s) s = ua_train_log_keep(ls, meta);
    char buf[32];
    if (!s) s = ua_model_set_meta(meta, "best_epoch", ua_fmt_double(buf, (double)m->report.best_epoch));
    if (!s && isfinite(m->report.val_loss))
        s = ua_model_set_meta(meta, "val_loss", ua_fmt_double(buf, m->report.val_loss));
    if (s) {
        ua_mlp_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}
