#!/usr/bin/python3
"""Fits from 1-D samples, uniapprox against scipy / numpy on the same data, in one run.

usage: fitters_vs_scipy.py FITTERS_TIME_BINARY GAUSS1_CSV [ROUNDS]   (bench/fitters_vs_scipy.sh)

For each case both sides fit the same samples; the time of each side is the median over ROUNDS
rounds that alternate uniapprox and scipy (each round: one warm-up fit, then the median of 3
fits; uniapprox's inside bench/fitters_time.c through ua_fit, scipy's with time.perf_counter in
this process). Printed per case: the two median times and their ratio (scipy / uniapprox: > 1
means uniapprox is faster), the error of each against the noiseless function (max |fit - f| /
max |f| for interpolants of exact samples, RMS(fit - f) / RMS(f) for noisy samples; on Gauss1,
against NIST's certified model) and their ratio (uniapprox / scipy), and how far apart the two
fits are (max |uniapprox - scipy| / max |scipy| on the grid).

  pchip       scipy.interpolate.PchipInterpolator      spline --method pchip
  akima       scipy.interpolate.Akima1DInterpolator    spline --method akima
  smoothing   scipy.interpolate.make_smoothing_spline  spline --method smoothing (lam by GCV)
  lsq         numpy.polynomial.Chebyshev.fit           cheb --degree N
  lsq-cv      Chebyshev.fit in a 5-fold CV loop        cheb --degree cv (degrees 0..20)
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy
import scipy.interpolate as si
from numpy.polynomial import Chebyshev

BIN, GAUSS1 = sys.argv[1], sys.argv[2]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
TMP = tempfile.mkdtemp()


def f_smooth(x):
    return np.sin(3 * x) + 0.5 * np.cos(7 * x) + 0.3 * x


def gauss1_model(x):
    b = [9.8778210871e01, 1.0497276517e-02, 1.0048990633e02, 6.7481111276e01, 2.3129773360e01,
         7.1994503004e01, 1.7899805021e02, 1.8389389025e01]
    return (b[0] * np.exp(-b[1] * x) + b[2] * np.exp(-((x - b[3]) ** 2) / b[4] ** 2)
            + b[5] * np.exp(-((x - b[6]) ** 2) / b[7] ** 2))


def cv_degree(x, y, folds=5, maxdeg=20):
    """numpy's side of --degree cv: uniapprox's folds (x order, sample i in fold i mod k)."""
    o = np.argsort(x, kind="stable")
    xs, ys = x[o], y[o]
    dom = [xs[0], xs[-1]]
    idx = np.arange(len(xs)) % folds
    best, best_rmse = 0, np.inf
    for d in range(maxdeg + 1):
        se = 0.0
        for f in range(folds):
            p = Chebyshev.fit(xs[idx != f], ys[idx != f], d, domain=dom)
            se += np.sum((p(xs[idx == f]) - ys[idx == f]) ** 2)
        r = np.sqrt(se / len(xs))
        if r < best_rmse:
            best, best_rmse = d, r
    return Chebyshev.fit(x, y, best)


SCIPY = {
    "pchip": lambda x, y: si.PchipInterpolator(np.sort(x), y[np.argsort(x)]),
    "akima": lambda x, y: si.Akima1DInterpolator(np.sort(x), y[np.argsort(x)]),
    "smoothing": lambda x, y: si.make_smoothing_spline(np.sort(x), y[np.argsort(x)]),
    "lsq": lambda x, y: Chebyshev.fit(x, y, 20),
    "lsq-cv": cv_degree,
}
UA = {
    "pchip": ["spline", "method", "pchip"],
    "akima": ["spline", "method", "akima"],
    "smoothing": ["spline", "method", "smoothing"],
    "lsq": ["cheb", "degree", "20"],
    "lsq-cv": ["cheb", "degree", "cv"],
}


def time_scipy(kind, x, y):
    SCIPY[kind](x, y)  # warm-up
    ts = []
    for _ in range(3):
        t0 = time.perf_counter()
        fit = SCIPY[kind](x, y)
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts)), fit


def time_ua(kind, data, grid_file, out_file):
    r = subprocess.run([BIN, data, grid_file, out_file, "3"] + UA[kind], capture_output=True,
                       text=True, check=True)
    return float(r.stdout.split()[1])


def case(label, kind, x, y, truth, noisy):
    data = os.path.join(TMP, "d.csv")
    with open(data, "w") as fh:
        fh.write("x,y\n")
        for a, b in zip(x, y):
            fh.write(f"{a!r},{b!r}\n")
    grid = np.linspace(x.min(), x.max(), 20001)
    grid_file, out_file = os.path.join(TMP, "g.txt"), os.path.join(TMP, "o.txt")
    np.savetxt(grid_file, grid, fmt="%.17g")
    t_ua, t_sp = [], []
    failed = None
    for _ in range(ROUNDS):
        t_ua.append(time_ua(kind, data, grid_file, out_file))
        if failed:
            continue
        try:
            t, fit = time_scipy(kind, x, y)
            t_sp.append(t)
        except (ValueError, np.linalg.LinAlgError) as e:
            failed = f"{type(e).__name__}: {e}"
    ua_vals = np.loadtxt(out_file)
    f = truth(grid)
    if noisy:
        err = lambda v: np.sqrt(np.mean((v - f) ** 2)) / np.sqrt(np.mean(f ** 2))
    else:
        err = lambda v: np.max(np.abs(v - f)) / np.max(np.abs(f))
    e_ua = err(ua_vals)
    if failed:
        print(f"{label:<34} {len(x):>7} {np.median(t_ua) * 1e3:>10.3f} {'-':>10} {'-':>7} "
              f"{e_ua:>10.3g} {'-':>10} {'-':>7} {'-':>9}  scipy: {failed}", flush=True)
        return
    sp_vals = fit(grid)
    e_sp = err(sp_vals)
    apart = np.max(np.abs(ua_vals - sp_vals)) / np.max(np.abs(sp_vals))
    mu, ms = np.median(t_ua), np.median(t_sp)
    print(f"{label:<34} {len(x):>7} {mu * 1e3:>10.3f} {ms * 1e3:>10.3f} {ms / mu:>7.2f} "
          f"{e_ua:>10.3g} {e_sp:>10.3g} {e_ua / e_sp:>7.3f} {apart:>9.2g}", flush=True)


print(f"scipy {scipy.__version__}, numpy {np.__version__}; medians of {ROUNDS} alternating rounds")
print(f"{'case':<34} {'n':>7} {'ua ms':>10} {'scipy ms':>10} {'speedup':>7} "
      f"{'ua err':>10} {'scipy err':>10} {'err rat':>7} {'apart':>9}")
rng = np.random.default_rng(7)
g1 = np.loadtxt(GAUSS1, delimiter=",", skiprows=1)
for n in (1000, 100000):
    x = np.sort(rng.uniform(-2, 2, n))
    for kind in ("pchip", "akima"):
        case(f"{kind}, exact samples of f", kind, x, f_smooth(x), f_smooth, False)
case("smoothing, Gauss1 (NIST model)", "smoothing", g1[:, 0], g1[:, 1], gauss1_model, True)
for n in (1000, 10000):
    x = np.sort(rng.uniform(-2, 2, n))
    y = f_smooth(x) + 0.1 * rng.standard_normal(n)
    case("smoothing, f + noise 0.1", "smoothing", x, y, f_smooth, True)
for n in (1000, 100000):
    x = rng.uniform(-2, 2, n)
    y = f_smooth(x) + 0.1 * rng.standard_normal(n)
    case("lsq degree 20, f + noise 0.1", "lsq", x, y, f_smooth, True)
x = rng.uniform(-2, 2, 2000)
y = f_smooth(x) + 0.1 * rng.standard_normal(2000)
case("lsq 5-fold CV degree, f + noise", "lsq-cv", x, y, f_smooth, True)
case("lsq 5-fold CV degree, Gauss1", "lsq-cv", g1[:, 0], g1[:, 1], gauss1_model, True)
print("speedup = scipy time / uniapprox time; err rat = uniapprox error / scipy error;")
print("apart = max |uniapprox - scipy| / max |scipy| on 20001 points.")
