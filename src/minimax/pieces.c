/*
 * The minimax model as an exact polynomial (ua_family.pieces, src/model/family.h): one piece,
 * the stored coefficients in the stored basis and variable t = (x - shift) scale, as
 * ua_minimax_eval uses them; for the proven bounds of src/prove/.
 */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

ua_status ua_minimax_pieces(const void *state, ua_poly_piece **pieces, size_t *n)
{
    const ua_minimax *m = state;
    if (!m || !pieces || !n) return UA_ERR(UA_EINVAL, "minimax pieces: NULL argument");
    *pieces = NULL;
    *n = 0;
    if (m->nden)
        return UA_ERR(UA_EUNSUPPORTED, "a rational minimax model (a denominator of degree %zu) "
                      "is not a polynomial", m->nden - 1);
    ua_poly_piece *p = ua_calloc(1, sizeof *p);
    if (!p) return UA_ENOMEM_ERR(sizeof *p);
    p->a = m->a;
    p->b = m->b;
    p->xmul = 1.0;
    p->shift1 = m->shift;
    p->shift2 = 0.0;
    p->mul = m->scale;
    p->offset = 0.0;
    p->chebyshev = m->basis == UA_MINIMAX_BASIS_CHEBYSHEV;
    p->horner = m->scheme == UA_MINIMAX_HORNER || m->nnum < 3; /* as ua_minimax_eval's poly */
    p->coeffs = m->num;
    p->ncoeffs = m->nnum;
    p->root = NAN;
    p->root_lo = 0.0;
    p->scale = 1.0;
    *pieces = p;
    *n = 1;
    return UA_OK;
}
