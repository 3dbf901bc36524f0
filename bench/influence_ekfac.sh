#!/bin/sh
# bench/influence_ekfac.sh — the mlp influence methods against the exact damped Gauss-Newton
# inverse on UCI power plant, split 0 (docs/explain.md's table): fits a 64x64 mlp (40 epochs,
# seed 1) on the training rows, runs `uniapprox influence --method gauss-newton | ekfac |
# diagonal` for every row at one point, and prints Pearson and Spearman correlations with the
# exact inverse's influences, the shared rows among the top 10 and top 100, time and peak memory
# (GNU time). Not part of `make test` (the exact inverse takes minutes on 2 cores).
# usage: bench/influence_ekfac.sh [BUILD_DIR]   (env: UA_DATA: folder holding uci/)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
UA=$ROOT/$BUILD/uniapprox
DATA=${UA_DATA:-$ROOT/../shared/data}
DIR=${UA_UCI_DIR:-$DATA/uci}/power-plant
[ -d "$DIR" ] || { echo "bench/influence_ekfac.sh: no UCI power-plant data in $DIR (set UA_DATA)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
/usr/bin/python3 - "$DIR" "$WORK/train.csv" <<'PY'
import sys
import numpy as np
d, out = sys.argv[1], sys.argv[2]
D = np.loadtxt(d + "/data.txt")
f = np.loadtxt(d + "/index_features.txt").astype(int)
t = int(np.loadtxt(d + "/index_target.txt"))
tr = np.loadtxt(d + "/index_train_0.txt").astype(int)
names = ",".join(["x%d" % i for i in range(len(f))] + ["y"])
np.savetxt(out, np.column_stack([D[tr][:, f], D[tr][:, t]]), delimiter=",", header=names, comments="")
PY
"$UA" fit --data "$WORK/train.csv" --family mlp --hidden 64x64 --epochs 40 --threads 1 --seed 1 \
    -o "$WORK/pp.safetensors" >/dev/null
n=$(($(wc -l <"$WORK/train.csv") - 1))
for m in gauss-newton ekfac diagonal; do
    /usr/bin/time -f "%e %M" -o "$WORK/$m.time" "$UA" influence "$WORK/pp.safetensors" \
        --data "$WORK/train.csv" --at 19.6,54.3,1013.3,73.5 --top "$n" --method "$m" --json >"$WORK/$m.json"
done
/usr/bin/python3 - "$WORK" <<'PY'
import json, sys
import numpy as np
from scipy.stats import pearsonr, spearmanr
w = sys.argv[1]
def load(m):
    j = json.load(open(f"{w}/{m}.json"))
    a = np.zeros(j["rows"])
    for e in j["top"]:
        a[e["row"] - 1] = e["influence"]
    return a
g = load("gauss-newton")
top = lambda a, k: set(np.argsort(-np.abs(a))[:k])
print("| method | Pearson | Spearman | top 10 shared | top 100 shared | time | peak memory |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for m in ["gauss-newton", "ekfac", "diagonal"]:
    a = load(m)
    sec, kb = open(f"{w}/{m}.time").read().split()
    print(f"| {m} | {pearsonr(a, g)[0]:.3f} | {spearmanr(a, g)[0]:.3f} | {len(top(a, 10) & top(g, 10))} | "
          f"{len(top(a, 100) & top(g, 100))} | {float(sec):.1f} s | {int(kb) / 1024:.0f} MB |")
PY
