#!/bin/sh
# Writes tests/ref/float32_kernels_sollya.txt: single-precision polynomial coefficients from
# Sollya's fpminimax (relative error, every coefficient a float) for the float32 kernel cores of
# docs/float32-kernels.md:
#     exp2  2^x on [0, 1]               degrees 3..8
#     exp   e^x on [-ln2/2, ln2/2]      degrees 3..8
# One line per kernel: "name degree c0 c1 ... cd" with the coefficients as C99 hex floats (exact).
# tests/cli_exp2_kernel.sh and bench/exp2f_vs_sleef.sh read the file, so `make test` does not need
# Sollya. Needs the Debian package `sollya` (8.0).
# usage: sh tests/gen/float32_kernels_sollya.sh > tests/ref/float32_kernels_sollya.txt
set -eu
command -v sollya >/dev/null || { echo "float32_kernels_sollya.sh: needs sollya (apt-get install sollya)" >&2; exit 1; }

echo "# name degree c0 c1 ... (Sollya fpminimax, single coefficients, relative error; tests/gen/float32_kernels_sollya.sh)"
for spec in 'exp2|2^x|[0;1]' 'exp|exp(x)|[round(-log(2)/2, SG, RU); round(log(2)/2, SG, RD)]'; do
    name=${spec%%|*}
    rest=${spec#*|}
    f=${rest%%|*}
    I=${rest#*|}
    for d in 3 4 5 6 7 8; do
        sollya 2>/dev/null <<SOLLYA | tr -d '\n' | sed 's/  */ /g; s/ $//'
verbosity = 0!;
prec = 200!;
display = hexadecimal!;
p = fpminimax($f, $d, [|single...|], $I, floating, relative);
write("$name $d");
for i from 0 to $d do write(" ", coeff(p, i));
SOLLYA
        echo
    done
done
