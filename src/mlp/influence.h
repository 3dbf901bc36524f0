/*
 * src/mlp/influence.h — the mlp influence computation with its method made explicit (not
 * installed): the vtable's hooks (src/model/family.h) are ua_mlp_influence (auto, switching from
 * the exact inverse to EK-FAC beyond min(n, P) = 5000) and ua_mlp_influence_method (a method by
 * name); tests reach each method and the switch on a small network through ua_mlp_influence_run.
 */
#ifndef UA_MLP_INFLUENCE_H
#define UA_MLP_INFLUENCE_H

#include <stddef.h>
#include "uniapprox/status.h"

typedef enum {
    UA_MLP_INFL_AUTO = 0,   /* exact when min(n, P) <= exact_max and it fits in memory, else EK-FAC */
    UA_MLP_INFL_GN = 1,     /* the exact damped Gauss-Newton inverse (Cholesky) */
    UA_MLP_INFL_EKFAC = 2,  /* eigenvalue-corrected K-FAC (Grosse et al. 2023) */
    UA_MLP_INFL_DIAG = 3,   /* the diagonal of the Gauss-Newton matrix */
} ua_mlp_infl_method;

/* As the vtable's influence hook (src/mlp/influence.c), by method; exact_max applies to AUTO.
 * *used (may be NULL) receives a static description of the method used. Errors: those of the
 * hook; UA_ENOMEM where GN (or EK-FAC's factors) would need more than a quarter of the memory. */
ua_status ua_mlp_influence_run(const void *state, const double *X, const double *y, size_t n,
                               size_t d, const double *x, ua_mlp_infl_method method,
                               size_t exact_max, double *infl, int *exact, const char **used);

/* AUTO with the switch at exact_max (0: always EK-FAC). */
ua_status ua_mlp_influence_limit(const void *state, const double *X, const double *y, size_t n,
                                 size_t d, const double *x, double *infl, int *exact,
                                 size_t exact_max);

#endif /* UA_MLP_INFLUENCE_H */
