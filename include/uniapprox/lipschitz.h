/*
 * uniapprox/lipschitz.h — proven bounds on a learned model over a box by bound propagation: the
 * range of its outputs, and its local Lipschitz constant.
 *
 * The families that offer them (today mlp — every scalar activation —, rf and kernel with the
 * rbf kernel; chebnd encloses its factor columns by Taylor expansion instead, src/chebnd/bounds.c)
 * propagate the box through the model:
 * - IBP (interval bound propagation: Gowal et al., 2018): each layer's interval from the one
 *   below it;
 * - CROWN (linear bound propagation: Zhang et al., "Efficient Neural Network Robustness
 *   Certification with General Activation Functions", NeurIPS 2018): linear lower and upper
 *   bounds of each activation over its input interval, carried backwards to the input box, with
 *   CROWN's own bounds for every hidden layer; each layer's result is intersected with IBP's,
 *   so CROWN is never looser than IBP;
 * - the Lipschitz constant from the backward graph (Shi et al., "Efficiently Computing Local
 *   Lipschitz Constants of Neural Networks via Bound Propagation", NeurIPS 2022): the derivative
 *   of each activation enclosed over its input interval (from the CROWN bounds), propagated as
 *   intervals through the Jacobian W_L D_{L-1} W_{L-1} ... D_1 W_1, the norm taken exactly over
 *   the last product for the inf-norm (an enumeration of sign vectors, d <= 12), and branch and
 *   bound on the box: the box whose bound is largest is split in half along its widest side
 *   until the bound is within target_ratio of the best lower bound, or the time or the box budget
 *   runs out.
 *
 * Rigour: every bound holds for the model in exact real arithmetic with its weights as stored
 * (float32 weights are exact in double); the double rounding of the bound computations is
 * covered outward (gamma_n slacks, Higham 3.5). What the model's own float evaluation adds is
 * bounded separately (ua_prove_lipschitz_grid adds it; docs/prove.md, "Networks"). A float32
 * network is bounded only over a box where no value its predict computes can overflow float (a
 * magnitude bound on every layer, src/mlp/bounds.h): elsewhere predict refuses inputs or returns
 * values the real-arithmetic network does not, and the box is refused (UA_EDOMAIN). A lower
 * bound is a gradient norm at a point, found by multi-start gradient ascent: not a bound on the
 * constant from above, and never reported as one. docs/prove.md holds the measured tightness.
 */
#ifndef UNIAPPROX_LIPSCHITZ_H
#define UNIAPPROX_LIPSCHITZ_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"
#include "uniapprox/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output bound methods. Append only. */
typedef enum { UA_BOUND_IBP = 0, UA_BOUND_CROWN = 1 } ua_bound_method;

/* The input norm of a Lipschitz constant |m(x) - m(y)| <= L ||x - y||: UA_NORM_INF bounds the
 * sup of the 1-norm of the gradient, UA_NORM_2 of its 2-norm. Append only. */
typedef enum { UA_NORM_INF = 0, UA_NORM_2 = 1 } ua_lip_norm;

/*
 * Proven bounds on every output of m over the box [lo, hi] (din,) (NULL, NULL: the model's own
 * box): out_lo, out_hi (dout,) with out_lo[j] <= m_j(x) <= out_hi[j] for every x in the box, m
 * in exact arithmetic (see the file comment). method: UA_BOUND_IBP or UA_BOUND_CROWN.
 * Errors: UA_EINVAL (NULL arrays, lo > hi, a non-finite box, no box given for a model without
 * one), UA_EUNSUPPORTED (a family without bound propagation, or a model it cannot bound: the
 * message says why), UA_EDOMAIN (a bound overflows double or is not finite, or a float32
 * network may overflow float on the box: the message names the layer), UA_ENOMEM.
 * Cost: IBP O(P), CROWN O(L^2 w^3) for L layers of width w.
 */
ua_status ua_model_bound_output(const ua_model *m, const double *lo, const double *hi,
                                ua_bound_method method, double *out_lo, double *out_hi);

/* Options of ua_model_lipschitz; zero-initialised means the defaults. */
typedef struct {
    ua_lip_norm norm;       /* UA_NORM_INF (default) or UA_NORM_2 */
    double time_limit;      /* seconds of branch and bound (default 2; the first bound is
                               always computed) */
    size_t max_boxes;       /* most boxes examined (default 4096) */
    double target_ratio;    /* stop when bound <= target_ratio * lower (default 1.01) */
    size_t starts;          /* gradient-ascent starts for the lower bound (default 16) */
    size_t steps;           /* ascent steps per start (default 40) */
    uint64_t seed;          /* the starting points (default 1) */
} ua_lipschitz_options;

/* The outcome. */
typedef struct {
    double bound;           /* proven: |m(x) - m(y)| <= bound ||x - y|| for x, y in the box */
    double first_bound;     /* the bound over the whole box, before branching */
    double lower;           /* the largest gradient norm found (a lower bound on the constant) */
    double naive;           /* the global product of the layers' operator norms, proven too
                               (inf: row sums with their rounding; 2: each spectral norm
                               certified by a Cholesky factorisation, Rump 2006); bound is never
                               above it (NaN: the family has no layers) */
    size_t boxes;           /* boxes of the branch and bound */
    double seconds;         /* wall time */
} ua_lipschitz_result;

/*
 * Bounds the local Lipschitz constant of m (one output) over [lo, hi] (din,) (NULL, NULL: the
 * model's box) in the norm o->norm: bound >= sup over the box of ||grad m||_q (q = 1 for the
 * inf-norm, 2 for the 2-norm), by the family's backward-graph bound and branch and bound (file
 * comment); lower from multi-start projected gradient ascent on ||grad m||_q (the ascent
 * direction from a finite difference of the model's gradient; random steps where it is flat, as
 * for ReLU networks), started at o->starts points of a scrambled Sobol sequence and at the
 * centres of the branch-and-bound boxes. o may be NULL (defaults).
 * Errors: as ua_model_bound_output, and UA_EINVAL for a model of several outputs or bad options.
 */
ua_status ua_model_lipschitz(const ua_model *m, const double *lo, const double *hi,
                             const ua_lipschitz_options *o, ua_lipschitz_result *out);

/*
 * The lower-level pieces, for the provers: over [lo, hi] (din,), jlo, jhi (din,) enclose each
 * partial derivative of m's single output and *L bounds sup ||diag(w) grad m||_q (w (din,)
 * nonnegative weights, NULL: ones) in one pass, without branching; *err bounds the model's own
 * floating-point evaluation error, sup |predict(x) - m(x)| over the box (float32 networks: about
 * n 2^-24 relative per layer of width n, the worst case). Errors: as ua_model_lipschitz.
 */
ua_status ua_model_lipschitz_box(const ua_model *m, const double *lo, const double *hi,
                                 ua_lip_norm norm, const double *w, double *L, double *jlo,
                                 double *jhi);
ua_status ua_model_eval_error(const ua_model *m, const double *lo, const double *hi, double *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_LIPSCHITZ_H */
