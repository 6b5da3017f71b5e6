"""Bounding-box formats as Keras names them (keras.utils.bounding_boxes' convert_format and
clip_to_image_size): every conversion goes through absolute "xyxy" corners, as Keras's does.

    "xyxy" [left, top, right, bottom]       "yxyx" [top, left, bottom, right]
    "xywh" [left, top, width, height]       "center_xywh" / "center_yxhw" [centre, size]
    "rel_..." the same divided by the image's width (x) and height (y)
"""
import swiftdl as _sd

SUPPORTED_FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh",
                     "rel_center_xywh")


def _columns(boxes):
    return [boxes[..., i:i + 1] for i in range(4)]


def _join(*columns):
    return _sd.concatenate(list(columns), axis=-1)


def _to_xyxy(boxes, source, height, width):
    a, b, c, d = _columns(boxes)
    if source == "xyxy":
        return boxes
    if source == "yxyx":
        return _join(b, a, d, c)
    if source == "xywh":
        return _join(a, b, a + c, b + d)
    if source == "center_xywh":
        return _join(a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0)
    if source == "center_yxhw":
        return _join(b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0)
    if source == "rel_xyxy":
        return _join(a * width, b * height, c * width, d * height)
    if source == "rel_yxyx":
        return _join(b * width, a * height, d * width, c * height)
    if source == "rel_xywh":
        return _join(a * width, b * height, (a + c) * width, (b + d) * height)
    # rel_center_xywh
    return _join((a - c / 2.0) * width, (b - d / 2.0) * height, (a + c / 2.0) * width, (b + d / 2.0) * height)


def _from_xyxy(boxes, target, height, width):
    x1, y1, x2, y2 = _columns(boxes)
    if target == "xyxy":
        return boxes
    if target == "yxyx":
        return _join(y1, x1, y2, x2)
    if target == "xywh":
        return _join(x1, y1, x2 - x1, y2 - y1)
    if target == "center_xywh":
        return _join(x1 + (x2 - x1) / 2.0, y1 + (y2 - y1) / 2.0, x2 - x1, y2 - y1)
    if target == "center_yxhw":
        return _join(y1 + (y2 - y1) / 2.0, x1 + (x2 - x1) / 2.0, y2 - y1, x2 - x1)
    if target == "rel_xyxy":
        return _join(x1 / width, y1 / height, x2 / width, y2 / height)
    if target == "rel_yxyx":
        return _join(y1 / height, x1 / width, y2 / height, x2 / width)
    if target == "rel_xywh":
        return _join(x1 / width, y1 / height, (x2 - x1) / width, (y2 - y1) / height)
    # rel_center_xywh
    return _join((x1 + (x2 - x1) / 2.0) / width, (y1 + (y2 - y1) / 2.0) / height, (x2 - x1) / width,
                 (y2 - y1) / height)


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """Boxes (..., 4), or a {"boxes", "labels"} dict, from format `source` to `target`.

    Raises:
        ValueError: for an unknown format, boxes whose last axis is not 4, or a relative
            format without `height` and `width`.
    """
    if isinstance(boxes, dict):
        result = dict(boxes)
        result["boxes"] = convert_format(boxes["boxes"], source, target, height=height, width=width, dtype=dtype)
        return result
    boxes = _sd.asarray(boxes)
    if boxes.ndim == 0 or boxes.shape[-1] != 4:
        raise ValueError(f"`boxes` must be a tensor with the last dimension of 4. Received: boxes.shape="
                         f"{tuple(boxes.shape)}")
    source, target = str(source).lower(), str(target).lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ValueError(f"Invalid source or target format. Supported formats: {SUPPORTED_FORMATS}. "
                         f"Received: source={source!r}, target={target!r}")
    if (source.startswith("rel_") or target.startswith("rel_")) and (width is None or height is None):
        raise ValueError("convert_format() must receive `height` and `width` transforming between relative and "
                         f"absolute formats. Received: source={source!r}, target={target!r}, height={height}, "
                         f"width={width}")
    boxes = boxes.astype(dtype)
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):  # the scale cancels
        source, target = source[4:], target[4:]
    height = None if height is None else float(height)
    width = None if width is None else float(width)
    return _from_xyxy(_to_xyxy(boxes, source, height, width), target, height, width)


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """Boxes clipped to the image ("xyxy": [0, width] × [0, height]; "rel_xyxy": the unit
    square); boxes left with no area get label -1, as in Keras.

    Raises:
        NotImplementedError: for a format other than those two, as Keras.
        ValueError: for "xyxy" without `height` and `width`.
    """
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(f"clip_to_image_size takes 'xyxy' or 'rel_xyxy' boxes. Received: "
                         f"bounding_box_format={bounding_box_format!r}")
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError("`height` and `width` must be set if `format='xyxy'`.")
    high_x, high_y = (float(width), float(height)) if bounding_box_format == "xyxy" else (1.0, 1.0)
    x1, y1, x2, y2 = _columns(_sd.asarray(bounding_boxes["boxes"]))
    x1, x2 = _sd.clip(x1, 0, high_x), _sd.clip(x2, 0, high_x)
    y1, y2 = _sd.clip(y1, 0, high_y), _sd.clip(y2, 0, high_y)
    result = dict(bounding_boxes)
    result["boxes"] = _join(x1, y1, x2, y2)
    if bounding_boxes.get("labels") is not None:
        labels = _sd.asarray(bounding_boxes["labels"])
        area = ((x2 - x1) * (y2 - y1))[..., 0]
        result["labels"] = _sd.where(area > 0, labels, _sd.asarray(-1).astype(labels.dtype))
    return result
