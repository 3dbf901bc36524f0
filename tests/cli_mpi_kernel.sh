#!/bin/sh
# The kernel family's exact solve over the ranks of an MPI job (src/kernel/dist.c: ScaLAPACK's
# block-cyclic Cholesky, docs/kernel.md): a fit at a given lambda and gamma on 2 ranks (a 1 x 2
# grid) and on 4 oversubscribed ranks (2 x 2) equals the one-process fit (LAPACK's Cholesky of
# the whole matrix) to 1e-10 relative in its predictions, at the training rows and at new
# points, for one and for two outputs; the model names the grid it was solved on; rank 0 alone
# writes the output; a bad input, a share above --max-memory (per rank) and a singular
# K + lambda I exit 2 with their message once. Prints SKIP and passes when
# this build has no MPI or no ScaLAPACK, or mpirun is not installed.
. "$(dirname "$0")/lib_cli.sh"

. "$TESTS_DIR/lib_mpi.sh"
if ! grep -q '^  ScaLAPACK ' ver.txt; then
    echo "SKIP: this uniapprox is built without ScaLAPACK (UA_SCALAPACK=OFF; scripts/install-deps installs libscalapack-openmpi-dev)"
    exit 0
fi
# the ranks' scratch folders (cli/dist_output.c) go here, to be seen empty at the end
mkdir tmp
TMPDIR=$WORK/tmp
export TMPDIR

# 1,200 training rows of 3 inputs (3 rows a 64-block short of a whole number of blocks, so that
# the last block of the cyclic distribution is partial), two targets; 400 new points
awk 'BEGIN { srand(11); print "a,b,c,y,z"; for (i = 0; i < 1200; i++) { a = 2 * rand() - 1;
    b = 2 * rand() - 1; c = 2 * rand() - 1; printf "%.17g,%.17g,%.17g,%.17g,%.17g\n", a, b, c,
    sin(3 * a) * cos(2 * b) + c * c, exp(a * b) - c } }' >s.csv
awk -F, 'NR > 1 { print $1, $2, $3 }' s.csv >x.txt
awk 'BEGIN { srand(12); for (i = 0; i < 400; i++) printf "%.17g %.17g %.17g\n", 2 * rand() - 1,
    2 * rand() - 1, 2 * rand() - 1 }' >new.txt

cat x.txt new.txt >at.txt # predictions at the training rows, then at the new points

# max |difference| / max |value| over every column of lines [$3, $4] of two prediction files
relmax() {
    paste "$1" "$2" | awk -v lo="$3" -v hi="$4" 'NR >= lo && NR <= hi { h = NF / 2;
        for (j = 1; j <= h; j++) { d = $j - $(j + h); if (d < 0) d = -d; a = $j < 0 ? -$j : $j;
        if (d > m) m = d; if (a > s) s = a } } END { if (s == 0) print "nan"; else printf "%.3g\n", m / s }'
}

# lambda 1e-3 and gamma 0.5 given: no selection, and K + lambda I conditioned well enough that
# the two Cholesky orders agree far below 1e-10 (measured: 2.5e-14 .. 3.9e-14)
kfit() { "$@" fit --data s.csv --x-col a,b,c --y-col "$ycol" --family kernel --lambda 1e-3 \
             --gamma 0.5 -o "$out"; }
for ycol in y y,z; do
    tag=$(echo "$ycol" | tr -d ,)
    out=one_$tag.st
    expect_exit 0 "kernel fit ($ycol), one process" -- kfit "$UA"
    grep -q '^solve ' out.txt && fail "a one-process fit names a distributed solve" || pass
    expect_exit 0 "eval $out" -- "$UA" eval "$out" --input at.txt
    mv out.txt one_$tag.p
    # the 2 x 2 grid for one output only: each mpirun costs a second or more of start-up
    nps="2 4"
    [ "$ycol" = y ] || nps=2
    for np in $nps; do
        out=r${np}_$tag.st
        expect_exit 0 "kernel fit ($ycol), $np ranks" -- kfit mpi "$np" "$UA"
        if [ "$np" = 2 ]; then grid="1 x 2"; else grid="2 x 2"; fi
        expect_grep out.txt "^solve .*ScaLAPACK Cholesky over $np ranks (a $grid grid, blocks of 64)" \
            "the $np-rank fit names its grid"
        expect_grep out.txt "^ranks  *$np\$" "the $np-rank fit names its ranks"
        expect_exit 0 "eval $out" -- "$UA" eval "$out" --input at.txt
        mv out.txt r${np}_$tag.p
        [ "$(wc -l <r${np}_$tag.p)" -eq 1600 ] && pass || fail "eval printed $(wc -l <r${np}_$tag.p) rows, want 1600"
        for range in "1 1200 training rows" "1201 1600 new points"; do
            set -- $range
            rel=$(relmax one_$tag.p r${np}_$tag.p "$1" "$2")
            echo "kernel ($ycol), $np ranks against one process at the $3 $4: max |difference| / max |prediction| $rel"
            expect_le "$rel" 1e-10 "kernel ($ycol): $np ranks against one process at the $3 $4"
        done
    done
done
expect_exit 0 "info of the 2-rank model" -- "$UA" info r2_y.st
expect_grep out.txt 'solve .*1 x 2 grid' "the saved model keeps how it was solved"

# rank 0 alone writes the output: the ranks > 0 wrote theirs into scratch folders, removed
ls tmp >left.txt
[ -s left.txt ] && fail "the ranks > 0 left scratch files: $(cat left.txt)" || pass
ls ./*.st >written.txt
[ "$(grep -c . written.txt)" -eq 5 ] && pass || fail "models written: $(tr '\n' ' ' <written.txt), want 5"

# a bad input: exit 2, its message printed once (by rank 0), no MPI_Abort
printf 'a,b,y\n1,2,3\n4,inf,6\n7,8,9\n' >bad.csv
expect_exit 2 "kernel fit on an Inf file, 2 ranks" -- mpi 2 "$UA" fit --data bad.csv \
    --family kernel --lambda 1 --gamma 1
n=$(grep -c 'bad.csv' err.txt)
[ "$n" -eq 1 ] && pass || { fail "the bad file's message printed $n times, want once"; cat err.txt >&2; }
grep -q 'MPI_ABORT' err.txt && fail "the bad input ended the job by MPI_Abort" || pass

# --max-memory is per rank under mpirun: each rank's share of the 1,200 x 1,200 matrix on 2 ranks
# is 6.6 MB (1,200 x 624 doubles: its 10 of the 19 column blocks, the last one 48 wide; a panel
# of 64 columns, y and alpha), above 4 MB: refused, once
expect_exit 2 "kernel fit above --max-memory a rank, 2 ranks" -- mpi 2 "$UA" fit --data s.csv \
    --x-col a,b,c --y-col y --family kernel --lambda 1e-3 --gamma 0.5 --max-memory 4e6
n=$(grep -c "each rank's share of the 1200 x 1200 kernel matrix (2 ranks, a 1 x 2 grid) needs" err.txt)
[ "$n" -eq 1 ] && pass || { fail "the per-rank refusal printed $n times, want once"; cat err.txt >&2; }

# lambda too small for a polynomial kernel of degree 1 on 3 inputs (rank 4 < n): not positive
# definite on every rank alike, exit 2 once with lambda named (pdpotrf's info is global)
expect_exit 2 "kernel fit, singular K + lambda I, 2 ranks" -- mpi 2 "$UA" fit --data s.csv \
    --x-col a,b,c --y-col y --family kernel --kernel polynomial --degree 1 --gamma 1 --lambda 1e-300 \
    --select none
n=$(grep -c 'not positive definite' err.txt)
[ "$n" -eq 1 ] && pass || { fail "'not positive definite' printed $n times, want once"; cat err.txt >&2; }

finish
