/*
 * uniapprox/graphs.h — data sets of graphs: many small graphs, each with node features, directed
 * edges with optional edge features, and a target per graph or per node. The graph family
 * (docs/graph.md) learns functions of such graphs; the readers here treat every file as untrusted.
 *
 * Layout (CSR over the whole set, like a PyTorch Geometric batch): graph g owns the nodes
 * node_off[g] .. node_off[g+1]-1 and the edges edge_off[g] .. edge_off[g+1]-1. Edge k goes from
 * node src[k] to node dst[k], both indices into the whole set (global) and both inside the edge's
 * own graph. An undirected edge is stored as two directed edges. Features are row-major:
 * x (nnodes, node_dim), e (nedges, edge_dim) (e is NULL when edge_dim == 0).
 *
 * Targets: level UA_GRAPH_LEVEL_GRAPH (y (ngraphs, ny)) or UA_GRAPH_LEVEL_NODE (y (nnodes, ny)).
 * nclasses > 0 means a classification task: ny == 1 and every y is an integer in
 * [0, nclasses). A set without targets (for prediction) has y NULL and ny 0.
 *
 * Thread-safety: a set is immutable once built; read it from any number of threads.
 */
#ifndef UNIAPPROX_GRAPHS_H
#define UNIAPPROX_GRAPHS_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the targets live. */
typedef enum {
    UA_GRAPH_LEVEL_GRAPH = 0, /* one target row per graph */
    UA_GRAPH_LEVEL_NODE = 1   /* one target row per node */
} ua_graph_level;

/* A set of graphs in CSR form (see the file comment). All arrays are owned by the set. */
typedef struct {
    size_t ngraphs, nnodes, nedges;
    size_t node_dim;          /* >= 1 (a graph without node features stores a column of ones) */
    size_t edge_dim;          /* >= 0 */
    size_t *node_off;         /* (ngraphs + 1,), node_off[0] == 0, node_off[ngraphs] == nnodes */
    size_t *edge_off;         /* (ngraphs + 1,), edge_off[0] == 0, edge_off[ngraphs] == nedges */
    int32_t *src, *dst;       /* (nedges,) global node indices */
    double *x;                /* (nnodes, node_dim) */
    double *e;                /* (nedges, edge_dim), NULL when edge_dim == 0 */
    ua_graph_level level;
    size_t ny;                /* target width; 0 when the set has no targets */
    size_t nclasses;          /* 0: regression; else classes 0 .. nclasses-1 in y (ny == 1) */
    double *y;                /* (ngraphs or nnodes, ny), NULL when ny == 0 */
} ua_graphs;

/* Releases a set and its arrays. NULL is a no-op. */
void ua_graphs_free(ua_graphs *g);

#ifdef __cplusplus
}
#endif
#endif
