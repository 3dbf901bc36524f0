#!/bin/sh
# bench/mlp_vs_torch.sh — training throughput (samples per second) and peak memory (max RSS of the
# whole process, /usr/bin/time) of `uniapprox fit --family mlp` against PyTorch 1.13 on CPU, same
# network, data, batch size and optimiser (Adam, lr 1e-3 constant, float32, MSE, shuffled
# minibatches), in one run: d=8 -> 50 -> 1 with batch 32, and d=16 -> 256 -> 256 -> 1 with batch
# 256, each with 1 and 2 threads. Targets (the issue): >= 2x PyTorch's throughput on the small
# network, >= 1x on the larger one, <= 1/2 of its peak memory.
# usage: bench/mlp_vs_torch.sh [BUILD_DIR]      (needs /usr/bin/python3 with torch and numpy)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
PY=${UA_TORCH_PYTHON:-/usr/bin/python3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$PY" -c 'import torch' 2>/dev/null || { echo "bench/mlp_vs_torch.sh: $PY has no torch; skipped"; exit 0; }
"$PY" - "$OUT" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(0)
for d in (8, 16):
    x = rng.standard_normal((20000, d))
    y = np.sin(x @ rng.standard_normal(d) / np.sqrt(d))[:, None]
    np.save(f"{sys.argv[1]}/bench_{d}.npy", np.hstack([x, y]).astype(np.float32))
PY
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
printf '%-22s %3s %12s %12s %7s %10s %10s %7s\n' network thr "ua samples/s" "torch s/s" ratio "ua MiB" "torch MiB" "mem"
# d  hidden  batch  epochs
while read -r d hidden batch epochs; do
    for thr in 1 2; do
        /usr/bin/time -v "$UA" fit --family mlp --data "$OUT/bench_$d.npy" --hidden "$hidden" \
            --batch "$batch" --epochs "$epochs" --val-frac 0 --schedule constant --lr 1e-3 \
            --no-standardize --threads "$thr" --json >"$OUT/ua.json" 2>"$OUT/ua.time"
        ua=$(sed -n 's/.*"samples_per_second":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$OUT/ua.json")
        /usr/bin/time -v "$PY" "$ROOT/bench/mlp_torch.py" "$OUT/bench_$d.npy" "$hidden" "$batch" \
            "$epochs" "$thr" >"$OUT/torch.txt" 2>"$OUT/torch.time"
        pt=$(cat "$OUT/torch.txt")
        awk -v net="$d->$hidden->1 b$batch" -v thr="$thr" -v ua="$ua" -v pt="$pt" \
            -v um="$(rss "$OUT/ua.time")" -v pm="$(rss "$OUT/torch.time")" 'BEGIN {
            printf "%-22s %3d %12.0f %12.0f %6.1fx %10.1f %10.1f %6.2fx\n", net, thr, ua, pt, ua / pt,
                   um / 1024, pm / 1024, um / pm }'
    done
done <<'LIST'
8 50 32 5
16 256x256 256 3
LIST
echo "ratio = uniapprox / PyTorch throughput (>= 2 small, >= 1 large wanted);"
echo "mem = uniapprox / PyTorch peak RSS of the process (<= 0.5 wanted)."
# The yardstick of the large network (docs/mlp.md, "Where the training time goes"): OpenBLAS's
# sgemm rate on this machine, measured now; one sample of 16 -> 256 -> 256 -> 1 costs 411136 flops
# (forward 2 x 69888, weight gradients 2 x 69888, input gradients of layers 2-3 2 x 65792).
if ${CC:-cc} -O2 -o "$OUT/sgemm_rate" "$ROOT/bench/sgemm_rate.c" $(pkg-config --cflags --libs openblas) 2>/dev/null; then
    for thr in 1 2; do
        echo "sgemm GFLOP/s, $thr thread(s): $(OPENBLAS_NUM_THREADS=$thr "$OUT/sgemm_rate" | tr '\n' ' ')(load: $(cut -d' ' -f1-3 /proc/loadavg))"
    done
    echo "large network GFLOP/s = samples/s x 411136 / 1e9; compare with the sgemm rate above"
fi
