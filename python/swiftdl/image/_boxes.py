"""tf.image.non_max_suppression, _with_scores (hard and soft NMS), _overlaps, _padded and
combined_non_max_suppression.

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


def _select(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma, per_box_corners=True,
            overlaps=None):
    """(indices, their scores after soft decay) of the greedy NMS, over the boxes' IoU or
    the given overlaps matrix."""
    if overlaps is None:
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
def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """Greedy non-maximum suppression with a given (num_boxes, num_boxes) overlap matrix in
    place of the boxes' IoU: indices (int32) by decreasing score, none overlapping a chosen
    one by more than overlap_threshold (tf.image.non_max_suppression_overlaps)."""
    overlaps, scores = to_tensor(overlaps), to_tensor(scores)
    if overlaps.ndim != 2 or overlaps.shape[0] != overlaps.shape[1] or tuple(scores.shape) != (overlaps.shape[0],):
        raise InvalidArgumentError(None, None, f"[non_max_suppression_overlaps] overlaps must be (num_boxes, "
                                   f"num_boxes) and scores (num_boxes,); received {tuple(overlaps.shape)} and "
                                   f"{tuple(scores.shape)}")
    size = operator.index(max_output_size)
    if size < 0:
        raise InvalidArgumentError(None, None, f"[non_max_suppression_overlaps] max_output_size must be non-negative; "
                                   f"received {size}")
    # TensorFlow reads overlaps[candidate, chosen]; _select reads a chosen box's row.
    return _select(None, scores, size, overlap_threshold, score_threshold, 0.0,
                   overlaps=np.asarray(overlaps, np.float32).T)[0]


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


@raises_tf_errors
def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size, iou_threshold=0.5,
                                 score_threshold=float("-inf"), pad_per_class=False, clip_boxes=True, name=None):
    """Per-class greedy NMS, then the best max_total_size detections of each image over all
    classes (tf.image.combined_non_max_suppression).

    Args:
        boxes: (batch, num_boxes, q, 4), q = 1 (boxes shared by the classes) or num_classes.
        scores: (batch, num_boxes, num_classes).
        max_output_size_per_class: the most boxes NMS keeps in one class.
        max_total_size: the most detections per image.
        pad_per_class: output min(max_total_size, max_output_size_per_class · classes) rows
            instead of max_total_size.
        clip_boxes: clip the output coordinates to [0, 1].

    Returns:
        (nmsed_boxes (batch, detections, 4), nmsed_scores (batch, detections),
        nmsed_classes (batch, detections), valid_detections (batch,)), zero-padded.
    """
    boxes, scores = to_tensor(boxes), to_tensor(scores)
    if boxes.ndim != 4 or boxes.shape[-1] != 4 or scores.ndim != 3 or tuple(scores.shape[:2]) != tuple(boxes.shape[:2]) \
            or boxes.shape[2] not in (1, scores.shape[2]):
        raise InvalidArgumentError(None, None, f"[combined_non_max_suppression] boxes must be (batch, num_boxes, q, 4) "
                                   f"with q 1 or num_classes and scores (batch, num_boxes, num_classes); received "
                                   f"{tuple(boxes.shape)} and {tuple(scores.shape)}")
    per_class, total = operator.index(max_output_size_per_class), operator.index(max_total_size)
    if per_class <= 0 or total <= 0 or not 0.0 <= iou_threshold <= 1.0:
        raise InvalidArgumentError(None, None, f"[combined_non_max_suppression] needs positive output sizes and "
                                   f"iou_threshold in [0, 1]; received {per_class}, {total}, {iou_threshold}")
    batch, _, shared, classes = boxes.shape[0], boxes.shape[1], boxes.shape[2], scores.shape[2]
    rows = min(total, per_class * classes) if pad_per_class else total
    out_boxes = np.zeros((batch, rows, 4), np.float32)
    out_scores = np.zeros((batch, rows), np.float32)
    out_classes = np.zeros((batch, rows), np.float32)
    valid = np.zeros(batch, np.int32)
    all_boxes = np.asarray(boxes, np.float32)
    for b in range(batch):   # NMS per image and class: each is a separate greedy selection
        found = []
        for c in range(classes):
            class_boxes = all_boxes[b, :, 0 if shared == 1 else c]
            indices, kept = _select(array(class_boxes), scores[b, :, c].astype("float32"), per_class, iou_threshold,
                                    score_threshold, 0.0)
            found += [(float(score), c, class_boxes[i]) for i, score in zip(np.asarray(indices), np.asarray(kept))]
        found.sort(key=lambda item: -item[0])
        found = found[:rows]
        valid[b] = len(found)
        for row, (score, c, box) in enumerate(found):
            out_boxes[b, row] = np.clip(box, 0.0, 1.0) if clip_boxes else box
            out_scores[b, row], out_classes[b, row] = score, c
    return array(out_boxes), array(out_scores), array(out_classes), array(valid)
