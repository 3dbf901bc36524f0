#!/usr/bin/python3
"""Writes the fixtures of tests/cli_ensemble.sh's class-probability checks:
  tests/ref/proba_net.safetensors   an mlp classifier, 2 inputs -> tanh(4) -> 3 classes, float64
                                    weights drawn here, standardisation (mean, scale) not identity
  tests/ref/proba_ens.safetensors   a deep ensemble of 2 such networks (the first is proba_net),
                                    in the family's ensemble layout (src/mlp/ensemble.c)
  tests/ref/proba_rows.csv          40 rows a,b,label (labels 0..2; row 1 a confidently wrong
                                    label, so that scikit-learn's clipping at eps matters)
  tests/ref/proba_ref.txt           per model: numpy's softmax probabilities of every row
                                    (17 digits), and scikit-learn's accuracy_score and
                                    log_loss(labels=[0, 1, 2]) on them
The CLI's `eval --proba` must print those probabilities and `check --data` that log-loss and
accuracy. Run: /usr/bin/python3 tests/gen/proba_logloss_ref.py
"""
import json
import os
import struct

import numpy as np
from sklearn.metrics import accuracy_score, log_loss

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "ref")
rng = np.random.default_rng(20260416)


def net():
    return {"layers.0.weight": rng.normal(0, 1.5, (4, 2)), "layers.0.bias": rng.normal(0, 0.5, 4),
            "layers.2.weight": rng.normal(0, 12.0, (3, 4)), "layers.2.bias": rng.normal(0, 0.5, 3),
            "x_mean": np.array([0.25, -0.5]), "x_scale": np.array([1.5, 0.75]),
            "y_mean": np.zeros(1), "y_scale": np.ones(1)}


def proba(t, x):
    z = (x - t["x_mean"]) / t["x_scale"]
    h = np.tanh(z @ t["layers.0.weight"].T + t["layers.0.bias"])
    o = h @ t["layers.2.weight"].T + t["layers.2.bias"]
    o = o - o.max(axis=1, keepdims=True)
    e = np.exp(o)
    return e / e.sum(axis=1, keepdims=True)


def write(path, tensors, extra):
    meta = {"format": "uniapprox", "format_version": "1", "family": "mlp", "problem": "samples",
            "target": "", "domain": "-inf:inf", "reference": "none",
            "mlp_inputs": "2", "mlp_outputs": "1", "hidden": "4", "activation": "tanh",
            "leaky_slope": "0.01", "evonorm": "0", "param": "sp", "dtype": "f64",
            "task": "classify", "classes": "3", "input_names": '["a","b"]'}
    meta.update(extra)
    header, off, blobs = {"__metadata__": meta}, 0, []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f8")
        header[name] = {"dtype": "F64", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


a, b = net(), net()
x = rng.uniform(-2, 2, (40, 2))
pa = proba(a, x)
pe = (pa + proba(b, x)) / 2
y = np.array([int(np.argmax(pe[i] + rng.normal(0, 0.15, 3))) for i in range(40)])
y[0] = int(np.argmin(pa[0]))  # a confident mistake: its probability may fall below eps
write(os.path.join(REF, "proba_net.safetensors"), a, {})
ens = dict(a)
for k, v in b.items():
    ens["ensemble.1." + k] = v
write(os.path.join(REF, "proba_ens.safetensors"), ens, {"ensemble_members": "2"})
with open(os.path.join(REF, "proba_rows.csv"), "w") as f:
    f.write("a,b,label\n")
    for i in range(40):
        f.write(f"{x[i, 0]:.17g},{x[i, 1]:.17g},{y[i]}\n")
with open(os.path.join(REF, "proba_ref.txt"), "w") as f:
    f.write("# tests/gen/proba_logloss_ref.py: model accuracy log_loss, then its probabilities\n")
    for name, p in (("net", pa), ("ens", pe)):
        f.write(f"{name} {accuracy_score(y, p.argmax(axis=1)):.17g} "
                f"{log_loss(y, p, labels=[0, 1, 2]):.17g}\n")
        for i in range(40):
            f.write(name + "p " + " ".join(f"{v:.17g}" for v in p[i]) + "\n")
print("smallest probability of a true label:", pa[np.arange(40), y].min())
