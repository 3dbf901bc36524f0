#!/usr/bin/python3
"""bench/nll_uci.py — predictive uncertainty of the kernel family on the UCI regression splits:
for each split, `uniapprox fit --family kernel --split-dir DIR --split K -o M`, then
`uniapprox eval M --std` on the split's test rows; the Gaussian negative log-likelihood per test
row, mean over rows, then mean ± standard error over splits, beside the published NLLs of PBP
(Hernandez-Lobato & Adams 2015), MC-dropout (Gal & Ghahramani 2016) and Deep Ensembles
(Lakshminarayanan et al. 2017), as tabulated in the last paper's Table 1 (same splits, same
convention: NLL of y in the original units). Not part of `make test`.
usage: bench/nll_uci.py [BUILD_DIR]   (env: UA_UCI_DIR, UA_UCI_SETS, UA_UCI_SPLITS)"""
import json, math, os, subprocess, sys, tempfile, time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
UA = os.path.join(ROOT, BUILD, "uniapprox")
DIR = os.environ.get("UA_UCI_DIR", os.path.join(ROOT, "..", "shared", "data", "uci"))
SETS = os.environ.get("UA_UCI_SETS", "concrete energy kin8nm power-plant wine-quality-red yacht").split()
SPLITS = int(os.environ.get("UA_UCI_SPLITS", "20"))
# PBP, MC-dropout, Deep Ensembles NLL (Lakshminarayanan et al. 2017, Table 1)
PUB = {"concrete": (3.16, 3.04, 3.06), "energy": (2.04, 1.99, 1.38), "kin8nm": (-0.90, -0.95, -1.20),
       "power-plant": (2.84, 2.80, 2.79), "wine-quality-red": (0.97, 0.93, 0.94),
       "yacht": (1.63, 1.55, 1.18)}

if not os.path.isdir(DIR):
    sys.exit(f"bench/nll_uci.py: no UCI data in {DIR} (set UA_UCI_DIR)")
print(f"{'data set':18s} {'splits':>6s}  {'kernel NLL':>15s} {'RMSE':>8s} {'cover95':>7s}  "
      f"{'PBP':>6s} {'MCD':>6s} {'DeepEns':>7s}  seconds")
work = tempfile.mkdtemp()
for s in SETS:
    d = os.path.join(DIR, s)
    data = np.loadtxt(os.path.join(d, "data.txt"))
    feat = np.loadtxt(os.path.join(d, "index_features.txt"), dtype=int).ravel()
    targ = int(np.loadtxt(os.path.join(d, "index_target.txt")))
    nlls, rmses, covs = [], [], []
    t0 = time.time()
    for k in range(SPLITS):
        idx = np.loadtxt(os.path.join(d, f"index_test_{k}.txt"), dtype=int).ravel()
        model = os.path.join(work, "m.st")
        subprocess.run([UA, "fit", "--family", "kernel", "--split-dir", d, "--split", str(k), "-o",
                        model], check=True, stdout=subprocess.DEVNULL)
        x = data[idx][:, feat]
        y = data[idx, targ]
        xin = os.path.join(work, "x.txt")
        np.savetxt(xin, x)
        out = subprocess.run([UA, "eval", model, "--std", "--input", xin, "--x-col",
                              ",".join(str(i) for i in range(x.shape[1]))],
                             check=True, capture_output=True, text=True).stdout
        r = np.array([[float(v) for v in line.split()] for line in out.splitlines()])
        mu, sd = r[:, 0], r[:, 1]
        nlls.append(np.mean(0.5 * np.log(2 * math.pi * sd ** 2) + (y - mu) ** 2 / (2 * sd ** 2)))
        rmses.append(math.sqrt(np.mean((y - mu) ** 2)))
        covs.append(np.mean(np.abs(y - mu) <= 1.959963984540054 * sd))
    n = len(nlls)
    se = np.std(nlls, ddof=1) / math.sqrt(n) if n > 1 else float("nan")
    pub = PUB.get(s, (float("nan"),) * 3)
    print(f"{s:18s} {n:6d}  {np.mean(nlls):7.3f} ± {se:5.3f} {np.mean(rmses):8.3f} {np.mean(covs):7.3f}  "
          f"{pub[0]:6.2f} {pub[1]:6.2f} {pub[2]:7.2f}  {time.time() - t0:.0f}", flush=True)
