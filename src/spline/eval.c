/*
 * Evaluation: binary search for the knot interval in x, then the interval's cubic in local
 * shifted coordinates u = (t - t_i) / (t_{i+1} - t_i) (internal.h, ua_spline_local), so knot
 * values come back exactly wherever the knots are. NaN outside [x_0, x_{N-1}] (the one
 * extrapolation policy, at both ends).
 */
#include <math.h>

#include "core/internal.h"
#include "internal.h"

size_t ua_spline_find(const ua_spline *s, double x)
{
    size_t lo = 0, hi = s->n; /* invariant: x_lo <= x < x_hi (x_n = +inf) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->x[mid] <= x) lo = mid;
        else hi = mid;
    }
    return lo;
}

double ua_spline_eval(const ua_spline *s, double x)
{
    if (!(x >= s->x[0] && x <= s->x[s->n - 1])) return NAN; /* outside, or NaN */
    size_t i = ua_spline_find(s, x);
    return ua_spline_local(s, i, ua_spline_map_x(s->map, x));
}

double ua_spline_fn1(double x, void *ctx) { return ua_spline_eval(ctx, x); }

/* int_{t(x0)}^{t(x1)} of the cubic of knot i, for x0, x1 inside its interval. In the local
 * coordinate: h int_{u0}^{u1} (y + scale (B u + C u^2 + D u^3)) du. */
static double local_integral(const ua_spline *s, size_t i, double t0, double t1)
{
    if (s->ih[i] == 0.0) return s->y[i] * (t1 - t0); /* a piece's last knot: constant */
    const double k = UA_SPLINE_TSHRINK;
    double h = (s->half ? 1.0 / k : 1.0) / s->ih[i];
    double u0 = s->half ? (t0 * k - s->t[i] * k) * s->ih[i] : (t0 - s->t[i]) * s->ih[i];
    double u1 = s->half ? (t1 * k - s->t[i] * k) * s->ih[i] : (t1 - s->t[i]) * s->ih[i];
    const double *c = s->cf + 3 * i;
    double p1 = u1 * u1 * (c[0] / 2 + u1 * (c[1] / 3 + u1 * c[2] / 4));
    double p0 = u0 * u0 * (c[0] / 2 + u0 * (c[1] / 3 + u0 * c[2] / 4));
    return s->y[i] * (t1 - t0) + s->scale * h * (p1 - p0);
}

ua_status ua_spline_integral_t(const ua_spline *s, double x0, double x1, double *value)
{
    if (!s || !value) return UA_ERR(UA_EINVAL, "spline integral: NULL argument");
    double a = s->x[0], b = s->x[s->n - 1];
    if (!(a <= x0 && x0 <= x1 && x1 <= b))
        return UA_ERR(UA_EINVAL, "spline integral: need %.17g <= x0 = %.17g <= x1 = %.17g <= %.17g",
                      a, x0, x1, b);
    size_t i = ua_spline_find(s, x0), j = ua_spline_find(s, x1);
    double t0 = ua_spline_map_x(s->map, x0), t1 = ua_spline_map_x(s->map, x1);
    if (i == j) {
        *value = local_integral(s, i, t0, t1);
        return UA_OK;
    }
    /* i < j <= n - 1. Across a jump (a piece's last knot) the spline is the constant value of
     * that knot up to the next piece, as ua_spline_eval has it. */
    double sum = local_integral(s, i, t0, s->t[i + 1]);
    for (size_t k = i + 1; k < j; k++) sum += local_integral(s, k, s->t[k], s->t[k + 1]);
    sum += local_integral(s, j, s->t[j], t1);
    *value = sum;
    return UA_OK;
}
