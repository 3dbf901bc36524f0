#!/bin/sh
# The command table, --help on every command, and bad usage: exit codes and messages.
. "$(dirname "$0")/lib_cli.sh"

expect_exit 2 "no command" -- "$UA"
expect_exit 2 "unknown command" -- "$UA" frobnicate
expect_grep err.txt "unknown command 'frobnicate'" "unknown command message"
expect_exit 0 "top-level help" -- "$UA" --help
for c in check demo eval export fit info; do
    expect_exit 0 "$c --help" -- "$UA" "$c" --help
    expect_grep out.txt "usage: uniapprox $c" "$c --help text"
done

# fit: bad targets and options all exit 2 with a message naming the problem
expect_exit 2 "target NaN in the domain" -- "$UA" fit 'log(x)' --domain -1:1
expect_grep err.txt "NaN" "log(x) on [-1,1] names NaN"
expect_exit 2 "domain a >= b" -- "$UA" fit 'exp(x)' --domain 1:0
expect_grep err.txt "a >= b (1 >= 0)" "a >= b message"
expect_exit 2 "domain not a:b" -- "$UA" fit 'exp(x)' --domain 1
expect_exit 2 "domain not numeric" -- "$UA" fit 'exp(x)' --domain a:b
expect_exit 2 "domain infinite" -- "$UA" fit 'exp(x)' --domain -inf:1
expect_exit 2 "unknown function" -- "$UA" fit 'foo(x)'
expect_grep err.txt "column 1" "unknown function names the column"
expect_grep err.txt "foo" "unknown function names the function"
expect_exit 2 "unknown variable" -- "$UA" fit 'x + y'
expect_grep err.txt "column 5" "unknown variable names the column"
expect_exit 2 "empty expression" -- "$UA" fit ''
expect_grep err.txt "empty" "empty expression message"
expect_exit 2 "blank expression" -- "$UA" fit '   '
expect_exit 2 "syntax error" -- "$UA" fit 'sin(x'
expect_exit 2 "no target" -- "$UA" fit
expect_exit 2 "two targets" -- "$UA" fit 'x' 'x'
expect_exit 2 "unknown option" -- "$UA" fit 'x' --bogus
expect_grep err.txt "unknown option '--bogus'" "unknown option message"
expect_exit 2 "missing option value" -- "$UA" fit 'x' --tol
expect_exit 2 "negative tol" -- "$UA" fit 'x' --tol -1
expect_exit 2 "tol and abs-tol" -- "$UA" fit 'x' --tol 1e-8 --abs-tol 1e-8
expect_exit 2 "bad map" -- "$UA" fit 'x' --map sqrt
expect_exit 2 "log map on a non-positive domain" -- "$UA" fit 'x' --map log --domain -1:1
expect_exit 2 "unknown family" -- "$UA" fit 'x' --family nope
expect_exit 2 "bad check points" -- "$UA" fit 'x' --check-points 1
expect_exit 2 "bad prec" -- "$UA" fit 'x' --prec 10

# the other commands
expect_exit 2 "eval without model" -- "$UA" eval
expect_exit 2 "eval missing file" -- "$UA" eval does-not-exist.safetensors 1
expect_grep err.txt "does-not-exist.safetensors" "missing file is named"
expect_exit 2 "check missing file" -- "$UA" check nope.safetensors
expect_exit 2 "info missing file" -- "$UA" info nope.safetensors
expect_exit 2 "export bad type" -- "$UA" export nope.safetensors --type half
expect_exit 2 "demo takes no arguments" -- "$UA" demo extra
expect_exit 2 "unknown family with --help" -- "$UA" fit 'x' --family nope --help
expect_grep err.txt "unknown family 'nope'" "unknown family named even with --help"

# a TARGET starting with '-' after --, and negative numbers as operands
expect_exit 0 "negative expression after --" -- "$UA" fit --check-points 100 -- '-x^2'
expect_exit 0 "expression starting with -(" -- "$UA" fit '-(x^2)' --check-points 100

# n-D models: plot and check refuse them by name, eval reads rows
printf 'a,b,y\n0,0,0\n1,0,1\n0,1,1\n1,1,2\n0.5,0.5,1\n0.2,0.7,0.9\n' >xy.csv
expect_exit 0 "kernel fit on samples" -- "$UA" fit --family kernel --data xy.csv -o k.safetensors
expect_exit 2 "plot of an n-D model" -- "$UA" plot k.safetensors -o k.png
expect_grep err.txt "1-D models" "plot names the reason"
expect_exit 2 "check of an n-D model" -- "$UA" check k.safetensors --against x
expect_grep err.txt "no domain" "check names why"
expect_exit 2 "input and target the same column" -- "$UA" fit --family kernel --data xy.csv --x-col a,y --y-col y
expect_grep err.txt "both an input and a target" "overlap is named"
mkdir adir
expect_exit 2 "data is a directory" -- "$UA" fit --family kernel --data adir
expect_grep err.txt "is a directory" "directory is named"

# check against a reference that is not finite on the domain; plot into a missing directory
expect_exit 0 "fit exp" -- "$UA" fit 'exp(x)' -o e.safetensors --check-points 100
expect_exit 2 "check against log(x) on [-1, 1]" -- "$UA" check e.safetensors --against 'log(x)' --points 100
expect_grep err.txt "NaN or infinite" "non-finite reference is named"
expect_exit 3 "plot into a missing directory" -- "$UA" plot e.safetensors -o no/such/dir/p.png
expect_grep err.txt "cannot write the plot 'no/such/dir/p.png'" "plot names the path"
ls no 2>/dev/null && fail "plot created no directory" || pass
expect_exit 2 "export named after a libm function" -- "$UA" export e.safetensors --name sin
expect_exit 2 "export named main" -- "$UA" export e.safetensors --name main
expect_exit 2 "exhaustive outside the domain" -- "$UA" check e.safetensors --exhaustive --lo -5 --hi 5
expect_grep err.txt "not inside the model's domain" "exhaustive range is named"

# a checked kernel that crashes ends with a message from uniapprox, not a crash of uniapprox
# (exp(x) is decided on the fast path; a small interval keeps this quick)
printf '#include <math.h>\n#include <stdlib.h>\nfloat bad(float x) { if (x > 0.25005f) abort(); return expf(x); }\n' >bad.c
expect_exit 1 "crashing kernel" -- "$UA" check --kernel bad.c --symbol bad --against 'exp(x)' --lo 0.25 --hi 0.2501
expect_grep err.txt "crashed while being checked" "the crash is reported"
# and names the input it crashed on: the first float above 0.25005f (0x1.000d1ep-2, numpy's
# nextafter(float32(0.25005), 1)), found by a re-run one float at a time
expect_grep err.txt "first crashed at x = 0.250050038 (0x1.000d1ep-2)" "the crash's input is named"
# a kernel that never returns is killed after --timeout seconds (exit 1, like a crash); the outer
# `timeout` only keeps a regression from hanging the test suite
printf 'float spin(float x) { volatile float s = x; for (;;) s = s + 1.0f; return s; }\n' >spin.c
tmo=""; command -v timeout >/dev/null 2>&1 && tmo="timeout 120"
start=$(date +%s)
expect_exit 1 "kernel that never returns" -- $tmo "$UA" check --kernel spin.c --symbol spin --against 'exp(x)' --lo 0.25 --hi 0.2501 --timeout 1
expect_grep err.txt "kernel timed out after 1 s" "the timeout is reported"
[ $(($(date +%s) - start)) -lt 60 ] && pass || fail "--timeout 1 ends the check within a minute"
expect_exit 2 "--timeout negative" -- "$UA" check --kernel spin.c --symbol spin --against 'exp(x)' --lo 0.25 --hi 0.2501 --timeout -1
expect_exit 2 "--timeout not a number" -- "$UA" check --kernel spin.c --symbol spin --against 'exp(x)' --lo 0.25 --hi 0.2501 --timeout 1s
expect_exit 2 "--timeout without --exhaustive" -- "$UA" check e.safetensors --timeout 5
expect_exit 0 "--timeout 0 (no limit) on a kernel that returns" -- "$UA" check --kernel bad.c --symbol bad --against 'exp(x)' --lo 0.25 --hi 0.25001 --timeout 0
# fit --family seq --help states where --kernel auto switches to the fused kernel as the code does
# (ua_seq_use_fused in src/seq/model.c: T >= 64); it once said "above n = 256"
expect_exit 0 "seq help" -- "$UA" fit --family seq --help
expect_grep out.txt "auto: fused from n = 64" "seq help: auto takes the fused kernel from n = 64"
grep -q "n = 256" out.txt && fail "seq help still says n = 256" || pass
thr=$(sed -n 's/.*UA_SEQ_KERNEL_AUTO *&& *T *>= *\([0-9][0-9]*\).*/\1/p' "$TESTS_DIR/../src/seq/model.c" 2>/dev/null)
if [ -n "$thr" ]; then
    [ "$thr" = 64 ] && pass || fail "src/seq/model.c switches at n = $thr: update the seq help (cli/fit_seq.c) and this test"
fi
finish
