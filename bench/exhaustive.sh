#!/bin/sh
# Speed of the exhaustive float32 checker (uniapprox check --exhaustive): glibc's expf checked at
# every float of [-87.3, 88.7] (2.24e9 floats, the range where expf is neither subnormal nor
# infinite) against the correctly rounded e^x — target: under 60 s on 2 cores. Also the same on a
# small interval with the fast path off (every point through MPFR), to show what the fast path
# buys, and an exported model (a cheb fit of exp on [-1, 1] exported as float code).
# usage: bench/exhaustive.sh [BUILD_DIR] [THREADS]
set -eu
BUILD=${1:-build}
THREADS=${2:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

num() { sed -n "s/.*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }
# wall seconds; CPU seconds of all threads; CPU / THREADS = the wall time on an idle machine
report() { # LABEL JSON
    printf '%-40s %10s %8.1f %8.1f %8.1f %9.1f %8.4g %9s %8s\n' \
        "$1" "$(num "$2" count)" "$(num "$2" seconds)" "$(num "$2" cpu_seconds)" \
        "$(awk -v c="$(num "$2" cpu_seconds)" -v t="$THREADS" 'BEGIN { print c / t }')" \
        "$(awk -v c="$(num "$2" cpu_seconds)" -v n="$(num "$2" count)" 'BEGIN { print c * 1e9 / n }')" \
        "$(num "$2" max_ulp)" "$(num "$2" not_correctly_rounded)" "$(num "$2" decided_by_mpfr)"
}

printf '#include <math.h>\nfloat k(float x) { return expf(x); }\n' >"$OUT/expf.c"
echo "== exhaustive float32 check, $THREADS threads ($(nproc) cores; load average $(cut -d' ' -f1 /proc/loadavg)) =="
echo "   wall: seconds; cpu: CPU seconds of all threads; idle: cpu / $THREADS, the wall time on an"
echo "   otherwise idle machine; ns: CPU ns per float, kernel and reference included"
printf '%-40s %10s %8s %8s %8s %9s %8s %9s %8s\n' "kernel, interval" floats wall cpu idle ns \
    "max ULP" "not CR" "by MPFR"
"$UA" check --kernel "$OUT/expf.c" --symbol k --against 'exp(x)' --lo -87.3 --hi 88.7 \
    --threads "$THREADS" --json >"$OUT/full.json"
report "glibc expf, every float of [-87.3, 88.7]" "$OUT/full.json"
"$UA" check --kernel "$OUT/expf.c" --symbol k --against 'exp(x)' --lo 1 --hi 1.05 \
    --threads "$THREADS" --json >"$OUT/fast.json"
report "glibc expf on [1, 1.05], fast path" "$OUT/fast.json"
# 'exp(x)*1' is the same function but not in the curated set: every point goes through MPFR
"$UA" check --kernel "$OUT/expf.c" --symbol k --against 'exp(x)*1' --lo 1 --hi 1.05 \
    --threads "$THREADS" --json >"$OUT/slow.json"
report "glibc expf on [1, 1.05], MPFR only" "$OUT/slow.json"
"$UA" fit 'exp(x)' --domain -1:1 -o "$OUT/exp.safetensors" >/dev/null
"$UA" check "$OUT/exp.safetensors" --exhaustive --threads "$THREADS" --json >"$OUT/model.json"
report "cheb exp on [-1, 1], float export" "$OUT/model.json"
echo "target: the first line under 60 s on 2 cores (the idle column when other jobs share them)."

