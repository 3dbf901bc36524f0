"""Models: fit a formula, a Python function or samples with any family, predict, measure, save,
load and export them. A thin layer over the C library (include/uniapprox/model.h): the fit, the
measurement and the verdict are the library's; nothing here approximates anything itself."""
import ctypes
import math
import os
import tempfile
import warnings

import numpy as np

from . import _lib
from ._lib import lib, check, cstr

__all__ = ["Model", "fit", "fit_data", "fit_graphs", "load", "families", "family_options",
           "version", "build_info", "NotResolvedWarning"]

_KIND_NAMES = ("formula", "function", "samples", "sequences", "graphs")


class NotResolvedWarning(UserWarning):
    """The fit did not meet its tolerance: the model is the best one found, with its measured
    errors; its verdict is "not resolved"."""


def version():
    """The version of the C library that is loaded, "MAJOR.MINOR.PATCH"."""
    return cstr(lib.ua_version())


def build_info():
    """The libraries the C library was built with and runs with, as a dict name -> (compiled,
    running) version strings ("" where unknown): MPFR, GMP, OpenBLAS, LAPACK, FFTW, cJSON,
    OpenMP, compiler (uniapprox/version.h)."""
    out = {}
    for i in range(lib.ua_version_components()):
        c = _lib.Component()
        check(lib.ua_version_component(i, ctypes.byref(c)))
        out[cstr(c.name)] = (cstr(c.compiled), cstr(c.running))
    return out


def _family_info(i=None, name=None):
    info = _lib.FamilyInfo()
    if name is not None:
        check(lib.ua_family_info_get(name.encode(), ctypes.byref(info)))
    else:
        check(lib.ua_family_info_at(i, ctypes.byref(info)))
    return info


def families():
    """The registered families as a dict name -> one-line summary (sorted by name)."""
    out = {}
    for i in range(lib.ua_family_count()):
        info = _family_info(i)
        out[cstr(info.name)] = cstr(info.summary)
    return out


_TYPES = ("flag", "int", "real", "choice", "string")


def family_options(family):
    """The option table of a family (src/<family>/options.c) as a list of dicts: name (the
    command-line name, "split-length"), type (flag, int, real, choice, string), default (text,
    or None: the family chooses), lo, hi, choices (a list), help, source."""
    info = _family_info(name=family)
    out = []
    for k in range(info.noptions):
        o = info.options[k]
        out.append({"name": cstr(o.name), "type": _TYPES[o.type] if o.type < 5 else str(o.type),
                    "default": o.default.decode() if o.default else None, "lo": o.lo, "hi": o.hi,
                    "choices": cstr(o.choices).split("|") if o.choices else [],
                    "help": cstr(o.help), "source": cstr(o.source)})
    return out


def _integer(name, value, lo, hi=None):
    """value as a Python int in [lo, hi] (hi None: no upper bound), or InvalidArgumentError naming
    the parameter: floats (3.7, even 3.0), bools, strings and anything out of range are refused,
    never truncated or wrapped around."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if ok:
        v = int(value)
        ok = v >= lo and (hi is None or v <= hi)
    if not ok:
        rng = ("an integer >= %d" % lo) if hi is None else \
            ("an integer in [%d, %d]" % (lo, hi))
        raise _lib.InvalidArgumentError(_lib.EINVAL, "%s=%r: expected %s" % (name, value, rng))
    return v


def _check_int_options(family, options):
    """The integer options (seeds, counts) of options, checked by _integer against the range of
    the family's option table, so that 3.7 or -1 is refused in Python's words before the
    library reads the text."""
    info = _lib.FamilyInfo()
    if lib.ua_family_info_get(family.encode(), ctypes.byref(info)) != _lib.OK:
        return  # an unknown family: ua_family_options says so
    for k in range(info.noptions):
        o = info.options[k]
        name = cstr(o.name)
        py = [key for key in options if _c_name(key) == name and options[key] is not None]
        if o.type != 1 or not py:
            continue
        lo = math.ceil(o.lo) if math.isfinite(o.lo) else -2 ** 63
        if o.lo_open and lo == o.lo:
            lo += 1
        hi = math.floor(o.hi) if math.isfinite(o.hi) else None
        _integer(py[0], options[py[0]], int(lo), None if hi is None else int(hi))


def _option_text(name, value):
    """The text form ua_options_set parses, or None to leave the option at its default."""
    if value is None or value is False:
        return None
    if value is True:
        return "1"
    if isinstance(value, (float, np.floating)):
        return repr(float(value))  # shortest text that reads back to the same double
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def _c_name(name):
    """A Python keyword argument as the option's name: split_length -> split-length, lambda_ ->
    lambda (a trailing underscore escapes a Python keyword)."""
    return name.rstrip("_").replace("_", "-")


def _make_options(family, options):
    """A ua_options handle for family with options (a dict of Python names -> values), or None
    when there are none. The caller frees it."""
    items = [(_c_name(k), _option_text(k, v)) for k, v in options.items()]
    items = [(k, v) for k, v in items if v is not None]
    if not items:
        return None
    if family is None or family == "auto":
        raise _lib.InvalidArgumentError(_lib.EINVAL, "options (%s) need a family: give family="
                                        % ", ".join(k for k, _ in items))
    _check_int_options(family, options)
    opt = ctypes.c_void_p()
    check(lib.ua_family_options(family.encode(), ctypes.byref(opt)))
    try:
        for k, v in items:
            check(lib.ua_options_set(opt, k.encode(), v.encode()))
    except BaseException:
        lib.ua_options_free(opt)
        raise
    return opt


def _as_c(a):
    """a as a C-contiguous float64 array: the same memory when it already is one (no copy);
    otherwise (another dtype or layout) a converted copy, which the C side reads instead.
    Complex values raise InvalidArgumentError (NumPy would drop the imaginary parts with only a
    warning)."""
    if np.iscomplexobj(a):
        raise _lib.InvalidArgumentError(_lib.EINVAL, "complex values (dtype %s): uniapprox takes "
                                        "real numbers" % np.asarray(a).dtype)
    return np.ascontiguousarray(a, dtype=np.float64)


def _ptr(a):
    """The address of a NumPy array's data, for an array argument of the C library."""
    return a.__array_interface__["data"][0]


def _points(x, din, what="x"):
    """x as a C-contiguous float64 array of points for a model of din inputs, with the number of
    points n and whether x was a scalar: (n,), (n, 1) or a scalar for din == 1; (n, din) or
    (din,) (one point) for din > 1. Anything else raises InvalidArgumentError naming the shape
    (predict and gradient share it, so both refuse the same inputs with the same words)."""
    scalar = np.ndim(x) == 0
    xa = _as_c(x)
    if xa.ndim == 0 or (xa.ndim == 1 and din > 1 and xa.shape[0] == din):
        xa = xa.reshape(1, -1) if din > 1 else xa.reshape(1)
    if (din == 1 and not (xa.ndim == 1 or (xa.ndim == 2 and xa.shape[1] == 1))) or \
            (din > 1 and (xa.ndim != 2 or xa.shape[1] != din)):
        raise _lib.InvalidArgumentError(
            _lib.EINVAL, "%s of shape %s: the model takes %d input%s, give (n, %d)%s"
            % (what, np.shape(x), din, "" if din == 1 else "s", din,
               " or (n,)" if din == 1 else " or (%d,) for one point" % din))
    return xa, xa.shape[0], scalar


class Model:
    """A fitted model of any family (a ua_model). Build one with fit(), fit_data() or load().

    predict(x)  values at points x: (n,) or (n, 1) for 1-D models, (n, d) for d inputs
    errors      the measured errors and the verdict (a dict; see the property)
    export_c()  a standalone C function as text (or written to a file)
    save(path)  the model file (safetensors); load(path) reads it back
    """

    def __init__(self, handle):
        self._h = ctypes.c_void_p(handle) if not isinstance(handle, ctypes.c_void_p) else handle
        self._dims = None

    def __del__(self):
        h = getattr(self, "_h", None)
        if h is not None and h.value and lib is not None:  # lib is None late in shutdown
            lib.ua_model_free(h)
            self._h = None

    def __getstate__(self):  # pickling: the model file's bytes
        return {"model_file": self.to_bytes()}

    def __setstate__(self, state):
        self._h = Model.from_bytes(state["model_file"])._take()

    def _take(self):
        h, self._h = self._h, None
        return h

    # --- what it is ---------------------------------------------------------------------------
    @property
    def family(self):
        """The family's name ("cheb")."""
        return cstr(lib.ua_model_family(self._h))

    @property
    def target(self):
        """The formula (or function, or data) it approximates ("" when none)."""
        return cstr(lib.ua_model_target(self._h))

    @property
    def dims(self):
        """(number of inputs, number of outputs)."""
        d = getattr(self, "_dims", None)
        if d is None:  # fixed for the model's life: asked once (predict's cost per call)
            din, dout = _lib.size_t(), _lib.size_t()
            lib.ua_model_dims(self._h, ctypes.byref(din), ctypes.byref(dout))
            d = self._dims = (din.value, dout.value)
        return d

    @property
    def domain(self):
        """The box as a list of (lo, hi) per input, or None for a model of samples."""
        d = _lib.size_t()
        lo, hi = _lib.c_double_p(), _lib.c_double_p()
        lib.ua_model_box(self._h, ctypes.byref(d), ctypes.byref(lo), ctypes.byref(hi))
        if not d.value:
            return None
        return [(lo[i], hi[i]) for i in range(d.value)]

    @property
    def kind(self):
        """The kind of problem it was fitted on: "formula", "function", "samples", ..."""
        k = lib.ua_model_kind(self._h)
        return _KIND_NAMES[k] if 0 <= k < len(_KIND_NAMES) else str(k)

    @property
    def metadata(self):
        """Everything the model file records (fit options, measured errors, ...) as a dict of
        strings (docs/model-file.md)."""
        out = {}
        for i in range(lib.ua_model_meta_count(self._h)):
            k, v = ctypes.c_char_p(), ctypes.c_char_p()
            lib.ua_model_meta_at(self._h, i, ctypes.byref(k), ctypes.byref(v))
            out[cstr(k.value)] = cstr(v.value)
        return out

    def describe(self):
        """The model's description (family, domain, pieces, errors, ...) as a dict, from
        ua_model_describe's JSON."""
        import json
        p = ctypes.c_void_p()
        check(lib.ua_model_describe(self._h, ctypes.byref(p)))
        try:
            return json.loads(ctypes.string_at(p).decode())
        finally:
            _lib.free(p)

    _NUMERIC = ("max_abs_err", "max_rel_err", "max_rel_scale_err", "scale", "rms_err",
                "max_ulp64", "max_ulp32", "tol_ratio", "tol_abs", "tol_scale", "tol_rel",
                "estimated_err", "train_rmse", "test_rmse", "train_error_rate", "test_error_rate",
                "train_accuracy", "test_accuracy", "fit_seconds")

    @property
    def errors(self):
        """The measured errors and the verdict, as ua_model_measure recorded them on the model
        (against MPFR for a formula, against the function itself for a function; RMSE on the rows
        for samples), in the target's units: keys among max_abs_err, max_rel_err,
        max_rel_scale_err, scale, rms_err, max_ulp64, max_ulp32, tol_ratio, check_points,
        train_rmse, test_rmse, ... (floats), the points where the maxima occur (*_x, a tuple of
        coordinates) and "verdict" ("resolved", "not resolved", "no tolerance asked"). Every
        maximum is a sampled maximum over check_points points, never a bound. Empty when the
        model was never measured."""
        meta = self.metadata
        out = {}
        for k in self._NUMERIC + ("check_points", "check_prec"):
            if k in meta:
                try:
                    out[k] = int(meta[k]) if k in ("check_points", "check_prec") else float(meta[k])
                except ValueError:
                    out[k] = meta[k]
        for k, v in meta.items():
            if k.endswith("_x") and k[:-2] in out:
                try:
                    out[k] = tuple(float(t) for t in v.split(","))
                except ValueError:
                    out[k] = v
        if "verdict" in meta:
            out["verdict"] = meta["verdict"]
        return out

    @property
    def resolved(self):
        """True when the measurement met the tolerance at every measured point (or no tolerance
        was asked); False when not; None when never measured."""
        v = self.metadata.get("verdict")
        return None if v is None else v != "not resolved"

    def __repr__(self):
        e = self.errors
        bits = ["family=%r" % self.family]
        if self.target:
            bits.append("target=%r" % self.target)
        if "max_abs_err" in e:
            bits.append("max_abs_err=%.3g" % e["max_abs_err"])
        if "verdict" in e:
            bits.append("verdict=%r" % e["verdict"])
        return "<uniapprox.Model %s>" % " ".join(bits)

    # --- evaluation ---------------------------------------------------------------------------
    def predict(self, x, out=None):
        """The model at the points x: for a model of one input, x of shape (n,) (or (n, 1), or a
        scalar); for d inputs, (n, d) (or (d,) for one point). Returns (n,) for one output,
        (n, k) for k; a scalar for a scalar x. x is read in place when it is a C-contiguous
        float64 array (no copy); out, when given, a C-contiguous float64 array of the result's
        shape, receives the values (no allocation). A 1-D model answers NaN outside its
        domain."""
        din, dout = self.dims
        xa, n, scalar = _points(x, din)
        shape = (n,) if dout == 1 else (n, dout)
        if out is None:
            out = np.empty(shape)
        elif out.shape != shape or out.dtype != np.float64 or not out.flags.c_contiguous \
                or not out.flags.writeable:
            raise _lib.InvalidArgumentError(
                _lib.EINVAL, "out must be a writeable C-contiguous float64 array of shape %s" %
                (shape,))
        s = lib.ua_model_predict(self._h, _ptr(xa), n, _ptr(out))
        if s:
            e = _lib.error(s)
            if self.kind == "graphs":
                raise _lib.UnsupportedError(_lib.EUNSUPPORTED, "a graph model predicts graphs, "
                                            "not points: use Model.predict_graphs(path_or_file)",
                                            e.location)
            raise e
        return out[0] if scalar else out

    __call__ = predict

    def gradient(self, x):
        """The partial derivatives of a single-output model at x, which takes the shapes predict
        takes: (n, d) for x (n, d) (or (1, d) for one point (d,)); (n,) for a 1-D model's x (n,)
        or (n, 1), a scalar for a scalar. Analytic, from the family's own representation;
        families without one raise UnsupportedError."""
        din, _ = self.dims
        xa, n, scalar = _points(x, din)
        g = np.empty((n, din))
        s = lib.ua_model_gradient(self._h, _ptr(xa), n, _ptr(g))
        if s:
            e = _lib.error(s)
            if "has no analytic gradient" in e.message:  # the library says EINVAL; for Python
                raise _lib.UnsupportedError(_lib.EUNSUPPORTED, e.message, e.location)
            raise e
        if din == 1:
            return g[0, 0] if scalar else g[:, 0]
        return g

    def predict_graphs(self, graphs):
        """A graph model (kind "graphs", docs/graph.md) on a file of graphs in the JSON-lines
        format `uniapprox fit` reads (ua_graphs_read; untrusted input, targets ignored): graphs
        is a path or an open file. Returns (R, k): R the graphs of the file (the nodes, for a
        model of node targets), k outputs per row (class probabilities, each row summing to 1,
        for a classifier; values in target units otherwise)."""
        if hasattr(graphs, "read"):  # an open file: its text through a temporary file
            data = graphs.read()
            with tempfile.TemporaryDirectory(prefix="uniapprox") as d:
                p = os.path.join(d, "graphs.jsonl")
                with open(p, "wb") as f:
                    f.write(data.encode() if isinstance(data, str) else data)
                try:
                    return self.predict_graphs(p)
                except _lib.UniapproxError as e:
                    raise type(e)(e.status, e.message.replace(p, "the file"), e.location) \
                        from None
        g = ctypes.POINTER(_lib.GraphsHead)()
        check(lib.ua_graphs_read(os.fsencode(graphs), ctypes.byref(g)))
        try:
            y, k, cls = _lib.c_double_p(), _lib.size_t(), ctypes.c_int()
            check(lib.ua_model_predict_graphs(self._h, g, ctypes.byref(y), ctypes.byref(k),
                                              ctypes.byref(cls)))
            node = self.metadata.get("graph_level") == "node"
            rows = g.contents.nnodes if node else g.contents.ngraphs
            try:
                return np.ctypeslib.as_array(y, shape=(rows, k.value)).copy() \
                    if rows * k.value else np.empty((rows, k.value))
            finally:
                _lib.free(ctypes.cast(y, ctypes.c_void_p))
        finally:
            lib.ua_graphs_free(g)

    # --- files --------------------------------------------------------------------------------
    def save(self, path):
        """Writes the model file (safetensors, docs/model-file.md) atomically to path."""
        check(lib.ua_model_save(self._h, os.fsencode(path)))

    def to_bytes(self):
        """The model file as bytes (what save() writes)."""
        with tempfile.TemporaryDirectory(prefix="uniapprox") as d:
            p = os.path.join(d, "m.safetensors")
            self.save(p)
            with open(p, "rb") as f:
                return f.read()

    @staticmethod
    def from_bytes(data):
        """A model from the bytes of a model file (validated as untrusted input)."""
        with tempfile.TemporaryDirectory(prefix="uniapprox") as d:
            p = os.path.join(d, "m.safetensors")
            with open(p, "wb") as f:
                f.write(data)
            try:
                return load(p)
            except _lib.UniapproxError as e:  # the message names the bytes, not the temporary file
                msg = e.message.replace("'%s'" % p, "the bytes").replace(p, "the bytes")
                raise type(e)(e.status, msg, e.location) from None

    def export_c(self, path=None, name="ua_approx", type="double"):
        """A standalone C99 function evaluating the model with no dependency but <math.h>
        (ua_model_export_c): returns its text, and writes it to path when given. type is
        "double" or "float"; name the function's name (a C identifier)."""
        if type not in ("double", "float"):
            raise _lib.InvalidArgumentError(_lib.EINVAL, "type %r: expected 'double' or 'float'"
                                            % (type,))
        t = 0 if type == "double" else 1
        if path is not None:
            check(lib.ua_model_export_c(self._h, t, name.encode(), os.fsencode(path)))
            with open(path) as f:
                return f.read()
        with tempfile.TemporaryDirectory(prefix="uniapprox") as d:
            p = os.path.join(d, "approx.c")
            check(lib.ua_model_export_c(self._h, t, name.encode(), p.encode()))
            with open(p) as f:
                return f.read()


def load(path):
    """Reads a model file written by Model.save() or `uniapprox fit` (validated as untrusted
    input: malformed files raise FileFormatError with the reason)."""
    h = ctypes.c_void_p()
    try:
        with open(path, "rb"):  # a file that cannot be read is an OSError, as open() raises
            pass
    except OSError as e:
        raise _lib.LibraryIOError(_lib.EIO, "cannot open '%s': %s" % (os.fsdecode(path),
                                                                      e.strerror or e)) from None
    check(lib.ua_model_load(os.fsencode(path), ctypes.byref(h)))
    return Model(h)


# ---------------------------------------------------------------------------------------------
# problems

def _parse_domain(domain, d, vars_c):
    """lo, hi (d,) from (a, b), [(a, b), ...] or the command line's text "a:b,c:d"."""
    lo = np.empty(d)
    hi = np.empty(d)
    if isinstance(domain, str):
        check(lib.ua_box_parse(domain.encode(), vars_c, d, _ptr(lo), _ptr(hi)))
        return lo, hi
    box = np.asarray(domain, dtype=np.float64)
    if box.shape == (2,):
        box = np.tile(box, (d, 1))
    if box.shape != (d, 2):
        raise _lib.InvalidArgumentError(
            _lib.EINVAL, "domain of shape %s for %d variable%s: give (a, b) or %d pairs"
            % (np.shape(domain), d, "" if d == 1 else "s", d))
    lo[:] = box[:, 0]
    hi[:] = box[:, 1]
    return lo, hi


def _text_domain(domain):
    """The intervals of a domain of text ("a:b,c:d" or "x=a:b,y=c:d"): their number and the
    variable names it gives (None when the intervals are not named)."""
    parts = [t.strip() for t in domain.split(",")]
    names = [t.split("=", 1)[0].strip() for t in parts]
    named = all("=" in t for t in parts)
    return len(parts), (names if named else None)


def _domain_dim(domain):
    """The number of variables a domain names (1 for (a, b) or "a:b")."""
    if isinstance(domain, str):
        n, _ = _text_domain(domain)
        return n if n > 1 else None
    shape = np.shape(domain)
    return 1 if shape == (2,) else (shape[0] if len(shape) == 2 else None)


def _default_vars(d):
    return ["x", "y", "z"][:d] if d <= 3 else ["x%d" % (i + 1) for i in range(d)]


def _returned(r, n):
    """The n values a function returned for n points, as float64 (n,): (n,) or (n, 1), or a
    scalar for one point. None, other shapes, and values that are not real numbers raise
    TypeError / ValueError saying what the function returned."""
    if r is None:
        raise TypeError("the function returned None (it must return %d value%s, one per point)"
                        % (n, "" if n == 1 else "s"))
    try:
        a = np.asarray(r)
    except Exception:  # noqa: BLE001 -- a ragged sequence and the like
        raise TypeError("the function returned a %s that is not an array of numbers"
                        % type(r).__name__) from None
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_) \
            or np.iscomplexobj(a):
        raise TypeError("the function returned %s of dtype %s (it must return real numbers)"
                        % (type(r).__name__, a.dtype))
    if a.shape not in ((n,), (n, 1)) and not (n == 1 and a.size == 1):
        raise ValueError("the function returned %d values of shape %s for %d points (it must "
                         "return shape (%d,))" % (a.size, a.shape, n, n))
    return a.astype(np.float64).reshape(n)


class _Batch:
    """A Python function as a batch callback (ua_problem_callback_batch): called with x of
    shape (n,) for one variable, (n, d) for d, a read-only view of the library's memory valid
    during the call only; returns n values. An exception is kept and raised again by fit()."""

    def __init__(self, f, d):
        self.f, self.d, self.error, self.calls = f, d, None, 0
        self.c = _lib.BATCH_FN(self._call)

    def _call(self, ctx, x, n, y):
        try:
            self.calls += 1
            shape = (n,) if self.d == 1 else (n, self.d)
            xa = np.ctypeslib.as_array(x, shape=shape)
            xa.flags.writeable = False
            np.ctypeslib.as_array(y, shape=(n,))[:] = _returned(self.f(xa), n)
            return _lib.OK
        except BaseException as e:  # noqa: B902 -- kept and raised again by fit()
            # (KeyboardInterrupt, SystemExit, GeneratorExit too: an exception cannot cross the C
            # frames; fit() raises it again as itself once the library has returned)
            if self.error is None:
                self.error = e
            return _lib.EDOMAIN


class _Problem:
    """A ua_problem and what must outlive it (the callback)."""

    def __init__(self, handle, keep=None):
        self.h, self.keep = handle, keep

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        lib.ua_problem_free(self.h)
        self.h = None

    def raise_from_callback(self, e):
        cb = self.keep
        if isinstance(cb, _Batch) and cb.error is not None:
            err = cb.error
            cb.error = None
            if not isinstance(err, Exception):  # KeyboardInterrupt, SystemExit, GeneratorExit
                raise err
            # the library's words (where, which batch) and the function's own
            e = type(e)(e.status, "%s: %s: %s" % (e.message, type(err).__name__, err), e.location)
            raise e from err
        raise e


def _formula_problem(spec, domain, vars, sample_prec, fill_removable):
    if vars is None and isinstance(domain, str):
        vars = _text_domain(domain)[1]  # "x=-1:1,y=0:2" names the variables
    d = len(vars) if vars is not None else (_domain_dim(domain) or 1)
    names = list(vars) if vars is not None else _default_vars(d)
    arr = (ctypes.c_char_p * d)(*[v.encode() for v in names])
    t = ctypes.c_void_p()
    check(lib.ua_target_parse(spec.encode(), arr if vars is not None or d > 1 else None,
                              d if vars is not None or d > 1 else 0, ctypes.byref(t)))
    try:
        lo, hi = _parse_domain(domain, d, arr)
        p = ctypes.c_void_p()
        check(lib.ua_problem_formula(t, _ptr(lo), _ptr(hi), ctypes.byref(p)))
    finally:
        lib.ua_target_free(t)
    prob = _Problem(p)
    try:
        if sample_prec is not None:
            bits = {"auto": 0, "double": 53}.get(sample_prec, sample_prec) \
                if isinstance(sample_prec, str) else sample_prec
            if isinstance(bits, str):
                raise _lib.InvalidArgumentError(_lib.EINVAL, "sample_prec=%r: expected 'auto', "
                                                "'double' or bits (53 .. 4096)" % (bits,))
            # the library then refuses 1 .. 52 with its words
            check(lib.ua_problem_set_sample_prec(p, _integer("sample_prec", bits, 0, 4096)))
        if fill_removable:
            check(lib.ua_problem_set_fill_removable(p, 1))
    except BaseException:
        lib.ua_problem_free(p)
        raise
    return prob


def _function_problem(f, domain, dim):
    d = dim or _domain_dim(domain)
    if d is None:
        raise _lib.InvalidArgumentError(_lib.EINVAL, "give dim= with a domain of text")
    d = _integer("dim", d, 1)
    names = _text_domain(domain)[1] if isinstance(domain, str) else None
    arr = (ctypes.c_char_p * d)(*[v.encode() for v in (names or _default_vars(d))]) \
        if isinstance(domain, str) and (names is None or len(names) == d) else None
    lo, hi = _parse_domain(domain, d, arr)
    cb = _Batch(f, d)
    desc = getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)
    p = ctypes.c_void_p()
    check(lib.ua_problem_callback_batch(cb.c, None, d, _ptr(lo), _ptr(hi),
                                        ("python:" + desc).encode(), ctypes.byref(p)))
    return _Problem(p, cb)


def _table(X, y, names=("X", "y"), d=None, k=None):
    """X (n, d) and y (n, k) as C-contiguous float64 arrays from X (n, d) or (n,) and y (n,) or
    (n, k); with d and k given (a test set), their widths must be those. Other shapes raise
    InvalidArgumentError naming both shapes; nothing is reshaped but a vector to a column."""
    X0, y0 = np.asarray(X), np.asarray(y)
    for a, name in ((X0, names[0]), (y0, names[1])):
        if np.iscomplexobj(a):  # NumPy would drop the imaginary parts with only a warning
            raise _lib.InvalidArgumentError(_lib.EINVAL, "%s holds complex values (dtype %s): "
                                            "uniapprox takes real numbers" % (name, a.dtype))
    try:
        X, y = np.asarray(X0, dtype=np.float64), np.asarray(y0, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise _lib.InvalidArgumentError(_lib.EINVAL, "%s and %s must be numbers: %s"
                                        % (names[0], names[1], e)) from None
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if X.ndim != 2 or y.ndim != 2 or X.shape[0] != y.shape[0] or \
            (d is not None and X.shape[1] != d) or (k is not None and y.shape[1] != k):
        want = ("give %s (n, d) and %s (n,) or (n, k)" % names) if d is None else \
            ("give %s (n, %d) and %s (n,%s) like the training data"
             % (names[0], d, names[1], "" if k == 1 else " %d" % k))
        raise _lib.InvalidArgumentError(
            _lib.EINVAL, "%s of shape %s and %s of shape %s: %s"
            % (names[0], X0.shape, names[1], y0.shape, want))
    return np.ascontiguousarray(X), np.ascontiguousarray(y)


def _samples_problem(X, y, test):
    X, y = _table(X, y)
    if test is not None:
        if not isinstance(test, (tuple, list)) or len(test) != 2:
            raise _lib.InvalidArgumentError(_lib.EINVAL, "test must be a pair (X_test, y_test)")
        tx, ty = _table(test[0], test[1], ("X_test", "y_test"), X.shape[1], y.shape[1])
    p = ctypes.c_void_p()
    check(lib.ua_problem_samples(_ptr(X), _ptr(y), X.shape[0], X.shape[1], y.shape[1],
                                 ctypes.byref(p)))
    if test is not None:
        s = lib.ua_problem_set_test(p, _ptr(tx), _ptr(ty), tx.shape[0])
        if s:
            e = _lib.error(s)
            lib.ua_problem_free(p)
            raise e
    return _Problem(p)


def _measure_points(points, check_points):
    """(keyword, value) of the measurement's points: points, the command line's --points, or
    check_points, its old name (as --check-points); (None, None) when neither is given. Both:
    InvalidArgumentError, as the command line refuses both."""
    if points is not None and check_points is not None:
        raise _lib.InvalidArgumentError(_lib.EINVAL, "check_points is the old name of points: "
                                        "give one of them")
    if points is not None:
        return "points", points
    return ("check_points", check_points) if check_points is not None else (None, None)


def _fit_problem(prob, family, options, measure, points, strict):
    """points: (keyword, value) of _measure_points."""
    key, check_points = points if points is not None else (None, None)
    if check_points is not None:  # the rule of the command line's --points, before the fit
        mo = _lib.MeasureOptions()
        lib.ua_measure_options_default(ctypes.byref(mo))
        _integer(key, check_points, 2, mo.max_points)
    opt_family = family
    if (family is None or family == "auto") and \
            any(v is not None and v is not False for v in options.values()):
        # options with the automatic choice, as on the command line: those of the family the
        # library chooses for this problem (an option that family lacks is refused by name)
        name = ctypes.c_char_p()
        check(lib.ua_family_choose(prob.h, ctypes.byref(name), None))
        opt_family = name.value.decode()
    try:
        opt = _make_options(opt_family, options)
    except _lib.NotFoundError as e:
        if opt_family == family:
            raise
        raise _lib.NotFoundError(e.status, "%s: the family chosen for this problem is %s (give "
                                 "family= for another)" % (e, opt_family), e.location) from None
    m = ctypes.c_void_p()
    try:
        s = lib.ua_fit(prob.h, family.encode() if family else None, opt, None, ctypes.byref(m))
    finally:
        if opt is not None:
            lib.ua_options_free(opt)
    if s not in (_lib.OK, _lib.ENOTRESOLVED):
        prob.raise_from_callback(_lib.error(s))
    model = Model(m)
    if s == _lib.ENOTRESOLVED:
        msg = cstr(lib.ua_last_error())
    log_error = model.metadata.get("log_error")
    if log_error:  # the training log (log=FILE) failed mid-fit: the model is kept, the failure said
        warnings.warn(log_error + " (the model is returned; the log holds the epochs written "
                      "before)", RuntimeWarning, stacklevel=3)
    if measure:
        mo = _lib.MeasureOptions()
        lib.ua_measure_options_default(ctypes.byref(mo))
        if check_points is not None:  # the rule of the command line's --points
            mo.check_points = _integer(key, check_points, 2, mo.max_points)
        res = _lib.Measurement()
        s2 = lib.ua_model_measure(model._h, prob.h, ctypes.byref(mo), ctypes.byref(res))
        if s2:
            prob.raise_from_callback(_lib.error(s2))
        lib.ua_measurement_free(ctypes.byref(res))
    if model.resolved is False or s == _lib.ENOTRESOLVED:
        reason = model.metadata.get("fit_reason", "") or (msg if s == _lib.ENOTRESOLVED else "")
        text = "%s: not resolved%s" % (model.target or model.family,
                                       (" (" + reason + ")") if reason else "")
        if strict:
            raise _lib.NotResolvedError(_lib.ENOTRESOLVED, text)
        warnings.warn(text, NotResolvedWarning, stacklevel=3)
    return model


def fit(target, domain=None, *, vars=None, dim=None, family=None, points=None,
        check_points=None, sample_prec=None, fill_removable=False, measure=True, strict=False,
        **options):
    """Fits target on domain and measures the result; returns a Model.

    target   a formula ("erf(x)", "exp(-x^2-y^2)*cos(z)": the syntax of `uniapprox fit`) or a
             Python function. A function is called in batches: with x of shape (n,) for one
             variable or (n, d) for d (a read-only view, valid during the call), and returns n
             values; the 1-D constructors (cheb, spline, minimax) ask for one point at a time.
    domain   (a, b) for one variable; [(a1, b1), (a2, b2), ...] for several, or one (a, b) for
             every variable; or the command line's text "a:b,c:d" / "x=a:b,y=c:d".
    vars     the formula's variable names in order (default "x"; for a domain of d > 1
             intervals x, y, z up to 3 and x1 .. xd beyond).
    dim      a function's number of variables when domain is text.
    family   "cheb", "chebnd", "sparse", "kernel", ... (uniapprox.families()); None chooses as
             `uniapprox fit` does (ua_family_choose).
    **options  the family's options (uniapprox.family_options(family)), with _ for -
             (split_length=17) and a trailing _ for a Python keyword (lambda_=1e-6); True for a
             flag.
    points   points of the measurement (default 100000), the command line's --points;
             check_points is its old name (give one). sample_prec "auto", "double" or bits, and
             fill_removable: how a formula is sampled (docs/engine.md).
    measure  measure the model (the verdict) after the fit; strict raises NotResolvedError instead
             of warning (NotResolvedWarning) when the verdict is "not resolved".

    Errors of the library are raised as UniapproxError subclasses carrying its message:
    ParseError for a bad formula, DomainError where the target is NaN/Inf (or the function
    raised: the function's own exception is the __cause__), InvalidArgumentError for bad options.
    """
    if domain is None:
        raise _lib.InvalidArgumentError(_lib.EINVAL, "give the domain: domain=(a, b)")
    npoints = _measure_points(points, check_points)
    if isinstance(target, str):
        prob = _formula_problem(target, domain, vars, sample_prec, fill_removable)
    elif callable(target):
        if sample_prec is not None or fill_removable:
            raise _lib.InvalidArgumentError(_lib.EINVAL, "sample_prec and fill_removable are for "
                                            "formulas, not functions")
        prob = _function_problem(target, domain, dim)
    else:
        raise TypeError("target must be a formula (str) or a function, not %s"
                        % type(target).__name__)
    with prob:
        return _fit_problem(prob, family, options, measure, npoints, strict)


def fit_data(X, y, *, family=None, test=None, measure=True, **options):
    """Fits samples: inputs X (n, d) (or (n,)), targets y (n,) or (n, k), with family
    ("kernel", "mlp", "rf", ... ; None: the library's choice) and its options as in fit().
    test=(X_test, y_test) is a held-out set the fit reports on (test_rmse in .errors). points
    (check_points) is refused, as `uniapprox fit --data` refuses --points: samples have no
    reference to measure against at other points."""
    for key in ("points", "check_points"):
        if options.get(key) is not None:
            raise _lib.InvalidArgumentError(_lib.EINVAL, "%s=%r: the measurement's points are for "
                                            "a target (fit); a model of samples is measured on "
                                            "its rows" % (key, options[key]))
    with _samples_problem(X, y, test) as prob:
        return _fit_problem(prob, family, options, measure, None, False)


def fit_graphs(train, test=None, *, family="graph", measure=True, **options):
    """Fits a data set of graphs (docs/graph.md): train and test (None: none) are paths of
    JSON-lines graph files (ua_problem_read_graphs, untrusted input), family "graph" and its
    options as in fit(). The model's errors hold train_/test_ accuracy (classes) or mae, rmse;
    Model.predict_graphs predicts new graphs."""
    p = ctypes.c_void_p()
    check(lib.ua_problem_read_graphs(os.fsencode(train),
                                     None if test is None else os.fsencode(test), ctypes.byref(p)))
    with _Problem(p) as prob:
        return _fit_problem(prob, family, options, measure, None, False)
