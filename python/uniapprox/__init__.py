"""uniapprox: universal function approximation — fit a formula, a Python function or samples,
measure the result against an independent reference (MPFR for formulas), export it as C.

    import uniapprox as ua
    m = ua.fit("erf(x)", domain=(-4, 4))          # a Chebyshev series, measured against MPFR
    m.predict(np.linspace(-4, 4, 5)), m.errors["max_abs_err"], m.errors["verdict"]
    c_source = m.export_c(name="erf_approx")
    m.save("erf.safetensors"); m2 = ua.load("erf.safetensors")

    ua.fit("exp(-x^2-y^2)", domain=[(-1, 1), (-1, 1)])         # 2-D: chebnd
    ua.fit(lambda x: np.sin(3 * x[:, 0]) * x[:, 1], domain=[(0, 1)] * 2, family="kernel")
    ua.fit_data(X, y, family="kernel", alpha=1e-3)

scikit-learn estimators: uniapprox.sklearn.UniapproxRegressor and UniapproxClassifier (also
importable from here). Bindings over the shared library libuniapprox with ctypes (docs/python.md).
"""
from ._lib import (UniapproxError, InvalidArgumentError, ParseError, DomainError,
                   FileFormatError, UnsupportedError, NotFoundError, LibraryIOError,
                   LibraryMemoryError, NotResolvedError, DivergedError, LIBRARY_PATH)
from ._core import (Model, fit, fit_data, fit_graphs, load, families, family_options, version,
                    build_info, NotResolvedWarning)

__version__ = version()

__all__ = ["Model", "fit", "fit_data", "fit_graphs", "load", "families", "family_options",
           "version", "build_info", "UniapproxError", "InvalidArgumentError", "ParseError",
           "DomainError", "FileFormatError", "UnsupportedError", "NotFoundError", "LibraryIOError",
           "LibraryMemoryError", "NotResolvedError", "DivergedError", "NotResolvedWarning",
           "UniapproxRegressor", "UniapproxClassifier", "LIBRARY_PATH"]


def __getattr__(name):
    # the estimators need scikit-learn: imported only when asked for
    if name in ("UniapproxRegressor", "UniapproxClassifier"):
        from . import sklearn as _sk
        return getattr(_sk, name)
    raise AttributeError("module 'uniapprox' has no attribute %r" % name)
