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
#include "uniapprox/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A PDE problem (UA_PROBLEM_PDE, uniapprox/problem.h) from the JSON text of a problem file
 * (len bytes, untrusted: every field is checked, the text need not end in a NUL); name is the
 * file's name in messages and in ua_problem_describe (NULL: "problem").
 * Errors: UA_EFORMAT (not JSON, anything but white space after the JSON object (NUL bytes
 * included: the message gives the byte), a key twice in one object (named), a missing or
 * ill-typed field, an unknown field, a bad box or condition: the message names the field; a
 * box whose width b - a overflows or is below 1e-60 or 1e-12 max(|a|, |b|); a named reference
 * whose time box [0, T] ends past its solver's range, or a parameter T not that end; an
 * output_transform whose g or D is not finite at a point of the check grid: the point),
 * UA_EPARSE (an expression that does not parse: the field and column), UA_EINVAL (a reference by
 * name it cannot build), UA_EDOMAIN (the "exact" solution is NaN or infinite at a point of the
 * check grid of ua_pde_model_errors, box corners included: the message names the point; or the
 * "equation" is NaN or infinite at every point of a grid of about 1000 points of the box with
 * each of 17 trial values of u and its derivatives, sizes up to 1e8: the message names it; both
 * found before any training), UA_ENOMEM. *out NULL on failure.
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

/* The most inputs (space and time) of a PDE problem. */
#define UA_PDE_MAX_INPUTS 4

/*
 * Errors of a model of u against a PDE problem's solution on a uniform tensor grid of the
 * problem's box (ua_pde_model_errors): the field's standard measures, which stay meaningful where
 * the solution is 0 (a pointwise relative error or ULP count does not).
 */
typedef struct {
    size_t d, npoints;                 /* inputs; grid points (a sampled maximum, not a bound) */
    double rel_l2;                     /* ||u_model - u||_2 / ||u||_2 over the grid (NaN when
                                          u == 0 at every point) */
    double max_abs;                    /* max |u_model - u| */
    double x_max_abs[UA_PDE_MAX_INPUTS]; /* where (the first grid point in row order) */
    double rms_abs;                    /* sqrt(mean (u_model - u)^2) */
    double scale;                      /* max |u| */
    int box_differs;                   /* the model's box is not the problem's */
    int vars_differ;                   /* the model's variable names (its metadata "vars",
                                          else "input_names": a model of samples' columns) are
                                          not the problem's: measured all the same, the inputs
                                          being positional, with a warning (0 when the model
                                          records no names) */
    char model_vars[64], vars[64];     /* the names joined by ",": the model's, the problem's */
    double model_lo[UA_PDE_MAX_INPUTS], model_hi[UA_PDE_MAX_INPUTS]; /* the model's box */
    double lo[UA_PDE_MAX_INPUTS], hi[UA_PDE_MAX_INPUTS];             /* the problem's box */
    char solution[256];                /* what the solution is ("exact: ...", "reference: ...") */
} ua_pde_errors;

/*
 * Measures the model m (one output, d inputs) against the solution of the PDE problem p on a
 * uniform grid of floor(npoints^(1/d))^d points of p's box (endpoints included; 0: the fit's
 * default, 10001 in 1-D, 201^2 = 40401 in 2-D, 41^3 = 68921 in 3-D, 16^4 = 65536 in 4-D). The solution is p's exact expression or its
 * named reference (absolute accuracy docs/pde-reference.md). The L2 sums are scaled by the
 * maxima, so every finite solution is measured (up to DBL_MAX). A model fitted on another box or
 * with other variable names is measured all the same (inputs are positional) and flagged
 * (box_differs, vars_differ). Errors: UA_EINVAL (p not a PDE problem, m's number of inputs not
 * p's), UA_EDOMAIN (the solution is not finite at a grid point: the message names it),
 * UA_ENOMEM, the model's predict errors.
 */
ua_status ua_pde_model_errors(const ua_model *m, const ua_problem *p, size_t npoints,
                              ua_pde_errors *out);

/*
 * The errors as the CLI prints them (lines ending in '\n', each indented by two spaces after
 * the first; first a line "warning: ..." for each of box_differs and vars_differ), into buf
 * (len bytes, NUL-terminated, cut when too short); name is the problem file shown in the
 * warnings. Returns the length the full text needs (as snprintf).
 */
size_t ua_pde_errors_format(const ua_pde_errors *e, const char *name, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_PDE_H */
