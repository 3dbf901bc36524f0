"""UniapproxRegressor(family="kernel") against sklearn.kernel_ridge.KernelRidge in the same
GridSearchCV: the same data (Friedman #1, d = 5, noise 1, standardised), the same folds and the
same grid over alpha and gamma (rbf kernel, raw columns: no_standardize=True, so that both fit the
same model), one side after the other in each round, rounds alternating which goes first.
usage: python_gridsearch.py N ROUNDS
Prints per side the median wall time of the whole search, the ratio, the best parameters of each
and the largest difference of their mean CV scores (R^2) over the grid."""
import sys
import time

import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.kernel_ridge import KernelRidge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.preprocessing import StandardScaler

from uniapprox.sklearn import UniapproxRegressor

n, rounds = int(sys.argv[1]), int(sys.argv[2])
X, y = make_friedman1(n_samples=n, n_features=5, noise=1.0, random_state=0)
X = StandardScaler().fit_transform(X)
grid = {"alpha": [1e-4, 1e-3, 1e-2, 1e-1], "gamma": [0.005, 0.01, 0.02, 0.05]}
cv = KFold(5, shuffle=True, random_state=0)
sides = {"uniapprox": lambda: GridSearchCV(UniapproxRegressor(family="kernel",
                                                               no_standardize=True), grid, cv=cv),
         "sklearn": lambda: GridSearchCV(KernelRidge(kernel="rbf"), grid, cv=cv)}
times = {k: [] for k in sides}
ratios = []
last = {}
for r in range(rounds):
    order = list(sides) if r % 2 == 0 else list(sides)[::-1]
    t = {}
    for k in order:
        gs = sides[k]()
        t0 = time.perf_counter()
        gs.fit(X, y)
        t[k] = time.perf_counter() - t0
        times[k].append(t[k])
        last[k] = gs
    ratios.append(t["uniapprox"] / t["sklearn"])
u, s = np.median(times["uniapprox"]), np.median(times["sklearn"])
diff = np.max(np.abs(last["uniapprox"].cv_results_["mean_test_score"]
                     - last["sklearn"].cv_results_["mean_test_score"]))
fits = len(grid["alpha"]) * len(grid["gamma"]) * cv.get_n_splits() + 1
print("n = %d, d = 5, %d fits per search (%d-point training folds), %d rounds"
      % (n, fits, n - n // 5, rounds))
print("%-10s %10s %10s %8s %s" % ("", "median s", "", "ratio", "per-round ratios"))
print("%-10s %10.3f" % ("uniapprox", u))
print("%-10s %10.3f %10s %8.2f [%.2f, %.2f]" % ("sklearn", s, "", u / s, min(ratios), max(ratios)))
print("best: uniapprox %s, sklearn %s; max |mean CV R^2 difference| over the grid %.1e"
      % (last["uniapprox"].best_params_, last["sklearn"].best_params_, diff))
print("ratio = uniapprox time / sklearn time (< 1: uniapprox is faster), the whole GridSearchCV")
