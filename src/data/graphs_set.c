/* Sets of graphs in memory (uniapprox/graphs.h): allocation, the consistency check every reader
 * and constructor applies, deep copies, release. The JSON-lines reader and writer are graphs.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "uniapprox/graphs.h"

void ua_graphs_free(ua_graphs *g)
{
    if (!g) return;
    free(g->node_off);
    free(g->edge_off);
    free(g->src);
    free(g->dst);
    free(g->x);
    free(g->e);
    free(g->y);
    free(g);
}

ua_status ua_graphs_alloc(size_t ngraphs, size_t nnodes, size_t nedges, size_t node_dim,
                          size_t edge_dim, ua_graph_level level, size_t ny, size_t nclasses,
                          ua_graphs **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_graphs_alloc: out is NULL");
    *out = NULL;
    if (ngraphs == 0) return UA_ERR(UA_EINVAL, "a set of graphs needs at least one graph");
    if (node_dim == 0) return UA_ERR(UA_EINVAL, "node_dim is 0 (a graph without node features "
                                     "stores a column of ones)");
    if (nnodes > UA_GRAPHS_MAX_NODES || ngraphs > nnodes)
        return UA_ERR(UA_EINVAL, "%zu nodes in %zu graphs: every graph needs a node and a set "
                      "holds at most %zu nodes", nnodes, ngraphs, UA_GRAPHS_MAX_NODES);
    if (nedges > UA_GRAPHS_MAX_EDGES)
        return UA_ERR(UA_EINVAL, "%zu edges: a set holds at most %zu", nedges,
                      UA_GRAPHS_MAX_EDGES);
    if (node_dim > UA_GRAPHS_MAX_DIM || edge_dim > UA_GRAPHS_MAX_DIM || ny > UA_GRAPHS_MAX_DIM)
        return UA_ERR(UA_EINVAL, "widths node_dim %zu, edge_dim %zu, ny %zu: at most %zu each",
                      node_dim, edge_dim, ny, UA_GRAPHS_MAX_DIM);
    if (nclasses && (ny != 1 || nclasses > UA_GRAPHS_MAX_CLASSES))
        return UA_ERR(UA_EINVAL, "%zu classes need one target column (ny %zu) and at most %zu "
                      "classes", nclasses, ny, UA_GRAPHS_MAX_CLASSES);
    if (level != UA_GRAPH_LEVEL_GRAPH && level != UA_GRAPH_LEVEL_NODE)
        return UA_ERR(UA_EINVAL, "unknown target level %d", (int)level);
    ua_graphs *g = calloc(1, sizeof *g);
    if (!g) return UA_ENOMEM_ERR(sizeof *g);
    g->ngraphs = ngraphs;
    g->nnodes = nnodes;
    g->nedges = nedges;
    g->node_dim = node_dim;
    g->edge_dim = edge_dim;
    g->level = level;
    g->ny = ny;
    g->nclasses = nclasses;
    size_t rows = level == UA_GRAPH_LEVEL_NODE ? nnodes : ngraphs;
    /* widths <= 2^16 and counts < 2^31: the products below fit in 64 bits; ua_calloc checks
     * them against SIZE_MAX / size anyway */
    g->node_off = ua_calloc(ngraphs + 1, sizeof *g->node_off);
    g->edge_off = ua_calloc(ngraphs + 1, sizeof *g->edge_off);
    g->src = ua_calloc(nedges ? nedges : 1, sizeof *g->src);
    g->dst = ua_calloc(nedges ? nedges : 1, sizeof *g->dst);
    g->x = ua_calloc(nnodes * node_dim, sizeof *g->x);
    if (edge_dim) g->e = ua_calloc(nedges ? nedges * edge_dim : 1, sizeof *g->e);
    if (ny) g->y = ua_calloc(rows * ny, sizeof *g->y);
    if (!g->node_off || !g->edge_off || !g->src || !g->dst || !g->x || (edge_dim && !g->e) ||
        (ny && !g->y)) {
        ua_graphs_free(g);
        return UA_ENOMEM_ERR((nnodes * (node_dim + ny) + nedges * (edge_dim + 1)) *
                             sizeof(double));
    }
    *out = g;
    return UA_OK;
}

/* The first non-finite value of a (rows, w) as "row r, column c", or UA_OK. */
static ua_status check_finite(const char *who, const char *field, const char *rowname,
                              const double *a, size_t rows, size_t w)
{
    size_t i = ua_first_nonfinite(a, rows * w);
    if (i == rows * w) return UA_OK;
    return UA_ERR(UA_EINVAL, "%s: %s %zu, field '%s', column %zu: %g is not finite", who, rowname,
                  i / w, field, i % w, a[i]);
}

ua_status ua_graphs_check(const ua_graphs *g, const char *who)
{
    if (!who) who = "graphs";
    if (!g) return UA_ERR(UA_EINVAL, "%s: the set is NULL", who);
    if (g->ngraphs == 0) return UA_ERR(UA_EINVAL, "%s: no graphs", who);
    if (g->node_dim == 0) return UA_ERR(UA_EINVAL, "%s: node_dim is 0", who);
    if (g->nnodes > UA_GRAPHS_MAX_NODES || g->nedges > UA_GRAPHS_MAX_EDGES ||
        g->node_dim > UA_GRAPHS_MAX_DIM || g->edge_dim > UA_GRAPHS_MAX_DIM ||
        g->ny > UA_GRAPHS_MAX_DIM || g->nclasses > UA_GRAPHS_MAX_CLASSES)
        return UA_ERR(UA_EINVAL, "%s: sizes beyond the limits of a set", who);
    if (!g->node_off || !g->edge_off || !g->x || (g->nedges && (!g->src || !g->dst)) ||
        (g->edge_dim && g->nedges && !g->e) || (g->ny && !g->y))
        return UA_ERR(UA_EINVAL, "%s: a NULL array", who);
    if (g->level != UA_GRAPH_LEVEL_GRAPH && g->level != UA_GRAPH_LEVEL_NODE)
        return UA_ERR(UA_EINVAL, "%s: unknown target level %d", who, (int)g->level);
    if (g->nclasses && g->ny != 1)
        return UA_ERR(UA_EINVAL, "%s: %zu classes need one target column, not %zu", who,
                      g->nclasses, g->ny);
    if (g->node_off[0] != 0 || g->edge_off[0] != 0)
        return UA_ERR(UA_EINVAL, "%s: node_off[0] and edge_off[0] must be 0", who);
    for (size_t k = 0; k < g->ngraphs; k++) {
        size_t a = g->node_off[k], b = g->node_off[k + 1];
        if (b <= a || b > g->nnodes)
            return UA_ERR(UA_EINVAL, "%s: graph %zu: nodes %zu .. %zu (a graph needs at least one "
                          "node, within the set's %zu)", who, k, a, b, g->nnodes);
        size_t ea = g->edge_off[k], eb = g->edge_off[k + 1];
        if (eb < ea || eb > g->nedges)
            return UA_ERR(UA_EINVAL, "%s: graph %zu: edges %zu .. %zu decrease or leave the set's "
                          "%zu", who, k, ea, eb, g->nedges);
        for (size_t j = ea; j < eb; j++) {
            int32_t u = g->src[j], v = g->dst[j];
            if (u < 0 || (size_t)u < a || (size_t)u >= b)
                return UA_ERR(UA_EINVAL, "%s: graph %zu, edge %zu: src %d is outside the graph "
                              "(nodes %zu .. %zu)", who, k, j, (int)u, a, b - 1);
            if (v < 0 || (size_t)v < a || (size_t)v >= b)
                return UA_ERR(UA_EINVAL, "%s: graph %zu, edge %zu: dst %d is outside the graph "
                              "(nodes %zu .. %zu)", who, k, j, (int)v, a, b - 1);
        }
    }
    if (g->node_off[g->ngraphs] != g->nnodes || g->edge_off[g->ngraphs] != g->nedges)
        return UA_ERR(UA_EINVAL, "%s: the offsets end at %zu nodes and %zu edges, the set has %zu "
                      "and %zu", who, g->node_off[g->ngraphs], g->edge_off[g->ngraphs],
                      g->nnodes, g->nedges);
    ua_status s = check_finite(who, "x", "node", g->x, g->nnodes, g->node_dim);
    if (!s && g->edge_dim) s = check_finite(who, "edge_attr", "edge", g->e, g->nedges, g->edge_dim);
    size_t rows = g->level == UA_GRAPH_LEVEL_NODE ? g->nnodes : g->ngraphs;
    const char *yname = g->level == UA_GRAPH_LEVEL_NODE ? "y_node" : "y";
    if (!s && g->ny) s = check_finite(who, yname, g->level == UA_GRAPH_LEVEL_NODE ? "node"
                                      : "graph", g->y, rows, g->ny);
    if (s) return s;
    for (size_t i = 0; g->nclasses && i < rows; i++) {
        double c = g->y[i];
        if (!(c >= 0 && c < (double)g->nclasses && c == floor(c)))
            return UA_ERR(UA_EINVAL, "%s: %s %zu, field '%s': %.17g is not a class in 0 .. %zu",
                          who, g->level == UA_GRAPH_LEVEL_NODE ? "node" : "graph", i, yname, c,
                          g->nclasses - 1);
    }
    return UA_OK;
}

ua_status ua_graphs_copy(const ua_graphs *g, ua_graphs **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_graphs_copy: out is NULL");
    *out = NULL;
    if (!g) return UA_ERR(UA_EINVAL, "ua_graphs_copy: the set is NULL");
    ua_graphs *c;
    ua_status s = ua_graphs_alloc(g->ngraphs, g->nnodes, g->nedges, g->node_dim, g->edge_dim,
                                  g->level, g->ny, g->nclasses, &c);
    if (s) return s;
    size_t rows = g->level == UA_GRAPH_LEVEL_NODE ? g->nnodes : g->ngraphs;
    memcpy(c->node_off, g->node_off, (g->ngraphs + 1) * sizeof *c->node_off);
    memcpy(c->edge_off, g->edge_off, (g->ngraphs + 1) * sizeof *c->edge_off);
    if (g->nedges) {
        memcpy(c->src, g->src, g->nedges * sizeof *c->src);
        memcpy(c->dst, g->dst, g->nedges * sizeof *c->dst);
    }
    memcpy(c->x, g->x, g->nnodes * g->node_dim * sizeof *c->x);
    if (g->edge_dim && g->nedges) memcpy(c->e, g->e, g->nedges * g->edge_dim * sizeof *c->e);
    if (g->ny) memcpy(c->y, g->y, rows * g->ny * sizeof *c->y);
    *out = c;
    return UA_OK;
}
