#!/bin/sh
# bench/uci.sh — the UCI regression suite for `uniapprox fit --family mlp`: every one of the 20
# standard splits of each data set, one configuration, test RMSE (target units) as mean ± standard
# error beside the published numbers (PBP 2015, MC-dropout 2016, MC-dropout tuned 2018).
# Not part of `make test`.
# usage: bench/uci.sh [BUILD_DIR] [-- extra fit options]   (env: UA_UCI_DIR, UA_UCI_SETS, UA_UCI_SPLITS)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=build
if [ $# -gt 0 ] && [ "$1" != "--" ]; then BUILD=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
UA="$ROOT/$BUILD/uniapprox"
DIR=${UA_UCI_DIR:-$ROOT/../shared/data/uci}
SETS=${UA_UCI_SETS:-"concrete energy kin8nm power-plant wine-quality-red yacht"}
SPLITS=${UA_UCI_SPLITS:-20}
[ -d "$DIR" ] || { echo "bench/uci.sh: no UCI data in $DIR (set UA_UCI_DIR)" >&2; exit 2; }
echo "options: ${*:-(defaults)}"
printf '%-18s %6s  %-17s %6s %6s %6s  %s\n' "data set" "splits" "mlp test RMSE" "PBP" "MCD16" "MCD18" "seconds"
for set in $SETS; do
    case $set in
        concrete) pub="5.67 5.23 4.82";; energy) pub="1.80 1.66 0.54";;
        kin8nm) pub="0.10 0.10 0.08";; power-plant) pub="4.12 4.02 4.01";;
        wine-quality-red) pub="0.64 0.62 0.62";; yacht) pub="1.02 1.11 0.67";; *) pub="- - -";;
    esac
    t0=$(date +%s.%N)
    k=0
    : >"${TMPDIR:-/tmp}/uci_$$.txt"
    while [ "$k" -lt "$SPLITS" ]; do
        "$UA" fit --family mlp --split-dir "$DIR/$set" --split "$k" --json "$@" >"${TMPDIR:-/tmp}/uci_$$.json"
        sed -n 's/.*"test_rmse":[[:space:]]*\([-0-9.eE+]*\).*/\1/p' "${TMPDIR:-/tmp}/uci_$$.json" >>"${TMPDIR:-/tmp}/uci_$$.txt"
        k=$((k + 1))
    done
    t1=$(date +%s.%N)
    awk -v set="$set" -v pub="$pub" -v secs="$(echo "$t1 - $t0" | bc)" '
        { s += $1; ss += $1 * $1; n++ }
        END { m = s / n; v = (ss - n * m * m) / (n - 1); if (v < 0) v = 0; se = sqrt(v / n);
              split(pub, p, " ");
              printf "%-18s %6d  %7.3f ± %-7.3f %6s %6s %6s  %.0f\n", set, n, m, se, p[1], p[2], p[3], secs }' \
        "${TMPDIR:-/tmp}/uci_$$.txt"
done
rm -f "${TMPDIR:-/tmp}/uci_$$.txt" "${TMPDIR:-/tmp}/uci_$$.json"
