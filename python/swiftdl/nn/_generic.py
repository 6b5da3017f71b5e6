"""tf.nn's rank-generic convolution and pooling (convolution, pool), the atrous (dilated)
2-D forms, and the space-to-batch rearrangement TensorFlow builds dilated ops from
(space_to_batch, with_space_to_batch).

convolution and pool pick the 1-, 2- or 3-D op by the input's rank; channels-first data
formats are moved to channels-last and back. space_to_batch is a pad, a reshape and a
transpose, so gradients flow through it.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .. import _shape as shape_ops, _tf_array
from .._convert import asarray
from .._tensor import Tensor
from .._typing import ArrayLike
from ..errors import raises_tf_errors
from ._convolution import _window_argument, avg_pool1d, avg_pool2d, conv1d, conv2d, max_pool1d, max_pool2d
from ._transpose import conv2d_transpose
from ._volumetric import avg_pool3d, conv3d, max_pool3d

_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}
_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}


def _layout(x: Tensor, data_format: str | None, op: str) -> tuple[int, bool]:
    """(number of spatial axes, channels first?) of an input in `data_format`."""
    rank = x.ndim - 2
    if rank not in _LAST:
        raise ValueError(f"[{op}] input must have 1, 2 or 3 spatial axes (rank 3 to 5); received shape "
                         f"{tuple(x.shape)}")
    if data_format is None or data_format == _LAST[rank]:
        return rank, False
    if data_format == _FIRST[rank]:
        return rank, True
    raise ValueError(f"[{op}] data_format must be {_LAST[rank]!r} or {_FIRST[rank]!r} for input of rank {x.ndim}; "
                     f"received {data_format!r}")


def _spatial_list(value: Any, rank: int, first: bool, what: str, op: str) -> tuple[int, ...]:
    if first and isinstance(value, (list, tuple)) and len(value) == rank + 2:
        value = [value[0], *value[2:], value[1]]
    return _window_argument(value, what, op, rank)


@raises_tf_errors
def convolution(input: ArrayLike, filters: ArrayLike, strides: Any = None, padding: Any = "VALID",  # noqa: A002
                data_format: str | None = None, dilations: Any = None, name: str | None = None) -> Tensor:
    """N-D convolution for N = 1, 2, 3 (tf.nn.convolution), by the input's rank.

    Args:
        input: (batch, spatial..., in_channels), or channels first with data_format "NCW",
            "NCHW" or "NCDHW".
        filters: (spatial..., in_channels, out_channels).
        strides, dilations: an int or N ints; default 1.
        padding: "VALID", "SAME" (or explicit pairs for N = 1, 2).
        data_format: None (channels last) or TensorFlow's format string for the rank.
        name: ignored.
    """
    x = asarray(input, copy=None)
    rank, first = _layout(x, data_format, "convolution")
    if first:
        x = shape_ops.moveaxis(x, 1, -1)
    strides_n = _spatial_list(strides, rank, first, "strides", "convolution")
    dilations_n = _spatial_list(dilations, rank, first, "dilations", "convolution")
    if rank == 1:
        out = conv1d(x, filters, strides_n[0], padding, dilations=dilations_n[0])
    elif rank == 2:
        out = conv2d(x, filters, list(strides_n), padding, dilations=list(dilations_n))
    else:
        out = conv3d(x, filters, list(strides_n), padding, dilations=list(dilations_n))
    return shape_ops.moveaxis(out, -1, 1) if first else out


_POOLS = {("MAX", 1): max_pool1d, ("MAX", 2): max_pool2d, ("MAX", 3): max_pool3d,
          ("AVG", 1): avg_pool1d, ("AVG", 2): avg_pool2d, ("AVG", 3): avg_pool3d}


@raises_tf_errors
def pool(input: ArrayLike, window_shape: Sequence[int], pooling_type: str, strides: Any = None,  # noqa: A002
         padding: str = "VALID", data_format: str | None = None, dilations: Any = None,
         name: str | None = None) -> Tensor:
    """N-D max or average pooling for N = 1, 2, 3 (tf.nn.pool).

    Args:
        input: (batch, spatial..., channels) or channels first per `data_format`.
        window_shape: N ints.
        pooling_type: "MAX" or "AVG".
        strides: N ints; default 1. Must be 1 where any dilation is above 1.
        padding: "VALID" or "SAME" ("SAME" only without dilation, as in TensorFlow).
        data_format: None (channels last) or TensorFlow's format string for the rank.
        dilations: N ints; a dilated window samples every dilation-th position (run as
            TensorFlow does, through with_space_to_batch).
        name: ignored.
    """
    x = asarray(input, copy=None)
    rank, first = _layout(x, data_format, "pool")
    kind = str(pooling_type).upper()
    if kind not in ("MAX", "AVG"):
        raise ValueError(f"[pool] pooling_type must be 'MAX' or 'AVG'; received {pooling_type!r}")
    window = list(window_shape)
    if len(window) != rank:
        raise ValueError(f"[pool] window_shape must have {rank} entries for input of rank {x.ndim}; received "
                         f"{window_shape!r}")
    window_n = _window_argument(window, "window_shape", "pool", rank)
    strides_n = _window_argument(strides, "strides", "pool", rank)
    dilations_n = _window_argument(dilations, "dilations", "pool", rank)
    if any(d > 1 for d in dilations_n) and any(s > 1 for s in strides_n):
        raise ValueError("[pool] strides > 1 not supported in conjunction with dilation_rate > 1; received "
                         f"strides={list(strides_n)}, dilations={list(dilations_n)}")
    if any(d > 1 for d in dilations_n) and str(padding).upper() == "SAME":
        raise ValueError("[pool] pooling with 'SAME' padding is not implemented for dilation_rate > 1; received "
                         f"dilations={list(dilations_n)}")
    if first:
        x = shape_ops.moveaxis(x, 1, -1)
    function = _POOLS[(kind, rank)]

    def run(converted: Tensor, _: int, converted_padding: str) -> Tensor:
        if rank == 1:
            return function(converted, window_n[0], strides_n[0], converted_padding)
        return function(converted, list(window_n), list(strides_n), converted_padding)

    out = with_space_to_batch(x, list(dilations_n), padding, run, filter_shape=list(window_n))
    return shape_ops.moveaxis(out, -1, 1) if first else out


@raises_tf_errors
def atrous_conv2d(value: ArrayLike, filters: ArrayLike, rate: int, padding: str, name: str | None = None) -> Tensor:
    """2-D convolution with holes (tf.nn.atrous_conv2d): conv2d with dilations `rate`, stride 1.

    Raises:
        InvalidArgumentError: for rate below 1.
    """
    if int(rate) < 1:
        raise ValueError(f"[atrous_conv2d] rate must be at least 1; received {rate}")
    return conv2d(value, filters, 1, padding, dilations=int(rate))


@raises_tf_errors
def atrous_conv2d_transpose(value: ArrayLike, filters: ArrayLike, output_shape: Any, rate: int, padding: str,
                            name: str | None = None) -> Tensor:
    """The transpose of atrous_conv2d (tf.nn.atrous_conv2d_transpose): conv2d_transpose with
    dilations `rate` and stride 1. filters (h, w, out_channels, in_channels)."""
    if int(rate) < 1:
        raise ValueError(f"[atrous_conv2d_transpose] rate must be at least 1; received {rate}")
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(f"[atrous_conv2d_transpose] padding must be 'SAME' or 'VALID'; received {padding!r}")
    return conv2d_transpose(value, filters, output_shape, 1, padding.upper(), dilations=int(rate))


def _int_list(value: Any, what: str, op: str) -> list[int]:
    array = np.asarray(value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"[{op}] {what} must be integers; received {value!r}")
    return [int(v) for v in array.reshape(-1)]


@raises_tf_errors
def space_to_batch(input: ArrayLike, block_shape: Any, paddings: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Zero-pads the M spatial axes after the batch axis, then moves each block_shape block
    of them into the batch (tf.nn.space_to_batch, tf.space_to_batch_nd).

    Args:
        input: (batch, spatial (M axes)..., remaining...).
        block_shape: M ints, each at least 1.
        paddings: (M, 2) non-negative ints; each padded size must divide by its block.

    Returns:
        (batch · prod(block_shape), padded_i / block_i..., remaining...). The batch index is
        (block offsets..., original batch) in row-major order, as in TensorFlow.
    """
    x = asarray(input, copy=None)
    blocks = _int_list(block_shape, "block_shape", "space_to_batch")
    pads = np.asarray(_int_list(paddings, "paddings", "space_to_batch")).reshape(-1, 2) if blocks else np.zeros((0, 2))
    m = len(blocks)
    if pads.shape != (m, 2) or x.ndim < m + 1 or any(b < 1 for b in blocks) or (pads < 0).any():
        raise ValueError(f"[space_to_batch] needs block_shape of M >= 1 ints, paddings (M, 2) non-negative and input "
                         f"rank above M; received block_shape {blocks}, paddings {pads.tolist()}, input shape "
                         f"{tuple(x.shape)}")
    padded = [x.shape[1 + i] + int(pads[i, 0]) + int(pads[i, 1]) for i in range(m)]
    if any(p % b for p, b in zip(padded, blocks)):
        raise ValueError(f"[space_to_batch] padded spatial sizes {padded} must divide by block_shape {blocks}")
    width = [[0, 0]] + [[int(a), int(b)] for a, b in pads] + [[0, 0]] * (x.ndim - 1 - m)
    if any(a or b for a, b in width):
        x = _tf_array.pad(x, width)
    batch, rest = x.shape[0], tuple(x.shape[1 + m:])
    split = [batch] + [v for p, b in zip(padded, blocks) for v in (p // b, b)] + list(rest)
    x = shape_ops.reshape(x, split)
    order = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(range(1 + 2 * m, len(split)))
    x = shape_ops.transpose(x, order)
    return shape_ops.reshape(x, [batch * int(np.prod(blocks))] + [p // b for p, b in zip(padded, blocks)] + list(rest))


def batch_to_space(input: ArrayLike, block_shape: Any, crops: Any) -> Tensor:  # noqa: A002
    """The inverse of space_to_batch (tf.batch_to_space): blocks of the batch back into the
    M spatial axes, then `crops` (M, 2) removed from their ends."""
    x = asarray(input, copy=None)
    blocks = _int_list(block_shape, "block_shape", "batch_to_space")
    cuts = np.asarray(_int_list(crops, "crops", "batch_to_space")).reshape(-1, 2)
    m, total = len(blocks), int(np.prod(blocks))
    if cuts.shape != (m, 2) or x.ndim < m + 1 or x.shape[0] % total or (cuts < 0).any():
        raise ValueError(f"[batch_to_space] needs a batch divisible by prod(block_shape) and crops (M, 2) "
                         f"non-negative; received input shape {tuple(x.shape)}, block_shape {blocks}, crops "
                         f"{cuts.tolist()}")
    batch, spatial, rest = x.shape[0] // total, list(x.shape[1:1 + m]), list(x.shape[1 + m:])
    x = shape_ops.reshape(x, blocks + [batch] + spatial + rest)
    order = [m] + [v for i in range(m) for v in (m + 1 + i, i)] + list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    x = shape_ops.transpose(x, order)
    x = shape_ops.reshape(x, [batch] + [s * b for s, b in zip(spatial, blocks)] + rest)
    index = (slice(None),) + tuple(slice(int(a), s * b - int(c)) for (a, c), s, b in zip(cuts, spatial, blocks))
    return x[index]


@raises_tf_errors
def with_space_to_batch(input: ArrayLike, dilation_rate: Any, padding: str,  # noqa: A002
                        op: Callable[[Tensor, int, str], Tensor], filter_shape: Any = None,
                        spatial_dims: Any = None, data_format: str | None = None) -> Tensor:
    """Runs `op(converted_input, num_spatial_dims, padding)` on a dilated problem as an
    undilated one (tf.nn.with_space_to_batch): space_to_batch by `dilation_rate` (padding
    for "SAME" computed from `filter_shape`), `op` with "VALID", batch_to_space back.

    Args:
        input: the tensor `op` takes.
        dilation_rate: N ints, each at least 1; all 1 calls `op(input, N, padding)` directly.
        padding: "VALID" or "SAME".
        op: a function of (input, num_spatial_dims, padding).
        filter_shape: N ints; required for "SAME".
        spatial_dims: N increasing axes; default the N after the batch axis (after the channel
            axis for "NC..." data formats).
        data_format: only consulted for the default spatial_dims.
    """
    x = asarray(input, copy=None)
    rates = _int_list(dilation_rate, "dilation_rate", "with_space_to_batch")
    n = len(rates)
    if n == 0 or any(r < 1 for r in rates):
        raise ValueError(f"[with_space_to_batch] dilation_rate must be N >= 1 positive ints; received {dilation_rate!r}")
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(f"[with_space_to_batch] padding must be 'SAME' or 'VALID'; received {padding!r}")
    padding = padding.upper()
    if all(r == 1 for r in rates):
        return op(x, n, padding)
    if spatial_dims is None:
        start = 2 if data_format is not None and data_format.startswith("NC") else 1
        dims = list(range(start, start + n))
    else:
        dims = [int(d) for d in spatial_dims]
    if len(dims) != n or dims != sorted(set(dims)) or dims[0] < 1 or dims[-1] >= x.ndim:
        raise ValueError(f"[with_space_to_batch] spatial_dims must be {n} increasing axes after the batch axis; "
                         f"received {spatial_dims!r}")
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("[with_space_to_batch] filter_shape must be given for padding 'SAME'")
        extra = [(f - 1) * r for f, r in zip(_int_list(filter_shape, "filter_shape", "with_space_to_batch"), rates)]
        base = [(e // 2, e - e // 2) for e in extra]
    else:
        base = [(0, 0)] * n
    # TensorFlow's required_space_to_batch_paddings: pad the ends up to a multiple of the rate,
    # crop that extra back off afterwards.
    block, pads, crops = [], [], []
    for axis in range(1, dims[-1] + 1):
        if axis in dims:
            i = dims.index(axis)
            full = x.shape[axis] + base[i][0] + base[i][1]
            extra_end = (rates[i] - full % rates[i]) % rates[i]
            block.append(rates[i])
            pads.append([base[i][0], base[i][1] + extra_end])
            crops.append([0, extra_end])
        else:
            block.append(1)
            pads.append([0, 0])
            crops.append([0, 0])
    converted = space_to_batch(x, block, pads)
    result = op(converted, n, "VALID")
    return batch_to_space(result, block, crops)


__all__ = ["atrous_conv2d", "atrous_conv2d_transpose", "batch_to_space", "convolution", "pool", "space_to_batch",
           "with_space_to_batch"]
