/*
 * k-fold cross-validation of any family (uniapprox/metrics.h): a layer above the families. The
 * rows are shuffled by a seeded generator into K folds; the family is refitted K times through
 * ua_fit on the other folds' rows (a new SAMPLES problem each time) and measured on its fold by
 * ua_model_metrics. Mean and sample standard deviation over the folds, as scikit-learn's
 * cross_validate reports them (Stone 1974; Hastie, Tibshirani & Friedman, ESL 7.10), and the
 * metrics of the pooled out-of-fold predictions (cross_val_predict, then the metric): the only
 * R² there is when a fold holds one row (leave-one-out), where a fold's R² is undefined.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/metrics.h"
#include "core/internal.h"

static void mean_sd(const double *v, size_t K, double *mean, double *sd)
{
    double s = 0, q = 0;
    for (size_t i = 0; i < K; i++) s += v[i];
    *mean = s / (double)K;
    for (size_t i = 0; i < K; i++) q += (v[i] - *mean) * (v[i] - *mean);
    *sd = K > 1 ? sqrt(q / (double)(K - 1)) : NAN;
}

/* Fold f's model m predicts its nv held-out rows xv into their places of oof (n, k) (oof row j
 * is data row perm[j], the rows of fold f being j = f, f + K, ...) and is measured on them. A
 * non-finite prediction (a 1-D model asked outside its interval: cheb and spline do not
 * extrapolate) is refused with the row named, 1-based as in the data. */
static ua_status fold_metrics(const ua_model *m, const double *x, const size_t *perm, size_t n,
                              size_t K, size_t f, const double *xv, const double *yv, size_t nv,
                              double *oof, int *cls, ua_metrics *out)
{
    size_t d = 0, k = 0;
    ua_model_dims(m, &d, &k);
    double *pred = malloc(nv * k * sizeof *pred);
    if (!pred) return UA_ENOMEM_ERR(nv * k * sizeof *pred);
    ua_status st = ua_model_predict(m, xv, nv, pred);
    size_t bad = st ? nv * k : ua_first_nonfinite(pred, nv * k);
    if (!st && bad < nv * k) {
        size_t i = perm[f + (bad / k) * K];
        double a = NAN, b = NAN;
        if (d == 1) ua_model_domain(m, &a, &b);
        if (d == 1 && isfinite(a) && (x[i] < a || x[i] > b))
            st = UA_ERR(UA_EDOMAIN, "cross-validation, fold %zu of %zu: row %zu (x = %.17g) lies "
                        "outside [%.17g, %.17g], the interval of the model fitted on the other "
                        "folds' rows, and a %s model is not defined outside its interval; choose "
                        "a family that extrapolates, or check the model on rows inside its "
                        "interval (--test-data)", f + 1, K, i + 1, x[i], a, b, ua_model_family(m));
        else
            st = UA_ERR(UA_EDOMAIN, "cross-validation, fold %zu of %zu: the prediction at row %zu "
                        "is not finite", f + 1, K, i + 1);
    }
    *cls = ua_model_is_classifier(m);
    if (!st) st = *cls ? ua_metrics_classification(yv, pred, nv, NULL, NULL, 0, out)
                       : ua_metrics_regression(yv, pred, nv, k, out);
    if (!st && nv < 2 && !*cls) out->r2 = NAN; /* scikit-learn: R² is not defined for one row */
    for (size_t r = 0; !st && r < nv; r++)
        memcpy(oof + (f + r * K) * k, pred + r * k, k * sizeof *pred);
    free(pred);
    (void)n;
    return st;
}

ua_status ua_cross_validate(const ua_problem *p, const char *family, const ua_options *o,
                            size_t K, uint64_t seed, ua_cv_result *out, ua_metrics *per_fold)
{
    if (!p || !family || !out) return UA_ERR(UA_EINVAL, "ua_cross_validate: NULL argument");
    memset(out, 0, sizeof *out);
    if (ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES)
        return UA_ERR(UA_EINVAL, "cross-validation takes a table of samples (--data), not a %s "
                      "problem", ua_problem_kind_name(ua_problem_kind_of(p)));
    const double *x, *y;
    size_t n;
    ua_problem_train(p, &x, &y, &n);
    size_t d = ua_problem_dim(p), k = ua_problem_outputs(p);
    if (K < 2 || K > n)
        return UA_ERR(UA_EINVAL, "--cv K needs 2 <= K <= the %zu training rows, got %zu", n, K);
    size_t *perm = malloc(n * sizeof *perm);
    double *xt = malloc(n * d * sizeof *xt), *yt = malloc(n * k * sizeof *yt);
    double *xv = malloc(n * d * sizeof *xv), *yv = malloc(n * k * sizeof *yv);
    ua_metrics *fm = calloc(K, sizeof *fm);
    double *v = malloc(K * sizeof *v), *oof = malloc(n * k * sizeof *oof), *ys = malloc(n * k * sizeof *ys);
    int cls = 0;
    ua_status st = UA_OK;
    if (!perm || !xt || !yt || !xv || !yv || !fm || !v || !oof || !ys) st = UA_ENOMEM_ERR(2 * n * (d + k) * sizeof(double));
    ua_rng r;
    ua_rng_seed(&r, seed);
    if (!st) st = ua_rng_subset(&r, n, n, perm);
    for (size_t f = 0; !st && f < K; f++) {
        size_t nt = 0, nv = 0;
        for (size_t j = 0; j < n; j++) {
            size_t i = perm[j];
            int val = j % K == f;
            memcpy((val ? xv + nv * d : xt + nt * d), x + i * d, d * sizeof *x);
            memcpy((val ? yv + nv * k : yt + nt * k), y + i * k, k * sizeof *y);
            if (val) nv++;
            else nt++;
        }
        ua_problem *q = NULL;
        ua_model *m = NULL;
        st = ua_problem_samples(xt, yt, nt, d, k, &q);
        if (!st) {
            st = ua_fit(q, family, o, NULL, &m);
            if (st == UA_ENOTRESOLVED) st = UA_OK; /* a model all the same: measured below */
            if (st) st = UA_ERR(st, "cross-validation, fold %zu of %zu: %s", f + 1, K, ua_last_error());
        }
        if (!st) st = fold_metrics(m, x, perm, n, K, f, xv, yv, nv, oof, &cls, &fm[f]);
        ua_model_free(m);
        ua_problem_free(q);
    }
    if (!st) {
        out->folds = K;
        out->mean = fm[0];
        out->sd = fm[0];
        out->mean.n = out->sd.n = n;
#define AGG(field)                                                                                 \
    do {                                                                                           \
        for (size_t f = 0; f < K; f++) v[f] = fm[f].field;                                         \
        mean_sd(v, K, &out->mean.field, &out->sd.field);                                           \
    } while (0)
        AGG(rmse);
        AGG(mae);
        AGG(r2);
        AGG(accuracy);
        AGG(log_loss);
#undef AGG
        if (per_fold) memcpy(per_fold, fm, K * sizeof *fm);
        /* the pooled out-of-fold predictions against the targets in the same (shuffled) order */
        for (size_t j = 0; j < n; j++) memcpy(ys + j * k, y + perm[j] * k, k * sizeof *y);
        st = cls ? ua_metrics_classification(ys, oof, n, NULL, NULL, 0, &out->pooled)
                 : ua_metrics_regression(ys, oof, n, k, &out->pooled);
    }
    free(perm);
    free(xt);
    free(yt);
    free(xv);
    free(yv);
    free(fm);
    free(v);
    free(oof);
    free(ys);
    return st;
}
