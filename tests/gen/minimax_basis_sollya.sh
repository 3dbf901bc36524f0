#!/bin/sh
# Writes tests/ref/minimax_basis_sollya.csv: sup errors of Sollya's remez (the best real
# polynomial, measured by dirtyinfnorm at 300 bits) for the cases of tests/test_minimax_basis.c
# and tests/cli_minimax.sh: a restricted monomial list (Sollya's [|1,3,5,7|]), high degrees that
# need the Chebyshev basis, and the exp degrees around the auto-degree tolerance 1e-15; the
# "_fpsingle" rows are fpminimax with single-precision coefficients on the same list (absolute).
# Needs the Debian package `sollya` (8.0); the tests read the CSV, so `make test` does not.
# usage: sh tests/gen/minimax_basis_sollya.sh > tests/ref/minimax_basis_sollya.csv
set -eu
command -v sollya >/dev/null || { echo "minimax_basis_sollya.sh: needs sollya (apt-get install sollya)" >&2; exit 1; }

# name | Sollya expression | a | b (Sollya syntax, rounded to double) | degree or monomial list
CASES='sin_odd7|sin(x)|-pi/4|pi/4|[|1,3,5,7|]
sin_odd7_fpsingle|sin(x)|-pi/4|pi/4|[|1,3,5,7|]
cos_even6|cos(x)|-pi/4|pi/4|[|0,2,4,6|]
cos_even6_fpsingle|cos(x)|-pi/4|pi/4|[|0,2,4,6|]
runge80|1/(1+25*x^2)|-1|1|80
runge100|1/(1+25*x^2)|-1|1|100
exp12|exp(x)|-1|1|12
exp13|exp(x)|-1|1|13
exp14|exp(x)|-1|1|14'

echo "name,a,b,basis,sup_error"
echo "$CASES" | while IFS='|' read -r name sexpr a b n; do
    case $name in
        *_fpsingle) fit="p = fpminimax(f, $n, [|single...|], I, absolute);" ;;
        *) fit="p = remez(f, $n, I);" ;;
    esac
    out=$(sollya 2>/dev/null <<SOLLYA || true
verbosity = 0;
prec = 300;
display = decimal;
f = $sexpr;
aa = round($a, D, RN); bb = round($b, D, RN);
I = [aa; bb];
$fit
e = dirtyinfnorm(p - f, I);
print(aa, "|", bb, "|", e);
SOLLYA
)
    line=$(echo "$out" | grep '|' | tail -n 1 | tr -d ' ')
    aa=$(echo "$line" | cut -d'|' -f1)
    bb=$(echo "$line" | cut -d'|' -f2)
    e=$(echo "$line" | cut -d'|' -f3)
    echo "$name,$aa,$bb,$(echo "$n" | tr -d '[]|' | tr ',' ' '),$e"
done

# the relative error of sin on [-pi/4, pi/4] with [|1,3,5,7|]: p = x q(x^2), p / sin - 1 =
# q(x^2) x / sin(x) - 1, which Sollya's remez takes as q on [|0,2,4,6|] with the weight
# x / sin(x) on [2^-40, b] (on [0, b] it fails at the 0 / 0)
out=$(sollya 2>/dev/null <<'SOLLYA' || true
verbosity = 0;
prec = 300;
display = decimal;
bb = round(pi/4, D, RN);
J = [2^-40; bb];
q = remez(1, [|0,2,4,6|], J, x / sin(x));
e = dirtyinfnorm(q * x / sin(x) - 1, J);
print(-bb, "|", bb, "|", e);
SOLLYA
)
line=$(echo "$out" | grep '|' | tail -n 1 | tr -d ' ')
echo "sin_odd7_rel,$(echo "$line" | cut -d'|' -f1),$(echo "$line" | cut -d'|' -f2),1 3 5 7,$(echo "$line" | cut -d'|' -f3)"
