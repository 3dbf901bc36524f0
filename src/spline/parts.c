/*
 * A ua_spline's life: allocation, assembly from knots and pieces (solving each piece's system),
 * assembly from stored coefficients (the model loader), accessors, free.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

ua_spline *ua_spline_alloc(size_t n, size_t npieces)
{
    ua_spline *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->n = n;
    s->npieces = npieces;
    s->scale = 1.0;
    s->resolved = 1;
    s->x = ua_calloc(n, sizeof *s->x);
    s->t = ua_calloc(n, sizeof *s->t);
    s->y = ua_calloc(n, sizeof *s->y);
    s->ih = ua_calloc(n, sizeof *s->ih);
    s->cf = n <= (size_t)-1 / 3 ? ua_calloc(3 * n, sizeof *s->cf) : NULL;
    s->first = ua_calloc(npieces + 1, sizeof *s->first);
    s->breaks = ua_calloc(npieces + 1, sizeof *s->breaks);
    if (!s->x || !s->t || !s->y || !s->ih || !s->cf || !s->first || !s->breaks) {
        ua_spline_free(s);
        return NULL;
    }
    return s;
}

void ua_spline_free(ua_spline *s)
{
    if (!s) return;
    free(s->x);
    free(s->t);
    free(s->y);
    free(s->ih);
    free(s->cf);
    free(s->first);
    free(s->breaks);
    free(s);
}

double ua_spline_value_scale(const double *y, size_t n)
{
    double big = 0.0;
    for (size_t k = 0; k < n; k++)
        if (fabs(y[k]) > big) big = fabs(y[k]);
    if (!(big > 0x1p960)) return 1.0;
    return ldexp(1.0, ilogb(big)); /* <= 2^1023: |y / scale| < 2 */
}

const char *ua_spline_map_name(ua_spline_map map)
{
    switch (map) {
    case UA_SPLINE_MAP_LOG: return "log";
    case UA_SPLINE_MAP_ASINH: return "asinh";
    default: return "none";
    }
}

const char *ua_spline_bc_name(ua_spline_bc bc)
{
    switch (bc) {
    case UA_SPLINE_NATURAL: return "natural";
    case UA_SPLINE_CLAMPED: return "clamped";
    case UA_SPLINE_HERMITE: return "hermite";
    default: return "not-a-knot";
    }
}

/* Checks what ua_spline_build and ua_spline_from_parts share and copies x, y, first, t. */
static ua_status check_and_copy(size_t n, const double *x, const double *y, size_t npieces,
                                const size_t *first, ua_spline_map map, ua_spline_bc bc,
                                double slope_a, double slope_b, ua_spline **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "spline: out is NULL");
    *out = NULL;
    if (!x || !y || !first || n == 0 || npieces == 0 || npieces > n)
        return UA_ERR(UA_EINVAL, "spline: %zu knots in %zu pieces", n, npieces);
    if (map != UA_SPLINE_MAP_NONE && map != UA_SPLINE_MAP_LOG && map != UA_SPLINE_MAP_ASINH)
        return UA_ERR(UA_EINVAL, "spline: unknown map %d", (int)map);
    if (bc != UA_SPLINE_NOT_A_KNOT && bc != UA_SPLINE_NATURAL && bc != UA_SPLINE_CLAMPED &&
        bc != UA_SPLINE_HERMITE)
        return UA_ERR(UA_EINVAL, "spline: unknown end condition %d", (int)bc);
    if (bc == UA_SPLINE_CLAMPED && !(isfinite(slope_a) && isfinite(slope_b)))
        return UA_ERR(UA_EINVAL, "spline: clamped end slopes must be finite (%g, %g)", slope_a,
                      slope_b);
    if (first[0] != 0 || first[npieces] != n)
        return UA_ERR(UA_EINVAL, "spline: pieces do not cover the %zu knots", n);
    for (size_t p = 0; p < npieces; p++)
        if (!(first[p] < first[p + 1]))
            return UA_ERR(UA_EINVAL, "spline: piece %zu is empty", p);
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(x[k])) return UA_ERR(UA_EINVAL, "spline: knot %zu is not finite", k);
        if (!isfinite(y[k])) return UA_ERR(UA_EINVAL, "spline: value %zu is not finite", k);
        if (k && !(x[k] > x[k - 1]))
            return UA_ERR(UA_EINVAL, "spline: knots not strictly increasing at %zu", k);
    }
    if (map == UA_SPLINE_MAP_LOG && !(x[0] > 0.0))
        return UA_ERR(UA_EINVAL, "spline: the log map needs knots x > 0 (first is %g)", x[0]);
    ua_spline *s = ua_spline_alloc(n, npieces);
    if (!s) return UA_ENOMEM_ERR(8 * n * sizeof(double));
    s->map = map;
    s->bc = bc;
    s->slope_a = bc == UA_SPLINE_CLAMPED ? slope_a : 0.0;
    s->slope_b = bc == UA_SPLINE_CLAMPED ? slope_b : 0.0;
    memcpy(s->x, x, n * sizeof *x);
    memcpy(s->y, y, n * sizeof *y);
    memcpy(s->first, first, (npieces + 1) * sizeof *first);
    for (size_t k = 0; k < n; k++) s->t[k] = ua_spline_map_x(map, x[k]);
    s->half = ua_spline_half_t(s->t, n);
    for (size_t p = 0; p < npieces; p++) s->breaks[p] = x[first[p]];
    s->breaks[npieces] = x[n - 1];
    *out = s;
    return UA_OK;
}

/* ds/dt at x for a slope df/dx, in units of scale. */
static double slope_in_t(ua_spline_map map, double x, double dfdx, double scale)
{
    double dxdt = map == UA_SPLINE_MAP_LOG ? x : map == UA_SPLINE_MAP_ASINH ? hypot(1.0, x) : 1.0;
    return dfdx * dxdt / scale;
}

ua_status ua_spline_build(size_t n, const double *x, const double *y, size_t npieces,
                          const size_t *first, ua_spline_map map, ua_spline_bc bc,
                          double slope_a, double slope_b, ua_spline **out)
{
    ua_spline *s;
    ua_status st = check_and_copy(n, x, y, npieces, first, map, bc, slope_a, slope_b, &s);
    if (st) return st;
    s->scale = ua_spline_value_scale(y, n);
    double *work = ua_calloc(n, 7 * sizeof *work);
    if (!work) {
        ua_spline_free(s);
        return UA_ENOMEM_ERR(7 * n * sizeof *work);
    }
    double *ys = work + 5 * n, *ts = s->t;
    for (size_t k = 0; k < n; k++) ys[k] = y[k] / s->scale;
    if (s->half) { /* the solve in t s (exact): its widths do not overflow, and the
                      coefficients in the local u are the same */
        ts = work + 6 * n;
        for (size_t k = 0; k < n; k++) ts[k] = s->t[k] * UA_SPLINE_TSHRINK;
    }
    const ua_spline_bc inner = bc == UA_SPLINE_NATURAL ? UA_SPLINE_NATURAL : UA_SPLINE_NOT_A_KNOT;
    for (size_t p = 0; p < npieces && !st; p++) {
        size_t k0 = first[p], m = first[p + 1] - k0;
        ua_spline_end left = { p == 0 ? bc : inner, 0.0 };
        ua_spline_end right = { p + 1 == npieces ? bc : inner, 0.0 };
        if (left.kind == UA_SPLINE_CLAMPED) left.slope = slope_in_t(map, x[0], slope_a, s->scale);
        if (right.kind == UA_SPLINE_CLAMPED)
            right.slope = slope_in_t(map, x[n - 1], slope_b, s->scale);
        if (s->half) { /* ds/d(t s) = ds/dt / s */
            left.slope /= UA_SPLINE_TSHRINK;
            right.slope /= UA_SPLINE_TSHRINK;
        }
        st = ua_spline_piece_coeffs(m, ts + k0, ys + k0, left, right, s->cf + 3 * k0,
                                    s->ih + k0, work);
    }
    free(work);
    if (st) {
        ua_spline_free(s);
        return st;
    }
    *out = s;
    return UA_OK;
}

ua_status ua_spline_from_parts(size_t n, const double *x, const double *y, const double *cf,
                               double scale, size_t npieces, const size_t *first,
                               ua_spline_map map, ua_spline_bc bc, double slope_a,
                               double slope_b, ua_spline **out)
{
    if (!cf) return UA_ERR(UA_EINVAL, "spline: coefficients are NULL");
    int e;
    if (!(scale >= 1.0 && isfinite(scale)) || frexp(scale, &e) != 0.5)
        return UA_ERR(UA_EINVAL, "spline: value scale %g is not a power of two >= 1", scale);
    ua_spline *s;
    ua_status st = check_and_copy(n, x, y, npieces, first, map, bc, slope_a, slope_b, &s);
    if (st) return st;
    s->scale = scale;
    for (size_t k = 0; k < 3 * n; k++)
        if (!isfinite(cf[k])) {
            ua_spline_free(s);
            return UA_ERR(UA_EINVAL, "spline: coefficient %zu is not finite", k);
        }
    memcpy(s->cf, cf, 3 * n * sizeof *cf);
    for (size_t p = 0; p < npieces; p++) {
        size_t last = first[p + 1] - 1;
        for (size_t k = first[p]; k < last; k++) {
            if (!(s->t[k + 1] > s->t[k])) {
                ua_spline_free(s);
                return UA_ERR(UA_EINVAL, "spline: knots %zu and %zu map to the same t", k, k + 1);
            }
            s->ih[k] = s->half ? 1.0 / (s->t[k + 1] * UA_SPLINE_TSHRINK -
                                        s->t[k] * UA_SPLINE_TSHRINK)
                               : 1.0 / (s->t[k + 1] - s->t[k]);
            if (!isfinite(s->ih[k])) {
                ua_spline_free(s);
                return UA_ERR(UA_EINVAL, "spline: knots %zu and %zu are too close", k, k + 1);
            }
        }
        s->ih[last] = 0.0;
        if (cf[3 * last] != 0.0 || cf[3 * last + 1] != 0.0 || cf[3 * last + 2] != 0.0) {
            ua_spline_free(s);
            return UA_ERR(UA_EINVAL, "spline: the last knot of piece %zu has nonzero coefficients",
                          p);
        }
    }
    *out = s;
    return UA_OK;
}

/* ---- accessors ----------------------------------------------------------------------------- */

size_t ua_spline_nknots(const ua_spline *s) { return s->n; }
const double *ua_spline_knots(const ua_spline *s) { return s->x; }
const double *ua_spline_values(const ua_spline *s) { return s->y; }
size_t ua_spline_npieces(const ua_spline *s) { return s->npieces; }
const double *ua_spline_breaks(const ua_spline *s) { return s->breaks; }
ua_spline_map ua_spline_get_map(const ua_spline *s) { return s->map; }
ua_spline_bc ua_spline_get_bc(const ua_spline *s) { return s->bc; }
int ua_spline_resolved(const ua_spline *s) { return s->resolved; }
double ua_spline_error_estimate(const ua_spline *s) { return s->err_est; }
size_t ua_spline_nevals(const ua_spline *s) { return s->nevals; }
