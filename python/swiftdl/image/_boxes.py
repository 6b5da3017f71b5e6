"""tf.image.non_max_suppression and non_max_suppression_with_scores (hard and soft NMS).

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


def _iou(boxes):
    """(n, n) intersection over union of boxes [y1, x1, y2, x2] (corners in either order)."""
    y_min = _ops.minimum(boxes[:, 0], boxes[:, 2])
    y_max = _ops.maximum(boxes[:, 0], boxes[:, 2])
    x_min = _ops.minimum(boxes[:, 1], boxes[:, 3])
    x_max = _ops.maximum(boxes[:, 1], boxes[:, 3])
    area = (y_max - y_min) * (x_max - x_min)

    def column(t):
        return _shape.reshape(t, (-1, 1))

    height = _ops.maximum(_ops.minimum(column(y_max), y_max) - _ops.maximum(column(y_min), y_min), 0.0)
    width = _ops.maximum(_ops.minimum(column(x_max), x_max) - _ops.maximum(column(x_min), x_min), 0.0)
    intersection = height * width
    union = column(area) + area - intersection
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


def _select(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma):
    """(indices, their scores after soft decay) of the greedy NMS."""
    overlaps = np.asarray(_iou(boxes)) if boxes.shape[0] else np.zeros((0, 0), np.float32)
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
