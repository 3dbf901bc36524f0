/*
 * src/mlp/bounds.h — bound propagation through an mlp (not installed): the network in double,
 * interval bound propagation (IBP), linear bound propagation (CROWN), the ranges and linear
 * relaxations of the activations, and the interval Jacobian behind the Lipschitz bounds
 * (uniapprox/lipschitz.h is the manual; docs/prove.md, "Networks", the math).
 *
 * Files: bounds_act.c (activation ranges, derivative ranges, relaxations), bounds.c (the
 * network in double, IBP, CROWN, the output hook), bounds_lip.c (the interval Jacobian, the
 * Lipschitz and gradient hooks, the evaluation-error bound, the hooks' table).
 *
 * Rigour: every bound is for the network in exact real arithmetic with the stored weights. The
 * double arithmetic of the bounds themselves is covered outward: a sum of n products computed in
 * double is off by at most gamma_{n+2} times the sum of the magnitudes (Higham, "Accuracy and
 * Stability of Numerical Algorithms", 2nd ed., eq. 3.5), and each such slack is added; libm
 * values are widened by UA_BND_REL relative (glibc's are within a few ulps).
 */
#ifndef UA_MLP_BOUNDS_H
#define UA_MLP_BOUNDS_H

#include "internal.h"

/* The relative widening of one computed value (about 9 ulps of double), and the absolute floor
 * that covers underflow. */
#define UA_BND_REL 1e-15
#define UA_BND_TINY 1e-300

/* gamma_{n} of a sum of n terms (Higham 3.5) with a margin: (n + 4) u, u = 2^-53. */
static inline double ua_bnd_gamma(size_t n) { return (double)(n + 4) * 1.1102230246251565e-16; }
static inline double ua_bnd_down(double v) { return v - (fabs(v) * UA_BND_REL + UA_BND_TINY); }
static inline double ua_bnd_up(double v) { return v + (fabs(v) * UA_BND_REL + UA_BND_TINY); }

/* A network of one activation in double: W_l (width[l+1], width[l]) = mult_l times the stored
 * weights (exact for float32 weights), b_l; the scalers; the unit roundoff of its predict. */
typedef struct {
    size_t L;                                /* dense layers */
    size_t width[UA_MLP_MAX_LAYERS + 1];     /* width[0] = d, width[L] = outputs */
    double *W[UA_MLP_MAX_LAYERS], *b[UA_MLP_MAX_LAYERS];
    ua_mlp_act act;
    double slope;                            /* leaky_relu */
    size_t d, k;
    const double *xmean, *xscale, *ymean, *yscale; /* (d,), (k,): owned by the ua_mlp */
    double unit;                             /* 2^-24 (f32 network) or 2^-53 (f64) */
    size_t maxw;                             /* the widest layer */
} ua_mlp_net64;

/* The network of m in double. UA_EUNSUPPORTED (with the reason) for EvoNorm, PolyNorm and
 * PolyReLU networks and classifiers; UA_ENOMEM. Free with ua_mlp_net64_free. */
ua_status ua_mlp_net64_get(const ua_mlp *m, ua_mlp_net64 *n);
void ua_mlp_net64_free(ua_mlp_net64 *n);

/* The input box [lo, hi] (d,) in model units -> the standardised box [zl, zu] (d,), outward. */
void ua_mlp_box_std(const ua_mlp_net64 *n, const double *lo, const double *hi, double *zl,
                    double *zu);

/* For a float32 network (unit 2^-24): UA_OK when no value its predict computes over the
 * standardised box [xl, xu] (d,) can overflow float — the input rounded to float, and by a
 * magnitude recursion every partial sum of every dense layer, (1 + gamma_{in+6}) (|b| + |W| H),
 * and every activation over [-that, that] — else UA_EDOMAIN naming the layer (the bounds are
 * for the network in real arithmetic and would not describe what predict returns there;
 * predict refuses such inputs). UA_OK for a float64 network; UA_ENOMEM. */
ua_status ua_mlp_f32_fits(const ua_mlp_net64 *n, const double *xl, const double *xu);

/* Pre-activation bounds zl[l], zu[l] (width[l+1],) of every layer l < L (the last: the outputs,
 * standardised units) over the standardised box [xl, xu] (d,): IBP (crown 0), or CROWN
 * intersected with IBP at every layer (crown 1). zl, zu are arrays of L pointers that this
 * allocates (one block at zl[0]: free(zl[0]) frees all). UA_EDOMAIN when a bound overflows, or
 * when ua_mlp_f32_fits refuses the box (a float32 network that can overflow on it). */
ua_status ua_mlp_bounds_layers(const ua_mlp_net64 *n, const double *xl, const double *xu,
                               int crown, double **zl, double **zu);

/* The output hook (src/model/family.h, ua_family_bounds.output): bounds.c. */
ua_status ua_mlp_bound_output(const void *state, const double *lo, const double *hi, int method,
                              double *out_lo, double *out_hi);

/* ---- activations (bounds_act.c): [l, u] a finite interval --------------------------------- */

/* [*yl, *yu] contains act(z) for every z in [l, u]. */
void ua_mlp_act_range(ua_mlp_act a, double slope, double l, double u, double *yl, double *yu);
/* [*dl, *du] contains act'(z) for every z in [l, u] (both one-sided slopes at a kink). */
void ua_mlp_dact_range(ua_mlp_act a, double slope, double l, double u, double *dl, double *du);
/* Linear bounds al z + bl <= act(z) <= au z + bu for every z in [l, u]: the triangle relaxation
 * of ReLU and leaky ReLU (CROWN's adaptive lower slope: Zhang et al., "Efficient Neural Network
 * Robustness Certification with General Activation Functions", NeurIPS 2018); for a smooth
 * activation the chord's slope with offsets from a scan of 33 points corrected by
 * sup|act''| h^2 / 8 (an interior extremum of act(z) - k z is within h/2 of a point). */
void ua_mlp_act_relax(ua_mlp_act a, double slope, double l, double u, double *al, double *bl,
                      double *au, double *bu);

/* The hooks' table is ua_mlp_bounds (bounds_lip.c), declared in src/model/family.h. */
#include "model/family.h"

#endif /* UA_MLP_BOUNDS_H */
