#!/bin/sh
# Trust in 1-D fits from the command line (docs/cheb.md and docs/spline.md, "Trust"): targets at
# the rounding level of their own evaluation get a constant at once with a note and a measured
# verdict; exp near DBL_MAX is saved, loaded, evaluated and exported; located edges are exact
# doubles; --rel-tol and the relative-error warning.
. "$(dirname "$0")/lib_cli.sh"

# 1. the rounding level of the evaluation: a constant, a note, resolved by the measurement
for fam in cheb spline; do
    expect_exit 0 "$fam: (x+1)-x-1 resolved" -- "$UA" fit '(x+1)-x-1' --domain 0:1 --family $fam \
        --check-points 20000 -o z.ua
    expect_grep out.txt "rounding level of its own evaluation" "$fam: the note says why"
done
expect_exit 0 "cheb: exp(log(x))-x on [1, 2]" -- "$UA" fit 'exp(log(x))-x' --domain 1:2 \
    --check-points 20000 -o z.ua
expect_grep out.txt "^lengths  *1$" "exp(log(x))-x: one coefficient"
# a function whose double evaluation is lost (sin(1e300 x)) is not passed off as rounding noise
expect_exit 1 "cheb: sin(1e300*x) not resolved" -- "$UA" fit 'sin(1e300*x)' --domain 0:1 \
    --check-points 20000 -o z.ua

# 5. values near DBL_MAX: resolved, saved with its scale, loaded, evaluated, exported
expect_exit 0 "exp on [700, 709.78]" -- "$UA" fit 'exp(x)' --domain 700:709.782712 \
    --check-points 20000 -o e.ua
expect_exit 0 "the saved model loads and evaluates" -- "$UA" eval e.ua 709.782712
v=$(cat out.txt)
expect_close "$v" 1.7976915288327554e308 1e-13 "exp(709.782712) from the model (mpmath)"
expect_exit 0 "export of the scaled model" -- "$UA" export e.ua -o e.c
expect_grep e.c "0x1p+1023" "the export multiplies by the scale"

# 2. exact breakpoints
expect_exit 0 "abs(x) --split" -- "$UA" fit 'abs(x)' --split --check-points 20000 -o a.ua
expect_grep out.txt "^breakpoints  *-1 0 1$" "abs(x): the break is 0"
expect_exit 0 "abs(x-0.25) --split" -- "$UA" fit 'abs(x-0.25)' --split --check-points 20000 -o a.ua
expect_grep out.txt "^breakpoints  *-1 0.25 1$" "abs(x-0.25): the break is 0.25"

# 3. --rel-tol, and the warning without it
expect_exit 0 "cheb erf --rel-tol" -- "$UA" fit 'erf(x)' --domain -4:4 --rel-tol 1e-13 \
    --check-points 20000 -o r.ua
expect_exit 0 "evaluate erf near 0" -- "$UA" eval r.ua 1e-300
expect_close "$(cat out.txt)" 1.1283791670955126e-300 1e-13 "erf(1e-300) relative"
expect_exit 0 "exp(2/x)*cos(1/x) without --rel-tol" -- "$UA" fit 'exp(2/x)*cos(1/x)' \
    --domain 0.05:1 --check-points 20000 -o w.ua
expect_grep out.txt "^warning .*relative error.*use --rel-tol" "the warning names --rel-tol"
expect_exit 2 "--rel-tol with --tol" -- "$UA" fit 'sin(x)' --rel-tol 1e-10 --tol 1e-10
expect_exit 2 "spline --rel-tol with --rtol" -- "$UA" fit 'sin(x)' --family spline \
    --rel-tol 1e-10 --rtol 1e-8
finish
