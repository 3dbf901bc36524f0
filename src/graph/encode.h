/*
 * src/graph/encode.h — positional and structural encodings of the nodes of a set of graphs
 * (uniapprox/graphs.h), computed once before training the graph family (docs/graph.md
 * "Encodings"). Internal to src/graph/.
 *
 * RWSE (random-walk structural encoding; Dwivedi et al., "Graph Neural Networks with Learnable
 * Structural and Positional Representations", ICLR 2022): for node i, the probabilities that a
 * simple random walk started at i is back at i after k = 1 .. K steps, the diagonals of
 * (D^-1 A)^k. A[u][v] counts the edges u -> v of the set (an undirected edge, stored both ways,
 * counts once each way; multi-edges and self-loops count as they are), D = diag(out-degrees). A
 * node without out-edges has a zero row: its walk stops and every return probability is 0.
 *
 * LapPE (Laplacian eigenvector encoding; Dwivedi & Bresson 2020, Kreuzer et al. 2021): the
 * eigenvectors of the symmetric normalised Laplacian L = I - D^-1/2 A_s D^-1/2 of each graph with
 * its k smallest eigenvalues, where A_s = (A + A^T) / 2 (so a directed edge counts half each way
 * and an undirected one, stored both ways, counts 1) and D = diag(row sums of A_s); an isolated
 * node has L_ii = 1 and zero elsewhere in its row. Eigenvectors are defined up to sign (and, for a
 * repeated eigenvalue, up to a rotation of the eigenspace): LAPACK's are returned with the sign
 * fixed so that the first entry within 1e-6 (relative) of the largest magnitude is positive; the
 * trainer flips signs at random (GraphGPS).
 */
#ifndef UA_GRAPH_ENCODE_H
#define UA_GRAPH_ENCODE_H

#include <stddef.h>
#include "uniapprox/graphs.h"

/* The longest walk RWSE takes and the most eigenvectors LapPE keeps. */
#define UA_GRAPH_RWSE_MAX_K 1024
#define UA_GRAPH_LAPPE_MAX_K 1024
/* LapPE decomposes each graph's dense n x n Laplacian: at most this many nodes per graph (the
 * matrix and dsyevd's workspace, 3 n^2 doubles: 400 MiB at this limit). */
#define UA_GRAPH_LAPPE_MAX_NODES 4096

/*
 * RWSE: out (nnodes, K) row-major, out[i*K + k-1] = ((D^-1 A)^k)_ii for k = 1 .. K, each graph
 * on its own (walks never leave a graph: its edges stay inside it).
 * Method: the walk distributions of blocks of up to 256 start nodes of one graph are propagated
 * together, one sparse pass over the graph's edges per step (T <- T P, T of shape (n, block)),
 * and the diagonal is read after each step: exact arithmetic would give the probabilities
 * exactly; in double every entry is a sum of non-negative terms, so the relative error of a
 * value is at most about K * (max in-degree) * 2^-53. Not a dense matrix power: sparse graphs
 * cost K * m * n flops (m edges, n nodes per graph) instead of K * n^3, and no n x n matrix is
 * formed (memory 2 * n * 256 doubles per thread). Graphs are spread over OpenMP threads.
 * Errors: UA_EINVAL (NULL, K 0 or > UA_GRAPH_RWSE_MAX_K, a set that fails ua_graphs_check),
 * UA_ENOMEM.
 */
ua_status ua_graph_rwse(const ua_graphs *g, size_t K, double *out);

/* What ua_graph_lappe could not fill. A graph of n < k nodes has only n eigenvectors: its columns
 * n .. k-1 are padded with 0 in vec and val (never dropped silently: counted here, and a model
 * reports them). */
typedef struct {
    size_t graphs_padded;   /* graphs with fewer than k nodes */
    size_t entries_padded;  /* (node, column) entries of vec (and of val) set to 0: the sum over
                               those graphs of n * (k - n) */
    size_t min_nodes, max_nodes; /* the smallest and largest graph */
    size_t repeated;        /* graphs where an eigenvalue among the k kept repeats (within 1e-9
                               of its neighbour): there the vectors are one orthonormal basis of
                               the eigenspace among many (CSL's graphs: every one) */
} ua_graph_lappe_stats;

/*
 * LapPE: vec (nnodes, k) and val (nnodes, k) row-major: for node i of a graph of n nodes,
 * vec[i*k + j] is entry i of the eigenvector with the (j+1)-th smallest eigenvalue of the graph's
 * L (see the file comment) and val[i*k + j] that eigenvalue (the same for every node of the
 * graph), for j < min(k, n); columns j >= n are 0 in both (padding; *st counts it).
 * Method: L formed dense per graph, LAPACKE_dsyevd (divide and conquer, eigenvalues ascending;
 * eigenvalues in [0, 2] accurate to about n * 2^-52, eigenvectors of simple eigenvalues to about
 * that over the gap to the nearest other eigenvalue). Cost O(n^3) per graph; graphs are spread
 * over OpenMP threads (OpenBLAS kept to one thread meanwhile).
 * Errors: UA_EINVAL (NULL arguments — st is required: the padding must reach the caller —, k 0
 * or > UA_GRAPH_LAPPE_MAX_K, a graph of more than UA_GRAPH_LAPPE_MAX_NODES nodes, a set that fails
 * ua_graphs_check), UA_EDOMAIN (dsyevd did not converge, naming the graph), UA_ENOMEM.
 */
ua_status ua_graph_lappe(const ua_graphs *g, size_t k, double *vec, double *val,
                         ua_graph_lappe_stats *st);

#endif /* UA_GRAPH_ENCODE_H */
