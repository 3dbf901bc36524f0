#!/bin/sh
# Runs every fuzzer of BUILD (a UA_FUZZ=ON build: `make fuzz`) for SECONDS seconds on each folder
# tests/fuzz/corpus/NAME/ (harness fuzz_NAME, or fuzz_PREFIX for NAME = PREFIX_REST, e.g. the
# model_cheb folder runs fuzz_model). The committed seeds are read, never written: what a run
# finds goes to BUILD/fuzz-corpus/NAME/, crash reproducers to BUILD/fuzz-crashes/, logs to
# BUILD/fuzz-logs/. UA_FUZZ_TIMEOUT (default 30) is the seconds one input may take before it
# counts as a hang: raise it only when the machine is oversubscribed (the limit is wall time, so
# a starved harness trips it on inputs that take a second alone). Prints one line per run (seconds taken, executions, the corpus found so far)
# and exits 1 when any fuzzer found a crash, a leak, a timeout or an out-of-memory input (the
# summary names them).
#   usage: sh tests/fuzz/run.sh BUILD SECONDS [NAME ...]
set -u
cd "$(dirname "$0")/../.."
build=${1:?usage: run.sh BUILD SECONDS [NAME ...]}
secs=${2:?usage: run.sh BUILD SECONDS [NAME ...]}
shift 2
names="$*"
[ -n "$names" ] || names=$(cd tests/fuzz/corpus && ls)
mkdir -p "$build/fuzz-corpus" "$build/fuzz-crashes" "$build/fuzz-logs"
# one thread each: the fuzzers are many short runs, and CI machines are shared
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
failed=""
for name in $names; do
    harness="$build/fuzz_$name"
    [ -x "$harness" ] || harness="$build/fuzz_${name%%_*}"
    if [ ! -x "$harness" ]; then
        echo "fuzz: no harness for tests/fuzz/corpus/$name ($harness)" >&2
        failed="$failed $name"
        continue
    fi
    base=$(basename "$harness")
    dict=""
    [ -f "tests/fuzz/${base#fuzz_}.dict" ] && dict="-dict=tests/fuzz/${base#fuzz_}.dict"
    work="$build/fuzz-corpus/$name"
    log="$build/fuzz-logs/$name.log"
    mkdir -p "$work"
    # max_len: the largest seed or 4 KiB; the limits make a slow input (UA_FUZZ_TIMEOUT s), a huge allocation
    # (2 GiB) and a leak findings, as the house rules ask of every reader
    big=$(find "tests/fuzz/corpus/$name" -type f -exec wc -c {} + | awk '$2 != "total" && $1 > m { m = $1 } END { print m + 0 }')
    maxlen=$(( big > 4096 ? big : 4096 ))
    t0=$(date +%s)
    # shellcheck disable=SC2086
    "$harness" -max_total_time="$secs" -timeout="${UA_FUZZ_TIMEOUT:-30}" -rss_limit_mb=2048 -max_len="$maxlen" \
        -print_final_stats=1 -artifact_prefix="$build/fuzz-crashes/$name-" $dict \
        "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - t0 ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    corpus=$(ls "$work" | wc -l)
    line="fuzz $name: $took s, ${execs:-?} executions, corpus $corpus files found + seeds"
    if [ "$rc" -ne 0 ]; then
        echo "$line: FAILED (exit $rc), see $log" >&2
        grep -m 3 -E "ERROR: |SUMMARY: |Test unit written" "$log" >&2
        failed="$failed $name"
    else
        echo "$line"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: findings in:$failed (reproducers in $build/fuzz-crashes/)" >&2
    exit 1
fi
