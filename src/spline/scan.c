/*
 * AutoKnots' own check after convergence (scan.h). The sweeps test interval midpoints only: a
 * feature narrower than the knot spacing that sits between midpoints (a spike) leaves every test
 * passing and the spline "resolved" with an O(1) error there. The scan samples f between the
 * knots and midpoints and returns the failing places, which become knots.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "scan.h"

/* The scan's offset, (sqrt 5 - 1) / 2: (j + d) / m is never a dyadic fraction. */
#define SCAN_OFFSET 0.61803398874989484820

size_t ua_spline_scan_count(size_t n)
{
    size_t m = UA_SPLINE_SCAN_POINTS;
    while (m < UA_SPLINE_SCAN_MAX && m < 4 * n) m *= 2;
    return m;
}

/* The largest i with x[i] <= v (x[0] <= v assumed), at most n - 2. */
static size_t interval_of(const double *x, size_t n, double v)
{
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] <= v) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* A scan point that may fail: kept until the final V is known. */
typedef struct {
    double x, y, err;
    size_t i; /* its knot interval */
} candidate;

/*
 * One pass over the scan points in increasing x: the knot interval follows the points (a step
 * forward, not a binary search per point: the scan used to spend most of its time in three
 * searches per point), the spline is evaluated as ua_spline_eval does (the cubic of that
 * interval at map(x)), and only the points that may fail are kept: the threshold uses
 * V = max |y| over the knots and the whole scan, which only grows as the pass goes on, so a
 * point that passes against the running V passes against the final one too. Then the candidates
 * are judged with the final V, exactly as if every point had been kept.
 */
ua_status ua_spline_scan(ua_fn1 f, void *ctx, const ua_spline *sp, double rtol, double fscale,
                         ua_spline_scan_fail *fails, size_t cap, size_t *nfail,
                         ua_spline_scan_fail *worst, size_t *nevals)
{
    *nfail = 0;
    worst->x = worst->y = worst->err = 0.0;
    worst->thr = 1.0;
    const size_t n = sp->n;
    if (n < 2) return UA_OK;
    const double a = sp->x[0], b = sp->x[n - 1];
    const double ta = ua_spline_map_x(sp->map, a), tb = ua_spline_map_x(sp->map, b);
    const size_t m = ua_spline_scan_count(n);
    /* a jump's gap: interval i runs from a piece's last knot to the next piece's first */
    unsigned char *gap = ua_calloc(n, 1);
    if (!gap) return UA_ENOMEM_ERR(n);
    for (size_t p = 1; p < sp->npieces; p++)
        if (sp->first[p] >= 1) gap[sp->first[p] - 1] = 1;
    double V = 0.0;
    for (size_t i = 0; i < n; i++) V = fmax(V, fabs(sp->y[i]));
    candidate *cand = NULL;
    size_t ncand = 0, capc = 0;
    ua_status st = UA_OK;
    size_t i = 0;
    const double inv_m = 1.0 / (double)m; /* m a power of two: the same as dividing, bitwise */
    for (size_t j = 0; j < m; j++) {
        double t = ta + (tb - ta) * (((double)j + SCAN_OFFSET) * inv_m);
        double x = ua_spline_unmap_t(sp->map, t);
        if (!(x > a && x < b)) continue;
        if (sp->x[i] <= x) {
            while (i + 2 < n && sp->x[i + 1] <= x) i++; /* forward, at most n - 2 */
        } else {
            i = interval_of(sp->x, n, x); /* the map's rounding went backwards: search */
        }
        if (gap[i] || x == sp->x[i]) continue;
        double y = f(x, ctx);
        (*nevals)++;
        if (!isfinite(y)) {
            st = UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(y) ? "NaN" : "infinite", x);
            break;
        }
        if (fabs(y) > V) V = fabs(y); /* not fmax: a libm call here */
        /* ua_spline_eval(sp, x): the interval's cubic at map(x) (x is inside [a, b]) */
        double err = fabs(y - ua_spline_local(sp, i, ua_spline_map_x(sp->map, x)));
        if (!(err > rtol * (fabs(y) + fscale) + 8.0 * DBL_EPSILON * V)) continue;
        if (ncand == capc) {
            size_t nc = capc ? 2 * capc : 64;
            candidate *c2 = realloc(cand, nc * sizeof *c2);
            if (!c2) {
                st = UA_ENOMEM_ERR(nc * sizeof *c2);
                break;
            }
            cand = c2;
            capc = nc;
        }
        cand[ncand++] = (candidate){ x, y, err, i };
    }
    if (!st) {
        const double allow = 8.0 * DBL_EPSILON * V;
        size_t cur = (size_t)-1;
        double cur_ratio = 1.0, worst_ratio = 1.0; /* only failures (ratio > 1) are kept */
        for (size_t q = 0; q < ncand; q++) {
            double x = cand[q].x, y = cand[q].y, err = cand[q].err;
            double thr = rtol * (fabs(y) + fscale) + allow;
            double ratio = thr > 0.0 ? err / thr : (err > 0.0 ? INFINITY : 0.0);
            if (ratio > worst_ratio) {
                worst_ratio = ratio;
                worst->x = x;
                worst->y = y;
                worst->err = err;
                worst->thr = thr;
            }
            if (!(ratio > 1.0)) continue;
            size_t iv = cand[q].i;
            if (iv != cur || *nfail == 0) { /* a new interval: a new entry */
                if (*nfail == cap) continue;
                cur = iv;
                cur_ratio = 0.0;
                (*nfail)++;
            }
            if (ratio > cur_ratio) { /* the interval's worst */
                cur_ratio = ratio;
                ua_spline_scan_fail *e = &fails[*nfail - 1];
                e->x = x;
                e->y = y;
                e->err = err;
                e->thr = thr;
            }
        }
    }
    free(gap);
    free(cand);
    return st;
}
