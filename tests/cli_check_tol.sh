#!/bin/sh
# check's tolerance inputs: `check MODEL --data FILE --tol T` measures max |prediction - y| over
# the rows given against the scale max |y| (it read NaN before: every --tol failed), the figure
# computed again here from `eval --input` and the file's y; --tol is refused for a classifier;
# tolerance terms in a model file's metadata that are not finite numbers >= 0 (nan, inf, text)
# are refused with exit 2 naming the key, as -1 is (they were read as 0).
. "$(dirname "$0")/lib_cli.sh"

# 200 rows of y = sin(a + 2b) on [-1, 1]^2 (a fixed LCG), and 20 test rows
awk 'BEGIN { s = 4242; for (f = 0; f < 2; f++) { file = f ? "test.csv" : "train.csv";
    print "a,b,y" > file; for (i = 0; i < (f ? 20 : 200); i++) {
        s = (s * 1103515245 + 12345) % 2147483648; a = 2 * s / 2147483648 - 1;
        s = (s * 1103515245 + 12345) % 2147483648; b = 2 * s / 2147483648 - 1;
        printf "%.17g,%.17g,%.17g\n", a, b, sin(a + 2 * b) > file } } }'

for fam in kernel mlp; do
    if [ $fam = mlp ]; then extra="--hidden 8 --epochs 30"; else extra=""; fi
    expect_exit 0 "fit $fam" -- "$UA" fit --data train.csv --family $fam $extra -o $fam.st
    # the figure, independently: eval's predictions against the file's y
    "$UA" eval $fam.st --input train.csv > pred.txt || fail "$fam: eval --input"
    ref=$(tail -n +2 train.csv | paste -d, - pred.txt | awk -F, '{ e = $4 - $3; if (e < 0) e = -e;
        if (e > m) m = e; y = $3 < 0 ? -$3 : $3; if (y > s) s = y }
        END { printf "%.17g %.17g", m, m / s }')
    err=${ref% *}; rel=${ref#* }
    expect_exit 0 "$fam: check --data --tol 10 --json" -- "$UA" check $fam.st --data train.csv --tol 10 --json
    expect_close "$(json_num out.txt tol_max_abs_err)" "$err" 1e-12 "$fam: max |prediction - y| (eval + awk)"
    expect_grep out.txt '"tol_check":[[:space:]]*"max error / scale [0-9.e+-]* <= --tol 1.000e+01 (max |prediction - y| .* over the 200 rows' \
        "$fam: the figure against --tol"
    # a tolerance just above the measured figure is met (exit 0, "resolved"), one just below is not
    above=$(awk -v r="$rel" 'BEGIN { printf "%.17g", r * 1.01 }')
    below=$(awk -v r="$rel" 'BEGIN { printf "%.17g", r * 0.99 }')
    expect_exit 0 "$fam: --tol above the figure" -- "$UA" check $fam.st --data train.csv --tol "$above"
    expect_grep out.txt "^verdict *resolved" "$fam: resolved when --tol is met"
    expect_grep out.txt "against --tol *max error / scale .* <= --tol" "$fam: the figure is printed"
    expect_exit 1 "$fam: --tol below the figure" -- "$UA" check $fam.st --data train.csv --tol "$below"
    expect_grep out.txt "^verdict *not resolved" "$fam: not resolved when --tol is exceeded"
    expect_grep err.txt "max error / scale .* exceeds --tol" "$fam: the message names the figure"
    if grep -q nan out.txt err.txt; then fail "$fam: a NaN in check --tol's output"; else pass; fi
done

# --test-data rows count too: 220 rows
expect_exit 0 "check with --test-data" -- "$UA" check kernel.st --data train.csv --test-data test.csv --tol 1
expect_grep out.txt "over the 220 rows" "training and test rows measured"

# a classifier: --tol is refused (its measure is the accuracy)
awk -F, 'NR == 1 { print "a,b,c"; next } { print $1 "," $2 "," ($3 > 0 ? 1 : 0) }' train.csv > cls.csv
expect_exit 0 "fit a classifier" -- "$UA" fit --data cls.csv --family kernel --classify -o cls.st
expect_exit 2 "check a classifier with --tol" -- "$UA" check cls.st --data cls.csv --tol 0.1
expect_grep err.txt "a classifier is measured by its accuracy" "classifier --tol refused"

# tolerance metadata: nan, inf, text, empty and -1 refused with the key named, exit 2
expect_exit 0 "fit erf" -- "$UA" fit 'erf(x)' --domain -4:4 --uniform-length 12 -o erf.st
set_meta() { # set_meta IN OUT KEY VALUE: a copy of IN with metadata KEY = VALUE
    /usr/bin/python3 - "$1" "$2" "$3" "$4" <<'PY'
import json, struct, sys
src, dst, key, val = sys.argv[1:]
b = open(src, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n])
h['__metadata__'][key] = val
s = json.dumps(h).encode(); s += b' ' * ((8 - len(s) % 8) % 8)
open(dst, 'wb').write(struct.pack('<Q', len(s)) + s + b[8 + n:])
PY
}
for key in tol_abs tol_scale tol_rel; do
    for v in nan inf -inf abc -1; do
        set_meta erf.st bad.st $key "$v"
        expect_exit 2 "check with $key = $v" -- "$UA" check bad.st
        expect_grep err.txt "metadata $key must be finite and >= 0, got '$v'" "$key = $v named"
    done
done
set_meta erf.st good.st tol_scale 1e-3
expect_exit 0 "check with tol_scale = 1e-3" -- "$UA" check good.st
expect_grep out.txt "^verdict *resolved" "a good tolerance term is read"
finish
