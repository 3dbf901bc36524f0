/*
 * uniapprox/cheb.h — the `cheb` family: adaptive (piecewise) Chebyshev interpolation.
 *
 * A ua_cheb is a piecewise polynomial on [a, b]: breakpoints a = b_0 < b_1 < ... < b_P = b and,
 * on each piece [b_i, b_{i+1}], a Chebyshev series sum_k c_k T_k(s) with s in [-1, 1] the affine
 * image of the piece. With map UA_MAP_LOG the series is in t = ln x instead: the pieces are affine
 * images of [ln b_i, ln b_{i+1}] and the breakpoints are still reported in x.
 *
 * Construction (docs/cheb.md): values on 2^k + 1 Chebyshev points of the second kind
 * (17, 33, 65, ...; every old sample is reused when the grid doubles), coefficients by a DCT-I
 * (FFTW), and Chebfun's standardChop plateau rule (Aurentz & Trefethen, ACM TOMS 43(4), 2017).
 */
#ifndef UNIAPPROX_CHEB_H
#define UNIAPPROX_CHEB_H

#include <stddef.h>
#include "uniapprox/status.h"
#include "uniapprox/target.h" /* ua_fn1 */
#include "uniapprox/chebtech.h" /* points, vals2coeffs, standardChop, Clenshaw */

#ifdef __cplusplus
extern "C" {
#endif

/* Change of variable the series is built in. Append only. */
typedef enum {
    UA_MAP_NONE = 0, /* series in x */
    UA_MAP_LOG = 1   /* series in t = ln x; needs 0 < a < b */
} ua_map;

/* Options of ua_cheb_fit. Start from ua_cheb_options_default. */
typedef struct {
    double tol;          /* target accuracy: relative to the function's scale max|f| (default
                            2^-52; below 2^-52 is UA_EINVAL: double cannot meet it), or absolute
                            when abs_tol is nonzero (below 2^-52 times the scale it cannot be met
                            either: the series is chopped at that floor and the fit returns
                            UA_ENOTRESOLVED saying so) */
    int abs_tol;         /* nonzero: tol is an absolute tolerance */
    size_t max_length;   /* most coefficients per piece before giving up (default 65537) */
    ua_map map;          /* change of variable (default UA_MAP_NONE) */
    int split;           /* nonzero: piecewise construction (default 0) */
    size_t split_length; /* with split: a piece that needs more than this many coefficients is
                            split (default 129) */
    size_t max_pieces;   /* with split or uniform_length: most pieces (default 1024) */
    size_t uniform_length; /* nonzero: uniform pieces, a construction for fast evaluation
                            (default 0 = off; excludes split). [a, b] (in t = ln x with
                            UA_MAP_LOG) is cut into 2^k equal pieces, k the least such that every
                            piece is resolved to tol — standardChop, tol relative to the global
                            scale as with split — with at most uniform_length coefficients
                            (1 <= uniform_length <= max_length). The piece of x is then found by
                            arithmetic, i = (int)((t - t_a) P / (t_b - t_a)), without a search.
                            More than max_pieces pieces needed: UA_ENOTRESOLVED, the last level's
                            pieces truncated to uniform_length coefficients: every piece has at
                            most uniform_length coefficients, resolved or not. */
} ua_cheb_options;

/* A fitted (piecewise) Chebyshev approximant. Immutable once built. */
typedef struct ua_cheb ua_cheb;

/* Fills *opt with the defaults listed in ua_cheb_options. */
void ua_cheb_options_default(ua_cheb_options *opt);

/*
 * Builds the Chebyshev interpolant of f on [a, b] (absolute coordinates; with UA_MAP_LOG the
 * series lives in ln x).
 * Returns UA_OK and *out when every piece is resolved to opt->tol; UA_ENOTRESOLVED with *out
 * still set to the best approximant found (the largest length tried) when max_length or
 * max_pieces was reached (uniform_length: when 2^k pieces of at most uniform_length coefficients
 * need more than max_pieces; or an absolute tol below 2^-52 times the function's scale); UA_EINVAL
 * for a >= b, a non-finite endpoint, a domain whose affine map to [-1, 1] is not representable
 * (width b - a, in ln x for UA_MAP_LOG, subnormal or overflowing: [1e-320, 2e-320]), UA_MAP_LOG
 * with a <= 0, tol <= 0, a relative tol below 2^-52, max_length < 17, or uniform_length with
 * split or above max_length; UA_EDOMAIN when f returns NaN or +-Inf at a sample point (the
 * message gives the point) — also when a fit is not resolved and the search for a pole (the edge
 * detector over [a, b], then a zoom onto the largest |f|, in the unresolved piece of largest
 * scale when piecewise) samples such a value; UA_ENOMEM. When that search instead finds |f|
 * growing without bound at finite values (tan(x) at pi/2), the UA_ENOTRESOLVED message says "the
 * target appears to have a singularity near x = X". On errors other than UA_ENOTRESOLVED *out
 * is NULL.
 * Each sample is evaluated once. opt NULL means the defaults. Cost: O(n log n) per doubling for
 * length n, plus the evaluations of f.
 */
ua_status ua_cheb_fit(ua_fn1 f, void *ctx, double a, double b, const ua_cheb_options *opt,
                      ua_cheb **out);

/*
 * Builds an approximant from its parts (copies them): npieces pieces, breaks (npieces + 1,
 * strictly increasing, in x), lengths (npieces, each >= 1), coeffs (sum of lengths, the pieces'
 * Chebyshev coefficients one after the other), map. Used by the model loader.
 * Errors: UA_EINVAL (non-increasing or non-finite breaks, zero length, non-finite coefficient,
 * log map with breaks[0] <= 0), UA_ENOMEM.
 */
ua_status ua_cheb_from_parts(size_t npieces, const double *breaks, const size_t *lengths,
                             const double *coeffs, ua_map map, ua_cheb **out);

/* Releases an approximant. ua_cheb_free(NULL) is a no-op. */
void ua_cheb_free(ua_cheb *c);

/*
 * Value at x by Clenshaw's recurrence on the piece holding x; at an interior breakpoint that is
 * the piece on its right (uniform pieces: the piece is i = (int)u, u = (t - t_a) P / (t_b - t_a),
 * capped at P - 1, and s = 2 (u - i) - 1). Returns NaN outside [a, b] and for NaN x.
 * Thread-safe. Cost O(length of the piece) + O(log npieces) (O(1) for uniform pieces).
 */
double ua_cheb_eval(const ua_cheb *c, double x);

/* ua_fn1 adapter: ctx is a const ua_cheb *; returns ua_cheb_eval(ctx, x). */
double ua_cheb_fn1(double x, void *ctx);

/* Accessors. piece < ua_cheb_npieces(c); pointers are owned by c. */
size_t ua_cheb_npieces(const ua_cheb *c);
const double *ua_cheb_breaks(const ua_cheb *c);            /* (npieces + 1,), in x */
size_t ua_cheb_length(const ua_cheb *c, size_t piece);     /* number of coefficients */
const double *ua_cheb_coeffs(const ua_cheb *c, size_t piece); /* (length,) */
size_t ua_cheb_total_length(const ua_cheb *c);             /* sum of the lengths */
ua_map ua_cheb_map(const ua_cheb *c);
int ua_cheb_resolved(const ua_cheb *c);                    /* 1 if every piece met tol */
int ua_cheb_uniform(const ua_cheb *c); /* 1 if built with uniform_length (equal pieces in t) */

/*
 * The derivative d/dx as a new approximant (coefficient recurrence c'_{k-1} = c'_{k+1} + 2k c_k,
 * scaled by the piece's half-width). Errors: UA_EUNSUPPORTED for UA_MAP_LOG, UA_ENOMEM.
 */
ua_status ua_cheb_deriv(const ua_cheb *c, ua_cheb **out);

/*
 * The definite integral of the approximant over its whole domain [a, b] (in x, whatever the
 * map), from the coefficients: int_{-1}^{1} T_k = 2 / (1 - k^2) for even k, 0 for odd k.
 * With UA_MAP_LOG the integrand f(e^t) e^t is itself resolved by ua_cheb_fit first.
 * Errors: UA_ENOMEM, UA_ENOTRESOLVED (log map only; *value still set).
 */
ua_status ua_cheb_integral(const ua_cheb *c, double *value);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_CHEB_H */
