/* The training table of a learner of samples and the errors it measures on its own rows
 * (src/train/learn.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "learn.h"

ua_status ua_learn_data_get(const ua_problem *p, const char *who, size_t samples,
                            int samples_given, uint64_t seed, ua_learn_data *t)
{
    memset(t, 0, sizeof *t);
    if (!p) return UA_ERR(UA_EINVAL, "%s: the problem is NULL", who);
    ua_problem_kind kind = ua_problem_kind_of(p);
    if (kind == UA_PROBLEM_SAMPLES) {
        if (samples_given)
            return UA_ERR(UA_EINVAL, "%s: --samples is for formula and function problems (a "
                          "table's rows are the training set)", who);
        ua_problem_train(p, &t->x, &t->y, &t->n);
        t->d = ua_problem_dim(p);
        t->k = ua_problem_outputs(p);
        return UA_OK;
    }
    if (kind != UA_PROBLEM_FORMULA && kind != UA_PROBLEM_FUNCTION)
        return UA_ERR(UA_EINVAL, "%s: takes formula, function or samples problems, not %s", who,
                      ua_problem_kind_name(kind));
    if (samples < 2) return UA_ERR(UA_EINVAL, "%s: --samples must be >= 2, got %zu", who, samples);
    size_t d = ua_problem_dim(p);
    t->own_x = ua_calloc(samples, d * sizeof *t->own_x);
    t->own_y = ua_calloc(samples, sizeof *t->own_y);
    if (!t->own_x || !t->own_y) {
        ua_learn_data_free(t);
        return UA_ENOMEM_ERR(samples * (d + 1) * sizeof(double));
    }
    ua_status s = ua_problem_sample(p, samples, seed, t->own_x, t->own_y);
    if (s) {
        ua_learn_data_free(t);
        return s;
    }
    t->x = t->own_x;
    t->y = t->own_y;
    t->n = samples;
    t->d = d;
    t->k = 1;
    t->drawn = 1;
    return UA_OK;
}

void ua_learn_data_free(ua_learn_data *t)
{
    if (!t) return;
    free(t->own_x);
    free(t->own_y);
    memset(t, 0, sizeof *t);
}

ua_status ua_learn_error(const void *state, ua_learn_predict_fn predict, const double *x,
                         const double *y, size_t n, size_t k, int classify, double *err)
{
    *err = NAN;
    size_t N = n * k;
    double *pred = ua_calloc(N ? N : 1, sizeof *pred);
    if (!pred) return UA_ENOMEM_ERR(N * sizeof *pred);
    ua_status s = predict(state, x, n, pred);
    if (!s && N) {
        double acc = 0;
        for (size_t i = 0; i < N; i++) {
            double e = pred[i] - y[i];
            acc += classify ? (double)(pred[i] != y[i]) : e * e;
        }
        *err = classify ? acc / (double)N : sqrt(acc / (double)N);
    }
    free(pred);
    return s;
}

ua_status ua_learn_set_number(ua_model *meta, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(meta, key, ua_fmt_double(buf, v));
}

ua_status ua_learn_record_errors(ua_model *meta, const ua_problem *p, const ua_learn_data *t,
                                 const void *state, ua_learn_predict_fn predict, int classify,
                                 double *train_err, double *test_err)
{
    const char *what = classify ? "error_rate" : "rmse";
    char key[32];
    double tr = NAN, te = NAN;
    ua_status s = ua_learn_error(state, predict, t->x, t->y, t->n, t->k, classify, &tr);
    if (!s) {
        snprintf(key, sizeof key, "train_%s", what);
        s = ua_learn_set_number(meta, key, tr);
    }
    const double *tx = NULL, *ty = NULL;
    size_t tn = 0;
    if (!s && ua_problem_kind_of(p) == UA_PROBLEM_SAMPLES) ua_problem_test(p, &tx, &ty, &tn);
    if (!s && tn) {
        s = ua_learn_error(state, predict, tx, ty, tn, t->k, classify, &te);
        if (!s) {
            snprintf(key, sizeof key, "test_%s", what);
            s = ua_learn_set_number(meta, key, te);
        }
    }
    if (train_err) *train_err = tr;
    if (test_err) *test_err = te;
    return s;
}
