"""Baselines of the evolve family's real-number table (bench/evolve_table.sh): the relative error
over the reals (mpmath, 40 digits, 20001 equispaced points) of Taylor polynomials and Pade
approximants of 2^x on [0, 1], about 0 and about 1/2, with their operation counts (Horner for
polynomials: one mul and one add per degree; a rational: both Horner sums and one division; a
shift x - 1/2 costs one subtraction). Prints one line per approximation:
    name ops max_rel_err
"""
import mpmath as mp

mp.mp.dps = 40
LN2 = mp.log(2)
XS = [mp.mpf(i) / 20000 for i in range(20001)]


def err(fn):
    return max(abs(fn(x) / mp.power(2, x) - 1) for x in XS)


def taylor(deg, c):
    # 2^x = 2^c * sum (ln2 (x - c))^k / k!
    co = [mp.power(2, c) * LN2 ** k / mp.factorial(k) for k in range(deg + 1)]
    return lambda x: mp.polyval(co[::-1], x - c)


def pade(m, n, c):
    co = [mp.power(2, c) * LN2 ** k / mp.factorial(k) for k in range(m + n + 1)]
    p, q = mp.pade(co, m, n)
    return lambda x: mp.polyval(p[::-1], x - c) / mp.polyval(q[::-1], x - c)


rows = []
for deg in (4, 5):
    rows.append(("taylor%d@0" % deg, 2 * deg, err(taylor(deg, 0))))
    rows.append(("taylor%d@0.5" % deg, 2 * deg + 1, err(taylor(deg, mp.mpf(1) / 2))))
for m, n in ((2, 2), (3, 2)):
    ops = 2 * m + 2 * n + 1
    rows.append(("pade%d/%d@0" % (m, n), ops, err(pade(m, n, 0))))
    rows.append(("pade%d/%d@0.5" % (m, n), ops + 1, err(pade(m, n, mp.mpf(1) / 2))))
for name, ops, e in rows:
    print(name, ops, mp.nstr(e, 6))
