"""Keras 3's correlation metrics: Pearson's and the concordance correlation coefficient,
per sample along `axis`, averaged over the samples seen."""
import numbers

import swiftdl as _sd

from ..backend import epsilon
from ..metrics import MeanMetricWrapper
from .tensors import as_tensor, squeeze_or_expand_to_same_rank


def _operands(y_true, y_pred, axis, name):
    y_pred = as_tensor(y_pred, "float32", "y_pred")
    y_true = as_tensor(y_true, "float32", "y_true")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"[{name}] y_true and y_pred must have the same shape; received "
                         f"y_true.shape={tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}")
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool) or not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(f"[{name}] axis must be an integer in [-{y_pred.ndim}, {y_pred.ndim}); "
                         f"received axis={axis!r} for inputs of shape {tuple(y_pred.shape)}")
    return y_true, y_pred


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's coefficient between labels and predictions along `axis`:
    mean(z(y_true)·z(y_pred)), z the values centred and divided by their standard deviation.

    Returns:
        The coefficients, with `axis` reduced.
    """
    y_true, y_pred = _operands(y_true, y_pred, axis, "pearson_correlation")
    true_centred = y_true - y_true.mean(axis=axis, keepdims=True)
    pred_centred = y_pred - y_pred.mean(axis=axis, keepdims=True)
    true_centred = true_centred / _sd.std(true_centred, axis=axis, keepdims=True)
    pred_centred = pred_centred / _sd.std(pred_centred, axis=axis, keepdims=True)
    return (true_centred * pred_centred).mean(axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance coefficient 2·cov / (var_true + var_pred + (mean_true - mean_pred)²)
    along `axis`.

    NOTE: Keras centres *both* factors of the covariance on the mean of y_pred; that is
    what Keras reports, so it is what this computes.

    Returns:
        The coefficients, with `axis` reduced.
    """
    y_true, y_pred = _operands(y_true, y_pred, axis, "concordance_correlation")
    true_mean = y_true.mean(axis=axis, keepdims=True)
    pred_mean = y_pred.mean(axis=axis, keepdims=True)
    true_var = _sd.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = _sd.var(y_pred - pred_mean, axis=axis, keepdims=True)
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    gap = true_mean - pred_mean
    norm = true_var + pred_var + gap * gap
    return (2.0 * covariance / (norm + epsilon())).mean(axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """Pearson's correlation coefficient along `axis`, averaged over the samples seen.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        axis: the axis along which the coefficient is computed (default -1).
    """
    _direction = "up"

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """Lin's concordance correlation coefficient along `axis`, averaged over the samples seen.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        axis: the axis along which the coefficient is computed (default -1).
    """
    _direction = "up"

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
