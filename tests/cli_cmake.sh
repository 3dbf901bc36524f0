#!/bin/sh
# The CMake package: install the build into a temporary prefix, then build examples/ as a project
# of its own (examples/CMakeLists.txt: find_package(uniapprox) and its imported targets) against
# it, with the shared library and with the static one, and run every example (each exits non-zero
# when its result is wrong).
. "$(dirname "$0")/lib_cli.sh"
BUILD_DIR=$(cd "$(dirname "$UA")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
if cmake --install "$BUILD_DIR" --prefix "$WORK/inst" >install.txt 2>&1; then pass; else
    fail "cmake --install"; cat install.txt >&2; fi
CFG=$(ls "$WORK"/inst/lib*/cmake/uniapprox/uniapprox-config.cmake 2>/dev/null | head -n 1)
[ -n "$CFG" ] && pass || fail "uniapprox-config.cmake installed"
[ -e "$(dirname "$CFG")/uniapprox-config-version.cmake" ] && pass || fail "config-version installed"
# a sanitizer build (make test's second pass) needs the sanitizer runtimes in the programs too
SAN=""
nm "$(ls "$WORK"/inst/lib*/libuniapprox.a | head -n 1)" 2>/dev/null | grep -q __asan_ && \
    SAN="-fsanitize=address,undefined"
n_examples=$(ls "$ROOT"/examples/*.c | wc -l)
for static in OFF ON; do
    B="$WORK/ex-$static"
    if cmake -S "$ROOT/examples" -B "$B" -DCMAKE_PREFIX_PATH="$WORK/inst" \
            -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$SAN" -DCMAKE_EXE_LINKER_FLAGS="$SAN" \
            -DUA_EXAMPLES_STATIC=$static -DCMAKE_BUILD_TYPE=Release >cfg.txt 2>&1 &&
       cmake --build "$B" >build.txt 2>&1; then
        pass
        for src in "$ROOT"/examples/*.c; do
            name=$(basename "$src" .c)
            if "$B/$name" >run.txt 2>&1; then pass; else
                fail "example $name (UA_EXAMPLES_STATIC=$static) runs"; cat run.txt >&2; fi
        done
    else
        fail "examples/ builds against the installed package (UA_EXAMPLES_STATIC=$static)"
        cat cfg.txt build.txt >&2
    fi
done
# the shared build links the installed libuniapprox.so, the static one does not
if [ -x "$WORK/ex-OFF/readme" ]; then
    ldd "$WORK/ex-OFF/readme" | grep -q "$WORK/inst/.*libuniapprox.so" && pass ||
        fail "the shared example uses the installed library"; fi
if [ -x "$WORK/ex-ON/readme" ]; then
    ldd "$WORK/ex-ON/readme" | grep -q libuniapprox && fail "the static example links the .so" ||
        pass; fi
# a version the package is not compatible with is refused
mkdir -p want && cat > want/CMakeLists.txt <<'CM'
cmake_minimum_required(VERSION 3.18)
project(want LANGUAGES C)
find_package(uniapprox 9.0 REQUIRED)
CM
if cmake -S want -B want/b -DCMAKE_PREFIX_PATH="$WORK/inst" >want.txt 2>&1; then
    fail "find_package(uniapprox 9.0) accepted"; else
    expect_grep want.txt "not compatible\|version" "find_package(uniapprox 9.0) says why"; fi
echo "$n_examples examples"
finish
