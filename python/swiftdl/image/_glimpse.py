"""tf.image.extract_glimpse: windows of one size at per-image offsets, the part outside
the image filled with zeros or noise, as TensorFlow's ExtractGlimpseV2 places them.

Where each output pixel comes from is decided on the host from the offsets (integers, by
TensorFlow's arithmetic, including its truncation toward zero); the pixels are one gather
and one `where`, so the input gets gradients."""
import numpy as np

from .. import _ops, _shape
from .._creation import array
from .._tf_array import where
from .._tf_random import normal, uniform
from ..errors import InvalidArgumentError, raises_tf_errors
from ._common import to_tensor


def _sources(offset, window, extent):
    """Per output position along one axis: the input position and whether it is copied."""
    start = int(offset)                      # (Index) x: truncation toward zero
    position = np.arange(window)
    if start < 0:
        visible = max(0, window + start)
        base, count, first = window - visible, min(extent, visible), 0
    elif start + window >= extent:
        base, count, first = 0, min(extent, max(0, extent - start)), start
    else:
        base, count, first = 0, window, start
    copied = (position >= base) & (position < base + count)
    return np.clip(position - base + first, 0, extent - 1), copied


@raises_tf_errors
def extract_glimpse(input, size, offsets, centered=True, normalized=True, noise="uniform", name=None):  # noqa: A002
    """Extracts a (height, width) window from each image (tf.image.extract_glimpse).

    Args:
        input: float (batch, height, width, channels).
        size: (glimpse_height, glimpse_width).
        offsets: (batch, 2) as (y, x): the window's centre relative to the image centre in
            [-1, 1] (centered and normalized), its top-left corner in [0, 1] (normalized),
            or pixels (centered: from the centre; otherwise from the top-left corner).
        noise: what fills the window outside the image: 'uniform' (between the image's
            minimum and maximum), 'gaussian' (each channel's mean and deviation, clipped to
            its range) or 'zero'. The noise comes from swiftdl's generator.

    Returns:
        (batch, glimpse_height, glimpse_width, channels).

    Raises:
        InvalidArgumentError: for bad shapes or a bad noise name.
    """
    images = to_tensor(input)
    places = np.asarray(to_tensor(offsets), np.float32)
    window = [int(v) for v in np.asarray(to_tensor(size)).reshape(-1)]
    if images.ndim != 4 or images.dtype.kind != "f":
        raise InvalidArgumentError(None, None, f"[extract_glimpse] input must be float (batch, height, width, "
                                   f"channels); received {images.dtype.name} {tuple(images.shape)}")
    batch, height, width, channels = images.shape
    if len(window) != 2 or min(window) <= 0 or places.shape != (batch, 2):
        raise InvalidArgumentError(None, None, f"[extract_glimpse] size must be 2 positive integers and offsets "
                                   f"(batch={batch}, 2); received {window} and {places.shape}")
    if noise not in ("uniform", "gaussian", "zero", ""):
        raise InvalidArgumentError(None, None, f"[extract_glimpse] noise must be 'uniform', 'gaussian' or 'zero'; "
                                   f"received {noise!r}")
    glimpse_height, glimpse_width = window
    rows, columns, copied = [], [], []
    for y, x in places:   # a few integers per image
        y, x = np.float32(y), np.float32(x)
        if normalized:
            y, x = y * np.float32(height), x * np.float32(width)
            if centered:
                y = y / np.float32(2) + np.float32(height / 2.0) - np.float32(glimpse_height / 2.0)
                x = x / np.float32(2) + np.float32(width / 2.0) - np.float32(glimpse_width / 2.0)
        elif centered:
            y, x = y + np.float32(height / 2.0), x + np.float32(width / 2.0)
        row, row_copied = _sources(y, glimpse_height, height)
        column, column_copied = _sources(x, glimpse_width, width)
        rows.append(row)
        columns.append(column)
        copied.append(row_copied[:, None] & column_copied[None, :])
    index = (np.arange(batch)[:, None, None] * height * width + np.stack(rows)[:, :, None] * width
             + np.stack(columns)[:, None, :])
    flat = _shape.reshape(images, (batch * height * width, channels))
    glimpse = _shape.reshape(_shape.take(flat, array(index.reshape(-1)), axis=0),
                             (batch, glimpse_height, glimpse_width, channels))
    inside = array(np.stack(copied)[..., None])
    shape = (batch, glimpse_height, glimpse_width, channels)
    if noise == "zero":
        fill = _ops.multiply(glimpse, 0.0)
    elif noise == "gaussian":
        mean = _ops.mean(images, axis=(1, 2), keepdims=True)
        sigma = _ops.sqrt(_ops.mean(_ops.square(images - mean), axis=(1, 2), keepdims=True))
        fill = mean + normal(shape, dtype=images.dtype.name) * sigma
        fill = _ops.minimum(_ops.maximum(fill, _ops.min(images, axis=(1, 2), keepdims=True)),
                            _ops.max(images, axis=(1, 2), keepdims=True))
    else:
        low = _ops.min(images, axis=(1, 2, 3), keepdims=True)
        fill = low + uniform(shape, dtype=images.dtype.name) * (_ops.max(images, axis=(1, 2, 3), keepdims=True) - low)
    return where(inside, glimpse, fill)
