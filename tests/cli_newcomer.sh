#!/bin/sh
# What a newcomer ran into, as checks: outputs that cannot be written (exit 3 everywhere, found
# before the work; fit prints its results when the save fails), `uniapprox list` and fit --help
# from the library's tables, a TARGET starting with '-', the default domain named in a NaN error,
# no source paths without --debug, JSON errors with --json, numbers as JSON numbers, --points
# everywhere, input names of learner models used by eval --input, a stray sequence label refused
# before any allocation, no temporary folder left by a Ctrl-C of check --exhaustive, and data files
# of nothing but a form feed or a BOM refused for every family that takes samples.
. "$(dirname "$0")/lib_cli.sh"
DATA=$TESTS_DIR/data

# ---- 11: unwritable outputs: exit 3, found before the work, the same code in every command ----
expect_exit 3 "fit -o into a missing folder" -- "$UA" fit 'exp(x)' --family mlp --epochs 100000 -o no/dir/m.safetensors
[ ! -s out.txt ] && pass || fail "fit -o MISSING: nothing was fitted or printed first"
expect_grep err.txt "cannot write the model 'no/dir/m.safetensors'" "fit names the output"
"$UA" fit 'exp(x)' --family minimax --degree 6 -o m.safetensors >/dev/null 2>&1 || fail "minimax model"
expect_exit 3 "export -o into a missing folder" -- "$UA" export m.safetensors -o no/dir/m.c
expect_exit 3 "plot -o into a missing folder" -- "$UA" plot m.safetensors -o no/dir/m.png
expect_exit 3 "data -o into a missing folder" -- "$UA" data position --n 4 --train 2 --test 1 -o no/dir
: >afile
expect_exit 3 "data -o a file, not a folder" -- "$UA" data position --n 4 --train 2 --test 1 -o afile
# a save that fails after the work: the results are printed all the same, then the error
if [ "$(id -u)" -eq 0 ] && mknod dev_full c 1 7 2>/dev/null; then
    expect_exit 3 "fit -o a full device" -- "$UA" fit 'exp(x)' -o dev_full
    expect_grep out.txt "verdict" "fit -o FULL: the results are printed"
    expect_grep err.txt "No space left on device" "fit -o FULL: the reason"
    expect_grep err.txt "not saved" "fit -o FULL: says the model was not saved"
    expect_exit 3 "fit --json -o a full device" -- "$UA" fit 'exp(x)' -o dev_full --json
    expect_grep out.txt '"max_abs_err"' "fit --json -o FULL: the results are printed"
    expect_grep err.txt '"status":3' "fit --json -o FULL: the error is JSON"
else
    echo "SKIP: full device (mknod needs root)"
fi
# an .npy output replaces a file only when complete: the old one stays when the write fails
"$UA" data position --n 4 --train 3 --test 2 -o task >/dev/null 2>&1 || fail "data position"
cp task/train_y.npy keep.npy
chmod 555 task
if ! (: >task/probe) 2>/dev/null; then # not root: the folder really is read-only
    expect_exit 3 "data into a read-only folder" -- "$UA" data position --n 4 --train 3 --test 2 -o task
    cmp -s task/train_y.npy keep.npy && pass || fail "the old train_y.npy is intact"
fi
chmod 755 task

# ---- 12: help and list from the library's tables; '-x^2'; the default domain ----
"$UA" list >list.txt 2>&1 || fail "list exits 0"
"$UA" list --json >list.json 2>&1 || fail "list --json exits 0"
fams=$(awk '/^families/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' list.txt)
[ -n "$fams" ] && pass || fail "list names families"
"$UA" fit --help >fithelp.txt 2>&1
for fam in $fams; do
    grep -q "^  $fam " fithelp.txt && pass || fail "fit --help lists family $fam"
    grep -q "\"name\":[[:space:]]*\"$fam\"" list.json && pass || fail "list --json has family $fam"
done
expect_grep fithelp.txt "nfw-sigma" "fit --help lists the built-in targets"
expect_grep fithelp.txt "uniapprox fit --family F --help" "fit --help says how to see a family's options"
expect_grep list.txt "nfw-sigma" "list: built-in targets"
expect_grep list.txt "^  --activation .*relu" "list: the activations"
expect_grep list.txt "^  --kernel .*rbf|laplacian" "list: the kernels"
if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 -c 'import json,sys; d=json.load(open("list.json")); sys.exit(not (d["families"] and d["targets"] and d["choices"]))' \
        && pass || fail "list --json is JSON with families, targets and choices"
fi
expect_exit 2 "fit -x^2" -- "$UA" fit -x^2
expect_grep err.txt "uniapprox fit \[options\] -- '-x^2'" "fit -x^2 suggests --"
expect_exit 0 "fit -o M -- -x^2" -- "$UA" fit -o negsq.safetensors -- '-x^2'
v=$("$UA" eval negsq.safetensors 0.5)
expect_close "$v" -0.25 1e-14 "the model of -x^2 at 0.5"
expect_exit 2 "fit log(x) on the default domain" -- "$UA" fit 'log(x)'
expect_grep err.txt "the default domain is -1:1; give --domain" "a NaN at the default domain names it"
expect_exit 0 "fit log(x) with --domain" -- "$UA" fit 'log(x)' --domain 1:2

# ---- 13: messages, JSON errors and numbers, --points ----
printf 'not a model' >bad.safetensors
expect_exit 2 "info on a corrupt model" -- "$UA" info bad.safetensors
expect_grep err.txt "bad.safetensors" "a model-validation error names the file"
grep -q '\[src/' err.txt && fail "a source path without --debug: $(cat err.txt)" || pass
for args in "fit log(x)" "info bad.safetensors" "fit --family spline --data $DATA/nasty_ff.txt"; do
    # shellcheck disable=SC2086
    "$UA" $args >/dev/null 2>err.txt
    grep -q '\[src/\|\[cli/' err.txt && fail "$args: a source path without --debug" || pass
done
"$UA" --debug info bad.safetensors >/dev/null 2>err.txt
expect_grep err.txt "\[src/" "--debug keeps the source path"
expect_exit 2 "fit --json, a bad target" -- "$UA" fit 'log(x)' --json
[ "$(wc -l <err.txt)" -eq 1 ] && pass || fail "fit --json: one error line"
expect_grep err.txt '^{"error":".*NaN.*","status":2,"command":"fit"}$' "fit --json: the error is JSON"
expect_exit 3 "fit --json, an unwritable output" -- "$UA" fit x --json -o no/dir/m.safetensors
expect_grep err.txt '"status":3' "--json: exit 3 in the JSON error"
expect_exit 2 "eval --json, a bad model" -- "$UA" eval bad.safetensors 1 --json
expect_grep err.txt '^{"error":' "eval --json: the error is JSON"
{ echo a,b,y; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    echo "$i,$((i * 7 % 5)),$((i + i * 7 % 5))"; done; } >t.csv # y = a + b
expect_exit 0 "kernel on t.csv" -- "$UA" fit --family kernel --data t.csv -o k.safetensors
expect_exit 0 "info --json" -- "$UA" info k.safetensors --json
expect_grep out.txt '"n_train":[[:space:]]*20,' "info --json: a count is a number"
expect_grep out.txt '"lambda":[[:space:]]*[0-9]' "info --json: a real is a number"
expect_grep out.txt '"input_names":[[:space:]]*\["a", "b"\]' "info --json: input_names is an array"
grep -q '":[[:space:]]*"[-+0-9.eE]*"' out.txt && fail "info --json: a number as a string: $(grep '":[[:space:]]*"[-+0-9.eE]*"' out.txt | head -n 3)" || pass
expect_exit 0 "fit --points" -- "$UA" fit 'sin(x)' --points 1000
expect_grep out.txt "points measured      1030" "fit --points sets the measurement"
expect_exit 0 "fit --check-points (old name)" -- "$UA" fit 'sin(x)' --check-points 1000
expect_grep err.txt "deprecated; use --points" "--check-points warns"
expect_grep out.txt "points measured      1030" "--check-points still works"
expect_exit 2 "both names" -- "$UA" fit 'sin(x)' --check-points 1000 --points 10
expect_exit 0 "check --points" -- "$UA" check m.safetensors --points 500
expect_grep out.txt "points measured      5" "check --points"

# ---- 14: learner models keep their input names; eval --input selects by name ----
printf 'y,b,a\n0,2,1\n0,3,2\n0,5,3\n' >reordered.csv
printf 'a,b\n1,2\n2,3\n3,5\n' >inorder.csv
"$UA" eval k.safetensors --input inorder.csv >want.txt 2>&1 || fail "eval inorder"
"$UA" eval k.safetensors --input reordered.csv >got.txt 2>&1 || fail "eval reordered"
cmp -s want.txt got.txt && pass || fail "eval --input selects the model's columns by name"
expect_close "$(head -n 1 want.txt)" 3 2e-2 "the kernel model near its training row (1, 2) -> 3"
printf 'b,c\n1,2\n' >lacking.csv
expect_exit 2 "eval --input lacking a column" -- "$UA" eval k.safetensors --input lacking.csv
expect_grep err.txt "lacking.csv has no column 'a'" "the missing column is named"
# a headerless whitespace file of the model's width: its columns are the inputs in order, as
# eval --help says (it said such a file was refused, yet eval read it)
printf '1 2\n2 3\n3 5\n' >rows.txt
"$UA" eval k.safetensors --input rows.txt >got.txt 2>&1 || fail "eval a headerless file"
cmp -s want.txt got.txt && pass || fail "a headerless file's columns are the inputs in order"
"$UA" eval --help >help.txt
if grep -q "lacking one is refused" help.txt; then fail "eval --help: a headerless file is not refused"; else pass; fi
expect_grep help.txt "headerless file" "eval --help says how a headerless file is read"
for fam in mlp rf; do
    short=""; [ $fam = mlp ] && short="--epochs 20"
    # shellcheck disable=SC2086
    "$UA" fit --family $fam --data t.csv -o $fam.safetensors $short >/dev/null 2>&1 || fail "$fam on t.csv"
    "$UA" info $fam.safetensors | grep -q 'input_names *\["a","b"\]' && pass || fail "$fam records input_names"
done

# ---- 15: a stray label is refused before anything is allocated, naming the targets file ----
npy_i4() { # file v1 .. v6: int32 (2, 3), written by hand (NumPy format 1.0)
    f=$1; shift
    { printf '\223NUMPY\001\000\166\000'
      printf "%-117s\n" "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }"
      for v in "$@"; do
          printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)))"
      done; } >"$f"
}
npy_i4 sx.npy 0 1 2 2 1 0
npy_i4 sy.npy 0 1 0 1 10000000 1
# under a 2 GB address-space cap where the build allows one (not under ASan): without the bound
# the model asked for ~8 GB
cap=""; sh -c 'ulimit -v 2000000 && "$0" --version' "$UA" >/dev/null 2>&1 && cap="ulimit -v 2000000;"
(eval "$cap"; "$UA" fit --family seq --data sx.npy --targets sy.npy --epochs 1 >out.txt 2>err.txt)
rc=$?
[ "$rc" -eq 2 ] && pass || fail "a class of 10^7 in 6 positions: exit $rc, expected 2"
expect_grep err.txt "sy.npy: sequence 1, position 1: class 10000000 is far beyond" "the targets file is named"
npy_i4 sy.npy 0 1 0 1 4095 1
expect_exit 0 "a class below the floor (4096)" -- "$UA" fit --family seq --data sx.npy --targets sy.npy --epochs 1

# ---- 16: a Ctrl-C of check --exhaustive leaves no temporary folder (nor a running child) ----
# A background job of a non-interactive shell starts with SIGINT ignored (and uniapprox respects
# that); env --default-signal gives it the default back, as a terminal's Ctrl-C would find it.
# SIGTERM is checked everywhere. --timeout 60 bounds the check if a signal were lost.
interrupt_check() { # SIG
    rm -rf tmpx && mkdir tmpx
    # the background job opens its redirections after the fork: a file left by the previous round
    # would be read by the wait below before the job truncates it
    rm -f ex.out ex.err
    if [ "$1" = INT ]; then
        TMPDIR=$WORK/tmpx env --default-signal=INT "$UA" check m.safetensors --exhaustive --threads 1 \
            --timeout 60 >ex.out 2>ex.err &
    else
        TMPDIR=$WORK/tmpx "$UA" check m.safetensors --exhaustive --threads 1 --timeout 60 >ex.out 2>ex.err &
    fi
    pid=$!
    i=0
    while [ $i -lt 300 ] && ! grep -q "floats on" ex.err 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
    grep -q "floats on" ex.err && pass || fail "SIG$1: the exhaustive check started: $(cat ex.err)"
    kill -"$1" $pid
    wait $pid
    rc=$?
    want=143; [ "$1" = INT ] && want=130 # 128 + the signal's number
    [ "$rc" -eq "$want" ] && pass || fail "check --exhaustive after SIG$1: exit $rc, expected $want"
    [ -z "$(ls -A tmpx)" ] && pass || fail "SIG$1: a temporary folder is left: $(ls -A tmpx)"
    # the forked checking child has its parent's command line; SIGKILL takes a moment
    i=0
    while [ $i -lt 50 ] && ps -eo args= | grep -q "^$UA check m.safetensors --exhaustive --threads 1 --timeout 60"; do
        sleep 0.1; i=$((i + 1)); done
    [ $i -lt 50 ] && pass || fail "SIG$1: the checking child outlived its parent"
}
interrupt_check TERM
if env --default-signal=INT true 2>/dev/null; then interrupt_check INT; else
    echo "SKIP: SIGINT (env has no --default-signal)"; fi

# ---- 18: files of no numbers are "no data rows" for every family that takes samples ----
for fam in $(awk '/^families/ { on = 1; next } /^$/ { on = 0 } on && /takes .*samples/ { print prev } { if (/^  [a-z]/) prev = $1 }' list.txt); do
    for f in nasty_ff.txt nasty_vt.txt nasty_bom.txt nasty_header.csv; do
        expect_exit 2 "$fam on $f" -- "$UA" fit --family $fam --data "$DATA/$f"
        expect_grep err.txt "$f: no data rows" "$fam on $f: no data rows, naming the file"
    done
    expect_exit 0 "$fam on CRLF + BOM" -- "$UA" fit --family $fam --data "$DATA/nasty_crlf.csv"
done
finish
