"""The scikit-learn estimators: scikit-learn's own estimator checks, and the kernel family against
sklearn.kernel_ridge.KernelRidge (the same fit, one for one, with raw columns) in Pipeline,
GridSearchCV and cross_val_score."""
import numpy as np
import pytest
from sklearn.datasets import load_iris, make_friedman1
from sklearn.kernel_ridge import KernelRidge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from uniapprox.sklearn import UniapproxClassifier, UniapproxRegressor


# mlp: 20 epochs keep it fast (R^2 0.79 on the checks' regression data, which need > 0.5); the
# regressor in f64, as the f32 network's prediction of a row changes with the batch around it
# (BLAS blocking: 6e-7 relative), beyond check_methods_sample_order_invariance's rtol 1e-7
@pytest.mark.parametrize("est", [UniapproxRegressor(family="kernel"),
                                 UniapproxClassifier(family="kernel"),
                                 UniapproxRegressor(family="mlp", epochs=20, dtype="f64"),
                                 UniapproxClassifier(family="mlp", epochs=20),
                                 UniapproxRegressor(family="rf")],
                         ids=["regressor", "classifier", "mlp-regressor", "mlp-classifier",
                              "rf-regressor"])
def test_check_estimator(est):
    check_estimator(est)


def test_alpha_is_mlp_weight_decay():
    """scikit-learn's checks set alpha on any regressor that has it; mlp has no lambda, so alpha
    is its weight_decay (MLPRegressor's name for the L2 penalty)."""
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = np.sin(X.sum(1))
    kw = dict(family="mlp", hidden="8", epochs=30, random_state=0)
    a = UniapproxRegressor(alpha=0.05, **kw).fit(X, y).predict(X)
    w = UniapproxRegressor(weight_decay=0.05, **kw).fit(X, y).predict(X)
    none = UniapproxRegressor(**kw).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, w)
    assert np.abs(a - none).max() > 1e-6  # the penalty changes the fit
    with pytest.raises(ValueError, match="alpha and weight_decay are the same option"):
        UniapproxRegressor(alpha=0.05, weight_decay=0.05, **kw).fit(X, y)
    # a family with neither refuses alpha (cheb: one input)
    with pytest.raises(ValueError, match="alpha"):
        UniapproxRegressor(family="cheb", alpha=0.05).fit(X[:, :1], y)


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(n_samples=240, n_features=5, noise=0.1, random_state=0)
    return StandardScaler().fit_transform(X), y


def test_same_fit_as_kernel_ridge(friedman):
    X, y = friedman
    ours = UniapproxRegressor(family="kernel", kernel="rbf", alpha=0.1, gamma=0.2,
                              no_standardize=True).fit(X[:200], y[:200])
    ref = KernelRidge(kernel="rbf", alpha=0.1, gamma=0.2).fit(X[:200], y[:200])
    np.testing.assert_allclose(ours.predict(X[200:]), ref.predict(X[200:]), rtol=1e-8, atol=1e-8)


def test_grid_search_matches_kernel_ridge(friedman):
    X, y = friedman
    cv = KFold(4, shuffle=True, random_state=0)
    grid = {"alpha": [1e-3, 1e-1], "gamma": [0.05, 0.5]}
    ours = GridSearchCV(UniapproxRegressor(family="kernel", no_standardize=True), grid, cv=cv)
    ref = GridSearchCV(KernelRidge(kernel="rbf"), grid, cv=cv)
    ours.fit(X, y)
    ref.fit(X, y)
    assert ours.best_params_ == ref.best_params_
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               ref.cv_results_["mean_test_score"], rtol=1e-7)


def test_pipeline_and_cross_val_score(friedman):
    X, y = friedman
    pipe = make_pipeline(StandardScaler(), UniapproxRegressor(family="kernel"))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.min() > 0.8  # R^2 of kernel ridge with LOO-chosen gamma, lambda
    assert pipe.fit(X, y).score(X, y) > 0.95


def test_classifier_on_iris_with_string_labels():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = UniapproxClassifier(family="kernel")
    acc = cross_val_score(clf, X, names, cv=KFold(5, shuffle=True, random_state=0))
    assert acc.mean() > 0.9
    clf.fit(X, names)
    assert list(clf.classes_) == list(names[[0, 50, 100]])
    assert set(clf.predict(X)) <= set(names)


def test_mlp_regressor_learns(friedman):
    X, y = friedman
    reg = UniapproxRegressor(family="mlp", hidden="32", epochs=200, random_state=0)
    reg.fit(X, y)
    assert reg.score(X, y) > 0.8
    assert reg.model_.family == "mlp"


def test_parameters():
    reg = UniapproxRegressor(family="kernel", alpha=1e-3)
    assert reg.get_params()["alpha"] == 1e-3 and reg.get_params()["hidden"] is None
    with pytest.raises(TypeError, match="unexpected keyword"):
        UniapproxRegressor(no_such_option=1)
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="hidden"):
        UniapproxRegressor(family="kernel", hidden="8").fit(X, X[:, 0])
    with pytest.raises(ValueError, match="does not classify"):
        UniapproxClassifier(family="rf").fit(X, X[:, 0] > 0)


def test_mlp_classifier():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = UniapproxClassifier(family="mlp", hidden="16", epochs=200, random_state=0).fit(X, y)
    assert clf.model_.family == "mlp" and list(clf.classes_) == [0, 1, 2]
    assert clf.score(X, y) > 0.9
