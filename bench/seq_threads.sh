#!/bin/sh
# bench/seq_threads.sh — the seq family's 2-thread training speed-up read against what this
# machine's second core can give, as bench/mlp_threads.sh does for mlp: `uniapprox fit --family
# seq` on the copy task of bench/seq_vs_torch.sh (2 layers, width 64, 4 heads, n = 128, vocabulary
# 64, 640 sequences, batch 16, Adam lr 1e-3 constant, float32, the default attention kernel) with
# --threads 1, with --threads 2 (OMP_WAIT_POLICY=passive and the default), and the 1-thread fit
# run twice at once as two independent processes (the ceiling). Rounds alternate
# (UA_BENCH_ROUNDS, default 3); medians of the tokens per second the fit reports, the ratios, and
# the load average (a shared machine moves every figure).
# usage: bench/seq_threads.sh [BUILD_DIR [EPOCHS]]
set -eu
BUILD=${1:-build}
EPOCHS=${2:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
ROUNDS=${UA_BENCH_ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$UA" data copy -o "$OUT/d" --n 128 --vocab 64 --train 640 --test 0 >/dev/null
tps() { sed -n 's/.*"tokens_per_second":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$1"; }
fit() { # fit THREADS JSON (the model goes beside the JSON: the two copies at once write apart)
    "$UA" fit --family seq --data "$OUT/d/train_x.npy" --targets "$OUT/d/train_y.npy" --val-frac 0 \
        --schedule constant --lr 1e-3 --epochs "$EPOCHS" --batch 16 --threads "$1" --json \
        -o "${2%.json}.safetensors" >"$2"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "cores: $(nproc --all); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
    OMP_WAIT_POLICY=passive fit 1 "$OUT/a.json"; tps "$OUT/a.json" >>"$OUT/one"
    OMP_WAIT_POLICY=passive fit 2 "$OUT/b.json"; tps "$OUT/b.json" >>"$OUT/two"
    fit 2 "$OUT/c.json"; tps "$OUT/c.json" >>"$OUT/spin"
    OMP_WAIT_POLICY=passive fit 1 "$OUT/p.json" & OMP_WAIT_POLICY=passive fit 1 "$OUT/q.json"; wait
    echo "$(tps "$OUT/p.json") $(tps "$OUT/q.json")" | awk '{ print $1 + $2 }' >>"$OUT/pair"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
one=$(median <"$OUT/one"); two=$(median <"$OUT/two"); spin=$(median <"$OUT/spin"); pair=$(median <"$OUT/pair")
printf '%-52s %14s %9s\n' "seq copy task n 128, batch 16, median of $ROUNDS rounds" "tokens/s" "vs 1 thr"
awk -v o="$one" -v t="$two" -v s="$spin" -v p="$pair" 'BEGIN {
    printf "%-52s %14.0f %8.2fx\n", "--threads 1", o, 1
    printf "%-52s %14.0f %8.2fx\n", "--threads 2, OMP_WAIT_POLICY=passive", t, t / o
    printf "%-52s %14.0f %8.2fx\n", "--threads 2, OpenMP default waits", s, s / o
    printf "%-52s %14.0f %8.2fx\n", "ceiling: two 1-thread fits at once, summed", p, p / o }'
