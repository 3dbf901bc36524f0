/* `uniapprox fit --family mlp`: multilayer perceptrons fitted to samples (--data, --split-dir) or
 * to a 1-D TARGET sampled on --domain (docs/mlp.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *hidden, *activation, *leaky, *groups, *param, *base_width, *dtype, *task,
    *optim, *lr, *momentum, *wd, *schedule, *warmup, *batch, *epochs, *val_frac, *patience,
    *history, *seed, *threads, *log_path, *samples;
static int evonorm, no_standardize;
static ua_mlp_options opt;
static double train_rmse = NAN;

static const ua_opt opts[] = {
    { "hidden", 0, 1, &hidden, NULL },          { "activation", 0, 1, &activation, NULL },
    { "leaky-slope", 0, 1, &leaky, NULL },      { "evonorm", 0, 0, NULL, &evonorm },
    { "evonorm-groups", 0, 1, &groups, NULL },  { "param", 0, 1, &param, NULL },
    { "mup-base-width", 0, 1, &base_width, NULL }, { "dtype", 0, 1, &dtype, NULL },
    { "task", 0, 1, &task, NULL },              { "optim", 0, 1, &optim, NULL },
    { "lr", 0, 1, &lr, NULL },                  { "momentum", 0, 1, &momentum, NULL },
    { "weight-decay", 0, 1, &wd, NULL },        { "schedule", 0, 1, &schedule, NULL },
    { "warmup", 0, 1, &warmup, NULL },          { "batch", 0, 1, &batch, NULL },
    { "epochs", 0, 1, &epochs, NULL },          { "val-frac", 0, 1, &val_frac, NULL },
    { "patience", 0, 1, &patience, NULL },      { "lbfgs-history", 0, 1, &history, NULL },
    { "no-standardize", 0, 0, NULL, &no_standardize }, { "seed", 0, 1, &seed, NULL },
    { "threads", 0, 1, &threads, NULL },        { "log", 0, 1, &log_path, NULL },
    { "samples", 0, 1, &samples, NULL },
};

static const char help[] =
    "mlp options (multilayer perceptron on samples, docs/mlp.md; defaults measured on UCI):\n"
    "  --hidden WxW...      hidden widths, e.g. 64x64 (default 64x64; 0 for a linear model)\n"
    "  --activation A       relu leaky_relu gelu gelu_tanh silu tanh sigmoid softplus sin\n"
    "                       polyrelu polynorm (default relu)\n"
    "  --leaky-slope S      leaky_relu slope (default 0.01)\n"
    "  --evonorm            EvoNorm-S0 after each hidden layer instead of the activation\n"
    "  --evonorm-groups G   its groups (default: most of 8, 4, 2, 1 leaving >= 16 features each)\n"
    "  --param sp|ntk|mup   parametrisation (default sp); --mup-base-width W (default 64)\n"
    "  --dtype f32|f64      arithmetic (default f32)\n"
    "  --task regress|classify  MSE, or softmax cross-entropy on integer labels 0..C-1\n"
    "  --optim adam|adamw|sgd|lbfgs  (default adam); --lr R (default 3e-3; lbfgs ignores it)\n"
    "  --momentum M         SGD momentum (default 0.9)\n"
    "  --weight-decay W     L2 (adam, sgd) or decoupled (adamw) weight decay (default 0)\n"
    "  --schedule constant|cosine|warmup  (default cosine); --warmup STEPS (default 5%)\n"
    "  --batch B            minibatch size (default 32)\n"
    "  --epochs E           most epochs (L-BFGS: iterations) (default 400)\n"
    "  --val-frac F         rows held out for early stopping (default 0.1; 0: none)\n"
    "  --patience P         epochs without a better validation loss before stopping (default 50)\n"
    "  --lbfgs-history M    L-BFGS memory (default 20)\n"
    "  --no-standardize     fit the raw columns (default: standardise x and y on the training rows)\n"
    "  --seed S             initialisation, shuffling, validation split (default 0); with\n"
    "                       --threads 1 a fit is bitwise reproducible\n"
    "  --threads N          BLAS and OpenMP threads (default: all)\n"
    "  --log FILE.jsonl     write the training curve, one JSON object per epoch\n"
    "  --samples N          with a TARGET: N equispaced samples on --domain (default 2000)\n"
    "  With --split-dir the test RMSE of split K (index_test_K.txt) is measured and reported.\n";

static int parse_options(void)
{
    ua_mlp_options_default(&opt);
    int rc = 0;
    size_t z;
    if (hidden && ua_mlp_hidden_parse(hidden, &opt)) return ua_cli_fail("fit", UA_EINVAL);
    if (activation && ua_mlp_act_parse(activation, &opt.act)) return ua_cli_fail("fit", UA_EINVAL);
    if (param && ua_mlp_param_parse(param, &opt.param)) return ua_cli_fail("fit", UA_EINVAL);
    if (optim && ua_mlp_optim_parse(optim, &opt.optim)) return ua_cli_fail("fit", UA_EINVAL);
    if (schedule && ua_mlp_schedule_parse(schedule, &opt.schedule)) return ua_cli_fail("fit", UA_EINVAL);
    if (dtype) {
        if (!strcmp(dtype, "f32")) opt.dtype = UA_MLP_F32;
        else if (!strcmp(dtype, "f64")) opt.dtype = UA_MLP_F64;
        else return ua_cli_usage("fit", "--dtype '%s': expected f32 or f64", dtype);
    }
    if (task) {
        if (!strcmp(task, "regress")) opt.task = UA_TASK_REGRESS;
        else if (!strcmp(task, "classify")) opt.task = UA_TASK_CLASSIFY;
        else return ua_cli_usage("fit", "--task '%s': expected regress or classify", task);
    }
    opt.evonorm = evonorm;
    opt.standardize = !no_standardize;
    if ((rc = ua_cli_double_opt("leaky-slope", leaky, &opt.leaky_slope)) ||
        (rc = ua_cli_size_opt("evonorm-groups", groups, 1, &opt.evonorm_groups)) ||
        (rc = ua_cli_size_opt("mup-base-width", base_width, 1, &opt.mup_base_width)) ||
        (rc = ua_cli_double_opt("lr", lr, &opt.lr)) ||
        (rc = ua_cli_double_opt("momentum", momentum, &opt.momentum)) ||
        (rc = ua_cli_double_opt("weight-decay", wd, &opt.weight_decay)) ||
        (rc = ua_cli_size_opt("warmup", warmup, 0, &opt.warmup)) ||
        (rc = ua_cli_size_opt("batch", batch, 1, &opt.batch)) ||
        (rc = ua_cli_size_opt("epochs", epochs, 1, &opt.epochs)) ||
        (rc = ua_cli_double_opt("val-frac", val_frac, &opt.val_frac)) ||
        (rc = ua_cli_size_opt("patience", patience, 1, &opt.patience)) ||
        (rc = ua_cli_size_opt("lbfgs-history", history, 1, &opt.lbfgs_history)))
        return rc;
    if (seed) {
        if (ua_cli_size(seed, &z)) return ua_cli_usage("fit", "--seed '%s' is not a count", seed);
        opt.seed = (uint64_t)z;
    }
    if (threads) {
        if (ua_cli_size(threads, &z) || z < 1 || z > 1024)
            return ua_cli_usage("fit", "--threads '%s' must be a count in 1..1024", threads);
        opt.threads = (int)z;
    }
    if (ua_mlp_options_check(&opt)) return ua_cli_usage("fit", "%s", ua_last_error());
    return 0;
}

/* RMSE of m's predictions on xy, in target units (scaled sums: no overflow for huge targets). */
static ua_status rmse_of(const ua_mlp *m, const ua_cli_xy *xy, double *rmse)
{
    size_t N = xy->n * xy->k;
    double *p = malloc(N * sizeof *p);
    if (!p) return UA_ENOMEM;
    ua_status s = ua_mlp_predict(m, xy->x, xy->n, p);
    if (!s) *rmse = ua_cli_rmse(p, xy->y, N);
    free(p);
    return s;
}

static int fit(ua_cli_fit_input *in, void **state, ua_status *fit_status)
{
    train_rmse = NAN;
    int rc = parse_options();
    if (rc) return rc;
    ua_cli_xy xy = { 0 };
    size_t nsamples = 2000;
    if (in->target) {
        if ((rc = ua_cli_size_opt("samples", samples, 2, &nsamples))) return rc;
        xy.n = nsamples;
        xy.d = xy.k = 1;
        xy.x = malloc(nsamples * sizeof *xy.x);
        xy.y = malloc(nsamples * sizeof *xy.y);
        if (!xy.x || !xy.y) {
            ua_cli_xy_free(&xy);
            return ua_cli_usage("fit", "out of memory");
        }
        for (size_t i = 0; i < nsamples; i++) {
            xy.x[i] = in->a + (in->b - in->a) * (double)i / (double)(nsamples - 1);
            xy.y[i] = ua_target_eval(in->target, &xy.x[i]);
            if (!isfinite(xy.y[i])) {
                ua_cli_xy_free(&xy);
                return ua_cli_usage("fit", "the target is not finite at x = %.17g", xy.x[i]);
            }
        }
    } else {
        if (samples) return ua_cli_usage("fit", "--samples needs a TARGET");
        if (in->domain_given)
            return ua_cli_usage("fit", "--domain applies to TARGET fits; with --data the model has "
                                "no domain");
        if ((rc = ua_cli_load_xy(in, "train", &xy))) return rc;
        in->a = -INFINITY;
        in->b = INFINITY;
    }
    ua_cli_train_progress pc;
    if ((rc = ua_cli_train_progress_open(&pc, log_path, 1))) {
        ua_cli_xy_free(&xy);
        return rc;
    }
    if (pc.log || pc.tty) {
        opt.progress = ua_cli_train_progress_cb;
        opt.progress_ctx = &pc;
    }
    ua_mlp *m = NULL;
    *fit_status = ua_mlp_fit(xy.x, xy.y, xy.n, xy.d, xy.k, &opt, &m);
    ua_cli_train_progress_close(&pc, fit_status);
    if (*fit_status == UA_EINVAL && !in->target) { /* bad samples: name the file */
        char msg[512];
        snprintf(msg, sizeof msg, "%s", ua_last_error());
        ua_mlp_free(m);
        ua_cli_xy_free(&xy);
        return ua_cli_usage("fit", "%s: %s", in->data ? in->data : in->split_dir, msg);
    }
    if (!*fit_status && opt.task == UA_TASK_REGRESS) /* the training rows, target units */
        *fit_status = rmse_of(m, &xy, &train_rmse);
    ua_cli_xy_free(&xy);
    if (*fit_status) {
        ua_mlp_free(m);
        return 0;
    }
    if (in->split_dir && opt.task == UA_TASK_REGRESS) { /* the held-out split, target units */
        ua_cli_xy te;
        if ((rc = ua_cli_load_xy(in, "test", &te))) {
            ua_mlp_free(m);
            return rc;
        }
        double r;
        ua_status s = rmse_of(m, &te, &r);
        if (!s) ua_mlp_set_test_rmse(m, r);
        ua_cli_xy_free(&te);
        if (s) {
            ua_mlp_free(m);
            *fit_status = s;
            return 0;
        }
    }
    *state = m;
    return 0;
}

static ua_status store_options(ua_model *m)
{
    char buf[64];
    ua_status s = ua_model_set_meta(m, "optim", ua_mlp_optim_name(opt.optim));
    snprintf(buf, sizeof buf, "%.17g", opt.lr);
    if (!s) s = ua_model_set_meta(m, "lr", buf);
    if (!s) s = ua_model_set_meta(m, "schedule", ua_mlp_schedule_name(opt.schedule));
    snprintf(buf, sizeof buf, "%zu", opt.batch);
    if (!s) s = ua_model_set_meta(m, "batch", buf);
    snprintf(buf, sizeof buf, "%zu", opt.epochs);
    if (!s) s = ua_model_set_meta(m, "epochs", buf);
    snprintf(buf, sizeof buf, "%.17g", opt.val_frac);
    if (!s) s = ua_model_set_meta(m, "val_frac", buf);
    snprintf(buf, sizeof buf, "%zu", opt.patience);
    if (!s) s = ua_model_set_meta(m, "patience", buf);
    snprintf(buf, sizeof buf, "%.17g", opt.weight_decay);
    if (!s) s = ua_model_set_meta(m, "weight_decay", buf);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)opt.seed);
    if (!s) s = ua_model_set_meta(m, "seed", buf);
    if (!s) s = ua_model_set_meta(m, "standardize", opt.standardize ? "1" : "0");
    if (!s && isfinite(train_rmse)) {
        snprintf(buf, sizeof buf, "%.17g", train_rmse);
        s = ua_model_set_meta(m, "train_rmse", buf);
    }
    return s;
}

const ua_cli_fitter ua_cli_fitter_mlp = {
    "mlp", help, opts, sizeof opts / sizeof opts[0], fit, store_options,
};
