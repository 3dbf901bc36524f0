/*
 * src/graph/tasks.h — the graph data sets uniapprox generates itself (`uniapprox data graphs`,
 * docs/graph.md "Tasks"), each deterministic for a seed, and the exact cycle counts their targets
 * are made of. Internal to src/graph/ and the CLI.
 *
 *   csl       Circular skip-link graphs (Murphy et al., "Relational Pooling for Graph
 *             Representations", ICML 2019): C_41(1, s), the cycle on 41 nodes plus the chords
 *             i ~ i + s (mod 41), for s in {2, 3, 4, 5, 6, 9, 11, 12, 13, 16}: 4-regular, and the
 *             ten skips give ten isomorphism classes. Graph t has class t mod 10 (y the class
 *             index, nclasses 10), its nodes relabelled by a random permutation and its edges
 *             sorted by the new labels; node feature the constant 1, no edge features. 1-WL
 *             message passing gives every node of every class the same colour: chance (10%) is
 *             all it can reach.
 *   cycles    Substructure counting (Chen et al., "Can Graph Neural Networks Count
 *             Substructures?", NeurIPS 2020): Erdos-Renyi graphs G(n, p) with n uniform in 10 ..
 *             20 and p uniform in [0.1, 0.3] (drawn per graph), node feature the constant 1; y
 *             (3,) = the exact numbers of triangles, 4-cycles and 5-cycles (simple cycles as
 *             subgraphs, not necessarily induced).
 *   molecule  Molecule-like graphs: a random tree of 6 .. 24 atoms of degree at most 4 plus 0 .. 3
 *             ring closures of size 3 .. 6; atom types C, N, O, F chosen by degree (F only at
 *             degree 1, O at most 2, N at most 3) as one-hot node features (4,), bond types single,
 *             double, triple as one-hot edge features (3,) on both directions. The target is the
 *             formula
 *               y = sum_atoms ALPHA[type] + sum_bonds BETA[bond] GAMMA[type_u] GAMMA[type_v]
 *                   + sum_{L=3..6} RHO[L-3] cycles_L
 *             with the constants below and cycles_L the exact number of simple L-cycles: a
 *             regression whose every target is known exactly.
 */
#ifndef UA_GRAPH_TASKS_H
#define UA_GRAPH_TASKS_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/graphs.h"

/* The molecule task's formula (see the file comment): atom types C, N, O, F; bonds single,
 * double, triple; ring sizes 3, 4, 5, 6. */
#define UA_GRAPH_MOL_ALPHA { 0.5, -0.3, 0.8, -1.0 }
#define UA_GRAPH_MOL_BETA { 1.0, 1.5, 2.0 }
#define UA_GRAPH_MOL_GAMMA { 1.0, 1.25, 0.75, 0.5 }
#define UA_GRAPH_MOL_RHO { 2.0, -1.0, 0.75, 1.25 }

/* CSL's skip lengths, one per class. */
#define UA_GRAPH_CSL_SKIPS { 2, 3, 4, 5, 6, 9, 11, 12, 13, 16 }

/* "csl, cycles, molecule". */
const char *ua_graph_task_names(void);

/*
 * Generates n graphs of the task name (n 0: the task's default, 150 for csl, 1000 for the
 * others) from seed (the same seed, the same set, bitwise, on every platform: ua_rng).
 * Errors: UA_ENOTFOUND (an unknown task: the message lists the tasks), UA_EINVAL (n above
 * 10^7), UA_ENOMEM. *out is NULL on failure; free it with ua_graphs_free.
 */
ua_status ua_graph_task(const char *name, size_t n, uint64_t seed, ua_graphs **out);

/* The most nodes and the longest cycle ua_graph_count_cycles takes. */
#define UA_GRAPH_CYCLES_MAX_NODES 64
#define UA_GRAPH_CYCLES_MAX_LEN 8

/*
 * counts[L - 3] = the exact number of simple cycles of length L (3 <= L <= lmax) of graph gi of
 * g, in its underlying simple undirected graph (directions ignored, repeated edges merged,
 * self-loops dropped). Method: depth-first enumeration of the paths from each node s through
 * nodes above s, closed back at s, each cycle found twice (once per direction). Exponential in
 * lmax: meant for the small graphs of the tasks.
 * Errors: UA_EINVAL (gi out of range, lmax outside 3 .. UA_GRAPH_CYCLES_MAX_LEN, a graph above
 * UA_GRAPH_CYCLES_MAX_NODES nodes).
 */
ua_status ua_graph_count_cycles(const ua_graphs *g, size_t gi, size_t lmax, double *counts);

#endif /* UA_GRAPH_TASKS_H */
