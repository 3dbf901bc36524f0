#!/bin/sh
# uniapprox check --prove: a proven bound on max |model - f| beside the measured maximum, for a
# minimax polynomial (checked against the exported C code measured in MPFR at every point of a
# dense grid, and within 1.1x of the measured maximum), the bound held against the model's
# tolerance (within it; above it; a spike the samples miss), a spline, and the refusals: a built-in
# target without a ball form, a model of samples (exit 1, "not proven: WHY").
. "$(dirname "$0")/lib_cli.sh"

expect_exit 0 "fit exp minimax degree 10" -- "$UA" fit 'exp(x)' --family minimax --degree 10 \
    -o m.safetensors
# a fixed degree records its own achieved error as the tolerance: the bound, a few per cent above
# the measured maximum, does not prove it (exit 1, said), though the sampled verdict is "resolved"
expect_exit 1 "check --prove: the bound above the tolerance" -- "$UA" check m.safetensors --prove
expect_grep out.txt "^proven: max |model - f| <= [0-9.e+-]* on \[-1, 1\]" "the proven line"
expect_grep out.txt "bound / measured 1\.0" "the ratio beside the measured maximum"
expect_grep out.txt "^verdict  *resolved" "the sampled verdict stands"
expect_grep out.txt "the tolerance is not proven: bound [0-9.e+-]* > [0-9.e+-]* (tol_abs + tol_scale \* scale)" \
    "the bound above the tolerance, said"
expect_exit 1 "check --prove --json" -- "$UA" check m.safetensors --prove --json
cp out.txt p.json
bound=$(json_num p.json bound)
ratio=$(json_num p.json ratio)
expect_grep p.json '"proven":[[:space:]]*true' "json proven"
expect_le "$ratio" 1.1 "bound / measured on exp, degree 10"
expect_grep p.json '"within_tol":[[:space:]]*false' "json: not within the tolerance"
# the bound holds for the code as exported, measured against MPFR on its own dense grid
expect_exit 0 "export" -- "$UA" export m.safetensors --name mexp -o mexp.c
err=$(max_error_vs_mpfr mexp.c mexp 'mpfr_exp(r, r, MPFR_RNDN)' -1 1)
expect_le "$err" "$bound" "exported code's MPFR-measured error <= the proven bound"

# a tolerance the bound is within: exit 0, said
expect_exit 0 "fit exp minimax to 1e-9" -- "$UA" fit 'exp(x)' --family minimax --degree auto --tol 1e-9 \
    -o mt.safetensors
expect_exit 0 "check --prove within the tolerance" -- "$UA" check mt.safetensors --prove
expect_grep out.txt "within the tolerance everywhere: bound [0-9.e+-]* <= 1.000e-09" "within the tolerance, said"

# a narrow spike between the measured points: the sampled verdict says resolved, the prover's own
# points (MPFR) find an error 300 times the tolerance: "not resolved", exit 1, the reason named
expect_exit 0 "fit a spiked exp" -- "$UA" fit 'exp(x) + 1e-3*exp(-1e12*(x-0.1234567)^2)' --family minimax \
    --degree 6 -o spike.safetensors
expect_exit 1 "check --prove: the spike" -- "$UA" check spike.safetensors --prove
expect_grep out.txt "^verdict  *not resolved" "the spike: not resolved"
expect_grep out.txt "the prover's points, between the measured ones, reach an error of 9.97[0-9]e-04" \
    "the spike: the reason"
expect_grep out.txt "NOT within the tolerance" "the spike: said on the proof's line"
expect_exit 1 "check --prove --json: the spike" -- "$UA" check spike.safetensors --prove --json
expect_grep out.txt '"verdict":[[:space:]]*"not resolved"' "the spike: json verdict"

# a spline: pieces of cubics
expect_exit 0 "fit exp spline" -- "$UA" fit 'exp(x)' --domain 0:3 --family spline --rtol 1e-6 -o s.safetensors
expect_exit 0 "check --prove spline" -- "$UA" check s.safetensors --prove
expect_grep out.txt "^proven: max |model - f| <= " "spline proven"
expect_grep out.txt "with the tolerance's relative term 1e-06\*|f| it is not compared" \
    "a relative tolerance: the bound not compared, said"
# a spike with a relative tolerance: the prover's points exceed the most the tolerance allows
# anywhere (tol_abs + tol_scale scale + tol_rel scale): not resolved, exit 1
expect_exit 0 "fit a spiked exp to --rtol" -- "$UA" fit 'exp(x) + 1e-3*exp(-1e12*(x-0.1234567)^2)' \
    --family spline --rtol 1e-6 -o spr.safetensors
expect_exit 1 "check --prove: the spike, relative tolerance" -- "$UA" check spr.safetensors --prove
expect_grep out.txt "^verdict  *not resolved" "the spike, relative tolerance: not resolved"
expect_grep out.txt "NOT within the tolerance" "the spike, relative tolerance: said"

# refusals: a built-in target has no ball form; samples have no formula
expect_exit 0 "fit nfw-sigma" -- "$UA" fit nfw-sigma --domain 0.1:10 --family cheb -o n.safetensors
expect_exit 1 "check --prove nfw-sigma" -- "$UA" check n.safetensors --prove
expect_grep out.txt "^not proven: .*no ball form" "the built-in's reason"
awk 'BEGIN { for (i = 0; i <= 50; i++) { x = -1 + i / 25; printf "%.17g,%.17g\n", x, exp(x) } }' >d.csv
expect_exit 0 "fit samples" -- "$UA" fit --data d.csv --family spline -o d.safetensors
expect_exit 1 "check --prove on samples" -- "$UA" check d.safetensors --data d.csv --prove
expect_grep out.txt "^not proven: a proof needs a formula" "the samples' reason"
finish
