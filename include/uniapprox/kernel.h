/*
 * uniapprox/kernel.h — kernel ridge regression (KRR), including the NNGP and NTK kernels of fully
 * connected networks (the infinite-width views of a neural network), exact or Nyström-approximated.
 *
 * Fit: given inputs x (n, d) and targets y (n, k), row-major, KRR finds weights
 *     alpha = (K + lambda I)^-1 y,   K_ij = k(x_i, x_j)                                (n, k)
 * and predicts f(x) = sum_i k(x, x_i) alpha_i. For n >= 256 the solve is in mixed precision: K +
 * lambda I rounded to float32 and factored (spftrf, in LAPACK's rectangular full packed format:
 * 2 n (n + 1) bytes, the only n x n array)
 * preconditions conjugate gradients in double against K formed again block by block, run until
 * the recomputed residual's normwise backward error is at the level of the double solve's (below
 * 2^-56, or below 2^-53 and no longer halving; Higham & Pranesh 2021 for the low-precision
 * preconditioner); where that fails (float32 out of range, spftrf failing, 30 products without
 * convergence) and for n < 256, a Cholesky factorisation of K + lambda I in double (LAPACK dpotrf
 * on the lower triangle, in place: 8 n^2 bytes). Inputs (and, for regression,
 * targets) are standardised on the training rows unless `standardize` is 0 (then the fit is
 * exactly scikit-learn's KernelRidge: same kernel formulas, same parameter names, no intercept).
 *
 * Hyperparameters — lambda, the kernel's scale (gamma, or the Matérn length scale) and the depth
 * of NNGP/NTK — that are left at 0 are chosen over a grid by the exact leave-one-out error, which
 * for KRR is closed form (Rifkin & Lippert 2007): with H = (K + lambda I)^-1, the LOO residual of
 * row i is e_i = alpha_i / H_ii. One eigendecomposition K = Q diag(s) Q^T per kernel serves every
 * lambda: alpha = Q diag(1/(s+lambda)) Q^T y, H_ii = sum_j Q_ij^2 / (s_j + lambda). Or by k-fold.
 * Grids: lambda 1e-8 .. 1e2 by decades; gamma 2^e / d and the Matérn length 2^e sqrt(d), e in
 * steps of 2, then the two values a factor 2 either side of the best; depth 1..5. A best value on
 * an end of its grid extends it (lambda by decades to 1e-12 .. 1e6, as far as K + lambda I stays
 * well conditioned; gamma to 2^-16 .. 2^12 / d; the length to 2^-8 .. 2^10 sqrt(d)); one still on
 * an end is reported (ua_kernel_info.select_warning). The scale is chosen on at most select_max
 * rows, lambda again on up to select_lambda_max rows (the whole data where affordable): the
 * info says how many (src/kernel/select.c).
 *
 * Kernels (r = |x - y|, r1 = |x - y|_1; sources in docs/kernel.md):
 *   rbf          exp(-gamma r^2)                                   (scikit-learn's "rbf")
 *   laplacian    exp(-gamma r1)                                    (scikit-learn's "laplacian")
 *   matern       nu = 1/2: exp(-r/l); 3/2: (1 + s) exp(-s), s = sqrt(3) r / l;
 *                5/2: (1 + s + s^2/3) exp(-s), s = sqrt(5) r / l                (Rasmussen & Williams 4.2)
 *   polynomial   (gamma x.y + coef0)^degree                         (scikit-learn's "polynomial")
 *   arccos       order n = 0, 1, 2: (1/pi) |x|^n |y|^n J_n(theta)   (Cho & Saul 2009)
 *   nngp, ntk    of Dense, act, ..., act, Dense with `depth` hidden layers, act relu or erf,
 *                weight / bias standard deviations sw, sb in the NTK parametrisation
 *                (Lee et al. 2018; Jacot et al. 2018; the recursion in docs/kernel.md)
 * Squared distances are formed as |x|^2 + |y|^2 - 2 x.y by BLAS after centring the data, and
 * recomputed directly as sum (x - y)^2 where that form loses more than 6 bits to cancellation.
 *
 * Large n: before allocating the n x n matrix the fit checks it fits: with max_memory given, a
 * matrix above it fails with UA_EINVAL and a message suggesting Nyström (`nystrom = M`) or the rf
 * family; by default (max_memory 0) a matrix above half of the physical memory switches the fit to
 * Nyström (M = 2000 landmarks, fewer if they do not fit) and says so in ua_kernel_info.note. Nyström (Williams & Seeger 2001) uses M landmarks L drawn from the rows:
 * features phi(x) = k(x, L) W^{+1/2} with W = K(L, L) (pseudo-inverse square root: duplicated
 * landmarks stay finite), then ridge on the features; LOO is again closed form.
 *
 * Through the engine (uniapprox/model.h: ua_fit(problem, "kernel", options)): formula and
 * function problems in any dimension (sampled at the option "samples" Sobol points, default 2000)
 * and tables; the options (names, defaults, ranges, sources) are listed in docs/kernel.md.
 *
 * Thread-safety: a fitted model is immutable; predict may run on several threads.
 */
#ifndef UNIAPPROX_KERNEL_H
#define UNIAPPROX_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"
#include "uniapprox/data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kernel types. Append only. */
typedef enum {
    UA_KERNEL_RBF = 0,
    UA_KERNEL_LAPLACIAN = 1,
    UA_KERNEL_MATERN = 2,
    UA_KERNEL_POLYNOMIAL = 3,
    UA_KERNEL_ARCCOS = 4,
    UA_KERNEL_NNGP = 5,
    UA_KERNEL_NTK = 6
} ua_kernel_type;

/* Activations of the NNGP / NTK networks. Append only. */
typedef enum { UA_KACT_RELU = 0, UA_KACT_ERF = 1 } ua_kernel_act;

/* A kernel and its parameters. Fields a kernel does not use are ignored. */
typedef struct {
    ua_kernel_type type;
    double gamma;        /* rbf, laplacian, polynomial; 0 = choose (rbf, laplacian) or 1/d */
    double length_scale; /* matern l (in standardised input units); 0 = choose */
    double nu;           /* matern: 0.5, 1.5 or 2.5 (default 1.5) */
    int degree;          /* polynomial (default 3) */
    double coef0;        /* polynomial (default 1) */
    int order;           /* arccos: 0, 1 or 2 (default 1) */
    int depth;           /* nngp / ntk: hidden layers >= 1; 0 = choose 1..5 */
    ua_kernel_act act;   /* nngp / ntk (default relu) */
    double sw, sb;       /* nngp / ntk weight and bias standard deviations (default 1.5, 0.1) */
    int frozen_readout;  /* ntk: 1 = the readout layer is not trained, so its own term (the final
                            Sigma) is left out of Theta: the NTK of the hidden layers only, as in
                            the seed's permutation result (two-layer ReLU, sb = 0) */
} ua_kernel_spec;

/* How unset hyperparameters are chosen. Append only. */
typedef enum { UA_SELECT_LOO = 0, UA_SELECT_KFOLD = 1, UA_SELECT_NONE = 2 } ua_kernel_select;

typedef struct {
    ua_kernel_spec kernel;
    double lambda;          /* ridge (scikit-learn's alpha); 0 = choose over lambda_grid */
    ua_kernel_select select;/* LOO (default), k-fold, or none (unset values take defaults:
                               lambda 1, gamma 1/d, length scale sqrt(d), depth 2) */
    size_t folds;           /* k of k-fold (default 5) */
    const double *lambda_grid; size_t n_lambda; /* NULL: 1e-8, 1e-7, ..., 1e1 and 1e2 */
    size_t select_max;      /* hyperparameters are chosen on at most this many rows (a random
                               subset, default 1000); the final fit uses all */
    int standardize;        /* 1 (default): standardise x, and y for regression; 0: raw columns */
    int classify;           /* 1: y (n, 1) holds class labels; one-hot fit, predict the argmax */
    size_t nystrom;         /* 0: exact KRR; M > 0: Nyström with M landmarks */
    double max_memory;      /* bytes the n x n matrix may take; 0: 80% of physical memory */
    uint64_t seed;          /* subsets and landmarks (default 1) */
    size_t select_lambda_max; /* LOO with lambda free: lambda is chosen again, at the chosen
                               scale, on min(n, this) rows (0, the default: as many as one
                               eigendecomposition affords, at most 4000 and 16 m^2 bytes within
                               half the memory); the reported LOO error is on those rows */
} ua_kernel_options;

/* A fitted kernel model (opaque). */
typedef struct ua_kernel ua_kernel;

/* Fills *spec / *opt with the defaults above (rbf, LOO, standardised). */
void ua_kernel_spec_default(ua_kernel_spec *spec);
void ua_kernel_options_default(ua_kernel_options *opt);

/* Parses a kernel name ("rbf", "laplacian", "matern", "polynomial" (or "poly"), "arccos",
 * "nngp", "ntk") into *type. Errors: UA_EINVAL. */
ua_status ua_kernel_type_parse(const char *name, ua_kernel_type *type);
/* The name of a kernel type ("rbf", ...), or "?" */
const char *ua_kernel_type_name(ua_kernel_type type);

/*
 * The kernel matrix k(a_i, b_j), out (na, nb) row-major, for a (na, d) and b (nb, d) taken as
 * they are (no standardisation). Parameters must be set (no 0 = choose: gamma, length scale and
 * depth must be > 0). Errors: UA_EINVAL (bad parameters, NULL arrays), UA_ENOMEM.
 * O(na nb d) (+ O(na nb depth) for nngp / ntk). Thread-safe.
 */
ua_status ua_kernel_matrix(const ua_kernel_spec *spec, const double *a, size_t na,
                           const double *b, size_t nb, size_t d, double *out);

/*
 * Fits KRR to x (n, d) and y (n, k), n >= 2 (k = 1 with classify: integer labels, |y| < 2^20;
 * nystrom M <= n).
 * opt NULL: defaults. Copies what it keeps (the standardised training inputs, or the landmarks).
 * Errors: UA_EINVAL (NULL arrays, n or d zero, non-finite values, bad options: the message names
 * them; also when the n x n matrix would exceed max_memory — the message suggests --nystrom M
 * or the rf family — refused before allocating, as rf and mlp refuse theirs), UA_ENOMEM, UA_ENOTRESOLVED never; a matrix that is not positive definite
 * after adding lambda (lambda too small for the kernel) is UA_EDOMAIN with the lambda named;
 * UA_EDIVERGED when the data overflow double (a kernel matrix or the weights not finite; checked
 * before LAPACK is called).
 * Complexity: exact, O(n^2 d + n^3 / 3) and 8 n^2 bytes; selection adds one eigendecomposition
 * (about 9 m^3 flops, m = min(n, select_max)) per scale value; Nyström O(n M^2 + M^3).
 * Free with ua_kernel_free.
 */
ua_status ua_kernel_fit(const double *x, const double *y, size_t n, size_t d, size_t k,
                        const ua_kernel_options *opt, ua_kernel **out);

/* Releases a model. NULL is a no-op. */
void ua_kernel_free(ua_kernel *m);

/*
 * The Gaussian-process predictive standard deviation at x (n, d), sd (n, k) in target units:
 * KRR read as the GP with prior covariance s^2 k and noise variance s^2 lambda (Rasmussen &
 * Williams 2006, 2.2), s^2 = y^T (K + lambda I)^-1 y / n per output column (the marginal
 * likelihood's maximiser at the fitted lambda, computed in standardised units when the fit
 * standardised), so sd^2 = s^2 (k(x, x) - k_x^T (K + lambda I)^-1 k_x + lambda): the variance of
 * a new observation (the noise included). NNGP / NTK kernels give the network's infinite-width
 * posterior. Exact models of regression only: UA_EUNSUPPORTED for classifiers and Nyström;
 * UA_EINVAL when the n x n matrix would need more than half of the memory. O(m^3 / 3 + n m^2)
 * for m stored points (the factor is formed per call). src/kernel/variance.c.
 */
ua_status ua_kernel_predict_std(const ua_kernel *m, const double *x, size_t n, double *sd);

/*
 * Predictions at x (n, d) in the original units: y (n, dout) with dout = k for regression and 1
 * for classification (the label of the largest score). Errors: UA_EINVAL (NULL with n > 0),
 * UA_EDOMAIN (an input not finite: "x row R, column C is NaN: the input is not finite", 1-based;
 * or a prediction not finite because the kernel overflows double at a huge input, its row named
 * 1-based), UA_ENOMEM. O(n m d) for m stored points (training rows or landmarks). Thread-safe.
 */
ua_status ua_kernel_predict(const ua_kernel *m, const double *x, size_t n, double *y);

/* Dimensions and chosen hyperparameters. *spec gets the kernel with every chosen value filled
 * in; loo_rmse is the selection error of the chosen hyperparameters (the leave-one-out or k-fold
 * RMSE over the selection rows and all k outputs, **in the target's own units**: each output
 * column's residuals are multiplied by that column's scale when the fit standardised y, so it is
 * comparable with the RMSE of the predictions; for classification the RMSE of the one-hot
 * scores; NaN when nothing was chosen). The hyperparameters are still chosen on the standardised
 * error (every output weighs the same). Models saved before this change stored the standardised
 * value under the same metadata key. m_points the stored points (n, or M for Nyström). */
typedef struct {
    size_t d, k, dout, m_points, n_train, n_classes;
    ua_kernel_spec spec;
    double lambda;
    double loo_rmse;
    int standardize, classify, nystrom;
    ua_kernel_select select;
    size_t select_rows_scale;   /* rows the scale (gamma, length scale, depth) was chosen on */
    size_t select_rows_lambda;  /* rows lambda was chosen on, and loo_rmse measured on (n_train:
                                   all; 0: nothing was chosen) */
    const char *select_warning; /* "" or: a chosen value on the end of its extended grid (the
                                   optimum may lie beyond), and/or how many rows repeat another
                                   row's inputs (held out while their copy stays in, they bias
                                   the selection toward interpolation); borrowed from the model */
    const char *note;           /* "" or: why the fit is not the one asked (exact KRR switched to
                                   Nyström for memory); borrowed from the model */
} ua_kernel_info;
void ua_kernel_get_info(const ua_kernel *m, ua_kernel_info *info);

/*
 * The closed-form leave-one-out residuals of KRR with kernel matrix kmat (n, n) (symmetric; only
 * read) and targets y (n, k): res (n, k) = alpha_i / H_ii, H = (kmat + lambda I)^-1 (Rifkin &
 * Lippert 2007). Exposed for testing against brute force. Errors: UA_EINVAL, UA_ENOMEM,
 * UA_EDOMAIN (not positive definite). O(n^3).
 */
ua_status ua_kernel_loo_residuals(const double *kmat, const double *y, size_t n, size_t k,
                                  double lambda, double *res);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_KERNEL_H */
