/*
 * uniapprox/pde.h — PDE problems for the pde family (docs/pde.md): a problem file names the box
 * (space, optionally time), the equation as a residual in the expression language extended with
 * u and its derivatives (u, u_x, u_t, u_xx, u_xy, lap(u), ...), the boundary and initial
 * conditions (Dirichlet, Neumann, periodic), parameters, and the solution a model is measured
 * against: an exact expression or a reference by name ("burgers", "allen_cahn").
 */
#ifndef UNIAPPROX_PDE_H
#define UNIAPPROX_PDE_H

#include <stddef.h>
#include "uniapprox/status.h"
#include "uniapprox/problem.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A PDE problem (UA_PROBLEM_PDE, uniapprox/problem.h) from the JSON text of a problem file
 * (len bytes, untrusted: every field is checked, the text need not end in a NUL); name is the
 * file's name in messages and in ua_problem_describe (NULL: "problem").
 * Errors: UA_EFORMAT (not JSON, a missing or ill-typed field, an unknown field, a bad box or
 * condition: the message names the field), UA_EPARSE (an expression that does not parse: the
 * field and column), UA_EINVAL (a reference by name it cannot build), UA_ENOMEM. *out NULL on
 * failure.
 */
ua_status ua_pde_problem_parse(const char *text, size_t len, const char *name, ua_problem **out);

/* The same from the file at path (at most 1 MiB). Errors: those of ua_pde_problem_parse,
 * UA_EINVAL (cannot open the file: the message names it, as ua_st_read), UA_EIO (a read error). */
ua_status ua_pde_problem_read(const char *path, ua_problem **out);

/*
 * The residual of the problem's equation at the points x (n, d) for a function u given by its
 * jet there: jet (n, 1 + d + d (d + 1) / 2) holds u, its d first derivatives, then the second
 * derivatives u_ij for i <= j in row order (u_00, u_01, .., u_0(d-1), u_11, ..). Into r (n,).
 * For checking an exact solution (tests) and for reports. Errors: UA_EINVAL (not a PDE problem).
 */
ua_status ua_pde_problem_residual(const ua_problem *p, const double *x, const double *jet,
                                  size_t n, double *r);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_PDE_H */
