"""Keras 3's confusion-matrix metrics: TruePositives ... FalseNegatives, Precision, Recall, AUC."""
import numbers
from typing import Optional

import numpy as np

import swiftdl as _sd

from ..metrics import Metric
from . import confusion_utils as cm
from .tensors import divide_no_nan


def _check_top_k(top_k):
    if top_k is not None and (not isinstance(top_k, numbers.Integral) or isinstance(top_k, bool) or top_k < 1):
        raise ValueError(f"`top_k` must be a positive integer; received top_k={top_k!r}")


def _check_class_id(class_id):
    if class_id is not None and (not isinstance(class_id, numbers.Integral) or isinstance(class_id, bool)
                                 or class_id < 0):
        raise ValueError(f"`class_id` must be a non-negative integer; received class_id={class_id!r}")


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion-matrix condition at each threshold."""

    _condition: Optional[str] = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.init_thresholds = thresholds
        self.thresholds = cm.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = cm.is_evenly_distributed_thresholds(self.thresholds)
        super().__init__(name=name, dtype=dtype)
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        cm.update_confusion_matrix_variables({self._condition: self.accumulator}, y_true, y_pred, self.thresholds,
                                             thresholds_distributed_evenly=self._thresholds_distributed_evenly,
                                             sample_weight=sample_weight)

    def result(self):
        return float(self.accumulator[0]) if len(self.thresholds) == 1 else self.accumulator.value()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives at each threshold (default 0.5)."""
    _condition = cm.TRUE_POSITIVES


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives at each threshold (default 0.5)."""
    _condition = cm.FALSE_POSITIVES


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives at each threshold (default 0.5)."""
    _condition = cm.TRUE_NEGATIVES


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives at each threshold (default 0.5)."""
    _condition = cm.FALSE_NEGATIVES


class _PrecisionRecallBase(Metric):
    _direction = "up"  # larger is better (MonitorCallback's mode="auto")

    _second: Optional[str] = None  # the count that goes with true positives in the denominator

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        _check_top_k(top_k)
        _check_class_id(class_id)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else cm.NEG_INF
        self.thresholds = cm.parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = cm.is_evenly_distributed_thresholds(self.thresholds)
        super().__init__(name=name, dtype=dtype)
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, name="true_positives")
        self._other = self.add_variable(size, name={cm.FALSE_POSITIVES: "false_positives",
                                                    cm.FALSE_NEGATIVES: "false_negatives"}[self._second])

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates this batch. y_true is cast to bool; y_pred should lie in [0, 1]."""
        cm.update_confusion_matrix_variables({cm.TRUE_POSITIVES: self.true_positives, self._second: self._other},
                                             y_true, y_pred, self.thresholds, top_k=self.top_k,
                                             class_id=self.class_id, sample_weight=sample_weight,
                                             thresholds_distributed_evenly=self._thresholds_distributed_evenly)

    def result(self):
        value = divide_no_nan(self.true_positives.value(), self.true_positives + self._other)
        return float(value[0]) if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecallBase):
    """tp / (tp + fp) at each threshold (default 0.5), or over each row's `top_k` classes,
    or for one `class_id`.

    Args:
        thresholds: a float or list of floats in [0, 1]; one result per threshold.
        top_k: count only the k highest predictions of each row as positive.
        class_id: compute the binary metric for this class only.
        name, dtype: as for every metric.
    """
    _second = cm.FALSE_POSITIVES

    @property
    def false_positives(self):
        return self._other


class Recall(_PrecisionRecallBase):
    """tp / (tp + fn) at each threshold (default 0.5), or over each row's `top_k` classes,
    or for one `class_id`. Arguments as for Precision."""
    _second = cm.FALSE_NEGATIVES

    @property
    def false_negatives(self):
        return self._other


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from confusion counts at
    `num_thresholds` thresholds (Keras's Riemann sum; PR with "interpolation" uses
    Davis & Goadrich's interpolation, as Keras does).

    Args:
        num_thresholds: the number of thresholds, evenly spaced in [0, 1] (default 200).
        curve: "ROC" (default), "PR" or "PRGAIN".
        summation_method: "interpolation" (default), "majoring" or "minoring".
        thresholds: explicit thresholds in [0, 1] instead of `num_thresholds`.
        multi_label: one curve per label column (averaged, or weighted by `label_weights`).
        num_labels: the number of labels when multi_label (else taken from the first batch).
        label_weights: per-label weights.
        from_logits: apply a sigmoid to the predictions first.
    """
    _direction = "up"  # larger is better (MonitorCallback's mode="auto")


    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        key = str(curve).lower() if isinstance(curve, str) else None
        if key not in _CURVES:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]')
        method = str(summation_method).lower() if isinstance(summation_method, str) else None
        if method not in _SUMMATIONS:
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             'Expected values are ["interpolation", "majoring", "minoring"]')
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(cm.parse_init_thresholds(thresholds))
            self.num_thresholds = len(inner) + 2
            self._thresholds_distributed_evenly = cm.is_evenly_distributed_thresholds([0.0] + inner + [1.0])
        else:
            if not isinstance(num_thresholds, numbers.Integral) or num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        self._thresholds = np.array([0.0 - cm.EPSILON] + inner + [1.0 + cm.EPSILON])
        self.curve = _CURVES[key]
        self.summation_method = method
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=np.float32)
        self._from_logits = bool(from_logits)
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        super().__init__(name=name, dtype=dtype)
        self._built = False
        if not self.multi_label:
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        """The thresholds, with -ε and 1+ε at the ends."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                                 f"Full shape received for `y_pred`: {tuple(shape)}")
            self._num_labels = shape[1]
            size = (self.num_thresholds, self._num_labels)
        else:
            size = (self.num_thresholds,)
        self.true_positives = self.add_variable(size, name="true_positives")
        self.false_positives = self.add_variable(size, name="false_positives")
        self.true_negatives = self.add_variable(size, name="true_negatives")
        self.false_negatives = self.add_variable(size, name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = y_pred if isinstance(y_pred, _sd.Tensor) else _sd.asarray(np.asarray(y_pred, dtype=np.float32))
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = 1.0 / (1.0 + _sd.exp(-y_pred.astype("float32")))
        cm.update_confusion_matrix_variables(
            {cm.TRUE_POSITIVES: self.true_positives, cm.TRUE_NEGATIVES: self.true_negatives,
             cm.FALSE_POSITIVES: self.false_positives, cm.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self._thresholds, thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights)

    def _average_over_labels(self, per_threshold_terms):
        if not self.multi_label:
            return per_threshold_terms.sum()
        by_label = per_threshold_terms.sum(axis=0)
        if self.label_weights is None:
            return by_label.mean()
        weights = _sd.asarray(self.label_weights)
        return divide_no_nan((by_label * weights).sum(), weights.sum())

    def interpolate_pr_auc(self):
        """PR-AUC with the precision interpolated between thresholds (Davis & Goadrich 2006)."""
        n = self.num_thresholds
        tp, fp, fn = self.true_positives.value(), self.false_positives.value(), self.false_negatives.value()
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = divide_no_nan(dtp, _sd.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[: n - 1] > 0) & (p[1:] > 0)
        ratio = _sd.where(both_positive, divide_no_nan(p[: n - 1], _sd.maximum(p[1:], 0.0)), 1.0)
        # NOTE: where p is 0 the ratio is 1 before the log, so log never sees 0.
        increments = divide_no_nan(slope * (dtp + intercept * _sd.log(ratio.astype("float32"))),
                                   _sd.maximum(tp[1:] + fn[1:], 0.0))
        return float(self._average_over_labels(increments))

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives.value(), self.false_positives.value()
        tn, fn = self.true_negatives.value(), self.false_negatives.value()
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * divide_no_nan(fp, tp)
            no_tp = tp == 0
            x = _sd.maximum(_sd.where(no_tp, 0.0, recall_gain), 0.0).astype("float32")
            y = _sd.where(no_tp, 1.0, precision_gain).astype("float32")
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = _sd.minimum(y[: n - 1], y[1:])
        else:
            heights = _sd.maximum(y[: n - 1], y[1:])
        return float(self._average_over_labels((x[: n - 1] - x[1:]) * heights))

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
