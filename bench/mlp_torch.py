#!/usr/bin/python3
"""The PyTorch side of bench/mlp_vs_torch.sh: trains nn.Sequential(Linear, ReLU, ..., Linear) with
Adam (float32, MSE, shuffled minibatches, constant lr) on the columns of an .npy file (inputs, then
the target last) and prints the training throughput in samples per second (the training loop
only, as uniapprox's samples_per_second). usage: mlp_torch.py FILE.npy HIDDEN BATCH EPOCHS THREADS
"""
import sys
import time

import numpy as np
import torch
from torch import nn

path, hidden, batch, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
torch.manual_seed(0)
data = torch.from_numpy(np.load(path).astype(np.float32))
x, y = data[:, :-1].contiguous(), data[:, -1:].contiguous()
dims = [x.shape[1]] + [int(w) for w in hidden.split("x")] + [1]
mods = []
for i in range(len(dims) - 1):
    mods.append(nn.Linear(dims[i], dims[i + 1]))
    if i + 2 < len(dims):
        mods.append(nn.ReLU())
net = nn.Sequential(*mods)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
n = x.shape[0]
t0 = time.perf_counter()
for epoch in range(epochs):
    perm = torch.randperm(n)
    for i in range(0, n, batch):
        idx = perm[i:i + batch]
        opt.zero_grad()
        loss = loss_fn(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
dt = time.perf_counter() - t0
print(f"{n * epochs / dt:.1f}")
