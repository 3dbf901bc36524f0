/*
 * src/cheb/sample.h — the sampler shared by the fitting code (fit.c, split.c, edge.c): evaluates
 * the target in the series' variable t (x, or ln x for the log map), checks finiteness, and (in
 * piecewise mode) remembers every value so that no point is evaluated twice.
 */
#ifndef UA_CHEB_SAMPLE_H
#define UA_CHEB_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include "internal.h"

typedef struct {
    ua_fn1 f;
    void *ctx;
    ua_map map;
    double xa, xb; /* domain in x */
    double ta, tb; /* domain in t (== xa, xb without a map) */
    /* memo of f, keyed by the bits of x; NULL when not used (a single fit never repeats a point) */
    uint64_t *keys;
    double *vals;
    size_t cap, count;
    size_t nevals; /* calls of f */
} ua_cheb_sampler;

/* Options of one piece fit, derived from ua_cheb_options. */
typedef struct {
    double tol;
    int abs_tol;
} ua_cheb_tol;

/* Result of fitting one piece. coeffs is malloc'ed (n entries, chopped when resolved). */
typedef struct {
    double *coeffs;
    size_t n;
    int resolved;
    int floored;   /* resolved only after an absolute tolerance below 2^-52 vscale was raised to
                      that floor (it cannot be met in double): the fit reports not resolved */
    double vscale; /* max |f| over the samples */
} ua_cheb_piece_fit;

/* x for a value of t: exact at the domain ends, exp(t) inside for the log map. */
double ua_cheb_sampler_x(const ua_cheb_sampler *s, double t);

/* f at t into *y; UA_EDOMAIN (message names x) when not finite, UA_ENOMEM. */
ua_status ua_cheb_sample(ua_cheb_sampler *s, double t, double *y);

/* Turns memoisation on (expected number of points as a sizing hint). */
ua_status ua_cheb_sampler_memo(ua_cheb_sampler *s, size_t hint);
void ua_cheb_sampler_release(ua_cheb_sampler *s);

/*
 * Adaptive fit of one piece [lo, hi] (in t) on grids 17, 33, ... up to the largest 2^k + 1 <=
 * nmax. ext_lo / ext_hi: the endpoint is an interior breakpoint, where the target may jump:
 * its value is extrapolated from the interior samples instead of sampled. vscale_global: the
 * scale the relative tolerance refers to (max with the piece's own). On UA_OK *out is filled
 * (resolved or not); on failure nothing is left allocated.
 */
ua_status ua_cheb_fit_piece(ua_cheb_sampler *s, double lo, double hi, size_t nmax, int ext_lo,
                            int ext_hi, const ua_cheb_tol *tol, double vscale_global,
                            ua_cheb_piece_fit *out);

/*
 * Looks for a jump in f or in one of its first four derivatives inside (lo, hi) (Chebfun's
 * detectEdge idea). *edge is set and *found = 1 when one is located; *found = 0 otherwise.
 */
ua_status ua_cheb_detect_edge(ua_cheb_sampler *s, double lo, double hi, double vscale,
                              double hscale, int *found, double *edge);

/*
 * Whether f is unbounded at the edge e of [lo, hi] (all in t): samples at e +- (hi - lo) 2^-k,
 * k = 4, 5, ..., down to 64 ulps of e, and reports *singular = 1 when max |f| over the two sides
 * keeps growing over the last 20 halvings (by more than 1.5 in all: poles and logarithmic
 * singularities; a jump or a kink levels off). *tpeak, *fpeak: where the largest |f| was seen,
 * and its value. UA_EDOMAIN when a sample is not finite.
 */
ua_status ua_cheb_probe_singularity(ua_cheb_sampler *s, double lo, double hi, double e,
                                    int *singular, double *tpeak, double *fpeak);

/* *peak := where |f| is largest in [lo, hi] (in t), by zooming a uniform grid in on its largest
 * sample (50 points, then 15 over the two neighbours, down to a few ulps): at a pole, the pole.
 * UA_EDOMAIN when a sample is not finite. */
ua_status ua_cheb_locate_peak(ua_cheb_sampler *s, double lo, double hi, double *peak);

#endif /* UA_CHEB_SAMPLE_H */
