/*
 * src/prove/taylor.h — the Taylor-model prover's parts (not installed): the bound of a polynomial
 * with ball coefficients on [-1, 1] (polybound.c) and the prover over pieces with its bound on the
 * double evaluation's rounding (taylor.c). docs/prove.md has the method.
 */
#ifndef UA_PROVE_TAYLOR_H
#define UA_PROVE_TAYLOR_H

#include <arb.h>

#include "model/family.h"
#include "uniapprox/prove.h"

/*
 * sup over s in [-1, 1] of |d(s)| for the polynomial d (len,) with ball coefficients (every
 * polynomial with coefficients in the balls): *upper >= that sup (rigorous, rounded up), *lower a
 * value |d(s*)| attained (the lower end of its ball) at *argmax = s*. Cells of [-1, 1] are bounded
 * by their end values when d' has no zero in them, else by the ends plus h^2/8 sup |d''| (linear
 * interpolation's error), and split until their bound is below max(enough, (1 + 2^-10) * lower)
 * or max_cells cells were bounded. A first test, sum |d_k|, settles the easy cases. Returns 0,
 * or -1 when d is not finite.
 */
int ua_prove_poly_sup(arb_srcptr d, slong len, double enough, size_t max_cells, slong prec,
                      double *upper, double *lower, double *argmax);

/* The Taylor-model prover over the model's pieces (see prove.h and docs/prove.md); out filled
 * except seconds. */
ua_status ua_prove_taylor_pieces(const ua_model *m, const ua_target *f, const ua_poly_piece *pc,
                                 size_t npc, const ua_prove_options *o, ua_proof *out);

#endif /* UA_PROVE_TAYLOR_H */
