"""numpy's statistics and counting functions: average, median, percentile, quantile, ptp,
the nan-ignoring reductions (nanmax, nanmin, nanmean, nansum), count_nonzero, bincount,
digitize, diff, and logspace. numpy's arguments and result dtypes (float-valued results of
integers are float64); the values come from the engine (keras.ops's compositions)."""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ._numpy_rules import floating, no_out, operand, promoted
from ._tensor import Tensor

__all__ = ["average", "bincount", "count_nonzero", "diff", "digitize", "logspace", "median", "nanmax", "nanmean",
           "nanmin", "nansum", "percentile", "ptp", "quantile"]


def _ops() -> Any:
    from .keras import ops  # keras.ops imports swiftdl: import it when first called
    return ops


def _statistic_operand(a: Any) -> Tensor:
    """numpy's statistics (mean, median, quantiles) compute integers and bools in float64."""
    x = operand(a)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *, keepdims: bool = False) -> Any:
    """numpy.average: the (weighted) mean over `axis`; with `returned`, also the sum of weights.

    Raises:
        ZeroDivisionError: when the weights sum to zero (as numpy).
        ValueError / TypeError: for weights whose shape does not fit.
    """
    if weights is None:
        x = _statistic_operand(a)
        result = _ops().mean(x, axis=axis, keepdims=keepdims)
        if returned:
            count = np.prod(x.shape) if axis is None else np.prod([x.shape[i] for i in np.atleast_1d(axis)])
            return result, operand(np.full(tuple(result.shape), count, result.dtype))
        return result
    x, w = promoted(_statistic_operand(a), weights)
    x, w = _statistic_operand(x), _statistic_operand(w)
    if tuple(w.shape) != tuple(x.shape):
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        if w.ndim != 1:
            raise TypeError("1D weights expected when shapes of a and weights differ.")
        axis_index = operator.index(axis) % x.ndim
        if w.shape[0] != x.shape[axis_index]:
            raise ValueError("Length of weights not compatible with specified axis.")
        w = w.reshape(tuple(-1 if i == axis_index else 1 for i in range(x.ndim)))
        from ._shape import broadcast_to
        w = broadcast_to(w, tuple(x.shape))
    total = _ops().sum(w, axis=axis, keepdims=keepdims)
    if bool(np.any(np.asarray(total) == 0)):
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    result = _ops().sum(x * w, axis=axis, keepdims=keepdims) / total
    return (result, total) if returned else result


def median(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False, keepdims: bool = False) -> Tensor:
    """numpy.median: the middle value (the mean of the two middle ones) along `axis`."""
    no_out("median", out)
    return _ops().median(_statistic_operand(a), axis=axis, keepdims=keepdims)


def _checked_q(q: Any, low: float, high: float, name: str) -> Any:
    values = np.asarray(q, dtype=np.float64)
    if values.size and (values.min() < low or values.max() > high):
        raise ValueError(f"{name} must be in the range [{low:g}, {high:g}]" if name == "Quantiles"
                         else "Percentiles must be in the range [0, 100]")
    return q


def _in_q_dtype(a: Any, q: Any) -> Tensor:
    """`a` in numpy's result dtype for these q: a Python scalar q keeps a's float dtype; an
    array q (made float64 by numpy's division, unless already float) joins the promotion."""
    if operand(a).dtype.kind == "b":  # numpy interpolates with a subtraction, which bools refuse
        raise TypeError("numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` "
                        "operator, or the logical_xor function instead.")
    x = _statistic_operand(a)
    weights = q if isinstance(q, (int, float)) else np.true_divide(np.asarray(q), 100)
    dtype = np.result_type(x.dtype, weights)
    return x if x.dtype == dtype else x.astype(dtype)


def percentile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
               method: str = "linear", keepdims: bool = False) -> Tensor:
    """numpy.percentile: the q-th percentiles (q in [0, 100]) along `axis`."""
    no_out("percentile", out)
    _checked_q(q, 0, 100, "Percentiles")
    x = _in_q_dtype(a, q)
    # q / 100 in float64, as numpy divides it, handed over in x's dtype (not via floatx).
    fractions = q / 100 if isinstance(q, (int, float)) else np.true_divide(np.asarray(q), 100).astype(x.dtype)
    return _ops().quantile(x, fractions, axis=axis, method=method, keepdims=keepdims)


def quantile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
             method: str = "linear", keepdims: bool = False) -> Tensor:
    """numpy.quantile: the q-th quantiles (q in [0, 1]) along `axis`."""
    no_out("quantile", out)
    _checked_q(q, 0, 1, "Quantiles")
    x = _in_q_dtype(a, q)
    fractions = q if isinstance(q, (int, float)) else np.asarray(q, dtype=x.dtype)
    return _ops().quantile(x, fractions, axis=axis, method=method, keepdims=keepdims)


def ptp(a: Any, axis: Any = None, out: None = None, keepdims: bool = False) -> Tensor:
    """numpy.ptp: maximum minus minimum along `axis`, in the input's dtype."""
    no_out("ptp", out)
    return _ops().ptp(operand(a), axis=axis, keepdims=keepdims)


def nanmax(a: Any, axis: Any = None, out: None = None, keepdims: bool = False) -> Tensor:
    """numpy.nanmax: the maximum ignoring NaNs (NaN where a slice is all NaN)."""
    no_out("nanmax", out)
    return _ops().nanmax(operand(a), axis=axis, keepdims=keepdims)


def nanmin(a: Any, axis: Any = None, out: None = None, keepdims: bool = False) -> Tensor:
    """numpy.nanmin: the minimum ignoring NaNs (NaN where a slice is all NaN)."""
    no_out("nanmin", out)
    return _ops().nanmin(operand(a), axis=axis, keepdims=keepdims)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False) -> Tensor:
    """numpy.nanmean: the mean of the non-NaN values (integers in float64)."""
    no_out("nanmean", out)
    x = _statistic_operand(a) if dtype is None else operand(a).astype(dtype)
    return _ops().nanmean(x, axis=axis, keepdims=keepdims)


def nansum(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False) -> Tensor:
    """numpy.nansum: the sum with NaNs counted as zero, in numpy's sum dtype."""
    from ._ops import sum as summed
    from ._tf_face import where
    no_out("nansum", out)
    x = operand(a)
    if x.dtype.kind == "f":
        x = where(x != x, operand(np.zeros((), x.dtype)), x)
    return summed(x, axis=axis, dtype=dtype, keepdims=keepdims)


def count_nonzero(a: Any, axis: Any = None, *, keepdims: bool = False) -> Any:
    """numpy.count_nonzero: a Python int over everything, else int64 counts along `axis`."""
    from ._ops import sum as summed
    counts = summed(operand(a) != 0, axis=axis, dtype=np.int64, keepdims=keepdims)
    return int(np.asarray(counts)) if axis is None and not keepdims else counts


def bincount(x: Any, weights: Any = None, minlength: int = 0) -> Tensor:
    """numpy.bincount: occurrences of each value 0..max(x) (int64), or the sums of `weights` (float64).

    Raises:
        ValueError: for a negative value, a negative minlength, or x that is not 1-D.
        TypeError: for x that is not of an integer type.
    """
    values = operand(x)
    if values.ndim != 1:
        raise ValueError("object too deep for desired array" if values.ndim > 1
                         else "object of too small depth for desired array")
    if values.dtype.kind not in "iub":
        raise TypeError(f"Cannot cast array data from dtype('{values.dtype}') to dtype('int64') according to the rule "
                        "'safe'")
    if operator.index(minlength) < 0:
        raise ValueError("'minlength' must not be negative")
    array = np.asarray(values)
    if array.size and array.min() < 0:
        raise ValueError("'list' argument must have no negative elements")
    length = max(int(array.max()) + 1 if array.size else 0, minlength)
    if weights is not None:
        weights = floating(weights).astype(np.float64)
        if tuple(weights.shape) != tuple(values.shape):
            raise ValueError("The weights and list don't have the same length.")
    result = _ops().bincount(values.astype(np.int64), weights=weights, minlength=length)
    return result.astype(np.float64 if weights is not None else np.int64)


def digitize(x: Any, bins: Any, right: bool = False) -> Tensor:
    """numpy.digitize: the index (int64) of the bin each value falls in (monotonic `bins`)."""
    from ._tf_face import searchsorted
    edges = np.asarray(operand(bins))
    if edges.ndim != 1:
        raise ValueError("bins must be one-dimensional")
    increasing = bool(np.all(np.diff(edges) >= 0))
    if not increasing and not bool(np.all(np.diff(edges) <= 0)):
        raise ValueError("bins must be monotonically increasing or decreasing")
    values = operand(x)
    side = "left" if right else "right"
    if increasing:
        return searchsorted(operand(edges), values, side=side, out_type=np.int64)
    flipped = operand(edges[::-1].copy())
    return len(edges) - searchsorted(flipped, values, side=side, out_type=np.int64)


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
    """numpy.diff: the n-th discrete difference along `axis` (bools: not_equal)."""
    x = operand(a)
    if x.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    pieces = []
    axis_index = operator.index(axis) % x.ndim
    for extra in (prepend, x, append):
        if extra is None:
            continue
        piece = operand(extra)
        if piece.ndim == 0:
            shape = list(x.shape)
            shape[axis_index] = 1
            from ._shape import broadcast_to
            piece = broadcast_to(piece, tuple(shape))
        pieces.append(piece)
    if len(pieces) > 1:
        x = _ops().concatenate(promoted(*pieces), axis=axis_index)
    later = tuple(slice(1, None) if i == axis_index else slice(None) for i in range(x.ndim))
    earlier = tuple(slice(None, -1) if i == axis_index else slice(None) for i in range(x.ndim))
    for _ in range(n):
        x = x[later] != x[earlier] if x.dtype.kind == "b" else x[later] - x[earlier]
    return x


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0, dtype: Any = None,
             axis: int = 0) -> Tensor:
    """numpy.logspace: `num` values spaced evenly on a log scale, base ** linspace(start, stop);
    float32 by default, as swiftdl's linspace (computed in float64)."""
    from ._creation import arange
    steps = operator.index(num)
    if steps < 0:
        raise ValueError(f"Number of samples, {steps}, must be non-negative.")
    start_, stop_ = operand(start).astype(np.float64), operand(stop).astype(np.float64)
    divisions = max(steps - 1, 1) if endpoint else max(steps, 1)
    exponents = start_ + arange(steps, dtype=np.float64) * ((stop_ - start_) / divisions)
    if endpoint and steps > 1:
        exponents = _ops().concatenate([exponents[:-1], stop_.reshape((1,))], axis=0)
    if axis != 0:
        raise ValueError("swiftdl.logspace supports axis=0 only")
    result = _ops().power(operand(np.asarray(base, dtype=exponents.dtype)), exponents)
    return result.astype(np.float32 if dtype is None else dtype)
