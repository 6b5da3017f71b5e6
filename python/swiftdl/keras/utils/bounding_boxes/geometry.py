"""Moving "xyxy" boxes with their image: an affine transform (the rotation, translation,
zoom and shear of Keras's affine augmentations), a crop and a pad."""
import math

import swiftdl as _sd


def _corners(boxes):
    return [boxes[..., i:i + 1] for i in range(4)]


def _require_xyxy(bounding_box_format, function):
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"{function} takes 'xyxy' boxes, as in Keras; received "
                                  f"bounding_box_format={bounding_box_format!r} (convert_format them first)")


def _inverse_affine_matrix(center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y, height,
                           width):
    """(batch, 3, 3): the matrix mapping output pixels back to input pixels, as
    TensorFlow's _get_inverse_affine_matrix builds it (Keras's reference)."""
    angle, shear_x, shear_y = -angle, -shear_x, -shear_y
    cx, cy = center_x * (width - 1), center_y * (height - 1)
    rotation = angle * (math.pi / 180.0)
    tx, ty = -translate_x * (width - 1), -translate_y * (height - 1)
    sx, sy = shear_x * (math.pi / 180.0), shear_y * (math.pi / 180.0)
    cos_sy, tan_sx = _sd.cos(sy), _sd.tan(sx)
    # Rotation and shear without the scale; its determinant is 1.
    a = _sd.cos(rotation - sy) / cos_sy
    b = a * tan_sx + _sd.sin(rotation)
    c = -_sd.sin(rotation - sy) / cos_sy
    d = _sd.cos(rotation) - c * tan_sx
    a0, a1, b0, b1 = d * scale, -b * scale, -c * scale, a * scale
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    zeros, ones = _sd.zeros_like(a0), _sd.ones_like(a0)
    return _sd.reshape(_sd.stack([a0, a1, a2, b0, b1, b2, zeros, zeros, ones], axis=-1), (-1, 3, 3))


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width, center_x=None,
                     center_y=None, bounding_box_format="xyxy"):
    """Boxes (batch, N, 4) moved by each image's affine transform: each box's four corners
    are mapped and the result is the box around them.

    Args:
        boxes: "xyxy" boxes, (batch, N, 4); (N, 4) is taken as a batch of one.
        angle: rotation in degrees, one per image.
        translate_x, translate_y: shifts as fractions of the width and height.
        scale: zoom factors. shear_x, shear_y: shear angles in degrees.
        height, width: the image's size.
        center_x, center_y: the transform's centre as fractions. Defaults to 0.5.
        bounding_box_format: must be "xyxy".

    Raises:
        NotImplementedError: for another format, as Keras.
    """
    _require_xyxy(bounding_box_format, "affine_transform")
    boxes = _sd.asarray(boxes)
    unbatched = boxes.ndim == 2
    if unbatched:
        boxes = boxes[None]
    parameters = [_sd.atleast_1d(_sd.asarray(p, dtype="float32"))
                  for p in (angle, translate_x, translate_y, scale, shear_x, shear_y)]
    matrix = _inverse_affine_matrix(0.5 if center_x is None else center_x, 0.5 if center_y is None else center_y,
                                    *parameters, height, width)
    boxes = boxes.astype(matrix.dtype)
    batch, count = boxes.shape[0], boxes.shape[1]
    x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
    points = _sd.reshape(_sd.stack([x1, y1, x2, y1, x2, y2, x1, y2], axis=-1), (batch, count, 4, 2))
    points = _sd.concatenate([points, _sd.ones((batch, count, 4, 1), dtype=points.dtype)], axis=-1)
    # NOTE: Keras applies the inverse matrix (the one its image warp samples with) to the corners.
    moved = _sd.einsum("bnxy,byz->bnxz", points, _sd.transpose(matrix[:, :2, :], (0, 2, 1)))
    outputs = _sd.concatenate([_sd.amin(moved, axis=2), _sd.amax(moved, axis=2)], axis=-1)
    return outputs[0] if unbatched else outputs


def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """Boxes in the coordinates of the crop at (`top`, `left`) of size `height` × `width`,
    clipped to it.

    Raises:
        NotImplementedError: for a format other than "xyxy", as Keras.
    """
    _require_xyxy(bounding_box_format, "crop")
    x1, y1, x2, y2 = _corners(_sd.asarray(boxes))
    return _sd.concatenate([_sd.clip(x1 - left, 0, width), _sd.clip(y1 - top, 0, height),
                            _sd.clip(x2 - left, 0, width), _sd.clip(y2 - top, 0, height)], axis=-1)


def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """Boxes shifted by `left` and `top`: their place after the image is padded by that
    much (height and width are accepted, as in Keras, and unused).

    Raises:
        NotImplementedError: for a format other than "xyxy", as Keras.
    """
    _require_xyxy(bounding_box_format, "pad")
    x1, y1, x2, y2 = _corners(_sd.asarray(boxes))
    return _sd.concatenate([x1 + left, y1 + top, x2 + left, y2 + top], axis=-1)
