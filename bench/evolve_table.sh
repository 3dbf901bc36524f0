#!/bin/sh
# bench/evolve_table.sh [BUILD_DIR] — the tables of docs/evolve.md, measured in one run:
#  (a) 2^x on [0, 1] over the reals: the evolve front's best program of at most 10, 11 and 12
#      operations (relative error measured against MPFR on a dense grid with its peaks refined),
#      unseeded (--seeds horner: the search starts from the minimax polynomials in Horner form)
#      and seeded (--seeds all: also split polynomials and squaring chains over rational cores),
#      with add/sub/mul/div and with fma as one more operation, next to Taylor, Pade
#      (bench/evolve_taylor_pade.py, mpmath) and the minimax polynomial / rational (the minimax
#      family, measured by the engine) of the same operation count;
#  (b) 2^x in float32: the evolve front (cost = latency; unseeded and seeded, and the seeds alone
#      tuned on 4096 points) with the chosen
#      program checked at every
#      float of [0, 1] (uniapprox/exhaustive.h), the wall time to it, against the degree-6
#      minimax core (float coefficients) checked the same way, and both kernels' measured
#      latency (bench/evolve_latency.c, chained calls, medians of alternating rounds);
#  (c) log2 on [1, 2] and erf on [0, 1] in float32, the chosen programs checked at every float;
#  (d) Sollya's fpminimax polynomials of degree 4..8 (single coefficients, relative error,
#      Horner with fma) checked at every float of [0, 1] by `uniapprox check --kernel`;
#  (e) the inner loop's CMA-ES against NLopt's local optimisers (bench/evolve_inner_vs_nlopt.c;
#      only where libnlopt-dev is installed: the library does not use NLopt).
# EVOLVE_GENERATIONS (default 60) sets the outer loop's length; EVOLVE_SECTIONS (default
# "a b c d e") which sections run. Prints Markdown.
set -e
BUILD=${1:-build}
UA=$(cd "$BUILD" && pwd)/uniapprox
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
# mpmath for the Taylor / Pade rows: the system Python's, else the first python3 on PATH with it
PYMP=$PY
$PYMP -c 'import mpmath' 2>/dev/null || PYMP=python3
CC=${CC:-cc}
G=${EVOLVE_GENERATIONS:-60}
SECTIONS=${EVOLVE_SECTIONS:-a b c d e}
want() { case " $SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

jnum() { sed -n "s/.*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }

# the best error among front programs of at most N ops: from `info --json`'s programs list
best_within() {
    $PY - "$1" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
best = min((p for p in [dict(ops=o, latency=l, error=e, exhaustive=x) for o, l, e, x in zip(d["program_ops"], d["program_latency"], d["program_error"], d["program_exhaustive"])] if p["ops"] <= n), key=lambda p: p["error"])
print(best["ops"], best["latency"], "%.4g" % best["error"])
PYEOF
}

front_table() {
    $PY - "$1" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for i, p in enumerate([dict(ops=o, latency=l, error=e, exhaustive=x) for o, l, e, x in zip(d["program_ops"], d["program_latency"], d["program_error"], d["program_exhaustive"])]):
    mark = " (chosen)" if i == d["chosen"] else ""
    chk = "every float" if p["exhaustive"] else "dense grid"
    print("| %d | %d | %.4g | %s%s |" % (p["ops"], p["latency"], p["error"], chk, mark))
PYEOF
}

if want a; then
echo "## (a) 2^x on [0, 1] over the reals (generations $G, seed degree 6)"
echo
for v in "u horner add,sub,mul,div" "s all add,sub,mul,div" "f all add,sub,mul,div,fma"; do
    set -- $v
    "$UA" fit '2^x' --domain 0:1 --family evolve --operations "$3" --degree 6 --seeds "$2" \
        --generations "$G" -o "ea$1.safetensors" >/dev/null 2>&1 || true
    "$UA" info "ea$1.safetensors" --json > "ea$1.json"
done
"$UA" fit '2^x' --domain 0:1 --family minimax --degree 5 --error rel --json >mm5.json 2>/dev/null || true
"$UA" fit '2^x' --domain 0:1 --family minimax --rational 2/2 --error rel --json >mr22.json 2>/dev/null || true
"$UA" fit '2^x' --domain 0:1 --family minimax --rational 3/2 --error rel --json >mr32.json 2>/dev/null || true
echo "| approximation | ops | max relative error |"
echo "|---|---|---|"
for v in "u unseeded (--seeds horner), add/sub/mul/div" "s seeded (--seeds all), add/sub/mul/div" "f seeded (--seeds all), add/sub/mul/div/fma"; do
    k=${v%% *}; name=${v#* }
    for n in 10 11 12; do
        set -- $(best_within "ea$k.json" $n); echo "| evolve $name, best of <= $n ops | $1 | $3 |"
    done
done
echo "| minimax polynomial degree 5 (Horner) | 10 | $(jnum mm5.json max_rel_err) |"
echo "| minimax rational 2/2 | 9 | $(jnum mr22.json max_rel_err) |"
echo "| minimax rational 3/2 | 11 | $(jnum mr32.json max_rel_err) |"
$PYMP "$HERE/evolve_taylor_pade.py" | while read -r name ops e; do echo "| $name | $ops | $e |"; done
echo
echo "The programs of 9 to 12 operations of the fronts (info's text; u unseeded, s seeded, f seeded with fma):"
echo
for k in u s f; do
    $PY - "ea$k.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
progs = [l.split(None, 1)[1] for l in d["programs"].splitlines() if l.strip()]
for o, e, t in zip(d["program_ops"], d["program_error"], progs):
    if 9 <= o <= 12:
        print("    %s, %d ops, %.4g: %s" % (sys.argv[1][2], o, e, t))
PYEOF
done
echo
echo "Paper (AutoNumerics-Zero, 2^x, 10 ops): about 14 significant digits."
echo

fi

if want b; then
echo "## (b) 2^x in float32 (cost latency, generations $G)"
echo
"$UA" fit '2^x' --domain 0:1 --family minimax --degree 6 --error rel --coeffs float -o m6.safetensors >/dev/null 2>&1 || true
"$UA" check m6.safetensors --exhaustive --json > m6.json 2>/dev/null || true
"$UA" export m6.safetensors --type float -o kb.c --name kmm >/dev/null 2>&1
# u, s: the search (G generations, 1024 points); p: the seeds alone (no generations) tuned on
# 4096 points, the variant that reaches 1 ULP (the archive of u / s keeps programs judged on
# 1024 points, where one 0.002 ULP over the line is not seen)
for v in "u horner $G 1024" "s all $G 1024" "p all 0 4096"; do
    set -- $v
    "$UA" fit '2^x' --domain 0:1 --family evolve --precision float32 --cost latency --seeds "$2" \
        --generations "$3" --train-points "$4" --exhaustive chosen -o "eb$1.safetensors" --json \
        >"eb$1_fit.json" 2>/dev/null || true
    "$UA" info "eb$1.safetensors" --json > "eb$1.json"
    echo "### --seeds $2, --generations $3, --train-points $4"
    echo
    echo "| ops | latency estimate (cycles) | error (ULP) | checked |"
    echo "|---|---|---|---|"
    front_table "eb$1.json"
    echo
    echo "Chosen: $($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print([l.split(None, 1)[1] for l in d["programs"].splitlines() if l.strip()][d["chosen"]])' "eb$1.json")"
    echo
    echo "Wall time to the float32 program: $(jnum "eb$1_fit.json" fit_seconds) s (search $(jnum "eb$1.json" evolve_search_seconds) s, exhaustive checks $(jnum "eb$1.json" evolve_check_seconds) s)."
    "$UA" export "eb$1.safetensors" --type float -o ka.c --name kev >/dev/null 2>&1
    $CC -O2 -march=native -std=c99 -DKA=kev -DKB=kmm "$HERE/evolve_latency.c" ka.c kb.c -lm -o lat
    set -- $(./lat)
    echo "Measured latency (chained calls, -O2 -march=native, medians of 15 alternating rounds): evolve $1 ns, minimax degree 6 $2 ns (minimax / evolve = $3)."
    echo
done
echo "Degree-6 minimax core (float coefficients, the minimax family's export): $(jnum m6.json max_ulp) ULP at every float of [0, 1]."
echo

fi

if want c; then
echo "## (c) log2 on [1, 2] and erf on [0, 1] in float32 (generations $G)"
echo
echo "| target | seeds | chosen ops | latency | error (ULP, every float) | seed degree |"
echo "|---|---|---|---|---|---|"
for spec in "log2(x) 1:2 8 horner" "log2(x) 1:2 9 all" "erf(x) 0:1 7 horner" "erf(x) 0:1 8 all"; do
    set -- $spec
    "$UA" fit "$1" --domain "$2" --family evolve --precision float32 --degree "$3" --seeds "$4" \
        --generations "$G" --exhaustive chosen -o ec.safetensors >/dev/null 2>&1 || true
    "$UA" info ec.safetensors --json > ec.json
    $PY - ec.json "$1" "$3" "$4" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
p = [dict(ops=o, latency=l, error=e, exhaustive=x) for o, l, e, x in zip(d["program_ops"], d["program_latency"], d["program_error"], d["program_exhaustive"])][d["chosen"]]
print("| %s | %s | %d | %d | %.4g%s | %s |" % (sys.argv[2], sys.argv[4], p["ops"], p["latency"], p["error"],
      "" if p["exhaustive"] else " (dense grid)", sys.argv[3]))
PYEOF
done
echo

fi

if want d; then
echo "## (d) Sollya fpminimax (single coefficients, relative) against the float32 front"
echo
if ! command -v sollya >/dev/null 2>&1; then
    echo "(skipped: Sollya is not installed)"
else
echo "| degree | ops (fma) | latency | error (ULP, every float of [0, 1]) |"
echo "|---|---|---|---|"
for d in 4 5 6 7 8; do
    printf 'p = fpminimax(2^x, %d, [|single...|], [0;1], relative);\nfor i from 0 to %d do printsingle(coeff(p,i));\nquit;\n' "$d" "$d" > s.sol
    sollya s.sol > c.txt
    $PY - "$d" c.txt > k.c <<'PYEOF'
import struct, sys
d = int(sys.argv[1])
c = [struct.unpack("<f", struct.pack("<I", int(l.strip(), 16)))[0] for l in open(sys.argv[2]) if l.strip().startswith("0x")]
assert len(c) == d + 1
print("#include <math.h>")
print("float k(float x)\n{\n    float r = %sf;" % c[d].hex())
for j in range(d - 1, -1, -1):
    print("    r = fmaf(r, x, %sf);" % c[j].hex())
print("    return r;\n}")
PYEOF
    "$UA" check --kernel k.c --symbol k --against '2^x' --lo 0 --hi 1 --json --cflags "-mfma" > kk.json 2>/dev/null || true
    echo "| $d | $d | $((4 * d)) | $(jnum kk.json max_ulp) |"
done
fi

echo
fi

if want e; then
echo "## (e) the inner loop: CMA-ES against NLopt (median ULP after 1000 evaluations)"
echo
if [ -f /usr/include/nlopt.h ]; then
    SRC=$(cd "$HERE/.." && pwd)
    $CC -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$SRC/include" -I"$SRC/src" \
        "$HERE/evolve_inner_vs_nlopt.c" "$(dirname "$UA")/libuniapprox.a" -lnlopt -lmpfr -lgmp \
        -lfftw3 -lcjson -llapacke -llapack -lopenblas -lgomp -lm -ldl -o inner
    ./inner 1000
else
    echo "(skipped: NLopt is not installed)"
fi
fi
