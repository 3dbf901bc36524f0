/*
 * The `seq` family vtable (src/model/family.h): fit, the option table and predict_sequences
 * (options.c), predict on flattened sequences, save / load through the safetensors container,
 * describe, C export (export.c).
 *
 * Tensors: the parameter tensors by name (ua_seq_tensor: "embed.weight", "blocks.0.attn.qkv.weight"
 * (3C, C), ..., "head.bias"), F32, PyTorch nn.Linear layout (out, in).
 * Metadata: seq_vocab, seq_din, seq_n, seq_nout, seq_task ("classify"/"regress"), width, heads,
 * layers, ffn, activation, norm, layerscale, causal, qk_norm, positions, attention, rel, and the fit's
 * report (epochs_run, train_loss, val_loss, val_accuracy).
 *
 * As an n-D model (ua_model_predict), one point is one whole sequence: x (N, n) tokens (as doubles)
 * or (N, n d) real inputs, y (N, n) most probable classes or (N, n k) values.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/family.h"
#include "internal.h"

static void seq_free(void *state) { ua_seq_free(state); }

static void seq_dims(const void *state, size_t *din, size_t *dout)
{
    const ua_seq *m = state;
    *din = m->n * (m->opt.vocab ? 1 : m->opt.din);
    *dout = m->n * (m->opt.classify ? 1 : m->K);
}

static ua_status seq_predict(const void *state, const double *x, size_t N, double *y)
{
    const ua_seq *m = state;
    size_t n = m->n, din, dout;
    seq_dims(m, &din, &dout);
    if (N == 0) return UA_OK;
    ua_seq_data d = { 0 };
    d.N = N;
    d.n = n;
    float *out = malloc(N * n * m->K * sizeof *out);
    ua_status s = UA_OK;
    if (m->opt.vocab) {
        d.tok = malloc(N * n * sizeof *d.tok);
        for (size_t i = 0; d.tok && i < N * n; i++) {
            if (!(x[i] >= 0 && x[i] < (double)m->opt.vocab && x[i] == floor(x[i]))) {
                s = UA_ERR(UA_EINVAL, "sequence %zu, position %zu: %g is not a token in 0..%zu",
                           i / n, i % n, x[i], m->opt.vocab - 1);
                break;
            }
            d.tok[i] = (int32_t)x[i];
        }
    } else {
        d.d = m->opt.din;
        d.x = malloc(N * din * sizeof *d.x);
        for (size_t i = 0; d.x && i < N * din; i++) d.x[i] = (float)x[i];
    }
    if (!s && (!out || (!d.tok && !d.x))) s = UA_ENOMEM_ERR(N * n * m->K * sizeof *out);
    if (!s) s = ua_seq_forward(m, &d, out);
    for (size_t r = 0; !s && r < N * n; r++) {
        const float *o = out + r * m->K;
        if (m->opt.classify) {
            size_t am = 0;
            for (size_t c = 1; c < m->K; c++)
                if (o[c] > o[am]) am = c;
            y[r] = (double)am;
        } else {
            for (size_t c = 0; c < m->K; c++) y[r * m->K + c] = o[c];
        }
    }
    free(out);
    ua_seq_data_free(&d);
    return s;
}

static ua_status set_size(ua_st *st, const char *key, size_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", v);
    return ua_st_set_meta(st, key, buf);
}

static ua_status set_num(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

static ua_status seq_save(const void *state, ua_st *st)
{
    const ua_seq *m = state;
    const ua_seq_options *o = &m->opt;
    ua_status s = UA_OK;
    for (size_t i = 0; !s && i < m->ntensors; i++) {
        const ua_seq_tensor_info *t = &m->tensors[i];
        int64_t shape[2] = { (int64_t)t->shape[0], (int64_t)t->shape[1] };
        s = ua_st_add(st, t->name, UA_F32, t->ndim, shape, m->params + t->offset);
    }
    if (!s) s = set_size(st, "seq_vocab", o->vocab);
    if (!s) s = set_size(st, "seq_din", o->din);
    if (!s) s = set_size(st, "seq_n", o->n);
    if (!s) s = set_size(st, "seq_nout", o->nout);
    if (!s) s = ua_st_set_meta(st, "seq_task", o->classify ? "classify" : "regress");
    if (!s) s = set_size(st, "width", o->width);
    if (!s) s = set_size(st, "heads", o->heads);
    if (!s) s = set_size(st, "layers", o->layers);
    if (!s) s = set_size(st, "ffn", o->ffn);
    if (!s) s = ua_st_set_meta(st, "activation", ua_train_act_name((int)o->act));
    if (!s) s = ua_st_set_meta(st, "norm", ua_seq_norm_name(o->norm));
    if (!s) s = ua_st_set_meta(st, "layerscale", o->layerscale ? "1" : "0");
    if (!s) s = ua_st_set_meta(st, "causal", o->causal ? "1" : "0");
    if (!s) s = ua_st_set_meta(st, "qk_norm", o->qk_norm ? "1" : "0");
    if (!s) s = ua_st_set_meta(st, "positions", ua_seq_positions_name(o->positions));
    if (!s) s = ua_st_set_meta(st, "attention", ua_seq_attention_name(o->attention));
    if (!s) s = ua_st_set_meta(st, "rel", ua_seq_rel_name(o->rel));
    if (!s && m->report.epochs_run) {
        s = set_size(st, "epochs_run", m->report.epochs_run);
        if (!s) s = set_num(st, "train_loss", m->report.train_loss);
        if (!s && isfinite(m->report.val_loss)) s = set_num(st, "val_loss", m->report.val_loss);
        if (!s && isfinite(m->report.val_accuracy)) s = set_num(st, "val_accuracy", m->report.val_accuracy);
    }
    if (!s && isfinite(m->report.test_metric)) {
        s = set_num(st, "test_loss", m->report.test_loss);
        if (!s) s = set_num(st, o->classify ? "test_accuracy" : "test_rmse", m->report.test_metric);
    }
    return s;
}

static ua_status meta(const ua_st *st, const char *key, const char **v)
{
    *v = ua_st_meta(st, key);
    return *v ? UA_OK : UA_ERR(UA_EFORMAT, "seq model: metadata '%s' is missing", key);
}

static ua_status meta_size(const ua_st *st, const char *key, size_t lo, size_t hi, size_t *out)
{
    const char *v;
    ua_status s = meta(st, key, &v);
    if (s) return s;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *end || *v == '-' || x < lo || x > hi)
        return UA_ERR(UA_EFORMAT, "seq model: '%s' = '%s' is not a count in %zu..%zu", key, v, lo, hi);
    *out = (size_t)x;
    return UA_OK;
}

static ua_status meta_flag(const ua_st *st, const char *key, int *out)
{
    const char *v;
    ua_status s = meta(st, key, &v);
    if (s) return s;
    if (strcmp(v, "0") && strcmp(v, "1")) return UA_ERR(UA_EFORMAT, "seq model: '%s' must be 0 or 1", key);
    *out = v[0] == '1';
    return UA_OK;
}

static ua_status seq_load(const ua_st *st, double lo, double hi, void **state)
{
    (void)lo;
    (void)hi;
    *state = NULL;
    ua_seq_options o;
    ua_seq_options_default(&o);
    const char *v;
    ua_status s = meta_size(st, "seq_vocab", 0, 1u << 24, &o.vocab);
    if (!s) s = meta_size(st, "seq_din", 0, 1u << 20, &o.din);
    if (!s) s = meta_size(st, "seq_n", 1, 1u << 20, &o.n);
    if (!s) s = meta_size(st, "seq_nout", 1, 1u << 24, &o.nout);
    if (!s) s = meta(st, "seq_task", &v);
    if (!s) {
        if (!strcmp(v, "classify")) o.classify = 1;
        else if (strcmp(v, "regress")) s = UA_ERR(UA_EFORMAT, "seq model: seq_task '%s'", v);
    }
    if (!s) s = meta_size(st, "width", 1, 65536, &o.width);
    if (!s) s = meta_size(st, "heads", 1, 65536, &o.heads);
    if (!s) s = meta_size(st, "layers", 1, UA_SEQ_MAX_LAYERS, &o.layers);
    if (!s) s = meta_size(st, "ffn", 1, 1u << 20, &o.ffn);
    if (!s) s = meta(st, "activation", &v);
    if (!s) {
        int a = 0;
        if (ua_train_act_parse(v, &a)) s = UA_ERR(UA_EFORMAT, "seq model: activation '%s'", v);
        o.act = (ua_mlp_act)a;
    }
    if (!s) s = meta(st, "norm", &v);
    if (!s && ua_seq_norm_parse(v, &o.norm)) s = UA_ERR(UA_EFORMAT, "seq model: norm '%s'", v);
    if (!s) s = meta_flag(st, "layerscale", &o.layerscale);
    if (!s) s = meta_flag(st, "causal", &o.causal);
    if (!s) s = meta_flag(st, "qk_norm", &o.qk_norm);
    if (!s) s = meta(st, "positions", &v);
    if (!s && ua_seq_positions_parse(v, &o.positions)) s = UA_ERR(UA_EFORMAT, "seq model: positions '%s'", v);
    if (!s) s = meta(st, "attention", &v);
    if (!s && ua_seq_attention_parse(v, &o.attention)) s = UA_ERR(UA_EFORMAT, "seq model: attention '%s'", v);
    if (!s) s = meta(st, "rel", &v);
    if (!s && (ua_seq_rel_parse(v, &o.rel) || o.rel == UA_SEQ_REL_DEFAULT))
        s = UA_ERR(UA_EFORMAT, "seq model: rel '%s'", v);
    if (!s && o.vocab == 0 && o.din == 0) s = UA_ERR(UA_EFORMAT, "seq model: seq_vocab and seq_din are both 0");
    if (s) return s;
    ua_seq *m = NULL;
    if ((s = ua_seq_build(&o, &m))) return s == UA_EINVAL ? UA_ERR(UA_EFORMAT, "seq model: %s", ua_last_error()) : s;
    if (ua_st_count(st) != m->ntensors) {
        s = UA_ERR(UA_EFORMAT, "seq model: %zu tensors, the options need %zu", ua_st_count(st), m->ntensors);
    }
    for (size_t i = 0; !s && i < m->ntensors; i++) {
        const ua_seq_tensor_info *t = &m->tensors[i];
        ua_dtype dt;
        size_t nd;
        const int64_t *sh;
        const void *data;
        if (ua_st_get(st, t->name, &dt, &nd, &sh, &data)) {
            s = UA_ERR(UA_EFORMAT, "seq model: tensor '%s' is missing", t->name);
            break;
        }
        if (dt != UA_F32 || nd != t->ndim || (int64_t)t->shape[0] != sh[0] ||
            (nd > 1 && (int64_t)t->shape[1] != sh[1])) {
            s = UA_ERR(UA_EFORMAT, "seq model: tensor '%s' has the wrong dtype or shape", t->name);
            break;
        }
        memcpy(m->params + t->offset, data, t->size * sizeof(float));
        for (size_t j = 0; j < t->size; j++)
            if (!isfinite(m->params[t->offset + j])) {
                s = UA_ERR(UA_EFORMAT, "seq model: tensor '%s' holds a non-finite value", t->name);
                break;
            }
    }
    if (s) {
        ua_seq_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}

static ua_status seq_describe(const void *state, cJSON *obj)
{
    const ua_seq *m = state;
    const ua_seq_options *o = &m->opt;
    cJSON_AddStringToObject(obj, "task", o->classify ? "classify" : "regress");
    cJSON_AddNumberToObject(obj, "sequence_length", (double)o->n);
    if (o->vocab) cJSON_AddNumberToObject(obj, "vocab", (double)o->vocab);
    else cJSON_AddNumberToObject(obj, "input_features", (double)o->din);
    cJSON_AddNumberToObject(obj, o->classify ? "classes" : "outputs", (double)o->nout);
    cJSON_AddNumberToObject(obj, "width", (double)o->width);
    cJSON_AddNumberToObject(obj, "heads", (double)o->heads);
    cJSON_AddNumberToObject(obj, "layers", (double)o->layers);
    cJSON_AddNumberToObject(obj, "ffn", (double)o->ffn);
    cJSON_AddStringToObject(obj, "attention", ua_seq_attention_name(o->attention));
    cJSON_AddStringToObject(obj, "relative_bias", ua_seq_rel_name(o->rel));
    cJSON_AddStringToObject(obj, "positions", ua_seq_positions_name(o->positions));
    cJSON_AddStringToObject(obj, "norm", ua_seq_norm_name(o->norm));
    cJSON_AddStringToObject(obj, "activation", ua_train_act_name((int)o->act));
    cJSON_AddBoolToObject(obj, "causal", o->causal);
    cJSON_AddBoolToObject(obj, "layerscale", o->layerscale);
    cJSON_AddBoolToObject(obj, "qk_norm", o->qk_norm);
    cJSON_AddNumberToObject(obj, "parameters", (double)m->nparams);
    const ua_seq_report *r = &m->report;
    if (r->epochs_run) {
        cJSON_AddNumberToObject(obj, "epochs_run", (double)r->epochs_run);
        cJSON_AddNumberToObject(obj, "train_loss", r->train_loss);
        if (isfinite(r->val_loss)) cJSON_AddNumberToObject(obj, "val_loss", r->val_loss);
        if (isfinite(r->val_accuracy)) cJSON_AddNumberToObject(obj, "val_accuracy", r->val_accuracy);
        cJSON_AddNumberToObject(obj, "tokens_per_second", r->tokens_per_second);
    }
    if (isfinite(r->test_metric)) {
        cJSON_AddNumberToObject(obj, "test_loss", r->test_loss);
        cJSON_AddNumberToObject(obj, o->classify ? "test_accuracy" : "test_rmse", r->test_metric);
    }
    return UA_OK;
}

const ua_family ua_family_seq = {
    .name = "seq",
    .summary = "Transformer encoder on sequences (tokens or reals in, classes or reals out)",
    .doc = "docs/seq.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_SEQUENCES),
    .min_dim = 0,
    .max_dim = 0,
    .options = ua_seq_option_table,
    .noptions = UA_SEQ_NOPTIONS,
    .fit = ua_seq_fit_problem,
    .predict_sequences = ua_seq_predict_sequences,
    .free = seq_free,
    .predict = seq_predict,
    .save = seq_save,
    .load = seq_load,
    .export_c = ua_seq_export_c,
    .describe = seq_describe,
    .dims = seq_dims,
};
