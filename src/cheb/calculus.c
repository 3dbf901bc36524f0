/*
 * Derivative and definite integral of a ua_cheb from its coefficients (docs/cheb.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

ua_status ua_cheb_deriv(const ua_cheb *c, ua_cheb **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    if (!c) return UA_ERR(UA_EINVAL, "approximant is NULL");
    if (c->map == UA_MAP_LOG)
        return UA_ERR(UA_EUNSUPPORTED, "not available for the log map");
    if (c->roots)
        return UA_ERR(UA_EUNSUPPORTED, "not available for pieces with a root factor (--rel-tol)");
    size_t total = 0;
    for (size_t i = 0; i < c->npieces; i++) {
        size_t n = c->offset[i + 1] - c->offset[i];
        total += n > 1 ? n - 1 : 1;
    }
    ua_cheb *d = ua_cheb_alloc(c->npieces, total);
    if (!d) return UA_ENOMEM_ERR(total * sizeof(double));
    d->map = c->map;
    d->resolved = c->resolved;
    memcpy(d->breaks, c->breaks, (c->npieces + 1) * sizeof *c->breaks);
    d->offset[0] = 0;
    for (size_t i = 0; i < c->npieces; i++) {
        const double *a = c->coeffs + c->offset[i];
        size_t n = c->offset[i + 1] - c->offset[i], m = n > 1 ? n - 1 : 1;
        double *da = d->coeffs + d->offset[i];
        d->offset[i + 1] = d->offset[i] + m;
        if (n == 1) {
            da[0] = 0.0;
            continue;
        }
        /* T_k' = k U_{k-1} expands in T_j, j < k of opposite parity, which gives the backward
         * recurrence d_{k-1} = d_{k+1} + 2 k c_k (d_n = d_{n+1} = 0), with d_0 halved. */
        double dk1 = 0.0, dk2 = 0.0; /* d_{k}, d_{k+1} */
        for (size_t k = n - 1; k >= 1; k--) {
            double v = dk2 + 2.0 * (double)k * a[k];
            da[k - 1] = v;
            dk2 = dk1;
            dk1 = v;
        }
        da[0] *= 0.5;
        /* ds/dx = 2 / (b_{i+1} - b_i) */
        double scale = 2.0 / (c->breaks[i + 1] - c->breaks[i]);
        for (size_t k = 0; k < m; k++) da[k] *= scale;
    }
    ua_cheb_finish(d);
    d->scale = c->scale; /* d/dx (scale p) = scale p' */
    *out = d;
    return UA_OK;
}

/* int_{-1}^{1} sum c_k T_k = sum over even k of 2 c_k / (1 - k^2). */
static double integral_m11(const double *a, size_t n)
{
    double sum = 0.0;
    for (size_t k = n - (n % 2 ? 1 : 2);; k -= 2) { /* small terms first */
        sum += 2.0 * a[k] / (1.0 - (double)k * (double)k);
        if (k < 2) break;
    }
    return sum;
}

typedef struct {
    const ua_cheb *c;
    size_t piece;
} piece_ctx;

/* The integrand in t = ln x: p(t) e^t, with p the piece's series evaluated directly in t. */
static double log_integrand(double t, void *ctx)
{
    const piece_ctx *pc = ctx;
    double x = exp(t);
    return ua_cheb_apply(pc->c, pc->piece, x, ua_cheb_eval_piece_t(pc->c, pc->piece, t)) * x;
}

ua_status ua_cheb_integral(const ua_cheb *c, double *value)
{
    if (!c || !value) return UA_ERR(UA_EINVAL, "NULL argument");
    *value = NAN;
    double sum = 0.0;
    if (c->roots) {
        /* a root factor: (x - r) p(x) has no closed form here; resolve it on each piece as
         * the log map does, through ua_cheb_eval */
        int resolved = 1;
        for (size_t i = 0; i < c->npieces; i++) {
            ua_cheb *g = NULL;
            ua_status st = ua_cheb_fit(ua_cheb_fn1, (void *)c, c->breaks[i], c->breaks[i + 1],
                                       NULL, &g);
            if (st && st != UA_ENOTRESOLVED) return st;
            if (st) resolved = 0;
            double v = 0.0;
            ua_cheb_integral(g, &v);
            ua_cheb_free(g);
            sum += v;
        }
        *value = sum;
        return resolved ? UA_OK : UA_ERR(UA_ENOTRESOLVED, "the integrand was not resolved");
    }
    if (c->map != UA_MAP_LOG) {
        for (size_t i = 0; i < c->npieces; i++) {
            size_t n = c->offset[i + 1] - c->offset[i];
            double half = 0.5 * (c->breaks[i + 1] - c->breaks[i]);
            sum += half * integral_m11(c->coeffs + c->offset[i], n);
        }
        *value = sum * c->scale;
        return UA_OK;
    }
    /* dx = e^t dt: resolve p(t) e^t as a Chebyshev series of its own on each piece. */
    int resolved = 1;
    for (size_t i = 0; i < c->npieces; i++) {
        piece_ctx pc = {c, i};
        ua_cheb *g = NULL;
        ua_status st = ua_cheb_fit(log_integrand, &pc, c->lo[i], c->hi[i], NULL, &g);
        if (st && st != UA_ENOTRESOLVED) return st;
        if (st) resolved = 0;
        double v = 0.0;
        ua_cheb_integral(g, &v);
        ua_cheb_free(g);
        sum += v;
    }
    *value = sum;
    if (!resolved)
        return UA_ERR(UA_ENOTRESOLVED, "the integrand in ln x was not resolved");
    return UA_OK;
}
