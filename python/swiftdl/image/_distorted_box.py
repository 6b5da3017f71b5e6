"""tf.image.sample_distorted_bounding_box and its stateless twin: a random crop window
with an aspect ratio and area in given ranges that covers enough of one of the given
boxes (Inception-style augmentation), by TensorFlow's rejection sampling.

The window is a handful of integers decided on the host, not pixels: the draws come from
swiftdl's generators (so the values differ from TensorFlow's for the same seed) and the
integer geometry, rounding included, is TensorFlow's."""
import math

import numpy as np

from .._creation import array
from .._tf_random import stateless_uniform, uniform
from ..errors import InvalidArgumentError, raises_tf_errors
from ._common import to_tensor


def _round(x):
    """lrintf: halves to even."""
    return int(np.rint(np.float32(x)))


def _random_crop(width, height, min_area, max_area, ratio, draws):
    """A crop [x, y, x + w, y + h] of area in [min_area, max_area] · width · height with
    w = round(ratio · h), or None (TensorFlow's GenerateRandomCrop)."""
    min_area, max_area = np.float32(min_area * width * height), np.float32(max_area * width * height)
    low = _round(math.sqrt(min_area / ratio))
    high = _round(math.sqrt(max_area / ratio))
    if _round(high * ratio) > width:
        high = int((width + 0.5 - 1e-7) / ratio)
        if _round(high * ratio) > width:
            high -= 1
    high = min(high, height)
    low = min(low, high)
    crop_height = low + int(draws[1] * (high - low + 1)) if low < high else low
    crop_width = _round(crop_height * ratio)
    area = crop_width * crop_height
    if area < min_area:
        crop_height += 1
        crop_width = _round(crop_height * ratio)
        area = crop_width * crop_height
    if area > max_area:
        crop_height -= 1
        crop_width = _round(crop_height * ratio)
        area = crop_width * crop_height
    if area < min_area or area > max_area or not 0 < crop_width <= width or not 0 < crop_height <= height:
        return None
    y = int(draws[2] * (height - crop_height)) if crop_height < height else 0
    x = int(draws[3] * (width - crop_width)) if crop_width < width else 0
    return x, y, x + crop_width, y + crop_height


def _covers(crop, boxes, min_object_covered):
    """Whether `crop` covers at least min_object_covered of one box with a positive area."""
    x0, y0, x1, y1 = crop
    if (x1 - x0) * (y1 - y0) < 1:
        return False
    for bx0, by0, bx1, by1 in boxes:
        area = (bx1 - bx0) * (by1 - by0)
        if area < 1:
            continue
        ix0, iy0, ix1, iy1 = max(x0, bx0), max(y0, by0), min(x1, bx1), min(y1, by1)
        inside = (ix1 - ix0) * (iy1 - iy0) if ix0 <= ix1 and iy0 <= iy1 else 0
        if inside / area >= min_object_covered:
            return True
    return False


def _sample(image_size, bounding_boxes, draw, min_object_covered, aspect_ratio_range, area_range, max_attempts,
            use_image_if_no_bounding_boxes, op):
    size = np.asarray(to_tensor(image_size))
    if size.shape != (3,) or size.dtype.kind not in "iu":
        raise InvalidArgumentError(None, None, f"[{op}] image_size must be 3 integers (height, width, depth); "
                                   f"received {size!r}")
    height, width = int(size[0]), int(size[1])
    boxes = np.asarray(to_tensor(bounding_boxes), np.float32)
    ratios = (0.75, 1.33) if aspect_ratio_range is None else tuple(float(r) for r in aspect_ratio_range)
    areas = (0.05, 1.0) if area_range is None else tuple(float(a) for a in area_range)
    attempts = 100 if max_attempts is None else int(max_attempts)
    if boxes.ndim != 3 or boxes.shape[-1] != 4:
        raise InvalidArgumentError(None, None, f"[{op}] bounding_boxes must be (batch, num_boxes, 4); received "
                                   f"shape {boxes.shape}")
    if boxes.size and (boxes.min() < 0.0 or boxes.max() > 1.0):
        raise InvalidArgumentError(None, None, f"[{op}] All bounding box coordinates must be in [0.0, 1.0]")
    if len(ratios) != 2 or min(ratios) <= 0 or len(areas) != 2 or min(areas) <= 0 or max(areas) > 1 \
            or attempts <= 0 or min_object_covered < 0:
        raise InvalidArgumentError(None, None, f"[{op}] needs positive aspect_ratio_range, area_range in (0, 1], "
                                   f"max_attempts > 0 and min_object_covered >= 0; received {ratios}, {areas}, "
                                   f"{attempts}, {min_object_covered}")
    rectangles = [(int(b[1] * width), int(b[0] * height), int(b[3] * width), int(b[2] * height))
                  for b in boxes.reshape(-1, 4)]
    if not rectangles:
        if not use_image_if_no_bounding_boxes:
            raise InvalidArgumentError(None, None, f"[{op}] No bounding boxes provided as input. One must enable "
                                       f"use_image_if_no_bounding_boxes if you wish to not provide any bounding boxes.")
        rectangles = [(0, 0, width, height)]
    crop = (0, 0, width, height)
    draws = np.asarray(draw([attempts, 4])).astype(np.float64)   # ratio, height, y, x for each attempt
    for attempt in draws:
        ratio = np.float32(attempt[0] * (ratios[1] - ratios[0]) + ratios[0])
        candidate = _random_crop(width, height, areas[0], areas[1], float(ratio), attempt)
        if candidate is not None and _covers(candidate, rectangles, min_object_covered):
            crop = candidate
            break
    x0, y0, x1, y1 = crop
    begin = array(np.array([y0, x0, 0], size.dtype))
    extent = array(np.array([y1 - y0, x1 - x0, -1], size.dtype))
    window = array(np.array([[[y0 / height, x0 / width, y1 / height, x1 / width]]], np.float32))
    return begin, extent, window


@raises_tf_errors
def sample_distorted_bounding_box(image_size, bounding_boxes, seed=0, min_object_covered=0.1, aspect_ratio_range=None,
                                  area_range=None, max_attempts=None, use_image_if_no_bounding_boxes=None, name=None):
    """A random crop window for distorting an image (tf.image.sample_distorted_bounding_box).

    Args:
        image_size: (height, width, depth) integers.
        bounding_boxes: (batch, num_boxes, 4) normalised [y_min, x_min, y_max, x_max].
        seed: the op seed (0: from the global seed alone).
        min_object_covered: the fraction of some box the window must cover.
        aspect_ratio_range: the window's width / height range (default (0.75, 1.33)).
        area_range: the window's fraction of the image (default (0.05, 1.0)).
        max_attempts: tries before falling back to the whole image (default 100).
        use_image_if_no_bounding_boxes: treat the whole image as the box when none is given.

    Returns:
        (begin, size, bboxes): begin [y, x, 0] and size [h, w, -1] for tf.slice, and the
        window as a (1, 1, 4) normalised box.

    Raises:
        InvalidArgumentError: for bad sizes, ranges or boxes.
    """
    return _sample(image_size, bounding_boxes, lambda shape: uniform(shape, seed=seed or None),
                   min_object_covered, aspect_ratio_range, area_range, max_attempts, use_image_if_no_bounding_boxes,
                   "sample_distorted_bounding_box")


@raises_tf_errors
def stateless_sample_distorted_bounding_box(image_size, bounding_boxes, seed, min_object_covered=0.1,
                                            aspect_ratio_range=None, area_range=None, max_attempts=None,
                                            use_image_if_no_bounding_boxes=None, name=None):
    """sample_distorted_bounding_box with the window fixed by the integer pair `seed`
    (tf.image.stateless_sample_distorted_bounding_box)."""
    return _sample(image_size, bounding_boxes, lambda shape: stateless_uniform(shape, seed), min_object_covered,
                   aspect_ratio_range, area_range, max_attempts, use_image_if_no_bounding_boxes,
                   "stateless_sample_distorted_bounding_box")
