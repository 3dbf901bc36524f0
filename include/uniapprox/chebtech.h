/*
 * uniapprox/chebtech.h — Chebyshev technology on [-1, 1] shared by every family built from
 * Chebyshev series (cheb in 1-D, chebnd's factor columns, sparse grids' Clenshaw-Curtis points):
 * the points of the second kind, values to coefficients, Chebfun's standardChop, Clenshaw.
 */
#ifndef UNIAPPROX_CHEBTECH_H
#define UNIAPPROX_CHEBTECH_H

#include <stddef.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The n Chebyshev points of the second kind on [-1, 1], x_j = -cos(j pi / (n - 1)), j = 0..n-1,
 * in increasing order, computed as sin(pi (2j - n + 1) / (2 (n - 1))) so they are symmetric
 * to the last bit. n >= 2. out has shape (n,).
 */
void ua_cheb_points(size_t n, double *out);

/*
 * Chebyshev coefficients (n,) of the polynomial interpolating vals (n,) at the n Chebyshev points
 * of the second kind (ua_cheb_points order), by a DCT-I through FFTW. n >= 1.
 * Errors: UA_EINVAL (n == 0), UA_ENOMEM.
 */
ua_status ua_cheb_vals2coeffs(size_t n, const double *vals, double *coeffs);

/*
 * Chebfun's standardChop: given coefficients (n,) and a relative tolerance tol (0 < tol < 1),
 * returns the number L (1 <= L <= n) of coefficients to keep when the sequence has reached a
 * plateau at tol, and 0 when it has not (n < 17, or no plateau yet). Source: Aurentz & Trefethen, "Chopping a Chebyshev series", ACM TOMS
 * 43(4), 2017.
 */
size_t ua_cheb_standard_chop(const double *coeffs, size_t n, double tol);

/*
 * Clenshaw's recurrence: sum_{k<n} c[k] T_k(s) for c (n,), n >= 1, s in [-1, 1]. Every family
 * and every exported C file evaluates a series with exactly these operations, in this order, so
 * that the model and its export agree bitwise.
 */
static inline double ua_cheb_clenshaw(const double *c, size_t n, double s)
{
    double b1 = 0.0, b2 = 0.0, s2 = s + s;
    for (size_t k = n - 1; k >= 1; k--) {
        double b0 = c[k] + s2 * b1 - b2;
        b2 = b1;
        b1 = b0;
    }
    return c[0] + s * b1 - b2;
}

/*
 * Clenshaw-Curtis weights (n,) on [-1, 1] for the n Chebyshev points of the second kind
 * (ua_cheb_points order; n == 1: the midpoint rule, weight 2): sum_j w_j f(x_j) integrates every
 * polynomial of degree <= n - 1 exactly (Waldvogel, BIT 46, 2006). Symmetric bitwise. Cost O(n^2).
 */
void ua_cc_weights(size_t n, double *w);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_CHEBTECH_H */
