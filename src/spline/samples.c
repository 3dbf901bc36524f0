/*
 * The interpolating spline through given samples (docs/spline.md, "Splines through samples"):
 * sorted by x (so the input order never matters), duplicates refused with both rows named, then
 * one piece with the chosen end conditions.
 */
#include <math.h>
#include <stdlib.h>

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

ua_status ua_spline_from_samples(const double *x, const double *y, size_t n,
                                 const ua_spline_options *opt, ua_spline **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "NULL arrays");
    if (n < 2) return UA_ERR(UA_EINVAL, "a spline needs at least 2 samples, got %zu", n);
    ua_spline_options o;
    if (opt) o = *opt;
    else ua_spline_options_default(&o);
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(x[k])) return UA_ERR(UA_EINVAL, "row %zu: x = %g is not finite", k + 1, x[k]);
        if (!isfinite(y[k])) return UA_ERR(UA_EINVAL, "row %zu: y = %g is not finite", k + 1, y[k]);
        if (o.map == UA_SPLINE_MAP_LOG && !(x[k] > 0))
            return UA_ERR(UA_EINVAL, "row %zu: x = %g, but the log map needs x > 0", k + 1, x[k]);
    }
    sample *sm = ua_calloc(n, sizeof *sm);
    double *xs = ua_calloc(n, 2 * sizeof *xs);
    if (!sm || !xs) {
        free(sm);
        free(xs);
        return UA_ENOMEM_ERR(n * (sizeof *sm + 2 * sizeof *xs));
    }
    for (size_t k = 0; k < n; k++) sm[k] = (sample){ x[k], y[k], k };
    qsort(sm, n, sizeof *sm, by_x);
    ua_status s = UA_OK;
    for (size_t k = 0; k + 1 < n && !s; k++)
        if (sm[k].x == sm[k + 1].x)
            s = UA_ERR(UA_EINVAL, "rows %zu and %zu (1-based) have the same x = %.17g (values that "
                       "differ only beyond double precision round to the same double); a spline "
                       "needs distinct x", sm[k].row + 1, sm[k + 1].row + 1, sm[k].x);
    double *ys = xs + n;
    for (size_t k = 0; k < n; k++) {
        xs[k] = sm[k].x;
        ys[k] = sm[k].y;
    }
    /* distinct x that the map sends to the same t (ln x of neighbouring doubles near 1e300) */
    for (size_t k = 0; k + 1 < n && !s; k++)
        if (!(ua_spline_map_x(o.map, xs[k + 1]) > ua_spline_map_x(o.map, xs[k])))
            s = UA_ERR(UA_EINVAL, "rows %zu and %zu: x = %.17g and %.17g coincide after the %s map",
                       sm[k].row + 1, sm[k + 1].row + 1, xs[k], xs[k + 1],
                       ua_spline_map_name(o.map));
    size_t first[2] = { 0, n };
    if (!s) s = ua_spline_build(n, xs, ys, 1, first, o.map, o.bc, o.slope_a, o.slope_b, out);
    free(sm);
    free(xs);
    return s;
}
