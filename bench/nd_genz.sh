#!/bin/sh
# bench/nd_genz.sh — the n-D families on the six Genz test functions (tests/gen/genz.py), against
# uniapprox's learners, OpenTURNS' functional chaos and scipy's RBFInterpolator on the same
# number of points; then the evaluation speed of an exported model (bench/nd_eval_speed.c).
# The method and every choice are in bench/nd_anchors.py's header and docs/nd.md.
#
# usage: bench/nd_genz.sh [BUILD_DIR [RESULTS.jsonl]]
#   UA_ND_DIMS   dimensions          (default 2,4,6,8,10)
#   UA_ND_TOLS   tolerances asked    (default 1e-3,1e-6,1e-9)
#   UA_ND_SKIP   TOL:D,D... pairs not run, blank-separated (default "1e-9:6,8,10": see below)
#   UA_ND_ARGS   more arguments for nd_anchors.py run
# The 1e-9 column is run in d = 2 and 4 only by default: beyond, the sparse grids for 1e-9 hold
# millions of points (minutes per fit, and no anchor can be fitted on that many points), which
# would take the run far past its ~15 minutes on 2 cores.
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
SKIP=${UA_ND_SKIP:-1e-9:6,8,10}

skips=""
for s in $SKIP; do skips="$skips --skip $s"; done

echo "== Genz functions, d = $DIMS, tolerances $TOLS (bench/nd_anchors.py; errors: max |model - f| / max |f| on one test set) =="
# shellcheck disable=SC2086
"$PY" "$ROOT/bench/nd_anchors.py" run --ua "$UA" --out "$RESULTS" --dims "$DIMS" --tols "$TOLS" \
    $skips ${UA_ND_ARGS:-}
"$PY" "$ROOT/bench/nd_anchors.py" table "$RESULTS"

echo
echo "== evaluation speed: exported C vs ua_model_predict vs the formula compiled in double (bench/nd_eval_speed.c) =="
sh "$ROOT/bench/nd_eval_speed.sh" "$BUILD"
