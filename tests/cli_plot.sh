#!/bin/sh
# uniapprox plot: PNG and SVG files (signatures, sizes, content), every error kind, log axes for a
# log-mapped model, usage errors.
. "$(dirname "$0")/lib_cli.sh"
# under ASan: ignore what PLplot's cairo driver leaks inside fontconfig and libltdl
LSAN_OPTIONS="suppressions=$TESTS_DIR/plplot.lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

expect_exit 0 "fit abs(x-0.3)" -- "$UA" fit 'abs(x-0.3)' --split -o abs.safetensors
expect_exit 0 "fit nfw-sigma --map log" -- "$UA" fit nfw-sigma --domain 1e-4:1e4 --map log -o nfw.safetensors

# size_of FILE: bytes
size_of() { wc -c <"$1" | tr -d ' '; }

expect_exit 0 "plot PNG" -- "$UA" plot abs.safetensors -o abs.png
# PNG signature: 89 50 4E 47 0D 0A 1A 0A, then the IHDR chunk with width and height 1000 x 800
sig=$(od -An -tx1 -N8 abs.png | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a ] && pass || fail "PNG signature: $sig"
ihdr=$(od -An -tx1 -j12 -N12 abs.png | tr -d ' \n')
[ "$ihdr" = 49484452000003e800000320 ] && pass || fail "PNG IHDR 1000 x 800: $ihdr"
expect_le 20000 "$(size_of abs.png)" "PNG is not empty (bytes)"
expect_grep err.txt "wrote abs.png" "plot reports the file"

expect_exit 0 "plot SVG, relative error" -- "$UA" plot abs.safetensors -o abs.svg --error rel --points 500
head -c 200 abs.svg | grep -q '<svg' || head -c 200 abs.svg | grep -q '<?xml' && pass || fail "SVG header"
expect_grep abs.svg '</svg>' "SVG is complete"
expect_le 10000 "$(size_of abs.svg)" "SVG is not empty (bytes)"
# the axis labels are drawn (cairo renders text as glyph outlines; count the glyph uses)
[ "$(grep -c '<use' abs.svg)" -gt 50 ] && pass || fail "SVG holds the labels' glyphs"

expect_exit 0 "plot ULP error, log x" -- "$UA" plot nfw.safetensors -o nfw.png --error ulp
expect_le 20000 "$(size_of nfw.png)" "log-mapped PNG is not empty (bytes)"
expect_exit 0 "plot --against" -- "$UA" plot abs.safetensors -o against.png --against 'abs(x-0.3)+1e-9'
expect_grep err.txt "max abs 1.0" "error against a shifted target is about 1e-9"

# usage errors: exit 2 and no file
expect_exit 2 "bad extension" -- "$UA" plot abs.safetensors -o abs.pdf
[ ! -e abs.pdf ] && pass || fail "no file for a bad extension"
expect_exit 2 "no extension" -- "$UA" plot abs.safetensors -o plot
expect_exit 2 "no -o" -- "$UA" plot abs.safetensors
expect_exit 2 "bad --error" -- "$UA" plot abs.safetensors -o x.png --error max
expect_exit 2 "bad --points" -- "$UA" plot abs.safetensors -o x.png --points 3
expect_exit 2 "no model" -- "$UA" plot -o x.png
expect_exit 2 "bad --against" -- "$UA" plot abs.safetensors -o x.png --against 'sin('
expect_exit 2 "missing model file" -- "$UA" plot missing.safetensors -o x.png
# a model whose recorded target does not parse: the file and its recorded target are named
expect_exit 0 "fit exp(x)" -- "$UA" fit 'exp(x)' -o ex.safetensors
LC_ALL=C sed 's/"target":"exp(x)"/"target":"exp(x("/' ex.safetensors > badtarget.safetensors
expect_exit 2 "plot a model whose target does not parse" -- "$UA" plot badtarget.safetensors -o bt.svg
expect_grep err.txt "badtarget.safetensors: the model's recorded target 'exp(x(' does not parse: column" \
    "plot names the model file and its recorded target"
expect_exit 0 "help" -- "$UA" plot --help
expect_grep out.txt "usage: uniapprox plot" "help text"

finish
