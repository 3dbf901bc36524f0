/*
 * Pointwise relative accuracy of AutoKnots (--rel-tol; docs/spline.md, "Trust"): near a zero r
 * of f a relative tolerance asks for |s - f| <= T |f| with |f| -> 0, which no cubic meets unless
 * the zero is a knot and the cubic is evaluated from that knot (ua_spline_local expands each
 * interval at its nearer knot; the knot's value is f(r), 0 or the rounding of f at the double
 * next to a zero that is no double). So the zeros of f are found first (sign changes and exact
 * zeros on 4097 equal steps, each bracket bisected to adjacent doubles; a zero that is a double,
 * erf and sin at 0, is found exactly: the simplest double of the bracket is tried every 8th
 * step) and AutoKnots starts from its uniform knots plus these.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "probe/probe.h"

enum { REL_SCAN = 4096, ZCAP = 256 };

static ua_status not_finite(double x, double y)
{
    return UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(y) ? "NaN" : "infinite", x);
}

/* A zero in [xl, xr] where f(xl), f(xr) have opposite signs: an exact zero if bisection meets
 * one (the simplest double of the bracket is tried every 8th step), else the one of the two
 * adjacent doubles with the smaller |f|. */
static ua_status bracket_zero(ua_fn1 f, void *ctx, double xl, double yl, double xr, double yr,
                              double *root)
{
    for (int it = 0; it < 2200; it++) {
        double z = it % 8 ? xl + (xr - xl) / 2 : ua_probe_simplest_in(xl, xr);
        if (!(z > xl && z < xr)) z = xl + (xr - xl) / 2;
        if (!(z > xl && z < xr)) break; /* adjacent doubles */
        double y = f(z, ctx);
        if (!isfinite(y)) return not_finite(z, y);
        if (y == 0.0) {
            *root = z;
            return UA_OK;
        }
        if ((y < 0.0) == (yl < 0.0)) {
            xl = z;
            yl = y;
        } else {
            xr = z;
            yr = y;
        }
    }
    *root = fabs(yl) <= fabs(yr) ? xl : xr;
    return UA_OK;
}

/* The zeros of f inside (a, b), increasing, at most ZCAP (more: UA_ENOTRESOLVED). Zeros at a or
 * b need no cut and are left out. */
static ua_status find_zeros(ua_fn1 f, void *ctx, double a, double b, double *z, size_t *nz,
                            size_t *nevals)
{
    *nz = 0;
    double xp = a, yp = f(a, ctx);
    (*nevals)++;
    if (!isfinite(yp)) return not_finite(a, yp);
    for (size_t k = 1; k <= REL_SCAN; k++) {
        double x = k == REL_SCAN ? b : a + (b - a) * ((double)k / REL_SCAN), y = f(x, ctx);
        (*nevals)++;
        if (!isfinite(y)) return not_finite(x, y);
        double r = NAN;
        if (y == 0.0) r = x;
        else if (yp != 0.0 && (y < 0.0) != (yp < 0.0)) {
            ua_status st = bracket_zero(f, ctx, xp, yp, x, y, &r);
            if (st) return st;
        }
        if (r == r && r > a && r < b && (*nz == 0 || r > z[*nz - 1])) {
            if (*nz == ZCAP)
                return UA_ERR(UA_ENOTRESOLVED, "more than %d sign changes: --rel-tol needs "
                              "every zero of f as a knot (the scan has %d steps)", ZCAP, REL_SCAN);
            z[(*nz)++] = r;
        }
        xp = x;
        yp = y;
    }
    return UA_OK;
}

ua_status ua_spline_fit_rel(ua_fn1 f, void *ctx, double a, double b, const ua_spline_options *opt,
                            ua_spline **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    if (!f) return UA_ERR(UA_EINVAL, "f is NULL");
    if (!(isfinite(a) && isfinite(b) && a < b))
        return UA_ERR(UA_EINVAL, "need finite a < b, got [%.17g, %.17g]", a, b);
    double z[ZCAP];
    size_t nz = 0, nevals = 0;
    ua_status st = find_zeros(f, ctx, a, b, z, &nz, &nevals);
    if (st) return st;
    st = ua_spline_fit_knots(f, ctx, a, b, opt, z, nz, out);
    if (*out) (*out)->nevals += nevals;
    return st;
}
