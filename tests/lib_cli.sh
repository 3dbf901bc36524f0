# Shared helpers for the CLI test scripts (sourced). $UA is the uniapprox binary, $CC the C
# compiler; every script runs in a fresh temporary directory that is removed at exit.
UA=$1
CC=${2:-cc}
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
failures=0
passes=0

pass() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_exit CODE DESCRIPTION -- command...   (stdout to out.txt, stderr to err.txt)
expect_exit() {
    want=$1; what=$2; shift 3
    "$@" >out.txt 2>err.txt
    got=$?
    if [ "$got" -eq "$want" ]; then pass; else
        fail "$what: exit $got, expected $want"; sed 's/^/    stderr: /' err.txt >&2; fi
}

# expect_grep FILE PATTERN DESCRIPTION
expect_grep() {
    if grep -q -- "$2" "$1"; then pass; else fail "$3: '$2' not in $1"; sed 's/^/    /' "$1" >&2; fi
}

# json_num FILE KEY: the first number stored under "KEY" in cJSON output.
json_num() { sed -n "s/.*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }

# expect_le VALUE BOUND DESCRIPTION   (floating-point compare with awk)
expect_le() {
    if awk -v v="$1" -v b="$2" 'BEGIN { exit !(v ~ /^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$/ && v + 0 <= b + 0) }'; then pass; else
        fail "$3: $1 > $2"; fi
}

# expect_close VALUE REF RELTOL DESCRIPTION
expect_close() {
    if awk -v v="$1" -v r="$2" -v t="$3" 'BEGIN { d = v - r; if (d < 0) d = -d; a = r < 0 ? -r : r;
        exit !(v ~ /^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$/ && d <= t * a) }'; then pass; else fail "$4: $1 vs $2 (rel tol $3)"; fi
}

# max_error_vs_mpfr FILE.c NAME 'REF(r)' LO HI [float] [SCALE]: compiles the exported FILE.c with
# tests/mpfr_max_error.c and prints its max error against MPFR over [LO, HI] (divided by SCALE);
# prints "compile-error" (and the diagnostics on stderr) when it does not compile cleanly.
max_error_vs_mpfr() {
    f=$1; name=$2; ref=$3; lo=$4; hi=$5; kind=${6:-double}; scale=${7:-1.0}
    flt=""; [ "$kind" = float ] && flt="-DUSE_FLOAT"
    if "$CC" -std=c99 -O2 -Wall -Werror $flt "-DAPPROX=$name" "-DREF(r)=$ref" "-DLO=($lo)" \
            "-DHI=($hi)" "-DSCALE=($scale)" -o mpfr_err "$TESTS_DIR/mpfr_max_error.c" "$f" \
            -lmpfr -lgmp -lm 2>cc.txt; then
        ./mpfr_err
    else
        cat cc.txt >&2; echo compile-error
    fi
}

finish() {
    echo "$passes passed, $failures failed"
    [ "$failures" -eq 0 ]
}
