/* src/rf/internal.h — the random-feature model (not installed). */
#ifndef UA_RF_INTERNAL_H
#define UA_RF_INTERNAL_H

#include <stdio.h>
#include "uniapprox/data.h"
#include "uniapprox/model.h"
#include "uniapprox/rf.h"

#define UA_RF_PI 3.14159265358979323846

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

/* v[j] := s cos(v[j] - b[j]) for j < n, vectorised (src/rf/cos.c); absolute error < 2.5e-16 */
void ua_rf_cos_row(double *v, const double *b, double s, size_t n);

/* phi (n, m) := out_scale act(z A^T - b) for z (n, d) already standardised (fit.c) */
ua_status ua_rf_features_std(const ua_rf *m, const double *z, size_t n, double *phi);

/* c (m, k) := the ridge output weights at a fixed lambda > 0 for standardised z (n, d), y (n, k),
 * by a float32 Gram matrix preconditioning conjugate gradients in double (solve.c) */
ua_status ua_rf_solve_fixed(const ua_rf *m, const double *z, const double *y, size_t n, double lambda,
                            double *c);

/* The same in double precision (features and Gram matrix) in a job of several MPI ranks
 * (dist.c): each rank's rows' H^T H and H^T y, one rank-ordered allreduce, one Cholesky on every
 * rank; collective. ua_rf_solve_fixed's fallback there, as its single-process solve_double. */
ua_status ua_rf_solve_fixed_dist(const ua_rf *m, const double *z, const double *y, size_t n,
                                 double lambda, double *c);

/* UA_EINVAL when a fit of n rows (d inputs, k outputs) with m features needs more than
 * max_memory bytes (0: 80% of the physical memory); the estimate is ua_rf_fit's (uniapprox/rf.h).
 * The message names the sizes and what would help: drawn != 0 (rows drawn from a formula or a
 * function) fewer --features or --samples; drawn == 0 (the user's rows, where --samples does
 * nothing) fewer --features or --out-of-core. Allocates nothing. (fit.c) */
ua_status ua_rf_check_memory(size_t n, size_t d, size_t k, size_t m, int fixed_lambda,
                             double max_memory, int drawn);

/* The normal equations of the output layer over the blocks blocks[0 .. nb) of src (in that order),
 * target column ycol, standardised by the model's scalers when m->standardize: G (m, m) :=
 * Phi^T Phi (full, symmetric), b (m,) := Phi^T y, *yy := y^T y, *rows := the rows read; work
 * (block_rows * d + 1024 (d + m + 1)) doubles, the caller's (fit_blocks.c). */
struct ua_blocks;
ua_status ua_rf_normal_blocks(const ua_rf *m, struct ua_blocks *src, size_t ycol, const size_t *blocks,
                              size_t nb, double *work, double *G, double *b, double *yy,
                              size_t *rows);

/* UA_EDOMAIN, "rf predict: the prediction for row <row> is not finite: ...": ua_rf_predict's
 * error for a non-finite prediction, row the first such row (0-based) of the caller's table,
 * printed 1-based (fit.c) */
ua_status ua_rf_nonfinite_error(size_t row);

ua_status ua_rf_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

/* The option table and the vtable fit (options.c): formula, function and samples problems. */
#define UA_RF_NOPTIONS 13
extern const ua_option_spec ua_rf_option_spec[UA_RF_NOPTIONS];
ua_status ua_rf_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                           ua_model *meta, void **state);
/* The vtable's fit_blocks (options.c; the fit itself: fit_blocks.c). */
ua_status ua_rf_family_fit_blocks(struct ua_blocks *src, size_t ycol, const ua_options *o,
                                  ua_model *meta, void **state);

#endif
