#!/bin/sh
# bench/cores_ceiling.sh — what a second core gives on this machine, measured without uniapprox:
# the ceiling any 2-thread or 2-rank speed-up of uniapprox (docs/scale.md, docs/mlp.md) is read
# against. Three workloads, each alone and then two copies at once as independent processes (no
# shared memory, no synchronisation: nothing a program could do better):
#   sgemm square   — OpenBLAS sgemm 1024^3, one thread (the dense-product bound of rf's Gram
#                    matrix, the kernel family's Cholesky and every mlp training step);
#   sgemm mlp_step — the five products of a 16 -> 256 -> 256 -> 1 training step at batch 256;
#   scalar         — a dependent chain of double divisions (latency bound, no vector unit).
# Also OpenBLAS with 2 threads on the square product (one process, the library's own split).
# For each: the rate of one copy alone, of each of two copies at once, and the ceiling
# = (sum of the two copies' rates) / (one copy's rate). Two physical cores give ~2.0 for every
# row; two hyperthreads of one core, or cores sharing one vector unit, give well under 2 on the
# vector rows. Rounds alternate the single and paired runs (UA_BENCH_ROUNDS, default 5); medians.
# usage: bench/cores_ceiling.sh        (needs cc and OpenBLAS through pkg-config)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${UA_BENCH_ROUNDS:-5}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
CC=${CC:-cc}
$CC -O2 -o "$OUT/sgemm_rate" "$ROOT/bench/sgemm_rate.c" $(pkg-config --cflags --libs openblas)
cat >"$OUT/scalar.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
/* n dependent double divisions; prints millions of divisions per second */
int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 400000000L;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    double s = 0;
    for (long i = 0; i < n; i++) s += 1.0 / (double)(i + 1);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double t = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
    printf("scalar %.1f %.17g\n", (double)n / t * 1e-6, s);
    return 0;
}
C
$CC -O1 -o "$OUT/scalar" "$OUT/scalar.c"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# rates FILE KEY: the value printed after KEY
rate() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

echo "cores: $(nproc --all); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
    "$OUT/sgemm_rate" 41 >"$OUT/one"
    "$OUT/sgemm_rate" 41 >"$OUT/pa" & "$OUT/sgemm_rate" 41 >"$OUT/pb"; wait
    OPENBLAS_NUM_THREADS=2 "$OUT/sgemm_rate" 41 >"$OUT/two"
    "$OUT/scalar" >"$OUT/sone"
    "$OUT/scalar" >"$OUT/spa" & "$OUT/scalar" >"$OUT/spb"; wait
    for k in square mlp_step; do
        rate "$OUT/one" $k >>"$OUT/$k.one"
        echo "$(rate "$OUT/pa" $k) $(rate "$OUT/pb" $k)" | awk '{ print $1 + $2 }' >>"$OUT/$k.pair"
        echo "$(rate "$OUT/pa" $k) $(rate "$OUT/pb" $k)" | awk '{ print $1 < $2 ? $1 : $2 }' >>"$OUT/$k.each"
    done
    rate "$OUT/two" square >>"$OUT/square.threads"
    rate "$OUT/sone" scalar >>"$OUT/scalar.one"
    echo "$(rate "$OUT/spa" scalar) $(rate "$OUT/spb" scalar)" | awk '{ print $1 + $2 }' >>"$OUT/scalar.pair"
    echo "$(rate "$OUT/spa" scalar) $(rate "$OUT/spb" scalar)" | awk '{ print $1 < $2 ? $1 : $2 }' >>"$OUT/scalar.each"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %12s %18s %12s %9s\n' "median of $ROUNDS rounds" "one alone" "each of two (min)" "two summed" "ceiling"
for k in square mlp_step scalar; do
    one=$(median <"$OUT/$k.one"); each=$(median <"$OUT/$k.each"); pair=$(median <"$OUT/$k.pair")
    unit="GFLOP/s"
    label="sgemm $k, 1 thread"
    [ "$k" = scalar ] && { unit="M div/s"; label="scalar divisions"; }
    awk -v l="$label ($unit)" -v o="$one" -v e="$each" -v p="$pair" 'BEGIN {
        printf "%-34s %12.1f %18.1f %12.1f %8.2fx\n", l, o, e, p, p / o }'
done
one=$(median <"$OUT/square.one"); two=$(median <"$OUT/square.threads")
awk -v o="$one" -v t="$two" 'BEGIN { printf "%-34s %12.1f %18s %12.1f %8.2fx\n",
    "sgemm square, OpenBLAS 2 threads", o, "-", t, t / o }'
echo "ceiling: what two copies (or two threads) deliver together over one alone; a 2-rank or"
echo "2-thread speed-up of work bound by the same resource cannot exceed it on this machine."
