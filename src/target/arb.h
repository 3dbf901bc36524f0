/*
 * src/target/arb.h — the expression tree evaluated in Arb ball arithmetic as a truncated Taylor
 * series (not installed): the internal, arb-level interface behind ua_target_enclose_taylor, for
 * lower layers (src/prove/) that work in balls at high precision.
 *
 * Arb (F. Johansson, "Arb: efficient arbitrary-precision midpoint-radius interval arithmetic",
 * IEEE Trans. Computers 66(8), 2017) rounds every ball outward, and its power-series functions
 * (arb_poly *_series, arb_hypgeom_erf_series, ...) enclose the Taylor coefficients of a function
 * of a series whose coefficients are balls. Feeding the variable as x[var] + eps, with x[var] a
 * ball over an interval, gives an enclosure of the Taylor coefficients at every point of it.
 */
#ifndef UA_TARGET_ARB_H
#define UA_TARGET_ARB_H

#include <arb.h>
#include <arb_poly.h>

#include "uniapprox/target.h"

/* The most series coefficients ua_target_series_arb computes (a guard against huge requests). */
#define UA_TARGET_SERIES_MAX 4096

/*
 * res[k], k < len, encloses (1/k!) d^k t / d x_var^k at every point of the box of balls x (dim,)
 * (the other variables held at any value of their balls), computed at prec bits with outward
 * rounding; res (len,) is initialised by the caller. Every operation of the expression is
 * checked: a non-finite intermediate (log of a ball reaching 0 or below, a division by a ball
 * containing 0, a pole of tan or gamma, sqrt at 0 with len > 1, ...) or a non-smooth point of
 * abs, sign, min, max, atan2 inside the box with len > 1 gives UA_EDOMAIN with a message naming
 * the function; a built-in target (no expression tree) gives UA_EDOMAIN ("no ball form").
 * UA_EINVAL: NULL arguments, var >= dim, len outside [1, UA_TARGET_SERIES_MAX]; UA_ENOMEM.
 * Thread-safe (temporaries per call).
 */
ua_status ua_target_series_arb(const ua_target *t, arb_srcptr x, size_t var, slong len,
                               slong prec, arb_ptr res);

/*
 * res (len,) = the series of the one-argument function fn (a ua_fn_id of src/target/internal.h)
 * applied to the series a (len,), at prec bits: with a = [B, 1, 0, ...], res[k] encloses
 * f^(k)(x) / k! for every x in the ball B. The same checks and UA_EDOMAIN messages as
 * ua_target_series_arb (a non-smooth or undefined point in the ball); UA_EINVAL for an fn that is
 * not a function of one argument or len outside [1, UA_TARGET_SERIES_MAX]. Used by the
 * multivariate Taylor models (src/prove/tm_target.c) for univariate composition.
 */
ua_status ua_target_fn1_series(int fn, arb_srcptr a, slong len, slong prec, arb_ptr res);

#endif /* UA_TARGET_ARB_H */
