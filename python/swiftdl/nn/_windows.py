"""tf.nn ops over sliding 2-D windows that the engine has no kernel for: max_pool_with_argmax,
dilation2d and erosion2d (grayscale morphology).

Each reads the input as one strided slice per window position (kh · kw slices of NHWC
shape), padded with -inf for "SAME" so padding never wins a maximum, and reduces them with
engine ops: values and gradients come from the tape. The windows follow TensorFlow's
geometry (output ceil(in / stride) for "SAME", the smaller half of the padding before).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import _creation, _ops, _shape as shape_ops, _tf_array
from .._convert import asarray
from .._tensor import Tensor
from .._tf_dtypes import numpy_dtype
from .._typing import ArrayLike
from ..errors import raises_tf_errors
from ._convolution import _window_argument


def _geometry(size: int, window: int, stride: int, rate: int, padding: str) -> tuple[int, int, int]:
    """(output size, padding before, padding after) along one axis."""
    effective = (window - 1) * rate + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + effective - size, 0)
        return out, total // 2, total - total // 2
    return max(-(-(size - effective + 1) // stride), 0), 0, 0


def _window_slices(x: Tensor, ksize: Sequence[int], strides: Sequence[int], rates: Sequence[int], padding: Any,
                   op: str) -> tuple[list[Tensor], tuple[int, int], tuple[int, int]]:
    """The kh·kw strided slices of NHWC `x` (row-major window order), the output size and
    the (top, left) padding."""
    if x.ndim != 4:
        raise ValueError(f"[{op}] input must be rank 4 (N, H, W, C); received shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"[{op}] input must be float; received dtype {x.dtype}")
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(f"[{op}] padding must be 'SAME' or 'VALID'; received {padding!r}")
    rows = _geometry(x.shape[1], ksize[0], strides[0], rates[0], padding.upper())
    cols = _geometry(x.shape[2], ksize[1], strides[1], rates[1], padding.upper())
    if rows[0] <= 0 or cols[0] <= 0:
        raise ValueError(f"[{op}] the window {tuple(ksize)} (rates {tuple(rates)}) does not fit the input of shape "
                         f"{tuple(x.shape)} with padding 'VALID'")
    if rows[1] or rows[2] or cols[1] or cols[2]:
        x = _tf_array.pad(x, [[0, 0], [rows[1], rows[2]], [cols[1], cols[2]], [0, 0]], constant_values=-np.inf)
    slices = []
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            top, left = i * rates[0], j * rates[1]
            slices.append(x[:, top:top + (rows[0] - 1) * strides[0] + 1:strides[0],
                            left:left + (cols[0] - 1) * strides[1] + 1:strides[1], :])
    return slices, (rows[0], cols[0]), (rows[1], cols[1])


@raises_tf_errors
def max_pool_with_argmax(input: ArrayLike, ksize: Any, strides: Any, padding: str,  # noqa: A002
                         data_format: str = "NHWC", output_dtype: Any = np.int64, include_batch_in_index: bool = False,
                         name: str | None = None) -> tuple[Tensor, Tensor]:
    """2-D max pooling that also returns where each maximum came from (tf.nn.max_pool_with_argmax).

    Args:
        input: (batch, height, width, channels), float.
        ksize, strides: an int or a list of 1, 2 or 4 ints.
        padding: "SAME" or "VALID".
        data_format: only "NHWC".
        output_dtype: int64 (default) or int32 for the indices.
        include_batch_in_index: flatten the batch into the index too.
        name: ignored.

    Returns:
        (output, argmax): the pooled values, and the flat index of each maximum,
        (y · width + x) · channels + c, or ((b · height + y) · width + x) · channels + c with
        include_batch_in_index. Ties go to the first position in row-major window order.
    """
    op = "max_pool_with_argmax"
    if data_format != "NHWC":
        raise ValueError(f"[{op}] only data_format='NHWC' is supported; received {data_format!r}")
    wanted = numpy_dtype(output_dtype)
    if wanted not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"[{op}] output_dtype must be int32 or int64; received {wanted.name}")
    x = asarray(input, copy=None)
    window = _window_argument(ksize, "ksize", op, 2)
    step = _window_argument(strides, "strides", op, 2)
    slices, (out_h, out_w), (top, left) = _window_slices(x, window, step, (1, 1), padding, op)
    stacked = shape_ops.stack(slices, axis=0)
    values = _ops.max(stacked, axis=0)
    k = _ops.argmax(stacked, axis=0).astype(np.int64)
    n, height, width, channels = x.shape
    ys = _creation.arange(out_h, dtype=np.int64) * step[0] - top
    xs = _creation.arange(out_w, dtype=np.int64) * step[1] - left
    y = shape_ops.reshape(ys, (1, -1, 1, 1)) + _ops.floor_divide(k, window[1])
    col = shape_ops.reshape(xs, (1, 1, -1, 1)) + _ops.remainder(k, window[1])
    flat = (y * width + col) * channels + shape_ops.reshape(_creation.arange(channels, dtype=np.int64), (1, 1, 1, -1))
    if include_batch_in_index:
        flat = flat + shape_ops.reshape(_creation.arange(n, dtype=np.int64), (-1, 1, 1, 1)) * (height * width * channels)
    return values, flat.astype(wanted)


def _morphology_arguments(input: ArrayLike, filters: ArrayLike, strides: Any, data_format: str, dilations: Any,
                          op: str) -> tuple[Tensor, Tensor, tuple[int, ...], tuple[int, ...]]:  # noqa: A002
    if data_format != "NHWC":
        raise ValueError(f"[{op}] only data_format='NHWC' is supported; received {data_format!r}")
    x = asarray(input, copy=None)
    w = asarray(filters, copy=None)
    if x.ndim != 4 or w.ndim != 3 or w.shape[-1] != x.shape[-1]:
        raise ValueError(f"[{op}] needs input (N, H, W, C) and filters (h, w, C) with the same C; received shapes "
                         f"{tuple(x.shape)} and {tuple(w.shape)}")
    return (x, w.astype(x.dtype.name), _window_argument(strides, "strides", op, 2),
            _window_argument(dilations, "dilations", op, 2))


def _dilate(x: Tensor, w: Tensor, step: Sequence[int], rates: Sequence[int], padding: Any, op: str) -> Tensor:
    slices, _, _ = _window_slices(x, (w.shape[0], w.shape[1]), step, rates, padding, op)
    total = None
    for index, part in enumerate(slices):
        shifted = part + w[index // w.shape[1], index % w.shape[1]]
        total = shifted if total is None else _ops.maximum(total, shifted)
    assert total is not None
    return total


@raises_tf_errors
def dilation2d(input: ArrayLike, filters: ArrayLike, strides: Any, padding: str, data_format: str,  # noqa: A002
               dilations: Any, name: str | None = None) -> Tensor:
    """Grayscale morphological dilation (tf.nn.dilation2d): the max over the window of
    input + filters, per channel.

    Args:
        input: (batch, height, width, channels), float.
        filters: (filter_height, filter_width, channels).
        strides, dilations: lists of 4 ints (1 for batch and channels), or 1 or 2 ints.
        padding: "SAME" or "VALID".
        data_format: "NHWC" (required, as in TensorFlow).
        name: ignored.
    """
    x, w, step, rates = _morphology_arguments(input, filters, strides, data_format, dilations, "dilation2d")
    return _dilate(x, w, step, rates, padding, "dilation2d")


@raises_tf_errors
def erosion2d(value: ArrayLike, filters: ArrayLike, strides: Any, padding: str, data_format: str, dilations: Any,
              name: str | None = None) -> Tensor:
    """Grayscale morphological erosion (tf.nn.erosion2d): the min over the window of
    value - filters, with the filter reflected: -dilation2d(-value, filters[::-1, ::-1]),
    as TensorFlow computes it. Arguments as `dilation2d`."""
    x, w, step, rates = _morphology_arguments(value, filters, strides, data_format, dilations, "erosion2d")
    return _ops.negative(_dilate(_ops.negative(x), w[::-1, ::-1], step, rates, padding, "erosion2d"))


__all__ = ["dilation2d", "erosion2d", "max_pool_with_argmax"]
