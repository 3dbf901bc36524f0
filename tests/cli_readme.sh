#!/bin/sh
# The C example in README.md is examples/readme.c (which the example_readme test builds and runs):
# the two must not drift apart.
. "$(dirname "$0")/lib_cli.sh"
ROOT=$(cd "$TESTS_DIR/.." && pwd)
awk '/^```c$/ { on = 1; next } /^```$/ { on = 0 } on' "$ROOT/README.md" >readme_block.c
tail -n +2 "$ROOT/examples/readme.c" >example_body.c
if cmp -s readme_block.c example_body.c; then pass; else
    fail "README.md's C example differs from examples/readme.c"; diff readme_block.c example_body.c >&2; fi
# the two commands a fresh machine needs are in the README
grep -q 'make demo' "$ROOT/README.md" && pass || fail "README shows make demo"
grep -q 'make test' "$ROOT/README.md" && pass || fail "README shows make test"
finish
