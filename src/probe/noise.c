/*
 * Whether a 1-D target is at the rounding level of its own evaluation (probe.h,
 * ua_probe_rounding_level): its values at points a few ulps apart differ by as much as the values
 * themselves. A function that is smooth at the scale of an ulp moves by |f'| ulp there, far below
 * its scale; a sum that cancels to rounding, (x + 1) - x - 1 or sin(x - pi) + sin(-x - pi), jumps
 * between rounding errors of its terms from one double to the next. This is the situation
 * Chebfun's vscale test addresses (coefficients that are a flat plateau at the level of the
 * values from the first grids); here it is decided on the values directly, at few evaluations.
 */
#include <float.h>
#include <math.h>

#include "core/internal.h"
#include "probe.h"

/* Offsets from x: 1 and 3 ulps, then two small fractions of the domain's scale (a rounding at a
 * larger magnitude than x itself, x - pi at small x, needs a step of that magnitude's ulp), each
 * capped at 2^-20 of the width so that a smooth f moves by at most 2^-20 of its variation. */
static double offset(double x, double lo, double hi, int k)
{
    double ulp = nextafter(fabs(x), INFINITY) - fabs(x);
    double big = 0x1p-44 * fmax(fabs(lo), fabs(hi)), cap = 0x1p-20 * (hi - lo);
    switch (k) {
    case 0: return ulp;
    case 1: return 3.0 * ulp;
    case 2: return fmax(ulp, fmin(big, cap));
    default: return fmax(ulp, fmin(8.0 * big, cap));
    }
}

ua_status ua_probe_rounding_level(ua_fn1 f, void *ctx, const double *x, const double *y, size_t n,
                                  double lo, double hi, int *noise, double *level)
{
    *noise = 0;
    *level = 0.0;
    double vscale = 0.0;
    for (size_t j = 0; j < n; j++) vscale = fmax(vscale, fabs(y[j]));
    if (!(vscale > 0.0)) return UA_OK; /* the zero function: exact, not noise */
    size_t inside = 0;
    for (size_t j = 0; j < n; j++) inside += x[j] > lo && x[j] < hi;
    if (inside < 8) return UA_OK;
    size_t flagged = 0, plain = 0;
    double top = vscale;
    for (size_t j = 0; j < n; j++) {
        if (!(x[j] > lo && x[j] < hi)) continue;
        int flag = 0;
        for (int k = 0; k < 4 && !flag; k++) {
            double xk = x[j] + offset(x[j], lo, hi, k);
            if (!(xk < hi)) xk = x[j] - offset(x[j], lo, hi, k);
            if (!(xk > lo && xk < hi)) continue;
            double v = f(xk, ctx);
            if (!isfinite(v)) return UA_OK; /* not for this probe to report: the fit will */
            top = fmax(top, fabs(v));
            if (fabs(v - y[j]) >= 0.125 * vscale) flag = 1;
        }
        if (flag) flagged++;
        else plain++;
        if (2 * plain > inside) return UA_OK; /* most points are smooth: not noise */
    }
    if (2 * flagged > inside) {
        *noise = 1;
        *level = top;
    }
    return UA_OK;
}
