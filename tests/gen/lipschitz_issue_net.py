#!/usr/bin/python3
"""Writes tests/ref/lipschitz_issue_net.safetensors: issue 15's network
f(x) = [1, -1] . ReLU([[1, -1], [2, -1]] x) on the box [-1, 2] x [-2, 1] as an mlp model file
(float64 weights, zero biases, identity scalers), for tests/cli_lipschitz.sh. Its output range is
[-2, 1], IBP's [-6, 4]; its inf-norm Lipschitz constant 3, the naive product of norms 6.

Run: /usr/bin/python3 tests/gen/lipschitz_issue_net.py
"""
import json
import os
import struct

import numpy as np

tensors = {
    "layers.0.weight": np.array([[1, -1], [2, -1]], dtype="<f8"),
    "layers.0.bias": np.zeros(2, dtype="<f8"),
    "layers.2.weight": np.array([[1, -1]], dtype="<f8"),
    "layers.2.bias": np.zeros(1, dtype="<f8"),
    "x_mean": np.zeros(2, dtype="<f8"),
    "x_scale": np.ones(2, dtype="<f8"),
    "y_mean": np.zeros(1, dtype="<f8"),
    "y_scale": np.ones(1, dtype="<f8"),
}
meta = {
    "format": "uniapprox", "format_version": "1", "family": "mlp",
    "target": "max(x-y,0)-max(2*x-y,0)", "vars": "x,y", "domain": "-1:2,-2:1",
    "problem": "formula", "mlp_inputs": "2", "mlp_outputs": "1", "hidden": "2",
    "activation": "relu", "leaky_slope": "0.01", "evonorm": "0", "param": "sp",
    "dtype": "f64", "task": "regress", "classes": "0",
}
header, off, blobs = {"__metadata__": meta}, 0, []
for name in sorted(tensors):
    a = tensors[name]
    header[name] = {"dtype": "F64", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
    blobs.append(a.tobytes())
    off += a.nbytes
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ref",
                   "lipschitz_issue_net.safetensors")
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
