#!/bin/sh
# The README's path end to end: fit erf, check, export (compiled and measured against MPFR by an
# independent driver), eval, info; save/load, atomic writes, not-resolved, splitting, log map.
. "$(dirname "$0")/lib_cli.sh"

# fit -> check -> export -> eval, as in the README
expect_exit 0 "fit erf" -- "$UA" fit 'erf(x)' --domain -4:4 -o erf.safetensors --json
expect_grep out.txt '"resolved":[[:space:]]*true' "erf resolved"
expect_le "$(json_num out.txt max_abs_err)" 1e-15 "fit erf: measured max abs error"
expect_exit 0 "check erf" -- "$UA" check erf.safetensors --json
expect_le "$(json_num out.txt max_abs_err)" 1e-15 "check erf: max abs error"
expect_exit 0 "check --tol passes" -- "$UA" check erf.safetensors --tol 1e-15 --points 2000
expect_exit 1 "check --tol fails" -- "$UA" check erf.safetensors --tol 1e-20 --points 2000
# against another function the model is not within its tolerance: measured, and "not resolved"
expect_exit 1 "check --against" -- "$UA" check erf.safetensors --against 'erf(x)+1e-6' --json --points 2000
expect_grep out.txt '"resolved":[[:space:]]*false' "check --against erf+1e-6: not resolved"
expect_close "$(json_num out.txt max_abs_err)" 1e-6 1e-6 "check --against erf+1e-6"

# eval against published values of erf (Abramowitz & Stegun table 7.1), within the fit's
# accuracy (a few times 2^-52 relative to the scale 1), not to the last bit
expect_exit 0 "eval args" -- "$UA" eval erf.safetensors 0.5 1.5 -4 4
expect_close "$(sed -n 1p out.txt)" 0.5204998778130465 1e-15 "erf(0.5)"
expect_close "$(sed -n 2p out.txt)" 0.9661051464753108 1e-15 "erf(1.5)"
expect_close "$(sed -n 3p out.txt)" -0.9999999845827421 1e-15 "erf(-4)"
printf '0.5, 1.5\n  2\n' | "$UA" eval erf.safetensors >out.txt 2>err.txt
[ "$(wc -l <out.txt)" -eq 3 ] && pass || fail "eval from stdin: 3 lines"
expect_close "$(sed -n 3p out.txt)" 0.9953222650189527 1e-15 "erf(2) from stdin"
expect_exit 0 "eval outside the domain" -- "$UA" eval erf.safetensors 5
expect_grep out.txt "nan" "outside the domain is nan"
printf '0.5\nabc\n' | "$UA" eval erf.safetensors >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "eval bad stdin exits 2"
expect_grep err.txt "line 2" "bad stdin names the line"
expect_exit 2 "eval bad argument" -- "$UA" eval erf.safetensors 1x
# --split K without --split-dir: the K was read as a TARGET
expect_exit 2 "--split 3 without --split-dir" -- "$UA" fit 'abs(x)' --split 3
expect_grep err.txt "\-\-split 3: a split's number goes with --split-dir DIR" "--split 3: the reason"
mkdir -p spl3 && printf '1 2\n3 4\n5 6\n' >spl3/data.txt
expect_exit 2 "--split-dir with --split -o" -- "$UA" fit --split-dir spl3 --split -o x.st
expect_grep err.txt "option '--split' needs a value: with --split-dir it is the split's number K" "--split before -o: needs a value"
# a NUL byte on stdin is refused (it ended the token's string: the number after it was lost)
printf '1\0002\n' | "$UA" eval erf.safetensors >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "eval stdin with a NUL byte exits 2"
expect_grep err.txt "stdin line 1: NUL byte (not a text file?)" "a NUL byte on stdin: the line named"
# blank lines and # comments on stdin are skipped, as in data files; 2-D rows around them
printf '0.5\n\n# a comment\n1.5 # erf(1.5)\n' | "$UA" eval erf.safetensors >out.txt 2>err.txt
[ $? -eq 0 ] && [ "$(wc -l <out.txt)" -eq 2 ] && pass || { fail "eval stdin with # comments"; cat err.txt >&2; }
expect_close "$(sed -n 2p out.txt)" 0.9661051464753108 1e-15 "erf(1.5) after a comment line on stdin"
"$UA" fit 'exp(-x^2-y^2)' --vars x,y --domain -1:1 -o g2.safetensors >/dev/null 2>&1 || fail "g2 fit"
printf '0.1\t0.2\n\n# c\n0.3 0.4\n' | "$UA" eval g2.safetensors >out.txt 2>err.txt
[ $? -eq 0 ] && [ "$(wc -l <out.txt)" -eq 2 ] && pass || { fail "2-D eval stdin with a # line"; cat err.txt >&2; }
expect_close "$(sed -n 1p out.txt)" 0.951229424500714 1e-9 "exp(-0.05) before a comment line"
expect_close "$(sed -n 2p out.txt)" 0.7788007830714049 1e-9 "exp(-0.25) after a comment line"
# a UTF-8 byte-order mark (EF BB BF) at the start of the input is skipped: stdin, CSV and text
# files, and a text file read from standard input; elsewhere it is not a number
printf '\357\273\2770.5\n1.5\n' | "$UA" eval erf.safetensors >out.txt 2>err.txt
[ $? -eq 0 ] && pass || { fail "eval stdin with a BOM exits 0"; cat err.txt >&2; }
expect_close "$(sed -n 1p out.txt)" 0.5204998778130465 1e-15 "erf(0.5) after a BOM on stdin"
expect_close "$(sed -n 2p out.txt)" 0.9661051464753108 1e-15 "erf(1.5) after a BOM on stdin"
printf '\357\273\277\n 2\n' | "$UA" eval erf.safetensors >out.txt 2>err.txt
[ $? -eq 0 ] && [ "$(wc -l <out.txt)" -eq 1 ] && pass || fail "eval stdin: a BOM alone on line 1"
printf '0.5\n\357\273\2771.5\n' | "$UA" eval erf.safetensors >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "a BOM after the start of stdin is not a number (exit 2)"
expect_grep err.txt "line 2" "a BOM on line 2 names the line"
printf '\357\273\277x\n0.5\n1.5\n' >bom.csv
expect_exit 0 "eval --input CSV with a BOM" -- "$UA" eval erf.safetensors --input bom.csv --x-col x
expect_close "$(sed -n 2p out.txt)" 0.9661051464753108 1e-15 "erf(1.5) from a CSV with a BOM"
printf '\357\273\2770.5\n1.5\n' >bom.txt
expect_exit 0 "eval --input text with a BOM" -- "$UA" eval erf.safetensors --input bom.txt
expect_close "$(sed -n 1p out.txt)" 0.5204998778130465 1e-15 "erf(0.5) from a text file with a BOM"
if [ -r /dev/stdin ]; then
    "$UA" eval erf.safetensors --input /dev/stdin <bom.txt >out.txt 2>err.txt
    [ $? -eq 0 ] && pass || { fail "eval --input /dev/stdin with a BOM"; cat err.txt >&2; }
    expect_close "$(sed -n 2p out.txt)" 0.9661051464753108 1e-15 "erf(1.5) from /dev/stdin with a BOM"
fi

# export to a full disk: exit 1 and exactly one message naming standard output and the reason
if [ -w /dev/full ]; then
    "$UA" export erf.safetensors >/dev/full 2>err.txt
    [ $? -eq 3 ] && pass || fail "export to /dev/full exits 3"
    [ "$(wc -l <err.txt)" -eq 1 ] && pass || { fail "export to /dev/full: one message"; cat err.txt >&2; }
    expect_grep err.txt "standard output: No space left on device" "export to /dev/full names the reason"
    "$UA" eval erf.safetensors 0.5 >/dev/full 2>err.txt
    [ $? -eq 3 ] && [ "$(wc -l <err.txt)" -eq 1 ] && pass || fail "eval to /dev/full: exit 3, one message"
fi

# export double, compile, measure against MPFR with an independent driver
expect_exit 0 "export double" -- "$UA" export erf.safetensors --type double -o erf_approx.c
expect_grep erf_approx.c "erf(x)" "export header names the target"
expect_grep erf_approx.c "double erf_approx(double x)" "export defines erf_approx"
expect_le "$(max_error_vs_mpfr erf_approx.c erf_approx 'mpfr_erf(r, r, MPFR_RNDN)' -4 4)" 1e-15 \
    "exported double erf: max abs error against MPFR"
expect_exit 0 "export float" -- "$UA" export erf.safetensors --type float -o erf_approx.c
expect_le "$(max_error_vs_mpfr erf_approx.c erf_approx 'mpfr_erf(r, r, MPFR_RNDN)' -4 4 float)" 3e-7 \
    "exported float erf: max abs error (float rounding, |erf| <= 1)"
expect_exit 0 "export to stdout" -- "$UA" export erf.safetensors
expect_grep out.txt "double ua_approx(double x)" "stdout export uses the default name"
expect_exit 2 "export bad name" -- "$UA" export erf.safetensors --name 2bad

# info
expect_exit 0 "info" -- "$UA" info erf.safetensors
expect_grep out.txt "pieces" "info shows pieces"
expect_grep out.txt "max_abs_err" "info shows the measured error"
expect_exit 0 "info --json" -- "$UA" info erf.safetensors --json
awk -v v="$(json_num out.txt integral)" 'BEGIN { exit !(v + 0 < 1e-15 && v + 0 > -1e-15) }' && pass ||
    fail "integral of erf over [-4, 4] is 0"

# a model file is replaced only by a complete one; a failed fit leaves it alone
cp erf.safetensors before.safetensors
expect_exit 2 "failed fit" -- "$UA" fit 'log(x)' --domain -1:1 -o erf.safetensors
cmp -s erf.safetensors before.safetensors && pass || fail "failed fit left the old model alone"
# an output that cannot be written is found before the fit starts (exit 3, as for every output)
expect_exit 3 "save into a missing directory" -- "$UA" fit 'x' -o no/such/dir/m.safetensors
expect_grep err.txt "cannot write the model" "the output is named"
ls no 2>/dev/null && fail "no directory created" || pass
# corrupt and truncated model files fail cleanly with exit 2
head -c 100 erf.safetensors >trunc.safetensors
expect_exit 2 "truncated model" -- "$UA" eval trunc.safetensors 0
printf 'garbage garbage garbage' >junk.safetensors
expect_exit 2 "junk model" -- "$UA" info junk.safetensors

# not resolved: still saved, exit 1, error reported
expect_exit 1 "abs(x) without split is not resolved" -- "$UA" fit 'abs(x)' --max-length 257 -o abs.safetensors --json
expect_grep out.txt '"resolved":[[:space:]]*false' "reported as not resolved"
expect_grep err.txt "not resolved" "warning on stderr"
# with --json stderr holds JSON objects alone (the warning was a plain-text line)
expect_grep err.txt '^{"warning":"the constructor did not resolve the target' "--json: the warning is a JSON object"
[ -z "$(grep -v '^{' err.txt)" ] && pass || fail "--json: a line on stderr that is not JSON: $(grep -v '^{' err.txt | head -1)"
[ -f abs.safetensors ] && pass || fail "best model still saved"
expect_le "$(json_num out.txt max_abs_err)" 1e-2 "best error still reported"
grep -q singularity err.txt && fail "a kink is not called a singularity" || pass

# a pole: tan is finite at every double (tan(fl(pi/2)) = 1.6e16), so the fit is not resolved
# (exit 1) and the warning names the singularity and its place; a pole where the target
# evaluates to Inf is bad input (exit 2) naming x
expect_exit 1 "tan(x) on [1, 2] is not resolved" -- "$UA" fit 'tan(x)' --domain 1:2 --max-length 257 --check-points 2000
expect_grep err.txt "appears to have a singularity near x = 1.57079632679489" "the pole of tan is named"
expect_exit 1 "tan(x) on [1, 2] --split is not resolved" -- "$UA" fit 'tan(x)' --domain 1:2 --split --check-points 2000
expect_grep err.txt "singularity near x = 1.57079632679489" "the pole of tan is named (split)"
expect_exit 2 "1/sqrt|x - 0.3| is infinite at fl(0.3)" -- "$UA" fit '1/sqrt(abs(x-0.3))' --domain -1:1
expect_grep err.txt "target is infinite at x = 0.29999999999999999" "the infinite value is named"

# splitting: |x - 0.3| gives 2 pieces of degree 1, breakpoint at 0.3
expect_exit 0 "abs(x-0.3) --split" -- "$UA" fit 'abs(x-0.3)' --split --json
expect_grep out.txt '"pieces":[[:space:]]*2' "two pieces"
tr -d ' \n\t' <out.txt | grep -q '"lengths":\[2,2\]' && pass || fail "lengths 2 and 2"
expect_le "$(json_num out.txt max_abs_err)" 1e-15 "abs(x-0.3) error"

# uniform pieces for fast evaluation: lgamma on [0.5, 20] in pieces of <= 12 coefficients; the
# exported code (Estrin on equal pieces) measured against MPFR's lgamma by an independent driver
expect_exit 0 "lgamma --uniform-length 12" -- "$UA" fit 'lgamma(x)' --domain 0.5:20 --uniform-length 12 --json -o lg.safetensors
expect_grep out.txt '"uniform":[[:space:]]*true' "uniform pieces reported"
np=$(json_num out.txt pieces)
case "$np" in 1|2|4|8|16|32|64|128|256|512|1024) pass ;; *) fail "uniform piece count $np is a power of two" ;; esac
expect_exit 0 "export uniform lgamma" -- "$UA" export lg.safetensors --name lg_approx -o lg_approx.c
# max |lgamma| on [0.5, 20] is lgamma(20) = 39.339884187199495
expect_le "$(max_error_vs_mpfr lg_approx.c lg_approx 'mpfr_lgamma(r, &sign, r, MPFR_RNDN)' 0.5 20 double 39.339884187199495)" \
    4e-15 "exported uniform lgamma: max error / scale against MPFR"

# log map: nfw-sigma on [1e-4, 1e4]
expect_exit 0 "nfw-sigma --map log" -- "$UA" fit nfw-sigma --domain 1e-4:1e4 --map log --json -o nfw.safetensors
expect_grep out.txt '"resolved":[[:space:]]*true' "nfw-sigma resolved"
expect_le "$(json_num out.txt max_rel_scale_err)" 1e-14 "nfw-sigma error relative to its scale"
expect_exit 0 "eval nfw at X = 1" -- "$UA" eval nfw.safetensors 1
expect_close "$(cat out.txt)" 0.66666666666666667 1e-14 "nfw-sigma(1) = 2/3"
# A subnormal domain: the affine map to [-1, 1] is not representable (1 / width overflows)
expect_exit 2 "cheb refuses a subnormal domain" -- "$UA" fit 'sin(x)' --domain 1e-320:2e-320 -o sub.safetensors
expect_grep err.txt "not representable" "subnormal domain: the reason is given"
[ ! -e sub.safetensors ] && pass || fail "subnormal domain: no model saved"
# A domain whose width times a grid index overflows: the edge probe's grid and midpoints stay
# finite points of [a, b] (they were inf: "target is NaN at x = inf", exit 2)
expect_exit 1 "sin(x) on [0, 1e308]: measured, not resolved" -- "$UA" fit 'sin(x)' --domain 0:1e308 \
    --max-length 257 --points 2000 -o huge.safetensors
grep -q "at x = inf" err.txt && fail "sin(x) on [0, 1e308]: a point outside the domain" || pass
expect_exit 0 "sin(x/1e307) on [0, 1e308]" -- "$UA" fit 'sin(x/1e307)' --domain 0:1e308 --points 2000 \
    -o huge.safetensors
expect_exit 0 "eval sin(x/1e307) at 5e307" -- "$UA" eval huge.safetensors 5e307
expect_close "$(cat out.txt)" -0.95892427466313845 1e-13 "sin(5) from the [0, 1e308] fit"

# Tolerances double cannot meet: a relative tol below 2^-52 is refused; an absolute one below
# 2^-52 * scale is chopped at that floor and reported as not resolved (not run to max_length)
expect_exit 2 "cheb refuses --tol 1e-30" -- "$UA" fit 'sin(x)' --tol 1e-30
expect_grep err.txt "below double precision, 2.2e-16" "--tol 1e-30: the reason is given"
expect_exit 1 "--abs-tol 1e-300 is not resolved" -- "$UA" fit 'sin(x)' --abs-tol 1e-300 --json
expect_grep err.txt "cannot be met" "--abs-tol 1e-300: the reason is given"
expect_le "$(json_num out.txt total_length)" 40 "--abs-tol 1e-300 stops at the double floor"
expect_exit 0 "--abs-tol 1e-12 still resolves" -- "$UA" fit 'j0(x)' --domain 0:100 --abs-tol 1e-12

# --uniform-length L: at most L coefficients per piece, also when not resolved
expect_exit 1 "uniform-length 8, not resolved" -- "$UA" fit 'sin(1e6*x)' --uniform-length 8 --max-pieces 64 --json
[ "$(sed -n 's/.*"lengths":[[:space:]]*\[\([^]]*\)\].*/\1/p' out.txt | tr ',' '\n' | sort -n | tail -n 1 | tr -d ' ')" = 8 ] \
    && pass || fail "uniform-length 8: longest piece has 8 coefficients"
expect_exit 1 "uniform-length 1, not resolved" -- "$UA" fit 'sin(x)' --uniform-length 1 --max-pieces 16 --json
[ "$(sed -n 's/.*"lengths":[[:space:]]*\[\([^]]*\)\].*/\1/p' out.txt | tr ',' '\n' | sort -n | tail -n 1 | tr -d ' ')" = 1 ] \
    && pass || fail "uniform-length 1: every piece has 1 coefficient"

# A pole inside the domain is named (UA_EDOMAIN, exit 2) without --split too. In double the
# pole is at the double 0.1234567 (x - 0.1234567 = 0 there); sampled in MPFR (the probe's choice
# for this formula, docs/engine.md) the decimal 0.1234567 is at no double, so f is finite and
# huge there: not resolved, the singularity named
expect_exit 2 "pole inside, one piece" -- "$UA" fit '1/(x-0.1234567)' --sample-prec double
expect_grep err.txt "infinite at x = 0.1234567" "pole: the point is named"
expect_exit 1 "pole inside, sampled in MPFR" -- "$UA" fit '1/(x-0.1234567)' --points 2000
expect_grep err.txt "grows without bound there" "pole in MPFR: the singularity is named"
expect_exit 2 "tgamma's poles" -- "$UA" fit 'tgamma(x)' --domain -2.3:-0.7
expect_grep err.txt "at x = -1" "tgamma: the pole at -1 is named"

# The float export is accurate relative to each piece's scale: exp on [-20, 0] in 16 uniform
# pieces, at x = -19.5 (|f| ~ 3e-9, far below the global scale 1)
expect_exit 0 "fit exp on [-20, 0], uniform" -- "$UA" fit 'exp(x)' --domain -20:0 --uniform-length 16 -o ex.safetensors
expect_exit 0 "export exp float" -- "$UA" export ex.safetensors --type float --name exf -o exf.c
expect_grep exf.c "NOT pointwise relative" "float export states its accuracy"
cat >exdrv.c <<'C'
#include <math.h>
#include <stdio.h>
float exf(float x);
int main(void)
{
    double worst = 0;
    for (int i = 0; i <= 1000; i++) {
        float x = (float)(-20.0 + 1.25 * i / 1000); /* the leftmost piece */
        double e = fabs((double)exf(x) / exp((double)x) - 1);
        if (!(e <= worst)) worst = e;
    }
    printf("%.3e\n", worst);
    return 0;
}
C
if "$CC" -std=c99 -O2 -Wall -Werror -o exdrv exdrv.c exf.c -lm 2>cc.txt; then
    pass; expect_le "$(./exdrv)" 1e-5 "float exp export: relative error in the smallest piece"
else fail "exported float exp compiles cleanly"; cat cc.txt >&2; fi
finish
