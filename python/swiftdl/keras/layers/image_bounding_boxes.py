"""Keras's {"images", "bounding_boxes", "labels", "segmentation_masks"} input form for
detection pipelines, and MaxNumBoundingBoxes, which pads or truncates every image's boxes to
a fixed count so that batches have one shape.

`bounding_boxes` is a dict {"boxes": (batch, num_boxes, 4) or (num_boxes, 4), "labels":
(batch, num_boxes) or (num_boxes,)}; python lists of per-image boxes of different lengths
are padded to the longest (boxes with 0, labels with -1), which is what Keras's densifying
step means to do.
"""
import numbers

import numpy as np

import swiftdl as _sd

from .image_preprocessing import BaseImagePreprocessingLayer

_DATA_KEYS = ("images", "bounding_boxes", "labels", "segmentation_masks")


def validate_bounding_boxes(bounding_boxes):
    """Raises ValueError unless `bounding_boxes` is {"boxes", "labels"} of matching ranks."""
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError("Expected `bounding_boxes` argument to be a dict with keys 'boxes' and 'labels'. "
                         f"Received: bounding_boxes={bounding_boxes}")
    boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
    if isinstance(boxes, list):
        if not isinstance(labels, list):
            raise ValueError("If `bounding_boxes['boxes']` is a list, then `bounding_boxes['labels']` must also be a "
                             f"list. Received: bounding_boxes['labels']={labels}")
        if len(boxes) != len(labels):
            raise ValueError("If `bounding_boxes['boxes']` and `bounding_boxes['labels']` are both lists, they must "
                             f"have the same length. Received: len(bounding_boxes['boxes'])={len(boxes)} and "
                             f"len(bounding_boxes['labels'])={len(labels)}")
        return
    boxes_shape, labels_shape = tuple(np.shape(boxes)), tuple(np.shape(labels))
    if len(boxes_shape) not in (2, 3) or boxes_shape[-1] != 4:
        raise ValueError("Expected `bounding_boxes['boxes']` to have rank 2 or 3, with shape (num_boxes, 4) or "
                         f"(batch_size, num_boxes, 4). Received: bounding_boxes['boxes'].shape={boxes_shape}")
    allowed = {1, 2} if len(boxes_shape) == 2 else {2, 3}
    if len(labels_shape) not in allowed or labels_shape[:len(boxes_shape) - 1] != boxes_shape[:-1]:
        raise ValueError(f"Found bounding_boxes['boxes'].shape={boxes_shape} and expected bounding_boxes['labels'] "
                         f"to have rank {' or '.join(map(str, sorted(allowed)))} with one label per box, but "
                         f"received: bounding_boxes['labels'].shape={labels_shape}")


def densify_bounding_boxes(bounding_boxes, is_batched):
    """{"boxes": float32 tensor, "labels": tensor, other keys kept}; per-image python lists of
    different lengths are padded to the longest."""
    validate_bounding_boxes(bounding_boxes)
    boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
    result = dict(bounding_boxes)
    if isinstance(boxes, list):
        try:
            if is_batched:
                longest = max((len(b) for b in boxes), default=0)
                boxes = [list(b) + [[0, 0, 0, 0]] * (longest - len(b)) for b in boxes]
                labels = [list(k) + [-1] * (longest - len(k)) for k in labels]
                boxes = np.asarray(boxes, dtype=np.float32).reshape(len(boxes), longest, 4)
                labels = np.asarray(labels, dtype=np.int32).reshape(len(labels), longest)
            else:
                boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
                labels = np.asarray(labels, dtype=np.int32)
        except (TypeError, ValueError):
            raise ValueError("Lists of `bounding_boxes` should hold 4 numbers per box and one integer label per box. "
                             f"Received: bounding_boxes={bounding_boxes}") from None
        result["boxes"], result["labels"] = _sd.asarray(boxes), _sd.asarray(labels)
    else:
        result["boxes"] = _sd.asarray(boxes).astype("float32")
        result["labels"] = _sd.asarray(labels)
    validate_bounding_boxes(result)
    if result["boxes"].ndim != (3 if is_batched else 2):
        raise ValueError(f"Expected bounding_boxes['boxes'] of rank {3 if is_batched else 2} for "
                         f"{'batched' if is_batched else 'single'} images. Received: "
                         f"bounding_boxes['boxes'].shape={tuple(result['boxes'].shape)}")
    return result


class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Pads (with `fill_value`) or truncates each image's boxes and labels to `max_number`;
    images, labels and segmentation masks pass unchanged. Applied always, as in Keras.

    Args:
        max_number: the number of boxes every image gets.
        fill_value: the value of padded boxes' coordinates and labels. Defaults to -1.
        bounding_box_format: the boxes' format (e.g. `"xyxy"`); needed, as in Keras, when
            the inputs hold `bounding_boxes`.

    Raises:
        ValueError: for a `max_number` that is not a non-negative integer, a dict without
            `images`, `bounding_boxes` without a `bounding_box_format`, or boxes and labels
            of the wrong shapes.
    """

    def __init__(self, max_number, fill_value=-1, bounding_box_format=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(max_number, bool) or not isinstance(max_number, numbers.Real) or int(max_number) < 0:
            raise ValueError(f"The `max_number` argument should be a non-negative integer. "
                             f"Received: max_number={max_number}")
        if isinstance(fill_value, bool) or not isinstance(fill_value, numbers.Real):
            raise ValueError(f"The `fill_value` argument should be a number. Received: fill_value={fill_value}")
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)
        self.bounding_box_format = bounding_box_format

    def call(self, inputs, training=True):
        if not isinstance(inputs, dict):
            return self._images(inputs)
        unknown = set(inputs) - set(_DATA_KEYS)
        if "images" not in inputs or unknown:
            raise ValueError(f"{type(self).__name__} takes a dict with 'images' and optionally 'bounding_boxes', "
                             f"'labels' and 'segmentation_masks'; received keys {sorted(inputs)}")
        result = {key: (value if key == "bounding_boxes" else _sd.asarray(value)) for key, value in inputs.items()}
        images = self._images(result["images"])
        if "bounding_boxes" in inputs:
            if not self.bounding_box_format:
                raise ValueError("You passed an input with a 'bounding_boxes' key, but you didn't specify a bounding "
                                 f"box format. Pass a `bounding_box_format` argument to your {type(self).__name__} "
                                 "layer, e.g. `bounding_box_format='xyxy'`.")
            batched = images.ndim == 4
            boxes = densify_bounding_boxes(inputs["bounding_boxes"], is_batched=batched)
            if not batched:
                boxes.update(boxes=_sd.expand_dims(boxes["boxes"], 0), labels=_sd.expand_dims(boxes["labels"], 0))
            boxes = self.transform_bounding_boxes(boxes)
            if not batched:
                boxes.update(boxes=boxes["boxes"][0], labels=boxes["labels"][0])
            result["bounding_boxes"] = boxes
        return result

    def transform_bounding_boxes(self, bounding_boxes, transformation=None, training=True):
        """Batched boxes (batch, n, 4) and labels (batch, n, ...) cut or padded to max_number."""
        result = dict(bounding_boxes)
        for key in ("boxes", "labels"):
            values = _sd.asarray(bounding_boxes[key])[:, :self.max_number]
            missing = self.max_number - values.shape[1]
            if missing > 0:
                widths = [(0, 0), (0, missing)] + [(0, 0)] * (values.ndim - 2)
                values = _sd.pad(values, widths, constant_values=self.fill_value)
            result[key] = values
        return result

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, dict):
            return tuple(input_shape)
        shapes = dict(input_shape)
        if "bounding_boxes" in shapes:
            extra = set(shapes["bounding_boxes"]) - {"boxes", "labels"}
            if extra:
                raise KeyError(f"There are unsupported keys in `bounding_boxes`: {sorted(extra)}. "
                               "Only `boxes` and `labels` are supported.")
            boxes = {key: list(shape) for key, shape in shapes["bounding_boxes"].items()}
            axis = 1 if len(boxes.get("boxes", ())) == 3 else 0  # the box axis, after any batch axis
            for shape in boxes.values():
                shape[axis] = self.max_number
            shapes["bounding_boxes"] = {key: tuple(shape) for key, shape in boxes.items()}
        return shapes

    def get_config(self):
        config = super().get_config()
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        # Keras leaves fill_value out of its config (so a reload forgets it); it is a
        # constructor argument, so keeping it is safe for Keras to read.
        config.update({"max_number": self.max_number, "fill_value": self.fill_value})
        return config
