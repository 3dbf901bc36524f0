"""PyTorch 1.13 side of bench/graph_vs_torch.sh: trains tests/gen/graph_torch.py's GPS (the graph
family's architecture in plain PyTorch, no PyTorch Geometric) on a file of graphs in uniapprox's
JSON-lines format and prints the training throughput in graphs per second.

  graph_vs_torch.py FILE BATCH EPOCHS THREADS [PE]     (PE: rwse (default) or none)

Settings as `uniapprox fit --family graph` by default: width 64, 4 layers, 4 heads, GINE + attention,
RWSE with 20 steps embedded in 16 columns, sum pooling, AdamW lr 1e-3 weight decay 1e-5, L1 loss
(values) or cross-entropy (classes), float32, reshuffled minibatches. The RWSE diagonals are
computed before the clock starts (numpy, dense powers of D^-1 A per graph: preprocessing is timed
by bench/graph_encode.sh); each step collates its graphs into one batch as PyTorch Geometric's
DataLoader does, and that is timed, as uniapprox's batch assembly is."""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as Fn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "gen"))
from graph_torch import GPS  # noqa: E402


def read_graphs(path):
    graphs, nclasses = [], 0
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            if "format" in o:
                nclasses = o.get("nclasses", 0)
                continue
            x = np.asarray(o["x"], dtype=np.float32).reshape(len(o["x"]), -1)
            ei = np.asarray(o.get("edge_index", [[], []]), dtype=np.int64).reshape(2, -1)
            ea = o.get("edge_attr")
            ea = np.asarray(ea, dtype=np.float32).reshape(ei.shape[1], -1) if ea is not None \
                else np.zeros((ei.shape[1], 0), dtype=np.float32)
            y = np.atleast_1d(np.asarray(o["y"], dtype=np.float32))
            graphs.append((x, ei, ea, y))
    return graphs, nclasses


def rwse(n, ei, K):
    A = np.zeros((n, n))
    np.add.at(A, (ei[0], ei[1]), 1.0)
    deg = A.sum(1, keepdims=True)
    P = np.divide(A, deg, out=np.zeros_like(A), where=deg > 0)
    out, M = np.zeros((n, K)), np.eye(n)
    for k in range(K):
        M = M @ P
        out[:, k] = np.diag(M)
    return out.astype(np.float32)


def main():
    path, batch, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    pe = sys.argv[5] if len(sys.argv) > 5 else "rwse"
    torch.set_num_threads(threads)
    graphs, nclasses = read_graphs(path)
    K, P = 20, 16
    pes = [torch.from_numpy(rwse(g[0].shape[0], g[1], K)) for g in graphs] if pe == "rwse" else None
    G = [(torch.from_numpy(x), torch.from_numpy(ei), torch.from_numpy(ea), torch.from_numpy(y))
         for x, ei, ea, y in graphs]
    din, edim = graphs[0][0].shape[1], graphs[0][2].shape[1]
    nout = nclasses if nclasses else graphs[0][3].shape[0]
    torch.manual_seed(0)
    model = GPS(din, edim, 64, 4, 4, nout, pe=pe, K=K, P=P, mpnn=True, attn=True, pool="sum")
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-5)
    gen = torch.Generator().manual_seed(0)
    n = len(G)
    t0, seen = time.perf_counter(), 0
    for ep in range(epochs):
        perm = torch.randperm(n, generator=gen).tolist()
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            # collate: node offsets, edges shifted to batch numbering
            off, xs, srcs, dsts, es, ys, ps = [0], [], [], [], [], [], []
            for j in idx:
                x, ei, ea, y = G[j]
                xs.append(x)
                srcs.append(ei[0] + off[-1])
                dsts.append(ei[1] + off[-1])
                es.append(ea)
                ys.append(y)
                if pes is not None:
                    ps.append(pes[j])
                off.append(off[-1] + x.shape[0])
            x, src, dst, e = torch.cat(xs), torch.cat(srcs), torch.cat(dsts), torch.cat(es)
            pv = torch.cat(ps) if pes is not None else None
            y = torch.stack(ys)
            opt.zero_grad(set_to_none=True)
            out = model(x, src, dst, e, pv, off)
            loss = Fn.cross_entropy(out, y[:, 0].long()) if nclasses else Fn.l1_loss(out, y)
            loss.backward()
            opt.step()
            seen += len(idx)
    print(seen / (time.perf_counter() - t0))


if __name__ == "__main__":
    main()
