#!/bin/sh
# `make install` and pkg-config: install the build into a temporary prefix, then build the
# README's example against it with `pkg-config --cflags --libs uniapprox` and run it, both with
# the shared library and statically.
. "$(dirname "$0")/lib_cli.sh"
BUILD_DIR=$(cd "$(dirname "$UA")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
if cmake --install "$BUILD_DIR" --prefix "$WORK/inst" >install.txt 2>&1; then pass; else
    fail "cmake --install"; cat install.txt >&2; fi
for f in bin/uniapprox include/uniapprox.h include/uniapprox/cheb.h lib/libuniapprox.a; do
    [ -e "$WORK/inst/$f" ] && pass || fail "installed $f"; done
PC=$(ls "$WORK"/inst/lib*/pkgconfig/uniapprox.pc 2>/dev/null | head -n 1)
[ -n "$PC" ] && pass || fail "uniapprox.pc installed"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$PC")
LIBDIR=$(pkg-config --variable=libdir uniapprox)
# a sanitizer build (make test's second pass) needs the sanitizer runtimes in the program too
SAN=""
nm "$LIBDIR/libuniapprox.a" 2>/dev/null | grep -q __asan_ && SAN="-fsanitize=address,undefined"
if "$CC" $SAN -o ex_shared "$ROOT/examples/readme.c" $(pkg-config --cflags --libs uniapprox) -lm 2>cc.txt; then
    pass; LD_LIBRARY_PATH=$LIBDIR ./ex_shared >run.txt 2>&1 && pass || { fail "shared example runs"; cat run.txt >&2; }
else fail "example builds against the shared library"; cat cc.txt >&2; fi
if "$CC" $SAN -o ex_static "$ROOT/examples/readme.c" $(pkg-config --cflags uniapprox) "$LIBDIR/libuniapprox.a" \
        $(pkg-config --libs-only-other --libs-only-l --static uniapprox | sed 's/-luniapprox//') -lm 2>cc.txt; then
    pass; ./ex_static >run.txt 2>&1 && pass || { fail "static example runs"; cat run.txt >&2; }
else fail "example builds statically"; cat cc.txt >&2; fi
# every installed header is in the umbrella header, and each declares C linkage for C++ callers
for h in "$WORK"/inst/include/uniapprox/*.h; do
    b=$(basename "$h")
    grep -q "\"uniapprox/$b\"" "$WORK/inst/include/uniapprox.h" && pass || fail "uniapprox.h includes uniapprox/$b"
    grep -q 'extern "C"' "$h" && pass || fail "uniapprox/$b has extern \"C\""
done
if command -v c++ >/dev/null 2>&1; then
    cat >cxx.cpp <<'CXX'
#include <uniapprox.h>
int main() { return ua_libm_count() > 0 && ua_libm_find("expf") ? 0 : 1; }
CXX
    if c++ $SAN -o cxx cxx.cpp $(pkg-config --cflags --libs uniapprox) 2>cc.txt; then
        pass; LD_LIBRARY_PATH=$LIBDIR ./cxx >run.txt 2>&1 && pass || { fail "a C++ program runs"; cat run.txt >&2; }
    else fail "a C++ program links against uniapprox (C linkage)"; cat cc.txt >&2; fi
fi
finish
