#!/usr/bin/python3
"""Writes the sample-file fixtures of tests/test_data.c into tests/data/, and
tests/data/fixtures_ref.h, the values each fixture holds as C hex-float literals.

The files are written here from the format descriptions, independently of uniapprox's readers:
  - CSV and whitespace text with Python's repr() of each double (shortest round-trip form), so a
    correct strtod gives back exactly the value in fixtures_ref.h;
  - .npy by hand with struct, following numpy.lib.format (NEP 1): magic b"\\x93NUMPY", version
    bytes, a little-endian u16 (1.0) or u32 (2.0, 3.0) header length, the header dict padded with
    spaces and ended by '\\n' so that the data starts at a multiple of 64 bytes, then raw C-order
    data. (numpy is not needed and not used.)
  - UCI-style split files: one 0-based index per line, as in ../shared/data/uci/*/index_*.txt.

Run: /usr/bin/python3 tests/gen/data_fixtures.py   (from the repository root)
"""
import math
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data")

# A (4, 3) table that exercises the parser: subnormals, -0.0, the extremes of double, values
# with no short decimal form, integers written without a point, exponents.
TABLE = [
    [0.1, -2.5e-3, 1e300],
    [5e-324, -0.0, 3.0],
    [1.7976931348623157e308, -2.2250738585072014e-308, math.pi],
    [123456789.0, -7.0, 1.0 / 3.0],
]
NAMES = ["alpha", "x y", "z"]  # "x y" is written quoted in the CSV


def f32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


def cell(v):
    """repr(), except integral values without '.0' (as the UCI files write them)."""
    if v == int(v) and abs(v) < 1e15 and not (v == 0 and math.copysign(1, v) < 0):
        return str(int(v))
    return repr(v)


def write(name, data, mode="w"):
    path = os.path.join(OUT, name)
    if mode == "wb":
        with open(path, "wb") as f:
            f.write(data)
    else:
        with open(path, "w", newline="") as f:
            f.write(data)


def csv_text(eol):
    lines = ["# a comment before the header", ' alpha , "x y",z ']
    for k, row in enumerate(TABLE):
        if k == 2:
            lines += ["", "   # an indented comment", "\t"]
        lines.append(" , ".join(cell(v) for v in row) if k % 2 else ",".join(cell(v) for v in row))
    return eol.join(lines) + eol


def txt_text():
    # The UCI layout: tab- or blank-separated, blanks before the tab, a trailing blank line.
    lines = []
    for k, row in enumerate(TABLE):
        sep = " \t" if k % 2 == 0 else "   "
        lines.append(("  " if k == 1 else "") + sep.join(cell(v) for v in row) + " ")
    return "\n".join(lines) + "\n\n"


def npy(values, shape, descr, version=(1, 0)):
    code = {"f4": "f", "f8": "d"}[descr[1:]]
    order = "<" if descr[0] == "<" else ">"
    shape_s = "(%d,)" % shape[0] if len(shape) == 1 else "(%s)" % ", ".join(str(s) for s in shape)
    head = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_s)
    lenbytes = 2 if version[0] == 1 else 4
    pre = 6 + 2 + lenbytes
    total = pre + len(head) + 1
    head += " " * ((64 - total % 64) % 64) + "\n"
    out = b"\x93NUMPY" + bytes(version)
    out += struct.pack("<H" if lenbytes == 2 else "<I", len(head)) + head.encode("latin1")
    assert len(out) % 64 == 0
    out += struct.pack(order + "%d%s" % (len(values), code), *values)
    return out


def flat(rows):
    return [v for r in rows for v in r]


def c_array(name, values):
    body = ",\n    ".join(", ".join(float(v).hex() if v == v else "NAN" for v in values[i:i + 4])
                          for i in range(0, len(values), 4))
    return "static const double %s[%d] = {\n    %s,\n};\n" % (name, len(values), body)


def main():
    os.makedirs(OUT, exist_ok=True)
    ref = []
    write("small.csv", csv_text("\n"))
    write("small_crlf.csv", csv_text("\r\n"))
    write("small.txt", txt_text())
    ref.append(c_array("ref_table", flat(TABLE)))  # (4, 3)

    # .npy: float64 2-D (5, 2); float32 2-D (3, 4); float64 1-D (6,); big-endian f8 and f4;
    # versions 2.0 and 3.0.
    f8_2d = [[(i + 1) * 0.25 - j * 1e-3 + (i * j) / 7.0 for j in range(2)] for i in range(5)]
    f4_2d = [[f32(math.sin(i * 4 + j) * 10 ** (j - 1)) for j in range(4)] for i in range(3)]
    f8_1d = [math.exp(-k) for k in range(6)]
    write("f8_2d.npy", npy(flat(f8_2d), (5, 2), "<f8"), "wb")
    write("f4_2d.npy", npy(flat(f4_2d), (3, 4), "<f4"), "wb")
    write("f8_1d.npy", npy(f8_1d, (6,), "<f8"), "wb")
    write("f8_be.npy", npy(flat(f8_2d), (5, 2), ">f8"), "wb")
    write("f4_be_1d.npy", npy([v for r in f4_2d for v in r], (12,), ">f4"), "wb")
    write("f8_v2.npy", npy(flat(f8_2d), (5, 2), "<f8", (2, 0)), "wb")
    write("f4_v3.npy", npy(flat(f4_2d), (3, 4), "<f4", (3, 0)), "wb")
    ref.append(c_array("ref_f8_2d", flat(f8_2d)))  # (5, 2)
    ref.append(c_array("ref_f4_2d", flat(f4_2d)))  # (3, 4), values already rounded to float32
    ref.append(c_array("ref_f8_1d", f8_1d))        # (6,)

    # UCI-style split files for a 12-row, 4-column table: features 0..2, target 3.
    train = [7, 0, 11, 3, 5, 9, 1, 10]
    test = [2, 4, 6, 8]
    write("index_train_0.txt", "".join("%d\n" % k for k in train))
    write("index_test_0.txt", "".join("%d\n" % k for k in test))
    write("index_features.txt", "0\n1\n2\n")
    write("index_target.txt", "3\n")
    ref.append("static const size_t ref_train[%d] = {%s};\n" % (len(train), ", ".join(map(str, train))))
    ref.append("static const size_t ref_test[%d] = {%s};\n" % (len(test), ", ".join(map(str, test))))

    with open(os.path.join(OUT, "fixtures_ref.h"), "w") as f:
        f.write("/* Written by tests/gen/data_fixtures.py: the values in the fixtures of "
                "tests/data/. Do not edit. */\n")
        f.write("#include <math.h>\n#include <stddef.h>\n\n")
        f.write("\n".join(ref))


if __name__ == "__main__":
    main()
