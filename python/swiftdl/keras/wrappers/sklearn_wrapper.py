"""SKLearnClassifier, SKLearnRegressor and SKLearnTransformer: a compiled Keras model (or a
function building one from X and y) as a scikit-learn estimator, so it works in pipelines,
grid searches and cross-validation. As in Keras, a classifier one-hot encodes its labels for
the model and `predict` maps the model's outputs back to the labels."""
from __future__ import annotations

import copy
from typing import Any

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # the classes below then refuse to be made, naming the package
    sklearn = None
    BaseEstimator = ClassifierMixin = RegressorMixin = TransformerMixin = object


def _require_sklearn(name: str) -> None:
    if sklearn is None:
        raise ImportError(f"{name} requires `scikit-learn` to be installed. Run `pip install scikit-learn` to install "
                          "it.")


def _validate(estimator: Any, *args: Any, **kwargs: Any) -> Any:
    """scikit-learn's input validation (the function from 1.6, the method before it)."""
    try:
        from sklearn.utils.validation import validate_data
    except ImportError:
        return estimator._validate_data(*args, **kwargs)
    return validate_data(estimator, *args, **kwargs)


def _target_type(y: Any) -> str:
    from sklearn.utils.multiclass import type_of_target
    kind = type_of_target(y)
    if kind == "unknown":
        raise ValueError(f"Unknown label type for data: {y!r}")
    return kind


class _TargetReshaper(TransformerMixin, BaseEstimator):
    """1-D targets as one column for the encoders, and back."""

    def fit(self, y: np.ndarray) -> _TargetReshaper:
        self.ndim_ = y.ndim
        return self

    def transform(self, y: np.ndarray) -> np.ndarray:
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y: np.ndarray) -> np.ndarray:
        return np.squeeze(y, axis=1) if self.ndim_ == 1 and y.ndim == 2 else y


class _SKLBase(BaseEstimator):
    """The shared part of the wrappers.

    Args:
        model: a compiled Keras Model (cloned before each fit unless `warm_start`), or a
            callable taking `X=` and `y=` (and `model_kwargs`) and returning a compiled model.
        warm_start: keep training the fitted model on the next `fit` instead of starting anew.
        model_kwargs: keyword arguments for `model` when it is a callable.
        fit_kwargs: keyword arguments for `model.fit` (those given to `fit` itself win).

    Attributes:
        model_: the fitted model. history_: the History of the last fit.
    """

    model_: Any  # set by fit (scikit-learn's fitted-attribute convention: absent before)
    history_: Any

    def __init__(self, model: Any, warm_start: bool = False, model_kwargs: dict | None = None,
                 fit_kwargs: dict | None = None) -> None:
        _require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self) -> Any:
        """A fresh, unfitted copy (scikit-learn's clone): a model instance is deep-copied, a
        building function shared."""
        model = self.model if callable(self.model) and not hasattr(self.model, "fit") else copy.deepcopy(self.model)
        return type(self)(model=model, warm_start=self.warm_start, model_kwargs=self.model_kwargs,
                          fit_kwargs=self.fit_kwargs)

    @property
    def epoch_(self) -> Any:
        """The epochs of the last fit (History's `epoch`)."""
        history = getattr(self, "history_", None)
        return getattr(history, "epoch", 0) if history is not None else 0

    def _new_model(self, X: np.ndarray, y: np.ndarray) -> Any:
        from ..models.cloning import clone_model
        from ..models.model import Model
        if isinstance(self.model, Model):
            return clone_model(self.model)   # compiled like the original, new weights
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X: Any, y: Any, **kwargs: Any) -> _SKLBase:
        """Validates X and y, encodes y, builds (or keeps, with warm_start) the model and fits it."""
        X, y = _validate(self, X, y)
        y = self._encode_target(y, reset=True)
        if self.warm_start and hasattr(self, "model_"):
            model = self.model_
        else:
            model = self._new_model(X, y)
        if not getattr(model, "compiled", False) or not getattr(model, "loss", None) or model.optimizer is None:
            raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer.")
        fit_kwargs = dict(self.fit_kwargs or {})
        fit_kwargs.update(kwargs)
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The model's predictions, decoded back to the targets' form."""
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return self._decode_target(np.asarray(self.model_.predict(X, verbose=0)))

    def _encode_target(self, y: np.ndarray, reset: bool = False) -> np.ndarray:
        _target_type(y)
        if reset:
            self._target_encoder = _TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _decode_target(self, y: np.ndarray) -> np.ndarray:
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, _SKLBase):
    """A Keras classifier as a scikit-learn estimator: labels (binary or multiclass, any
    dtype) are one-hot encoded for the model, `predict` returns labels, `classes_` lists
    them and `decision_function` gives the model's raw outputs."""

    def decision_function(self, X: Any) -> np.ndarray:
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return np.asarray(self.model_.predict(X, verbose=0))

    def _encode_target(self, y: np.ndarray, reset: bool = False) -> np.ndarray:
        kind = _target_type(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"Only binary and multiclass target types are supported. Target type: {kind}")
        if reset:
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import OneHotEncoder
            self._target_encoder = make_pipeline(_TargetReshaper(), OneHotEncoder(sparse_output=False)).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, _SKLBase):
    """A Keras regressor as a scikit-learn estimator (targets go to the model as they are;
    a 1-D target is one column)."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, _SKLBase):
    """A Keras model as a scikit-learn transformer: `transform(X)` is the model's output
    (an embedding, say) for the next step of a pipeline."""

    def transform(self, X: Any) -> np.ndarray:
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return np.asarray(self.model_.predict(X, verbose=0))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
