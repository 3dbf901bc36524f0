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
expect_grep err.txt "need a < b" "a >= b message"
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
finish
