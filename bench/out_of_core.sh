#!/bin/sh
# Out-of-core training (docs/data.md, "Out-of-core data"): a float32 table of ROWS rows (default
# 10^8: 4 inputs + 1 target, 2.0 GB) written by bench/gen_big_table.py under $TMPDIR and removed
# afterwards, fitted by rf and mlp with `fit --out-of-core`; the peak resident memory (the
# kernel's maximum RSS from /usr/bin/time -v, MiB) is reported against the file's size and
# asserted to stay within
#     the same command's peak on a 1000x smaller table (the fixed overhead: program, BLAS,
#     model and its Gram matrices, which do not grow with the rows)
#   + the block bound: one block of B rows as doubles, read (5 columns), split (4 + 1), its row
#     order (8 bytes a row) and its mapped float32 pages (20 bytes a row), 96 bytes a row
#   + 32 MiB of slack (allocator and page-cache granularity).
# Run it niced: the machine is shared. Needs about ROWS * 20 bytes of free disk under $TMPDIR.
# usage: bench/out_of_core.sh [BUILD_DIR] [ROWS] [BLOCK_ROWS]
set -eu
BUILD=${1:-build}
ROWS=${2:-100000000}
B=${3:-262144}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
PY=/usr/bin/python3
OUT=$(mktemp -d "${TMPDIR:-/tmp}/ua_ooc.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
SMALL=$((ROWS / 1000))
[ "$SMALL" -ge $((4 * B)) ] || SMALL=$((4 * B))

echo "== out-of-core training: $ROWS x 5 float32 rows, blocks of $B rows ($(nproc) cores; load average $(cut -d' ' -f1 /proc/loadavg)) =="
t0=$(date +%s)
nice -n 10 "$PY" "$ROOT/bench/gen_big_table.py" "$OUT/big.npy" "$ROWS" 1
nice -n 10 "$PY" "$ROOT/bench/gen_big_table.py" "$OUT/small.npy" "$SMALL" 2
echo "generated in $(( $(date +%s) - t0 )) s"
FILE_MIB=$(awk -v b="$(stat -c %s "$OUT/big.npy")" 'BEGIN { printf "%.1f", b / 1048576 }')
BLOCK_MIB=$(awk -v b="$B" 'BEGIN { printf "%.1f", b * 96 / 1048576 }')

num() { sed -n "s/.*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }
peak() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$1" | awk '{ printf "%.1f", $1 / 1024 }'; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/\1/p' "$1"; }

fail=0
printf '%-6s %9s %12s %12s %10s %12s %12s %10s %10s\n' family "file MiB" "peak MiB" "small MiB" \
    "block MiB" "bound MiB" "wall" rmse "rows/s"
run() { # FAMILY OPTIONS...
    fam=$1; shift
    for t in small big; do
        nice -n 10 /usr/bin/time -v "$UA" fit --data "$OUT/$t.npy" --out-of-core --family "$fam" \
            --block-rows "$B" --json "$@" >"$OUT/$fam.$t.json" 2>"$OUT/$fam.$t.time" || {
            echo "FAIL: $fam on $t.npy:"; cat "$OUT/$fam.$t.time"; fail=1; return; }
    done
    pb=$(peak "$OUT/$fam.big.time"); ps=$(peak "$OUT/$fam.small.time")
    bound=$(awk -v s="$ps" -v b="$BLOCK_MIB" 'BEGIN { printf "%.1f", s + b + 32 }')
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/$fam.big.time" |
           awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = 60 * s + $i; print s }')
    printf '%-6s %9s %12s %12s %10s %12s %12s %10.4g %10.3g\n' "$fam" "$FILE_MIB" "$pb" "$ps" \
        "$BLOCK_MIB" "$bound" "$(wall "$OUT/$fam.big.time")" "$(num "$OUT/$fam.big.json" rmse)" \
        "$(awk -v n="$ROWS" -v s="$secs" 'BEGIN { print n / s }')"
    if awk -v p="$pb" -v b="$bound" 'BEGIN { exit !(p <= b) }'; then :; else
        echo "FAIL: $fam peak $pb MiB > bound $bound MiB"; fail=1; fi
}
run rf --features 64 --lambda 1e-4 --threads 2
run mlp --hidden 16x16 --epochs 1 --batch 1024 --val-frac 0.01 --threads 1
echo "rmse: over every row of the big table, streamed (the target's sd is 0.853: variance"
echo "1/2 - sin(4)/8 + 1/9 + 1/45); rows/s: rows of the file per wall second of the whole command"
echo "(statistics pass, fit, measuring pass)"
[ "$fail" -eq 0 ] && echo "peak memory within the block bound for every family"
exit "$fail"
