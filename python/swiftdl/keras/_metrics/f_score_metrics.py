"""FBetaScore and F1Score (Keras 3's, with its averages and its threshold rule)."""
from ..metrics import Metric
from .tensors import as_tensor, to_result

_EPSILON = 1e-7


class FBetaScore(Metric):
    """(1 + β²)·precision·recall / (β²·precision + recall), per class or averaged.

    Args:
        average: None (one score per class), "micro", "macro" or "weighted".
        beta: a positive Python float (default 1.0).
        threshold: predictions above it count as positive; None marks each row's maximum
            (when it is not ~0) as the positive class.
        name, dtype: as for every metric.
    Inputs are 2D: (batch_size, output_dim).
    """
    _direction = "up"  # larger is better (MonitorCallback's mode="auto")


    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                             f"'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta} "
                             f"of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError("Invalid `threshold` argument value. It should be a Python float. "
                                 f"Received: threshold={threshold} of type '{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError("Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                                 f"Received: threshold={threshold}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        super().__init__(name=name, dtype=dtype)
        self._built = False

    def _build(self, true_shape, pred_shape):
        if len(pred_shape) != 2 or len(true_shape) != 2:
            raise ValueError("FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={tuple(pred_shape)} and y_true.shape={tuple(true_shape)}.")
        self._classes = pred_shape[-1]
        size = () if self.average == "micro" else (pred_shape[-1],)
        self.true_positives = self.add_variable(size, name="true_positives")
        self.false_positives = self.add_variable(size, name="false_positives")
        self.false_negatives = self.add_variable(size, name="false_negatives")
        self.intermediate_weights = self.add_variable(size, name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_tensor(y_true, self.dtype, "y_true")
        y_pred = as_tensor(y_pred, self.dtype, "y_pred")
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if tuple(y_true.shape) != tuple(y_pred.shape) or y_pred.shape[-1] != self._classes:
            raise ValueError(f"{type(self).__name__}: y_true {tuple(y_true.shape)} and y_pred {tuple(y_pred.shape)} "
                             f"must have the same 2D shape with {self._classes} classes (set by the first batch)")
        if self.threshold is None:
            row_max = y_pred.max(axis=-1, keepdims=True)
            predicted = (y_pred >= row_max) & (abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(self.dtype)
        weights = None
        if sample_weight is not None:
            weights = as_tensor(sample_weight, self.dtype, "sample_weight")
            while weights.ndim < y_true.ndim:
                weights = weights.reshape(tuple(weights.shape) + (1,))

        def weighted_sum(values):
            if weights is not None:
                values = values * weights
            return values.sum(axis=self.axis)

        self.true_positives.assign_add(weighted_sum(predicted * y_true))
        self.false_positives.assign_add(weighted_sum(predicted * (1.0 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1.0 - predicted) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        if not self._built:
            return 0.0
        tp, fp, fn = self.true_positives.value(), self.false_positives.value(), self.false_negatives.value()
        precision = tp / (tp + fp + _EPSILON)
        recall = tp / (tp + fn + _EPSILON)
        beta2 = self.beta ** 2
        score = precision * recall / (beta2 * precision + recall + _EPSILON) * (1.0 + beta2)
        if self.average == "weighted":
            weights = self.intermediate_weights.value()
            score = (score * (weights / (weights.sum() + _EPSILON))).sum()
        elif self.average is not None:
            score = score.mean()
        return to_result(score)

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """FBetaScore with β = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
