"""R2Score: the coefficient of determination, accumulated over batches."""
import numbers
import warnings

import swiftdl as _sd

from ..metrics import Metric
from .tensors import as_tensor, squeeze_or_expand_to_same_rank, to_result


class R2Score(Metric):
    """1 - Σ(y - ŷ)² / Σ(y - ȳ)², per output column, then aggregated.

    Args:
        class_aggregation: "uniform_average" (default), "variance_weighted_average" or None
            (one score per output).
        num_regressors: p > 0 gives the adjusted R²: 1 - (1 - R²)(n - 1)/(n - p - 1).
    Inputs are 2D: (batch_size, output_dim).
    """
    _direction = "up"  # larger is better (MonitorCallback's mode="auto")


    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                             f"Received: class_aggregation={class_aggregation}")
        if not isinstance(num_regressors, numbers.Integral) or num_regressors < 0:
            raise ValueError(f"Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = int(num_regressors)
        super().__init__(name=name, dtype=dtype)
        self.num_samples = self.add_variable((), name="num_samples")
        self._built = False

    def _build(self, true_shape, pred_shape):
        if len(pred_shape) != 2 or len(true_shape) != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={tuple(pred_shape)} and y_true.shape={tuple(true_shape)}.")
        size = (pred_shape[-1],)
        self.squared_sum = self.add_variable(size, name="squared_sum")
        self.sum = self.add_variable(size, name="sum")
        self.total_mse = self.add_variable(size, name="residual")
        self.count = self.add_variable(size, name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_tensor(y_true, self.dtype, "y_true")
        y_pred = as_tensor(y_pred, self.dtype, "y_pred")
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if tuple(y_true.shape) != tuple(y_pred.shape) or y_true.shape[-1] != self.sum.shape[0]:
            raise ValueError(f"R2Score: y_true {tuple(y_true.shape)} and y_pred {tuple(y_pred.shape)} must have the "
                             f"same 2D shape with {self.sum.shape[0]} outputs (set by the first batch)")
        weights = _sd.ones((), dtype=self.dtype) if sample_weight is None else \
            as_tensor(sample_weight, self.dtype, "sample_weight")
        if weights.ndim == 1:
            weights = _sd.expand_dims(weights, 1)
        weights = _sd.broadcast_to(weights, tuple(y_true.shape))
        weighted_true = y_true * weights
        self.sum.assign_add(weighted_true.sum(axis=0))
        self.squared_sum.assign_add((y_true * weighted_true).sum(axis=0))
        self.total_mse.assign_add(((y_true - y_pred) ** 2 * weights).sum(axis=0))
        self.count.assign_add(weights.sum(axis=0))
        self.num_samples.assign_add((weights != 0).any(axis=-1).astype(self.dtype).sum())

    def result(self):
        if not self._built:
            return 0.0
        total_sum, count = self.sum.value(), self.count.value()
        mean = total_sum / count
        total = self.squared_sum.value() - total_sum * mean
        raw = 1.0 - self.total_mse.value() / total
        raw = _sd.where(abs(raw) == float("inf"), 0.0, raw).astype(self.dtype)
        if self.class_aggregation == "uniform_average":
            score = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (total * raw).sum() / total.sum()
        else:
            score = raw
        if self.num_regressors:
            n, p = float(self.num_samples), float(self.num_regressors)
            if p > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 score. Falling back to "
                              "standard R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                              stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return to_result(score)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
