#!/bin/sh
# The sinf, cosf, tanhf and erff of `uniapprox libm` (src/libm/sincos.c, tanh.c, erf.c) against
# glibc and SLEEF u10, in one run:
#   1. accuracy: every float (all 2^32 bit patterns but the NaNs, which tests/test_libm_trig.c
#      checks) through the exhaustive checker against the correctly rounded reference
#      (bench/libm_trig_check.c): max ULP, not correctly rounded, over 1 ULP, NaN / Inf mismatches;
#      the generated functions always, glibc's and SLEEF's with ANCHORS=1 (8 more full runs);
#   2. speed: ns per element on 4096 in-cache inputs, fastest of 620 passes timed alone, the implementations alternating
#      (bench/libm_trig_speed.c): the scalar function's ratio to glibc, the vector variant's
#      (NAME_v) to SLEEF's u10 AVX2 (8 lanes).
# usage: bench/libm_trig_table.sh [BUILD_DIR] [THREADS] [FUNC...]   (QUICK=1: speed only;
#        ACCURACY=1ulp: the `--accuracy 1ulp` functions, with the default ones timed beside them
#        as uniapprox_cr; FUNC...: the functions of the accuracy part, default all four)
#        FMA=1: the `--fma` code of the functions that have it at that accuracy (sinf, cosf,
#        tanhf at 1ulp; erff as without it; uniapprox_cr stays the default code without FMA), checked
#        compiled with -mfma where the CPU has FMA; the timing program's -march=native (or
#        MARCH=x86-64-v3) inlines fma: compare against the same command without FMA=1
#        PRECISION=single (with ACCURACY=1ulp FMA=1): the float-lane code of sinf and cosf
#        (`--working-precision single --fma`; the others as without it)
#        MARCH=x86-64-v3: the timing program built for AVX2 + FMA instead of -march=native, so
#        that on an AVX-512 CPU the AVX2 kernel (ours_v2 / uniapprox_v2) is timed as an AVX2-only
#        CPU runs it (with -march=native GCC may give it AVX-512VL instructions); SLEEF's
#        AVX-512 column is then left out
# Needs the library built in BUILD_DIR (libuniapprox.so) and the SLEEF runtime (libsleef3; no
# header needed).
set -eu
BUILD=${1:-build}
if [ $# -gt 0 ]; then shift; fi
THREADS=2
case "${1:-}" in [0-9]*) THREADS=$1; shift ;; esac
FUNCS=${*:-sinf cosf tanhf erff}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# the shared library carries its own dependencies (MPI, BLAS, ...), whatever CMake found
$CC -std=c11 -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/check" \
    "$ROOT/bench/libm_trig_check.c" -L"$ROOT/$BUILD" -luniapprox -Wl,-rpath,"$ROOT/$BUILD" \
    -lmpfr -lgmp -lm
ACCURACY=${ACCURACY:-cr}
export ACCURACY
FMA=${FMA:-0}
export FMA
PRECISION=${PRECISION:-double}
export PRECISION
WITH_CR=""
for f in sinf cosf tanhf erff; do "$OUT/check" $f emit ua_$f; done >"$OUT/kernels.c"
if [ "$ACCURACY" = 1ulp ]; then
    WITH_CR=-DWITH_CR
    for f in sinf cosf tanhf erff; do ACCURACY=cr FMA=0 "$OUT/check" $f emit uacr_$f; done >>"$OUT/kernels.c"
fi
$CC -std=c11 -O2 -march=${MARCH:-native} -ffp-contract=off -I"$OUT" -DKERNELS_C='"kernels.c"' $WITH_CR \
    -o "$OUT/speed" "$ROOT/bench/libm_trig_speed.c" -l:libsleef.so.3 -lm

[ "$FMA" = 1 ] && FMA_NOTE=" --fma (sinf, cosf, tanhf)" || FMA_NOTE=""
[ "$FMA" = 1 ] && [ "$PRECISION" = single ] && FMA_NOTE=" --working-precision single --fma (sinf, cosf)"
echo "== --accuracy $ACCURACY$FMA_NOTE: speed: ns per element, 4096 in-cache floats, fastest of 620 passes ($(nproc) cores," \
    "load average $(cut -d' ' -f1 /proc/loadavg)) =="
"$OUT/speed" >"$OUT/speed.txt"
awk '{ key = $1 " " $2; ns[key, $3] = $4; if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
     END { printf "%-22s %10s %10s %10s %12s %12s %14s %14s %12s\n", "function, inputs", "uniapprox",
                  "glibc", "SLEEF u10", "SLEEF AVX2x8", "uniapprox_v", "uniapprox/glibc",
                  "_v/SLEEF AVX2", "cr/glibc"
           for (i = 0; i < n; i++) { k = order[i]
               printf "%-22s %10.2f %10.2f %10.2f %12.2f %12.2f %14.2f %14.2f %12s\n", k,
                      ns[k, "uniapprox"], ns[k, "glibc"], ns[k, "sleef_u10"],
                      ns[k, "sleef_u10_avx2x8"], ns[k, "uniapprox_v"],
                      ns[k, "uniapprox"] / ns[k, "glibc"],
                      ns[k, "uniapprox_v"] / ns[k, "sleef_u10_avx2x8"],
                      ((k, "uniapprox_cr") in ns) ? sprintf("%.2f", ns[k, "uniapprox_cr"] / ns[k, "glibc"]) : "-" }
           if ((order[0], "uniapprox_v_avx2") in ns) {
               printf "uniapprox_v above: the widest kernel the CPU has (AVX-512F: 8 doubles); beside it:\n"
               printf "%-22s %12s %14s %14s %16s\n", "function, inputs", "uniapprox_v2", "SLEEF 512x16",
                      "_v2/SLEEF AVX2", "_v/SLEEF 512"
               for (i = 0; i < n; i++) { k = order[i]
                   w = (k, "sleef_u10_avx512x16") in ns
                   printf "%-22s %12.2f %14s %14.2f %16s\n", k, ns[k, "uniapprox_v_avx2"],
                          w ? sprintf("%.2f", ns[k, "sleef_u10_avx512x16"]) : "-",
                          ns[k, "uniapprox_v_avx2"] / ns[k, "sleef_u10_avx2x8"],
                          w ? sprintf("%.2f", ns[k, "uniapprox_v"] / ns[k, "sleef_u10_avx512x16"]) : "-" } } }' "$OUT/speed.txt"
echo "(load average after the run: $(cut -d' ' -f1 /proc/loadavg); uniapprox_v: the generated vector variant, its widest kernel the CPU has;"
echo " uniapprox_v2: its AVX2 kernel called directly)"
grep -qw avx512f /proc/cpuinfo || echo " (this CPU has no AVX-512: that variant is compiled, not run or measured)"
[ "${QUICK:-0}" = 1 ] && exit 0

echo "== accuracy: every non-NaN float (4278190082), exhaustive checker, $THREADS threads =="
printf '%-6s %-6s %9s %12s %10s %8s %8s %8s\n' function impl "max ULP" "not CR" ">1 ULP" \
    "NaN mm" "Inf mm" seconds
KINDS="ua"
[ "${ANCHORS:-0}" = 1 ] && KINDS="ua glibc sleef"
for f in $FUNCS; do
    for k in $KINDS; do
        "$OUT/check" $f $k "$THREADS" |
            awk '{ printf "%-6s %-6s %9.4f %12s %10s %8s %8s %8.0f\n", $1, $2, $4, $5, $6, $7, $8, $9 }'
    done
done
