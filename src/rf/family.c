/*
 * The `rf` family vtable (src/model/family.h); its C export is in export.c.
 *
 * Tensors, in PyTorch's nn.Linear layout (h = act(W z + bias), y = output.weight h):
 * "hidden.weight" F64 (m, d) = A, "hidden.bias" F64 (m,) = -b, "output.weight" F64 (k, m) = c^T
 * (for fourier features the factor sqrt(2/m) is applied to h, not stored), and "x_mean"/"x_scale",
 * "y_mean"/"y_scale" when standardised. Metadata: "dist", "act", "scale", "bandwidth", "gamma",
 * "lambda", "select_rmse", "gcv", "standardize", "n_train".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

static void rf_free(void *s) { ua_rf_free(s); }
static ua_status rf_predict(const void *s, const double *x, size_t n, double *y) { return ua_rf_predict(s, x, n, y); }
static void rf_dims(const void *s, size_t *din, size_t *dout)
{
    const ua_rf *m = s;
    *din = m->d;
    *dout = m->k;
}

static ua_status set_num(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

static ua_status rf_save(const void *state, ua_st *st)
{
    const ua_rf *m = state;
    size_t M = m->m, d = m->d, k = m->k;
    double *nb = malloc(M * sizeof *nb), *ct = malloc(M * k * sizeof *ct);
    if (!nb || !ct) {
        free(nb);
        free(ct);
        return UA_ENOMEM_ERR(M * k * sizeof *ct);
    }
    for (size_t i = 0; i < M; i++) {
        nb[i] = -m->b[i];
        for (size_t t = 0; t < k; t++) ct[t * M + i] = m->c[i * k + t];
    }
    int64_t sA[2] = {(int64_t)M, (int64_t)d}, sb[1] = {(int64_t)M}, sc[2] = {(int64_t)k, (int64_t)M};
    ua_status r = ua_st_add(st, "hidden.weight", UA_F64, 2, sA, m->A);
    if (!r) r = ua_st_add(st, "hidden.bias", UA_F64, 1, sb, nb);
    if (!r) r = ua_st_add(st, "output.weight", UA_F64, 2, sc, ct);
    free(nb);
    free(ct);
    if (!r && m->standardize) r = ua_scaler_save(&m->xs, "x_", st);
    if (!r && m->standardize) r = ua_scaler_save(&m->ys, "y_", st);
    if (!r) r = ua_st_set_meta(st, "dist", ua_rf_dist_name(m->dist));
    if (!r) r = ua_st_set_meta(st, "act", ua_rf_act_name(m->act));
    if (!r) r = set_num(st, "scale", m->scale);
    if (!r) r = set_num(st, "bandwidth", m->bandwidth);
    if (!r) r = set_num(st, "gamma", m->gamma);
    if (!r) r = set_num(st, "lambda", m->lambda);
    if (!r) r = set_num(st, "select_rmse", m->select_rmse);
    if (!r) r = ua_st_set_meta(st, "gcv", m->gcv ? "1" : "0");
    if (!r) r = ua_st_set_meta(st, "standardize", m->standardize ? "1" : "0");
    if (!r) r = set_num(st, "n_train", (double)m->n_train);
    return r;
}

static ua_status rf_load(const ua_st *st, double lo, double hi, void **state)
{
    *state = NULL;
    ua_rf *m = calloc(1, sizeof *m);
    if (!m) return UA_ENOMEM_ERR(sizeof *m);
    ua_status r = UA_OK;
    if (ua_rf_dist_parse(ua_st_meta(st, "dist"), &m->dist) || ua_rf_act_parse(ua_st_meta(st, "act"), &m->act))
        r = UA_ERR(UA_EFORMAT, "rf model: metadata 'dist' or 'act' is missing or unknown");
    double nt = 0;
    if (!r) r = ua_st_meta_number(st, "rf model", "scale", 0, &m->scale);
    if (!r) r = ua_st_meta_number(st, "rf model", "bandwidth", 0, &m->bandwidth);
    if (!r) r = ua_st_meta_number(st, "rf model", "gamma", 0, &m->gamma);
    if (!r) r = ua_st_meta_number(st, "rf model", "lambda", 0, &m->lambda);
    if (!r) r = ua_st_meta_number(st, "rf model", "select_rmse", 1, &m->select_rmse);
    if (!r) r = ua_st_meta_number(st, "rf model", "n_train", 0, &nt);
    if (!r && (nt < 0 || nt > 1e15)) r = UA_ERR(UA_EFORMAT, "rf model: n_train out of range");
    if (!r) m->n_train = (size_t)nt; /* only once checked: (size_t)-1 is undefined */
    const char *sd = ua_st_meta(st, "standardize"), *gc = ua_st_meta(st, "gcv");
    if (!r && (!sd || (strcmp(sd, "0") && strcmp(sd, "1")) || (gc && strcmp(gc, "0") && strcmp(gc, "1"))))
        r = UA_ERR(UA_EFORMAT, "rf model: metadata 'standardize' / 'gcv' must be \"0\" or \"1\"");
    if (!r) {
        m->standardize = sd[0] == '1';
        m->gcv = gc && gc[0] == '1';
    }
    const double *A = NULL, *b = NULL, *c = NULL;
    size_t M = 0, d = 0, k = 0, zero = 0;
    if (!r) r = ua_st_get_f64(st, "rf model", "hidden.weight", 2, &M, &d, &A);
    if (!r) r = ua_st_get_f64(st, "rf model", "hidden.bias", 1, &M, &zero, &b);
    if (!r) r = ua_st_get_f64(st, "rf model", "output.weight", 2, &k, &M, &c);
    if (!r) {
        m->m = M;
        m->d = d;
        m->k = k;
        m->out_scale = m->dist == UA_RF_FOURIER ? sqrt(2.0 / (double)M) : 1.0;
        m->A = malloc(M * d * sizeof *m->A);
        m->b = malloc(M * sizeof *m->b);
        m->c = malloc(M * k * sizeof *m->c);
        if (!m->A || !m->b || !m->c) r = UA_ENOMEM_ERR(M * d * sizeof(double));
    }
    if (!r) {
        memcpy(m->A, A, M * d * sizeof *A);
        for (size_t i = 0; i < M; i++) {
            m->b[i] = -b[i];
            for (size_t t = 0; t < k; t++) m->c[i * k + t] = c[t * M + i];
        }
    }
    if (!r && m->standardize) r = ua_scaler_load(st, "x_", d, &m->xs);
    if (!r && m->standardize) r = ua_scaler_load(st, "y_", k, &m->ys);
    if (!r && !(lo == -INFINITY && hi == INFINITY) && d != 1)
        r = UA_ERR(UA_EFORMAT, "rf model: a model of %zu inputs has no interval domain", d);
    if (r) {
        ua_rf_free(m);
        return r;
    }
    m->fitted = 1;
    *state = m;
    return UA_OK;
}

static ua_status rf_describe(const void *state, cJSON *obj)
{
    const ua_rf *m = state;
    int ok = cJSON_AddStringToObject(obj, "dist", ua_rf_dist_name(m->dist)) != NULL;
    ok = ok && cJSON_AddStringToObject(obj, "act", ua_rf_act_name(m->act));
    ok = ok && cJSON_AddNumberToObject(obj, "features", (double)m->m);
    if (m->dist == UA_RF_GAUSSIAN) ok = ok && cJSON_AddNumberToObject(obj, "scale", m->scale);
    if (m->dist == UA_RF_UNIFORM) ok = ok && cJSON_AddNumberToObject(obj, "bandwidth", m->bandwidth);
    if (m->dist == UA_RF_FOURIER) ok = ok && cJSON_AddNumberToObject(obj, "gamma", m->gamma);
    ok = ok && cJSON_AddNumberToObject(obj, "lambda", m->lambda);
    if (isfinite(m->select_rmse))
        ok = ok && cJSON_AddNumberToObject(obj, m->gcv ? "gcv_rmse" : "loo_rmse", m->select_rmse);
    ok = ok && cJSON_AddNumberToObject(obj, "inputs", (double)m->d);
    ok = ok && cJSON_AddNumberToObject(obj, "outputs", (double)m->k);
    ok = ok && cJSON_AddNumberToObject(obj, "n_train", (double)m->n_train);
    ok = ok && cJSON_AddBoolToObject(obj, "standardize", m->standardize);
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

const ua_family ua_family_rf = {
    .name = "rf",
    .summary = "random-feature networks: a frozen random hidden layer (gaussian, bandlimited "
               "uniform, random Fourier), output layer by ridge",
    .doc = "docs/rf.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA) | UA_ACCEPTS(UA_PROBLEM_FUNCTION) |
               UA_ACCEPTS(UA_PROBLEM_SAMPLES),
    .min_dim = 1,
    .max_dim = 0,
    .options = ua_rf_option_spec,
    .noptions = UA_RF_NOPTIONS,
    .fit = ua_rf_family_fit,
    .free = rf_free,
    .predict = rf_predict,
    .save = rf_save,
    .load = rf_load,
    .export_c = ua_rf_export_c,
    .describe = rf_describe,
    .dims = rf_dims,
    .bounds = &ua_rf_bounds,
    .influence = ua_rf_influence,
    .fit_blocks = ua_rf_family_fit_blocks,
};
