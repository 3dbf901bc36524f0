#!/usr/bin/python3
"""The PyTorch side of bench/mpi_train.sh: nn.Sequential(Linear, ReLU, ..., Linear) trained with
Adam (float32, MSE, constant lr 1e-3) under DistributedDataParallel with the gloo backend on
RANKS local processes (torch.multiprocessing), each rank a contiguous slice of every global batch
of BATCH rows drawn from one shuffled order per epoch (the same seed on every rank), one thread a
rank — the scheme of `mpirun -np RANKS uniapprox fit --family mlp`. Prints the job's training
throughput in samples per second (global rows / seconds of the training loop, rank 0's clock
between two barriers). usage: mpi_train_ddp.py FILE.npy HIDDEN BATCH EPOCHS RANKS
"""
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn


def work(rank, path, hidden, batch, epochs, ranks, port, out):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=ranks)
    torch.manual_seed(0)
    data = torch.from_numpy(np.load(path).astype(np.float32))
    x, y = data[:, :-1].contiguous(), data[:, -1:].contiguous()
    dims = [x.shape[1]] + [int(w) for w in hidden.split("x")] + [1]
    mods = []
    for i in range(len(dims) - 1):
        mods.append(nn.Linear(dims[i], dims[i + 1]))
        if i + 2 < len(dims):
            mods.append(nn.ReLU())
    net = nn.parallel.DistributedDataParallel(nn.Sequential(*mods))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    n = x.shape[0]
    g = torch.Generator().manual_seed(1)
    dist.barrier()
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, batch):
            b = min(batch, n - i)
            lo, hi = i + b * rank // ranks, i + b * (rank + 1) // ranks
            idx = perm[lo:hi]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()  # DDP averages the gradients over the ranks (an allreduce)
            opt.step()
    dist.barrier()
    dt = time.perf_counter() - t0
    if rank == 0:
        with open(out, "w") as f:
            f.write(f"{n * epochs / dt:.1f}\n")
    dist.destroy_process_group()


if __name__ == "__main__":
    path, hidden, batch, epochs, ranks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    out = path + ".ddp.txt"
    port = 29500 + os.getpid() % 1000
    mp.spawn(work, args=(path, hidden, batch, epochs, ranks, port, out), nprocs=ranks, join=True)
    print(open(out).read().strip())
