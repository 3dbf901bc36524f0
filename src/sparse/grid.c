/*
 * The sparse grid as a data structure: allocation, growth, the box's coordinates of a point, and
 * the largest level per dimension.
 */
#include <math.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

ua_status ua_sparse_new(size_t d, ua_sparse_rule rule, int order, const double *lo,
                        const double *hi, ua_sparse **out)
{
    *out = NULL;
    ua_sparse *g = calloc(1, sizeof *g);
    if (!g) return UA_ENOMEM_ERR(sizeof *g);
    g->d = d;
    g->rule = rule;
    g->order = order;
    g->lo = malloc(d * sizeof *g->lo);
    g->hi = malloc(d * sizeof *g->hi);
    g->maxlevel = calloc(d, sizeof *g->maxlevel);
    g->boff = calloc(1, sizeof *g->boff);
    g->estimated_err = NAN;
    g->root = UA_SPARSE_NONE;
    if (!g->lo || !g->hi || !g->maxlevel || !g->boff) {
        ua_sparse_free(g);
        return UA_ENOMEM_ERR(3 * d * sizeof(double));
    }
    memcpy(g->lo, lo, d * sizeof *lo);
    memcpy(g->hi, hi, d * sizeof *hi);
    *out = g;
    return UA_OK;
}

void ua_sparse_free(ua_sparse *g)
{
    if (!g) return;
    free(g->lo);
    free(g->hi);
    free(g->node);
    free(g->surplus);
    free(g->blevel);
    free(g->boff);
    free(g->maxlevel);
    free(g->kid);
    free(g);
}

ua_status ua_sparse_reserve(ua_sparse *g, size_t n, size_t *cap)
{
    if (n <= *cap) return UA_OK;
    if (n > UA_SPARSE_MAX_POINTS)
        return UA_ERR(UA_EINVAL, "sparse grid: %zu points exceed the limit of %zu", n,
                      UA_SPARSE_MAX_POINTS);
    size_t c = *cap ? *cap : 64;
    while (c < n) c *= 2;
    if (c > UA_SPARSE_MAX_POINTS) c = UA_SPARSE_MAX_POINTS;
    uint32_t *node = realloc(g->node, c * g->d * sizeof *node);
    if (!node) return UA_ENOMEM_ERR(c * g->d * sizeof *node);
    g->node = node;
    double *s = realloc(g->surplus, c * sizeof *s);
    if (!s) return UA_ENOMEM_ERR(c * sizeof *s);
    g->surplus = s;
    *cap = c;
    return UA_OK;
}

ua_status ua_sparse_update_levels(ua_sparse *g)
{
    for (size_t i = 0; i < g->d; i++) g->maxlevel[i] = 0;
    for (size_t p = 0; p < g->n; p++)
        for (size_t i = 0; i < g->d; i++) {
            int l = ua_sparse_node_level(g->node[p * g->d + i]);
            if (l > g->maxlevel[i]) g->maxlevel[i] = l;
        }
    return UA_OK;
}

void ua_sparse_point_x(const ua_sparse *g, size_t p, double *x)
{
    for (size_t i = 0; i < g->d; i++)
        x[i] = ua_sparse_node_x(g->rule, g->node[p * g->d + i], g->lo[i], g->hi[i]);
}

int ua_sparse_level(const ua_sparse *g)
{
    int best = 0;
    for (size_t p = 0; p < g->n; p++) {
        int s = 0;
        for (size_t i = 0; i < g->d; i++) s += ua_sparse_node_level(g->node[p * g->d + i]);
        if (s > best) best = s;
    }
    return best;
}
