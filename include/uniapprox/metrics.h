/*
 * uniapprox/metrics.h — the learner's measurements on held-out rows: RMSE, MAE and R² of a
 * regressor, accuracy (and log-loss from class probabilities) of a classifier; k-fold
 * cross-validation of any family through ua_fit; and the thread count every family obeys.
 *
 * Definitions (scikit-learn's sklearn.metrics, multioutput="uniform_average", which
 * tests/gen/metrics_ref.py evaluates for the fixtures of tests/test_metrics.c):
 *   rmse = sqrt(mean over all n k values of (pred - y)^2)    (root_mean_squared_error for k = 1;
 *          for k > 1 sqrt(mean_squared_error), the square root of the mean over the columns)
 *   mae  = mean over all n k values of |pred - y|            (mean_absolute_error)
 *   r2   = mean over the k columns of 1 - SS_res / SS_tot    (r2_score; a constant column gives 1
 *          when predicted exactly, else 0, as scikit-learn's force_finite)
 *   accuracy = fraction of rows whose predicted label equals the label   (accuracy_score)
 *   log_loss = -mean_i log p_i(y_i), p clipped to [eps, 1 - eps], eps = 2^-52 (log_loss)
 */
#ifndef UNIAPPROX_METRICS_H
#define UNIAPPROX_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"
#include "uniapprox/options.h"
#include "uniapprox/problem.h"
#include "uniapprox/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Measurements on n rows. classify: accuracy is set and rmse, mae, r2 are NaN; otherwise the
 * reverse. log_loss NaN unless class probabilities were given. */
typedef struct {
    size_t n;
    int classify;
    double rmse, mae, r2;
    double accuracy, log_loss;
} ua_metrics;

/* Regression metrics of pred against y, both (n, k) row-major in the target's units. Errors:
 * UA_EINVAL (NULL with n > 0, n or k zero, a non-finite value). O(n k). */
ua_status ua_metrics_regression(const double *y, const double *pred, size_t n, size_t k,
                                ua_metrics *out);

/* Accuracy of predicted labels pred (n,) against labels y (n,), and, when proba (n, c) is not
 * NULL, the log-loss of the class probabilities for the increasing class labels classes (c,)
 * (a label not among them: UA_EINVAL). Errors: UA_EINVAL. O(n c). */
ua_status ua_metrics_classification(const double *y, const double *pred, size_t n,
                                    const double *proba, const double *classes, size_t c,
                                    ua_metrics *out);

/* 1 when model m predicts class labels (its fit recorded an error rate or a training accuracy,
 * or its metadata says "classify" = "1" or "task" = "classify"). */
int ua_model_is_classifier(const ua_model *m);

/* The metrics of model m on x (n, d), y (n, k): predicts (ua_model_predict) and measures as a
 * regressor or a classifier (ua_model_is_classifier); a classifier with class probabilities
 * (ua_model_predict_proba) also gets its log-loss, unless a label of y is not one of its classes
 * (log_loss NaN then: scikit-learn's log_loss needs every label among the classes). Errors:
 * those of predict, UA_EINVAL, UA_ENOMEM. */
ua_status ua_model_metrics(const ua_model *m, const double *x, const double *y, size_t n,
                           ua_metrics *out);

/* k-fold cross-validation (a layer above the families): the training rows of the SAMPLES problem
 * p are shuffled by seed into K folds (sizes differ by at most one); family (not "auto") is
 * fitted K times through ua_fit with options o on the other folds and measured on its fold.
 * mean and sd (sample standard deviation, K - 1 in the denominator) of each metric over the
 * folds; per_fold (K,), when not NULL, gets each fold's; pooled the metrics of all out-of-fold
 * predictions together. Errors: UA_EINVAL (not SAMPLES, K < 2 or K > n), a fold's fit error (the
 * message names the fold), UA_EDOMAIN (a fold's model predicts a non-finite value at one of its
 * held-out rows: the message names the row, 1-based in the data, its inputs and, for a 1-D model,
 * the interval the fold's model is defined on), UA_ENOMEM. Costs K fits. */
typedef struct {
    size_t folds;
    ua_metrics mean, sd;
    /* the metrics of the pooled out-of-fold predictions (every row predicted by the model that
     * did not see it), as scikit-learn's cross_val_predict followed by r2_score etc.: defined
     * for K = n too, where a fold's R² (one row) is not */
    ua_metrics pooled;
} ua_cv_result;
ua_status ua_cross_validate(const ua_problem *p, const char *family, const ua_options *o,
                            size_t K, uint64_t seed, ua_cv_result *out, ua_metrics *per_fold);

/* Predictive standard deviations sd (n, dout) at x (n, din), in target units, where the model's
 * family has them (the kernel family's Gaussian-process variance: uniapprox/kernel.h,
 * ua_kernel_predict_std); a prediction interval of level 1 - a is y +- z_{1-a/2} sd under the
 * Gaussian predictive. Errors: UA_EUNSUPPORTED (the family or this model has none: the message
 * says which), UA_EINVAL, UA_ENOMEM. src/model/predict_std.c. */
ua_status ua_model_predict_std(const ua_model *m, const double *x, size_t n, double *sd);

/* Class probabilities of a classifier model: *nclasses = C and, when p is not NULL, p (n, C) at
 * x (n, din), column c the probability of label c (the labels are the integers 0 .. C-1), rows
 * summing to 1 — scikit-learn's predict_proba. Families that have them: mlp (softmax; a deep
 * ensemble's mean). Errors: UA_EUNSUPPORTED (the family or this model has none, e.g. a regressor
 * or the kernel family's one-vs-rest classifier: the message says which), UA_EINVAL (NULL
 * arguments, a non-finite input), UA_ENOMEM. src/model/metrics.c. */
ua_status ua_model_predict_proba(const ua_model *m, const double *x, size_t n, double *p,
                                 size_t *nclasses);

/* Sets the threads of every parallel part (OpenMP regions and OpenBLAS) for this process:
 * n >= 1. Families without a threads option of their own obey it; returns the previous OpenMP
 * maximum. */
int ua_set_threads(int n);

/* Allows (on != 0) or forbids (0, the default) uniapprox to stop the thread pool of OpenBLAS's
 * pthreads build around its long parallel parts (a fit's feature and Gram matrix passes, its
 * conjugate-gradient solve, a training run), and stops it now when allowed. That pool's idle
 * threads keep spinning for about 0.1 s after the library loads and after each multi-threaded
 * BLAS call, on the cores the fit's OpenMP threads need: on 2 cores a random-feature fit of
 * 2,000 rows took 0.12 s instead of 0.05 s. Stopped, the pool's threads exit; OpenBLAS starts
 * them again at its next multi-threaded call (its own fork handler stops it the same way).
 * Allow it only when one thread of the process at a time calls uniapprox and no other thread
 * calls BLAS while uniapprox runs (uniapprox's own calls on two threads count): a pool stopped
 * under another thread's multi-threaded call can leave that call, or the uniapprox call itself,
 * waiting forever (a new user's test hung 3 runs of 3 with a thread looping dgemm beside rf and
 * kernel fits, and 1 of 6 with fits on two threads; with the default, none). The command-line
 * tool allows it (its only threads are its own). Without effect in OpenBLAS's
 * OpenMP build, which has no pool, and when the BLAS linked has no such pool. Returns the
 * previous setting. src/core/blas_threads.c. */
int ua_set_blas_pool_stop(int on);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_METRICS_H */
