"""keras.ops NaN-ignoring reductions and scans: nansum, nanprod, nanmean, nanvar, nanstd,
nanmax, nanmin, nanargmax, nanargmin (nanmedian and the nan quantiles live in sorting).
NaN entries are replaced by the reduction's neutral value with a where, so gradients flow
to the numbers only."""
import numpy as np

import swiftdl as sd

from ._convert import canonical_axes, tensor
from . import numpy_reductions as reductions


def _masked(x, fill):
    x = tensor(x)
    if x.dtype.kind != "f":
        return x, None
    nan = sd.not_equal(x, x)
    return sd.where(nan, sd.full((), fill, x.dtype), x), nan


def nansum(x, axis=None, keepdims=False):
    clean, _ = _masked(x, 0.0)
    return reductions.sum(clean, axis, keepdims)


def nanprod(x, axis=None, keepdims=False):
    clean, _ = _masked(x, 1.0)
    return reductions.prod(clean, axis, keepdims)


def nanmean(x, axis=None, keepdims=False):
    """Mean of the numbers (NaN where there are none)."""
    x = tensor(x)
    if x.dtype.kind != "f":
        return reductions.mean(x, axis, keepdims)
    clean, nan = _masked(x, 0.0)
    axes = None if axis is None else canonical_axes(axis, x.ndim, "nanmean")
    count = sd.sum(sd.logical_not(nan), axis=axes, keepdims=keepdims).astype(x.dtype)
    return sd.sum(clean, axis=axes, keepdims=keepdims) / count


def nanvar(x, axis=None, keepdims=False):
    x = tensor(x)
    if x.dtype.kind != "f":
        return reductions.var(x, axis, keepdims)
    mean = nanmean(x, axis, keepdims=True)
    deviation, _ = _masked(sd.square(x - mean), 0.0)
    nan = sd.not_equal(x, x)
    axes = None if axis is None else canonical_axes(axis, x.ndim, "nanvar")
    count = sd.sum(sd.logical_not(nan), axis=axes, keepdims=keepdims).astype(x.dtype)
    return sd.sum(deviation, axis=axes, keepdims=keepdims) / count


def nanstd(x, axis=None, keepdims=False):
    return sd.sqrt(nanvar(x, axis, keepdims))


def _nan_extremum(x, axis, keepdims, largest):
    x = tensor(x)
    if x.dtype.kind != "f":
        return (reductions.max if largest else reductions.min)(x, axis, keepdims)
    clean, nan = _masked(x, -np.inf if largest else np.inf)
    result = (reductions.max if largest else reductions.min)(clean, axis, keepdims)
    axes = None if axis is None else canonical_axes(axis, x.ndim, "nanmax" if largest else "nanmin")
    all_nan = sd.all(nan, axis=axes, keepdims=keepdims)
    return sd.where(all_nan, sd.full((), np.nan, x.dtype), result)


def nanmax(x, axis=None, keepdims=False):
    """Maximum of the numbers (NaN where there are none)."""
    return _nan_extremum(x, axis, keepdims, True)


def nanmin(x, axis=None, keepdims=False):
    return _nan_extremum(x, axis, keepdims, False)


def nanargmax(x, axis=None, keepdims=False):
    """argmax ignoring NaN (an all-NaN slice gives 0)."""
    clean, _ = _masked(x, -np.inf)
    return reductions.argmax(clean, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    clean, _ = _masked(x, np.inf)
    return reductions.argmin(clean, axis, keepdims)
