"""keras.ops adaptive_average_pool and adaptive_max_pool: output position i of an axis of
length L pools inputs [floor(i·L/out), ceil((i+1)·L/out)) (PyTorch's windows, as Keras
uses), one axis at a time: a matmul with window weights for the average, a masked max for
the maximum."""
import numpy as np

import swiftdl as sd

from ._convert import float_tensor
from .nn_conv import _format, _from_last, _rank, _spatial, _to_last


def _windows(length, size):
    """(size, length) bool: output i pools input j."""
    outputs = sd.reshape(sd.arange(size, dtype="int64"), (-1, 1))
    inputs = sd.reshape(sd.arange(length, dtype="int64"), (1, -1))
    start = sd.floor_divide(outputs * length, size)
    end = sd.floor_divide((outputs + 1) * length + size - 1, size)
    return sd.logical_and(sd.greater_equal(inputs, start), sd.less(inputs, end))


def _adaptive(kind, inputs, output_size, data_format):
    op = f"adaptive_{kind}_pool"
    data_format = _format(data_format)
    x = _to_last(float_tensor(inputs), data_format)
    return _from_last(adaptive_pool(kind, x, output_size, "channels_last", rank=_rank(x, op)), data_format)


def adaptive_pool(kind, inputs, output_size, data_format, rank=None):
    """Adaptive "average" or "max" pooling over any number of spatial axes (the layers'
    3-D forms included; keras.ops takes 1 or 2)."""
    op = f"adaptive_{kind}_pool"
    x = _to_last(float_tensor(inputs), data_format)
    rank = x.ndim - 2 if rank is None else rank
    sizes = _spatial(output_size, rank, "output_size", op)
    for axis, size in enumerate(sizes, start=1):
        window = _windows(x.shape[axis], size)
        moved = sd.moveaxis(x, axis, -1)                                           # (..., L)
        if kind == "average":
            weights = window.astype(x.dtype) / sd.sum(window, axis=1, keepdims=True).astype(x.dtype)
            pooled = sd.matmul(moved, sd.transpose(weights))                       # (..., size)
        else:
            spread = sd.where(window, sd.expand_dims(moved, -2), sd.full((), -np.inf, x.dtype))
            pooled = sd.max(spread, axis=-1)
        x = sd.moveaxis(pooled, -1, axis)
    return _from_last(x, data_format)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed output_size (an int or one int per spatial axis)."""
    return _adaptive("average", inputs, output_size, data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed output_size (an int or one int per spatial axis)."""
    return _adaptive("max", inputs, output_size, data_format)
