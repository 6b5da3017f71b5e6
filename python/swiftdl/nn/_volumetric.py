"""tf.nn's 3-D ops over NDHWC tensors: conv3d, conv3d_transpose, max_pool3d, avg_pool3d.

The engine has 2-D kernels only, so each 3-D op is 2-D ops along depth (the scheme
keras.ops.conv and Keras's Conv3D use, `keras/ops/nn_conv3d.py`): a convolution sums one
conv2d per depth tap over the depth slices it reads; its transpose places one
conv2d_transpose per tap; a pool runs a 2-D pool over every depth slice and a 1-D pool
along depth (max and average windows separate by axis; an average's divisor, the count of
positions inside the input, is the product of the axes' counts). Every step is an engine
op, so gradients come from the tape. NCDHW input is moved to NDHWC and back.
"""
from __future__ import annotations

from typing import Any, Sequence

from .. import _C, _shape as shape_ops
from .._convert import asarray
from .._tensor import Tensor
from .._typing import ArrayLike
from ..errors import raises_tf_errors
from ._convolution import _operands, _padding_argument, _window_argument, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from ._transpose import _output_size

_FORMATS = ("NDHWC", "NCDHW")


def _channels_last(x: Tensor, data_format: str | None, op: str) -> tuple[Tensor, bool]:
    data_format = "NDHWC" if data_format is None else data_format
    if data_format not in _FORMATS:
        raise ValueError(f"[{op}] data_format must be 'NDHWC' or 'NCDHW'; received {data_format!r}")
    if x.ndim != 5:
        raise ValueError(f"[{op}] input must be rank 5 ({data_format}); received shape {tuple(x.shape)}")
    first = data_format == "NCDHW"
    return (shape_ops.moveaxis(x, 1, -1) if first else x), first


def _restore(x: Tensor, first: bool) -> Tensor:
    return shape_ops.moveaxis(x, -1, 1) if first else x


def _three(value: Any, what: str, op: str, first: bool) -> tuple[int, ...]:
    """strides/ksize/dilations as three spatial ints; a 5-entry list is in the data format's order."""
    if first and isinstance(value, (list, tuple)) and len(value) == 5:
        value = [value[0], *value[2:], value[1]]
    return _window_argument(value, what, op, 3)


def _same_or_valid(padding: Any, op: str) -> str:
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(f"[{op}] padding must be 'SAME' or 'VALID'; received {padding!r}")
    return padding.upper()


@raises_tf_errors
def conv3d(input: ArrayLike, filters: ArrayLike, strides: int | Sequence[int], padding: str,  # noqa: A002
           data_format: str | None = "NDHWC", dilations: int | Sequence[int] | None = None,
           name: str | None = None) -> Tensor:
    """3-D convolution (tf.nn.conv3d): cross-correlation with (kd, kh, kw, in, out) filters.

    Args:
        input: (batch, depth, height, width, in_channels) (NDHWC) or NCDHW, float.
        filters: (filter_depth, filter_height, filter_width, in_channels, out_channels).
        strides, dilations: an int or a list of 1, 3 or 5 ints (5: in the data format's order,
            1 for batch and channels).
        padding: "SAME" or "VALID".
        data_format: "NDHWC" (default) or "NCDHW".
        name: ignored.

    Returns:
        (batch, out_depth, out_height, out_width, out_channels) in the data format.

    Raises:
        InvalidArgumentError: wrong ranks, a channel mismatch, or bad strides or padding.
    """
    from ..keras.ops.nn_conv3d import conv3d_last
    op = "conv3d"
    x, w, _ = _operands(input, filters)
    x, first = _channels_last(x, data_format, op)
    if w.ndim != 5 or w.shape[3] != x.shape[-1]:
        raise ValueError(f"[{op}] filters must be (kd, kh, kw, {x.shape[-1]}, out) for input with {x.shape[-1]} "
                         f"channels; received filters shape {tuple(w.shape)}")
    strides3 = _three(strides, "strides", op, first)
    dilations3 = _three(dilations, "dilations", op, first)
    padding = _same_or_valid(padding, op)
    return _restore(conv3d_last(x, w, strides3, padding.lower(), dilations3), first)


@raises_tf_errors
def conv3d_transpose(input: ArrayLike, filters: ArrayLike, output_shape: Any,  # noqa: A002
                     strides: int | Sequence[int], padding: str = "SAME", data_format: str | None = "NDHWC",
                     dilations: int | Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """The transpose of conv3d (tf.nn.conv3d_transpose): conv3d's gradient with respect to
    its input.

    Args:
        input: (batch, depth, height, width, in_channels), float.
        filters: (kd, kh, kw, out_channels, in_channels).
        output_shape: (batch, out_depth, out_height, out_width, out_channels); conv3d over it
            with these strides and padding must give the input's spatial size.
        strides, dilations, padding, data_format: as for `conv3d`.
        name: ignored.
    """
    from ..keras.ops.nn_conv3d import conv3d_transpose_last, same_or_valid_depth
    op = "conv3d_transpose"
    x, w, _ = _operands(input, filters)
    x, first = _channels_last(x, data_format, op)
    if w.ndim != 5 or w.shape[-1] != x.shape[-1]:
        raise ValueError(f"[{op}] filters must be (kd, kh, kw, out, {x.shape[-1]}) for input with {x.shape[-1]} "
                         f"channels; received filters shape {tuple(w.shape)}")
    if first and isinstance(output_shape, (list, tuple)) and len(output_shape) == 5:
        output_shape = [output_shape[0], *output_shape[2:], output_shape[1]]
    sizes = _output_size(output_shape, x, w, 3, op)
    strides3 = _three(strides, "strides", op, first)
    dilations3 = _three(dilations, "dilations", op, first)
    padding = _same_or_valid(padding, op)
    for axis in range(3):
        expected = same_or_valid_depth(sizes[axis], w.shape[axis], strides3[axis], dilations3[axis], padding.lower())[0]
        if expected != x.shape[axis + 1]:
            raise ValueError(f"[{op}] a conv3d over output_shape {tuple(output_shape)} gives spatial axis {axis} of "
                             f"size {expected}, but the input has {x.shape[axis + 1]}; received input shape "
                             f"{tuple(x.shape)}")
    code, pads = _padding_argument(padding, op, 2)

    def transpose_2d(slices: Tensor, tap_kernel: Tensor) -> Tensor:
        return _C.conv2d_transpose(slices, tap_kernel, sizes[1:], strides3[1:], dilations3[1:], code, pads)

    def depth_padding(depth: int, taps: int, stride: int, dilation: int, pad: str, extra: Any) -> tuple[int, int]:
        return sizes[0], same_or_valid_depth(sizes[0], taps, stride, dilation, padding.lower())[1]

    out = conv3d_transpose_last(x, w, strides3, padding, [None] * 3, dilations3, transpose_2d, depth_padding)
    return _restore(out, first)


def _pool3d(kind: str, op: str, input: ArrayLike, ksize: Any, strides: Any, padding: str,  # noqa: A002
            data_format: str | None) -> Tensor:
    x = asarray(input, copy=None)
    x, first = _channels_last(x, data_format, op)
    size, step = _three(ksize, "ksize", op, first), _three(strides, "strides", op, first)
    padding = _same_or_valid(padding, op)
    n, depth, rows, columns, channels = x.shape
    planes = shape_ops.reshape(x, (n * depth, rows, columns, channels))
    planar = (max_pool2d if kind == "max" else avg_pool2d)(planes, size[1:], step[1:], padding)
    rows, columns = planar.shape[1], planar.shape[2]
    along_depth = shape_ops.reshape(planar, (n, depth, rows * columns * channels))
    pooled = (max_pool1d if kind == "max" else avg_pool1d)(along_depth, size[0], step[0], padding)
    return _restore(shape_ops.reshape(pooled, (n, pooled.shape[1], rows, columns, channels)), first)


@raises_tf_errors
def max_pool3d(input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str,  # noqa: A002
               data_format: str | None = "NDHWC", name: str | None = None) -> Tensor:
    """3-D max pooling (tf.nn.max_pool3d).

    Args:
        input: (batch, depth, height, width, channels) (NDHWC) or NCDHW, float.
        ksize, strides: an int or a list of 1, 3 or 5 ints.
        padding: "SAME" or "VALID".
        data_format: "NDHWC" (default) or "NCDHW".
        name: ignored.
    """
    return _pool3d("max", "max_pool3d", input, ksize, strides, padding, data_format)


@raises_tf_errors
def avg_pool3d(input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str,  # noqa: A002
               data_format: str | None = "NDHWC", name: str | None = None) -> Tensor:
    """3-D average pooling (tf.nn.avg_pool3d); with "SAME", each window is divided by the
    number of its positions inside the input, as in TensorFlow. Arguments as `max_pool3d`."""
    return _pool3d("avg", "avg_pool3d", input, ksize, strides, padding, data_format)


__all__ = ["avg_pool3d", "conv3d", "conv3d_transpose", "max_pool3d"]
