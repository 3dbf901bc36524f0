#!/bin/sh
# Fits from 1-D samples against scipy / numpy (PCHIP, Akima, the GCV smoothing spline, Chebyshev
# least squares with a fixed and a cross-validated degree): time and error ratios in one run,
# medians of alternating rounds (bench/fitters_vs_scipy.py). Results: docs/spline.md and
# docs/cheb.md.
# usage: bench/fitters_vs_scipy.sh [BUILD_DIR [ROUNDS]]
# Needs /usr/bin/python3 with scipy and numpy.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# shellcheck disable=SC2046
$CC -std=c11 -O2 -fopenmp -I"$ROOT/include" -o "$OUT/fitters_time" "$ROOT/bench/fitters_time.c" \
    "$ROOT/$BUILD/libuniapprox.a" $(pkg-config --libs fftw3 libcjson lapacke openblas) \
    -lmpfr -lgmp -lm
/usr/bin/python3 "$ROOT/bench/fitters_vs_scipy.py" "$OUT/fitters_time" \
    "$ROOT/tests/data/fitters_gauss1.csv" "${2:-5}"
