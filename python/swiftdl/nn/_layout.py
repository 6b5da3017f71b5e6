"""tf.nn ops that only move or combine values: bias_add, crelu, depth_to_space, space_to_depth."""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Optional

import swiftdl as sd

from .._typing import ArrayLike

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["bias_add", "crelu", "depth_to_space", "space_to_depth"]

def bias_add(value: ArrayLike, bias: ArrayLike, data_format: Optional[str] = None,
             name: Optional[str] = None) -> Tensor:
    """`value + bias` where the 1-D `bias` runs along the channel axis: the last one, or axis 1
    for channels-first formats ("NCHW", "NCW", "NCDHW")."""
    value = sd.asarray(value)
    bias = sd.asarray(bias, dtype=value.dtype)
    if bias.ndim != 1:
        raise ValueError(f"bias must be 1-D; received shape {tuple(bias.shape)}")
    if data_format is not None and not (isinstance(data_format, str) and data_format.startswith("N")):
        raise ValueError(f"data_format must start with 'N' (e.g. 'NHWC', 'NCHW'); received {data_format!r}")
    first = data_format is not None and data_format.startswith("NC")
    if value.ndim < 2:
        raise ValueError(f"value must have rank >= 2; received shape {tuple(value.shape)}")
    channels = value.shape[1] if first else value.shape[-1]
    if bias.shape[0] != channels:
        raise ValueError(f"bias has {bias.shape[0]} entries but value has {channels} channels")
    if first:
        bias = sd.reshape(bias, (channels,) + (1,) * (value.ndim - 2))
    return value + bias


def crelu(features: ArrayLike, axis: int = -1, name: Optional[str] = None) -> Tensor:
    """Concatenated ReLU: relu(x) and relu(-x) side by side along `axis` (which doubles)."""
    features = sd.asarray(features)
    return sd.concatenate([sd.nn.relu(features), sd.nn.relu(-features)], axis=operator.index(axis))


def _keras_format(data_format: str) -> str:
    if data_format == "NHWC":
        return "channels_last"
    if data_format == "NCHW":
        return "channels_first"
    raise ValueError(f"data_format must be 'NHWC' or 'NCHW'; received {data_format!r}")


def depth_to_space(input: ArrayLike, block_size: int, data_format: str = "NHWC",
                   name: Optional[str] = None) -> Tensor:  # noqa: A002
    """Moves channel blocks into spatial blocks: (N, H, W, C·b²) → (N, H·b, W·b, C)."""
    from ..keras import ops
    return ops.depth_to_space(input, block_size, data_format=_keras_format(data_format))


def space_to_depth(input: ArrayLike, block_size: int, data_format: str = "NHWC",
                   name: Optional[str] = None) -> Tensor:  # noqa: A002
    """Moves spatial blocks into channels: (N, H·b, W·b, C) → (N, H, W, C·b²)."""
    from ..keras import ops
    return ops.space_to_depth(input, block_size, data_format=_keras_format(data_format))
