#!/usr/bin/env python3
"""bench/graph_encode.py — the same node encodings as src/graph/encode.h with numpy and scipy, two
ways, on a graph file (ua_graphs_read's JSON lines):
  pyg      one graph at a time, as PyTorch Geometric's transforms do it (AddRandomWalkPE: a dense
           D^-1 A multiplied K times, its diagonal kept; AddLaplacianEigenvectorPE: the
           normalised Laplacian made dense, numpy.linalg.eigh), in numpy on dense arrays
           (PyG builds the Laplacian through torch and scipy.sparse first: slower still);
  batched  the graphs grouped by size, the K products and eigh on stacked (B, n, n) arrays.
Prints "pyg_rwse_s pyg_lappe_s batched_rwse_s batched_lappe_s max|rwse - C| max|val - C|", the
median of REPS runs after a warm-up; the last two compare with the C output OUT.rwse / OUT.val
(bench/graph_encode.c) when OUT is given, else nan.
usage: graph_encode.py FILE K k REPS [OUT]
"""
import json
import sys
import time

import numpy as np

path, K, k, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
out = sys.argv[5] if len(sys.argv) > 5 else None

graphs = []
with open(path) as f:
    for line in f:
        o = json.loads(line)
        if "format" in o:
            continue
        n = len(o["x"]) if "x" in o else o["num_nodes"]
        ei = o.get("edge_index") or [[], []]
        graphs.append((n, np.asarray(ei[0], dtype=np.int64), np.asarray(ei[1], dtype=np.int64)))
N = sum(g[0] for g in graphs)


def rwse_pyg():
    res = []
    for n, s, d in graphs:
        A = np.zeros((n, n))
        np.add.at(A, (s, d), 1.0)
        deg = A.sum(1)
        P = A / np.where(deg > 0, deg, 1.0)[:, None]
        M = P.copy()
        pe = [np.diag(M)]
        for _ in range(K - 1):
            M = M @ P
            pe.append(np.diag(M))
        res.append(np.stack(pe, 1))
    return np.concatenate(res)


def lappe_pyg():
    res = []
    for n, s, d in graphs:
        A = np.zeros((n, n))
        np.add.at(A, (s, d), 0.5)
        np.add.at(A, (d, s), 0.5)
        deg = A.sum(1)
        dinv = np.where(deg > 0, 1.0 / np.sqrt(np.where(deg > 0, deg, 1.0)), 0.0)
        L = np.eye(n) - dinv[:, None] * A * dinv[None, :]
        w, V = np.linalg.eigh(L)
        kk = min(k, n)
        val = np.zeros((n, k))
        val[:, :kk] = w[:kk]
        res.append(val)
    return np.concatenate(res)


def by_size():
    groups = {}
    start = 0
    for n, s, d in graphs:
        groups.setdefault(n, []).append((start, s, d))
        start += n
    return groups


def rwse_batched():
    res = np.zeros((N, K))
    for n, gs in by_size().items():
        B = len(gs)
        A = np.zeros((B, n, n))
        for b, (_, s, d) in enumerate(gs):
            np.add.at(A[b], (s, d), 1.0)
        deg = A.sum(2)
        P = A / np.where(deg > 0, deg, 1.0)[:, :, None]
        M = P.copy()
        idx = np.array([g[0] for g in gs])[:, None] + np.arange(n)[None, :]
        for kk in range(K):
            if kk:
                M = M @ P
            res[idx, kk] = np.diagonal(M, axis1=1, axis2=2)
    return res


def lappe_batched():
    val = np.zeros((N, k))
    for n, gs in by_size().items():
        B = len(gs)
        A = np.zeros((B, n, n))
        for b, (_, s, d) in enumerate(gs):
            np.add.at(A[b], (s, d), 0.5)
            np.add.at(A[b], (d, s), 0.5)
        deg = A.sum(2)
        dinv = np.where(deg > 0, 1.0 / np.sqrt(np.where(deg > 0, deg, 1.0)), 0.0)
        L = np.eye(n)[None] - dinv[:, :, None] * A * dinv[:, None, :]
        w, V = np.linalg.eigh(L)
        kk = min(k, n)
        idx = np.array([g[0] for g in gs])[:, None] + np.arange(n)[None, :]
        val[idx, :kk] = w[:, None, :kk]
    return val


def median_time(fn):
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        r = fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)), r


tr, rw = median_time(rwse_pyg)
tl, va = median_time(lappe_pyg)
tbr, rwb = median_time(rwse_batched)
tbl, vab = median_time(lappe_batched)
dr = dv = float("nan")
if out:
    crw = np.fromfile(out + ".rwse").reshape(N, K)
    cva = np.fromfile(out + ".val").reshape(N, k)
    dr = max(np.abs(crw - rw).max(), np.abs(crw - rwb).max())
    dv = max(np.abs(cva - va).max(), np.abs(cva - vab).max())
print("%.6f %.6f %.6f %.6f %.3g %.3g" % (tr, tl, tbr, tbl, dr, dv))
