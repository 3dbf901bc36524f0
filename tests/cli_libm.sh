#!/bin/sh
# uniapprox libm: the list, a bad name (exit 2, listing the functions), a bad --name (exit 2),
# the file written (compiles, defines the scalar and the vector function), and --check over a
# small range against MPFR (exit 0, <= 1 ULP, no special mismatch), and --threads (0 = the
# OpenMP default, as check --exhaustive; refused without --check or when not a count), and
# --accuracy (1ulp: the faster code, within 1 ULP over a range; a bad value: exit 2), and
# --working-precision (single: float arithmetic; refused, exit 2, where it does not apply), and
# --fma (fused multiply-adds: with 1ulp single for the six; refused, exit 2, elsewhere), and
# sinf_v / cosf_v in a shared library beside libm return the library's own sinf / cosf bits.
. "$(dirname "$0")/lib_cli.sh"

expect_exit 0 "libm --list" -- "$UA" libm --list
expect_grep out.txt "^expf " "the list names expf"
expect_grep out.txt "^log1pf " "the list names log1pf"

expect_exit 2 "an unknown function" -- "$UA" libm nosuchf -o x.c
expect_grep err.txt "available: .*expf.*logf" "the error lists the functions"
[ ! -e x.c ] && pass || fail "nothing written for an unknown function"
expect_exit 2 "no output" -- "$UA" libm expf
expect_exit 2 "--name not an identifier" -- "$UA" libm expf -o x.c --name "1bad"
[ ! -e x.c ] && pass || fail "nothing left behind for a bad --name"
# one prefix: the CLI says "uniapprox libm: ", the library's message does not say "libm" again
expect_grep err.txt "^uniapprox libm: expf: '1bad' is not a C identifier" "the message names the name"
if grep -q "libm: libm" err.txt; then fail "doubled prefix"; else pass; fi
expect_exit 2 "--range without --check" -- "$UA" libm expf -o x.c --range 0:1

expect_exit 0 "libm log2f --vector" -- "$UA" libm log2f -o l2.c --name my_log2 --vector
expect_grep l2.c "float my_log2(float x)" "the scalar function"
expect_grep l2.c "void my_log2_v(const float \*x, float \*y, size_t n)" "the vector function"
expect_exit 0 "the file compiles warning-free" -- "$CC" -std=c99 -O2 -Wall -Wextra -Werror -c l2.c -o l2.o
ls ./*.tmp* >/dev/null 2>&1 && fail "a temporary file was left behind" || pass

expect_exit 0 "libm expm1f --check --range" -- "$UA" libm expm1f -o e.c --check --range 0.11:0.14 --json
expect_le "$(json_num out.txt max_ulp)" 1 "expm1f max ULP on [0.11, 0.14]"
expect_le "$(json_num out.txt special_mismatches)" 0 "expm1f special mismatches"
expect_le 1000000 "$(json_num out.txt count)" "expm1f: every float of the range checked"

# --threads as check --exhaustive's: 0 is the OpenMP default (the help says so); not a count,
# or without --check: exit 2
expect_exit 0 "libm --help" -- "$UA" libm --help
expect_grep out.txt "0 or unset: the OpenMP default" "the help says what 0 means"
expect_exit 0 "--threads 0 --check" -- "$UA" libm log2f -o t0.c --check --range 1:1.0078125 --threads 0 --json
expect_le "$(json_num out.txt max_ulp)" 0.5 "log2f on [1, 1.0078125] correctly rounded (--threads 0)"
expect_exit 0 "--threads 1 --check" -- "$UA" libm log2f -o t1.c --check --range 1:1.0078125 --threads 1 --json
expect_le "$(json_num out.txt not_correctly_rounded)" 0 "log2f: none misrounded (--threads 1)"
expect_exit 2 "--threads -1" -- "$UA" libm log2f -o t2.c --check --threads -1
expect_exit 2 "--threads not a count" -- "$UA" libm log2f -o t2.c --check --threads two
expect_exit 2 "--threads 5000" -- "$UA" libm log2f -o t2.c --check --threads 5000
expect_exit 2 "--threads without --check" -- "$UA" libm log2f -o t2.c --threads 2
expect_grep err.txt "needs --check" "says why"

# --accuracy: 1ulp writes the faster variant (not correctly rounded everywhere, within 1 ULP)
expect_exit 0 "--accuracy 1ulp --check" -- "$UA" libm expf -o a1.c --accuracy 1ulp --vector --check --range 1:1.25 --json
expect_le "$(json_num out.txt max_ulp)" 0.6 "expf --accuracy 1ulp on [1, 1.25]"
expect_le 1 "$(json_num out.txt not_correctly_rounded)" "expf --accuracy 1ulp: the faster code (some results not correctly rounded)"
expect_grep a1.c "accuracy 1ulp" "the file says its accuracy"
expect_exit 0 "the 1ulp file compiles warning-free" -- "$CC" -std=c99 -O2 -Wall -Wextra -Werror -c a1.c -o a1.o
expect_exit 2 "--accuracy bad" -- "$UA" libm expf -o a2.c --accuracy 2ulp
expect_grep err.txt "expected cr (correctly rounded) or 1ulp" "names the choices"
[ ! -e a2.c ] && pass || fail "nothing written for a bad --accuracy"

# --working-precision single: float arithmetic, only with --accuracy 1ulp and for exp2f expf
# exp10f log2f logf log10f; anything else exit 2 with the reason, nothing written, an existing file kept
expect_exit 0 "--working-precision single --check" -- "$UA" libm exp10f -o w1.c --accuracy 1ulp --working-precision single --vector --check --range 1:1.25 --json
expect_le "$(json_num out.txt max_ulp)" 1 "exp10f single on [1, 1.25] within 1 ULP"
expect_le "$(json_num out.txt special_mismatches)" 0 "exp10f single: no special mismatch"
expect_grep w1.c "Arithmetic in float" "the file says its arithmetic"
expect_exit 0 "the single file compiles warning-free" -- "$CC" -std=c99 -O2 -Wall -Wextra -Werror -c w1.c -o w1.o
expect_exit 2 "single without --accuracy 1ulp" -- "$UA" libm expf -o w2.c --working-precision single
expect_grep err.txt "needs --accuracy 1ulp" "says single needs 1ulp"
expect_exit 2 "single for log1pf" -- "$UA" libm log1pf -o w2.c --accuracy 1ulp --working-precision single
expect_grep err.txt "log1pf has no float variant (available: cosf exp10f exp2f expf log10f log2f logf sinf)" "names the functions that have one"
expect_exit 2 "--working-precision bad" -- "$UA" libm expf -o w2.c --accuracy 1ulp --working-precision half
expect_grep err.txt "expected double or single" "names the choices"
[ ! -e w2.c ] && pass || fail "nothing written for a refused --working-precision"
echo keep >w3.c
expect_exit 2 "single for expm1f, over a file" -- "$UA" libm expm1f -o w3.c --accuracy 1ulp --working-precision single
[ "$(cat w3.c)" = keep ] && pass || fail "the existing file is kept"
expect_exit 0 "--working-precision double" -- "$UA" libm expf -o w4.c --accuracy 1ulp --working-precision double
expect_exit 0 "no --working-precision" -- "$UA" libm expf -o w5.c --accuracy 1ulp
cmp -s w4.c w5.c && pass || fail "double is the default"

# --fma: fused multiply-adds, with --accuracy 1ulp --working-precision single for exp2f expf
# exp10f log2f logf log10f; elsewhere exit 2, naming where it is accepted, nothing written
expect_exit 0 "--fma --check" -- "$UA" libm log10f -o f1.c --accuracy 1ulp --working-precision single --fma --vector --check --range 0.9:1.1 --json
expect_le "$(json_num out.txt max_ulp)" 1 "log10f --fma on [0.9, 1.1] within 1 ULP"
expect_le "$(json_num out.txt special_mismatches)" 0 "log10f --fma: no special mismatch"
expect_grep f1.c "UA_FMAF(" "the scalar code has fused multiply-adds"
expect_grep f1.c "_mm512_fmadd_ps" "the kernels too"
expect_exit 0 "the --fma file compiles warning-free without -mfma" -- "$CC" -std=c99 -O2 -Wall -Wextra -Werror -c f1.c -o f1.o
expect_exit 0 "--fma exp2f" -- "$UA" libm exp2f -o f2.c --accuracy 1ulp --working-precision single --fma
expect_grep f2.c "UA_FMAF(" "exp2f --fma has fused multiply-adds"
for args in "expf" "expf --accuracy 1ulp" "expf --accuracy 1ulp --working-precision double" \
            "expm1f --accuracy 1ulp --working-precision double" "erff --accuracy cr"; do
    # shellcheck disable=SC2086
    expect_exit 2 "--fma refused: $args" -- "$UA" libm $args -o f3.c --fma
    expect_grep err.txt "--fma is accepted for: .*cosf exp10f exp2f expf log10f log2f logf sinf (--accuracy 1ulp --working-precision single)" "names where --fma is accepted"
    [ ! -e f3.c ] && pass || fail "nothing written for a refused --fma ($args)"
done
expect_exit 2 "--fma with --list" -- "$UA" libm --list --fma

# -o is written by the shared writer (as export's): a new file is 0644 (not mkstemp's 0600), an
# existing file keeps its mode, and "-" is standard output (no file named "-"); --check needs a file
umask 022
expect_exit 0 "libm -o a new file" -- "$UA" libm expf -o m1.c
[ "$(stat -c %a m1.c)" = 644 ] && pass || fail "a new file is $(stat -c %a m1.c), not 644"
chmod 640 m1.c
expect_exit 0 "libm -o an existing file" -- "$UA" libm expf -o m1.c
[ "$(stat -c %a m1.c)" = 640 ] && pass || fail "an existing 640 file became $(stat -c %a m1.c)"
expect_exit 0 "libm -o -" -- "$UA" libm expf -o -
expect_grep out.txt "^float expf(float x)" "-o - writes the C to standard output"
[ ! -e ./- ] && pass || fail "-o - created a file named '-'"
expect_exit 2 "-o - --check" -- "$UA" libm expf -o - --check
[ ! -e ./- ] && pass || fail "-o - --check created a file named '-'"
expect_exit 3 "-o in a missing directory" -- "$UA" libm expf -o nodir/x.c

# --name: keywords, main and reserved names are refused with their reason (exit 2, nothing
# written); a long name gets the length as its reason, quoted truncated so the reason is read
for n in int float return sizeof static main __x _x _mm256_add_pd setjmp vfork memcpy ua_f2u UA_VT; do
    expect_exit 2 "--name $n" -- "$UA" libm expf -o kw.c --name "$n"
    [ ! -e kw.c ] && pass || fail "a file written for --name $n"
done
expect_exit 2 "--name int" -- "$UA" libm expf -o kw.c --name int
expect_grep err.txt "'int' is a C keyword" "says int is a keyword"
expect_exit 2 "--name main" -- "$UA" libm expf -o kw.c --name main
expect_grep err.txt "'main' is the program's entry point" "says why main is refused"
long=$(printf "%0300d" 0 | tr 0 a)
expect_exit 2 "--name of 300 characters" -- "$UA" libm expf -o kw.c --name "$long"
expect_grep err.txt "aaa\.\.\.' is longer than 63 characters" "the length is the reason"
huge=$(printf "%0100000d" 0 | tr 0 b)
expect_exit 2 "--name of 100000 characters" -- "$UA" libm expf -o kw.c --name "$huge"
expect_grep err.txt "longer than 63 characters" "the reason is not cut off"
[ "$(wc -c <err.txt)" -lt 300 ] && pass || fail "the message is $(wc -c <err.txt) bytes"
n63=$(printf "%063d" 0 | tr 0 c)
expect_exit 0 "--name of 63 characters" -- "$UA" libm expf -o kw63.c --name "$n63" --vector
expect_exit 0 "the 63-character name compiles" -- "$CC" -std=c99 -O2 -Wall -Werror -c kw63.c -o kw63.o

# --name against the identifiers of the generated code itself (its locals and parameters, helpers,
# tables, vector types and macros, the names ## makes): each name tried either exits 2 or gives
# a file that compiles warning-free. Every single letter for a few configurations; for every
# function x {scalar, --vector} x {cr, 1ulp, 1ulp single} (erff: --vector cr), a rotating sample of the V*, ua_*
# and UA_* names that configuration's file contains (the whole list is too slow to try here)
try_names() { # FUNC "OPTIONS" NAME...
    tf=$1; topts=$2; shift 2
    for tn in "$@"; do
        # shellcheck disable=SC2086
        "$UA" libm "$tf" $topts --name "$tn" -o nm.c >/dev/null 2>err.txt
        trc=$?
        if [ "$trc" -eq 2 ]; then pass
        elif [ "$trc" -ne 0 ]; then fail "libm $tf $topts --name $tn: exit $trc"
        elif "$CC" -std=c99 -Wall -Werror -fsyntax-only nm.c 2>cc.txt; then pass
        else fail "libm $tf $topts --name $tn: exit 0 but the file does not compile: $(head -n 2 cc.txt)"; fi
    done
}
letters="a b c d e f g h i j k l m n o p q r s t u v w x y z"
# shellcheck disable=SC2086
try_names expf "--vector" $letters
# shellcheck disable=SC2086
try_names sinf "--vector" $letters
for n in x y n i VD VF VI VL VU VUI V_ V_W V_SPLAT V_SELD ua_vd4 UA_VT ua_T ua_f2u; do
    expect_exit 2 "--name $n with --vector" -- "$UA" libm expf --vector --name "$n" -o nm.c
done
for n in k r u t z q; do
    expect_exit 2 "--name $n for sinf --vector" -- "$UA" libm sinf --vector --name "$n" -o nm.c
done
expect_grep err.txt "sinf: 'q' is a name the generated file uses" "says why"
off=0
for f in $("$UA" libm --list | awk '{print $1}'); do
    for mode in "" "--vector"; do
        for acc in "--accuracy cr" "--accuracy 1ulp" "--accuracy 1ulp --working-precision single" \
                   "--accuracy 1ulp --working-precision single --fma"; do
            # erff takes a second to generate: one configuration
            [ "$f" = erff ] && [ "$mode $acc" != "--vector --accuracy cr" ] && continue
            # shellcheck disable=SC2086
            "$UA" libm "$f" $mode $acc -o base.c 2>/dev/null || continue # single, --fma: six functions
            off=$((off + 1))
            k=10; [ "$f" = erff ] && k=20
            names=$(grep -o '\b\(V[A-Z0-9_]*\|ua_[A-Za-z0-9_]*\|UA_[A-Za-z0-9_]*\)\b' base.c | sort -u |
                    awk -v k="$k" -v o="$off" 'NR % k == o % k')
            # shellcheck disable=SC2086
            try_names "$f" "$mode $acc" $names
        done
    done
done
# the names the headers declare or that C99 and POSIX reserve to them: exit 2
for n in index bzero strdup UINT64_C INT8_MAX SIZE_MAX locale_t; do
    expect_exit 2 "--name $n" -- "$UA" libm expf -o nm.c --name "$n"
done

# an option's value left out: said so (not "expected one NAME"); --json needs --check
expect_exit 2 "--accuracy with no value" -- "$UA" libm expf --accuracy -o acc.c
expect_grep err.txt "'--accuracy' needs a value" "says --accuracy needs a value"
[ ! -e acc.c ] && pass || fail "a file written for --accuracy without a value"
expect_exit 2 "--json without --check" -- "$UA" libm expf -o js.c --json
expect_grep err.txt "--json needs --check or --list" "says --json needs --check or --list"

# --list --json: an array, one object per function with the values --accuracy and
# --working-precision accept (single only at 1ulp, only for the eight with a float variant:
# sinf, cosf with --fma only);
# --list with another option: exit 2
expect_exit 0 "libm --list --json" -- "$UA" libm --list --json
if /usr/bin/python3 - out.txt <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
d = {o["name"]: o for o in a}
assert len(a) == 12, len(a)
assert d["expf"]["reference"] == "exp(x)"
assert d["expf"]["accuracy"] == ["cr", "1ulp"]
assert d["expf"]["working_precision"] == {"cr": ["double"], "1ulp": ["double", "single"]}
assert d["log1pf"]["working_precision"] == {"cr": ["double"], "1ulp": ["double"]}
assert sorted(n for n in d if "single" in d[n]["working_precision"]["1ulp"]) == \
    ["cosf", "exp10f", "exp2f", "expf", "log10f", "log2f", "logf", "sinf"]
assert d["expf"]["fma"] == {"cr": [], "1ulp": ["single"]}
assert d["expm1f"]["fma"] == {"cr": [], "1ulp": []}
assert sorted(n for n in d if "single" in d[n]["fma"]["1ulp"]) == \
    ["cosf", "exp10f", "exp2f", "expf", "log10f", "log2f", "logf", "sinf"]
PY
then pass; else fail "libm --list --json is not the expected JSON"; fi
expect_exit 2 "--list -o" -- "$UA" libm --list -o ls.c
expect_grep err.txt "--list takes no other option than --json" "says so"
[ ! -e ls.c ] && pass || fail "--list -o wrote a file"

# every --check option is checked before the file is written: a refused --range or --threads
# leaves an existing file as it was; the message names the option
for bad in "--range 5:1" "--range abc" "--range nan:1" "--range 1e39:1e40" "--range 1:0" \
           "--threads -3" "--threads abc"; do
    echo KEEP >k.c
    # shellcheck disable=SC2086
    expect_exit 2 "--check $bad" -- "$UA" libm expf -o k.c --check $bad
    [ "$(cat k.c)" = KEEP ] && pass || fail "--check $bad overwrote the existing file"
    expect_grep err.txt "^uniapprox libm: ${bad%% *} " "the message names ${bad%% *}"
done
expect_exit 2 "--range 1:0" -- "$UA" libm expf -o k.c --check --range 1:0
expect_grep err.txt "--range '1:0': need LO < HI" "says LO < HI for --range"

# a name starting with '_' is the implementation's at file scope (immintrin.h declares many);
# setjmp and the like get GCC's returns-twice attribute: both refused before anything is written
expect_exit 2 "--name _mm256_add_pd" -- "$UA" libm sinf --vector -o kw.c --name _mm256_add_pd
expect_grep err.txt "reserved to the implementation at file scope" "says why _mm256_add_pd is refused"
expect_exit 2 "--name setjmp" -- "$UA" libm sinf --vector -o kw.c --name setjmp
expect_grep err.txt "returns-twice" "says why setjmp is refused"
# an unknown NAME with control bytes is shown escaped
expect_exit 2 "an unknown NAME with a control byte" -- "$UA" libm "$(printf 'exp\001f')" -o kw.c
expect_grep err.txt "'exp\\\\x01f'" "the control byte shown as \\x01"

# a full disk or standard output is the output's failure: exit 3 (as export), nothing else
if [ -w /dev/full ]; then
    expect_exit 3 "-o /dev/full" -- "$UA" libm expf -o /dev/full
    # the file and the reason, as export says it (was "expf: write error")
    expect_grep err.txt "^uniapprox libm: cannot write '/dev/full': No space left on device$" \
        "-o /dev/full: the file and the reason"
    [ "$(wc -l <err.txt)" -eq 1 ] && pass || fail "-o /dev/full: one message"
    expect_exit 3 "-o - to a full standard output" -- sh -c '"$1" libm expf -o - >/dev/full' sh "$UA"
    expect_grep err.txt "^uniapprox libm: cannot write to standard output: No space left on device$" \
        "-o - to a full standard output: the reason"
    [ "$(wc -l <err.txt)" -eq 1 ] && pass || fail "-o - to a full standard output: one message"
fi
# --check compiles the file as C whatever its name: f.txt, or a name starting with '-'
expect_exit 0 "--check of -o f.txt" -- "$UA" libm expf -o f.txt --check --range 1:1.01 --json
expect_le "$(json_num out.txt max_ulp)" 0.5 "f.txt compiled as C and checked"
expect_exit 0 "--check of -o -dash.c" -- "$UA" libm expf -o -dash.c --check --range 1:1.01 --json
expect_le "$(json_num out.txt max_ulp)" 0.5 "-dash.c compiled as C and checked"
rm -f -- -dash.c f.txt

# every generated file, scalar and --vector, cr and 1ulp, compiles without a warning under gcc and
# clang (when installed) -Wall -Wextra -Werror (-fsyntax-only: the warnings, fast): no unused helper warns (clang warns of unused
# static inline functions, gcc does not)
for f in $("$UA" libm --list | awk '{print $1}'); do
    for a in cr 1ulp; do
        "$UA" libm "$f" -o w.c --vector --accuracy "$a" 2>err.txt || fail "libm $f --vector --accuracy $a"
        for cc in gcc clang; do
            command -v "$cc" >/dev/null 2>&1 || continue
            if "$cc" -std=c99 -O2 -ffp-contract=off -Wall -Wextra -Werror -fsyntax-only w.c 2>cc.txt; then pass
            else fail "$cc warns on libm $f --vector --accuracy $a: $(head -n 3 cc.txt)"; fi
        done
    done
done

# --vector with the default name (sinf, cosf), built into a shared library that a program linking
# libm loads: the _v kernels' lanes with |x| >= 2^28 (Payne-Hanek, recomputed by the scalar code)
# and the scalar loop must run the file's own scalar code, not whichever sinf the dynamic linker
# binds first (libm's, which the program's lookup scope holds first). 20 000 inputs with bit
# patterns uniform in [2^28, 2^100) (alternating signs): _v against the library's scalar function
# bit for bit; libm's function must differ from the library's on some of them (else the sample
# could not tell the two apart).
cat >pl.c <<'EOF'
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
enum { N = 20000 };
static float x[N], y[N];
int main(int argc, char **argv)
{
    if (argc != 3) return 2;
    int is_sin = !strcmp(argv[2], "sinf");
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf(stderr, "%s\n", dlerror()); return 2; }
    char vn[64];
    snprintf(vn, sizeof vn, "%s_v", argv[2]);
    float (*f)(float);
    void (*fv)(const float *, float *, size_t);
    void *p = dlsym(h, argv[2]), *pv = dlsym(h, vn);
    if (!p || !pv) { fprintf(stderr, "%s or %s not found\n", argv[2], vn); return 2; }
    memcpy(&f, &p, sizeof f);
    memcpy(&fv, &pv, sizeof fv);
    uint32_t s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1664525u + 1013904223u;
        uint32_t b = 0x4d800000u + s % (0x71800000u - 0x4d800000u);
        memcpy(&x[i], &b, sizeof b);
        if (i & 1) x[i] = -x[i];
    }
    fv(x, y, N);
    int diff = 0, libm_diff = 0;
    for (int i = 0; i < N; i++) {
        float r = f(x[i]), g = is_sin ? sinf(x[i]) : cosf(x[i]);
        diff += memcmp(&r, &y[i], sizeof r) != 0;
        libm_diff += memcmp(&r, &g, sizeof r) != 0;
    }
    printf("%d %d\n", diff, libm_diff);
    return 0;
}
EOF
if "$CC" -std=c99 -O2 -Wall -Werror pl.c -o pl -Wl,--no-as-needed -lm -ldl 2>cc.txt; then
    for cfg in "sinf cr" "sinf 1ulp" "cosf cr" "cosf 1ulp"; do
        # shellcheck disable=SC2086
        set -- $cfg
        expect_exit 0 "libm $1 --vector --accuracy $2" -- "$UA" libm "$1" --vector --accuracy "$2" -o "$1.c"
        expect_exit 0 "$1 ($2) as a shared library" -- "$CC" -std=c99 -O2 -ffp-contract=off -fPIC -shared "$1.c" -o "lib$1.so"
        expect_exit 0 "$1 ($2) loaded beside libm" -- ./pl "./lib$1.so" "$1"
        read -r vdiff ldiff <out.txt
        [ "$vdiff" = 0 ] && pass || fail "$1 ($2) in a shared library: $1_v differs from $1 on $vdiff of 20000 inputs in [2^28, 2^100)"
        [ "${ldiff:-0}" -gt 0 ] && pass || fail "$1 ($2): libm's $1 agrees with the library's on all 20000 inputs (the check cannot tell them apart)"
    done
else
    fail "the shared-library driver does not compile: $(head -n 3 cc.txt)"
fi

# ---- C++: a generated file compiled as C++ with -Werror (g++ warned of GCC's own AVX-512
# intrinsics, -Wmaybe-uninitialized, until the file silenced that header's warning for itself),
# and the same bits as the C build on a few inputs
if command -v c++ >/dev/null 2>&1 && grep -qw avx512f /proc/cpuinfo; then
    expect_exit 0 "libm expf --vector for C++" -- "$UA" libm expf --vector -o cx.c
    expect_exit 0 "the file compiles as C++ with -Werror" -- c++ -std=c++17 -O2 -march=native \
        -ffp-contract=off -Wall -Wextra -Werror -x c++ -c cx.c -o cx.o
    expect_exit 0 "and as C with -pedantic -Werror" -- "$CC" -std=c99 -O2 -march=native \
        -ffp-contract=off -Wall -Wextra -pedantic -Werror -c cx.c -o cx_c.o
fi

# ---- clang with -funsafe-math-optimizations and no FMA target expanded fmaf into an unfused
# multiply and add: the float sinf's scalar function was wrong by millions of ULP there while its
# kernels (explicit vfmadd) were right. The files now call libm's fmaf through a pointer in that
# case: scalar and vector the same bits on every 4099th bit pattern.
if command -v clang >/dev/null 2>&1 && grep -qw avx2 /proc/cpuinfo; then
    cat >sv.c <<'EOF2'
#include <stdint.h>
#include <stdio.h>
#include <string.h>
float my_f(float);
void my_f_v(const float *, float *, size_t);
int main(void)
{
    static float x[4096], y[4096];
    size_t bad = 0;
    for (uint64_t u = 0; u < (1ull << 32); u += 4099 * 4096ull) {
        size_t k = 0;
        for (uint64_t v = u; v < (1ull << 32) && k < 4096; v += 4099) {
            uint32_t b = (uint32_t)v;
            memcpy(&x[k++], &b, 4);
        }
        my_f_v(x, y, k);
        for (size_t i = 0; i < k; i++) {
            float s = my_f(x[i]);
            bad += memcmp(&s, &y[i], 4) != 0;
        }
    }
    printf("%zu\n", bad);
    return 0;
}
EOF2
    expect_exit 0 "libm sinf single --fma for clang" -- "$UA" libm sinf --accuracy 1ulp \
        --working-precision single --fma --vector --name my_f -o sc.c
    if clang -std=c99 -O2 -funsafe-math-optimizations -c sc.c -o sc.o 2>cc.txt &&
        clang -std=c99 -O2 sv.c sc.o -o sv -lm 2>>cc.txt; then
        expect_exit 0 "the clang -funsafe-math-optimizations build runs" -- ./sv
        [ "$(cat out.txt)" = 0 ] && pass || fail "clang -funsafe-math-optimizations: the scalar sinf differs from its kernels on $(cat out.txt) of 1047810 inputs"
    else
        fail "clang did not build the file: $(head -n 3 cc.txt)"
    fi
fi

finish
