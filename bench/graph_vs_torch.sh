#!/bin/sh
# bench/graph_vs_torch.sh — training throughput (graphs per second) and peak memory of
# `uniapprox fit --family graph` against the same GPS network in plain PyTorch 1.13
# (bench/graph_vs_torch.py, tests/gen/graph_torch.py's module), on CPU, in one run: the default
# architecture (width 64, 4 layers, 4 heads, GINE + attention, RWSE 20 -> 16, sum pooling, AdamW
# lr 1e-3, batch 32, float32) on two generated tasks (`uniapprox data graphs`): molecule (1000
# graphs of 6..24 atoms with bond features) and CSL (150 graphs of 41 nodes), 1 and 2 threads.
# Both sides read the same file and train on minibatches of the same size; the encodings are
# computed before each side's clock starts. Goal (issue 18): >= 2x PyTorch.
# usage: bench/graph_vs_torch.sh [BUILD_DIR] [ROUNDS]   (ROUNDS default 3: medians of alternating
# rounds; uniapprox's graphs/s is its fit's own "graphs_per_second", which includes the final
# PreciseBN pass over the training set)
set -eu
BUILD=${1:-build}
ROUNDS=${2:-${UA_BENCH_ROUNDS:-3}}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
PY=${UA_TORCH_PYTHON:-/usr/bin/python3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$PY" -c 'import torch' 2>/dev/null || { echo "bench/graph_vs_torch.sh: $PY has no torch; skipped"; exit 0; }
"$UA" data graphs molecule -o "$OUT/molecule.jsonl" --seed 1 >/dev/null 2>&1
"$UA" data graphs csl -o "$OUT/csl.jsonl" --seed 1 >/dev/null 2>&1
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
med() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
printf '%-10s %6s %3s %10s %10s %7s %13s %7s %9s\n' task epochs thr "ua g/s" "torch g/s" ratio \
    "round ratios" "ua MiB" "torch MiB"
for cfg in "molecule 2" "csl 10"; do
    set -- $cfg
    task=$1
    epochs=$2
    for thr in 1 2; do
        : >"$OUT/ua.list"
        : >"$OUT/pt.list"
        : >"$OUT/ratio.list"
        : >"$OUT/uam.list"
        : >"$OUT/ptm.list"
        r=0
        while [ "$r" -lt "$ROUNDS" ]; do
            r=$((r + 1))
            /usr/bin/time -v "$UA" fit --family graph --graphs "$OUT/$task.jsonl" --epochs "$epochs" \
                --batch-size 32 --warmup 0 --threads "$thr" --json -o "$OUT/m.uam" >"$OUT/ua.json" 2>"$OUT/ua.time"
            ua=$(sed -n 's/.*"graphs_per_second":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$OUT/ua.json" | head -n 1)
            /usr/bin/time -v "$PY" "$ROOT/bench/graph_vs_torch.py" "$OUT/$task.jsonl" 32 "$epochs" "$thr" \
                >"$OUT/torch.txt" 2>"$OUT/torch.time"
            pt=$(cat "$OUT/torch.txt")
            echo "$ua" >>"$OUT/ua.list"
            echo "$pt" >>"$OUT/pt.list"
            rss "$OUT/ua.time" >>"$OUT/uam.list"
            rss "$OUT/torch.time" >>"$OUT/ptm.list"
            awk -v a="$ua" -v b="$pt" 'BEGIN { print a / b }' >>"$OUT/ratio.list"
        done
        awk -v k="$task" -v ep="$epochs" -v thr="$thr" -v ua="$(med <"$OUT/ua.list")" \
            -v pt="$(med <"$OUT/pt.list")" -v lo="$(sort -g "$OUT/ratio.list" | head -1)" \
            -v hi="$(sort -g "$OUT/ratio.list" | tail -1)" -v um="$(med <"$OUT/uam.list")" \
            -v pm="$(med <"$OUT/ptm.list")" 'BEGIN {
            printf "%-10s %6d %3d %10.0f %10.0f %6.2fx %6.2f-%-6.2f %7.1f %9.1f\n", k, ep, thr, ua, pt,
                ua / pt, lo, hi, um / 1024, pm / 1024 }'
    done
done
echo "ratio = median uniapprox / median PyTorch training throughput over $ROUNDS alternating rounds"
echo "(>= 2 wanted); round ratios: the lowest and highest of the rounds; MiB: median peak RSS of the"
echo "whole process (PyTorch's includes its libraries: importing torch and numpy alone took 234 MiB)."
