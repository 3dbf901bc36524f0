#!/bin/sh
# Deep ensembles and class probabilities from the command line:
#  - fit --family mlp --n-estimators 3 (and --task gaussian, a variance head): eval --std prints "y sd lo hi" with lo, hi = y -+ 1.96 sd
#    (recomputed with awk), info says n_estimators, the exported C equals eval within float
#    rounding, and operations defined on one network (compress, influence) refuse the ensemble;
#  - eval --proba and check --data's log-loss and accuracy on two committed classifier models
#    (one network and a 2-member ensemble, float64) against numpy's probabilities and
#    scikit-learn's log_loss / accuracy_score (tests/gen/proba_logloss_ref.py; the rows include
#    a true label of probability 2.8e-19, below scikit-learn's clipping eps);
#  - a model without class probabilities (a regressor, the kernel family's classifier) is refused
#    by eval --proba, and fit --test-data says why its classifier has no log-loss.
. "$(dirname "$0")/lib_cli.sh"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
REF=$TESTS_DIR/ref

# ---- a regression ensemble -------------------------------------------------------------------
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 200; i++) { a = -1.5 + 3 * ((i * 0.618034) % 1);
    b = -1.5 + 3 * ((i * 0.7548777) % 1); printf "%.17g,%.17g,%.17g\n", a, b, sin(2*a)*cos(b) + a/3 } }' >tr.csv
expect_exit 0 "ensemble fit" -- "$UA" fit --family mlp --data tr.csv --n-estimators 3 \
    --hidden 8x8 --epochs 40 --threads 1 -o e.st
expect_exit 0 "info" -- "$UA" info e.st --json
expect_grep out.txt '"n_estimators":[[:space:]]*3' "info: three members"
awk 'BEGIN { for (i = 0; i < 25; i++) printf "%.6f %.6f\n", -1.4 + 0.11 * i, 1.3 - 0.1 * i }' >x.txt
"$UA" eval e.st --std --input x.txt >std.txt 2>err.txt
expect_exit 0 "eval --std" -- "$UA" eval e.st --std --input x.txt
bad=$(awk 'NF != 4 || !($2 > 0) { b++; next } { lo = $1 - 1.959963984540054 * $2; hi = $1 + 1.959963984540054 * $2;
    if ((lo - $3)^2 > 1e-20 * (1 + lo^2) || (hi - $4)^2 > 1e-20 * (1 + hi^2)) b++ } END { print b + 0 }' std.txt)
expect_le "$bad" 0 "eval --std: 4 columns, sd > 0, lo and hi = y -+ 1.96 sd"
"$UA" eval e.st --input x.txt >y.txt
paste -d' ' y.txt std.txt | awk '$1 != $2 { b++ } END { exit b > 0 }' && pass ||
    fail "eval --std's y column is eval's prediction"
cat >drv.c <<'C'
#include <stdio.h>
float ens_fn(const float *x); /* 2 inputs, 1 output */
int main(void)
{
    float x[2];
    while (scanf("%f %f", &x[0], &x[1]) == 2) printf("%.17g\n", (double)ens_fn(x));
    return 0;
}
C
expect_exit 0 "export" -- "$UA" export e.st --type float --name ens_fn -o fn.c
if $CC -std=c99 -O2 -Wall -Wextra -Werror -o drv drv.c fn.c -lm 2>cc.txt; then pass; else
    fail "exported ensemble compiles cleanly"; cat cc.txt >&2; fi
./drv <x.txt >exp.txt
worst=$(paste -d' ' exp.txt y.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; a = $2 < 0 ? -$2 : $2;
    r = d / (a > 1 ? a : 1); if (r > w) w = r } END { printf "%.3g", w + 0 }')
expect_le "$worst" 1e-5 "exported C = the ensemble's mean (float rounding)"
expect_exit 2 "compress refuses an ensemble" -- "$UA" compress e.st --method quant8 -o c.st
expect_grep err.txt "deep ensemble" "compress says why"
expect_exit 2 "--n-estimators 0" -- "$UA" fit --family mlp --data tr.csv --n-estimators 0 -o z.st
echo "0.5 0.5" >one.txt
expect_exit 2 "--proba on a regressor" -- "$UA" eval e.st --proba --input one.txt
expect_grep err.txt "no class probabilities" "--proba on a regressor says why"

# ---- a single network with a Gaussian variance head: --std without an ensemble -------------------
expect_exit 0 "gaussian fit" -- "$UA" fit --family mlp --data tr.csv --task gaussian --hidden 8x8 \
    --epochs 40 --threads 1 -o g.st
expect_exit 0 "gaussian: eval --std" -- "$UA" eval g.st --std --input x.txt
bad=$(awk 'NF != 4 || !($2 > 0) { b++ } END { print b + 0 }' out.txt)
expect_le "$bad" 0 "gaussian: eval --std prints y, sd > 0, lo, hi"
"$UA" eval g.st --input x.txt >gy.txt
expect_exit 0 "gaussian: export" -- "$UA" export g.st --type float --name ens_fn -o gfn.c
if $CC -std=c99 -O2 -Wall -Wextra -Werror -o gdrv drv.c gfn.c -lm 2>cc.txt; then pass; else
    fail "exported Gaussian network compiles cleanly"; cat cc.txt >&2; fi
./gdrv <x.txt >gexp.txt
worst=$(paste -d' ' gexp.txt gy.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; a = $2 < 0 ? -$2 : $2;
    r = d / (a > 1 ? a : 1); if (r > w) w = r } END { printf "%.3g", w + 0 }')
expect_le "$worst" 1e-5 "exported C = the Gaussian network's mean (float rounding)"

# ---- class probabilities against numpy and scikit-learn -----------------------------------------
tail -n +2 "$REF/proba_rows.csv" | cut -d, -f1,2 | tr , ' ' >px.txt
for m in net ens; do
    expect_exit 0 "$m: eval --proba" -- "$UA" eval "$REF/proba_$m.safetensors" --proba --input px.txt
    grep "^${m}p " "$REF/proba_ref.txt" | cut -d' ' -f2- >want.txt
    worst=$(paste -d' ' out.txt want.txt | awk 'NF != 6 { w = 1e300; next } { for (c = 1; c <= 3; c++) {
        d = $c - $(c + 3); if (d < 0) d = -d; if (d > w) w = d } } END { printf "%.3g", w + 0 }')
    expect_le "$worst" 1e-13 "$m: eval --proba = numpy's softmax probabilities"
    expect_exit 0 "$m: check --data" -- "$UA" check "$REF/proba_$m.safetensors" --data "$REF/proba_rows.csv" --json
    got_ll=$(sed -n '/"data"/,/}/p' out.txt | sed -n 's/.*"log_loss":[[:space:]]*\([-0-9.eE+]*\).*/\1/p')
    got_acc=$(sed -n '/"data"/,/}/p' out.txt | sed -n 's/.*"accuracy":[[:space:]]*\([-0-9.eE+]*\).*/\1/p')
    expect_close "$got_ll" "$(awk -v m="$m" '$1 == m { print $3 }' "$REF/proba_ref.txt")" 1e-12 \
        "$m: log-loss = scikit-learn's log_loss"
    expect_close "$got_acc" "$(awk -v m="$m" '$1 == m { print $2 }' "$REF/proba_ref.txt")" 1e-15 \
        "$m: accuracy = scikit-learn's accuracy_score"
done
expect_exit 0 "text: check --data" -- "$UA" check "$REF/proba_ens.safetensors" --data "$REF/proba_rows.csv"
expect_grep out.txt "accuracy 0.75  log-loss 0.536455" "text output: accuracy and log-loss"

# ---- a classifier without probabilities: the kernel family's ------------------------------------
awk 'BEGIN { print "a,b,label"; for (i = 0; i < 80; i++) { a = -1 + 2 * ((i * 0.618034) % 1);
    b = -1 + 2 * ((i * 0.7548777) % 1); printf "%.6f,%.6f,%d\n", a, b, (a + b > 0) } }' >cl.csv
expect_exit 0 "kernel classifier" -- "$UA" fit --family kernel --classify --data cl.csv \
    --test-data cl.csv -o k.st
expect_grep out.txt "log-loss n/a (the model has no class probabilities)" "kernel: log-loss n/a, said"
expect_exit 2 "--proba on the kernel classifier" -- "$UA" eval k.st --proba --input one.txt
expect_grep err.txt "kernel family has no class probabilities" "kernel: --proba refused, said"

finish
