#!/bin/sh
# The pde family's options from the command line, in tiny fits: the rate of the last Adam step
# (lr_final in info) under every --decay with the default --decay-steps at odd and even counts
# (lr / 10 for --iterations >= 2, the documented closed forms; lr for one step); --decay-rate
# and --decay-steps without a --decay refused (exit 2, nothing written); a family that does not
# take PDE problems told so before any of its options is judged; check --pde warning when a model
# of samples has other input names than the problem.
. "$(dirname "$0")/lib_cli.sh"
EX="$TESTS_DIR/../examples/pde"
tiny="--hidden 4 --num-domain 30 --num-boundary 10 --lbfgs-maxiter 0 --resample-period 0"

# lr_final FILE: the number info prints on the line "lr_final"
lr_final() { "$UA" info "$1" | sed -n 's/^ *lr_final *\([-0-9.eE+]*\)$/\1/p'; }

# every decay with its default rate and steps ends at lr / 10 = 1e-4 whatever the parity of
# --iterations (step at 101 ended at lr / 100 when its steps were floor(101 / 2) = 50)
for n in 2 3 100 101; do
    for d in inverse-time exponential step cosine; do
        expect_exit 0 "--decay $d --iterations $n" -- "$UA" fit --pde "$EX/poisson.json" $tiny \
            --iterations "$n" --decay "$d" -o "d$n$d.uam"
        expect_close "$(lr_final "d$n$d.uam")" 1e-4 1e-5 \
            "--decay $d --iterations $n: lr_final lr / 10"
    done
done
# one Adam step runs at lr: there is no later step to decay to
expect_exit 0 "--decay step --iterations 1" -- "$UA" fit --pde "$EX/poisson.json" $tiny \
    --iterations 1 --decay step -o d1.uam
expect_close "$(lr_final d1.uam)" 1e-3 1e-5 "--iterations 1: lr_final lr"
# a given --decay-steps is kept: step, 101 iterations, steps 30: floor(100 / 30) = 3, 1e-3 0.5^3
expect_exit 0 "--decay step --decay-steps 30" -- "$UA" fit --pde "$EX/poisson.json" $tiny \
    --iterations 101 --decay step --decay-steps 30 --decay-rate 0.5 -o d30.uam
expect_close "$(lr_final d30.uam)" 1.25e-4 1e-5 "--decay-steps 30 --decay-rate 0.5: lr 0.5^3"

# --decay-rate / --decay-steps without a decay would change nothing: exit 2, named, no model
for o in "--decay-rate 0.5" "--decay-steps 10" "--decay none --decay-rate 0.5"; do
    expect_exit 2 "$o without a decay" -- "$UA" fit --pde "$EX/poisson.json" $tiny \
        --iterations 5 $o -o nodecay.uam
    name=${o##*--}; name=${name%% *}
    expect_grep err.txt "--$name has no effect with --decay none" "$o: names it, no effect"
    [ ! -e nodecay.uam ] && pass || fail "$o: no model written"
done

# a family that does not take PDE problems: said first, even with another family's option
expect_exit 2 "--family mlp --iterations 2 on a PDE" -- "$UA" fit --pde "$EX/poisson.json" \
    --family mlp --iterations 2 -o mlp.uam
expect_grep err.txt "mlp family fits .*use --family pde" "names the family/problem mismatch"
if grep -q "not an option" err.txt; then fail "the mismatch, not the option, is reported"
else pass; fi
[ ! -e mlp.uam ] && pass || fail "--family mlp on a PDE: no model written"

# samples with columns a,b,y (y = a b, a, b on a 6 x 6 grid of [0, 1]^2): an mlp model of (a, b)
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 6; i++) for (j = 0; j < 6; j++)
             printf "%g,%g,%g\n", i / 5, j / 5, i * j / 25 }' >ab.csv
sed '1s/.*/x,y,u/' ab.csv >xy.csv
# the option of another family on a problem the family takes: still refused by name
expect_exit 2 "--family mlp --iterations on samples" -- "$UA" fit --family mlp --data ab.csv \
    --iterations 2 -o ab.st
expect_grep err.txt "iterations is not an option of the mlp family" "names the option and family"
expect_exit 0 "fit mlp on a,b,y" -- "$UA" fit --family mlp --data ab.csv --epochs 5 -o ab.st
expect_exit 0 "check --pde a model of (a, b)" -- "$UA" check ab.st --pde "$EX/poisson.json" \
    --points 64 --json
expect_grep out.txt '"vars_differ":[[:space:]]*true' "vars_differ for input names (a,b)"
expect_grep err.txt "variables are (a,b).*poisson.json's are (x,y)" "a warning naming both lists"
# the same columns named x,y: no warning
expect_exit 0 "fit mlp on x,y,u" -- "$UA" fit --family mlp --data xy.csv --epochs 5 -o xy.st
expect_exit 0 "check --pde a model of (x, y)" -- "$UA" check xy.st --pde "$EX/poisson.json" \
    --points 64 --json
expect_grep out.txt '"vars_differ":[[:space:]]*false' "no vars_differ for (x,y)"
if grep -q "variables are" err.txt; then fail "no warning for the same names"; else pass; fi

finish
