"""Turning values into engine tensors the way Keras's convert_to_tensor does, and the small
helpers every op file shares: weak-scalar promotion, axis checks and error messages."""
import operator

import numpy as np

import swiftdl as sd
from swiftdl._convert import TensorBase, scalar_tensor

from ._dtypes import floatx, result_type, standardize_dtype


def is_tensor(x):
    return isinstance(x, TensorBase)


def tensor(x, dtype=None):
    """`x` as a swiftdl Tensor, sharing memory where possible. Python floats (and lists of
    them) become floatx(), Python ints int32, bools bool, as in Keras; numpy arrays keep
    their dtype. `dtype` casts."""
    wanted = None if dtype is None else standardize_dtype(dtype)
    if isinstance(x, TensorBase):
        return x if wanted is None or x.dtype.name == wanted else x.astype(wanted)
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        result = sd.asarray(x, copy=None)
    elif hasattr(x, "__array__") and not isinstance(x, (list, tuple)):
        result = sd.asarray(np.asarray(x), copy=None)
    else:
        if isinstance(x, (str, bytes)) or x is None:
            raise TypeError(f"Cannot convert {x!r} to a tensor")
        try:
            array = np.asarray(x)
        except ValueError as error:
            raise ValueError(f"Cannot convert a ragged nested sequence to a tensor: {error}") from None
        if array.dtype == object:
            array = np.asarray([np.asarray(item) for item in x]) if isinstance(x, (list, tuple)) else array
        if array.dtype.kind == "f":
            array = array.astype(wanted or floatx())
        elif array.dtype.kind in "iu":
            array = array.astype(wanted or "int32")
        result = sd.asarray(array, copy=None)
    if wanted is not None and result.dtype.name != wanted:
        result = result.astype(wanted)
    return result


def scalar_or_tensor(x):
    """Python scalars stay as they are (Keras's weak types); everything else is a tensor."""
    if isinstance(x, (int, float)) and not isinstance(x, np.generic):
        return x
    return tensor(x)


def dtype_of(x):
    """The value's dtype for result_type: a tensor's dtype, or a Python scalar's type."""
    if isinstance(x, bool):
        return bool
    if isinstance(x, (int, float)) and not isinstance(x, np.generic):
        return type(x)
    return x.dtype


def promote(*values, extra=()):
    """All of `values` as tensors of their common Keras dtype (with `extra` dtypes joining
    the promotion, e.g. `float` for true division)."""
    if not extra and all(isinstance(v, TensorBase) for v in values) and len({v.dtype for v in values}) == 1:
        return list(values)  # the common case inside layers: nothing to convert
    values = [scalar_or_tensor(v) for v in values]
    target = np.dtype(result_type(*(dtype_of(v) for v in values), *extra))
    return [(v if v.dtype == target else v.astype(target)) if is_tensor(v) else scalar_tensor(v, target)
            for v in values]


def float_tensor(x):
    """`x` as a tensor, with integer and bool inputs cast to floatx() (Keras's rule for
    transcendental functions)."""
    x = tensor(x)
    if x.dtype.kind != "f":
        x = x.astype(floatx())
    return x


def canonical_axis(axis, ndim, op):
    """`axis` in [0, ndim), or ValueError naming the op."""
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"[{op}] axis must be an integer; received axis={axis!r}") from None
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"[{op}] axis {axis} is out of bounds for a tensor of rank {ndim}")
    return axis % ndim if ndim else 0


def canonical_axes(axis, ndim, op):
    """None, an int or a sequence of ints, as a tuple of distinct axes in [0, ndim) (None: all)."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    result = tuple(canonical_axis(a, ndim, op) for a in axes)
    if len(set(result)) != len(result):
        raise ValueError(f"[{op}] repeated axis in axis={axis!r}")
    return result


def shape_tuple(shape, op):
    """A shape argument (int, sequence of ints or of 0-d integer tensors) as a tuple."""
    if isinstance(shape, (int, np.integer)) or (is_tensor(shape) and shape.ndim == 0):
        return (operator.index(shape),)
    try:
        return tuple(operator.index(s) if s is not None else None for s in shape)
    except TypeError:
        raise TypeError(f"[{op}] shape must be an integer or a sequence of integers; received {shape!r}") from None
