#!/usr/bin/python3
"""Checks that PyTorch 1.13 loads a uniapprox mlp model file as a state_dict and computes the same
predictions as `uniapprox eval` (not part of `make test`: it needs torch; tests/test_mlp.c checks
the names and shapes against the committed fixture instead).

usage: /usr/bin/python3 tests/gen/mlp_torch_load.py path/to/uniapprox
For each activation (and dtype) it fits a small model with uniapprox, reads the .safetensors file,
builds Model with model.layers = nn.Sequential(Linear, Act, Linear, Act, Linear) and calls
load_state_dict(strict=True) on the layers.* tensors, applies the stored standardisation
(x_mean, x_scale, y_mean, y_scale) and compares with `uniapprox eval`. Exit status 1 on mismatch.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch import nn


class Sin(nn.Module):
    def forward(self, x):
        return torch.sin(x)


ACTS = {
    "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "gelu": nn.GELU,
    "gelu_tanh": lambda: nn.GELU(approximate="tanh"), "silu": nn.SiLU, "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid, "softplus": nn.Softplus, "sin": Sin,
}
DT = {"F32": np.float32, "F64": np.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    n = struct.unpack("<Q", buf[:8])[0]
    header = json.loads(buf[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for k, v in header.items():
        b, e = v["data_offsets"]
        out[k] = np.frombuffer(buf[base + b:base + e], dtype=DT[v["dtype"]]).reshape(v["shape"])
    return out, meta


class Model(nn.Module):
    def __init__(self, dims, act, dtype):
        super().__init__()
        mods = []
        for i in range(len(dims) - 1):
            mods.append(nn.Linear(dims[i], dims[i + 1]).to(dtype))
            if i + 2 < len(dims):
                mods.append(ACTS[act]())
        self.layers = nn.Sequential(*mods)

    def forward(self, x):
        return self.layers(x)


def main():
    ua = sys.argv[1]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        x = rng.standard_normal((200, 3)) * [1, 5, 0.1] + [0, 10, -3]
        y = np.sin(x[:, 0]) + 0.1 * x[:, 1] + 3 * x[:, 2]
        csv = os.path.join(tmp, "d.csv")
        np.savetxt(csv, np.column_stack([x, y]), delimiter=",", header="a,b,c,y", comments="")
        xtxt = os.path.join(tmp, "x.txt")
        np.savetxt(xtxt, x)
        for act in ACTS:
            for dtype in ("f32", "f64"):
                model = os.path.join(tmp, "m.safetensors")
                subprocess.run([ua, "fit", "--family", "mlp", "--data", csv, "--hidden", "8x6",
                                "--activation", act, "--dtype", dtype, "--epochs", "20", "-o", model],
                               check=True, stdout=subprocess.DEVNULL)
                t, meta = read_safetensors(model)
                tdt = torch.float32 if dtype == "f32" else torch.float64
                dims = [3] + [int(w) for w in meta["hidden"].split("x")] + [1]
                net = Model(dims, act, tdt)
                sd = {k: torch.from_numpy(v.copy()) for k, v in t.items() if k.startswith("layers.")}
                net.load_state_dict(sd, strict=True)
                xz = (x - t["x_mean"]) / t["x_scale"]
                with torch.no_grad():
                    out = net(torch.from_numpy(xz).to(tdt)).double().numpy()
                pred = out * t["y_scale"] + t["y_mean"]
                ev = subprocess.run([ua, "eval", model, "--input", xtxt], check=True,
                                    capture_output=True, text=True).stdout.split()
                ev = np.array([float(v) for v in ev])
                err = np.max(np.abs(pred[:, 0] - ev)) / max(1.0, np.max(np.abs(ev)))
                tol = 1e-5 if dtype == "f32" else 1e-12
                ok = err <= tol
                bad += not ok
                print(f"{act:11s} {dtype}: torch loads the state_dict; max rel diff {err:.2e} "
                      f"(tol {tol:g}) {'ok' if ok else 'MISMATCH'}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
