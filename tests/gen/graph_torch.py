"""The graph family's GPS network written in plain PyTorch (no PyTorch Geometric), and the
reference values of tests/test_graph_parity.c.

Module GPS is the same architecture as src/graph/ (docs/graph.md "The network"): node encoder
Linear(din, C - P) beside a positional encoder (RWSE: BatchNorm1d(K) then Linear(K, P); LapPE:
Linear(K, P)), an edge encoder Linear(edim, C) (a learned vector when edim == 0), L GPS layers
(Rampasek et al. 2022: BN(h + GINE(h, e)) and BN(h + MHA(h)) summed, then BN(h + FFN(h)), FFN
width 2C, attention within each graph through a padded dense batch and a key padding mask, as
GraphGPS does), sum / mean pooling (graph level) and a head Linear(C, C) - ReLU - Linear(C, out).
The state_dict names are the tensor names uniapprox saves. bench/graph_vs_torch.py imports it.

Run with /usr/bin/python3 (PyTorch 1.13) from the repository root:
    /usr/bin/python3 tests/gen/graph_torch.py
writes tests/data/graph_parity.bin (the safetensors format; .bin because *.safetensors is
git-ignored): for each case, a fixed tiny batch's inputs, the parameters, the training-mode
outputs, the loss, every parameter's gradient, the running statistics after that step and the
inference-mode outputs with them. Layout "<case>/<what>"; "__metadata__" holds each case's
architecture as "<case>" = "key=value ...".
"""
import json
import os
import struct

import torch
from torch import nn
import torch.nn.functional as Fn


class EdgeBias(nn.Module):
    """The edge encoder of a graph without edge features: one learned vector for every edge."""

    def __init__(self, C):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(C))

    def forward(self, e, E):
        return self.bias.unsqueeze(0).expand(E, -1)


class GINE(nn.Module):
    """GINEConv with eps = 0: nn(h_i + sum_{j -> i} ReLU(h_j + e_ji))."""

    def __init__(self, C):
        super().__init__()
        self.nn = nn.Sequential(nn.Linear(C, C), nn.ReLU(), nn.Linear(C, C))

    def forward(self, h, e, src, dst):
        msg = torch.relu(h[src] + e)
        agg = torch.zeros_like(h).index_add(0, dst, msg)
        return self.nn(h + agg)


def to_dense(h, node_off):
    """(G, nmax, C) padded batch and its mask (True where a node is), as PyG's to_dense_batch."""
    G = len(node_off) - 1
    sizes = [node_off[g + 1] - node_off[g] for g in range(G)]
    nmax = max(sizes)
    batch = torch.repeat_interleave(torch.arange(G), torch.tensor(sizes))
    pos = torch.arange(h.shape[0]) - torch.tensor(node_off[:-1])[batch]
    dense = h.new_zeros(G, nmax, h.shape[1])
    dense[batch, pos] = h
    mask = torch.zeros(G, nmax, dtype=torch.bool)
    mask[batch, pos] = True
    return dense, mask


class GPSLayer(nn.Module):
    def __init__(self, C, H, mpnn, attn, dropout, attn_dropout):
        super().__init__()
        self.mpnn, self.attn, self.p = mpnn, attn, dropout
        if mpnn:
            self.local_model = GINE(C)
            self.norm1_local = nn.BatchNorm1d(C)
        if attn:
            self.self_attn = nn.MultiheadAttention(C, H, dropout=attn_dropout, batch_first=True)
            self.norm1_attn = nn.BatchNorm1d(C)
        self.ff_linear1 = nn.Linear(C, 2 * C)
        self.ff_linear2 = nn.Linear(2 * C, C)
        self.norm2 = nn.BatchNorm1d(C)

    def forward(self, h, e, src, dst, node_off):
        outs = []
        if self.mpnn:
            hl = Fn.dropout(self.local_model(h, e, src, dst), self.p, self.training)
            outs.append(self.norm1_local(h + hl))
        if self.attn:
            dense, mask = to_dense(h, node_off)
            ha = self.self_attn(dense, dense, dense, key_padding_mask=~mask, need_weights=False)[0]
            ha = Fn.dropout(ha[mask], self.p, self.training)
            outs.append(self.norm1_attn(h + ha))
        hs = sum(outs)
        f = Fn.dropout(torch.relu(self.ff_linear1(hs)), self.p, self.training)
        f = Fn.dropout(self.ff_linear2(f), self.p, self.training)
        return self.norm2(hs + f)


class GPS(nn.Module):
    def __init__(self, din, edim, C, L, H, nout, pe="rwse", K=0, P=0, mpnn=True, attn=True,
                 pool="sum", node_level=False, dropout=0.0, attn_dropout=0.0):
        super().__init__()
        self.pe, self.pool, self.node_level, self.mpnn = pe, pool, node_level, mpnn
        P = P if pe != "none" else 0
        self.node_encoder = nn.Linear(din, C - P)
        if pe == "rwse":
            self.pe_norm = nn.BatchNorm1d(K)
        if pe != "none":
            self.pe_encoder = nn.Linear(K, P)
        if mpnn:
            self.edge_encoder = nn.Linear(edim, C) if edim else EdgeBias(C)
        self.layers = nn.ModuleList(GPSLayer(C, H, mpnn, attn, dropout, attn_dropout)
                                    for _ in range(L))
        self.head = nn.Sequential(nn.Linear(C, C), nn.ReLU(), nn.Linear(C, nout))

    def forward(self, x, src, dst, e, pe, node_off):
        h = self.node_encoder(x)
        if self.pe != "none":
            p = self.pe_norm(pe) if self.pe == "rwse" else pe
            h = torch.cat([h, self.pe_encoder(p)], dim=1)
        E = src.shape[0]
        ee = None
        if self.mpnn:
            ee = self.edge_encoder(e, E) if isinstance(self.edge_encoder, EdgeBias) \
                else self.edge_encoder(e)
        for layer in self.layers:
            h = layer(h, ee, src, dst, node_off)
        if not self.node_level:
            G = len(node_off) - 1
            sizes = torch.tensor([node_off[g + 1] - node_off[g] for g in range(G)])
            batch = torch.repeat_interleave(torch.arange(G), sizes)
            pooled = h.new_zeros(G, h.shape[1]).index_add(0, batch, h)
            if self.pool == "mean":
                pooled = pooled / sizes.clamp(min=1).unsqueeze(1).to(h.dtype)
            h = pooled
        return self.head(h)


def loss_fn(out, y, loss):
    if loss == "cross_entropy":
        return Fn.cross_entropy(out, y.long())
    if loss == "l1":
        return Fn.l1_loss(out, y)
    return Fn.mse_loss(out, y)


# ---- the fixture ------------------------------------------------------------------------------

def random_batch(gen, sizes, din, edim, K, pe):
    """Graphs of the given sizes: a ring plus random chords, both directions of every edge."""
    src, dst, off = [], [], [0]
    for n in sizes:
        b = off[-1]
        pairs = {(i, (i + 1) % n) for i in range(n)}
        for _ in range(n // 2):
            i, j = torch.randint(0, n, (2,), generator=gen).tolist()
            if i != j:
                pairs.add((min(i, j), max(i, j)))
        for i, j in sorted(pairs):
            src += [b + i, b + j]
            dst += [b + j, b + i]
        off.append(b + n)
    N, E = off[-1], len(src)
    x = torch.randn(N, din, generator=gen)
    e = torch.randn(E, edim, generator=gen) if edim else torch.zeros(E, 0)
    if pe == "rwse":
        pev = torch.rand(N, K, generator=gen)
    else:
        pev = torch.randn(N, K, generator=gen) * 0.5
    return x, torch.tensor(src), torch.tensor(dst), e, pev, off


def case(name, gen, sizes, arch, loss, out):
    torch.manual_seed(int(torch.randint(0, 1 << 30, (1,), generator=gen)))
    m = GPS(**arch)
    with torch.no_grad():  # BN affine parameters away from 1 and 0, so that they matter
        for k, v in m.named_parameters():
            if "norm" in k:
                v.add_(0.3 * torch.randn(v.shape, generator=gen))
    x, src, dst, e, pe, off = random_batch(gen, sizes, arch["din"], arch["edim"], arch.get("K", 0),
                                           arch.get("pe", "none"))
    R = off[-1] if arch.get("node_level") else len(sizes)
    if loss == "cross_entropy":
        y = torch.randint(0, arch["nout"], (R,), generator=gen).float()
    else:
        y = torch.randn(R, arch["nout"], generator=gen)
    params = {k: v.detach().clone() for k, v in m.state_dict().items() if "num_batches" not in k}
    m.train()
    o = m(x, src, dst, e, pe, off)
    L = loss_fn(o, y, loss)
    L.backward()
    for k, v in params.items():
        out[f"{name}/param/{k}"] = v
    for k, v in m.named_parameters():
        out[f"{name}/grad/{k}"] = v.grad.detach().clone()
    for k, v in m.state_dict().items():
        if "running" in k:
            out[f"{name}/after/{k}"] = v.detach().clone()
    m.eval()
    with torch.no_grad():
        oe = m(x, src, dst, e, pe, off)
    out[f"{name}/x"] = x
    out[f"{name}/src"] = src.int()
    out[f"{name}/dst"] = dst.int()
    if arch["edim"]:
        out[f"{name}/e"] = e
    if arch.get("pe", "none") != "none":
        out[f"{name}/pe"] = pe
    out[f"{name}/node_off"] = torch.tensor(off, dtype=torch.int32)
    out[f"{name}/y"] = y
    out[f"{name}/out"] = o.detach()
    out[f"{name}/loss"] = L.detach().reshape(1)
    out[f"{name}/out_eval"] = oe
    meta = dict(arch)
    meta["loss"] = loss
    return " ".join(f"{k}={int(v) if isinstance(v, bool) else v}" for k, v in meta.items())


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for k in sorted(tensors):
        t = tensors[k].contiguous()
        dt = {torch.float32: "F32", torch.int32: "I32"}[t.dtype]
        raw = t.numpy().tobytes()
        header[k] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(20261203)
    out, meta = {}, {}
    meta["graph_rwse"] = case(
        "graph_rwse", gen, [5, 7, 4],
        dict(din=3, edim=2, C=16, L=2, H=4, nout=2, pe="rwse", K=6, P=4, mpnn=True, attn=True,
             pool="sum", node_level=False), "mse", out)
    meta["node_lappe"] = case(
        "node_lappe", gen, [6, 3, 8],
        dict(din=2, edim=0, C=12, L=2, H=3, nout=3, pe="lappe", K=4, P=3, mpnn=True, attn=True,
             pool="sum", node_level=True), "cross_entropy", out)
    meta["mean_l1_attn"] = case(
        "mean_l1_attn", gen, [4, 9],
        dict(din=4, edim=3, C=8, L=1, H=2, nout=1, pe="none", mpnn=False, attn=True,
             pool="mean", node_level=False), "l1", out)
    meta["gine_only"] = case(
        "gine_only", gen, [5, 5, 6],
        dict(din=1, edim=1, C=8, L=3, H=1, nout=2, pe="rwse", K=3, P=2, mpnn=True, attn=False,
             pool="mean", node_level=False), "mse", out)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "graph_parity.bin")
    write_safetensors(path, out, meta)
    print(f"wrote {os.path.normpath(path)}: {len(out)} tensors, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
