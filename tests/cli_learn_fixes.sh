#!/bin/sh
# Fixes of the learner's workflow (a fresh user's pass): a 1-D cheb / spline student covers the
# teacher's whole box (its error is finite), a non-finite error never exits 0, rows a 1-D model
# cannot predict (--test-data, --cv folds, --target-data) are refused naming the file, the row
# (1-based: row 1 is line 2 of a CSV with a header) and the interval with nothing written,
# leave-one-out --cv prints the pooled out-of-fold R² instead of a fold's undefined one,
# compress --export-speed without rows to time on refuses, kernel influence checks its target
# column as rf does, messages name their command once, distill bounds --points up front, and the
# kernel's lambda help tells the extended grid.
. "$(dirname "$0")/lib_cli.sh"

# 40 rows of y = sin(3x) + small deterministic noise on [-1, 1] (a fixed LCG), and test rows
# of which row 2 (x = 1.5) lies outside every fitted interval
awk 'BEGIN { s = 777; print "x,y";
    for (i = 0; i < 40; i++) { s = (s * 1103515245 + 12345) % 2147483648; a = 2 * s / 2147483648 - 1;
        s = (s * 1103515245 + 12345) % 2147483648; e = 0.05 * (2 * s / 2147483648 - 1);
        printf "%.17g,%.17g\n", a, sin(3 * a) + e } }' > d.csv
printf 'x,y\n0.2,0.56464247339503537\n1.5,-0.97753011766509701\n-0.3,-0.78332690962748341\n' > t.csv

expect_exit 0 "kernel teacher" -- "$UA" fit --data d.csv --family kernel -o k.json

# 1. the student's interval is the box: a finite error, and small (the teacher is smooth)
for f in cheb spline; do
    expect_exit 0 "distill into $f" -- "$UA" distill k.json -o s_$f.json --family $f --data d.csv --json
    expect_le "$(json_num out.txt rmse_vs_teacher)" 1e-4 "$f student: rmse against the teacher"
done
# a --target-data row outside the student's interval: refused, nothing written
expect_exit 2 "distill --target-data outside" -- "$UA" distill k.json -o s_bad.json --family cheb \
    --data d.csv --target-data t.csv
expect_grep err.txt "t.csv: row 2 (x = 1.5) lies outside \[" "distill names file, row, interval"
[ ! -e s_bad.json ] && pass || fail "distill wrote a student it refused"

# 2. fit --test-data / --cv with a 1-D model: the file, the row, the interval; nothing written
expect_exit 2 "fit --test-data outside" -- "$UA" fit --data d.csv --test-data t.csv --family cheb -o c.json
expect_grep err.txt "--test-data t.csv: row 2 (x = 1.5) lies outside \[" "fit names file, row, interval"
[ ! -e c.json ] && pass || fail "fit --test-data wrote the model it refused"
expect_exit 2 "fit --cv with spline" -- "$UA" fit --data d.csv --cv 5 --family spline -o sp.json
expect_grep err.txt "--cv 5 on d.csv: cross-validation, fold [0-9] of 5: row [0-9]* (x = " "cv names file, fold, row"
expect_grep err.txt "lies outside \[" "cv names the interval"
[ ! -e sp.json ] && pass || fail "fit --cv wrote the model it refused"

# 3. leave-one-out: no "r2 0 ± 0"; the pooled out-of-fold metrics instead
expect_exit 0 "fit --cv n" -- "$UA" fit --data d.csv --family kernel --cv 40
expect_grep out.txt "r2 n/a" "a one-row fold has no R²"
expect_grep out.txt "pooled   n 40" "pooled out-of-fold metrics"
if grep -q "r2 0 ± 0" out.txt; then fail "leave-one-out still prints r2 0 ± 0"; else pass; fi
r2=$(sed -n 's/^  pooled .* r2 \([-0-9.eE+]*\).*/\1/p' out.txt | head -n 1)
expect_le 0.9 "$r2" "pooled out-of-fold R² of a smooth target"
expect_exit 0 "fit --cv n --json" -- "$UA" fit --data d.csv --family kernel --cv 40 --json
expect_grep out.txt '"pooled"' "JSON: the pooled metrics"

# 4. compress --export-speed without rows and without a box
expect_exit 0 "small mlp" -- "$UA" fit --data d.csv --family mlp --hidden 8 --epochs 5 -o net.safetensors
expect_exit 2 "compress --export-speed without rows" -- "$UA" compress net.safetensors -o cnet.safetensors \
    --method quant8 --export-speed
expect_grep err.txt "export-speed" "names --export-speed"
[ ! -e cnet.safetensors ] && pass || fail "compress wrote a model it refused"

# 5. kernel influence: a wrong target column is refused (as rf refuses it), the right one works
printf 'x,y,z\n' > dz.csv
tail -n +2 d.csv | awk -F, '{ printf "%s,%s,%.17g\n", $1, $2, 2 * $1 }' >> dz.csv
expect_exit 0 "kernel on x -> y" -- "$UA" fit --data dz.csv --x-col x --y-col y --family kernel -o kz.json
expect_exit 0 "influence --y-col y" -- "$UA" influence kz.json --data dz.csv --x-col x --y-col y --at 0.1
expect_exit 2 "influence --y-col z" -- "$UA" influence kz.json --data dz.csv --x-col x --y-col z --at 0.1
expect_grep err.txt "not the ones the model was fitted\|it recorded\|the model was fitted on .y." "kernel: wrong target column"
for f in rf mlp; do
    extra=""
    [ $f = mlp ] && extra="--hidden 8 --epochs 5"
    expect_exit 0 "$f on x -> y" -- "$UA" fit --data dz.csv --x-col x --y-col y --family $f $extra -o z_$f.st
    expect_exit 0 "$f influence --y-col y" -- "$UA" influence z_$f.st --data dz.csv --x-col x --y-col y --at 0.1
    expect_exit 2 "$f influence --y-col z" -- "$UA" influence z_$f.st --data dz.csv --x-col x --y-col z --at 0.1
    expect_grep err.txt "not the ones the model was fitted\|it recorded\|the model was fitted on .y." "$f: wrong target column"
done

# 8. one prefix: the library's "distill: ..." is not printed after "uniapprox distill: " again
expect_exit 2 "a teacher without a box" -- "$UA" distill k.json -o s.json --family cheb
expect_grep err.txt "^uniapprox distill: the kernel teacher has no box" "message"
if grep -q "distill: distill:" err.txt; then fail "doubled prefix"; else pass; fi

# 9. --points bounded before allocating
expect_exit 2 "distill --points 1e9" -- "$UA" distill k.json -o s.json --family cheb --data d.csv \
    --points 1000000000
expect_grep err.txt "1000000000 points (--points / --check-points): at most 100000000 (24 GB" "names the points, the cap and the bytes"

# 11. a classifier reports its error rate and accuracy under those names, never as an "rmse"
# (text and JSON of fit and check): 120 rows in 3-D, label = [x0 x1 > 0]
awk 'BEGIN { s = 4242; print "a,b,c,label";
    for (i = 0; i < 120; i++) { for (j = 0; j < 3; j++) { s = (s * 1103515245 + 12345) % 2147483648;
        v[j] = 2 * s / 2147483648 - 1 }
        printf "%.17g,%.17g,%.17g,%d\n", v[0], v[1], v[2], (v[0] * v[1] > 0) } }' > cls.csv
expect_exit 0 "kernel classifier" -- "$UA" fit --data cls.csv --y-col label --family kernel \
    --classify --test-data cls.csv -o kc.json
expect_grep out.txt "train error rate .*(accuracy" "fit names the classifier's error rate"
expect_grep out.txt "test error rate .*(accuracy" "fit names the classifier's test error rate"
grep -q "^  train rmse\|^  test rmse" out.txt && fail "a classifier prints an rmse: $(cat out.txt)" || pass
expect_exit 0 "kernel classifier --json" -- "$UA" fit --data cls.csv --y-col label --family kernel \
    --classify --test-data cls.csv -o kc.json --json
grep -q '"train_rmse"\|"test_rmse"' out.txt && fail "classifier JSON claims an rmse" || pass
expect_grep out.txt '"train_error_rate"' "fit JSON: train_error_rate"
expect_exit 0 "check a classifier" -- "$UA" check kc.json --data cls.csv --y-col label
expect_grep out.txt "error rate on cls.csv" "check names the error rate"
grep -q "rmse on" out.txt && fail "check calls the error rate an rmse: $(cat out.txt)" || pass
expect_exit 0 "check a classifier --json" -- "$UA" check kc.json --data cls.csv --y-col label --json
grep -q '"rmse"' out.txt && fail "check JSON claims an rmse for a classifier" || pass
er=$(json_num out.txt error_rate)
acc=$(sed -n '/"metrics"/,$p' out.txt | sed -n 's/.*"accuracy":[[:space:]]*\([-0-9.eE+]*\).*/\1/p' | head -n 1)
# the error rate and the accuracy of the metrics (computed apart, scikit-learn's definition) sum to 1
expect_close "$(awk -v e="$er" -v a="$acc" 'BEGIN { print e + a }')" 1 1e-12 "error rate + accuracy"

# 12. rows whose target is another column (by name) are refused by check --data, influence and
# distill --data, as fit --test-data refuses them; a model file without "target_names" (written
# before it existed) is still measured
sed '1s/^x,y$/x,z/' d.csv > dy.csv
expect_exit 0 "check --data, same target" -- "$UA" check k.json --data d.csv
expect_exit 2 "check --data, target named otherwise" -- "$UA" check k.json --data dy.csv
expect_grep err.txt "dy.csv: target column 1 is 'z', the model was fitted on 'y'" \
    "check names both target columns"
expect_exit 2 "influence, target named otherwise" -- "$UA" influence k.json --data dy.csv --at 0.1
expect_grep err.txt "the target column is 'z', the model was fitted on 'y'" "influence names both"
expect_exit 2 "distill --data, target named otherwise" -- "$UA" distill k.json -o dy.json \
    --family cheb --data dy.csv
expect_grep err.txt "target column 1 is 'z', the model was fitted on 'y'" "distill names both"
[ -e dy.json ] && fail "distill wrote a student from rows of another target" || pass
# the same model without the key (same length: the file's header size is unchanged)
LC_ALL=C sed 's/"target_names"/"target_nameX"/' k.json > old.json
expect_exit 0 "a model without target_names" -- "$UA" check old.json --data dy.csv
expect_grep out.txt "rmse on dy.csv" "an old model is still measured"

# 13. a Nystrom kernel chooses lambda again on all rows: its select_warning names that lambda
# (the model's), not the subset selection's; 2000 noiseless rows of sin(a + b + c)
awk 'BEGIN { s = 99; print "a,b,c,y"; for (i = 0; i < 2000; i++) { for (j = 0; j < 3; j++) {
    s = (s * 1103515245 + 12345) % 2147483648; v[j] = 2 * s / 2147483648 - 1 }
    printf "%.17g,%.17g,%.17g,%.17g\n", v[0], v[1], v[2], sin(v[0] + v[1] + v[2]) } }' > big.csv
expect_exit 0 "kernel --nystrom 300" -- "$UA" fit --data big.csv --family kernel --nystrom 300 \
    -o ny.json --json
lam=$(json_num out.txt lambda)
wl=$(sed -n 's/.*"select_warning":.*lambda = \([-0-9.eE+]*\) is on.*/\1/p' out.txt)
expect_close "$wl" "$lam" 1e-6 "select_warning's lambda is the model's"

# 14. a student fitted on samples has no tolerance: distill says so, and never a bare
# "student_resolved yes" (a fit prints "no tolerance asked" for the same model)
expect_exit 0 "distill into an mlp" -- "$UA" distill k.json -o s_mlp.json --family mlp \
    --hidden 4 --epochs 3 --data d.csv
expect_grep out.txt "^student_verdict  *no tolerance asked" "distill: no tolerance asked"
grep -q "^student_resolved" out.txt && fail "distill claims resolved without a tolerance" || pass

# 10. the lambda grid in kernel's help
expect_exit 0 "kernel help" -- "$UA" fit --family kernel --help
expect_grep out.txt "1e-12" "the extended lambda grid"
finish
