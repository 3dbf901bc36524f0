#!/usr/bin/python3
"""Writes tests/ref/safetensors_ref.bin (named .bin because .gitignore ignores *.safetensors): a
safetensors file built by hand from the format specification
(https://github.com/huggingface/safetensors, "Format"), independently of the C writer, so that test_safetensors.c can check that uniapprox reads a file it did not write.

Layout, as the specification gives it: 8-byte little-endian unsigned header length N, N bytes of
UTF-8 JSON (padded with spaces to a multiple of 8, as the reference writer does), then the raw
little-endian tensor bytes; data_offsets are relative to the start of the data section. Tensors
are laid out like the reference writer: larger dtypes first, then by name, contiguously.

The values are chosen to exercise the edges (subnormals, -0.0, extremes of the integer types,
a 0-d scalar, an empty tensor, a non-ASCII metadata string written with \\u escapes).
Run: /usr/bin/python3 tests/gen/safetensors_ref.py   (no third-party packages needed)
"""
import json
import math
import os
import struct

TENSORS = [
    # name, dtype, shape, struct code, values
    ("a.f64", "F64", [2, 3], "d", [0.1, -2.5, 1e300, 5e-324, -0.0, math.pi]),
    ("b.f32", "F32", [4], "f", [1.5, -0.25, 3.4028234663852886e38, 1.401298464324817e-45]),
    ("c.i64", "I64", [3], "q", [-9223372036854775808, 0, 123456789012345]),
    ("d.i32", "I32", [2, 2], "i", [-1, 2147483647, -2147483648, 7]),
    ("e.u8", "U8", [5], "B", [0, 1, 127, 128, 255]),
    ("s", "F64", [], "d", [42.0]),
    ("z", "F32", [0, 3], "f", []),
]
SIZES = {"F64": 8, "F32": 4, "I64": 8, "I32": 4, "U8": 1}
METADATA = {"format": "test", "note": "h\u00e9llo \"quoted\""}


def main():
    order = sorted(TENSORS, key=lambda t: (-SIZES[t[1]], t[0]))
    header = {"__metadata__": METADATA}
    data = b""
    for name, dtype, shape, code, values in order:
        raw = struct.pack("<%d%s" % (len(values), code), *values)
        assert len(raw) == SIZES[dtype] * math.prod(shape)
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode("utf-8")  # ensure_ascii: the e-acute becomes \u00e9
    text += b" " * (-len(text) % 8)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ref",
                       "safetensors_ref.bin")
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


if __name__ == "__main__":
    main()
