/*
 * Locating a singular point to the last ulp (docs/cheb.md, "Splitting"): the edge detector
 * (src/probe/edge.c) brackets an edge in a derivative to a few ulps, or to 2^-30 of the domain's
 * scale, and snaps to the simplest double of that bracket, which for |x - 1/3| is 3.5 ulps from
 * the kink. Two refinements, tried in this order:
 *
 *  1. A kink (the one-sided slopes differ): quadratics through f at e - d, e - 2d, e - 3d and at
 *     e + d, e + 2d, e + 3d, intersected (Newton in long double); the estimate is re-centred and
 *     d halved until two successive estimates agree to half an ulp. The truncation error is
 *     O(d^3 f''' / [f']) and the rounding error about 14 eps |f(c)| / [f'], so the converged
 *     estimate is within an ulp where the kink's value is not much larger than its slope jump
 *     times |c| (|x - 1/3|, |x - 1/3| + 1, |x + 0.625| e^x).
 *  2. Otherwise, a singular point whose second difference between neighbouring doubles peaks
 *     (|x - c|^p, 0 < p < 2, where the rounding of f is smaller than the jump of its slope over
 *     an ulp): the double of largest |f(x+) - 2 f(x) + f(x-)| within 64 ulps of e, when it
 *     stands out (16 times the median of the others).
 *
 * Either result must stay inside the piece; otherwise e is left as it is.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "sample.h"

/* Values of f at x (n,) less its value at e, in long double: from MPFR at 128 bits when hp is
 * given (the difference taken in MPFR, exact before the one rounding), else from the sampler. */
static ua_status values_less(ua_cheb_sampler *s, const ua_cheb_hp *hp, double e, const double *x,
                             size_t n, long double *v)
{
    if (hp) {
        mpfr_t ye, y;
        mpfr_init2(ye, 128);
        mpfr_init2(y, 128);
        hp->eval(e, ye, hp->ctx);
        ua_status st = UA_OK;
        for (size_t k = 0; k < n && !st; k++) {
            hp->eval(x[k], y, hp->ctx);
            mpfr_sub(y, y, ye, MPFR_RNDN);
            v[k] = mpfr_get_ld(y, MPFR_RNDN);
            if (!isfinite(v[k]))
                st = UA_ERR(UA_EDOMAIN, "target is not finite at x = %.17g", x[k]);
        }
        mpfr_clear(ye);
        mpfr_clear(y);
        return st;
    }
    double ye;
    ua_status st = ua_cheb_sample(s, e, &ye);
    for (size_t k = 0; k < n && !st; k++) {
        double y;
        st = ua_cheb_sample(s, x[k], &y);
        v[k] = (long double)y - ye;
    }
    return st;
}

/* The quadratic through (x[k], y[k]), k < 3, at u, with its derivative (Lagrange form). */
static void quad_at(const double *x, const long double *y, long double u, long double *v,
                    long double *dv)
{
    long double s = 0.0L, ds = 0.0L;
    for (int i = 0; i < 3; i++) {
        int j = (i + 1) % 3, k = (i + 2) % 3;
        long double den = ((long double)x[i] - x[j]) * ((long double)x[i] - x[k]);
        long double a = u - x[j], b = u - x[k];
        s += y[i] * a * b / den;
        ds += y[i] * (a + b) / den;
    }
    *v = s;
    *dv = ds;
}

/* One intersection estimate at spacing d around e; *c NaN when it fails (a point outside
 * [lo, hi], slopes that do not differ, Newton not converging). */
static ua_status kink_at(ua_cheb_sampler *s, const ua_cheb_hp *hp, double lo, double hi,
                         double e, double d, double *c)
{
    double x[6];
    long double y[6];
    *c = NAN;
    for (int k = 0; k < 3; k++) {
        x[k] = e - (k + 1) * d;
        x[3 + k] = e + (k + 1) * d;
        if (!(x[k] >= lo && x[3 + k] <= hi)) return UA_OK;
    }
    ua_status st = values_less(s, hp, e, x, 6, y);
    if (st) return st;
    long double u = e;
    for (int it = 0; it < 8; it++) {
        long double vl, dl, vr, dr;
        quad_at(x, y, u, &vl, &dl);
        quad_at(x + 3, y + 3, u, &vr, &dr);
        long double g = vl - vr, dg = dl - dr;
        if (!(fabsl(dg) > 1e-3L * (fabsl(dl) + fabsl(dr)))) return UA_OK; /* no kink */
        long double step = g / dg;
        u -= step;
        if (fabsl(u - e) > 3.0L * d) return UA_OK; /* left the points' span */
        if (fabsl(step) <= 1e-3L * DBL_EPSILON * fabsl(u) + DBL_MIN) {
            *c = (double)u;
            return UA_OK;
        }
    }
    return UA_OK;
}

/* Refinement 1: the kink by shrinking intersections; *ok = 1 and *e set when two successive
 * estimates agree to half an ulp. */
static ua_status refine_kink(ua_cheb_sampler *s, const ua_cheb_hp *hp, double lo, double hi,
                             double *e, int *ok)
{
    *ok = 0;
    double x = *e, prev = NAN;
    double room = fmin(x - lo, hi - x) / 4.0;
    if (!(room > 0.0)) return UA_OK;
    double d = ldexp(1.0, ilogb(fmin(room, 0x1p-8 * (hi - lo))));
    double ulp = nextafter(fabs(x), INFINITY) - fabs(x);
    for (int it = 0; it < 1100 && d >= 8.0 * ulp; it++, d *= 0.5) {
        double c;
        ua_status st = kink_at(s, hp, lo, hi, x, d, &c);
        if (st) return st;
        if (c != c) {
            prev = NAN;
            continue;
        }
        double uc = nextafter(fabs(c), INFINITY) - fabs(c);
        if (prev == prev && fabs(c - prev) <= 0.5 * uc) {
            if (c > lo && c < hi) {
                *e = c;
                *ok = 1;
            }
            return UA_OK;
        }
        prev = c;
        /* re-centre on the estimate while it is far from the current centre */
        if (fabs(c - x) > d / 4.0 && c - 4.0 * d > lo && c + 4.0 * d < hi) x = c;
    }
    return UA_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Refinement 2: the peak of the second difference over the doubles within 64 ulps of e. */
static ua_status refine_peak(ua_cheb_sampler *s, const ua_cheb_hp *hp, double lo, double hi,
                             double *e)
{
    enum { H = 64, N = 2 * H + 3 };
    double x[N], d2[N - 2], srt[N - 2];
    long double y[N];
    x[H + 1] = *e;
    for (int k = H; k >= 0; k--) x[k] = nextafter(x[k + 1], -INFINITY);
    for (int k = H + 2; k < N; k++) x[k] = nextafter(x[k - 1], INFINITY);
    if (!(x[0] > lo && x[N - 1] < hi)) return UA_OK;
    ua_status st = values_less(s, hp, *e, x, N, y);
    if (st) return st;
    int best = -1;
    for (int k = 1; k + 1 < N; k++) {
        /* divided by the spacings: the doubles of a binade boundary are not equidistant */
        long double hl = (long double)x[k] - x[k - 1], hr = (long double)x[k + 1] - x[k];
        d2[k - 1] = (double)fabsl((y[k + 1] - y[k]) / hr - (y[k] - y[k - 1]) / hl);
        srt[k - 1] = d2[k - 1];
        if (best < 0 || d2[k - 1] > d2[best - 1]) best = k;
    }
    qsort(srt, N - 2, sizeof *srt, cmp_double);
    double med = srt[(N - 2) / 2];
    if (d2[best - 1] > 16.0 * med && d2[best - 1] > 0.0) *e = x[best];
    return UA_OK;
}

ua_status ua_cheb_locate_edge(ua_cheb_sampler *s, const ua_cheb_hp *hp, double lo, double hi,
                              double *e)
{
    if (s->map != UA_MAP_NONE || !(*e > lo && *e < hi)) return UA_OK;
    int ok = 0;
    double k = *e;
    ua_status st = refine_kink(s, hp, lo, hi, &k, &ok);
    if (st) return st;
    if (ok) {
        *e = k;
        return UA_OK;
    }
    return refine_peak(s, hp, lo, hi, e);
}
