/*
 * The `mlp` family vtable (src/model/family.h): fit and the option table (options.c), predict,
 * save / load through the safetensors container, C export (export.c), describe.
 *
 * Tensors (PyTorch state_dict names of nn.Sequential(Linear, Act, Linear, Act, ..., Linear) held
 * as the attribute `layers` of a module — Linear at even indices 0, 2, 4, ..., the activation at
 * the odd index after each hidden Linear):
 *   layers.{2l}.weight (out, in), layers.{2l}.bias (out,)      F32 or F64 (the network's dtype)
 *   layers.{2l+1}.weight (4,)                                  PolyReLU / PolyNorm a_0..a_3
 *   layers.{2l+1}.v, .weight, .bias (width,)                   EvoNorm-S0 v, gamma, beta
 *   x_mean, x_scale (d,), y_mean, y_scale (k,)                 F64 standardisation (ua_scaler_save)
 * The forward multipliers of the NTK and muP parametrisations are folded into the weights, so the
 * tensors are exactly what a plain PyTorch model computes with.
 * Metadata: mlp_inputs, mlp_outputs, hidden ("64x64", "" for none), activation, leaky_slope,
 * evonorm ("0"/"1"), evonorm_groups, param, dtype ("f32"/"f64"), task ("regress"/"classify"/
 * "gaussian": the last's readout has 2 k rows, the means then the variance parameters),
 * classes, and the fit's report (epochs_run, best_epoch, train_loss, val_loss, test_rmse).
 * A deep ensemble of M networks (ensemble.c) adds "ensemble_members" = M, member i's tensors as
 * ensemble.{i}.<name above> and ensemble.{i}.x_mean ... (i = 1 .. M-1; member 0 is the plain
 * tensors) and ensemble.noise_var (M, k) F64 (regression).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/family.h"
#include "internal.h"
#include "compress.h" /* compressed weights: saved, loaded and described here */

static void mlp_free(void *state) { ua_mlp_free(state); }

static ua_status mlp_predict(const void *state, const double *x, size_t n, double *y)
{
    return ua_mlp_predict(state, x, n, y);
}

/* The vtable's predict_proba: the softmax of a classifier's outputs (a deep ensemble's: the
 * members' mean), column c the probability of label c. */
static ua_status mlp_predict_proba(const void *state, const double *x, size_t n, double *p,
                                   size_t *nclasses)
{
    const ua_mlp *m = state;
    if (m->opt.task != UA_TASK_CLASSIFY)
        return UA_ERR(UA_EUNSUPPORTED, "the mlp model is a regressor (task regress): it has no "
                      "class probabilities");
    *nclasses = m->dout;
    return p ? ua_mlp_predict_proba(m, x, n, p) : UA_OK;
}

static void mlp_dims(const void *state, size_t *din, size_t *dout)
{
    const ua_mlp *m = state;
    *din = m->d;
    *dout = m->k;
}

static ua_status set_num(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

static ua_status set_size(ua_st *st, const char *key, size_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", v);
    return ua_st_set_meta(st, key, buf);
}

static const char *task_name(ua_mlp_task t)
{
    return t == UA_TASK_CLASSIFY ? "classify" : t == UA_TASK_GAUSSIAN ? "gaussian" : "regress";
}

static ua_status mlp_save(const void *state, ua_st *st)
{
    const ua_mlp *m = state;
    ua_status s = UA_OK;
    for (size_t i = 0; !s && i < m->ntensors; i++) {
        if (m->comp && ua_mlp_comp_replaces(m, i)) continue; /* stored compressed below */
        const ua_mlp_tensor_info *t = &m->tensors[i];
        int64_t shape[2] = { (int64_t)t->shape[0], (int64_t)t->shape[1] };
        s = ua_st_add(st, t->name, m->esize == 4 ? UA_F32 : UA_F64, t->ndim, shape,
                      (const char *)m->params + t->offset * m->esize);
    }
    if (!s) s = ua_scaler_save(&m->xs, "x_", st);
    if (!s) s = ua_scaler_save(&m->ys, "y_", st);
    if (!s && m->comp) s = ua_mlp_comp_save(m, st);
    char hidden[UA_MLP_MAX_HIDDEN * 12];
    ua_mlp_format_hidden(&m->opt, hidden, sizeof hidden);
    if (!s) s = set_size(st, "mlp_inputs", m->d);
    if (!s) s = set_size(st, "mlp_outputs", m->k);
    if (!s) s = ua_st_set_meta(st, "hidden", hidden);
    if (!s) s = ua_st_set_meta(st, "activation", ua_mlp_act_name(m->opt.act));
    if (!s) s = set_num(st, "leaky_slope", m->opt.leaky_slope);
    if (!s) s = ua_st_set_meta(st, "evonorm", m->opt.evonorm ? "1" : "0");
    if (!s && m->opt.evonorm) s = set_size(st, "evonorm_groups", m->groups[0]);
    if (!s) s = ua_st_set_meta(st, "param", ua_mlp_param_name(m->opt.param));
    if (!s) s = ua_st_set_meta(st, "dtype", m->esize == 4 ? "f32" : "f64");
    if (!s) s = ua_st_set_meta(st, "task", task_name(m->opt.task));
    if (!s) s = set_size(st, "classes", m->opt.task == UA_TASK_CLASSIFY ? m->dout : 0);
    if (!s && m->report.epochs_run) {
        s = set_size(st, "epochs_run", m->report.epochs_run);
        if (!s) s = set_size(st, "best_epoch", m->report.best_epoch);
        if (!s) s = set_num(st, "train_loss", m->report.train_loss);
        if (!s && !isnan(m->report.val_loss)) s = set_num(st, "val_loss", m->report.val_loss);
    }
    if (!s && !isnan(m->test_rmse)) s = set_num(st, "test_rmse", m->test_rmse);
    if (!s) s = ua_mlp_ensemble_save(m, st); /* members 1 .. M-1 of a deep ensemble */
    return s;
}

/* A metadata value that must be present. */
static ua_status meta(const ua_st *st, const char *key, const char **v)
{
    *v = ua_st_meta(st, key);
    if (!*v) return UA_ERR(UA_EFORMAT, "mlp model: metadata '%s' is missing", key);
    return UA_OK;
}

static ua_status meta_size(const ua_st *st, const char *key, size_t lo, size_t hi, size_t *out)
{
    const char *v;
    ua_status s = meta(st, key, &v);
    if (s) return s;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *end || v[0] == '-' || x < lo || x > hi)
        return UA_ERR(UA_EFORMAT, "mlp model: metadata '%s' = '%s' is not a count in %zu..%zu",
                      key, v, lo, hi);
    *out = (size_t)x;
    return UA_OK;
}

static ua_status mlp_load(const ua_st *st, double lo, double hi, void **state)
{
    *state = NULL;
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    const char *v;
    size_t d = 0, k = 0, classes = 0;
    ua_status s = meta_size(st, "mlp_inputs", 1, 1u << 24, &d);
    if (!s) s = meta_size(st, "mlp_outputs", 1, 1u << 24, &k);
    if (!s) s = meta(st, "hidden", &v);
    if (!s && ua_mlp_hidden_parse(v, &o)) s = UA_ERR(UA_EFORMAT, "mlp model: bad 'hidden' '%s'", v);
    if (!s) s = meta(st, "activation", &v);
    if (!s && ua_mlp_act_parse(v, &o.act)) s = UA_ERR(UA_EFORMAT, "mlp model: unknown activation '%s'", v);
    if (!s) s = meta(st, "leaky_slope", &v);
    if (!s) {
        char *end;
        o.leaky_slope = strtod(v, &end);
        if (!*v || *end || !isfinite(o.leaky_slope))
            s = UA_ERR(UA_EFORMAT, "mlp model: bad leaky_slope '%s'", v);
    }
    if (!s) s = meta(st, "evonorm", &v);
    if (!s) {
        if (strcmp(v, "0") && strcmp(v, "1")) s = UA_ERR(UA_EFORMAT, "mlp model: evonorm must be 0 or 1");
        o.evonorm = v[0] == '1';
    }
    if (!s && o.evonorm) s = meta_size(st, "evonorm_groups", 1, 1u << 20, &o.evonorm_groups);
    if (!s) s = meta(st, "param", &v);
    if (!s && ua_mlp_param_parse(v, &o.param)) s = UA_ERR(UA_EFORMAT, "mlp model: unknown param '%s'", v);
    if (!s) s = meta(st, "dtype", &v);
    if (!s) {
        if (!strcmp(v, "f32")) o.dtype = UA_MLP_F32;
        else if (!strcmp(v, "f64")) o.dtype = UA_MLP_F64;
        else s = UA_ERR(UA_EFORMAT, "mlp model: dtype '%s' (expected f32 or f64)", v);
    }
    if (!s) s = meta(st, "task", &v);
    if (!s) {
        if (!strcmp(v, "regress")) o.task = UA_TASK_REGRESS;
        else if (!strcmp(v, "classify")) o.task = UA_TASK_CLASSIFY;
        else if (!strcmp(v, "gaussian")) o.task = UA_TASK_GAUSSIAN;
        else s = UA_ERR(UA_EFORMAT, "mlp model: task '%s' (expected regress, classify or "
                        "gaussian)", v);
    }
    if (!s) s = meta_size(st, "classes", 0, 1u << 20, &classes);
    if (s) return s;
    if (o.task == UA_TASK_CLASSIFY && (k != 1 || classes < 2))
        return UA_ERR(UA_EFORMAT, "mlp model: a classifier has 1 output and >= 2 classes");
    (void)lo; /* any domain: unbounded for samples, [a, b] for a sampled 1-D target */
    (void)hi;
    ua_mlp *m;
    size_t dout = o.task == UA_TASK_CLASSIFY ? classes : o.task == UA_TASK_GAUSSIAN ? 2 * k : k;
    s = ua_mlp_build(d, k, dout, &o, &m);
    if (s) return UA_ERR(UA_EFORMAT, "mlp model: %s", ua_last_error());
    for (size_t l = 0; l < m->L; l++) m->mult[l] = 1.0; /* folded into the stored weights */
    ua_dtype want = m->esize == 4 ? UA_F32 : UA_F64;
    for (size_t i = 0; !s && i < m->ntensors; i++) {
        if (ua_st_meta(st, "mlp_compress") && ua_mlp_comp_replaces(m, i) &&
            ua_st_get(st, m->tensors[i].name, NULL, NULL, NULL, NULL))
            continue; /* a compressed weight: rebuilt by ua_mlp_comp_load below */
        const ua_mlp_tensor_info *t = &m->tensors[i];
        ua_dtype dt;
        size_t ndim;
        const int64_t *shape;
        const void *data;
        if (ua_st_get(st, t->name, &dt, &ndim, &shape, &data)) {
            s = UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' is missing", t->name);
            break;
        }
        if (dt != want || ndim != t->ndim || shape[0] != (int64_t)t->shape[0] ||
            (ndim == 2 && shape[1] != (int64_t)t->shape[1])) {
            s = UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' must be %s of shape (%zu%s%s)", t->name,
                       want == UA_F32 ? "F32" : "F64", t->shape[0], t->ndim == 2 ? ", " : ",",
                       t->ndim == 2 ? "..." : "");
            break;
        }
        memcpy((char *)m->params + t->offset * m->esize, data, t->size * m->esize);
        for (size_t j = 0; j < t->size; j++) {
            double x = m->esize == 4 ? (double)((const float *)data)[j] : ((const double *)data)[j];
            if (!isfinite(x)) {
                s = UA_ERR(UA_EFORMAT, "mlp model: tensor '%s' element %zu is not finite", t->name, j);
                break;
            }
        }
    }
    if (!s) s = ua_mlp_comp_load(m, st); /* rebuilds the dense weights from the codes/factors */
    if (!s) s = ua_mlp_ensemble_load(m, st); /* members 1 .. M-1 of a deep ensemble */
    if (!s) {
        ua_scaler_free(&m->xs);
        ua_scaler_free(&m->ys);
        s = ua_scaler_load(st, "x_", d, &m->xs);
        if (!s) s = ua_scaler_load(st, "y_", k, &m->ys);
    }
    const char *tr = ua_st_meta(st, "test_rmse");
    if (tr) m->test_rmse = strtod(tr, NULL);
    const char *ep = ua_st_meta(st, "epochs_run"), *be = ua_st_meta(st, "best_epoch");
    const char *tl = ua_st_meta(st, "train_loss"), *vl = ua_st_meta(st, "val_loss");
    if (ep) m->report.epochs_run = (size_t)strtoull(ep, NULL, 10);
    if (be) m->report.best_epoch = (size_t)strtoull(be, NULL, 10);
    m->report.train_loss = tl ? strtod(tl, NULL) : NAN;
    m->report.val_loss = vl ? strtod(vl, NULL) : NAN;
    if (s) {
        ua_mlp_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}

static ua_status mlp_describe(const void *state, cJSON *obj)
{
    const ua_mlp *m = state;
    char hidden[UA_MLP_MAX_HIDDEN * 12];
    ua_mlp_format_hidden(&m->opt, hidden, sizeof hidden);
    cJSON_AddNumberToObject(obj, "inputs", (double)m->d);
    cJSON_AddNumberToObject(obj, "outputs", (double)m->k);
    cJSON_AddStringToObject(obj, "hidden", hidden[0] ? hidden : "none");
    cJSON_AddStringToObject(obj, "activation", m->opt.evonorm ? "evonorm_s0" : ua_mlp_act_name(m->opt.act));
    cJSON_AddStringToObject(obj, "param", ua_mlp_param_name(m->opt.param));
    cJSON_AddStringToObject(obj, "dtype", m->esize == 4 ? "f32" : "f64");
    cJSON_AddStringToObject(obj, "task", task_name(m->opt.task));
    if (m->opt.task == UA_TASK_CLASSIFY) cJSON_AddNumberToObject(obj, "classes", (double)m->dout);
    cJSON_AddNumberToObject(obj, "parameters", (double)(m->nparams * m->n_estimators));
    if (m->n_estimators > 1) cJSON_AddNumberToObject(obj, "n_estimators", (double)m->n_estimators);
    if (m->comp) {
        cJSON_AddStringToObject(obj, "compressed", ua_compress_method_name(m->comp->method));
        cJSON_AddNumberToObject(obj, "parameter_bytes", (double)ua_mlp_comp_bytes(m));
    }
    const ua_mlp_report *r = &m->report;
    if (r->epochs_run) {
        cJSON_AddNumberToObject(obj, "epochs_run", (double)r->epochs_run);
        cJSON_AddNumberToObject(obj, "best_epoch", (double)r->best_epoch);
        cJSON_AddNumberToObject(obj, "train_loss", r->train_loss);
        if (!isnan(r->val_loss)) cJSON_AddNumberToObject(obj, "val_loss", r->val_loss);
    }
    if (r->seconds > 0) {
        cJSON_AddNumberToObject(obj, "train_seconds", r->seconds);
        cJSON_AddNumberToObject(obj, "samples_per_second", r->samples_per_second);
    }
    if (m->opt.task == UA_TASK_CLASSIFY && r->nclasses) {
        cJSON_AddNumberToObject(obj, "train_accuracy", r->train_accuracy);
        if (!isnan(r->val_accuracy)) cJSON_AddNumberToObject(obj, "val_accuracy", r->val_accuracy);
    }
    if (!isnan(m->test_rmse)) cJSON_AddNumberToObject(obj, "test_rmse", m->test_rmse);
    return UA_OK;
}

const ua_family ua_family_mlp = {
    .name = "mlp",
    .summary = "multilayer perceptron trained by Adam, AdamW, SGD or L-BFGS on samples or on "
               "points drawn in a box",
    .doc = "docs/mlp.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA) | UA_ACCEPTS(UA_PROBLEM_FUNCTION) |
               UA_ACCEPTS(UA_PROBLEM_SAMPLES),
    .min_dim = 1,
    .max_dim = 0,
    .options = ua_mlp_option_table,
    .noptions = UA_MLP_NOPTIONS,
    .fit = ua_mlp_fit_problem,
    .free = mlp_free,
    .predict = mlp_predict,
    .save = mlp_save,
    .load = mlp_load,
    .export_c = ua_mlp_export_c,
    .describe = mlp_describe,
    .dims = mlp_dims,
    .bounds = &ua_mlp_bounds,
    .influence = ua_mlp_influence,
    .influence_method = ua_mlp_influence_method,
    .fit_blocks = ua_mlp_fit_blocks_family,
    .compress = ua_mlp_compress,
    .predict_std = ua_mlp_predict_std,
    .predict_proba = mlp_predict_proba,
};
