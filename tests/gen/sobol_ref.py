#!/usr/bin/python3
"""Reference Sobol points for tests/test_qmc.c, from scipy.stats.qmc.Sobol (scramble=False),
which uses Joe & Kuo's new-joe-kuo-6.21201 direction numbers in Gray-code order.

Writes tests/ref/sobol_ref.txt: blocks of points, each introduced by a line
    # d n skip bits
followed by n lines of d coordinates (repr(): they read back as the same doubles; every
coordinate is k / 2^bits, exact in double). The blocks:
    d = 64, the first 256 points (scipy's default 30 bits);
    d = 64, 16 points from index 2^20 + 3, 30 bits (scipy's fast_forward);
    d = 64, 16 points from index 2^30 + 5, 52 bits;
    d = 5,  8 points from index 2^31 - 3, 52 bits: the direction numbers beyond the 30th,
            which carry the low bits.
scipy 1.10's fast_forward fails for bits > 32 (a Cython dtype mismatch), so the 52-bit blocks
start the engine at point skip - 1 by hand (the XOR of scipy's direction numbers over the Gray
code of skip - 1, which is what fast_forward computes) and let scipy draw the points from there;
the script checks that construction against fast_forward at 30 bits first.

Run:  /usr/bin/python3 tests/gen/sobol_ref.py      (python3-scipy >= 1.7; generating only)
"""
import os

import numpy as np
from scipy.stats import qmc


def engine_at(d, skip, bits):
    """An unscrambled engine whose next point is point `skip`."""
    s = qmc.Sobol(d, scramble=False, bits=bits)
    if skip == 0:
        return s
    g = (skip - 1) ^ ((skip - 1) >> 1)
    q = np.zeros(d, dtype=s._quasi.dtype)
    k = 0
    while g:
        if g & 1:
            q ^= s._sv[:, k]
        g >>= 1
        k += 1
    s._quasi = q
    s.num_generated = skip
    return s


# the hand-made start equals scipy's own fast_forward where that works
a = qmc.Sobol(64, scramble=False, bits=30).fast_forward(2**20 + 3).random(16)
b = engine_at(64, 2**20 + 3, 30).random(16)
assert np.array_equal(a, b)

BLOCKS = [(64, 256, 0, 30), (64, 16, 2**20 + 3, 30), (64, 16, 2**30 + 5, 52), (5, 8, 2**31 - 3, 52)]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ref", "sobol_ref.txt")
with open(out, "w") as f:
    for d, n, skip, bits in BLOCKS:
        pts = engine_at(d, skip, bits).random(n)
        f.write("# %d %d %d %d\n" % (d, n, skip, bits))
        for row in pts:
            f.write(" ".join(repr(float(v)) for v in row) + "\n")
