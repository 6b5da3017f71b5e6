"""moments, batch_normalization and l2_normalize, named and shaped like tf.nn's. They are
composed in Swift from recorded primitives (Sources/SwiftDL/Ops/NN/Normalization.swift).
fused_batch_norm is one engine op with its own kernels (FusedBatchNormalization.swift), the
one Keras's BatchNormalization layer runs on."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import operator

from .. import _C
from .._convert import asarray, to_operand
from .._typing import ArrayLike

if TYPE_CHECKING:
    from .._tensor import Tensor


def _axes(axes: Any, what: str) -> list[int] | None:
    if axes is None:
        return None
    if isinstance(axes, (list, tuple)):
        return [operator.index(a) for a in axes]
    try:
        return [operator.index(axes)]
    except TypeError:
        raise TypeError(f"{what} must be an integer or a list of integers; received {axes!r}") from None


def moments(x: ArrayLike, axes: Any, shift: ArrayLike | None = None, keepdims: bool = False,
            name: str | None = None) -> tuple[Tensor, Tensor]:
    """Mean and variance of `x` over `axes`.

    Args:
        x: a float tensor.
        axes: the axes to reduce (a list of integers).
        shift: ignored (as in TensorFlow 2).
        keepdims: keep the reduced axes with size 1.

    Returns:
        A tuple (mean, variance).
    """
    x = asarray(x, copy=None)
    return _C.nn_moments(x, _axes(axes, "axes"), bool(keepdims))


def batch_normalization(x: ArrayLike, mean: ArrayLike, variance: ArrayLike, offset: ArrayLike | None, scale: ArrayLike | None,
                        variance_epsilon: float, name: str | None = None) -> Tensor:
    """(x - mean) · scale / sqrt(variance + variance_epsilon) + offset.

    Args:
        x: a float tensor.
        mean, variance: tensors broadcastable to x.
        offset, scale: tensors broadcastable to x, or None.
        variance_epsilon: a small float added to the variance.
    """
    x = asarray(x, copy=None)

    def operand(value: ArrayLike | None) -> Tensor | None:
        return None if value is None else to_operand(value, x.dtype)

    return _C.nn_batch_normalization(x, to_operand(mean, x.dtype), to_operand(variance, x.dtype), operand(offset), operand(scale),
                                     float(variance_epsilon))


def fused_batch_norm(x: ArrayLike, scale: ArrayLike | None = None, offset: ArrayLike | None = None,
                     mean: ArrayLike | None = None, variance: ArrayLike | None = None, epsilon: float = 0.001,
                     axis: int = -1) -> tuple[Tensor, Tensor, Tensor]:
    """Batch normalisation over every axis of `x` but `axis`, in one engine op.

    Args:
        x: a float tensor.
        scale, offset: None or (channels,) vectors: gamma and beta.
        mean, variance: both None to normalise with the batch's own statistics (training:
            the gradient flows through them), or both (channels,) vectors used as constants
            (inference with moving averages).
        epsilon: added to the variance.
        axis: the channel axis.

    Returns:
        (y, mean, variance): the normalised tensor and the statistics used (the variance
        biased, as Keras's moving averages take it); only y is recorded on tapes.
    """
    x = asarray(x, copy=None)

    def operand(value: ArrayLike | None) -> Tensor | None:
        return None if value is None else to_operand(value, x.dtype)

    return _C.nn_fused_batch_norm(x, operator.index(axis), operand(mean), operand(variance), operand(scale),
                                  operand(offset), float(epsilon))


def fused_batch_norm_relu(x: ArrayLike, scale: ArrayLike | None = None, offset: ArrayLike | None = None,
                          mean: ArrayLike | None = None, variance: ArrayLike | None = None, epsilon: float = 0.001,
                          axis: int = -1, max_value: float | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """fused_batch_norm followed by a relu, in one engine op (swiftdl's own; TensorFlow has none).

    The output is min(max(y, 0), max_value) for fused_batch_norm's y, the values `nn.relu`
    (max_value None) or `nn.relu6` (max_value 6) give; written once instead of twice, and
    only the input and the output kept for the gradient.

    Args:
        x, scale, offset, mean, variance, epsilon, axis: as for `fused_batch_norm`.
        max_value: the relu's cap (> 0), or None for none.

    Returns:
        (y, mean, variance) as `fused_batch_norm`, y after the relu.
    """
    x = asarray(x, copy=None)

    def operand(value: ArrayLike | None) -> Tensor | None:
        return None if value is None else to_operand(value, x.dtype)

    return _C.nn_fused_batch_norm_relu(x, operator.index(axis), operand(mean), operand(variance), operand(scale),
                                       operand(offset), float(epsilon),
                                       float("inf") if max_value is None else float(max_value))


def l2_normalize(x: ArrayLike, axis: Any = None, epsilon: float = 1e-12, name: str | None = None, dim: Any = None) -> Tensor:
    """x / sqrt(max(sum(x²), epsilon)) over `axis` (None: all axes)."""
    if dim is not None:
        axis = dim
    return _C.nn_l2_normalize(asarray(x, copy=None), _axes(axis, "axis"), float(epsilon))
