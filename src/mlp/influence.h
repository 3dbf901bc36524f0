/*
 * src/mlp/influence.h — the mlp influence computation with its switch to the diagonal
 * approximation made explicit (not installed; the vtable's hook uses 5000), so that a test can
 * reach the diagonal path on a small network.
 */
#ifndef UA_MLP_INFLUENCE_H
#define UA_MLP_INFLUENCE_H

#include <stddef.h>
#include "uniapprox/status.h"

/* As the vtable's influence hook (src/model/family.h, src/mlp/influence.c), with the exact damped
 * Gauss-Newton inverse used only when min(n, P) <= exact_max (0: always the diagonal). */
ua_status ua_mlp_influence_limit(const void *state, const double *X, const double *y, size_t n,
                                 size_t d, const double *x, double *infl, int *exact,
                                 size_t exact_max);

#endif /* UA_MLP_INFLUENCE_H */
