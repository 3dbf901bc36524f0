#!/bin/sh
# Jobs of several MPI ranks (uniapprox/dist.h, docs/scale.md), run as `mpirun -np 2` on this
# machine: the layer's collectives (test_dist under 2 and 3 ranks), check --exhaustive equal to
# the single process (counts, max ULP, worst inputs), the dense measurement of a fit equal bit for
# bit, rf at a fixed lambda (its predictions and reported train / test RMSE) equal to the single
# process to 1e-10 relative, --output written by rank 0 alone, and a rank killed mid-run ending
# the job with an error (a hang is the failure).
# Prints SKIP and passes when this build has no MPI or mpirun is not installed.
. "$(dirname "$0")/lib_cli.sh"
BUILD=$(cd "$(dirname "$UA")" && pwd)

. "$TESTS_DIR/lib_mpi.sh"
# the ranks' scratch folders (cli/dist_output.c) go here, to be seen empty at the end
mkdir tmp
TMPDIR=$WORK/tmp
export TMPDIR

# ---- the layer: the rank-ordered sum, maxima, broadcast, the splits, under 2 and 3 ranks
if [ -x "$BUILD/test_dist" ]; then
    for np in 2 3; do
        expect_exit 0 "test_dist on $np ranks" -- mpi "$np" "$BUILD/test_dist"
    done
else
    echo "note: $BUILD/test_dist not built; the layer's collectives are not run under mpirun"
fi

# ---- check --exhaustive: 2 ranks give the single process's result
cat >k.c <<'C'
#include <math.h>
/* sin in float, deliberately a little off: a non-trivial count of misrounded floats */
float k(float x) { return (float)sin((double)x) * (1.0f + 0x1p-23f * (x > 1.1f)); }
C
ex() { "$@" check --exhaustive --kernel k.c --symbol k --against 'sin(x)' --lo 1 --hi 1.2 \
          --top 20 --json; }
expect_exit 0 "exhaustive, one process" -- ex "$UA"
grep -v '"seconds"\|"cpu_seconds"\|"threads"\|"ranks"' out.txt >ex1.txt
expect_exit 0 "exhaustive, 2 ranks" -- ex mpi 2 "$UA"
grep -v '"seconds"\|"cpu_seconds"\|"threads"\|"ranks"' out.txt >ex2.txt
expect_grep out.txt '"ranks":[[:space:]]*2' "the 2-rank check says it ran on 2 ranks"
count=$(json_num ex1.txt count)
[ "$count" = 1677722 ] && pass || fail "floats in [1, 1.2]: $count, want 1677722 (2^23 / 5 + 1)"
[ "$(json_num ex1.txt not_correctly_rounded)" -gt 0 ] && pass || fail "the kernel misrounds"
if cmp -s ex1.txt ex2.txt; then pass; else
    fail "exhaustive: 2 ranks differ from one process"; diff ex1.txt ex2.txt | head -20 >&2; fi

# ---- threads a rank: ranks that mpirun leaves unbound share the machine's cores (cli/main.c);
# OMP_NUM_THREADS or --threads, when given, win. An unbound rank may run on every online core
# unless this test itself runs inside a narrower CPU set; then nothing is changed.
online=$(getconf _NPROCESSORS_ONLN)
if [ "$(env -u OMP_NUM_THREADS nproc)" = "$online" ]; then
    share=$((online / 2)); [ "$share" -ge 1 ] || share=1
else
    share=$(env -u OMP_NUM_THREADS nproc)
fi
# mpi is a shell function: the variables are set or unset in a subshell around it
unbound() { (unset OMP_NUM_THREADS; "$@"); }
omp3() { (OMP_NUM_THREADS=3; export OMP_NUM_THREADS; "$@"); }
expect_exit 0 "fit rf, 2 unbound ranks" -- unbound mpi 2 --bind-to none "$UA" fit 'sin(x)' \
    --domain -1:1 --family rf --lambda 1e-6 --json
expect_grep out.txt "\"threads_per_rank\":[[:space:]]*$share[,}[:space:]]" \
    "2 unbound ranks take $share thread(s) each ($online cores online)"
expect_exit 0 "fit rf, 2 unbound ranks, --threads 2" -- unbound mpi 2 --bind-to none "$UA" fit \
    'sin(x)' --domain -1:1 --family rf --lambda 1e-6 --threads 2 --json
expect_grep out.txt '"threads_per_rank":[[:space:]]*2[,}[:space:]]' "--threads 2 is kept"
expect_exit 0 "fit rf, 2 unbound ranks, OMP_NUM_THREADS=3" -- omp3 mpi 2 \
    --bind-to none "$UA" fit 'sin(x)' --domain -1:1 --family rf --lambda 1e-6 --json
expect_grep out.txt '"threads_per_rank":[[:space:]]*3[,}[:space:]]' "OMP_NUM_THREADS=3 is kept"

# ---- the dense measurement of a fit (ua_verify_box over the ranks): the same bits
ft() { "$@" fit 'exp(sin(3*x))*y' --vars x,y --domain -1:1,0:2 --family chebnd --json; }
expect_exit 0 "fit chebnd, one process" -- ft "$UA"
grep -v '"fit_seconds"' out.txt >m1.txt
expect_exit 0 "fit chebnd, 2 ranks" -- ft mpi 2 "$UA"
expect_grep out.txt '"ranks":[[:space:]]*2' "the 2-rank fit says it ran on 2 ranks"
grep -v '"fit_seconds"\|"ranks"\|"threads_per_rank"' out.txt >m2.txt
expect_grep m1.txt '"max_abs_err"' "the fit reports its measured error"
if cmp -s m1.txt m2.txt; then pass; else
    fail "measurement: 2 ranks differ from one process"; diff m1.txt m2.txt | head -20 >&2; fi

# ---- notes and warnings on stderr are said once by a job, not once per rank
expect_exit 0 "fit with the deprecated --check-points, 2 ranks" -- \
    mpi 2 "$UA" fit 'sin(x)' --domain 0:1 --check-points 200 -o note.safetensors
n=$(grep -c 'deprecated' err.txt)
[ "$n" = 1 ] && pass || fail "the deprecation warning printed $n times by 2 ranks, want once"
expect_exit 0 "export, 2 ranks" -- mpi 2 "$UA" export note.safetensors -o note.c
n=$(grep -c 'wrote' err.txt)
[ "$n" = 1 ] && pass || fail "export's 'wrote' note printed $n times by 2 ranks, want once"
expect_grep err.txt "wrote note.c" "the note names the user's file, not a rank's scratch copy"

# ---- rf at a fixed lambda: each rank's rows of the Gram matrix, one allreduce, one solve
awk 'BEGIN { srand(5); print "a,b,c,y"; for (i = 0; i < 3000; i++) { a = 2 * rand() - 1;
    b = 2 * rand() - 1; c = 2 * rand() - 1; printf "%.17g,%.17g,%.17g,%.17g\n", a, b, c,
    sin(3 * a) * cos(2 * b) + c * c } }' >s.csv
awk -F, 'NR > 1 { print $1, $2, $3 }' s.csv >x.txt
# the last 500 rows are the test rows: the reported train and test RMSE are split over the ranks too
head -n 2501 s.csv >s_train.csv
{ head -n 1 s.csv; tail -n 500 s.csv; } >s_test.csv
# standard input reaches rank 0 only: refused on every rank, at once, with exit 2 (rank 1 read an
# empty file, failed alone, and the job ended 20 s later by MPI_Abort)
cat s_train.csv | mpi 2 "$UA" fit --data /dev/stdin --format csv --family rf --lambda 1 -o stdin.st \
    >out.txt 2>err.txt
[ $? -eq 2 ] && pass || fail "--data /dev/stdin under 2 ranks: exit 2"
expect_grep err.txt "data /dev/stdin: under mpirun every rank reads its input files itself" \
    "--data /dev/stdin under 2 ranks: the message"
[ ! -e stdin.st ] && pass || fail "--data /dev/stdin under 2 ranks: no model written"
rf() { "$@" fit --data s_train.csv --test-data s_test.csv --family rf --features 400 --lambda 1 \
       -o "$out" --json; }
out=r1.safetensors
expect_exit 0 "rf, one process" -- rf "$UA"
mv out.txt rf1.json
out=r2.safetensors
expect_exit 0 "rf, 2 ranks" -- rf mpi 2 "$UA"
mv out.txt rf2.json
expect_exit 0 "eval rf 1" -- "$UA" eval r1.safetensors --input x.txt
mv out.txt p1.txt
expect_exit 0 "eval rf 2" -- "$UA" eval r2.safetensors --input x.txt
mv out.txt p2.txt
[ "$(wc -l <p1.txt)" -eq 3000 ] && pass || fail "eval printed $(wc -l <p1.txt) rows, want 3000"
rel=$(paste p1.txt p2.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; a = $1 < 0 ? -$1 : $1;
    if (d > m) m = d; if (a > s) s = a } END { printf "%.3g\n", m / s }')
expect_le "$rel" 1e-10 "rf: 2 ranks against one process, max |difference| / max |prediction|"
# train_rmse and test_rmse: each rank predicts its share of the rows, the squared errors summed
# over the ranks; equal to one process's to 1e-10, and to the RMSE of eval's predictions of the
# 2-rank model (awk, from the printed predictions) to 1e-12
for set in train test; do
    r1=$(json_num rf1.json ${set}_rmse) r2=$(json_num rf2.json ${set}_rmse)
    expect_close "$r2" "$r1" 1e-10 "rf ${set}_rmse: 2 ranks against one process"
    if [ $set = train ]; then lo=1; hi=2500; else lo=2501; hi=3000; fi
    ref=$(awk -F, 'NR > 1 { print $4 }' s.csv | paste - p2.txt | awk -v lo=$lo -v hi=$hi \
          'NR >= lo && NR <= hi { e = $2 - $1; s += e * e; n++ } END { printf "%.17g\n", sqrt(s / n) }')
    expect_close "$r2" "$ref" 1e-12 "rf ${set}_rmse of 2 ranks against eval's predictions"
done
# ---- libm NAME --check: each rank checks its share of the floats (as check --exhaustive), the
# result equal to the single process's (max ULP, counts, worst inputs); the file written by rank 0
# alone, the same bytes as one process writes, with no temporary file left beside it
lm() { o=$1; shift; "$@" libm expf --accuracy 1ulp --check --range 1:1.25 --json -o "$o"; }
expect_exit 0 "libm expf --check, one process" -- lm lm1.c "$UA"
grep -v '"seconds"\|"threads"\|"ranks"' out.txt >lm1.txt
expect_exit 0 "libm expf --check, 2 ranks" -- lm lm2.c mpi 2 "$UA"
grep -v '"seconds"\|"threads"\|"ranks"' out.txt >lm2.txt
expect_grep out.txt '"ranks":[[:space:]]*2' "the 2-rank libm check says it ran on 2 ranks"
# [1, 1.25] holds 2^21 + 1 floats; the 1ulp code misrounds some of them (a non-trivial merge)
[ "$(json_num lm1.txt count)" = 2097153 ] && pass || fail "libm: floats in [1, 1.25]: $(json_num lm1.txt count), want 2097153"
[ "$(json_num lm1.txt not_correctly_rounded)" -gt 0 ] && pass || fail "libm: the 1ulp expf misrounds"
expect_grep lm1.txt '"worst"' "libm: the worst inputs are listed"
if cmp -s lm1.txt lm2.txt; then pass; else
    fail "libm --check: 2 ranks differ from one process"; diff lm1.txt lm2.txt | head -20 >&2; fi
cmp -s lm1.c lm2.c && pass || fail "libm: the 2-rank job's C file differs from one process's"
[ "$(ls lm2.c* | wc -l)" -eq 1 ] && pass || fail "libm: files left beside lm2.c: $(ls lm2.c*)"
# text: the rank count in the result and in the note, said once
expect_exit 0 "libm expf --check text, 2 ranks" -- \
    mpi 2 "$UA" libm expf --accuracy 1ulp --check --range 1:1.01 -o lm3.c
expect_grep out.txt "time .* x 2 ranks" "libm's time line names the ranks"
n=$(grep -c 'checking expf at .* x 2 ranks' err.txt)
[ "$n" = 1 ] && pass || fail "libm's note printed $n times by 2 ranks, want once"
# rank 0 alone cannot write the file: exit 3, said once, at once (the other rank does not go on
# into the check's collectives and leave rank 0 waiting)
t0=$(date +%s)
expect_exit 3 "libm --check -o into a missing folder, 2 ranks" -- \
    mpi 2 "$UA" libm expf --check --range 1:1.01 -o nodir/e.c
n=$(grep -c "cannot write the C file 'nodir/e.c'" err.txt)
[ "$n" = 1 ] && pass || fail "libm: the write error printed $n times, want once"
[ $(($(date +%s) - t0)) -lt 15 ] && pass || fail "libm: the failed job took $(($(date +%s) - t0)) s"

ls tmp >left.txt
[ -s left.txt ] && fail "the ranks > 0 left scratch files: $(cat left.txt)" || pass

# ---- a rank killed mid-run ends the job with an error, within the wait below (not a hang)
if command -v ps >/dev/null 2>&1; then
    # mpirun itself in the background (not through a function: $! must be mpirun's pid)
    LSAN_OPTIONS=$MPI_LSAN ASAN_OPTIONS=$MPI_ASAN mpirun -np 2 --oversubscribe $MPI_ROOT "$UA" \
        check --exhaustive --kernel k.c --symbol k --against 'sin(x)' --lo 0 --hi 3e38 \
        --timeout 0 >kill.out 2>kill.err &
    job=$!
    ranks=""
    i=0
    while [ $i -lt 300 ]; do # the ranks, once both have started their checking children
        ranks=$(ps -o pid= --ppid "$job" 2>/dev/null | tr -d ' ')
        kids=0
        for r in $ranks; do
            [ -n "$(ps -o pid= --ppid "$r" 2>/dev/null)" ] && kids=$((kids + 1))
        done
        [ "$(echo "$ranks" | wc -w)" -eq 2 ] && [ "$kids" -eq 2 ] && break
        sleep 0.1
        i=$((i + 1))
    done
    victim=$(echo "$ranks" | tail -n 1)
    survivor=$(echo "$ranks" | head -n 1)
    checkers=""
    for r in $ranks; do checkers="$checkers $(ps -o pid= --ppid "$r" 2>/dev/null)"; done
    if [ -n "$victim" ] && [ "$(echo "$ranks" | wc -w)" -eq 2 ]; then
        pass
        kill -9 "$victim"
        i=0
        while [ $i -lt 300 ] && kill -0 "$job" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
        if kill -0 "$job" 2>/dev/null; then
            fail "the job still runs 30 s after rank pid $victim was killed (a hang)"
            kill -9 "$job" $survivor $checkers 2>/dev/null
            wait "$job"
        else
            wait "$job"
            rc=$?
            [ "$rc" -ne 0 ] && pass || fail "the job with a killed rank exited 0"
            expect_grep kill.err 'signal 9\|[Kk]illed\|abort' "the job says a rank was killed"
            # the other rank and both checking children end too (a zombie waiting for its
            # reaper has ended); up to 10 s on a loaded machine
            i=0
            while :; do
                left=""
                for p in $survivor $checkers; do
                    st=$(ps -o stat= -p "$p" 2>/dev/null)
                    case "$st" in "" | Z*) ;; *) left="$left $p" ;; esac
                done
                [ -z "$left" ] || [ $i -ge 100 ] && break
                sleep 0.1
                i=$((i + 1))
            done
            if [ -z "$left" ]; then pass; else
                fail "processes left running after the job ended:$left"
                kill -9 $left 2>/dev/null
            fi
        fi
    else
        fail "the 2-rank check did not start 2 ranks with their checkers (saw '$ranks')"
        kill -9 "$job" 2>/dev/null
        wait "$job"
    fi
else
    echo "note: no ps: the killed-rank round is not run"
fi

finish
