#!/bin/sh
# bench/mpi_train.sh — data-parallel training throughput (samples per second of the whole job) of
# `mpirun -np R uniapprox fit --family mlp` for R = 1 and 2 ranks against PyTorch 1.13's
# DistributedDataParallel (gloo backend, R local processes, bench/mpi_train_ddp.py) on the same
# network, data and global batch: d = 16 -> 256 -> 256 -> 1, float32, Adam (lr 1e-3, constant),
# MSE, global batch 256 split over the ranks, 20,000 rows, 3 epochs, one thread a rank. Rounds
# alternate uniapprox and PyTorch (UA_BENCH_ROUNDS, default 3); prints the median of each side,
# the 2-rank / 1-rank scaling of each, and uniapprox / PyTorch at each rank count, with the load
# average before and after (the machine may be shared: read the ratios with it).
# usage: bench/mpi_train.sh [BUILD_DIR]     (needs mpirun, a build with MPI, /usr/bin/python3 with
# torch and numpy; PyTorch's columns are left empty when DDP cannot start here)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
PY=${UA_TORCH_PYTHON:-/usr/bin/python3}
ROUNDS=${UA_BENCH_ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
command -v mpirun >/dev/null 2>&1 || { echo "bench/mpi_train.sh: no mpirun; skipped"; exit 0; }
"$UA" --version | grep -q '^ *MPI' || { echo "bench/mpi_train.sh: $UA has no MPI; skipped"; exit 0; }
MPI="mpirun --oversubscribe"
[ "$(id -u)" -eq 0 ] && MPI="$MPI --allow-run-as-root"
CORES=$(nproc --all) # before OMP_NUM_THREADS, which nproc obeys
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
"$PY" - "$OUT" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(0)
x = rng.standard_normal((20000, 16))
y = np.sin(x @ rng.standard_normal(16) / 4.0)[:, None]
np.save(f"{sys.argv[1]}/d16.npy", np.hstack([x, y]).astype(np.float32))
PY
torch_ok=1
"$PY" -c 'import torch.distributed as d; assert d.is_gloo_available()' 2>/dev/null || torch_ok=0

ua() { # ua RANKS: the job's samples per second
    $MPI -np "$1" "$UA" fit --family mlp --data "$OUT/d16.npy" --hidden 256x256 --batch 256 \
        --epochs 3 --val-frac 0 --schedule constant --lr 1e-3 --no-standardize --threads 1 \
        -o "$OUT/m.safetensors" --json >"$OUT/ua.json"
    sed -n 's/.*"samples_per_second":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$OUT/ua.json"
}
ddp() { # ddp RANKS
    [ "$torch_ok" -eq 1 ] || { echo nan; return; }
    "$PY" "$ROOT/bench/mpi_train_ddp.py" "$OUT/d16.npy" 256x256 256 3 "$1" 2>"$OUT/ddp.err" || {
        echo nan; torch_ok=0; sed 's/^/    ddp: /' "$OUT/ddp.err" >&2; }
}
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "cores: $CORES; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
    for ranks in 1 2; do
        echo "$(ua "$ranks")" >>"$OUT/ua$ranks"
        echo "$(ddp "$ranks")" >>"$OUT/pt$ranks"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
u1=$(median <"$OUT/ua1"); u2=$(median <"$OUT/ua2"); p1=$(median <"$OUT/pt1"); p2=$(median <"$OUT/pt2")
awk -v u1="$u1" -v u2="$u2" -v p1="$p1" -v p2="$p2" -v R="$ROUNDS" 'BEGIN {
    printf "16->256x256->1, global batch 256, 3 epochs of 20000 rows, 1 thread a rank, median of %d\n", R
    printf "%-6s %14s %14s %8s\n", "ranks", "ua samples/s", "ddp samples/s", "ua/ddp"
    printf "%-6d %14.0f %14.0f %7.2fx\n", 1, u1, p1, u1 / p1
    printf "%-6d %14.0f %14.0f %7.2fx\n", 2, u2, p2, u2 / p2
    printf "scaling 2/1 ranks: uniapprox %.2fx, DDP %.2fx (1.8x wanted)\n", u2 / u1, p2 / p1 }'
for f in ua1 ua2 pt1 pt2; do printf '%s rounds: %s\n' "$f" "$(tr '\n' ' ' <"$OUT/$f")"; done
