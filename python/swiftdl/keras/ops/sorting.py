"""keras.ops sorting: sort, argsort, argpartition, top_k, in_top_k, median, quantile,
percentile. The engine has no sort kernel, so sorting ranks by comparison on the engine:
an element's place is the number of elements before it in the order (n² comparisons per
row, exact and stable, NaN last); values then move through take_along_axis, which is
differentiable. top_k with a small k instead takes k successive maxima (k × n work)."""
import operator

import numpy as np

import swiftdl as sd

from ._convert import canonical_axes, canonical_axis, float_tensor, tensor
from .indexing import take_along_axis
from ._dtypes import result_type

_RANK_SORT_LIMIT = 4096  # n² comparisons per row beyond this would need gigabytes


def _order_key(x):
    """Comparable keys and a NaN flag: NaN sorts after every number."""
    if x.dtype.kind == "f":
        return x, sd.not_equal(x, x)
    return (x.astype("int32") if x.dtype == np.bool_ else x), None


def _ranks(x, descending):
    """The stable sorted position of every element along the last axis (int64)."""
    n = x.shape[-1]
    if n > _RANK_SORT_LIMIT:
        raise ValueError(f"[sort] swiftdl sorts by comparison; an axis of {n} elements is longer than "
                         f"its limit of {_RANK_SORT_LIMIT}")
    key, nan = _order_key(x)
    mine, other = sd.expand_dims(key, -1), sd.expand_dims(key, -2)  # [i, j]: element i, element j
    ahead = sd.greater(other, mine) if descending else sd.less(other, mine)
    tied = sd.equal(other, mine)
    if nan is not None:
        nan_i, nan_j = sd.expand_dims(nan, -1), sd.expand_dims(nan, -2)
        ahead = sd.logical_or(sd.logical_and(ahead, sd.logical_not(nan_j)),
                              sd.logical_and(nan_i, sd.logical_not(nan_j)))
        tied = sd.logical_or(tied, sd.logical_and(nan_i, nan_j))
    positions = sd.arange(n, dtype="int64")
    earlier = sd.less(sd.reshape(positions, (1, -1)), sd.reshape(positions, (-1, 1)))  # j < i
    return sd.sum(sd.logical_or(ahead, sd.logical_and(tied, earlier)), axis=-1)


def _argsort_last(x, descending=False):
    n = x.shape[-1]
    ranks = _ranks(x, descending)
    # Invert the permutation: order[k] = the i with ranks[i] == k.
    at_place = sd.equal(sd.expand_dims(ranks, -2), sd.reshape(sd.arange(n, dtype="int64"), (-1, 1)))
    return sd.sum(sd.where(at_place, sd.arange(n, dtype="int64"), sd.zeros((), "int64")), axis=-1)


def argsort(x, axis=-1):
    """Indices (int32) that sort x ascending along `axis` (stable; NaN last)."""
    x = tensor(x)
    if axis is None:
        x, axis = sd.reshape(x, (-1,)), 0
    if x.ndim == 0:
        return sd.zeros((), "int32")
    axis = canonical_axis(axis, x.ndim, "argsort")
    moved = sd.moveaxis(x, axis, -1)
    if moved.size == 0:
        return sd.zeros(x.shape, "int32")
    return sd.moveaxis(_argsort_last(moved).astype("int32"), -1, axis)


def sort(x, axis=-1):
    """x sorted ascending along `axis` (NaN last); differentiable through the gather."""
    x = tensor(x)
    if axis is None:
        x, axis = sd.reshape(x, (-1,)), 0
    if x.ndim == 0 or x.size == 0:
        return x
    axis = canonical_axis(axis, x.ndim, "sort")
    return take_along_axis(x, argsort(x, axis), axis)


def argpartition(x, kth, axis=-1):
    """Indices that partition x around its kth element; a full argsort is such a partition."""
    x = tensor(x)
    axis = canonical_axis(axis, x.ndim, "argpartition")
    kth = operator.index(kth)
    if not -x.shape[axis] <= kth < x.shape[axis]:
        raise ValueError(f"[argpartition] kth={kth} is out of bounds for an axis of size {x.shape[axis]}")
    return argsort(x, axis)


def top_k(x, k, sorted=True):  # noqa: A002
    """The k largest values along the last axis and their indices (int32), largest first;
    ties go to the lower index."""
    x = tensor(x)
    k = operator.index(k)
    if x.ndim == 0:
        raise ValueError("[top_k] x must have rank >= 1; received a scalar")
    n = x.shape[-1]
    if not 0 <= k <= n:
        raise ValueError(f"[top_k] k must be in [0, {n}] for a last axis of {n}; received k={k}")
    if k == 0 or x.size == 0:
        shape = tuple(x.shape[:-1]) + (k,)
        return sd.zeros(shape, x.dtype), sd.zeros(shape, "int32")
    if k <= 16 or n > _RANK_SORT_LIMIT:
        indices = _successive_maxima(x, k)
    else:
        indices = _argsort_last(x, descending=True)[..., :k]
    return take_along_axis(x, indices, -1), indices.astype("int32")


def _successive_maxima(x, k):
    """Indices of the k largest along the last axis, found one maximum at a time."""
    key, nan = _order_key(x)
    if nan is not None:
        key = sd.where(nan, sd.full((), np.inf, key.dtype), key)  # NaN counts as largest, as in lax.top_k
    lowest = -np.inf if key.dtype.kind == "f" else np.iinfo(key.dtype).min
    taken = sd.zeros(x.shape, "bool")
    positions = sd.arange(x.shape[-1], dtype="int64")
    picked = []
    for _ in range(k):
        remaining = sd.where(taken, sd.full((), lowest, key.dtype), key)
        peak = sd.max(remaining, axis=-1, keepdims=True)
        candidates = sd.logical_and(sd.equal(remaining, peak), sd.logical_not(taken))
        index = sd.argmax(candidates, axis=-1, keepdims=True)
        picked.append(index)
        taken = sd.logical_or(taken, sd.equal(positions, index))
    return sd.concatenate(picked, axis=-1)


def in_top_k(targets, predictions, k):
    """Whether each target class is among the k largest predictions of its row (ties count)."""
    predictions = tensor(predictions)
    targets = tensor(targets)
    if predictions.ndim != 2 or targets.ndim != 1 or targets.shape[0] != predictions.shape[0]:
        raise ValueError(f"[in_top_k] needs predictions (batch, classes) and targets (batch,); received "
                         f"{tuple(predictions.shape)} and {tuple(targets.shape)}")
    target_values = take_along_axis(predictions, sd.reshape(targets, (-1, 1)), -1)
    above = sd.sum(sd.greater(predictions, target_values), axis=-1)
    return sd.less(above, operator.index(k))


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, op, ignore_nan):
    """Quantiles along `axis` from one sort: each row's positions q·(count - 1) are
    gathered and interpolated on the engine (count excludes NaN when ignore_nan)."""
    if method not in _METHODS:
        raise ValueError(f"[{op}] method must be one of {_METHODS}; received method={method!r}")
    x = tensor(x)
    dtype = result_type(x.dtype, float)
    x = x.astype(dtype)
    q_tensor = tensor(q, dtype)
    if q_tensor.ndim > 1:
        raise ValueError(f"[{op}] q must be a scalar or 1-D; received shape {tuple(q_tensor.shape)}")
    if q_tensor.size and (bool(sd.any(sd.less(q_tensor, 0.0))) or bool(sd.any(sd.greater(q_tensor, 1.0)))):
        raise ValueError(f"[{op}] quantiles must be in [0, 1] (percentiles in [0, 100]); received q={q!r}")
    axes = tuple(range(x.ndim)) if axis is None else canonical_axes(axis, x.ndim, op)
    kept = [a for a in range(x.ndim) if a not in axes]
    rows = sd.reshape(sd.transpose(x, kept + list(axes)), tuple(x.shape[a] for a in kept) + (-1,))
    n = rows.shape[-1]
    if n == 0:
        raise ValueError(f"[{op}] cannot take a quantile over an empty axis; received shape {tuple(x.shape)}")
    ordered = sort(rows, -1)                                   # NaN last
    nan = sd.not_equal(rows, rows)
    if ignore_nan:
        count = sd.sum(sd.logical_not(nan), axis=-1, keepdims=True).astype(dtype)
    else:
        count = sd.full(tuple(rows.shape[:-1]) + (1,), float(n), dtype)
    position = sd.maximum(sd.reshape(q_tensor, (-1,)) * (count - 1.0), 0.0)   # (..., Q)
    below = sd.floor(position)
    above = sd.ceil(position)
    low = take_along_axis(ordered, below.astype("int64"), -1)
    high = take_along_axis(ordered, above.astype("int64"), -1)
    if method == "lower":
        result = low
    elif method == "higher":
        result = high
    elif method == "midpoint":
        result = (low + high) * 0.5
    elif method == "nearest":
        result = take_along_axis(ordered, sd.rint(position).astype("int64"), -1)
    else:
        result = low + (high - low) * (position - below)
    empty_or_nan = sd.equal(count, 0.0) if ignore_nan else sd.any(nan, axis=-1, keepdims=True)
    result = sd.where(empty_or_nan, sd.full((), float("nan"), dtype), result)
    result = sd.moveaxis(result, -1, 0)                        # the q axis first, as numpy
    if keepdims:
        result = sd.reshape(result, (result.shape[0],) + tuple(1 if a in axes else x.shape[a] for a in range(x.ndim)))
    return result[0] if q_tensor.ndim == 0 else result


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles (q in [0, 1], a scalar or 1-D) along `axis` (numpy.quantile's
    methods linear, lower, higher, midpoint, nearest); a 1-D q adds a leading axis."""
    return _quantile(x, q, axis, method, keepdims, "quantile", False)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """quantile with q in [0, 100]."""
    return _quantile(x, _percent(q), axis, method, keepdims, "percentile", False)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, "median", False)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """quantile ignoring NaN (NaN where a row has no number)."""
    return _quantile(x, q, axis, method, keepdims, "nanquantile", True)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, _percent(q), axis, method, keepdims, "nanpercentile", True)


def nanmedian(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, "nanmedian", True)


def _percent(q):
    if isinstance(q, (int, float)):
        return q / 100.0
    return float_tensor(q) / 100.0
