#!/usr/bin/python3
"""The driver of bench/compress_uci.sh: distillation and compression of an mlp on UCI concrete
and power-plant (split 0 of the standard splits), side by side with PyTorch's own tools on the
same trained network: torch.ao.quantization.quantize_dynamic (int8 Linear layers) and
torch.nn.utils.prune.l1_unstructured. Every number is measured here, in this run: sizes in bytes
of parameters, test RMSE in target units, RMSE against the uncompressed network, evaluation time
per row (median of 5 alternating rounds). Writes the tables (Markdown) to standard output.
usage: compress_uci.py UNIAPPROX UCI_DIR WORK_DIR [SETS...]
"""
import json
import os
import struct
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.utils.prune as prune

UA, UCI, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
SETS = sys.argv[4:] or ["concrete", "power-plant"]
torch.set_num_threads(1)


def run(*args):
    r = subprocess.run([UA, *args, "--json"], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit("uniapprox %s failed: %s" % (" ".join(args), r.stderr))
    return json.loads(r.stdout)


def split_csv(name):
    d = os.path.join(UCI, name)
    data = np.loadtxt(os.path.join(d, "data.txt"))
    feat = np.loadtxt(os.path.join(d, "index_features.txt"), dtype=int).ravel()
    tgt = int(np.loadtxt(os.path.join(d, "index_target.txt")))
    tr = np.loadtxt(os.path.join(d, "index_train_0.txt"), dtype=int)
    te = np.loadtxt(os.path.join(d, "index_test_0.txt"), dtype=int)
    cols = ["x%d" % i for i in range(len(feat))] + ["y"]
    paths = []
    for tag, rows in (("train", tr), ("test", te)):
        p = os.path.join(WORK, "%s_%s.csv" % (name, tag))
        np.savetxt(p, np.column_stack([data[rows][:, feat], data[rows][:, tgt]]), delimiter=",",
                   header=",".join(cols), comments="", fmt="%.17g")
        paths.append(p)
    return paths, data[te][:, feat], data[te][:, tgt]


def read_safetensors(path):
    """The tensors and metadata of a safetensors file (the format is 8 bytes + JSON + data)."""
    with open(path, "rb") as f:
        buf = f.read()
    n = struct.unpack("<Q", buf[:8])[0]
    head = json.loads(buf[8:8 + n])
    meta = head.pop("__metadata__", {})
    dt = {"F64": np.float64, "F32": np.float32, "U8": np.uint8, "I64": np.int64, "I32": np.int32}
    out = {}
    for k, v in head.items():
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(buf[8 + n + a:8 + n + b], dtype=dt[v["dtype"]]).reshape(v["shape"])
    return out, meta


def torch_net(path):
    """The uniapprox mlp (ReLU, float32) as nn.Sequential with its own standardisation."""
    t, meta = read_safetensors(path)
    L = len([k for k in t if k.startswith("layers.") and k.endswith(".weight")])
    mods = []
    for l in range(L):
        w = t["layers.%d.weight" % (2 * l)]
        lin = nn.Linear(w.shape[1], w.shape[0])
        lin.weight.data = torch.from_numpy(w.astype(np.float32).copy())
        lin.bias.data = torch.from_numpy(t["layers.%d.bias" % (2 * l)].astype(np.float32).copy())
        mods.append(lin)
        if l + 1 < L:
            mods.append(nn.ReLU())
    return nn.Sequential(*mods), t


def torch_predict(net, t, x):
    z = torch.from_numpy(((x - t["x_mean"]) / t["x_scale"]).astype(np.float32))
    with torch.no_grad():
        out = net(z).numpy().astype(np.float64)
    return out[:, 0] * t["y_scale"][0] + t["y_mean"][0]


def torch_time(net, t, x):
    z = torch.from_numpy(((x - t["x_mean"]) / t["x_scale"]).astype(np.float32))
    reps, t0 = 0, time.perf_counter()
    with torch.no_grad():
        while True:
            net(z)
            reps += 1
            dt = time.perf_counter() - t0
            if dt > 0.1:
                return dt / reps / len(x)


def param_bytes(net):
    """Bytes of parameters, counted as uniapprox counts its own: float32 values 4 bytes; a
    dynamically quantised Linear's int8 weight 1 byte each plus its scale and zero point (8 bytes
    each) and its float32 bias."""
    total = 0
    for mod in net.modules():
        if isinstance(mod, nn.Linear):
            total += 4 * (mod.weight.numel() + mod.bias.numel())
        elif hasattr(mod, "weight") and callable(mod.weight):  # quantized dynamic Linear
            w = mod.weight()
            total += w.int_repr().numel() + 16 + 4 * mod.bias().numel()
    return total


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def median5(f):
    return sorted(f() for _ in range(5))[2]


DRIVER = r"""
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
double f(const double *x);
int main(int argc, char **argv)
{
    int d = atoi(argv[2]), n = 0, cap = 1 << 16;
    double *x = malloc(sizeof(double) * (size_t)cap * d), v, sink = 0;
    FILE *in = fopen(argv[1], "r");
    while (n < cap && fscanf(in, "%lf", &v) == 1) { x[n / d * d + n % d] = v; n++; }
    n /= d;
    struct timespec a, b;
    long reps = 0;
    double t;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        for (int i = 0; i < n; i++) sink += f(x + (size_t)i * d);
        reps++;
        clock_gettime(CLOCK_MONOTONIC, &b);
        t = (b.tv_sec - a.tv_sec) + 1e-9 * (b.tv_nsec - a.tv_nsec);
    } while (t < 0.1);
    printf("%.6g %g\n", 1e9 * t / reps / n, sink);
    return 0;
}
"""


def export_speed(models, xt):
    """ns per row of each model's exported C (double), compiled with cc -O2; the programs run in
    alternating rounds, the median of 5 each."""
    rows = os.path.join(WORK, "rows.txt")
    np.savetxt(rows, xt)
    drv = os.path.join(WORK, "driver.c")
    with open(drv, "w") as fh:
        fh.write(DRIVER)
    progs = []
    for i, m in enumerate(models):
        c = os.path.join(WORK, "exp%d.c" % i)
        subprocess.run([UA, "export", m, "-o", c, "--name", "f"], check=True,
                       stderr=subprocess.DEVNULL)
        exe = os.path.join(WORK, "exp%d" % i)
        subprocess.run(["cc", "-std=c99", "-O2", "-o", exe, c, drv, "-lm"], check=True)
        progs.append(exe)
    times = [[] for _ in progs]
    for _ in range(5):
        for i, exe in enumerate(progs):
            out = subprocess.run([exe, rows, str(xt.shape[1])], capture_output=True, text=True)
            times[i].append(float(out.stdout.split()[0]))
    return [sorted(t)[2] for t in times]


rows_c, rows_t, rows_d, rows_h = [], [], [], []
for name in SETS:
    (train, test), xt, yt = split_csv(name)
    teacher = os.path.join(WORK, name + "_teacher.safetensors")
    fit = run("fit", "--data", train, "--test-data", test, "--family", "mlp", "-o", teacher)
    t_rmse = fit.get("test_rmse")
    compressed = []
    for meth, extra in (("lowrank", ["--rank", "8"]),
                        ("lowrank", ["--rank", "8", "--epochs", "20"]),
                        ("lowrank", ["--rank", "16", "--epochs", "20"]),
                        ("quant8", []), ("quant4", []),
                        ("quant4", ["--exponent", "1"])):
        out = os.path.join(WORK, "%s_%s.safetensors" % (name, meth))
        r = run("compress", teacher, "-o", out, "--method", meth, *extra, "--data", train,
                "--target-data", test)
        compressed.append(out)
        label = meth + (" " + " ".join(extra) if extra else "")
        rows_c.append((name, label, r["bytes_before"], r["bytes_after"], r["test_rmse_before"],
                       r["test_rmse_after"], r["rmse_vs_original"],
                       r["predict_ns_per_row_before"], r["predict_ns_per_row_after"]))
    speeds = export_speed([teacher] + compressed, xt)
    for i in range(len(compressed)):
        rows_c[len(rows_c) - len(compressed) + i] += (speeds[0], speeds[1 + i])
    # PyTorch's tools on the same network
    net, t = torch_net(teacher)
    base = torch_predict(net, t, xt)
    q = torch.ao.quantization.quantize_dynamic(net, {nn.Linear}, dtype=torch.qint8)
    pq = torch_predict(q, t, xt)
    tb = median5(lambda: torch_time(net, t, xt))
    tq = median5(lambda: torch_time(q, t, xt))
    rows_t.append((name, "quantize_dynamic qint8", param_bytes(net), param_bytes(q),
                   rmse(base, yt), rmse(pq, yt), rmse(pq, base), 1e9 * tb, 1e9 * tq))
    pr, _ = torch_net(teacher)
    for mod in pr:
        if isinstance(mod, nn.Linear):
            prune.l1_unstructured(mod, "weight", amount=0.75)
            prune.remove(mod, "weight")
    pp = torch_predict(pr, t, xt)
    nz = sum(int((m.weight != 0).sum()) + m.bias.numel() for m in pr if isinstance(m, nn.Linear))
    tp = median5(lambda: torch_time(pr, t, xt))
    rows_t.append((name, "prune l1_unstructured 75%", param_bytes(net), 4 * nz,
                   rmse(base, yt), rmse(pp, yt), rmse(pp, base), 1e9 * tb, 1e9 * tp))
    # distillation into smaller students, on the training inputs
    for fam, extra in (("mlp", ["--hidden", "16x16"]), ("mlp", ["--hidden", "8"]),
                       ("rf", [])):
        out = os.path.join(WORK, "%s_student.safetensors" % name)
        r = run("distill", teacher, "-o", out, "--family", fam, *extra, "--data", train,
                "--target-data", test, "--points", "4000")
        rows_d.append((name, "mlp 64x64 -> " + fam + " " + " ".join(extra), r["rmse_vs_teacher"],
                       r["student_test_rmse"], r["teacher_test_rmse"]))
    # a kernel teacher (exact kernel ridge; concrete only: power-plant's 8,600 rows would need
    # Nystrom) into a small mlp
    if name == "concrete":
        kt = os.path.join(WORK, name + "_kernel.safetensors")
        run("fit", "--data", train, "--test-data", test, "--family", "kernel", "-o", kt)
        out = os.path.join(WORK, "%s_kstudent.safetensors" % name)
        r = run("distill", kt, "-o", out, "--family", "mlp", "--hidden", "16x16", "--data", train,
                "--target-data", test, "--points", "4000")
        rows_d.append((name, "kernel -> mlp --hidden 16x16", r["rmse_vs_teacher"],
                       r["student_test_rmse"], r["teacher_test_rmse"]))
    # hidden-layer matching: a deep narrow student with and without the hint, three point seeds
    for w in ("0", "0.1", "1"):
        vals = []
        for seed in ("1", "2", "3"):
            out = os.path.join(WORK, "%s_hint.safetensors" % name)
            r = run("distill", teacher, "-o", out, "--family", "mlp", "--hidden", "16x16x16x16",
                    "--epochs", "100", "--data", train, "--target-data", test, "--points", "4000",
                    "--match-hidden", w, "--seed", seed)
            vals.append((r["rmse_vs_teacher"], r["student_test_rmse"]))
        rows_h.append((name, w, [v[0] for v in vals], [v[1] for v in vals]))

print("## Compression of the default mlp (64x64 ReLU, float32), UCI split 0\n")
print("| data | method | bytes before | bytes after | size ratio | test RMSE before | after | "
      "RMSE vs original | predict ns/row before | after | exported C ns/row before | after |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows_c:
    print("| %s | uniapprox %s | %d | %d | %.3f | %.4g | %.4g | %.3g | %.0f | %.0f | %.0f | %.0f |"
          % (r[0], r[1], r[2], r[3], r[3] / r[2], r[4], r[5], r[6], r[7], r[8], r[9], r[10]))
for r in rows_t:
    print("| %s | PyTorch %s | %d | %d | %.3f | %.4g | %.4g | %.3g | %.0f | %.0f | - | - |"
          % (r[0], r[1], r[2], r[3], r[3] / r[2], r[4], r[5], r[6], r[7], r[8]))
print("\n## Distillation (points: 4000 resampled training inputs)\n")
print("| data | teacher -> student | RMSE vs teacher | student test RMSE | teacher test RMSE | ratio |")
print("|---|---|---|---|---|---|")
for r in rows_d:
    print("| %s | %s | %.4g | %.4g | %.4g | %.3f |" % (r[0], r[1], r[2], r[3], r[4], r[3] / r[4]))
print("\n## Hidden-layer matching, mlp 64x64 -> mlp 16x16x16x16 (100 epochs, student seeds 1, 2, 3)\n")
print("| data | weight | RMSE vs teacher (seeds 1, 2, 3) | mean | student test RMSE (mean) |")
print("|---|---|---|---|---|")
for r in rows_h:
    print("| %s | %s | %s | %.4g | %.4g |" % (r[0], r[1], ", ".join("%.4g" % v for v in r[2]),
                                            sum(r[2]) / 3, sum(r[3]) / 3))
