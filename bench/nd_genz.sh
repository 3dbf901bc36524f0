#!/bin/sh
# bench/nd_genz.sh — the n-D families on the six Genz test functions (tests/gen/genz.py), against
# uniapprox's learners, OpenTURNS' functional chaos and scipy's RBFInterpolator on the same
# number of points; then the evaluation speed of an exported model (bench/nd_eval_speed.c).
# The method and every choice are in bench/nd_anchors.py's header and docs/nd.md.
#
# usage: bench/nd_genz.sh [BUILD_DIR [RESULTS.jsonl]]
#   UA_ND_DIMS   dimensions          (default 2,4,6,8,10)
#   UA_ND_TOLS   tolerances asked    (default 1e-3,1e-6,1e-9)
#   UA_ND_SKIP   TOL:D,D... pairs not run, blank-separated (default: none)
#   UA_ND_ARGS   more arguments for nd_anchors.py run
# A tighter tolerance of a function is not run for a constructor that already spent its
# evaluation budget (sparse's --max-evals, 50000) without resolving a looser one: it would spend
# the same budget on the same grid (nd_anchors.py says so in the results).
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
PY=${UA_PYTHON:-/usr/bin/python3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
RESULTS=${2:-$OUT/nd_genz.jsonl}
DIMS=${UA_ND_DIMS:-2,4,6,8,10}
TOLS=${UA_ND_TOLS:-1e-3,1e-6,1e-9}
SKIP=${UA_ND_SKIP:-}

skips=""
for s in $SKIP; do skips="$skips --skip $s"; done

echo "== Genz functions, d = $DIMS, tolerances $TOLS (bench/nd_anchors.py; errors: max |model - f| / max |f| on one test set) =="
# shellcheck disable=SC2086
"$PY" "$ROOT/bench/nd_anchors.py" run --ua "$UA" --out "$RESULTS" --dims "$DIMS" --tols "$TOLS" \
    $skips ${UA_ND_ARGS:-}
"$PY" "$ROOT/bench/nd_anchors.py" table "$RESULTS"

echo
echo "== chebnd: rank and construction time in d = 2 (fit_seconds, medians of 7 fits) =="
"$PY" "$ROOT/bench/nd_anchors.py" build-time --ua "$UA"

echo
echo "== evaluation speed: exported C vs ua_model_predict vs the formula compiled in double (bench/nd_eval_speed.c) =="
sh "$ROOT/bench/nd_eval_speed.sh" "$BUILD"
