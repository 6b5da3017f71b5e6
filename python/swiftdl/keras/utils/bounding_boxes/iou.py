"""Overlap of boxes: the pairwise IoU table (compute_iou) and the complete IoU of box
pairs (compute_ciou, IoU less the centre-distance and aspect-ratio penalties)."""
import math

import swiftdl as _sd

from ...backend import epsilon
from ...layers.image_box_formats import convert_format


def _area(yxyx):
    y1, x1, y2, x2 = (yxyx[..., i:i + 1] for i in range(4))
    return _sd.squeeze((y2 - y1) * (x2 - x1), axis=-1)


def _intersection(boxes1, boxes2):
    """(N, M) or (batch, N, M) areas: boxes2's coordinates are laid along the last axis."""
    perm = (1, 0) if boxes2.ndim == 2 else (0, 2, 1)
    y1a, x1a, y2a, x2a = (boxes1[..., i:i + 1] for i in range(4))
    y1b, x1b, y2b, x2b = (_sd.transpose(boxes2[..., i:i + 1], perm) for i in range(4))
    heights = _sd.maximum(_sd.minimum(y2a, y2b) - _sd.maximum(y1a, y1b), 0.0)
    widths = _sd.maximum(_sd.minimum(x2a, x2b) - _sd.maximum(x1a, x1b), 0.0)
    return heights * widths


def compute_iou(boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1, image_shape=None):
    """The IoU of every box of `boxes1` with every box of `boxes2`: (M, N) for unbatched
    (M, 4) and (N, 4), (batch, M, N) when either is batched.

    Args:
        bounding_box_format: both sets' format.
        use_masking: give `mask_val` to pairs where a box has all coordinates below 0
            (padding).
        image_shape: (height, width, channels), needed for relative formats.

    Raises:
        ValueError: for boxes of rank other than 2 or 3, or a relative format without
            `image_shape`.
    """
    boxes1, boxes2 = _sd.asarray(boxes1), _sd.asarray(boxes2)
    for which, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if boxes.ndim not in (2, 3):
            raise ValueError(f"compute_iou() expects {which} to be batched, or to be unbatched. Received "
                             f"len(boxes1.shape)={boxes1.ndim}, len(boxes2.shape)={boxes2.ndim}. Expected either "
                             f"len({which}.shape)=2 AND or len({which}.shape)=3.")
    if "rel" in bounding_box_format and image_shape is None:
        raise ValueError("When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` argument must "
                         f"be provided.Received `image_shape`: {image_shape}")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    boxes1 = convert_format(boxes1, source=bounding_box_format, target="yxyx", height=height, width=width)
    boxes2 = convert_format(boxes2, source=bounding_box_format, target="yxyx", height=height, width=width)
    intersection = _intersection(boxes1, boxes2)
    area1 = _sd.expand_dims(_area(boxes1), -1)
    area2 = _area(boxes2)
    area2 = _sd.expand_dims(area2, 1 if area2.ndim == 2 else 0)
    iou = intersection / (area1 + area2 - intersection + epsilon())
    if not use_masking:
        return iou
    perm = (1, 0) if boxes1.ndim == 2 else (0, 2, 1)
    # NOTE: the transpose follows boxes1's rank, as in Keras.
    padding = _sd.logical_or(_sd.max(boxes1, axis=-1, keepdims=True) < 0.0,
                             _sd.transpose(_sd.max(boxes2, axis=-1, keepdims=True) < 0.0, perm))
    return _sd.where(padding, _sd.full_like(iou, mask_val), iou)


def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """The complete IoU of box pairs (boxes (..., 4) broadcast against each other): IoU
    less the squared centre distance over the enclosing box's squared diagonal, less
    the aspect-ratio term v·α.

    Raises:
        ValueError: for a relative format (Keras refuses them here even with `image_shape`).
    """
    if "rel" in bounding_box_format:
        raise ValueError("When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` argument must "
                         f"be provided.Received `image_shape`: {image_shape}")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    boxes1 = convert_format(boxes1, source=bounding_box_format, target="xyxy", height=height, width=width)
    boxes2 = convert_format(boxes2, source=bounding_box_format, target="xyxy", height=height, width=width)
    x1a, y1a, x2a, y2a = (boxes1[..., i:i + 1] for i in range(4))
    x1b, y1b, x2b, y2b = (boxes2[..., i:i + 1] for i in range(4))
    eps = epsilon()
    width1, height1 = x2a - x1a, y2a - y1a + eps
    width2, height2 = x2b - x1b, y2b - y1b + eps
    intersection = (_sd.maximum(_sd.minimum(x2a, x2b) - _sd.maximum(x1a, x1b), 0.0) *
                    _sd.maximum(_sd.minimum(y2a, y2b) - _sd.maximum(y1a, y1b), 0.0))
    union = width1 * height1 + width2 * height2 - intersection + eps
    iou = _sd.squeeze(intersection / (union + eps), axis=-1)
    enclosing_width = _sd.maximum(x2a, x2b) - _sd.minimum(x1a, x1b)
    enclosing_height = _sd.maximum(y2a, y2b) - _sd.minimum(y1a, y1b)
    diagonal_squared = _sd.squeeze(enclosing_width ** 2 + enclosing_height ** 2 + eps, axis=-1)
    centre_distance_squared = _sd.squeeze(((x1a + x2a) / 2 - (x1b + x2b) / 2) ** 2 +
                                          ((y1a + y2a) / 2 - (y1b + y2b) / 2) ** 2, axis=-1)
    v = _sd.squeeze((4 / math.pi ** 2) * (_sd.arctan(width2 / height2) - _sd.arctan(width1 / height1)) ** 2, axis=-1)
    alpha = v / (v - iou + (1 + eps))
    return iou - (centre_distance_squared / diagonal_squared + v * alpha)
