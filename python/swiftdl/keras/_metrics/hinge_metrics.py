"""Keras 3's hinge metrics: the running (weighted) mean of the hinge losses of `keras.losses`."""
from .. import losses as _losses
from ..metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """The mean of max(1 - y_true·y_pred, 0); 0/1 labels are read as -1/1.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="hinge", dtype=None):
        super().__init__(_losses.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """The mean of max(1 - y_true·y_pred, 0)²; 0/1 labels are read as -1/1.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(_losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """The mean of max(max((1 - y_true)·y_pred) - Σ y_true·y_pred + 1, 0) for one-hot labels.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(_losses.categorical_hinge, name=name, dtype=dtype)
