"""tf.math's functions about order: invert_permutation, is_non_decreasing,
is_strictly_increasing, nextafter, and approx_max_k / approx_min_k (tf.approx_top_k).

The approximate top-k ops are exact here: TensorFlow documents the exact answer as a valid
implementation (its CPU kernel is the exact sort as well), so recall is always 1.
"""
import collections
import operator

import numpy as np

from . import _ops, _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from .errors import InvalidArgumentError, raises_tf_errors

ApproxTopK = collections.namedtuple("ApproxTopK", ["values", "indices"])


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


@raises_tf_errors
def invert_permutation(x, name=None):
    """y with y[x[i]] = i for a permutation x of 0..n-1 (tf.math.invert_permutation).

    Raises:
        InvalidArgumentError: when x is not a 1-D permutation of 0..n-1.
    """
    x = _t(x)
    values = x.numpy()
    if x.ndim != 1 or x.dtype.kind not in "iu":
        raise InvalidArgumentError(None, None, f"[invert_permutation] x must be a 1-D integer tensor; received "
                                   f"{x.dtype} of shape {tuple(x.shape)}")
    n = values.shape[0]
    if not np.array_equal(np.sort(values), np.arange(n)):
        raise InvalidArgumentError(None, None, f"[invert_permutation] x must be a permutation of 0..{n - 1}; "
                                   f"received {values.tolist()[:20]}")
    inverse = np.empty_like(values)
    inverse[values] = np.arange(n, dtype=values.dtype)
    return convert_to_tensor(inverse)


def _pairs(x, op):
    x = _t(x)
    if x.dtype.kind not in "iuf":
        raise InvalidArgumentError(None, None, f"[{op}] x must be numeric; received {x.dtype}")
    flat = _shape.reshape(x, (-1,))
    return flat[:-1], flat[1:]


@raises_tf_errors
def is_non_decreasing(x, name=None):
    """Whether x, flattened, never decreases (True for fewer than two elements)."""
    before, after = _pairs(x, "is_non_decreasing")
    return _ops.all(_ops.less_equal(before, after))


@raises_tf_errors
def is_strictly_increasing(x, name=None):
    """Whether x, flattened, always increases (True for fewer than two elements)."""
    before, after = _pairs(x, "is_strictly_increasing")
    return _ops.all(_ops.less(before, after))


@raises_tf_errors
def nextafter(x1, x2, name=None):
    """The next representable float after x1 towards x2 (tf.math.nextafter); a bit-level
    step with no gradient, as in TensorFlow."""
    a, b = _t(x1), _t(x2)
    if a.dtype.kind != "f" or a.dtype != b.dtype:
        raise InvalidArgumentError(None, None, f"[nextafter] x1 and x2 must be float32 or float64 of one dtype; "
                                   f"received {a.dtype} and {b.dtype}")
    return convert_to_tensor(np.nextafter(a.numpy(), b.numpy()))


def _top_k_along(operand, k, axis, largest):
    from ._tf_reduce import top_k
    x = _t(operand)
    axis = operator.index(axis)
    if not -x.ndim <= axis < x.ndim:
        raise InvalidArgumentError(None, None, f"[approx_top_k] reduction_dimension {axis} is out of range for "
                                   f"shape {tuple(x.shape)}")
    moved = _shape.moveaxis(x, axis, -1)
    k = operator.index(k)
    if not 0 <= k <= moved.shape[-1]:
        raise InvalidArgumentError(None, None, f"[approx_top_k] k must be in [0, {moved.shape[-1]}]; received {k}")
    values, indices = top_k(moved if largest else -moved, k)
    values = values if largest else -values
    return ApproxTopK(_shape.moveaxis(values, -1, axis), _shape.moveaxis(indices, -1, axis))


@raises_tf_errors
def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    """The k largest values along `reduction_dimension` and their int32 indices, largest
    first (tf.math.approx_max_k; computed exactly)."""
    return _top_k_along(operand, k, reduction_dimension, True)


@raises_tf_errors
def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    """The k smallest values along `reduction_dimension` and their indices, smallest first
    (tf.math.approx_min_k; computed exactly)."""
    return _top_k_along(operand, k, reduction_dimension, False)


@raises_tf_errors
def approx_top_k(input, k, reduction_dimension=-1, recall_target=0.95, is_max_k=True,  # noqa: A002
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """tf.approx_top_k: approx_max_k, or approx_min_k with is_max_k=False."""
    return _top_k_along(input, k, reduction_dimension, bool(is_max_k))
