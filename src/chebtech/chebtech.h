/*
 * src/chebtech/chebtech.h — internal helpers of the Chebyshev layer (not installed), shared by
 * the families built from Chebyshev series; the public part is uniapprox/chebtech.h.
 */
#ifndef UA_CHEBTECH_CHEBTECH_H
#define UA_CHEBTECH_CHEBTECH_H

#include <stddef.h>
#include "uniapprox/chebtech.h"

/* Chebyshev points of the second kind on [lo, hi] (n >= 2): endpoints exact, interior
 * mid + half * s_j with s_j from ua_cheb_points (so symmetric grids stay symmetric). */
void ua_cheb_points_on(size_t n, double lo, double hi, double *out);

/* FFTW's planner keeps global state: every creation and destruction of an FFTW plan anywhere in
 * the library holds this lock (executing a plan needs none). */
void ua_cheb_fftw_plan_lock(void);
void ua_cheb_fftw_plan_unlock(void);

/* The coefficients d (n,) of the derivative in s of sum_{k<n} c_k T_k(s) (d[n-1] = 0), by the
 * recurrence d_{k-1} = d_{k+1} + 2 k c_k with d_0 halved; n >= 1, d must not overlap c
 * (src/chebtech/calculus.c). */
void ua_cheb_deriv_coeffs(const double *c, size_t n, double *d);

/* int_{-1}^{1} sum_{k<n} c_k T_k(s) ds = sum over even k of 2 c_k / (1 - k^2) (exact for the
 * series: Clenshaw-Curtis quadrature of its interpolant); n >= 1. */
double ua_cheb_integral_coeffs(const double *c, size_t n);

/* ua_cheb_vals2coeffs for count series of n values each, vals (count, n) -> coeffs (count, n),
 * with one FFTW plan (src/chebtech/vals2coeffs_many.c). Errors: UA_EINVAL, UA_ENOMEM. */
ua_status ua_cheb_vals2coeffs_many(size_t n, size_t count, const double *vals, double *coeffs);

#endif /* UA_CHEBTECH_CHEBTECH_H */
