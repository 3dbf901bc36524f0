#!/bin/sh
# Defects a fresh user found, each checked by what it printed, wrote or exited with:
# check --against names the reference it measured against (not the model's); report --log FILE
# that cannot be read is an error; an option's range is printed as accepted; a full stdout is
# said once; data checks its sizes before it creates a folder; a training log that fails mid-fit
# does not lose the model.
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
# every figure check prints is this measurement's: the fit of sin(x) on [-1, 1] stores a warning
# (relative error near x = 0, where |f| is small); checked against cos(x)+2 (|f| >= 2.5) there is
# none to give, and the constructor's estimate (of sin(x)) is not shown; on its own target the
# warning's figure is the max rel error printed above it (same digits)
expect_exit 0 "fit sin on [-1, 1]" -- "$UA" fit 'sin(x)' --domain -1:1 --family cheb -o mw.st
expect_exit 0 "the fit records a warning" -- "$UA" info mw.st
expect_grep out.txt "warning .*relative error" "the fit's warning"
expect_exit 1 "check --against cos(x)+2" -- "$UA" check mw.st --against 'cos(x)+2' --points 2000
if grep -q "|f| small there" out.txt; then fail "check --against printed the fit's stale warning"; else pass; fi
if grep -q "constructor's estimate" out.txt; then fail "check --against printed the constructor's estimate of sin(x)"; else pass; fi
# measured on samples of sin(x) (no pointwise warning is computed there): the fit's is not shown
/usr/bin/python3 -c "
import numpy as np
print('x,y')
for a in np.linspace(-1, 1, 201): print('%.17g,%.17g' % (a, np.sin(a)))" > sw.csv
expect_exit 0 "check --data samples of sin" -- "$UA" check mw.st --data sw.csv
if grep -q "^warning" out.txt; then fail "check --data printed the fit's stale warning"; else pass; fi
expect_exit 0 "check its own target" -- "$UA" check mw.st
rel=$(sed -n 's/^  max rel error *\([^ ]*\) .*/\1/p' out.txt)
expect_grep out.txt "^warning  *relative error $rel near" "check: the warning's figure is the measured max rel error ($rel)"

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
# a file that is not a training log: exit 2 naming the file and the line, no page, an existing
# page kept
echo garbage > bad.jsonl
rm -f r.html
expect_exit 2 "report --log garbage" -- "$UA" report m1.json --log bad.jsonl -o r.html
expect_grep err.txt "^uniapprox report: --log 'bad.jsonl': line 1 is not a training log entry" "report --log garbage: file and line named"
if [ -e r.html ]; then fail "report --log garbage wrote the page"; else pass; fi
printf '{"epoch": 1, "train_loss": 0.5}\nnot json\n{"epoch": 3, "train_loss": 0.2}\n' > bad2.jsonl
echo keep > r.html
expect_exit 2 "report --log a bad middle line" -- "$UA" report m1.json --log bad2.jsonl -o r.html
expect_grep err.txt "line 2 is not a training log entry" "report --log: the bad line is line 2"
expect_grep r.html '^keep$' "report --log bad: the existing page is kept"
# the last line cut off (an unfinished write): the complete lines drawn, one warning naming the file
printf '{"epoch": 1, "train_loss": 0.5}\n{"epoch": 2, "train_loss": 0.25}\n{"epoch": 3, "train_lo' > cut.jsonl
expect_exit 0 "report --log with its last line cut off" -- "$UA" report m1.json --log cut.jsonl -o r.html
expect_grep r.html 'of 2 epochs' "report --log cut off: the 2 complete epochs drawn"
[ "$(grep -c "warning: --log 'cut.jsonl': its last line (line 3) is cut off" err.txt)" -eq 1 ] && pass || fail "report --log cut off: one warning naming the file"

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

# --- a training log that fails mid-fit (a full device): the model is still saved, exit 3 -------
if [ -w /dev/full ]; then
    awk 'BEGIN { print "x,y"; for (i = 0; i < 64; i++) { x = i / 32 - 1; print x "," x * x } }' >sq.csv
    expect_exit 0 "data even" -- "$UA" data even -o even --n 8 --train 64 --test 16
    expect_exit 0 "data graphs csl" -- "$UA" data graphs csl -o csl.jsonl --seed 1
    expect_exit 0 "fit kernel teacher" -- "$UA" fit --family kernel --data sq.csv -o kt.st
    log_full() { # log_full DESC CMD MODEL ARGS...: exit 3, the model saved and usable, one message
        what=$1; cmd=$2; model=$3; shift 3
        expect_exit 3 "$what --log /dev/full" -- "$UA" "$cmd" "$@" --log /dev/full -o "$model"
        expect_grep err.txt "^uniapprox $cmd: writing the training log '/dev/full' failed: No space left on device (the model is saved as $model; the log holds the epochs written before)$" "$what --log /dev/full: the message"
        [ "$(wc -l <err.txt | tr -d ' ')" -eq "$([ "$cmd" = distill ] && echo 2 || echo 1)" ] && pass || { fail "$what --log /dev/full: one message"; cat err.txt >&2; }
        expect_exit 0 "$what: the saved model loads" -- "$UA" info "$model"
        expect_grep out.txt "log_error .*No space left on device" "$what: the model records the log's failure"
    }
    log_full "fit mlp" fit mlp.st --family mlp --data sq.csv --epochs 3
    expect_exit 0 "eval the mlp saved despite the log" -- "$UA" eval mlp.st 0.5
    log_full "fit seq" fit seq.st --family seq --data even/train_x.npy --targets even/train_y.npy --epochs 2
    log_full "fit graph" fit graph.st --family graph --graphs csl.jsonl --epochs 2
    log_full "fit --out-of-core mlp" fit ooc.st --out-of-core --family mlp --data sq.csv --y-col y --epochs 3
    log_full "distill to mlp" distill student.st kt.st --data sq.csv --family mlp --epochs 3
    expect_exit 0 "fit mlp --log a writable file" -- "$UA" fit --family mlp --data sq.csv --epochs 3 --log ok3.jsonl -o ok.st
    [ "$(wc -l <ok3.jsonl | tr -d ' ')" -eq 3 ] && pass || fail "fit --log FILE: 3 epochs logged"
    "$UA" info ok.st | grep -q log_error && fail "a written log recorded as failed" || pass
fi

# --- docs/data.md's first C snippet returns when a read fails (it carried on with ds unset) ----
ROOT=$(cd "$TESTS_DIR/.." && pwd)
awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on' "$ROOT/docs/data.md" > snippet.inc
cat > snippet_main.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "uniapprox.h"
int main(void)
{
#include "snippet.inc"
    free(X);
    return 0;
}
C
# the library's functions as stubs: the read fails and leaves ds unset, as with a missing file;
# anything called after that aborts
cat > snippet_stubs.c <<'C'
#include <stdlib.h>
#include "uniapprox.h"
ua_status ua_dataset_read(const char *path, ua_format f, ua_dataset **out) { (void)path; (void)f; (void)out; return UA_EIO; }
const char *ua_last_error(void) { return "cannot open 'uci/concrete/data.txt'"; }
size_t ua_dataset_rows(const ua_dataset *ds) { (void)ds; abort(); }
size_t ua_dataset_cols(const ua_dataset *ds) { (void)ds; abort(); }
ua_status ua_read_indices(const char *p, size_t l, size_t **i, size_t *n) { (void)p; (void)l; (void)i; (void)n; abort(); }
ua_status ua_dataset_select(const ua_dataset *ds, const size_t *r, size_t nr, const size_t *c, size_t nc, double *o) { (void)ds; (void)r; (void)nr; (void)c; (void)nc; (void)o; abort(); }
ua_status ua_scaler_fit(const double *x, size_t n, size_t d, ua_scaler *sc) { (void)x; (void)n; (void)d; (void)sc; abort(); }
void ua_scaler_apply(const ua_scaler *sc, double *x, size_t n) { (void)sc; (void)x; (void)n; abort(); }
C
if "$CC" -std=c11 -I"$ROOT/include" -I. -o snippet snippet_main.c snippet_stubs.c 2>cc.txt; then
    pass
    expect_exit 1 "docs/data.md snippet, the file missing" -- ./snippet
    expect_grep err.txt "error: cannot open 'uci/concrete/data.txt'" "the snippet prints the error"
else
    fail "docs/data.md's snippet compiles"; cat cc.txt >&2
fi

finish
