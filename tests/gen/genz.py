#!/usr/bin/python3
"""The six Genz test functions on [0,1]^d as uniapprox formulas, with their integrals.

Genz, "A package for testing multiple integration subroutines", in Numerical Integration
(P. Keast, G. Fairweather, eds.), Reidel 1987, and "Testing multidimensional integration
routines", in Tools, Methods and Languages for Scientific and Engineering Computation,
North-Holland 1984; the same families are the test set of Klimke's sparse grid toolbox
spinterp (Klimke and Wohlmuth, ACM TOMS 31, 2005):

    1 oscillatory     cos(2 pi w1 + sum c_i x_i)
    2 product peak    prod 1 / (c_i^-2 + (x_i - w_i)^2)
    3 corner peak     (1 + sum c_i x_i)^-(d+1)
    4 gaussian        exp(-sum c_i^2 (x_i - w_i)^2)
    5 continuous      exp(-sum c_i |x_i - w_i|)
    6 discontinuous   0 where x1 > w1 or x2 > w2 (x1 > w1 alone in d = 1), else exp(sum c_i x_i)

The parameters are random but fixed: for family j and dimension d, c_i and w_i are drawn uniform
on [0,1) from numpy's PCG64 seeded with (SEED, j, d), and c is scaled so that sum c_i = b_j with
b = (1.5, d, 1.85, 7.03, 20.4, 4.3). Every parameter is written with 17 significant digits, and
the integrals are computed (mpmath, 40 digits) from those decimal values, so that they are the
integrals of the formulas exactly as written (uniapprox's MPFR reference reads a literal's exact
decimal value). Closed forms over [0,1]^d, each a product of 1-D integrals except the corner peak:

    oscillatory    Re[ exp(2 pi i w1) prod (exp(i c_j) - 1) / (i c_j) ]
    product peak   prod c_j (atan(c_j (1 - w_j)) + atan(c_j w_j))
    corner peak    1/(d! prod c_j) sum over a in {0,1}^d of (-1)^|a| / (1 + a.c)  (inclusion-exclusion)
    gaussian       prod sqrt(pi)/(2 c_j) (erf(c_j (1 - w_j)) + erf(c_j w_j))
    continuous     prod (2 - exp(-c_j w_j) - exp(-c_j (1 - w_j))) / c_j
    discontinuous  prod_{j<=2} (exp(c_j w_j) - 1)/c_j  prod_{j>2} (exp(c_j) - 1)/c_j

Usage: genz.py [--dims 2,3,4,6,8,10] [--seed 1984] [--out tests/data/genz.txt]
Writes one line per (family, d), tab-separated: family, d, integral (17 digits), formula in the
variables x1..xd. Importable: cases(dims, seed) returns the same rows as dicts (with the parameters and the
function as a C expression, c_expr, too).
"""
import argparse
import itertools
import sys

import mpmath
import numpy as np

SEED = 1984
FAMILIES = ["oscillatory", "product_peak", "corner_peak", "gaussian", "continuous",
            "discontinuous"]


def difficulty(j, d):
    """b_j: the sum of the c_i of family j (1-based) in dimension d."""
    return [1.5, float(d), 1.85, 7.03, 20.4, 4.3][j - 1]


def lit(v):
    """A parameter as a literal of 17 significant digits (reads back as the same double)."""
    return "%.17g" % v


def parameters(j, d, seed):
    """c (d,), w (d,) of family j in dimension d, as 17-digit strings."""
    rng = np.random.default_rng((seed, j, d))
    c = rng.random(d)
    w = rng.random(d)
    c = c * (difficulty(j, d) / c.sum())
    return [lit(v) for v in c], [lit(v) for v in w]


def formula(name, c, w):
    d = len(c)
    x = ["x%d" % (i + 1) for i in range(d)]
    if name == "oscillatory":
        return "cos(2*pi*%s+%s)" % (w[0], "+".join("%s*%s" % (c[i], x[i]) for i in range(d)))
    if name == "product_peak":
        return "*".join("1/(%s^-2+(%s-%s)^2)" % (c[i], x[i], w[i]) for i in range(d))
    if name == "corner_peak":
        return "(1+%s)^-%d" % ("+".join("%s*%s" % (c[i], x[i]) for i in range(d)), d + 1)
    if name == "gaussian":
        return "exp(-(%s))" % "+".join("%s^2*(%s-%s)^2" % (c[i], x[i], w[i]) for i in range(d))
    if name == "continuous":
        return "exp(-(%s))" % "+".join("%s*abs(%s-%s)" % (c[i], x[i], w[i]) for i in range(d))
    if name == "discontinuous":
        # 1 - max(0, sign(x - w)) is 1 for x <= w and 0 for x > w, exactly as Genz defines it
        gate = "*".join("(1-max(0,sign(%s-%s)))" % (x[i], w[i]) for i in range(min(d, 2)))
        return "%s*exp(%s)" % (gate, "+".join("%s*%s" % (c[i], x[i]) for i in range(d)))
    raise ValueError(name)


def c_expr(name, c, w):
    """The same function as a C99 expression in x[0] .. x[d-1] (for timing the target compiled in
    double against a model's exported code, bench/nd_eval_speed.c)."""
    d = len(c)
    x = ["x[%d]" % i for i in range(d)]
    lin = "+".join("%s*%s" % (c[i], x[i]) for i in range(d))
    if name == "oscillatory":
        return "cos(2*3.141592653589793238462643*%s+%s)" % (w[0], lin)
    if name == "product_peak":
        return "*".join("(1/(1/(%s*%s)+(%s-%s)*(%s-%s)))" % (c[i], c[i], x[i], w[i], x[i], w[i])
                        for i in range(d))
    if name == "corner_peak":
        return "pow(1+%s,-%d)" % (lin, d + 1)
    if name == "gaussian":
        return "exp(-(%s))" % "+".join("%s*%s*(%s-%s)*(%s-%s)" % (c[i], c[i], x[i], w[i], x[i],
                                                                  w[i]) for i in range(d))
    if name == "continuous":
        return "exp(-(%s))" % "+".join("%s*fabs(%s-%s)" % (c[i], x[i], w[i]) for i in range(d))
    if name == "discontinuous":
        gate = "&&".join("%s<=%s" % (x[i], w[i]) for i in range(min(d, 2)))
        return "((%s)?exp(%s):0.0)" % (gate, lin)
    raise ValueError(name)


def integral(name, cs, ws):
    """The integral over [0,1]^d of formula(name, cs, ws), from the decimal values."""
    c = [mpmath.mpf(v) for v in cs]
    w = [mpmath.mpf(v) for v in ws]
    d = len(c)
    if name == "oscillatory":
        z = mpmath.exp(2j * mpmath.pi * w[0])
        for cj in c:
            z *= (mpmath.exp(1j * cj) - 1) / (1j * cj)
        return mpmath.re(z)
    if name == "product_peak":
        return mpmath.fprod(cj * (mpmath.atan(cj * (1 - wj)) + mpmath.atan(cj * wj))
                            for cj, wj in zip(c, w))
    if name == "corner_peak":
        s = mpmath.mpf(0)
        for a in itertools.product((0, 1), repeat=d):
            s += (-1) ** sum(a) / (1 + mpmath.fsum(ai * cj for ai, cj in zip(a, c)))
        return s / (mpmath.factorial(d) * mpmath.fprod(c))
    if name == "gaussian":
        return mpmath.fprod(mpmath.sqrt(mpmath.pi) / (2 * cj)
                            * (mpmath.erf(cj * (1 - wj)) + mpmath.erf(cj * wj))
                            for cj, wj in zip(c, w))
    if name == "continuous":
        return mpmath.fprod((2 - mpmath.exp(-cj * wj) - mpmath.exp(-cj * (1 - wj))) / cj
                            for cj, wj in zip(c, w))
    if name == "discontinuous":
        return mpmath.fprod((mpmath.exp(cj * (wj if i < 2 else 1)) - 1) / cj
                            for i, (cj, wj) in enumerate(zip(c, w)))
    raise ValueError(name)


def cases(dims, seed=SEED):
    """Rows {family, d, integral, formula, c, w} for every family and every d in dims."""
    mpmath.mp.dps = 40
    rows = []
    for d in dims:
        for j, name in enumerate(FAMILIES, start=1):
            c, w = parameters(j, d, seed)
            rows.append({"family": name, "d": d, "integral": lit(float(integral(name, c, w))),
                         "formula": formula(name, c, w), "c_expr": c_expr(name, c, w),
                         "c": c, "w": w})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dims", default="2,3,4,6,8,10")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    dims = [int(v) for v in a.dims.split(",")]
    out = sys.stdout if a.out == "-" else open(a.out, "w")
    out.write("# Genz test functions on [0,1]^d (tests/gen/genz.py --dims %s --seed %d)\n"
              "# family\td\tintegral over [0,1]^d\tformula in x1..xd\n" % (a.dims, a.seed))
    for r in cases(dims, a.seed):
        out.write("%s\t%d\t%s\t%s\n" % (r["family"], r["d"], r["integral"], r["formula"]))
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
