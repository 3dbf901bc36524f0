#!/usr/bin/python3
"""AutoKnots (uniapprox fit --family spline) against scipy's make_interp_spline on a uniform grid.

For each target and tolerance: uniapprox places its knots adaptively; scipy interpolates (cubic,
not-a-knot, the same kind of spline) on a uniform grid (uniform in ln X for nfw-sigma, like the
AutoKnots spline in ln X) with the fewest points that reach the same max relative error. Both
errors are measured on the same check grid against the same mpmath reference (40 digits), so the
comparison is like for like. Printed as ratios, uniapprox / scipy:
  knots ratio  knots AutoKnots placed / points the uniform grid needs
  time ratio   AutoKnots construction (fit_seconds, best of 3: every evaluation of the parsed
               target in C plus the rebuilds) / scipy's (numpy-vectorised samples of the same
               function plus make_interp_spline, best of 5)
usage: bench/spline_vs_scipy.py UNIAPPROX_BINARY
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

try:
    import mpmath
    import numpy as np
    from scipy.interpolate import make_interp_spline
except ImportError as e:  # make bench installs them (UA_BENCH_DEPS=1 scripts/install-deps)
    print("spline_vs_scipy: skipped, %s (install python3-scipy and python3-mpmath)" % e)
    sys.exit(0)

mpmath.mp.dps = 40
NCHECK = 20000


def nfw_np(X):
    """Sigma_hat(X) in numpy double (uniapprox's nfw-sigma formulas; the series near X = 1)."""
    X = np.asarray(X, dtype=float)
    u = (X - 1.0) * (X + 1.0)
    out = np.empty_like(X)
    near = np.abs(u) <= 0.125
    v = -u[near]
    s = np.zeros_like(v)
    for k in range(23, -1, -1):
        s = s * v + 1.0 / (2 * k + 3)
    out[near] = 2.0 * s
    hi = (~near) & (u > 0)
    r = np.sqrt(u[hi])
    out[hi] = 2.0 / u[hi] * (1.0 - np.arctan(r) / r)
    lo = (~near) & (u < 0)
    w = np.sqrt(-u[lo])
    out[lo] = 2.0 / u[lo] * (1.0 - (np.log1p(w) - np.log(X[lo])) / w)
    return out


def nfw_mp(x):
    X = mpmath.mpf(x)
    if X == 1:
        return mpmath.mpf(2) / 3
    u = X * X - 1
    if X > 1:
        s = mpmath.sqrt(u)
        return 2 / u * (1 - mpmath.atan(s) / s)
    w = mpmath.sqrt(-u)
    return 2 / u * (1 - mpmath.acosh(1 / X) / w)


def runge_np(x):
    return 1.0 / (1.0 + 25.0 * np.asarray(x) ** 2)


def runge_mp(x):
    x = mpmath.mpf(x)
    return 1 / (1 + 25 * x * x)


# name, uniapprox spec, domain, log grid, numpy function, mpmath function, rtols
TARGETS = [
    ("nfw-sigma, ln X in [1e-4, 1e4]", "nfw-sigma", (1e-4, 1e4), True, nfw_np, nfw_mp,
     [1e-4, 1e-6, 1e-8]),
    ("1/(1+25x^2), x in [-1, 1]", "1/(1+25*x^2)", (-1.0, 1.0), False, runge_np, runge_mp,
     [1e-4, 1e-6, 1e-8]),
]


def check_grid(a, b, log):
    g = np.exp(np.linspace(math.log(a), math.log(b), NCHECK)) if log else np.linspace(a, b, NCHECK)
    g[0], g[-1] = a, b  # exp(ln a) may fall outside the domain, where the models are NaN
    return g


def max_rel(approx, ref):
    e = np.abs(approx - ref) / np.abs(ref)
    if not np.all(np.isfinite(e)):
        sys.exit("spline_vs_scipy: an approximation is not finite on the check grid")
    return float(np.max(e))


def scipy_spline(f, a, b, log, n):
    if log:
        t = np.linspace(math.log(a), math.log(b), n)
        x = np.exp(t)
        x[0], x[-1] = a, b
    else:
        t = np.linspace(a, b, n)
        x = t
    return make_interp_spline(t, f(x), k=3)


def scipy_error(f, a, b, log, n, grid, ref):
    s = scipy_spline(f, a, b, log, n)
    return max_rel(s(np.log(grid) if log else grid), ref)


def scipy_time(f, a, b, log, n):
    best = math.inf
    for _ in range(5):
        t0 = time.perf_counter()
        scipy_spline(f, a, b, log, n)
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    ua = sys.argv[1]
    work = tempfile.mkdtemp()
    model = os.path.join(work, "m.safetensors")
    print("%-32s %7s %8s %8s %9s %10s %10s %8s" % (
        "target", "rtol", "AK knots", "uniform", "knots", "AK ms", "scipy ms", "time"))
    print("%-32s %7s %8s %8s %9s %10s %10s %8s" % (
        "", "", "", "points", "ratio", "", "", "ratio"))
    for name, spec, (a, b), log, fnp, fmp, rtols in TARGETS:
        grid = check_grid(a, b, log)
        ref = np.array([float(fmp(x)) for x in grid])
        for rtol in rtols:
            fit_s = math.inf
            for _ in range(3):
                cmd = [ua, "fit", spec, "--family", "spline", "--domain", "%r:%r" % (a, b),
                       "--rtol", repr(rtol), "--check-points", "2", "-o", model, "--json"]
                if log:
                    cmd += ["--map", "log"]
                out = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                                text=True).stdout)
                fit_s = min(fit_s, out["fit_seconds"])
            knots = int(out["knots"])
            ev = subprocess.run([ua, "eval", model], input="\n".join(repr(float(x)) for x in grid),
                                check=True, capture_output=True, text=True).stdout.split()
            err = max_rel(np.array([float(v) for v in ev]), ref)
            # the fewest uniform points reaching err: grow, then bisect
            lo, hi = 4, 8
            while scipy_error(fnp, a, b, log, hi, grid, ref) > err:
                lo, hi = hi, hi * 2
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if scipy_error(fnp, a, b, log, mid, grid, ref) <= err:
                    hi = mid
                else:
                    lo = mid
            st = scipy_time(fnp, a, b, log, hi)
            print("%-32s %7.0e %8d %8d %9.2f %10.3f %10.3f %8.2f" % (
                name, rtol, knots, hi, knots / hi, 1e3 * fit_s, 1e3 * st, fit_s / st))
            sys.stdout.flush()
    os.remove(model)
    os.rmdir(work)
    print()
    print("max relative error of both measured on %d points (uniform, or uniform in ln X) against"
          " mpmath at 40 digits;" % NCHECK)
    print("knots ratio = AutoKnots knots / uniform points for the same error (< 1: AutoKnots needs"
          " fewer);")
    print("time ratio = AutoKnots construction / scipy construction (> 1: scipy is faster; scipy"
          " samples the function vectorised in numpy, AutoKnots evaluates the parsed expression"
          " one point at a time).")


if __name__ == "__main__":
    main()
