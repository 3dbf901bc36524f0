/*
 * The `kernel` family vtable: predict, save / load through the safetensors container, describe
 * (src/model/family.h). C export lives in export.c.
 *
 * Tensors: "points" F64 (m, d) — the stored inputs (standardised training rows, or the Nyström
 * landmarks); "weights" F64 (m, k); "x_mean"/"x_scale" (d,) and, for standardised regression,
 * "y_mean"/"y_scale" (k,); for classification "classes" F64 (k,).
 * Metadata: "kernel", "gamma", "length_scale", "nu", "degree", "coef0", "order", "depth", "act",
 * "sw", "sb", "lambda", "loo_rmse", "standardize", "classify", "nystrom", "n_train", "select";
 * optional "solve" (a job of several ranks: the ScaLAPACK grid, dist.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

static void k_free(void *state) { ua_kernel_free(state); }

static ua_status k_predict(const void *state, const double *x, size_t n, double *y)
{
    return ua_kernel_predict(state, x, n, y);
}

static ua_status k_predict_std(const void *state, const double *x, size_t n, double *sd)
{
    return ua_kernel_predict_std(state, x, n, sd);
}

static void k_dims(const void *state, size_t *din, size_t *dout)
{
    const ua_kernel *m = state;
    *din = m->d;
    *dout = m->classify ? 1 : m->k;
}

static const char *const select_names[] = {"loo", "kfold", "none"};

static ua_status set_num(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

static ua_status k_save(const void *state, ua_st *st)
{
    const ua_kernel *m = state;
    const ua_kernel_spec *s = &m->spec;
    int64_t sp[2] = {(int64_t)m->m, (int64_t)m->d}, sw[2] = {(int64_t)m->m, (int64_t)m->k};
    ua_status r = ua_st_add(st, "points", UA_F64, 2, sp, m->pts);
    if (!r) r = ua_st_add(st, "weights", UA_F64, 2, sw, m->w);
    if (!r && m->standardize) r = ua_scaler_save(&m->xs, "x_", st);
    if (!r && m->standardize && !m->classify) r = ua_scaler_save(&m->ys, "y_", st);
    if (!r && m->classify) {
        int64_t sc = (int64_t)m->k;
        r = ua_st_add(st, "classes", UA_F64, 1, &sc, m->classes);
    }
    if (!r) r = ua_st_set_meta(st, "kernel", ua_kernel_type_name(s->type));
    if (!r) r = set_num(st, "gamma", s->gamma);
    if (!r) r = set_num(st, "length_scale", s->length_scale);
    if (!r) r = set_num(st, "nu", s->nu);
    if (!r) r = set_num(st, "degree", s->degree);
    if (!r) r = set_num(st, "coef0", s->coef0);
    if (!r) r = set_num(st, "order", s->order);
    if (!r) r = set_num(st, "depth", s->depth);
    if (!r) r = ua_st_set_meta(st, "act", s->act == UA_KACT_ERF ? "erf" : "relu");
    if (!r) r = set_num(st, "sw", s->sw);
    if (!r) r = set_num(st, "sb", s->sb);
    if (!r) r = ua_st_set_meta(st, "frozen_readout", s->frozen_readout ? "1" : "0");
    if (!r) r = set_num(st, "lambda", m->lambda);
    if (!r) r = set_num(st, "loo_rmse", m->loo_rmse);
    if (!r) r = ua_st_set_meta(st, "standardize", m->standardize ? "1" : "0");
    if (!r) r = ua_st_set_meta(st, "classify", m->classify ? "1" : "0");
    if (!r) r = ua_st_set_meta(st, "nystrom", m->nystrom ? "1" : "0");
    if (!r) r = set_num(st, "n_train", (double)m->n_train);
    if (!r) r = ua_st_set_meta(st, "select", select_names[m->select <= 2 ? m->select : 2]);
    /* what the selection used (select.c); absent in models of older versions */
    if (!r && m->select_rows_lambda) r = set_num(st, "select_rows", (double)m->select_rows_lambda);
    if (!r && m->select_rows_scale)
        r = set_num(st, "select_rows_scale", (double)m->select_rows_scale);
    if (!r && m->select_warning[0]) r = ua_st_set_meta(st, "select_warning", m->select_warning);
    if (!r && m->note[0]) r = ua_st_set_meta(st, "note", m->note);
    /* how a job of several ranks solved it (dist.c); absent for one process */
    if (!r && m->solve[0]) r = ua_st_set_meta(st, "solve", m->solve);
    return r;
}

static ua_status get_flag(const ua_st *st, const char *key, int *v)
{
    const char *t = ua_st_meta(st, key);
    if (!t || (strcmp(t, "0") && strcmp(t, "1")))
        return UA_ERR(UA_EFORMAT, "kernel model: metadata '%s' must be \"0\" or \"1\"", key);
    *v = t[0] == '1';
    return UA_OK;
}

static ua_status k_load(const ua_st *st, double lo, double hi, void **state)
{
    *state = NULL;
    ua_kernel *m = calloc(1, sizeof *m);
    if (!m) return UA_ENOMEM_ERR(sizeof *m);
    ua_kernel_spec_default(&m->spec);
    ua_kernel_spec *s = &m->spec;
    double v[12];
    const char *kn = ua_st_meta(st, "kernel"), *act = ua_st_meta(st, "act"), *sel = ua_st_meta(st, "select");
    ua_status r = UA_OK;
    if (!kn || ua_kernel_type_parse(kn, &s->type)) r = UA_ERR(UA_EFORMAT, "kernel model: metadata 'kernel' is missing or unknown");
    if (!r && (!act || (strcmp(act, "relu") && strcmp(act, "erf")))) r = UA_ERR(UA_EFORMAT, "kernel model: metadata 'act' must be relu or erf");
    if (!r) s->act = act[0] == 'e' ? UA_KACT_ERF : UA_KACT_RELU;
    const char *keys[] = {"gamma", "length_scale", "nu", "degree", "coef0", "order", "depth", "sw", "sb", "lambda", "n_train"};
    for (size_t i = 0; !r && i < 11; i++) r = ua_st_meta_number(st, "kernel model", keys[i], 0, &v[i]);
    if (!r) r = ua_st_meta_number(st, "kernel model", "loo_rmse", 1, &m->loo_rmse);
    if (!r) {
        s->gamma = v[0];
        s->length_scale = v[1];
        s->nu = v[2];
        if (fabs(v[3]) > 1e6 || fabs(v[5]) > 1e6 || fabs(v[6]) > 1e6 || v[10] < 0 || v[10] > 1e15)
            r = UA_ERR(UA_EFORMAT, "kernel model: degree, order, depth or n_train out of range");
    }
    if (!r) { /* converted only once in range: (int)2e29 is undefined */
        s->degree = (int)v[3];
        s->coef0 = v[4];
        s->order = (int)v[5];
        s->depth = (int)v[6];
        s->sw = v[7];
        s->sb = v[8];
        m->lambda = v[9];
        m->n_train = (size_t)v[10];
    }
    if (!r && ua_kspec_check(s)) r = UA_ERR(UA_EFORMAT, "kernel model: %s", ua_last_error());
    if (!r && ua_st_meta(st, "frozen_readout")) r = get_flag(st, "frozen_readout", &s->frozen_readout);
    if (!r) r = get_flag(st, "standardize", &m->standardize);
    if (!r) r = get_flag(st, "classify", &m->classify);
    if (!r) r = get_flag(st, "nystrom", &m->nystrom);
    for (int i = 0; !r && i < 2; i++) { /* optional: what the selection used */
        const char *key = i ? "select_rows_scale" : "select_rows";
        double rows = 0;
        if (ua_st_meta(st, key)) r = ua_st_meta_number(st, "kernel model", key, 0, &rows);
        if (!r && (rows < 0 || rows > 1e15))
            r = UA_ERR(UA_EFORMAT, "kernel model: metadata '%s' out of range", key);
        if (!r) *(i ? &m->select_rows_scale : &m->select_rows_lambda) = (size_t)rows;
    }
    for (int i = 0; !r && i < 2; i++) {
        const char *t = ua_st_meta(st, i ? "note" : "select_warning");
        char *dst = i ? m->note : m->select_warning;
        if (t) snprintf(dst, i ? sizeof m->note : sizeof m->select_warning, "%s", t);
    }
    if (!r && ua_st_meta(st, "solve")) snprintf(m->solve, sizeof m->solve, "%s", ua_st_meta(st, "solve"));
    m->select = UA_SELECT_NONE;
    for (int i = 0; sel && i < 3; i++)
        if (!strcmp(sel, select_names[i])) m->select = (ua_kernel_select)i;
    const double *pts = NULL, *w = NULL, *cl = NULL;
    size_t mm = 0, d = 0, k = 0, zero = 0;
    if (!r) r = ua_st_get_f64(st, "kernel model", "points", 2, &mm, &d, &pts);
    if (!r) r = ua_st_get_f64(st, "kernel model", "weights", 2, &mm, &k, &w);
    if (!r) {
        m->m = mm;
        m->d = d;
        m->k = k;
        m->pts = malloc(mm * d * sizeof *m->pts);
        m->w = malloc(mm * k * sizeof *m->w);
        if (!m->pts || !m->w) r = UA_ENOMEM_ERR(mm * d * sizeof(double));
        else {
            memcpy(m->pts, pts, mm * d * sizeof *pts);
            memcpy(m->w, w, mm * k * sizeof *w);
        }
    }
    if (!r && m->standardize) r = ua_scaler_load(st, "x_", d, &m->xs);
    if (!r && m->standardize && !m->classify) r = ua_scaler_load(st, "y_", k, &m->ys);
    if (!r && m->classify) {
        size_t nc = k;
        r = ua_st_get_f64(st, "kernel model", "classes", 1, &nc, &zero, &cl);
        if (!r && k < 2) r = UA_ERR(UA_EFORMAT, "kernel model: a classifier needs >= 2 classes");
        for (size_t j = 1; !r && j < k; j++)
            if (!(cl[j - 1] < cl[j])) r = UA_ERR(UA_EFORMAT, "kernel model: classes must increase");
        if (!r && !(m->classes = malloc(k * sizeof *m->classes))) r = UA_ENOMEM_ERR(k * sizeof(double));
        if (!r) memcpy(m->classes, cl, k * sizeof *cl);
    }
    if (!r && !(lo == -INFINITY && hi == INFINITY) && d != 1)
        r = UA_ERR(UA_EFORMAT, "kernel model: a model of %zu inputs has no interval domain", d);
    if (r) {
        ua_kernel_free(m);
        return r;
    }
    *state = m;
    return UA_OK;
}

static ua_status k_describe(const void *state, cJSON *obj)
{
    const ua_kernel *m = state;
    const ua_kernel_spec *s = &m->spec;
    int ok = cJSON_AddStringToObject(obj, "kernel", ua_kernel_type_name(s->type)) != NULL;
    switch (s->type) {
    case UA_KERNEL_RBF:
    case UA_KERNEL_LAPLACIAN: ok = ok && cJSON_AddNumberToObject(obj, "gamma", s->gamma); break;
    case UA_KERNEL_MATERN:
        ok = ok && cJSON_AddNumberToObject(obj, "length_scale", s->length_scale);
        ok = ok && cJSON_AddNumberToObject(obj, "nu", s->nu);
        break;
    case UA_KERNEL_POLYNOMIAL:
        ok = ok && cJSON_AddNumberToObject(obj, "gamma", s->gamma);
        ok = ok && cJSON_AddNumberToObject(obj, "degree", s->degree);
        ok = ok && cJSON_AddNumberToObject(obj, "coef0", s->coef0);
        break;
    case UA_KERNEL_ARCCOS: ok = ok && cJSON_AddNumberToObject(obj, "order", s->order); break;
    default:
        ok = ok && cJSON_AddNumberToObject(obj, "depth", s->depth);
        ok = ok && cJSON_AddStringToObject(obj, "act", s->act == UA_KACT_ERF ? "erf" : "relu");
        ok = ok && cJSON_AddNumberToObject(obj, "sw", s->sw);
        ok = ok && cJSON_AddNumberToObject(obj, "sb", s->sb);
        if (s->type == UA_KERNEL_NTK && s->frozen_readout) ok = ok && cJSON_AddBoolToObject(obj, "frozen_readout", 1);
    }
    ok = ok && cJSON_AddNumberToObject(obj, "lambda", m->lambda);
    if (isfinite(m->loo_rmse))
        ok = ok && cJSON_AddNumberToObject(obj, m->select == UA_SELECT_KFOLD ? "kfold_rmse" : "loo_rmse", m->loo_rmse);
    if (isfinite(m->loo_rmse) && m->select_rows_lambda) { /* the rows that error is over */
        char on[160];
        if (m->select_rows_lambda >= m->n_train && m->select_rows_scale >= m->n_train)
            snprintf(on, sizeof on, "all %zu rows", m->n_train);
        else if (m->select_rows_lambda == m->select_rows_scale)
            snprintf(on, sizeof on, "%zu of %zu rows (a random subset: the error is the subset's)",
                     m->select_rows_lambda, m->n_train);
        else
            snprintf(on, sizeof on, "scale on %zu, lambda and the error on %s%zu of %zu rows",
                     m->select_rows_scale, m->select_rows_lambda >= m->n_train ? "all " : "",
                     m->select_rows_lambda, m->n_train);
        ok = ok && cJSON_AddStringToObject(obj, "selected_on", on);
    }
    if (m->select_warning[0]) ok = ok && cJSON_AddStringToObject(obj, "select_warning", m->select_warning);
    if (m->note[0]) ok = ok && cJSON_AddStringToObject(obj, "note", m->note);
    if (m->solve[0]) ok = ok && cJSON_AddStringToObject(obj, "solve", m->solve);
    ok = ok && cJSON_AddNumberToObject(obj, "inputs", (double)m->d);
    ok = ok && cJSON_AddNumberToObject(obj, "outputs", m->classify ? 1.0 : (double)m->k);
    if (m->classify) ok = ok && cJSON_AddNumberToObject(obj, "classes", (double)m->k);
    ok = ok && cJSON_AddNumberToObject(obj, "n_train", (double)m->n_train);
    ok = ok && cJSON_AddNumberToObject(obj, m->nystrom ? "landmarks" : "stored_points", (double)m->m);
    ok = ok && cJSON_AddBoolToObject(obj, "standardize", m->standardize);
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

const ua_family ua_family_kernel = {
    .name = "kernel",
    .summary = "kernel ridge regression (rbf, laplacian, Matern, polynomial, arc-cosine, NNGP, "
               "NTK), exact or Nystrom",
    .doc = "docs/kernel.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA) | UA_ACCEPTS(UA_PROBLEM_FUNCTION) |
               UA_ACCEPTS(UA_PROBLEM_SAMPLES),
    .min_dim = 1,
    .max_dim = 0,
    .options = ua_kernel_option_spec,
    .noptions = UA_KERNEL_NOPTIONS,
    .fit = ua_kernel_family_fit,
    .free = k_free,
    .predict = k_predict,
    .save = k_save,
    .load = k_load,
    .export_c = ua_kernel_export_c,
    .describe = k_describe,
    .dims = k_dims,
    .bounds = &ua_kernel_bounds,
    .predict_std = k_predict_std,
    .influence = ua_kernel_influence,
};
