#!/bin/sh
# uniapprox kernel ridge and random features against scikit-learn, in one run: fit + predict time
# and peak memory (max RSS, and its growth during the fit) at n = 2000 and 8000, d = 8, the same
# rbf kernel (gamma 0.1) and lambda (1e-3), raw columns; test RMSE of both on 2000 points; the
# machine's measured dgemm and sgemm rates and the fractions of them the double Cholesky
# factorisation (scikit-learn's) and the float32 one (the first step of uniapprox's solve) reach.
# usage: bench/kernel_vs_sklearn.sh [BUILD_DIR]   (UA_BENCH_ROUNDS: repetitions, default 5)
# uniapprox's side lets the library stop OpenBLAS's pthreads pool around the fits, as the
# command-line tool does (ua_set_blas_pool_stop); UA_BENCH_KEEP_POOL=1 leaves the pool spinning,
# the library's default for callers that do not allow it.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# what libuniapprox.a links against in this build (MPI and ScaLAPACK when it was built with them):
# the build's uniapprox.pc, less its own -L and -luniapprox
ua_libs() { PKG_CONFIG_PATH="$ROOT/$BUILD" pkg-config --static --libs uniapprox | sed 's/^-L[^ ]* -luniapprox//'; }
CC=${CC:-cc}
PY=/usr/bin/python3
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# shellcheck disable=SC2046
$CC -std=c11 -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" -o "$OUT/kb" "$ROOT/bench/kernel_bench.c" \
    "$ROOT/$BUILD/libuniapprox.a" $(ua_libs)
$PY "$ROOT/bench/kernel_sklearn.py" data "$OUT"
G=0.1 L=1e-3 F=1000
ROUNDS=${UA_BENCH_ROUNDS:-5}
rmse() { $PY -c "import numpy as np,sys; p=np.loadtxt(sys.argv[1]); y=np.load(sys.argv[2]); print('%.4g' % np.sqrt(np.mean((p-y)**2)))" "$1" "$OUT/yte.npy"; }
maxrel() { $PY -c "import numpy as np,sys; a=np.loadtxt(sys.argv[1]); b=np.loadtxt(sys.argv[2]); print('%.1e' % (np.abs(a-b).max()/np.abs(b).max()))" "$1" "$2"; }
printf '%-5s %5s | %9s %9s %8s %11s | %6s %6s %7s | %6s %6s %7s | %8s %8s %s\n' what n "ua fit+pr" "sk fit+pr" speedup \
    "rounds" "ua MB" "sk MB" "mem" "ua +MB" "sk +MB" "+ratio" "ua rmse" "sk rmse" "max|diff|/max"
# Timings on a shared machine vary by 2-3x from run to run, so each case runs ROUNDS times,
# uniapprox and scikit-learn alternating; the table gives the median fit + predict time of each
# side (peak RSS and predictions from the last round) and the range of the per-round ratios.
med() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for mode in krr rf; do
    for n in 2000 8000; do
        : >"$OUT/u.list"; : >"$OUT/s.list"; : >"$OUT/r.list"
        r=0
        while [ "$r" -lt "$ROUNDS" ]; do
            r=$((r + 1))
            # shellcheck disable=SC2086
            set -- $("$OUT/kb" $mode "$OUT" $n $G $L $F)
            ut=$(awk -v a="$1" -v b="$2" 'BEGIN { print a + b }') ub=$3 um=$4
            # shellcheck disable=SC2086
            set -- $($PY "$ROOT/bench/kernel_sklearn.py" $mode "$OUT" $n $G $L $F)
            st=$(awk -v a="$1" -v b="$2" 'BEGIN { print a + b }') sb=$3 sm=$4
            echo "$ut" >>"$OUT/u.list"; echo "$st" >>"$OUT/s.list"
            awk -v a="$ut" -v b="$st" 'BEGIN { print b / a }' >>"$OUT/r.list"
        done
        awk -v m=$mode -v n=$n -v ut="$(med <"$OUT/u.list")" -v st="$(med <"$OUT/s.list")" \
            -v lo="$(sort -g "$OUT/r.list" | head -1)" -v hi="$(sort -g "$OUT/r.list" | tail -1)" -v ub="$ub" -v um="$um" \
            -v sb="$sb" -v sm="$sm" -v ur="$(rmse "$OUT/pred_ua_$mode$n.txt")" -v sr="$(rmse "$OUT/pred_sk_$mode$n.txt")" \
            -v df="$(maxrel "$OUT/pred_ua_$mode$n.txt" "$OUT/pred_sk_$mode$n.txt")" \
            'BEGIN { printf "%-5s %5d | %9.3f %9.3f %7.2fx %5.2f-%-5.2f | %6.0f %6.0f %6.2fx | %6.0f %6.0f %6.2fx | %8s %8s %s\n",
                m, n, ut, st, st / ut, lo, hi, um, sm, um / sm, um - ub, sm - sb, (um - ub) / (sm - sb), ur, sr, df }'
    done
done
echo "speedup = median scikit-learn time / median uniapprox time over $ROUNDS alternating rounds (rounds: the"
echo "range of the per-round ratios); mem = uniapprox peak RSS / scikit-learn peak RSS;"
echo "+MB = growth of the peak RSS during fit + predict (the interpreter and data excluded)."
echo "rf: random Fourier features ($F), different random draws in each library, so only the RMSEs compare."
GF=$("$OUT/kb" gemm "$OUT" 4000 0 0)
SGF=$("$OUT/kb" sgemm "$OUT" 4000 0 0)
for n in 2000 8000; do
    # shellcheck disable=SC2046
    set -- $("$OUT/kb" chol "$OUT" $n $G $L)
    echo "dpotrf n = $n: $1 s, $2 GFLOP/s = $(awk -v a="$2" -v b="$GF" 'BEGIN { printf "%.0f%%", 100 * a / b }') of the measured dgemm peak ($GF GFLOP/s, n = 4000)"
    # shellcheck disable=SC2046
    set -- $("$OUT/kb" schol "$OUT" $n $G $L)
    echo "spotrf n = $n: $1 s, $2 GFLOP/s = $(awk -v a="$2" -v b="$SGF" 'BEGIN { printf "%.0f%%", 100 * a / b }') of the measured sgemm peak ($SGF GFLOP/s, n = 4000)"
done
