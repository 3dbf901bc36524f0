/*
 * src/probe/probe.h — the edge / pole / peak probe of 1-D targets (internal; below the families).
 *
 * A sampler evaluates a target f in a variable t (t = x, or t = ln x for a log map), checks that
 * every value is finite, and can remember every value so that no point is evaluated twice. On it
 * work three probes that the 1-D families share:
 *   - ua_probe_detect_edge: a jump in f or in one of its first four derivatives (Chebfun's
 *     detectEdge idea; cheb splits there, minimax names a pole with it when Remez fails);
 *   - ua_probe_singularity: whether |f| grows without bound at a place (a pole or a logarithm)
 *     or levels off (a jump, a kink);
 *   - ua_probe_locate_peak: where |f| is largest in an interval (at a pole, the pole).
 * It includes no family header: cheb, spline and minimax include it.
 */
#ifndef UA_PROBE_PROBE_H
#define UA_PROBE_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/problem.h"
#include "uniapprox/status.h"
#include "uniapprox/target.h" /* ua_fn1 */

/* The sampler's variable; the values are those of the cheb family's ua_map (cheb passes its map
 * through), but the probe needs no family header for them. */
enum { UA_PROBE_MAP_NONE = 0, UA_PROBE_MAP_LOG = 1 };

typedef struct {
    ua_fn1 f;
    void *ctx;
    int map;       /* UA_PROBE_MAP_NONE: t = x; UA_PROBE_MAP_LOG: t = ln x */
    double xa, xb; /* domain in x */
    double ta, tb; /* domain in t (== xa, xb without a map) */
    /* memo of f, keyed by the bits of x; NULL when not used (a single fit never repeats a point) */
    uint64_t *keys;
    double *vals;
    size_t cap, count;
    size_t nevals; /* calls of f */
} ua_probe_sampler;

/* x for a value of t: exact at the domain ends, exp(t) inside for the log map. */
double ua_probe_sampler_x(const ua_probe_sampler *s, double t);

/* f at t into *y; UA_EDOMAIN ("target is NaN at x = X": names x) when not finite, UA_ENOMEM. */
ua_status ua_probe_sample(ua_probe_sampler *s, double t, double *y);

/* Turns memoisation on (expected number of points as a sizing hint). UA_ENOMEM. Released by
 * ua_probe_sampler_release (also safe on a sampler without memo). */
ua_status ua_probe_sampler_memo(ua_probe_sampler *s, size_t hint);
void ua_probe_sampler_release(ua_probe_sampler *s);

/* The double of [a, b] with the fewest significant bits (0 when 0 is inside; a <= b): a point
 * known only to lie in [a, b] (an edge, a zero located to rounding) is reported as the simplest
 * number there, 0 for sign(x) rather than some 1e-30. */
double ua_probe_simplest_in(double a, double b);

/*
 * Looks for a jump in f or in one of its first four derivatives inside (lo, hi) (in t; the idea
 * of Chebfun's detectEdge, Pachón, Platte & Trefethen, IMA J. Numer. Anal. 30, 2010). vscale:
 * the function's scale max |f|; hscale: the domain's, max(|ta|, |tb|). *edge is set and
 * *found = 1 when one is located; *found = 0 otherwise. UA_EDOMAIN when a sample is not finite.
 */
ua_status ua_probe_detect_edge(ua_probe_sampler *s, double lo, double hi, double vscale,
                               double hscale, int *found, double *edge);

/*
 * Whether f is unbounded at the place e of [lo, hi] (all in t): samples at e +- (hi - lo) 2^-k,
 * k = 4, 5, ..., down to 64 ulps of e, and reports *singular = 1 when max |f| over the two sides
 * keeps growing over the last 20 halvings (by more than 1.5 in all: poles and logarithmic
 * singularities; a jump or a kink levels off). *tpeak, *fpeak: where the largest |f| was seen,
 * and its value. UA_EDOMAIN when a sample is not finite.
 */
ua_status ua_probe_singularity(ua_probe_sampler *s, double lo, double hi, double e,
                               int *singular, double *tpeak, double *fpeak);

/* *peak := where |f| is largest in [lo, hi] (in t), by zooming a uniform grid in on its largest
 * sample (50 points, then 15 over the two neighbours, down to a few ulps): at a pole, the pole.
 * UA_EDOMAIN when a sample is not finite. */
ua_status ua_probe_locate_peak(ua_probe_sampler *s, double lo, double hi, double *peak);

/*
 * Whether f is at the rounding level of its own evaluation (src/probe/noise.c): given its values
 * y (n,) at points x (n,) of [lo, hi], evaluates f at a few points 1 ulp to 2^-20 of the width
 * from each interior x and sets *noise = 1 when at more than half of them f moves by at least
 * max |y| / 8 (values uncorrelated between neighbouring doubles: a cancellation down to
 * rounding, (x + 1) - x - 1); *level is then the largest |f| seen, the size of that rounding.
 * Stops early (at about 4 evaluations a point for half the points) on a smooth f. Needs 8
 * interior points; the zero function and non-finite values are not noise (*noise = 0).
 */
ua_status ua_probe_rounding_level(ua_fn1 f, void *ctx, const double *x, const double *y, size_t n,
                                  double lo, double hi, int *noise, double *level);

typedef struct ua_probe_problem_fn ua_probe_problem_fn;

/*
 * Whether a 1-D FORMULA or FUNCTION problem is at the rounding level of its own evaluation, on
 * 17 Chebyshev points of [a, b] (in ln x when log_map). A formula: its values as sampled (fn) and
 * its reference at 128 bits are at least 2^20 times larger than the reference at 512 bits (zero,
 * or nearly, in exact arithmetic: (x + 1) - x - 1, sin(x - pi) + sin(-x - pi)); *exact is then
 * the largest |f| at 512 bits and *mid the midpoint of its extremes. A function (its reference
 * is itself, in double): its values are rough on the grid and ua_probe_rounding_level says they
 * are noise; *exact = -1 and *mid the midpoint of the values. *level: the largest rounding error
 * seen. *noise = 0 otherwise, also when a value is not finite (the fit reports it). Costs 17
 * evaluations (and 34 in MPFR for a formula), plus the neighbours of a rough function.
 */
ua_status ua_probe_problem_rounding_level(const ua_problem *p, ua_probe_problem_fn *fn, double a,
                                          double b, int log_map, int *noise, double *level,
                                          double *exact, double *mid);

/* The sentence a family records (metadata "fit_note") for such a target, from the figures of
 * ua_probe_problem_rounding_level and the absolute tolerance it records (tol_abs). */
void ua_probe_rounding_note(char *buf, size_t size, double level, double exact, double mid,
                            double tol_abs);

/*
 * A 1-D FORMULA or FUNCTION problem as a ua_fn1 for the 1-D constructors (cheb, spline): pass
 * ua_probe_problem_fn1 with a ua_probe_problem_fn as ctx. A failed call (the user's function
 * crashed or timed out) returns NaN, as ua_problem_fn1 does, but its status and message are kept
 * (the first one only), so that the family can report the crash rather than "NaN at x". After
 * such a failure the problem is not called again (every later call returns NaN at once), so a
 * function that hangs costs one --timeout, not one per retry of the constructor.
 * Single-threaded use (the constructors call f from one thread).
 */
struct ua_probe_problem_fn {
    const ua_problem *p;
    ua_status fail;  /* the first failed call's status, UA_OK when none */
    char msg[512];   /* and its message (without the location tag) */
    int called_failed; /* a call of the problem failed: later calls return NaN, uncalled */
};

double ua_probe_problem_fn1(double x, void *ctx);

/* After a constructor returned s: when a call of the problem failed, that failure (status and
 * message, recorded again) instead of the constructor's "target is NaN" UA_EDOMAIN; else s. */
ua_status ua_probe_problem_status(const ua_probe_problem_fn *c, ua_status s);

#endif /* UA_PROBE_PROBE_H */
