#!/bin/sh
# The learner's workflow from the command line: fit --test-data and check --data report RMSE,
# MAE and R² (R² recomputed here from eval's predictions with awk), fit --cv K (k-fold, mean ±
# sd), the generic --threads of every family, and the kernel family's statement of the rows its
# selection used. Bad values of --cv / --threads exit 2.
. "$(dirname "$0")/lib_cli.sh"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

# y = sin(2a) cos(b) + a/3 on two interleaved point sets (training 160 rows, test 90 rows)
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 160; i++) { a = -1.5 + 3 * ((i * 0.618034) % 1);
    b = -1.5 + 3 * ((i * 0.7548777) % 1); printf "%.17g,%.17g,%.17g\n", a, b, sin(2*a)*cos(b) + a/3 } }' >tr.csv
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 90; i++) { a = -1.4 + 2.8 * ((i * 0.5698403) % 1);
    b = -1.4 + 2.8 * ((i * 0.4142136) % 1); printf "%.17g,%.17g,%.17g\n", a, b, sin(2*a)*cos(b) + a/3 } }' >te.csv

expect_exit 0 "kernel fit with a test set, json" -- "$UA" fit --data tr.csv --test-data te.csv \
    --family kernel --cv 4 --threads 1 -o k.st --json
cp out.txt fit.json
expect_grep fit.json '"metrics"' "metrics in the JSON"
expect_grep fit.json '"r2"' "R² reported"
expect_grep fit.json '"mae"' "MAE reported"
expect_grep fit.json '"folds":[[:space:]]*4' "4 folds"
expect_grep fit.json '"rmse_sd"' "cv: the standard deviation over the folds"
expect_grep fit.json '"selected_on":[[:space:]]*"all 160 rows"' "the rows the selection used"

# R², RMSE and MAE of the test rows from eval's predictions (independent of the library's code)
tail -n +2 te.csv | cut -d, -f1,2 | tr , ' ' >te_x.txt
"$UA" eval k.st <te_x.txt >pred.txt
tail -n +2 te.csv | cut -d, -f3 | paste -d' ' - pred.txt >yp.txt
r2=$(awk '{ y[NR] = $1; p[NR] = $2; s += $1 } END { m = s / NR; for (i = 1; i <= NR; i++) {
    res += (p[i] - y[i])^2; tot += (y[i] - m)^2 }; printf "%.17g", 1 - res / tot }' yp.txt)
mae=$(awk '{ d = $2 - $1; s += d < 0 ? -d : d } END { printf "%.17g", s / NR }' yp.txt)
"$UA" check k.st --data te.csv --json >chk.json 2>err.txt
expect_close "$(sed -n '/"data"/,/}/p' chk.json | sed -n 's/.*"r2":[[:space:]]*\([-0-9.eE+]*\).*/\1/p')" "$r2" 1e-9 "check --data R² = awk's"
expect_close "$(sed -n '/"data"/,/}/p' chk.json | sed -n 's/.*"mae":[[:space:]]*\([-0-9.eE+]*\).*/\1/p')" "$mae" 1e-9 "check --data MAE = awk's"
expect_close "$(sed -n '/"test"/,/}/p' fit.json | sed -n 's/.*"r2":[[:space:]]*\([-0-9.eE+]*\).*/\1/p')" "$r2" 1e-9 "fit --test-data R² = awk's"

# text output
expect_exit 0 "text output" -- "$UA" fit --data tr.csv --test-data te.csv --family kernel --cv 3
expect_grep out.txt "metrics (scikit-learn" "metrics heading"
expect_grep out.txt "cv 3" "cv line"
expect_grep out.txt "selected_on" "selection rows in the text output"

# --threads for a family without a threads option of its own, and for one with it
expect_exit 0 "rf obeys --threads" -- "$UA" fit --data tr.csv --family rf --threads 2
expect_exit 0 "mlp takes --threads" -- "$UA" fit --data tr.csv --family mlp --threads 1 --epochs 5

# --compare: the learner chosen on a reusable holdout, with its estimate and the queries spent
expect_exit 0 "--compare" -- "$UA" fit --data tr.csv --compare --json
expect_grep out.txt "Thresholdout): 5 candidates, 5 queries" "candidates and queries reported"
expect_grep out.txt "holdout RMSE estimate" "the holdout estimate reported"
expect_exit 2 "--compare with a named family" -- "$UA" fit --data tr.csv --family kernel --compare
expect_grep err.txt "--compare goes with --family auto" "says why"

# eval --std: the Gaussian-process standard deviation and the 95% interval y -+ 1.96 sd
printf '0.1 0.2\n-0.7 1.1\n' | "$UA" eval k.st --std >std.txt 2>err.txt
expect_le "$(awk '{ d1 = $3 - ($1 - 1.959963984540054 * $2); d2 = $4 - ($1 + 1.959963984540054 * $2);
    if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2; if (!($2 > 0)) d1 = 1; m = d1 > m ? d1 : m; m = d2 > m ? d2 : m }
    END { printf "%.3g", m }' std.txt)" 1e-12 "interval = y -+ 1.96 sd, sd > 0"
printf '0.1 0.2\n' | "$UA" eval k.st >y.txt
expect_close "$(cut -d' ' -f1 std.txt | head -n 1)" "$(cat y.txt)" 1e-15 "eval --std: the same prediction"
"$UA" fit --data tr.csv --family rf -o r.st >/dev/null 2>&1
expect_exit 2 "rf has no predictive std" -- sh -c "printf '0 0\n' | '$UA' eval r.st --std"
expect_grep err.txt "no predictive uncertainty" "says so"

# bad values
expect_exit 2 "--cv 1" -- "$UA" fit --data tr.csv --family kernel --cv 1
expect_grep err.txt "--cv" "names --cv"
expect_exit 2 "--cv on a formula" -- "$UA" fit 'sin(x)' --family cheb --cv 3
expect_exit 2 "--threads -1" -- "$UA" fit --data tr.csv --family kernel --threads -1
expect_grep err.txt "--threads" "names --threads"
# 0 is the OpenMP default (all cores, or OMP_NUM_THREADS), as libm and check --exhaustive take it
expect_exit 0 "--threads 0" -- "$UA" fit --data tr.csv --family kernel --threads 0
finish
