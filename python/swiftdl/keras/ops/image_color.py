"""keras.ops.image colour conversions: rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb (dm_pix's
formulas, as Keras uses), elementwise engine ops."""
import numpy as np

import swiftdl as sd

from ._convert import tensor
from .image_common import check_rank, compute_dtype, data_format_of


def _channel_axis(images, data_format):
    return -1 if data_format_of(data_format) == "channels_last" else -3


def rgb_to_grayscale(images, data_format=None):
    """0.2989 R + 0.5870 G + 0.1140 B, keeping a channel axis of size 1 and the dtype."""
    images = tensor(images)
    check_rank(images, "rgb_to_grayscale")
    axis = _channel_axis(images, data_format)
    if images.shape[axis] not in (1, 3):
        raise ValueError(f"[rgb_to_grayscale] Invalid channel size: expected 3 (RGB) or 1 (Grayscale). Received "
                         f"input with shape: images.shape={tuple(images.shape)}")
    if images.shape[axis] == 1:
        return sd.asarray(images, copy=True)
    x = images.astype(compute_dtype(images.dtype))
    weights = sd.asarray([0.2989, 0.5870, 0.1140], dtype=x.dtype.name)
    moved = sd.moveaxis(x, axis, -1)
    gray = sd.matmul(moved, sd.reshape(weights, (3, 1)))
    return sd.moveaxis(gray, -1, axis).astype(images.dtype)


def _planes(images, axis, op):
    if images.dtype.kind != "f":
        raise ValueError(f"[{op}] Invalid images dtype: expected float dtype. Received: images.dtype={images.dtype}")
    if images.shape[axis] != 3:
        raise ValueError(f"[{op}] expects 3 channels; received shape {tuple(images.shape)}")
    moved = sd.moveaxis(images, axis, -1)
    return moved[..., 0], moved[..., 1], moved[..., 2]


def rgb_to_hsv(images, data_format=None):
    """RGB in [0, 1] to hue, saturation, value in [0, 1]."""
    images = tensor(images)
    check_rank(images, "rgb_to_hsv")
    axis = _channel_axis(images, data_format)
    eps = float(np.finfo(images.dtype).eps) if images.dtype.kind == "f" else 0.0
    red, green, blue = _planes(sd.where(sd.less(sd.absolute(images), eps), sd.zeros((), images.dtype), images)
                               if images.dtype.kind == "f" else images, axis, "rgb_to_hsv")
    value = sd.maximum(sd.maximum(red, green), blue)
    spread = value - sd.minimum(sd.minimum(red, green), blue)
    one, zero = sd.ones((), images.dtype), sd.zeros((), images.dtype)
    safe_value = sd.where(sd.greater(value, 0.0), value, one)
    safe_spread = sd.where(sd.greater(spread, 0.0), spread, one)
    saturation = sd.where(sd.greater(value, 0.0), spread / safe_value, zero)
    norm = 1.0 / (6.0 * safe_spread)
    hue = sd.where(sd.equal(value, green), norm * (blue - red) + 2.0 / 6.0, norm * (red - green) + 4.0 / 6.0)
    hue = sd.where(sd.equal(value, red), norm * (green - blue), hue)
    hue = sd.where(sd.greater(spread, 0.0), hue, zero) + sd.less(hue, 0.0).astype(images.dtype)
    return sd.moveaxis(sd.stack([hue, saturation, value], axis=-1), -1, axis)


def hsv_to_rgb(images, data_format=None):
    """Hue, saturation, value in [0, 1] to RGB."""
    images = tensor(images)
    check_rank(images, "hsv_to_rgb")
    axis = _channel_axis(images, data_format)
    hue, saturation, value = _planes(images, axis, "hsv_to_rgb")
    dh = sd.remainder(hue, 1.0) * 6.0

    def clip(t):
        return sd.minimum(sd.maximum(t, 0.0), 1.0)

    dr = clip(sd.absolute(dh - 3.0) - 1.0)
    dg = clip(2.0 - sd.absolute(dh - 2.0))
    db = clip(2.0 - sd.absolute(dh - 4.0))
    rest = 1.0 - saturation
    planes = [value * (rest + saturation * d) for d in (dr, dg, db)]
    return sd.moveaxis(sd.stack(planes, axis=-1), -1, axis)
