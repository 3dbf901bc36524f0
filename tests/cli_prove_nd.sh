#!/bin/sh
# uniapprox check --prove on n-D models (multivariate Taylor models, docs/prove.md "Low-rank and
# sparse-grid models"): a chebnd fit of exp(-x^2-y^2) gets a proven bound within 1.1x of the
# measured maximum (the first-order prover it replaced reached 4.8e5x); a sparse clenshaw-curtis
# fit is proven; a localp sparse model is refused with the reason (exit 1), never given a bound.
. "$(dirname "$0")/lib_cli.sh"

expect_exit 0 "fit chebnd" -- "$UA" fit 'exp(-x^2-y^2)' --vars x,y --domain -1:1 --family chebnd \
    --tol 1e-6 -o c.safetensors
expect_exit 0 "check --prove chebnd" -- "$UA" check c.safetensors --prove --json
cp out.txt c.json
expect_grep c.json '"proven":[[:space:]]*true' "chebnd proven"
expect_grep c.json '"method":[[:space:]]*"taylor-model-nd"' "the n-D Taylor-model prover"
expect_le "$(json_num c.json ratio)" 1.1 "bound / measured on chebnd exp(-x^2-y^2)"

expect_exit 0 "fit sparse" -- "$UA" fit 'exp(-x^2-2*y^2)' --vars x,y --domain -1:1 --family sparse \
    --tol 1e-4 -o s.safetensors
expect_exit 0 "check --prove sparse" -- "$UA" check s.safetensors --prove
expect_grep out.txt "^proven: max |model - f| <= " "sparse proven"

expect_exit 0 "fit sparse localp" -- "$UA" fit 'exp(x)*y' --vars x,y --domain -1:1 --family sparse \
    --rule localp --tol 1e-3 -o l.safetensors
expect_exit 1 "check --prove localp" -- "$UA" check l.safetensors --prove
expect_grep out.txt "^not proven: .*localp" "localp's reason"
finish
