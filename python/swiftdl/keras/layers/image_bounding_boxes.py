"""Keras's MaxNumBoundingBoxes: pads or truncates every image's boxes to a fixed count so
that a detection dataset's batches have one shape (inputs in the dict form of
image_data_dict.py)."""
import numbers

import swiftdl as _sd

from .image_data_dict import call_on_data_dict
from .image_preprocessing import BaseImagePreprocessingLayer


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

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(max_number, bool) or not isinstance(max_number, numbers.Real) or int(max_number) < 0:
            raise ValueError(f"The `max_number` argument should be a non-negative integer. "
                             f"Received: max_number={max_number}")
        if isinstance(fill_value, bool) or not isinstance(fill_value, numbers.Real):
            raise ValueError(f"The `fill_value` argument should be a number. Received: fill_value={fill_value}")
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return call_on_data_dict(self, inputs, training, transform_boxes=self.transform_bounding_boxes)
        return self._images(inputs)

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
        # Keras leaves fill_value out of its config (so a reload forgets it); it is a
        # constructor argument, so keeping it is safe for Keras to read.
        config.update({"max_number": self.max_number, "fill_value": self.fill_value})
        return config
