#!/usr/bin/python3
"""bench/kernel_select_vs_sklearn.py — hyperparameter selection of kernel ridge at scale: the
kernel family's default selection (closed-form LOO, src/kernel/select.c) against scikit-learn's
GridSearchCV over KernelRidge(kernel="rbf") with 5-fold CV on the same grid (lambda = alpha
1e-8 .. 1e2 by decades, gamma = 2^e / d for e = -6 .. 2: the default grid's coarse values and
their refinements), both on standardised inputs and targets, in one run. Reports the selection +
fit time of each and its ratio, the chosen values and the test RMSE (target units) on 2,000
fresh rows. Data: y = sin(3 x1) cos(2 x2) + x3 x4 / 2 + 0.05 noise, x uniform on [-1, 1]^4.
Not part of `make test`.
usage: bench/kernel_select_vs_sklearn.py [BUILD_DIR]   (env: UA_SELECT_N = "8000 16000 40000")"""
import json, math, os, subprocess, sys, tempfile, time

import numpy as np
from sklearn.kernel_ridge import KernelRidge
from sklearn.model_selection import GridSearchCV

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
UA = os.path.join(ROOT, BUILD, "uniapprox")
NS = [int(v) for v in os.environ.get("UA_SELECT_N", "8000 16000 40000").split()]
d, nt = 4, 2000
rng = np.random.default_rng(1)


def f(x):
    return np.sin(3 * x[:, 0]) * np.cos(2 * x[:, 1]) + 0.5 * x[:, 2] * x[:, 3]


xt = rng.uniform(-1, 1, (nt, d))
yt = f(xt)
work = tempfile.mkdtemp()
print(f"{'n':>6s}  {'uniapprox s':>11s} {'RMSE':>9s} {'gamma':>7s} {'lambda':>7s}  "
      f"{'sklearn s':>9s} {'RMSE':>9s} {'gamma':>7s} {'lambda':>7s}  {'time ratio':>10s}  selected_on / note")
for n in NS:
    x = rng.uniform(-1, 1, (n, d))
    y = f(x) + 0.05 * rng.normal(size=n)
    tr, te = os.path.join(work, "tr.csv"), os.path.join(work, "te.csv")
    hdr = "a,b,c,e,y"
    np.savetxt(tr, np.c_[x, y], delimiter=",", header=hdr, comments="")
    np.savetxt(te, np.c_[xt, yt], delimiter=",", header=hdr, comments="")
    t0 = time.time()
    out = subprocess.run([UA, "fit", "--family", "kernel", "--data", tr, "--test-data", te, "--json"],
                         check=True, capture_output=True, text=True).stdout
    t_ua = time.time() - t0
    j = json.loads(out)
    ua_rmse = j["metrics"]["test"]["rmse"]
    # scikit-learn on the same standardisation (the training rows' mean and population sd)
    mx, sx, my, sy = x.mean(0), x.std(0), y.mean(), y.std()
    grid = {"alpha": [10.0 ** e for e in range(-8, 3)], "gamma": [2.0 ** e / d for e in range(-6, 3)]}
    t0 = time.time()
    gs = GridSearchCV(KernelRidge(kernel="rbf"), grid, cv=5, scoring="neg_mean_squared_error", n_jobs=1)
    gs.fit((x - mx) / sx, (y - my) / sy)
    t_sk = time.time() - t0
    p = gs.predict((xt - mx) / sx) * sy + my
    sk_rmse = math.sqrt(np.mean((p - yt) ** 2))
    note = j.get("selected_on", "") + ("; " + j["note"] if "note" in j else "")
    print(f"{n:6d}  {t_ua:11.1f} {ua_rmse:9.3g} {j.get('gamma', float('nan')):7.3g} {j['lambda']:7.0e}  "
          f"{t_sk:9.1f} {sk_rmse:9.3g} {gs.best_params_['gamma']:7.3g} {gs.best_params_['alpha']:7.0e}  "
          f"{t_sk / t_ua:10.1f}  {note}", flush=True)
