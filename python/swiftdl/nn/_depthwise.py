"""tf.nn.depthwise_conv2d and tf.nn.separable_conv2d over NHWC tensors.

The depthwise convolution is one engine op with its own kernels (each input channel
convolved with its own `channel_multiplier` filters); the separable one follows it with a
1×1 `conv2d`. Both record their gradients on active `swiftdl.GradientTape`s.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import _C
from .._convert import asarray
from .._creation import zeros
from .._tensor import Tensor
from .._typing import ArrayLike
from ..errors import raises_tf_errors
from ._convolution import _check_format, _operands, _padding_argument, _window_argument, conv2d


def depthwise_conv2d(input: ArrayLike, filter: ArrayLike, strides: int | Sequence[int],  # noqa: A002
                     padding: str | Sequence[Any], data_format: str | None = None,
                     dilations: int | Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """Depthwise 2-D convolution (tf.nn.depthwise_conv2d).

    Args:
        input: (batch, height, width, in_channels), float32 or float64.
        filter: (filter_height, filter_width, in_channels, channel_multiplier), the input's dtype.
        strides: an int or a list of 1, 2 or 4 ints (the 4-entry form is NHWC, with 1 for
            batch and channels).
        padding: "VALID", "SAME" or explicit [[0, 0], [top, bottom], [left, right], [0, 0]].
        data_format: only "NHWC" (or None).
        dilations: an int or a list of 1 or 2 ints (TensorFlow's `rate`); default 1.
        name: ignored (TensorFlow compatibility).

    Returns:
        (batch, out_height, out_width, in_channels * channel_multiplier); output channel
        `c * channel_multiplier + k` is input channel c under filter k.

    Raises:
        ValueError: wrong ranks, a channel mismatch, strides or dilations below 1, or padding
            that leaves no output.
        TypeError: non-float or mismatched dtypes.
    """
    _check_format(data_format, "NHWC", "depthwise_conv2d")
    return depthwise_conv2d_bias(input, filter, None, strides, padding, dilations)


def depthwise_conv2d_bias(input: ArrayLike, filter: ArrayLike, bias: ArrayLike | None,  # noqa: A002
                          strides: int | Sequence[int] = 1, padding: str | Sequence[Any] = "VALID",
                          dilations: int | Sequence[int] | None = None) -> Tensor:
    """depthwise_conv2d(input, filter) + bias in one native call (Keras's DepthwiseConv2D):
    the kernel starts each output at the bias, and the backward pass sums the bias gradient
    while it reads the upstream gradient for the filter's.

    Args:
        input, filter, strides, padding, dilations: as for `depthwise_conv2d` (NHWC).
        bias: None or (in_channels * channel_multiplier,), the input's dtype.
    """
    op = "depthwise_conv2d"
    x, w, b = _operands(input, filter, bias)
    code, pads = _padding_argument(padding, op, 2)
    return _C.depthwise_conv2d(x, w, b, _window_argument(strides, "strides", op, 2),
                               _window_argument(dilations, "dilations", op, 2), code, pads)


def separable_conv2d(input: ArrayLike, depthwise_filter: ArrayLike, pointwise_filter: ArrayLike,  # noqa: A002
                     strides: int | Sequence[int], padding: str | Sequence[Any], data_format: str | None = None,
                     dilations: int | Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """A depthwise convolution followed by a 1×1 convolution (tf.nn.separable_conv2d).

    Args:
        input, strides, padding, data_format, dilations: as for `depthwise_conv2d`.
        depthwise_filter: (filter_height, filter_width, in_channels, channel_multiplier).
        pointwise_filter: (1, 1, in_channels * channel_multiplier, out_channels).
        name: ignored.

    Returns:
        (batch, out_height, out_width, out_channels).
    """
    depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(depthwise, pointwise_filter, 1, "VALID")


def _backprop(which: str, input: ArrayLike, filter: ArrayLike, out_backprop: ArrayLike, strides: Any,  # noqa: A002
              padding: Any, data_format: str | None, dilations: Any) -> Tensor:
    """The gradient of depthwise_conv2d with respect to `which` ("input" or "filter") for
    the upstream gradient out_backprop: the op is linear in each, so the tape's gradient of
    it at the given operands (zeros for the one being differentiated) is the backprop."""
    from .._autograd import GradientTape
    op = f"depthwise_conv2d_backprop_{which}"
    x, w = asarray(input, copy=None), asarray(filter, copy=None)
    upstream = asarray(out_backprop, copy=None)
    with GradientTape() as tape:
        tape.watch(x if which == "input" else w)
        out = depthwise_conv2d(x, w, strides, padding, data_format, dilations)
    if tuple(out.shape) != tuple(upstream.shape):
        raise ValueError(f"[{op}] out_backprop must have the convolution's output shape {tuple(out.shape)}; received "
                         f"{tuple(upstream.shape)}")
    return tape.gradient(out, x if which == "input" else w, output_gradients=upstream.astype(out.dtype.name))


def _sizes(sizes: Any, what: str, op: str) -> tuple[int, ...]:
    values = tuple(int(v) for v in np.asarray(sizes).reshape(-1))
    if len(values) != 4 or min(values) < 0:
        raise ValueError(f"[{op}] {what} must be 4 non-negative ints; received {sizes!r}")
    return values


@raises_tf_errors
def depthwise_conv2d_backprop_input(input_sizes: Any, filter: ArrayLike, out_backprop: ArrayLike,  # noqa: A002
                                    strides: Any, padding: Any, data_format: str | None = "NHWC",
                                    dilations: Any = None, name: str | None = None) -> Tensor:
    """The gradient of depthwise_conv2d with respect to its input
    (tf.nn.depthwise_conv2d_backprop_input).

    Args:
        input_sizes: the input's shape (batch, height, width, channels).
        filter: (filter_height, filter_width, channels, multiplier).
        out_backprop: the gradient of the convolution's output.
        strides, padding, data_format, dilations: as for `depthwise_conv2d`.
    """
    w = asarray(filter, copy=None)
    x = zeros(_sizes(input_sizes, "input_sizes", "depthwise_conv2d_backprop_input"), w.dtype)
    return _backprop("input", x, w, out_backprop, strides, padding, data_format, dilations)


@raises_tf_errors
def depthwise_conv2d_backprop_filter(input: ArrayLike, filter_sizes: Any, out_backprop: ArrayLike,  # noqa: A002
                                     strides: Any, padding: Any, data_format: str | None = "NHWC",
                                     dilations: Any = None, name: str | None = None) -> Tensor:
    """The gradient of depthwise_conv2d with respect to its filter
    (tf.nn.depthwise_conv2d_backprop_filter).

    Args:
        input: (batch, height, width, channels).
        filter_sizes: the filter's shape (filter_height, filter_width, channels, multiplier).
        out_backprop: the gradient of the convolution's output.
        strides, padding, data_format, dilations: as for `depthwise_conv2d`.
    """
    x = asarray(input, copy=None)
    w = zeros(_sizes(filter_sizes, "filter_sizes", "depthwise_conv2d_backprop_filter"), x.dtype)
    return _backprop("filter", x, w, out_backprop, strides, padding, data_format, dilations)


__all__ = ["depthwise_conv2d", "depthwise_conv2d_backprop_filter", "depthwise_conv2d_backprop_input",
           "separable_conv2d"]
