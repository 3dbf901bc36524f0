/*
 * The integral of a sparse grid interpolant over its box: sum_p c_p prod_i w(p_i) times the
 * volume, w(id) the integral over [-1, 1] of the node's 1-D basis function, halved — for
 * clenshaw-curtis the node's weight in its level's Clenshaw-Curtis rule (the integral of the
 * level's Lagrange polynomial), so a global grid's integral is its Smolyak (Clenshaw-Curtis)
 * quadrature (Novak & Ritter 1996; Gerstner & Griebel 1998); for localp the area of the hat or
 * bubble.
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "uniapprox/chebtech.h"

/* w (nodes_upto(maxl),) by id for clenshaw-curtis. Cost O(4^maxl) (one rule per level). */
static ua_status weights_by_id(const ua_sparse *g, int maxl, double *w)
{
    w[0] = 1.0;
    for (int l = 1; l <= maxl; l++) {
        size_t M = (size_t)1 << l, first = ua_sparse_first_id(l);
        double *cc = malloc((M + 1) * sizeof *cc);
        if (!cc) return UA_ENOMEM_ERR((M + 1) * sizeof *cc);
        ua_cc_weights(M + 1, cc);
        size_t step = l == 1 ? M : 2, k0 = l == 1 ? 0 : 1;
        for (size_t k = k0, j = 0; k <= M; k += step, j++) w[first + j] = 0.5 * cc[k];
        free(cc);
    }
    return UA_OK;
}

double ua_sparse_integral(const ua_sparse *g)
{
    const size_t d = g->d;
    double *w[UA_PROBLEM_MAX_DIM] = { 0 }, vol = 1.0, sum = 0.0;
    int ok = 1;
    for (size_t i = 0; i < d; i++) vol *= g->hi[i] - g->lo[i];
    if (g->rule == UA_SPARSE_LOCALP) {
        /* a hat's or bubble's area costs O(1) from its id: no table, whose size would be
         * 2^maxlevel (a localp level may reach 30; a table there is gigabytes) */
        for (size_t p = 0; p < g->n; p++) {
            double v = g->surplus[p];
            for (size_t i = 0; i < d; i++)
                v *= ua_sparse_node_weight(g->rule, g->order, g->node[p * d + i]);
            sum += v;
        }
        return sum * vol;
    }
    for (size_t i = 0; i < d && ok; i++) { /* clenshaw-curtis levels are at most 16 */
        w[i] = malloc(ua_sparse_nodes_upto(g->maxlevel[i]) * sizeof *w[i]);
        ok = w[i] && !weights_by_id(g, g->maxlevel[i], w[i]);
    }
    for (size_t p = 0; ok && p < g->n; p++) {
        double v = g->surplus[p];
        for (size_t i = 0; i < d; i++) v *= w[i][g->node[p * d + i]];
        sum += v;
    }
    for (size_t i = 0; i < d; i++) free(w[i]);
    return ok ? sum * vol : NAN;
}
