/* `uniapprox fit --family seq`: a Transformer encoder fitted to sequence data, --data X.npy
 * (inputs (N, n) tokens or (N, n, d) floats) and --targets Y.npy ((N, n) classes or (N, n, k)
 * floats) (uniapprox/seq.h, docs/seq.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *targets, *test_data, *test_targets, *width, *heads, *layers, *ffn, *activation,
    *norm, *positions, *attention, *rel, *kernel, *optim, *lr, *wd, *schedule, *warmup, *batch,
    *epochs, *val_frac, *seed, *threads, *log_path, *vocab, *seqlen, *ls_init;
static int causal, layerscale, qk_norm;
static ua_seq_options opt;

static const ua_opt opts[] = {
    { "targets", 0, 1, &targets, NULL },       { "test-data", 0, 1, &test_data, NULL },
    { "test-targets", 0, 1, &test_targets, NULL }, { "width", 0, 1, &width, NULL },
    { "heads", 0, 1, &heads, NULL },           { "layers", 0, 1, &layers, NULL },
    { "ffn", 0, 1, &ffn, NULL },               { "activation", 0, 1, &activation, NULL },
    { "norm", 0, 1, &norm, NULL },             { "positions", 0, 1, &positions, NULL },
    { "attention", 0, 1, &attention, NULL },   { "rel", 0, 1, &rel, NULL },
    { "kernel", 0, 1, &kernel, NULL },         { "optim", 0, 1, &optim, NULL },
    { "lr", 0, 1, &lr, NULL },                 { "weight-decay", 0, 1, &wd, NULL },
    { "schedule", 0, 1, &schedule, NULL },     { "warmup", 0, 1, &warmup, NULL },
    { "batch", 0, 1, &batch, NULL },           { "epochs", 0, 1, &epochs, NULL },
    { "val-frac", 0, 1, &val_frac, NULL },     { "seed", 0, 1, &seed, NULL },
    { "threads", 0, 1, &threads, NULL },       { "log", 0, 1, &log_path, NULL },
    { "vocab", 0, 1, &vocab, NULL },           { "seq-len", 0, 1, &seqlen, NULL },
    { "causal", 0, 0, NULL, &causal },         { "layerscale", 0, 0, NULL, &layerscale },
    { "layerscale-init", 0, 1, &ls_init, NULL }, { "qk-norm", 0, 0, NULL, &qk_norm },
};

static const char help[] =
    "seq options (Transformer encoder on sequences, docs/seq.md; `uniapprox data` makes tasks):\n"
    "  --data X.npy         inputs: (N, n) integer tokens or (N, n, d) floats\n"
    "  --targets Y.npy      targets: (N, n) integer classes (cross-entropy) or (N, n, k) floats\n"
    "                       (mean squared error)\n"
    "  --test-data X.npy --test-targets Y.npy  held-out data: test accuracy or RMSE reported\n"
    "  --attention A        softmax sigmoid rpe urpe (default softmax); sigmoid uses b = -log n\n"
    "  --rel R              relative bias: default (offset for rpe/urpe, else none), none,\n"
    "                       offset (one per j - i), t5 (64 log buckets, max distance 128)\n"
    "  --positions P        none sinusoidal learned (default none)\n"
    "  --width C --heads H --layers L --ffn F  (default 64, 4, 2, 4C)\n"
    "  --activation A       an mlp scalar activation (default relu)\n"
    "  --norm layernorm|rmsnorm  (default layernorm); --layerscale [--layerscale-init 0.1]\n"
    "  --causal             position i attends to j <= i only\n"
    "  --qk-norm            divide each head's q and k by their RMS (stabilises sigmoid attention)\n"
    "  --kernel auto|naive|fused  attention kernel (auto: fused from n = 64, naive below)\n"
    "  --vocab V            input vocabulary (default: largest token + 1)\n"
    "  --seq-len N          longest sequence the model takes (default: the data's n)\n"
    "  --optim adam|adamw --lr R (default 1e-3) --weight-decay W --schedule constant|cosine|warmup\n"
    "  --warmup STEPS --batch B (sequences, default 16) --epochs E (default 20)\n"
    "  --val-frac F (default 0.1) --seed S --threads N --log FILE.jsonl\n";

static int parse_options(void)
{
    ua_seq_options_default(&opt);
    int rc = 0;
    size_t z;
    if ((attention && ua_seq_attention_parse(attention, &opt.attention)) ||
        (rel && ua_seq_rel_parse(rel, &opt.rel)) ||
        (positions && ua_seq_positions_parse(positions, &opt.positions)) ||
        (norm && ua_seq_norm_parse(norm, &opt.norm)) ||
        (kernel && ua_seq_kernel_parse(kernel, &opt.kernel)) ||
        (activation && ua_mlp_act_parse(activation, &opt.act)) ||
        (optim && ua_mlp_optim_parse(optim, &opt.optim)) ||
        (schedule && ua_mlp_schedule_parse(schedule, &opt.schedule)))
        return ua_cli_usage("fit", "%s", ua_last_error());
    opt.causal = causal;
    opt.layerscale = layerscale;
    opt.qk_norm = qk_norm;
    if ((rc = ua_cli_size_opt("width", width, 1, &opt.width)) || (rc = ua_cli_size_opt("heads", heads, 1, &opt.heads)) ||
        (rc = ua_cli_size_opt("layers", layers, 1, &opt.layers)) || (rc = ua_cli_size_opt("ffn", ffn, 1, &opt.ffn)) ||
        (rc = ua_cli_size_opt("warmup", warmup, 0, &opt.warmup)) || (rc = ua_cli_size_opt("batch", batch, 1, &opt.batch)) ||
        (rc = ua_cli_size_opt("epochs", epochs, 1, &opt.epochs)) || (rc = ua_cli_size_opt("vocab", vocab, 1, &opt.vocab)) ||
        (rc = ua_cli_size_opt("seq-len", seqlen, 1, &opt.n)) || (rc = ua_cli_double_opt("lr", lr, &opt.lr)) ||
        (rc = ua_cli_double_opt("weight-decay", wd, &opt.weight_decay)) ||
        (rc = ua_cli_double_opt("val-frac", val_frac, &opt.val_frac)) ||
        (rc = ua_cli_double_opt("layerscale-init", ls_init, &opt.layerscale_init)))
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
    if (ua_seq_options_check(&opt)) return ua_cli_usage("fit", "%s", ua_last_error());
    return 0;
}

static int fit(ua_cli_fit_input *in, void **state, ua_status *fit_status)
{
    int rc = parse_options();
    if (rc) return rc;
    if (in->target || !in->data || in->split_dir)
        return ua_cli_usage("fit", "the seq family fits --data X.npy --targets Y.npy (no TARGET, no --split-dir)");
    if (!targets) return ua_cli_usage("fit", "--family seq needs --targets Y.npy");
    if (!test_data != !test_targets) return ua_cli_usage("fit", "give --test-data and --test-targets together");
    ua_seq_data d, te = { 0 };
    ua_status s = ua_seq_data_read(in->data, targets, &d);
    if (s) return ua_cli_usage("fit", "%s", ua_last_error());
    if (test_data && (s = ua_seq_data_read(test_data, test_targets, &te))) {
        ua_seq_data_free(&d);
        return ua_cli_usage("fit", "%s", ua_last_error());
    }
    in->a = -INFINITY;
    in->b = INFINITY;
    ua_cli_train_progress pc;
    if ((rc = ua_cli_train_progress_open(&pc, log_path, 0))) {
        ua_seq_data_free(&d);
        ua_seq_data_free(&te);
        return rc;
    }
    if (pc.log || pc.tty) {
        opt.progress = ua_cli_train_progress_cb;
        opt.progress_ctx = &pc;
    }
    ua_seq *m = NULL;
    *fit_status = ua_seq_fit(&d, &opt, &m);
    ua_cli_train_progress_close(&pc, fit_status);
    ua_seq_data_free(&d);
    if (*fit_status == UA_EINVAL) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", ua_last_error());
        ua_seq_data_free(&te);
        return ua_cli_usage("fit", "%s: %s", in->data, msg);
    }
    if (!*fit_status && te.N) {
        double loss, metric;
        s = ua_seq_evaluate(m, &te, &loss, &metric);
        if (s == UA_EINVAL) {
            ua_seq_free(m);
            ua_seq_data_free(&te);
            return ua_cli_usage("fit", "%s: %s", test_data, ua_last_error());
        }
        if (!s) ua_seq_set_test(m, loss, metric);
        *fit_status = s;
    }
    ua_seq_data_free(&te);
    if (*fit_status) {
        ua_seq_free(m);
        return 0;
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
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)opt.seed);
    if (!s) s = ua_model_set_meta(m, "seed", buf);
    if (!s && targets) s = ua_model_set_meta(m, "targets", targets);
    return s;
}

const ua_cli_fitter ua_cli_fitter_seq = {
    "seq", help, opts, sizeof opts / sizeof opts[0], fit, store_options,
};
