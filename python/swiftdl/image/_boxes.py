"""tf.image.non_max_suppression, _with_scores (hard and soft NMS) and _padded, and
draw_bounding_boxes.

The overlaps are one vectorised engine computation (every pair's IoU); the greedy choice
that follows is sequential by definition (each pick depends on the previous ones), so it
runs on the host over that matrix, at most max_output_size steps, with TensorFlow's order
(higher score first, the lower index among equal scores)."""
import operator

import numpy as np

from .. import _ops, _shape
from .._creation import array
from .._tf_array import where
from ..errors import InvalidArgumentError, raises_tf_errors
from ._common import to_tensor


def _iou(boxes, per_box_corners=True):
    """(n, n) intersection over union of boxes [y1, x1, y2, x2]. With per_box_corners each
    box may give its corners in either order and empty boxes overlap nothing (the NMS
    kernels); without, the coordinates are taken as [y_min, x_min, y_max, x_max] and the
    union gets 1e-8 (non_max_suppression_padded's formula)."""
    y1, x1, y2, x2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    if per_box_corners:
        y1, y2 = _ops.minimum(y1, y2), _ops.maximum(y1, y2)
        x1, x2 = _ops.minimum(x1, x2), _ops.maximum(x1, x2)
    area = (y2 - y1) * (x2 - x1)

    def column(t):
        return _shape.reshape(t, (-1, 1))

    height = _ops.maximum(_ops.minimum(column(y2), y2) - _ops.maximum(column(y1), y1), 0.0)
    width = _ops.maximum(_ops.minimum(column(x2), x2) - _ops.maximum(column(x1), x1), 0.0)
    intersection = height * width
    union = column(area) + area - intersection
    if not per_box_corners:
        return intersection / (union + 1e-8)
    empty = _ops.logical_or(_ops.less_equal(column(area), 0.0), _ops.less_equal(area, 0.0))
    return where(empty, _ops.multiply(intersection, 0.0), intersection / where(empty, _ops.add(union, 1.0), union))


def _check(boxes, scores, max_output_size, op):
    boxes, scores = to_tensor(boxes), to_tensor(scores)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise InvalidArgumentError(None, None, f"[{op}] boxes must be 2-D [num_boxes, 4]; received shape "
                                   f"{tuple(boxes.shape)}")
    if scores.ndim != 1 or scores.shape[0] != boxes.shape[0]:
        raise InvalidArgumentError(None, None, f"[{op}] scores must be 1-D [num_boxes] matching boxes; received "
                                   f"shape {tuple(scores.shape)} for {boxes.shape[0]} boxes")
    max_output_size = operator.index(max_output_size)
    if max_output_size < 0:
        raise InvalidArgumentError(None, None, f"[{op}] max_output_size must be non-negative; received "
                                   f"{max_output_size}")
    return boxes.astype("float32"), scores.astype("float32"), max_output_size


def _select(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma, per_box_corners=True):
    """(indices, their scores after soft decay) of the greedy NMS."""
    overlaps = np.asarray(_iou(boxes, per_box_corners)) if boxes.shape[0] else np.zeros((0, 0), np.float32)
    current = np.asarray(scores).astype(np.float32).copy()
    alive = current > score_threshold
    scale = -0.5 / soft_nms_sigma if soft_nms_sigma > 0 else 0.0
    chosen, chosen_scores = [], []
    while len(chosen) < max_output_size and alive.any():
        best = int(np.argmax(np.where(alive, current, -np.inf)))
        chosen.append(best)
        chosen_scores.append(current[best])
        alive[best] = False
        row = overlaps[best]
        if scale:
            # Soft-NMS decays every overlap, iou_threshold no longer applies (as in TensorFlow).
            current = current * np.exp(np.float32(scale) * row * row).astype(np.float32)
            alive &= current > score_threshold
        else:
            alive &= row <= iou_threshold
    return (array(np.asarray(chosen, np.int32)), array(np.asarray(chosen_scores, np.float32)))


@raises_tf_errors
def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"), name=None):
    """Indices (int32) of at most max_output_size boxes, by decreasing score, none
    overlapping a chosen one by IoU > iou_threshold, each scoring > score_threshold
    (tf.image.non_max_suppression).

    Args:
        boxes: (num_boxes, 4) as [y1, x1, y2, x2].
        scores: (num_boxes,).
        max_output_size: the most boxes to keep.
        iou_threshold: overlaps above it suppress.
        score_threshold: boxes scoring at or below it are dropped.

    Raises:
        InvalidArgumentError: for bad shapes or a threshold outside [0, 1].
    """
    boxes, scores, max_output_size = _check(boxes, scores, max_output_size, "non_max_suppression")
    if not 0.0 <= iou_threshold <= 1.0:
        raise InvalidArgumentError(None, None, f"[non_max_suppression] iou_threshold must be in [0, 1]; received "
                                   f"{iou_threshold}")
    return _select(boxes, scores, max_output_size, iou_threshold, score_threshold, 0.0)[0]


@raises_tf_errors
def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                                    soft_nms_sigma=0.0, name=None):
    """(selected_indices, selected_scores) of non-maximum suppression; with soft_nms_sigma > 0
    overlapping boxes are not dropped but their scores decay by exp(-iou² / (2·sigma)) and
    iou_threshold is not used (Soft-NMS, tf.image.non_max_suppression_with_scores)."""
    boxes, scores, max_output_size = _check(boxes, scores, max_output_size, "non_max_suppression_with_scores")
    if not 0.0 <= iou_threshold <= 1.0 or soft_nms_sigma < 0:
        raise InvalidArgumentError(None, None, f"[non_max_suppression_with_scores] needs iou_threshold in [0, 1] and "
                                   f"soft_nms_sigma >= 0; received {iou_threshold}, {soft_nms_sigma}")
    return _select(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma)


@raises_tf_errors
def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                               pad_to_max_output_size=False, name=None, sorted_input=False,
                               canonicalized_coordinates=False, tile_size=512):
    """(selected_indices, valid_outputs) of greedy non-maximum suppression, for one set of
    boxes (num_boxes, 4) or a batch (..., num_boxes, 4) (tf.image.non_max_suppression_padded).

    With pad_to_max_output_size the indices are padded with zeros to max_output_size
    (required for a batch); valid_outputs counts the real ones. TensorFlow's quirks are
    kept: unless canonicalized_coordinates, every box's corners are ordered as the first
    box's are; boxes at or below score_threshold become empty; a box counts only if one of
    its coordinates is positive. sorted_input and tile_size are accepted for the signature
    (the selection is the greedy one in score order either way).
    """
    boxes, scores = to_tensor(boxes), to_tensor(scores)
    if boxes.ndim < 2 or boxes.shape[-1] != 4 or tuple(scores.shape) != tuple(boxes.shape[:-1]):
        raise InvalidArgumentError(None, None, f"[non_max_suppression_padded] boxes must be (..., num_boxes, 4) and "
                                   f"scores (..., num_boxes); received shapes {tuple(boxes.shape)} and "
                                   f"{tuple(scores.shape)}")
    if boxes.ndim > 2 and not pad_to_max_output_size:
        raise ValueError("[non_max_suppression_padded] pad_to_max_output_size must be True for a batch of boxes")
    lead = tuple(boxes.shape[:-2])
    flat_boxes = np.asarray(boxes, np.float32).reshape((-1,) + tuple(boxes.shape[-2:]))
    flat_scores = np.asarray(scores, np.float32).reshape(-1, scores.shape[-1])
    size = operator.index(max_output_size)
    if size < 0:
        raise InvalidArgumentError(None, None, f"[non_max_suppression_padded] max_output_size must be non-negative; "
                                   f"received {size}")
    if score_threshold != float("-inf"):   # dropped boxes become empty boxes with score 0
        keep = flat_scores > score_threshold
        flat_scores, flat_boxes = flat_scores * keep, flat_boxes * keep[..., None]
    if not canonicalized_coordinates and flat_boxes.size:
        # TensorFlow orders every box's corners as the very first box has them.
        first = flat_boxes[0, 0]
        rows = [0, 2] if first[0] <= first[2] else [2, 0]
        columns = [1, 3] if first[1] <= first[3] else [3, 1]
        flat_boxes = flat_boxes[..., [rows[0], columns[0], rows[1], columns[1]]]
    chosen, counts = [], []
    for box_set, score_set in zip(flat_boxes, flat_scores):   # one greedy selection per set of boxes
        indices = np.asarray(_select(array(box_set), array(score_set), len(score_set), iou_threshold, float("-inf"),
                                     0.0, per_box_corners=False)[0])
        # Only boxes with a positive coordinate count as selected (TensorFlow's tiled kernel).
        indices = indices[(box_set[indices] > 0).any(axis=-1)][:size]
        counts.append(len(indices))
        chosen.append(np.pad(indices, (0, size - len(indices))) if pad_to_max_output_size else indices)
    if not lead:
        return array(chosen[0].astype(np.int32)), array(np.int32(counts[0]))
    return (array(np.stack(chosen).astype(np.int32).reshape(lead + (-1,))),
            array(np.asarray(counts, np.int32).reshape(lead)))


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
