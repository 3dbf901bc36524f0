/*
 * src/pde/reference.h — reference solutions of the shipped PDE problems, computed independently of
 * any network (the pde family measures its models against them).
 *
 *   "burgers":    u_t + u u_x = nu u_xx on [-1, 1] x [0, T], u(x, 0) = -sin(pi x), u(+-1, t) = 0;
 *                 params {nu} or {nu, T} (defaults 0.01/pi, 1; nu in [1e-4, 10], T in (0, 100]).
 *                 The Cole-Hopf transform, its integrals by adaptive Gauss-Kronrod quadrature
 *                 (src/pde/ref_burgers.c); absolute error about 1e-15.
 *   "allen_cahn": u_t = d u_xx - 5 (u^3 - u) on [-1, 1] x [0, T], u(x, 0) = x^2 cos(pi x),
 *                 u(+-1, t) = -1 (DeepXDE's boundary condition); params {d} or {d, T} (defaults
 *                 0.001, 1; d in [1e-3, 10], T in (0, 10]). Chebyshev spectral in x (N = 768),
 *                 ETDRK4 in t (dt = 1e-3), interpolated (src/pde/ref_allen_cahn.c), solved on
 *                 creation (about a second); absolute error about 5e-11 for the defaults.
 * docs/pde-reference.md gives the methods and their measured accuracy.
 */
#ifndef UA_PDE_REFERENCE_H
#define UA_PDE_REFERENCE_H

#include <stddef.h>
#include "uniapprox/status.h"

typedef struct ua_pde_reference ua_pde_reference;

/* A reference by name with nparams parameters (NULL/0: the defaults above); *out owned by the
 * caller (ua_pde_reference_free). UA_EINVAL for an unknown name or bad parameters. */
ua_status ua_pde_reference_new(const char *name, const double *params, size_t nparams,
                               ua_pde_reference **out);

/* u (n,) at pts (n, 2) row-major, each point (x, t) inside the reference's domain; UA_EDOMAIN
 * outside it. Absolute accuracy: see the reference's entry in docs. */
ua_status ua_pde_reference_eval(const ua_pde_reference *r, const double *pts, size_t n, double *u);

/* The reference's domain: x in [lo[0], hi[0]], t in [lo[1], hi[1]] (r not NULL). */
void ua_pde_reference_domain(const ua_pde_reference *r, double lo[2], double hi[2]);

void ua_pde_reference_free(ua_pde_reference *r);

#endif
