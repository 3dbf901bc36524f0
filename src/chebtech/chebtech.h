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

#endif /* UA_CHEBTECH_CHEBTECH_H */
