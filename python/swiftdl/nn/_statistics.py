"""tf.nn's moment helpers beyond `moments`: sufficient statistics, moments from them,
frequency-weighted moments, and the fraction of zeros. Built from engine ops, so they
are differentiable under a GradientTape."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Tuple

import operator

import swiftdl as sd

from .._typing import ArrayLike

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["normalize_moments", "sufficient_statistics", "weighted_moments", "zero_fraction"]


def _axes(x: Tensor, axes: Any) -> Tuple[int, ...]:
    if axes is None:
        raise ValueError("axes must be an int or a list of ints; received None")
    axes = [axes] if isinstance(axes, int) or hasattr(axes, "__index__") else list(axes)
    normalized = []
    for axis in axes:
        axis = operator.index(axis)
        if not -x.ndim <= axis < x.ndim:
            raise ValueError(f"axis {axis} is out of range for a tensor of rank {x.ndim}")
        normalized.append(axis % x.ndim)
    return tuple(normalized)


def sufficient_statistics(x: ArrayLike, axes: Any, shift: Any = None, keepdims: Optional[bool] = None,
                          name: Optional[str] = None, keep_dims: Optional[bool] = None) -> Tuple[Tensor, Tensor, Tensor, Any]:
    """The counts and (shifted) sums from which `normalize_moments` computes mean and variance.

    Args:
        x: a float tensor.
        axes: the axes to reduce.
        shift: an optional value subtracted before summing (numerically safer when close to the mean).
        keepdims: keep reduced axes with size 1 (`keep_dims` is TF 1's spelling).

    Returns:
        `(count, mean_ss, variance_ss, shift)`: the number of reduced elements (x's dtype), the sum
        of `x - shift`, the sum of its squares, and `shift` as given (None when absent).
    """
    x = sd.asarray(x)
    keep = bool(keepdims if keepdims is not None else keep_dims)
    reduced = _axes(x, axes)
    count = 1
    for axis in reduced:
        count *= x.shape[axis]
    centered = x if shift is None else x - sd.asarray(shift, dtype=x.dtype)
    mean_ss = sd.sum(centered, axis=reduced, keepdims=keep)
    variance_ss = sd.sum(centered * centered, axis=reduced, keepdims=keep)
    return sd.asarray(count, dtype=x.dtype), mean_ss, variance_ss, shift


def normalize_moments(counts: ArrayLike, mean_ss: ArrayLike, variance_ss: ArrayLike, shift: Any,
                      name: Optional[str] = None) -> Tuple[Tensor, Tensor]:
    """Mean and variance from `sufficient_statistics`' outputs.

    Returns:
        `(mean, variance)` where variance = E[(x - shift)²] - (E[x - shift])².
    """
    mean_ss = sd.asarray(mean_ss)
    divisor = 1.0 / sd.asarray(counts, dtype=mean_ss.dtype)
    shifted_mean = mean_ss * divisor
    mean = shifted_mean if shift is None else shifted_mean + sd.asarray(shift, dtype=mean_ss.dtype)
    variance = sd.asarray(variance_ss, dtype=mean_ss.dtype) * divisor - shifted_mean * shifted_mean
    return mean, variance


def weighted_moments(x: ArrayLike, axes: Any, frequency_weights: ArrayLike, keepdims: bool = False,
                     name: Optional[str] = None) -> Tuple[Tensor, Tensor]:
    """Mean and variance of `x` over `axes`, each element counted `frequency_weights` times.

    Args:
        x: a float tensor.
        axes: the axes to reduce.
        frequency_weights: weights broadcastable to `x`.
        keepdims: keep reduced axes with size 1.

    Returns:
        `(weighted_mean, weighted_variance)`.
    """
    x = sd.asarray(x)
    weights = sd.asarray(frequency_weights, dtype=x.dtype)
    reduced = _axes(x, axes)
    weight_sum = sd.sum(weights + sd.zeros_like(x), axis=reduced, keepdims=True)
    mean = sd.sum(weights * x, axis=reduced, keepdims=True) / weight_sum
    deviation = x - mean
    variance = sd.sum(weights * deviation * deviation, axis=reduced, keepdims=True) / weight_sum
    if not keepdims:
        mean, variance = sd.squeeze(mean, axis=reduced), sd.squeeze(variance, axis=reduced)
    return mean, variance


def zero_fraction(value: ArrayLike, name: Optional[str] = None) -> Tensor:
    """The fraction of entries of `value` that are zero, as a float32 scalar."""
    value = sd.asarray(value)
    if value.size == 0:
        return sd.asarray(float("nan"), dtype="float32")
    return sd.mean(sd.asarray(value == 0, dtype="float32"))
