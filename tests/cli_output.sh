#!/bin/sh
# -o PATH by what is at PATH (src/model/atomic.h): a regular file is replaced atomically, a symbolic
# link is kept and its target replaced, a device or FIFO is written directly (never replaced by a
# regular file), a directory is refused. And a failed write of --help to stdout exits 3. An
# output that is an input of the command (or its other output) exits 2, nothing written.
# Nothing under /dev is ever named as an output here: the device checks use device nodes made with
# mknod in the test's own directory (root only; skipped otherwise), so that a broken build could at
# worst replace those copies.
. "$(dirname "$0")/lib_cli.sh"
# PLplot's cairo / fontconfig keep allocations to exit (as in cli_plot.sh)
LSAN_OPTIONS="suppressions=$TESTS_DIR/plplot.lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

tmo=""; command -v timeout >/dev/null 2>&1 && tmo="timeout 60"

expect_exit 0 "fit a model" -- "$UA" fit 'exp(x)' -o m.safetensors
expect_exit 0 "export to a regular file" -- "$UA" export m.safetensors --name f -o ref.c
[ -s ref.c ] && pass || fail "ref.c written"

# ---- symbolic links: the link stays, its target gets the content ----
echo old >target.c
ln -s target.c link.c
expect_exit 0 "export through a symlink" -- "$UA" export m.safetensors --name f -o link.c
[ -L link.c ] && pass || fail "export -o LINK keeps the symlink (it was replaced by a file)"
cmp -s target.c ref.c && pass || fail "export -o LINK writes the link's target"
# a relative link in another directory resolves against the link's directory
mkdir sub
ln -s ../target2.c sub/link.c
expect_exit 0 "export through a relative symlink in a subdirectory" -- \
    "$UA" export m.safetensors --name f -o sub/link.c
[ -L sub/link.c ] && cmp -s target2.c ref.c && pass || fail "relative link: target2.c written, link kept"
# a dangling link: its target is created
ln -s new.c dangling.c
expect_exit 0 "export through a dangling symlink" -- "$UA" export m.safetensors --name f -o dangling.c
[ -L dangling.c ] && cmp -s new.c ref.c && pass || fail "dangling link: new.c created, link kept"
# a chain of links, and the model writer (fit -o) too
ln -s model.safetensors mlink1
ln -s mlink1 mlink2
expect_exit 0 "fit -o through two links" -- "$UA" fit 'exp(x)' -o mlink2
[ -L mlink2 ] && [ -L mlink1 ] && [ -f model.safetensors ] && pass || fail "fit -o LINK keeps both links"
expect_exit 0 "the model behind the links loads" -- "$UA" info mlink2
# plot through a symlink
ln -s real.png plink.png
expect_exit 0 "plot through a symlink" -- "$UA" plot m.safetensors -o plink.png --points 100
[ -L plink.png ] && [ -s real.png ] && pass || fail "plot -o LINK keeps the link, writes real.png"
ls | grep -q '\.tmp\.' && fail "temporary files left behind: $(ls | grep '\.tmp\.')" || pass

# ---- a directory is refused, clearly ----
mkdir adir adir.png
expect_exit 3 "export -o a directory" -- "$UA" export m.safetensors -o adir
expect_grep err.txt "'adir'.*is a directory" "export -o DIR names the directory"
[ -d adir ] && pass || fail "the directory is still there"
expect_exit 3 "plot -o a directory" -- "$UA" plot m.safetensors -o adir.png --points 100
expect_grep err.txt "is a directory" "plot -o DIR names the directory"
ln -s adir dirlink
expect_exit 3 "export -o a link to a directory" -- "$UA" export m.safetensors -o dirlink
expect_grep err.txt "is a directory" "export -o LINK-TO-DIR is refused"
ls | grep -q '\.tmp\.' && fail "temporary files left behind: $(ls | grep '\.tmp\.')" || pass

# ---- a FIFO: written directly (a reader gets the bytes), and still a FIFO afterwards ----
# fifo_check DESC REF OUT CMD...: runs CMD (whose output is OUT, a FIFO read by cat into OUT.got)
fifo_check() {
    what=$1; ref=$2; out=$3; shift 3
    rm -f "$out" "$out.got"
    mkfifo "$out"
    cat "$out" >"$out.got" &
    catpid=$!
    $tmo "$@" >out.txt 2>err.txt
    rc=$?
    if [ -p "$out" ]; then pass; else
        fail "$what: the FIFO was replaced by a regular file"
        kill "$catpid" 2>/dev/null # it waits on the old FIFO for a writer that never comes
    fi
    wait "$catpid"
    [ "$rc" -eq 0 ] && pass || { fail "$what: exit $rc"; sed 's/^/    stderr: /' err.txt >&2; }
    if [ -n "$ref" ]; then cmp -s "$out.got" "$ref" && pass || fail "$what: the reader got other bytes"; fi
}
if command -v mkfifo >/dev/null 2>&1; then
    fifo_check "export -o FIFO" ref.c pipe.c "$UA" export m.safetensors --name f -o pipe.c
    "$UA" fit 'exp(x)' -o fit_ref.safetensors >/dev/null 2>&1
    fifo_check "fit -o FIFO" "" pipe.safetensors "$UA" fit 'exp(x)' -o pipe.safetensors
    [ -s pipe.safetensors.got ] && cp pipe.safetensors.got from_pipe.safetensors &&
        "$UA" info from_pipe.safetensors >/dev/null 2>&1 && pass || fail "fit -o FIFO: a loadable model came through"
    mkdir ptmp
    fifo_check "plot -o FIFO" "" pipe.png env TMPDIR="$WORK/ptmp" "$UA" plot m.safetensors -o pipe.png --points 100
    head -c 4 pipe.png.got | grep -q PNG && pass || fail "plot -o FIFO: a PNG came through"
    [ -z "$(ls ptmp)" ] && pass || fail "plot left a temporary file in TMPDIR: $(ls ptmp)"
else
    echo "SKIP: no mkfifo"
fi

# ---- devices: null and full, as private device nodes made with mknod (root only) ----
if [ "$(id -u)" -eq 0 ] && mknod dev_null c 1 3 2>/dev/null && mknod dev_full c 1 7 2>/dev/null &&
        mknod full.png c 1 7 2>/dev/null; then
    expect_exit 0 "export -o a null device" -- "$UA" export m.safetensors -o dev_null
    [ -c dev_null ] && pass || fail "export -o NULL-DEVICE replaced the device node"
    expect_exit 0 "fit -o a null device" -- "$UA" fit 'exp(x)' -o dev_null
    [ -c dev_null ] && pass || fail "fit -o NULL-DEVICE replaced the device node"
    for cmd in "export m.safetensors" "fit exp(x)"; do
        # shellcheck disable=SC2086
        expect_exit 3 "$cmd -o a full device" -- "$UA" $cmd -o dev_full
        [ -c dev_full ] && pass || fail "$cmd -o FULL-DEVICE replaced the device node"
        [ "$(wc -l <err.txt)" -eq 1 ] && pass || { fail "$cmd -o FULL-DEVICE: one message"; cat err.txt >&2; }
        expect_grep err.txt "cannot write 'dev_full': No space left on device" "$cmd -o FULL-DEVICE names the reason"
    done
    expect_exit 3 "plot -o a full device" -- "$UA" plot m.safetensors -o full.png --points 100
    [ -c full.png ] && pass || fail "plot -o FULL-DEVICE replaced the device node"
    expect_grep err.txt "No space left on device" "plot -o FULL-DEVICE names the reason"
    ln -s dev_full fulllink
    expect_exit 3 "export -o a link to a full device" -- "$UA" export m.safetensors -o fulllink
    [ -L fulllink ] && [ -c dev_full ] && pass || fail "export -o LINK-TO-DEVICE keeps the link and the device"
    expect_grep err.txt "No space left on device" "export -o LINK-TO-FULL-DEVICE names the reason"
    ls | grep -q '\.tmp\.' && fail "temporary files left behind: $(ls | grep '\.tmp\.')" || pass
else
    echo "SKIP: device nodes (mknod needs root)"
fi

# ---- every other output file is checked before the work: exit 3 at once, nothing written ----
# Each fit below would train for long (300000 Adam steps, 10^6 to 10^9 epochs); that it is refused before
# the work shows as the model it would have saved not being there (no timing is asserted).
# refused_early DESC OPTION PATH MODEL CMD...: CMD exits 3 naming OPTION and PATH, MODEL is absent
refused_early() {
    what=$1; opt=$2; path=$3; model=$4; shift 4
    expect_exit 3 "$what" -- $tmo "$@"
    expect_grep err.txt "cannot write $opt '$path'" "$what names the option and the path"
    [ "$(wc -l <err.txt)" -eq 1 ] && pass || { fail "$what: one message"; cat err.txt >&2; }
    [ ! -e "$model" ] && pass || fail "$what: $model was written (the work was done first)"
    [ ! -e "$path" ] || [ -d "$path" ] && pass || fail "$what: $path was written"
}
pde="$TESTS_DIR/../examples/pde/poisson.json"
refused_early "fit --family pde --plot in a missing folder" --plot nonexist/a.svg keep.st \
    "$UA" fit --family pde --pde "$pde" --iterations 300000 -o keep.st --plot nonexist/a.svg
refused_early "fit --family pde --plot a directory" --plot adir keep.st \
    "$UA" fit --family pde --pde "$pde" --iterations 300000 -o keep.st --plot adir
awk 'BEGIN { print "x,y"; for (i = 0; i < 64; i++) { x = i / 32 - 1; print x "," x * x } }' >sq.csv
refused_early "fit --family mlp --log in a missing folder" --log nonexist/l.jsonl mlp.st \
    "$UA" fit --family mlp --data sq.csv --epochs 1000000000 --patience 1000000000 \
    --log nonexist/l.jsonl -o mlp.st
refused_early "fit --family mlp --log a directory" --log adir mlp.st \
    "$UA" fit --family mlp --data sq.csv --epochs 1000000000 --patience 1000000000 --log adir -o mlp.st
refused_early "fit --out-of-core --family mlp --log in a missing folder" --log nonexist/l.jsonl \
    ooc.st "$UA" fit --out-of-core --family mlp --data sq.csv --y-col y --epochs 1000000000 \
    --patience 1000000000 --log nonexist/l.jsonl -o ooc.st
expect_exit 0 "data even" -- "$UA" data even -o even --n 8 --train 64 --test 16
refused_early "fit --family seq --log in a missing folder" --log nonexist/l.jsonl seq.st \
    "$UA" fit --family seq --data even/train_x.npy --targets even/train_y.npy \
    --epochs 1000000000 --log nonexist/l.jsonl -o seq.st
expect_exit 0 "data graphs csl" -- "$UA" data graphs csl -o csl.jsonl --seed 1
refused_early "fit --family graph --log in a missing folder" --log nonexist/l.jsonl graph.st \
    "$UA" fit --family graph --graphs csl.jsonl --epochs 1000000 --log nonexist/l.jsonl -o graph.st
refused_early "distill to an mlp with --log in a missing folder" --log nonexist/l.jsonl student.st \
    "$UA" distill m.safetensors --family mlp --epochs 1000000000 --patience 1000000000 \
    --log nonexist/l.jsonl -o student.st
# a --log that can be written is written, with the model (the check itself refuses nothing good)
expect_exit 0 "fit --family mlp --log a writable file" -- \
    "$UA" fit --family mlp --data sq.csv --epochs 3 --log ok.jsonl -o mlp.st
[ -s ok.jsonl ] && [ -s mlp.st ] && pass || fail "fit --log FILE: the log and the model written"
ls | grep -q '\.uniapprox-write-test' && fail "write-test files left behind" || pass

# ---- the top-level --help / --version on a full stdout: exit 1, one message ----
if [ -w /dev/full ]; then
    for a in --help --version; do
        "$UA" $a >/dev/full 2>err.txt
        rc=$?
        [ "$rc" -eq 3 ] && pass || fail "uniapprox $a >/dev/full: exit $rc, expected 3"
        [ "$(wc -l <err.txt)" -eq 1 ] && pass || { fail "uniapprox $a >/dev/full: one message"; cat err.txt >&2; }
        expect_grep err.txt "^uniapprox: error writing to standard output: No space left on device" \
            "uniapprox $a >/dev/full names the reason"
    done
fi

# ---- an output that is one of the command's inputs (or its other output) is refused ----
# exit 2 naming the clash, nothing written: compared by identity, so ./d.csv and a symbolic link
# to d.csv are d.csv
printf 'a,y\n1,2\n2,4\n3,6\n4,8\n5,10\n' >d.csv
cp d.csv d.orig
ln -s d.csv dlink.csv
expect_exit 2 "fit --data d.csv -o d.csv" -- "$UA" fit --data d.csv --family rf -o d.csv
expect_grep err.txt "\-o d.csv is also the input --data d.csv: the output would overwrite it" \
    "fit -o onto --data: names the clash"
expect_exit 2 "fit --data d.csv -o ./d.csv" -- "$UA" fit --data d.csv --family rf -o ./d.csv
expect_exit 2 "fit --data dlink.csv -o d.csv" -- "$UA" fit --data dlink.csv --family rf -o d.csv
expect_grep err.txt "is also the input --data dlink.csv" "fit -o onto a link to --data"
cmp -s d.csv d.orig && [ ! -L d.csv ] && pass || fail "fit -o onto --data: d.csv changed"
cp m.safetensors m.orig
for c in export report "compress --method quant8"; do
    expect_exit 2 "$c m.safetensors -o m.safetensors" -- "$UA" $c m.safetensors -o ./m.safetensors
    expect_grep err.txt "\-o ./m.safetensors is also the input m.safetensors" "$c: names the clash"
done
cmp -s m.safetensors m.orig && pass || fail "export/report/compress -o MODEL: the model changed"
expect_exit 0 "info after the refused writes" -- "$UA" info m.safetensors
cp "$TESTS_DIR/../examples/pde/poisson.json" p.json
cp p.json p.orig
expect_exit 2 "fit --pde p.json -o p.json" -- "$UA" fit --pde p.json --iterations 1 -o p.json
expect_grep err.txt "\-o p.json is also the input --pde p.json" "fit --pde: names the clash"
cmp -s p.json p.orig && pass || fail "fit --pde p.json -o p.json: p.json changed"
expect_exit 2 "fit --pde -o x.svg --plot x.svg" -- \
    "$UA" fit --pde p.json --iterations 1 -o x.svg --plot ./x.svg
expect_grep err.txt "\-\-plot ./x.svg is also the output -o x.svg" "the model and --plot: one path"
[ ! -e x.svg ] && pass || fail "fit -o x.svg --plot x.svg: x.svg written"
printf 'double f(double x) { return x * x; }\n' >f.c
cp f.c f.orig
expect_exit 2 "fit --function f.c:f -o f.c" -- "$UA" fit --function f.c:f --domain 0:1 -o f.c
expect_grep err.txt "\-o f.c is also the input --function f.c" "fit --function: names the clash"
cmp -s f.c f.orig && pass || fail "fit --function f.c:f -o f.c: f.c changed"
expect_exit 2 "fit --log onto --data" -- "$UA" fit --data d.csv --family mlp --log d.csv -o q.st
expect_grep err.txt "\-\-log d.csv is also the input --data d.csv" "--log onto --data: named"
expect_exit 2 "fit --log onto -o" -- "$UA" fit --data d.csv --family mlp --log q.st -o q.st
expect_grep err.txt "\-\-log q.st is also the output -o q.st" "--log onto -o: named"
cmp -s d.csv d.orig && [ ! -e q.st ] && pass || fail "fit --log clashes: a file written"
echo '{"epoch": 1, "train_loss": 1, "val_loss": 1}' >l.jsonl
cp l.jsonl l.orig
expect_exit 2 "report --log l.jsonl -o l.jsonl" -- \
    "$UA" report m.safetensors --log l.jsonl -o l.jsonl
expect_grep err.txt "\-o l.jsonl is also the input --log l.jsonl" "report --log: names the clash"
cmp -s l.jsonl l.orig && pass || fail "report --log l.jsonl -o l.jsonl: l.jsonl changed"
# an output onto the files a model records as what it was fitted to: its --function source
# (check and report read it again) and its --data table; refused after the model is read
expect_exit 0 "fit --function f.c:f" -- "$UA" fit --function f.c:f --domain 0:1 -o fm.st
expect_exit 0 "fit --data d.csv" -- "$UA" fit --data d.csv --family rf --lambda 1 -o dm.st
for c in export report "compress --method quant8"; do
    expect_exit 2 "$c fm.st -o f.c" -- "$UA" $c fm.st -o f.c
    expect_grep err.txt "\-o f.c is the C source the model was fitted to (--function .*/f.c)" \
        "$c onto the model's --function source: named"
    expect_exit 2 "$c dm.st -o d.csv" -- "$UA" $c dm.st -o d.csv
    expect_grep err.txt "\-o d.csv is the data the model was fitted to (d.csv)" \
        "$c onto the model's --data: named"
done
expect_exit 2 "distill fm.st -o f.c" -- "$UA" distill fm.st --family cheb -o f.c
expect_grep err.txt "\-o f.c is the C source the model was fitted to" "distill onto the model's --function source: named"
cmp -s f.c f.orig && cmp -s d.csv d.orig && pass || fail "outputs onto a model's sources: a source changed"
expect_exit 0 "check fm.st after the refusals" -- "$UA" check fm.st
# from another directory (the model records its data file absolute too), onto --test-data, and
# onto a split folder's data.txt and index files
mkdir -p sub
(cd sub && "$UA" export ../dm.st -o ../d.csv) >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "export onto the model's --data from another directory: exit 2"
expect_grep err.txt "\-o ../d.csv is the data the model was fitted to" "from another directory: named"
head -n 4 d.csv >dt.csv
expect_exit 0 "fit with --test-data" -- "$UA" fit --data d.csv --test-data dt.csv --family rf --lambda 1 -o dtm.st
cp dt.csv dt.orig
expect_exit 2 "export onto the model's --test-data" -- "$UA" export dtm.st -o dt.csv
expect_grep err.txt "\-o dt.csv is a file the model was fitted from (.*/dt.csv)" "onto --test-data: named"
mkdir -p spl
awk -F, 'NR > 1 { print $1, $2 }' d.csv >spl/data.txt
printf '0\n' >spl/index_features.txt; printf '1\n' >spl/index_target.txt
n=$(wc -l <spl/data.txt)
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) if (i % 4) print i }' >spl/index_train_0.txt
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) if (!(i % 4)) print i }' >spl/index_test_0.txt
cp spl/data.txt spl.orig
expect_exit 0 "fit --split-dir" -- "$UA" fit --split-dir spl --family rf --lambda 1 -o sm.st
for f in data.txt index_features.txt index_train_0.txt; do
    expect_exit 2 "export onto the split folder's $f" -- "$UA" export sm.st -o spl/$f
    expect_grep err.txt "is in the split folder the model was fitted to (--split-dir spl)" "onto spl/$f: named"
done
cmp -s spl/data.txt spl.orig && cmp -s dt.csv dt.orig && cmp -s d.csv d.orig && pass ||
    fail "outputs onto a model's data: a file changed"
expect_exit 0 "export beside the split folder's files" -- "$UA" export sm.st -o spl/model.c
# "-" is standard output for export and report only: the commands that write a model or an .npy
# refuse it (they wrote a file named "-")
expect_exit 2 "compress -o -" -- "$UA" compress m.safetensors --method quant8 -o -
expect_grep err.txt "a model is not written to standard output" "compress -o -: the reason"
expect_exit 2 "distill -o -" -- "$UA" distill m.safetensors --family spline -o -
expect_exit 2 "fit -o -" -- "$UA" fit 'x' -o -
[ ! -e ./- ] && pass || fail "a file named '-' was written"
# the same names for different files are fine
expect_exit 0 "export to another file" -- "$UA" export m.safetensors -o m2.c
# a device is written in place, never overwritten: two outputs to /dev/null are no clash
expect_exit 0 "fit -o /dev/null --log /dev/null" -- "$UA" fit --family mlp --data sq.csv --epochs 2 \
    --log /dev/null -o /dev/null

finish
