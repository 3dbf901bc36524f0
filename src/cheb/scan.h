/*
 * src/cheb/scan.h — the constructor's own check of a chopped piece on points that are not its
 * construction points (scan.c): Chebfun's sampleTest idea (f at a few arbitrary points compared
 * with the interpolant) and a dense scan that finds narrow features every grid missed.
 */
#ifndef UA_CHEB_SCAN_H
#define UA_CHEB_SCAN_H

#include <stddef.h>
#include "sample.h"

/* The scan's density over a whole domain: about this many points, and at least
 * UA_CHEB_SCAN_PER_GRID per construction point (more for long series). The density is the
 * check's cost (one evaluation of f a point) and its reach: a feature narrower than about a
 * tenth of the scan's spacing (a Gaussian bump at tolerances near eps; a fifth for a quartic
 * one) can fall between the points. Measured (cos 2x + a Gaussian of width w at 20 places in
 * [-1, 1], tol 1e-12; a miss: "resolved" with an error > 1e-10 at the bump):
 *     points   missed at w = 2e-5  5e-5   1e-4   2e-4    check's cost (exp on [-1, 1])
 *     8192              7/20       0/20   0/20   0/20    ~2.7x the construction
 *     4096             14/20       2/20   0/20   0/20    ~1.2x
 *     2048             20/20      13/20   5/20   0/20    ~0.4x
 * (bench/scan_cost.sh for the costs). Every honesty test in tests/test_cheb.c passes with each.
 * 8192 is kept: the check costs microseconds to a millisecond, far below the independent
 * measurement that follows every fit, and a feature the check misses is one the fit cannot
 * refine for. */
enum { UA_CHEB_SCAN_POINTS = 1 << 13, UA_CHEB_SCAN_MAX = 1 << 15, UA_CHEB_SCAN_MIN = 64,
       UA_CHEB_SCAN_PER_GRID = 4 };

/* Series up to this length are summed by Clenshaw at the scan points (n flops a point), longer
 * ones through the FFT (about 5 log2(2m) flops a point, whatever n): measured crossover,
 * bench/scan_cost.sh. */
enum { UA_CHEB_SCAN_CLENSHAW = 48 };

/* f on the scan points of one piece, kept so that a refit of the same piece (a longer grid)
 * is checked again without evaluating f again. Zero-initialise; release with
 * ua_cheb_scan_release (the buffers go back to a small pool in scan.c, so that the next piece or
 * fit reuses memory that is already mapped). */
typedef struct {
    double lo, hi; /* the piece (in t) the values belong to */
    size_t m;      /* scan points (0: none yet) */
    double *y;     /* (m,) f at the scan points (0 where a point is not strictly inside) */
    double *se;    /* (m,) s where ua_cheb_eval puts each point; NaN: not strictly inside */
    size_t cap;    /* doubles in the buffer behind y and se */
    int have_sigma; /* sigma measured */
    double sigma;   /* the rounding noise of f on the piece (scan.c, measure_noise) */
} ua_cheb_scan;

void ua_cheb_scan_release(ua_cheb_scan *sc);

/* The outcome of a check. */
typedef struct {
    int pass;       /* 1: |f - p| <= thr at every point checked */
    double ratio;   /* max |f - p| / thr over the points (<= 1 when pass) */
    double err;     /* |f - p| at the worst point (largest ratio) */
    double thr;     /* the threshold there */
    double t_worst; /* where (in t) */
    double fmax;    /* max |f| over the points checked */
    size_t m;       /* points checked */
} ua_cheb_check;

/*
 * Checks the series coeffs (n,) of the piece [lo, hi] (in t) against f on points that are not
 * Chebyshev points of any grid: two arbitrary points (sampleTest) and m scan points
 * t_j = mid + half cos(pi (j + d) / m), j < m, d = (sqrt 5 - 1) / 2 (an irrational offset: never
 * a point cos(pi k / 2^q) of a construction grid), m = ua_cheb_scan_count(grid, frac).
 * The interpolant is taken where ua_cheb_eval would put x (s(x_j), not the exact
 * cos(pi (j + d) / m)): for a short series (n <= UA_CHEB_SCAN_CLENSHAW) by Clenshaw at s(x_j)
 * itself, several points at once; for a longer one from one complex FFT of size 2m (values and
 * derivative, p(s_j) + p'(s_j) (s(x_j) - s_j)). The angles and the FFT plan of each size are
 * computed once per process and shared (read-only) by every fit and thread.
 *
 * Passes when at every point |f - p| <= thr with
 *     thr = tol * V (relative), or max(tol, 2^-52 V) (absolute), plus 8 eps V + 2 noise,
 * V = max(vscale, max |f| over the points checked), eps = 2^-52, and noise = max over
 * neighbouring scan points of |f_{j+1} - f_j| / |t_{j+1} - t_j| * eps / 2 * max |t| — the
 * conditioning floor ua_cheb_fit_piece also allows (a grid point t is only known to half an ulp
 * of |t|), counted only while below sqrt(tol_rel) V (above, it is a feature, not rounding).
 * The noise term (and the measured rounding noise of f, scan.c measure_noise) is computed only
 * when the points fail without it, so out->thr and out->ratio of a passing check may leave it
 * out (the verdict is the same).
 * Values of f are evaluated directly (not through the sampler's memo: no scan point is ever
 * sampled twice), counted in s->nevals. UA_EDOMAIN (f not finite, naming x), UA_ENOMEM.
 */
ua_status ua_cheb_check_piece(ua_cheb_sampler *s, double lo, double hi, const double *coeffs,
                              size_t n, size_t m, const ua_cheb_tol *tol, double vscale,
                              ua_cheb_scan *sc, ua_cheb_check *out);

/* The scan points of a piece built on a grid of size grid covering the fraction frac (0, 1] of
 * the domain (in t): a power of two, UA_CHEB_SCAN_POINTS * frac and at least
 * UA_CHEB_SCAN_PER_GRID * grid (so that every interval of the construction grid holds that many
 * scan points), within [UA_CHEB_SCAN_MIN, UA_CHEB_SCAN_MAX]. */
size_t ua_cheb_scan_count(size_t grid, double frac);

#endif /* UA_CHEB_SCAN_H */
