#!/usr/bin/python3
"""Reference values for tests/test_target.c, computed with mpmath (independent of MPFR and libm).

Writes tests/ref/target_ref.csv with columns
    name, expr, x, y, ref
name   the function (or built-in) the row checks; the test looks its tolerance up by name
expr   the expression handed to ua_target_parse, with variables x (and y for 2-argument rows)
x, y   the arguments, printed with repr() so that they read back as the same doubles
       (y is empty for 1-argument rows); mpmath evaluates at those exact binary values
ref    the exact function value at (x, y), to 45 significant digits

Run:  /usr/bin/python3 tests/gen/target_ref.py      (python3-mpmath, any version >= 1.0)
"""
import csv
import os

import mpmath as mp

mp.mp.dps = 80  # 80 digits of working precision; every value below is well conditioned at it

# (name, mpmath function, list of arguments). Awkward points on purpose: tiny arguments where
# naive formulas cancel (expm1, log1p, asinh, tanh near 0), values near zeros of Bessel
# functions, the overflow edge of tgamma, tails of erfc, negative arguments of the gammas.
ONE = [
    ("exp", mp.exp, [1.0, 0.5, -700.0, 700.0, 1e-10]),
    ("expm1", mp.expm1, [1e-10, -0.5, 3.0, -40.0]),
    ("log", mp.log, [2.0, 0.5, 1e-300, 1.0000001, 1e300]),
    ("log1p", mp.log1p, [-0.5, 1e-10, 3.0, -0.9999]),
    ("log2", lambda v: mp.log(v, 2), [3.0, 1e-5, 1024.5]),
    ("log10", mp.log10, [2.0, 1e-7, 12345.678]),
    ("sqrt", mp.sqrt, [2.0, 1e-300, 3.5]),
    ("cbrt", lambda v: mp.sign(v) * mp.cbrt(abs(v)), [  # real cube root
        2.0, -27.5, 1e-300]),
    ("sin", mp.sin, [1.0, 1e-8, 100.0, 3.141592653589793, 1e6]),
    ("cos", mp.cos, [1.0, 1.5707963267948966, 100.0]),
    ("tan", mp.tan, [1.0, 1.5707963267948966, 0.1]),
    ("asin", mp.asin, [0.5, -0.999, 1e-10]),
    ("acos", mp.acos, [0.5, -0.999, 0.999999]),
    ("atan", mp.atan, [1.0, 1e10, -0.3]),
    ("sinh", mp.sinh, [1.0, 1e-10, 700.0, -3.0]),
    ("cosh", mp.cosh, [1.0, 700.0, 1e-5]),
    ("tanh", mp.tanh, [0.5, 1e-10, 20.0, -3.0]),
    ("asinh", mp.asinh, [1.0, 1e-10, 1e10, -2.0]),
    ("acosh", mp.acosh, [1.0000001, 2.0, 1e10]),
    ("atanh", mp.atanh, [0.999, 1e-10, -0.5]),
    ("erf", mp.erf, [0.5, 1e-10, 3.0, -1.0]),
    ("erfc", mp.erfc, [10.0, 0.5, -2.0, 26.0]),
    ("tgamma", mp.gamma, [0.5, 5.0, 170.5, -2.5, 1e-5]),
    # log|Gamma|, as C's lgamma; mpmath.loggamma is the complex log-gamma, so not used here.
    ("lgamma", lambda v: mp.log(abs(mp.gamma(v))), [0.5, -2.5, 1e5, 3.0, 1e-5]),
    ("j0", lambda v: mp.besselj(0, v), [1.0, 10.0, 0.1, 100.0, 2.404825557695773]),
    ("j1", lambda v: mp.besselj(1, v), [1.0, 50.0, 3.8317059702075125]),
    ("y0", lambda v: mp.bessely(0, v), [0.1, 10.0, 0.8935769662791675]),
    ("y1", lambda v: mp.bessely(1, v), [1.0, 30.0, 2.197141326031017]),
    ("abs", mp.fabs, [-3.5, 2.25]),
    ("sign", mp.sign, [-2.0, 7.5]),
]

TWO = [
    ("atan2", lambda a, b: mp.atan2(a, b), [(1.0, 1.0), (-1.0, -1.0), (1e-300, 1.0), (3.0, -0.5)]),
    ("min", lambda a, b: min(a, b), [(2.0, -3.0), (0.25, 0.5)]),
    ("max", lambda a, b: max(a, b), [(2.0, -3.0), (0.25, 0.5)]),
    ("pow", mp.power, [(2.0, 0.5), (1.0000001, 1e7), (10.0, -300.0), (-2.0, 3.0)]),
    ("hypot", mp.hypot, [(3.0, 4.0), (1e300, 1e300), (1e-300, 2e-300), (1.0, 1e-10)]),
]

# Expressions whose value depends on decimal literals and constants (the MPFR evaluator reads
# "0.1" as exactly 1/10, the double evaluator as the nearest double).
EXPRS = [
    ("expr", "0.1*x", mp.mpf(1) / 10 * 3, 3.0),
    ("expr", "x^2 - 2", mp.mpf(3) ** 2 - 2, 3.0),
    ("expr", "exp(-x^2/2)/sqrt(2*pi)", mp.exp(-mp.mpf(1.5) ** 2 / 2) / mp.sqrt(2 * mp.pi), 1.5),
    ("expr", "e^x", mp.exp(mp.mpf(0.7)), 0.7),
    ("expr", "2^3^x - 1e-3", mp.mpf(2) ** 9 - mp.mpf(1) / 1000, 2.0),
    ("expr", "-x^2 + pi", -mp.mpf(0.25) + mp.pi, 0.5),
    ("expr", "1/(1+25*x^2)", 1 / (1 + 25 * mp.mpf(0.3) ** 2), 0.3),
]


def nfw_sigma(x):
    """The NFW projected surface density (Navarro, Frenk & White 1996; docs/spline.md), written
    from the closed forms (the artanh form for X < 1), at a working precision large enough for
    the cancellation near X = 1 and for 1 - X at tiny X."""
    with mp.workdps(800):
        X = mp.mpf(x)
        if X == 1:
            return mp.mpf(2) / 3
        u = X * X - 1
        if X > 1:
            s = mp.sqrt(u)
            return 2 / u * (1 - mp.atan(s) / s)
        return 2 / u * (1 - 2 * mp.atanh(mp.sqrt((1 - X) / (1 + X))) / mp.sqrt(1 - X * X))


NFW_X = [1.0, 1 - 1e-8, 1 + 1e-8, 1 - 1e-3, 1 + 1e-3, 1 - 1e-5, 1 + 1e-5, 0.5, 2.0, 1e-4, 1e4,
         0.9, 1.1, 0.93, 0.94, 1.06, 1.07, 0.7, 1.5, 3.0, 0.01, 100.0, 1e-300, 1e100,
         1 - 2.0 ** -52, 1 + 2.0 ** -51, 1 - 2.0 ** -30, 1 + 2.0 ** -30]


def fmt(v):
    assert isinstance(v, mp.mpf), v  # a complex value means a wrong branch above
    return mp.nstr(v, 45, min_fixed=1, max_fixed=0) if v != 0 else "0"


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ref", "target_ref.csv")
    rows = []
    for name, f, xs in ONE:
        for x in xs:
            rows.append((name, f"{name}(x)", repr(x), "", fmt(f(mp.mpf(x)))))
    for name, f, xys in TWO:
        for x, y in xys:
            rows.append((name, f"{name}(x, y)", repr(x), repr(y), fmt(f(mp.mpf(x), mp.mpf(y)))))
    for name, expr, v, x in EXPRS:
        rows.append((name, expr, repr(x), "", fmt(v)))
    for x in NFW_X:
        rows.append(("nfw-sigma", "nfw-sigma", repr(x), "", fmt(nfw_sigma(x))))
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "expr", "x", "y", "ref"])
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
