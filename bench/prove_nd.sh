#!/bin/sh
# Proven bounds of n-D models (bench/prove_nd.c): chebnd near machine precision and sparse in 4-D,
# each fitted, then proven by `ua_model_prove` within a time limit (UA_BENCH_PROVE_TIME seconds,
# default 150), with the proven bound, the measured maximum (the prover's points and 20000 random
# points against MPFR), their ratio, the cells and the rounding part. Two runs at once at most.
# Nothing is asserted (tests/test_prove_nd*.c assert soundness and ratios on cell budgets).
# usage: bench/prove_nd.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
T=${UA_BENCH_PROVE_TIME:-150}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
LIBS="$(pkg-config --libs openblas fftw3 libcjson lapacke) -lflint-arb -lflint -lmpfr -lgmp -lm -ldl"
if [ -d /usr/lib/x86_64-linux-gnu/openmpi/lib ] && nm "$ROOT/$BUILD/libuniapprox.a" 2>/dev/null | grep -q ' U MPI_Init'; then
    LIBS="$LIBS -L/usr/lib/x86_64-linux-gnu/openmpi/lib -lmpi -lscalapack-openmpi"
fi
$CC -std=c11 -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/prove_nd" \
    "$ROOT/bench/prove_nd.c" "$ROOT/$BUILD/libuniapprox.a" $LIBS
echo "== prove: n-D models, ${T} s each ($(nproc) cores; load average $(cut -d' ' -f1 /proc/loadavg)) =="
P="$OUT/prove_nd"
"$P" chebnd 'exp(y)/(x-1.1)' 2 1e-8 "$T" & "$P" chebnd 'sin(3*x)*(y-0.2)' 2 1e-9 "$T"; wait
"$P" sparse 'exp(-x^2-2*y^2)*cos(z+w)' 4 1e-3 "$T" & "$P" sparse '1/(3+x+y*z)+sin(w)' 4 1e-3 "$T"; wait
"$P" sparse 'exp(-x^2-2*y^2)' 2 1e-7 "$T" & "$P" sparse 'exp(-x^2-2*y^2)' 2 1e-9 "$T"; wait
echo "== load average at the end $(cut -d' ' -f1 /proc/loadavg) =="
