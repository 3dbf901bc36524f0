#!/bin/sh
# uniapprox explain and influence: attributions of a linear model equal w_i (x_i - x0_i) (IG,
# gradient x input, KernelSHAP: exact identities), a 1-D model, global importance as a table and
# a bar chart (SVG and PNG), influence against an actual refit without the row, the mlp's
# influence methods (EK-FAC equal to the exact inverse without hidden layers), usage errors, and
# a float32 mlp at points beyond float's range (exit 2).
. "$(dirname "$0")/lib_cli.sh"
LSAN_OPTIONS="suppressions=$TESTS_DIR/plplot.lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

expect_exit 0 "fit a linear chebnd model" -- "$UA" fit '2*x-3*y+0.5*z' --vars x,y,z \
    --domain -1:1,-1:1,-1:1 --family chebnd -o lin.safetensors
expect_exit 0 "explain --method all --json" -- "$UA" explain lin.safetensors --at 0.5,0.25,-0.5 \
    --baseline 0.1,-0.2,0.3 --json
cp out.txt all.json
# w (x - x0) = (2 * 0.4, -3 * 0.45, 0.5 * -0.8) = (0.8, -1.35, -0.4) for ig, grad_x_input, kernelshap
for m in ig grad_x_input kernelshap; do
    a=$(tr -d '\n\t ' <all.json | sed -n "s/.*\"$m\":{\"attributions\":\[\([^]]*\)\].*/\1/p")
    expect_close "$(echo "$a" | cut -d, -f1)" 0.8 1e-12 "$m x"
    expect_close "$(echo "$a" | cut -d, -f2)" -1.35 1e-12 "$m y"
    expect_close "$(echo "$a" | cut -d, -f3)" -0.4 1e-12 "$m z"
done
expect_grep all.json '"exact":[[:space:]]*true' "KernelSHAP is exact for d = 3"
expect_grep all.json '"analytic_gradient":[[:space:]]*true' "chebnd differentiates itself"
expect_grep all.json '"score"' "LIME reports its surrogate's R^2"

expect_exit 0 "explain text" -- "$UA" explain lin.safetensors --at 0.5,0.25,-0.5 --method ig --steps 8 \
    --ig-method riemann_trapezoid
expect_grep out.txt "completeness" "the completeness gap is printed"
expect_grep out.txt "f(x) - f(baseline)" "f(x) - f(baseline) is printed"

# a 1-D model: IG and KernelSHAP both give f(x) - f(x0)
expect_exit 0 "fit exp" -- "$UA" fit 'exp(x)' --domain 0:2 -o exp.safetensors
expect_exit 0 "explain 1-D" -- "$UA" explain exp.safetensors --at 1.5 --baseline 0.5 --method kernelshap --json
expect_close "$(tr -d '\n\t ' <out.txt | sed -n 's/.*"attributions":\[\([^]]*\)\].*/\1/p')" \
    "$(awk 'BEGIN { printf "%.17g", exp(1.5) - exp(0.5) }')" 1e-12 "1-D KernelSHAP = f(x) - f(x0)"

# global importance over a data set: |attribution| of x, y, z is 2|x|, 3|y|, 0.5|z| for IG
printf 'x,y,z\n0.5,0.5,0.5\n-1,0.25,1\n' >pts.csv
expect_exit 0 "global importance" -- "$UA" explain lin.safetensors --data pts.csv --method ig --json --plot imp.svg
v=$(tr -d '\n\t ' <out.txt | sed -n 's/.*"mean_abs_attribution":\[\([^]]*\)\].*/\1/p')
expect_close "$(echo "$v" | cut -d, -f1)" 1.5 1e-12 "mean |IG| of x (2 * 0.75)"
expect_close "$(echo "$v" | cut -d, -f2)" 1.125 1e-12 "mean |IG| of y (3 * 0.375)"
[ "$(grep -c 'class="ua-bar"' imp.svg)" -eq 3 ] && pass || fail "SVG bar chart has 3 bars"
expect_grep imp.svg '</svg>' "SVG is complete"
expect_exit 0 "PNG bar chart" -- "$UA" explain lin.safetensors --data pts.csv --method kernelshap --plot imp.png
[ "$(od -An -tx1 -N8 imp.png | tr -d ' \n')" = 89504e470d0a1a0a ] && pass || fail "PNG signature"

# malformed points: exit 2
expect_exit 2 "--at of the wrong length" -- "$UA" explain lin.safetensors --at 0.5,0.25
expect_grep err.txt "the model has 3 inputs" "the length error names the inputs"
expect_exit 2 "--at with NaN" -- "$UA" explain lin.safetensors --at 0.5,nan,0.1
expect_exit 2 "--at too long" -- "$UA" explain lin.safetensors --at 0.5,0.1,0.1,0.2
expect_exit 2 "--at outside the box" -- "$UA" explain lin.safetensors --at 0.5,0.1,3
expect_exit 2 "--baseline with inf" -- "$UA" explain lin.safetensors --at 0.5,0.1,0.2 --baseline 0,inf,0
expect_exit 2 "unknown method" -- "$UA" explain lin.safetensors --at 0.5,0.1,0.2 --method shap
expect_exit 2 "no point" -- "$UA" explain lin.safetensors
expect_exit 2 "--plot without --data" -- "$UA" explain lin.safetensors --at 0.5,0.1,0.2 --plot a.svg
# the plot's extension and its clash with --data refused before the work: nothing on stdout
cp pts.csv pts.orig
expect_exit 2 "--plot with a bad extension" -- "$UA" explain lin.safetensors --data pts.csv --plot imp.txt
expect_grep err.txt "\-\-plot 'imp.txt': expected a .svg or .png file" "--plot imp.txt: the reason"
[ ! -s out.txt ] && pass || fail "--plot imp.txt: the table was printed before the refusal"
expect_exit 2 "--plot onto --data" -- "$UA" explain lin.safetensors --data pts.csv --plot pts.csv
expect_grep err.txt "\-\-plot 'pts.csv': expected a .svg or .png file" "--plot onto --data: refused by its name"
[ ! -s out.txt ] && cmp -s pts.csv pts.orig && pass || fail "--plot onto --data: work done or the data changed"

# influence: kernel ridge with fixed hyperparameters; the reported influence of the top row equals
# the change of the prediction when the model is refitted without that row
awk 'BEGIN { srand(3); print "a,b,y"; for (i = 0; i < 40; i++) { a = 2 * rand() - 1; b = 2 * rand() - 1;
    printf "%.17g,%.17g,%.17g\n", a, b, sin(2 * a) + b * b + 0.1 * (rand() - 0.5) } }' >train.csv
kopts="--family kernel --lambda 0.01 --gamma 1.5 --no-standardize"
expect_exit 0 "fit kernel" -- "$UA" fit --data train.csv $kopts -o k.safetensors
expect_exit 0 "influence --json" -- "$UA" influence k.safetensors --data train.csv --at 0.1,0.2 --top 3 --json
cp out.txt infl.json
expect_grep infl.json '"exact":[[:space:]]*true' "kernel influence is exact"
row=$(tr -d '\n\t ' <infl.json | sed -n 's/.*"top":\[{"row":\([0-9]*\),.*/\1/p')
infl=$(tr -d '\n\t ' <infl.json | sed -n 's/.*"top":\[{[^}]*"influence":\([-0-9.eE+]*\)}.*/\1/p')
awk -v r="$row" 'NR != r + 1' train.csv >minus.csv
expect_exit 0 "refit without the top row" -- "$UA" fit --data minus.csv $kopts -o k2.safetensors
printf '0.1 0.2\n' >at.txt
f1=$("$UA" eval k.safetensors <at.txt)
f2=$("$UA" eval k2.safetensors <at.txt)
expect_close "$(awk -v a="$f1" -v b="$f2" 'BEGIN { printf "%.17g", a - b }')" "$infl" 1e-7 \
    "influence of row $row = f(x) - f_without_row(x)"
expect_exit 0 "influence text" -- "$UA" influence k.safetensors --data train.csv --at 0.1,0.2
expect_grep out.txt "exact leave-one-out" "the text says how it was computed"
expect_exit 2 "influence with other rows" -- "$UA" influence k.safetensors --data minus.csv --at 0.1,0.2
expect_exit 2 "influence --at NaN" -- "$UA" influence k.safetensors --data train.csv --at nan,0.2
cut -d, -f1,2 train.csv >inputs.csv
expect_exit 2 "influence without a target column" -- "$UA" influence k.safetensors --data inputs.csv --at 0.1,0.2
expect_grep err.txt "no target" "the message says the target is missing"
expect_exit 2 "influence of a cheb model" -- "$UA" influence exp.safetensors --data train.csv --at 0.5 --x-col a --y-col y
expect_exit 0 "kernel influence --method exact" -- "$UA" influence k.safetensors --data train.csv --at 0.1,0.2 --method exact
expect_exit 2 "kernel influence --method ekfac" -- "$UA" influence k.safetensors --data train.csv --at 0.1,0.2 --method ekfac
expect_grep err.txt "closed form" "the message says the family has one method"

# mlp influence methods: without hidden layers and with fewer rows than parameters (8 rows, 12
# inputs: both first-order) EK-FAC equals the exact Gauss-Newton inverse (the input factor is the
# Gauss-Newton matrix itself), so both list the same top row and value
awk 'BEGIN { srand(7); printf "x0"; for (j = 1; j < 12; j++) printf ",x%d", j; print ",y";
    for (i = 0; i < 8; i++) { s = 0; for (j = 0; j < 12; j++) { a = 2 * rand() - 1; s += a * (j % 3 - 1);
    printf "%.17g,", a } printf "%.17g\n", s + 0.3 * rand() } }' >wide.csv
expect_exit 0 "fit a linear mlp" -- "$UA" fit --data wide.csv --family mlp --hidden 0 --epochs 20 \
    --optim adam --weight-decay 0.5 -o lin_mlp.safetensors
wat=0.1,0.2,0.3,0.4,0.5,0.6,-0.1,-0.2,-0.3,-0.4,-0.5,-0.6
for meth in gauss-newton ekfac; do
    expect_exit 0 "mlp influence --method $meth" -- "$UA" influence lin_mlp.safetensors --data wide.csv \
        --at $wat --top 1 --method $meth --json
    cp out.txt "infl_$meth.json"
done
expect_grep infl_ekfac.json 'EK-FAC inverse' "the JSON names the method used"
expect_grep infl_gauss-newton.json 'exact inverse' "the JSON names the method used"
top_infl() { tr -d '\n\t ' <"$1" | sed -n 's/.*"top":\[{[^}]*"influence":\([-0-9.eE+]*\)}.*/\1/p'; }
top_row() { tr -d '\n\t ' <"$1" | sed -n 's/.*"top":\[{"row":\([0-9]*\),.*/\1/p'; }
expect_close "$(top_infl infl_ekfac.json)" "$(top_infl infl_gauss-newton.json)" 1e-10 \
    "EK-FAC = exact inverse without hidden layers"
expect_close "$(top_row infl_ekfac.json)" "$(top_row infl_gauss-newton.json)" 0 "the same top row"
expect_exit 0 "mlp influence --method diagonal" -- "$UA" influence lin_mlp.safetensors --data wide.csv --at $wat --method diagonal
expect_grep out.txt "diagonal inverse" "the text names the method used"
expect_exit 2 "mlp influence --method kfac" -- "$UA" influence lin_mlp.safetensors --data wide.csv --at $wat --method kfac
expect_grep err.txt "gauss-newton, ekfac and diagonal" "the message lists the methods"
# a float32 mlp (default relu 64x64) at points near or beyond FLT_MAX: explain and influence exit
# 2 naming the point and the overflow, before any solve (they printed f(x) = 0.2138 from a NaN
# that ReLU zeroed, and influence -nan or "not positive definite (LAPACK info -7)"); the
# float64 model computes at 1e300
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 60; i++) { a = sin(0.7 * i); b = cos(1.3 * i)
    printf "%.17g,%.17g,%.17g\n", a, b, sin(2 * a) + b * b } }' >big.csv
expect_exit 0 "fit a float32 mlp" -- "$UA" fit --family mlp --data big.csv --threads 1 -o m32.st
expect_exit 0 "fit a float64 mlp" -- "$UA" fit --family mlp --data big.csv --threads 1 --dtype f64 \
    -o m64.st
for x in 1e39 1e300; do
    expect_exit 2 "explain a float32 mlp at $x" -- "$UA" explain m32.st --at $x,0
    expect_grep err.txt "(x = $(printf %g $x), 0) does not fit in the network's float32" \
        "explain at $x: the point and float32's range named"
done
for meth in auto gauss-newton ekfac diagonal; do
    for x in 1e38 1e300; do
        expect_exit 2 "influence --method $meth at $x" -- "$UA" influence m32.st --data big.csv \
            --at $x,0 --method $meth
        expect_grep err.txt "the point x = ($(printf %g $x), 0): the model's prediction there fails" \
            "influence --method $meth at $x: the point named"
        expect_grep err.txt "float32" "influence --method $meth at $x: the overflow named"
    done
done
expect_exit 2 "influence --json at 1e300" -- "$UA" influence m32.st --data big.csv --at 1e300,0 --json
if grep -q '"fx"' out.txt; then fail "influence --json at 1e300 prints a result"; else pass; fi
expect_exit 0 "influence of a float64 mlp at 1e300" -- "$UA" influence m64.st --data big.csv \
    --at 1e300,0 --method ekfac --json
if grep -q 'nan\|null' out.txt; then fail "float64 influence at 1e300: finite values"; else pass; fi
expect_exit 2 "influence of a float64 mlp at 1.7e308" -- "$UA" influence m64.st --data big.csv \
    --at 1.7e308,1.7e308
expect_grep err.txt "float64" "float64 influence at 1.7e308: double's range named"
finish
