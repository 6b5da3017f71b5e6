"""Overlap losses for segmentation: Dice and Tversky (1 minus the overlap score)."""
import swiftdl as _sd

from ..backend import epsilon


def _axes(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def dice(y_true, y_pred, axis=None):
    """1 − 2·Σ(y·p) / (Σy + Σp + ε), summed over `axis` (everything by default)."""
    from ..losses import _float_target, _tensor
    y_pred = _tensor(y_pred)
    y_true = _float_target(y_true, y_pred)
    axes = _axes(axis)
    intersection = _sd.sum(y_true * y_pred, axis=axes)
    score = 2.0 * intersection / (_sd.sum(y_true, axis=axes) + _sd.sum(y_pred, axis=axes) + epsilon())
    return 1.0 - score


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 − Σyp / (Σyp + α·Σy(1−p) + β·Σp(1−y) + ε), the sums over `axis`.

    NOTE: Keras weights the missed positives, Σy(1−p), by α and the false alarms by β (its
    code calls the first `fp`); swiftdl follows Keras's values, not the paper's naming.
    """
    from ..losses import _float_target, _tensor
    y_pred = _tensor(y_pred)
    y_true = _float_target(y_true, y_pred)
    axes = _axes(axis)
    overlap = _sd.sum(y_true * y_pred, axis=axes)
    missed = _sd.sum(y_true * (1.0 - y_pred), axis=axes)
    false_alarms = _sd.sum((1.0 - y_true) * y_pred, axis=axes)
    score = overlap / (overlap + alpha * missed + beta * false_alarms + epsilon())
    return 1.0 - score
