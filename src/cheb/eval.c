/*
 * Construction from parts, release, accessors and evaluation (Clenshaw) of a ua_cheb.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

ua_cheb *ua_cheb_alloc(size_t npieces, size_t total)
{
    if (npieces == 0 || total == 0) return NULL;
    ua_cheb *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->npieces = npieces;
    c->scale = 1.0;
    c->breaks = ua_calloc(npieces + 1, sizeof *c->breaks);
    c->lo = ua_calloc(npieces, sizeof *c->lo);
    c->hi = ua_calloc(npieces, sizeof *c->hi);
    c->inv_width = ua_calloc(npieces, sizeof *c->inv_width);
    c->offset = ua_calloc(npieces + 1, sizeof *c->offset);
    c->coeffs = ua_calloc(total, sizeof *c->coeffs);
    if (!c->breaks || !c->lo || !c->hi || !c->inv_width || !c->offset || !c->coeffs) {
        ua_cheb_free(c);
        return NULL;
    }
    return c;
}

void ua_cheb_finish(ua_cheb *c)
{
    for (size_t i = 0; i < c->npieces; i++) {
        double lo = c->breaks[i], hi = c->breaks[i + 1];
        if (c->map == UA_MAP_LOG) {
            lo = log(lo);
            hi = log(hi);
        }
        c->lo[i] = lo;
        c->hi[i] = hi;
        c->inv_width[i] = 1.0 / (hi - lo);
    }
}

void ua_cheb_free(ua_cheb *c)
{
    if (!c) return;
    free(c->breaks);
    free(c->lo);
    free(c->hi);
    free(c->inv_width);
    free(c->offset);
    free(c->coeffs);
    free(c->roots);
    free(c);
}

ua_status ua_cheb_set_factors(ua_cheb *c, double scale, const double *roots)
{
    int e = 0;
    if (!(scale > 0.0) || !isfinite(scale) || frexp(scale, &e) != 0.5)
        return UA_ERR(UA_EINVAL, "the scale %g is not a positive power of two", scale);
    double *r = NULL;
    if (roots) {
        for (size_t i = 0; i < c->npieces; i++) {
            double hi = roots[2 * i], lo = roots[2 * i + 1];
            if (isnan(hi)) continue;
            if (!(hi == c->breaks[i] || hi == c->breaks[i + 1]) || !isfinite(lo) ||
                !(fabs(lo) <= fabs(hi) * 0x1p-50 + 0x1p-1000))
                return UA_ERR(UA_EINVAL, "root %zu (%.17g%+.3g) is not at an end of its piece "
                              "[%.17g, %.17g]", i, hi, lo, c->breaks[i], c->breaks[i + 1]);
        }
        r = ua_calloc(2 * c->npieces, sizeof *r);
        if (!r) return UA_ENOMEM_ERR(2 * c->npieces * sizeof *r);
        memcpy(r, roots, 2 * c->npieces * sizeof *r);
    }
    free(c->roots);
    c->roots = r;
    c->scale = scale;
    return UA_OK;
}

ua_status ua_cheb_from_parts(size_t npieces, const double *breaks, const size_t *lengths,
                             const double *coeffs, ua_map map, ua_cheb **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    if (npieces == 0 || !breaks || !lengths || !coeffs)
        return UA_ERR(UA_EINVAL, "need at least one piece and non-NULL arrays");
    if (map != UA_MAP_NONE && map != UA_MAP_LOG)
        return UA_ERR(UA_EINVAL, "unknown map %d", (int)map);
    if (npieces > ((size_t)-1) / sizeof(double) - 1)
        return UA_ERR(UA_EINVAL, "%zu pieces is too many", npieces);
    for (size_t i = 0; i <= npieces; i++)
        if (!isfinite(breaks[i]))
            return UA_ERR(UA_EINVAL, "breakpoint %zu is not finite", i);
    for (size_t i = 0; i < npieces; i++)
        if (!(breaks[i] < breaks[i + 1]))
            return UA_ERR(UA_EINVAL,
                          "breakpoints not strictly increasing at %zu (%.17g, %.17g)",
                          i, breaks[i], breaks[i + 1]);
    if (map == UA_MAP_LOG && !(breaks[0] > 0.0))
        return UA_ERR(UA_EINVAL, "log map needs breaks[0] > 0, got %.17g",
                      breaks[0]);
    size_t total = 0;
    for (size_t i = 0; i < npieces; i++) {
        if (lengths[i] == 0) return UA_ERR(UA_EINVAL, "piece %zu has length 0", i);
        if (lengths[i] > ((size_t)-1) / sizeof(double) - total)
            return UA_ERR(UA_EINVAL, "total length overflows");
        total += lengths[i];
    }
    for (size_t k = 0; k < total; k++)
        if (!isfinite(coeffs[k]))
            return UA_ERR(UA_EINVAL, "coefficient %zu is not finite", k);
    ua_cheb *c = ua_cheb_alloc(npieces, total);
    if (!c) return UA_ENOMEM_ERR((total + 5 * npieces) * sizeof(double));
    c->map = map;
    c->resolved = 1;
    memcpy(c->breaks, breaks, (npieces + 1) * sizeof *breaks);
    memcpy(c->coeffs, coeffs, total * sizeof *coeffs);
    c->offset[0] = 0;
    for (size_t i = 0; i < npieces; i++) c->offset[i + 1] = c->offset[i] + lengths[i];
    ua_cheb_finish(c);
    *out = c;
    return UA_OK;
}

size_t ua_cheb_find_piece(const double *breaks, size_t npieces, double x)
{
    /* invariant: breaks[lo] <= x, and x < breaks[hi] unless hi == npieces */
    size_t lo = 0, hi = npieces;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (breaks[mid] <= x) lo = mid;
        else hi = mid;
    }
    return lo;
}

double ua_cheb_eval_piece_t(const ua_cheb *c, size_t i, double t)
{
    double s = ua_cheb_to_s(t, c->lo[i], c->hi[i], c->inv_width[i]);
    return ua_cheb_clenshaw(c->coeffs + c->offset[i], c->offset[i + 1] - c->offset[i], s);
}

double ua_cheb_eval(const ua_cheb *c, double x)
{
    if (!c) return NAN;
    if (!(x >= c->breaks[0] && x <= c->breaks[c->npieces])) return NAN; /* also NaN x */
    double t = c->map == UA_MAP_LOG ? log(x) : x;
    if (c->uniform) {
        double s;
        size_t i = ua_cheb_uniform_locate(t, c->u_t0, c->u_scale, c->npieces, &s);
        return ua_cheb_apply(c, i, x,
                             ua_cheb_clenshaw(c->coeffs + c->offset[i],
                                              c->offset[i + 1] - c->offset[i], s));
    }
    size_t i = ua_cheb_find_piece(c->breaks, c->npieces, x);
    return ua_cheb_apply(c, i, x, ua_cheb_eval_piece_t(c, i, t));
}

double ua_cheb_fn1(double x, void *ctx) { return ua_cheb_eval((const ua_cheb *)ctx, x); }

/* Where x falls: *piece and s in [-1, 1]; 0 outside the domain (or NaN). The same arithmetic as
 * ua_cheb_eval, so that the values below are bitwise its values. */
static int locate(const ua_cheb *c, double x, size_t *piece, double *s)
{
    if (!(x >= c->breaks[0] && x <= c->breaks[c->npieces])) return 0;
    double t = c->map == UA_MAP_LOG ? log(x) : x;
    if (c->uniform) {
        *piece = ua_cheb_uniform_locate(t, c->u_t0, c->u_scale, c->npieces, s);
        return 1;
    }
    size_t i = ua_cheb_find_piece(c->breaks, c->npieces, x);
    *piece = i;
    *s = ua_cheb_to_s(t, c->lo[i], c->hi[i], c->inv_width[i]);
    return 1;
}

/* Clenshaw's recurrence for UA_CHEB_LANES points of one series at once: each lane is the scalar
 * recurrence of ua_cheb_clenshaw step for step (bitwise the same result), but the lanes are
 * independent chains, so the processor overlaps them instead of waiting on one dependent chain
 * (about 8x faster for long series). */
#define UA_CHEB_LANES 8
static void clenshaw_lanes(const double *c, size_t n, const double *s, double *y)
{
    double b1[UA_CHEB_LANES] = { 0 }, b2[UA_CHEB_LANES] = { 0 }, s2[UA_CHEB_LANES];
    for (int l = 0; l < UA_CHEB_LANES; l++) s2[l] = s[l] + s[l];
    for (size_t k = n - 1; k >= 1; k--)
        for (int l = 0; l < UA_CHEB_LANES; l++) {
            double b0 = c[k] + s2[l] * b1[l] - b2[l];
            b2[l] = b1[l];
            b1[l] = b0;
        }
    for (int l = 0; l < UA_CHEB_LANES; l++) y[l] = c[0] + s[l] * b1[l] - b2[l];
}

/* y[i] for x[lo .. hi): runs of points in one piece go through the lanes. */
static void eval_block(const ua_cheb *c, const double *x, size_t lo, size_t hi, double *y)
{
    size_t lane_idx[UA_CHEB_LANES], nl = 0, cur = (size_t)-1;
    double lane_s[UA_CHEB_LANES], out[UA_CHEB_LANES];
    for (size_t i = lo; i <= hi; i++) {
        size_t piece = 0;
        double s = 0;
        int inside = i < hi && locate(c, x[i], &piece, &s);
        if (i < hi && !inside) y[i] = NAN;
        /* flush the lanes when the piece changes, they are full, or at the end */
        if (nl && (i == hi || (inside && piece != cur) || nl == UA_CHEB_LANES)) {
            const double *cf = c->coeffs + c->offset[cur];
            size_t len = c->offset[cur + 1] - c->offset[cur];
            if (nl == UA_CHEB_LANES && len > 1) {
                clenshaw_lanes(cf, len, lane_s, out);
                for (size_t l = 0; l < nl; l++)
                    y[lane_idx[l]] = ua_cheb_apply(c, cur, x[lane_idx[l]], out[l]);
            } else {
                for (size_t l = 0; l < nl; l++)
                    y[lane_idx[l]] = ua_cheb_apply(c, cur, x[lane_idx[l]],
                                                   ua_cheb_clenshaw(cf, len, lane_s[l]));
            }
            nl = 0;
        }
        if (inside) {
            cur = piece;
            lane_idx[nl] = i;
            lane_s[nl++] = s;
        }
    }
}

void ua_cheb_eval_many(const ua_cheb *c, const double *x, size_t n, double *y)
{
    if (!c) {
        for (size_t i = 0; i < n; i++) y[i] = NAN;
        return;
    }
    /* threads only when the work pays for them: points times the mean series length */
    size_t mean_len = c->offset[c->npieces] / c->npieces + 1;
    int threads = ua_row_threads(n * mean_len, (size_t)1 << 22, (n + 255) / 256);
    if (threads <= 1) {
        eval_block(c, x, 0, n, y);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t b = 0; b < (size_t)threads; b++)
        eval_block(c, x, n * b / (size_t)threads, n * (b + 1) / (size_t)threads, y);
}

size_t ua_cheb_npieces(const ua_cheb *c) { return c ? c->npieces : 0; }
const double *ua_cheb_breaks(const ua_cheb *c) { return c ? c->breaks : NULL; }
size_t ua_cheb_length(const ua_cheb *c, size_t piece)
{
    return c && piece < c->npieces ? c->offset[piece + 1] - c->offset[piece] : 0;
}
const double *ua_cheb_coeffs(const ua_cheb *c, size_t piece)
{
    return c && piece < c->npieces ? c->coeffs + c->offset[piece] : NULL;
}
size_t ua_cheb_total_length(const ua_cheb *c) { return c ? c->offset[c->npieces] : 0; }
ua_map ua_cheb_map(const ua_cheb *c) { return c ? c->map : UA_MAP_NONE; }
int ua_cheb_resolved(const ua_cheb *c) { return c ? c->resolved : 0; }
int ua_cheb_uniform(const ua_cheb *c) { return c ? c->uniform : 0; }

ua_status ua_cheb_make_uniform(ua_cheb *c, int check)
{
    size_t P = c->npieces;
    double t0 = c->breaks[0], t1 = c->breaks[P];
    if (c->map == UA_MAP_LOG) {
        t0 = log(t0);
        t1 = log(t1);
    }
    if (!(t0 < t1)) return UA_ERR(UA_EFORMAT, "cheb: uniform pieces need a nonempty domain");
    if (P > (size_t)1 << 30) return UA_ERR(UA_EFORMAT, "cheb: %zu uniform pieces is too many", P);
    if (check) {
        double h = (t1 - t0) / (double)P;
        for (size_t i = 1; i < P; i++) {
            double want = ua_cheb_uniform_break(t0, t1, P, i), got = c->breaks[i];
            if (c->map == UA_MAP_LOG) got = log(got);
            if (!(fabs(got - want) <= 1e-9 * h))
                return UA_ERR(UA_EFORMAT,
                              "cheb: breakpoint %zu (%.17g) is not that of %zu uniform pieces", i,
                              c->breaks[i], P);
        }
    }
    c->uniform = 1;
    c->u_t0 = t0;
    c->u_scale = (double)P / (t1 - t0);
    return UA_OK;
}
