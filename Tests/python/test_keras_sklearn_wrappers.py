"""keras.wrappers: Keras models as scikit-learn estimators, used as scikit-learn users use
them (pipelines, cross-validation, grid search, clone), with Keras's label encoding."""
import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from swiftdl import keras  # noqa: E402
from swiftdl.keras.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402


def dynamic_classifier(X, y, loss="categorical_crossentropy", hidden=(16,)):
    """keras.io's example: shapes read from the data."""
    inputs = keras.Input((X.shape[1],))
    x = inputs
    for units in hidden:
        x = keras.layers.Dense(units, activation="relu")(x)
    model = keras.Model(inputs, keras.layers.Dense(y.shape[1], activation="softmax")(x))
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(0.02))
    return model


def test_classifier_in_a_pipeline_learns_string_labels():
    X, y = make_classification(n_samples=240, n_features=8, n_informative=6, n_classes=3, random_state=0)
    labels = np.array(["cat", "dog", "owl"])[y]
    keras.utils.set_random_seed(0)
    pipe = make_pipeline(StandardScaler(), SKLearnClassifier(dynamic_classifier, model_kwargs={"hidden": [32]},
                                                             fit_kwargs={"epochs": 30, "verbose": 0}))
    pipe.fit(X, labels)
    classifier = pipe[-1]
    assert list(classifier.classes_) == ["cat", "dog", "owl"]
    predictions = pipe.predict(X)
    assert predictions.dtype.kind == "U" and set(predictions) <= {"cat", "dog", "owl"}
    assert pipe.score(X, labels) > 0.85
    scores = classifier.decision_function(StandardScaler().fit(X).transform(X))
    assert scores.shape == (240, 3) and np.allclose(scores.sum(1), 1, atol=1e-5)
    assert classifier.epoch_ == list(range(30))


def test_cross_validation_and_grid_search_clone_the_estimator():
    X, y = make_classification(n_samples=120, n_features=5, random_state=1)
    keras.utils.set_random_seed(1)
    estimator = SKLearnClassifier(dynamic_classifier, fit_kwargs={"epochs": 15, "verbose": 0})
    scores = cross_val_score(estimator, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.7
    search = GridSearchCV(estimator, {"model_kwargs": [{"hidden": [4]}, {"hidden": [16, 16]}]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["model_kwargs"] in ({"hidden": [4]}, {"hidden": [16, 16]})
    assert not hasattr(clone(estimator), "model_")


def test_a_compiled_model_is_cloned_and_warm_start_keeps_training():
    X, y = make_regression(n_samples=100, n_features=4, noise=0.1, random_state=2)
    y = y / y.std()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    regressor = SKLearnRegressor(model, fit_kwargs={"epochs": 40, "verbose": 0})
    regressor.fit(X, y)
    assert regressor.model_ is not model and regressor.predict(X).shape == (100,)
    assert regressor.score(X, y) > 0.95
    warm = SKLearnRegressor(model, warm_start=True, fit_kwargs={"epochs": 1, "verbose": 0}).fit(X, y)
    first = warm.model_
    warm.fit(X, y)
    assert warm.model_ is first


def test_transformer_gives_the_models_outputs():
    X, _ = make_regression(n_samples=30, n_features=6, random_state=3)

    def embedding(X, y):
        model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(3)])
        model.compile(optimizer="sgd", loss="mse")
        return model

    transformer = SKLearnTransformer(embedding, fit_kwargs={"epochs": 1, "verbose": 0}).fit(X, X[:, 0])
    np.testing.assert_allclose(transformer.transform(X), transformer.model_.predict(X, verbose=0), rtol=1e-6)


def test_bad_targets_and_models_are_refused():
    X = np.random.default_rng(0).normal(size=(20, 3))
    estimator = SKLearnClassifier(dynamic_classifier, fit_kwargs={"epochs": 1, "verbose": 0})
    with pytest.raises(ValueError, match="one class"):
        estimator.fit(X, np.zeros(20))
    with pytest.raises(ValueError, match="binary and multiclass"):
        estimator.fit(X, np.random.default_rng(0).normal(size=20))
    uncompiled = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(RuntimeError, match="compiled"):
        SKLearnRegressor(uncompiled).fit(X, X[:, 0])
    with pytest.raises(sklearn.exceptions.NotFittedError):
        SKLearnRegressor(uncompiled).predict(X)
