#!/bin/sh
# The engine from the command line: formulas of several variables on boxes, the user's own C
# function (including one that crashes), samples with a test set, families refusing what they do
# not take, the verdict against the measurement, and the bad inputs of every new option.
. "$(dirname "$0")/lib_cli.sh"

# ---- formulas on a box ----------------------------------------------------------------------
expect_exit 0 "3-D formula by kernel" -- "$UA" fit 'exp(-x^2-y^2)*cos(z)' --vars x,y,z \
    --domain -1:1,-2:2,0:3 --family kernel --samples 800 -o k3.safetensors --json
expect_grep out.txt '"reference":[[:space:]]*"MPFR"' "3-D: the reference is MPFR"
expect_grep out.txt '"sampled_maximum":[[:space:]]*true' "3-D: a sampled maximum"
expect_le "$(json_num out.txt max_abs_err)" 0.05 "3-D kernel: max abs error against MPFR"
pts=$(json_num out.txt points)
expect_le 100000 "$pts" "3-D: at least the Sobol budget of points measured"
# the same box by name, in another order
expect_exit 0 "box by name" -- "$UA" fit 'exp(-x^2-y^2)*cos(z)' --vars x,y,z \
    --domain z=0:3,x=-1:1,y=-2:2 --family kernel --samples 300 --json --check-points 2000
expect_grep out.txt '"box":[[:space:]]*\[\[-1,[[:space:]]*1\],[[:space:]]*\[-2,[[:space:]]*2\],[[:space:]]*\[0,[[:space:]]*3\]\]' "box by name"
# eval, export and check of the 3-D model
printf '0.1 0.2 0.3\n' | "$UA" eval k3.safetensors >out.txt 2>err.txt
expect_close "$(cat out.txt)" "$(awk 'BEGIN { print exp(-0.01-0.04)*cos(0.3) }')" 0.03 "eval of the 3-D model"
expect_exit 0 "export 3-D" -- "$UA" export k3.safetensors -o k3.c --name k3
expect_grep k3.c 'double k3(const double \*x)' "3-D export signature"
expect_grep k3.c 'max_abs_err' "3-D export states the measured error"
expect_grep k3.c 'not a bound' "3-D export: a sampled maximum"
cat > k3_main.c <<'EOF'
#include <math.h>
#include <stdio.h>
double k3(const double *x);
int main(void) { double x[3] = { 0.1, 0.2, 0.3 }; printf("%.17g\n", k3(x)); return 0; }
EOF
if "$CC" -std=c99 -O2 -o k3_main k3_main.c k3.c -lm 2>cc.txt; then
    printf '0.1 0.2 0.3\n' | "$UA" eval k3.safetensors >ev.txt 2>/dev/null
    expect_close "$(./k3_main)" "$(cat ev.txt)" 1e-12 "compiled 3-D export equals eval"
else fail "3-D export compiles"; cat cc.txt >&2; fi
expect_exit 0 "check 3-D" -- "$UA" check k3.safetensors --check-points 3000 --json
expect_le "$(json_num out.txt max_abs_err)" 0.05 "check 3-D: max abs error"
expect_exit 0 "info 3-D" -- "$UA" info k3.safetensors
expect_grep out.txt "vars" "info shows the variables"

# ---- bad boxes and variables ----------------------------------------------------------------
expect_exit 2 "two variables without --vars" -- "$UA" fit 'sin(x)*cos(y)' --family mlp
expect_grep err.txt "unknown variable 'y'" "names the variable"
expect_grep err.txt "\-\-vars" "suggests --vars"
expect_exit 2 "a >= b" -- "$UA" fit 'x*y' --vars x,y --domain 0:1,2:1 --family kernel
expect_exit 2 "wrong number of intervals" -- "$UA" fit 'x*y*z' --vars x,y,z --domain 0:1,0:1 --family kernel
expect_exit 2 "unknown variable in the box" -- "$UA" fit 'x*y' --vars x,y --domain x=0:1,w=0:1 --family kernel
expect_exit 2 "more variables used than named" -- "$UA" fit 'x*y*z' --vars x,y --family kernel
expect_grep err.txt "unknown variable 'z'" "names z"
expect_exit 2 "a bad variable name" -- "$UA" fit 'x' --vars 'x,2y'
expect_exit 2 "a variable named twice" -- "$UA" fit 'x' --vars x,x

# ---- families refuse what they do not take, naming one that does -----------------------------
expect_exit 2 "cheb refuses 2-D" -- "$UA" fit 'x*y' --vars x,y --family cheb
expect_grep err.txt "use --family" "refusal names a family that takes it"
expect_exit 2 "unknown family" -- "$UA" fit 'x' --family nosuch
expect_grep err.txt "cheb" "unknown family lists the families"
expect_exit 2 "an option of another family" -- "$UA" fit 'x*y' --vars x,y --family kernel --split
expect_grep err.txt "not an option of the kernel family" "names the family"
expect_exit 2 "a bad option value" -- "$UA" fit 'exp(x)' --max-length 0
expect_grep err.txt "max-length '0'" "one message style"

# ---- --help from the option tables ----------------------------------------------------------
expect_exit 0 "fit --help" -- "$UA" fit --help
expect_grep out.txt "families" "fit --help lists the families"
expect_grep out.txt "spline" "fit --help lists spline"
expect_exit 0 "fit --family cheb --help" -- "$UA" fit --family cheb --help
expect_grep out.txt "\-\-max-length" "cheb's options"
expect_grep out.txt "source:" "options name their source"
expect_exit 0 "fit --family kernel --help" -- "$UA" fit --family kernel --help
expect_grep out.txt "\-\-gamma" "kernel's options"

# ---- the user's own C function --------------------------------------------------------------
cat > f1.c <<'EOF'
#include <math.h>
double damped(double x) { return exp(-x) * sin(3 * x); }
EOF
expect_exit 0 "fit --function 1-D" -- "$UA" fit --function f1.c:damped --domain 0:3 -o f1.safetensors
expect_grep out.txt "reference: the function, double" "the report names the reference"
expect_exit 0 "check --function model (compiled again)" -- "$UA" check f1.safetensors --json
expect_le "$(json_num out.txt max_rel_scale_err)" 1e-14 "check of the function model"
cat > g3.c <<'EOF'
#include <math.h>
double g3(const double *x) { return cos(x[0] * x[1] * x[2]); }
EOF
expect_exit 0 "fit --function 3-D by rf" -- "$UA" fit --function g3.c:g3 --dim 3 --domain 0:1 \
    --family rf --json --check-points 5000
expect_grep out.txt '"reference":[[:space:]]*"the function, double"' "3-D function reference"
expect_le "$(json_num out.txt max_abs_err)" 0.05 "3-D function by rf"
cat > crash.c <<'EOF'
double crash(double x)
{
    if (x > 0.5) { volatile int *p = 0; *p = 1; }
    return x;
}
EOF
expect_exit 2 "a function that crashes" -- "$UA" fit --function crash.c:crash --domain 0:1
expect_grep err.txt "crash" "the crash is named"
cat > loop.c <<'EOF'
double loop(double x) { volatile double y = x; for (;;) y += 1; return y; }
EOF
expect_exit 2 "a function that hangs" -- "$UA" fit --function loop.c:loop --domain 0:1 --timeout 1
# a hang is waited for once: the fit stops at the first time-out (it named one --timeout while
# cheb's retries waited three). The function counts its own hangs in a file, so no clock is read.
cat > hang.c <<'EOF'
#include <stdio.h>
double hang(double x) {
    if (x > 1.5) { FILE *f = fopen("hangs.txt", "a"); if (f) { fputs("hang\n", f); fclose(f); }
                   for (volatile int i = 0;; i++) ; }
    return x;
}
EOF
for fam in cheb spline; do
    rm -f hangs.txt
    expect_exit 2 "$fam: a function that hangs past 1.5" -- "$UA" fit --function hang.c:hang --domain 0:3 --timeout 1 --family $fam
    expect_grep err.txt "did not return within 1 s at x = " "$fam: the hang's point is named"
    [ "$(wc -l < hangs.txt)" -eq 1 ] && pass || fail "$fam: the function hung $(wc -l < hangs.txt) times, waited for once only"
done
printf 'double broken(double x) { return x +; }\n' > broken.c
expect_exit 2 "a function that does not compile" -- "$UA" fit --function broken.c:broken
expect_exit 2 "a missing symbol" -- "$UA" fit --function f1.c:nosuch
expect_grep err.txt "nosuch" "the missing symbol is named"
printf 'int wrong(int x) { return x; }\n' > wrong.c
expect_exit 2 "a wrong signature" -- "$UA" fit --function wrong.c:wrong
expect_grep err.txt "signature" "the signature is named"
expect_exit 2 "a missing file" -- "$UA" fit --function nofile.c:f
expect_exit 2 "--function without a symbol" -- "$UA" fit --function f1.c
expect_exit 2 "--dim without --function" -- "$UA" fit 'x' --dim 2
expect_exit 2 "--function and a TARGET" -- "$UA" fit 'x' --function f1.c:damped

# ---- samples with a test set, and stdin with --format -----------------------------------------
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 300; i++) { a = (i * 0.618034) % 1; b = (i * 0.754878) % 1;
    printf "%.17g,%.17g,%.17g\n", a, b, sin(3 * a) + b * b } }' > train.csv
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 60; i++) { a = (i * 0.41421 + 0.05) % 1; b = (i * 0.3819 + 0.1) % 1;
    printf "%.17g,%.17g,%.17g\n", a, b, sin(3 * a) + b * b } }' > test.csv
expect_exit 0 "samples with --test-data" -- "$UA" fit --data train.csv --test-data test.csv \
    --family kernel --json
expect_le "$(json_num out.txt test_rmse)" 0.02 "kernel test RMSE on a smooth function"
"$UA" fit --data /dev/stdin --format csv --family kernel --json <train.csv >out.txt 2>err.txt
[ $? -eq 0 ] && pass || { fail "--data /dev/stdin --format csv"; cat err.txt >&2; }
expect_exit 2 "--format unknown" -- "$UA" fit --data train.csv --format xls --family kernel
expect_exit 2 "--domain with samples" -- "$UA" fit --data train.csv --domain 0:1 --family kernel
expect_exit 2 "samples to a family of formulas" -- "$UA" fit --data train.csv --family cheb
expect_grep err.txt "use --family" "names the learners"

# ---- the verdict is the measurement ----------------------------------------------------------
# A narrow feature (a different spike from the issue's example): whatever the constructor says,
# exit 0 only with a measured error within the tolerance, else "not resolved" and exit 1.
for fam in cheb spline; do
    "$UA" fit --domain -1:1 --family $fam --json -o s.safetensors -- '-x+x^3+exp(-(120*(x+0.27))^2)' \
        >out.txt 2>err.txt
    rc=$?
    ratio=$(sed -n 's/.*"ratio":[[:space:]]*\([-0-9.eE+]*\).*/\1/p' out.txt | head -n 1)
    if [ $rc -eq 0 ]; then expect_le "$ratio" 1 "$fam: resolved means within the tolerance"
    elif [ $rc -eq 1 ]; then expect_grep out.txt '"resolved":[[:space:]]*false' "$fam: not resolved"
    else fail "$fam spike: exit $rc"; cat err.txt >&2; fi
    [ -f s.safetensors ] && pass || fail "$fam: the best model is saved even when not resolved"
    rm -f s.safetensors
done

# ---- the measurement is bounded ---------------------------------------------------------------
expect_exit 2 "--check-points above the cap" -- "$UA" fit 'exp(x)' --check-points 100000000
expect_grep err.txt "cap" "names the cap"
expect_exit 3 "an unwritable output, before the fit" -- "$UA" fit 'exp(x)' -o /nonexistent/dir/m.safetensors
expect_grep err.txt "cannot write" "names the output"

# ---- no source paths in messages unless --debug ----------------------------------------------
expect_exit 2 "message without a source path" -- "$UA" fit 'exp(' 
if grep -q 'src/' err.txt; then fail "a source path in a user message"; cat err.txt >&2; else pass; fi
expect_exit 2 "--debug keeps it" -- "$UA" --debug fit 'exp('
expect_grep err.txt 'src/' "--debug shows the source location"

finish
