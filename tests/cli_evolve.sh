#!/bin/sh
# The evolve family through the CLI: the seed polynomial against the minimax family at equal
# degree (relative error in double, measured by the engine on the same grid; float32 ULPs at
# every float of [0.5, 1] by check --exhaustive), a short search, info's front table, eval,
# export compiled and measured against MPFR by an independent driver, the programs in info, the
# option names against fit's, the vertex cap on the seeds, sqrt's missing default tolerance, and
# bad usage.
. "$(dirname "$0")/lib_cli.sh"

# double, degree 5 without fma (10 operations): the seed is the relative minimax polynomial;
# the minimax family's Remez in MPFR is the reference (the seed's Remez runs in double: 1%)
expect_exit 0 "minimax degree 5 rel" -- "$UA" fit '2^x' --domain 0:1 --family minimax --degree 5 --error rel -o mm5.safetensors --json --check-points 20000
mm=$(json_num out.txt max_rel_err)
expect_exit 0 "evolve seed degree 5" -- "$UA" fit '2^x' --domain 0:1 --family evolve --generations 0 --degree 5 --operations add,sub,mul,div -o ev5.safetensors --json --check-points 20000
ev=$(json_num out.txt max_rel_err)
expect_le "$ev" "$(awk -v m="$mm" 'BEGIN { printf "%.17g", m * 1.01 }')" "seed no worse than minimax (rel err $ev vs $mm)"
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "the seed meets its own tolerance"

# float32, degree 6: the seed (constants re-tuned for float ULPs, fma) against minimax's float
# coefficients, both checked at every float of [0.5, 1]
expect_exit 0 "minimax degree 6 float" -- "$UA" fit '2^x' --domain 0:1 --family minimax --degree 6 --error rel --coeffs float -o mm6.safetensors --check-points 2000
expect_exit 0 "check minimax exhaustive" -- "$UA" check mm6.safetensors --exhaustive --lo 0.5 --hi 1 --json
mmu=$(json_num out.txt max_ulp)
expect_exit 0 "evolve seed float32" -- "$UA" fit '2^x' --domain 0:1 --family evolve --precision float32 --generations 0 --exhaustive none -o ev6.safetensors --check-points 2000
expect_exit 0 "check evolve exhaustive" -- "$UA" check ev6.safetensors --exhaustive --lo 0.5 --hi 1 --json
evu=$(json_num out.txt max_ulp)
expect_le "$evu" "$mmu" "float32 seed no worse than minimax float coefficients ($evu vs $mmu ULP)"
expect_le "$evu" 1.0 "float32 seed within 1 ULP on [0.5, 1]"

# a short search (log2 on [1, 2], the seed factors t = x - 1 out): info shows the front
expect_exit 0 "short search log2" -- "$UA" fit 'log2(x)' --domain 1:2 --family evolve --generations 2 --offspring 4 --max-evals 200 --degree 8 -o l.safetensors --check-points 5000
expect_exit 0 "info" -- "$UA" info l.safetensors
expect_grep out.txt "ops latency" "info: the front table"
expect_grep out.txt "<- chosen" "info: the chosen program marked"
expect_exit 0 "eval at 2 (log2 = 1)" -- "$UA" eval l.safetensors 1 2
expect_close "$(sed -n 2p out.txt)" 1 1e-7 "eval log2(2)"
expect_exit 0 "eval at 1 (log2 = 0)" -- "$UA" eval l.safetensors 1
expect_grep out.txt "^0$" "log2(1) = 0 exactly (the factor t = x - 1)"
expect_exit 0 "export double" -- "$UA" export l.safetensors --type double -o l.c
expect_grep l.c "fma(" "export: fma"
expect_le "$(max_error_vs_mpfr l.c l 'mpfr_log2(r, r, MPFR_RNDN)' 1 2)" 1e-7 \
    "exported log2: max abs error against MPFR"

# info shows every program of the front as an expression (it printed "- - -"); log2 = t p(t):
# the seed of degree 8 is a multiple of t = x - 1
expect_exit 0 "info (programs)" -- "$UA" info l.safetensors
expect_grep out.txt "^programs .*return" "info: the programs as expressions"
expect_grep out.txt "x - 1" "info: the seed's t = x - 1 written out"
grep -q -- "- - -" out.txt && fail "info: objects printed as '-'" || pass

# the inner loop's points are --train-points: no evolve option shares a name with fit's own
# options (evolve's --points was unreachable: fit's --points took it)
"$UA" fit --help | sed -n 's/^  \(--[a-z][a-z-]*\).*/\1/p' | sort -u >global.txt
"$UA" fit --family evolve --help | sed -n '/^evolve options/,$s/^  \(--[a-z][a-z-]*\).*/\1/p' | sort -u >family.txt
[ -s family.txt ] && grep -qx -- "--train-points" family.txt && pass || fail "evolve lists --train-points"
[ -z "$(comm -12 global.txt family.txt)" ] && pass || fail "evolve options named like fit's: $(comm -12 global.txt family.txt | tr '\n' ' ')"
expect_exit 0 "--train-points 64" -- "$UA" fit 'exp(x)' --domain 0:1 --family evolve --generations 0 --degree 4 --train-points 64 --points 3000 -o tp.safetensors --json
expect_grep out.txt '"points":[[:space:]]*3001' "fit's --points is the engine's measurement"
expect_exit 0 "info --train-points" -- "$UA" info tp.safetensors
expect_grep out.txt "train_points *64" "the model records train_points 64"

# --max-vertices caps the seeds: a --degree whose Horner seed does not fit is refused; the
# default degree steps down (8 vertices: degree 3, 3 fma)
expect_exit 2 "seed over --max-vertices" -- "$UA" fit 'exp(x)' --domain 0:1 --family evolve --generations 0 --degree 6 --max-vertices 8
expect_grep err.txt "max-vertices 8" "says which limit"
expect_exit 0 "default degree under --max-vertices 8" -- "$UA" fit 'exp(x)' --domain 0:1 --family evolve --generations 0 --max-vertices 8 -o mv.safetensors --json
expect_exit 0 "info --json" -- "$UA" info mv.safetensors --json
expect_grep out.txt '"program_ops":[[:space:]]*\[0, 1, 2, 3\]' "the front: the seeds of degree 0..3"

# sqrt(x) on [0, 1]: every polynomial's relative error tends to 1 at x = 0, so there is no
# default tolerance in double: not resolved, and the message says to give --tol
expect_exit 1 "sqrt: no default tolerance" -- "$UA" fit 'sqrt(x)' --domain 0:1 --family evolve --generations 0
expect_grep err.txt "give --tol" "says what to do"

# bad usage: unknown operation, a formula of 2 variables, a target that changes sign
expect_exit 2 "unknown operation" -- "$UA" fit '2^x' --domain 0:1 --family evolve --operations add,pow
expect_grep err.txt "pow" "names the unknown operation"
expect_exit 2 "unknown --seeds" -- "$UA" fit '2^x' --domain 0:1 --family evolve --seeds estrin
expect_grep err.txt "horner" "names the choices of --seeds"
expect_exit 2 "2-D refused" -- "$UA" fit 'x*y' --vars x,y --domain 0:1,0:1 --family evolve
expect_exit 2 "sign change refused" -- "$UA" fit 'x - 0.5' --domain 0:1 --family evolve
expect_grep err.txt "changes sign" "says why"
# --tol: in double the checked error is a grid maximum, which the help never calls a bound
expect_exit 0 "evolve --help" -- "$UA" fit --family evolve --help
tr '\n' ' ' < out.txt | tr -s ' ' > help1.txt
expect_grep help1.txt "a sampled maximum over a grid, not a bound" "--tol: sampled, not a bound"
if grep -q "program's bound" help1.txt; then fail "--tol called a bound"; else pass; fi
# the default tolerance in double is met by the engine's own measurement: exp(x) on [0, 1],
# degree 10, measured 1.2718e-14 at its 100001 points against 1.2702e-14 on the check's grid
# (rounding noise the grid did not see): it was "not resolved (1 of it)"; the verdict's
# tolerance is the checked error plus 4 double ulps (4 x 2^-52)
expect_exit 0 "exp degree 10: the default tolerance met" -- "$UA" fit 'exp(x)' --domain 0:1 --family evolve --generations 0 --degree 10 --json -o d10.safetensors
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "exp degree 10: resolved"
est=$(json_num out.txt estimated_err)
expect_close "$(json_num out.txt rel)" "$(awk -v e="$est" 'BEGIN { printf "%.17g", e + 4 * 2^-52 }')" 1e-12 \
    "the verdict's tolerance: the checked error + 4 x 2^-52"
# the default tolerance in double is the highest seed's checked error plus 4 x 2^-52, for the
# selection and the verdict alike (it was max(seed, 8 x 2^-52), undocumented: 2^x on [0, 1] gave
# 1.7764e-15 for a degree-10 seed at 8.793e-16); with no generations the front is the Horner
# seeds, the degree-10 one (10 fma) among them
expect_exit 0 "2^x degree 10: the default tolerance" -- "$UA" fit '2^x' --domain 0:1 --family evolve --generations 0 --json -o tol2.safetensors
ops=$(sed -n 's/.*"program_ops":[[:space:]]*\[\(.*\)\].*/\1/p' out.txt)
errs=$(sed -n 's/.*"program_error":[[:space:]]*\[\(.*\)\].*/\1/p' out.txt)
seed_err=$(awk -v o="$ops" -v e="$errs" 'BEGIN { n = split(o, O, ", "); split(e, E, ", ")
    for (i = 1; i <= n; i++) if (O[i] == 10) print E[i] }')
[ -n "$seed_err" ] && pass || fail "the degree-10 seed (10 ops) is on the front: ops [$ops]"
tol=$(json_num out.txt tol)
expect_close "$tol" "$(awk -v e="$seed_err" 'BEGIN { printf "%.17g", e + 4 * 2^-52 }')" 1e-12 \
    "the default tolerance: the seed's checked error ($seed_err) + 4 x 2^-52"
expect_close "$(json_num out.txt rel)" "$tol" 1e-15 "the verdict's tolerance is the selection's"
# a ratio just above 1 is printed as such, never as "1 of it"
expect_exit 1 "exp degree 10 --tol at the checked error" -- "$UA" fit 'exp(x)' --domain 0:1 --family evolve --generations 0 --degree 10 --tol "$est" -o d10t.safetensors
ratio=$(sed -n 's/.*point: \([0-9.e+-]*\) of it used.*/\1/p' out.txt)
awk -v r="$ratio" 'BEGIN { exit !(r + 0 > 1) }' && pass || fail "ratio above 1 printed as '$ratio'"
grep -q "(1 of it)" out.txt && fail "a ratio above 1 printed as 1" || pass

# float32 is measured at float inputs, where the program computes (the exhaustive check's
# points): 2^x on [1, 2] was "not resolved" with 1.39 ULP at double x against 0.921 ULP at every
# float; now the measured max is at most the exhaustive one
expect_exit 0 "float32 2^x on [1, 2]" -- "$UA" fit '2^x' --domain 1:2 --family evolve --precision float32 --generations 0 --exhaustive chosen --points 20000 --json -o f12.safetensors
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "float32 2^x on [1, 2]: resolved"
expect_grep out.txt '"float_inputs":[[:space:]]*true' "JSON says the inputs were floats"
exu=$(awk -v e="$(json_num out.txt estimated_err)" 'BEGIN { printf "%.17g", e * 2^23 }')
expect_le "$exu" 1.0 "the chosen program within 1 ULP at every float"
expect_le "$(json_num out.txt max_ulp32)" "$exu" "measured ULPs at float inputs <= the exhaustive max"
expect_exit 0 "check float32 text" -- "$UA" check f12.safetensors --points 2000
expect_grep out.txt "inputs  *rounded to float" "check says the inputs were rounded to float"

# narrow intervals are refused before the search, naming the interval and why (they said
# "evolve seed: invalid program", "the Remez exchange of degree 6 failed", "too few points")
expect_exit 2 "[0, 1e-300] refused" -- "$UA" fit 'exp(x)' --family evolve --domain 0:1e-300
expect_grep err.txt "interval \[0, 1e-300\] is too narrow for the seed polynomial of degree 10" "names the interval and the degree"
expect_grep err.txt "at most 1" "says the degree that fits"
expect_exit 2 "[1, 1 + 2^-52] refused" -- "$UA" fit 'exp(x)' --family evolve --domain 1:1.0000000000000002
expect_grep err.txt "\[1, 1.0000000000000002\] is too narrow: it holds 2 distinct doubles" "counts the doubles"
expect_exit 2 "float32 [1, 1.00000001] refused" -- "$UA" fit 'exp(x)' --family evolve --domain 1:1.00000001 --precision float32
expect_grep err.txt "holds 1 distinct float," "counts the floats"
# 21 doubles: degree 10 refused, and the degree named as fitting (3) runs
expect_exit 2 "[1, 1 + 20 x 2^-52] at degree 10 refused" -- "$UA" fit 'exp(x)' --family evolve --domain 1:1.0000000000000044 --generations 0
expect_grep err.txt "holds 21 distinct doubles.*at most 3 here" "names the degree that fits"
expect_exit 0 "[1, 1 + 20 x 2^-52] at degree 3" -- "$UA" fit 'exp(x)' --family evolve --domain 1:1.0000000000000044 --generations 0 --degree 3 -o narrow.safetensors

# float32: a target beyond the float range is refused, naming where (it ended "not resolved,
# 1.34e+07 ULP", exit 1)
expect_exit 2 "float32 exp on [80, 90] refused" -- "$UA" fit 'exp(x)' --domain 80:90 --family evolve --precision float32 --generations 1
expect_grep err.txt "exceeds the float range at x = 88.7228" "names where exp(x) passes FLT_MAX"
expect_exit 2 "float32 x^2 on [1e20, 1e21] refused" -- "$UA" fit 'x^2' --domain 1e20:1e21 --family evolve --precision float32 --generations 1
expect_grep err.txt "exceeds the float range at x = 1.00000002" "names the left end"

# the float export of a float32 program is the model that was measured: its header says so (it
# said "The float function here was not measured"); a double program exported as float is not
expect_exit 0 "export float32 program as float" -- "$UA" export f12.safetensors --type float -o f12f.c
expect_grep f12f.c "measured error of this float function against the reference" "float32 export: its own errors"
expect_grep f12f.c "float function is the model that was measured" "float32 export: says it is the model"
grep -q "not measured" f12f.c && fail "float32 export called not measured" || pass
expect_exit 0 "export double program as float" -- "$UA" export d10.safetensors --type float -o d10f.c
expect_grep d10f.c "The float function here was not measured" "double program as float: not measured"
finish
