#!/bin/sh
# The mlp family from the command line: fit on CSV / whitespace text / a UCI-style split folder,
# eval from stdin and --input, the training log, classification, bad data (file, line and column
# named, exit 2), inputs beyond float32's range (exit 2), and the exported C checked against
# `eval` by an independent driver.
. "$(dirname "$0")/lib_cli.sh"

# samples: y = sin(2 a) + b^2 / 2 on 300 rows
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 300; i++) { a = sin(0.37 * i) * 2; b = cos(0.11 * i * i);
    printf "%.17g,%.17g,%.17g\n", a, b, sin(2 * a) + b * b / 2 } }' >d.csv
awk -F, 'NR > 1 { print $1, $2, $3 }' d.csv >d.txt

expect_exit 0 "fit csv" -- "$UA" fit --family mlp --data d.csv --hidden 16x16 --epochs 200 \
    --threads 1 -o m.safetensors --log curve.jsonl --json
expect_grep out.txt '"family":[[:space:]]*"mlp"' "fit reports the family"
expect_grep out.txt '"hidden":[[:space:]]*"16x16"' "fit reports the widths"
expect_le "$(json_num out.txt val_loss)" 0.02 "fit csv: validation loss (standardised units)"
[ "$(wc -l <curve.jsonl)" -ge 10 ] && pass || fail "--log writes one line per epoch"
expect_grep curve.jsonl '"epoch": 1, "train_loss"' "--log lines are JSON with the epoch"
# same seed, one thread: the same model bytes (metadata holds the fit time, so compare eval output)
expect_exit 0 "eval --input csv" -- "$UA" eval m.safetensors --input d.csv --x-col a,b
[ "$(wc -l <out.txt)" -eq 300 ] && pass || fail "eval --input: one prediction per row"
cp out.txt pred_csv.txt
awk '{ print $1, $2 }' d.txt | "$UA" eval m.safetensors >pred_stdin.txt 2>err.txt
cmp -s pred_csv.txt pred_stdin.txt && pass || fail "eval from stdin rows equals eval --input"
printf '0.5, 1\n0.2 0.3\n' | "$UA" eval m.safetensors >out.txt 2>err.txt
[ "$(wc -l <out.txt)" -eq 2 ] && pass || fail "eval: comma or blank separated rows"
printf '0.5 1\n0.2\n' | "$UA" eval m.safetensors >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "eval: a short row exits 2"
expect_grep err.txt "line 2" "eval: the short row is named"
# inputs near and beyond FLT_MAX: the float32 network (m) refuses a row whose input does not
# fit in float after its scaling or whose hidden values overflow (exit 2, the row and its input
# named), never a finite wrong value (ReLU used to map the NaN of an overflowed sum to 0)
echo 1e30 0 | "$UA" eval m.safetensors >out.txt 2>err.txt
[ $? -eq 0 ] && pass || fail "eval of a float32 mlp at 1e30: exit 0"
awk '{ exit !($1 > 1e29 && $1 < 1e31 || $1 < -1e29 && $1 > -1e31) }' out.txt && pass || \
    fail "eval at 1e30: a finite value of the input's scale, got $(cat out.txt)"
for x in 3.4e38 1e39 1e300; do
    printf '1e30 0\n%s 0\n' $x | "$UA" eval m.safetensors >out.txt 2>err.txt
    [ $? -eq 2 ] && pass || fail "eval of a float32 mlp at $x: exit 2"
    expect_grep err.txt "row 2 (x = $(printf %g $x), 0)" "eval at $x: the row (1-based) and its input named"
    expect_grep err.txt "float32" "eval at $x: the network's dtype named"
done
echo 1e39 0 | "$UA" eval m.safetensors >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "eval of a float32 mlp at 1e39: exit 2"
expect_grep err.txt "does not fit in the network's float32" "eval at 1e39: the input does not fit"
# RMSE of the fit on its own samples, in target units
rmse=$(paste -d' ' pred_csv.txt d.txt | awk '{ e = $1 - $4; s += e * e } END { print sqrt(s / NR) }')
expect_le "$rmse" 0.1 "fit csv: RMSE on the samples"
expect_exit 0 "fit --seed again" -- "$UA" fit --family mlp --data d.csv --hidden 16x16 --epochs 200 \
    --threads 1 -o m2.safetensors
"$UA" eval m2.safetensors --input d.csv --x-col a,b >pred2.txt 2>err.txt
cmp -s pred_csv.txt pred2.txt && pass || fail "--seed with one thread: bitwise reproducible"

# whitespace text, columns by index, float64, L-BFGS, no standardisation
expect_exit 0 "fit text f64 lbfgs" -- "$UA" fit --family mlp --data d.txt --x-col 0,1 --y-col 2 \
    --dtype f64 --optim lbfgs --epochs 100 --hidden 8 --activation tanh --no-standardize \
    -o m64.safetensors --json
expect_grep out.txt '"dtype":[[:space:]]*"f64"' "f64 model"
# the float64 network computes where float32 cannot (tanh saturates: the same value at 1e39
# and 1e300) and refuses only where double overflows
echo 1e39 0 | "$UA" eval m64.safetensors >big39.txt 2>err.txt
[ $? -eq 0 ] && pass || fail "eval of a float64 mlp at 1e39: exit 0"
echo 1e300 0 | "$UA" eval m64.safetensors >out.txt 2>err.txt
[ $? -eq 0 ] && pass || fail "eval of a float64 mlp at 1e300: exit 0"
grep -q '^-\{0,1\}[0-9]' out.txt && cmp -s big39.txt out.txt && pass || fail "float64 tanh mlp: the saturated value at 1e39 and 1e300"
echo 1.7e308 1.7e308 | "$UA" eval m64.safetensors >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "eval of a float64 mlp at 1.7e308: exit 2"
expect_grep err.txt "overflow float64" "eval at 1.7e308: double's overflow named"
for act in gelu silu polyrelu polynorm; do
    expect_exit 0 "fit --activation $act" -- "$UA" fit --family mlp --data d.csv --hidden 8 \
        --epochs 5 --activation $act --param mup --mup-base-width 4
done
expect_exit 0 "fit --evonorm" -- "$UA" fit --family mlp --data d.csv --hidden 32 --epochs 5 --evonorm \
    --optim sgd --lr 0.01 --schedule warmup -o evo.safetensors
expect_exit 0 "info mlp" -- "$UA" info evo.safetensors --json
expect_grep out.txt "evonorm_s0" "info names EvoNorm-S0"

# a 1-D TARGET sampled on --domain: measured against MPFR, saved, loaded, NaN outside the domain
expect_exit 0 "fit TARGET" -- "$UA" fit 'sin(3*x)' --family mlp --hidden 16 --activation tanh \
    --samples 200 --epochs 400 --check-points 1000 -o t.safetensors --json
expect_le "$(json_num out.txt rms_err)" 0.2 "fit TARGET: RMS error against MPFR"
expect_exit 0 "eval 1-D mlp" -- "$UA" eval t.safetensors 0.5 2
expect_grep out.txt "nan" "outside the domain is nan"

# a UCI-style split folder: test RMSE reported
mkdir uci
cp d.txt uci/data.txt
printf '0\n1\n' >uci/index_features.txt
echo 2 >uci/index_target.txt
awk 'BEGIN { for (i = 0; i < 240; i++) print i }' >uci/index_train_0.txt
awk 'BEGIN { for (i = 240; i < 300; i++) print i }' >uci/index_test_0.txt
expect_exit 0 "fit --split-dir" -- "$UA" fit --family mlp --split-dir uci --split 0 --hidden 16x16 --epochs 200 --json
expect_le "$(json_num out.txt test_rmse)" 0.2 "split 0: test RMSE in target units"
echo 9999 >uci/index_train_1.txt
cp uci/index_test_0.txt uci/index_test_1.txt
expect_exit 2 "split index out of range" -- "$UA" fit --family mlp --split-dir uci --split 1
expect_grep err.txt "index_train_1.txt" "the bad split file is named"
expect_grep err.txt "line 1" "the bad split line is named"

# classification: three classes by the sign pattern of a and b
awk -F, 'NR == 1 { print "a,b,c"; next } { c = ($1 > 0) + ($2 > 0.3); print $1 "," $2 "," c }' d.csv >c.csv
expect_exit 0 "fit --task classify" -- "$UA" fit --family mlp --data c.csv --task classify --hidden 32 \
    --epochs 80 -o cls.safetensors --json
expect_grep out.txt '"classes":[[:space:]]*3' "three classes"
expect_le "0.9" "$(json_num out.txt train_accuracy)" "classifier: train accuracy"
printf '1.5 1\n-1.5 -1\n' | "$UA" eval cls.safetensors >out.txt 2>err.txt
[ "$(sed -n 1p out.txt)" = 2 ] && [ "$(sed -n 2p out.txt)" = 0 ] && pass || fail "classifier predicts classes 2 and 0"

# bad data: exit 2, file, line and column named
printf 'a,b,y\n1,2,3\n4,5\n' >ragged.csv
expect_exit 2 "ragged row" -- "$UA" fit --family mlp --data ragged.csv
expect_grep err.txt "ragged.csv" "ragged: file named"
expect_grep err.txt "line 3" "ragged: line named"
printf 'a,b,y\n1,2,3\n4,x5,6\n' >nonnum.csv
expect_exit 2 "non-numeric cell" -- "$UA" fit --family mlp --data nonnum.csv
expect_grep err.txt "line 3, column 2" "non-numeric: line and column named"
printf 'a,b,y\n1,2,3\n4,nan,6\n' >nan.csv
expect_exit 2 "NaN cell" -- "$UA" fit --family mlp --data nan.csv
expect_grep err.txt "column 2" "NaN: column named"
: >empty.csv
expect_exit 2 "empty file" -- "$UA" fit --family mlp --data empty.csv
expect_grep err.txt "empty.csv" "empty: file named"
expect_exit 2 "no such column" -- "$UA" fit --family mlp --data d.csv --y-col nope
expect_grep err.txt "nope" "missing column named"
expect_exit 2 "too few rows for validation" -- "$UA" fit --family mlp --data ragged.csv --x-col a --y-col b 2>/dev/null
printf 'a,b,y\n1,2,3\n4,5,6\n7,8,9\n' >tiny.csv
expect_exit 2 "validation fraction leaves < 2 rows" -- "$UA" fit --family mlp --data tiny.csv --val-frac 0.1
expect_grep err.txt "validation" "the validation problem is explained"
# below 50 rows the defaults hold out nothing and use L-BFGS (docs/mlp.md, "Small data")
expect_exit 0 "3 rows fit with the small-data defaults" -- "$UA" fit --family mlp --data tiny.csv
# one row determines nothing (it printed "r2 1" and exit 0): refused as kernel and rf refuse it
printf 'a,b\n1,2\n' >one.csv
expect_exit 2 "one row" -- "$UA" fit --family mlp --data one.csv
expect_grep err.txt "at least 2 training rows, got 1" "one row: the reason"
expect_exit 2 "bad activation" -- "$UA" fit --family mlp --data d.csv --activation swish
expect_exit 2 "bad hidden" -- "$UA" fit --family mlp --data d.csv --hidden 64xx

# a diverged fit (the learning rate blows the loss up) exits 1, names the problem and keeps the
# old model file as it was; the saved file of a good fit loads
cp m.safetensors keep.safetensors
expect_exit 1 "diverged fit" -- "$UA" fit --family mlp --data d.csv --hidden 16 --epochs 3 --lr 1e10 -o m.safetensors
expect_grep err.txt "training diverged at epoch" "divergence explained"
expect_grep err.txt "smaller --lr" "divergence: the way out named"
cmp -s m.safetensors keep.safetensors && pass || fail "a diverged fit keeps the old model file"
expect_exit 0 "the old model still loads" -- "$UA" info m.safetensors
# samples whose spread overflows double: exit 1, a clear message
awk 'BEGIN { print "x,y"; for (i = 0; i < 100; i++) printf "%.17g,%.17g\n", (i + 1) * 1e300, (i % 7 + 1) * 1e306 }' >huge.csv
expect_exit 1 "huge samples" -- "$UA" fit --family mlp --data huge.csv -o m.safetensors
expect_grep err.txt "overflow double" "huge samples explained"
cmp -s m.safetensors keep.safetensors && pass || fail "huge samples keep the old model file"
# --domain means nothing for samples
expect_exit 2 "--domain with --data" -- "$UA" fit --family mlp --data d.csv --domain 0:1
expect_grep err.txt "samples (--data, --split-dir) have none" "--domain with --data explained"
# train RMSE (target units) in the metadata; a split's test RMSE too, nothing on stderr
expect_exit 0 "info: train_rmse" -- "$UA" info m.safetensors --json
expect_grep out.txt '"train_rmse"' "train_rmse stored"
expect_exit 0 "fit --split-dir -o" -- "$UA" fit --family mlp --split-dir uci --hidden 8 --epochs 20 -o u.safetensors
grep -qi rmse err.txt && fail "the fitter prints no rmse on stderr: $(cat err.txt)" || pass
expect_exit 0 "info split model" -- "$UA" info u.safetensors --json
expect_grep out.txt '"train_rmse"' "split: train_rmse stored"
expect_grep out.txt '"test_rmse"' "split: test_rmse stored"

# export: standalone C equals eval within float rounding (f32 model), and to 1e-12 (f64)
cat >drv.c <<'C'
#include <stdio.h>
#ifdef USE_FLOAT
#define T float
#define FMT "%f %f"
#else
#define T double
#define FMT "%lf %lf"
#endif
T mlp_fn(const T *x); /* 2 inputs, 1 output */
int main(void)
{
    T x[2];
    while (scanf(FMT, &x[0], &x[1]) == 2) printf("%.17g\n", (double)mlp_fn(x));
    return 0;
}
C
awk '{ print $1, $2 }' d.txt >x.txt
check_export() { # MODEL TYPE TOL DESCRIPTION
    "$UA" export "$1" --type "$2" --name mlp_fn -o fn.c 2>err.txt || { fail "$4: export"; return; }
    flags=""; [ "$2" = float ] && flags=-DUSE_FLOAT
    if $CC -std=c99 -O2 -Wall -Wextra -Werror $flags -o drv drv.c fn.c -lm 2>cc.txt; then pass; else
        fail "$4: exported code compiles cleanly"; cat cc.txt >&2; return; fi
    ./drv <x.txt >exp.txt
    "$UA" eval "$1" --input x.txt >lib.txt
    worst=$(paste -d' ' exp.txt lib.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; a = $2 < 0 ? -$2 : $2;
        r = d / (a > 1 ? a : 1); if (r > w) w = r } END { printf "%.3g", w + 0 }')
    expect_le "$worst" "$3" "$4: max |exported - eval| / max(1, |eval|)"
}
check_export m.safetensors float 1e-5 "f32 model, float export"
check_export m.safetensors double 1e-5 "f32 model, double export"
check_export m64.safetensors double 1e-12 "f64 model, double export"
check_export evo.safetensors float 1e-5 "EvoNorm model, float export"

finish
