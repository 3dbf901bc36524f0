/*
 * Thresholdout, the reusable holdout (uniapprox/holdout.h; Dwork et al., Science 2015, figure 1's
 * algorithm): a training estimate unless the holdout disagrees by more than a noisy threshold.
 */
#include <math.h>
#include <stdlib.h>

#include "uniapprox/holdout.h"
#include "core/internal.h"

struct ua_thresholdout {
    double T, sigma, t_hat;
    size_t budget, queries, spent;
    ua_rng rng;
};

/* Laplace(0, b) by inversion: -b sign(u) ln(1 - 2|u|), u uniform on (-1/2, 1/2) */
static double laplace(ua_rng *r, double b)
{
    double u = ua_rng_uniform(r) - 0.5;
    double a = 1.0 - 2.0 * fabs(u);
    if (a <= 0) a = 0x1p-53;
    return (u < 0 ? b : -b) * log(a);
}

ua_status ua_thresholdout_new(double T, double sigma, size_t budget, uint64_t seed,
                              ua_thresholdout **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_thresholdout_new: out is NULL");
    *out = NULL;
    if (!(T >= 0) || !isfinite(T) || !(sigma > 0) || !isfinite(sigma) || !budget)
        return UA_ERR(UA_EINVAL, "thresholdout: need threshold >= 0, sigma > 0 and a budget >= 1 "
                      "(got %g, %g, %zu)", T, sigma, budget);
    ua_thresholdout *t = calloc(1, sizeof *t);
    if (!t) return UA_ENOMEM_ERR(sizeof *t);
    t->T = T;
    t->sigma = sigma;
    t->budget = budget;
    ua_rng_seed(&t->rng, seed);
    t->t_hat = T + laplace(&t->rng, 2 * sigma);
    *out = t;
    return UA_OK;
}

void ua_thresholdout_free(ua_thresholdout *t) { free(t); }

ua_status ua_thresholdout_query(ua_thresholdout *t, double train_value, double holdout_value,
                                double *answer, int *used_holdout)
{
    if (!t || !answer) return UA_ERR(UA_EINVAL, "ua_thresholdout_query: NULL argument");
    if (used_holdout) *used_holdout = 0;
    if (!isfinite(train_value) || !isfinite(holdout_value))
        return UA_ERR(UA_EINVAL, "thresholdout: a query's values must be finite (%g, %g)",
                      train_value, holdout_value);
    if (t->spent >= t->budget)
        return UA_ERR(UA_EDOMAIN, "the holdout's budget of %zu overfitting answers is spent "
                      "(after %zu queries)", t->budget, t->queries);
    t->queries++;
    if (fabs(holdout_value - train_value) > t->t_hat + laplace(&t->rng, 4 * t->sigma)) {
        t->spent++;
        t->t_hat = t->T + laplace(&t->rng, 2 * t->sigma);
        *answer = holdout_value + laplace(&t->rng, t->sigma);
        if (used_holdout) *used_holdout = 1;
    } else *answer = train_value;
    return UA_OK;
}

void ua_thresholdout_counts(const ua_thresholdout *t, size_t *queries, size_t *spent)
{
    if (queries) *queries = t ? t->queries : 0;
    if (spent) *spent = t ? t->spent : 0;
}
