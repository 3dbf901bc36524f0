#!/bin/sh
# bench/nd_eval_speed.sh — evaluation time per point of chebnd and sparse models of Genz
# functions (tests/data/genz.txt's parameters): the exported C against ua_model_predict and
# against the target formula compiled in double (bench/nd_eval_speed.c). Nothing is asserted.
# usage: bench/nd_eval_speed.sh [BUILD_DIR]   (UA_BENCH_ROUNDS rounds, default 21)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
PY=${UA_PYTHON:-/usr/bin/python3}
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# one thread: ua_model_predict would otherwise spread a batch over OpenMP threads; per core here
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
# the libraries libuniapprox.a needs: those the build linked the CLI with (optional dependencies
# come and go), else the usual ones
LINK="$ROOT/$BUILD/CMakeFiles/uniapprox.dir/link.txt"
if [ -f "$LINK" ]; then
    LIBS=$(tr ' ' '\n' < "$LINK" | grep -E '^(-l|/.*\.so)' | grep -v 'libuniapprox' | tr '\n' ' ')
else
    LIBS="$(pkg-config --libs openblas fftw3 libcjson lapacke) -lmpfr -lgmp -lm"
fi

printf '%-34s %9s %9s %9s %9s %9s   %s\n' "model (ns per point)" "exported" "predict" "target" \
    "pred/exp" "tgt/exp" "|exp-pred| err/max|f|"
# family  genz-family  d  tol  [more fit options]
while read -r fam gname d tol more; do
    [ -z "$fam" ] && continue
    "$UA" fit --help | grep -q "^  $fam " || { echo "$fam: not registered in this build, skipped"; continue; }
    vars=$(seq -s, -f 'x%g' 1 "$d")
    formula=$(awk -F'\t' -v f="$gname" -v d="$d" '$1 == f && $2 == d { print $4 }' "$ROOT/tests/data/genz.txt")
    expr=$("$PY" -c "import sys; sys.path.insert(0, '$ROOT/tests/gen'); import genz
print([c['c_expr'] for c in genz.cases([$d]) if c['family'] == '$gname'][0])")
    if ! "$UA" fit "$formula" --vars "$vars" --domain 0:1 --family "$fam" --tol "$tol" ${more:-} \
            --points 2000 --json -o "$OUT/m.safetensors" >"$OUT/fit.json" 2>"$OUT/err.txt" \
            && [ ! -s "$OUT/m.safetensors" ]; then
        echo "$fam $gname d=$d: fit failed: $(tail -c 200 "$OUT/err.txt")"; continue
    fi
    "$UA" export "$OUT/m.safetensors" --type double --name nd_approx -o "$OUT/approx.c" 2>/dev/null
    # shellcheck disable=SC2046
    if ! $CC -std=c11 -O2 -march=native -fopenmp -I"$ROOT/include" -DAPPROX=nd_approx \
            -DDIM="$d" "-DTARGET(x)=($expr)" -o "$OUT/speed" "$ROOT/bench/nd_eval_speed.c" \
            "$OUT/approx.c" "$ROOT/$BUILD/libuniapprox.a" \
            $LIBS 2>"$OUT/cc.txt"; then
        echo "$fam $gname d=$d: does not compile: $(head -c 300 "$OUT/cc.txt")"; continue
    fi
    printf '%-34s %s\n' "$fam $gname d=$d tol=$tol${more:+ $more}" "$("$OUT/speed" "$OUT/m.safetensors" "${UA_BENCH_ROUNDS:-21}")"
done <<'LIST'
chebnd gaussian 2 1e-6
chebnd oscillatory 2 1e-12
chebnd product_peak 3 1e-6
sparse gaussian 4 1e-6
sparse oscillatory 4 1e-6
sparse oscillatory 8 1e-6
sparse oscillatory 6 1e-9
sparse continuous 4 1e-3 --rule localp --max-evals 20000
sparse continuous 2 1e-6 --rule localp
LIST
echo "exported: the model's C export; predict: ua_model_predict on the batch of 4096 points; target: the"
echo "formula compiled in double. Ratios > 1: the export is faster. Medians of alternating rounds."
echo "sparse's export runs the per-point loops (every grid point per evaluation) that ua_model_predict ran"
echo "before its batched clenshaw-curtis evaluation and its descent of the local tree (docs/sparse.md):"
echo "pred/exp < 1 is the speedup of the library's evaluation over those loops, on the same points."
