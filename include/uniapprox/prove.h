/*
 * uniapprox/prove.h — proven error bounds: a rigorous upper bound on max |model - f| over a
 * model's whole box, where f is a formula target (or --against EXPR), computed with outward-
 * rounded ball arithmetic (Arb), never from samples alone.
 *
 * Three provers sit behind ua_model_prove, chosen by what the model's family offers:
 * - models that are polynomials on pieces (cheb, minimax, spline): Taylor models of
 *   f (ball arithmetic) against the model's exact polynomial, subdivided where loose
 *   (Chevillard, Joldes, Lauter, "Efficient and accurate computation of upper bounds of
 *   approximation errors", 2011);
 * - n-D polynomial models (chebnd, sparse clenshaw-curtis): multivariate Taylor models of the
 *   model and of f on cells (Berz and Makino), subdivided where loose;
 * - networks and other smooth learners (mlp, rf, kernel): the measured
 *   error on a grid plus (L_f + L_model) h / 2 per cell, with L_model from bound propagation
 *   through the network and L_f from an enclosure of the formula's gradient (docs/prove.md).
 *
 * A proof is either complete (proven == 1: the bound holds at every point of the box) or
 * absent (proven == 0, why says what stopped it). A sampled maximum is never reported as a bound.
 */
#ifndef UNIAPPROX_PROVE_H
#define UNIAPPROX_PROVE_H

#include <stddef.h>
#include "uniapprox/status.h"
#include "uniapprox/model.h"
#include "uniapprox/target.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The outcome of a proof attempt. */
typedef struct {
    int proven;          /* 1: max |model - f| <= bound everywhere on the box */
    double bound;        /* the proven bound (rounded up); +inf when !proven */
    double measured;     /* the largest |model - f| the prover evaluated (MPFR reference) */
    double rounding;     /* part of bound that covers the model's own double-precision evaluation
                            (0 when the bound is for the exact-arithmetic model only: see method) */
    size_t pieces;       /* intervals / cells the box was split into */
    double seconds;      /* wall time */
    char method[64];     /* "taylor-model", "lipschitz-grid", ... */
    char why[256];       /* when !proven: the reason ("the family has no provable form") */
} ua_proof;

/* Options of a proof; zero-initialised means the defaults. */
typedef struct {
    double target_ratio;    /* refine until bound <= target_ratio * measured (default 1.1) */
    double time_limit;      /* seconds before giving up (default 60) */
    size_t max_pieces;      /* subdivision limit (default 1 << 16) */
    unsigned tm_degree;     /* n-D models: total degree of the Taylor models (0: by dimension,
                               12 in 2-D, 10 in 3-D and 4-D, lower above; docs/prove.md) */
} ua_prove_options;

/*
 * Proves a bound on max |m - f| over m's box, where f is a formula in m's variables (the
 * model's own target, parsed, or another). Picks the prover from the family (see the file
 * comment); a family with neither form gives proven = 0 and why. o may be NULL (defaults).
 * Returns UA_OK whether or not the proof succeeded (see out->proven); errors: UA_EINVAL (NULL
 * arguments, a target of another dimension), UA_ENOMEM.
 */
ua_status ua_model_prove(const ua_model *m, const ua_target *f, const ua_prove_options *o,
                         ua_proof *out);

/*
 * The grid-and-Lipschitz prover for networks and other smooth learners (src/prove/): the
 * measured error at the centre of each cell of a grid of spacing h, plus (L_f + L_model) h / 2
 * per cell, refining loose cells. Called by ua_model_prove; public for tests.
 */
ua_status ua_prove_lipschitz_grid(const ua_model *m, const ua_target *f,
                                  const ua_prove_options *o, ua_proof *out);

/*
 * Encloses the Taylor coefficients of the formula t in variable var over a box: for every
 * point x of [lo, hi] (d,), the k-th coefficient (1/k!) d^k t / d x_var^k at x lies in
 * [clo[k], chi[k]], k = 0 .. order (outward rounded, from ball arithmetic at 128 bits or more).
 * lo == hi gives the coefficients at a point. Errors: UA_EDOMAIN (t is not defined everywhere
 * on the box or the enclosure is infinite, e.g. a pole inside), UA_EINVAL.
 */
ua_status ua_target_enclose_taylor(const ua_target *t, const double *lo, const double *hi,
                                   size_t var, size_t order, double *clo, double *chi);

#ifdef __cplusplus
}
#endif
#endif
