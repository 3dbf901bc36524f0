/*
 * src/pde/ref_internal.h — the reference solutions' common object and the solvers behind
 * src/pde/reference.c (not installed; the tests include it for the convergence checks).
 *
 * A reference is a name, a domain [xlo, xhi] x [tlo, thi] and an evaluator of u at points inside
 * it; reference.c checks the points (finite, inside the domain) before calling eval, so the
 * solvers see only valid (x, t).
 */
#ifndef UA_PDE_REF_INTERNAL_H
#define UA_PDE_REF_INTERNAL_H

#include <stddef.h>
#include "pde/reference.h"

struct ua_pde_reference {
    const char *name;                  /* static string: "burgers", "allen_cahn" */
    double lo[2], hi[2];               /* the domain: x in [lo[0], hi[0]], t in [lo[1], hi[1]] */
    /* u (n,) at checked points pts (n, 2); never fails */
    void (*eval)(const void *state, const double *pts, size_t n, double *u);
    void (*free_state)(void *state);
    void *state;                       /* owned */
};

/* ---- Burgers (ref_burgers.c) ----------------------------------------------------------------- */

/* The default viscosity nu of the reference, 0.01 / pi (Raissi et al.'s example). */
#define UA_REF_BURGERS_NU (0.01 / 3.14159265358979323846)

/* Fills r for viscous Burgers with params {nu, T} (nparams 0..2; defaults 0.01/pi, 1): nu in
 * [1e-4, 10], T in (0, 100]. UA_EINVAL otherwise. */
ua_status ua_ref_burgers_init(const double *params, size_t nparams, ua_pde_reference *r);

/* u(x, t) of Burgers with viscosity nu, u(x, 0) = -sin(pi x), by the Cole-Hopf transform
 * (Basdevant et al. 1986, eq. for the exact solution): with K = 1/(2 pi nu) and c = 4 nu t,
 *     u = -∫ sin(pi y) e^{E(y)} dy / ∫ e^{E(y)} dy,   E(y) = -K cos(pi y) - (x - y)^2 / c,
 * both integrals by globally adaptive 15-point Gauss-Kronrod over the interval where e^{E} is
 * above e^{-40} of its peak, e^{E} scaled by its peak so that nothing overflows for small nu.
 * When ux is not NULL, *ux = du/dx from the same quadrature (the x-derivative of the Gaussian
 * kernel). Absolute error about 1e-15 in u (tests/test_pde_ref.c: against mpmath at 30 digits).
 * Valid for t >= 0 and any real x (the solution is odd and 2-periodic in x). */
double ua_ref_burgers_u(double nu, double x, double t, double *ux);

/* The same two integrals by a fixed composite 15-point Kronrod rule of npanels equal panels over
 * the same interval (no adaptivity): the node-count convergence check of the tests. */
double ua_ref_burgers_u_panels(double nu, double x, double t, int npanels);

/* ---- Allen-Cahn (ref_allen_cahn.c) ----------------------------------------------------------- */

/* The default diffusion d of the reference (DeepXDE's example). */
#define UA_REF_AC_D 0.001

/* The default Chebyshev degree N (N + 1 points on [-1, 1]) and time step of the reference. */
#define UA_REF_AC_N 768
#define UA_REF_AC_DT 1e-3

/* Fills r for Allen-Cahn u_t = d u_xx - 5 (u^3 - u), u(x, 0) = x^2 cos(pi x), u(+-1, t) = -1
 * with params {d, T} (nparams 0..2; defaults 0.001, 1): d in [1e-3, 10], T in (0, 10]. Solves on
 * creation (about a second), except when the last solution made here has the same d and T: it is
 * kept for the process and shared (read-only; reference-counted under a mutex). UA_EINVAL for bad
 * params, UA_ENOMEM, UA_EDIVERGED if LAPACK fails. */
ua_status ua_ref_allen_cahn_init(const double *params, size_t nparams, ua_pde_reference *r);

/* The same with an explicit Chebyshev degree N (even, 16 <= N <= 4096) and time step dt
 * (T / dt rounded up to whole steps): the self-convergence checks of the tests. */
ua_status ua_ref_allen_cahn_solve(double d, double T, int N, double dt, ua_pde_reference *r);

#endif /* UA_PDE_REF_INTERNAL_H */
