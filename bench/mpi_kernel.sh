#!/bin/sh
# bench/mpi_kernel.sh — the kernel family's exact solve on 1 against 2 MPI ranks (`mpirun -np R
# uniapprox fit --family kernel ...`, one thread a rank): one process factors the whole n x n
# K + lambda I with LAPACK (dpotrf), 2 ranks with ScaLAPACK's block-cyclic pdpotrf on a 1 x 2
# grid (src/kernel/dist.c), each forming only its own blocks of K. n = 4,000 and 8,000 rows of
# 3 inputs, rbf at lambda 1e-3, gamma 0.5 given (no selection).
# Reports, for each n, the median over rounds (UA_BENCH_ROUNDS, default 3; 1 and 2 ranks
# alternate) of the job's own time (the fit's "fit_seconds": K, the Cholesky and the training-set
# predictions that every rank repeats) and of the whole command's wall time, their 1-rank / 2-rank
# ratios, the CPU time of the whole job (user + system, /usr/bin/time when installed), the
# machine's ceiling for 2 ranks (the 1-rank fit run twice at once as independent processes: the
# slower copy's time; ceiling = 2 x job 1 rk / 2 copies), the memory of K a rank (from the
# model's "solve" line), and how far the 2-rank predictions at the training rows are from the
# 1-rank ones (max |difference| / max |prediction|); the load average before and after.
# usage: bench/mpi_kernel.sh [BUILD_DIR]     (needs mpirun and a build with MPI and ScaLAPACK)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
ROUNDS=${UA_BENCH_ROUNDS:-3}
SIZES=${UA_BENCH_SIZES:-4000 8000}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
command -v mpirun >/dev/null 2>&1 || { echo "bench/mpi_kernel.sh: no mpirun; skipped"; exit 0; }
"$UA" --version | grep -q '^  ScaLAPACK ' ||
    { echo "bench/mpi_kernel.sh: $UA has no ScaLAPACK (UA_SCALAPACK); skipped"; exit 0; }
MPI="mpirun --oversubscribe"
[ "$(id -u)" -eq 0 ] && MPI="$MPI --allow-run-as-root"
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# a rank waiting in a collective yields its core instead of polling (as tests/lib_mpi.sh sets):
# on a shared, oversubscribed machine polling ranks burn the CPU the other rank needs (measured
# at n = 4000: 2.9 s of CPU polling against 1.9 s yielding, the job 7.1 s against 4.2 s)
export OMPI_MCA_mpi_yield_when_idle=1
command -v ssh >/dev/null 2>&1 || command -v rsh >/dev/null 2>&1 || export OMPI_MCA_plm_rsh_agent=sh
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

now() { date +%s.%N; }
TIME=""
[ -x /usr/bin/time ] && TIME="/usr/bin/time -o $OUT/cpu -f %U+%S"
cpu() { [ -n "$TIME" ] && echo "$(cat "$OUT/cpu")" | bc -l || echo nan; }
num() { sed -n "s/.*\"$1\":[[:space:]]*\([0-9.eE+-]*\).*/\1/p" "$2" | head -n 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
FIT="--family kernel --lambda 1e-3 --gamma 0.5 --json"

kfit() { # kfit N RANKS: appends "fit_seconds wall cpu" to $OUT/kN_RANKS
    t0=$(now)
    $TIME $MPI -np "$2" "$UA" fit --data "$OUT/d$1.csv" $FIT -o "$OUT/m$1_$2.st" >"$OUT/f.json"
    t1=$(now)
    echo "$(num fit_seconds "$OUT/f.json") $(echo "$t1 - $t0" | bc -l) $(cpu)" >>"$OUT/k$1_$2"
    [ "$2" = 2 ] && sed -n 's/.*"solve":[[:space:]]*"\([^"]*\)".*/\1/p' "$OUT/f.json" >"$OUT/solve$1"
    return 0
}
pair() { # pair N: the 1-rank fit twice at once, the slower copy's job time to $OUT/pairN
    "$UA" fit --data "$OUT/d$1.csv" $FIT -o "$OUT/pa.st" >"$OUT/pa.json" &
    "$UA" fit --data "$OUT/d$1.csv" $FIT -o "$OUT/pb.st" >"$OUT/pb.json"
    wait
    a=$(num fit_seconds "$OUT/pa.json"); b=$(num fit_seconds "$OUT/pb.json")
    awk -v a="$a" -v b="$b" 'BEGIN { print (a > b) ? a : b }' >>"$OUT/pair$1"
}

for n in $SIZES; do
    awk -v n="$n" 'BEGIN { srand(7); print "a,b,c,y"; for (i = 0; i < n; i++) {
        a = 2 * rand() - 1; b = 2 * rand() - 1; c = 2 * rand() - 1;
        printf "%.17g,%.17g,%.17g,%.17g\n", a, b, c, sin(3 * a) * cos(2 * b) + c * c } }' >"$OUT/d$n.csv"
    awk -F, 'NR > 1 { print $1, $2, $3 }' "$OUT/d$n.csv" >"$OUT/x$n.txt"
done

echo "cores: $(nproc --all); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
    for n in $SIZES; do
        for ranks in 1 2; do kfit "$n" "$ranks"; done
        pair "$n"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

printf '%-28s %9s %9s %6s   %9s %9s %6s   %8s %8s   %9s %7s   %8s\n' \
    "median of $ROUNDS, 1 thread a rank" "job 1 rk" "job 2 rk" "ratio" "wall 1 rk" "wall 2 rk" \
    "ratio" "CPU 1 rk" "CPU 2 rk" "2 copies" "ceiling" "rel diff"
for n in $SIZES; do
    "$UA" eval "$OUT/m${n}_1.st" --input "$OUT/x$n.txt" >"$OUT/p1"
    "$UA" eval "$OUT/m${n}_2.st" --input "$OUT/x$n.txt" >"$OUT/p2"
    rel=$(paste "$OUT/p1" "$OUT/p2" | awk '{ d = $1 - $2; if (d < 0) d = -d; a = $1 < 0 ? -$1 : $1;
        if (d > m) m = d; if (a > s) s = a } END { printf "%.2g\n", m / s }')
    j1=$(cut -d' ' -f1 <"$OUT/k${n}_1" | median); j2=$(cut -d' ' -f1 <"$OUT/k${n}_2" | median)
    w1=$(cut -d' ' -f2 <"$OUT/k${n}_1" | median); w2=$(cut -d' ' -f2 <"$OUT/k${n}_2" | median)
    c1=$(cut -d' ' -f3 <"$OUT/k${n}_1" | median); c2=$(cut -d' ' -f3 <"$OUT/k${n}_2" | median)
    jp=$(median <"$OUT/pair$n")
    awk -v l="kernel rbf, n = $n, d = 3" -v j1="$j1" -v j2="$j2" -v w1="$w1" -v w2="$w2" \
        -v c1="$c1" -v c2="$c2" -v jp="$jp" -v rel="$rel" 'BEGIN {
        printf "%-28s %8.2fs %8.2fs %5.2fx   %8.2fs %8.2fs %5.2fx   %7.2fs %7.2fs   %8.2fs %6.2fx   %8s\n",
               l, j1, j2, j1 / j2, w1, w2, w1 / w2, c1, c2, jp, 2 * j1 / jp, rel }'
    echo "  2 ranks: $(cat "$OUT/solve$n")"
done
echo "2 copies: the 1-rank fit run twice at once as independent processes, the slower copy's job"
echo "time; ceiling = 2 x (job 1 rk) / (2 copies): the most 2 ranks can gain on these 2 cores."
