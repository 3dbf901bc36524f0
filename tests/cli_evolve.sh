#!/bin/sh
# The evolve family through the CLI: the seed polynomial against the minimax family at equal
# degree (relative error in double, measured by the engine on the same grid; float32 ULPs at
# every float of [0.5, 1] by check --exhaustive), a short search, info's front table, eval,
# export compiled and measured against MPFR by an independent driver, and bad usage.
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

# bad usage: unknown operation, a formula of 2 variables, a target that changes sign
expect_exit 2 "unknown operation" -- "$UA" fit '2^x' --domain 0:1 --family evolve --operations add,pow
expect_grep err.txt "pow" "names the unknown operation"
expect_exit 2 "2-D refused" -- "$UA" fit 'x*y' --vars x,y --domain 0:1,0:1 --family evolve
expect_exit 2 "sign change refused" -- "$UA" fit 'x - 0.5' --domain 0:1 --family evolve
expect_grep err.txt "changes sign" "says why"
finish
