"""The shared library libuniapprox, its C prototypes (ctypes), and its errors as exceptions.

Where the library is found, in order:
  1. the environment variable UNIAPPROX_LIBRARY (a path to libuniapprox.so);
  2. the path recorded next to this file by the build or by `make install` (_libpath.py,
     relative to this folder, so that an installed tree can be moved);
  3. the system's search path (libuniapprox.so.0), as for any shared library.
"""
import ctypes
import os
import re

__all__ = ["lib", "check", "UniapproxError"]


def _find_library():
    path = os.environ.get("UNIAPPROX_LIBRARY")
    if path:
        return path
    try:
        from . import _libpath  # written by CMake (build tree and install)
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.normpath(os.path.join(here, _libpath.LIBRARY))
        if os.path.exists(path):
            return path
    except ImportError:
        pass
    return "libuniapprox.so.0"


LIBRARY_PATH = _find_library()
try:
    lib = ctypes.CDLL(LIBRARY_PATH)
except OSError as e:
    raise ImportError(
        "uniapprox: cannot load the shared library %r (%s); set UNIAPPROX_LIBRARY to the path "
        "of libuniapprox.so" % (LIBRARY_PATH, e)) from e
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None
free = _libc.free

# ---------------------------------------------------------------------------------------------
# errors: a status code of include/uniapprox/status.h and the library's message for it

OK, ENOMEM, EINVAL, EPARSE, EDOMAIN, EIO, EFORMAT, ENOTRESOLVED, EUNSUPPORTED, ENOTFOUND, \
    EDIVERGED = range(11)


class UniapproxError(Exception):
    """A failure of the C library: .status (the ua_status code), .reason (ua_strerror's words),
    .message (the library's message, without the source location) and .location (the library's
    source file and line that raised it, "src/model/fit.c:88", or "")."""

    def __init__(self, status, message, location=""):
        super().__init__(message)
        self.status = status
        self.reason = _strerror(status)
        self.message = message
        self.location = location


class InvalidArgumentError(UniapproxError, ValueError):
    """UA_EINVAL: an invalid argument or an impossible option."""


class ParseError(UniapproxError, ValueError):
    """UA_EPARSE: an expression could not be parsed (the message names the column)."""


class DomainError(UniapproxError, ValueError):
    """UA_EDOMAIN: the target is NaN or infinite in the domain, or the function failed."""


class FileFormatError(UniapproxError, ValueError):
    """UA_EFORMAT: a malformed file."""


class UnsupportedError(UniapproxError, ValueError):
    """UA_EUNSUPPORTED: the operation is not available for this model, family or problem."""


class NotFoundError(UniapproxError, LookupError, ValueError):
    """UA_ENOTFOUND: a named thing (family, option, tensor, built-in) does not exist (a
    ValueError too: it is a bad value of an argument)."""


class LibraryIOError(UniapproxError, OSError):
    """UA_EIO: reading or writing a file failed."""


class LibraryMemoryError(UniapproxError, MemoryError):
    """UA_ENOMEM: an allocation failed."""


class NotResolvedError(UniapproxError):
    """UA_ENOTRESOLVED: the fit did not reach its tolerance (only raised with strict=True)."""


class DivergedError(UniapproxError, ArithmeticError):
    """UA_EDIVERGED: an iterative fit blew up (non-finite loss or parameters)."""


_CLASSES = {ENOMEM: LibraryMemoryError, EINVAL: InvalidArgumentError, EPARSE: ParseError,
            EDOMAIN: DomainError, EIO: LibraryIOError, EFORMAT: FileFormatError,
            ENOTRESOLVED: NotResolvedError, EUNSUPPORTED: UnsupportedError,
            ENOTFOUND: NotFoundError, EDIVERGED: DivergedError}

# the library tags each message with " [src/file.c:N]", also a lower layer's message quoted
# inside another one: every tag goes, as the CLI does (cli/common.c, ua_cli_error_text)
_TAG = re.compile(r" ?\[((?:src|cli)/[^\[\]\s]*:\d+)\]")


def error(status, cause=None):
    """The exception for a failed call's status, with this thread's last library message (its
    source tags removed, the first kept as .location, command-line option names as Python's)."""
    text = lib.ua_last_error().decode("utf-8", "replace")
    tags = _TAG.findall(text)
    location = tags[-1] if tags else ""
    text = python_words(_TAG.sub("", text)).strip()
    if not text:
        text = _strerror(status)
    return _CLASSES.get(status, UniapproxError)(status, text, location)


_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def _py_option(m):
    name = m.group(1).replace("-", "_")
    if m.group(1) == "family":
        fams = re.split(r",\s*|\s+or\s+", m.group(3) or "")
        return "family=" + ", ".join(repr(f) for f in fams if f)
    if m.group(2) is not None:
        v = m.group(2)
        return "%s=%s" % (name, v if _NUMBER.match(v) else repr(v))
    if m.group(1) == "fill-removable":  # "--fill-removable fills it": fit()'s flag, set
        return name + "=True"
    return name


# an option is "--name" at the start of a word: not "x--y" in a quoted formula
_OPTION = re.compile(r"(?<![\w.)\]*/^+-])--([a-z][a-z0-9-]*)"  # --name
                     r"(?: '([^']*)'"  # its value, quoted
                     r"|(?<=--family) ([a-z0-9]+(?:(?:, | or )[a-z0-9]+)*))?")  # family names


def python_words(text):
    """A library message with the command line's option names as the Python parameters:
    "--seed '-1'" -> "seed=-1", "--fill-removable" -> "fill_removable=True", "--family kernel,
    mlp" -> "family='kernel', 'mlp'", "--max-length" -> "max_length"."""
    return _OPTION.sub(_py_option, text)


def check(status):
    """Raises the exception of a status other than UA_OK (0)."""
    if status != OK:
        raise error(status)
    return status


# ---------------------------------------------------------------------------------------------
# prototypes (include/uniapprox/*.h)

c_double_p = ctypes.POINTER(ctypes.c_double)
c_char_pp = ctypes.POINTER(ctypes.c_char_p)
size_t = ctypes.c_size_t
_P = ctypes.c_void_p  # every opaque handle: ua_target *, ua_problem *, ua_model *, ua_options *
_PP = ctypes.POINTER(ctypes.c_void_p)
# a double array argument: passed as its address (an int; see _core._ptr), which costs a fraction
# of a microsecond where numpy's .ctypes.data_as costs several
_A = ctypes.c_void_p
_S = ctypes.c_int  # ua_status

BATCH_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, c_double_p, size_t, c_double_p)


class OptionSpec(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("type", ctypes.c_int), ("default", ctypes.c_char_p),
                ("lo", ctypes.c_double), ("hi", ctypes.c_double), ("lo_open", ctypes.c_int),
                ("choices", ctypes.c_char_p), ("help", ctypes.c_char_p),
                ("source", ctypes.c_char_p)]


class FamilyInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("summary", ctypes.c_char_p), ("doc", ctypes.c_char_p),
                ("accepts", ctypes.c_uint), ("min_dim", size_t), ("max_dim", size_t),
                ("options", ctypes.POINTER(OptionSpec)), ("noptions", size_t),
                ("out_of_core", ctypes.c_int)]


class Component(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("compiled", ctypes.c_char_p),
                ("running", ctypes.c_char_p)]


class MeasureOptions(ctypes.Structure):
    _fields_ = [("check_points", size_t), ("max_points", size_t), ("prec", ctypes.c_long),
                ("threads", ctypes.c_int), ("progress", ctypes.c_void_p),
                ("progress_ctx", ctypes.c_void_p)]


class BoxErrors(ctypes.Structure):
    _fields_ = [("d", size_t), ("npoints", size_t), ("n_nonfinite_ref", size_t),
                ("scale", ctypes.c_double), ("max_abs", ctypes.c_double),
                ("max_rel", ctypes.c_double), ("max_rel_scale", ctypes.c_double),
                ("rms_abs", ctypes.c_double), ("max_ulp64", ctypes.c_double),
                ("max_ulp32", ctypes.c_double), ("x_max_abs", c_double_p),
                ("x_max_rel", c_double_p), ("x_max_ulp64", c_double_p),
                ("x_max_ulp32", c_double_p), ("tol_ratio", ctypes.c_double),
                ("x_tol_ratio", c_double_p)]


class Measurement(ctypes.Structure):
    _fields_ = [("has_errors", ctypes.c_int), ("err", BoxErrors), ("train_rmse", ctypes.c_double),
                ("test_rmse", ctypes.c_double), ("has_tol", ctypes.c_int),
                ("tol_abs", ctypes.c_double), ("tol_scale", ctypes.c_double),
                ("tol_rel", ctypes.c_double), ("resolved", ctypes.c_int)]


class GraphsHead(ctypes.Structure):
    """The first fields of a ua_graphs (uniapprox/graphs.h): the set's sizes. Only read, through
    a pointer the library allocated; the rest of the struct stays the library's."""
    _fields_ = [("ngraphs", size_t), ("nnodes", size_t), ("nedges", size_t)]


def _proto(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)


def _prototypes():
    _proto("ua_strerror", ctypes.c_char_p, ctypes.c_int)
    _proto("ua_last_error", ctypes.c_char_p)
    _proto("ua_clear_error", None)
    _proto("ua_version", ctypes.c_char_p)
    _proto("ua_version_components", size_t)
    _proto("ua_version_component", _S, size_t, ctypes.POINTER(Component))
    _proto("ua_target_parse", _S, ctypes.c_char_p, c_char_pp, size_t, _PP)
    _proto("ua_target_free", None, _P)
    _proto("ua_target_dim", size_t, _P)
    _proto("ua_target_var", ctypes.c_char_p, _P, size_t)
    _proto("ua_box_parse", _S, ctypes.c_char_p, c_char_pp, size_t, _A, _A)
    _proto("ua_problem_formula", _S, _P, _A, _A, _PP)
    _proto("ua_problem_callback_batch", _S, BATCH_FN, ctypes.c_void_p, size_t, _A,
           _A, ctypes.c_char_p, _PP)
    _proto("ua_problem_samples", _S, _A, _A, size_t, size_t, size_t, _PP)
    _proto("ua_problem_set_test", _S, _P, _A, _A, size_t)
    _proto("ua_problem_set_sample_prec", _S, _P, ctypes.c_long)
    _proto("ua_problem_set_fill_removable", _S, _P, ctypes.c_int)
    _proto("ua_problem_free", None, _P)
    _proto("ua_problem_dim", size_t, _P)
    _proto("ua_family_count", size_t)
    _proto("ua_family_info_at", _S, size_t, ctypes.POINTER(FamilyInfo))
    _proto("ua_family_info_get", _S, ctypes.c_char_p, ctypes.POINTER(FamilyInfo))
    _proto("ua_family_choose", _S, _P, ctypes.POINTER(ctypes.c_char_p),
           ctypes.POINTER(ctypes.c_char_p))
    _proto("ua_family_options", _S, ctypes.c_char_p, _PP)
    _proto("ua_options_set", _S, _P, ctypes.c_char_p, ctypes.c_char_p)
    _proto("ua_options_free", None, _P)
    _proto("ua_fit", _S, _P, ctypes.c_char_p, _P, ctypes.c_void_p, _PP)
    _proto("ua_measure_options_default", None, ctypes.POINTER(MeasureOptions))
    _proto("ua_model_measure", _S, _P, _P, ctypes.POINTER(MeasureOptions),
           ctypes.POINTER(Measurement))
    _proto("ua_measurement_free", None, ctypes.POINTER(Measurement))
    _proto("ua_model_free", None, _P)
    _proto("ua_model_family", ctypes.c_char_p, _P)
    _proto("ua_model_target", ctypes.c_char_p, _P)
    _proto("ua_model_dims", None, _P, ctypes.POINTER(size_t), ctypes.POINTER(size_t))
    _proto("ua_model_box", None, _P, ctypes.POINTER(size_t), ctypes.POINTER(c_double_p),
           ctypes.POINTER(c_double_p))
    _proto("ua_model_kind", ctypes.c_int, _P)
    _proto("ua_model_predict", _S, _P, _A, size_t, _A)
    _proto("ua_model_gradient", _S, _P, _A, size_t, _A)
    _proto("ua_model_save", _S, _P, ctypes.c_char_p)
    _proto("ua_model_load", _S, ctypes.c_char_p, _PP)
    _proto("ua_model_export_c", _S, _P, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p)
    _proto("ua_model_describe", _S, _P, ctypes.POINTER(ctypes.c_void_p))
    _proto("ua_model_meta", ctypes.c_char_p, _P, ctypes.c_char_p)
    _proto("ua_model_set_meta", _S, _P, ctypes.c_char_p, ctypes.c_char_p)
    _proto("ua_model_meta_count", size_t, _P)
    _proto("ua_model_meta_at", None, _P, size_t, ctypes.POINTER(ctypes.c_char_p),
           ctypes.POINTER(ctypes.c_char_p))

    _proto("ua_problem_read_graphs", _S, ctypes.c_char_p, ctypes.c_char_p, _PP)
    _proto("ua_graphs_read", _S, ctypes.c_char_p, ctypes.POINTER(ctypes.POINTER(GraphsHead)))
    _proto("ua_graphs_free", None, ctypes.POINTER(GraphsHead))
    _proto("ua_model_predict_graphs", _S, _P, ctypes.POINTER(GraphsHead),
           ctypes.POINTER(c_double_p), ctypes.POINTER(size_t),
           ctypes.POINTER(ctypes.c_int))


try:
    _prototypes()
except AttributeError as e:  # another library than libuniapprox, or an old one
    raise ImportError(
        "uniapprox: %r is not a usable libuniapprox (%s); set UNIAPPROX_LIBRARY to the path of "
        "libuniapprox.so" % (LIBRARY_PATH, e)) from None

def _strerror(status):
    return lib.ua_strerror(status).decode()


def cstr(b):
    """A C string (bytes or None) as str ("" for NULL)."""
    return b.decode("utf-8", "replace") if b else ""
