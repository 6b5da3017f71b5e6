"""tf.nn.conv2d_transpose, conv1d_transpose and conv_transpose over channels-last tensors.

A transposed convolution is conv2d's gradient with respect to its input, and the engine
runs it as that: one op on the convolution's backward kernels (a GEMM and a col2im per
chunk of pixels), with conv2d itself and conv2d's filter gradient as its VJP. The 1-D form
is the 2-D one over an image of height 1.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import _C
from .._tensor import Tensor
from .._typing import ArrayLike
from ._convolution import _check_format, _integer, _operands, _padding_argument, _window_argument


def _output_size(output_shape: Any, x: Tensor, w: Tensor, rank: int, op: str) -> tuple[int, ...]:
    """The spatial entries of TensorFlow's `output_shape` (batch, spatial..., out_channels),
    checked against the input's batch and the filters' output channels."""
    values = output_shape.tolist() if isinstance(output_shape, (np.ndarray, Tensor)) else output_shape
    if not isinstance(values, (list, tuple)) or len(values) != rank + 2:
        raise ValueError(f"[{op}] output_shape must list {rank + 2} ints (batch, {'spatial, ' * rank}channels); "
                         f"received {output_shape!r}")
    values = [_integer(value, "output_shape", op) for value in values]
    if values[0] != x.shape[0] or values[-1] != w.shape[-2]:
        raise ValueError(f"[{op}] output_shape {tuple(values)} must have the input's batch {x.shape[0]} and the "
                         f"filters' {w.shape[-2]} output channels; received input shape {tuple(x.shape)} and "
                         f"filters shape {tuple(w.shape)}")
    return tuple(values[1:-1])


def conv2d_transpose(input: ArrayLike, filters: ArrayLike, output_shape: Any,  # noqa: A002  (TensorFlow's names)
                     strides: int | Sequence[int], padding: str | Sequence[Any] = "SAME",
                     data_format: str | None = "NHWC", dilations: int | Sequence[int] | None = None,
                     name: str | None = None) -> Tensor:
    """The transpose of conv2d (tf.nn.conv2d_transpose): conv2d's gradient with respect to
    its input.

    Args:
        input: (batch, height, width, in_channels), float32 or float64.
        filters: (filter_height, filter_width, out_channels, in_channels), the input's dtype.
        output_shape: (batch, out_height, out_width, out_channels): conv2d over an image of
            this shape with these strides, dilations and padding must give the input's
            height and width.
        strides: an int or a list of 1, 2 or 4 ints.
        padding: "VALID", "SAME", or explicit [[0, 0], [top, bottom], [left, right], [0, 0]]:
            the padding of the convolution being transposed.
        data_format: only "NHWC".
        dilations: an int or a list of 1, 2 or 4 ints.
        name: ignored (TensorFlow compatibility).

    Returns:
        (batch, out_height, out_width, out_channels).

    Raises:
        ValueError: wrong ranks, mismatched channels, or an output_shape the input's size
            cannot come from.
        TypeError: non-float or mismatched dtypes.
    """
    op = "conv2d_transpose"
    _check_format(data_format, "NHWC", op)
    x, w, _ = _operands(input, filters)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"[{op}] input and filters must be rank 4; received shapes {tuple(x.shape)} and "
                         f"{tuple(w.shape)}")
    size = _output_size(output_shape, x, w, 2, op)
    code, pads = _padding_argument(padding, op, 2)
    return _C.conv2d_transpose(x, w, size, _window_argument(strides, "strides", op, 2),
                               _window_argument(dilations, "dilations", op, 2), code, pads)


def conv1d_transpose(input: ArrayLike, filters: ArrayLike, output_shape: Any,  # noqa: A002
                     strides: int | Sequence[int], padding: str | Sequence[Any] = "SAME",
                     data_format: str | None = "NWC", dilations: int | Sequence[int] | None = None,
                     name: str | None = None) -> Tensor:
    """The transpose of conv1d (tf.nn.conv1d_transpose).

    Args:
        input: (batch, width, in_channels).
        filters: (filter_width, out_channels, in_channels).
        output_shape: (batch, out_width, out_channels).
        strides, dilations: an int or a list of 1 or 3 ints.
        padding: "VALID", "SAME", or explicit [[0, 0], [left, right], [0, 0]].
        data_format: only "NWC".
        name: ignored.

    Returns:
        (batch, out_width, out_channels).
    """
    op = "conv1d_transpose"
    _check_format(data_format, "NWC", op)
    x, w, _ = _operands(input, filters)
    if x.ndim != 3 or w.ndim != 3:
        raise ValueError(f"[{op}] input and filters must be rank 3; received shapes {tuple(x.shape)} and "
                         f"{tuple(w.shape)}")
    (width,) = _output_size(output_shape, x, w, 1, op)
    code, pads = _padding_argument(padding, op, 1)
    (stride,) = _window_argument(strides, "strides", op, 1)
    (dilation,) = _window_argument(dilations, "dilations", op, 1)
    out = _C.conv2d_transpose(x[:, None], w[None], (1, width), (1, stride), (1, dilation), code, (0, 0) + pads)
    return out[:, 0]


def conv_transpose(input: ArrayLike, filters: ArrayLike, output_shape: Any,  # noqa: A002
                   strides: int | Sequence[int], padding: str | Sequence[Any] = "SAME", data_format: str | None = None,
                   dilations: int | Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """tf.nn.conv_transpose: conv1d_transpose or conv2d_transpose by the input's rank (3 or 4)."""
    x = _operands(input, filters)[0]
    if x.ndim == 3:
        return conv1d_transpose(x, filters, output_shape, strides, padding, data_format or "NWC", dilations)
    if x.ndim == 4:
        return conv2d_transpose(x, filters, output_shape, strides, padding, data_format or "NHWC", dilations)
    raise ValueError(f"[conv_transpose] input must be rank 3 or 4 (1 or 2 spatial axes); received shape {tuple(x.shape)}")


__all__ = ["conv1d_transpose", "conv2d_transpose", "conv_transpose"]
