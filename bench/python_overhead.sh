#!/bin/sh
# The Python package's overhead: uniapprox.Model.predict on 10^6 points against the same call of
# the C library (ua_model_predict) from a C program, on the same model and the same points, in
# one run: rounds alternate the two sides (each round a median of REPS calls inside its process),
# and the table gives the median over rounds of each side and the overhead (python / C - 1).
# Two pairings: predict(x) that allocates its result against a C call that mallocs its output
# each time, and predict(x, out=y) against a C call that reuses one buffer. A third row pairs the
# two in one Python process call by call (predict(x), then the bare ua_model_predict through
# ctypes on the same arrays), which takes the machine's drifting load out of the ratio: the median
# of the per-pair ratios. Goal: <= 5%.
# usage: bench/python_overhead.sh [BUILD_DIR]   (UA_BENCH_ROUNDS: rounds, default 5; N: 1000000)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
PY=/usr/bin/python3
N=${N:-1000000}
REPS=5
ROUNDS=${UA_BENCH_ROUNDS:-5}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
UA="$ROOT/$BUILD/uniapprox"
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/po" "$ROOT/bench/python_overhead.c" \
    -L"$ROOT/$BUILD" -Wl,-rpath,"$ROOT/$BUILD" -luniapprox -lm
export PYTHONPATH="$ROOT/$BUILD/python"
"$UA" fit 'erf(x)' --domain -4:4 --points 2000 -o "$OUT/erf.safetensors" >/dev/null
"$UA" fit 'erf(x)' --domain -4:4 --split --split-length 17 --points 2000 -o "$OUT/erf17.safetensors" >/dev/null
"$UA" fit 'exp(-x^2-y^2)' --vars x,y --domain -1:1 --family chebnd --points 2000 -o "$OUT/nd.safetensors" >/dev/null
med() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
printf '%-40s %-22s %10s %10s %9s %s\n' "model, $N points" "pairing" "C ms" "Python ms" "overhead" "per-round range"
for model in erf erf17 nd; do
    case $model in
        erf) label="cheb erf [-4,4], one series" ;;
        erf17) label="cheb erf, pieces of <= 17" ;;
        nd) label="chebnd exp(-x^2-y^2), 2-D" ;;
    esac
    for pairing in alloc reuse; do
        carg=""; parg=""
        [ $pairing = alloc ] && carg=alloc
        [ $pairing = reuse ] && parg=out
        : >"$OUT/c"; : >"$OUT/p"; : >"$OUT/r"
        r=0
        while [ "$r" -lt "$ROUNDS" ]; do
            r=$((r + 1))
            # shellcheck disable=SC2086
            set -- $("$OUT/po" "$OUT/$model.safetensors" "$N" $REPS $carg); c=$1; cs=$2
            # shellcheck disable=SC2086
            set -- $($PY "$ROOT/bench/python_overhead.py" "$OUT/$model.safetensors" "$N" $REPS $parg); p=$1; ps=$2
            [ "$cs" = "$ps" ] || { echo "the two sides disagree: $cs vs $ps" >&2; exit 1; }
            echo "$c" >>"$OUT/c"; echo "$p" >>"$OUT/p"
            awk -v a="$p" -v b="$c" 'BEGIN { printf "%.4f\n", a / b - 1 }' >>"$OUT/r"
        done
        cm=$(med <"$OUT/c"); pm=$(med <"$OUT/p")
        lo=$(sort -g "$OUT/r" | head -n 1); hi=$(sort -g "$OUT/r" | tail -n 1)
        printf '%-40s %-22s %10.3f %10.3f %8.1f%% [%+.1f%%, %+.1f%%]\n' "$label" \
            "$([ $pairing = alloc ] && echo "predict(x) / malloc" || echo "predict(x, out) / reuse")" \
            "$(awk -v v="$cm" 'BEGIN { print v * 1000 }')" "$(awk -v v="$pm" 'BEGIN { print v * 1000 }')" \
            "$(awk -v a="$pm" -v b="$cm" 'BEGIN { print (a / b - 1) * 100 }')" \
            "$(awk -v v="$lo" 'BEGIN { print v * 100 }')" "$(awk -v v="$hi" 'BEGIN { print v * 100 }')"
    done
    # shellcheck disable=SC2046
    set -- $($PY "$ROOT/bench/python_overhead.py" "$OUT/$model.safetensors" "$N" $((ROUNDS * REPS)) paired)
    printf '%-40s %-22s %10.3f %10.3f %8.1f%% (median of %d pairs)\n' "$label" "in-process, paired" \
        "$(awk -v v="$2" 'BEGIN { print v * 1000 }')" "$(awk -v v="$1" 'BEGIN { print v * 1000 }')" \
        "$(awk -v v="$3" 'BEGIN { print (v - 1) * 100 }')" $((ROUNDS * REPS))
done
# shellcheck disable=SC2046
set -- $($PY "$ROOT/bench/python_overhead.py" "$OUT/erf.safetensors" 1 15 fixed)
printf 'one call on one point (erf): predict %.2f us, bare ctypes call %.2f us: the wrapper adds %.2f us\n' \
    "$(awk -v v="$1" 'BEGIN { print v * 1e6 }')" "$(awk -v v="$2" 'BEGIN { print v * 1e6 }')" \
    "$(awk -v a="$1" -v b="$2" 'BEGIN { print (a - b) * 1e6 }')"
echo "C: ua_model_predict from a C program (paired: through ctypes, pointers made beforehand);"
echo "Python: uniapprox.Model.predict, the same points (the results are compared: both sides computed"
echo "the same values). Medians of $ROUNDS alternating rounds, each the median of $REPS calls;"
echo "overhead = Python / C - 1. On a loaded machine single rounds vary by tens of percent: read the"
echo "paired row, whose ratio is taken call by call."
