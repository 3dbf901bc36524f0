#!/usr/bin/python3
"""bench/nll_uci.py — predictive uncertainty on the UCI regression splits: for each split,
`uniapprox fit --split-dir DIR --split K -o M` with each learner, then `uniapprox eval M --std` on
the split's test rows; the Gaussian negative log-likelihood per test row (target units), mean over
rows, then mean ± standard error over splits, and the fraction of test rows inside the 95%
interval y ± 1.96 sd ("cover95"), beside the published NLLs of PBP (Hernandez-Lobato & Adams
2015), MC-dropout (Gal & Ghahramani 2016) and Deep Ensembles (Lakshminarayanan et al. 2017), as
printed in Table 1 of the last paper (NeurIPS 2017, arXiv:1612.01474; same splits, same convention:
NLL of y in the original units, ± one standard error over the splits). Not part of `make test`.

Learners (UA_NLL_LEARNERS, default "kernel ens"):
  kernel  the kernel family with its defaults (rbf, LOO selection): Gaussian-process sd
  ens     the mlp family as a deep ensemble: --n-estimators UA_NLL_M (default 5, the paper's M),
          otherwise the mlp defaults, --threads 1; sd of the members' mixture (docs/mlp.md)
usage: bench/nll_uci.py [BUILD_DIR]
  (env: UA_UCI_DIR (default ../shared/data/uci), UA_UCI_SETS, UA_UCI_SPLITS, UA_NLL_LEARNERS,
   UA_NLL_M, UA_NLL_MLP_ARGS: extra fit arguments of the ensemble, e.g. "--hidden 50")"""
import math, os, subprocess, sys, tempfile, time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
UA = os.path.join(ROOT, BUILD, "uniapprox")
DIR = os.environ.get("UA_UCI_DIR", os.path.join(ROOT, "..", "shared", "data", "uci"))
SETS = os.environ.get("UA_UCI_SETS", "concrete energy kin8nm power-plant wine-quality-red yacht").split()
SPLITS = int(os.environ.get("UA_UCI_SPLITS", "20"))
LEARNERS = os.environ.get("UA_NLL_LEARNERS", "kernel ens").split()
M = os.environ.get("UA_NLL_M", "5")
MLP_ARGS = os.environ.get("UA_NLL_MLP_ARGS", "").split()
FIT = {"kernel": ["--family", "kernel"],
       "ens": ["--family", "mlp", "--n-estimators", M, "--threads", "1"] + MLP_ARGS}
# NLL (mean ± standard error over the splits) of PBP, MC-dropout, Deep Ensembles: Lakshminarayanan,
# Pritzel & Blundell (2017), Table 1, checked against the paper's text; PBP's and MC-dropout's
# entries there are those of their own papers (test log-likelihoods, sign reversed).
PUB = {"concrete": ((3.16, 0.02), (3.04, 0.09), (3.06, 0.18)),
       "energy": ((2.04, 0.02), (1.99, 0.09), (1.38, 0.22)),
       "kin8nm": ((-0.90, 0.01), (-0.95, 0.03), (-1.20, 0.02)),
       "power-plant": ((2.84, 0.01), (2.80, 0.05), (2.79, 0.04)),
       "wine-quality-red": ((0.97, 0.01), (0.93, 0.06), (0.94, 0.12)),
       "yacht": ((1.63, 0.02), (1.55, 0.12), (1.18, 0.21))}

if not os.path.isdir(DIR):
    sys.exit(f"bench/nll_uci.py: no UCI data in {DIR} (set UA_UCI_DIR)")
for l in LEARNERS:
    if l not in FIT:
        sys.exit(f"bench/nll_uci.py: unknown learner '{l}' (kernel, ens)")
print(f"{'data set':18s} {'learner':7s} {'splits':>6s}  {'NLL':>15s} {'RMSE':>8s} {'cover95':>7s}  "
      f"{'PBP':>6s} {'MCD':>6s} {'DeepEns':>7s}  seconds", flush=True)
work = tempfile.mkdtemp()
for s in SETS:
    d = os.path.join(DIR, s)
    data = np.loadtxt(os.path.join(d, "data.txt"))
    feat = np.loadtxt(os.path.join(d, "index_features.txt"), dtype=int).ravel()
    targ = int(np.loadtxt(os.path.join(d, "index_target.txt")))
    for learner in LEARNERS:
        nlls, rmses, covs = [], [], []
        t0 = time.time()
        for k in range(SPLITS):
            idx = np.loadtxt(os.path.join(d, f"index_test_{k}.txt"), dtype=int).ravel()
            model = os.path.join(work, "m.st")
            subprocess.run([UA, "fit"] + FIT[learner] + ["--split-dir", d, "--split", str(k),
                           "-o", model], check=True, stdout=subprocess.DEVNULL)
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
        pub = PUB.get(s, ((float("nan"), 0),) * 3)
        print(f"{s:18s} {learner:7s} {n:6d}  {np.mean(nlls):7.3f} ± {se:5.3f} {np.mean(rmses):8.3f} "
              f"{np.mean(covs):7.3f}  {pub[0][0]:6.2f} {pub[1][0]:6.2f} {pub[2][0]:7.2f}  "
              f"{time.time() - t0:.0f}", flush=True)
