#!/bin/sh
# bench/seq_attention.sh — the fused attention kernel (forward + backward; tiles, O(n) memory)
# against the naive one (OpenBLAS GEMMs, the n x n matrices held) and against PyTorch 1.13's
# attention (explicit softmax(Q K^T / sqrt(D)) V with autograd; 1.13 has no fused CPU kernel), for
# one sequence of H = 4 heads of width D = 32, n = 512, 2048, 8192, in one run: best time of REPS
# and the peak RSS of each process (/usr/bin/time). Softmax for all three, sigmoid for ours.
# usage: bench/seq_attention.sh [BUILD_DIR] [THREADS]
set -eu
BUILD=${1:-build}
THR=${2:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${UA_TORCH_PYTHON:-/usr/bin/python3}
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
$CC -std=c11 -O2 -fopenmp -I"$ROOT/include" -I"$ROOT/src" -o "$OUT/attn" "$ROOT/bench/seq_attention.c" \
    "$ROOT/$BUILD/libuniapprox.a" $(pkg-config --libs openblas fftw3 libcjson lapacke) -lmpfr -lgmp -lm
export OMP_NUM_THREADS=$THR OPENBLAS_NUM_THREADS=$THR
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
printf '%-6s %-8s %10s %10s %10s %9s %9s %10s %10s %10s %10s\n' n att "fused s" "naive s" "torch s" \
    "f/naive" "f/torch" "fused MiB" "naive MiB" "torch MiB" "mem f/t"
for n in 512 2048 8192; do
    reps=5; [ "$n" -ge 8192 ] && reps=1
    for att in softmax sigmoid; do
        /usr/bin/time -v "$OUT/attn" fused $att $n 4 32 $reps >"$OUT/f.txt" 2>"$OUT/f.time"
        /usr/bin/time -v "$OUT/attn" naive $att $n 4 32 $reps >"$OUT/n.txt" 2>"$OUT/n.time"
        if [ $att = softmax ] && "$PY" -c 'import torch' 2>/dev/null; then
            /usr/bin/time -v "$PY" "$ROOT/bench/seq_torch.py" attn $n 4 32 "$THR" $reps >"$OUT/t.txt" 2>"$OUT/t.time"
            tt=$(cat "$OUT/t.txt"); tm=$(rss "$OUT/t.time")
        else
            tt=nan; tm=nan
        fi
        awk -v n=$n -v att=$att -v f="$(cut -d' ' -f1 "$OUT/f.txt")" -v nv="$(cut -d' ' -f1 "$OUT/n.txt")" \
            -v t="$tt" -v fm="$(rss "$OUT/f.time")" -v nm="$(rss "$OUT/n.time")" -v tm="$tm" 'BEGIN {
            printf "%-6d %-8s %10.4f %10.4f %10s %8.2fx %9s %10.1f %10.1f %10s %10s\n", n, att, f, nv,
                   t == "nan" ? "-" : sprintf("%.4f", t), f / nv,
                   t == "nan" ? "-" : sprintf("%.2fx", f / t), fm / 1024, nm / 1024,
                   tm == "nan" ? "-" : sprintf("%.1f", tm / 1024),
                   tm == "nan" ? "-" : sprintf("%.3fx", fm / tm) }'
    done
done
echo "times: forward + backward, best of 5 (1 at n = 8192), $THR threads; x < 1 means the fused kernel"
echo "is faster / smaller. MiB: peak RSS of the whole process (inputs and outputs are O(n H D))."
