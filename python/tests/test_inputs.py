"""What a new user met: wrong shapes, bad integers, text domains, the library's source tags,
callbacks that interrupt or return nonsense, exception types and words, sklearn outside the
training range, graph models. Each test asserts the behaviour docs/python.md promises; values
against independent references (closed forms, NumPy)."""
import ctypes.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import uniapprox as ua


@pytest.fixture(scope="module")
def m2():
    return ua.fit("exp(-x^2-y^2)", domain=[(-1, 1), (-1, 1)], check_points=2000)


@pytest.fixture(scope="module")
def m1():
    return ua.fit("sin(x)", domain=(0, 2), check_points=2000)


# 1. gradient checks its input as predict does (one helper)
@pytest.mark.parametrize("x", [np.arange(6.0).reshape(2, 3) / 10, np.array([.1, .2, .3, .4]),
                               np.zeros(3), np.zeros((2, 2, 2))])
def test_gradient_refuses_the_shapes_predict_refuses(m2, x):
    with pytest.raises(ua.InvalidArgumentError) as gi:
        m2.gradient(x)
    with pytest.raises(ua.InvalidArgumentError) as pi:
        m2.predict(x)
    assert str(gi.value) == str(pi.value)
    assert "takes 2 inputs, give (n, 2)" in str(gi.value)
    assert "shape %s" % (x.shape,) in str(gi.value)


def test_gradient_values_and_shapes(m2, m1):
    x = np.array([[0.3, -0.2], [0.1, 0.5]])
    f = np.exp(-x[:, 0] ** 2 - x[:, 1] ** 2)
    want = np.stack([-2 * x[:, 0] * f, -2 * x[:, 1] * f], axis=1)  # closed form
    g = m2.gradient(x)
    assert g.shape == (2, 2) and np.max(np.abs(g - want)) < 1e-10
    assert m2.gradient(np.array([0.3, -0.2])).shape == (1, 2)
    with pytest.raises(ua.UnsupportedError, match="no analytic gradient"):
        m1.gradient(np.array([0.5]))  # cheb: no gradient hook (docs: UnsupportedError)


# 2. integers: check_points and the families' integer options
@pytest.mark.parametrize("bad", [0, 1, -1, 3.7, 2.0, 2 ** 64, True, "100"])
def test_check_points_must_be_an_integer_at_least_2(bad):
    with pytest.raises(ua.InvalidArgumentError, match=r"check_points=.*: expected an integer in "
                                                      r"\[2, "):
        ua.fit("sin(x)", domain=(0, 1), check_points=bad)


def test_check_points_is_used():
    m = ua.fit("sin(x)", domain=(0, 1), check_points=np.int64(500))
    assert 500 <= m.errors["check_points"] < 2000


def test_points_is_the_command_lines_points():
    # points= is `uniapprox fit --points N` (the measurement's points); check_points its old name
    m = ua.fit("sin(x)", domain=(0, 1), family="cheb", points=500)
    old = ua.fit("sin(x)", domain=(0, 1), family="cheb", check_points=500)
    assert 500 <= m.errors["check_points"] < 2000
    assert m.errors["check_points"] == old.errors["check_points"]
    assert ua.fit("sin(x)", domain=(0, 1), family="cheb").errors["check_points"] >= 100000
    with pytest.raises(ua.InvalidArgumentError, match=r"^points=1: expected an integer in \[2, "):
        ua.fit("sin(x)", domain=(0, 1), points=1)
    with pytest.raises(ua.InvalidArgumentError,
                       match="check_points is the old name of points: give one of them"):
        ua.fit("sin(x)", domain=(0, 1), points=500, check_points=500)
    # a model of samples is measured on its rows, as fit --data refuses --points
    with pytest.raises(ua.InvalidArgumentError, match="points=500: the measurement's points are "
                                                      "for a target"):
        ua.fit_data(np.linspace(0, 1, 20), np.linspace(0, 1, 20), family="kernel", points=500)


@pytest.mark.skipif(not os.access("/dev/full", os.W_OK), reason="no /dev/full")
def test_a_log_that_fails_keeps_the_model():
    # a training log that cannot be written (a full device) does not lose the trained model
    x = np.linspace(-1, 1, 64)
    with pytest.warns(RuntimeWarning, match="writing the training log '/dev/full' failed: No "
                                            "space left on device"):
        m = ua.fit_data(x, x * x, family="mlp", epochs=3, log="/dev/full")
    assert m.family == "mlp" and np.isfinite(m.predict(np.array([0.5]))[0])
    assert "No space left on device" in m.metadata["log_error"]


@pytest.mark.parametrize("bad", [64.5, -1, 2 ** 64, "quad"])
def test_sample_prec_is_validated(bad):
    with pytest.raises(ua.InvalidArgumentError, match="sample_prec=%r: expected" % (bad,)):
        ua.fit("sin(x)", domain=(0, 1), sample_prec=bad)


def test_dim_is_validated():
    with pytest.raises(ua.InvalidArgumentError, match="dim=1.5: expected an integer >= 1"):
        ua.fit(lambda x: x, domain="0:1", dim=1.5)


@pytest.mark.parametrize("opt", [{"seed": -1}, {"seed": 2 ** 64}, {"seed": 1.5},
                                 {"samples": 3.7}, {"samples": 0}])
def test_integer_options_are_validated_in_python_words(opt):
    (name, value), = opt.items()
    with pytest.raises(ua.InvalidArgumentError, match="^%s=%r: expected an integer" %
                       (name, value)):
        ua.fit(lambda x: x[:, 0], domain=[(0, 1), (0, 1)], family="kernel", **opt)


# 3. the test set's shape is checked, not reshaped
def test_fit_data_test_set_shapes():
    rng = np.random.default_rng(0)
    X, Xt = rng.uniform(size=(60, 2)), rng.uniform(size=(50, 2))
    y, yt = X.sum(axis=1), Xt.sum(axis=1)
    with pytest.raises(ua.InvalidArgumentError, match=r"X_test of shape \(2, 50\).*give X_test "
                                                      r"\(n, 2\)"):
        ua.fit_data(X, y, family="kernel", test=(Xt.T, yt))
    with pytest.raises(ua.InvalidArgumentError, match=r"X_test of shape \(50, 2\) and y_test of "
                                                      r"shape \(49,\)"):
        ua.fit_data(X, y, family="kernel", test=(Xt, yt[:49]))
    with pytest.raises(ua.InvalidArgumentError, match=r"y_test of shape \(50, 2\)"):
        ua.fit_data(X, y, family="kernel", test=(Xt, np.stack([yt, yt], 1)))
    with pytest.raises(ua.InvalidArgumentError, match=r"X of shape \(60, 2\) and y of shape"):
        ua.fit_data(X, y[:10], family="kernel")
    m = ua.fit_data(X, y, family="kernel", test=(Xt, yt.reshape(-1, 1)))
    assert m.errors["test_rmse"] == pytest.approx(np.sqrt(np.mean((m.predict(Xt) - yt) ** 2)),
                                                  rel=1e-9)


# 4. text domains of several intervals
def test_text_domain_default_and_named_variables():
    rng = np.random.default_rng(2)
    x = rng.uniform([-1, 0], [1, 2], size=(300, 2))
    want = np.exp(-x[:, 0] ** 2 - x[:, 1] ** 2)
    for dom in ("-1:1,0:2", "x=-1:1,y=0:2"):
        m = ua.fit("exp(-x^2-y^2)", domain=dom, check_points=2000)
        assert m.domain == [(-1.0, 1.0), (0.0, 2.0)]
        assert np.max(np.abs(m.predict(x) - want)) < 1e-12
    m = ua.fit("u*v", domain="u=0:1,v=2:3", check_points=2000)
    assert m.domain == [(0.0, 1.0), (2.0, 3.0)]
    assert m.predict(np.array([0.5, 2.5]))[0] == pytest.approx(1.25, abs=1e-13)


# 5. no source locations in messages
def test_messages_carry_no_source_location():
    def boom(x):
        raise ZeroDivisionError("boom")

    with pytest.raises(ua.DomainError) as info:
        ua.fit(boom, domain=(0, 1))
    e = info.value
    for text in (str(e), e.message):
        assert "src/" not in text and ".c:" not in text
    assert e.location.startswith("src/")
    assert "ZeroDivisionError: boom" in e.message
    with pytest.raises(ua.ParseError) as info:
        ua.fit("erf(x", domain=(0, 1))
    assert "[src/" not in str(info.value) and info.value.location.startswith("src/")


# 6. interrupts propagate as themselves
@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit, GeneratorExit])
@pytest.mark.parametrize("family", ["cheb", "kernel"])
def test_interrupts_propagate(exc, family):
    def f(x):
        raise exc()

    dom = (0, 1) if family == "cheb" else [(0, 1), (0, 1)]
    with pytest.raises(exc):
        ua.fit(f, domain=dom, family=family)


# 9. what the function returned
@pytest.mark.parametrize("ret, words", [
    (lambda x: None, "the function returned None"),
    (lambda x: "abc", "it must return real numbers"),
    (lambda x: np.ones(len(x)) * 1j, "it must return real numbers"),
    (lambda x: np.ones((len(x), 2)), "of shape"),
    (lambda x: [[1.0, 2.0], [3.0]], "not an array of numbers|real numbers")])
@pytest.mark.parametrize("family", ["cheb", "kernel"])
def test_bad_return_values_are_named(ret, words, family):
    dom = (0, 1) if family == "cheb" else [(0, 1), (0, 1)]
    with pytest.raises(ua.DomainError, match=words) as info:
        ua.fit(ret, domain=dom, family=family, samples=20) if family == "kernel" else \
            ua.fit(ret, domain=dom, family=family)
    assert "target is NaN" not in str(info.value)


# 8. exception types and words
def test_load_missing_is_an_oserror(tmp_path):
    with pytest.raises(ua.LibraryIOError, match="cannot open .*No such file") as info:
        ua.load(tmp_path / "nonexistent.safetensors")
    assert isinstance(info.value, OSError)


def test_from_bytes_names_no_temporary_file():
    with pytest.raises(ua.FileFormatError) as info:
        ua.Model.from_bytes(b"\0" * 100)
    assert "the bytes" in str(info.value)
    assert "m.safetensors" not in str(info.value) and "uniapprox" not in str(info.value)


def test_messages_use_python_parameter_names():
    from uniapprox._lib import python_words
    assert python_words("--seed '-1': expected") == "seed=-1: expected"
    assert python_words("--fill-removable fills it") == "fill_removable=True fills it"
    assert python_words("use --family kernel, mlp, rf") == "use family='kernel', 'mlp', 'rf'"
    assert python_words("--kernel 'foo' unknown") == "kernel='foo' unknown"
    assert python_words("'x--y' at column 2 (--points)") == "'x--y' at column 2 (points)"
    with pytest.raises(ua.UnsupportedError, match=r"for 2-D samples use family='kernel'"):
        ua.fit_data(np.random.default_rng(0).uniform(size=(20, 2)), np.ones(20), family="cheb")
    with pytest.raises(ua.DomainError, match="removable singularity; fill_removable=True fills"):
        ua.fit("sin(x)/x", domain=(-1, 1), family="cheb", check_points=500)
    with pytest.raises(ValueError, match=r"^max_length=0: expected an integer in \[17, "):
        ua.fit("x", domain=(0, 1), family="cheb", max_length=0)
    with pytest.raises(ua.NotFoundError, match=r"unknown option kernel \(options: tol, abs_tol, "
                                               r"max_length") as info:
        ua.fit("x", domain=(0, 1), family="cheb", kernel="rbf")
    assert "--" not in str(info.value)


def test_wrong_library_is_an_import_error():
    libm = ctypes.util.find_library("m")
    if not libm:
        pytest.skip("no libm to point at")
    env = dict(os.environ, UNIAPPROX_LIBRARY=libm)
    r = subprocess.run([sys.executable, "-c", "import uniapprox"], env=env, capture_output=True,
                       text=True)
    assert r.returncode != 0
    assert "ImportError: uniapprox: %r is not a usable libuniapprox" % libm in r.stderr
    assert "AttributeError" not in r.stderr.splitlines()[-1]


# 10. graph models
def _write_graphs(path, rng, n):
    """Paths of n nodes with one feature; target: the sum of the node features (graph level)."""
    with open(path, "w") as f:
        for _ in range(n):
            k = int(rng.integers(2, 6))
            x = rng.uniform(0, 1, size=(k, 1))
            src = list(range(k - 1)) + list(range(1, k))
            dst = list(range(1, k)) + list(range(k - 1))
            f.write(json.dumps({"x": x.tolist(), "edge_index": [src, dst],
                                "y": float(x.sum())}) + "\n")


def test_predict_graphs(tmp_path):
    rng = np.random.default_rng(5)
    train, test = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    _write_graphs(train, rng, 40)
    _write_graphs(test, rng, 7)
    m = ua.fit_graphs(train, test, epochs=3, dim_hidden=24, layers=1)
    assert m.kind == "graphs"
    y = m.predict_graphs(test)
    assert y.shape == (7, 1) and np.all(np.isfinite(y))
    # the fit's test MAE (measure.c) is the mean |prediction - target| of these rows
    yt = np.array([json.loads(line)["y"] for line in open(test)])
    mae = float(np.mean(np.abs(y[:, 0] - yt)))
    assert float(m.metadata["test_mae"]) == pytest.approx(mae, rel=1e-9)
    with open(test) as f:
        assert np.array_equal(m.predict_graphs(f), y)
    with pytest.raises(ua.UnsupportedError, match="predict_graphs"):
        m.predict(np.zeros((1, 1)))
    with pytest.raises(ua.FileFormatError):
        m.predict_graphs(_bad(tmp_path))


def _bad(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"x": [[1, 2]], "edge_index": [[0], [5]]}\n')
    return p


# 7. scikit-learn: cheb and spline do not extrapolate, and say so instead of answering NaN
@pytest.mark.parametrize("family", ["cheb", "spline"])
def test_sklearn_1d_families_refuse_outside_the_training_range(family):
    pytest.importorskip("sklearn")
    from sklearn.model_selection import KFold, cross_val_score
    from uniapprox.sklearn import UniapproxRegressor
    x = np.linspace(0, 1, 200).reshape(-1, 1)
    y = np.sin(3 * x[:, 0])
    reg = UniapproxRegressor(family=family).fit(x[20:180], y[20:180])
    inside = np.linspace(x[20, 0], x[179, 0], 50).reshape(-1, 1)
    assert np.max(np.abs(reg.predict(inside) - np.sin(3 * inside[:, 0]))) < 1e-4
    with pytest.raises(ValueError, match=r"predicts only inside the training range "
                                         r"\[0.1005.*, 0.899.*\] of x .*40 of 200 points lie "
                                         r"outside, the first x = 0"):
        reg.predict(x)
    with pytest.raises(ValueError, match="training range"):
        cross_val_score(UniapproxRegressor(family=family), x, y, cv=KFold(5),
                        error_score="raise")


def test_sklearn_integer_parameters_are_validated():
    pytest.importorskip("sklearn")
    from uniapprox.sklearn import UniapproxRegressor
    X = np.random.default_rng(1).uniform(size=(30, 2))
    y = X.sum(axis=1)
    with pytest.raises(ValueError, match=r"random_state=-1: expected an integer in \[0, "):
        UniapproxRegressor(family="mlp", random_state=-1).fit(X, y)
    with pytest.raises(ValueError, match="^epochs=3.7: expected an integer"):
        UniapproxRegressor(family="mlp", epochs=3.7).fit(X, y)


# 9. a NaN or infinite input is named as such, 1-based (row 1 is X[0]) as the command line does:
# predict of kernel and rf models (not "the kernel overflows"), and fit_data
@pytest.mark.parametrize("family", ["kernel", "rf"])
def test_non_finite_input_named_one_based(family):
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    m = ua.fit_data(X, X.sum(1), family=family)
    with pytest.raises(ua.DomainError) as info:
        m.predict(np.array([[np.nan, 0.0]]))
    assert str(info.value) == "%s predict: x row 1, column 1 is NaN: the input is not finite" \
        % family
    with pytest.raises(ua.DomainError) as info:
        m.predict(np.array([[0.0, 0.0], [0.5, -np.inf]]))
    assert str(info.value) == "%s predict: x row 2, column 2 is -Inf: the input is not finite" \
        % family
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ua.InvalidArgumentError) as info:
        ua.fit_data(Xn, X.sum(1), family=family)
    assert str(info.value) == "samples inputs: row 1, column 1: nan is not finite"
    y = X.sum(1)
    y[3] = np.inf
    with pytest.raises(ua.InvalidArgumentError) as info:
        ua.fit_data(X, y, family=family)
    assert str(info.value) == "samples targets: row 4, column 1: inf is not finite"
