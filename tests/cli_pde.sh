#!/bin/sh
# The pde family from the command line: `fit --pde FILE` on the shipped Poisson problem in a
# small budget, measured against its exact solution sin(pi x) sin(2 pi y) (never the training
# loss); eval, info, export (compiled and compared with eval) and the fit's --plot; malformed
# problem files and conflicting options exit 2.
. "$(dirname "$0")/lib_cli.sh"
EX="$TESTS_DIR/../examples/pde"
small="--hidden 16x16 --num-domain 300 --num-boundary 80 --iterations 600 --lbfgs-maxiter 300 --seed 2"

expect_exit 0 "fit --pde poisson" -- "$UA" fit --pde "$EX/poisson.json" $small --loss-weights 1,1000 \
    --plot poisson.svg --json -o poisson.uam
expect_grep out.txt '"family":[[:space:]]*"pde"' "the pde family claims a PDE problem"
expect_grep out.txt 'exact: sin(pi\*x)\*sin(2\*pi\*y)' "the report names the solution measured against"
max=$(json_num out.txt max_abs_err)
expect_le "$max" 0.05 "Poisson: max error against the exact solution (the engine's measurement)"
expect_grep poisson.svg '<svg' "--plot writes an SVG"
# the plot is SVG only: another extension is refused before the training (it wrote SVG into it)
expect_exit 2 "--plot u.bmp" -- "$UA" fit --pde "$EX/poisson.json" --iterations 20 --lbfgs-maxiter 0 \
    --plot u.bmp -o bmp.uam
expect_grep err.txt "must end in .svg" "--plot u.bmp: says the plot is SVG"
[ ! -e u.bmp ] && [ ! -e bmp.uam ] && pass || fail "--plot u.bmp: nothing written"

# eval at (0.25, 0.25): sin(pi/4) sin(pi/2) = 0.7071...
expect_exit 0 "eval" -- sh -c "echo '0.25 0.25' | '$UA' eval poisson.uam"
v=$(cat out.txt)
expect_close "$v" 0.70710678118654752 0.05 "eval near the exact solution"

expect_exit 0 "info" -- "$UA" info poisson.uam
rel=$(sed -n 's/^ *rel_l2_err *\([-0-9.eE+]*\)$/\1/p' out.txt)
expect_le "$rel" 0.02 "Poisson: relative L2 error against the exact solution on the fit's grid"
expect_grep out.txt "training_curve" "info shows the training curve"

# export: the C function agrees with eval
expect_exit 0 "export" -- "$UA" export poisson.uam -o u.c --name pde_u
cat >main.c <<'CEOF'
#include <stdio.h>
double pde_u(const double *x);
int main(void) { double x[2] = { 0.25, 0.25 }; printf("%.17g\n", pde_u(x)); return 0; }
CEOF
if "$CC" -std=c99 -O2 -o u main.c u.c -lm 2>cc.txt; then
    c=$(./u)
    expect_close "$c" "$v" 1e-13 "the export agrees with eval"
else fail "the export compiles"; cat cc.txt >&2; fi

# check measures again, against the problem file's solution (the model does not hold it)
expect_exit 2 "check without --pde" -- "$UA" check poisson.uam
expect_grep err.txt "give --pde FILE" "check says what it needs"
expect_exit 0 "check --help" -- "$UA" check --help
expect_grep out.txt "check MODEL --pde FILE" "check --help gives the --pde usage"
expect_grep out.txt "^  --pde FILE" "check --help lists --pde"
expect_exit 0 "check --pde" -- "$UA" check poisson.uam --pde "$EX/poisson.json" --points 5000 --json
max2=$(json_num out.txt max_abs_err)
expect_le "$max2" 0.05 "check: max error against the exact solution"
rel2=$(json_num out.txt rel_l2_err)
expect_le "$rel2" 0.02 "check: relative L2 error against the exact solution"
# --points sizes check's grid too (it was always 201^2): 5000 -> 70^2, 500 -> 22^2; default 201^2
[ "$(json_num out.txt grid_points)" = 4900 ] && pass || fail "check --points 5000: a 70^2 grid, got $(json_num out.txt grid_points)"
expect_exit 0 "check --pde --points 500" -- "$UA" check poisson.uam --pde "$EX/poisson.json" --points 500
expect_grep out.txt "points measured *484, a uniform grid" "check --points 500: a 22^2 grid"
expect_exit 0 "check --pde default grid" -- "$UA" check poisson.uam --pde "$EX/poisson.json" --json
[ "$(json_num out.txt grid_points)" = 40401 ] && pass || fail "check --pde: the default grid is 201^2"

# the text names the file's solution, gives relative L2 and max abs errors (no pointwise relative
# error or ULPs: u = 0 on the boundary), and no source path
expect_exit 0 "check --pde text" -- "$UA" check poisson.uam --pde "$EX/poisson.json"
expect_grep out.txt "relative L2 error" "check prints the relative L2 error"
expect_grep out.txt 'solution (exact: sin(pi\*x)\*sin(2\*pi\*y))' "check names the file's solution"
if grep -q "ULP\|max rel error\|src/" out.txt; then fail "no ULP, pointwise relative error or source path for a PDE"; fi
# a file on another box: measured on it, with a warning naming both boxes
expect_exit 0 "check against helmholtz.json" -- "$UA" check poisson.uam --pde "$EX/helmholtz.json"
expect_grep out.txt 'solution (exact: sin(a1\*pi\*x)\*sin(a2\*pi\*y))' "the file's solution, not the model's"
expect_grep err.txt "fitted on the box \[0, 1\] x \[0, 1\].*helmholtz.json is on \[-1, 1\] x \[-1, 1\]" \
    "a warning when the file's box is not the model's"
expect_exit 0 "fit --pde text (tiny)" -- "$UA" fit --pde "$EX/poisson.json" --hidden 4 \
    --iterations 2 --lbfgs-maxiter 0 --num-domain 20 --points 2000
expect_grep out.txt "constraints *hard" "the fit says the conditions are enforced by the transform"
if grep -q "src/pde\|ULP" out.txt; then fail "no source path or ULP in the fit's report"; fi

# --tol: the verdict printed (text and JSON) is the measurement against it, not "no tolerance
# asked" beside an error on stderr; a quick model, its max error / scale read from check's JSON
expect_exit 0 "fit a quick model" -- "$UA" fit --family pde --pde "$EX/poisson.json" --hidden 8 \
    --num-domain 100 --iterations 20 --lbfgs-maxiter 0 -o quick.uam
if grep -q "fit_resolved" out.txt; then fail "fit prints no fit_resolved beside the verdict"; fi
expect_exit 0 "check quick --json" -- "$UA" check quick.uam --pde "$EX/poisson.json" --json
mrs=$(json_num out.txt max_rel_scale_err)
tlo=$(awk -v m="$mrs" 'BEGIN { printf "%.6e", m / 2 }')
thi=$(awk -v m="$mrs" 'BEGIN { printf "%.6e", m * 2 }')
expect_exit 1 "check --tol below the error" -- "$UA" check quick.uam --pde "$EX/poisson.json" \
    --tol "$tlo"
expect_grep out.txt "^verdict *not resolved" "the text verdict says not resolved under --tol"
expect_grep out.txt "against --tol *max error / scale .* exceeds --tol" \
    "the measured figure against --tol on stdout"
if grep -q "no tolerance asked" out.txt; then fail "no 'no tolerance asked' when --tol is given"; fi
expect_exit 1 "check --tol below the error --json" -- "$UA" check quick.uam --pde "$EX/poisson.json" \
    --tol "$tlo" --json
expect_grep out.txt '"resolved":[[:space:]]*false' "JSON resolved false under --tol"
expect_grep out.txt '"verdict":[[:space:]]*"not resolved"' "JSON verdict not resolved under --tol"
expect_grep out.txt '"tol_check":[[:space:]]*"max error / scale .* exceeds --tol' \
    "JSON gives the figure against --tol"
expect_exit 0 "check --tol above the error" -- "$UA" check quick.uam --pde "$EX/poisson.json" \
    --tol "$thi" --json
expect_grep out.txt '"resolved":[[:space:]]*true' "JSON resolved true when --tol is met"
expect_grep out.txt '"verdict":[[:space:]]*"resolved"' "JSON verdict resolved when --tol is met"
expect_exit 1 "fit --pde --tol below the error" -- "$UA" fit --family pde --pde "$EX/poisson.json" \
    --hidden 8 --num-domain 100 --iterations 20 --lbfgs-maxiter 0 --tol "$tlo"
expect_grep out.txt "^verdict *not resolved" "fit's verdict under --tol"
expect_grep out.txt "against --tol *max error / scale" "fit prints the figure against --tol"
# a model of (x, y) against a problem in (x, t): measured by position, with a warning naming both
expect_exit 0 "check quick against burgers.json" -- "$UA" check quick.uam --pde "$EX/burgers.json" \
    --points 2000
expect_grep err.txt "variables are (x,y).*burgers.json's are (x,t)" \
    "a warning naming both variable lists"

# an exact solution that is not finite on the box is refused when the file is read, naming it
printf '{"space":{"x":[0,1]},"equation":"u_xx+1","conditions":[{"type":"dirichlet","value":0}],%s\n' \
    '"exact":"log(x-2)"}' >badexact.json
expect_exit 2 "an exact solution not finite" -- "$UA" fit --pde badexact.json
expect_grep err.txt 'badexact.json: "exact": not finite at x = 0 ' \
    "the message names the file, the field and the point"

# malformed problem files and conflicting options: exit 2 with a message
printf '{"space": {"x": [1, 0]}}' >bad1.json
expect_exit 2 "a box with a > b" -- "$UA" fit --pde bad1.json
expect_grep err.txt "bad1.json" "the message names the file"
printf 'not json' >bad2.json
expect_exit 2 "not JSON" -- "$UA" fit --pde bad2.json
printf '{"space": {"x": [0, 1]}, "equation": "u_xx + foo", "conditions": [{"type": "dirichlet", "value": 0}], "exact": "0"}' >bad3.json
expect_exit 2 "an unknown name in the equation" -- "$UA" fit --pde bad3.json
expect_grep err.txt "equation" "the message names the field"
# lap is known, for u only: lap(v) names v as the thing that is not the unknown
printf '{"space": {"x": [0, 1]}, "equation": "lap(v) + 1", "conditions": [{"type": "dirichlet", "value": 0}], "exact": "0"}' >bad4.json
expect_exit 2 "lap of something other than u" -- "$UA" fit --pde bad4.json
expect_grep err.txt "lap(v): 'v' is not the unknown: lap takes the unknown u only" "lap(v): v named"
if grep -q "unknown function 'lap'" err.txt; then fail "lap(v): lap called unknown"; else pass; fi
expect_exit 2 "a missing file" -- "$UA" fit --pde missing.json
expect_exit 2 "--pde with --domain" -- "$UA" fit --pde "$EX/poisson.json" --domain 0:1
expect_exit 2 "--pde with another family" -- "$UA" fit --pde "$EX/poisson.json" --family cheb
expect_exit 2 "a formula with --family pde" -- "$UA" fit 'sin(x)' --family pde
# the learning-rate decay: a step factor above 1 is refused before the training, naming the option
expect_exit 2 "--decay step --decay-rate 2" -- "$UA" fit --pde "$EX/allen_cahn.json" --decay step \
    --decay-rate 2 -o decay.uam
expect_grep err.txt "decay-rate 2.*(0, 1]" "the message names --decay-rate and its range"
[ ! -e decay.uam ] && pass || fail "--decay-rate 2: no model written"
# --loss-weights takes exactly two numbers (W_PDE,W_BC): one alone ("1" was taken as 1,1) and
# "1," (was 1,0) are refused before the training, naming the option; nothing written
for w in 1 1, ,1 1,2,3; do
    expect_exit 2 "--loss-weights '$w'" -- "$UA" fit --pde "$EX/poisson.json" --hidden 4 \
        --iterations 2 --lbfgs-maxiter 0 --num-domain 20 --loss-weights "$w" -o lw.uam
    expect_grep err.txt "loss-weights '$w': expected W_PDE,W_BC (two numbers" "--loss-weights '$w': the message"
    [ ! -e lw.uam ] && pass || fail "--loss-weights '$w': no model written"
done
# an equation not finite on part of the box: exit 2 before training, naming the equation and a
# point (not "the loss is not finite at Adam step 1"); weights whose product overflows: said so
cat > nanpde.json <<'JSON'
{"name":"nan","space":{"x":[0,1]},"equation":"u_xx+log(x-0.5)","conditions":[{"type":"dirichlet","on":"boundary","value":0}],"exact":"x*(1-x)/2"}
JSON
expect_exit 2 "an equation NaN on part of the box" -- "$UA" fit --pde nanpde.json -o nan.st --iterations 5 --lbfgs-maxiter 0
expect_grep err.txt 'the equation "u_xx+log(x-0.5)" is not finite at the collocation point (0\.[0-4]' "names the equation and a point where it is NaN"
cat > onepde.json <<'JSON'
{"name":"one","space":{"x":[0,1]},"equation":"u_xx+1","conditions":[{"type":"dirichlet","on":"boundary","value":0}],"exact":"x*(1-x)/2"}
JSON
expect_exit 2 "--loss-weights 1e308,1e308" -- "$UA" fit --pde onepde.json -o one.st --iterations 5 --lbfgs-maxiter 0 --loss-weights 1e308,1e308
expect_grep err.txt "initial loss overflows.*--loss-weights" "says the weights overflow the loss"

# the reader: a NUL in a string (\u0000) is refused, not cut there; a condition's value not
# finite at a boundary point names the file, the field and the point; a folder is exit 2
cat > nulpde.json <<'JSON'
{"name":"nul","space":{"x":[0,1]},"equation":"u_xx+1\u0000","conditions":[{"type":"dirichlet","on":"boundary","value":0}],"exact":"x*(1-x)/2"}
JSON
expect_exit 2 "a NUL in the equation" -- "$UA" fit --pde nulpde.json -o nul.st --iterations 5 --lbfgs-maxiter 0
expect_grep err.txt "NUL" "says a NUL is refused"
cat > cvpde.json <<'JSON'
{"name":"cv","space":{"x":[0,1]},"equation":"u_xx+1","conditions":[{"type":"dirichlet","on":"boundary","value":"log(x-3)"}],"exact":"x*(1-x)/2"}
JSON
expect_exit 2 "a condition value not finite" -- "$UA" fit --pde cvpde.json -o cv.st --iterations 5 --lbfgs-maxiter 0 --output-transform none
expect_grep err.txt 'cvpde.json: "conditions"\[0\] (condition 1): "value" is not finite at the boundary point x = ' "names the file, the field and the point"
mkdir -p adir
expect_exit 2 "--pde a folder" -- "$UA" fit --pde adir -o dir.st
expect_grep err.txt "it is a directory" "says it is a folder"

# check --pde --points below 8 a side (8^d) is refused: a 2 x 2 or 3 x 3 grid lies on the Poisson
# solution's zeros (scale 2.4e-16, relative errors 1e13); 64 in 2-D is measured with a real scale
expect_exit 2 "check --pde --points 3" -- "$UA" check poisson.uam --pde "$EX/poisson.json" --points 3 --json
expect_grep err.txt "at least 8 a side (--points 64 or more in 2-D)" "names the minimum"
expect_exit 0 "check --pde --points 64" -- "$UA" check poisson.uam --pde "$EX/poisson.json" --points 64 --json
expect_le "$(json_num out.txt grid_points)" 64 "64 points: an 8 x 8 grid"
expect_le 64 "$(json_num out.txt grid_points)" "64 points: an 8 x 8 grid"
expect_le 0.99 "$(json_num out.txt scale)" "the scale (max of sin(pi x) sin(2 pi y) is 1) is not rounding noise"


# a named reference past t = 1 from a problem file: solved on the file's time box [0, T] (T its
# end; was refused at the first grid point past t = 1); a T parameter outside (0, 10] or not the
# box's end, and a burgers box past T = 100, exit 2 naming the range
ac2='{"space":{"x":[-1,1]},"time":{"t":[0,2]},"parameters":{"d":0.001,"T":%s},"equation":"u_t - d*u_xx + 5*(u^3 - u)","conditions":[{"type":"dirichlet","on":"boundary","value":-1},{"type":"initial","value":"x^2*cos(pi*x)"}],"reference":"allen_cahn"}'
printf "$ac2" 2 >ac2.json
expect_exit 0 "allen_cahn on t in [0, 2]" -- "$UA" fit --pde ac2.json --iterations 1 --lbfgs-maxiter 0 \
    --hidden 4 --num-domain 20 -o ac2.uam
expect_grep out.txt "^box *-1 1 0 2" "the model's box is the file's, t up to 2"
expect_grep out.txt "relative L2 error *[0-9]" "measured against the reference up to t = 2"
for T in 0 -5 20; do
    printf "$ac2" "$T" >acT.json
    expect_exit 2 "allen_cahn with T = $T" -- "$UA" fit --pde acT.json --iterations 1 -o acT.uam
    expect_grep err.txt "parameter T = $T is outside (0, 10\]" "T = $T: the message names the range"
done
sed 's/"t": *\[0, *1\]/"t": [0, 1e6]/' "$EX/burgers.json" >b1e6.json
expect_exit 2 "burgers on t in [0, 1e6]" -- "$UA" fit --pde b1e6.json --iterations 1 -o b.uam
expect_grep err.txt "ends at t = 1000000: T must be in (0, 100\]" "burgers: the message names the range"

# an output transform with a pole on the measurement's grid is refused when the file is read,
# naming the point (was: relative L2 error inf, exit 0); one off that grid (x = 1/3) fits, and a
# check on a grid through the pole is "not resolved" (exit 1) with the reason, never exit 0
ot='{"space":{"x":[0,1],"y":[0,1]},"equation":"lap(u)+5*pi^2*sin(pi*x)*sin(2*pi*y)","conditions":[{"type":"dirichlet","value":0}],"exact":"sin(pi*x)*sin(2*pi*y)","output_transform":{"g":"0","D":"x*(1-x)*y*(1-y)/(x-%s)"}}'
printf "$ot" 0.5 >ot.json
expect_exit 2 "a transform with a pole inside the box" -- "$UA" fit --pde ot.json --iterations 3 \
    --lbfgs-maxiter 2 --hidden 4 --num-domain 20 -o ot.uam
expect_grep err.txt '"output_transform": g or D is not finite inside the box at (x = 0.5, y = 0)' \
    "names the transform and the point"
[ ! -e ot.uam ] && pass || fail "a transform with a pole: no model written"
printf "$ot" 1/3 >ot3.json
expect_exit 0 "a transform with a pole off the grid" -- "$UA" fit --pde ot3.json --iterations 3 \
    --lbfgs-maxiter 2 --hidden 4 --num-domain 20 -o ot3.uam
expect_exit 1 "check on a grid through the pole" -- "$UA" check ot3.uam --pde ot3.json --points 961
expect_grep out.txt "^verdict *not resolved" "a non-finite error: not resolved"
expect_grep out.txt "reason *the measured error is not finite.*(0.33333333333333331, 0)" \
    "the reason names the point"
expect_exit 1 "check --json on a grid through the pole" -- "$UA" check ot3.uam --pde ot3.json \
    --points 961 --json
expect_grep out.txt '"resolved":[[:space:]]*false' "JSON: resolved false"
expect_grep out.txt '"reason":[[:space:]]*"the measured error is not finite' "JSON: the reason"

# a refused --decay-rate is named as given, not rounded by %g
expect_exit 2 "--decay step --decay-rate 1.0000001" -- "$UA" fit --pde "$EX/poisson.json" \
    --iterations 3 --decay step --decay-rate 1.0000001 -o dr.uam
expect_grep err.txt "decay-rate 1.0000001: the step decay's factor gamma must be in (0, 1\]" \
    "the rate as given"

# a box whose width overflows, or too narrow to scale: the message is about the box
box='{"space":{"x":[%s,%s]},"equation":"u_xx","conditions":[{"type":"dirichlet","value":0}],"exact":"0"}'
printf "$box" -1e308 1e308 >hb.json
expect_exit 2 "a box wider than the double range" -- "$UA" fit --pde hb.json -o hb.uam
expect_grep err.txt "too wide: its width b - a overflows" "says the width overflows"
printf "$box" 0 1e-300 >hn.json
expect_exit 2 "a box of width 1e-300" -- "$UA" fit --pde hn.json -o hn.uam
expect_grep err.txt "\[0, 1e-300\] is too narrow to scale" "says the box is too narrow"
printf "$box" 1 1.0000000000001 >hr.json
expect_exit 2 "a box 1e-13 wide at 1" -- "$UA" fit --pde hr.json -o hr.uam
expect_grep err.txt "too narrow to scale" "relative width: too narrow"

# a model of another family not resolved against a problem file: the reason and the figure
# against the model's tolerance (the PDE lines replace the engine's pointwise ones)
expect_exit 0 "fit cos(10*(x^2+y))" -- "$UA" fit 'cos(10*(x^2+y))' --vars x,y -o c2.st
expect_exit 1 "check c2.st --pde poisson.json" -- "$UA" check c2.st --pde "$EX/poisson.json"
expect_grep out.txt "^verdict *not resolved" "not resolved"
expect_grep out.txt "^  reason *the measured error exceeds the tolerance" "the reason"
expect_grep out.txt "^  against tolerance *max error / scale 1.849e+00" \
    "the figure against the tolerance (numpy on a 2001^2 grid: max |cos(10 (x^2 + y)) - sin(pi x) sin(2 pi y)| = 1.8489)"

finish
