#!/bin/sh
# The minimax family through the CLI: fit (Remez, rational, auto degree, float coefficients,
# relative and weighted error), check, eval, info, export (compiled and measured against MPFR by
# an independent driver), not-resolved, and bad usage.
. "$(dirname "$0")/lib_cli.sh"

# fit -> check -> eval -> info -> export; Sollya's remez(exp(x),10,[-1;1]) levels at 2.50e-11
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

# the Chebyshev basis: Runge's function at degree 100 (Sollya's remez: 1.12962634e-9,
# tests/ref/minimax_basis_sollya.csv) is saved, loaded, exported and measured at its levelled error
expect_exit 0 "runge degree 100" -- "$UA" fit '1/(1+25*x^2)' --family minimax --degree 100 --domain -1:1 -o runge.safetensors --json --check-points 20000
expect_grep out.txt '"basis":[[:space:]]*"chebyshev"' "degree 100: the Chebyshev basis is chosen"
expect_close "$(json_num out.txt levelled_error)" 1.12962634e-9 1e-5 "runge 100: Sollya's remez error"
expect_le "$(json_num out.txt max_abs_err)" 1.141e-9 "runge 100: measured within 1% of the levelled error"
expect_exit 0 "check the saved degree-100 model" -- "$UA" check runge.safetensors --json --check-points 20000
expect_le "$(json_num out.txt max_abs_err)" 1.141e-9 "runge 100 after load: measured error"
expect_exit 0 "export the Chebyshev model" -- "$UA" export runge.safetensors --type double -o runge.c
expect_grep runge.c "Clenshaw" "export: Clenshaw's recurrence"
runge_ref='mpfr_sqr(r, r, MPFR_RNDN); mpfr_mul_ui(r, r, 25, MPFR_RNDN); mpfr_add_ui(r, r, 1, MPFR_RNDN); mpfr_ui_div(r, 1, r, MPFR_RNDN)'
expect_le "$(max_error_vs_mpfr runge.c runge "$runge_ref" -1 1)" 1.141e-9 "exported degree-100 Runge: max error against MPFR"
expect_exit 1 "monomials at degree 100: not resolved" -- "$UA" fit '1/(1+25*x^2)' --family minimax --degree 100 --domain -1:1 --basis monomial --check-points 2000
expect_exit 0 "low degree keeps monomials" -- "$UA" fit 'exp(x)' --family minimax --degree 10 --domain -1:1 --json --check-points 2000
expect_grep out.txt '"basis":[[:space:]]*"monomial"' "exp degree 10: monomials"

# the degree: exp to 1e-15 on [-1, 1] needs 14 (Sollya: E_13 = 1.43e-15, E_14 = 4.7e-17);
# abs(x) to 1e-6 is not reachable (E_n ~ 0.2802 / n): the best measured model is kept, exit 1;
# a degree above the limit is refused before any computation
expect_exit 0 "auto degree exp 1e-15" -- "$UA" fit 'exp(x)' --family minimax --degree auto --tol 1e-15 --domain -1:1 --json --check-points 2000
expect_grep out.txt '"degree":[[:space:]]*14' "auto degree 14"
expect_exit 1 "abs(x) to 1e-6: not resolved" -- "$UA" fit 'abs(x)' --family minimax --degree auto --tol 1e-6 --max-degree 64 --domain -1:1 --json --check-points 2000 -o absx.safetensors
expect_grep err.txt "not reachable" "abs(x): the tolerance is said to be out of reach"
expect_grep out.txt '"degree":[[:space:]]*64' "abs(x): the best measured degree is kept"
expect_le "$(json_num out.txt max_abs_err)" 0.00438 "abs(x): degree 64 measures 0.2802/64"
expect_exit 2 "degree 1000 refused" -- "$UA" fit 'exp(x)' --family minimax --degree 1000
expect_grep err.txt "above the limit" "degree 1000: the limit is named"

# odd / even / chosen monomials (Sollya: remez(sin(x), [|1,3,5,7|], [-pi/4; pi/4]) = 1.2053e-9)
expect_exit 0 "odd sin" -- "$UA" fit 'sin(x)' --family minimax --parity odd --degree 7 --domain=-0.78539816339744828:0.78539816339744828 --json --check-points 2000
expect_close "$(json_num out.txt levelled_error)" 1.2053281665e-9 1e-5 "odd sin: Sollya's remez"
expect_grep out.txt '"alternation_count":[[:space:]]*10' "odd sin: 10 alternation points on [-b, b]"
expect_exit 0 "Sollya's monomial list" -- "$UA" fit 'sin(x)' --family minimax --monomials '[|1,3,5,7|]' --domain=-0.78539816339744828:0.78539816339744828 --json --check-points 2000
expect_close "$(json_num out.txt levelled_error)" 1.2053281665e-9 1e-5 "[|1,3,5,7|]: Sollya's remez"
expect_exit 0 "odd sin, float coefficients" -- "$UA" fit 'sin(x)' --family minimax --parity odd --degree 7 --coeffs float --domain=-0.78539816339744828:0.78539816339744828 --json --check-points 2000
expect_le "$(json_num out.txt coeff_error)" 1.81252e-9 "odd sin float: Sollya's fpminimax on [|1,3,5,7|] reaches 1.8125140e-9"
expect_exit 0 "odd sin, relative error through 0" -- "$UA" fit 'sin(x)' --family minimax --parity odd --degree 7 --error rel --domain=-0.78539816339744828:0.78539816339744828 --json --check-points 20001
expect_close "$(json_num out.txt levelled_error)" 3.2382112252e-9 1e-5 "odd sin relative: Sollya's weighted remez"
expect_le "$(json_num out.txt max_rel_err)" 3.2383e-9 "odd sin relative: measured, 0 among the points"
expect_exit 0 "even cos" -- "$UA" fit 'cos(x)' --family minimax --parity even --degree 6 --domain=-0.78539816339744828:0.78539816339744828 --json --check-points 2000
expect_close "$(json_num out.txt levelled_error)" 2.7576692504e-8 1e-5 "even cos: Sollya's remez"
expect_exit 2 "odd monomials for a target that is not odd" -- "$UA" fit 'sin(x)+x^2' --family minimax --parity odd --degree 7
expect_grep err.txt "not odd" "not odd: said"
# --var auto: the monomials in x of exp on [700, 709] overflow double: the unit variable
expect_exit 0 "var auto falls back to the unit variable" -- "$UA" fit 'exp(x)' --family minimax --degree 8 --domain 700:709 --json --check-points 2000
expect_grep out.txt '"variable":[[:space:]]*"t = (x - shift) \* scale"' "exp on [700, 709]: unit variable"
expect_exit 2 "var x overflows" -- "$UA" fit 'exp(x)' --family minimax --degree 8 --domain 700:709 --var x

# bad usage and bad input exit 2
for bad in "--degree -1" "--degree abc" "--rational 2" "--rational 2/x" "--error foo" \
           "--error abs --weight x+2" "--error weighted" "--degree auto" "--tol 1e-3" \
           "--coeffs half" "--scheme foo" "--var y" "--max-iter 0" "--work-prec 10" \
           "--basis foo" "--basis chebyshev --coeffs float" "--basis chebyshev --var x" \
           "--parity odd --degree 0" "--parity foo" "--monomials 1,x" "--monomials 3,1" \
           "--monomials 1,3 --degree 5" "--monomials 1,3 --parity odd" "--rational 2/2 --parity even"; do
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
