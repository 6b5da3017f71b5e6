"""IoU and MeanIoU: intersection over union from an accumulated confusion matrix."""
import numbers
import warnings

import numpy as np

import swiftdl as _sd

from ..metrics import Metric
from .tensors import as_tensor, divide_no_nan


def confusion_matrix(labels, predictions, num_classes, weights):
    """The (num_classes, num_classes) weighted confusion matrix, rows = labels: one matrix
    product of the one-hot labels (times the weights) with the one-hot predictions."""
    eye = _sd.eye(num_classes, dtype="float64")
    true_hot = _sd.take(eye, labels, axis=0) * _sd.expand_dims(weights, 1)
    pred_hot = _sd.take(eye, predictions, axis=0)
    return _sd.matmul(true_hot.T, pred_hot)


class _IoUBase(Metric):
    _direction = "up"  # larger is better (MonitorCallback's mode="auto")

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        if not isinstance(num_classes, numbers.Integral) or isinstance(num_classes, bool) or num_classes < 1:
            raise ValueError(f"`num_classes` must be a positive integer; received num_classes={num_classes!r}")
        self.num_classes = int(num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        # Keras counts in the metric's dtype, integers by default: float weights are truncated.
        self._dtype_given = dtype
        super().__init__(name=name, dtype=dtype or "int32")
        self.total_cm = self.add_variable((self.num_classes, self.num_classes), dtype="float64",
                                          name="total_confusion_matrix")

    def _counts_in_integers(self):
        return "int" in str(self.dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds this batch's (label, prediction) pairs; out-of-range ids and `ignore_class`
        labels are skipped."""
        y_true = as_tensor(y_true, "float32", "y_true")
        y_pred = as_tensor(y_pred, "float32", "y_pred")
        if not self.sparse_y_true:
            y_true = y_true.argmax(axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = y_pred.argmax(axis=self.axis)
        y_true = _sd.reshape(y_true.astype("int64"), (-1,))
        y_pred = _sd.reshape(y_pred.astype("int64"), (-1,))
        if y_true.shape[0] != y_pred.shape[0]:
            raise ValueError(f"y_true and y_pred must hold the same number of labels; received {y_true.shape[0]} "
                             f"and {y_pred.shape[0]}")
        if sample_weight is None:
            weights = _sd.ones((y_true.shape[0],), dtype="float64")
        else:
            if self._counts_in_integers() and np.asarray(sample_weight).dtype.kind == "f":
                warnings.warn("You are passing weight as `float`, but dtype is `int`. This may result in an "
                              "incorrect weight due to type casting Consider using integer weights.")
            weights = as_tensor(sample_weight, "float64", "sample_weight")
            if self._counts_in_integers():
                weights = weights.astype("int64").astype("float64")
            weights = _sd.broadcast_to(_sd.reshape(weights, (-1,)) if weights.ndim > 1 else weights,
                                       (y_true.shape[0],))
        classes = self.num_classes
        valid = (y_true >= 0) & (y_true < classes) & (y_pred >= 0) & (y_pred < classes)
        if self.ignore_class is not None:
            valid = valid & (y_true != int(self.ignore_class))
        y_true = _sd.where(valid, y_true, 0)
        y_pred = _sd.where(valid, y_pred, 0)
        weights = _sd.where(valid, weights, 0.0)
        self.total_cm.assign_add(confusion_matrix(y_true, y_pred, classes, weights))

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self._dtype_given,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class IoU(_IoUBase):
    """Mean intersection-over-union over `target_class_ids`: for each class,
    tp / (tp + fp + fn), averaged over the classes that occurred.

    Args:
        num_classes: the number of classes.
        target_class_ids: the class ids to average over.
        ignore_class: a label id whose samples are skipped.
        sparse_y_true, sparse_y_pred: False for one-hot/probability inputs (argmax on `axis`).
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)
        target_class_ids = list(target_class_ids)
        if not target_class_ids or max(target_class_ids) >= num_classes or min(target_class_ids) < 0:
            raise ValueError(f"Target class id {max(target_class_ids, default=None)} is out of range, which is "
                             f"[0, {num_classes}).")
        self.target_class_ids = target_class_ids

    def result(self):
        matrix = self.total_cm.value()
        true_positives = (matrix * _sd.eye(self.num_classes, dtype="float64")).sum(axis=1)
        denominator = matrix.sum(axis=0) + matrix.sum(axis=1) - true_positives
        targets = np.asarray(self.target_class_ids, dtype=np.int64)
        true_positives = _sd.take(true_positives, targets, axis=0).astype("float32")
        denominator = _sd.take(denominator, targets, axis=0).astype("float32")
        valid = (denominator > 1e-9).astype("float32").sum()
        iou = divide_no_nan(true_positives, denominator)
        return float(divide_no_nan(iou.sum(), valid))

    def get_config(self):
        return {**super().get_config(), "target_class_ids": self.target_class_ids}


class MeanIoU(IoU):
    """IoU averaged over every class: `MeanIoU(num_classes=3)`; y_true and y_pred are class ids."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        if not isinstance(num_classes, numbers.Integral) or isinstance(num_classes, bool) or num_classes < 1:
            raise ValueError(f"`num_classes` must be a positive integer; received num_classes={num_classes!r}")
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config
