"""tf.nn-style convolution and pooling over NHWC (and NWC) tensors.

`conv2d`, `conv1d`, `max_pool2d`, `avg_pool2d`, `max_pool1d`, `avg_pool1d` follow
TensorFlow's signatures and argument conventions; `conv2d_bias_activation` and
`conv1d_bias_activation` are the fused ops Keras's Conv layers use (one native call for
convolution, bias and relu, with one backward rule). Every op records its gradient on
active `swiftdl.GradientTape`s.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import operator

import numpy as np

from .. import _C
from .._convert import asarray
from .._tensor import Tensor
from .._typing import ArrayLike, DTypeLike

# The engine's codes; the values match SDL_PADDING_*, SDL_CONV_ACTIVATION_* and SDL_POOL_* in
# swiftdl.h (Tests/python/test_nn_convolution.py checks that they agree).
PADDING_CODES = {"VALID": 0, "SAME": 1, "EXPLICIT": 2}
ACTIVATION_CODES = {"linear": 0, "relu": 1}
POOL_CODES = {"max": 0, "avg": 1}

_INT64_LIMIT = 2 ** 63


def _integer(value: Any, what: str, op: str) -> int:
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"[{op}] {what} must be integers; received {value!r}") from None
    if not -_INT64_LIMIT <= number < _INT64_LIMIT:
        raise ValueError(f"[{op}] {what} value {number} is out of range")
    return number


def _window_argument(value: Any, what: str, op: str, rank: int) -> tuple[int, ...]:
    """TensorFlow's int-or-list argument (strides, dilations, ksize) as `rank` spatial ints.

    A list may have 1 entry (every spatial axis), `rank` entries, or `rank + 2` entries whose
    batch and channel entries must be 1.
    """
    if value is None:
        return (1,) * rank
    if type(value) is tuple and len(value) == rank and all(type(v) is int and 0 < v < _INT64_LIMIT for v in value):
        return value  # already what the engine takes (Keras layers pass their own tuples)
    if isinstance(value, (list, tuple, np.ndarray)):
        values = [_integer(item, what, op) for item in (value.tolist() if isinstance(value, np.ndarray) else value)]
    else:
        values = [_integer(value, what, op)]
    if len(values) == 1:
        return tuple(values * rank)
    if len(values) == rank:
        return tuple(values)
    if len(values) == rank + 2:
        if values[0] != 1 or values[-1] != 1:
            raise ValueError(f"[{op}] {what} in the batch and channel dimensions must be 1; received {values}")
        return tuple(values[1:-1])
    raise ValueError(f"[{op}] {what} must be an int or a list of 1, {rank} or {rank + 2} ints; received {value!r}")


def _padding_argument(padding: str | Sequence[Any], op: str, rank: int) -> tuple[int, tuple[int, ...]]:
    """'VALID', 'SAME' (any case) or explicit [[0, 0], [before, after], ..., [0, 0]] pairs,
    as (engine code, flat (before, after) pads per spatial axis)."""
    zeros = (0,) * (2 * rank)
    if isinstance(padding, str):
        code = PADDING_CODES.get(padding.upper())
        if code is None or code == PADDING_CODES["EXPLICIT"]:
            raise ValueError(f"[{op}] padding must be 'VALID', 'SAME' or a list of explicit paddings; received {padding!r}")
        return code, zeros
    if isinstance(padding, (list, tuple, np.ndarray)):
        pairs = padding.tolist() if isinstance(padding, np.ndarray) else list(padding)
        if not all(isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in pairs) or len(pairs) not in (rank, rank + 2):
            raise ValueError(f"[{op}] explicit padding must be {rank + 2} pairs [before, after] (batch, spatial..., channels); "
                             f"received {padding!r}")
        pairs = [(_integer(a, "paddings", op), _integer(b, "paddings", op)) for a, b in pairs]
        if len(pairs) == rank + 2:
            if pairs[0] != (0, 0) or pairs[-1] != (0, 0):
                raise ValueError(f"[{op}] explicit padding in the batch and channel dimensions must be [0, 0]; received "
                                 f"{padding!r}")
            pairs = pairs[1:-1]
        return PADDING_CODES["EXPLICIT"], tuple(value for pair in pairs for value in pair)
    raise TypeError(f"[{op}] padding must be 'VALID', 'SAME' or a list of explicit paddings; received {padding!r}")


def _check_format(data_format: str | None, expected: str, op: str) -> None:
    if data_format is not None and data_format != expected:
        raise ValueError(f"[{op}] only data_format='{expected}' is supported; received {data_format!r}")


def _activation_code(activation: str | None, op: str) -> int:
    key = "linear" if activation is None else activation
    if key not in ACTIVATION_CODES:
        raise ValueError(f"[{op}] activation must be None, 'linear' or 'relu'; received {activation!r}")
    return ACTIVATION_CODES[key]


def _operands(input: ArrayLike, filters: ArrayLike,
              bias: ArrayLike | None = None) -> tuple[Tensor, Tensor, Tensor | None]:  # noqa: A002  (TensorFlow's argument name)
    """The input as a tensor; filters and bias given as plain Python values take its dtype."""
    x = asarray(input, copy=None)
    return x, _following(filters, x.dtype), _following(bias, x.dtype)


def _following(value: Any, dtype: DTypeLike) -> Any:
    """A filters or bias operand: tensors and numpy arrays keep their dtype (the engine
    checks it), plain Python values take the input's."""
    if value is None or isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return asarray(value, copy=None)
    return asarray(value, dtype=dtype, copy=None)


def conv2d(input: ArrayLike, filters: ArrayLike, strides: int | Sequence[int], padding: str | Sequence[Any],
           data_format: str | None = "NHWC", dilations: int | Sequence[int] | None = None,
           name: str | None = None) -> Tensor:  # noqa: A002
    """2-D convolution (tf.nn.conv2d): cross-correlation of NHWC input with HWIO filters.

    Args:
        input: (batch, height, width, in_channels), float32 or float64.
        filters: (filter_height, filter_width, in_channels, out_channels), the input's dtype.
        strides: an int or a list of 1, 2 or 4 ints (the 4-entry form is NHWC, with 1 for
            batch and channels).
        padding: "VALID", "SAME" (TensorFlow's arithmetic: output ceil(in / stride), the
            smaller half of the padding before), or explicit
            [[0, 0], [top, bottom], [left, right], [0, 0]].
        data_format: only "NHWC".
        dilations: an int or a list of 1, 2 or 4 ints; default 1.
        name: ignored (TensorFlow compatibility).

    Returns:
        (batch, out_height, out_width, out_channels).

    Raises:
        ValueError: wrong ranks, channel mismatch, strides or dilations below 1, or padding
            that leaves no output.
        TypeError: non-float or mismatched dtypes.
    """
    return conv2d_bias_activation(input, filters, None, strides, padding, dilations=dilations,
                                  data_format=data_format, _op="conv2d")


def conv2d_bias_activation(input: ArrayLike, filters: ArrayLike, bias: ArrayLike | None,  # noqa: A002
                           strides: int | Sequence[int] = 1, padding: str | Sequence[Any] = "VALID",
                           dilations: int | Sequence[int] | None = None, activation: str | None = None,
                           data_format: str | None = "NHWC", _op: str = "conv2d") -> Tensor:
    """activation(conv2d(input, filters) + bias) in one native call, with one backward rule.

    Args:
        input, filters, strides, padding, dilations, data_format: as for `conv2d`.
        bias: None or (out_channels,), the input's dtype.
        activation: None (or "linear") or "relu".

    Returns:
        (batch, out_height, out_width, out_channels).
    """
    _check_format(data_format, "NHWC", _op)
    x, w, b = _operands(input, filters, bias)
    code, pads = _padding_argument(padding, _op, 2)
    return _C.conv2d(x, w, b, _activation_code(activation, _op), _window_argument(strides, "strides", _op, 2),
                     _window_argument(dilations, "dilations", _op, 2), code, pads)


def conv1d(input: ArrayLike, filters: ArrayLike, stride: int | Sequence[int], padding: str | Sequence[Any],
           data_format: str | None = "NWC", dilations: int | Sequence[int] | None = None,
           name: str | None = None) -> Tensor:  # noqa: A002
    """1-D convolution (tf.nn.conv1d) of NWC input with (width, in, out) filters.

    Args:
        input: (batch, width, in_channels).
        filters: (filter_width, in_channels, out_channels).
        stride: an int or a list of 1 or 3 ints.
        padding: "VALID", "SAME", or explicit [[0, 0], [left, right], [0, 0]].
        data_format: only "NWC".
        dilations: an int or a list of 1 or 3 ints.
        name: ignored.

    Returns:
        (batch, out_width, out_channels).
    """
    return conv1d_bias_activation(input, filters, None, stride, padding, dilations=dilations,
                                  data_format=data_format, _op="conv1d")


def conv1d_bias_activation(input: ArrayLike, filters: ArrayLike, bias: ArrayLike | None,  # noqa: A002
                           stride: int | Sequence[int] = 1, padding: str | Sequence[Any] = "VALID",
                           dilations: int | Sequence[int] | None = None, activation: str | None = None,
                           data_format: str | None = "NWC", _op: str = "conv1d") -> Tensor:
    """activation(conv1d(input, filters) + bias) in one native call (for Keras's Conv1D)."""
    _check_format(data_format, "NWC", _op)
    x, w, b = _operands(input, filters, bias)
    code, pads = _padding_argument(padding, _op, 1)
    (step,) = _window_argument(stride, "strides", _op, 1)
    (dilation,) = _window_argument(dilations, "dilations", _op, 1)
    return _C.conv1d(x, w, b, _activation_code(activation, _op), step, dilation, code, pads)


def conv2d_pool(input: ArrayLike, filters: ArrayLike, bias: ArrayLike | None,  # noqa: A002
                strides: int | Sequence[int], padding: str | Sequence[Any], dilations: int | Sequence[int] | None,
                activation: str | None, pool: str, ksize: int | Sequence[int], pool_strides: int | Sequence[int],
                pool_padding: str | Sequence[Any]) -> Tensor:
    """pool(activation(conv2d(input, filters) + bias)) in one native call, the convolution's
    output pooled a few images at a time while it is in cache (Keras's Conv2D followed by
    MaxPooling2D or AveragePooling2D, as Sequential runs them). The same values as the two
    ops; under a tape, the same gradients (max pooling records one node that rebuilds the
    convolution's gradient in cache; average pooling runs the two ops).

    Args:
        input, filters, bias, strides, padding, dilations, activation: as for
            `conv2d_bias_activation`.
        pool: "max" or "avg".
        ksize, pool_strides, pool_padding: as for `max_pool2d` / `avg_pool2d`.
    """
    op = "conv2d_pool"
    x, w, b = _operands(input, filters, bias)
    code, pads = _padding_argument(padding, op, 2)
    pool_code, pool_pads = _padding_argument(pool_padding, op, 2)
    return _C.conv2d_pool(x, w, b, _activation_code(activation, op), _window_argument(strides, "strides", op, 2),
                          _window_argument(dilations, "dilations", op, 2), code, pads, POOL_CODES[pool],
                          _window_argument(ksize, "ksize", op, 2), _window_argument(pool_strides, "strides", op, 2),
                          pool_code, pool_pads)


def _pool2d(kind: str, op: str, input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int],
            padding: str | Sequence[Any], data_format: str | None) -> Tensor:  # noqa: A002
    _check_format(data_format, "NHWC", op)
    code, pads = _padding_argument(padding, op, 2)
    return _C.pool2d(POOL_CODES[kind], asarray(input, copy=None), _window_argument(ksize, "ksize", op, 2),
                     _window_argument(strides, "strides", op, 2), code, pads)


def _pool1d(kind: str, op: str, input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int],
            padding: str | Sequence[Any], data_format: str | None) -> Tensor:  # noqa: A002
    _check_format(data_format, "NWC", op)
    code, pads = _padding_argument(padding, op, 1)
    (size,) = _window_argument(ksize, "ksize", op, 1)
    (step,) = _window_argument(strides, "strides", op, 1)
    return _C.pool1d(POOL_CODES[kind], asarray(input, copy=None), size, step, code, pads)


def max_pool2d(input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str | Sequence[Any],
               data_format: str | None = "NHWC", name: str | None = None) -> Tensor:  # noqa: A002
    """2-D max pooling (tf.nn.max_pool2d) of NHWC input.

    Args:
        input: (batch, height, width, channels), float32 or float64.
        ksize, strides: an int or a list of 1, 2 or 4 ints.
        padding: "VALID", "SAME" or explicit pairs (each smaller than the window).
        data_format: only "NHWC".
        name: ignored.

    Returns:
        (batch, out_height, out_width, channels). The gradient of each window goes to its
        first maximum, as in TensorFlow.
    """
    return _pool2d("max", "max_pool2d", input, ksize, strides, padding, data_format)


def avg_pool2d(input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str | Sequence[Any],
               data_format: str | None = "NHWC", name: str | None = None) -> Tensor:  # noqa: A002
    """2-D average pooling (tf.nn.avg_pool2d) of NHWC input; with "SAME", each window is
    divided by the number of its positions inside the input, as in TensorFlow.

    Args:
        input: (batch, height, width, channels), float32 or float64.
        ksize, strides: an int or a list of 1, 2 or 4 ints.
        padding: "VALID" or "SAME".
        data_format: only "NHWC".
        name: ignored.
    """
    return _pool2d("avg", "avg_pool2d", input, ksize, strides, padding, data_format)


def max_pool1d(input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str | Sequence[Any],
               data_format: str | None = "NWC", name: str | None = None) -> Tensor:  # noqa: A002
    """1-D max pooling (tf.nn.max_pool1d) of NWC input; ksize and strides are an int or a
    list of 1 or 3 ints."""
    return _pool1d("max", "max_pool1d", input, ksize, strides, padding, data_format)


def avg_pool1d(input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str | Sequence[Any],
               data_format: str | None = "NWC", name: str | None = None) -> Tensor:  # noqa: A002
    """1-D average pooling (tf.nn.avg_pool1d) of NWC input; ksize and strides are an int or
    a list of 1 or 3 ints."""
    return _pool1d("avg", "avg_pool1d", input, ksize, strides, padding, data_format)


def max_pool(input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str | Sequence[Any],
             data_format: str | None = None, name: str | None = None) -> Tensor:  # noqa: A002
    """tf.nn.max_pool: max_pool1d or max_pool2d by the input's rank (3 or 4)."""
    return _by_rank("max_pool", input, ksize, strides, padding, data_format, max_pool1d, max_pool2d)


def avg_pool(input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str | Sequence[Any],
             data_format: str | None = None, name: str | None = None) -> Tensor:  # noqa: A002
    """tf.nn.avg_pool: avg_pool1d or avg_pool2d by the input's rank (3 or 4)."""
    return _by_rank("avg_pool", input, ksize, strides, padding, data_format, avg_pool1d, avg_pool2d)


def _by_rank(op: str, input: ArrayLike, ksize: int | Sequence[int], strides: int | Sequence[int], padding: str | Sequence[Any],
             data_format: str | None, one_d: Callable[..., Tensor], two_d: Callable[..., Tensor]) -> Tensor:  # noqa: A002
    x = asarray(input, copy=None)
    if x.ndim == 3:
        return one_d(x, ksize, strides, padding, data_format or "NWC")
    if x.ndim == 4:
        return two_d(x, ksize, strides, padding, data_format or "NHWC")
    raise ValueError(f"[{op}] input must be rank 3 (N, W, C) or 4 (N, H, W, C); received shape {tuple(x.shape)}")
