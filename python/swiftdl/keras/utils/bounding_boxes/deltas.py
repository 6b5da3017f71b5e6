"""Anchor-relative box regression targets (keras.utils.bounding_boxes'
encode_box_to_deltas and decode_deltas_to_boxes): a box is the shift of its centre in
anchor sizes and the log of its size over the anchor's, optionally divided by `variance`."""
import swiftdl as _sd

from ...backend import epsilon
from ...layers.image_box_formats import convert_format

_CENTRE_FORMATS = ("center_xywh", "center_yxhw")


def _variance(variance):
    if variance is None:
        return None
    variance = _sd.asarray(variance, dtype="float32")
    if variance.shape[-1] != 4:
        raise ValueError(f"`variance` must be length 4, got {variance}")
    return variance


def _size(image_shape):
    if image_shape is None:
        return None, None
    height, width, _ = image_shape
    return height, width


def encode_box_to_deltas(anchors, boxes, anchor_format, box_format, encoding_format="center_yxhw", variance=None,
                         image_shape=None):
    """The deltas that move `anchors` (N, 4) onto `boxes` ((N, 4) or (batch, N, 4)),
    computed in `encoding_format` ("center_yxhw" or "center_xywh").

    Args:
        image_shape: (height, width, channels), needed for relative formats.

    Raises:
        ValueError: for a `variance` not of length 4, or another `encoding_format`.
    """
    variance = _variance(variance)
    if encoding_format not in _CENTRE_FORMATS:
        raise ValueError(f"`encoding_format` should be one of 'center_xywh' or 'center_yxhw', got {encoding_format}")
    height, width = _size(image_shape)
    anchors = convert_format(anchors, source=anchor_format, target=encoding_format, height=height, width=width)
    boxes = convert_format(boxes, source=box_format, target=encoding_format, height=height, width=width)
    # NOTE: sizes are floored at epsilon so that empty boxes give finite logs.
    anchor_sizes = _sd.maximum(anchors[..., 2:], epsilon())
    box_sizes = _sd.maximum(boxes[..., 2:], epsilon())
    deltas = _sd.concatenate([(boxes[..., :2] - anchors[..., :2]) / anchor_sizes, _sd.log(box_sizes / anchor_sizes)],
                             axis=-1)
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format, box_format, encoded_format="center_yxhw",
                           variance=None, image_shape=None):
    """The boxes, in `box_format`, that `boxes_delta` ((N, 4) or (batch, N, 4)) make of
    `anchors` (N, 4): encode_box_to_deltas undone. Dicts of levels ({"P3": ..., ...}) are
    decoded level by level.

    Raises:
        ValueError: for a `variance` not of length 4, or another `encoded_format`.
    """
    variance = _variance(variance)
    if encoded_format not in _CENTRE_FORMATS:
        raise ValueError(f"`encoded_format` should be 'center_xywh' or 'center_yxhw', but got '{encoded_format}'.")
    height, width = _size(image_shape)

    def decode(anchor, delta):
        anchor = convert_format(anchor, source=anchor_format, target=encoded_format, height=height, width=width)
        delta = _sd.asarray(delta)
        if variance is not None:
            delta = delta * variance
        box = _sd.concatenate([delta[..., :2] * anchor[..., 2:] + anchor[..., :2], _sd.exp(delta[..., 2:]) *
                               anchor[..., 2:]], axis=-1)
        return convert_format(box, source=encoded_format, target=box_format, height=height, width=width)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)
