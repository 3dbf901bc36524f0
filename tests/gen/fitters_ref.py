#!/usr/bin/python3
"""Writes tests/data/fitters_ref.h: the outputs of scipy and numpy that tests/test_fitters.c
compares uniapprox's fits from 1-D samples with, as C hex-float literals (exact doubles), and
tests/data/fitters_gauss1.csv, NIST's Gauss1 data set (x,y) for tests/cli_fitters.sh.

  - scipy.interpolate.PchipInterpolator and Akima1DInterpolator on small data sets (flat runs,
    sign changes, uneven spacing, 2 and 3 points): their values on a grid of 101 points plus the
    knots;
  - scipy.interpolate.make_smoothing_spline with fixed lam and with lam=None (GCV): its values on
    the grid; the exact values at the knots for the fixed lam (Reinsch's linear system solved in
    60-digit arithmetic with mpmath); and the lam scipy's GCV search chose (read by wrapping scipy's internal
    _compute_optimal_gcv_parameter, which make_smoothing_spline calls and does not return);
  - numpy.polynomial.Chebyshev.fit(x, y, deg).coef (x mapped from [min x, max x] to [-1, 1]) for
    two degrees, and the k-fold cross-validated RMSE per degree with uniapprox's folds (the
    samples sorted by x, row i of the sorted order in fold i mod k; each fold's fit by
    Chebyshev.fit on the other folds with domain=[min x, max x] of all the samples);
  - NIST StRD Gauss1 (Rust, B., NIST 1996; https://www.itl.nist.gov/div898/strd/nls/data/gauss1.shtml):
    250 observations, the certified parameters b1..b8 and the certified residual sum of squares
    1.3158222432E+03. Public NIST data; the copy in tests/data is what the tests read.

Run from the repository root: /usr/bin/python3 tests/gen/fitters_ref.py [DIR_WITH_Gauss1.dat]
(default: $NIST_STRD, else ../shared/data/nist-strd beside the repository).
Tested with scipy 1.10.1, numpy 1.24.2.
"""
import os
import sys

import numpy as np
import scipy
import scipy.interpolate as si
import scipy.interpolate._bsplines as bsp
from numpy.polynomial import Chebyshev

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data")

out = []


def arr(name, v, ctype="double"):
    v = np.asarray(v, dtype=float).ravel()
    out.append(f"static const {ctype} {name}[{len(v)}] = {{")
    for i in range(0, len(v), 4):
        out.append("    " + " ".join(float(t).hex() + "," for t in v[i:i + 4]))
    out.append("};")


def num(name, v):
    out.append(f"static const double {name} = {float(v).hex()}; /* {float(v)!r} */")


def grid_of(x):
    """101 uniform points on [min x, max x] and the knots, sorted."""
    g = np.concatenate([np.linspace(x[0], x[-1], 101), x])
    return np.unique(g)


# ---- PCHIP and Akima ---------------------------------------------------------------------------
INTERP = {
    # flat runs, sign changes, uneven spacing
    "shape": ([0.0, 0.5, 1.3, 2.0, 2.2, 3.5, 4.1, 5.0, 6.4, 7.0, 8.5],
              [1.0, 1.5, 1.5, 0.8, -0.3, -0.3, 0.9, 2.6, 2.7, 1.1, 0.2]),
    # monotone steps (PCHIP keeps it monotone)
    "mono": ([0.0, 1.0, 1.5, 3.0, 3.2, 4.0, 6.0, 6.5, 9.0, 10.0],
             [0.0, 0.1, 0.1, 2.0, 2.05, 5.0, 5.0, 5.5, 9.0, 9.01]),
    # the end condition's two branches: d of the wrong sign (set to 0) and |d| > 3 |m0| (3 m0)
    "ends": ([1.0, 1.1, 3.0, 3.5, 3.6, 6.0], [0.0, 2.0, 1.9, -4.0, 3.0, 3.1]),
    # Akima's undefined slope (equal slopes on both sides of a knot, pairwise): scipy's fill
    "fill": ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [0.0, 1.0, 2.0, 2.0, 2.0, 2.0]),
    "three": ([-1.0, 0.25, 2.0], [3.0, -1.0, 0.5]),
    "two": ([2.0, 5.0], [1.0, -2.0]),
}
out.append("/* Written by tests/gen/fitters_ref.py (scipy %s, numpy %s). Do not edit. */"
           % (scipy.__version__, np.__version__))
out.append("#include <stddef.h>")
out.append("")
for name, (x, y) in INTERP.items():
    x = np.array(x)
    y = np.array(y)
    g = grid_of(x)
    arr(f"{name}_x", x)
    arr(f"{name}_y", y)
    arr(f"{name}_grid", g)
    arr(f"{name}_pchip", si.PchipInterpolator(x, y)(g))
    if len(x) >= 3:
        arr(f"{name}_akima", si.Akima1DInterpolator(x, y)(g))
    out.append("")

# ---- smoothing splines -------------------------------------------------------------------------
chosen = []
_orig_gcv = bsp._compute_optimal_gcv_parameter


def _recording_gcv(*a, **k):
    lam = _orig_gcv(*a, **k)
    chosen.append(lam)
    return lam


bsp._compute_optimal_gcv_parameter = _recording_gcv

rng = np.random.default_rng(20260312)
n = 40
xs = np.sort(rng.uniform(0.0, 4.0, n))
ys = np.sin(2.0 * xs) + 0.5 * xs + 0.2 * rng.standard_normal(n)
gs = grid_of(xs)
arr("smooth_x", xs)
arr("smooth_y", ys)
arr("smooth_grid", gs)
for tag, lam in (("lam1", 1e-3), ("lam2", 0.1), ("lam3", 10.0)):
    num(f"smooth_{tag}", lam)
    arr(f"smooth_{tag}_values", si.make_smoothing_spline(xs, ys, lam=lam)(gs))
# the exact solution at the knots for each lam (Reinsch's system in 60-digit arithmetic, mpmath):
# which of scipy and uniapprox is nearer the truth
from mpmath import lu_solve, matrix, mp, mpf

mp.dps = 60


def reinsch_exact(x, y, lam):
    X, Y, L = [mpf(float(v)) for v in x], matrix([mpf(float(v)) for v in y]), mpf(lam)
    h = [X[i + 1] - X[i] for i in range(len(X) - 1)]
    m = len(X) - 2
    Q, R = matrix(len(X), m), matrix(m, m)
    for j in range(m):
        Q[j, j], Q[j + 1, j], Q[j + 2, j] = 1 / h[j], -1 / h[j] - 1 / h[j + 1], 1 / h[j + 1]
        R[j, j] = (h[j] + h[j + 1]) / 3
        if j + 1 < m:
            R[j, j + 1] = R[j + 1, j] = h[j + 1] / 6
    g = Y - L * Q * lu_solve(R + L * Q.T * Q, Q.T * Y)
    return [float(g[i]) for i in range(len(X))]


for tag, lam in (("lam1", 1e-3), ("lam2", 0.1), ("lam3", 10.0)):
    arr(f"smooth_{tag}_exact", reinsch_exact(xs, ys, lam))
chosen.clear()
s = si.make_smoothing_spline(xs, ys)
assert len(chosen) == 1
num("smooth_gcv_lam", chosen[0])
arr("smooth_gcv_values", s(gs))
out.append("")

# ---- Chebyshev least squares -------------------------------------------------------------------
n = 50
xc = rng.uniform(-2.0, 3.0, n)  # unsorted on purpose
yc = np.exp(xc / 2) * np.sin(3 * xc) + 0.05 * rng.standard_normal(n)
arr("cheb_x", xc)
arr("cheb_y", yc)
for deg in (4, 10):
    arr(f"cheb_coef{deg}", Chebyshev.fit(xc, yc, deg).coef)
K, MAXDEG = 5, 20
order = np.argsort(xc, kind="stable")
xsrt, ysrt = xc[order], yc[order]
dom = [xsrt[0], xsrt[-1]]
cv = []
for deg in range(MAXDEG + 1):
    se = 0.0
    for f in range(K):
        test = np.arange(n) % K == f
        p = Chebyshev.fit(xsrt[~test], ysrt[~test], deg, domain=dom)
        se += np.sum((p(xsrt[test]) - ysrt[test]) ** 2)
    cv.append(np.sqrt(se / n))
out.append(f"enum {{ CHEB_CV_FOLDS = {K}, CHEB_CV_MAXDEG = {MAXDEG} }};")
arr("cheb_cv_rmse", cv)
out.append("")

# ---- NIST StRD Gauss1 --------------------------------------------------------------------------
nist = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    "NIST_STRD", os.path.join(HERE, "..", "..", "..", "shared", "data", "nist-strd"))
with open(os.path.join(nist, "Gauss1.dat")) as fh:
    lines = fh.read().splitlines()
data = np.array([[float(t) for t in ln.split()] for ln in lines[60:310]])  # y, x
certified = [float(lines[40 + i].split()[-2]) for i in range(8)]
rss = float(lines[49].split()[-1])
assert data.shape == (250, 2) and abs(rss - 1.3158222432e3) < 1e-6, (data.shape, rss)
out.append("/* NIST StRD Gauss1 (Rust, B., NIST 1996): 250 observations, certified b1..b8 and RSS */")
arr("gauss1_x", data[:, 1])
arr("gauss1_y", data[:, 0])
arr("gauss1_b", certified)
num("gauss1_rss", rss)
with open(os.path.join(OUT, "fitters_gauss1.csv"), "w") as fh:
    fh.write("x,y\n")
    for yv, xv in data:
        fh.write(f"{xv!r},{yv!r}\n")

with open(os.path.join(OUT, "fitters_ref.h"), "w") as fh:
    fh.write("\n".join(out) + "\n")
print("wrote", os.path.join(OUT, "fitters_ref.h"), "and fitters_gauss1.csv; GCV lam",
      chosen[0])
