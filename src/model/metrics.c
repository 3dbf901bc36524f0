/*
 * The learner's metrics (uniapprox/metrics.h): RMSE, MAE, R² of a regressor; accuracy and
 * log-loss of a classifier, with scikit-learn's definitions (sklearn.metrics), so that the
 * numbers a user compares with scikit-learn's are the same numbers. Rows in messages are 1-based
 * (row 1 is the first data row, line 2 of a CSV file with a header), as the data readers say.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/metrics.h"
#include "core/internal.h"
#include "model/family.h"

static void nan_all(ua_metrics *o, size_t n, int classify)
{
    memset(o, 0, sizeof *o);
    o->n = n;
    o->classify = classify;
    o->rmse = o->mae = o->r2 = o->accuracy = o->log_loss = NAN;
}

ua_status ua_metrics_regression(const double *y, const double *pred, size_t n, size_t k,
                                ua_metrics *out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_metrics_regression: out is NULL");
    nan_all(out, n, 0);
    if (!n || !k || !y || !pred)
        return UA_ERR(UA_EINVAL, "metrics: need n, k > 0 and both arrays (n = %zu, k = %zu)", n, k);
    for (size_t i = 0; i < n * k; i++)
        if (!isfinite(y[i]) || !isfinite(pred[i]))
            return UA_ERR(UA_EINVAL, "metrics: row %zu, output %zu is not finite (%s)", i / k + 1,
                          i % k + 1, isfinite(y[i]) ? "prediction" : "target");
    double se = 0, ae = 0, r2 = 0;
    for (size_t t = 0; t < k; t++) {
        double mean = 0, ss_tot = 0, ss_res = 0;
        for (size_t i = 0; i < n; i++) mean += y[i * k + t];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double e = pred[i * k + t] - y[i * k + t], c = y[i * k + t] - mean;
            ss_res += e * e;
            ss_tot += c * c;
            ae += fabs(e);
        }
        se += ss_res;
        /* scikit-learn's force_finite: a constant column scores 1 when fitted exactly, else 0 */
        r2 += ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
    }
    out->rmse = sqrt(se / (double)(n * k));
    out->mae = ae / (double)(n * k);
    out->r2 = r2 / (double)k;
    return UA_OK;
}

ua_status ua_metrics_classification(const double *y, const double *pred, size_t n,
                                    const double *proba, const double *classes, size_t c,
                                    ua_metrics *out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_metrics_classification: out is NULL");
    nan_all(out, n, 1);
    if (!n || !y || !pred) return UA_ERR(UA_EINVAL, "metrics: need n > 0 and both arrays");
    size_t right = 0;
    for (size_t i = 0; i < n; i++) right += y[i] == pred[i];
    out->accuracy = (double)right / (double)n;
    if (!proba) return UA_OK;
    if (!classes || c < 2) return UA_ERR(UA_EINVAL, "metrics: log-loss needs >= 2 classes");
    const double eps = 0x1p-52;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < c && classes[j] != y[i]) j++;
        if (j == c) return UA_ERR(UA_EINVAL, "metrics: label %g of row %zu is not a class of the "
                                  "model", y[i], i + 1);
        /* scikit-learn clips each probability to [eps, 1 - eps] and renormalises the row */
        double row = 0, pj = 0;
        for (size_t q = 0; q < c; q++) {
            double p = proba[i * c + q];
            if (!isfinite(p)) return UA_ERR(UA_EINVAL, "metrics: probability of row %zu is not finite", i + 1);
            p = p < eps ? eps : p > 1 - eps ? 1 - eps : p;
            row += p;
            if (q == j) pj = p;
        }
        sum -= log(pj / row);
    }
    out->log_loss = sum / (double)n;
    return UA_OK;
}

int ua_model_is_classifier(const ua_model *m)
{
    const char *c = ua_model_meta(m, "classify"), *t = ua_model_meta(m, "task");
    return ua_model_meta(m, "train_error_rate") != NULL ||
           ua_model_meta(m, "train_accuracy") != NULL || (c && !strcmp(c, "1")) ||
           (t && !strcmp(t, "classify"));
}

ua_status ua_model_predict_proba(const ua_model *m, const double *x, size_t n, double *p,
                                 size_t *nclasses)
{
    if (!m || !nclasses) return UA_ERR(UA_EINVAL, "ua_model_predict_proba: NULL argument");
    *nclasses = 0;
    const ua_family *f = ua_model_family_vtable(m);
    if (!f || !f->predict_proba)
        return UA_ERR(UA_EUNSUPPORTED, "the %s family has no class probabilities%s (mlp "
                      "classifiers have: --task classify)", ua_model_family(m),
                      ua_model_is_classifier(m) ? " (its classifier predicts labels only)" : "");
    size_t din = 1, dout = 1;
    ua_model_dims(m, &din, &dout);
    if (p && n) {
        if (!x) return UA_ERR(UA_EINVAL, "ua_model_predict_proba: x is NULL with n = %zu", n);
        size_t bad = ua_first_nonfinite(x, n * din);
        if (bad < n * din)
            return UA_ERR(UA_EINVAL, "class probabilities: row %zu has a non-finite input",
                          bad / din + 1);
    }
    return f->predict_proba(ua_model_state(m), x, p ? n : 0, p, nclasses);
}

/* The log-loss of a classifier with class probabilities on x (n, d), labels y (n,), into out
 * (accuracy already set); left NaN when the model has no probabilities or a label of y is not
 * one of its classes 0 .. C-1 (scikit-learn refuses to score those). */
static ua_status add_log_loss(const ua_model *m, const double *x, const double *y, size_t n,
                              const double *pred, ua_metrics *out)
{
    size_t C = 0;
    const ua_family *f = ua_model_family_vtable(m);
    if (!f || !f->predict_proba || f->predict_proba(ua_model_state(m), NULL, 0, NULL, &C)) {
        ua_clear_error();
        return UA_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (!(y[i] >= 0 && y[i] < (double)C && y[i] == floor(y[i]))) return UA_OK;
    double *p = malloc(n * C * sizeof *p), *cls = malloc(C * sizeof *cls);
    ua_status s = p && cls ? UA_OK : UA_ENOMEM_ERR(n * (C + 1) * sizeof *p);
    if (!s) s = f->predict_proba(ua_model_state(m), x, n, p, &C);
    for (size_t c = 0; !s && c < C; c++) cls[c] = (double)c;
    ua_metrics full;
    if (!s) s = ua_metrics_classification(y, pred, n, p, cls, C, &full);
    if (!s) out->log_loss = full.log_loss;
    free(p);
    free(cls);
    return s;
}

ua_status ua_model_metrics(const ua_model *m, const double *x, const double *y, size_t n,
                           ua_metrics *out)
{
    if (!m || !out) return UA_ERR(UA_EINVAL, "ua_model_metrics: NULL argument");
    size_t din = 0, dout = 0;
    ua_model_dims(m, &din, &dout);
    int cls = ua_model_is_classifier(m);
    nan_all(out, n, cls);
    if (!n || !x || !y) return UA_ERR(UA_EINVAL, "ua_model_metrics: no rows");
    double *pred = malloc(n * dout * sizeof *pred);
    if (!pred) return UA_ENOMEM_ERR(n * dout * sizeof *pred);
    ua_status s = ua_model_predict(m, x, n, pred);
    if (!s) s = cls ? ua_metrics_classification(y, pred, n, NULL, NULL, 0, out)
                    : ua_metrics_regression(y, pred, n, dout, out);
    if (!s && cls) s = add_log_loss(m, x, y, n, pred, out);
    free(pred);
    return s;
}
