#!/bin/sh
# The seed's point about bandlimited random weights (docs/rf.md): a random-feature network whose
# hidden weights lie in [-B, B] cannot follow a target whose frequency rises above what B allows.
# Target: the chirp sin(8 x^2) on [-2, 2] (local angular frequency 16 |x|, up to 32), 1500
# training samples, 400 hidden units, output layer by ridge with lambda chosen by LOO; test RMSE
# on 2000 other points, for the whole interval and for the parts |x| < 0.5 (frequency < 8) and
# |x| > 1.5 (frequency > 24). Prints a markdown table.
# usage: bench/rf_bandwidth.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
awk 'BEGIN { print "x,y"; for (i = 0; i < 1500; i++) { x = -2 + 4 * (i + 0.5) / 1500; printf "%.17g,%.17g\n", x, sin(8 * x * x) } }' >"$OUT/train.csv"
awk 'BEGIN { print "x"; for (i = 0; i < 2000; i++) printf "%.17g\n", -2 + 4 * (i + 0.3) / 2000 }' >"$OUT/test.csv"
echo "| activation | B | test RMSE, all of [-2, 2] | \\|x\\| < 0.5 (freq < 8) | \\|x\\| > 1.5 (freq > 24) |"
echo "|---|---|---|---|---|"
for act in cos tanh; do
    for B in 1 2 4 8 16 32 64; do
        "$UA" fit --data "$OUT/train.csv" --family rf --dist uniform --act "$act" --bandwidth "$B" \
            --features 400 --no-standardize -o "$OUT/m.safetensors" >/dev/null
        "$UA" eval "$OUT/m.safetensors" --input "$OUT/test.csv" >"$OUT/p.txt"
        awk -F, 'NR > 1 { print $1 }' "$OUT/test.csv" | paste - "$OUT/p.txt" | awk -v act="$act" -v B="$B" '
            { x = $1; e = ($2 - sin(8 * x * x)) ^ 2; s += e; n++
              if (x < 0.5 && x > -0.5) { s1 += e; n1++ } if (x > 1.5 || x < -1.5) { s2 += e; n2++ } }
            END { printf "| %s | %s | %.2e | %.2e | %.2e |\n", act, B, sqrt(s / n), sqrt(s1 / n1), sqrt(s2 / n2) }'
    done
done
