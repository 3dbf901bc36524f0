#!/bin/sh
# Fits from 1-D samples on the command line: spline --method pchip | akima | makima | smoothing
# and cheb least squares (--degree N | cv). Values from exact identities (a flat run stays flat
# under PCHIP, a quintic's data give back the quintic), NIST StRD Gauss1 (certified residual sum
# of squares 1.3158222432E+03 over 250 points: noise floor sqrt(RSS / N) = 2.29419) and the
# round trip fit -> save -> eval -> export.
. "$(dirname "$0")/lib_cli.sh"

GAUSS1="$TESTS_DIR/data/fitters_gauss1.csv" # NIST StRD Gauss1 (Rust, B., NIST 1996), x,y

# ---- the smoothing spline with lam chosen by GCV reaches the noise floor of Gauss1
expect_exit 0 "smoothing Gauss1" -- "$UA" fit --family spline --data "$GAUSS1" --method smoothing \
    -o s.safetensors --json
expect_grep out.txt "chosen by GCV" "the report names how lam was chosen"
expect_grep out.txt "GCV score" "the report gives the GCV score"
rmse=$(json_num out.txt train_rmse)
expect_le "$rmse" 2.3400 "Gauss1 residual RMS at most 1.02 x the noise floor 2.29419"
expect_le 2.0648 "$rmse" "Gauss1 residual RMS at least 0.9 x the noise floor 2.29419"
# the model evaluates where it was fitted and is NaN outside [min x, max x] = [1, 250]
expect_exit 0 "eval smoothing model" -- "$UA" eval s.safetensors 0.5 125
expect_grep out.txt "nan" "NaN outside the samples' range"

# ---- a fixed lam is reported as given
expect_exit 0 "smoothing with --lam" -- "$UA" fit --family spline --data "$GAUSS1" --method smoothing \
    --lam 10 -o s10.safetensors
expect_grep out.txt "lam = 10 given" "a given lam is reported as given"

# ---- PCHIP: data 0 1 1 2 at x = 0 1 2 3: both slopes at x = 1 and 2 are 0 (a flat run), so the
# interpolant is exactly 1 on [1, 2]; at the knots it is the data
printf 'x,y\n3,2\n0,0\n2,1\n1,1\n' >flat.csv
expect_exit 0 "pchip fit" -- "$UA" fit --family spline --data flat.csv --method pchip -o p.safetensors
expect_exit 0 "pchip eval" -- "$UA" eval p.safetensors 0 1 1.25 1.5 1.75 2 3
printf '0\n1\n1\n1\n1\n1\n2\n' >want.txt
cmp -s out.txt want.txt && pass || { fail "pchip values: $(tr '\n' ' ' <out.txt)"; }
for m in akima makima; do
    expect_exit 0 "$m fit" -- "$UA" fit --family spline --data flat.csv --method $m -o $m.safetensors
done

# export: the compiled C gives what eval gives, digit for digit
expect_exit 0 "export pchip" -- "$UA" export p.safetensors --type double --name pc -o pc.c
cat >drv.c <<'C'
#include <stdio.h>
#include <stdlib.h>
double pc(double x);
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) printf("%.17g\n", pc(strtod(argv[i], 0)));
    return 0;
}
C
PTS="0 0.3 1 1.7 2.2 2.9 3"
if "$CC" -std=c99 -O2 -Wall -Werror -o drv drv.c pc.c -lm 2>cc.txt; then
    pass
    # shellcheck disable=SC2086
    ./drv $PTS >exported.txt
    # shellcheck disable=SC2086
    "$UA" eval p.safetensors $PTS >evaled.txt
    cmp -s exported.txt evaled.txt && pass || fail "exported pchip code differs from eval"
else fail "exported pchip code compiles"; cat cc.txt >&2; fi

# ---- cheb least squares: NIST Wampler1 (y = 1 + x + ... + x^5, x = 0..20, certified residual
# standard deviation 0): the degree-5 fit gives back the quintic
awk 'BEGIN { print "x,y"; for (x = 0; x <= 20; x++) printf "%d,%d\n", x, 1+x+x^2+x^3+x^4+x^5 }' \
    >wampler1.csv
expect_exit 0 "cheb --degree 5" -- "$UA" fit --family cheb --data wampler1.csv --degree 5 \
    -o c.safetensors
expect_grep out.txt "least squares of degree 5" "the degree is reported"
expect_exit 0 "cheb eval" -- "$UA" eval c.safetensors 10.5
expect_close "$(cat out.txt)" 141062.59375 1e-13 "Wampler1 quintic at x = 10.5"
expect_exit 0 "cheb --degree cv" -- "$UA" fit --family cheb --data "$GAUSS1" --degree cv --folds 4 \
    -o cv.safetensors
expect_grep out.txt "chosen by 4-fold cross-validation" "the CV choice is reported"

# ---- refusals: exit 2 with the cause named
expect_exit 2 "pchip on a formula" -- "$UA" fit 'sin(x)' --domain 0:1 --family spline --method pchip
expect_grep err.txt "fits samples" "pchip needs samples"
expect_exit 2 "--lam without smoothing" -- "$UA" fit --family spline --data flat.csv --method akima \
    --lam 1
expect_grep err.txt "--lam needs --method smoothing" "--lam needs smoothing"
printf 'x,y\n0,1\n1,2\n1,3\n' >dup.csv
expect_exit 2 "duplicate x" -- "$UA" fit --family spline --data dup.csv --method pchip
expect_grep err.txt "rows 2 and 3" "duplicate rows named"
expect_exit 2 "cheb --degree text" -- "$UA" fit --family cheb --data flat.csv --degree five
expect_grep err.txt "expected an integer" "a bad degree is named"
expect_exit 2 "cheb degree too high" -- "$UA" fit --family cheb --data flat.csv --degree 4
expect_grep err.txt "at least 5 samples" "too few samples named"
expect_exit 2 "cheb --tol on samples" -- "$UA" fit --family cheb --data flat.csv --tol 1e-6
expect_exit 2 "cheb --degree on a formula" -- "$UA" fit 'sin(x)' --domain 0:1 --family cheb --degree 3
finish
