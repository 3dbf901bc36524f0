/*
 * uniapprox/rf.h — random-feature networks: a one-hidden-layer network whose hidden weights are
 * frozen at random and whose output layer is fitted by ridge least squares (closed form).
 *
 *     h(x) = act(A z - b),   z the standardised x,   f(x) = c^T h(x)        A (m, d), b (m,), c (m, k)
 *
 * Hidden weights (Rahimi & Recht 2007, 2008; the bandlimited networks of the seed):
 *   gaussian  A_ij ~ N(0, scale^2 / d), b_i ~ N(0, scale^2)   (a.z has standard deviation scale)
 *   uniform   A_ij ~ U[-B, B], b_i ~ U[-2 B sqrt(d), 2 B sqrt(d)] — weights in a bounded box of
 *             half-width B = bandwidth: every hidden unit has frequency at most B sqrt(d), so the
 *             network is bandlimited and has an error floor on targets of higher frequency
 *   fourier   random Fourier features of the RBF kernel exp(-gamma |x - y|^2):
 *             A_ij ~ N(0, 2 gamma), b_i ~ U[0, 2 pi), h(x) = sqrt(2/m) cos(A z - b), so that
 *             E[h(x).h(y)] = exp(-gamma |z_x - z_y|^2) (the same gamma convention as the rbf kernel)
 * Activations: relu, tanh, sigmoid, cos (fourier always uses cos).
 * Output layer: c = (H^T H + lambda I)^-1 H^T y by one eigendecomposition of H^T H, which also
 * gives the exact LOO (e_i = r_i / (1 - h_ii)) or GCV error of every lambda of a grid (Golub,
 * Heath & Wahba 1979). With a fixed lambda: a float32 H^T H and Cholesky factor refined in double
 * to the double-precision solution for the features rounded to float32 (LAPACK's dsposv method),
 * or, when lambda is too small for that, one Cholesky in double (docs/rf.md). Targets are
 * standardised (their mean removed), so no separate intercept.
 * Complexity: O(n m d + n m^2 + m^3) time, O(n m + m^2) memory (for a fixed lambda n m floats and an
 * m x m float32 matrix per thread, the extra ones at most 256 MiB in all).
 * Through the engine (uniapprox/model.h: ua_fit(problem, "rf", options)): formula and function
 * problems in any dimension (sampled at the option "samples" Sobol points, default 10000) and
 * tables; the options (names, defaults, ranges, sources) are listed in docs/rf.md.
 * Thread-safety: a fitted model is immutable; predict may run on several threads.
 */
#ifndef UNIAPPROX_RF_H
#define UNIAPPROX_RF_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Weight distributions and activations. Append only. */
typedef enum { UA_RF_GAUSSIAN = 0, UA_RF_UNIFORM = 1, UA_RF_FOURIER = 2 } ua_rf_dist;
typedef enum { UA_RF_RELU = 0, UA_RF_TANH = 1, UA_RF_SIGMOID = 2, UA_RF_COS = 3 } ua_rf_act;

typedef struct {
    size_t features;       /* hidden units m (default 500) */
    ua_rf_dist dist;       /* default gaussian */
    ua_rf_act act;         /* default relu (ignored by fourier: cos) */
    double scale;          /* gaussian: std of a.z (default 1) */
    double bandwidth;      /* uniform: half-width B of the weight box (default 1) */
    double gamma;          /* fourier: the RBF gamma (default 1/d) */
    double lambda;         /* ridge; 0 = choose over the grid (default) */
    int gcv;               /* 0: choose lambda by LOO (default), 1: by GCV */
    const double *lambda_grid; size_t n_lambda; /* NULL: 1e-8 .. 1e2 by decades */
    int standardize;       /* 1 (default): standardise x and y on the training rows */
    uint64_t seed;         /* default 1 */
    double max_memory;     /* bytes the fit's large arrays may take; 0 (default): 80% of the
                              physical memory (see ua_rf_fit) */
} ua_rf_options;

/* A fitted random-feature network. Immutable after ua_rf_fit; predict is thread-safe. */
typedef struct ua_rf ua_rf;

/* Fills *opt with the defaults listed in ua_rf_options. */
void ua_rf_options_default(ua_rf_options *opt);

/* Parses "gaussian" | "uniform" | "fourier" and "relu" | "tanh" | "sigmoid" | "cos". UA_EINVAL. */
ua_status ua_rf_dist_parse(const char *name, ua_rf_dist *dist);
ua_status ua_rf_act_parse(const char *name, ua_rf_act *act);
const char *ua_rf_dist_name(ua_rf_dist dist);
const char *ua_rf_act_name(ua_rf_act act);

/*
 * Draws the hidden layer for inputs of dimension d (no output weights: predict gives 0 until
 * fitted); for studying the features themselves (ua_rf_features). Without standardisation data
 * the inputs are used as they are. Errors: UA_EINVAL, UA_ENOMEM. Free with ua_rf_free.
 */
ua_status ua_rf_draw(const ua_rf_options *opt, size_t d, ua_rf **out);

/*
 * Fits to x (n, d), y (n, k), n >= 2. opt NULL: defaults. Before allocating anything the fit
 * estimates the bytes of its large arrays (lambda chosen over a grid: the n x m features and
 * their n x m projections, the m x m Gram matrix and its eigendecomposition's workspace, 16 n m +
 * 24 m^2; a fixed lambda: 8 n m + 8 m^2, the double-precision fallback's) plus 8 n (d + k) for
 * the standardised copies, and refuses with UA_EINVAL, naming the sizes and --features /
 * --samples, when that exceeds opt->max_memory (0: 80% of the physical memory).
 * Errors: UA_EINVAL (NULL arrays, zero sizes, n < 2, non-finite values, bad options, too much
 * memory), UA_ENOMEM, UA_EDOMAIN (the eigendecomposition
 * failed), UA_EDIVERGED (the data overflow double: features, Phi^T Phi or the weights not finite).
 */
ua_status ua_rf_fit(const double *x, const double *y, size_t n, size_t d, size_t k,
                    const ua_rf_options *opt, ua_rf **out);

/* Releases a network. ua_rf_free(NULL) is a no-op. */
void ua_rf_free(ua_rf *m);

/* Predictions y (n, k) at x (n, d) in original units. Errors: UA_EINVAL, UA_EDOMAIN (an input
 * not finite: "x row R, column C is NaN: the input is not finite", 1-based; or a prediction not
 * finite because the features overflow double at a huge input, its row named 1-based),
 * UA_ENOMEM. */
ua_status ua_rf_predict(const ua_rf *m, const double *x, size_t n, double *y);

/* The hidden features phi (n, m) of x (n, d) (standardised first when the model is). */
ua_status ua_rf_features(const ua_rf *m, const double *x, size_t n, double *phi);

/*
 * Out-of-core fit (docs/data.md, "Out-of-core data") of a table too large for memory, read in
 * blocks from src (uniapprox/blocks.h): the inputs are every column but ycol, the target column
 * ycol (k = 1). One pass over the blocks in file order accumulates, in double, the normal
 * equations of the output layer G = Phi^T Phi (m, m) and Phi^T y (m,) of the training blocks
 * (and the same of the validation blocks), features computed 1024 rows at a time; standardisation
 * uses the source's streaming statistics over all rows (ua_blocks_scaler). A fixed opt->lambda > 0
 * is solved by Cholesky (LAPACK dposv) in double; otherwise lambda is chosen over the grid from
 * one eigendecomposition of G: on the validation blocks (val_frac of the blocks held out whole,
 * ua_blocks_split with opt->seed; the validation squared error of every lambda from G_val,
 * Phi_val^T y_val and y_val^T y_val in closed form), or by GCV on the training blocks when
 * val_frac is 0 (opt->gcv is implied; LOO needs every row's leverage and is not offered).
 * The model's select_rmse is that validation (or GCV) RMSE in the target's units.
 * Memory: one block (rows x d doubles), 1024 x m features, and O(m^2) for G (three m x m arrays
 * with validation blocks), independent of the number of rows.
 * Compared with ua_rf_fit on the same rows: the same hidden layer (same seed), the normal
 * equations equal to rounding (about 1e-13 relative); ua_rf_fit's fixed-lambda solve works on
 * features rounded to float32, so the weights agree to about 1e-6 relative, not bitwise.
 * Errors: UA_EINVAL (NULL arguments, ycol >= columns, fewer than 2 columns or 2 training rows,
 * bad options, a bad split), UA_EFORMAT / UA_EIO (from reading the blocks), UA_EDOMAIN (the
 * eigendecomposition or the Cholesky factorisation failed), UA_EDIVERGED (non-finite weights),
 * UA_ENOMEM. *out is NULL on failure.
 */
struct ua_blocks; /* uniapprox/blocks.h */
ua_status ua_rf_fit_blocks(struct ua_blocks *src, size_t ycol, double val_frac, const ua_rf_options *opt,
                           ua_rf **out);

typedef struct {
    size_t d, k, features, n_train;
    ua_rf_dist dist;
    ua_rf_act act;
    double scale, bandwidth, gamma, lambda;
    double select_rmse;   /* LOO or GCV RMSE of the chosen lambda, in the target's units, or NaN */
    int gcv, standardize;
} ua_rf_info;
void ua_rf_get_info(const ua_rf *m, ua_rf_info *info);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_RF_H */
