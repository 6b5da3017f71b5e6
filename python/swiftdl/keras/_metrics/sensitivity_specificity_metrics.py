"""Keras 3's constrained operating-point metrics: the best sensitivity at a minimum
specificity (and the reverse), the best precision at a minimum recall (and the reverse).

Each keeps tp/fp/tn/fn at `num_thresholds` evenly spaced thresholds in [0, 1] with the
confusion-matrix machinery of Precision/Recall/AUC, and reads the best feasible threshold
when the result is asked for."""
import numbers

import swiftdl as _sd

from ..metrics import Metric
from . import confusion_utils as cm
from .confusion_metrics import _check_class_id
from .tensors import divide_no_nan


class SensitivitySpecificityBase(Metric):
    """The shared state and update of the four metrics below: confusion counts at
    `num_thresholds` thresholds (0.5 alone when num_thresholds=1), for one `class_id` or
    for all predictions.

    Args:
        value: the constraint (a rate in [0, 1]) the subclass's result must satisfy.
        num_thresholds: the number of thresholds (default 200).
        class_id: compute the binary metric for this class only.
        name, dtype: as for every metric.
    """
    _direction = "up"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not isinstance(num_thresholds, numbers.Integral) or isinstance(num_thresholds, bool) or num_thresholds <= 0:
            raise ValueError(f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds}")
        _check_class_id(class_id)
        super().__init__(name=name, dtype=dtype)
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, name="true_positives")
        self.false_positives = self.add_variable(size, name="false_positives")
        self.true_negatives = self.add_variable(size, name="true_negatives")
        self.false_negatives = self.add_variable(size, name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates this batch's confusion counts. y_true is read as bool; y_pred should lie in [0, 1]."""
        cm.update_confusion_matrix_variables(
            {cm.TRUE_POSITIVES: self.true_positives, cm.TRUE_NEGATIVES: self.true_negatives,
             cm.FALSE_POSITIVES: self.false_positives, cm.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self.thresholds, thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id, sample_weight=sample_weight)

    def _rates(self):
        tp, fp = self.true_positives.value(), self.false_positives.value()
        tn, fn = self.true_negatives.value(), self.false_negatives.value()
        return {"sensitivity": divide_no_nan(tp, tp + fn), "specificity": divide_no_nan(tn, tn + fp),
                "precision": divide_no_nan(tp, tp + fp)}

    def _find_max_under_constraint(self, constrained, dependent):
        """The largest `dependent` rate over the thresholds where `constrained` >= value
        (0 when no threshold qualifies)."""
        feasible = constrained >= float(self.value)
        return float(_sd.maximum(_sd.where(feasible, dependent, 0.0).max(), 0.0))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}


def _check_rate(value, argument):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValueError(f"Argument `{argument}` must be in the range [0, 1]. Received: {argument}={value!r}")


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity, tp / (tp + fn), over the thresholds whose specificity,
    tn / (tn + fp), is at least `specificity`.

    Args:
        specificity: a float in [0, 1].
        num_thresholds: the number of thresholds (default 200).
        class_id: compute the binary metric for this class only.
        name, dtype: as for every metric.
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate(specificity, "specificity")
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "specificity": self.specificity}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity over the thresholds whose sensitivity is at least `sensitivity`.

    Args:
        sensitivity: a float in [0, 1].
        num_thresholds: the number of thresholds (default 200).
        class_id: compute the binary metric for this class only.
        name, dtype: as for every metric.
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate(sensitivity, "sensitivity")
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision over the thresholds whose recall is at least `recall`.

    Args:
        recall: a float in [0, 1].
        num_thresholds: the number of thresholds (default 200).
        class_id: compute the binary metric for this class only.
        name, dtype: as for every metric.
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate(recall, "recall")
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "recall": self.recall}


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall over the thresholds whose precision is at least `precision`.

    Args:
        precision: a float in [0, 1].
        num_thresholds: the number of thresholds (default 200).
        class_id: compute the binary metric for this class only.
        name, dtype: as for every metric.
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate(precision, "precision")
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "precision": self.precision}
