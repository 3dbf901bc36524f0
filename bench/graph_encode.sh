#!/bin/sh
# bench/graph_encode.sh — preprocessing time of the graph family's node encodings for 10^4 graphs:
# RWSE (K = 20 steps) and LapPE (k = 8 eigenvectors), uniapprox (src/graph/encode.h, through
# bench/graph_encode.c) against numpy/scipy doing the same (bench/graph_encode.py): one graph at a
# time as PyTorch Geometric's AddRandomWalkPE / AddLaplacianEigenvectorPE transforms do, and
# batched by graph size. Two data sets from `uniapprox data graphs`: molecule (6..24 atoms, ZINC's
# scale) and csl (41 nodes, 4-regular). ROUNDS alternating rounds (uniapprox, then numpy); each
# process times its own computation (the file read excluded) as the median of 3 runs after a
# warm-up; the table gives the medians over the rounds and the ratio numpy / uniapprox. The last
# columns compare the values: max |difference| of the RWSE and of the LapPE eigenvalues.
# usage: bench/graph_encode.sh [BUILD_DIR [ROUNDS [THREADS]]]
set -eu
BUILD=${1:-build}
ROUNDS=${2:-${UA_BENCH_ROUNDS:-5}}
THR=${3:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${UA_PYTHON:-/usr/bin/python3}
CC=${CC:-cc}
UA="$ROOT/$BUILD/uniapprox"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
$CC -std=c11 -O2 -I"$ROOT/include" -I"$ROOT/src" -o "$OUT/enc" "$ROOT/bench/graph_encode.c" \
    -L"$ROOT/$BUILD" -luniapprox -Wl,-rpath,"$ROOT/$BUILD"
export OMP_NUM_THREADS=$THR OPENBLAS_NUM_THREADS=$THR MKL_NUM_THREADS=$THR
K=20
k=8
med() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-9s %-6s %11s %11s %8s %13s %8s %12s %10s\n' "graphs" "enc" "uniapprox s" "numpy/PyG s" \
    "ratio" "numpy batch s" "ratio" "max |diff|" "padded"
for task in molecule csl; do
    "$UA" data graphs $task --n 10000 --seed 1 -o "$OUT/$task.jsonl" >/dev/null
    : >"$OUT/c.txt"
    : >"$OUT/p.txt"
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        "$OUT/enc" "$OUT/$task.jsonl" $K $k 3 "$OUT/vals" >>"$OUT/c.txt"
        "$PY" "$ROOT/bench/graph_encode.py" "$OUT/$task.jsonl" $K $k 3 "$OUT/vals" >>"$OUT/p.txt"
        r=$((r + 1))
    done
    cr=$(cut -d' ' -f1 "$OUT/c.txt" | med); cl=$(cut -d' ' -f2 "$OUT/c.txt" | med)
    pr=$(cut -d' ' -f1 "$OUT/p.txt" | med); pl=$(cut -d' ' -f2 "$OUT/p.txt" | med)
    br=$(cut -d' ' -f3 "$OUT/p.txt" | med); bl=$(cut -d' ' -f4 "$OUT/p.txt" | med)
    dr=$(cut -d' ' -f5 "$OUT/p.txt" | sort -g | tail -n 1); dv=$(cut -d' ' -f6 "$OUT/p.txt" | sort -g | tail -n 1)
    nodes=$(head -n 1 "$OUT/c.txt" | cut -d' ' -f4); pad=$(head -n 1 "$OUT/c.txt" | cut -d' ' -f5)
    awk -v t="$task" -v n="$nodes" -v cr="$cr" -v cl="$cl" -v pr="$pr" -v pl="$pl" -v br="$br" \
        -v bl="$bl" -v dr="$dr" -v dv="$dv" -v pad="$pad" 'BEGIN {
        printf "%-9s %-6s %11.4f %11.4f %7.1fx %13.4f %7.1fx %12s %10s\n", t, "rwse", cr, pr, pr / cr, br, br / cr, dr, "-"
        printf "%-9s %-6s %11.4f %11.4f %7.1fx %13.4f %7.1fx %12s %10s\n", "(" n " n.)", "lappe", cl, pl, pl / cl, bl, bl / cl, dv, pad }'
done
echo "10^4 graphs each; K = $K RWSE steps, k = $k LapPE eigenvectors; $THR thread(s) on each side;"
echo "medians of $ROUNDS alternating rounds (each the median of 3 runs after a warm-up, file read"
echo "excluded); ratio = numpy time / uniapprox time (> 1: uniapprox is faster). max |diff|: RWSE"
echo "values and LapPE eigenvalues, uniapprox against both numpy versions. padded: LapPE entries"
echo "of graphs with fewer than k nodes, filled with 0 and counted (ua_graph_lappe_stats)."
