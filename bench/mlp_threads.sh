#!/bin/sh
# bench/mlp_threads.sh — the large network's 2-thread speed-up read against what this machine's
# second core can give: `uniapprox fit --family mlp` (16 -> 256 -> 256 -> 1, float32, Adam, batch
# 256, 40,000 rows) with --threads 1, with --threads 2 (OMP_WAIT_POLICY=passive and the default),
# and the 1-thread fit run twice at once as two independent processes (the ceiling: nothing a
# program does inside one process can beat two copies that share nothing). Rounds alternate
# (UA_BENCH_ROUNDS, default 3); medians of the samples per second the fit reports, the ratios,
# and the load average (a shared machine moves every figure).
# usage: bench/mlp_threads.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
ROUNDS=${UA_BENCH_ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
awk 'BEGIN { srand(3); for (j = 0; j < 16; j++) printf "x%d,", j; print "y";
    for (i = 0; i < 40000; i++) { s = 0; line = "";
        for (j = 0; j < 16; j++) { v = 2 * rand() - 1; s += v * (j % 3 - 1); line = line sprintf("%.7g,", v) }
        print line sprintf("%.7g", sin(s)) } }' >"$OUT/d.csv"
DATA="$OUT/d.csv"
sps() { sed -n 's/.*"samples_per_second":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$1"; }
fit() { # fit THREADS JSON (the model goes beside the JSON: the two copies at once write apart)
    "$UA" fit --family mlp --data "$DATA" --hidden 256x256 --batch 256 --epochs 6 --val-frac 0 \
        --schedule constant --lr 1e-3 --threads "$1" --json -o "${2%.json}.safetensors" >"$2"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "cores: $(nproc --all); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
    OMP_WAIT_POLICY=passive fit 1 "$OUT/a.json"; sps "$OUT/a.json" >>"$OUT/one"
    OMP_WAIT_POLICY=passive fit 2 "$OUT/b.json"; sps "$OUT/b.json" >>"$OUT/two"
    fit 2 "$OUT/c.json"; sps "$OUT/c.json" >>"$OUT/spin"
    OMP_WAIT_POLICY=passive fit 1 "$OUT/p.json" & OMP_WAIT_POLICY=passive fit 1 "$OUT/q.json"; wait
    echo "$(sps "$OUT/p.json") $(sps "$OUT/q.json")" | awk '{ print $1 + $2 }' >>"$OUT/pair"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
one=$(median <"$OUT/one"); two=$(median <"$OUT/two"); spin=$(median <"$OUT/spin"); pair=$(median <"$OUT/pair")
printf '%-52s %14s %9s\n' "16->256->256->1, batch 256, median of $ROUNDS rounds" "samples/s" "vs 1 thr"
awk -v o="$one" -v t="$two" -v s="$spin" -v p="$pair" 'BEGIN {
    printf "%-52s %14.0f %8.2fx\n", "--threads 1", o, 1
    printf "%-52s %14.0f %8.2fx\n", "--threads 2, OMP_WAIT_POLICY=passive", t, t / o
    printf "%-52s %14.0f %8.2fx\n", "--threads 2, OpenMP default waits", s, s / o
    printf "%-52s %14.0f %8.2fx\n", "ceiling: two 1-thread fits at once, summed", p, p / o }'
