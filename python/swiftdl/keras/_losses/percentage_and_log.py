"""Mean absolute percentage error and mean squared logarithmic error (Keras's formulas)."""
import swiftdl as _sd

from ..backend import epsilon


def mean_absolute_percentage_error(y_true, y_pred):
    """100 · mean(|y_true − y_pred| / max(|y_true|, ε)) over the last axis."""
    from ..losses import _float_target, _tensor
    y_pred = _tensor(y_pred)
    y_true = _float_target(y_true, y_pred)
    difference = _sd.abs((y_true - y_pred) / _sd.maximum(_sd.abs(y_true), epsilon()))
    return 100.0 * difference.mean(axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))²) over the last axis."""
    from ..losses import _float_target, _tensor
    y_pred = _tensor(y_pred)
    y_true = _float_target(y_true, y_pred)
    first = _sd.log(_sd.maximum(y_pred, epsilon()) + 1.0)
    second = _sd.log(_sd.maximum(y_true, epsilon()) + 1.0)
    difference = first - second
    return (difference * difference).mean(axis=-1)
