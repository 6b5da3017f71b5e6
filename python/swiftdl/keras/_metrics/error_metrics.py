"""Keras 3's regression error metrics beyond MSE and MAE: RootMeanSquaredError,
CosineSimilarity, LogCoshError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError.
The per-sample values come from the loss functions of `keras.losses`."""
from .. import losses as _losses
from ..metrics import Mean, MeanMetricWrapper
from .tensors import as_tensor, squeeze_or_expand_to_same_rank


class RootMeanSquaredError(Mean):
    """sqrt of the (weighted) mean of (y_pred - y_true)² over everything seen.

    NOTE: the square root is taken of the running mean, not averaged per batch, so two
    batches give the RMSE of their union (Keras's definition).

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_tensor(y_true, self.dtype, "y_true")
        y_pred = as_tensor(y_pred, self.dtype, "y_pred")
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if tuple(y_true.shape) != tuple(y_pred.shape):
            raise ValueError(f"[{self.name}] y_true and y_pred must have the same shape; received "
                             f"y_true.shape={tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}")
        error = y_pred - y_true
        super().update_state(error * error, sample_weight=sample_weight)

    def result(self):
        return super().result() ** 0.5


def _cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine similarity itself: the loss of the same name is its negative."""
    return -_losses.cosine_similarity(y_true, y_pred, axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity between labels and predictions along `axis`
    (1 for the same direction, -1 for opposite ones).

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        axis: the axis along which the similarity is computed (default -1).
    """
    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(_cosine_similarity, name=name or "cosine_similarity", dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        # NOTE: Keras's config leaves `axis` out (so its round trip resets it to -1); it is
        # kept here, and a Keras config without it still loads.
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class LogCoshError(MeanMetricWrapper):
    """The mean of log(cosh(y_pred - y_true)).

    Args:
        name: (Optional) string name of the metric instance (Keras's default is "logcosh").
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(_losses.log_cosh, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean of 100·|y_true - y_pred| / max(|y_true|, 1e-7).

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(_losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean of (log(y_pred + 1) - log(y_true + 1))², both clipped below at 1e-7.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
    """
    _direction = "down"

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(_losses.mean_squared_logarithmic_error, name=name, dtype=dtype)
