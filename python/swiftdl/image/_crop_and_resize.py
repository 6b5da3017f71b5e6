"""tf.image.crop_and_resize: boxes cut from a batch of images and resampled to one size,
as four gathers and a blend (bilinear) or one gather (nearest), so gradients reach the
image. The sample positions depend only on the boxes, so they are computed on the host in
float32 as TensorFlow's kernel computes them; the boxes get no gradient."""
import numpy as np

from .. import _shape
from .._creation import array
from .._tf_array import where
from ..errors import InvalidArgumentError, raises_tf_errors
from ._common import to_tensor


def _positions(low, high, size, extent):
    """Sample positions (num_boxes, size) along one axis and whether each is inside."""
    low, high = low.astype(np.float32)[:, None], high.astype(np.float32)[:, None]
    last = np.float32(extent - 1)
    if size > 1:
        step = (high - low) * last / np.float32(size - 1)
        position = low * last + np.arange(size, dtype=np.float32)[None, :] * step
    else:
        position = np.broadcast_to(np.float32(0.5) * (low + high) * last, (low.shape[0], 1))
    return position, (position >= 0) & (position <= last)


@raises_tf_errors
def crop_and_resize(image, boxes, box_indices, crop_size, method="bilinear", extrapolation_value=0.0, name=None):
    """Crops boxes from images and resizes each crop to crop_size (tf.image.crop_and_resize).

    Args:
        image: (batch, height, width, depth).
        boxes: (num_boxes, 4) as normalised [y1, x1, y2, x2]; y1 > y2 flips the crop.
        box_indices: (num_boxes,) the image of each box, in [0, batch).
        crop_size: (crop_height, crop_width), both positive.
        method: 'bilinear' or 'nearest'.
        extrapolation_value: the value of samples outside the image.

    Returns:
        float32 (num_boxes, crop_height, crop_width, depth).

    Raises:
        InvalidArgumentError: for bad shapes, sizes or box indices.
    """
    image = to_tensor(image)
    boxes = np.asarray(to_tensor(boxes)).astype(np.float32)
    indices = np.asarray(to_tensor(box_indices)).astype(np.int64)
    size = np.asarray(crop_size.numpy() if hasattr(crop_size, "numpy") else crop_size).reshape(-1)
    op = "crop_and_resize"
    if image.ndim != 4:
        raise InvalidArgumentError(None, None, f"[{op}] image must be 4-D (batch, height, width, depth); received "
                                   f"shape {tuple(image.shape)}")
    batch, height, width, depth = image.shape
    if boxes.ndim != 2 or boxes.shape[1] != 4 or indices.shape != (boxes.shape[0],):
        raise InvalidArgumentError(None, None, f"[{op}] boxes must be (num_boxes, 4) and box_indices (num_boxes,); "
                                   f"received {boxes.shape} and {indices.shape}")
    if indices.size and (indices.min() < 0 or indices.max() >= batch):
        raise InvalidArgumentError(None, None, f"[{op}] box_indices has values outside [0, {batch}); received "
                                   f"{indices.tolist()}")
    if size.shape != (2,) or size.dtype.kind not in "iu" or size.min() <= 0:
        raise InvalidArgumentError(None, None, f"[{op}] crop_size must be 2 positive integers; received {crop_size!r}")
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"[{op}] method must be 'bilinear' or 'nearest'; received {method!r}")
    crop_height, crop_width = int(size[0]), int(size[1])
    y, y_inside = _positions(boxes[:, 0], boxes[:, 2], crop_height, height)
    x, x_inside = _positions(boxes[:, 1], boxes[:, 3], crop_width, width)
    flat = _shape.reshape(image.astype("float32"), (batch * height * width, depth))
    base = (indices * height * width)[:, None, None]

    def gather(rows, columns):
        rows = np.clip(rows, 0, height - 1).astype(np.int64)[:, :, None]
        columns = np.clip(columns, 0, width - 1).astype(np.int64)[:, None, :]
        where_ = (base + rows * width + columns).reshape(-1)
        return _shape.reshape(_shape.take(flat, array(where_), axis=0), (len(boxes), crop_height, crop_width, depth))

    if method == "nearest":
        # roundf: halves away from zero
        out = gather(np.floor(y + np.float32(0.5)), np.floor(x + np.float32(0.5)))
    else:
        top, left = np.floor(y), np.floor(x)
        y_lerp = array((y - top)[:, :, None, None])
        x_lerp = array((x - left)[:, None, :, None])
        bottom, right = np.ceil(y), np.ceil(x)
        upper = gather(top, left) + (gather(top, right) - gather(top, left)) * x_lerp
        lower = gather(bottom, left) + (gather(bottom, right) - gather(bottom, left)) * x_lerp
        out = upper + (lower - upper) * y_lerp
    inside = array((y_inside[:, :, None] & x_inside[:, None, :])[..., None])
    return where(inside, out, array(np.float32(extrapolation_value)))
