"""scikit-learn estimators over uniapprox's learners: UniapproxRegressor and
UniapproxClassifier. They pass sklearn.utils.estimator_checks.check_estimator (the regressor for
families kernel, mlp and rf, the classifier for kernel and mlp; cheb and spline take one input
column, which those checks do not give) and work in Pipeline, GridSearchCV and cross_val_score.

    from uniapprox.sklearn import UniapproxRegressor
    reg = UniapproxRegressor(family="kernel", kernel="rbf", alpha=1e-3, gamma=0.5)
    GridSearchCV(reg, {"alpha": [1e-3, 1e-1], "gamma": [0.1, 1.0]}).fit(X, y)

The parameters besides family and random_state are the options of the families that fit samples
(kernel, mlp, rf; cheb and spline for one input), read from the library's option tables
(uniapprox.family_options), with _ for - (length_scale); lambda, a Python keyword, is given
as its synonym alpha (scikit-learn's name); for mlp, which has no lambda, alpha is its
weight_decay (the L2 penalty on the weights, MLPRegressor's alpha). Each is None by default: the
family's own default. A parameter the family does not have, set to anything but None, is
refused by the library (ValueError naming the family).
"""
import inspect
import keyword

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from . import _core, _lib
from ._lib import lib

__all__ = ["UniapproxRegressor", "UniapproxClassifier"]

_SAMPLES = 1 << 2  # UA_ACCEPTS(UA_PROBLEM_SAMPLES)
# options the estimators set themselves: the seed (random_state), classification, and the
# training points drawn from a formula (these estimators fit samples)
_OWN = {"seed", "classify", "task", "samples"}
# families that take several target columns at once
_MULTIOUTPUT = {"kernel", "mlp", "rf"}
# 1-D families defined on the training range of x only (NaN outside: see _refuse_outside)
_RANGE_ONLY = {"cheb", "spline"}
# scikit-learn's alpha is a regularisation strength (scikit-learn's checks set alpha = 0.01 on
# every regressor that has the attribute). kernel and rf declare it themselves (the synonym of
# their --lambda); a family without it but with an L2 penalty on the weights takes alpha as that
# option (mlp: --weight-decay, what MLPRegressor calls alpha).
_ALPHA_AS = "weight-decay"


def _sample_families():
    out = []
    for i in range(lib.ua_family_count()):
        info = _core._family_info(i)
        if info.accepts & _SAMPLES:
            out.append(info)
    return out


def _py_name(c_name):
    """The parameter's name: - as _; None for a Python keyword (lambda), which cannot be a
    parameter (and a name ending in _ would read as a fitted attribute to scikit-learn):
    alpha, its synonym and scikit-learn's name, takes its place."""
    n = c_name.replace("-", "_")
    return None if keyword.iskeyword(n) else n


def _option_names():
    """The union of the option names of the families that fit samples, as Python names, in the
    order met (families by name, options in table order)."""
    names = []
    for info in _sample_families():
        for k in range(info.noptions):
            name = _lib.cstr(info.options[k].name)
            py = _py_name(name)
            if name not in _OWN and py and py not in names:
                names.append(py)
    return names


_OPTIONS = _option_names()


def _signature(default_family):
    P = inspect.Parameter
    params = [P("self", P.POSITIONAL_OR_KEYWORD),
              P("family", P.POSITIONAL_OR_KEYWORD, default=default_family),
              P("random_state", P.KEYWORD_ONLY, default=None)]
    params += [P(n, P.KEYWORD_ONLY, default=None) for n in _OPTIONS]
    return inspect.Signature(params)


try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate
except ImportError:  # older: the estimator's own method
    def _validate(est, *args, **kwargs):
        return est._validate_data(*args, **kwargs)


class _Estimator(BaseEstimator):
    """What both estimators share: the parameters and the call of the library."""

    def _set_params_from_init(self, family, random_state, options):
        unknown = set(options) - set(_OPTIONS)
        if unknown:
            raise TypeError("%s got unexpected keyword argument%s %s (the options of %s are "
                            "listed by uniapprox.family_options)"
                            % (type(self).__name__, "s" if len(unknown) > 1 else "",
                               ", ".join(sorted(unknown)), family))
        self.family = family
        self.random_state = random_state
        for n in _OPTIONS:
            setattr(self, n, options.get(n))

    def _family_options(self, extra):
        opts = {n: getattr(self, n) for n in _OPTIONS if getattr(self, n) is not None}
        if "alpha" in opts:
            names = {o["name"] for o in _core.family_options(self.family)}
            if "alpha" not in names and _ALPHA_AS in names:
                py = _py_name(_ALPHA_AS)
                if py in opts:
                    raise ValueError("alpha and %s are the same option of family %r (its %s): "
                                     "give one" % (py, self.family, _ALPHA_AS))
                opts[py] = opts.pop("alpha")
        rs = self.random_state
        if rs is not None and any(o["name"] == "seed" for o in _core.family_options(self.family)):
            if isinstance(rs, (int, np.integer)) and not isinstance(rs, (bool, np.bool_)):
                if not 0 <= int(rs) <= 2 ** 32 - 1:  # scikit-learn's range (check_random_state)
                    raise ValueError("random_state=%r: expected an integer in [0, 4294967295], "
                                     "a numpy RandomState or None" % (rs,))
                opts["seed"] = int(rs)
            else:  # a numpy RandomState: one draw from it
                opts["seed"] = int(check_random_state(rs).randint(0, 2 ** 31 - 1))
        opts.update(extra)
        return opts

    def _fit_model(self, X, y, extra):
        return _core.fit_data(X, y, family=self.family, measure=False,
                              **self._family_options(extra))

    def _predict_raw(self, X):
        check_is_fitted(self, "model_")
        X = _validate(self, X, reset=False, dtype=np.float64, order="C")
        y = self.model_.predict(X)
        if not np.all(np.isfinite(y)):
            self._refuse_outside(X, y)
        return y

    def _refuse_outside(self, X, y):
        """cheb and spline are defined on the training range of x only (the library answers NaN
        outside it, as a Chebyshev series or spline of a formula is on its domain): a prediction
        there is refused with a ValueError naming the range, never returned as NaN."""
        rng = getattr(self, "x_range_", None)
        bad = ~np.all(np.isfinite(y.reshape(len(y), -1)), axis=1)
        if rng is not None:
            out = np.flatnonzero(bad & ((X[:, 0] < rng[0]) | (X[:, 0] > rng[1])))
            if out.size:
                raise ValueError(
                    "family %r predicts only inside the training range [%.17g, %.17g] of x "
                    "(it does not extrapolate): %d of %d points lie outside, the first x = %.17g;"
                    " fit on data that covers them, or use family 'kernel', 'mlp' or 'rf'"
                    % (self.family, rng[0], rng[1], out.size, len(X), X[out[0], 0]))
        raise ValueError("the %r model predicted %d non-finite values of %d (the first at row %d)"
                         % (self.family, int(bad.sum()), len(X), int(np.flatnonzero(bad)[0])))


class UniapproxRegressor(RegressorMixin, _Estimator):
    """A uniapprox learner as a scikit-learn regressor (family "kernel", "mlp", "rf"; "cheb" or
    "spline" for one input). y may have several columns for kernel, mlp and rf. After fit:
    model_ (a uniapprox.Model: save, export_c, errors), n_features_in_."""

    def __init__(self, family="kernel", *, random_state=None, **options):
        self._set_params_from_init(family, random_state, options)

    def fit(self, X, y):
        X, y = _validate(self, X, y, dtype=np.float64, order="C", y_numeric=True,
                         multi_output=self.family in _MULTIOUTPUT, ensure_min_samples=2)
        self._y_columns = y.shape[1] if y.ndim == 2 else 0
        self.model_ = self._fit_model(X, y, {})
        if self.model_.dims[0] == 1 and self.family in _RANGE_ONLY:
            self.x_range_ = (float(X[:, 0].min()), float(X[:, 0].max()))
        return self

    def predict(self, X):
        y = self._predict_raw(X)
        if self._y_columns == 1 and y.ndim == 1:
            y = y.reshape(-1, 1)
        return y

    def _more_tags(self):
        return {"multioutput": self.family in _MULTIOUTPUT}


class UniapproxClassifier(ClassifierMixin, _Estimator):
    """A uniapprox learner as a scikit-learn classifier: family "kernel" (kernel ridge on the
    one-hot classes, predicting the argmax; the kernel family's --classify) or "mlp" (softmax
    cross-entropy; --task classify). Any labels (classes_ holds them, sorted). After fit:
    model_, classes_, n_features_in_."""

    def __init__(self, family="kernel", *, random_state=None, **options):
        self._set_params_from_init(family, random_state, options)

    def fit(self, X, y):
        X, y = _validate(self, X, y, dtype=np.float64, order="C", ensure_min_samples=2)
        check_classification_targets(y)
        self.classes_, yi = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("UniapproxClassifier needs samples of at least 2 classes; got 1 "
                             "class (%r)" % (self.classes_[0],))
        if self.family == "kernel":
            extra = {"classify": True}
        elif self.family == "mlp":
            extra = {"task": "classify"}
        else:
            raise ValueError("family %r does not classify: use 'kernel' or 'mlp'"
                             % (self.family,))
        self.model_ = self._fit_model(X, yi.astype(np.float64), extra)
        return self

    def predict(self, X):
        k = self._predict_raw(X).astype(np.intp)
        return self.classes_[k]


UniapproxRegressor.__init__.__signature__ = _signature("kernel")
UniapproxClassifier.__init__.__signature__ = _signature("kernel")
