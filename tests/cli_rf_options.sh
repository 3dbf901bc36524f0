#!/bin/sh
# rf options that the others given make meaningless are usage errors (exit 2) naming why, never
# silently ignored: --act with --dist fourier, --gamma with --dist gaussian|uniform (or the
# default gaussian), --lambda (--alpha) with --select. Each alone, or with the options it belongs
# to, still fits.
. "$(dirname "$0")/lib_cli.sh"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

awk 'BEGIN { print "a,b,y"; for (i = 0; i < 8; i++) for (j = 0; j < 8; j++) {
    a = -2 + 4 * i / 7; b = -2 + 4 * j / 7; printf "%.17g,%.17g,%.17g\n", a, b, sin(a) * cos(b) } }' >s.csv
rf_fit() { want=$1; what=$2; shift 2; expect_exit "$want" "$what" -- "$UA" fit --data s.csv --family rf --features 20 "$@"; }

for a in relu tanh sigmoid; do
    rf_fit 2 "--act $a with --dist fourier" --dist fourier --act "$a"
    expect_grep err.txt "act $a is not used with --dist fourier (random Fourier features are cos features)" \
        "--act $a --dist fourier says why"
done
rf_fit 0 "--act cos with --dist fourier" --dist fourier --act cos
rf_fit 0 "--act tanh with --dist gaussian" --dist gaussian --act tanh
rf_fit 0 "--act tanh alone" --act tanh

for d in gaussian uniform; do
    rf_fit 2 "--gamma with --dist $d" --dist "$d" --gamma 0.5
    expect_grep err.txt "gamma is not used with --dist $d" "--gamma --dist $d says why"
    expect_grep err.txt "fourier" "--gamma --dist $d points to fourier"
done
rf_fit 0 "--gamma with --dist fourier" --dist fourier --gamma 0.5
# with the default --dist (gaussian) too: it was ignored without a word (a new user's report)
rf_fit 2 "--gamma with the default --dist" --gamma 0.5
expect_grep err.txt "gamma is not used with --dist gaussian, the default" "--gamma alone says why"
expect_grep err.txt "add --dist fourier" "--gamma alone points to fourier"

for sel in loo gcv; do
    rf_fit 2 "--lambda with --select $sel" --lambda 0.01 --select "$sel"
    expect_grep err.txt "lambda is not used with --select $sel" "--lambda --select $sel says why"
    expect_grep err.txt "a fixed lambda is not selected" "--lambda --select $sel: the reason"
    rf_fit 2 "--alpha with --select $sel" --alpha 0.01 --select "$sel"
    expect_grep err.txt "alpha is not used with --select $sel" "--alpha --select $sel says why"
    rf_fit 0 "--select $sel alone" --select "$sel"
done
rf_fit 0 "--lambda alone" --lambda 0.01

# the help says so too
expect_exit 0 "rf help" -- "$UA" fit --family rf --help
expect_grep out.txt "not with --lambda" "rf help: --select is not for a fixed lambda"
expect_grep out.txt "max-memory" "rf help lists --max-memory"

# a fit too large for memory is a usage error (exit 2) before anything is allocated, naming the
# sizes and what to reduce (the user's report: 80 TB of features asked for, exit 1); --max-memory
# 1e12 keeps the outcome the same on any machine
expect_exit 2 "10^7 samples x 10^6 features" -- "$UA" fit 'sin(x)' --family rf --samples 10000000 \
    --features 1000000 --max-memory 1e12
expect_grep err.txt "10000000 training rows x 1000000 features need about" "the refusal names the sizes"
expect_grep err.txt "reduce --features or --samples" "the refusal says what to reduce"
rf_fit 2 "--max-memory below the table's need" --max-memory 1000
expect_grep err.txt "64 training rows x 20 features" "--max-memory applies to tables"
# --out-of-core is advised only where its three m x m matrices fit (here 9,600 bytes): not at
# 1000 bytes, but at 12,000, where the rows' features (and the grid's copies) are what is too large
expect_grep err.txt "reduce --features (--out-of-core would not help" "no out-of-core advice where the m x m matrices do not fit"
rf_fit 2 "--max-memory below the features' need" --max-memory 12000
expect_grep err.txt "or fit with --out-of-core (which holds one block of rows in memory)" "out-of-core advised where it fits"
rf_fit 0 "--max-memory 1e9" --max-memory 1e9

# --threads 0 is the OpenMP default (OMP_NUM_THREADS, 1 here), as for libm and check --exhaustive;
# the option is fit's own, so every family takes it, mlp and seq through their tables too
rf_fit 0 "--threads 0" --threads 0 -o t0.st
rf_fit 0 "--threads 1" --threads 1 -o t1.st
printf '0.3 -0.7\n1.1 0.4\n' >pts.txt
"$UA" eval t0.st --input pts.txt >t0.txt 2>&1 && "$UA" eval t1.st --input pts.txt >t1.txt 2>&1 &&
    cmp -s t0.txt t1.txt && pass || fail "--threads 0 under OMP_NUM_THREADS=1 is --threads 1"
expect_exit 0 "mlp --threads 0" -- "$UA" fit --data s.csv --family mlp --epochs 2 --threads 0
rf_fit 2 "--threads -1" --threads -1
expect_grep err.txt "\[0, 1024\]" "--threads -1: the range"
expect_exit 0 "fit --help" -- "$UA" fit --help
expect_grep out.txt "0: the" "fit --help: --threads 0 is documented"
finish
