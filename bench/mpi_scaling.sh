#!/bin/sh
# bench/mpi_scaling.sh — 1 against 2 MPI ranks (`mpirun -np R uniapprox ...`, one thread a rank)
# for the two jobs that split their work over the ranks without a step-by-step exchange:
#   * rf at a fixed lambda: 40,000 rows x 8 inputs, 1,000 features (each rank its rows' float32
#     Gram matrix, one exchange of m (m + 1) / 2 + m + 2 doubles, conjugate-gradient steps
#     exchanging m, the reported RMSE's sum of squares);
#   * check --exhaustive: every float of [0.5, 4] (25,165,825 floats) through a float kernel
#     against sin(x) (each rank a block of the floats, one exchange of the results).
# Reports, for each, the median over rounds (UA_BENCH_ROUNDS, default 3; 1 and 2 ranks alternate)
# of the job's own time (the fit's "fit_seconds", the check's "seconds": what the split speeds
# up) and of the whole command's wall time (with MPI's start-up and the reading of the data), and
# the 1-rank / 2-rank ratios, and the CPU time of the whole job (user + system of mpirun and its
# ranks, by /usr/bin/time when installed): the split should leave it nearly unchanged, so that 2
# ranks on 2 idle cores take about half the time; with the load average before and after: on a
# shared machine the wall-time ratios say as much about the load as about uniapprox.
# usage: bench/mpi_scaling.sh [BUILD_DIR]     (needs mpirun and a build with MPI)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
ROUNDS=${UA_BENCH_ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
command -v mpirun >/dev/null 2>&1 || { echo "bench/mpi_scaling.sh: no mpirun; skipped"; exit 0; }
"$UA" --version | grep -q '^  MPI  ' || { echo "bench/mpi_scaling.sh: $UA has no MPI; skipped"; exit 0; }
MPI="mpirun --oversubscribe"
[ "$(id -u)" -eq 0 ] && MPI="$MPI --allow-run-as-root"
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# mpirun wants ssh or rsh even for local ranks (never used here): a container may have neither
command -v ssh >/dev/null 2>&1 || command -v rsh >/dev/null 2>&1 || export OMPI_MCA_plm_rsh_agent=sh
CORES=$(nproc --all)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

awk 'BEGIN { srand(7); print "x1,x2,x3,x4,x5,x6,x7,x8,y";
    for (i = 0; i < 40000; i++) { s = 0; line = "";
        for (j = 0; j < 8; j++) { v = 2 * rand() - 1; s += sin((j + 1) * v); line = line sprintf("%.9g,", v) }
        print line sprintf("%.9g", s) } }' >"$OUT/rf.csv"
cat >"$OUT/k.c" <<'C'
#include <math.h>
float k(float x) { return (float)sin((double)x); }
C

now() { date +%s.%N; }
TIME=""
[ -x /usr/bin/time ] && TIME="/usr/bin/time -o $OUT/cpu -f %U+%S"
cpu() { [ -n "$TIME" ] && echo "$(cat "$OUT/cpu")" | bc -l || echo nan; }
num() { sed -n "s/.*\"$1\":[[:space:]]*\([0-9.eE+-]*\).*/\1/p" "$2" | head -n 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rf() { # rf RANKS: appends "fit_seconds wall" to $OUT/rfRANKS
    t0=$(now)
    $TIME $MPI -np "$1" "$UA" fit --data "$OUT/rf.csv" --family rf --features 1000 --lambda 1 \
        -o "$OUT/rf.safetensors" --json >"$OUT/rf.json"
    t1=$(now)
    echo "$(num fit_seconds "$OUT/rf.json") $(echo "$t1 - $t0" | bc -l) $(cpu)" >>"$OUT/rf$1"
}
ex() { # ex RANKS
    t0=$(now)
    $TIME $MPI -np "$1" "$UA" check --exhaustive --kernel "$OUT/k.c" --symbol k \
        --against 'sin(x)' --lo 0.5 --hi 4 --threads 1 --json >"$OUT/ex.json"
    t1=$(now)
    echo "$(num seconds "$OUT/ex.json") $(echo "$t1 - $t0" | bc -l) $(cpu)" >>"$OUT/ex$1"
    num count "$OUT/ex.json" >"$OUT/count$1"
}

# The machine's own ceiling for 2 ranks: the 1-rank job run twice at once as two independent
# processes (no MPI, no split, no exchange). Their job times against one copy alone say what
# the two cores give two copies of this very work: on cores that are hyperthreads of one
# physical core, or that share a vector unit, this is well under 2 whatever uniapprox does.
pair() { # pair JOB: appends the slower copy's job time to $OUT/JOBpair
    case $1 in
    rf) set -- rf fit_seconds fit --data "$OUT/rf.csv" --family rf --features 1000 --lambda 1 --json ;;
    ex) set -- ex seconds check --exhaustive --kernel "$OUT/k.c" --symbol k --against 'sin(x)' \
            --lo 0.5 --hi 4 --threads 1 --json ;;
    esac
    job=$1 key=$2; shift 2
    if [ "$job" = rf ]; then
        "$UA" "$@" -o "$OUT/pa.safetensors" >"$OUT/pa.json" &
        "$UA" "$@" -o "$OUT/pb.safetensors" >"$OUT/pb.json"
    else
        "$UA" "$@" >"$OUT/pa.json" &
        "$UA" "$@" >"$OUT/pb.json"
    fi
    wait
    a=$(num "$key" "$OUT/pa.json"); b=$(num "$key" "$OUT/pb.json")
    awk -v a="$a" -v b="$b" 'BEGIN { print (a > b) ? a : b }' >>"$OUT/${job}pair"
}

echo "cores: $CORES; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
    for ranks in 1 2; do rf "$ranks"; ex "$ranks"; done
    pair rf; pair ex
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cmp -s "$OUT/count1" "$OUT/count2" || echo "WARNING: the floats counted differ: $(cat "$OUT/count1") vs $(cat "$OUT/count2")"

printf '%-44s %10s %10s %7s   %10s %10s %7s   %9s %9s   %10s %7s\n' "median of $ROUNDS rounds, 1 thread a rank" \
    "job 1 rk" "job 2 rk" "ratio" "wall 1 rk" "wall 2 rk" "ratio" "CPU 1 rk" "CPU 2 rk" \
    "2 copies" "ceiling"
for job in rf ex; do
    j1=$(cut -d' ' -f1 <"$OUT/${job}1" | median); j2=$(cut -d' ' -f1 <"$OUT/${job}2" | median)
    w1=$(cut -d' ' -f2 <"$OUT/${job}1" | median); w2=$(cut -d' ' -f2 <"$OUT/${job}2" | median)
    c1=$(cut -d' ' -f3 <"$OUT/${job}1" | median); c2=$(cut -d' ' -f3 <"$OUT/${job}2" | median)
    label="rf fit, 40000 x 8, 1000 features, lambda 1"
    [ "$job" = ex ] && label="check --exhaustive, [0.5, 4], sin"
    jp=$(median <"$OUT/${job}pair")
    awk -v l="$label" -v j1="$j1" -v j2="$j2" -v w1="$w1" -v w2="$w2" -v c1="$c1" -v c2="$c2" \
        -v jp="$jp" 'BEGIN {
        printf "%-44s %9.3fs %9.3fs %6.2fx   %9.3fs %9.3fs %6.2fx   %8.2fs %8.2fs   %9.3fs %6.2fx\n",
               l, j1, j2, j1 / j2, w1, w2, w1 / w2, c1, c2, jp, 2 * j1 / jp }'
done
echo "2 copies: the 1-rank job run twice at once as independent processes, the slower copy's job"
echo "time; ceiling = 2 x (job 1 rk) / (2 copies): the most 2 ranks can gain on these 2 cores."
