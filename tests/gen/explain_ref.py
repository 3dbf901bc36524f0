"""Reference attributions for tests/test_explain.c and bench/explain_vs_torch.sh: Integrated
Gradients and KernelSHAP re-implemented in PyTorch (captum and shap are not in Debian), written
independently of src/explain/:
  - IG as captum computes it: the path x0 + a (x - x0) at the nodes of the rule, gradients by
    autograd, weighted sum times (x - x0); Gauss-Legendre nodes from numpy's leggauss (captum's
    "gausslegendre"), "riemann_trapezoid" as captum's step sizes;
  - KernelSHAP as the Shapley-kernel weighted least squares over every coalition (Lundberg & Lee
    2017, theorem 2) with the efficiency constraint solved as a KKT system — not the enumeration
    formula src/explain/shap.c uses, so the two agree only if both are right.
The network is a 4-8-1 tanh MLP with seeded weights, float64 throughout.

Run from the repository root:  /usr/bin/python3 tests/gen/explain_ref.py
writes tests/ref/explain_ref.txt. With --bench N D H it instead times both methods (N points, a
D-H-1 tanh network) and prints one JSON line (bench/explain_vs_torch.sh).
"""
import itertools
import json
import math
import sys
import time

import numpy as np
import torch

torch.set_default_dtype(torch.float64)


def make_net(d, h, seed):
    g = torch.Generator().manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.7)
    return net


def rule(method, n):
    if method == "gausslegendre":
        t, w = np.polynomial.legendre.leggauss(n)
        return (t + 1) / 2, w / 2
    if method == "riemann_trapezoid":
        a = np.linspace(0, 1, n)
        w = np.full(n, 1.0 / (n - 1))
        w[0] /= 2
        w[-1] /= 2
        return a, w
    raise ValueError(method)


def integrated_gradients(net, x, x0, method="gausslegendre", n_steps=50):
    a, w = rule(method, n_steps)
    a = torch.tensor(a)[:, None]
    path = (x0[None, :] + a * (x - x0)[None, :]).requires_grad_(True)
    out = net(path).sum()
    (g,) = torch.autograd.grad(out, path)
    return (x - x0) * (torch.tensor(w)[:, None] * g).sum(0)


def kernel_shap(net, x, x0):
    d = x.numel()
    Z = torch.tensor(list(itertools.product([0.0, 1.0], repeat=d)))
    inner = Z[(Z.sum(1) > 0) & (Z.sum(1) < d)]
    with torch.no_grad():
        v = net(inner * x + (1 - inner) * x0).squeeze(1)
        v0 = net(x0[None]).item()
        v1 = net(x[None]).item()
    s = inner.sum(1)
    comb = torch.tensor([math.comb(d, int(k)) for k in s])
    pi = (d - 1) / (comb * s * (d - s))
    A = (inner * pi[:, None]).T @ inner
    b = (inner * pi[:, None]).T @ (v - v0)
    K = torch.zeros(d + 1, d + 1)
    K[:d, :d] = A
    K[:d, d] = 1
    K[d, :d] = 1
    rhs = torch.cat([b, torch.tensor([v1 - v0])])
    return torch.linalg.solve(K, rhs)[:d]


def params_flat(net):
    return [float(v) for p in net.parameters() for v in p.detach().reshape(-1)]


def write_fixture(path):
    d, h = 4, 8
    net = make_net(d, h, 12345)
    x = torch.tensor([0.9, -0.4, 1.3, 0.2])
    x0 = torch.tensor([-0.5, 0.1, 0.0, -1.0])
    rows = [("x", x), ("baseline", x0),
            ("ig_gausslegendre_50", integrated_gradients(net, x, x0, "gausslegendre", 50)),
            ("ig_riemann_trapezoid_50", integrated_gradients(net, x, x0, "riemann_trapezoid", 50)),
            ("kernelshap", kernel_shap(net, x, x0))]
    p = params_flat(net)
    with open(path, "w") as f:
        f.write("# tests/gen/explain_ref.py: a 4-8-1 tanh MLP (PyTorch parameter order), IG and\n")
        f.write("# KernelSHAP attributions by the PyTorch re-implementation\n")
        f.write(f"d {d} h {h} params {len(p)}\n")
        f.write(" ".join(repr(v) for v in p) + "\n")
        for name, t in rows:
            f.write(name + " " + " ".join(repr(float(v)) for v in t) + "\n")


def bench(npts, d, h, out_params):
    net = make_net(d, h, 777)
    g = torch.Generator().manual_seed(5)
    X = torch.rand(npts, d, generator=g) * 2 - 1
    x0 = torch.zeros(d)
    with open(out_params, "w") as f:
        f.write(" ".join(repr(v) for v in params_flat(net)) + "\n")
        for r in X:
            f.write(" ".join(repr(float(v)) for v in r) + "\n")
    t = time.perf_counter()
    ig = [integrated_gradients(net, r, x0, "gausslegendre", 50) for r in X]
    t_ig = time.perf_counter() - t
    t = time.perf_counter()
    sh = [kernel_shap(net, r, x0) for r in X]
    t_shap = time.perf_counter() - t
    print(json.dumps({"ig_seconds": t_ig, "kernelshap_seconds": t_shap,
                      "ig": [[float(v) for v in a] for a in ig],
                      "kernelshap": [[float(v) for v in a] for a in sh]}))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--bench":
        bench(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        write_fixture("tests/ref/explain_ref.txt")
