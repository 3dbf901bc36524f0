#!/usr/bin/env python3
"""Reference node encodings for tests/test_graph_encode.c, computed independently with numpy and
scipy: RWSE as the diagonals of dense matrix powers (D^-1 A)^k, k = 1..K, and the full eigen-
decomposition of each graph's symmetric normalised Laplacian I - D^-1/2 A_s D^-1/2 with
A_s = (A + A^T)/2 (scipy.linalg.eigh). Graphs: random Erdos-Renyi graphs (connected and not), a
random tree, a directed graph, a graph with a self-loop and a repeated edge, and graphs of 1 and
2 nodes (padding). Writes tests/data/graph_encode_graphs.jsonl (ua_graphs_read's format) and
tests/data/graph_encode_ref.json. Run with /usr/bin/python3 from the repository root:
    /usr/bin/python3 tests/gen/graph_encode_ref.py
"""
import json
import os

import numpy as np
import scipy.linalg

K = 16
rng = np.random.default_rng(18)


def undirected(n, pairs):
    src, dst = [], []
    for u, v in pairs:
        src += [u, v]
        dst += [v, u]
    return n, src, dst


def erdos_renyi(n, p):
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n) if rng.random() < p]
    return undirected(n, pairs)


def tree(n):
    return undirected(n, [(int(rng.integers(0, v)), v) for v in range(1, n)])


graphs = [
    erdos_renyi(12, 0.3),
    erdos_renyi(25, 0.15),
    erdos_renyi(18, 0.08),  # likely disconnected, isolated nodes
    tree(15),
    # directed: a 7-cycle one way plus chords one way, and node 7 with no out-edge
    (8, [0, 1, 2, 3, 4, 5, 6, 0, 2, 5, 3], [1, 2, 3, 4, 5, 6, 0, 3, 6, 7, 7]),
    # a self-loop at 0 and the edge 1-2 twice (both ways)
    (5, [0, 0, 1, 1, 2, 1, 2, 3, 4, 2, 3], [0, 1, 0, 2, 1, 2, 1, 4, 3, 3, 2]),
    (1, [], []),
    (2, [0, 1], [1, 0]),
    erdos_renyi(9, 0.5),
]


def encodings(n, src, dst):
    A = np.zeros((n, n))
    for u, v in zip(src, dst):
        A[u, v] += 1.0
    deg = A.sum(axis=1)
    P = np.divide(A, deg[:, None], out=np.zeros_like(A), where=deg[:, None] > 0)
    rwse = np.stack([np.diag(np.linalg.matrix_power(P, k)) for k in range(1, K + 1)], axis=1)
    As = (A + A.T) / 2
    d = As.sum(axis=1)
    dinv = np.divide(1.0, np.sqrt(d), out=np.zeros_like(d), where=d > 0)
    L = np.eye(n) - dinv[:, None] * As * dinv[None, :]
    w, V = scipy.linalg.eigh(L)
    return rwse, w, V


here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "data")
ref = {"K": K, "graphs": []}
with open(os.path.join(data, "graph_encode_graphs.jsonl"), "w") as f:
    for n, src, dst in graphs:
        f.write(json.dumps({"num_nodes": n, "edge_index": [src, dst], "y": 0}) + "\n")
        rwse, w, V = encodings(n, src, dst)
        ref["graphs"].append({"n": n, "rwse": rwse.tolist(), "eigenvalues": w.tolist(),
                              "eigenvectors": V.tolist()})
with open(os.path.join(data, "graph_encode_ref.json"), "w") as f:
    json.dump(ref, f)
    f.write("\n")
print("wrote", len(graphs), "graphs,", sum(g[0] for g in graphs), "nodes")
