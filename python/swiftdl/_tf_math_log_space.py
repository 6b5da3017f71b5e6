"""tf.math's functions in log space: cumulative_logsumexp and xlog1py."""
import operator

import numpy as np

from . import _creation, _ops, _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from .errors import InvalidArgumentError, raises_tf_errors


def _float(x):
    x = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    return x if x.dtype.kind == "f" else x.astype(np.float32)


@raises_tf_errors
def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """log(cumsum(exp(x))) along `axis`, without overflow (tf.math.cumulative_logsumexp);
    `exclusive` leaves each entry out of its own sum (-inf first), `reverse` runs from the end.

    A logaddexp scan keeps each prefix relative to its own maximum, so a prefix far below
    the axis's largest value keeps its precision (one global shift would flush it to -inf).
    """
    from .keras.ops import associative_scan, logaddexp
    x = _float(x)
    if x.ndim == 0:
        raise InvalidArgumentError(None, None, "[cumulative_logsumexp] x must be at least 1-D; received a scalar")
    axis = operator.index(axis)
    if not -x.ndim <= axis < x.ndim:
        raise InvalidArgumentError(None, None, f"[cumulative_logsumexp] axis {axis} is out of range for shape "
                                   f"{tuple(x.shape)}")
    axis %= x.ndim
    if x.shape[axis] == 0:
        return x
    inclusive = associative_scan(logaddexp, x, reverse=reverse, axis=axis)
    if not exclusive:
        return inclusive
    edge_shape = list(x.shape)
    edge_shape[axis] = 1
    edge = _creation.full(tuple(edge_shape), -np.inf, x.dtype)
    length = x.shape[axis]
    index = [slice(None)] * x.ndim
    if reverse:
        index[axis] = slice(1, length)
        return _shape.concatenate([inclusive[tuple(index)], edge], axis=axis)
    index[axis] = slice(0, length - 1)
    return _shape.concatenate([edge, inclusive[tuple(index)]], axis=axis)


@raises_tf_errors
def xlog1py(x, y, name=None):
    """x · log1p(y), 0 where x is 0 (even for y = -1) (tf.math.xlog1py)."""
    x, y = _float(x), _float(y)
    y = y.astype(x.dtype)
    zero = _ops.equal(x, 0.0)
    safe_y = _ops.where(zero, _creation.zeros((), x.dtype), y)
    return _ops.where(zero, _creation.zeros((), x.dtype), x * _ops.log1p(safe_y))
