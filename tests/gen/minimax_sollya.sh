#!/bin/sh
# Writes tests/ref/minimax_sollya.csv: for each case, the sup error of Sollya's remez (the best
# real polynomial) and of fpminimax with single-precision coefficients, measured by Sollya's
# dirtyinfnorm at 200 bits. Needs the Debian package `sollya` (8.0); tests/test_minimax.c and
# bench/minimax_vs_sollya.sh read the result, so `make test` does not need Sollya.
# usage: sh tests/gen/minimax_sollya.sh > tests/ref/minimax_sollya.csv
set -eu
command -v sollya >/dev/null || { echo "minimax_sollya.sh: needs sollya (apt-get install sollya)" >&2; exit 1; }

# name | uniapprox expression | Sollya expression | a | b (Sollya syntax; rounded to double) | degree | error
CASES='exp10|exp(x)|exp(x)|-1|1|10|abs
sin7|sin(x)|sin(x)|0|pi/4|7|abs
log1p12|log1p(x)|log(1+x)|0|1|12|abs
log1p8|log1p(x)|log(1+x)|0|1|8|abs
cos8|cos(x)|cos(x)|-1|1|8|abs
atan10|atan(x)|atan(x)|0|1|10|abs
erf14|erf(x)|erf(x)|0|2|14|abs
exp2_6|2^x|2^x|0|1|6|abs
tan9|tan(x)|tan(x)|0|pi/4|9|abs
sqrt6|sqrt(x)|sqrt(x)|1|2|6|abs
exp10rel|exp(x)|exp(x)|-1|1|10|rel
log2_9rel|log2(x)|log2(x)|2|4|9|rel'

echo "name,expr,a,b,degree,error,remez_sup,fpminimax_single_sup"
echo "$CASES" | while IFS='|' read -r name expr sexpr a b n err; do
    if [ "$err" = abs ]; then
        remez="p = remez(f, $n, I); e = dirtyinfnorm(p - f, I);"
        fpm="q = fpminimax(f, $n, [|single...|], I, absolute); e2 = dirtyinfnorm(q - f, I);"
    else # relative: Sollya's remez minimises |p w - g| with g = 1, w = 1/f
        remez="p = remez(1, $n, I, 1/f); e = dirtyinfnorm(p/f - 1, I);"
        fpm="q = fpminimax(f, $n, [|single...|], I, relative); e2 = dirtyinfnorm(q/f - 1, I);"
    fi
    out=$(sollya 2>/dev/null <<SOLLYA || true
verbosity = 0;
prec = 200;
display = decimal;
f = $sexpr;
aa = round($a, D, RN); bb = round($b, D, RN);
I = [aa; bb];
$remez
write("R,", aa, ",", bb, ",", e, "\n");
e2 = -1;
$fpm
write("F,", e2, "\n");
SOLLYA
)
    ab_e=$(echo "$out" | sed -n 's/^R,//p')
    fp=$(echo "$out" | sed -n 's/^F,//p')
    case "$fp" in ''|-1|*error*|*[!0-9.e+-]*) fp=nan ;; esac
    A=$(echo "$ab_e" | cut -d, -f1)
    B=$(echo "$ab_e" | cut -d, -f2)
    E=$(echo "$ab_e" | cut -d, -f3)
    printf '%s,%s,%s,%s,%s,%s,%s,%s\n' "$name" "$expr" "$A" "$B" "$n" "$err" "$E" "$fp"
done
