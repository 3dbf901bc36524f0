#!/bin/sh
# The table of docs/float32-kernels.md: max ULP error over every float of the interval, for the
# float32 cores 2^x on [0, 1] and e^x on [-ln2/2, ln2/2], by degree and evaluation scheme, with the
# coefficients of Sollya's fpminimax (tests/ref/float32_kernels_sollya.txt; single coefficients,
# relative error). Schemes: "float" Horner a * x + c in float; "fma" Horner with fmaf (one
# rounding per step); "double" Horner in double, rounded to float once at the end.
# usage: bench/float32_kernels.sh [BUILD_DIR] [NAMES] [DEGREES] [SCHEMES]
#        (defaults: build "exp2 exp" "5 6 7" "float fma double")
set -eu
BUILD=${1:-build}
NAMES=${2:-exp2 exp}
DEGREES=${3:-5 6 7}
SCHEMES=${4:-float fma double}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
REF="$ROOT/tests/ref/float32_kernels_sollya.txt"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
FMA=""
grep -qw fma /proc/cpuinfo 2>/dev/null && FMA="-mfma"

kernel() { # NAME DEGREE SCHEME -> C file on stdout, function k
    grep "^$1 $2 " "$REF" | awk -v mode="$3" '{
        suf = mode == "double" ? "" : "f"
        s = $NF suf
        for (i = NF - 1; i >= 3; i--)
            s = mode == "fma" ? "fmaf(" s ", x, " $i suf ")" : "(" s " * x + " $i suf ")"
        T = mode == "double" ? "double" : "float"
        printf "#include <math.h>\nfloat k(float xf) { %s x = xf; return (float)%s; }\n", T, s }'
}

printf '%-5s %-22s %6s %-7s %10s %12s %12s\n' core interval degree scheme "max ULP" "not CR" "over 1 ULP"
for name in $NAMES; do
    if [ "$name" = exp2 ]; then f='2^x'; lo=0; hi=1; iv='[0, 1]'
    else f='exp(x)'; lo=-0.34657359027997264; hi=0.34657359027997264; iv='[-ln2/2, ln2/2]'; fi
    for d in $DEGREES; do
        for scheme in $SCHEMES; do
            kernel "$name" "$d" "$scheme" >"$OUT/k.c"
            "$UA" check --kernel "$OUT/k.c" --symbol k --against "$f" --lo "$lo" --hi "$hi" \
                --cflags "$FMA" --json >"$OUT/r.json"
            get() { sed -n "s/.*\"$1\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$OUT/r.json" | head -n 1; }
            printf '%-5s %-22s %6s %-7s %10.4f %12s %12s\n' "$name" "$iv" "$d" "$scheme" \
                "$(get max_ulp)" "$(get not_correctly_rounded)" "$(get over_1ulp)"
        done
    done
done
