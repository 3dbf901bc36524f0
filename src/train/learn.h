/*
 * src/train/learn.h — what the learners of samples (the kernel and rf families) share when
 * they are handed a ua_problem (not installed): the training table, drawn from a formula or a
 * function or taken from a table's rows, and the errors they measure on their own rows (train and
 * test RMSE or error rate, in the target's units) recorded on the model's metadata.
 * Part of the training layer below the families: it depends on core, problem and model only.
 */
#ifndef UA_TRAIN_LEARN_H
#define UA_TRAIN_LEARN_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/model.h"
#include "uniapprox/problem.h"

/* A learner's training table: x (n, d), y (n, k) row-major. */
typedef struct {
    const double *x, *y;
    size_t n, d, k;
    int drawn;         /* 1: points drawn from a FORMULA / FUNCTION problem (owned below) */
    double *own_x, *own_y;
} ua_learn_data;

/*
 * The training table of problem p for learner who ("kernel fit"): a FORMULA or FUNCTION problem
 * gives `samples` points drawn by ua_problem_sample(p, samples, seed) (quasi-random in its box),
 * k = 1; a SAMPLES problem its training rows (borrowed from p), where samples_given (the option
 * "samples" was set) is refused: a table's rows are the training set.
 * Errors: UA_EINVAL (another kind, samples < 2, --samples with a table), ua_problem_sample's
 * (UA_EDOMAIN: the target is NaN or infinite at a point), UA_ENOMEM. *t is zeroed on failure.
 */
ua_status ua_learn_data_get(const ua_problem *p, const char *who, size_t samples,
                            int samples_given, uint64_t seed, ua_learn_data *t);
void ua_learn_data_free(ua_learn_data *t);

/* A fitted learner's predict: y (n, dout) at x (n, d). */
typedef ua_status (*ua_learn_predict_fn)(const void *state, const double *x, size_t n, double *y);

/*
 * The error of state's predictions at x (n, d) against y (n, k): the RMSE over all n k values, or
 * with classify (k == 1, the prediction a label) the fraction of rows whose label differs.
 * Errors: predict's, UA_ENOMEM.
 */
ua_status ua_learn_error(const void *state, ua_learn_predict_fn predict, const double *x,
                         const double *y, size_t n, size_t k, int classify, double *err);

/*
 * Records on meta the error on the training table t ("train_rmse", or with classify
 * "train_error_rate") and, when p is a SAMPLES problem with test rows, on those ("test_rmse" /
 * "test_error_rate"), in the target's units, written to 17 digits. The values also go to
 * *train_err and *test_err when not NULL (NaN when there are no test rows).
 * Errors: ua_learn_error's, UA_ENOMEM.
 */
ua_status ua_learn_record_errors(ua_model *meta, const ua_problem *p, const ua_learn_data *t,
                                 const void *state, ua_learn_predict_fn predict, int classify,
                                 double *train_err, double *test_err);

/* meta[key] = v to 17 digits ("nan" / "inf" spelled out). */
ua_status ua_learn_set_number(ua_model *meta, const char *key, double v);

#endif /* UA_TRAIN_LEARN_H */
