#!/bin/sh
# The Python package after `make install`: install the build into a temporary prefix, then, with
# only the installed tree on PYTHONPATH (no build tree, no UNIAPPROX_LIBRARY), import it, check
# that it loads the installed library (found relative to the package, so the tree may move), fit
# erf and compare with Python's math.erf.
. "$(dirname "$0")/lib_cli.sh"
BUILD_DIR=$(cd "$(dirname "$UA")" && pwd)
PY=${UA_PYTHON:-/usr/bin/python3}
if ! grep -q "^UA_PYTHON:BOOL=ON" "$BUILD_DIR/CMakeCache.txt"; then
    echo "UA_PYTHON is off in this build: nothing to test"; finish; exit; fi
if cmake --install "$BUILD_DIR" --prefix "$WORK/inst" >install.txt 2>&1; then pass; else
    fail "cmake --install"; cat install.txt >&2; fi
PKG=$(ls -d "$WORK"/inst/lib/python3*/dist-packages/uniapprox 2>/dev/null | head -n 1)
[ -n "$PKG" ] && [ -e "$PKG/_libpath.py" ] && pass || fail "the package is installed with _libpath.py"
# moved: the library is found relative to the package
mv "$WORK/inst" "$WORK/moved"
SITE=$(ls -d "$WORK"/moved/lib/python3*/dist-packages | head -n 1)
# under the sanitizers (make test's second pass) the instrumented library needs their runtimes
PRE=""
if nm -D "$(ls "$WORK"/moved/lib*/libuniapprox.so | head -n 1)" 2>/dev/null | grep -q __asan_init; then
    PRE="$("$CC" -print-file-name=libasan.so):$("$CC" -print-file-name=libubsan.so)"; fi
cat > check.py <<'PY'
import math, os, sys
import numpy as np
import uniapprox as ua
site = sys.argv[1]
assert ua.__file__.startswith(site), ua.__file__
assert os.path.realpath(ua.LIBRARY_PATH).startswith(os.path.realpath(os.path.join(site, "..", "..", ".."))), ua.LIBRARY_PATH
m = ua.fit("erf(x)", domain=(-4, 4), check_points=2000)
x = np.linspace(-4, 4, 1001)
err = max(abs(a - math.erf(t)) for a, t in zip(m.predict(x), x))
assert m.resolved and err < 2e-15, (m.errors, err)
print("ok", ua.version(), ua.LIBRARY_PATH, err)
PY
if env -u UNIAPPROX_LIBRARY PYTHONPATH="$SITE" PYTHONDONTWRITEBYTECODE=1 LD_PRELOAD="$PRE" \
        ASAN_OPTIONS=detect_leaks=0 "$PY" check.py "$SITE" >run.txt 2>&1; then pass; else
    fail "the installed package imports, loads the installed library and fits"; cat run.txt >&2; fi
finish
