/*
 * Akima's slopes (docs/spline.md, "From samples: pchip, akima, smoothing"): H. Akima, "A new
 * method of interpolation and smooth curve fitting based on local procedures", J. ACM 17 (1970)
 * 589-602, with the end treatment and the degenerate-weight rule of scipy.interpolate
 * Akima1DInterpolator (scipy 1.10), which the tests compare with; and the modified weights of
 * MATLAB's makima (C. Ionita, "Makima piecewise cubic interpolation", MathWorks blog, 2019).
 */
#include <math.h>

#include "internal.h"

void ua_spline_akima_slopes(size_t n, const double *x, const double *y, int modified,
                            double *d, double *work)
{
    /* m[2 .. n] are the n - 1 interval slopes; two more at each end continue them linearly */
    double *m = work;
    for (size_t i = 0; i + 1 < n; i++) m[i + 2] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
    m[1] = 2.0 * m[2] - m[3];
    m[0] = 2.0 * m[1] - m[2];
    m[n + 1] = 2.0 * m[n] - m[n - 1];
    m[n + 2] = 2.0 * m[n + 1] - m[n];
    /* the weight of knot i's right slope m[i+2] is f2 = |m[i+1] - m[i]|, of its left slope
     * m[i+1] is f1 = |m[i+3] - m[i+2]| (makima adds half of |m[j+1] + m[j]|) */
#define WEIGHT(j) (fabs(m[(j) + 1] - m[(j)]) + (modified ? 0.5 * fabs(m[(j) + 1] + m[(j)]) : 0.0))
    double big = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f12 = WEIGHT(i + 2) + WEIGHT(i);
        if (f12 > big) big = f12;
    }
    for (size_t i = 0; i < n; i++) {
        double f1 = WEIGHT(i + 2), f2 = WEIGHT(i), f12 = f1 + f2;
        if (f12 > 1e-9 * big) d[i] = (f1 * m[i + 1] + f2 * m[i + 2]) / f12;
        else d[i] = 0.5 * (m[i + 3] + m[i]); /* scipy's fill where the slope is undefined */
    }
#undef WEIGHT
}
