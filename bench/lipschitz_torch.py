#!/usr/bin/python3
"""The PyTorch side of bench/lipschitz_bench.sh: IBP (every network) and CROWN (ReLU networks) of
the networks bench/lipschitz_bench.c wrote to DIR/net_I.bin, with the independent implementation
of tests/gen/lipschitz_torch_ref.py (float64, the same relaxations), timed (median of 3), and
compared with the C library's bounds stored in the same file.
usage: lipschitz_torch.py DIR"""
import glob
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "gen"))
import lipschitz_torch_ref as ref  # noqa: E402

torch.set_num_threads(1)


def timed(f):
    ts, out = [], None
    for _ in range(3):
        t0 = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t0)
    return out, 1e3 * sorted(ts)[1]


def main():
    d = sys.argv[1]
    files = sorted(glob.glob(os.path.join(d, "net_*.bin")), key=lambda p: int(p.split("_")[-1][:-4]))
    print("%-5s %5s %5s %-6s | %-25s %8s %9s | %-25s %8s %9s" % (
        "act", "width", "depth", "box", "IBP (torch)", "t(ms)", "C-torch", "CROWN (torch)", "t(ms)",
        "C-torch"))
    for path in files:
        v = np.fromfile(path, dtype="<f8")
        din, L, act = int(v[0]), int(v[1]), int(v[2])
        widths = [int(w) for w in v[3:3 + L + 1]]
        o = 3 + L + 1
        lo, hi = torch.tensor(v[o:o + din]), torch.tensor(v[o + din:o + 2 * din])
        cil, ciu, ccl, ccu = v[o + 2 * din:o + 2 * din + 4]
        p = v[o + 2 * din + 4:]
        Ws, bs, k = [], [], 0
        for l in range(L):
            n = widths[l + 1] * widths[l]
            Ws.append(torch.tensor(p[k:k + n]).reshape(widths[l + 1], widths[l]))
            k += n
            bs.append(torch.tensor(p[k:k + widths[l + 1]]))
            k += widths[l + 1]
        name = "relu" if act == 0 else "tanh"
        (il, iu), tib = timed(lambda: ref.bounds(Ws, bs, name, lo, hi, False))
        line = "%-5s %5d %5d %-6s | %-25s %8.3f %9.2e |" % (
            name, widths[1], L - 1, "local" if lo[0] > -1 else "[-1,1]",
            "[%.4g, %.4g]" % (il.item(), iu.item()), tib,
            max(abs(cil - il.item()), abs(ciu - iu.item())) / (1 + abs(iu.item())))
        if name == "relu":
            (cl, cu), tcr = timed(lambda: ref.bounds(Ws, bs, name, lo, hi, True))
            line += " %-25s %8.3f %9.2e" % ("[%.4g, %.4g]" % (cl.item(), cu.item()), tcr,
                                            max(abs(ccl - cl.item()), abs(ccu - cu.item()))
                                            / (1 + abs(cu.item())))
        else:
            line += " %-25s" % "(tanh: IBP only here)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
