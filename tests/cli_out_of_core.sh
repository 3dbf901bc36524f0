#!/bin/sh
# fit --out-of-core (docs/data.md, "Out-of-core data"): a .npy and a CSV table read in blocks; rf
# and mlp fitted, measured on every row and saved; the saved model predicts what the fit
# measured; malformed, truncated and unsupported inputs exit 2 with a message.
. "$(dirname "$0")/lib_cli.sh"

# a table y = sin(2 x0) + x0 x1 on [-1, 1]^2 (awk: no Python needed), as CSV
awk 'BEGIN { print "x0,x1,y"; s = 12345;
  for (i = 0; i < 3000; i++) {
    s = (s * 1103515245 + 12345) % 2147483648; a = 2 * s / 2147483648 - 1;
    s = (s * 1103515245 + 12345) % 2147483648; b = 2 * s / 2147483648 - 1;
    printf "%.17g,%.17g,%.17g\n", a, b, sin(2 * a) + a * b } }' > t.csv

expect_exit 0 "rf out of core on a CSV" -- "$UA" fit --data t.csv --out-of-core --family rf \
    --block-rows 500 --features 200 --json -o rf.safetensors
expect_grep out.txt '"blocks":[[:space:]]*6' "6 blocks of 500 rows"
expect_grep out.txt '"select_by":[[:space:]]*"held-out blocks"' "lambda chosen on held-out blocks"
expect_le "$(json_num out.txt rmse)" 0.01 "rf RMSE over every row"
# the saved model predicts the table's function
printf '0.5 -0.25\n' > pt.txt
expect_exit 0 "eval the saved model" -- "$UA" eval rf.safetensors --input pt.txt
v=$(head -n 1 out.txt)
expect_close "$v" "$(awk 'BEGIN { printf "%.17g", sin(1) - 0.125 }')" 0.02 "rf model at (0.5, -0.25)"

expect_exit 0 "mlp out of core, target by name" -- "$UA" fit --data t.csv --out-of-core \
    --family mlp --block-rows 300 --hidden 32x32 --epochs 30 --y-col y --threads 1 --json
expect_le "$(json_num out.txt rmse)" 0.05 "mlp RMSE over every row"

# mlp at its defaults on a small table (400 rows, under 10 default blocks): read in blocks of a
# tenth of the rows, so --val-frac 0.1 holds out one of 10 blocks; docs/data.md's example as written
head -n 401 t.csv > big.csv
expect_exit 0 "docs/data.md's mlp example on 400 rows" -- "$UA" fit --data big.csv --out-of-core \
    --family mlp --hidden 64x64 --epochs 3 --y-col y
expect_grep out.txt "on 400 rows x 3 columns of big.csv, 10 blocks of 40 rows" "10 blocks of 40"
# a --block-rows given is used as given: one block of 400 leaves nothing to train on
expect_exit 2 "mlp, one block given" -- "$UA" fit --data big.csv --out-of-core --family mlp \
    --block-rows 400 --epochs 1
expect_grep err.txt "leaves no training block; give a smaller block size (--block-rows)" "says why"
# rf keeps one block on the small table and chooses lambda by GCV there
expect_exit 0 "rf at its defaults on 400 rows" -- "$UA" fit --data big.csv --out-of-core \
    --family rf --features 50 --json
expect_grep out.txt '"blocks":[[:space:]]*1,' "rf: one block"
expect_grep out.txt '"select_by":[[:space:]]*"gcv"' "rf: GCV on the one block"

expect_exit 2 "no --family" -- "$UA" fit --data t.csv --out-of-core
expect_grep err.txt "needs --family" "the message asks for a family"
expect_exit 2 "a family without out-of-core training" -- "$UA" fit --data t.csv --out-of-core \
    --family kernel
expect_grep err.txt "does not train out of core (those that do: .*mlp.*rf" "names those that do"
# with that family's own data options: the family is refused first, not --targets as an option
expect_exit 2 "seq out of core, with --targets" -- "$UA" fit --data t.csv --targets t.csv \
    --family seq --out-of-core
expect_grep err.txt "the seq family does not train out of core" "the family named before its options"
expect_exit 2 "--block-rows 0" -- "$UA" fit --data t.csv --out-of-core --family rf --block-rows 0
expect_exit 2 "an option of neither" -- "$UA" fit --data t.csv --out-of-core --family rf --hidden 3
expect_exit 2 "LOO out of core" -- "$UA" fit --data t.csv --out-of-core --family rf --select loo
expect_grep err.txt "leverage" "says why LOO is refused"
expect_exit 2 "--y-col unknown" -- "$UA" fit --data t.csv --out-of-core --family rf --y-col zz
expect_grep err.txt "fit: --y-col 'zz': no such column (the table has 3 columns)" "--y-col unknown: the message"
expect_exit 2 "--y-col of two columns" -- "$UA" fit --data t.csv --out-of-core --family rf --y-col a,y
expect_grep err.txt "out-of-core fitting takes one target column" "one target column out of core"
# the target column is --y-col in both modes (by name or 0-based index); the former out-of-core
# name --target is refused in both with the same message naming --y-col
expect_exit 0 "--y-col by index" -- "$UA" fit --data t.csv --out-of-core --family rf --features 50 \
    --y-col 2 --json
expect_grep out.txt '"target":[[:space:]]*"y"' "--y-col 2 is column y"
for mode in --out-of-core --family=rf; do
    expect_exit 2 "--target ($mode)" -- "$UA" fit --data t.csv $mode --family rf --target y
    expect_grep err.txt "fit: --target: the target column is --y-col COL" "--target ($mode) names --y-col"
done
head -n 20 t.csv > cut.csv
printf '0.1,0.2\n' >> cut.csv
expect_exit 2 "a ragged CSV" -- "$UA" fit --data cut.csv --out-of-core --family rf
expect_grep err.txt "cut.csv: line" "names the line"
cp "$TESTS_DIR/data/blocks_f4.npy" ok.npy
expect_exit 0 "a float32 .npy" -- "$UA" fit --data ok.npy --out-of-core --family rf --features 10 \
    --block-rows 5 --lambda 1e-3
head -c 390 "$TESTS_DIR/data/blocks_f4.npy" > trunc.npy
expect_exit 2 "a truncated .npy" -- "$UA" fit --data trunc.npy --out-of-core --family rf
expect_grep err.txt "truncated" "says truncated"
expect_exit 2 "a text file" -- "$UA" fit --data pt.txt --out-of-core --family rf
expect_exit 0 "--help" -- "$UA" fit --out-of-core --help
expect_grep out.txt "block-rows" "help names --block-rows"
# --block-rows without --out-of-core: fit --help lists it, so say what it needs (not "unknown")
expect_exit 2 "--block-rows without --out-of-core" -- "$UA" fit --data t.csv --block-rows 10 --family rf
expect_grep err.txt "needs --out-of-core" "says --block-rows needs --out-of-core"
# a FIFO is read more than once by the blocks: refused up front (exit 2), nothing read from it
if mkfifo ff.npy 2>/dev/null; then
    expect_exit 2 "a FIFO as out-of-core data" -- "$UA" fit --data ff.npy --out-of-core --block-rows 50 --family rf
    expect_grep err.txt "must be a regular file" "says a regular file is needed"
fi

finish
