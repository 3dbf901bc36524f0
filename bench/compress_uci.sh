#!/bin/sh
# bench/compress_uci.sh — distillation and compression tables (size, error, speed) on UCI concrete
# and power-plant, uniapprox side by side with PyTorch's quantize_dynamic and l1 pruning on the
# same trained network, in one run (bench/compress_uci.py). Prints Markdown; with --docs writes
# docs/compress.md's tables (between the markers). Not part of `make test`.
# usage: bench/compress_uci.sh [BUILD_DIR] [--docs]   (env: UA_DATA: folder holding uci/)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=build
if [ $# -gt 0 ] && [ "$1" != "--docs" ]; then BUILD=$1; shift; fi
DATA=${UA_DATA:-$ROOT/../shared/data}
DIR=${UA_UCI_DIR:-$DATA/uci}
[ -d "$DIR" ] || { echo "bench/compress_uci.sh: no UCI data in $DIR (set UA_DATA)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
/usr/bin/python3 "$ROOT/bench/compress_uci.py" "$ROOT/$BUILD/uniapprox" "$DIR" "$WORK" \
    ${UA_UCI_SETS:-concrete power-plant} >"$WORK/tables.md"
if [ "${1:-}" = "--docs" ]; then
    DOC="$ROOT/docs/compress.md"
    awk -v tables="$WORK/tables.md" '
        /<!-- bench:begin -->/ { print; while ((getline l < tables) > 0) print l; skip = 1; next }
        /<!-- bench:end -->/ { skip = 0 }
        !skip { print }' "$DOC" >"$WORK/doc.md"
    cp "$WORK/doc.md" "$DOC"
    echo "bench/compress_uci.sh: wrote the tables into docs/compress.md"
else
    cat "$WORK/tables.md"
fi
