#!/bin/sh
# The chebnd family end to end: cos(10(x^2 + y)) on [-1, 1]^2 resolves with rank 2 (info),
# eval --gradient matches the analytic partials, a 3-D user function in C with its evaluations
# reported, the export compiled and equal to eval, and bad input exiting 2.
. "$(dirname "$0")/lib_cli.sh"

expect_exit 0 "fit cos(10(x^2+y)) chebnd" -- "$UA" fit 'cos(10*(x^2+y))' --vars x,y \
    --domain -1:1,-1:1 --family chebnd -o m.safetensors
expect_grep out.txt "verdict.*resolved" "cos(10(x^2+y)) resolved"
expect_exit 0 "info" -- "$UA" info m.safetensors
expect_grep out.txt "^rank  *2$" "info prints rank 2"
expect_grep out.txt "^evaluations  *[0-9]" "info prints the evaluations"
expect_grep out.txt "^integral " "info prints the integral"
expect_grep out.txt "^max_at " "info prints where the maximum is"

# partial derivatives: d/dx = -20 x sin(10(x^2+y)), d/dy = -10 sin(10(x^2+y))
printf '0.3 0.4\n-0.5 0.1\n0.9 -0.7\n' >pts.txt
expect_exit 0 "eval --gradient" -- "$UA" eval m.safetensors --gradient --input pts.txt
awk 'NR == FNR { x[NR] = $1; y[NR] = $2; next }
     { s = sin(10 * (x[FNR]^2 + y[FNR])); gx = -20 * x[FNR] * s; gy = -10 * s;
       e = ($1 - gx)^2 + ($2 - gy)^2; if (e > 1e-22 || NF != 2) bad = 1; n++ }
     END { exit bad || n != 3 }' pts.txt out.txt && pass || fail "eval --gradient: analytic partials"
expect_exit 0 "eval values" -- "$UA" eval m.safetensors --input pts.txt
awk 'NR == FNR { x[NR] = $1; y[NR] = $2; next }
     { d = $1 - cos(10 * (x[FNR]^2 + y[FNR])); if (d * d > 1e-26) bad = 1 } END { exit bad }' \
    pts.txt out.txt && pass || fail "eval: values"

# the export: compiled, the same digits as eval
expect_exit 0 "export" -- "$UA" export m.safetensors --name cosxy -o cosxy.c
expect_grep cosxy.c "double cosxy(const double \*x)" "export signature"
cat >drv.c <<'C'
#include <stdio.h>
double cosxy(const double *x);
int main(void)
{
    double x[2];
    while (scanf("%lf %lf", &x[0], &x[1]) == 2) printf("%.17g\n", cosxy(x));
    return 0;
}
C
if "$CC" -std=c99 -O2 -ffp-contract=off -o drv drv.c cosxy.c -lm 2>cc.txt; then
    ./drv <pts.txt >c.txt
    "$UA" eval m.safetensors --input pts.txt >e.txt
    cmp -s c.txt e.txt && pass || fail "export and eval differ"
else
    cat cc.txt >&2
    fail "export does not compile"
fi

# a 3-D user function in C: resolved, its calls counted
cat >g.c <<'C'
#include <math.h>
double g(const double *x) { return exp(-x[0] * x[0] - x[1] * x[1] - x[2] * x[2]) * cos(x[0] + x[1] + x[2]); }
C
expect_exit 0 "fit a 3-D function" -- "$UA" fit --function g.c:g --dim 3 --domain -1:1 \
    --family chebnd --json -o g.safetensors
expect_grep out.txt '"ranks":' "3-D: Tucker ranks reported"
expect_le "$(json_num out.txt evaluations)" 20000 "3-D: evaluations"
expect_le "$(json_num out.txt max_abs_err)" 1e-14 "3-D: measured error"

# bad input: 1-D and 4-D refused naming the family's range, NaN named, options excluded
expect_exit 2 "1-D refused" -- "$UA" fit 'exp(x)' --domain 0:1 --family chebnd
expect_grep err.txt "2- to 3-D" "1-D: what chebnd takes"
expect_exit 2 "4-D refused" -- "$UA" fit 'x*y*z*w' --vars x,y,z,w --domain -1:1 --family chebnd
expect_exit 2 "NaN" -- "$UA" fit 'log(x)*y' --vars x,y --domain -1:1 --family chebnd
expect_grep err.txt "nan at (x, y)" "NaN: the point named"
expect_exit 2 "tol and abs-tol" -- "$UA" fit 'x*y' --vars x,y --domain -1:1 --family chebnd \
    --tol 1e-10 --abs-tol 1e-10
expect_exit 1 "rank cap: not resolved" -- "$UA" fit '1/(1+25*(x^2+y^2))' --vars x,y \
    --domain -1:1 --family chebnd --max-rank 2 -o r.safetensors
expect_grep out.txt "not resolved" "rank cap: verdict"
expect_exit 0 "a spline model" -- "$UA" fit 'exp(x)' --domain 0:1 --family spline -o c.safetensors
expect_exit 2 "gradient of a family without one" -- "$UA" eval c.safetensors --gradient 0.5
expect_grep err.txt "the spline family has no analytic gradient" "no gradient: said so"
# values whose reciprocals overflow the core are refused (never a model file that cannot be read
# back), and a tolerance below double precision is refused as cheb refuses it
expect_exit 2 "tiny values in 2-D" -- "$UA" fit '1e-300*exp(x*y)' --vars x,y --family chebnd -o tiny.safetensors
expect_grep err.txt "outside 2^-960 .. 2^960" "tiny values: the range is named"
[ ! -e tiny.safetensors ] && pass || fail "tiny values: a model file was written"
expect_exit 2 "tiny values in 3-D" -- "$UA" fit '1e-250*exp(x*y)*cos(z)' --vars x,y,z --family chebnd
expect_exit 0 "1e-89 in 3-D is within range" -- "$UA" fit '1e-89*exp(x*y)*cos(z)' --vars x,y,z --family chebnd
expect_exit 2 "--tol 1e-30" -- "$UA" fit 'exp(x)*cos(y)' --vars x,y --family chebnd --tol 1e-30
expect_grep err.txt "below double precision" "--tol 1e-30: why"
finish
