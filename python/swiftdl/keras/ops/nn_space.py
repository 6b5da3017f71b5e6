"""keras.ops depth_to_space and space_to_depth: block rearrangements as reshape + transpose
(TensorFlow's channel order, DCR)."""
import operator

import swiftdl as sd

from ._convert import tensor
from .nn_conv import _format


def depth_to_space(x, block_size, data_format="channels_last"):
    """(N, H, W, C·b²) → (N, H·b, W·b, C)."""
    data_format = _format(data_format)
    x = tensor(x)
    b = operator.index(block_size)
    if x.ndim != 4 or b < 2:
        raise ValueError(f"[depth_to_space] needs a 4-D tensor and block_size >= 2; received shape "
                         f"{tuple(x.shape)}, block_size={block_size}")
    if data_format == "channels_first":
        x = sd.transpose(x, (0, 2, 3, 1))
    n, h, w, c = x.shape
    if c % (b * b):
        raise ValueError(f"[depth_to_space] channels ({c}) must be divisible by block_size² ({b * b})")
    out = sd.reshape(sd.transpose(sd.reshape(x, (n, h, w, b, b, c // (b * b))), (0, 1, 3, 2, 4, 5)),
                     (n, h * b, w * b, c // (b * b)))
    return sd.transpose(out, (0, 3, 1, 2)) if data_format == "channels_first" else out


def space_to_depth(x, block_size, data_format="channels_last"):
    """(N, H·b, W·b, C) → (N, H, W, C·b²)."""
    data_format = _format(data_format)
    x = tensor(x)
    b = operator.index(block_size)
    if x.ndim != 4 or b < 2:
        raise ValueError(f"[space_to_depth] needs a 4-D tensor and block_size >= 2; received shape "
                         f"{tuple(x.shape)}, block_size={block_size}")
    if data_format == "channels_first":
        x = sd.transpose(x, (0, 2, 3, 1))
    n, h, w, c = x.shape
    if h % b or w % b:
        raise ValueError(f"[space_to_depth] height and width ({h}, {w}) must be divisible by block_size ({b})")
    out = sd.reshape(sd.transpose(sd.reshape(x, (n, h // b, b, w // b, b, c)), (0, 1, 3, 2, 4, 5)),
                     (n, h // b, w // b, b * b * c))
    return sd.transpose(out, (0, 3, 1, 2)) if data_format == "channels_first" else out
