/*
 * The spline model as exact polynomials on pieces (ua_family.pieces, src/model/family.h): on each
 * knot interval the cubic y_i + scale (B u + C u^2 + D u^3), u = (x - x_i) / h_i with the stored
 * reciprocal width, as ua_spline_local evaluates it; for the proven bounds of src/prove/.
 */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

ua_status ua_spline_pieces(const void *state, ua_poly_piece **pieces, size_t *n)
{
    const ua_spline *s = state;
    if (!s || !pieces || !n) return UA_ERR(UA_EINVAL, "spline pieces: NULL argument");
    *pieces = NULL;
    *n = 0;
    if (s->map != UA_SPLINE_MAP_NONE)
        return UA_ERR(UA_EUNSUPPORTED, "a spline in a mapped variable (log, asinh) is no "
                      "polynomial in x");
    if (s->half)
        return UA_ERR(UA_EUNSUPPORTED, "a spline with knots beyond 2^1021 (shrunk local "
                      "coordinate) is not supported by the prover");
    /* n - 1 knot intervals, and the last knot itself, where predict takes knot n - 1's
     * constant */
    ua_poly_piece *p = ua_calloc(s->n, sizeof *p);
    if (!p) return UA_ENOMEM_ERR(s->n * sizeof *p);
    for (size_t i = 0; i < s->n; i++) {
        ua_poly_piece *q = &p[i];
        q->a = s->x[i];
        q->b = i + 1 < s->n ? s->x[i + 1] : s->x[i];
        q->xmul = 1.0;
        q->shift1 = s->t[i];
        q->shift2 = 0.0;
        q->mul = s->ih[i];
        q->offset = 0.0;
        q->chebyshev = 0;
        q->horner = 1; /* u (B + u (C + u D)) scaled by a power of two, then + y: Horner's order */
        q->own[0] = s->y[i];
        for (int k = 0; k < 3; k++) q->own[k + 1] = s->scale * s->cf[3 * i + k];
        q->coeffs = q->own;
        q->ncoeffs = 4;
        q->root = NAN;
        q->root_lo = 0.0;
        q->scale = 1.0;
        for (int k = 0; k < 4; k++)
            if (!isfinite(q->own[k])) {
                free(p);
                return UA_ERR(UA_EUNSUPPORTED, "spline pieces: the cubic of knot %zu overflows "
                              "a double once scaled", i);
            }
    }
    *pieces = p;
    *n = s->n;
    return UA_OK;
}
