#!/usr/bin/python3
"""bench/pde_torch.py — a PyTorch PINN with DeepXDE's settings for each shipped PDE problem
(examples/pde/*.json), the anchor of bench/pde_vs_torch.sh. Prints one JSON line: the relative L2
error on a uniform G x G grid (x fastest, as the pde family's own measurement) against the exact
solution (Poisson, Helmholtz: the closed forms) or the reference written by bench/pde_ref_grid.c
(Burgers: Cole-Hopf; Allen-Cahn: Chebyshev / ETDRK4), the training wall time and the final loss.

DeepXDE's settings (its examples/pinn_forward/*.py; its defaults: float32, Adam then L-BFGS with
lr 1, history 100, gtol 1e-8, ftol 0, at most 15000 iterations; the loss is the sum of the mean
squares of the PDE residual and of each condition; the residual is taken at the domain, boundary
and initial points together):
  burgers     Burgers.py: [2] + [20]*3 + [1] tanh, Glorot normal; 2540 domain, 80 boundary,
              160 initial points; Adam lr 1e-3 for 15000 steps, then L-BFGS.
  allen_cahn  Allen_Cahn.py: [2] + [20]*3 + [1] tanh, Glorot normal; 8000 / 400 / 800 points;
              u = x^2 cos(pi x) + t (1 - x^2) N (conditions exact); Adam 1e-3 for 40000, L-BFGS.
  helmholtz   Helmholtz_Dirichlet_2d.py: [2] + [150]*3 + [1] sin, Glorot uniform; 10 points per
              wavelength of the highest frequency in each direction (nx^2 domain, 4 nx boundary);
              u = (1 - x^2)(1 - y^2) N on [-1, 1]^2 (hard constraint); Adam 1e-3 for 5000 steps,
              no L-BFGS.
  poisson     Poisson_Lshape.py (DeepXDE's 2-D Poisson): [2] + [50]*4 + [1] tanh, Glorot uniform;
              1200 domain, 120 boundary points; Adam 1e-3 for 50000, then L-BFGS.
Collocation points: a scrambled Sobol sequence (DeepXDE's default is Hammersley), boundary and
initial points uniform at random, all fixed for the run.

usage: pde_torch.py PROBLEM.json [--ref REF.bin] [--grid G] [--scale S] [--threads N]
                    [--float64] [--seed S] [--device cpu|cuda] [--max-seconds B]
                    [--budget-clock wall|cpu]
--scale multiplies every iteration count (1 = DeepXDE's). --max-seconds ends the training (Adam,
then L-BFGS, as scheduled) once B seconds of training wall time are spent: the time is checked
before each Adam step and before each L-BFGS loss evaluation, and the network is measured as it
is then (the last L-BFGS step taken, possibly not yet evaluated). The JSON line then also gives
the Adam steps and L-BFGS evaluations done and whether the budget stopped the run.
--budget-clock cpu counts the budget in this process's CPU seconds instead (time.process_time:
on a loaded machine, the compute the run got rather than the time it waited).
"""
import argparse
import json
import math
import time

import numpy as np
import torch

SETTINGS = {
    "burgers": dict(hidden=[20] * 3, act="tanh", init="normal", dom=2540, bnd=80, ini=160,
                    adam=15000, lbfgs=15000, hard=False),
    "allen_cahn": dict(hidden=[20] * 3, act="tanh", init="normal", dom=8000, bnd=400, ini=800,
                       adam=40000, lbfgs=15000, hard=True),
    "helmholtz": dict(hidden=[150] * 3, act="sin", init="uniform", dom=None, bnd=None, ini=0,
                      adam=5000, lbfgs=0, hard=True),
    "poisson": dict(hidden=[50] * 4, act="tanh", init="uniform", dom=1200, bnd=120, ini=0,
                    adam=50000, lbfgs=15000, hard=False),
}


class Sin(torch.nn.Module):
    def forward(self, x):
        return torch.sin(x)


def make_net(hidden, act, init, dtype, dev):
    layers, sizes = [], [2] + hidden + [1]
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        if init == "normal":
            torch.nn.init.xavier_normal_(lin.weight)
        else:
            torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh() if act == "tanh" else Sin())
    return torch.nn.Sequential(*layers).to(dtype=dtype, device=dev)


def grad(y, x):
    return torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("problem")
    ap.add_argument("--ref", default=None)
    ap.add_argument("--grid", type=int, default=201)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--float64", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--max-seconds", type=float, default=None)
    ap.add_argument("--budget-clock", choices=["wall", "cpu"], default="wall")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    dtype = torch.float64 if a.float64 else torch.float32
    dev = torch.device(a.device)
    spec = json.load(open(a.problem))
    name = spec["name"]
    S = dict(SETTINGS[name])
    P = spec.get("parameters", {})
    space = list(spec["space"].values())
    box = [space[0]] + ([list(spec["time"].values())[0]] if "time" in spec else [space[1]])
    lo, hi = np.array([b[0] for b in box], float), np.array([b[1] for b in box], float)
    pi = math.pi

    if name == "helmholtz":  # 10 points per wavelength of the fastest direction, as DeepXDE
        a1, a2, k = P["a1"], P["a2"], P["k"]
        nx = int((hi[0] - lo[0]) / ((2.0 / max(a1, a2)) / 10))
        S["dom"], S["bnd"] = nx * nx, 4 * nx

    # collocation points
    sob = torch.quasirandom.SobolEngine(2, scramble=True, seed=a.seed).draw(S["dom"]).numpy()
    xd = lo + (hi - lo) * sob
    nb = S["bnd"]
    if "time" in spec:  # x = +-1, t uniform
        xb = np.column_stack([rng.choice([lo[0], hi[0]], nb), rng.uniform(lo[1], hi[1], nb)])
        xi = np.column_stack([rng.uniform(lo[0], hi[0], S["ini"]), np.full(S["ini"], lo[1])])
    else:  # the square's perimeter, uniform
        s = rng.uniform(0, 4, nb)
        side, f = np.floor(s).astype(int), s - np.floor(s)
        wx, wy = hi[0] - lo[0], hi[1] - lo[1]
        X = np.where(side == 0, lo[0] + f * wx,
                     np.where(side == 2, hi[0] - f * wx, np.where(side == 1, hi[0], lo[0])))
        Y = np.where(side == 1, lo[1] + f * wy,
                     np.where(side == 3, hi[1] - f * wy, np.where(side == 0, lo[1], hi[1])))
        xb, xi = np.column_stack([X, Y]), np.zeros((0, 2))
    T = lambda z: torch.tensor(z, dtype=dtype, device=dev)
    xr = T(np.vstack([xd, xb, xi])).requires_grad_(True)
    xbt, xit = T(xb), T(xi)

    net = make_net(S["hidden"], S["act"], S["init"], dtype, dev)

    def u_of(z):
        y = net(z)
        if name == "allen_cahn":
            x, t = z[:, 0:1], z[:, 1:2]
            return x * x * torch.cos(pi * x) + t * (1 - x * x) * y
        if name == "helmholtz":
            x, yy = z[:, 0:1], z[:, 1:2]
            return (1 - x * x) * (1 - yy * yy) * y
        return y

    def residual(z):
        u = u_of(z)
        g = grad(u, z)
        if name == "burgers":
            uxx = grad(g[:, 0:1], z)[:, 0:1]
            return g[:, 1:2] + u * g[:, 0:1] - P["nu"] * uxx
        if name == "allen_cahn":
            uxx = grad(g[:, 0:1], z)[:, 0:1]
            return g[:, 1:2] - P["d"] * uxx + 5 * (u ** 3 - u)
        lap = grad(g[:, 0:1], z)[:, 0:1] + grad(g[:, 1:2], z)[:, 1:2]
        x, y = z[:, 0:1], z[:, 1:2]
        if name == "helmholtz":
            q = ((k * k - (a1 * pi) ** 2 - (a2 * pi) ** 2)
                 * torch.sin(a1 * pi * x) * torch.sin(a2 * pi * y))
            return lap + k * k * u - q
        return lap + 5 * pi * pi * torch.sin(pi * x) * torch.sin(2 * pi * y)

    def loss_fn():
        L = residual(xr).pow(2).mean()
        if not S["hard"]:
            L = L + u_of(xbt).pow(2).mean()
            if name == "burgers":
                L = L + (u_of(xit) + torch.sin(pi * xit[:, 0:1])).pow(2).mean()
        return L

    class Budget(Exception):
        pass

    budget = a.max_seconds
    out_of_time = False
    adam_done = lbfgs_evals = 0
    c0 = time.process_time()
    t0 = time.perf_counter()

    def spent():
        if dev.type == "cuda":
            torch.cuda.synchronize()
        if budget is None:
            return False
        if a.budget_clock == "cpu":
            return time.process_time() - c0 >= budget
        return time.perf_counter() - t0 >= budget

    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for _ in range(int(round(S["adam"] * a.scale))):
        if spent():
            out_of_time = True
            break
        adam_done += 1
        opt.zero_grad()
        L = loss_fn()
        L.backward()
        opt.step()
    nl = int(round(S["lbfgs"] * a.scale))
    if nl > 0 and not out_of_time:
        lb = torch.optim.LBFGS(net.parameters(), lr=1, max_iter=nl, max_eval=int(nl * 1.25),
                               tolerance_grad=1e-8, tolerance_change=0, history_size=100)

        def closure():
            nonlocal lbfgs_evals
            if spent():
                raise Budget()
            lbfgs_evals += 1
            lb.zero_grad()
            L = loss_fn()
            L.backward()
            return L

        try:
            lb.step(closure)
        except Budget:
            out_of_time = True
    if dev.type == "cuda":
        torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    final = float(loss_fn().detach())

    g = a.grid
    gx = np.where(np.arange(g) + 1 == g, hi[0], lo[0] + (hi[0] - lo[0]) * np.arange(g) / (g - 1))
    gy = np.where(np.arange(g) + 1 == g, hi[1], lo[1] + (hi[1] - lo[1]) * np.arange(g) / (g - 1))
    X, Y = np.meshgrid(gx, gy)  # x fastest
    pts = np.column_stack([X.ravel(), Y.ravel()])
    with torch.no_grad():
        up = np.concatenate([u_of(T(pts[i:i + 65536])).double().cpu().numpy().ravel()
                             for i in range(0, len(pts), 65536)])
    if name == "poisson":
        ue = np.sin(pi * pts[:, 0]) * np.sin(2 * pi * pts[:, 1])
    elif name == "helmholtz":
        ue = np.sin(a1 * pi * pts[:, 0]) * np.sin(a2 * pi * pts[:, 1])
    else:
        ue = np.fromfile(a.ref, dtype="<f8")
        assert ue.size == g * g, "reference grid size"
    rel = float(np.sqrt(np.sum((up - ue) ** 2) / np.sum(ue ** 2)))
    print(json.dumps(dict(problem=name, rel_l2_err=rel, max_abs_err=float(np.max(np.abs(up - ue))),
                          wall_s=wall, final_loss=final, dtype=str(dtype).replace("torch.", ""),
                          adam=int(round(S["adam"] * a.scale)), lbfgs_max=nl,
                          points=int(xr.shape[0]), cpu_s=cpu, adam_done=adam_done,
                          lbfgs_evals=lbfgs_evals, max_seconds=budget,
                          budget_clock=a.budget_clock,
                          stopped_by_budget=out_of_time)))


if __name__ == "__main__":
    main()
