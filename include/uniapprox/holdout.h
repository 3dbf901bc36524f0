/*
 * uniapprox/holdout.h — the reusable holdout (Thresholdout; Dwork, Feldman, Hardt, Pitassi,
 * Reingold & Roth, "The reusable holdout: Preserving validity in adaptive data analysis",
 * Science 349, 2015; and "Preserving Statistical Validity in Adaptive Data Analysis", STOC 2015).
 *
 * Comparing many candidates on one holdout set and keeping the best overfits the holdout: the
 * chosen candidate's holdout error is biased low. Thresholdout answers each query (an average
 * over the rows, such as a candidate's error) with the training set's value unless it differs
 * from the holdout's by more than a noisy threshold; only then does it answer the holdout's
 * value plus Laplace noise, and each such answer spends one unit of a budget:
 *     T^ = T + Lap(2 sigma)                               (at the start and after each overfit)
 *     for each query: if |a_holdout - a_train| > T^ + Lap(4 sigma):
 *         answer a_holdout + Lap(sigma), budget -= 1, T^ = T + Lap(2 sigma)
 *     else answer a_train.
 * Answers stay within about T + a few sigma of the true expectation for a number of queries
 * exponential in n sigma^2 while the budget lasts (the paper's theorem 25). The paper's values:
 * T = 0.04, sigma = 0.01 for n = 10,000 rows (scale both as 1/sqrt(n)).
 */
#ifndef UNIAPPROX_HOLDOUT_H
#define UNIAPPROX_HOLDOUT_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ua_thresholdout ua_thresholdout;

/* A Thresholdout mechanism with threshold T >= 0, noise scale sigma > 0 and budget B >= 1
 * overfitting answers; noise drawn from a generator seeded by seed (reproducible). Errors:
 * UA_EINVAL (bad parameters), UA_ENOMEM. Free with ua_thresholdout_free. */
ua_status ua_thresholdout_new(double T, double sigma, size_t budget, uint64_t seed,
                              ua_thresholdout **out);
void ua_thresholdout_free(ua_thresholdout *t);

/* Answers one query whose value is train_value on the training rows and holdout_value on the
 * holdout rows (finite). *answer gets the mechanism's answer; *used_holdout (may be NULL) 1 when
 * it answered from the holdout. Errors: UA_EINVAL (non-finite values), UA_EDOMAIN when the
 * budget is spent ("the holdout's budget of B overfitting answers is spent"). */
ua_status ua_thresholdout_query(ua_thresholdout *t, double train_value, double holdout_value,
                                double *answer, int *used_holdout);

/* Queries answered so far, and those answered from the holdout (the budget spent). */
void ua_thresholdout_counts(const ua_thresholdout *t, size_t *queries, size_t *spent);

/*
 * Honest family selection for a SAMPLES problem (fit --family auto --compare): the training rows
 * are split by seed into a training part (70%) and a holdout (30%). Each candidate (a family and
 * a few settings: kernel rbf / matern / laplacian, rf, mlp) is scored on the training part by
 * 3-fold cross-validation (its training estimate) and, fitted on the whole training part, on the
 * holdout; the two go to Thresholdout as one query on the normalised error RMSE / sd(y) (error
 * rate for classifiers), with T = 2 / sqrt(n_holdout) and sigma = 0.5 / sqrt(n_holdout) and a
 * budget of one holdout answer per candidate. The candidate with the least answer is chosen; its
 * answer (in target units) is the estimate of its test error. Candidates that fail to fit are
 * skipped (counted). Errors: UA_EINVAL (not SAMPLES, fewer than 20 rows), UA_EDOMAIN (no
 * candidate could be fitted), UA_ENOMEM.
 */
typedef struct {
    char family[32];
    char settings[96];       /* "kernel=matern", "" for the defaults */
    double estimate;         /* Thresholdout's answer for the chosen candidate, target units */
    int classify;            /* estimate is an error rate */
    size_t candidates, failed, queries, spent, n_train, n_holdout;
} ua_holdout_choice;

struct ua_problem;
ua_status ua_choose_by_holdout(const struct ua_problem *p, int classify, uint64_t seed,
                               ua_holdout_choice *out);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_HOLDOUT_H */
