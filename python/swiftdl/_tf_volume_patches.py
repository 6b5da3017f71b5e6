"""tf.extract_volume_patches: the kd×kh×kw patches of a 5-D (N, D, H, W, C) volume, each
flattened (depth, row, column, channel) into the last axis. One engine gather from
indices numpy works out, so gradients flow back to the input."""
import operator

import numpy as np

from . import _shape
from ._convert import TensorBase
from ._tf_array import pad
from ._tf_cast import convert_to_tensor
from .errors import InvalidArgumentError, raises_tf_errors


def _five(values, what):
    values = [operator.index(v) for v in values]
    if len(values) != 5 or values[0] != 1 or values[4] != 1 or min(values) < 1:
        raise InvalidArgumentError(None, None, f"[extract_volume_patches] {what} must be [1, d, h, w, 1] of positive "
                                   f"ints; received {values}")
    return values[1:4]


@raises_tf_errors
def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """(N, out_d, out_h, out_w, kd·kh·kw·C): the patches at `strides`, "VALID" (inside the
    volume) or "SAME" (zero padding split as TensorFlow's convolutions split it).

    Raises:
        InvalidArgumentError: for a non-5-D input, bad ksizes/strides or padding.
    """
    x = input if isinstance(input, TensorBase) else convert_to_tensor(input)
    if x.ndim != 5:
        raise InvalidArgumentError(None, None, f"[extract_volume_patches] input must be 5-D (N, D, H, W, C); received "
                                   f"shape {tuple(x.shape)}")
    kernel, step = _five(ksizes, "ksizes"), _five(strides, "strides")
    if padding not in ("VALID", "SAME"):
        raise InvalidArgumentError(None, None, f"[extract_volume_patches] padding must be 'VALID' or 'SAME'; received "
                                   f"{padding!r}")
    spatial = list(x.shape[1:4])
    if padding == "SAME":
        out = [-(-n // s) for n, s in zip(spatial, step)]
        totals = [max((o - 1) * s + k - n, 0) for o, s, k, n in zip(out, step, kernel, spatial)]
        widths = [[0, 0]] + [[t // 2, t - t // 2] for t in totals] + [[0, 0]]
        if any(t for t in totals):
            x = pad(x, widths)
        spatial = [n + t for n, t in zip(spatial, totals)]
    else:
        out = [(n - k) // s + 1 for n, k, s in zip(spatial, kernel, step)]
        if min(out) < 1:
            raise InvalidArgumentError(None, None, f"[extract_volume_patches] ksizes {kernel} exceed the volume "
                                       f"{spatial} with VALID padding")
    starts = [np.arange(o) * s for o, s in zip(out, step)]
    offsets = [np.arange(k) for k in kernel]
    positions = [s[:, None] + o[None, :] for s, o in zip(starts, offsets)]   # (out_i, k_i) per axis
    depth, row, col = positions
    flat_index = ((depth[:, None, None, :, None, None] * spatial[1] + row[None, :, None, None, :, None]) * spatial[2]
                  + col[None, None, :, None, None, :])          # (od, oh, ow, kd, kh, kw)
    channels = x.shape[4]
    flat = _shape.reshape(x, (x.shape[0], spatial[0] * spatial[1] * spatial[2], channels))
    taken = _shape.take(flat, convert_to_tensor(flat_index.reshape(-1).astype(np.int64)), axis=1)
    return _shape.reshape(taken, (x.shape[0], out[0], out[1], out[2], kernel[0] * kernel[1] * kernel[2] * channels))
