"""Top-k categorical accuracy, dense and sparse labels."""
import numbers

import swiftdl as _sd

from ..metrics import MeanMetricWrapper
from .tensors import as_tensor


def in_top_k(targets, predictions, k):
    """True where the target's score is among the row's k largest. Ties at the boundary
    count as in the top k (TensorFlow's and Keras's rule): the target is in when fewer than
    k classes score strictly higher."""
    classes = predictions.shape[-1]
    if targets.shape[0] != predictions.shape[0]:
        raise ValueError(f"Expected one target per row of predictions; received {targets.shape[0]} targets for "
                         f"{predictions.shape[0]} rows")
    hot = _sd.take(_sd.eye(classes, dtype=predictions.dtype), _sd.clip(targets, 0, classes - 1), axis=0)
    target_score = (predictions * hot).sum(axis=-1, keepdims=True)
    higher = (predictions > target_score).astype("float32").sum(axis=-1)
    inside = (targets >= 0) & (targets < classes)
    return (higher < k) & inside


def _check_k(k):
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
        raise ValueError(f"`k` must be a positive integer; received k={k!r}")


def _flatten_predictions(y_pred):
    if y_pred.ndim < 2:
        raise ValueError(f"Top-k accuracy expects predictions of shape (batch, classes); received {tuple(y_pred.shape)}")
    return _sd.reshape(y_pred, (-1, y_pred.shape[-1])) if y_pred.ndim > 2 else y_pred


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot target's class is among the k highest predictions."""
    _check_k(k)
    y_pred = as_tensor(y_pred, "float32", "y_pred")
    labels = as_tensor(y_true, "float32", "y_true").argmax(axis=-1)
    shape = tuple(labels.shape)
    matches = in_top_k(_sd.reshape(labels, (-1,)), _flatten_predictions(y_pred), k).astype("float32")
    return _sd.reshape(matches, shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer target is among the k highest predictions; with
    `from_sorted_ids`, y_pred holds class ids already sorted by score."""
    _check_k(k)
    y_pred = as_tensor(y_pred, "float32", "y_pred")
    labels = as_tensor(y_true, "float32" if from_sorted_ids else "int64", "y_true")
    shape = tuple(labels.shape)
    labels = _sd.reshape(labels, (-1,))
    y_pred = _flatten_predictions(y_pred)
    if from_sorted_ids:
        matches = (y_pred[:, :k] == _sd.expand_dims(labels, 1)).any(axis=-1)
    else:
        matches = in_top_k(labels, y_pred, k)
    return _sd.reshape(matches.astype("float32"), shape)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is in the top `k` predictions (default k=5)."""
    _direction = "up"  # larger is better (MonitorCallback's mode="auto")


    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        _check_k(k)
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is in the top `k` predictions (default k=5)."""
    _direction = "up"  # larger is better (MonitorCallback's mode="auto")


    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        _check_k(k)
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
