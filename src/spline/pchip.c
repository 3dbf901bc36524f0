/*
 * Piecewise cubic Hermite interpolation through samples (docs/spline.md, "From samples: pchip,
 * akima, smoothing"): the sorted samples, the Hermite assembly shared by pchip and akima, and
 * PCHIP's slopes.
 *
 * PCHIP: F. N. Fritsch and R. E. Carlson, "Monotone piecewise cubic interpolation", SIAM J.
 * Numer. Anal. 17 (1980) 238-246; the interior slope is the weighted harmonic mean of
 * F. N. Fritsch and J. Butland, SIAM J. Sci. Stat. Comput. 5 (1984) 300-304; the ends the
 * one-sided three-point formula of C. Moler, Numerical Computing with MATLAB (2004), 3.6
 * (pchiptx) — the rule of scipy.interpolate.PchipInterpolator, which the tests compare with.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

typedef struct {
    double x, y;
    size_t row; /* 0-based position in the input */
} sample;

/* By x; equal x (an error reported afterwards) by row, so that the order is total. */
static int by_x(const void *pa, const void *pb)
{
    const sample *a = pa, *b = pb;
    if (a->x < b->x) return -1;
    if (a->x > b->x) return 1;
    return (a->row > b->row) - (a->row < b->row);
}

ua_status ua_spline_sort_samples(const double *x, const double *y, size_t n, size_t min_n,
                                 const char *what, double **xs, double **ys)
{
    *xs = *ys = NULL;
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "NULL arrays");
    if (n < min_n)
        return UA_ERR(UA_EINVAL, "%s needs at least %zu samples, got %zu", what, min_n, n);
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(x[k])) return UA_ERR(UA_EINVAL, "row %zu: x = %g is not finite", k + 1, x[k]);
        if (!isfinite(y[k])) return UA_ERR(UA_EINVAL, "row %zu: y = %g is not finite", k + 1, y[k]);
    }
    size_t k0 = 1;
    while (k0 < n && x[k0] > x[k0 - 1]) k0++;
    if (k0 >= n) { /* already strictly increasing (the usual case): no sort */
        double *copy = ua_calloc(n, 2 * sizeof *copy);
        if (!copy) return UA_ENOMEM_ERR(2 * n * sizeof *copy);
        memcpy(copy, x, n * sizeof *x);
        memcpy(copy + n, y, n * sizeof *y);
        *xs = copy;
        *ys = copy + n;
        return UA_OK;
    }
    sample *sm = ua_calloc(n, sizeof *sm);
    double *buf = ua_calloc(n, 2 * sizeof *buf);
    if (!sm || !buf) {
        free(sm);
        free(buf);
        return UA_ENOMEM_ERR(n * (sizeof *sm + 2 * sizeof *buf));
    }
    for (size_t k = 0; k < n; k++) sm[k] = (sample){ x[k], y[k], k };
    qsort(sm, n, sizeof *sm, by_x);
    ua_status s = UA_OK;
    for (size_t k = 0; k + 1 < n && !s; k++)
        if (sm[k].x == sm[k + 1].x)
            s = UA_ERR(UA_EINVAL, "rows %zu and %zu (1-based) have the same x = %.17g; %s needs "
                       "distinct x", sm[k].row + 1, sm[k + 1].row + 1, sm[k].x, what);
    for (size_t k = 0; k < n; k++) {
        buf[k] = sm[k].x;
        buf[n + k] = sm[k].y;
    }
    free(sm);
    if (s) {
        free(buf);
        return s;
    }
    *xs = buf;
    *ys = buf + n;
    return UA_OK;
}

ua_status ua_spline_hermite(size_t n, const double *x, const double *y, const double *d,
                            ua_spline **out)
{
    *out = NULL;
    if (n < 2) return UA_ERR(UA_EINVAL, "a Hermite cubic needs at least 2 knots, got %zu", n);
    for (size_t k = 0; k < n; k++)
        if (!isfinite(d[k]))
            return UA_ERR(UA_EINVAL, "the slope at x = %.17g is not finite (the samples' "
                          "differences overflow)", x[k]);
    double scale = ua_spline_value_scale(y, n);
    double *cf = ua_calloc(n, 3 * sizeof *cf);
    if (!cf) return UA_ENOMEM_ERR(3 * n * sizeof *cf);
    for (size_t i = 0; i + 1 < n; i++) {
        /* the same operations as scipy's CubicHermiteSpline, gathered into powers of u */
        double h = x[i + 1] - x[i], m = (y[i + 1] - y[i]) / h;
        double *c = cf + 3 * i;
        c[0] = h * d[i] / scale;
        c[1] = h * (3.0 * m - 2.0 * d[i] - d[i + 1]) / scale;
        c[2] = h * (d[i] + d[i + 1] - 2.0 * m) / scale;
    }
    size_t first[2] = { 0, n };
    /* the slopes come from the local rule, not from an end condition: labelled "hermite" */
    ua_status s = ua_spline_from_parts(n, x, y, cf, scale, 1, first, UA_SPLINE_MAP_NONE,
                                       UA_SPLINE_HERMITE, 0.0, 0.0, out);
    free(cf);
    return s;
}

/* sign as -1, 0, 1 (numpy.sign) */
static int sgn(double v) { return (v > 0) - (v < 0); }

/* Moler's one-sided three-point slope at an end: h0, m0 the end interval, h1, m1 the next. */
static double end_slope(double h0, double h1, double m0, double m1)
{
    double d = ((2.0 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
    if (sgn(d) != sgn(m0)) return 0.0;
    if (sgn(m0) != sgn(m1) && fabs(d) > 3.0 * fabs(m0)) return 3.0 * m0;
    return d;
}

void ua_spline_pchip_slopes(size_t n, const double *x, const double *y, double *d)
{
    if (n == 2) { /* a straight line */
        d[0] = d[1] = (y[1] - y[0]) / (x[1] - x[0]);
        return;
    }
    for (size_t k = 1; k + 1 < n; k++) {
        double h0 = x[k] - x[k - 1], h1 = x[k + 1] - x[k];
        double m0 = (y[k] - y[k - 1]) / h0, m1 = (y[k + 1] - y[k]) / h1;
        if (sgn(m0) != sgn(m1) || m0 == 0.0 || m1 == 0.0) {
            d[k] = 0.0; /* a local extremum or a flat run: keep the shape */
            continue;
        }
        double w1 = 2.0 * h1 + h0, w2 = h1 + 2.0 * h0;
        d[k] = 1.0 / ((w1 / m0 + w2 / m1) / (w1 + w2));
    }
    double h0 = x[1] - x[0], h1 = x[2] - x[1];
    d[0] = end_slope(h0, h1, (y[1] - y[0]) / h0, (y[2] - y[1]) / h1);
    h0 = x[n - 1] - x[n - 2];
    h1 = x[n - 2] - x[n - 3];
    d[n - 1] = end_slope(h0, h1, (y[n - 1] - y[n - 2]) / h0, (y[n - 2] - y[n - 3]) / h1);
}

ua_status ua_spline_hermite_samples(const double *x, const double *y, size_t n,
                                    ua_spline_hermite_rule rule, ua_spline **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    static const char *const names[] = { "pchip", "akima", "makima" };
    double *xs, *ys;
    ua_status s = ua_spline_sort_samples(x, y, n, rule == UA_SPLINE_PCHIP ? 2 : 3, names[rule],
                                         &xs, &ys);
    if (s) return s;
    double *d = ua_calloc(2 * n + 3, sizeof *d);
    if (!d) {
        free(xs);
        return UA_ENOMEM_ERR((2 * n + 3) * sizeof *d);
    }
    if (rule == UA_SPLINE_PCHIP) ua_spline_pchip_slopes(n, xs, ys, d);
    else ua_spline_akima_slopes(n, xs, ys, rule == UA_SPLINE_MAKIMA, d, d + n);
    s = ua_spline_hermite(n, xs, ys, d, out);
    free(d);
    free(xs);
    return s;
}
