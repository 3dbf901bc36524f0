/*
 * src/spline/scan.h — AutoKnots' own check after convergence (scan.c): f on points that are
 * neither knots nor tested midpoints, compared with the spline, so that a narrow feature between
 * knots (which the midpoint tests never saw) gets knots instead of a "resolved" verdict.
 */
#ifndef UA_SPLINE_SCAN_H
#define UA_SPLINE_SCAN_H

#include <stddef.h>
#include "internal.h"

/* The scan's points over [a, b]: at least this many, 4 per knot beyond that, at most the max.
 * The density is the check's cost (one evaluation of f a point) and its reach: a feature
 * narrower than about a tenth of the spacing (Gaussian) can fall between the points. Every
 * honesty test (tests/test_spline.c) passes with 2048, 4096 and 8192; 8192 is kept for the
 * reach (as in cheb, src/cheb/scan.h): its cost is far below the measurement after the fit. */
enum { UA_SPLINE_SCAN_POINTS = 1 << 13, UA_SPLINE_SCAN_MAX = 1 << 15 };

/* A failing scan point: where, f there, and |f - s| against the threshold. */
typedef struct {
    double x, y, err, thr;
} ua_spline_scan_fail;

/*
 * Evaluates f at m = ua_spline_scan_count(nknots) points t_j = t_a + (t_b - t_a)(j + d) / m,
 * d = (sqrt 5 - 1) / 2 (uniform in the spline variable with an irrational offset: never a knot
 * or a midpoint of the dyadic subdivision AutoKnots makes; a point that is a knot anyway is
 * skipped, and so are points in a jump's gap) and compares with sp: a point fails when
 *     |f - s| > rtol (|f| + fscale) + 8 eps V,   V = max |y| over the knots and the scan
 * (the AutoKnots point test, plus a rounding allowance of a few eps times the scale, so that a
 * zero of f does not demand a relative error of 0). fails (cap entries): the worst failing point
 * of each knot interval, *nfail of them (at most cap; the worst first when more fail);
 * *worst: the worst over all (err / thr largest; worst->err = 0 when none fails).
 * *nevals counts the evaluations. UA_EDOMAIN (f not finite, naming x), UA_ENOMEM.
 */
ua_status ua_spline_scan(ua_fn1 f, void *ctx, const ua_spline *sp, double rtol, double fscale,
                         ua_spline_scan_fail *fails, size_t cap, size_t *nfail,
                         ua_spline_scan_fail *worst, size_t *nevals);

/* The scan's size for a spline of n knots: a power of two >= max(UA_SPLINE_SCAN_POINTS, 4 n),
 * at most UA_SPLINE_SCAN_MAX. */
size_t ua_spline_scan_count(size_t n);

#endif /* UA_SPLINE_SCAN_H */
