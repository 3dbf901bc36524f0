#!/bin/sh
# The sparse family end to end: a 4-D formula resolved (evaluations printed, the verdict from the
# engine's measurement), info, eval against the closed form, export compiled and compared with
# eval, a 6-D user function, a local grid on a kink, a budget too small (not resolved, exit 1) and
# bad input (exit 2).
. "$(dirname "$0")/lib_cli.sh"

expect_exit 0 "fit 4-D gaussian" -- "$UA" fit 'exp(-(x1^2+x2^2+x3^2+x4^2))' --vars x1,x2,x3,x4 \
    --domain 0:1,0:1,0:1,0:1 --family sparse --tol 1e-6 --points 20000 -o m.safetensors --json
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "4-D gaussian resolved"
expect_grep out.txt '"rule":[[:space:]]*"clenshaw-curtis"' "default rule"
ev=$(json_num out.txt evaluations)
expect_le 1 "$ev" "evaluations reported"
expect_le "$ev" 50000 "evaluations within the default budget"
expect_le "$(json_num out.txt max_rel_scale_err)" 1e-6 "measured error within the tolerance"
# the integral of exp(-|x|^2) over [0,1]^4 is (sqrt(pi)/2 erf(1))^4 = 0.31108091882...
expect_close "$(json_num out.txt integral)" 0.3110809188 1e-8 "integral against erf"

expect_exit 0 "fit prints evaluations" -- "$UA" fit 'exp(-(x1^2+x2^2+x3^2+x4^2))' \
    --vars x1,x2,x3,x4 --domain 0:1,0:1,0:1,0:1 --family sparse --tol 1e-6 --points 2000
expect_grep out.txt "^evaluations" "text report names the evaluations"
expect_grep out.txt "verdict *resolved" "text verdict"

expect_exit 0 "info" -- "$UA" info m.safetensors
expect_grep out.txt "evaluations" "info shows the evaluations"
expect_grep out.txt "points" "info shows the points"
expect_exit 0 "eval a row" -- sh -c "echo '0.1 0.2 0.3 0.4' | '$UA' eval m.safetensors"
y=$(cat out.txt)
expect_close "$y" 0.74081822068171788 1e-6 "eval against exp(-0.3)"
# outside the box: nan, not the value at the nearest edge (the grid is a polynomial of the box)
expect_exit 0 "eval outside the box" -- sh -c "echo '5 0.2 0.3 0.4' | '$UA' eval m.safetensors"
expect_grep out.txt "^nan$" "eval outside the box is nan"
expect_exit 0 "gradient outside the box" -- sh -c "echo '0.1 0.2 -0.5 0.4' | '$UA' eval m.safetensors --gradient"
expect_grep out.txt "^nan nan nan nan$" "gradient outside the box is nan"

expect_exit 0 "export double" -- "$UA" export m.safetensors --type double --name g4 -o g4.c
expect_grep g4.c "double g4(const double \*x)" "export signature"
cat >drv.c <<'C'
#include <stdio.h>
double g4(const double *x);
int main(void)
{
    const double x[4] = { 0.1, 0.2, 0.3, 0.4 }, out[4] = { 5, 0.2, 0.3, 0.4 };
    printf("%.17g\n", g4(x));
    printf("%g\n", g4(out));
    return 0;
}
C
if "$CC" -std=c99 -O2 -Wall -Werror -o drv drv.c g4.c -lm 2>cc.txt; then
    pass
    ./drv >drv.txt
    expect_close "$(sed -n 1p drv.txt)" "$y" 1e-14 "export agrees with eval"
    [ "$(sed -n 2p drv.txt)" = nan ] && pass || fail "export outside the box: $(sed -n 2p drv.txt), not nan"
else
    fail "export does not compile"; cat cc.txt >&2
fi
expect_exit 0 "export float" -- "$UA" export m.safetensors --type float --name g4f -o g4f.c
if "$CC" -std=c99 -O2 -Wall -Werror -c -o g4f.o g4f.c 2>cc.txt; then pass; else
    fail "float export does not compile"; cat cc.txt >&2; fi

# the user's own function in 6 dimensions, evaluated in batches in a child process
cat >f6.c <<'C'
#include <math.h>
double f6(const double *x)
{
    double s = 0;
    for (int i = 0; i < 6; i++) s += (i + 1) * x[i];
    return cos(0.3 * s) / (1 + 0.1 * x[0] * x[0]);
}
C
expect_exit 0 "fit a 6-D function" -- "$UA" fit --function f6.c:f6 --dim 6 --domain 0:1 \
    --family sparse --tol 1e-5 --points 5000 --json
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "6-D function resolved"
expect_le 1 "$(json_num out.txt evaluations)" "6-D function: evaluations reported"

# a kink off the dyadic nodes: the local rule refines towards it
expect_exit 0 "localp on a kink" -- "$UA" fit 'abs(x-0.3)+y' --vars x,y --domain 0:1 \
    --family sparse --rule localp --tol 1e-3 --points 5000 --json
expect_grep out.txt '"rule":[[:space:]]*"localp"' "local rule"
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "kink resolved by the local rule"
# docs/sparse.md's order-2 example: the quadratic surpluses next to the kink at 0.3 vanish, and
# the constructor refines the cells where its off-grid check points miss (it stopped at 21 points,
# 4.8e-2 off, before)
expect_exit 0 "localp order 2 on a kink" -- "$UA" fit 'abs(x-0.3)+y' --vars x,y --domain 0:1 \
    --family sparse --rule localp --order 2 --points 5000 --json
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "order-2 kink resolved"
expect_le "$(json_num out.txt max_abs_err)" 2e-6 "order-2 kink: measured error"

# a budget too small: not resolved, the best grid saved, exit 1
expect_exit 1 "budget too small" -- "$UA" fit 'exp(-(x^2+y^2+z^2))' --vars x,y,z --domain 0:1 \
    --family sparse --tol 1e-10 --max-evals 60 -o small.safetensors --points 2000
expect_grep err.txt "max-evals" "the reason names --max-evals"
# the reason names the user's tolerance (not the internal one the checks tighten) and the
# estimate the report shows
expect_grep err.txt "above the tolerance --tol 1e-10" "the reason names the user's --tol"
est=$(sed -n 's/.*estimated error of \([-0-9.eE+]*\).*/\1/p' err.txt | head -n 1)
rep=$(sed -n "s/.*constructor's estimate *\([-0-9.eE+]*\).*/\1/p" out.txt | head -n 1)
expect_close "$est" "$rep" 2e-3 "the reason's estimate is the report's"
[ -f small.safetensors ] && pass || fail "the best grid is saved"

# bad input: exit 2 with a message
expect_exit 2 "--max-evals 0" -- "$UA" fit 'x*y' --vars x,y --domain 0:1 --family sparse --max-evals 0
expect_grep err.txt "max-evals" "--max-evals 0 named"
expect_exit 2 "--level 17" -- "$UA" fit 'x*y' --vars x,y --domain 0:1 --family sparse --level 17
expect_grep err.txt "level" "impossible level named"
expect_exit 2 "--order without localp" -- "$UA" fit 'x*y' --vars x,y --domain 0:1 --family sparse --order 2
expect_grep err.txt "localp" "--order needs localp"
expect_exit 2 "NaN target" -- "$UA" fit 'sqrt(x-0.5)+y' --vars x,y --domain 0:1 --family sparse
expect_grep err.txt "nan" "NaN named"
expect_exit 2 "sparse refuses samples" -- sh -c "printf 'a,b\n1,2\n2,3\n' > s.csv && '$UA' fit --data s.csv --family sparse"
expect_exit 2 "--anisotropic-type without anisotropic" -- "$UA" fit 'x*y' --vars x,y --domain 0:1 \
    --family sparse --anisotropic-type iphyperbolic
expect_grep err.txt "refinement anisotropic" "--anisotropic-type needs --refinement anisotropic"
expect_exit 2 "anisotropic with localp" -- "$UA" fit 'x*y' --vars x,y --domain 0:1 --family sparse \
    --rule localp --refinement anisotropic
expect_grep err.txt "clenshaw-curtis" "anisotropic refines a global grid"

# anisotropic refinement (Tasmanian's setAnisotropicRefinement) on a target that varies mostly in
# x1: resolved by the engine's measurement, more levels in x1 than in the others
expect_exit 0 "anisotropic refinement" -- "$UA" fit 'cos(6*x1+1)/(1+0.05*(x2+x3+x4))' \
    --vars x1,x2,x3,x4 --domain 0:1 --family sparse --refinement anisotropic --tol 1e-6 \
    --points 5000 --json -o an.safetensors
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "anisotropic resolved"
expect_grep out.txt '"refinement":[[:space:]]*"anisotropic"' "refinement reported"
expect_le "$(json_num out.txt max_rel_scale_err)" 1e-6 "anisotropic measured within the tolerance"
ml=$(tr -d ' \t\n' < out.txt | sed -n 's/.*"max_level":\[\([0-9]*\),\([0-9]*\),\([0-9]*\),\([0-9]*\)\].*/\1 \2 \3 \4/p')
set -- $ml
[ "${1:-0}" -gt "${2:-99}" ] && [ "${1:-0}" -gt "${3:-99}" ] && [ "${1:-0}" -gt "${4:-99}" ] && pass \
    || fail "anisotropic: x1 refined furthest (max_level $ml)"
expect_exit 0 "info of an anisotropic model" -- "$UA" info an.safetensors
expect_grep out.txt "anisotropic" "info names the refinement"
finish
