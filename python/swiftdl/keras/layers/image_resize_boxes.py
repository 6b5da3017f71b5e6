"""Resizing's bounding boxes: the map Keras's Resizing applies to box corners when it
stretches, crops to or pads to the aspect ratio (image_preprocessing.Resizing)."""
import swiftdl as _sd

from .image_box_formats import clip_to_image_size, convert_format


def _corner_map(layer, input_height, input_width):
    """(scale_x, scale_y, shift_x, shift_y): new corner = old corner × scale + shift."""
    if layer.pad_to_aspect_ratio:
        scale = min(layer.height / input_height, layer.width / input_width)
        return (scale, scale, (layer.width - input_width * scale) // 2, (layer.height - input_height * scale) // 2)
    if layer.crop_to_aspect_ratio:
        source, target = input_width / input_height, layer.width / layer.height
        new_width = layer.height * source if source > target else layer.width
        new_height = layer.height if source > target else layer.width / source
        return (new_width / input_width, new_height / input_height, -((new_width - layer.width) // 2),
                -((new_height - layer.height) // 2))
    return layer.width / input_width, layer.height / input_height, 0.0, 0.0


def resize_boxes(layer, bounding_boxes, input_height, input_width):
    """Batched boxes in `layer.bounding_box_format` for images resized from
    (input_height, input_width) to (layer.height, layer.width)."""
    boxes = _sd.asarray(bounding_boxes["boxes"])
    padding = _sd.expand_dims(_sd.logical_or(_sd.all(boxes == -1, axis=-1), _sd.all(boxes == 0, axis=-1)), -1)
    result = convert_format(bounding_boxes, layer.bounding_box_format, "xyxy", height=input_height, width=input_width)
    scale_x, scale_y, shift_x, shift_y = _corner_map(layer, input_height, input_width)
    scale = _sd.asarray([scale_x, scale_y, scale_x, scale_y], dtype="float32")
    shift = _sd.asarray([shift_x, shift_y, shift_x, shift_y], dtype="float32")
    result["boxes"] = result["boxes"] * scale + shift
    result = clip_to_image_size(result, height=layer.height, width=layer.width)
    result["boxes"] = _sd.where(padding, _sd.zeros_like(result["boxes"]), result["boxes"])
    return convert_format(result, "xyxy", layer.bounding_box_format, height=layer.height, width=layer.width)
