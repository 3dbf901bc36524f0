#!/bin/sh
# bench/seq_experiments.sh — the seed's experiments for the seq family, reproduced at a CPU budget.
# Each part writes its table to docs/seq_results/<part>.md; docs/seq.md is then assembled from the
# page's prose (docs/seq.md.in) and every part's table. Outside `make test`; minutes per part on 2
# shared cores (run with nice).
#
#  1. URPE's synthetic tasks (Luo et al. 2022, section 5.1) without absolute positions:
#     even-token prediction and position identification, test accuracy of softmax (no positions),
#     RPE-softmax, URPE and sigmoid attention (with the same RPE bias), the same budget each.
#  2. Even-token prediction again with a longer budget and a smaller vocabulary (RPE vs URPE vs
#     sigmoid), since part 1's budget teaches no variant the task.
#  3. Two continuous sequence-to-sequence functions (sort, cumulative sum): test RMSE against the
#     sequence length for each attention variant.
# usage: bench/seq_experiments.sh [BUILD_DIR] [PART ...]   (parts 1 2 3; default all)
#        UA_EXP_QUICK=1: a smoke run printed, nothing written; UA_BIN: the uniapprox binary
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UA=${UA_BIN:-"$ROOT/$BUILD/uniapprox"}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
Q=${UA_EXP_QUICK:-0}
[ $# -ge 1 ] && shift
PARTS=${*:-"1 2 3"}
RESDIR="$ROOT/docs/seq_results"
[ "$Q" = 1 ] && RESDIR="$OUT"
mkdir -p "$RESDIR"
has() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
num() { sed -n "s/.*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }

# variant name -> fit options
opts_for() {
    case $1 in
    softmax) echo "--attention softmax" ;;
    rpe) echo "--attention rpe --rel offset" ;;
    urpe) echo "--attention urpe --rel offset" ;;
    sigmoid) echo "--attention sigmoid --rel offset" ;;
    abs) echo "--attention softmax --positions learned" ;;
    esac
}

# ---- 1. even-token prediction and position identification --------------------------------------
if has 1; then
RES="$RESDIR/1-urpe-tasks.md"
: >"$RES"
N1=32; V1=1000; TR1=2000; TE1=500; EP1=15
[ "$Q" = 1 ] && { TR1=200; TE1=50; EP1=1; }
{
echo "### Synthetic tasks of the URPE paper (no absolute positions)"
echo
echo "n = $N1 (the paper: 128), vocabulary $V1, $TR1 training and $TE1 test sequences, $EP1 epochs,"
echo "width 64, 4 heads, 2 layers, FFN 256, relu, LayerNorm, bidirectional, Adam lr 1e-3 (cosine),"
echo "batch 16, seed 0, 1 thread. Test accuracy per position (chance: 1/vocabulary for even, 1/n for"
echo "position). sigmoid = sigmoid attention (b = -log n) with the same RPE bias as rpe."
echo
echo "| task | softmax (no RPE) | RPE-softmax | URPE | sigmoid + RPE |"
echo "|---|---|---|---|---|"
} >>"$RES"
for task in even position; do
    "$UA" data $task -o "$OUT/$task" --n $N1 --vocab $V1 --train $TR1 --test $TE1 >/dev/null
    row="| $task |"
    for v in softmax rpe urpe sigmoid; do
        # shellcheck disable=SC2046
        "$UA" fit --family seq --data "$OUT/$task/train_x.npy" --targets "$OUT/$task/train_y.npy" \
            --test-data "$OUT/$task/test_x.npy" --test-targets "$OUT/$task/test_y.npy" \
            $(opts_for $v) --epochs $EP1 --threads 1 --vocab $V1 --json >"$OUT/fit.json"
        acc=$(num "$OUT/fit.json" test_accuracy)
        row="$row $(awk -v a="$acc" 'BEGIN { printf "%.3f", a }') |"
        echo "  $task $v: test accuracy $acc" >&2
    done
    echo "$row" >>"$RES"
done
fi

# ---- 2. even-token prediction, longer budget ---------------------------------------------------
if has 2; then
RES="$RESDIR/2-even-longer.md"
: >"$RES"
N2=32; V2=100; TR2=2000; TE2=500; EP2=40
[ "$Q" = 1 ] && { TR2=100; TE2=20; EP2=1; }
{
echo
echo "### Even-token prediction with a longer budget"
echo
echo "n = $N2, vocabulary $V2, $TR2 training and $TE2 test sequences, $EP2 epochs, lr 3e-3, otherwise as"
echo "above (chance 1/$V2). Control: softmax with learned absolute positions (the task is a"
echo "position-dependent copy, so absolute positions make it easy in principle)."
echo
echo "| task | RPE-softmax | URPE | sigmoid + RPE | control: softmax + learned positions |"
echo "|---|---|---|---|---|"
} >>"$RES"
"$UA" data even -o "$OUT/even2" --n $N2 --vocab $V2 --train $TR2 --test $TE2 >/dev/null
row="| even (V = $V2) |"
for v in rpe urpe sigmoid abs; do
    # shellcheck disable=SC2046
    "$UA" fit --family seq --data "$OUT/even2/train_x.npy" --targets "$OUT/even2/train_y.npy" \
        --test-data "$OUT/even2/test_x.npy" --test-targets "$OUT/even2/test_y.npy" \
        $(opts_for $v) --epochs $EP2 --lr 3e-3 --threads 1 --vocab $V2 --json >"$OUT/fit.json"
    acc=$(num "$OUT/fit.json" test_accuracy)
    row="$row $(awk -v a="$acc" 'BEGIN { printf "%.3f", a }') |"
    echo "  even (V $V2) $v: test accuracy $acc" >&2
done
echo "$row" >>"$RES"
fi

# ---- 3. continuous functions: error against sequence length ------------------------------------
if has 3; then
RES="$RESDIR/3-continuous.md"
: >"$RES"
TR3=1000; TE3=200; EP3=20
[ "$Q" = 1 ] && { TR3=100; TE3=20; EP3=1; }
{
echo
echo "### Continuous sequence-to-sequence functions: test RMSE against the sequence length"
echo
echo "x_i ~ U(-1, 1); sort: y = sorted x; cumsum: y_i = sum_{j<=i} x_j / sqrt(n) (RMS of the"
echo "targets about 0.58 and 0.41). $TR3 training and $TE3 test sequences, $EP3 epochs, width 32, 4 heads, 2 layers, FFN"
echo "128, relu, bidirectional, no absolute positions (softmax without RPE therefore sees a set: it cannot"
echo "know which rank or which prefix a position asks for), Adam lr 3e-3 (cosine), batch 16, 1 thread."
echo
echo "| task | n | softmax (no RPE) | RPE-softmax | URPE | sigmoid + RPE |"
echo "|---|---|---|---|---|---|"
} >>"$RES"
for task in sortreal cumsum; do
    for n in 8 16 32; do
        "$UA" data $task -o "$OUT/$task$n" --n $n --train $TR3 --test $TE3 >/dev/null
        row="| $task | $n |"
        for v in softmax rpe urpe sigmoid; do
            # shellcheck disable=SC2046
            "$UA" fit --family seq --data "$OUT/$task$n/train_x.npy" --targets "$OUT/$task$n/train_y.npy" \
                --test-data "$OUT/$task$n/test_x.npy" --test-targets "$OUT/$task$n/test_y.npy" \
                $(opts_for $v) --width 32 --epochs $EP3 --lr 3e-3 --threads 1 --json >"$OUT/fit.json"
            e=$(num "$OUT/fit.json" test_rmse)
            row="$row $(awk -v a="$e" 'BEGIN { printf "%.4f", a }') |"
            echo "  $task n=$n $v: test RMSE $e" >&2
        done
        echo "$row" >>"$RES"
    done
done

fi

if [ "$Q" = 1 ]; then cat "$RESDIR"/*.md; exit 0; fi
{
    cat "$ROOT/docs/seq.md.in"
    echo
    echo "## Results (bench/seq_experiments.sh; each table from its part's last run)"
    echo
    cat "$RESDIR"/*.md
} >"$ROOT/docs/seq.md"
echo "wrote docs/seq.md" >&2
