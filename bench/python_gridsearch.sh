#!/bin/sh
# UniapproxRegressor(family="kernel") against sklearn.kernel_ridge.KernelRidge in the same
# GridSearchCV (bench/python_gridsearch.py): time ratio of the whole search, best parameters and
# CV scores of both. usage: bench/python_gridsearch.sh [BUILD_DIR]
# (UA_BENCH_ROUNDS: rounds, default 5; N: samples, default 2000)
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHONPATH="$ROOT/$BUILD/python" /usr/bin/python3 "$ROOT/bench/python_gridsearch.py" "${N:-2000}" \
    "${UA_BENCH_ROUNDS:-5}"
