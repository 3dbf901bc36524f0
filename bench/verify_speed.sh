#!/bin/sh
# Speed of the box measurement (ua_verify_box, bench/verify_speed.c): points per second against
# the MPFR reference (128 bits) for erf on [-4, 4] (1-D, the 100000-point grid + centre) and two
# 3-D targets (100000 shifted Sobol points + corners, face centres, centre), one thread and
# THREADS, and against a reference in double (the measurement's own overhead). Medians of
# UA_BENCH_ROUNDS rounds (default 5), with the range; nothing is asserted.
# usage: bench/verify_speed.sh [BUILD_DIR] [THREADS]
set -eu
BUILD=${1:-build}
THREADS=${2:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

$CC -std=c11 -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/verify_speed" \
    "$ROOT/bench/verify_speed.c" "$ROOT/$BUILD/libuniapprox.a" \
    $(pkg-config --libs openblas fftw3 libcjson lapacke) -lmpfr -lgmp -lm
echo "== verify: box measurement speed, points per second ($(nproc) cores; load average $(cut -d' ' -f1 /proc/loadavg)) =="
"$OUT/verify_speed" "${UA_BENCH_ROUNDS:-5}" "$THREADS"
