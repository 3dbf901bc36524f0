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
# every --split-dir in the README names a UCI split folder uci/<name> (docs/data.md: the layout of
# the published split files); where a copy of those folders is at hand, it is a split folder
dirs=$(sed -n 's/.*--split-dir \([^ ]*\).*/\1/p' "$ROOT/README.md")
[ -n "$dirs" ] && pass || fail "README shows a --split-dir example"
for d in $dirs; do
    case $d in uci/?*) pass ;; *) fail "README: --split-dir $d is not a uci/<name> folder" ;; esac
    if [ -d "$ROOT/../shared/data/uci" ]; then
        [ -f "$ROOT/../shared/data/$d/data.txt" ] && pass || fail "README: --split-dir $d has no data.txt"
    fi
done
finish
