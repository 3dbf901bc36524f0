#!/bin/sh
# `uniapprox lipschitz`: issue 15's network (tests/ref/lipschitz_issue_net.safetensors, written by
# tests/gen/lipschitz_issue_net.py) has inf-norm Lipschitz constant 3 (naive product 6), 2-norm
# constant sqrt(5), output range [-2, 1] (IBP [-6, 4]); on a sub-box where one neuron is active
# the constant is exact; a fitted mlp's bound is never below its lower bound; bad input exits 2.
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

expect_exit 2 "--box with the wrong count" -- "$UA" lipschitz "$NET" --box 0:1
expect_grep err.txt "1 intervals for a model of 2 inputs" "the count is named"
expect_exit 2 "--box reversed" -- "$UA" lipschitz "$NET" --box 1:0,0:1
expect_exit 2 "--norm 3" -- "$UA" lipschitz "$NET" --norm 3
expect_exit 2 "no model" -- "$UA" lipschitz
expect_exit 2 "missing file" -- "$UA" lipschitz nothing.safetensors

# a family without bound propagation
expect_exit 0 "fit cheb" -- "$UA" fit 'sin(x)' --domain 0:1 --family cheb -o c.safetensors
expect_exit 2 "lipschitz on a cheb model" -- "$UA" lipschitz c.safetensors
expect_grep err.txt "no bound propagation" "the refusal says why"

# a fitted network: proven bound >= the lower bound found
expect_exit 0 "fit mlp" -- "$UA" fit 'exp(-x^2-y^2)' --vars x,y --domain -1:1,-1:1 --family mlp \
    --hidden 16x16 --activation tanh --epochs 60 --samples 500 --threads 1 -o m.safetensors
expect_exit 0 "lipschitz on a fitted mlp" -- "$UA" lipschitz m.safetensors --time 0.5 --json
expect_le "$(json_num out.txt lower)" "$(json_num out.txt bound)" "lower <= bound"
expect_le "$(json_num out.txt bound)" "$(json_num out.txt first_bound)" "branching never loosens"
finish
