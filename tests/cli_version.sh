#!/bin/sh
# uniapprox --version: the project's version (CMakeLists.txt's project(VERSION)), then MPFR, GMP,
# OpenBLAS, LAPACK, FFTW, cJSON, OpenMP, the compiler and PLplot, each as the library itself
# reports it to a separate program compiled here against the same system libraries.
. "$(dirname "$0")/lib_cli.sh"
ROOT=$(cd "$TESTS_DIR/.." && pwd)
proj=$(sed -n 's/^project(uniapprox VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
expect_exit 0 "--version" -- "$UA" --version
[ "$(head -n 1 out.txt)" = "uniapprox $proj" ] && pass || fail "first line '$(head -n 1 out.txt)', want 'uniapprox $proj'"
for name in MPFR GMP OpenBLAS LAPACK FFTW cJSON OpenMP compiler Arb FLINT PLplot; do
    expect_grep out.txt "^  $name  *[0-9a-z]" "--version names $name"
done
ver() { sed -n "s/^  $1  *\([^ ]*\).*/\1/p" out.txt; }
cat > v.c <<'C'
#include <stdio.h>
#include <string.h>
#include <mpfr.h>
#include <fftw3.h>
#include <cjson/cJSON.h>
int main(void)
{
    const char *f = fftw_version;
    if (!strncmp(f, "fftw-", 5)) f += 5;
    printf("%s %s %s %s\n", mpfr_get_version(), gmp_version, f, cJSON_Version());
    return 0;
}
C
if "$CC" -o v v.c -lmpfr -lgmp -lfftw3 -lcjson -I/usr/include/cjson 2>cc.txt; then
    pass
    set -- $(./v)
    [ "$(ver MPFR)" = "$1" ] && pass || fail "MPFR $(ver MPFR), the library says $1"
    [ "$(ver GMP)" = "$2" ] && pass || fail "GMP $(ver GMP), the library says $2"
    [ "$(ver FFTW)" = "$3" ] && pass || fail "FFTW $(ver FFTW), the library says $3"
    [ "$(ver cJSON)" = "$4" ] && pass || fail "cJSON $(ver cJSON), the library says $4"
else fail "the version probe compiles"; cat cc.txt >&2; fi
# Arb and FLINT (the ball arithmetic of --prove), as the libraries say to a program of their own
cat > va.c <<'C'
#include <stdio.h>
#include <arb.h>
#include <flint/flint.h>
int main(void)
{
    printf("%s %s\n", arb_version, flint_version);
    return 0;
}
C
if "$CC" -o va va.c -lflint-arb -lflint -lmpfr -lgmp 2>cc.txt ||
    "$CC" -o va va.c -larb -lflint -lmpfr -lgmp 2>cc.txt; then
    pass
    set -- $(./va)
    [ "$(ver Arb)" = "$1" ] && pass || fail "Arb $(ver Arb), the library says $1"
    [ "$(ver FLINT)" = "$2" ] && pass || fail "FLINT $(ver FLINT), the library says $2"
else fail "the Arb/FLINT version probe compiles"; cat cc.txt >&2; fi
finish
