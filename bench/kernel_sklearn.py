#!/usr/bin/python3
"""The scikit-learn side of bench/kernel_vs_sklearn.sh.
    kernel_sklearn.py data DIR         writes xtrN.npy / ytrN.npy (N = 2000, 8000) and xte.npy
    kernel_sklearn.py krr|rf DIR N GAMMA LAMBDA [FEATURES]
        fit + predict time and peak memory (max RSS) of KernelRidge(rbf) or RBFSampler + Ridge;
        prints "fit_s predict_s rss_before_mb rss_peak_mb" and writes DIR/pred_sk_<mode>N.txt
"""
import resource
import sys
import time

import numpy as np


def target(x):
    return np.sin(2 * x[:, 0]) * np.cos(x[:, 1]) + 0.5 * x[:, 2] * x[:, 3] - 0.3 * x[:, 4] ** 2 + 0.2 * x[:, 5:].sum(1)


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


if sys.argv[1] == "data":
    d = sys.argv[2]
    rng = np.random.default_rng(1)
    for n in (2000, 8000):
        x = rng.uniform(-1.5, 1.5, size=(n, 8))
        np.save("%s/xtr%d.npy" % (d, n), x)
        np.save("%s/ytr%d.npy" % (d, n), target(x) + 0.05 * rng.normal(size=n))
    xt = rng.uniform(-1.5, 1.5, size=(2000, 8))
    np.save("%s/xte.npy" % d, xt)
    np.save("%s/yte.npy" % d, target(xt))
    sys.exit(0)

from sklearn.kernel_ridge import KernelRidge  # noqa: E402
from sklearn.kernel_approximation import RBFSampler  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402

mode, d, n, gamma, lam = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
x = np.load("%s/xtr%d.npy" % (d, n))
y = np.load("%s/ytr%d.npy" % (d, n))
xt = np.load("%s/xte.npy" % d)
before = rss_mb()
t0 = time.perf_counter()
if mode == "krr":
    m = KernelRidge(kernel="rbf", gamma=gamma, alpha=lam).fit(x, y)
    t1 = time.perf_counter()
    p = m.predict(xt)
else:
    feats = int(sys.argv[6]) if len(sys.argv) > 6 else 1000
    s = RBFSampler(gamma=gamma, n_components=feats, random_state=1)
    r = Ridge(alpha=lam, fit_intercept=False).fit(s.fit_transform(x), y)
    t1 = time.perf_counter()
    p = r.predict(s.transform(xt))
t2 = time.perf_counter()
np.savetxt("%s/pred_sk_%s%d.txt" % (d, mode, n), p, fmt="%.17g")
print("%.4f %.4f %.1f %.1f" % (t1 - t0, t2 - t1, before, rss_mb()))
