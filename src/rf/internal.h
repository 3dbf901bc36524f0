/* src/rf/internal.h — the random-feature model (not installed). */
#ifndef UA_RF_INTERNAL_H
#define UA_RF_INTERNAL_H

#include <stdio.h>
#include "uniapprox/data.h"
#include "uniapprox/model.h"
#include "uniapprox/rf.h"

struct ua_rf {
    size_t d, k, m, n_train;
    ua_rf_dist dist;
    ua_rf_act act;
    double scale, bandwidth, gamma, lambda, select_rmse;
    int gcv, standardize, fitted;
    double *A;      /* (m, d) */
    double *b;      /* (m,) */
    double *c;      /* (m, k) */
    double out_scale; /* sqrt(2/m) for fourier, else 1 */
    ua_scaler xs, ys;
};

ua_status ua_rf_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

#endif
