"""moments, batch_normalization and l2_normalize, named and shaped like tf.nn's. They are
composed in Swift from recorded primitives (Sources/SwiftDL/Ops/NN/Normalization.swift)."""
import operator

from .. import _C
from .._convert import asarray, to_operand


def _axes(axes, what):
    if axes is None:
        return None
    if isinstance(axes, (list, tuple)):
        return [operator.index(a) for a in axes]
    try:
        return [operator.index(axes)]
    except TypeError:
        raise TypeError(f"{what} must be an integer or a list of integers; received {axes!r}") from None


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance of `x` over `axes`.

    Args:
        x: a float tensor.
        axes: the axes to reduce (a list of integers).
        shift: ignored (as in TensorFlow 2).
        keepdims: keep the reduced axes with size 1.

    Returns:
        A tuple (mean, variance).
    """
    x = asarray(x, copy=None)
    return _C.nn_moments(x, _axes(axes, "axes"), bool(keepdims))


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) · scale / sqrt(variance + variance_epsilon) + offset.

    Args:
        x: a float tensor.
        mean, variance: tensors broadcastable to x.
        offset, scale: tensors broadcastable to x, or None.
        variance_epsilon: a small float added to the variance.
    """
    x = asarray(x, copy=None)

    def operand(value):
        return None if value is None else to_operand(value, x.dtype)

    return _C.nn_batch_normalization(x, operand(mean), operand(variance), operand(offset), operand(scale),
                                     float(variance_epsilon))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x²), epsilon)) over `axis` (None: all axes)."""
    if dim is not None:
        axis = dim
    return _C.nn_l2_normalize(asarray(x, copy=None), _axes(axis, "axis"), float(epsilon))
