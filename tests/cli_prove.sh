#!/bin/sh
# uniapprox check --prove: a proven bound on max |model - f| beside the measured maximum, for a
# minimax polynomial (checked against the exported C code measured in MPFR at every point of a
# dense grid, and within 1.1x of the measured maximum), a spline, and the refusals: a built-in
# target without a ball form, a model of samples (exit 1, "not proven: WHY").
. "$(dirname "$0")/lib_cli.sh"

expect_exit 0 "fit exp minimax degree 10" -- "$UA" fit 'exp(x)' --family minimax --degree 10 \
    -o m.safetensors
expect_exit 0 "check --prove" -- "$UA" check m.safetensors --prove
expect_grep out.txt "^proven: max |model - f| <= [0-9.e+-]* on \[-1, 1\]" "the proven line"
expect_grep out.txt "bound / measured 1\.0" "the ratio beside the measured maximum"
expect_exit 0 "check --prove --json" -- "$UA" check m.safetensors --prove --json
cp out.txt p.json
bound=$(json_num p.json bound)
ratio=$(json_num p.json ratio)
expect_grep p.json '"proven":[[:space:]]*true' "json proven"
expect_le "$ratio" 1.1 "bound / measured on exp, degree 10"
# the bound holds for the code as exported, measured against MPFR on its own dense grid
expect_exit 0 "export" -- "$UA" export m.safetensors --name mexp -o mexp.c
err=$(max_error_vs_mpfr mexp.c mexp 'mpfr_exp(r, r, MPFR_RNDN)' -1 1)
expect_le "$err" "$bound" "exported code's MPFR-measured error <= the proven bound"

# a spline: pieces of cubics
expect_exit 0 "fit exp spline" -- "$UA" fit 'exp(x)' --domain 0:3 --family spline --rtol 1e-6 -o s.safetensors
expect_exit 0 "check --prove spline" -- "$UA" check s.safetensors --prove
expect_grep out.txt "^proven: max |model - f| <= " "spline proven"

# refusals: a built-in target has no ball form; samples have no formula
expect_exit 0 "fit nfw-sigma" -- "$UA" fit nfw-sigma --domain 0.1:10 --family cheb -o n.safetensors
expect_exit 1 "check --prove nfw-sigma" -- "$UA" check n.safetensors --prove
expect_grep out.txt "^not proven: .*no ball form" "the built-in's reason"
awk 'BEGIN { for (i = 0; i <= 50; i++) { x = -1 + i / 25; printf "%.17g,%.17g\n", x, exp(x) } }' >d.csv
expect_exit 0 "fit samples" -- "$UA" fit --data d.csv --family spline -o d.safetensors
expect_exit 1 "check --prove on samples" -- "$UA" check d.safetensors --data d.csv --prove
expect_grep out.txt "^not proven: a proof needs a formula" "the samples' reason"
finish
