#!/bin/sh
# The UCI table of docs/kernel.md: kernel ridge (rbf, laplacian, ntk; hyperparameters by
# closed-form LOO) on the 20 standard splits of the six UCI regression sets, test RMSE beside the
# published PBP / MC-dropout numbers.
# usage: bench/kernel_uci.sh [BUILD_DIR [KERNELS [SETS [SPLITS]]]]
# The data folder is UA_UCI_DIR (default ../shared/data/uci from the repository root).
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# what libuniapprox.a links against in this build (MPI and ScaLAPACK when it was built with them):
# the build's uniapprox.pc, less its own -L and -luniapprox
ua_libs() { PKG_CONFIG_PATH="$ROOT/$BUILD" pkg-config --static --libs uniapprox | sed 's/^-L[^ ]* -luniapprox//'; }
UCI=${UA_UCI_DIR:-$ROOT/../shared/data/uci}
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# shellcheck disable=SC2046
$CC -std=c11 -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/kernel_uci" \
    "$ROOT/bench/kernel_uci.c" "$ROOT/$BUILD/libuniapprox.a" \
    $(ua_libs)
# one thread each: on a shared machine OpenBLAS threads that wait for a core spin and cost
# more than they give; set UA_UCI_THREADS to use more
OPENBLAS_NUM_THREADS=${UA_UCI_THREADS:-1} OMP_NUM_THREADS=${UA_UCI_THREADS:-1} \
    "$OUT/kernel_uci" "$UCI" "${2:-rbf,laplacian,ntk}" "${3:-all}" "${4:-20}"
