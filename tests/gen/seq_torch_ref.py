"""Writes tests/ref/seq_torch_ref.bin (the safetensors format; .bin because *.safetensors is
git-ignored): PyTorch 1.13 (Debian python3-torch, run with
/usr/bin/python3) reference values for the seq family — the same Transformer encoder written in
PyTorch (module SeqTransformer, also used by bench/seq_torch.py) — forward outputs, loss and every
parameter gradient, in float32, for the attention variants softmax, sigmoid, RPE (offset and T5
buckets) and URPE, with the other options (norms, positions, causal masking, LayerScale,
activations, token or real inputs) spread over the cases.

Layout: "<case>/param/<name>" (the model's tensors, float32 values stored as F64),
"<case>/x" inputs, "<case>/y" targets, "<case>/out" (B, T, K) outputs, "<case>/loss" (1,),
"<case>/grad/<name>"; "__metadata__" holds each case's options as "<case>" = "key=value ...".
"""
import json
import math
import os
import struct

import torch
from torch import nn
import torch.nn.functional as Fn

T5_BUCKETS, T5_MAXDIST = 64, 128


def t5_bucket(rel, bidirectional):
    """T5's _relative_position_bucket for one offset rel = j - i, in float32 like the reference."""
    nb, ret, n = T5_BUCKETS, 0, -rel
    if bidirectional:
        nb //= 2
        ret += nb if n < 0 else 0
        n = abs(n)
    else:
        n = max(n, 0)
    me = nb // 2
    if n < me:
        return ret + n
    f = (torch.log(torch.tensor(n / me, dtype=torch.float32)) /
         torch.log(torch.tensor(T5_MAXDIST / me, dtype=torch.float32)) * (nb - me))
    return ret + min(me + int(f.item()), nb - 1)


class Norm(nn.Module):
    def __init__(self, C, kind):
        super().__init__()
        self.kind = kind
        self.weight = nn.Parameter(torch.ones(C))
        if kind == "layernorm":
            self.bias = nn.Parameter(torch.zeros(C))

    def forward(self, x):
        if self.kind == "layernorm":
            return Fn.layer_norm(x, x.shape[-1:], self.weight, self.bias, 1e-5)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.weight


class Attn(nn.Module):
    def __init__(self, o):
        super().__init__()
        C, H, n = o["width"], o["heads"], o["n"]
        self.o = o
        self.qkv = nn.Linear(C, 3 * C)
        self.proj = nn.Linear(C, C)
        rel = o["rel"]
        if rel == "offset":
            self.rpe = nn.Parameter(torch.zeros(H, 2 * n - 1))
        elif rel == "t5":
            self.rpe = nn.Parameter(torch.zeros(H, T5_BUCKETS))
        if o["attention"] == "urpe":
            self.urpe = nn.Parameter(torch.ones(H, 2 * n - 1))

    def forward(self, x):
        o = self.o
        B, T, C = x.shape
        H, n = o["heads"], o["n"]
        D = C // H
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, H, D).transpose(1, 2)
        k = k.view(B, T, H, D).transpose(1, 2)
        if o["qk_norm"]:
            q = q * torch.rsqrt(q.pow(2).mean(-1, keepdim=True) + 1e-5)
            k = k * torch.rsqrt(k.pow(2).mean(-1, keepdim=True) + 1e-5)
        v = v.view(B, T, H, D).transpose(1, 2)
        S = q @ k.transpose(-2, -1) * (1.0 / math.sqrt(D))
        i = torch.arange(T).view(T, 1)
        j = torch.arange(T).view(1, T)
        off = j - i
        if o["rel"] == "offset":
            S = S + self.rpe[:, off + n - 1]
        elif o["rel"] == "t5":
            idx = torch.tensor([[t5_bucket(jj - ii, not o["causal"]) for jj in range(T)]
                                for ii in range(T)])
            S = S + self.rpe[:, idx]
        mask = (j <= i) if o["causal"] else torch.ones(T, T, dtype=torch.bool)
        if o["attention"] == "sigmoid":
            P = torch.sigmoid(S - math.log(T)) * mask
        else:
            P = torch.softmax(S.masked_fill(~mask, float("-inf")), dim=-1)
        if o["attention"] == "urpe":
            P = P * self.urpe[:, off + n - 1]
        y = (P @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y)


class FFN(nn.Module):
    def __init__(self, C, F, act):
        super().__init__()
        self.fc = nn.Linear(C, F)
        self.proj = nn.Linear(F, C)
        self.act = {"relu": Fn.relu, "gelu": Fn.gelu, "tanh": torch.tanh, "silu": Fn.silu}[act]

    def forward(self, x):
        return self.proj(self.act(self.fc(x)))


class Block(nn.Module):
    def __init__(self, o):
        super().__init__()
        C = o["width"]
        self.norm1 = Norm(C, o["norm"])
        self.attn = Attn(o)
        self.norm2 = Norm(C, o["norm"])
        self.ffn = FFN(C, o["ffn"], o["act"])
        self.ls = o["layerscale"]
        if self.ls:
            self.ls1 = nn.Parameter(torch.full((C,), 0.1))
            self.ls2 = nn.Parameter(torch.full((C,), 0.1))

    def forward(self, x):
        a = self.attn(self.norm1(x))
        x = x + (self.ls1 * a if self.ls else a)
        f = self.ffn(self.norm2(x))
        return x + (self.ls2 * f if self.ls else f)


def sinusoid(T, C):
    pe = torch.zeros(T, C, dtype=torch.float64)
    for t in range(T):
        for c in range(C):
            freq = math.exp(-math.log(10000.0) * (c - c % 2) / C)
            pe[t, c] = math.cos(t * freq) if c % 2 else math.sin(t * freq)
    return pe.float()


class SeqTransformer(nn.Module):
    """The seq family's model (uniapprox/seq.h), parameter names as in the C library."""

    def __init__(self, o):
        super().__init__()
        self.o = o
        C = o["width"]
        if o["vocab"]:
            self.embed = nn.Embedding(o["vocab"], C)
        else:
            self.embed = nn.Linear(o["din"], C)
        if o["positions"] == "learned":
            self.pos = nn.Embedding(o["n"], C)
        self.blocks = nn.ModuleList([Block(o) for _ in range(o["layers"])])
        self.norm = Norm(C, o["norm"])
        self.head = nn.Linear(C, o["nout"])

    def forward(self, x):
        h = self.embed(x)
        T = h.shape[1]
        if self.o["positions"] == "learned":
            h = h + self.pos.weight[:T]
        elif self.o["positions"] == "sinusoidal":
            h = h + sinusoid(T, h.shape[2])
        for b in self.blocks:
            h = b(h)
        return self.head(self.norm(h))

    def loss(self, out, y):
        if self.o["classify"]:
            return Fn.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        return Fn.mse_loss(out, y)


BASE = dict(vocab=11, din=0, n=12, nout=7, classify=1, width=16, heads=2, layers=2, ffn=32,
            act="relu", norm="layernorm", layerscale=0, causal=0, positions="none",
            attention="softmax", rel="none", qk_norm=0)

CASES = {
    "softmax": dict(),
    "sigmoid": dict(vocab=0, din=3, nout=2, classify=0, norm="rmsnorm", positions="sinusoidal",
                    causal=1, layerscale=1, act="gelu", attention="sigmoid"),
    "rpe": dict(attention="rpe", rel="offset", positions="learned", act="tanh"),
    "rpe_t5": dict(attention="rpe", rel="t5", causal=1, norm="rmsnorm"),
    "urpe": dict(attention="urpe", rel="offset", layerscale=1, act="silu"),
    "urpe_causal": dict(vocab=0, din=2, nout=3, classify=0, attention="urpe", rel="t5", causal=1),
    "sigmoid_rpe": dict(attention="sigmoid", rel="offset"),
    "sigmoid_qknorm": dict(attention="sigmoid", rel="t5", qk_norm=1, positions="learned"),
}
B, T = 3, 10

if __name__ == "__main__":
    tensors, meta = {}, {}
    for ci, (name, over) in enumerate(sorted(CASES.items())):
        o = dict(BASE, **over)
        torch.manual_seed(100 + ci)
        model = SeqTransformer(o)
        with torch.no_grad():  # non-trivial values everywhere (biases, RPE, C, LayerScale, norms)
            for pn, p in model.named_parameters():
                p.add_(0.3 * torch.randn_like(p))
        if o["vocab"]:
            x = torch.randint(0, o["vocab"], (B, T))
        else:
            x = torch.randn(B, T, o["din"])
        if o["classify"]:
            y = torch.randint(0, o["nout"], (B, T))
        else:
            y = torch.randn(B, T, o["nout"])
        out = model(x)
        loss = model.loss(out, y)
        loss.backward()
        for pn, p in model.named_parameters():
            tensors[f"{name}/param/{pn}"] = p.detach().double()
            tensors[f"{name}/grad/{pn}"] = p.grad.double()
        tensors[f"{name}/x"] = x.double()
        tensors[f"{name}/y"] = y.double()
        tensors[f"{name}/out"] = out.detach().double()
        tensors[f"{name}/loss"] = loss.detach().double().reshape(1)
        meta[name] = " ".join(f"{k}={v}" for k, v in sorted(o.items()))

    header, blobs, off = {}, [], 0
    for k in sorted(tensors):
        b = tensors[k].contiguous().numpy().astype("<f8").tobytes()
        header[k] = {"dtype": "F64", "shape": list(tensors[k].shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    meta.update(generator="tests/gen/seq_torch_ref.py", torch=torch.__version__)
    header["__metadata__"] = meta
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    path = os.path.join(os.path.dirname(__file__), "..", "ref", "seq_torch_ref.bin")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    print(f"wrote {path}: {len(tensors)} tensors, torch {torch.__version__}")
