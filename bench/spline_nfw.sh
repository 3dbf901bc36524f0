#!/bin/sh
# The NFW benchmark table of docs/spline.md (AutoKnots, arXiv 2412.13423): knots, measured error
# against MPFR and the uniform-in-ln X grid that reaches the same error, for rtol 1e-1 ... 1e-10.
# usage: bench/spline_nfw.sh [BUILD_DIR [N]]   (N: rtol down to 1e-N, default 10)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# shellcheck disable=SC2046
$CC -std=c11 -O2 -fopenmp -I"$ROOT/include" -o "$OUT/spline_nfw" "$ROOT/bench/spline_nfw.c" \
    "$ROOT/$BUILD/libuniapprox.a" $(pkg-config --libs fftw3 libcjson) -lmpfr -lgmp -lm
"$OUT/spline_nfw" "${2:-10}"
