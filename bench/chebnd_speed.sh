#!/bin/sh
# Speed of the chebnd construction in 2-D (bench/chebnd_speed.c): median time of ua_fit over
# UA_BENCH_ROUNDS rounds (default 5) for functions of rank about 10 to 30, as a formula and as
# a C callback, with the rank, the evaluations and the time of those evaluations alone. The
# target (docs/chebnd.md): a function of rank <= 20 in under 50 ms. Nothing is asserted.
# usage: bench/chebnd_speed.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

$CC -std=c11 -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/chebnd_speed" \
    "$ROOT/bench/chebnd_speed.c" "$ROOT/$BUILD/libuniapprox.a" \
    $(pkg-config --libs openblas fftw3 libcjson lapacke) -lmpfr -lgmp -lm
echo "== chebnd: 2-D construction time ($(nproc) cores; load average $(cut -d' ' -f1 /proc/loadavg)) =="
"$OUT/chebnd_speed" "${UA_BENCH_ROUNDS:-5}"
