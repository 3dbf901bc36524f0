#!/bin/sh
# minimax against Sollya 8 on the same function, degree and interval, in one run:
#   time ratio   uniapprox fit time (Remez + the re-measurement of the error) / Sollya's remez time
#                (timed inside Sollya with time(), so its start-up is not counted)
#   error ratio  sup error of uniapprox's best real polynomial / Sollya's (dirtyinfnorm(p - f))
#   float ratio  sup error with float32 coefficients: uniapprox --coeffs float / Sollya's
#                fpminimax(f, n, [|single...|], I, absolute)
# Ratios < 1 favour uniapprox. Needs sollya (UA_BENCH_DEPS=1 scripts/install-deps).
# usage: bench/minimax_vs_sollya.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
command -v sollya >/dev/null || { echo "minimax_vs_sollya: sollya not installed, skipped"; exit 0; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

num() { sed -n "s/.*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }

echo "== minimax vs Sollya 8: remez (time, sup error) and fpminimax single (sup error) =="
printf '%-26s %3s %10s %10s %7s %10s %10s %7s %10s %10s %7s\n' "function on interval" "n" \
    "ua time" "sollya" "ratio" "ua error" "sollya" "ratio" "ua float" "fpminimax" "ratio"
# label | uniapprox expr | Sollya expr | a | b (Sollya syntax, rounded to double) | degree
while IFS='|' read -r label expr sexpr a b n; do
    [ -z "$label" ] && continue
    s=$(sollya 2>/dev/null <<SOLLYA || true
verbosity = 0;
prec = 165;
display = decimal;
f = $sexpr;
aa = round($a, D, RN); bb = round($b, D, RN);
I = [aa; bb];
t = time(p = remez(f, $n, I));
e = dirtyinfnorm(p - f, I);
e2 = -1;
q = fpminimax(f, $n, [|single...|], I, absolute);
e2 = dirtyinfnorm(q - f, I);
write("R,", aa, ",", bb, ",", t, ",", e, ",", e2, "\n");
SOLLYA
)
    line=$(echo "$s" | sed -n 's/^R,//p')
    A=$(echo "$line" | cut -d, -f1); B=$(echo "$line" | cut -d, -f2)
    st=$(echo "$line" | cut -d, -f3); se=$(echo "$line" | cut -d, -f4); sf=$(echo "$line" | cut -d, -f5)
    "$UA" fit "$expr" --family minimax --degree "$n" --domain "$A:$B" --json --check-points 1000 >"$OUT/r.json"
    "$UA" fit "$expr" --family minimax --degree "$n" --domain "$A:$B" --coeffs float --json --check-points 1000 >"$OUT/f.json"
    ut=$(num "$OUT/r.json" fit_seconds); ue=$(num "$OUT/r.json" real_error); uf=$(num "$OUT/f.json" coeff_error)
    awk -v l="$label" -v n="$n" -v ut="$ut" -v st="$st" -v ue="$ue" -v se="$se" -v uf="$uf" -v sf="$sf" 'BEGIN {
        fr = (sf + 0 > 0) ? sprintf("%7.3f", uf / sf) : "    n/a";
        fs = (sf + 0 > 0) ? sprintf("%10.3e", sf) : "  no conv.";
        printf "%-26s %3d %10.4f %10.4f %7.2f %10.3e %10.3e %7.4f %10.3e %s %s\n", l, n, ut, st, ut / st, ue, se, ue / se, uf, fs, fr }'
done <<'LIST'
exp [-1,1]|exp(x)|exp(x)|-1|1|10
sin [0,pi/4]|sin(x)|sin(x)|0|pi/4|7
log1p [0,1]|log1p(x)|log(1+x)|0|1|12
log1p [0,1]|log1p(x)|log(1+x)|0|1|8
cos [-1,1]|cos(x)|cos(x)|-1|1|8
atan [0,1]|atan(x)|atan(x)|0|1|10
erf [0,2]|erf(x)|erf(x)|0|2|14
tan [0,pi/4]|tan(x)|tan(x)|0|pi/4|9
exp [-1,1], high degree|exp(x)|exp(x)|-1|1|20
expm1 [-1/2,1/2]|expm1(x)|expm1(x)|-0.5|0.5|11
LIST
echo
echo "rational (Sollya has no rational remez): uniapprox alone"
printf '%-26s %6s %10s %12s %12s\n' "function on interval" "type" "time (s)" "levelled" "measured"
for c in "exp(x)|-1|1|4/4" "atan(x)|-1|1|5/4" "1/(1+25*x^2)|-1|1|2/2" "exp(x)|-1|1|8/0"; do
    IFS='|' read -r f a b t <<EOC
$c
EOC
    if [ "${t#*/}" = 0 ]; then opt="--degree ${t%/*}"; else opt="--rational $t"; fi
    # shellcheck disable=SC2086
    "$UA" fit "$f" --family minimax $opt --domain "$a:$b" --json --check-points 1000 >"$OUT/q.json" || true
    printf '%-26s %6s %10.4f %12.3e %12.3e\n' "$f [$a,$b]" "$t" "$(num "$OUT/q.json" fit_seconds)" \
        "$(num "$OUT/q.json" levelled_error)" "$(num "$OUT/q.json" max_abs_err)"
done
