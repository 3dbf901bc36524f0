#!/bin/sh
# The verified float32 2^x kernel (docs/float32-kernels.md: degree-6 minimax core with float
# coefficients and FMA Horner, on [0, 1]; and a naive extension to every float, 2^x = 2^n 2^r
# with n = floor(x)) against glibc's exp2f and SLEEF (scalar Sleef_exp2f_u10, 16-lane
# Sleef_exp2f16_u10avx512f, or the AVX2 8-lane variant on CPUs without AVX-512): throughput on
# 4096 in-cache inputs (bench/exp2f_speed.c), and each one's max ULP error measured by
# `uniapprox check --exhaustive` over every float of [0, 1) and, unless QUICK=1, of [-150, 128]
# (every float whose 2^x is neither 0 nor +Inf after rounding, plus a bit).
# usage: bench/exp2f_vs_sleef.sh [BUILD_DIR]      (needs libsleef-dev: UA_BENCH_DEPS=1 install-deps)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
[ -e /usr/include/x86_64-linux-gnu/sleef.h ] || [ -e /usr/include/sleef.h ] ||
    { echo "exp2f_vs_sleef.sh: needs libsleef-dev (UA_BENCH_DEPS=1 sh scripts/install-deps)" >&2; exit 1; }

if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then SIMD=avx512f; SIMD_FLAGS="-mavx512f"
    SIMD_FN=Sleef_exp2f16_u10avx512f; SIMD_T=__m512; SET1=_mm512_set1_ps; GET0=_mm512_cvtss_f32
else SIMD=avx2; SIMD_FLAGS="-mavx2 -mfma"
    SIMD_FN=Sleef_exp2f8_u10avx2; SIMD_T=__m256; SET1=_mm256_set1_ps; GET0=_mm256_cvtss_f32
    echo "(this CPU has no AVX-512: the SIMD column is SLEEF's AVX2 variant)"
fi
FMA=""
grep -qw fma /proc/cpuinfo 2>/dev/null && FMA="-mfma"

# 1. the kernel: fit, export, and its full-range extension
"$UA" fit '2^x' --domain 0:1 --family minimax --degree 6 --error rel --coeffs float \
    -o "$OUT/exp2.safetensors" >/dev/null
"$UA" export "$OUT/exp2.safetensors" --type float --name exp2_core -o "$OUT/core.c" 2>/dev/null
{
    cat "$OUT/core.c"
    cat <<'EOF'

#include <stdint.h>

/* 2^x for every float: x = n + r, n = floor(x), r = x - n in [0, 1); 2^r from the core (in
 * [1, 2]) times 2^n, the product formed exactly in double and rounded to float once (exact for
 * normal results; one rounding for subnormal ones; +Inf past FLT_MAX). A deliberately naive
 * reduction: r = x - floor(x) is exact except for x in (-1/2, 0), where r = 1 + x needs more
 * bits than a float has — the exhaustive check shows what that costs (docs/float32-kernels.md).
 * x is clamped to [-151, 128] (2^-151 rounds to +0, 2^128 to +Inf) instead of branching, so a
 * compiler can vectorize a loop over it. */
float ua_exp2f(float x)
{
    float c = x < -151.0f ? -151.0f : x;
    c = c < 128.0f ? c : 128.0f; /* NaN becomes 128 here and is returned as x below */
    float n = floorf(c), r = c - n;
    union { uint64_t u; double d; } s = { (uint64_t)((int)n + 1023) << 52 };
    float y = (float)((double)exp2_core(r) * s.d);
    return x == x ? y : x;
}
EOF
} >"$OUT/exp2f_kernel.c"

# 2. throughput
# shellcheck disable=SC2086
# the kernel is #included into the timing loop's file, so it can be inlined (and vectorized, as a
# compiler may do for a loop of plain arithmetic; the libm and SLEEF scalar calls stay calls)
$CC -std=c11 -O3 -march=native -ffp-contract=off -DKERNEL_C="\"$OUT/exp2f_kernel.c\"" \
    -o "$OUT/speed" "$ROOT/bench/exp2f_speed.c" -lsleef -lm
"$OUT/speed" >"$OUT/speed.txt"

# 3. max ULP of each, every float, by the exhaustive checker (scalar wrappers for SLEEF's SIMD)
cat >"$OUT/glibc.c" <<'EOF'
#include <math.h>
float k(float x) { return exp2f(x); }
EOF
cat >"$OUT/sleef.c" <<'EOF'
#include <sleef.h>
float k(float x) { return Sleef_exp2f_u10(x); }
EOF
cat >"$OUT/simd.c" <<EOF
#include <immintrin.h>
#include <sleef.h>
float k(float x) { return $GET0($SIMD_FN($SET1(x))); }
EOF
ulp() { # FILE SYMBOL LO HI CFLAGS -> "max_ulp not_cr"
    "$UA" check --kernel "$1" --symbol "$2" --against '2^x' --lo "$3" --hi "$4" --cflags "$5" \
        --json >"$OUT/u.json" 2>/dev/null || { echo "? ?"; return; }
    printf '%s %s\n' "$(sed -n 's/.*"max_ulp":[[:space:]]*\([-0-9.eE+]*\).*/\1/p' "$OUT/u.json")" \
        "$(sed -n 's/.*"not_correctly_rounded":[[:space:]]*\([0-9]*\).*/\1/p' "$OUT/u.json")"
}
T0=$(date +%s)
U_CORE=$(ulp "$OUT/exp2f_kernel.c" exp2_core 0 0.99999994 "$FMA")
U_GLIBC=$(ulp "$OUT/glibc.c" k 0 0.99999994 "")
U_SLEEF=$(ulp "$OUT/sleef.c" k 0 0.99999994 "-lsleef")
U_SIMD=$(ulp "$OUT/simd.c" k 0 0.99999994 "$SIMD_FLAGS -lsleef")
if [ "${QUICK:-0}" != 1 ]; then
    F_OURS=$(ulp "$OUT/exp2f_kernel.c" ua_exp2f -150 128 "$FMA")
    F_GLIBC=$(ulp "$OUT/glibc.c" k -150 128 "")
    F_SLEEF=$(ulp "$OUT/sleef.c" k -150 128 "-lsleef")
    F_SIMD=$(ulp "$OUT/simd.c" k -150 128 "$SIMD_FLAGS -lsleef")
else
    F_OURS="- -"; F_GLIBC="- -"; F_SLEEF="- -"; F_SIMD="- -"
fi
T1=$(date +%s)

echo "== float32 2^x: verified uniapprox kernel vs glibc exp2f vs SLEEF (4096 in-cache inputs) =="
echo "   ns/elt: best of 7 rounds of 2000 passes; speedup = glibc time / time; max ULP and the"
echo "   count of results not correctly rounded: every float of the interval (uniapprox check"
echo "   --exhaustive, $((T1 - T0)) s for all of them)"
printf '%-26s %8s %7s %9s %11s | %8s %7s %9s %11s\n' "" "[0,1)" "" "" "" "full" "" "" ""
printf '%-26s %8s %7s %9s %11s | %8s %7s %9s %11s\n' "function" "ns/elt" "speedup" "max ULP" \
    "not CR" "ns/elt" "speedup" "max ULP" "not CR"
g1=$(awk '$1 == "glibc_exp2f" && $2 == "[0,1)" { print $3 }' "$OUT/speed.txt")
g2=$(awk '$1 == "glibc_exp2f" && $2 == "[-126,127]" { print $3 }' "$OUT/speed.txt")
num4() { awk -v v="$1" 'BEGIN { if (v ~ /^[-0-9.eE+]+$/) printf "%.4g", v; else printf "%s", v }'; }
row() { # LABEL NAME_UNIT NAME_FULL "ulp notcr" "ulp notcr"
    t1=$(awk -v n="$2" '$1 == n && $2 == "[0,1)" { print $3 }' "$OUT/speed.txt")
    t2=$(awk -v n="$3" '$1 == n && $2 == "[-126,127]" { print $3 }' "$OUT/speed.txt")
    # shellcheck disable=SC2086
    set -- "$1" "$t1" "$t2" $4 $5
    printf '%-26s %8.3f %7.2f %9s %11s | %8.3f %7.2f %9s %11s\n' "$1" "$2" \
        "$(awk -v g="$g1" -v t="$2" 'BEGIN { print g / t }')" "$(num4 "$4")" "$5" "$3" \
        "$(awk -v g="$g2" -v t="$3" 'BEGIN { print g / t }')" "$(num4 "$6")" "$7"
}
row "uniapprox (core / full)" uniapprox_exp2_core uniapprox_exp2f "$U_CORE" "$F_OURS"
row "glibc exp2f" glibc_exp2f glibc_exp2f "$U_GLIBC" "$F_GLIBC"
row "Sleef_exp2f_u10" Sleef_exp2f_u10 Sleef_exp2f_u10 "$U_SLEEF" "$F_SLEEF"
simd_name=$(awk 'NR == 4 { print $1 }' "$OUT/speed.txt")
row "$simd_name" "$simd_name" "$simd_name" "$U_SIMD" "$F_SIMD"
echo "[0,1): the core alone on its interval (1065353216 floats); full: [-150, 128] (2.25e9 floats),"
echo "uniapprox's full-range ua_exp2f = 2^floor(x) * core(x - floor(x)). SIMD rows time 16 (8)"
echo "lanes per call; their ULPs are measured lane 0 at a time. ns/elt is per element."
