#!/bin/sh
# Proven sup-norm bounds against Sollya 8's supnorm on the same polynomials and intervals, in one
# run. Each polynomial is a uniapprox minimax fit in monomials of x (--var x --basis monomial);
# its double coefficients are given to Sollya exactly (17 digits, rounded to double there).
#   bound ratio   uniapprox's proven bound / the upper end of Sollya's supnorm(p, f, I, absolute,
#                 0.1) (Sollya bounds the exact polynomial; uniapprox's bound also covers the
#                 double evaluation's rounding, so the exact part, bound - rounding, is shown too)
#   time ratio    uniapprox's prover time (proof.seconds, in process) / Sollya's supnorm time
#                 (time() inside Sollya, so neither start-up is counted)
# Medians of ROUNDS alternating rounds (default 3). Ratios < 1 favour uniapprox.
# Needs sollya (UA_BENCH_DEPS=1 scripts/install-deps).
# usage: bench/prove_vs_sollya.sh [BUILD_DIR] [ROUNDS]
set -eu
BUILD=${1:-build}
ROUNDS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA="$ROOT/$BUILD/uniapprox"
command -v sollya >/dev/null || { echo "prove_vs_sollya: sollya not installed, skipped"; exit 0; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

num() { sed -n "s/.*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== proven bounds: uniapprox check --prove vs Sollya supnorm (accuracy 0.1), medians of $ROUNDS rounds =="
printf '%-22s %3s %10s %10s %10s %10s %7s %7s %9s %9s %7s %s\n' "function on interval" "n" \
    "measured" "ua bound" "ua exact" "sollya" "ratio" "exact" "ua time" "sollya" "ratio" "sound"
# label | uniapprox expr | Sollya expr | a | b | degree
while IFS='|' read -r label expr sexpr a b n; do
    [ -z "$label" ] && continue
    "$UA" fit "$expr" --family minimax --degree "$n" --domain "$a:$b" --var x --basis monomial \
        --points 1000 -o "$OUT/m.safetensors" >/dev/null
    "$UA" info "$OUT/m.safetensors" --json >"$OUT/info.json"
    coeffs=$(tr -d '\n\t ' <"$OUT/info.json" | sed -n 's/.*"coefficients":\[\([^]]*\)\].*/\1/p')
    # the polynomial for Sollya: sum round(c_k, D, RN) * x^k
    poly=$(echo "$coeffs" | awk -F, '{ s = ""; for (k = 1; k <= NF; k++) s = s (k > 1 ? " + " : "") "round(" $k ", D, RN) * x^" (k - 1); print s }')
    : >"$OUT/ut"; : >"$OUT/st"
    for r in $(seq "$ROUNDS"); do
        "$UA" check "$OUT/m.safetensors" --prove --json --points 1000 >"$OUT/c.json" || true
        num "$OUT/c.json" seconds >>"$OUT/ut"
        sollya >"$OUT/s.txt" 2>/dev/null <<SOLLYA || true
verbosity = 0;
prec = 165;
display = decimal;
f = $sexpr;
I = [round($a, D, RN); round($b, D, RN)];
p = $poly;
t = time(s = supnorm(p, f, I, absolute, 0.1));
write("R,", sup(s), ",", inf(s), ",", t, "\n");
SOLLYA
        sed -n 's/^R,//p' "$OUT/s.txt" | cut -d, -f3 >>"$OUT/st"
    done
    sb=$(sed -n 's/^R,//p' "$OUT/s.txt" | cut -d, -f1)
    sl=$(sed -n 's/^R,//p' "$OUT/s.txt" | cut -d, -f2)
    ub=$(num "$OUT/c.json" bound); ur=$(num "$OUT/c.json" rounding); um=$(num "$OUT/c.json" measured)
    ut=$(median <"$OUT/ut"); st=$(median <"$OUT/st")
    awk -v l="$label" -v n="$n" -v um="$um" -v ub="$ub" -v ur="$ur" -v sb="$sb" -v ut="$ut" -v st="$st" -v sl="$sl" 'BEGIN {
        if (sb + 0 <= 0 || ub == "") { printf "%-22s %3d  (no result: sollya %s, uniapprox %s)\n", l, n, sb, ub; exit }
        printf "%-22s %3d %10.3e %10.3e %10.3e %10.3e %7.3f %7.3f %9.4f %9.4f %7.3f %s\n", l, n, um, ub, ub - ur, sb, ub / sb, (ub - ur) / sb, ut, st, ut / st, (ub - ur >= sl + 0) ? "yes" : "NO" }'
done <<'LIST'
exp [-1,1]|exp(x)|exp(x)|-1|1|10
exp [-1,1]|exp(x)|exp(x)|-1|1|16
sin [0,0.785]|sin(x)|sin(x)|0|0.785|7
log1p [0,1]|log1p(x)|log1p(x)|0|1|12
atan [0,1]|atan(x)|atan(x)|0|1|10
erf [0,2]|erf(x)|erf(x)|0|2|14
tan [0,0.785]|tan(x)|tan(x)|0|0.785|9
cos [-1,1]|cos(x)|cos(x)|-1|1|8
LIST
echo "measured: the largest |p - f| uniapprox evaluated (MPFR); ua exact: its bound less the part"
echo "covering the double evaluation's rounding. sollya: the upper end of supnorm's enclosure."
echo "sound: ua exact >= the lower end of Sollya's enclosure (a bound below it would be wrong)."
