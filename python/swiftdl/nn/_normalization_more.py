"""tf.nn's older normalizations and isotonic regression: local_response_normalization (lrn),
batch_norm_with_global_normalization, isotonic_regression.

All three end in engine ops, so the tape differentiates them: LRN sums shifted squares,
the global-normalization form is batch_normalization, and isotonic regression averages its
inputs over segments found by pool-adjacent-violators (numpy; the segments are integers
and carry no gradient, as in TensorFlow, whose gradient also averages within segments).
"""
from __future__ import annotations


import numpy as np

from .. import _creation, _ops, _shape as shape_ops, _tf_array
from .._convert import asarray
from .._tensor import Tensor
from .._typing import ArrayLike
from ..errors import raises_tf_errors
from ._normalization import batch_normalization


@raises_tf_errors
def local_response_normalization(input: ArrayLike, depth_radius: int = 5, bias: float = 1, alpha: float = 1,  # noqa: A002
                                 beta: float = 0.5, name: str | None = None) -> Tensor:
    """input / (bias + alpha · sqr_sum) ** beta, where sqr_sum sums the squares of the
    channels within depth_radius of each channel (tf.nn.local_response_normalization, lrn;
    Krizhevsky et al. 2012, section 3.3).

    Args:
        input: (batch, height, width, channels), float.
        depth_radius: half-width of the channel window (the window has 2·radius + 1 channels).
        bias, alpha, beta: the formula's constants.
        name: ignored.
    """
    x = asarray(input, copy=None)
    if x.ndim != 4:
        raise ValueError(f"[local_response_normalization] input must be rank 4; received shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"[local_response_normalization] input must be float; received dtype {x.dtype}")
    radius = int(depth_radius)
    if radius < 0:
        raise ValueError(f"[local_response_normalization] depth_radius must be non-negative; received {depth_radius}")
    channels = x.shape[-1]
    squares = _tf_array.pad(_ops.square(x), [[0, 0], [0, 0], [0, 0], [radius, radius]])
    total = squares[..., 0:channels]
    for shift in range(1, 2 * radius + 1):
        total = total + squares[..., shift:shift + channels]
    return x / _ops.power(total * float(alpha) + float(bias), float(beta))


lrn = local_response_normalization


@raises_tf_errors
def batch_norm_with_global_normalization(input: ArrayLike, mean: ArrayLike, variance: ArrayLike,  # noqa: A002
                                         beta: ArrayLike, gamma: ArrayLike, variance_epsilon: float,
                                         scale_after_normalization: bool, name: str | None = None) -> Tensor:
    """(input - mean) / sqrt(variance + variance_epsilon) · gamma + beta over the last axis
    (tf.nn.batch_norm_with_global_normalization); gamma is not applied unless
    scale_after_normalization."""
    return batch_normalization(input, mean, variance, beta, gamma if scale_after_normalization else None,
                               variance_epsilon)


def _pool_adjacent_violators(row: np.ndarray) -> np.ndarray:
    """Segment ids (0, 1, ...) of the non-increasing least-squares fit to `row`: blocks are
    merged while a block's mean is below the next one's (Barlow et al., 1972)."""
    means: list[float] = []
    counts: list[int] = []
    for value in row.tolist():
        means.append(value)
        counts.append(1)
        while len(means) > 1 and means[-2] <= means[-1]:
            count = counts[-2] + counts[-1]
            means[-2] = (means[-2] * counts[-2] + means[-1] * counts[-1]) / count
            counts[-2] = count
            means.pop()
            counts.pop()
    return np.repeat(np.arange(len(counts)), counts)


@raises_tf_errors
def isotonic_regression(inputs: ArrayLike, decreasing: bool = True, axis: int = -1) -> tuple[Tensor, Tensor]:
    """The least-squares monotone fit along `axis` (tf.nn.isotonic_regression):
    non-increasing by default, non-decreasing with decreasing=False.

    Returns:
        (output, segments): the fit (the mean of each run of tied entries), float; segments
        int32, the run each entry belongs to (0, 1, ... along the axis).
    """
    x = asarray(inputs, copy=None)
    if x.dtype.kind != "f":
        x = x.astype(np.float32)
    if x.ndim == 0:
        raise ValueError("[isotonic_regression] inputs must have rank 1 or more; received a scalar")
    axis = int(axis)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"[isotonic_regression] axis {axis} is out of range for rank {x.ndim}")
    moved = shape_ops.moveaxis(x, axis, -1)
    shape = tuple(moved.shape)
    length = shape[-1]
    rows = shape_ops.reshape(moved, (-1, length))
    values = np.asarray(rows, dtype=np.float64)
    sign = 1.0 if decreasing else -1.0
    segments = np.stack([_pool_adjacent_violators(sign * row) for row in values]) if values.size else \
        np.zeros(values.shape, np.int64)
    ids = segments + np.arange(values.shape[0])[:, None] * length
    flat_ids = asarray(ids.reshape(-1))
    means = _tf_reduce_mean(shape_ops.reshape(rows, (-1,)), flat_ids, values.size)
    fitted = shape_ops.reshape(_tf_array.gather(means, flat_ids), shape)
    segment_tensor = asarray(segments.reshape(shape).astype(np.int32))
    return shape_ops.moveaxis(fitted, -1, axis), shape_ops.moveaxis(segment_tensor, -1, axis)


def _tf_reduce_mean(flat: Tensor, ids: Tensor, count: int) -> Tensor:
    from .._tf_reduce import unsorted_segment_mean
    if count == 0:
        return _creation.zeros((0,), flat.dtype)
    return unsorted_segment_mean(flat, ids, count)


__all__ = ["batch_norm_with_global_normalization", "isotonic_regression", "local_response_normalization", "lrn"]
