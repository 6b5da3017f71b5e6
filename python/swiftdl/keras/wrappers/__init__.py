"""keras.wrappers: Keras models as scikit-learn estimators (scikit-learn is optional; the
classes say so when it is missing)."""
from .sklearn_wrapper import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
