#!/bin/sh
# The minimax family through the CLI: fit (Remez, rational, auto degree, float coefficients,
# relative and weighted error), check, eval, info, export (compiled and measured against MPFR by
# an independent driver), not-resolved, and bad usage.
. "$(dirname "$0")/lib_cli.sh"

# fit -> check -> eval -> info -> export, DESIGN's reference: remez(exp(x),10,[-1;1]) levels at 2.50e-11
expect_exit 0 "fit exp degree 10" -- "$UA" fit 'exp(x)' --family minimax --degree 10 --domain -1:1 -o e.safetensors --json
expect_close "$(json_num out.txt levelled_error)" 2.50228534e-11 1e-6 "levelled error = Sollya's remez sup error"
expect_grep out.txt '"alternation_count":[[:space:]]*12' "12 alternation points"
expect_le "$(json_num out.txt max_abs_err)" 2.503e-11 "fit exp: max abs error measured on 1e5 points"
expect_exit 0 "check" -- "$UA" check e.safetensors --json
expect_le "$(json_num out.txt max_abs_err)" 2.503e-11 "check: max abs error"
expect_exit 0 "eval" -- "$UA" eval e.safetensors 0.5 -1 1
expect_close "$(sed -n 1p out.txt)" 1.6487212707001282 3e-11 "eval exp(0.5)"
expect_close "$(sed -n 3p out.txt)" 2.718281828459045 1e-11 "eval exp(1)"
expect_exit 0 "info" -- "$UA" info e.safetensors
expect_grep out.txt "levelled_error" "info: levelled error"
expect_grep out.txt "alternation_points" "info: alternation points"
expect_grep out.txt "coefficients" "info: coefficients"
expect_exit 0 "export double" -- "$UA" export e.safetensors --type double -o exp_approx.c
expect_grep exp_approx.c "FP_FAST_FMA" "export: fma when the target has a fast one"
expect_le "$(max_error_vs_mpfr exp_approx.c exp_approx 'mpfr_exp(r, r, MPFR_RNDN)' -1 1)" 2.51e-11 \
    "exported double exp: max abs error against MPFR"

# float coefficients re-optimised (Sollya's fpminimax reaches 2.4515e-10 here), Estrin, float export
expect_exit 0 "fit float coefficients" -- "$UA" fit 'exp(x)' --family minimax --degree 10 --coeffs float --scheme estrin -o f.safetensors --json --check-points 2000
expect_le "$(json_num out.txt coeff_error)" 2.58e-10 "float coefficients within 5% of fpminimax"
expect_exit 0 "export float" -- "$UA" export f.safetensors --type float -o exp_approx.c
expect_grep exp_approx.c "p_t1 = t \* t" "Estrin: powers of t"
expect_le "$(max_error_vs_mpfr exp_approx.c exp_approx 'mpfr_exp(r, r, MPFR_RNDN)' -1 1 float)" 6e-7 \
    "exported float exp: within a few float ulps"

# |x - 0.5| of degree 2: 4 alternation points, error 0.18
expect_exit 0 "fit abs kink" -- "$UA" fit 'abs(x-0.5)' --family minimax --degree 2 --json --check-points 2000
expect_grep out.txt '"alternation_count":[[:space:]]*4' "|x-0.5|: 4 alternation points"
expect_close "$(json_num out.txt levelled_error)" 0.18 1e-9 "|x-0.5|: levelled error 0.18"

# auto degree: the least degree meeting 1e-10 for exp on [0, 1] is 8
expect_exit 0 "auto degree" -- "$UA" fit 'exp(x)' --family minimax --degree auto --tol 1e-10 --domain 0:1 --json --check-points 2000
expect_grep out.txt '"degree":[[:space:]]*8' "auto degree 8"
expect_exit 1 "auto degree not reached" -- "$UA" fit 'abs(x)' --family minimax --degree auto --tol 1e-12 --check-points 500 --max-iter 20 -o a.safetensors

# rational, relative and weighted error
expect_exit 0 "rational 2/2" -- "$UA" fit 'exp(x)' --family minimax --rational 2/2 --json --check-points 2000
expect_grep out.txt '"den_degree":[[:space:]]*2' "rational: denominator degree"
expect_close "$(json_num out.txt max_abs_err)" "$(json_num out.txt levelled_error)" 1e-6 "rational: measured = levelled"
expect_exit 0 "relative error" -- "$UA" fit 'exp(x)' --family minimax --degree 10 --error rel --json --check-points 2000
expect_close "$(json_num out.txt levelled_error)" 2.40019234e-11 1e-6 "relative: Sollya's remez(1, 10, I, 1/exp(x))"
expect_exit 0 "weighted error" -- "$UA" fit 'exp(x)' --family minimax --degree 10 --weight 'exp(-x)' --json --check-points 2000
expect_close "$(json_num out.txt levelled_error)" 2.40019234e-11 1e-6 "weight exp(-x) = relative error"

# not resolved: the best approximation is still saved, with its error
expect_exit 1 "max-iter 1" -- "$UA" fit 'exp(x)' --family minimax --degree 12 --domain -1:3 --max-iter 1 -o nr.safetensors
expect_grep err.txt "not resolved" "not resolved is reported"
expect_exit 0 "the not-resolved model loads" -- "$UA" info nr.safetensors

# bad usage and bad input exit 2
for bad in "--degree -1" "--degree abc" "--rational 2" "--rational 2/x" "--error foo" \
           "--error abs --weight x+2" "--error weighted" "--degree auto" "--tol 1e-3" \
           "--coeffs half" "--scheme foo" "--var y" "--max-iter 0" "--work-prec 10"; do
    # shellcheck disable=SC2086
    expect_exit 2 "bad option: $bad" -- "$UA" fit 'exp(x)' --family minimax $bad
done
expect_exit 2 "relative error of x on [-1, 1]" -- "$UA" fit 'x' --family minimax --error rel
expect_exit 2 "log at 0" -- "$UA" fit 'log(x)' --family minimax --domain 0:1
expect_exit 2 "weight not positive" -- "$UA" fit 'exp(x)' --family minimax --weight 'x'
expect_exit 2 "bad weight expression" -- "$UA" fit 'exp(x)' --family minimax --weight 'x+'
printf 'x,y\n0,1\n1,2\n' >d.csv
expect_exit 2 "samples are not a minimax input" -- "$UA" fit --data d.csv --family minimax
expect_exit 0 "help lists the minimax options" -- "$UA" fit --family minimax --help
expect_grep out.txt "--rational S" "help: --rational"
# describe's "resolved" is the state of the approximation returned, as the fit status says:
# converged Remez, but ill-conditioned monomials in double
expect_exit 1 "ill-conditioned monomials: not resolved" -- "$UA" fit 'exp(x)' --family minimax --degree 20 --domain 100:101 --var x --json -o illc.safetensors
expect_grep out.txt '"resolved":[[:space:]]*false' "describe: resolved false"
expect_grep out.txt '"converged":[[:space:]]*true' "describe: converged true"
expect_exit 0 "info of the ill-conditioned fit" -- "$UA" info illc.safetensors --json
expect_grep out.txt '"resolved":[[:space:]]*false' "info: resolved false after load"

# A pole inside the domain is named (exit 2), as for cheb and spline
expect_exit 2 "minimax: pole inside" -- "$UA" fit '1/(x-0.1234567)' --family minimax --degree 8
expect_grep err.txt "infinite at x = 0.1234567" "minimax pole: the point is named"
finish
