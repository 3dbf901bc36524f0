#!/usr/bin/python3
"""Writes the seed corpora of the fuzz harnesses into tests/fuzz/corpus/NAME/ (docs/reliability.md).

Seeds are small valid inputs of each format, so that the fuzzers start inside the readers rather
than at their first check:
  expr      expressions (byte 0 chooses the variables: 0 "x", k in 1..5 the names x1..xk, 6 names
            before "|UA|"), covering every function, constant and operator of docs/expressions.md
  csv text  tables (header, quotes, BOM, CRLF, comments, hex floats) and the tests/data fixtures
  npy       .npy files written by hand from NEP 1 (numpy.lib.format): versions 1.0/2.0/3.0,
            f4/f8/i4/i8, both byte orders, ranks 0..3
  indices   UCI split files (byte 0: the limit - 1)
  seq       x.npy "|UA|" y.npy pairs: tokens/classes and reals
  samples   byte 0 (mod 3) the mode, then the files "|UA|"-separated (see fuzz_samples.c)
  st        safetensors images written by hand (and the models below)
  graphs    JSON-lines graph data sets (docs/graph.md): graph and node targets, classes
  pde       PDE problem files (docs/pde.md): the shipped examples and variants of every condition
  model_F   models of family F saved by `uniapprox fit` (with --uniapprox PATH): each family's
            real tensors and metadata
The .npy and safetensors writers here follow the published formats, independently of uniapprox.

Run from the repository root:
  /usr/bin/python3 tests/gen/fuzz_corpus.py [--uniapprox build/uniapprox]
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
SEP = b"|UA|"


def put(name, fname, data):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data)


def npy(shape, values, descr="<f8", version=(1, 0)):
    """A .npy image (NEP 1): magic, version, header length, dict padded to 64, raw C-order data."""
    code = {"f4": "f", "f8": "d", "i4": "i", "i8": "q"}[descr[1:]]
    order = "<" if descr[0] == "<" else ">"
    data = struct.pack(order + code * len(values), *values)
    shp = "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(str(s) for s in shape) + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shp)
    lenfmt = "<H" if version == (1, 0) else "<I"
    pre = 6 + 2 + struct.calcsize(lenfmt)
    pad = 64 - (pre + len(header) + 1) % 64
    header = header + " " * (pad % 64) + "\n"
    return (b"\x93NUMPY" + bytes(version) + struct.pack(lenfmt, len(header)) +
            header.encode("latin1") + data)


def safetensors(tensors, meta):
    """A safetensors image: u64 header length, JSON header, contiguous little-endian data."""
    header, blob = {}, b""
    if meta is not None:
        header["__metadata__"] = meta
    for name, (dtype, shape, values) in tensors.items():
        code = {"F64": "d", "F32": "f", "I64": "q", "I32": "i", "U8": "B"}[dtype]
        raw = struct.pack("<" + code * len(values), *values)
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + blob


def expr_seeds():
    exprs = [
        (0, "x"), (0, "1"), (0, "2.5e-3*x + .5"), (0, "-2^2"), (0, "2^3^2"), (0, "(x)"),
        (0, "exp(x)-expm1(x)+log(x)+log1p(x)+log2(x)+log10(x)"),
        (0, "sqrt(x)*cbrt(x)/sin(x)-cos(x)+tan(x)"),
        (0, "asin(x)+acos(x)+atan(x)+sinh(x)+cosh(x)+tanh(x)"),
        (0, "asinh(x)+acosh(x+2)+atanh(x/4)"),
        (0, "erf(x)+erfc(x)+tgamma(x)+lgamma(x)+j0(x)+j1(x)+y0(x)+y1(x)"),
        (0, "abs(x)+sign(x)"), (0, "atan2(x,1)+min(x,2)+max(x,-1)+pow(x,3)+hypot(x,4)"),
        (0, "pi*e"), (0, "nfw-sigma"), (0, "x/0"), (0, "1e308*10"), (0, "0x1p-3"),
        (0, "((((((((((x))))))))))"), (0, "sin(1e22)"), (0, "x^-0.5"), (0, "- - -x"),
        (2, "x1*x2 + sin(x1)"), (3, "exp(-(x1^2+x2^2+x3^2))"), (5, "x1+x2+x3+x4+x5"),
        (1, "x1 ^ 2"),
    ]
    for i, (mode, text) in enumerate(exprs):
        put("expr", "seed%02d" % i, bytes([mode]) + text.encode())
    put("expr", "names0", bytes([6]) + b"pi,e,sin" + SEP + b"pi*e+sin")
    put("expr", "names1", bytes([6]) + b"a,b" + SEP + b"a*cos(b)")


def table_seeds():
    data = os.path.join(ROOT, "tests", "data")
    for f in sorted(os.listdir(data)):
        path = os.path.join(data, f)
        if not os.path.isfile(path) or os.path.getsize(path) > 4096:  # small seeds run faster
            continue
        with open(path, "rb") as fh:
            body = fh.read()
        if f.endswith(".csv"):
            put("csv", f, body)
        elif f.endswith(".txt") and not f.startswith("index_"):
            put("text", f, body)
        elif f.endswith(".npy"):
            put("npy", f, body)
    put("csv", "quoted.csv", 'a,"b ""q""",c\n1,2,3\n# c\n\n4,5,6\n')
    put("csv", "bom_crlf.csv", b"\xef\xbb\xbfx,y\r\n0x1p-3,-1.5e3\r\n")
    put("text", "tabs.txt", "1\t2\t3\n# comment\n4 5 6\n\n7e-1 .5 -0\n")
    put("text", "one.txt", "42\n")


def npy_seeds():
    put("npy", "v1_f8_2d.npy", npy((2, 3), [1, 2, 3, 4, 5, 6.5]))
    put("npy", "v2_f4_1d.npy", npy((3,), [1, -2, 3.25], "<f4", (2, 0)))
    put("npy", "v3_i4_3d.npy", npy((2, 2, 2), list(range(8)), "<i4", (3, 0)))
    put("npy", "be_i8.npy", npy((2,), [7, -9], ">i8"))
    put("npy", "scalar.npy", npy((), [3.5]))
    put("npy", "empty.npy", npy((0, 2), []))


def blocks_seeds():
    # fuzz_blocks: byte 0 = CSV (bit 0) and block rows - 1 (bits 1-4), then the file
    put("blocks", "npy_f4_b3.bin", bytes([2 * 2]) + npy((5, 2), list(range(10)), "<f4"))
    put("blocks", "npy_f8be_b1.bin", bytes([0]) + npy((3,), [1.5, -2, 7], ">f8"))
    put("blocks", "csv_b2.bin", bytes([1 + 2 * 1]) + b"a,b\n1,2\n# c\n3,4\n\n5,6\r\n7,8\n")
    put("blocks", "csv_ragged.bin", bytes([1]) + b"a,b\n1,2\n3\n")
    put("blocks", "npy_trunc.bin", bytes([4]) + npy((4, 2), list(range(8)))[:-5])


def index_seeds():
    data = os.path.join(ROOT, "tests", "data")
    for f in sorted(os.listdir(data)):
        if f.startswith("index_"):
            with open(os.path.join(data, f), "rb") as fh:
                put("indices", f, bytes([99]) + fh.read())
    put("indices", "floats.txt", bytes([9]) + b"0\n3.0\n7.\n# c\n\n2\n")


def seq_seeds():
    x = npy((2, 3), [0, 1, 2, 2, 1, 0], "<i4")
    y = npy((2, 3), [2, 1, 0, 0, 1, 2], "<i4")
    put("seq", "tokens", x + SEP + y)
    put("seq", "tokens_only", x)
    xr = npy((2, 2, 1), [0.5, 1.5, -1, 2], "<f4")
    yr = npy((2, 2, 1), [0.5, 2, -1, 1], "<f4")
    put("seq", "reals", xr + SEP + yr)
    put("seq", "i8_f8", npy((1, 2), [3, 4], "<i8") + SEP + npy((1, 2, 2), [1, 2, 3, 4], "<f8"))


def samples_seeds():
    uci = os.path.join(ROOT, "tests", "data", "problem", "uci")
    parts = []
    for f in ["data.txt", "index_features.txt", "index_target.txt", "index_train_0.txt",
              "index_test_0.txt"]:
        with open(os.path.join(uci, f), "rb") as fh:
            parts.append(fh.read())
    put("samples", "split", bytes([0]) + SEP.join(parts))
    put("samples", "split_small", bytes([0]) + SEP.join(
        [b"1 2 3\n4 5 6\n7 8 9\n", b"0\n1\n", b"2\n", b"0\n1\n", b"2\n"]))
    put("samples", "csv", bytes([1]) + SEP.join(
        [b"a,b", b"y", b"a,b,y\n1,2,3\n4,5,6\n7,8,10\n", b"a,b,y\n0,1,2\n"]))
    put("samples", "csv_default", bytes([1]) + SEP.join(
        [b"", b"", b"p,q\n1,2\n3,4\n", b"0,1\n1,2\n"]))
    x = npy((2, 3), [0, 1, 2, 2, 1, 0], "<i4")
    y = npy((2, 3), [2, 1, 0, 0, 1, 2], "<i4")
    put("samples", "sequences", bytes([2]) + SEP.join([x, y, x, y]))


def st_seeds():
    put("st", "empty", safetensors({}, None))
    put("st", "meta_only", safetensors({}, {"format": "uniapprox", "k": "1.5"}))
    put("st", "all_dtypes", safetensors({
        "a": ("F64", [2, 2], [1, 2, 3, 4]), "b": ("F32", [3], [1, 2, 3]),
        "c": ("I64", [1], [5]), "d": ("I32", [2, 1], [6, 7]), "e": ("U8", [4], [1, 2, 3, 4]),
        "s": ("F64", [], [2.5]), "z": ("F32", [0, 3], [])}, {"x": "nan", "y": "1e308"}))


def graphs_seeds():
    put("graphs", "graph_targets.jsonl",
        '{"x": [[1, 2], [3, 4], [5, 6]], "edge_index": [[0, 1, 2], [1, 2, 0]],'
        ' "edge_attr": [0.5, 1.5, 2.5], "y": 7.25}\n\n'
        '{"x": [[-1, 0.125]], "edge_index": [[], []], "edge_attr": [], "y": [-3]}\n')
    put("graphs", "node_classes.jsonl",
        '{"format": "uniapprox-graphs", "nclasses": 3}\n'
        '{"num_nodes": 2, "edge_index": [[0, 1], [1, 0]], "y_node": [0, 2]}\n'
        '{"num_nodes": 3, "edge_index": [[2, 0], [0, 1]], "y_node": [[1], [1], [0]]}\n')
    put("graphs", "no_targets.jsonl",
        '{"x": [[1e-300], [2]], "edge_index": [[0], [1]], "edge_attr": [[1, 2]]}\n')
    put("graphs", "vector_y.jsonl", '{"num_nodes": 1, "y": [1, 2]}\n{"num_nodes": 2, "y": [3, 4]}\n')


def model_seeds(ua):
    """Fits small models of every family with the CLI and copies the files. Data files are
    named relative to the work folder, so the models record no path of this machine."""
    work = tempfile.mkdtemp(prefix="uafuzzseed")
    csv1 = os.path.join(work, "s1.csv")
    with open(csv1, "w") as f:
        f.write("t,v\n" + "".join("%g,%g\n" % (i / 10, (i / 10) ** 2) for i in range(12)))
    csv3 = os.path.join(work, "s3.csv")
    with open(csv3, "w") as f:
        f.write("a,b,y\n" + "".join("%g,%g,%g\n" % (i / 7, (i % 3) / 2, i / 7 + (i % 3))
                                   for i in range(16)))
    fits = {
        "cheb": [["exp(x)", "--domain", "-1:1"], ["abs(x-0.3)", "--split"],
                 ["--data", "s1.csv", "--family", "cheb", "--degree", "3"],
                 ["log(x)", "--domain", "1:100", "--map", "log"]],
        "spline": [["exp(x)", "--family", "spline", "--domain", "0:1"],
                   ["--data", "s1.csv", "--family", "spline", "--method", "pchip"]],
        "minimax": [["2^x", "--family", "minimax", "--degree", "4", "--domain", "0:1"],
                    ["exp(x)", "--family", "minimax", "--degree", "3", "--domain", "-1:1",
                     "--coeffs", "float"]],
        "evolve": [["2^x", "--family", "evolve", "--domain", "0:1", "--degree", "3",
                    "--generations", "1", "--offspring", "2", "--max-evals", "50"],
                   ["log2(x)", "--family", "evolve", "--domain", "1:2", "--degree", "3",
                    "--generations", "1", "--offspring", "2", "--max-evals", "50",
                    "--precision", "float32", "--exhaustive", "none"]],
        "chebnd": [["cos(x+y)", "--vars", "x,y", "--domain", "0:1", "--family", "chebnd"],
                   ["x+y*z", "--vars", "x,y,z", "--domain", "0:1", "--family", "chebnd"]],
        "sparse": [["exp(x+y)", "--vars", "x,y", "--domain", "0:1", "--family", "sparse",
                    "--tol", "1e-3"]],
        "mlp": [["--data", "s3.csv", "--family", "mlp", "--hidden", "4", "--epochs", "3"],
                # a deep ensemble (docs/mlp.md): members under ensemble.{i}., noise variances
                ["--data", "s3.csv", "--family", "mlp", "--hidden", "4", "--epochs", "3",
                 "--n-estimators", "2"]],
        "kernel": [["--data", "s3.csv", "--family", "kernel"]],
        "rf": [["--data", "s3.csv", "--family", "rf", "--features", "8"]],
    }
    for fam, runs in fits.items():
        for i, args in enumerate(runs):
            out = os.path.join(work, "%s%d.safetensors" % (fam, i))
            r = subprocess.run([ua, "fit"] + args + ["-o", out], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if not os.path.exists(out):
                sys.exit("fit %s %s failed: %s" % (fam, args, r.stderr.decode()))
            with open(out, "rb") as fh:
                put("model_" + fam, "%s%d" % (fam, i), fh.read())
    # compressed networks (docs/compress.md): factors, 8-bit and packed 4-bit codes
    for meth in ["lowrank", "quant8", "quant4"]:
        out = os.path.join(work, "mlp_%s.safetensors" % meth)
        extra = ["--rank", "1"] if meth == "lowrank" else []
        subprocess.run([ua, "compress", "mlp0.safetensors", "-o", out, "--method", meth] + extra,
                       check=True, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out, "rb") as fh:
            put("model_mlp", "mlp_" + meth, fh.read())
    # seq: a tiny token task and a tiny real-valued one
    for i, task in enumerate(["copy", "cumsum"]):
        d = os.path.join(work, task)
        extra = ["--vocab", "4"] if task == "copy" else []
        subprocess.run([ua, "data", task, "-o", d, "--n", "4", "--train", "20", "--test", "4"] +
                       extra, check=True, stdout=subprocess.DEVNULL)
        out = os.path.join(work, "seq%d.safetensors" % i)
        subprocess.run([ua, "fit", "--family", "seq", "--data", task + "/train_x.npy", "--targets",
                        task + "/train_y.npy", "--width", "8", "--heads", "1", "--layers", "1",
                        "--epochs", "1", "--threads", "1", "-o", out], check=True, cwd=work,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out, "rb") as fh:
            body = fh.read()
        put("model_seq", "seq%d" % i, body)
    # graph: a tiny GPS model on a generated molecule-like task
    g = os.path.join(work, "g.jsonl")
    subprocess.run([ua, "data", "graphs", "molecule", "-o", g, "--n", "20", "--seed", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(work, "graph0.safetensors")
    subprocess.run([ua, "fit", "--family", "graph", "--graphs", g, "--dim-hidden", "4", "--heads",
                    "1", "--layers", "1", "--epochs", "1", "--pe-dim", "2", "-o", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out, "rb") as fh:
        put("model_graph", "graph0", fh.read())
    pde_model_seeds(ua, work)
    # the safetensors parser starts from real models too
    for fam in ["cheb", "kernel"]:
        with open(os.path.join(CORPUS, "model_" + fam, fam + "0"), "rb") as fh:
            put("st", "model_" + fam, fh.read())
    shutil.rmtree(work)


def pde_seeds():
    ex = os.path.join(ROOT, "examples", "pde")
    for f in sorted(os.listdir(ex)):
        if f.endswith(".json"):
            with open(os.path.join(ex, f), "rb") as fh:
                put("pde", f, fh.read())
    put("pde", "neumann_periodic.json", json.dumps({
        "space": {"x": [0, 1], "y": [0, 2]}, "parameters": {"k": 2},
        "equation": "u_xx + u_yy + u_xy - k*u",
        "conditions": [{"type": "neumann", "on": "x=lo", "value": "0"},
                       {"type": "dirichlet", "on": "x=1", "value": "cos(pi*y)"},
                       {"type": "periodic", "variable": "y"}],
        "exact": "cosh(x)*cos(pi*y)"}))
    put("pde", "heat3.json", json.dumps({
        "space": {"x": [0, 1], "y": [0, 1], "z": [0, 1]}, "time": {"t": [0, 0.5]},
        "equation": "u_t - 0.1*lap(u)",
        "conditions": [{"type": "dirichlet", "value": 0},
                       {"type": "initial", "value": "sin(pi*x)*sin(pi*y)*sin(pi*z)"}],
        "exact": "exp(-0.3*pi^2*t)*sin(pi*x)*sin(pi*y)*sin(pi*z)"}))
    put("pde", "transform.json", json.dumps({
        "space": {"x": [-1, 1]}, "time": {"t": [0, 1]}, "parameters": {"d": 0.001},
        "equation": "u_t - d*u_xx + 5*(u^3 - u)",
        "conditions": [{"type": "dirichlet", "value": -1},
                       {"type": "initial", "value": "x^2*cos(pi*x)"}],
        "output_transform": {"g": "x^2*cos(pi*x)", "D": "t*(1-x^2)"},
        "exact": "0"}))
    put("pde", "transform_none.json", json.dumps({
        "space": {"x": [0, 1]}, "equation": "u_xx + pi^2*sin(pi*x)",
        "conditions": [{"type": "dirichlet", "value": 0}],
        "output_transform": "none", "exact": "sin(pi*x)"}))


def pde_model_seeds(ua, work):
    """pde models: a plain, a Fourier-feature and a Gaussian-feature network (tiny budgets), fitted
    on a copy of the Poisson example named relatively (no path of this machine in the seeds)."""
    shutil.copy(os.path.join(ROOT, "examples", "pde", "poisson.json"), work)
    small = ["--pde", "poisson.json", "--hidden", "4", "--iterations", "3", "--lbfgs-maxiter", "0",
             "--num-domain", "16", "--num-boundary", "8", "--points", "1000"]
    for i, extra in enumerate([[], ["--net", "fourier", "--features", "3"],
                               ["--net", "gaussian", "--features", "3", "--activation", "sin"],
                               ["--output-transform", "none"]]):
        out = os.path.join(work, "pde%d.safetensors" % i)
        subprocess.run([ua, "fit"] + small + extra + ["-o", out], cwd=work, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out, "rb") as fh:
            put("model_pde", "pde%d" % i, fh.read())
    # hard constraints with a parameter among the transform's variables (transform_params)
    shutil.copy(os.path.join(ROOT, "examples", "pde", "allen_cahn.json"), work)
    out = os.path.join(work, "pde4.safetensors")
    subprocess.run([ua, "fit"] + small[2:] + ["--pde", "allen_cahn.json", "-o", out], cwd=work,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out, "rb") as fh:
        put("model_pde", "pde4", fh.read())


def main():
    ua = None
    if len(sys.argv) == 3 and sys.argv[1] == "--uniapprox":
        ua = os.path.abspath(sys.argv[2])
    elif len(sys.argv) != 1:
        sys.exit(__doc__)
    expr_seeds()
    table_seeds()
    npy_seeds()
    blocks_seeds()
    index_seeds()
    seq_seeds()
    samples_seeds()
    st_seeds()
    graphs_seeds()
    pde_seeds()
    if ua:
        model_seeds(ua)


if __name__ == "__main__":
    main()
