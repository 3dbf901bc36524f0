"""uniapprox's Python API against independent references: Python's math.erf and NumPy's
functions at points the library never saw, the version in CMakeLists.txt, and the C compiler
running the exported code."""
import math
import os
import pickle
import re
import shutil
import subprocess
import warnings

import numpy as np
import pytest

import uniapprox as ua

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="module")
def erf_model():
    return ua.fit("erf(x)", domain=(-4, 4), check_points=20000)


def test_fit_erf_resolved_and_accurate(erf_model):
    m = erf_model
    assert m.family == "cheb" and m.target == "erf(x)" and m.dims == (1, 1)
    assert m.domain == [(-4.0, 4.0)]
    e = m.errors
    assert e["verdict"] == "resolved" and m.resolved is True
    assert e["check_points"] >= 20000
    assert e["max_abs_err"] < 1e-15
    # independent: Python's erf at points off the measurement's grid
    x = np.linspace(-4, 4, 4099)[1:-1] + 1e-3 / 7
    ref = np.array([math.erf(t) for t in x])
    assert np.max(np.abs(m.predict(x) - ref)) <= 2e-15


def test_predict_shapes_and_no_copy(erf_model):
    m = erf_model
    assert isinstance(m.predict(0.5), float)
    assert m.predict(0.5) == pytest.approx(math.erf(0.5), abs=1e-15)
    x = np.linspace(-3, 3, 1001)
    out = np.empty(1001)
    y = m.predict(x, out=out)
    assert y is out  # written in place: no allocation
    assert np.array_equal(m.predict(x.reshape(-1, 1)), y)
    # a strided or integer view is converted (a copy) and gives the same values
    assert np.array_equal(m.predict(x[::2]), y[::2])
    assert np.array_equal(m.predict(np.arange(-3, 4)), m.predict(np.arange(-3.0, 4.0)))
    assert math.isnan(m.predict(5.0))  # outside the domain
    with pytest.raises(ua.InvalidArgumentError):
        m.predict(x, out=np.empty(3))
    with pytest.raises(ValueError, match="takes 1 input"):
        m.predict(np.ones((4, 2)))


def test_fit_2d_formula_and_text_domain():
    m = ua.fit("exp(-x^2-y^2)", domain=[(-1, 1), (-1, 1)], check_points=4000)
    assert m.family == "chebnd" and m.dims == (2, 1) and m.resolved
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(2000, 2))
    assert np.max(np.abs(m.predict(x) - np.exp(-x[:, 0] ** 2 - x[:, 1] ** 2))) < 1e-13
    assert m.predict(np.array([0.0, 0.0])).shape == (1,)
    m3 = ua.fit("cos(x*y*z)", vars=("x", "y", "z"), domain="0:1", check_points=3000)
    assert m3.dims == (3, 1) and m3.domain == [(0.0, 1.0)] * 3
    x = rng.uniform(0, 1, size=(500, 3))
    assert np.max(np.abs(m3.predict(x) - np.cos(x.prod(axis=1)))) < 1e-12


def test_python_function_called_in_batches():
    shapes = []

    def f(x):
        shapes.append(x.shape)
        assert not x.flags.writeable
        return np.sin(3 * x)

    m = ua.fit(f, domain=(0, 2), check_points=20000)
    assert m.resolved and m.target.startswith("python:")
    assert max(s[0] for s in shapes) >= 10000  # the measurement's batches
    x = np.linspace(0.001, 1.999, 777)
    assert np.max(np.abs(m.predict(x) - np.sin(3 * x))) < 1e-14


def test_python_function_nd_learner():
    def g(x):
        assert x.ndim == 2 and x.shape[1] == 2
        return np.exp(-x[:, 0] ** 2) * np.cos(x[:, 1])

    m = ua.fit(g, domain=[(-1, 1), (0, 2)], family="kernel", samples=400, check_points=2000)
    assert m.family == "kernel" and m.dims == (2, 1)
    x = np.random.default_rng(1).uniform([-1, 0], [1, 2], size=(300, 2))
    assert np.max(np.abs(m.predict(x) - g(x))) < 1e-3
    assert m.errors["max_abs_err"] < 1e-3


def test_function_errors_keep_the_python_exception():
    def bad(x):
        raise ZeroDivisionError("boom")

    with pytest.raises(ua.DomainError, match="failed on a batch of") as info:
        ua.fit(bad, domain=[(0, 1), (0, 1)], family="kernel", samples=50)
    assert isinstance(info.value.__cause__, ZeroDivisionError)

    with pytest.raises(ua.DomainError) as info:
        ua.fit(lambda x: np.ones(3), domain=[(0, 1), (0, 1)], family="kernel", samples=50)
    assert "returned 3 values" in str(info.value.__cause__)


def test_library_errors_become_exceptions_with_the_message():
    with pytest.raises(ua.ParseError, match="column 6: expected '\\)'") as info:
        ua.fit("erf(x", domain=(0, 1))
    assert info.value.status == 3 and info.value.location.startswith("src/")
    with pytest.raises(ua.NotFoundError, match="unknown family 'nope' \\(families: cheb"):
        ua.fit("x", domain=(0, 1), family="nope")
    with pytest.raises(ValueError, match="max_length=0: expected an integer in"):
        ua.fit("x", domain=(0, 1), family="cheb", max_length=0)
    with pytest.raises(ua.InvalidArgumentError, match="a >= b"):
        ua.fit("x", domain=(1, 0))
    with pytest.raises(ua.DomainError, match="inf|nan"):
        ua.fit("1/x", domain=(-1, 1), family="kernel", samples=51)
    with pytest.raises(ua.NotFoundError, match="unknown family"):
        ua.family_options("nope")


def test_options_with_the_automatic_family():
    # as on the command line: the options of the family the library chooses (cheb for a 1-D
    # formula), not a refusal for want of family=
    m = ua.fit("erf(x)", domain=(-4, 4), uniform_length=12)
    assert m.family == "cheb" and m.metadata["family_choice"].startswith("auto:")
    assert m.metadata["uniform_length"] == "12"
    m = ua.fit("exp(x)", domain=(0, 1), tol=1e-5)
    assert m.resolved and m.errors["max_rel_scale_err"] <= 1e-5
    assert abs(m.predict(0.5) - math.exp(0.5)) <= 1e-5 * math.e
    with pytest.raises(ua.NotFoundError, match="unknown option epochs.*chosen for this problem is cheb"):
        ua.fit("exp(x)", domain=(0, 1), epochs=3)


def test_complex_input_refused(erf_model):
    with pytest.raises(ua.InvalidArgumentError, match="complex values"):
        erf_model.predict(np.array([1 + 1j]))
    X = np.linspace(0, 1, 20).reshape(-1, 1)
    with pytest.raises(ua.InvalidArgumentError, match="X holds complex values"):
        ua.fit_data(X + 1j, X[:, 0], family="kernel")
    with pytest.raises(ua.InvalidArgumentError, match="y holds complex values"):
        ua.fit_data(X, X[:, 0] + 1j, family="kernel")


def test_not_resolved_warns_or_raises():
    with pytest.warns(ua.NotResolvedWarning, match="not resolved"):
        m = ua.fit("abs(x)", domain=(-1, 1), family="cheb", max_length=65, check_points=2000)
    assert m.resolved is False and m.errors["verdict"] == "not resolved"
    assert m.errors["tol_ratio"] > 1
    with pytest.raises(ua.NotResolvedError):
        ua.fit("abs(x)", domain=(-1, 1), family="cheb", max_length=65, check_points=2000,
               strict=True)


def test_save_load_pickle(erf_model, tmp_path):
    p = tmp_path / "erf.safetensors"
    erf_model.save(p)
    m = ua.load(p)
    x = np.linspace(-4, 4, 513)
    assert np.array_equal(m.predict(x), erf_model.predict(x))
    assert m.errors == erf_model.errors and m.family == "cheb"
    m2 = pickle.loads(pickle.dumps(erf_model))
    assert np.array_equal(m2.predict(x), erf_model.predict(x))
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    with pytest.raises(ua.FileFormatError):
        ua.load(bad)
    with pytest.raises(OSError, match="cannot open .*No such file"):
        ua.load(tmp_path / "missing.safetensors")


def test_export_c_compiles_and_agrees(erf_model, tmp_path):
    text = erf_model.export_c(name="erf_approx")
    assert "double erf_approx(double x)" in text
    assert text == erf_model.export_c(tmp_path / "e.c", name="erf_approx")
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler")
    main = tmp_path / "main.c"
    main.write_text('#include <stdio.h>\n#include <stdlib.h>\ndouble erf_approx(double);\n'
                    'int main(int c, char **v) { for (int i = 1; i < c; i++) '
                    'printf("%.17g\\n", erf_approx(strtod(v[i], 0))); return 0; }\n')
    exe = tmp_path / "e"
    subprocess.run([cc, "-std=c99", "-O2", "-o", str(exe), str(main), str(tmp_path / "e.c"),
                    "-lm"], check=True)
    x = [-3.5, -0.25, 0.0, 1.0 / 3.0, 2.75]
    out = subprocess.run([str(exe)] + [repr(t) for t in x], check=True, capture_output=True,
                         text=True).stdout.split()
    assert np.max(np.abs(np.array(out, dtype=float) - [math.erf(t) for t in x])) < 2e-15


def test_fit_data_with_test_set():
    rng = np.random.default_rng(7)
    X = rng.uniform(-1, 1, size=(300, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2
    Xt = rng.uniform(-1, 1, size=(100, 2))
    yt = np.sin(2 * Xt[:, 0]) + Xt[:, 1] ** 2
    m = ua.fit_data(X, y, family="kernel", test=(Xt, yt))
    assert m.kind == "samples" and m.domain is None
    rmse = float(np.sqrt(np.mean((m.predict(Xt) - yt) ** 2)))
    assert m.errors["test_rmse"] == pytest.approx(rmse, rel=1e-9)
    assert rmse < 1e-2
    with pytest.raises(ua.InvalidArgumentError, match="not finite|nan"):
        ua.fit_data(np.array([[0.0], [np.nan]]), np.array([1.0, 2.0]), family="kernel")


def test_float32_mlp_beyond_float_range_raises():
    # a float32 network refuses an input that does not fit in float after its scaling, and one
    # whose hidden values overflow, with the row named: never a finite wrong value
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, size=(60, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2
    m = ua.fit_data(X, y, family="mlp", epochs=50, threads=1)
    assert np.isfinite(m.predict(np.array([[1e30, 0.0]]))[0])
    with pytest.raises(ua.DomainError, match=r"row 2 \(x = 1e\+39, 0\) does not fit in the "
                       r"network's float32") as info:
        m.predict(np.array([[1e30, 0.0], [1e39, 0.0]]))
    assert info.value.status == 4
    with pytest.raises(ua.DomainError, match="float32"):
        m.predict(np.array([[1e300, 0.0]]))
    m64 = ua.fit_data(X, y, family="mlp", epochs=50, threads=1, dtype="f64")
    assert np.isfinite(m64.predict(np.array([[1e39, 0.0]]))[0])


def test_version_and_build_info():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        want = re.search(r"project\(uniapprox VERSION ([0-9.]+)", f.read()).group(1)
    assert ua.version() == want == ua.__version__
    info = ua.build_info()
    for name in ("MPFR", "GMP", "OpenBLAS", "LAPACK", "FFTW", "cJSON", "OpenMP", "compiler"):
        assert name in info
    assert re.match(r"^\d+\.\d+\.\d+", info["MPFR"][1])
    assert info["MPFR"][0] and info["cJSON"][1]


def test_families_and_options():
    fams = ua.families()
    assert {"cheb", "chebnd", "kernel", "mlp", "rf", "spline"} <= set(fams)
    opts = {o["name"]: o for o in ua.family_options("kernel")}
    assert opts["kernel"]["choices"][0] == "rbf" and opts["kernel"]["default"] == "rbf"
    assert opts["gamma"]["default"] is None and opts["gamma"]["type"] == "real"


def test_readme_example(tmp_path, monkeypatch):
    """The README's Python example runs as it is shown."""
    with open(os.path.join(ROOT, "README.md")) as f:
        block = re.search(r"```python\n(.*?)```", f.read(), re.S).group(1)
    monkeypatch.chdir(tmp_path)
    # the same calls with a smaller measurement (the default 10^5 MPFR points take seconds)
    fit = ua.fit
    monkeypatch.setattr(ua, "fit", lambda *a, **k: fit(*a, **dict({"check_points": 3000}, **k)))
    env = {}
    exec(compile(block, "README.md", "exec"), env)
    assert env["m"].errors["verdict"] == "resolved"
    assert (tmp_path / "erf_approx.c").exists() and (tmp_path / "erf.safetensors").exists()
