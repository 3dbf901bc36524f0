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
#include <stdio.h>

#include "core/internal.h"
#include "probe.h"
#include "uniapprox/target.h"

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

/* 17 Chebyshev points of the second kind on [a, b] (the ends exact), in x. */
static void grid17(double a, double b, int log_map, double *x)
{
    const double pi = 3.14159265358979323846;
    double ta = log_map ? log(a) : a, tb = log_map ? log(b) : b;
    for (size_t j = 0; j < 17; j++) {
        double t = 0.5 * (ta + tb) - 0.5 * (tb - ta) * cos(pi * (double)j / 16.0);
        x[j] = fmin(fmax(log_map ? exp(t) : t, a), b);
    }
    x[0] = a;
    x[16] = b;
}

ua_status ua_probe_problem_rounding_level(const ua_problem *p, ua_probe_problem_fn *fn, double a,
                                          double b, int log_map, int *noise, double *level,
                                          double *exact, double *mid)
{
    *noise = 0;
    *exact = -1.0;
    ua_problem_kind kind = ua_problem_kind_of(p);
    double x[17], y[17], lo = INFINITY, hi = -INFINITY;
    grid17(a, b, log_map, x);
    if (kind == UA_PROBLEM_FORMULA && ua_problem_target(p)) {
        /* the values as sampled and at 128 bits against the exact function (512 bits) */
        const ua_target *t = ua_problem_target(p);
        double big = 0.0;
        for (size_t j = 0; j < 17; j++) {
            double v = ua_probe_problem_fn1(x[j], fn);
            double r = ua_target_eval_ref(t, &x[j], 128), e = ua_target_eval_ref(t, &x[j], 512);
            if (!isfinite(v) || !isfinite(r) || !isfinite(e)) return UA_OK; /* the fit reports */
            big = fmax(big, fmax(fabs(v), fabs(r)));
            lo = fmin(lo, e);
            hi = fmax(hi, e);
        }
        double small = fmax(fabs(lo), fabs(hi));
        if (!(big > 0.0) || !(small <= 0x1p-20 * big)) return UA_OK;
        *noise = 1;
        *level = big;
        *exact = small;
        *mid = 0.5 * lo + 0.5 * hi;
        return UA_OK;
    }
    if (kind != UA_PROBLEM_FUNCTION) return UA_OK;
    /* a function's reference is itself: its values at neighbouring doubles decide */
    double m = 0.0;
    for (size_t j = 0; j < 17; j++) {
        y[j] = ua_probe_problem_fn1(x[j], fn);
        if (!isfinite(y[j])) return UA_OK;
        m = fmax(m, fabs(y[j]));
        lo = fmin(lo, y[j]);
        hi = fmax(hi, y[j]);
    }
    if (!(m > 0.0)) return UA_OK;
    /* a smooth f varies little between neighbouring points of the grid: a cheap first sieve
     * (no neighbour evaluations) for the common case */
    int rough = 0;
    for (size_t j = 1; j + 1 < 17 && !rough; j++) {
        double d2 = y[j + 1] - 2.0 * y[j] + y[j - 1];
        if (fabs(d2) > 0.25 * m) rough = 1;
    }
    if (!rough) return UA_OK;
    ua_status s = ua_probe_rounding_level(ua_probe_problem_fn1, fn, x, y, 17, a, b, noise, level);
    if (!s && *noise) {
        *level = fmax(*level, m);
        *mid = 0.5 * lo + 0.5 * hi;
    }
    return s;
}

void ua_probe_rounding_note(char *buf, size_t size, double level, double exact, double mid,
                            double tol_abs)
{
    if (exact >= 0.0)
        snprintf(buf, size, "the target is at the rounding level of its own evaluation: its "
                 "values as sampled and at 128 bits (up to %.3g) are rounding errors, the exact "
                 "function (MPFR, 512 bits) is at most %.3g; the model is the constant %.3g, the "
                 "tolerance four times that rounding level, %.3g, absolute", level, exact, mid,
                 tol_abs);
    else
        snprintf(buf, size, "the target is at the rounding level of its own evaluation: its "
                 "values (up to %.3g) differ between neighbouring doubles as much as they are "
                 "large; the model is the constant %.3g, the tolerance four times that rounding "
                 "level, %.3g, absolute", level, mid, tol_abs);
}
