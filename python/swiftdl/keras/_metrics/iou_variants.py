"""Keras 3's IoU variants over the IoU/MeanIoU confusion matrix: BinaryIoU (thresholded
scores), OneHotIoU and OneHotMeanIoU (one-hot labels, read with argmax)."""
import numbers

from .iou_metrics import IoU, MeanIoU
from .tensors import as_tensor


class BinaryIoU(IoU):
    """IoU for a binary task: predictions >= `threshold` are class 1, the rest class 0;
    the IoU of each class in `target_class_ids` is averaged.

    Args:
        target_class_ids: a tuple or list holding 0, 1 or both (default (0, 1)).
        threshold: the score at or above which a prediction is class 1 (default 0.5).
        name, dtype: as for every metric.
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        if not isinstance(target_class_ids, (list, tuple)) or not set(target_class_ids) <= {0, 1}:
            raise ValueError("`target_class_ids` must be a tuple or list holding 0, 1 or both; "
                             f"received target_class_ids={target_class_ids!r}")
        if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool):
            raise ValueError(f"`threshold` must be a float; received threshold={threshold!r}")
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        # Keras casts the labels to the metric's (integer) dtype: 0.7 counts as class 0.
        y_pred = (as_tensor(y_pred, "float32", "y_pred") >= float(self.threshold)).astype("float32")
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype}


class OneHotIoU(IoU):
    """IoU over `target_class_ids` for one-hot labels (and probabilities, or class ids
    with `sparse_y_pred=True`); both are turned into class ids with argmax on `axis`.

    Args:
        num_classes: the number of classes.
        target_class_ids: the class ids to average over.
        ignore_class: a label id whose samples are skipped.
        sparse_y_pred: whether y_pred already holds class ids (default False).
        axis: the class axis (default -1).
        name, dtype: as for every metric.
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids, "name": self.name,
                "dtype": self.dtype, "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """MeanIoU over every class for one-hot labels (and probabilities, or class ids with
    `sparse_y_pred=True`).

    Args:
        num_classes: the number of classes.
        ignore_class: a label id whose samples are skipped.
        sparse_y_pred: whether y_pred already holds class ids (default False).
        axis: the class axis (default -1).
        name, dtype: as for every metric.
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
