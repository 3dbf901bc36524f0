/*
 * The seq family on the engine (src/model/family.h): its option table, the vtable's fit on a
 * SEQUENCES problem and predict_sequences (doubles in, doubles out).
 *
 * fit builds a ua_seq_data from the problem's arrays (tokens when ua_problem_dim is 0, classes
 * when ua_problem_outputs is 0), trains, and records on the model's metadata the training
 * sequences' "train_accuracy" (classification: the fraction of positions right) or "train_rmse"
 * (regression, target units), and with a test set "test_loss" and "test_accuracy" / "test_rmse".
 * Progress: hooks->epoch after every epoch; "log" writes the JSONL curve (src/train/log.c) in the
 * library. The problem's data options (the CLI's --data, --targets, --test-data, --test-targets)
 * are not fit options: they make the problem (ua_problem_read_samples). No option lives in a
 * static.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/family.h"
#include "internal.h"

const ua_option_spec ua_seq_option_table[UA_SEQ_NOPTIONS] = {
    { "attention", UA_OPT_CHOICE, "softmax", 0, 0, 0, "softmax|sigmoid|rpe|urpe",
      "attention: softmax; sigmoid with bias -log n; softmax with a relative bias (rpe); "
      "universal RPE, softmax times a learnable Toeplitz matrix (urpe)",
      "Vaswani et al. (2017); sigmoid attention: Ramapuram et al. (2024); RPE: Shaw et al. "
      "(2018); URPE: Luo et al., Your Transformer May Not be as Powerful as You Expect (2022)" },
    { "rel", UA_OPT_CHOICE, "default", 0, 0, 0, "default|none|offset|t5",
      "relative bias: default (offset for rpe / urpe, else none), one per offset j - i, or T5's "
      "64 log buckets (max distance 128)", "T5: Raffel et al. (2020)" },
    { "positions", UA_OPT_CHOICE, "none", 0, 0, 0, "none|sinusoidal|learned",
      "absolute positions added to the embedding", "Vaswani et al. (2017)" },
    { "width", UA_OPT_INT, "64", 1, 65536, 0, NULL, "model width C (a multiple of --heads)",
      NULL },
    { "heads", UA_OPT_INT, "4", 1, 65536, 0, NULL, "attention heads (head width C / H <= 512)",
      NULL },
    { "layers", UA_OPT_INT, "2", 1, UA_SEQ_MAX_LAYERS, 0, NULL, "Transformer blocks (pre-norm)",
      NULL },
    { "ffn", UA_OPT_INT, NULL, 1, 1048576, 0, NULL, "FFN hidden width (default 4 C)", NULL },
    { "activation", UA_OPT_CHOICE, "relu", 0, 0, 0, UA_TRAIN_ACT_CHOICES,
      "the FFN's scalar activation", NULL },
    { "norm", UA_OPT_CHOICE, "layernorm", 0, 0, 0, "layernorm|rmsnorm", "normalisation (eps 1e-5)",
      "LayerNorm: Ba et al. (2016); RMSNorm: Zhang & Sennrich (2019)" },
    { "layerscale", UA_OPT_FLAG, NULL, 0, 0, 0, NULL,
      "LayerScale vectors on both residual branches", "Touvron et al., CaiT (2021)" },
    { "layerscale-init", UA_OPT_REAL, "0.1", 0, 1e6, 1, NULL,
      "LayerScale's initial value (with --layerscale)", "Touvron et al. (2021)" },
    { "causal", UA_OPT_FLAG, NULL, 0, 0, 0, NULL, "position i attends to j <= i only", NULL },
    { "qk-norm", UA_OPT_FLAG, NULL, 0, 0, 0, NULL,
      "divide each head's q and k by their RMS (stabilises sigmoid attention)",
      "Ramapuram et al., Theory, Analysis, and Best Practices for Sigmoid Self-Attention (2024)" },
    { "kernel", UA_OPT_CHOICE, "auto", 0, 0, 0, "auto|naive|fused",
      "attention kernel (auto: fused from n = 64, naive below); both compute the same",
      "fused: Dao, FlashAttention (2022) and FlashAttention-2 (2023)" },
    { "vocab", UA_OPT_INT, NULL, 1, 16777216, 0, NULL,
      "input vocabulary (default: the largest token + 1)", NULL },
    { "seq-len", UA_OPT_INT, NULL, 1, 1048576, 0, NULL,
      "the longest sequence the model takes (default: the data's length)", NULL },
    { "optim", UA_OPT_CHOICE, "adam", 0, 0, 0, "adam|adamw", "optimiser",
      "Adam: Kingma & Ba (2015); AdamW: Loshchilov & Hutter (2019)" },
    { "lr", UA_OPT_REAL, "1e-3", 0, 1e300, 1, NULL, "base learning rate", NULL },
    { "weight-decay", UA_OPT_REAL, "0", 0, 1e300, 0, NULL,
      "L2 (adam) or decoupled (adamw) weight decay, matrices only",
      "Loshchilov & Hutter (2019)" },
    { "schedule", UA_OPT_CHOICE, "cosine", 0, 0, 0, UA_TRAIN_SCHED_CHOICES,
      "learning-rate schedule over all steps", "Loshchilov & Hutter, SGDR (2017)" },
    { "warmup", UA_OPT_INT, "0", 0, 1e12, 0, NULL,
      "warm-up steps of --schedule warmup (0: 5% of all steps; at most all steps - 1, the "
      "rest a cosine decay)", NULL },
    { "batch", UA_OPT_INT, "16", 1, 1073741824, 0, NULL, "sequences per minibatch", NULL },
    { "epochs", UA_OPT_INT, "20", 1, 1e9, 0, NULL, "epochs", NULL },
    { "val-frac", UA_OPT_REAL, "0.1", 0, 1, 0, NULL,
      "fraction of the sequences held out and reported, in [0, 1) (0: none)", NULL },
    { "seed", UA_OPT_INT, "0", 0, 9007199254740992.0, 0, NULL,
      "initialisation, shuffling and the validation split", NULL },
    { "threads", UA_OPT_INT, NULL, 0, 1024, 0, NULL,
      "OpenMP and BLAS threads, a process-wide setting (0 or unset: the OpenMP default, all "
      "cores)", NULL },
    { "log", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
      "write the training curve to this file, one JSON object per epoch (JSONL)", NULL },
};

/* An option that only means something with another one is refused without it. */
static ua_status needs(const ua_options *o, const char *name, int ok, const char *why)
{
    if (ua_options_given(o, name) && !ok)
        return UA_ERR(UA_EINVAL, "seq: --%s applies %s", name, why);
    return UA_OK;
}

static ua_status read_options(const ua_options *o, ua_seq_options *opt)
{
    ua_seq_options_default(opt);
    opt->attention = (ua_seq_attention)ua_options_choice(o, "attention");
    opt->rel = (ua_seq_rel)ua_options_choice(o, "rel");
    opt->positions = (ua_seq_positions)ua_options_choice(o, "positions");
    opt->width = (size_t)ua_options_int(o, "width");
    opt->heads = (size_t)ua_options_int(o, "heads");
    opt->layers = (size_t)ua_options_int(o, "layers");
    opt->ffn = ua_options_get(o, "ffn") ? (size_t)ua_options_int(o, "ffn") : 0;
    opt->act = (ua_mlp_act)ua_options_choice(o, "activation");
    opt->norm = (ua_seq_norm)ua_options_choice(o, "norm");
    opt->layerscale = ua_options_flag(o, "layerscale");
    opt->layerscale_init = ua_options_real(o, "layerscale-init");
    opt->causal = ua_options_flag(o, "causal");
    opt->qk_norm = ua_options_flag(o, "qk-norm");
    opt->kernel = (ua_seq_kernel)ua_options_choice(o, "kernel");
    opt->vocab = ua_options_get(o, "vocab") ? (size_t)ua_options_int(o, "vocab") : 0;
    opt->n = ua_options_get(o, "seq-len") ? (size_t)ua_options_int(o, "seq-len") : 0;
    opt->optim = ua_options_choice(o, "optim") == 1 ? UA_OPTIM_ADAMW : UA_OPTIM_ADAM;
    opt->lr = ua_options_real(o, "lr");
    opt->weight_decay = ua_options_real(o, "weight-decay");
    opt->schedule = (ua_mlp_schedule)ua_options_choice(o, "schedule");
    opt->warmup = (size_t)ua_options_int(o, "warmup");
    opt->batch = (size_t)ua_options_int(o, "batch");
    opt->epochs = (size_t)ua_options_int(o, "epochs");
    opt->val_frac = ua_options_real(o, "val-frac");
    opt->seed = (uint64_t)ua_options_int(o, "seed");
    opt->threads = ua_options_get(o, "threads") ? (int)ua_options_int(o, "threads") : 0;
    ua_status s;
    if ((s = needs(o, "layerscale-init", opt->layerscale, "with --layerscale")) ||
        (s = needs(o, "warmup", opt->schedule == UA_SCHED_WARMUP, "with --schedule warmup")))
        return s;
    if (opt->val_frac >= 1)
        return UA_ERR(UA_EINVAL, "seq: --val-frac %g: expected a number in [0, 1)", opt->val_frac);
    if (opt->width % opt->heads)
        return UA_ERR(UA_EINVAL, "seq: --width %zu must be a multiple of --heads %zu", opt->width,
                      opt->heads);
    if (opt->attention == UA_SEQ_URPE && opt->rel == UA_SEQ_REL_NONE)
        return UA_ERR(UA_EINVAL, "seq: --attention urpe needs a relative bias (--rel offset or t5)");
    if (ua_seq_options_check(opt)) return UA_ERR(UA_EINVAL, "seq: %s", ua_last_error());
    return UA_OK;
}

/* Converts sequences held as doubles — x (N, len) tokens (xd == 0) or (N, len, xd) reals; y
 * (N, len) classes (yk == 0) or (N, len, yk) reals, or NULL — into a ua_seq_data (float32, int32
 * tokens and classes). who names the data in messages. Errors: UA_EINVAL (a token or class that
 * is not an integer in [0, 2^31), a non-finite value: the message names the sequence and
 * position), UA_ENOMEM. */
static ua_status to_seq_data(const char *who, const double *x, const double *y, size_t N,
                             size_t len, size_t xd, size_t yk, ua_seq_data *out)
{
    memset(out, 0, sizeof *out);
    out->N = N;
    out->n = len;
    out->d = xd;
    out->k = y ? yk : 0;
    size_t cnt = N * len, nx = xd ? cnt * xd : cnt, ny = yk ? cnt * yk : cnt;
    if (xd) out->x = ua_calloc(nx, sizeof *out->x);
    else out->tok = ua_calloc(nx, sizeof *out->tok);
    if (y && yk) out->y = ua_calloc(ny, sizeof *out->y);
    else if (y) out->cls = ua_calloc(ny, sizeof *out->cls);
    if ((!out->x && !out->tok) || (y && !out->y && !out->cls)) {
        ua_seq_data_free(out);
        return UA_ENOMEM_ERR((nx + ny) * sizeof(float));
    }
    for (size_t i = 0; i < nx; i++) {
        size_t pos = xd ? i / xd : i;
        if (xd ? !isfinite(x[i]) : !(x[i] >= 0 && x[i] < 2147483648.0 && x[i] == floor(x[i]))) {
            double v = x[i];
            ua_seq_data_free(out);
            return UA_ERR(UA_EINVAL, "%s: sequence %zu, position %zu: %g is not %s", who,
                          pos / len, pos % len, v, xd ? "finite" : "a token (an integer >= 0)");
        }
        if (xd) out->x[i] = (float)x[i];
        else out->tok[i] = (int32_t)x[i];
    }
    for (size_t i = 0; y && i < ny; i++) {
        size_t pos = yk ? i / yk : i;
        if (yk ? !isfinite(y[i]) : !(y[i] >= 0 && y[i] < 2147483648.0 && y[i] == floor(y[i]))) {
            double v = y[i];
            ua_seq_data_free(out);
            return UA_ERR(UA_EINVAL, "%s: target of sequence %zu, position %zu: %g is not %s", who,
                          pos / len, pos % len, v, yk ? "finite" : "a class (an integer >= 0)");
        }
        if (yk) out->y[i] = (float)y[i];
        else out->cls[i] = (int32_t)y[i];
    }
    return UA_OK;
}

/* The per-epoch record goes to the engine's hook and to the training log (src/train/log.c). */
static void on_epoch(const ua_mlp_progress *e, void *ctx)
{
    ua_train_report_epoch(ctx, e->epoch, e->epochs, e->train_loss, e->val_loss, e->lr,
                          e->seconds, e->improved);
}

static ua_status set_num(ua_model *meta, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(meta, key, ua_fmt_double(buf, v));
}

ua_status ua_seq_fit_problem(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                             ua_model *meta, void **state)
{
    *state = NULL;
    ua_seq_options opt;
    ua_status s = read_options(o, &opt);
    if (s) return s;
    if (ua_problem_kind_of(p) != UA_PROBLEM_SEQUENCES)
        return UA_ERR(UA_EINVAL, "seq: fits sequences, not a %s problem",
                      ua_problem_kind_name(ua_problem_kind_of(p)));
    size_t len = ua_problem_seq_len(p), xd = ua_problem_dim(p), yk = ua_problem_outputs(p);
    const double *x, *y, *tx = NULL, *ty = NULL;
    size_t N = 0, tN = 0;
    ua_problem_train(p, &x, &y, &N);
    ua_problem_test(p, &tx, &ty, &tN);
    ua_seq_data tr, te = { 0 };
    if ((s = to_seq_data("training data", x, y, N, len, xd, yk, &tr))) return s;
    if (tN && (s = to_seq_data("test data", tx, ty, tN, len, xd, yk, &te))) {
        ua_seq_data_free(&tr);
        return s;
    }
    ua_train_report pc = { hooks, { 0 } };
    s = ua_train_log_open(&pc.log, ua_options_get(o, "log"), 0);
    if (!s && (hooks || pc.log.f)) {
        opt.progress = on_epoch;
        opt.progress_ctx = &pc;
    }
    ua_seq *m = NULL;
    if (!s) s = ua_seq_fit(&tr, &opt, &m);
    /* a log that could not be written does not lose the trained model (metadata log_error) */
    ua_status ls = ua_train_log_close(&pc.log);
    if (!s) s = ua_train_log_keep(ls, meta);
    double loss, metric;
    int classify = yk == 0;
    if (!s) s = ua_seq_evaluate(m, &tr, &loss, &metric);
    if (!s) s = set_num(meta, classify ? "train_accuracy" : "train_rmse", metric);
    if (!s && tN) {
        s = ua_seq_evaluate(m, &te, &loss, &metric);
        if (!s) ua_seq_set_test(m, loss, metric);
        if (!s) s = set_num(meta, "test_loss", loss);
        if (!s) s = set_num(meta, classify ? "test_accuracy" : "test_rmse", metric);
    }
    /* the resolved values of options the family chooses (the engine keeps these) */
    char buf[32];
    if (!s) s = ua_model_set_meta(meta, "rel", ua_seq_rel_name(m->opt.rel));
    snprintf(buf, sizeof buf, "%zu", m ? m->opt.ffn : 0);
    if (!s) s = ua_model_set_meta(meta, "ffn", buf);
    ua_seq_data_free(&tr);
    ua_seq_data_free(&te);
    if (s) {
        ua_seq_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}

ua_status ua_seq_predict_sequences(const void *state, const double *x, size_t N, size_t len,
                                   size_t xd, double **y, size_t *nout, int *classify)
{
    const ua_seq *m = state;
    if (!m || !y || !nout || !classify || (N && !x))
        return UA_ERR(UA_EINVAL, "seq: predict_sequences: NULL argument");
    *y = NULL;
    *nout = m->K;
    *classify = m->opt.classify;
    size_t want = m->opt.vocab ? 0 : m->opt.din;
    if (xd != want && !want) /* a token model given (N, n, d) */
        return UA_ERR(UA_EINVAL, "seq: the model takes token sequences (N, n), got real sequences "
                      "(N, n, d) with d = %zu", xd);
    if (xd != want && !xd) /* a real-valued model given (N, n) */
        return UA_ERR(UA_EINVAL, "seq: the model takes real sequences (N, n, d) with d = %zu, got "
                      "a 2-D array (N, n)%s", want,
                      want == 1 ? ": add a last axis of length 1 (x[:, :, None] in numpy)" : "");
    if (xd != want)
        return UA_ERR(UA_EINVAL, "seq: the model takes real sequences (N, n, d) with d = %zu, got "
                      "%zu features per position", want, xd);
    if (len == 0 || len > m->n)
        return UA_ERR(UA_EINVAL, "seq: sequences of length %zu; the model takes 1..%zu", len, m->n);
    if (!N) {
        *y = ua_calloc(1, sizeof **y);
        return *y ? UA_OK : UA_ENOMEM_ERR(sizeof **y);
    }
    size_t count = N * len;
    if (count / len != N || count > SIZE_MAX / sizeof(double) / m->K)
        return UA_ERR(UA_ENOMEM, "seq: %zu sequences of %zu positions with %zu outputs each are "
                      "more values than memory can hold", N, len, m->K);
    count *= m->K;
    /* out and f are written whole below: large blocks in huge pages, whose first touch faults
     * once per 2 MiB instead of once per 4 KiB (the engine's measurement of a training set) */
    double *out = ua_alloc_large(count * sizeof *out);
    if (!out) return UA_ENOMEM_ERR(count * sizeof *out);
    ua_seq_data d;
    ua_status s = to_seq_data("inputs", x, NULL, N, len, xd, 0, &d);
    float *f = s ? NULL : ua_alloc_large(count * sizeof *f);
    if (!s && !f) s = UA_ENOMEM_ERR(count * sizeof *f);
    if (!s) s = ua_seq_forward(m, &d, f);
    for (size_t i = 0; !s && i < count; i++) out[i] = (double)f[i];
    free(f);
    ua_seq_data_free(&d);
    if (s) {
        free(out);
        return s;
    }
    *y = out;
    return UA_OK;
}
