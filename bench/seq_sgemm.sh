#!/bin/sh
# bench/seq_sgemm.sh — the seq family's 1-thread training rate against the machine's sgemm rate,
# as docs/mlp.md reads the large network's: the copy task of bench/seq_threads.sh (2 layers, width
# 64, 4 heads, FFN 256, n = 128, vocabulary 64, batch 16, 640 sequences, 2 epochs, --threads 1),
# its tokens per second times the flops of its matrix products per token, against OpenBLAS sgemm
# on one thread: square (bench/sgemm_rate.c) and doing the calls one training step makes
# (bench/seq_sgemm_rate.c: the same shapes, transposes, strides and beta). Rounds alternate the three (UA_BENCH_ROUNDS, default 3); medians.
# Flops per token: a layer's forward products 8 C^2 (Q, K, V, output) + 4 C F (FFN) + 4 n C (the
# scores and P V against all n keys), the readout 2 C V, the backward twice the forward:
# 3 (2 (8 C^2 + 4 C F + 4 n C) + 2 C V) = 811,008. Element-wise work (LayerNorm, softmax, the
# loss, Adam) is not counted: it is what the fraction pays for.
# usage: bench/seq_sgemm.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
ROUNDS=${UA_BENCH_ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# shellcheck disable=SC2046
${CC:-cc} -O2 -o "$OUT/sgemm_rate" "$ROOT/bench/sgemm_rate.c" $(pkg-config --cflags --libs openblas)
# shellcheck disable=SC2046
${CC:-cc} -O2 -o "$OUT/seq_rate" "$ROOT/bench/seq_sgemm_rate.c" $(pkg-config --cflags --libs openblas)
"$UA" data copy -o "$OUT/d" --n 128 --vocab 64 --train 640 --test 0 >/dev/null
FLOPS=811008
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$ROUNDS"); do
    OPENBLAS_NUM_THREADS=1 "$OUT/sgemm_rate" | sed -n 's/^square *//p' >>"$OUT/square"
    OPENBLAS_NUM_THREADS=1 "$OUT/seq_rate" >>"$OUT/shapes"
    "$UA" fit --family seq --data "$OUT/d/train_x.npy" --targets "$OUT/d/train_y.npy" --val-frac 0 \
        --schedule constant --lr 1e-3 --epochs 2 --batch 16 --threads 1 --json -o "$OUT/m.safetensors" >"$OUT/fit.json"
    sed -n 's/.*"tokens_per_second":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$OUT/fit.json" >>"$OUT/tps"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
SQ=$(median <"$OUT/square") SH=$(median <"$OUT/shapes") TPS=$(median <"$OUT/tps")
awk -v sq="$SQ" -v sh="$SH" -v tps="$TPS" -v f="$FLOPS" -v r="$ROUNDS" 'BEGIN {
    g = tps * f / 1e9
    printf "seq copy task, 1 thread, medians of %d rounds\n", r
    printf "training           %9.0f tokens/s = %6.1f GFLOP/s (%d flops a token)\n", tps, g, f
    printf "sgemm, square      %26.1f GFLOP/s   seq / sgemm %5.1f%%\n", sq, 100 * g / sq
    printf "sgemm, its calls   %26.1f GFLOP/s   seq / sgemm %5.1f%%\n", sh, 100 * g / sh }'
