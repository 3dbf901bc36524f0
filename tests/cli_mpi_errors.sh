#!/bin/sh
# How a job of 2 MPI ranks fails (cli/main.c, cli/dist_output.c, docs/scale.md): an error that
# every rank meets alike (a bad input file, a missing model, an output that cannot be written, a
# user's kernel that crashes) is printed once, by rank 0, the job exits with the documented code
# (2 bad input, 3 output, 1 failure) and no rank calls MPI_Abort (no "MPI_ABORT" banner from
# mpirun); a kernel's crash prints no OpenMPI backtrace; fit names the ranks it ran on (text,
# --json, the model's metadata); a Ctrl-C of mpirun makes rank 0 say "mpirun stopped the job"
# (at most once: mpirun may drop it); a kernel crashing on rank 1 only is reported by rank 1. The
# environment is tests/cli_mpi.sh's.
# Prints SKIP and passes when this build has no MPI or mpirun is not installed.
. "$(dirname "$0")/lib_cli.sh"
BUILD=$(cd "$(dirname "$UA")" && pwd)

. "$TESTS_DIR/lib_mpi.sh"
TMPDIR=$WORK
export TMPDIR

# once: the number of lines of err.txt holding the text
once() {
    n=$(grep -c -- "$1" err.txt)
    [ "$n" -eq 1 ] && pass || { fail "$2: '$1' printed $n times, want once"; sed 's/^/    /' err.txt >&2; }
}
no_abort() {
    if grep -q 'MPI_ABORT\|Process received signal\|ORTE_ERROR_LOG' err.txt; then
        fail "$1: OpenMPI's abort or signal report in stderr"; sed 's/^/    /' err.txt >&2
    else pass; fi
}

# ---- a bad input file: exit 2, the message once, no MPI_Abort
printf 'a,b,c,y\n1,2,3,nan\n' >nan.csv
expect_exit 2 "fit on a NaN file, 2 ranks" -- mpi 2 "$UA" fit --family mlp --data nan.csv
once 'nan.csv: line 2, column 4' "the NaN's message"
no_abort "the NaN file"
grep -q 'rank 1' err.txt && fail "rank 1 printed the error rank 0 printed too" || pass

expect_exit 2 "check of a missing model, 2 ranks" -- mpi 2 "$UA" check nonexist.st
once "nonexist.st" "the missing model's message"
no_abort "the missing model"

# ---- an output that cannot be written: exit 3 (rank 0 alone writes it; the others agree)
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 64; i++) { a = (i % 8) / 4 - 1; b = int(i / 8) / 4 - 1;
             printf "%g,%g,%g\n", a, b, a * a + b } }' >d.csv
expect_exit 3 "fit into a missing folder, 2 ranks" -- mpi 2 "$UA" fit --family rf --data d.csv \
    --output no/such/dir/m.st
once "no/such/dir/m.st" "the unwritable output's message"
no_abort "the unwritable output"
# commands whose ranks > 0 (writing a scratch copy) would go on into a collective while rank 0
# stopped at the output: the check is collective (rank 0's verdict on the user's path goes to
# every rank), so each ends with 3 at once, not after ua_cli_dist_end's wait and MPI_Abort
no_wait() {
    if grep -q 'did not reach the end of the command' err.txt; then
        fail "$1: the ranks disagreed (a rank waited for the others, then MPI_Abort)"
        sed 's/^/    /' err.txt >&2
    else pass; fi
}
expect_exit 3 "fit 'sin(x)' into a missing folder, 2 ranks" -- mpi 2 "$UA" fit 'sin(x)' \
    --domain 0:1 -o no/such/dir/s.st
once "cannot write the model 'no/such/dir/s.st': No such file or directory" \
    "fit 'sin(x)': the unwritable output's message"
no_wait "fit 'sin(x)' into a missing folder"
no_abort "fit 'sin(x)' into a missing folder"
expect_exit 0 "a model for report" -- "$UA" fit 'sin(x)' --domain 0:1 -o s.st
expect_exit 3 "report into a missing folder, 2 ranks" -- mpi 2 "$UA" report s.st \
    -o no/such/dir/r.html
once "cannot write the report 'no/such/dir/r.html'" "report: the unwritable output's message"
no_wait "report into a missing folder"
no_abort "report into a missing folder"
# eval --output on a model that is not a sequence model: the usage error on every rank (exit 2),
# before the output's check (rank 0 said "cannot write", rank 1 the usage error)
expect_exit 2 "eval --output into a missing folder, non-sequence model, 2 ranks" -- mpi 2 "$UA" \
    eval s.st 0.5 --output no/such/dir/o.txt
once "eval: --output needs a sequence model and --input" "eval --output: the usage error"
grep -q 'cannot write' err.txt && fail "eval --output: a rank checked the output first" || pass
no_wait "eval --output, non-sequence model"

# ---- fit says how many ranks it ran on: text, --json, the saved model's metadata
expect_exit 0 "rf fit, 2 ranks" -- mpi 2 "$UA" fit --family rf --data d.csv --output m.st
expect_grep out.txt '^ranks  *2$' "fit's text names 2 ranks"
expect_exit 0 "info of the 2-rank model" -- "$UA" info m.st
expect_grep out.txt 'ranks  *2' "the model's metadata names 2 ranks"
expect_exit 0 "rf fit --json, 2 ranks" -- mpi 2 "$UA" fit --family rf --data d.csv --json
[ "$(json_num out.txt ranks)" = 2 ] && pass || fail "fit --json: ranks '$(json_num out.txt ranks)', want 2"
expect_exit 0 "rf fit, one process" -- "$UA" fit --family rf --data d.csv --json
grep -q '"ranks"' out.txt && fail "a one-process fit names ranks" || pass

# ---- a user's kernel that crashes on every rank: exit 1, once, no OpenMPI backtrace
cat >crash.c <<'C'
float k(float x) { volatile int *p = 0; if (x > 0.5f) *p = 1; return x; }
C
expect_exit 1 "a crashing kernel, 2 ranks" -- mpi 2 "$UA" check --exhaustive --kernel crash.c \
    --symbol k --against 'sin(x)' --lo 1 --hi 1.2
once "the kernel crashed" "the crash's message"
no_abort "the crashing kernel"

# ---- a kernel that crashes on rank 1's floats only (71,363 subnormals from 0: rank 1 holds the
# upper half, above 5e-41) while rank 0 checks its share without fault: the ranks agree before
# combining their results, so rank 1's message reaches the job ("rank 1: ...", once), the job
# exits 1 with no MPI_Abort, and nobody says the job was interrupted
cat >crash1.c <<'C'
float k(float x) { volatile int *p = 0; if (x > 5e-41f) *p = 1; return x; }
C
expect_exit 1 "a kernel crashing on rank 1 only" -- mpi 2 "$UA" check --exhaustive \
    --kernel crash1.c --symbol k --against 'sin(x)' --lo 0 --hi 1e-40
once "rank 1: the kernel crashed" "rank 1's crash, named by rank"
no_abort "the kernel crashing on rank 1 only"
grep -q 'interrupted\|stopped the job' err.txt && fail "rank 1's crash called an interruption" ||
    pass

# ---- Ctrl-C: mpirun ends the ranks (SIGTERM) and exits 1; rank 0 says why
cat >long.c <<'C'
#include <math.h>
float k(float x) { return (float)sin((double)x); }
C
# mpirun itself in the background (not the mpi function's subshell), to receive the signal
LSAN_OPTIONS=$MPI_LSAN ASAN_OPTIONS=$MPI_ASAN mpirun -np 2 --oversubscribe $MPI_ROOT "$UA" check \
    --exhaustive --kernel long.c --symbol k --against 'sin(x)' --lo 0 --hi 1e30 >int.out 2>int.err &
job=$!
i=0 # until the check has started (its first line), at most 60 s
while [ $i -lt 600 ] && ! grep -q 'floats on' int.err; do sleep 0.1; i=$((i + 1)); done
kill -INT "$job"
wait "$job"
rc=$?
[ "$rc" -ne 0 ] && pass || fail "an interrupted job exited 0"
n=$(grep -c 'mpirun stopped the job' int.err)
# at most once: rank 0 writes it first thing in its handler, but mpirun, tearing the job down,
# may close the rank's stderr before forwarding that line (seen once in a clean-clone run)
[ "$n" -le 1 ] && pass || { fail "'mpirun stopped the job' printed $n times, want at most once"; sed 's/^/    /' int.err >&2; }

# the ranks' scratch folders are gone
left=$(ls -A "$WORK" | grep '^uniapprox-rank' || true)
[ -z "$left" ] && pass || fail "scratch folders left: $left"

finish
