#!/bin/sh
# The seq family from the command line: `uniapprox data` writes a task, `fit --family seq` trains
# on it (progress log, test accuracy), `eval --input X.npy` prints and `--output` writes
# predictions, `info` describes the model, and bad sequence data exits 2 with the file named.
. "$(dirname "$0")/lib_cli.sh"

expect_exit 0 "data reverse" -- "$UA" data reverse -o rev --n 8 --vocab 8 --train 400 --test 50 --seed 3
for f in train_x train_y test_x test_y; do [ -s "rev/$f.npy" ] && pass || fail "data writes rev/$f.npy"; done
expect_exit 2 "data: unknown task" -- "$UA" data nosuch -o x
expect_grep err.txt "available: copy, cumsum, even" "data: the tasks are listed"
expect_exit 2 "data: no -o" -- "$UA" data copy

expect_exit 0 "fit seq" -- "$UA" fit --family seq --data rev/train_x.npy --targets rev/train_y.npy \
    --test-data rev/test_x.npy --test-targets rev/test_y.npy --width 32 --heads 2 --layers 1 \
    --positions sinusoidal --epochs 30 --lr 3e-3 --threads 1 -o m.safetensors --log curve.jsonl --json
expect_grep out.txt '"family":[[:space:]]*"seq"' "fit reports the family"
expect_grep out.txt '"attention":[[:space:]]*"softmax"' "fit reports the attention"
acc=$(json_num out.txt test_accuracy)
awk -v a="$acc" 'BEGIN { exit !(a > 0.9) }' && pass || fail "reverse: test accuracy $acc <= 0.9"
[ "$(wc -l <curve.jsonl)" -eq 30 ] && pass || fail "--log writes one line per epoch"
# check on other sequences: the accuracy measured on them, in text and JSON, and not the test
# accuracy the fit stored (the file has it; this check was given no test set)
expect_exit 0 "check a seq classifier" -- "$UA" check m.safetensors --data rev/test_x.npy --targets rev/test_y.npy
expect_grep out.txt "accuracy on rev/test_x.npy  $acc" "check prints the accuracy on --data (the fit's test accuracy, the same rows)"
expect_exit 0 "check a seq classifier --json" -- "$UA" check m.safetensors --data rev/test_x.npy --targets rev/test_y.npy --json
[ "$(json_num out.txt accuracy)" = "$acc" ] && pass || fail "check --json: accuracy $(json_num out.txt accuracy), the fit's test accuracy $acc"
grep -q '"test_accuracy"' out.txt && fail "check --json reports the fit's stored test accuracy" || pass
grep -q '"train_accuracy"' out.txt && fail "check --json names the file's accuracy train_accuracy" || pass
expect_exit 2 "check a seq model without --targets" -- "$UA" check m.safetensors --data rev/test_x.npy
expect_grep err.txt "m.safetensors is a sequence model: give --data X.npy and --targets Y.npy" \
    "check: a sequence model needs --targets (was: dtype '<i4' is not supported)"
expect_grep curve.jsonl '"epoch": 1, "train_loss"' "--log lines are JSON"

expect_exit 0 "eval --input" -- "$UA" eval m.safetensors --input rev/test_x.npy
[ "$(wc -l <out.txt)" -eq 50 ] && pass || fail "eval: one line per sequence"
[ "$(head -n 1 out.txt | wc -w)" -eq 8 ] && pass || fail "eval: n predictions per line"
# --json: one object a sequence, its classes those of the text output (was ignored: text, rc 0)
head -n 1 out.txt >first.txt
expect_exit 0 "eval --json" -- "$UA" eval m.safetensors --input rev/test_x.npy --json
[ "$(grep -o '"sequence": ' out.txt | wc -l)" -eq 50 ] && pass || fail "eval --json: 50 sequences"
sed 's/^\[{"sequence": 0, "y": \[\([^]]*\)\].*/\1/' out.txt | tr -d ',' >first_json.txt
cmp -s first.txt first_json.txt && pass || fail "eval --json: the first sequence's classes differ from the text's"
expect_exit 2 "eval --json with --output" -- "$UA" eval m.safetensors --input rev/test_x.npy --json --output p.npy
expect_exit 2 "eval --std on a sequence model" -- "$UA" eval m.safetensors --input rev/test_x.npy --std
expect_grep err.txt "a sequence model takes --input X.npy alone (predictions printed), with --output Y.npy (written as .npy) or with --json; not --std" \
    "eval: options a sequence model does not take are refused"
# distill, compress, influence: the model's kind first, before its data are read as rows
for c in "distill m.safetensors -o d.safetensors --family mlp --data rev/train_x.npy" \
         "compress m.safetensors -o c.safetensors --method quant4 --data rev/train_x.npy" \
         "influence m.safetensors --data rev/train_x.npy --at 1"; do
    # shellcheck disable=SC2086
    expect_exit 2 "${c%% *} on a sequence model" -- "$UA" $c
    expect_grep err.txt "m.safetensors is a seq model of sequences; ${c%% *} works on models of points" \
        "${c%% *}: the model's kind named first"
done
# explain: the family's kind first, not --at's count of numbers against the model's width
expect_exit 2 "explain on a sequence model" -- "$UA" explain m.safetensors --at 1
expect_grep err.txt "a seq model takes sequences, not points" "explain on a sequence model: the reason"
expect_exit 0 "eval --output" -- "$UA" eval m.safetensors --input rev/test_x.npy --output p.npy
[ -s p.npy ] && pass || fail "eval --output writes the .npy"
# a new .npy gets the 0644 of the other outputs (it was mkstemp's 0600)
expect_exit 0 "eval --output, a new file" -- "$UA" eval m.safetensors --input rev/test_x.npy --output p644.npy
[ "$(ls -l p644.npy | cut -c1-10)" = "-rw-r--r--" ] && pass || fail "eval --output: mode $(ls -l p644.npy | cut -c1-10), want -rw-r--r--"
expect_exit 2 "eval --output without --input" -- "$UA" eval m.safetensors --output p.npy
expect_grep err.txt "eval: --output needs a sequence model and --input" "eval --output without --input: the message"
# the usage error comes before the output's writability (an --output refused anyway): exit 2,
# not 3, for an unwritable --output without --input or on a non-sequence model
expect_exit 2 "eval --output into a missing folder without --input" -- "$UA" eval m.safetensors \
    --output no/such/dir/p.npy
expect_grep err.txt "eval: --output needs a sequence model and --input" "the usage error, not the output's"
expect_exit 0 "a non-sequence model" -- "$UA" fit 'sin(x)' --domain 0:1 -o sin.st
expect_exit 2 "eval --output into a missing folder, non-sequence model" -- "$UA" eval sin.st 0.5 \
    --output no/such/dir/o.txt
expect_grep err.txt "eval: --output needs a sequence model and --input" "non-sequence: the usage error"
# --targets is for sequences: a family that fits none (scikit-learn's X.npy + y.npy layout given
# to kernel) is told so before either file is read, with what the family takes
for fam in kernel mlp rf; do
    expect_exit 2 "--targets with --family $fam" -- "$UA" fit --data rev/train_x.npy \
        --targets rev/train_y.npy --family $fam -o k.st
    expect_grep err.txt "fit: --targets Y.npy is for a family that fits sequences" "$fam: --targets is for sequences"
    expect_grep err.txt "the $fam family takes any dimension: formulas, functions, samples, and samples are one table: --data FILE with the target its last column or --y-col" \
        "$fam: what it takes instead"
done
expect_exit 2 "--targets with --family minimax, files missing" -- "$UA" fit --data no.npy \
    --targets no_y.npy --family minimax
expect_grep err.txt "the minimax family takes 1-D: formulas$" "minimax: what it takes (no file read)"
expect_exit 0 "info" -- "$UA" info m.safetensors --json
expect_grep out.txt '"sequence_length":[[:space:]]*8' "info: the sequence length"

# real-valued task with sigmoid attention and the fused kernel
expect_exit 0 "data cumsum" -- "$UA" data cumsum -o cs --n 16 --train 200 --test 20
expect_exit 0 "fit sigmoid fused" -- "$UA" fit --family seq --data cs/train_x.npy --targets cs/train_y.npy \
    --attention sigmoid --kernel fused --causal --width 16 --heads 2 --layers 1 --epochs 2 --threads 1 --json \
    -o cs.safetensors
expect_grep out.txt '"task":[[:space:]]*"regress"' "cumsum is a regression"
# a real-valued model given 2-D (N, n) and a token model given (N, n, d): both named, the fix said
expect_exit 2 "eval: (N, n) to a real-valued model" -- "$UA" eval cs.safetensors --input rev/test_x.npy
expect_grep err.txt "the model takes real sequences (N, n, d) with d = 1, got a 2-D array (N, n): add a last axis of length 1" \
    "eval: (N, n) to a real-valued model, the message"
expect_exit 2 "eval: (N, n, d) to a token model" -- "$UA" eval m.safetensors --input cs/test_x.npy
expect_grep err.txt "the model takes token sequences (N, n), got real sequences (N, n, d) with d = 1" \
    "eval: (N, n, d) to a token model, the message"

# the exported C equals `eval` within float rounding: a driver reads the float32 / int32 .npy
# (header skipped) and prints one sequence per line, as eval does
cat >drv.c <<'EOF2'
#include <stdio.h>
#include <stdlib.h>
#ifdef USE_FLOAT
typedef float T;
#else
typedef double T;
#endif
void seq_fn(const T *x, T *y);
int main(int argc, char **argv)
{
    FILE *f = fopen(argv[1], "rb");
    unsigned char pre[10];
    if (!f || fread(pre, 1, 10, f) != 10) return 1;
    fseek(f, 10 + (pre[8] | pre[9] << 8), SEEK_SET);
    int n = atoi(argv[2]), ints = argc > 3, k = 0;
    T x[1024], y[1024];
    unsigned char b[4];
    while (fread(b, 1, 4, f) == 4) {
        float v; int iv;
        if (ints) { iv = b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24; x[k++] = (T)iv; }
        else { v = 0; { union { unsigned char c[4]; float f; } u; for (int i = 0; i < 4; i++) u.c[i] = b[i]; v = u.f; } x[k++] = v; }
        if (k == n) {
            seq_fn(x, y);
            for (int i = 0; i < n; i++) printf("%.9g%c", (double)y[i], i + 1 < n ? ' ' : '\n');
            k = 0;
        }
    }
    return 0;
}
EOF2
check_export() { # MODEL INPUT N TYPE TOL DESCRIPTION [ints]
    "$UA" export "$1" --type "$4" --name seq_fn -o fn.c 2>err.txt || { fail "$6: export"; return; }
    flags=""; [ "$4" = float ] && flags=-DUSE_FLOAT
    if $CC -std=c99 -O2 -Wall -Wextra -Werror $flags -o drv drv.c fn.c -lm 2>cc.txt; then pass; else
        fail "$6: exported code compiles cleanly"; cat cc.txt >&2; return; fi
    ./drv "$2" "$3" $7 >exp.txt || { fail "$6: the exported function failed"; return; }
    "$UA" eval "$1" --input "$2" >lib.txt
    worst=$(paste -d' ' exp.txt lib.txt | awk -v n="$3" '{ for (i = 1; i <= n; i++) { d = $i - $(i + n);
        if (d < 0) d = -d; if (d > w) w = d } } END { printf "%.3g", w + 0 }')
    expect_le "$worst" "$5" "$6: max |exported - eval|"
}
# --name: one check for every family's export (src/emit/names.c). The seq file includes
# <stdlib.h> and <string.h>, so their names would not compile; the same names are refused for a
# cheb model too, with keywords, reserved identifiers and <math.h>'s names
for n in memcpy size_t malloc free strlen; do
    expect_exit 2 "seq export --name $n" -- "$UA" export m.safetensors --name "$n" -o bad.c
    expect_grep err.txt "'$n' would clash with <st" "seq export --name $n: the header named"
    [ ! -e bad.c ] && pass || fail "seq export --name $n: no file written"
done
for n in malloc memcpy strength bool _foo __x int M_PI linux sinf exp main; do
    expect_exit 2 "cheb export --name $n" -- "$UA" export sin.st --name "$n" -o bad.c
    expect_grep err.txt "'$n' .*; choose another --name" "cheb export --name $n: the reason"
    [ ! -e bad.c ] && pass || fail "cheb export --name $n: no file written"
done
expect_exit 0 "cheb export --name my_sin" -- "$UA" export sin.st --name my_sin -o my_sin.c
if $CC -O2 -Wall -Wextra -Werror -c my_sin.c -o my_sin.o 2>cc.txt; then pass; else
    fail "an accepted name compiles (GCC's default mode)"; cat cc.txt >&2; fi

expect_exit 0 "fit urpe/t5/rmsnorm/layerscale/gelu" -- "$UA" fit --family seq --data cs/train_x.npy \
    --targets cs/train_y.npy --attention urpe --rel t5 --layerscale --norm rmsnorm \
    --positions sinusoidal --activation gelu --width 16 --heads 2 --epochs 2 --threads 1 -o cs.safetensors
check_export cs.safetensors cs/test_x.npy 16 double 2e-6 "urpe regression, double export"
check_export cs.safetensors cs/test_x.npy 16 float 2e-5 "urpe regression, float export"
check_export m.safetensors rev/test_x.npy 8 double 0 "reverse classifier (classes), double export" ints
expect_exit 0 "fit sigmoid qk-norm causal learned" -- "$UA" fit --family seq --data cs/train_x.npy \
    --targets cs/train_y.npy --attention sigmoid --qk-norm --causal --positions learned --rel offset \
    --width 16 --heads 2 --epochs 2 --threads 1 -o sq.safetensors
check_export sq.safetensors cs/test_x.npy 16 double 2e-6 "sigmoid + qk-norm, double export"

# bad data: exit 2, the file named
expect_exit 2 "ragged targets" -- "$UA" fit --family seq --data rev/train_x.npy --targets cs/train_y.npy
expect_grep err.txt "train_y.npy" "ragged targets: the file is named"
expect_exit 2 "wrong rank" -- "$UA" fit --family seq --data cs/train_y.npy --targets rev/train_y.npy
expect_exit 2 "token out of the vocabulary" -- "$UA" fit --family seq --data rev/train_x.npy \
    --targets rev/train_y.npy --vocab 4 --epochs 1
expect_grep err.txt "outside the vocabulary 0..3" "out-of-vocabulary token named"
expect_exit 2 "eval: out-of-vocabulary input" -- "$UA" eval m.safetensors --input cs/train_x.npy
expect_exit 2 "no --targets" -- "$UA" fit --family seq --data rev/train_x.npy
expect_exit 2 "bad attention" -- "$UA" fit --family seq --data rev/train_x.npy --targets rev/train_y.npy --attention flash
expect_grep err.txt "softmax sigmoid rpe urpe" "bad attention: the names listed"

# a token of 2^31 - 1 makes the inferred vocabulary 2^31: the message names the quantity, the
# token, where it is, and the limit (was "n, vocab, din or nout too large"). The .npy files are
# written by hand: version 1.0, a 118-byte header, int32 little-endian (2, 3).
npy_i4() { # file v1 .. v6
    f=$1; shift
    { printf '\223NUMPY\001\000\166\000'
      printf "%-117s\n" "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }"
      for v in "$@"; do
          printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)))"
      done; } >"$f"
}
# a vocabulary beyond 65536 is learnt from enough positions (5000 x 16 = 80,000: token 70,000 is
# allowed), and the model is then checked on a file of 16 sequences holding that token: check
# measures an existing model, so the file's ids are not bounded by its own positions (was
# refused: "far beyond what the data needs")
poke_i4() { # FILE INDEX VALUE: set element INDEX of a little-endian int32 .npy (version 1 header)
    hl=$(od -An -tu2 -j8 -N2 "$1" | tr -d ' ')
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($3 & 255)) $(($3 >> 8 & 255)) $(($3 >> 16 & 255)) $(($3 >> 24 & 255)))" |
        dd of="$1" bs=1 seek=$((10 + hl + 4 * $2)) conv=notrunc 2>/dev/null
}
expect_exit 0 "data copy, 5000 x 16" -- "$UA" data copy -o wide --n 16 --vocab 20 --train 5000 --test 16 --seed 5
poke_i4 wide/train_x.npy 7 70000
poke_i4 wide/test_x.npy 20 70000
expect_exit 0 "fit: token 70,000 among 80,000 positions" -- "$UA" fit --family seq --data wide/train_x.npy \
    --targets wide/train_y.npy --epochs 1 --width 8 --heads 1 --layers 1 --threads 1 -o wide.safetensors
expect_exit 0 "check on 16 sequences with token 70,000" -- "$UA" check wide.safetensors \
    --data wide/test_x.npy --targets wide/test_y.npy
expect_grep out.txt "accuracy on wide/test_x.npy" "check measures the file with the large token"
poke_i4 wide/test_x.npy 20 70001
expect_exit 2 "check: a token beyond the model's vocabulary" -- "$UA" check wide.safetensors \
    --data wide/test_x.npy --targets wide/test_y.npy
expect_grep err.txt "sequence 1, position 4: token 70001 is outside the vocabulary 0..70000" \
    "check names the sequence, position and token beyond the vocabulary"
expect_exit 2 "sequences with --format csv" -- "$UA" fit --family seq --data rev/train_x.npy \
    --targets rev/train_y.npy --format csv --epochs 1
expect_grep err.txt "format csv: sequences (--targets) are read from .npy files only" "--format csv refused for sequences"
npy_i4 big_x.npy 0 1 2 3 2147483647 1
# eval on arrays of the wrong rank or of a zero extent: exit 2, the rank or the empty extent
# named (the rank was read after the array was freed: a garbage count)
npy_shape() { # file shape: an int32 array of that shape, no values (every shape here is empty or 1-D of 1)
    { printf '\223NUMPY\001\000\166\000'
      printf "%-117s\n" "{'descr': '<i4', 'fortran_order': False, 'shape': $2, }"
      [ "$2" = "(1,)" ] && printf '\001\000\000\000'; } >"$1"
}
npy_shape rank1.npy "(1,)"
npy_shape len0.npy "(2, 0)"
npy_shape none.npy "(0, 3)"
expect_exit 2 "eval: a 1-D array" -- "$UA" eval m.safetensors --input rank1.npy
expect_grep err.txt "rank1.npy: a sequence model takes (N, n) tokens or (N, n, d) reals; this array has 1 dimension$" \
    "eval: a 1-D array, its rank named"
expect_exit 2 "eval: sequences of length 0" -- "$UA" eval m.safetensors --input len0.npy
expect_grep err.txt "len0.npy: sequences of length 0; nothing to predict" "eval: length 0 named"
expect_exit 2 "eval: no sequences" -- "$UA" eval m.safetensors --input none.npy
expect_grep err.txt "none.npy: no sequences (N = 0); nothing to predict" "eval: N = 0 named"
npy_i4 big_y.npy 0 1 0 1 0 1
expect_exit 2 "token 2^31 - 1" -- "$UA" fit --family seq --data big_x.npy --targets big_y.npy --epochs 1
expect_grep err.txt "big_x.npy: sequence 1, position 1: token 2147483647 is far beyond what the data needs" \
    "token 2^31 - 1: the file, value and place"
expect_grep err.txt "tokens must be below max(65536, the number of positions) = 65536" \
    "token 2^31 - 1: the limit"

finish
