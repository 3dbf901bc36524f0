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

/* Limits every set (read or built) keeps: indices are int32, so a set holds at most
 * UA_GRAPHS_MAX_NODES nodes and UA_GRAPHS_MAX_EDGES edges; feature and target widths at most
 * UA_GRAPHS_MAX_DIM; classes at most UA_GRAPHS_MAX_CLASSES; one line (one graph) of a file at
 * most UA_GRAPHS_MAX_LINE bytes: cJSON holds a parsed line in about 80 bytes per number, so a
 * hostile line of "0,0,0,..." costs at most about 1.3 GB while it is read. */
#define UA_GRAPHS_MAX_NODES ((size_t)INT32_MAX)
#define UA_GRAPHS_MAX_EDGES ((size_t)INT32_MAX)
#define UA_GRAPHS_MAX_DIM ((size_t)65536)
#define UA_GRAPHS_MAX_CLASSES ((size_t)1 << 20)
#define UA_GRAPHS_MAX_LINE ((size_t)1 << 25)

/*
 * A new set with every array allocated and zeroed for the given sizes (node_off, edge_off zero:
 * the caller fills them); e is NULL when edge_dim == 0, y NULL when ny == 0.
 * Errors: UA_EINVAL (ngraphs 0, node_dim 0, a size beyond the limits above, nclasses > 0 with
 * ny != 1), UA_ENOMEM. *out is NULL on failure. Free with ua_graphs_free.
 */
ua_status ua_graphs_alloc(size_t ngraphs, size_t nnodes, size_t nedges, size_t node_dim,
                          size_t edge_dim, ua_graph_level level, size_t ny, size_t nclasses,
                          ua_graphs **out);

/*
 * Checks a set as the readers check a file: offsets start at 0, never decrease and end at
 * nnodes / nedges; every graph has at least one node; every edge's src and dst lie inside its own
 * graph; x, e and y finite; nclasses > 0 only with ny == 1 and every y an integer in
 * [0, nclasses); sizes within the limits above. who starts every message ("train.jsonl").
 * Errors: UA_EINVAL naming the graph (0-based), the edge or node and the field, e.g.
 * "train.jsonl: graph 3, edge 7: dst 12 is outside the graph (nodes 10 .. 19)". Cost O(size).
 */
ua_status ua_graphs_check(const ua_graphs *g, const char *who);

/* A deep copy of g (not checked). Errors: UA_EINVAL (NULL), UA_ENOMEM. */
ua_status ua_graphs_copy(const ua_graphs *g, ua_graphs **out);

/*
 * Reads a graph data set in JSON lines (docs/graph.md): an optional header line
 * {"format": "uniapprox-graphs", "nclasses": C} (C >= 2: a classification task), then one JSON
 * object per graph with "x" (nodes, node_dim) node features (or, without "x", "num_nodes": n and
 * a column of ones), "edge_index" [[src...], [dst...]] (0-based, local to the graph; may be
 * absent for a graph without edges), optional "edge_attr" (nedges, edge_dim) (a flat list when
 * edge_dim is 1), and the target: "y" for a graph target (a number or a list of ny numbers) or
 * "y_node" for node targets (one number per node, or one list of ny numbers per node). Blank lines
 * are skipped. Every graph must use the same fields and widths as the first.
 * The file is untrusted: every index in range, no count that overflows (a set within the
 * UA_GRAPHS_MAX_* limits), every number finite, class labels integers in [0, C); messages name
 * the file, the 1-based line and the field: "g.jsonl: line 4, field 'edge_index': index 17 is
 * not a node of this graph (10 nodes)".
 * Errors: UA_EINVAL (cannot open, NULL arguments), UA_EFORMAT (malformed JSON, a missing or
 * mistyped field, widths that differ between graphs, an index out of range, a non-finite value, a
 * line longer than UA_GRAPHS_MAX_LINE, a file without graphs), UA_EIO, UA_ENOMEM. *out NULL on
 * failure. Cost: one pass; memory about the file's size in doubles.
 */
ua_status ua_graphs_read(const char *path, ua_graphs **out);

/*
 * Writes g as JSON lines that ua_graphs_read reads back bitwise (numbers with 17 significant
 * digits; the header line only when nclasses > 0; "x", "edge_index", "edge_attr" when edge_dim >
 * 0, and "y" or "y_node" when ny > 0). path "-" is standard output.
 * Errors: UA_EINVAL (NULL, a set that fails ua_graphs_check), UA_EIO (cannot create or write,
 * with the system's reason). A partly written file is left on failure.
 */
ua_status ua_graphs_write(const char *path, const ua_graphs *g);

#ifdef __cplusplus
}
#endif
#endif
