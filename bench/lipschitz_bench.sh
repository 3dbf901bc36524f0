#!/bin/sh
# Lipschitz bounds of mlp networks, width 16-256 and depth 2-4 (bench/lipschitz_bench.c): the
# 2-norm bound before and after branch and bound, the best lower bound (gradient ascent), their
# ratio, the naive product of spectral norms, and the times; IBP and CROWN output ranges with
# their times, beside an independent PyTorch IBP/CROWN (bench/lipschitz_torch.py, the
# implementation of tests/gen/lipschitz_torch_ref.py) on the same networks: the bounds' relative
# difference and the times. auto_LiRPA is not installable here. Nothing is asserted.
# usage: bench/lipschitz_bench.sh [BUILD_DIR]   (UA_BENCH_LIP_TIME: seconds of branch and bound)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

$CC -std=c11 -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/lipschitz_bench" \
    "$ROOT/bench/lipschitz_bench.c" "$ROOT/$BUILD/libuniapprox.a" \
    $(pkg-config --libs openblas fftw3 libcjson lapacke) -lflint-arb -lflint -lmpfr -lgmp -lm
echo "== lipschitz: mlp networks, 2-norm bounds ($(nproc) cores; load average $(cut -d' ' -f1 /proc/loadavg)) =="
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$OUT/lipschitz_bench" "$OUT"
echo "== lipschitz: the same networks' output ranges in PyTorch (float64, one thread) =="
/usr/bin/python3 "$ROOT/bench/lipschitz_torch.py" "$OUT"
