#!/bin/sh
# bench/kernel_select_vs_sklearn.sh — the kernel family's selection (closed-form LOO) against
# scikit-learn's GridSearchCV over KernelRidge on the same grid, at n = 8,000-40,000 (override
# with UA_SELECT_N); see bench/kernel_select_vs_sklearn.py. Not part of `make test`.
# usage: bench/kernel_select_vs_sklearn.sh [BUILD_DIR]
set -eu
exec /usr/bin/python3 "$(dirname "$0")/kernel_select_vs_sklearn.py" "$@"
