#!/bin/sh
# bench/pde_defaults.sh — the table of docs/pde.md: `uniapprox fit --pde` on every shipped
# problem (examples/pde/*.json) with the family's default options, its relative L2 and max error
# measured on the fit's uniform grid against the exact solution or the independent reference
# (src/pde/reference.h), the fit's wall time, and the machine's load average when it started (the
# machine may be shared: a loaded machine makes the times longer, not the errors different).
# UA_PDE_TRANSFORMS (default "auto") lists the --output-transform values to run: "auto none"
# adds the penalty-only fits. UA_PDE_PROBLEMS (default "poisson helmholtz burgers allen_cahn")
# lists the problems. Extra fit options may follow the build folder (e.g. --seed 2): the Allen-Cahn
# rows of docs/pde.md are UA_PDE_PROBLEMS=allen_cahn bench/pde_defaults.sh BUILD OPTIONS.
# Nothing is asserted; the fits run under nice.
# usage: bench/pde_defaults.sh [BUILD_DIR] [FIT OPTION...]
set -eu
BUILD=${1:-build}
[ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
[ -x "$UA" ] || { echo "bench/pde_defaults.sh: no $UA (build the uniapprox target)"; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
num() { sed -n "s/.*\"$1\":[[:space:]]*\([-0-9.eE+naif]*\).*/\1/p" "$2" | head -n 1; }
echo "| problem | constraints | relative L2 | max abs error | fit wall time (s) | load average at start |"
echo "|---|---|---|---|---|---|"
for tr in ${UA_PDE_TRANSFORMS:-auto}; do
    for p in ${UA_PDE_PROBLEMS:-poisson helmholtz burgers allen_cahn}; do
        load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
        t0=$(date +%s.%N)
        nice -n 10 "$UA" fit --pde "$ROOT/examples/pde/$p.json" --output-transform "$tr" "$@" \
            --json -o "$OUT/$p.uam" >"$OUT/$p.json" 2>"$OUT/$p.err" || true
        t1=$(date +%s.%N)
        rel=$(num rel_l2_err "$OUT/$p.json")
        mx=$(num grid_max_abs_err "$OUT/$p.json")
        c=$(sed -n 's/.*"constraints":[[:space:]]*"\([a-z]*\).*/\1/p' "$OUT/$p.json" | head -n 1)
        printf '| %s | %s | %s | %s | %.1f | %s |\n' "$p" "${c:-$tr}" "${rel:-failed}" \
            "${mx:--}" "$(echo "$t1 - $t0" | bc)" "$load"
    done
done
