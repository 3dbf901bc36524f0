/*
 * uniapprox/spline.h — the `spline` family: cubic splines with adaptive knots (AutoKnots), and
 * interpolating splines through given samples.
 *
 * A ua_spline is a piecewise cubic on [a, b] with knots a = x_0 < x_1 < ... < x_{N-1} = b. The
 * cubics live in a spline variable t = map(x): t = x (UA_SPLINE_MAP_NONE), t = ln x
 * (UA_SPLINE_MAP_LOG, for domains spanning decades) or t = asinh x (UA_SPLINE_MAP_ASINH, for
 * domains spanning decades on both sides of 0). On the interval [x_i, x_{i+1}] the spline is
 *     s(x) = y_i + u (B_i + u (C_i + u D_i)),   u = (map(x) - t_i) / (t_{i+1} - t_i) in [0, 1],
 * local shifted coordinates: at a knot u = 0 and s(x_i) = y_i exactly, also for knots far from
 * zero (x near 1e9) or values near the overflow limit (results never overflow to +-Inf where the
 * data are finite: they are clamped to +-DBL_MAX).
 *
 * Where the target has a jump, the spline is piecewise: separate splines on each side, joined at
 * breakpoints a = c_0 < c_1 < ... < c_P = b (c_1 ... c_{P-1} are the jump locations, each the
 * first double on the right side of the jump). Without jumps P = 1.
 *
 * Extrapolation policy (the same at both ends, and the same as the cheb family): evaluation
 * outside [a, b] returns NaN. A spline through samples has [a, b] = [min x, max x].
 *
 * Sources: de Boor, "A Practical Guide to Splines" (not-a-knot end conditions, chapter IV);
 * "AutoKnots: Adaptive Knot Allocation for Spline Interpolation", arXiv 2412.13423, as
 * implemented by NumCosmo's ncm_spline_func (adaptive knots, point and integral tests, the refine
 * pass). docs/spline.md has the mathematics, the defaults and the NFW benchmark table.
 */
#ifndef UNIAPPROX_SPLINE_H
#define UNIAPPROX_SPLINE_H

#include <stddef.h>
#include "uniapprox/status.h"
#include "uniapprox/target.h" /* ua_fn1 */

#ifdef __cplusplus
extern "C" {
#endif

/* End conditions of the cubic spline system. Append only. */
typedef enum {
    UA_SPLINE_NOT_A_KNOT = 0, /* s''' continuous at the second and the next-to-last knot: the
                                 first two and the last two intervals are one cubic each
                                 (reproduces every cubic exactly) */
    UA_SPLINE_NATURAL = 1,    /* s'' = 0 at both ends (reproduces straight lines) */
    UA_SPLINE_CLAMPED = 2,    /* s' given at both ends (slope_a, slope_b; reproduces cubics when
                                 the slopes are exact) */
    UA_SPLINE_HERMITE = 3     /* no end condition: a piecewise cubic Hermite interpolant whose
                                 slopes come from a local rule (PCHIP, Akima); a model's label,
                                 not an option of ua_spline_fit */
} ua_spline_bc;

/* The spline variable t = map(x). Append only. */
typedef enum {
    UA_SPLINE_MAP_NONE = 0,  /* t = x */
    UA_SPLINE_MAP_LOG = 1,   /* t = ln x; needs 0 < a */
    UA_SPLINE_MAP_ASINH = 2  /* t = asinh x: like ln |x| for |x| >> 1, like x near 0 */
} ua_spline_map;

/* Options of ua_spline_fit and ua_spline_from_samples. Start from ua_spline_options_default. */
typedef struct {
    double rtol;          /* AutoKnots: relative tolerance (default 1e-8, at least 2^-52); a
                             test passes when |f - s| <= rtol (|f| + fscale) */
    double fscale;        /* AutoKnots: the function scale of the absolute part of the
                             tolerance, in the units of f (default 0: purely relative) */
    ua_spline_bc bc;      /* end conditions (default UA_SPLINE_NOT_A_KNOT) */
    double slope_a;       /* UA_SPLINE_CLAMPED: df/dx at a (in x, whatever the map) */
    double slope_b;       /* UA_SPLINE_CLAMPED: df/dx at b */
    ua_spline_map map;    /* spline variable (default UA_SPLINE_MAP_NONE) */
    size_t max_knots;     /* AutoKnots: most knots before giving up (default 100000, at most
                             4e6: about 150 bytes of memory each) */
    size_t init_knots;    /* AutoKnots: uniform knots in t to start from (default 6, at least 2) */
    int refine;           /* AutoKnots: nonzero runs the refine pass (default 1) */
    double refine_sd;     /* AutoKnots: the refine pass re-tests intervals wider than
                             mean + refine_sd * sd of the widths in t (default 1) */
} ua_spline_options;

/* A fitted cubic spline. Immutable once built: evaluation is thread-safe. */
typedef struct ua_spline ua_spline;

/* Fills *opt with the defaults listed in ua_spline_options. */
void ua_spline_options_default(ua_spline_options *opt);

/*
 * AutoKnots: builds a cubic spline of f on [a, b] whose knots are placed adaptively.
 *
 * Starts from opt->init_knots knots uniform in t = map(x). Each sweep tests the midpoint (in t)
 * of every untested interval against the current spline: the point test
 * |f(x_m) - s(x_m)| <= rtol (|f(x_m)| + fscale) and the integral test
 * |I_simpson - I_spline| <= rtol (|I_simpson| + fscale h) over the interval (both in t, h its
 * width). The midpoint always becomes a knot (every evaluation of f is used); an interval that
 * passes both tests is done, its halves are not tested again. The spline is rebuilt after each
 * sweep, until a sweep has no failure. Then the refine pass re-tests every interval wider than
 * mean + refine_sd * sd of the interval widths (in t), and the sweeps go on, until a refine pass
 * finds no failure.
 *
 * Jumps: where the change across half of a failed interval dwarfs the other half's and its
 * neighbours' (or an interval keeps failing down to a width of 64 machine epsilons), the jump is
 * located by bisection on the function values down to two adjacent doubles; when a good part
 * (a quarter or more) of the change happens across them it is a jump: both become knots, the
 * first double on the right becomes a breakpoint and the spline is piecewise (separate
 * cubic splines on each side; at a jump each side ends with the not-a-knot condition, or the
 * natural one for UA_SPLINE_NATURAL). A continuous kink is resolved by knot clustering; an
 * interval that fails at the precision limit without a jump is accepted as it is.
 *
 * Singularities: a pole between two doubles (tan x at pi/2) looks like a jump, an even pole or a
 * logarithm (1/sin^2 x, log |sin x| at pi) like knots clustering at the precision limit. Once the
 * knots are placed, those places (largest |f| first, at most 16) are probed with the test the
 * cheb family uses (src/probe: |f| at e +- (b - a) 2^-k keeps growing over the last
 * 20 halvings, where a jump or a kink levels off); a cluster is first narrowed to its largest
 * |f|. Where |f| grows without bound the fit is not resolved and the message names the place as
 * cheb does ("the target appears to have a singularity near x = X (|f| grows without bound
 * there, F at x = XP); fit on either side of it").
 *
 * Returns UA_OK and *out when every test passed; UA_ENOTRESOLVED with *out still set to the
 * spline built from every knot evaluated so far when a singularity was found, or when
 * opt->max_knots was reached and that spline, checked again (its untested midpoints and the
 * scan), still fails somewhere (the message names the worst place; one that passes is UA_OK);
 * ua_spline_error_estimate estimates its error;
 * UA_EINVAL for a >= b, a non-finite endpoint, UA_SPLINE_MAP_LOG with a <= 0, rtol < 2^-52 or
 * not finite, fscale < 0, max_knots < init_knots or above 4e6, init_knots < 2, non-finite clamped
 * slopes;
 * UA_EDOMAIN when f is NaN or +-Inf at a point it is evaluated at (the message gives x: a pole
 * at a double, 1/(x - 0.5) on [0, 1]);
 * UA_ENOMEM. On errors other than UA_ENOTRESOLVED *out is NULL.
 * opt NULL means the defaults. f is called from this thread only. Cost: one evaluation of f per
 * knot (plus at most 64 per run of the jump locator, whose bisection points do not become
 * knots except the two bracketing the jump; and, only where there are jumps or clusters, about
 * 2 log2((b - a) / (64 ulp)) per probed place, ~90 for [1, 2], plus 50 to 100 to narrow a
 * cluster), and O(N) per sweep for the rebuild.
 */
ua_status ua_spline_fit(ua_fn1 f, void *ctx, double a, double b, const ua_spline_options *opt,
                        ua_spline **out);

/*
 * The interpolating cubic spline through the samples (x[k], y[k]), k < n (copies them): sorted
 * by x first, so the result does not depend on the order of the input (ascending, descending or
 * shuffled give bitwise the same spline). Uses opt->bc (with slope_a, slope_b at min x and max x
 * for UA_SPLINE_CLAMPED) and opt->map; the AutoKnots fields are ignored. Two samples give a
 * straight line, three with not-a-knot the parabola through them. The domain is [min x, max x];
 * outside it the spline is NaN.
 * Errors: UA_EINVAL (n < 2; x or y NULL; a non-finite x or y, naming its row; two samples with
 * the same x — also x that differ only beyond double precision and so round to the same
 * double — naming both rows, 1-based in input order; x that the map sends to the same t;
 * UA_SPLINE_MAP_LOG with some x <= 0; non-finite clamped slopes), UA_ENOMEM.
 * Cost O(n log n).
 */
ua_status ua_spline_from_samples(const double *x, const double *y, size_t n,
                                 const ua_spline_options *opt, ua_spline **out);

/* Releases a spline. ua_spline_free(NULL) is a no-op. */
void ua_spline_free(ua_spline *s);

/*
 * Value at x: binary search for the knot interval, then the local cubic in shifted coordinates
 * (see above). NaN outside [a, b] and for NaN x; at a knot the knot's value exactly; never
 * +-Inf (clamped to +-DBL_MAX). Thread-safe. Cost O(log N).
 */
double ua_spline_eval(const ua_spline *s, double x);

/* ua_fn1 adapter: ctx is a const ua_spline *; returns ua_spline_eval(ctx, x). */
double ua_spline_fn1(double x, void *ctx);

/*
 * The exact integral of the spline over [x0, x1] in the spline variable t, int s dt (for
 * UA_SPLINE_MAP_NONE the ordinary integral in x). Needs a <= x0 <= x1 <= b.
 * Errors: UA_EINVAL (bounds out of order or outside [a, b]). Cost O(log N + intervals covered).
 */
ua_status ua_spline_integral_t(const ua_spline *s, double x0, double x1, double *value);

/* Accessors; pointers are owned by s. */
size_t ua_spline_nknots(const ua_spline *s);
const double *ua_spline_knots(const ua_spline *s);  /* (N,) x_i, strictly increasing */
const double *ua_spline_values(const ua_spline *s); /* (N,) y_i */
size_t ua_spline_npieces(const ua_spline *s);       /* 1 + number of jumps */
const double *ua_spline_breaks(const ua_spline *s); /* (npieces + 1,) a, jump locations, b */
ua_spline_map ua_spline_get_map(const ua_spline *s);
ua_spline_bc ua_spline_get_bc(const ua_spline *s);
/* 1 unless AutoKnots found a singularity, or its final spline failed its own check (after the
 * knots ran out, or the scan's failures could not be added) */
int ua_spline_resolved(const ua_spline *s);
/* AutoKnots: an estimate (not a bound) of the spline's relative error: the largest
 * |f - s| / (|f| + fscale) at a tested midpoint that passed, measured before that midpoint became a
 * knot; when max_knots was reached, also where the final spline fails its check again; at a
 * singularity, also at the points its probe sampled. 0 for samples. */
double ua_spline_error_estimate(const ua_spline *s);
/* AutoKnots: evaluations of f made (knots, the jump locator's bisection points and the
 * singularity probe's points). */
size_t ua_spline_nevals(const ua_spline *s);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_SPLINE_H */
