"""The Python side of bench/python_overhead.sh: uniapprox.Model.predict on the same N points as
bench/python_overhead.c. usage: python_overhead.py MODEL N REPS [out|paired|fixed]
Prints the median of REPS calls in seconds; with "out" the result goes into one preallocated
array (predict(x, out=y)), else every call allocates its result (predict(x)).
"fixed": the cost of one call on one point (medians of REPS x 1000 calls), predict against the
bare ctypes call: the wrapper's own cost, which the 10^6-point rows must absorb.
"paired": in this one process, REPS pairs of predict(x) and the bare C call
(lib.ua_model_predict on the same arrays through ctypes, with the pointers made beforehand:
about a microsecond of call), alternating call by call so that the machine's load drifts out of
the comparison; prints the median time of each and the median of the per-pair ratios."""
import sys
import time

import numpy as np

import uniapprox as ua

m = ua.load(sys.argv[1])
n, reps = int(sys.argv[2]), int(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else ""
use_out = mode == "out"
din, dout = m.dims
box = np.array(m.domain)
i = np.arange(n, dtype=np.float64)
if din == 1:
    x = box[0, 0] + (box[0, 1] - box[0, 0]) * ((i + 0.5) / n)
else:
    ii = np.arange(n, dtype=np.int64)
    u = np.stack([((ii * (2 * j + 3) + j) % 1000003) / 1000003.0 for j in range(din)], axis=1)
    x = np.ascontiguousarray(box[:, 0] + (box[:, 1] - box[:, 0]) * u)
y = np.empty(n)
if mode == "fixed":
    # the wrapper's cost per call, apart from the work: one point, many calls
    from uniapprox import _lib
    raw = _lib.lib.ua_model_predict
    x1 = np.ascontiguousarray(x[:1])
    y1 = np.empty(1 if dout == 1 else (1, dout))
    h, xp, yp = m._h, x1.__array_interface__["data"][0], y1.__array_interface__["data"][0]
    tp, tc = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(1000):
            m.predict(x1)
        t1 = time.perf_counter()
        for _ in range(1000):
            raw(h, xp, 1, yp)
        t2 = time.perf_counter()
        tp.append((t1 - t0) / 1000)
        tc.append((t2 - t1) / 1000)
    print("%.6e %.6e" % (np.median(tp), np.median(tc)))
    raise SystemExit(0)
if mode == "paired":
    from uniapprox import _lib
    raw = _lib.lib.ua_model_predict
    h, xp, yp = m._h, x.__array_interface__["data"][0], y.__array_interface__["data"][0]
    tp, tc, ratio = [], [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = m.predict(x)
        t1 = time.perf_counter()
        if raw(h, xp, n, yp):
            raise SystemExit("ua_model_predict failed")
        t2 = time.perf_counter()
        assert out[n // 2] == y[n // 2]
        tp.append(t1 - t0)
        tc.append(t2 - t1)
        ratio.append((t1 - t0) / (t2 - t1))
    print("%.6e %.6e %.6f" % (np.median(tp), np.median(tc), np.median(ratio)))
    raise SystemExit(0)
t = []
s = 0.0
for _ in range(reps):
    t0 = time.perf_counter()
    out = m.predict(x, out=y) if use_out else m.predict(x)
    s += out[n // 2]
    t.append(time.perf_counter() - t0)
print("%.6e %.17g" % (sorted(t)[reps // 2], s / reps))
