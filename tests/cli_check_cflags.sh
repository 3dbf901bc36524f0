#!/bin/sh
# check MODEL --exhaustive --cflags that break the compilation of the model's float export: exit 2
# (bad input, as a hand-written --kernel that does not compile), the message names "the float
# export of 'MODEL'" and never the private temporary file it was compiled from (which is removed:
# the temporary folder is seen empty); the same export failing without --cflags (CC=false) is a
# failure of uniapprox's own, exit 1.
. "$(dirname "$0")/lib_cli.sh"
mkdir tmp
TMPDIR=$WORK/tmp
export TMPDIR

expect_exit 0 "fit 2^x minimax, float coefficients" -- \
    "$UA" fit '2^x' --family minimax --degree 6 --domain 0:1 --coeffs float -o e2.st
# the export compiles with the plain compiler: the failures below are the flags'
expect_exit 0 "export --type float" -- "$UA" export e2.st --type float -o plain.c
if "$CC" -std=c99 -c plain.c -o plain.o 2>cc.txt; then pass; else
    fail "the float export does not compile with $CC"; cat cc.txt >&2; fi

ck() { "$UA" check e2.st --exhaustive --lo 0.5 --hi 0.50001 "$@"; }
expect_exit 2 "--cflags naming a missing -include file" -- ck --cflags '-include /nonexistent'
expect_grep err.txt "compiling the float export of 'e2.st' with" "names the model's float export"
expect_grep err.txt "/nonexistent" "shows the compiler's diagnostic"
expect_grep err.txt "it compiles without --cflags" "says the flags are at fault"
if grep -q "uniapprox-check-\|$WORK" err.txt; then fail "the message names a temporary path"
    sed 's/^/    /' err.txt >&2; else pass; fi

# a flag that breaks the source itself: the compiler's diagnostics name kernel.c, not the path
expect_exit 2 "--cflags breaking the source" -- ck --cflags '-Dfloat=struct'
expect_grep err.txt "the float export of 'e2.st'" "names the model's float export"
expect_grep err.txt "kernel.c:" "the diagnostics name the file kernel.c"
if grep -q "uniapprox-check-\|$WORK" err.txt; then fail "the diagnostics name a temporary path"
    sed 's/^/    /' err.txt >&2; else pass; fi

# --json: the same code and message, as one JSON object on stderr
expect_exit 2 "--cflags bad, --json" -- ck --cflags '-include /nonexistent' --json
expect_grep err.txt '"status":[[:space:]]*2' "the JSON error's status is 2"
expect_grep err.txt "the float export of 'e2.st'" "the JSON error names the export"

# the export failing without any --cflags is uniapprox's failure: exit 1, still no temp path
expect_exit 1 "CC=false (no --cflags)" -- env CC=false "$UA" check e2.st --exhaustive --lo 0.5 \
    --hi 0.50001
expect_grep err.txt "compiling the float export of 'e2.st' with 'false' failed" "names the export"
if grep -q "uniapprox-check-\|$WORK" err.txt; then fail "CC=false: the message names a temporary path"
    else pass; fi
# with --cflags given but the compiler broken whatever the flags: still uniapprox's (exit 1)
expect_exit 1 "CC=false with --cflags -O1" -- env CC=false "$UA" check e2.st --exhaustive \
    --lo 0.5 --hi 0.50001 --cflags -O1

# good --cflags still check (the interval's 168 floats)
expect_exit 0 "--cflags -O1" -- ck --cflags -O1 --json
[ "$(json_num out.txt count)" = 168 ] && pass || fail "floats in [0.5, 0.50001]: $(json_num out.txt count), want 168"

# a hand-written kernel that does not compile stays exit 2 and names its file
cat >k.c <<'C'
#include <math.h>
float my_expf(float x) { return (float)exp((double)x); }
C
expect_exit 2 "--kernel with bad --cflags" -- "$UA" check --kernel k.c --symbol my_expf \
    --against 'exp(x)' --lo 0 --hi 0.001 --cflags '-include /nonexistent'
expect_grep err.txt "compiling 'k.c' with" "names the kernel's file"

ls tmp >left.txt
[ -s left.txt ] && fail "temporary files left: $(cat left.txt)" || pass
finish
