"""tf.image.draw_bounding_boxes: box outlines drawn with engine `where`, so the image keeps
its gradient where no box is drawn."""
import numpy as np

from .._creation import array
from .._tf_array import where
from ..errors import InvalidArgumentError, raises_tf_errors
from ._common import to_tensor


# TensorFlow's colours for draw_bounding_boxes without `colors` (RGBA, cycled over the boxes).
_DEFAULT_COLORS = [[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1], [0.5, 0.5, 0, 1],
                   [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]]


@raises_tf_errors
def draw_bounding_boxes(images, boxes, colors, name=None):
    """Draws the one-pixel outlines of boxes on images (tf.image.draw_bounding_boxes).

    Args:
        images: float (batch, height, width, depth), depth 1, 3 or 4.
        boxes: (batch, num_boxes, 4) as [y_min, x_min, y_max, x_max] in [0, 1].
        colors: (num_colors, channels) cycled over the boxes, or None for TensorFlow's
            table (white on grayscale images).

    Returns:
        The images with the outlines; a later box draws over an earlier one.
    """
    images, boxes = to_tensor(images), np.asarray(to_tensor(boxes)).astype(np.float32)
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4) or images.dtype.kind != "f":
        raise InvalidArgumentError(None, None, f"[draw_bounding_boxes] images must be float (batch, height, width, "
                                   f"depth) with depth 1, 3 or 4; received {images.dtype.name} {tuple(images.shape)}")
    batch, height, width, depth = images.shape
    if boxes.ndim != 3 or boxes.shape[0] != batch or boxes.shape[2] != 4:
        raise InvalidArgumentError(None, None, f"[draw_bounding_boxes] boxes must be (batch={batch}, num_boxes, 4); "
                                   f"received {boxes.shape}")
    table = np.array(_DEFAULT_COLORS, np.float32) if colors is None else np.asarray(to_tensor(colors), np.float32)
    if colors is None and depth == 1:
        table[:, 0] = 1.0
    if table.ndim != 2 or table.shape[0] == 0 or table.shape[1] < depth:
        raise InvalidArgumentError(None, None, f"[draw_bounding_boxes] colors must be (num_colors, >= {depth}); "
                                   f"received {table.shape}")
    # Rows and columns truncate toward zero, as TensorFlow's int64 conversion does.
    top, bottom = np.trunc(boxes[..., 0] * (height - 1)), np.trunc(boxes[..., 2] * (height - 1))
    left, right = np.trunc(boxes[..., 1] * (width - 1)), np.trunc(boxes[..., 3] * (width - 1))
    rows, columns = np.arange(height)[None, :, None], np.arange(width)[None, None, :]
    canvas = images
    for n in range(boxes.shape[1]):   # later boxes overwrite earlier ones, so one box at a time
        t, b, lo, r = (v[:, n, None, None] for v in (top, bottom, left, right))
        drawn = (t <= b) & (lo <= r) & (t < height) & (b >= 0) & (lo < width) & (r >= 0)
        across = (columns >= np.maximum(lo, 0)) & (columns <= np.minimum(r, width - 1))
        down = (rows >= np.maximum(t, 0)) & (rows <= np.minimum(b, height - 1))
        outline = (((rows == t) | (rows == b)) & across) | (((columns == lo) | (columns == r)) & down)
        mask = array((drawn & outline)[..., None])
        colour = array(table[n % table.shape[0], :depth].astype(images.dtype.name))
        canvas = where(mask, colour, canvas)
    return canvas
