#!/bin/sh
# The kernel and rf families from the command line: fit samples (CSV and a UCI-style split
# folder), eval n-D rows, export C compiled and compared with eval, scikit-learn parameter names,
# the memory guard, bad data.
. "$(dirname "$0")/lib_cli.sh"
# small problems: one BLAS / OpenMP thread each (spinning threads only cost when ctest runs -j)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

# samples of y = sin(a) cos(b) + a/4 on a grid of 15 x 15
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 15; i++) for (j = 0; j < 15; j++) {
    a = -2 + 4 * i / 14; b = -2 + 4 * j / 14; printf "%.17g,%.17g,%.17g\n", a, b, sin(a) * cos(b) + a / 4 } }' >s.csv

expect_exit 0 "kernel fit" -- "$UA" fit --data s.csv --family kernel -o k.safetensors --json
expect_grep out.txt '"kernel":[[:space:]]*"rbf"' "default kernel rbf"
expect_grep out.txt '"loo_rmse"' "LOO error reported"
expect_le "$(json_num out.txt loo_rmse)" 0.01 "LOO RMSE of a smooth target (target units)"
loo1=$(json_num out.txt loo_rmse)
# the LOO RMSE is in the target's units: y -> 1000 y + 5 multiplies it by 1000
awk -F, 'NR == 1 { print; next } { printf "%s,%s,%.17g\n", $1, $2, 1000 * $3 + 5 }' s.csv >s1000.csv
expect_exit 0 "kernel fit, scaled target" -- "$UA" fit --data s1000.csv --family kernel -o k1000.safetensors --json
expect_close "$(json_num out.txt loo_rmse)" "$(awk -v e="$loo1" 'BEGIN { printf "%.17g", 1000 * e }')" 1e-6 "LOO RMSE in target units"
expect_exit 0 "info" -- "$UA" info k.safetensors --json
expect_grep out.txt '"lambda"' "chosen lambda stored"
expect_grep out.txt '"train_rmse"' "training error stored"

# eval: rows of 2 numbers on stdin; values near the target
printf '0.5 0.5\n-1 1.5\n' | "$UA" eval k.safetensors >out.txt 2>err.txt
[ $? -eq 0 ] && pass || fail "eval rows on stdin"
expect_close "$(sed -n 1p out.txt)" "$(awk 'BEGIN { printf "%.17g", sin(0.5) * cos(0.5) + 0.125 }')" 1e-2 "eval (0.5, 0.5)"
printf '0.5\n' | "$UA" eval k.safetensors >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "eval with the wrong number of columns exits 2"

# export, compile, compare with eval
expect_exit 0 "export" -- "$UA" export k.safetensors --name kfun -o kfun.c
expect_grep kfun.c "double kfun(const double \*x)" "export's entry point: 2 inputs, 1 output"
cat >drv.c <<'C'
#include <stdio.h>
double kfun(const double *x);
int main(void)
{
    double x[2];
    while (scanf("%lf %lf", &x[0], &x[1]) == 2) printf("%.17g\n", kfun(x));
    return 0;
}
C
"$CC" -std=c99 -O2 -o drv drv.c kfun.c -lm 2>err.txt && pass || fail "compile the export"
awk 'BEGIN { for (i = 0; i < 40; i++) printf "%.6f %.6f\n", -2 + i / 10, 1.5 - i / 13 }' >pts.txt
./drv <pts.txt >c.txt
"$UA" eval k.safetensors <pts.txt >e.txt
worst=$(paste c.txt e.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > w) w = d } END { printf "%.3g", w + 0 }')
# |y| ~ 1 and a small lambda: the weights cancel (sum |k w| ~ 1e5 |y|), which made a plain sum in
# another order and libm's exp differ from eval by 1e-11; the export has the library's exp and a
# compensated sum, as predict (compiled without fused multiply-adds: -std=c99)
expect_le "$worst" 1e-14 "export matches eval (|y| ~ 1, small lambda)"
# the same for a fitted formula at lambda 1e-10, rbf and the three Matern kernels, 1001 points
awk 'BEGIN { for (i = 0; i <= 1000; i++) printf "%.17g\n", -1 + i / 500 }' >pts1.txt
cat >drv1.c <<'C'
#include <stdio.h>
double kone(double x);
int main(void)
{
    double x;
    while (scanf("%lf", &x) == 1) printf("%.17g\n", kone(x));
    return 0;
}
C
for kern in "rbf" "matern --nu 0.5" "matern --nu 1.5" "matern --nu 2.5"; do
    # shellcheck disable=SC2086
    expect_exit 0 "fit sin(3x) --kernel $kern --lambda 1e-10" -- "$UA" fit 'sin(3*x)' --family kernel --kernel $kern --lambda 1e-10 --samples 400 -o k1.safetensors
    expect_exit 0 "export --kernel $kern" -- "$UA" export k1.safetensors --type double --name kone -o kone.c
    "$CC" -std=c99 -O2 -o drv1 drv1.c kone.c -lm 2>err.txt && pass || fail "compile the export of --kernel $kern"
    ./drv1 <pts1.txt >c.txt
    "$UA" eval k1.safetensors <pts1.txt >e.txt
    worst=$(paste c.txt e.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > w) w = d } END { printf "%.3g", w + 0 }')
    expect_le "$worst" 1e-14 "export of --kernel $kern matches eval at lambda 1e-10 (|y| <= 1)"
done
# the dot-product kernels: the export forms a.b, |a|^2, |b|^2 in one loop in index order, as the
# library's kernel matrix does for d <= 32 (it once used BLAS there: nngp's export differed from
# eval by 6.1e-11 of the output scale on this fit); 2-D sin(3x) y, 300 samples, 2000 points
awk 'BEGIN { srand(7); for (i = 0; i < 2000; i++) printf "%.17g %.17g\n", 2 * rand() - 1, 2 * rand() - 1 }' >pts2.txt
for kern in "nngp" "ntk" "nngp --act erf" "arccos --order 1" "polynomial --degree 3"; do
    # shellcheck disable=SC2086
    expect_exit 0 "fit sin(3x) y --kernel $kern" -- "$UA" fit 'sin(3*x)*y' --vars x,y --domain -1:1 --family kernel --kernel $kern --samples 300 --points 2000 -o k2.safetensors
    expect_exit 0 "export --kernel $kern (2-D)" -- "$UA" export k2.safetensors --type double --name kfun -o kfun.c
    "$CC" -std=c99 -O2 -o drv drv.c kfun.c -lm 2>err.txt && pass || fail "compile the export of --kernel $kern"
    ./drv <pts2.txt >c.txt
    "$UA" eval k2.safetensors <pts2.txt >e.txt
    worst=$(paste c.txt e.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > w) w = d } END { printf "%.3g", w + 0 }')
    expect_le "$worst" 1e-14 "export of --kernel $kern matches eval (2-D, |y| <= 1)"
done

# scikit-learn's names: --alpha is --lambda, --gamma fixed, --no-standardize, polynomial
expect_exit 0 "alpha alias" -- "$UA" fit --data s.csv --family kernel --kernel polynomial --alpha 0.5 --gamma 0.3 --degree 2 --coef0 1 --no-standardize --json
expect_close "$(json_num out.txt lambda)" 0.5 1e-15 "--alpha sets lambda"
expect_close "$(json_num out.txt gamma)" 0.3 1e-15 "--gamma kept"
expect_exit 2 "alpha and lambda together" -- "$UA" fit --data s.csv --family kernel --alpha 1 --lambda 1
expect_exit 0 "ntk kfold" -- "$UA" fit --data s.csv --family kernel --kernel ntk --select kfold --json
expect_grep out.txt '"kfold_rmse"' "k-fold error reported"
expect_grep out.txt '"depth"' "depth chosen and reported"
expect_exit 0 "matern nystrom" -- "$UA" fit --data s.csv --family kernel --kernel matern --nu 2.5 --nystrom 50 --json
expect_grep out.txt '"landmarks":[[:space:]]*50' "nystrom landmarks"

# the memory guard: a clear message and exit 1
expect_exit 2 "memory guard" -- "$UA" fit --data s.csv --family kernel --max-memory 1000
expect_grep err.txt "nystrom" "the guard suggests --nystrom"
expect_grep err.txt "rf family" "the guard suggests rf"

# bad data and bad options
sed '5s/.*/0.1,abc,3/' s.csv >bad.csv
expect_exit 2 "non-numeric cell" -- "$UA" fit --data bad.csv --family kernel
expect_grep err.txt "line 5" "bad cell located"
expect_exit 2 "bad kernel" -- "$UA" fit --data s.csv --family kernel --kernel gaussian
expect_exit 2 "bad nu" -- "$UA" fit --data s.csv --family kernel --kernel matern --nu 2
# a formula: kernel draws its own training points and is measured against MPFR
expect_exit 0 "a target: samples drawn from it" -- "$UA" fit 'sin(x)' --family kernel --samples 200 \
    --check-points 2000 --json
expect_le "$(json_num out.txt max_abs_err)" 1e-4 "kernel of sin(x) against MPFR"

# classification: the label column, argmax
awk 'BEGIN { print "u,v,c"; for (i = 0; i < 120; i++) { c = i % 2; printf "%g,%g,%d\n", (c ? 1 : -1) + sin(i) * 0.5, cos(3 * i) * 0.5, c * 7 } }' >c.csv
expect_exit 0 "classify" -- "$UA" fit --data c.csv --family kernel --classify -o c.safetensors --json
printf '1 0\n-1 0\n' | "$UA" eval c.safetensors >out.txt 2>err.txt
[ "$(tr '\n' ' ' <out.txt)" = "7 0 " ] && pass || fail "classify predicts the labels: $(cat out.txt)"

# a UCI-style split folder: train on the training rows, test RMSE stored
mkdir uci
awk -F, 'NR > 1 { print $1, $2, $3 }' s.csv >uci/data.txt
printf '0\n1\n' >uci/index_features.txt
printf '2\n' >uci/index_target.txt
awk 'BEGIN { for (i = 0; i < 225; i++) if (i % 5) print i }' >uci/index_train_0.txt
awk 'BEGIN { for (i = 0; i < 225; i++) if (!(i % 5)) print i }' >uci/index_test_0.txt
expect_exit 0 "split-dir" -- "$UA" fit --split-dir uci --family kernel -o u.safetensors
grep -qi rmse err.txt && fail "the fitter prints no rmse on stderr: $(cat err.txt)" || pass
expect_exit 0 "info split" -- "$UA" info u.safetensors --json
expect_grep out.txt '"train_rmse"' "kernel split: train_rmse stored"
expect_le "$(json_num out.txt test_rmse)" 0.02 "test RMSE on held-out grid rows (a JSON number)"
# the training and test rows are distinct rows: a training row listed twice, a test row that is
# also a training row (a leak into the test RMSE), a test row listed twice: exit 2 naming the file,
# the index and its entries (1-based; the line, one index a line)
cp uci/index_train_0.txt uci/index_train_1.txt; echo 6 >>uci/index_train_1.txt
cp uci/index_test_0.txt uci/index_test_1.txt
expect_exit 2 "split: a training row listed twice" -- "$UA" fit --split-dir uci --split 1 --family kernel
expect_grep err.txt "^uniapprox fit: uci/index_train_1.txt: index 6 is listed twice (entries 5 and 181): each training row once$" \
    "the duplicated training index named"
cp uci/index_train_0.txt uci/index_train_2.txt; echo 45 >>uci/index_train_2.txt
cp uci/index_test_0.txt uci/index_test_2.txt
expect_exit 2 "split: a test row that is also a training row" -- "$UA" fit --split-dir uci --split 2 \
    --family kernel
expect_grep err.txt "uci/index_test_2.txt: index 45 (entry 10) is also a training row (index_train_2.txt, entry 181): the test rows must not overlap the training rows" \
    "the overlapping index named"
cp uci/index_train_0.txt uci/index_train_3.txt
cp uci/index_test_0.txt uci/index_test_3.txt; echo 10 >>uci/index_test_3.txt
expect_exit 2 "split: a test row listed twice" -- "$UA" fit --split-dir uci --split 3 --family rf
expect_grep err.txt "uci/index_test_3.txt: index 10 is listed twice (entries 3 and 46): each test row once" \
    "the duplicated test index named"
# a feature column listed twice would be two identical inputs (as --x-col a,a): refused
mkdir -p uci2 && cp uci/data.txt uci/index_target.txt uci/index_train_0.txt uci/index_test_0.txt uci2/
printf '0\n1\n0\n' >uci2/index_features.txt
expect_exit 2 "split: a feature column listed twice" -- "$UA" fit --split-dir uci2 --family kernel
expect_grep err.txt "uci2/index_features.txt: index 0 is listed twice (entries 1 and 3): each column once" \
    "the duplicated feature column named"
# --data and --split-dir together: the folder's row indices were applied to the --data table
expect_exit 2 "--data with --split-dir" -- "$UA" fit --data s.csv --split-dir uci --family kernel
expect_grep err.txt "give either --data or --split-dir, not both" "--data with --split-dir: refused"

# rf: fit, eval, export
expect_exit 0 "rf fit" -- "$UA" fit --data s.csv --family rf --features 200 --act tanh -o r.safetensors --json
expect_grep out.txt '"features":[[:space:]]*200' "rf features"
expect_exit 0 "rf fourier gcv" -- "$UA" fit --data s.csv --family rf --dist fourier --gamma 0.5 --select gcv --json
expect_grep out.txt '"gcv_rmse"' "rf GCV reported"
expect_exit 0 "rf export" -- "$UA" export r.safetensors --name kfun -o rfun.c
"$CC" -std=c99 -O2 -o drv2 drv.c rfun.c -lm 2>err.txt && pass || fail "compile the rf export"
./drv2 <pts.txt >c.txt
"$UA" eval r.safetensors <pts.txt >e.txt
worst=$(paste c.txt e.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > w) w = d } END { printf "%.3g", w + 0 }')
expect_le "$worst" 1e-12 "rf export matches eval"
expect_exit 2 "rf bad dist" -- "$UA" fit --data s.csv --family rf --dist normal
expect_exit 0 "rf split-dir" -- "$UA" fit --split-dir uci --family rf -o ru.safetensors
grep -qi rmse err.txt && fail "rf prints no rmse on stderr: $(cat err.txt)" || pass
expect_exit 0 "info rf split" -- "$UA" info ru.safetensors --json
expect_grep out.txt '"train_rmse"' "rf split: train_rmse stored"
expect_grep out.txt '"test_rmse"' "rf split: test_rmse stored"

# what a new user ran into
# huge values (x ~ 1e300, y ~ 1e306): exit 1, a clear message, the old model file kept
awk 'BEGIN { print "x,y"; for (i = 0; i < 50; i++) printf "%.17g,%.17g\n", (i + 1) * 1e300, (i % 7 + 1) * 1e306 }' >huge.csv
for fam in rf kernel; do
    raw="--no-standardize"; [ $fam = kernel ] && raw="--no-standardize --kernel polynomial"
    cp r.safetensors keep.safetensors
    expect_exit 1 "$fam on huge values" -- "$UA" fit --data huge.csv --family $fam -o r.safetensors
    expect_grep err.txt "the ridge solve is not finite: the data overflow double" "$fam: overflow explained"
    cmp -s r.safetensors keep.safetensors && pass || fail "$fam: a failed fit keeps the old model file"
    expect_exit 1 "$fam on huge raw values" -- "$UA" fit --data huge.csv --family $fam $raw
    grep -q "dsyevd\|argument" err.txt && fail "$fam: LAPACK's message leaks: $(cat err.txt)" || pass
    # one training row; --domain with samples
    head -n 2 s.csv >one.csv
    expect_exit 2 "$fam: one row" -- "$UA" fit --data one.csv --family $fam
    expect_grep err.txt "at least 2 training rows" "$fam: one row explained"
    expect_exit 2 "$fam: --domain with --data" -- "$UA" fit --data s.csv --family $fam --domain 0:1
done
# --classify on real-valued labels: refused, the row named
expect_exit 2 "classify real-valued y" -- "$UA" fit --data s.csv --family kernel --classify
expect_grep err.txt "in row [0-9]* is not an integer class label" "real-valued labels explained"
# more Nystrom landmarks than rows: refused
expect_exit 2 "nystrom > n" -- "$UA" fit --data s.csv --family kernel --nystrom 100000
expect_grep err.txt "100000 landmarks" "nystrom > n explained"
# Nystrom beyond the memory (2 n M + 2 M^2 doubles = 3.2e13 bytes here): refused before allocating, the
# need and the options named (it once failed 'out of memory', exit 1)
expect_exit 2 "nystrom beyond memory" -- "$UA" fit 'sin(x)' --domain 0:1 --family kernel --samples 1000000 --nystrom 1000000
expect_grep err.txt "needs about 2.98e+04 GiB.*reduce --nystrom M or --samples" "nystrom memory need named"
# --max-memory's default as the help states it is the rule the fit applies (src/kernel/plan.c:
# half of the physical memory, as docs/kernel.md and the fit's note say), not another figure
expect_exit 0 "kernel --help" -- "$UA" fit --family kernel --help
expect_grep out.txt "default: half" "--max-memory's default is half of the physical memory"
if grep -q "80%" out.txt; then fail "kernel --help still says 80%"; else pass; fi

# a kernel parameter the chosen kernel does not read is refused, naming the kernels that read it
# (it was ignored without a word: a new user's report)
expect_exit 2 "--gamma with matern" -- "$UA" fit --data s.csv --family kernel --kernel matern --gamma 2
expect_grep err.txt "gamma is not used by --kernel matern (it is a parameter of rbf, laplacian, polynomial)" \
    "--gamma --kernel matern says why"
expect_exit 2 "--nu with the default kernel" -- "$UA" fit --data s.csv --family kernel --nu 2.5
expect_grep err.txt "nu is not used by --kernel rbf, the default (it is a parameter of matern)" \
    "--nu alone names the default kernel"
expect_exit 2 "--frozen-readout with nngp" -- "$UA" fit --data s.csv --family kernel --kernel nngp --frozen-readout
expect_grep err.txt "frozen-readout is not used by --kernel nngp (it is a parameter of ntk)" "--frozen-readout is ntk's"
expect_exit 0 "--gamma and --degree with polynomial" -- "$UA" fit --data s.csv --family kernel --kernel polynomial \
    --gamma 0.5 --degree 2 -o kp.safetensors

finish
