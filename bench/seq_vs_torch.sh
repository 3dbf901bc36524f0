#!/bin/sh
# bench/seq_vs_torch.sh — training throughput (tokens per second) of `uniapprox fit --family seq`
# against PyTorch 1.13 (bench/seq_torch.py, the same architecture: tests/gen/seq_torch_ref.py's
# SeqTransformer) on CPU, in one run: 2 layers, width 64, 4 heads, FFN 256, relu, LayerNorm,
# softmax attention, n = 128, vocabulary 64 (the copy task), batch 16, Adam lr 1e-3 constant,
# float32, 1 and 2 threads; and the peak RSS of each process. Target (the issue): >= 1.5x.
# usage: bench/seq_vs_torch.sh [BUILD_DIR] [EPOCHS]
set -eu
BUILD=${1:-build}
EPOCHS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
PY=${UA_TORCH_PYTHON:-/usr/bin/python3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$PY" -c 'import torch' 2>/dev/null || { echo "bench/seq_vs_torch.sh: $PY has no torch; skipped"; exit 0; }
"$UA" data copy -o "$OUT/d" --n 128 --vocab 64 --train 640 --test 0 >/dev/null
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
printf '%-34s %3s %12s %12s %7s %8s %9s\n' model thr "ua tok/s" "torch tok/s" ratio "ua MiB" "torch MiB"
for kernel in naive fused; do
    for thr in 1 2; do
        /usr/bin/time -v "$UA" fit --family seq --data "$OUT/d/train_x.npy" --targets "$OUT/d/train_y.npy" \
            --val-frac 0 --schedule constant --lr 1e-3 --epochs "$EPOCHS" --batch 16 --kernel $kernel \
            --threads "$thr" --json >"$OUT/ua.json" 2>"$OUT/ua.time"
        ua=$(sed -n 's/.*"tokens_per_second":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$OUT/ua.json")
        /usr/bin/time -v "$PY" "$ROOT/bench/seq_torch.py" train "$OUT/d/train_x.npy" "$OUT/d/train_y.npy" \
            16 "$EPOCHS" "$thr" >"$OUT/torch.txt" 2>"$OUT/torch.time"
        pt=$(cat "$OUT/torch.txt")
        awk -v k="L2 C64 H4 n128 b16 ($kernel)" -v thr="$thr" -v ua="$ua" -v pt="$pt" \
            -v um="$(rss "$OUT/ua.time")" -v pm="$(rss "$OUT/torch.time")" 'BEGIN {
            printf "%-34s %3d %12.0f %12.0f %6.2fx %8.1f %9.1f\n", k, thr, ua, pt, ua / pt, um / 1024, pm / 1024 }'
    done
done
echo "ratio = uniapprox / PyTorch training throughput, same model, data, batch and optimiser (>= 1.5 wanted)."
