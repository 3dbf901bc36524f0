#!/bin/sh
# The table of docs/libm.md: every `uniapprox libm` exponential and logarithm checked at all 2^32
# floats by `uniapprox libm NAME --check` (max ULP, count not correctly rounded, special-value
# mismatches), glibc's float function checked the same way over the finite floats (`uniapprox
# check --exhaustive`), and ns per call of the scalar and vector functions against glibc and
# SLEEF u10 (scalar and AVX2; bench/libm_speed.c: 4096 in-cache inputs, medians of alternating
# rounds, throughput and chained latency). SLEEF is linked through its runtime library
# (libsleef3). Runs minutes per function on 2 cores (the 2^32 check dominates).
# usage: bench/libm_table.sh [BUILD_DIR] [FUNCS...]   (QUICK=1: skip the 2^32 checks;
#        ACCURACY=1ulp: the faster variant, `uniapprox libm --accuracy 1ulp`; default cr;
#        PRECISION=single: with ACCURACY=1ulp, `--working-precision single` (float arithmetic,
#        exp2f expf exp10f log2f logf log10f); default double)
#        FMA=1: with ACCURACY=1ulp PRECISION=single, `--fma` (explicit fused multiply-adds); the
#        timing program is then built with -mfma as well where the CPU has FMA, so that the
#        scalar function inlines fmaf whatever MARCH (else each fmaf calls libm's)
#        MARCH=x86-64-v3: the timing program built for AVX2 + FMA instead of -march=native, so
#        that on an AVX-512 CPU the AVX2 kernel (ours_v2 / uniapprox_v2) is timed as an AVX2-only
#        CPU runs it (with -march=native GCC may give it AVX-512VL instructions); SLEEF's
#        AVX-512 column is then left out
set -eu
BUILD=${1:-build}
[ $# -gt 0 ] && shift
FUNCS=${*:-exp2f expf exp10f expm1f log2f logf log10f log1pf}
ACCURACY=${ACCURACY:-cr}
PRECISION=${PRECISION:-double}
FMAOPT=""; FMACC=""
[ "${FMA:-0}" = 1 ] && FMAOPT="--fma"
[ -n "$FMAOPT" ] && grep -qw fma /proc/cpuinfo && FMACC="-mfma"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
num() { sed -n "s/.*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }
spd() { awk -v n="$2" -v c="$3" '$1 == n { print $c }' "$1"; }
# a / b of two throughput lines, "-" where either is missing (no AVX2, no AVX-512F)
ratio() { awk -v a="$2" -v b="$3" '$1 == a { x = $2 } $1 == b { y = $2 }
    END { if (x == "" || y == "") print "-"; else printf "%.2f", x / y }' "$1"; }
ref_of() { case $1 in exp2f) echo '2^x';; expf) echo 'exp(x)';; exp10f) echo '10^x';;
    expm1f) echo 'expm1(x)';; log2f) echo 'log2(x)';; logf) echo 'log(x)';;
    log10f) echo 'log10(x)';; log1pf) echo 'log1p(x)';; esac; }
range_of() { case $1 in exp2f) echo "-20 20";; expf|expm1f) echo "-15 15";; exp10f) echo "-6 6";;
    log1pf) echo "-0.9 100";; *) echo "0.001 1000";; esac; }
HAS_AVX2=""; grep -qw avx2 /proc/cpuinfo && HAS_AVX2="-mavx2 -mfma"
if grep -qw avx512f /proc/cpuinfo; then
    echo "(this CPU has AVX-512F: NAME_v runs its AVX-512F kernel; ours_v2 is the AVX2 kernel)"
else
    echo "(this CPU has no AVX-512: the AVX-512 variant of the vector functions is compiled but not measured)"
fi
echo "== uniapprox libm --accuracy $ACCURACY --working-precision $PRECISION${FMAOPT:+ $FMAOPT} vs glibc and SLEEF u10 ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)) =="
printf '%-7s | %8s %10s %6s | %8s %10s | %8s %8s %8s %8s %8s %8s %8s | %8s %8s %8s %8s | %8s %8s %8s\n' fn \
    "maxULP" "notCR" "spec" "glibc" "glibc" "ours" "ours_v" "ours_v2" "glibc" "sleef" "sleef_v" \
    "sleef_v5" "ours/gl" "v/sl_v" "v2/sl_v" "v/sl_v5" "lat_ours" "lat_gli" "lat_sle"
printf '%-7s | %8s %10s %6s | %8s %10s | %8s %8s %8s %8s %8s %8s %8s | %8s %8s %8s %8s | %8s %8s %8s\n' "" \
    "(2^32)" "(2^32)" "" "maxULP" "notCR" "ns" "ns" "ns" "ns" "ns" "ns" "ns" "" "" "" "" "ns" "ns" "ns"
for f in $FUNCS; do
    ref=$(ref_of "$f")
    if [ "${QUICK:-0}" != 1 ]; then
        # shellcheck disable=SC2086
        "$UA" libm "$f" -o "$OUT/$f.c" --vector --accuracy "$ACCURACY" \
            --working-precision "$PRECISION" $FMAOPT --name "k_$f" --check --json >"$OUT/$f.json" || true
        printf '#include <math.h>\nfloat g(float x) { return %s(x); }\n' "$f" >"$OUT/g_$f.c"
        "$UA" check --kernel "$OUT/g_$f.c" --symbol g --against "$ref" --lo -3.4028234e38 \
            --hi 3.4028234e38 --timeout 0 --json >"$OUT/g_$f.json" 2>/dev/null || true
    else
        # shellcheck disable=SC2086
        "$UA" libm "$f" -o "$OUT/$f.c" --vector --accuracy "$ACCURACY" --working-precision "$PRECISION" \
            $FMAOPT --name "k_$f" >/dev/null
        echo '{}' >"$OUT/$f.json"; echo '{}' >"$OUT/g_$f.json"
    fi
    set -- $(range_of "$f")
    b=${f%f}
    # shellcheck disable=SC2086
    $CC -std=c11 -O2 -march=${MARCH:-native} $FMACC -ffp-contract=off -DKERNEL_C="\"$OUT/$f.c\"" -DNAME="k_$f" \
        -DLIBM="$f" -DSLEEF_S="Sleef_${b}f_u10" -DSLEEF_V="Sleef_${b}f8_u10avx2" \
        -DSLEEF_V512="Sleef_${b}f16_u10avx512f" -DLO="$1" \
        -DHI="$2" -o "$OUT/speed_$f" "$ROOT/bench/libm_speed.c" -l:libsleef.so.3 -lm
    "$OUT/speed_$f" >"$OUT/s_$f.txt"
    S="$OUT/s_$f.txt"
    printf '%-7s | %8s %10s %6s | %8s %10s | %8.3f %8.3f %8s %8.3f %8.3f %8.3f %8s | %8.2f %8.2f %8s %8s | %8.3f %8.3f %8.3f\n' "$f" \
        "$(num "$OUT/$f.json" max_ulp)" "$(num "$OUT/$f.json" not_correctly_rounded)" \
        "$(num "$OUT/$f.json" special_mismatches)" "$(num "$OUT/g_$f.json" max_ulp)" \
        "$(num "$OUT/g_$f.json" not_correctly_rounded)" \
        "$(spd "$S" uniapprox 2)" "$(spd "$S" uniapprox_vector 2)" \
        "$(spd "$S" uniapprox_vector_avx2 2)" "$(spd "$S" glibc 2)" \
        "$(spd "$S" sleef_u10 2)" "$(spd "$S" sleef_u10_avx2 2)" "$(spd "$S" sleef_u10_avx512 2)" \
        "$(awk '$1 == "uniapprox" { a = $2 } $1 == "glibc" { b = $2 } END { print a / b }' "$S")" \
        "$(awk '$1 == "uniapprox_vector" { a = $2 } $1 == "sleef_u10_avx2" { b = $2 } END { print a / b }' "$S")" \
        "$(ratio "$S" uniapprox_vector_avx2 sleef_u10_avx2)" "$(ratio "$S" uniapprox_vector sleef_u10_avx512)" \
        "$(spd "$S" uniapprox 3)" "$(spd "$S" glibc 3)" "$(spd "$S" sleef_u10 3)"
done
echo "ns: per element (thread CPU time), 4096 in-cache inputs of the range in bench/libm_table.sh;"
echo "lat: chained calls; ours/gl: scalar over glibc; v/sl_v: NAME_v (the widest kernel the CPU"
echo "has: AVX-512F where present) over SLEEF u10 AVX2; ours_v2, v2/sl_v: the file's AVX2 kernel"
echo "(NAME_v_avx2) called directly, over SLEEF u10 AVX2; sleef_v5, v/sl_v5: SLEEF u10 AVX-512F."
echo "Load average after the run: $(cut -d' ' -f1 /proc/loadavg)."
echo "maxULP / notCR / spec: every one of the 2^32 inputs (uniapprox libm --check); glibc: every"
echo "finite float (uniapprox check --exhaustive). exp10f's reference 10^x is outside the"
echo "checker's fast path (every float through MPFR: hours on 2 cores)."
