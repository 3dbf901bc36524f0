#!/bin/sh
# `uniapprox compress` and `uniapprox distill`: a compressed network is smaller, loads back,
# predicts what its exported C computes, and reports measured errors; distilling a chebnd model
# into chebnd reproduces it to rounding; the student records its teacher; bad options exit 2.
. "$(dirname "$0")/lib_cli.sh"

# training and test rows of y = sin(2 x1) + x2^2 on [-1, 1]^2 (a fixed LCG: no randomness)
awk 'BEGIN { s = 12345; print "x1,x2,y";
    for (i = 0; i < 600; i++) { s = (s * 1103515245 + 12345) % 2147483648; a = 2 * s / 2147483648 - 1;
        s = (s * 1103515245 + 12345) % 2147483648; b = 2 * s / 2147483648 - 1;
        printf "%.17g,%.17g,%.17g\n", a, b, sin(2 * a) + b * b } }' > all.csv
head -n 501 all.csv > train.csv
{ head -n 1 all.csv; tail -n 100 all.csv; } > test.csv

expect_exit 0 "fit a small mlp" -- "$UA" fit --data train.csv --family mlp --hidden 32x32 \
    --activation tanh --epochs 60 -o net.safetensors

for m in lowrank quant8 quant4; do
    extra=""
    [ $m = lowrank ] && extra="--rank 4"
    expect_exit 0 "compress --method $m" -- "$UA" compress net.safetensors -o c_$m.safetensors \
        --method $m $extra --data train.csv --target-data test.csv --json
    before=$(json_num out.txt bytes_before)
    after=$(json_num out.txt bytes_after)
    expect_le "$after" "$before" "$m: fewer bytes of parameters"
    expect_grep out.txt '"rmse_vs_original"' "$m: error against the original measured"
    expect_grep out.txt '"test_rmse_after"' "$m: test RMSE after compression"
    expect_grep out.txt '"predict_ns_per_row_after"' "$m: evaluation speed measured"
    expect_exit 0 "info on the $m model" -- "$UA" info c_$m.safetensors
    expect_grep out.txt "compressed" "$m: info says it is compressed"
    # the exported C computes what eval (predict) prints, with the compressed form
    expect_exit 0 "export the $m model" -- "$UA" export c_$m.safetensors -o f_$m.c --name f
    cat > main_$m.c <<EOC
#include <stdio.h>
double f(const double *x);
int main(void) { double x[2] = { 0.25, -0.5 }; printf("%.17g\n", f(x)); return 0; }
EOC
    if $CC -std=c99 -O2 -o prog_$m f_$m.c main_$m.c -lm 2>cc_err.txt; then pass; else fail "$m: exported C compiles"; cat cc_err.txt >&2; fi
    c_val=$(./prog_$m)
    printf 'x1,x2\n0.25,-0.5\n' > pt.csv
    expect_exit 0 "eval the $m model" -- "$UA" eval c_$m.safetensors --input pt.csv
    e_val=$(head -n 1 out.txt)
    expect_close "$c_val" "$e_val" 1e-5 "$m: exported C equals predict (float network)"
done
expect_grep f_lowrank.c "f_u1\[" "lowrank export holds the factors"
expect_grep f_quant4.c "unsigned char f_q1\[" "quant4 export holds packed 4-bit codes"
expect_grep f_quant8.c "signed char f_q1\[" "quant8 export holds 8-bit codes"

# the exported C of both models timed by the command itself
expect_exit 0 "compress --export-speed" -- "$UA" compress net.safetensors -o q.safetensors \
    --method quant8 --data train.csv --export-speed --json
expect_grep out.txt '"export_ns_per_row_after"' "the compressed export is timed"

# quant8 at exponent 1 (uniform) on the data: its error change is small against the output
expect_exit 0 "quant8 with --exponent 1" -- "$UA" compress net.safetensors -o u8.safetensors \
    --method quant8 --exponent 1 --data train.csv --json
expect_le "$(json_num out.txt rmse_vs_original)" 0.05 "uniform 8-bit codes change the output little"

# the --data / --target-data columns are matched to the model's inputs by name, as eval and
# explain match them: the same rows with the columns reordered (x2, y, x1) give the same RMSEs
# and the same searched exponents (the calibration reads the right columns)
for f in train test; do awk -F, -v OFS=, '{ print $2, $3, $1 }' $f.csv > reord_$f.csv; done
expect_exit 0 "quant8 on the original columns" -- "$UA" compress net.safetensors -o o8.safetensors \
    --method quant8 --data train.csv --target-data test.csv --json
cp out.txt orig_cols.txt
expect_exit 0 "quant8 on reordered columns" -- "$UA" compress net.safetensors -o r8.safetensors \
    --method quant8 --data reord_train.csv --target-data reord_test.csv --json
for key in train_rmse_before test_rmse_before train_rmse_after test_rmse_after; do
    a=$(json_num orig_cols.txt $key)
    b=$(json_num out.txt $key)
    if [ -n "$a" ] && [ "$a" = "$b" ]; then pass; else fail "reordered columns: $key $b, original $a"; fi
done
a=$(tr -d '[:space:]' < orig_cols.txt | sed -n 's/.*"exponents":\(\[[^]]*\]\).*/\1/p')
b=$(tr -d '[:space:]' < out.txt | sed -n 's/.*"exponents":\(\[[^]]*\]\).*/\1/p')
if [ -n "$a" ] && [ "$a" = "$b" ]; then pass; else fail "reordered columns: exponents $b, original $a"; fi
# a file with other names is refused, naming the column, as distill refuses it
awk -F, -v OFS=, 'NR == 1 { $1 = "u" } { print }' train.csv > other_names.csv
expect_exit 2 "compress --data of other column names" -- "$UA" compress net.safetensors \
    -o x.safetensors --method quant8 --data other_names.csv
expect_grep err.txt "input column 1 is 'u', the model was fitted on 'x1'" "the other name is named"
# ... unless the columns are chosen by --x-col / --y-col, which the message suggests: then they are
# taken whatever their names (the same RMSE as the original columns)
expect_exit 0 "compress --data of other names, --x-col / --y-col" -- "$UA" compress net.safetensors \
    -o xc.safetensors --method quant8 --data other_names.csv --x-col u,x2 --y-col y --json
b=$(json_num out.txt train_rmse_before)
"$UA" compress net.safetensors -o xo.safetensors --method quant8 --data train.csv --json >orig_train_only.txt 2>/dev/null
a=$(json_num orig_train_only.txt train_rmse_before)
if [ -n "$a" ] && [ "$a" = "$b" ]; then pass; else fail "chosen columns of other names: train_rmse_before $b, original $a"; fi
expect_exit 0 "distill --data of other names, --x-col" -- "$UA" distill net.safetensors -o xd.safetensors \
    --family rf --data other_names.csv --x-col u,x2

# lowrank: a layer left dense says "dense" (not a rank of 0); every layer dense says that nothing
# was compressed (2-32-32-1: rank 4 shrinks only the 32x32 layer, 4 (32 + 32) < 32 32)
expect_exit 0 "lowrank --rank 4, ranks" -- "$UA" compress net.safetensors -o lr4.safetensors \
    --method lowrank --rank 4 --json
a=$(tr -d '[:space:]' < out.txt | sed -n 's/.*"ranks":\(\[[^]]*\]\).*/\1/p')
[ "$a" = '["dense",4,"dense"]' ] && pass || fail "lowrank --rank 4: ranks $a, expected [\"dense\",4,\"dense\"]"
if grep -q "nothing was compressed" err.txt; then fail "rank 4 compressed a layer"; else pass; fi
expect_exit 0 "lowrank --rank 40: every layer dense" -- "$UA" compress net.safetensors \
    -o lr40.safetensors --method lowrank --rank 40
expect_grep out.txt "^ranks  *dense dense dense$" "every layer prints dense"
expect_grep err.txt "nothing was compressed" "nothing compressed is said"

# distill: chebnd -> chebnd is exact to rounding; the student names its teacher
expect_exit 0 "fit a chebnd teacher" -- "$UA" fit "exp(x)*sin(y)" --vars x,y --domain -1:1,-1:1 \
    --family chebnd -o cheb.safetensors
expect_exit 0 "distill chebnd -> chebnd" -- "$UA" distill cheb.safetensors -o stud.safetensors \
    --family chebnd --json
expect_le "$(json_num out.txt max_abs_vs_teacher)" 1e-13 "the student equals the teacher to rounding"
expect_exit 0 "info on the student" -- "$UA" info stud.safetensors --json
expect_grep out.txt '"teacher":[[:space:]]*"cheb.safetensors"' "the student records its teacher"
expect_grep out.txt '"distilled_from":[[:space:]]*"chebnd"' "the student records the teacher's family"

# distill a network into a smaller one on its training inputs, with the original targets
expect_exit 0 "distill mlp -> small mlp on the data" -- "$UA" distill net.safetensors \
    -o small.safetensors --family mlp --hidden 8 --epochs 40 --data train.csv \
    --target-data test.csv --points 1000 --json
expect_grep out.txt '"points_from":[[:space:]]*"data"' "points drawn from the training inputs"
expect_grep out.txt '"student_test_rmse"' "the student's test RMSE is reported"
expect_grep out.txt '"teacher_test_rmse"' "the teacher's test RMSE beside it"

# influence on a distilled student: its training rows were distillation points, in no file
expect_exit 2 "influence on a distilled model" -- "$UA" influence small.safetensors \
    --data train.csv --at 0.1,0.2
expect_grep err.txt "the model was distilled (its teacher: the mlp model net.safetensors)" \
    "influence says the model was distilled"
if grep -q "in their order" err.txt; then fail "influence asked for the rows in their order"; else pass; fi
# a teacher that is NaN beyond its box (a cheb model, by contract): the teacher, the point and its box are named
expect_exit 0 "fit an exp teacher on [0, 1]" -- "$UA" fit 'exp(x)' --domain 0:1 --family cheb \
    -o ex.safetensors
expect_exit 2 "distill beyond the teacher's box" -- "$UA" distill ex.safetensors \
    -o nan_student.safetensors --family cheb --domain -1:2
expect_grep err.txt "the cheb teacher is nan at x = -1, outside its box \[0, 1\]: give --domain within it" \
    "distill names the teacher's point and box"
[ -e nan_student.safetensors ] && fail "distill beyond the box wrote a student" || pass
# --data rows beyond the box: the student is distilled where the teacher is finite, and the
# teacher's RMSE on the rows (not defined) is explained: the teacher, the row, the box
awk 'BEGIN { print "x,y"; for (i = 0; i < 100; i++) { x = -0.5 + 2 * i / 99; printf "%.9g,%.9g\n", x, exp(x) } }' \
    >beyond.csv
expect_exit 0 "distill on --data rows beyond the box" -- "$UA" distill ex.safetensors \
    -o beyond_student.safetensors --family rf --data beyond.csv
expect_grep err.txt "note: the cheb teacher is nan at row 1 of --data (x = -0.5), outside its box \[0, 1\]: its RMSE on those rows is not defined" \
    "distill explains the teacher's RMSE on rows beyond its box"
# a bad --domain is named once
expect_exit 2 "distill --domain a >= b" -- "$UA" distill net.safetensors -o x.safetensors \
    --family rf --domain 0:1,1:0
[ "$(grep -o -- "--domain '0:1,1:0'" err.txt | wc -l)" -eq 1 ] && pass || \
    fail "distill --domain: the option named $(grep -o -- "--domain '0:1,1:0'" err.txt | wc -l) times"

# bad usage and bad input exit 2
expect_exit 2 "unknown method" -- "$UA" compress net.safetensors -o x.safetensors --method quant2
expect_exit 2 "no output" -- "$UA" compress net.safetensors --method quant8
expect_exit 2 "rank 0" -- "$UA" compress net.safetensors -o x.safetensors --method lowrank --rank 0
expect_exit 2 "exponent out of range" -- "$UA" compress net.safetensors -o x.safetensors --method quant4 --exponent 9
expect_exit 2 "epochs without data" -- "$UA" compress net.safetensors -o x.safetensors --method lowrank --epochs 3
expect_exit 2 "a family without compression" -- "$UA" compress cheb.safetensors -o x.safetensors --method quant8
expect_grep err.txt "chebnd family has no compression" "the refusal names the family"
expect_exit 2 "compress twice" -- "$UA" compress c_quant8.safetensors -o x.safetensors --method quant4
expect_exit 2 "distill --points 0" -- "$UA" distill cheb.safetensors -o x.safetensors --family mlp --points 0
expect_exit 2 "distill without --family" -- "$UA" distill cheb.safetensors -o x.safetensors
expect_exit 2 "distill into a sequence family" -- "$UA" distill cheb.safetensors -o x.safetensors --family seq
expect_exit 2 "distill with an option of another family" -- "$UA" distill cheb.safetensors -o x.safetensors --family chebnd --hidden 8
expect_exit 2 "distill a samples model with no box and no data" -- "$UA" distill net.safetensors -o x.safetensors --family mlp
expect_grep err.txt "give the box (--domain a:b,c:d,...) or its training inputs (--data TRAIN)" \
    "distill without a box: the options named"
finish
