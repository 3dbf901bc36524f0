#!/bin/sh
# Integrated Gradients (Gauss-Legendre, 50 nodes) and exact KernelSHAP (every coalition) of
# uniapprox explain against their PyTorch re-implementations (tests/gen/explain_ref.py; captum and
# shap are not in Debian) on d-h-1 tanh networks, float64, one thread: seconds for all points on
# each side (medians of UA_BENCH_ROUNDS alternating rounds, default 3), the ratio torch / uniapprox,
# and the largest absolute difference of the attributions. Nothing is asserted.
# usage: bench/explain_vs_torch.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
ROUNDS=${UA_BENCH_ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
$CC -std=c11 -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/explain_bench" \
    "$ROOT/bench/explain_bench.c" "$ROOT/$BUILD/libuniapprox.a" \
    $(pkg-config --libs openblas fftw3 libcjson lapacke) -lflint-arb -lflint -lmpfr -lgmp -lm
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "== explain: IG (50 Gauss-Legendre nodes) and exact KernelSHAP vs PyTorch ($(nproc) cores; load $(cut -d' ' -f1 /proc/loadavg)) =="
printf '%-12s %5s | %10s %10s %7s %9s | %10s %10s %7s %9s\n' network points "IG ua s" "torch s" ratio "max diff" \
    "SHAP ua s" "torch s" ratio "max diff"
for cfg in "4 16 200" "8 32 50" "12 64 10"; do
    set -- $cfg
    d=$1 h=$2 n=$3
    : >"$OUT/ua_ig"; : >"$OUT/ua_sh"; : >"$OUT/t_ig"; : >"$OUT/t_sh"
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        /usr/bin/python3 "$ROOT/tests/gen/explain_ref.py" --bench "$n" "$d" "$h" "$OUT/pts.txt" >"$OUT/torch.json"
        /usr/bin/python3 -c "import json; j = json.load(open('$OUT/torch.json')); print(j['ig_seconds'], j['kernelshap_seconds'])" >"$OUT/tt"
        cut -d' ' -f1 "$OUT/tt" >>"$OUT/t_ig"; cut -d' ' -f2 "$OUT/tt" >>"$OUT/t_sh"
        "$OUT/explain_bench" "$OUT/pts.txt" "$OUT/torch.json" "$d" "$h" >"$OUT/u"
        cut -d' ' -f1 "$OUT/u" >>"$OUT/ua_ig"; cut -d' ' -f2 "$OUT/u" >>"$OUT/ua_sh"
        r=$((r + 1))
    done
    a=$(median <"$OUT/ua_ig"); b=$(median <"$OUT/t_ig"); c=$(median <"$OUT/ua_sh"); e=$(median <"$OUT/t_sh")
    printf '%-12s %5s | %10.4g %10.4g %7.2f %9s | %10.4g %10.4g %7.2f %9s\n' "$d-$h-1" "$n" "$a" "$b" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')" "$(cut -d' ' -f3 "$OUT/u")" "$c" "$e" \
        "$(awk -v a="$c" -v b="$e" 'BEGIN { print b / a }')" "$(cut -d' ' -f4 "$OUT/u")"
done
