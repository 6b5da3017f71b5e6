"""Small tensor helpers the metric families share: conversion, Keras's rank alignment,
safe division and the result convention (Python float for a scalar, Tensor otherwise)."""
import numpy as np

import swiftdl as _sd


def as_tensor(value, dtype="float32", name="value"):
    """`value` as an engine tensor of `dtype`, or a clear TypeError."""
    if isinstance(value, _sd.Tensor):
        return value if str(value.dtype) == dtype else value.astype(dtype)
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"Could not convert `{name}` to a tensor; received {type(value).__name__}: {error}") from None
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise TypeError(f"Expected numeric `{name}`; received an array of dtype {array.dtype}")
    return _sd.asarray(array.astype(dtype, copy=False))


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rule: when ranks differ by one and the longer one ends in 1, squeeze it
    (or expand a rank-1 partner instead when `expand_rank_1`)."""
    rank1, rank2 = x1.ndim, x2.ndim
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = _sd.expand_dims(x2, -1)
        else:
            x1 = _sd.squeeze(x1, -1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = _sd.expand_dims(x1, -1)
        else:
            x2 = _sd.squeeze(x2, -1)
    return x1, x2


def divide_no_nan(numerator, denominator):
    """numerator / denominator, and 0 where the denominator is 0."""
    zero = denominator == 0
    return _sd.where(zero, 0.0, numerator / _sd.where(zero, 1.0, denominator)).astype(numerator.dtype)


def to_result(tensor):
    """Keras returns a scalar tensor; swiftdl's metrics return Python floats for scalars
    (what the progress bar and the logs hold) and Tensors for per-threshold/per-class values."""
    if tensor.ndim == 0:
        return float(tensor)
    return tensor
