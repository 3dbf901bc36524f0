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
# a target of subnormal values: one subnormal ULP of error (4.9e-324) meets the tolerance, the
# smallest spacing of doubles (its reference rounded to double is that far off already)
expect_exit 0 "1e-320*x resolved" -- "$UA" fit '1e-320*x' --check-points 20000 -o sub.ua
expect_grep out.txt "^verdict  *resolved" "1e-320*x: resolved"
# 1e-310*x: subnormal values whose 8 eps max|f| rounds to 0; cheb's own check allowed 0 error
# and failed on the exact fit's one subnormal ULP ("a narrow feature ... above the allowed 0")
expect_exit 0 "1e-310*x resolved" -- "$UA" fit '1e-310*x' --check-points 20000 -o sub.ua
expect_grep out.txt "^verdict  *resolved" "1e-310*x: resolved"
expect_exit 0 "check 1e-310*x --json" -- "$UA" check sub.ua --json
expect_le "$(json_num out.txt max_abs_err)" 4.95e-324 "1e-310*x: at most one subnormal ULP of error"
# an error in ULPs is measured where f != 0 (as the relative error): at erf's zero, x = 0, the
# ULP is the smallest subnormal and 1e-17 of error read 2.8e306 ULP; f = 0 everywhere: n/a
expect_exit 0 "erf uniform length 12" -- "$UA" fit 'erf(x)' --domain -4:4 --uniform-length 12 \
    --check-points 20000 -o erfu.ua
expect_exit 0 "check erf --json" -- "$UA" check erfu.ua --json
expect_le "$(json_num out.txt max_ulp64)" 1e6 "erf: max f64 ULP where f != 0"
expect_exit 0 "0*x" -- "$UA" fit '0*x' --check-points 2000 -o zero.ua
expect_grep out.txt "f64 ULP   n/a  (f = 0 at every point)" "0*x: no ULP error"
# demo's footer: the row that checks every float is not called a sampled maximum
mkdir -p demotmp
TMPDIR="$PWD/demotmp" "$UA" demo > demo.txt 2>&1
# and the demo leaves nothing in its temporary directory's parent (every exported file removed)
[ -z "$(ls -A demotmp)" ] && pass || fail "demo left $(ls -A demotmp) in TMPDIR"
expect_grep demo.txt "every float was checked" "demo: the exhaustive row is exact"
grep -q "Sampled maxima, not bounds\." demo.txt && fail "demo calls every row a sampled maximum" || pass
# "|f| small there" only where |f| is small against the scale: 2^x on [0, 1] (|f| >= 1, and a
# relative error within its tolerance tol_abs 2.9e-9 over the scale 2) has no warning; sign(x)'s
# error at its jump is large where |f| = 1, and the warning says that instead
expect_exit 0 "2^x minimax float coefficients" -- "$UA" fit '2^x' --family minimax --degree 6 \
    --domain 0:1 --coeffs float -o e2.ua
grep -q "small there" out.txt && fail "2^x: |f| >= 1 called small: $(grep warning out.txt)" || pass
expect_exit 1 "sign(x) not resolved" -- "$UA" fit 'sign(x)' --domain -1:1 --max-length 65 \
    --check-points 2000 -o sg.ua
grep -q "small there" out.txt && fail "sign(x): |f| = 1 called small: $(grep warning out.txt)" || pass
expect_grep out.txt "^warning .*where |f| = 1 is not small against the scale max|f| = 1" \
    "sign(x): the warning says |f| is not small"
expect_exit 2 "spline --rel-tol with --rtol" -- "$UA" fit 'sin(x)' --family spline \
    --rel-tol 1e-10 --rtol 1e-8
# 2. singular points (issue 12's remaining gaps): |x|^p located and graded towards, kinks at
# the double nearest the kink (from MPFR values)
expect_exit 0 "abs(x)^1.5 --split resolved" -- "$UA" fit 'abs(x)^1.5' --split \
    --check-points 20000 -o a.ua
expect_grep out.txt "^breakpoints .* -2.9802322387695312e-08 0 2.9802322387695312e-08 " \
    "abs(x)^1.5: a break at exactly 0, graded by 1/32 towards it"
expect_exit 0 "abs(x-1/3) --split" -- "$UA" fit 'abs(x-1/3)' --split --check-points 20000 -o a.ua
expect_grep out.txt "^breakpoints  *-1 0.3333333333333333 1$" \
    "abs(x-1/3): the break is the double nearest 1/3"
expect_exit 0 "abs(x-2/7)+1 --split" -- "$UA" fit 'abs(x-2/7)+1' --split --check-points 20000 \
    -o a.ua
expect_grep out.txt "^breakpoints  *-1 0.2857142857142857 1$" \
    "abs(x-2/7)+1: the double nearest 2/7, on top of a value of 1"

# 3. spline --rel-tol: the sign and the relative accuracy next to a zero, on both sides
expect_exit 0 "spline erf --rel-tol" -- "$UA" fit 'erf(x)' --domain -4:4 --family spline \
    --rel-tol 1e-10 --check-points 20000 -o s.ua
expect_exit 0 "evaluate the spline left of 0" -- "$UA" eval s.ua -2e-150
expect_close "$(cat out.txt)" -2.2567583341766768e-150 1e-10 "erf(-2e-150) relative (mpmath)"

# 4. the default with MPFR sampling reaches the reference pointwise (a target of one sign)
expect_exit 0 "sqrt(x^2+1)-x default" -- "$UA" fit 'sqrt(x^2+1)-x' --domain 0:30 \
    --check-points 20000 -o d.ua
expect_grep out.txt "^note .*pointwise relative tolerance" "the note says how it was fitted"
ulp=$(awk '/max error, f64 ULP/ { print $5 }' out.txt)
expect_le "$ulp" 8 "sqrt(x^2+1)-x: at most 8 ulps against MPFR (44 with --tol eps)"

# 6. minimax --max-degree: the cap of --degree auto, an option of its own
expect_exit 1 "minimax auto capped at 8" -- "$UA" fit 'exp(x)' --family minimax --degree auto \
    --tol 1e-15 --max-degree 8 --check-points 20000
expect_grep err.txt "no degree <= 8" "the message names the cap"
expect_exit 2 "--max-degree without auto" -- "$UA" fit 'exp(x)' --family minimax --degree 8 \
    --max-degree 20
finish
