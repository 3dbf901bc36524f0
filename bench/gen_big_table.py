#!/usr/bin/python3
"""Writes a large float32 table for bench/out_of_core.sh as a C-order .npy file, chunk by chunk
(the table itself is never in memory): ROWS rows of 4 inputs uniform on [-1, 1] and the target
y = sin(2 x0) + x1 x2 - 0.5 x3^2, float32.

usage: bench/gen_big_table.py PATH ROWS [SEED]
10^8 rows are 2.0 GB (20 bytes a row). Not for committing: bench/out_of_core.sh writes it under
$TMPDIR and removes it afterwards.
"""
import sys
import numpy as np


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    path, rows = sys.argv[1], int(float(sys.argv[2]))
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) == 4 else 1)
    chunk = 1 << 20
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": "<f4", "fortran_order": False, "shape": (rows, 5)})
        done = 0
        while done < rows:
            m = min(chunk, rows - done)
            x = rng.uniform(-1, 1, size=(m, 4))
            y = np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] ** 2
            np.concatenate([x, y[:, None]], axis=1).astype("<f4").tofile(f)
            done += m


if __name__ == "__main__":
    main()
