/*
 * Edge detection for piecewise fits (the idea of Chebfun's detectEdge, Pachón, Platte &
 * Trefethen, "Piecewise-smooth chebfuns", IMA J. Numer. Anal. 30, 2010): a jump in f or in one
 * of its first derivatives shows as a divided difference that keeps growing as the grid around
 * it is refined. Track the largest one, zoom in, and finish a jump in f itself by bisection.
 * Then the two probes that tell a pole from a jump: |f| at halving distances from a place, and
 * the zoom onto the largest |f| (docs/cheb.md, docs/spline.md, "Singularities").
 */
#include <float.h>
#include <math.h>

#include "probe.h"

enum { NDER = 4, GRID_FIRST = 50, GRID_ZOOM = 15 };

/* Point i of a uniform grid of n >= 2 points over [a, b]: the ends exactly, and always a finite
 * point of [a, b]. b - a overflows on a wide domain ([0, 1e308]: (b - a) i is infinite for i >= 2;
 * [-1e308, 1e308]: b - a itself): then the width is taken at 2^-10 scale (exact at such
 * magnitudes) and scaled back. */
static double grid_point(double a, double b, int i, int n)
{
    if (i == 0) return a;
    if (i == n - 1) return b;
    double x = a + (b - a) * (double)i / (double)(n - 1);
    if (!isfinite(x)) x = a + (0x1p-10 * b - 0x1p-10 * a) * (double)i / (double)(n - 1) * 0x1p10;
    return fmin(fmax(x, a), b);
}

/* The midpoint of [a, b], inside [a, b] without overflow (a + (b - a) / 2 where b - a is finite,
 * else a / 2 + b / 2). */
static double midpoint(double a, double b)
{
    double c = a + (b - a) / 2;
    if (!isfinite(c)) c = a / 2 + b / 2;
    return fmin(fmax(c, a), b);
}

/* Divided differences of orders 1..nder of f on a uniform grid of npts points over [a, b]: for
 * each order, the largest magnitude (maxd) and the grid points bracketing it (na, nb). */
static ua_status max_divided_differences(ua_probe_sampler *s, double a, double b, int nder,
                                         int npts, double *na, double *nb, double *maxd)
{
    double x[GRID_FIRST], y[GRID_FIRST];
    for (int i = 0; i < npts; i++) {
        x[i] = grid_point(a, b, i, npts);
        ua_status st = ua_probe_sample(s, x[i], &y[i]);
        if (st) return st;
    }
    int len = npts;
    for (int k = 1; k <= nder; k++) {
        len--;
        double best = -1.0;
        int at = 0;
        for (int i = 0; i < len; i++) {
            y[i] = (y[i + 1] - y[i]) / (x[i + k] - x[i]);
            double m = fabs(y[i]);
            if (m > best || isnan(m)) {
                best = m;
                at = i;
            }
        }
        maxd[k - 1] = best;
        na[k - 1] = x[at];
        nb[k - 1] = x[at + k];
    }
    return UA_OK;
}

double ua_probe_simplest_in(double a, double b)
{
    if (a <= 0.0 && 0.0 <= b) return 0.0;
    double m = fmax(fabs(a), fabs(b));
    int e;
    frexp(m, &e);
    for (double p = ldexp(1.0, e); p > 0.0; p *= 0.5) {
        double q = ceil(a / p) * p;
        if (q >= a && q <= b) return q;
    }
    return midpoint(a, b);
}

/* Bisection for a jump in f inside [a, b]: keep the half with the larger difference quotient,
 * down to adjacent floats (or 2^-100 of the domain scale, whichever comes first). */
static ua_status find_jump(ua_probe_sampler *s, double a, double b, double hscale, double *edge)
{
    double ya, yb;
    ua_status st = ua_probe_sample(s, a, &ya);
    if (!st) st = ua_probe_sample(s, b, &yb);
    if (st) return st;
    const double floor_width = ldexp(hscale, -100);
    for (int it = 0; it < 2200; it++) {
        double c = midpoint(a, b);
        if (!(c > a && c < b) || b - a <= floor_width) break;
        double yc;
        st = ua_probe_sample(s, c, &yc);
        if (st) return st;
        double dl = fabs(yc - ya) / (c - a), dr = fabs(yb - yc) / (b - c);
        if (dl > dr) {
            b = c;
            yb = yc;
        } else {
            a = c;
            ya = yc;
        }
    }
    *edge = ua_probe_simplest_in(a, b);
    return UA_OK;
}

ua_status ua_probe_detect_edge(ua_probe_sampler *s, double lo, double hi, double vscale,
                              double hscale, int *found, double *edge)
{
    *found = 0;
    double na[NDER], nb[NDER], maxd[NDER], old[NDER];
    int nder = NDER;
    ua_status st = max_divided_differences(s, lo, hi, nder, GRID_FIRST, na, nb, maxd);
    if (st) return st;
    double ea = na[nder - 1], eb = nb[nder - 1];
    for (int it = 0; it < 400; it++) {
        /* Stop at the domain's resolution, or before the zoom grid's points stop being
         * distinct (14 steps of a few ulps each). */
        double width = eb - ea, mag = fmax(fabs(ea), fabs(eb));
        if (!isfinite(maxd[nder - 1]) || !(width > DBL_EPSILON * hscale) ||
            !(width > 16.0 * DBL_EPSILON * mag))
            break;
        for (int k = 0; k < nder; k++) old[k] = maxd[k];
        st = max_divided_differences(s, ea, eb, nder, GRID_ZOOM, na, nb, maxd);
        if (st) return st;
        int broken = 0;
        for (int k = 0; k < nder; k++)
            if (isnan(maxd[k])) broken = 1;
        if (broken) break; /* rounding took over: the edge is in [ea, eb] */
        /* Pick the lowest order k whose largest difference grew by more than 5.5 - k since
         * the last zoom and is large against the function's scale. Each zoom shrinks the
         * spacing by 14/nder >= 3.5: a jump in the (k-1)-th derivative makes the k-th divided
         * difference grow like 1/h, by that factor, while for a smooth f it stays bounded. */
        int pick = 0;
        for (int k = 1; k <= nder && !pick; k++)
            if (maxd[k - 1] > (5.5 - k) * old[k - 1] &&
                maxd[k - 1] > 10.0 * vscale / pow(hscale, k))
                pick = k;
        if (!pick) return UA_OK; /* nothing grows: no edge */
        if (pick == 1 && eb - ea < 1e-3 * hscale) {
            st = find_jump(s, na[0], nb[0], hscale, edge);
            if (!st) *found = 1;
            return st;
        }
        nder = pick;
        ea = na[nder - 1];
        eb = nb[nder - 1];
    }
    /* located to near rounding (a bracket of at most 2^-30 of the domain's scale): the
     * simplest double of the bracket (0 for abs(x), 0.25 for abs(x - 0.25)), as for a jump,
     * rather than its midpoint (-2.1e-17 for abs(x)); a wider bracket (the zoom stopped early)
     * keeps its midpoint */
    *edge = eb - ea <= 0x1p-30 * hscale ? ua_probe_simplest_in(ea, eb) : midpoint(ea, eb);
    *found = 1;
    return UA_OK;
}

ua_status ua_probe_singularity(ua_probe_sampler *s, double lo, double hi, double e,
                                    int *singular, double *tpeak, double *fpeak)
{
    enum { KMAX = 1100, TAIL = 20 };
    *singular = 0;
    *tpeak = e;
    *fpeak = 0.0;
    double w2 = 0.5 * hi - 0.5 * lo; /* half the width: finite on [-1e308, 1e308] too */
    /* the position of the edge is only known to a few ulps: stay 64 ulps clear of it */
    double dmin = 64.0 * fmax(nextafter(fabs(e), INFINITY) - fabs(e), DBL_MIN);
    double g[KMAX], ye;
    int n = 0;
    if (e >= lo && e <= hi) { /* at the edge itself: a non-finite value is UA_EDOMAIN */
        ua_status st = ua_probe_sample(s, e, &ye);
        if (st) return st;
        *fpeak = fabs(ye);
    }
    for (int k = 4; k < KMAX && n < KMAX; k++) {
        double d = ldexp(w2, 1 - k);
        if (d < dmin) break;
        double m = -1.0;
        for (int side = -1; side <= 1; side += 2) {
            double t = e + side * d;
            if (!(t >= lo && t <= hi)) continue;
            double y;
            ua_status st = ua_probe_sample(s, t, &y);
            if (st) return st; /* a non-finite value: UA_EDOMAIN naming x */
            if (fabs(y) > m) m = fabs(y);
            if (fabs(y) > *fpeak) {
                *fpeak = fabs(y);
                *tpeak = t;
            }
        }
        if (m >= 0.0) g[n++] = m;
    }
    if (n <= TAIL) return UA_OK;
    /* |f| keeps growing over the last TAIL halvings of the distance (by at least 1.5 in all:
     * a pole grows like 2^(20 p), even a logarithm by 1.5 or more), where a jump or a kink
     * levels off at the one-sided limits */
    for (int i = n - TAIL; i < n; i++)
        if (!(g[i] >= g[i - 1])) return UA_OK;
    if (g[n - 1] > 1.5 * g[n - 1 - TAIL]) *singular = 1;
    return UA_OK;
}

ua_status ua_probe_locate_peak(ua_probe_sampler *s, double lo, double hi, double *peak)
{
    double a = lo, b = hi;
    int npts = GRID_FIRST;
    *peak = midpoint(lo, hi);
    for (int it = 0; it < 400; it++) {
        double x[GRID_FIRST], best = -1.0;
        int at = 0;
        for (int i = 0; i < npts; i++) {
            x[i] = grid_point(a, b, i, npts);
            double y;
            ua_status st = ua_probe_sample(s, x[i], &y);
            if (st) return st;
            if (fabs(y) > best) {
                best = fabs(y);
                at = i;
            }
        }
        *peak = x[at];
        /* |f| falls off on both sides of a singularity: the neighbours of the largest sample
         * bracket it */
        double na = x[at > 0 ? at - 1 : 0], nb = x[at + 1 < npts ? at + 1 : npts - 1];
        double mag = fmax(fabs(na), fabs(nb));
        if (!(nb - na < b - a) || !(nb - na > 16.0 * DBL_EPSILON * mag)) break;
        a = na;
        b = nb;
        npts = GRID_ZOOM;
    }
    return UA_OK;
}
