/*
 * The cheb model as exact polynomials on pieces (ua_family.pieces, src/model/family.h): each piece's
 * Chebyshev series with the map its evaluation uses, the zero factor and the scale, for the proven
 * bounds of src/prove/.
 */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

ua_status ua_cheb_pieces(const void *state, ua_poly_piece **pieces, size_t *n)
{
    const ua_cheb *c = state;
    if (!c || !pieces || !n) return UA_ERR(UA_EINVAL, "cheb pieces: NULL argument");
    *pieces = NULL;
    *n = 0;
    if (c->map == UA_MAP_LOG)
        return UA_ERR(UA_EUNSUPPORTED, "a log-mapped cheb model is a series in ln x, not a "
                      "polynomial in x");
    ua_poly_piece *p = ua_calloc(c->npieces, sizeof *p);
    if (!p) return UA_ENOMEM_ERR(c->npieces * sizeof *p);
    for (size_t i = 0; i < c->npieces; i++) {
        ua_poly_piece *q = &p[i];
        q->a = c->breaks[i];
        q->b = c->breaks[i + 1];
        q->xmul = 2.0;
        if (c->uniform) {
            /* s = (u - i) 2 - 1 with u = (t - t0) scale: (2 t - 2 t0) scale - (2 i + 1) */
            q->shift1 = 2.0 * c->u_t0;
            q->shift2 = 0.0;
            q->mul = c->u_scale;
            q->offset = 2.0 * (double)i + 1.0;
        } else {
            /* s = ((t - lo) - (hi - t)) / (hi - lo) as ua_cheb_to_s computes it */
            q->shift1 = c->lo[i];
            q->shift2 = c->hi[i];
            q->mul = c->inv_width[i];
            q->offset = 0.0;
        }
        q->chebyshev = 1;
        q->coeffs = c->coeffs + c->offset[i];
        q->ncoeffs = c->offset[i + 1] - c->offset[i];
        q->root = c->roots ? c->roots[2 * i] : NAN;
        q->root_lo = c->roots ? c->roots[2 * i + 1] : 0.0;
        q->scale = c->scale;
        if (!isfinite(q->shift1)) {
            free(p);
            return UA_ERR(UA_EUNSUPPORTED, "cheb pieces: the map of piece %zu overflows", i);
        }
    }
    *pieces = p;
    *n = c->npieces;
    return UA_OK;
}
