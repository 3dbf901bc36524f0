/*
 * src/train/ridge.h — ridge least squares on features, shared by the kernel family (Nyström
 * features) and the rf family (random features) (not installed): the closed-form training of
 * the learners, part of the training layer below the families; it depends on core only.
 */
#ifndef UA_TRAIN_RIDGE_H
#define UA_TRAIN_RIDGE_H

#include <stddef.h>
#include "uniapprox/status.h"

/* Ridge on features: phi (n, m), y (n, k) row-major. With nl > 0 lambdas, chooses the one of least
 * LOO (crit 0) or GCV (crit 1) error (returned in *lambda, the error in *err as an RMSE, the
 * per-lambda errors in errs (nl,) when not NULL); with nl == 0 uses *lambda. w (m, k) := the
 * weights. O(n m^2 + m^3). Errors: UA_EINVAL (lambda <= 0), UA_EDOMAIN (not positive definite,
 * eigendecomposition failed, a selection dominated by rounding), UA_EDIVERGED (not finite),
 * UA_ENOMEM. */
ua_status ua_ridge_features(const double *phi, const double *y, size_t n, size_t m, size_t k,
                            const double *lambdas, size_t nl, int crit, double *lambda,
                            double *err, double *errs, double *w);
/* ua_ridge_features with column scales: the lambda is still chosen on the error of y as given,
 * and *err_t (when not NULL, with nl > 0) gets the chosen lambda's error with column t's
 * residuals multiplied by cw[t] (cw (k,); NULL: unit scales, *err_t = *err). */
ua_status ua_ridge_features_w(const double *phi, const double *y, size_t n, size_t m, size_t k,
                              const double *cw, const double *lambdas, size_t nl, int crit,
                              double *lambda, double *err, double *err_t, double *errs, double *w);

/* UA_EDIVERGED "<who>: the ridge solve is not finite: the data overflow double (<what>, entry
 * i, is inf) ..." when one of the n values of a is not finite (checked
 * before handing a matrix to LAPACK, and on its results), else UA_OK. lower: a is (n, n) and only
 * its lower triangle (row-major) is read. */
ua_status ua_ridge_check_finite(const char *who, const char *what, const double *a, size_t n,
                                int lower);
#define UA_RIDGE_LEAD "the ridge solve is not finite: "

/* z (k, m) := sc (F^T F)^-1 r, about A^-1 r, for F (m, m) the float32 Cholesky factor (spotrf's,
 * column-major upper) of sc A rounded to float32: the preconditioner of a mixed-precision solve
 * of A z = r (the factor of a float32 copy of the system preconditions iterations in double;
 * Higham & Pranesh 2021). Each of the k
 * rows of r (k, m) is scaled by its largest magnitude so that float32 neither overflows nor
 * underflows, solved in float32 (two strsv: F^T then F), and scaled back by that magnitude and sc.
 * rf (k m floats) and rs (k doubles) are scratch. Returns 0, or -1 when m exceeds the BLAS's
 * int (a zero on F's diagonal, which spotrf does not leave, gives Inf or NaN in z). Used by the rf
 * family's solve (sc = 1); the kernel family's (A scaled to float32's range) holds its factor
 * packed and uses ua_ridge_precondition_rfp_f32. */
int ua_ridge_precondition_f32(const float *F, size_t m, size_t k, double sc, const double *r,
                              float *rf, double *rs, double *z);

/* As ua_ridge_precondition_f32, for F in LAPACK's rectangular full packed format (spftrf's,
 * TRANSR = 'N', UPLO = 'U': m (m + 1) / 2 floats, ua_rfp_index): the two triangular solves by
 * strsv on F's two triangles and sgemv on its rectangle; -1 when m + 1 exceeds the BLAS's int.
 * Used by the kernel family's solve. */
int ua_ridge_precondition_rfp_f32(const float *F, size_t m, size_t k, double sc, const double *r,
                                  float *rf, double *rs, double *z);

/* The position of entry (i, j), j <= i, of a symmetric n x n matrix held in LAPACK's rectangular
 * full packed format with TRANSR = 'N', UPLO = 'U' (Gustavson, Wasniewski, Dongarra & Langou
 * 2010; the format of spftrf): the upper triangle U, column-major, split at n1 = floor(n / 2)
 * into U11 (n1 x n1, held as its transpose), U12 and U22 in an array of ld = n (n odd) or n + 1
 * (n even) rows and n - n1 (odd) or n1 (even) columns, n (n + 1) / 2 entries. Entry (i, j) is
 * U's (j, i): for i >= n1 in column i - n1 (row j), else U11's at row n1 + 1 + i of column j.
 * A row i >= n1 of the lower triangle is therefore contiguous, j = 0 .. i. */
static inline size_t ua_rfp_index(size_t n, size_t i, size_t j)
{
    size_t n1 = n / 2, ld = n % 2 ? n : n + 1;
    return i >= n1 ? j + (i - n1) * ld : n1 + 1 + i + j * ld;
}

/* The default lambda grid of both learners: 1e-8 .. 1e2 by decades (11 values). */
#define UA_RIDGE_N_DEFAULT_LAMBDAS 11
extern const double ua_ridge_default_lambdas[UA_RIDGE_N_DEFAULT_LAMBDAS];

#endif /* UA_TRAIN_RIDGE_H */
