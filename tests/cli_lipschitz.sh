#!/bin/sh
# `uniapprox lipschitz`: issue 15's network (tests/ref/lipschitz_issue_net.safetensors, written by
# tests/gen/lipschitz_issue_net.py) has inf-norm Lipschitz constant 3 (naive product 6), 2-norm
# constant sqrt(5), output range [-2, 1] (IBP [-6, 4]); on a sub-box where one neuron is active
# the constant is exact; a fitted mlp's bound is never below its lower bound; bad input exits 2;
# --box NAME=a:b by a table's input names; a float32 mlp's box beyond float's range exits 2.
. "$(dirname "$0")/lib_cli.sh"
NET="$TESTS_DIR/ref/lipschitz_issue_net.safetensors"

expect_exit 0 "lipschitz on the issue's network" -- "$UA" lipschitz "$NET" --json
expect_close "$(json_num out.txt bound)" 3 1e-12 "inf-norm Lipschitz bound is 3"
expect_close "$(json_num out.txt lower)" 3 1e-12 "gradient ascent finds 3"
expect_close "$(json_num out.txt naive)" 6 1e-12 "the naive product of norms is 6"
expect_close "$(json_num out.txt ibp_lo)" -6 1e-12 "IBP lower end -6"
expect_close "$(json_num out.txt ibp_hi)" 4 1e-12 "IBP upper end 4"
expect_le "$(json_num out.txt crown_lo)" -2 "CROWN's lower end below the true minimum -2"
expect_le 1 "$(json_num out.txt crown_hi)" "CROWN's upper end above the true maximum 1"
expect_le -6 "$(json_num out.txt crown_lo)" "CROWN at least as tight as IBP (lower)"
expect_le "$(json_num out.txt crown_hi)" 4 "CROWN at least as tight as IBP (upper)"

expect_exit 0 "lipschitz --norm 2" -- "$UA" lipschitz "$NET" --norm 2 --json
expect_close "$(json_num out.txt bound)" 2.2360679774997898 1e-12 "2-norm bound is sqrt(5)"

# only z2 = 2x - y > 0 on this box: the gradient is (-2, 1) everywhere
expect_exit 0 "lipschitz --box" -- "$UA" lipschitz "$NET" --box 0.5:0.6,0.9:0.95
expect_grep out.txt "L <= 3 (proven)" "text report: the bound on the sub-box"
expect_grep out.txt "best lower bound   3 " "text report: the lower bound"

expect_exit 2 "--box with the wrong count" -- "$UA" lipschitz "$NET" --box 0:1,0:1,0:1
expect_grep err.txt "expected 2 intervals" "the count is named"
# one interval applies to every input, as fit --domain does: the same report as written out
expect_exit 0 "--box with one interval" -- "$UA" lipschitz "$NET" --box 0.5:0.6 --json
mv out.txt one_box.txt
expect_exit 0 "--box with the interval per input" -- "$UA" lipschitz "$NET" --box 0.5:0.6,0.5:0.6 --json
grep -v seconds one_box.txt > one_box.cmp; grep -v seconds out.txt > two_box.cmp
cmp -s one_box.cmp two_box.cmp && pass || fail "--box a:b is a:b for every input"
expect_grep out.txt '"box":[[:space:]]*\[[[:space:]]*\[[[:space:]]*0.5' "the box as given"
expect_exit 2 "--box reversed" -- "$UA" lipschitz "$NET" --box 1:0,0:1
expect_exit 2 "--norm 3" -- "$UA" lipschitz "$NET" --norm 3
expect_exit 2 "no model" -- "$UA" lipschitz
expect_exit 2 "missing file" -- "$UA" lipschitz nothing.safetensors

# a family without bound propagation
expect_exit 0 "fit cheb" -- "$UA" fit 'sin(x)' --domain 0:1 --family cheb -o c.safetensors
expect_exit 2 "lipschitz on a cheb model" -- "$UA" lipschitz c.safetensors
expect_grep err.txt "the cheb family has no Lipschitz bound" "the refusal says why"
# the families it lists come from the registry: chebnd among them (and not cheb), and a chebnd
# model of x*y on [0,1]^2 is bounded: sup |y| + |x| = 2 exactly there
expect_grep err.txt "lipschitz bounds models of the .*chebnd.* families" "the refusal lists chebnd"
grep -q "models of the.* cheb[ ,]" err.txt && fail "cheb listed as bounded" || pass
expect_exit 0 "fit chebnd x*y" -- "$UA" fit 'x*y' --vars x,y --domain 0:1,0:1 --family chebnd \
    -o cn.st
expect_exit 0 "lipschitz on a chebnd model" -- "$UA" lipschitz cn.st --json
b=$(json_num out.txt bound)
awk -v b="$b" 'BEGIN { exit !(b >= 2 && b <= 2.001) }' && pass ||
    fail "chebnd x*y: bound $b, expected in [2, 2.001]"
# the family is checked before the box is asked for: a graph or sequence model, or a 1-D model
# of samples of another family, is refused for what it is, not for a missing --box
expect_exit 0 "data graphs" -- "$UA" data graphs cycles -o g.jsonl --n 20
expect_exit 0 "fit graph" -- "$UA" fit --family graph --graphs g.jsonl --epochs 1 -o g.st
expect_exit 2 "lipschitz on a graph model" -- "$UA" lipschitz g.st
expect_grep err.txt "the graph family has no Lipschitz bound" "a graph model: the family named"
if grep -q "give --box" err.txt; then fail "a graph model is asked for --box"; else pass; fi
awk 'BEGIN { print "x,y1,y2"; for (i = 0; i < 100; i++) { x = -1 + 2 * i / 99
    printf "%.17g,%.17g,%.17g\n", x, sin(3 * x), cos(x) } }' > two.csv
expect_exit 0 "fit a 1-D mlp of samples, 2 outputs" -- "$UA" fit --data two.csv --y-col y1,y2 \
    --family mlp --epochs 5 -o two.st
expect_exit 2 "lipschitz on a 2-output mlp" -- "$UA" lipschitz two.st --box 0:1
expect_grep err.txt "bounds models of one output; this model has 2 outputs" "2 outputs named"
cut -d, -f1,2 two.csv > one.csv
expect_exit 0 "fit a 1-D mlp of samples" -- "$UA" fit --data one.csv --y-col y1 --family mlp \
    --epochs 5 -o one.st
expect_exit 2 "lipschitz on a 1-D mlp of samples without --box" -- "$UA" lipschitz one.st
expect_grep err.txt "no domain (fitted to samples): give --box" "asks for the box"

# a fitted network: proven bound >= the lower bound found
expect_exit 0 "fit mlp" -- "$UA" fit 'exp(-x^2-y^2)' --vars x,y --domain -1:1,-1:1 --family mlp \
    --hidden 16x16 --activation tanh --epochs 60 --samples 500 --threads 1 -o m.safetensors
expect_exit 0 "lipschitz on a fitted mlp" -- "$UA" lipschitz m.safetensors --time 0.5 --json
expect_le "$(json_num out.txt lower)" "$(json_num out.txt bound)" "lower <= bound"
expect_le "$(json_num out.txt bound)" "$(json_num out.txt first_bound)" "branching never loosens"
# named intervals: the model's own input names in their order, else refused
expect_exit 0 "--box x=..,y=.." -- "$UA" lipschitz m.safetensors --time 0.2 --box x=0:1,y=0:0.5
expect_exit 2 "--box with unknown names" -- "$UA" lipschitz m.safetensors --box z=0:1,q=0:1
expect_grep err.txt "'z' is not input 1 of the model (its inputs, in order: x,y)" "names checked"
expect_exit 2 "--box with names swapped" -- "$UA" lipschitz m.safetensors --box y=0:1,x=0:1
# a model fitted to a table with a header: --box NAME=a:b takes the input names that info shows
# (input_names), in their order; a float32 network is not bounded over a box where its values
# may overflow float (exit 2 with the reason; it printed a "proven" range on [1e39, 2e39] where
# predict returned 0.2138), the float64 network is
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 60; i++) { a = sin(0.7 * i); b = cos(1.3 * i)
    printf "%.17g,%.17g,%.17g\n", a, b, sin(2 * a) + b * b } }' >ab.csv
expect_exit 0 "fit a float32 mlp on a table" -- "$UA" fit --family mlp --data ab.csv --threads 1 -o ab.st
expect_exit 0 "info shows the input names" -- "$UA" info ab.st
expect_grep out.txt 'input_names *\["a","b"\]' "input_names recorded"
expect_exit 0 "--box a=..,b=.. by input_names" -- "$UA" lipschitz ab.st --time 0.2 --box a=0:1,b=0:0.5 --json
mv out.txt named.txt
expect_exit 0 "--box in order" -- "$UA" lipschitz ab.st --time 0.2 --box 0:1,0:0.5 --json
expect_close "$(json_num named.txt first_bound)" "$(json_num out.txt first_bound)" 0 \
    "--box a=0:1,b=0:0.5 is --box 0:1,0:0.5 (the whole box's bound)"
expect_close "$(json_num named.txt crown_hi)" "$(json_num out.txt crown_hi)" 0 \
    "--box a=0:1,b=0:0.5 is --box 0:1,0:0.5 (the output range)"
expect_exit 2 "--box with a wrong input name" -- "$UA" lipschitz ab.st --box a=0:1,c=0:1
expect_grep err.txt "'c' is not input 2 of the model (its inputs, in order: a,b)" "input_names listed"
expect_exit 2 "--box with input names swapped" -- "$UA" lipschitz ab.st --box b=0:1,a=0:1
for bx in 1e39:2e39,0:1 1e37:2e37,0:1; do
    expect_exit 2 "lipschitz of a float32 mlp on $bx" -- "$UA" lipschitz ab.st --box $bx
    expect_grep err.txt "no bound over this box is proven" "$bx: the refusal says why"
    expect_grep err.txt "float32" "$bx: float32's range named"
done
expect_grep err.txt "may overflow on this box" "1e37: the layers' overflow named"
expect_exit 2 "lipschitz --json of a float32 mlp on 1e39:2e39" -- "$UA" lipschitz ab.st \
    --box 1e39:2e39,0:1 --json
expect_grep err.txt "side 1 of the box reaches" "the input beyond float32 named (JSON on stderr)"
if grep -q '"bound"' out.txt; then fail "a refused box prints a bound"; else pass; fi
expect_exit 0 "fit a float64 mlp on a table" -- "$UA" fit --family mlp --data ab.csv --threads 1 \
    --dtype f64 -o ab64.st
expect_exit 0 "lipschitz of a float64 mlp on 1e39:2e39" -- "$UA" lipschitz ab64.st --time 0.2 \
    --box 1e39:2e39,0:1
expect_grep out.txt "(proven)" "the float64 network is bounded there"
# an rf model whose features overflow double on the box: its output bound is NaN, never "proven"
expect_exit 0 "fit an rf model on a table" -- "$UA" fit --family rf --data ab.csv -o abrf.st
expect_exit 2 "lipschitz of an rf model on 1e308:1.7e308" -- "$UA" lipschitz abrf.st \
    --box 1e308:1.7e308,0:1
expect_grep err.txt "bound of output 1 over this box is not finite" "the NaN bound refused"
finish
