#!/bin/sh
# bench/seq_vs_torch.sh — training throughput (tokens per second) of `uniapprox fit --family seq`
# against PyTorch 1.13 (bench/seq_torch.py, the same architecture: tests/gen/seq_torch_ref.py's
# SeqTransformer) on CPU, in one run: 2 layers, width 64, 4 heads, FFN 256, relu, LayerNorm,
# softmax attention, n = 128, vocabulary 64 (the copy task), batch 16, Adam lr 1e-3 constant,
# float32, 1 and 2 threads; and the peak RSS of each process. Target (the issue): >= 1.5x.
# usage: bench/seq_vs_torch.sh [BUILD_DIR] [EPOCHS]   (UA_BENCH_ROUNDS: repetitions, default 5)
set -eu
BUILD=${1:-build}
EPOCHS=${2:-3}
ROUNDS=${UA_BENCH_ROUNDS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
PY=${UA_TORCH_PYTHON:-/usr/bin/python3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$PY" -c 'import torch' 2>/dev/null || { echo "bench/seq_vs_torch.sh: $PY has no torch; skipped"; exit 0; }
"$UA" data copy -o "$OUT/d" --n 128 --vocab 64 --train 640 --test 0 >/dev/null
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
med() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# Both sides are noisy on a shared machine (PyTorch's throughput has varied 20x between runs), so
# each configuration runs ROUNDS times, uniapprox and PyTorch alternating, and the table gives the
# medians, their ratio, and the range of the per-round ratios.
printf '%-26s %3s %11s %11s %7s %13s %7s %9s\n' model thr "ua tok/s" "torch tok/s" ratio "round ratios" "ua MiB" "torch MiB"
for kernel in naive fused; do
    for thr in 1 2; do
        : >"$OUT/ua.list"
        : >"$OUT/pt.list"
        : >"$OUT/ratio.list"
        r=0
        while [ "$r" -lt "$ROUNDS" ]; do
            r=$((r + 1))
            /usr/bin/time -v "$UA" fit --family seq --data "$OUT/d/train_x.npy" --targets "$OUT/d/train_y.npy" \
                --val-frac 0 --schedule constant --lr 1e-3 --epochs "$EPOCHS" --batch 16 --kernel $kernel \
                --threads "$thr" --json >"$OUT/ua.json" 2>"$OUT/ua.time"
            ua=$(sed -n 's/.*"tokens_per_second":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$OUT/ua.json")
            /usr/bin/time -v "$PY" "$ROOT/bench/seq_torch.py" train "$OUT/d/train_x.npy" "$OUT/d/train_y.npy" \
                16 "$EPOCHS" "$thr" >"$OUT/torch.txt" 2>"$OUT/torch.time"
            pt=$(cat "$OUT/torch.txt")
            echo "$ua" >>"$OUT/ua.list"
            echo "$pt" >>"$OUT/pt.list"
            awk -v a="$ua" -v b="$pt" 'BEGIN { print a / b }' >>"$OUT/ratio.list"
        done
        awk -v k="L2 C64 H4 n128 b16 $kernel" -v thr="$thr" -v ua="$(med <"$OUT/ua.list")" \
            -v pt="$(med <"$OUT/pt.list")" -v lo="$(sort -g "$OUT/ratio.list" | head -1)" \
            -v hi="$(sort -g "$OUT/ratio.list" | tail -1)" -v um="$(rss "$OUT/ua.time")" \
            -v pm="$(rss "$OUT/torch.time")" 'BEGIN {
            printf "%-26s %3d %11.0f %11.0f %6.2fx %6.2f-%-6.2f %7.1f %9.1f\n", k, thr, ua, pt, ua / pt, lo, hi,
                um / 1024, pm / 1024 }'
    done
done
echo "ratio = median uniapprox / median PyTorch training throughput over $ROUNDS alternating rounds; same"
echo "model, data, batch and optimiser (>= 1.5 wanted). round ratios: the lowest and highest of the rounds."
