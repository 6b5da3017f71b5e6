"""keras.ops depth_to_space and space_to_depth: block rearrangements as reshape + transpose,
in Keras's channel orders: (block row, block column, channel) for channels_last, (channel,
block row, block column) for channels_first (PyTorch's pixel shuffle)."""
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
    first = data_format == "channels_first"
    n, c, h, w = x.shape if first else (x.shape[0], x.shape[3], x.shape[1], x.shape[2])
    if c % (b * b):
        raise ValueError(f"[depth_to_space] channels ({c}) must be divisible by block_size² ({b * b})")
    depth = c // (b * b)
    if first:
        blocks = sd.transpose(sd.reshape(x, (n, depth, b, b, h, w)), (0, 1, 4, 2, 5, 3))
        return sd.reshape(blocks, (n, depth, h * b, w * b))
    blocks = sd.transpose(sd.reshape(x, (n, h, w, b, b, depth)), (0, 1, 3, 2, 4, 5))
    return sd.reshape(blocks, (n, h * b, w * b, depth))


def space_to_depth(x, block_size, data_format="channels_last"):
    """(N, H·b, W·b, C) → (N, H, W, C·b²)."""
    data_format = _format(data_format)
    x = tensor(x)
    b = operator.index(block_size)
    if x.ndim != 4 or b < 2:
        raise ValueError(f"[space_to_depth] needs a 4-D tensor and block_size >= 2; received shape "
                         f"{tuple(x.shape)}, block_size={block_size}")
    first = data_format == "channels_first"
    n, c, h, w = x.shape if first else (x.shape[0], x.shape[3], x.shape[1], x.shape[2])
    if h % b or w % b:
        raise ValueError(f"[space_to_depth] height and width ({h}, {w}) must be divisible by block_size ({b})")
    if first:
        blocks = sd.transpose(sd.reshape(x, (n, c, h // b, b, w // b, b)), (0, 1, 3, 5, 2, 4))
        return sd.reshape(blocks, (n, c * b * b, h // b, w // b))
    blocks = sd.transpose(sd.reshape(x, (n, h // b, b, w // b, b, c)), (0, 1, 3, 2, 4, 5))
    return sd.reshape(blocks, (n, h // b, w // b, b * b * c))
