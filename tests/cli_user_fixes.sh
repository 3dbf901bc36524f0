#!/bin/sh
# Defects a fresh user found, each checked by what it printed, wrote or exited with:
# check --against names the reference it measured against (not the model's); report --log FILE
# that cannot be read is an error; an option's range is printed as accepted; a full stdout is
# said once; data checks its sizes before it creates a folder.
. "$(dirname "$0")/lib_cli.sh"

# --- check --against: the printed reference is the one measured against ---------------------
cat > f.c <<'C'
#include <math.h>
double f(double x) { return sin(x); }
C
expect_exit 0 "fit --function" -- "$UA" fit --function f.c:f --domain -1:1 --family cheb -o mf.json
expect_exit 0 "check a function model" -- "$UA" check mf.json --points 2000
expect_grep out.txt "^errors against the reference: the function, double$" "check: the function"
expect_exit 0 "check a function model --against a formula" -- "$UA" check mf.json --against 'sin(x)' --points 2000
expect_grep out.txt "^errors against the reference: MPFR, 128 bits$" "check --against: MPFR"
if grep -q "the function, double" out.txt; then fail "check --against printed the model's reference"; else pass; fi
expect_exit 0 "check --against --json" -- "$UA" check mf.json --against 'sin(x)' --points 2000 --prec 100 --json
expect_grep out.txt '"reference":[[:space:]]*"MPFR"' "check --against --json: reference MPFR"
expect_close "$(json_num out.txt reference_prec)" 100 0 "check --against --json: 100 bits"
# the fit's sampling describes the model's target: shown for it, not for another one
expect_exit 0 "fit --sample-prec 200" -- "$UA" fit 'sin(x)' --family cheb --sample-prec 200 -o ms.json
expect_exit 0 "check its own target" -- "$UA" check ms.json --points 2000
expect_grep out.txt "^  sampling: MPFR 200 bits (--sample-prec 200)$" "check: the fit's sampling"
expect_exit 1 "check --against cos(x)" -- "$UA" check ms.json --against 'cos(x)' --points 2000
expect_grep out.txt "^against   cos(x)$" "check --against: the target"
if grep -q "sampling" out.txt; then fail "check --against printed the fit's sampling of sin(x)"; else pass; fi
expect_exit 1 "check --against cos(x) --json" -- "$UA" check ms.json --against 'cos(x)' --points 2000 --json
if grep -q '"sampling"' out.txt; then fail "check --against --json: the fit's sampling"; else pass; fi

# --- report --log FILE that cannot be read: exit 2 naming it, no page --------------------------
expect_exit 0 "fit sin" -- "$UA" fit 'sin(x)' --family cheb -o m1.json
expect_exit 2 "report --log missing" -- "$UA" report m1.json --log nonexistent.jsonl -o r.html
expect_grep err.txt "^uniapprox report: --log 'nonexistent.jsonl': cannot read it: No such file or directory$" "report --log missing: the message"
if [ -e r.html ]; then fail "report --log missing wrote the page"; else pass; fi
mkdir logdir
expect_exit 2 "report --log a folder" -- "$UA" report m1.json --log logdir -o r.html
expect_grep err.txt "^uniapprox report: --log 'logdir': cannot read it: Is a directory$" "report --log folder: the message"
printf '{"epoch": 1, "train_loss": 0.5}\n{"epoch": 2, "train_loss": 0.25}\n' > ok.jsonl
expect_exit 0 "report --log readable" -- "$UA" report m1.json --log ok.jsonl -o r.html
expect_grep r.html 'of 2 epochs' "report --log: the curve of 2 epochs"

# --- an option's range as accepted: only finite values, so "(0, inf)", never "(0, inf]" ------
for o in gamma alpha lambda; do
    expect_exit 2 "kernel --$o inf" -- "$UA" fit 'sin(x)' --family kernel --$o inf -o k.json
    expect_grep err.txt "^uniapprox fit: --$o 'inf': expected a number in (0, inf)$" "--$o inf: the range"
done
expect_exit 2 "kernel --sb inf" -- "$UA" fit 'sin(x)' --family kernel --sb inf -o k.json
expect_grep err.txt "^uniapprox fit: --sb 'inf': expected a number in \[0, inf)$" "--sb inf: the range"
expect_exit 0 "fit --family kernel --help" -- "$UA" fit --family kernel --help
expect_grep out.txt "^  --coef0 X .*(-inf, inf)$" "kernel --help: --coef0 (-inf, inf)"
expect_grep out.txt "^  --gamma X .*(0, inf)$" "kernel --help: --gamma (0, inf)"
if grep -q "inf\]" out.txt; then fail "kernel --help prints a closed bound at inf"; else pass; fi

# --- a full stdout: one message naming the reason, exit 3 (an output cannot be written) --------
if [ -w /dev/full ]; then
    printf 'x,y,z\n' > d.csv
    i=1; while [ $i -le 30 ]; do echo "$i,$((i * 2 % 7)),$((i * 3 % 5))" >> d.csv; i=$((i + 1)); done
    expect_exit 0 "fit kernel on rows" -- "$UA" fit --data d.csv --family kernel -o kd.json
    for c in "explain m1.json --at 0.5" "libm --list" "influence kd.json --data d.csv --at 1,2" \
             "list" "info m1.json"; do
        # shellcheck disable=SC2086
        "$UA" $c >/dev/full 2>err.txt
        rc=$?
        [ "$rc" -eq 3 ] && pass || fail "uniapprox $c >/dev/full: exit $rc, expected 3"
        [ "$(wc -l <err.txt)" -eq 1 ] && pass || { fail "uniapprox $c >/dev/full: one message"; cat err.txt >&2; }
        expect_grep err.txt "^uniapprox ${c%% *}: error writing to standard output: No space left on device$" \
            "uniapprox $c >/dev/full: the reason"
    done
fi

# --- data: sizes refused before the folder is made; an existing folder is left as it was -------
expect_exit 2 "data position --n 1e8" -- "$UA" data position --n 100000000 -o posbig
expect_grep err.txt "^uniapprox data: the sequence length n = 100000000 is above the limit 1048576$" "data --n 1e8: the limit"
[ -e posbig ] && fail "data --n 1e8 left the folder posbig" || pass
expect_exit 2 "data position --test 1e8" -- "$UA" data position --test 100000000 -o posbig
expect_grep err.txt "N = 100000000 sequences is above the limit 67108864" "data --test 1e8: the limit"
[ -e posbig ] && fail "data --test 1e8 left the folder posbig (or a train set)" || pass
expect_exit 2 "data --n 1e5 --train 1e5" -- "$UA" data copy --n 100000 --train 100000 -o posbig
expect_grep err.txt "N \* n = 100000 \* 100000 = 10000000000 values is above the limit 268435456" "data N * n: the limit"
[ -e posbig ] && fail "data N * n too large left the folder posbig" || pass
mkdir mine && echo keep > mine/note.txt
expect_exit 2 "data into an existing folder, too large" -- "$UA" data position --n 100000000 -o mine
[ "$(cat mine/note.txt)" = keep ] && [ "$(ls mine)" = note.txt ] && pass || fail "data: an existing folder was changed"
expect_exit 0 "data position small" -- "$UA" data position --train 3 --test 2 --n 4 -o pos
[ "$(ls pos | tr '\n' ' ')" = "test_x.npy test_y.npy train_x.npy train_y.npy " ] && pass || fail "data: the four files"

finish
