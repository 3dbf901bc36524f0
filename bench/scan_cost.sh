#!/bin/sh
# The cost of the constructor's own check (src/cheb/scan.c, src/spline/scan.c): fit times of
# smooth targets with the library of BEFORE_BUILD against AFTER_BUILD, medians over ROUNDS
# alternating rounds (each round: the median of 15 fits per target, bench/scan_cost.c).
# usage: bench/scan_cost.sh AFTER_BUILD BEFORE_BUILD [ROUNDS]
#   e.g. check out the commit before the check was added (3316677~1) in a second work tree BEFORE
#   (git worktree add BEFORE 3316677~1), build its library (cmake -S BEFORE -B BEFORE/build
#   -DUA_BUILD_TESTS=OFF, then cmake --build BEFORE/build --target uniapprox_static) and run
#   bench/scan_cost.sh build BEFORE/build 9
# A build directory is relative to the repository root or absolute; each must hold
# libuniapprox.a (target uniapprox_static); BEFORE_BUILD's own include/ is that of its tree.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AFTER=$1
BEFORE=$2
ROUNDS=${3:-7}
case $AFTER in /*) ;; *) AFTER="$ROOT/$AFTER" ;; esac
case $BEFORE in /*) ;; *) BEFORE="$ROOT/$BEFORE" ;; esac
CC=${CC:-cc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
LIBS="$(pkg-config --libs fftw3 libcjson lapacke openblas) -fopenmp -lmpfr -lgmp -lm -lpthread"

src_of() { # the source tree of a build directory (CMAKE_HOME_DIRECTORY in its cache)
    sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$1/CMakeCache.txt"
}
for w in before after; do
    if [ $w = before ]; then B=$BEFORE; else B=$AFTER; fi
    S=$(src_of "$B")
    # shellcheck disable=SC2086
    $CC -std=c11 -O2 -I"$S/include" -o "$OUT/$w" "$ROOT/bench/scan_cost.c" "$B/libuniapprox.a" \
        $LIBS
done

i=0
while [ $i -lt "$ROUNDS" ]; do
    "$OUT/before" >"$OUT/b.$i"
    "$OUT/after" >"$OUT/a.$i"
    i=$((i + 1))
done

# per target: the median over the rounds of each side's time; lengths from the last round
awk -F'|' -v rounds="$ROUNDS" '
function median(arr, n,    i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
FNR == 1 { side = (FILENAME ~ /\/b\.[0-9]+$/) ? "b" : "a" }
{
    if (!($1 in seen)) { seen[$1] = 1; order[++nt] = $1 }
    k = side SUBSEP $1
    cnt[k]++; v[k, cnt[k]] = $2; len[k] = $3
}
END {
    printf "%-24s %12s %12s %8s %8s %8s\n", "target (median us)", "before", "after", "ratio", "len b", "len a"
    for (t = 1; t <= nt; t++) {
        name = order[t]
        nb = cnt["b" SUBSEP name]; na = cnt["a" SUBSEP name]
        for (i = 1; i <= nb; i++) xb[i] = v["b" SUBSEP name, i]
        for (i = 1; i <= na; i++) xa[i] = v["a" SUBSEP name, i]
        mb = median(xb, nb); ma = median(xa, na)
        printf "%-24s %12.1f %12.1f %8.2f %8s %8s\n", name, mb, ma, ma / mb, len["b" SUBSEP name], len["a" SUBSEP name]
    }
}' "$OUT"/b.* "$OUT"/a.*
echo "ratio = after / before; ${ROUNDS} alternating rounds, each the median of 15 fits."
