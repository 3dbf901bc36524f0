#!/bin/sh
# How a formula is sampled for a fit (--sample-prec: auto by a probe, double, MPFR bits) and its
# removable singularities (--fill-removable), through the CLI: the report and the model say which
# sampling and which points were filled; `check` measures a filled model again with the same
# values; a jump or a pole is refused with the reason. Reference values: closed forms
# (lim x^2/sinh(x^2) = 1 at 0, d/dx log((x+3)/4) = 1/4 at 1) and MPFR (the measurement).
. "$(dirname "$0")/lib_cli.sh"

# --help documents both options
expect_exit 0 "fit --help" -- "$UA" fit --help
expect_grep out.txt "--sample-prec P" "help: --sample-prec"
expect_grep out.txt "--fill-removable" "help: --fill-removable"

# erfc(x)*exp(x^2) on [0, 10]: the probe finds the double formula tens of ulps off: MPFR 113 bits;
# cheb then meets 2.3e-15 relative (one series: its tolerance is relative to max|f| = 1 while
# f(10) = 0.056), against 8.7e-15 sampled in double (test_problem_sampling has the split case,
# 4 ulp against 210)
expect_exit 0 "erfc*exp auto" -- "$UA" fit 'erfc(x)*exp(x^2)' --domain 0:10 --family cheb --points 2000 --json
expect_grep out.txt '"sampling":[[:space:]]*"MPFR 113 bits (double evaluation off by' "auto: MPFR, and why"
expect_le "$(json_num out.txt max_rel_err)" 3e-15 "erfc*exp sampled in MPFR: max rel error"
expect_exit 0 "erfc*exp double" -- "$UA" fit 'erfc(x)*exp(x^2)' --domain 0:10 --family cheb --points 2000 --sample-prec double -o d.safetensors
expect_grep out.txt "sampling: double (--sample-prec 53)" "--sample-prec double forces double"
expect_exit 0 "info keeps the sampling" -- "$UA" info d.safetensors
expect_grep out.txt "double (--sample-prec 53)" "the model file says how it was sampled"

# a benign formula stays in double
expect_exit 0 "sin auto" -- "$UA" fit 'sin(x)' --domain 0:10 --family cheb --points 2000
expect_grep out.txt "sampling: double (within" "sin: the probe keeps double"
expect_exit 0 "sin in MPFR on request" -- "$UA" fit 'sin(x)' --domain 0:10 --family cheb --points 2000 --sample-prec 200
expect_grep out.txt "sampling: MPFR 200 bits (--sample-prec 200)" "--sample-prec 200"

# x^2/sinh(x^2) is 0/0 at 0: refused with the suggestion, filled with 1 on request
expect_exit 2 "x^2/sinh(x^2) without the fill" -- "$UA" fit 'x^2/sinh(x^2)' --domain -1:1 --family cheb
expect_grep err.txt "is NaN at x = 0, but has a limit there (1," "the NaN is recognised as removable"
expect_grep err.txt "--fill-removable fills it" "the error suggests --fill-removable"
expect_exit 0 "x^2/sinh(x^2) filled" -- "$UA" fit 'x^2/sinh(x^2)' --domain -1:1 --family cheb --fill-removable --points 2001 -o s.safetensors
expect_grep out.txt "filled removable singularity at x = 0: limit 1 (both sides agree to" "report: filled at 0 with 1"
expect_grep out.txt "verdict                resolved" "x^2/sinh(x^2) resolved, measured at x = 0 too"
expect_exit 0 "check the filled model" -- "$UA" check s.safetensors --points 2001
expect_exit 0 "eval at 0" -- "$UA" eval s.safetensors 0
expect_close "$(sed -n 1p out.txt)" 1 1e-15 "the model at 0 is the limit, 1"

# log((x+3)/4)/(x-1) at 1: the derivative of log((x+3)/4) there, 1/4
expect_exit 0 "log((x+3)/4)/(x-1) filled" -- "$UA" fit 'log((x+3)/4)/(x-1)' --domain 0:2 --family cheb --fill-removable --points 2001 --json -o l.safetensors
expect_grep out.txt '"filled":[[:space:]]*"filled removable singularity at x = 1: limit 0.25 (both sides agree to' "json: filled at 1 with 0.25"
expect_le "$(json_num out.txt max_rel_err)" 1e-15 "log((x+3)/4)/(x-1): max rel error against MPFR"
expect_exit 0 "check the filled model" -- "$UA" check l.safetensors --points 2001

# not removable: a jump, a pole; refused with the reason
expect_exit 2 "a jump" -- "$UA" fit 'sign(x)*x/x' --domain -1:1 --family cheb --fill-removable
expect_grep err.txt "the limits from the two sides differ (-1 and 1): a jump" "a jump is refused"
expect_exit 2 "a pole" -- "$UA" fit 'x/(x^2*x^2)' --domain -1:1 --family spline --fill-removable
expect_grep err.txt "cannot fill it" "a pole is refused"
expect_exit 2 "1/x" -- "$UA" fit '1/x' --domain -1:1 --family cheb --fill-removable
expect_grep err.txt "x = 0" "1/x: the point is named"

# n-D: sin(x*y)/(x*y) is NaN on both axes; the learner's points and the measurement's centre
expect_exit 2 "2-D without the fill" -- "$UA" fit 'sin(x*y)/(x*y)' --vars x,y --domain -1:1 --family rf --samples 200 --points 200
expect_grep err.txt "NaN or infinite at" "2-D: the measurement refuses the NaN reference"
expect_grep err.txt "--fill-removable fills it" "2-D: the suggestion"
expect_exit 0 "2-D filled" -- "$UA" fit 'sin(x*y)/(x*y)' --vars x,y --domain -1:1 --family rf --samples 200 --points 200 --fill-removable
expect_grep out.txt "filled removable singularit" "2-D: the report names the filled points"

# bad usage
expect_exit 2 "--sample-prec 40" -- "$UA" fit 'sin(x)' --sample-prec 40
expect_grep err.txt "expected auto, double (53) or MPFR bits in \[54, 4096\]" "--sample-prec range"
expect_exit 2 "--sample-prec word" -- "$UA" fit 'sin(x)' --sample-prec quad
printf 'double f(double x) { return x; }\n' > f.c
expect_exit 2 "--fill-removable with --function" -- "$UA" fit --function f.c:f --fill-removable
expect_grep err.txt "apply to a TARGET" "--function refuses the formula options"
printf 'x,y\n0,1\n1,2\n2,3\n' > d.csv
expect_exit 2 "--sample-prec with --data" -- "$UA" fit --data d.csv --family kernel --sample-prec 113
expect_grep err.txt "apply to a TARGET" "--data refuses the formula options"
finish
