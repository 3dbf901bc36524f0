#!/bin/sh
# The demo's wall time: `uniapprox demo` (five problems through the one engine: fit, independent
# measurement, export) run ROUNDS times (default 3); the median wall time of the whole command and
# of each row. usage: bench/demo_time.sh [BUILD_DIR] [ROUNDS]
set -eu
BUILD=${1:-build}
ROUNDS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
i=0
while [ "$i" -lt "$ROUNDS" ]; do
    t0=$(date +%s.%N)
    "$UA" demo --json >"$OUT/demo$i.json" || true
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$OUT/wall.txt"
    i=$((i + 1))
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf 'uniapprox demo: median wall time %s s over %s rounds (%s cores)\n' \
    "$(median <"$OUT/wall.txt")" "$ROUNDS" "$(nproc)"
printf '%-28s %-8s %10s %10s\n' "row" "family" "fit s" "all s"
/usr/bin/python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
runs = [json.load(open(f"{out}/demo{i}.json")) for i in range(rounds)]
for k, row in enumerate(runs[0]):
    fit = statistics.median(r[k]["fit_seconds"] for r in runs)
    tot = statistics.median(r[k]["seconds"] for r in runs)
    print(f"{row['problem']:<28} {row['family']:<8} {fit:10.3f} {tot:10.3f}")
PY
