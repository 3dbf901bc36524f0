#!/bin/sh
# The float32 2^x recipe of docs/float32-kernels.md, end to end: for degrees d = 3, 4, ... fit the
# minimax polynomial with float coefficients (relative error) to 2^x on [0, 1], export it as float
# code, compile it with fused multiply-adds, and check it at every float of [0, 1] against the
# correctly rounded 2^x; the least degree within 1 ULP is 6, and degree 5 is not. Cross-checks:
# the kernel built from Sollya's fpminimax coefficients (tests/ref/float32_kernels_sollya.txt, an
# independent source) passes at the same degree, and without FMA (plain float Horner) no degree
# gets within 1 ULP. Also: check --exhaustive/--kernel usage errors.
. "$(dirname "$0")/lib_cli.sh"
REF="$TESTS_DIR/ref/float32_kernels_sollya.txt"
export CC # the checker compiles kernels with $CC: the compiler of this build

# Fused multiply-add: the minimax export calls fmaf when FP_FAST_FMAF is defined, which GCC and
# Clang do with -mfma on x86-64 (and always on AArch64).
FMA=""
case "$(uname -m)" in
x86_64 | i?86)
    if grep -qw fma /proc/cpuinfo 2>/dev/null; then FMA="-mfma"; else
        echo "SKIP: this CPU has no FMA; the recipe needs one"; exit 0; fi ;;
esac

# sollya_kernel NAME DEGREE SYMBOL: a C file evaluating the Sollya polynomial by Horner with
# fmaf (FMA=1) or plain float a * x + c (FMA=0).
sollya_kernel() {
    grep "^$1 $2 " "$REF" | awk -v sym="$3" -v fma="$4" '{
        s = $NF "f"
        for (i = NF - 1; i >= 3; i--) s = fma ? "fmaf(" s ", x, " $i "f)" : "(" s " * x + " $i "f)"
        printf "#include <math.h>\nfloat %s(float x) { return %s; }\n", sym, s }'
}

# max_ulp_of LO HI ARGS...: runs an exhaustive check, prints its max ULP (empty on failure)
max_ulp_of() {
    lo=$1 hi=$2
    shift 2
    if "$@" --lo "$lo" --hi "$hi" --json >out.txt 2>err.txt; then json_num out.txt max_ulp; else
        sed 's/^/    stderr: /' err.txt >&2; fi
}

# --- usage errors ---
printf 'float k(float x) { return x; }\n' >k.c
expect_exit 2 "--kernel without --symbol" -- "$UA" check --kernel k.c --against 'x' --lo 0 --hi 1
expect_exit 2 "--kernel without --against" -- "$UA" check --kernel k.c --symbol k --lo 0 --hi 1
expect_exit 2 "--kernel without --lo" -- "$UA" check --kernel k.c --symbol k --against x --hi 1
expect_exit 2 "--lo not a number" -- "$UA" check --kernel k.c --symbol k --against x --lo a --hi 1
expect_exit 2 "empty interval" -- "$UA" check --kernel k.c --symbol k --against x --lo 1 --hi 0
expect_exit 2 "--top too large" -- "$UA" check --kernel k.c --symbol k --against x --lo 0 --hi 1 --top 65
expect_exit 2 "--lo without --exhaustive" -- "$UA" check m.safetensors --lo 0
expect_exit 2 "unknown symbol" -- "$UA" check --kernel k.c --symbol nope --against x --lo 0 --hi 1
expect_grep err.txt "no symbol 'nope'" "unknown symbol is named"
printf 'float k(float x) { return x +; }\n' >bad.c
expect_exit 2 "kernel that does not compile" -- "$UA" check --kernel bad.c --symbol k --against x --lo 0 --hi 1
expect_grep err.txt "compiling" "compile failure is reported"
# the identity is exact: 0 ULP, everything correctly rounded, on a small interval with both zeros
expect_exit 0 "identity kernel" -- "$UA" check --kernel k.c --symbol k --against x --lo -1e-44 --hi 1e-44 --json
expect_grep out.txt '"not_correctly_rounded":[[:space:]]*0' "identity is correctly rounded"
expect_grep out.txt '"count":[[:space:]]*16' "-7..-1 subnormals, -0, +0, 1..7 subnormals"
# a kernel that is a number where the function is NaN (log of x < 0): not correct, exit 1 without
# --max-ulp (it was exit 0 beside 100% NaN mismatches); the counts stay in the report
expect_exit 1 "NaN mismatches: not correct" -- "$UA" check --kernel k.c --symbol k --against 'log(x)' --lo -0.001 --hi -0.00099 --json
expect_grep out.txt '"nan_mismatch":[[:space:]]*85899' "every float of [-0.001, -0.00099] is a NaN mismatch"
expect_grep err.txt "not correct: 85899 NaN and 0 Inf mismatches" "the verdict names the mismatches"
expect_exit 1 "--max-ulp gate" -- "$UA" check --kernel k.c --symbol k --against 'x*1.0000001' --lo 1 --hi 1.001 --max-ulp 0.5

# a model's float export: every float of its domain [1, 1.001] (1 + k 2^-23, k = 0..8388)
expect_exit 0 "fit cheb exp on [1, 1.001]" -- "$UA" fit 'exp(x)' --domain 1:1.001 -o e.safetensors
expect_exit 0 "check MODEL --exhaustive" -- "$UA" check e.safetensors --exhaustive --top 3
expect_grep out.txt "floats checked        8389" "every float of the model's domain"
expect_grep out.txt "worst inputs" "the worst inputs are listed"
expect_exit 0 "check MODEL --exhaustive --json" -- "$UA" check e.safetensors --exhaustive --json
expect_le "$(json_num out.txt max_ulp)" 3 "cheb float export of exp within a few ULP"
expect_le 0.5 "$(json_num out.txt max_ulp)" "... but not correctly rounded everywhere"
expect_exit 0 "--lo/--hi narrow the model's domain" -- "$UA" check e.safetensors --exhaustive --lo 1 --hi 1.0001 --json
expect_grep out.txt '"count":[[:space:]]*839,' "839 floats in [1, 1.0001]"

# --- the degree search: minimax family, float coefficients, relative error, FMA Horner ---
have_minimax=0
"$UA" fit '2^x' --domain 0:1 --family minimax --degree 2 --coeffs float >/dev/null 2>&1 && have_minimax=1
least=""
prev_ulp=""
for d in 3 4 5 6 7 8; do
    if [ $have_minimax = 1 ]; then
        expect_exit 0 "fit minimax degree $d" -- "$UA" fit '2^x' --domain 0:1 --family minimax \
            --degree "$d" --error rel --coeffs float -o "exp2_$d.safetensors"
        set -- "$UA" check "exp2_$d.safetensors" --exhaustive --cflags "$FMA"
    else # until the minimax family is built: Sollya's coefficients
        sollya_kernel exp2 "$d" exp2_k 1 >"exp2_$d.c"
        set -- "$UA" check --kernel "exp2_$d.c" --symbol exp2_k --against '2^x' --cflags "$FMA"
    fi
    # a failure on [0.5, 1] (8.4e6 floats) already proves the degree is not within 1 ULP
    u=$(max_ulp_of 0.5 1 "$@")
    [ -n "$u" ] || { fail "exhaustive check of degree $d on [0.5, 1] failed to run"; break; }
    if awk -v u="$u" 'BEGIN { exit !(u <= 1) }'; then
        u=$(max_ulp_of 0 1 "$@") # every float of [0, 1]: 1065353217 of them
        expect_grep out.txt '"count":[[:space:]]*1065353217' "degree $d: every float of [0, 1]"
        expect_grep out.txt '"nan_mismatch":[[:space:]]*0' "degree $d: no NaN mismatch"
        if awk -v u="$u" 'BEGIN { exit !(u != "" && u <= 1) }'; then least=$d; break; fi
    fi
    prev_ulp=$u
done
echo "least degree within 1 ULP: ${least:-none} (max ULP ${u:-?}; degree below: ${prev_ulp:-?} ULP;" \
     "$([ $have_minimax = 1 ] && echo 'minimax family' || echo 'Sollya coefficients'))"
[ "$least" = 6 ] && pass || fail "the least degree within 1 ULP is ${least:-none}, expected 6"
expect_le "$u" 1 "degree $least within 1 ULP over every float of [0, 1]"
awk -v u="$prev_ulp" 'BEGIN { exit !(u > 1) }' && pass || fail "degree 5 exceeds 1 ULP (got $prev_ulp)"

# --- Sollya's kernel of the same degree: the same verdict from an independent source ---
sollya_kernel exp2 6 exp2_s6 1 >s6.c
u=$(max_ulp_of 0.5 1 "$UA" check --kernel s6.c --symbol exp2_s6 --against '2^x' --cflags "$FMA")
expect_le "$u" 1 "Sollya degree 6 with FMA within 1 ULP on [0.5, 1]"
sollya_kernel exp2 5 exp2_s5 1 >s5.c
u=$(max_ulp_of 0.5 1 "$UA" check --kernel s5.c --symbol exp2_s5 --against '2^x' --cflags "$FMA")
awk -v u="$u" 'BEGIN { exit !(u > 1) }' && pass || fail "Sollya degree 5 exceeds 1 ULP (got $u)"
# without FMA the rounding of x * q and of the last addition alone exceed 1 ULP, at any degree
sollya_kernel exp2 8 exp2_h8 0 >h8.c
u=$(max_ulp_of 0.5 1 "$UA" check --kernel h8.c --symbol exp2_h8 --against '2^x')
awk -v u="$u" 'BEGIN { exit !(u > 1.2 && u < 1.4) }' && pass || fail "plain float Horner, degree 8: $u ULP, expected about 1.3"

finish
