"""PyTorch 1.13 side of bench/seq_vs_torch.sh and bench/seq_attention.sh.

  seq_torch.py train X.npy Y.npy BATCH EPOCHS THREADS   -> tokens per second of training
  seq_torch.py attn N H D THREADS REPS                  -> seconds per forward + backward of
                                                          softmax attention (explicit QK^T)

The model is tests/gen/seq_torch_ref.py's SeqTransformer (the seq family's architecture), width 64,
4 heads, 2 layers, FFN 256, relu, LayerNorm, no positions, softmax attention, Adam lr 1e-3,
float32, reshuffled minibatches."""
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "gen"))
from seq_torch_ref import SeqTransformer  # noqa: E402

mode = sys.argv[1]
if mode == "train":
    xp, yp, batch, epochs, threads = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    torch.set_num_threads(threads)
    x = torch.from_numpy(np.load(xp).astype(np.int64))
    y = torch.from_numpy(np.load(yp).astype(np.int64))
    N, n = x.shape
    o = dict(vocab=int(x.max()) + 1, din=0, n=n, nout=int(y.max()) + 1, classify=1, width=64, heads=4,
             layers=2, ffn=256, act="relu", norm="layernorm", layerscale=0, causal=0,
             positions="none", attention="softmax", rel="none", qk_norm=0)
    torch.manual_seed(0)
    model = SeqTransformer(o)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(0)
    t0, tokens = time.perf_counter(), 0
    for ep in range(epochs):
        perm = torch.randperm(N, generator=g)
        for i in range(0, N, batch):
            idx = perm[i:i + batch]
            opt.zero_grad(set_to_none=True)
            loss = model.loss(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            tokens += len(idx) * n
    print(tokens / (time.perf_counter() - t0))
elif mode == "attn":
    n, H, D, threads, reps = (int(a) for a in sys.argv[2:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    q, k, v = (torch.randn(1, H, n, D, requires_grad=True) for _ in range(3))
    do = torch.randn(1, H, n, D)
    best = math.inf
    for r in range(reps):
        t0 = time.perf_counter()
        P = torch.softmax(q @ k.transpose(-2, -1) * (1.0 / math.sqrt(D)), dim=-1)
        out = P @ v
        out.backward(do)
        best = min(best, time.perf_counter() - t0)
        q.grad = k.grad = v.grad = None
        del P, out
    print(best)
