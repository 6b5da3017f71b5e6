"""tf.image's crops, pads, flips, rotations and patches (the random ones are in _random):
slices, gathers and zero padding over the height and width axes (-3, -2) of (batch,)
height, width, channels images."""
import operator

from .. import _shape
from .._numpy_arrangement import flip
from .._tf_array import pad
from ..errors import InvalidArgumentError, raises_tf_errors
from ._common import check_image, to_tensor


def _crop(image, top, left, height, width):
    return image[..., top:top + height, left:left + width, :]


def _require(condition, op, message, received):
    if not condition:
        raise ValueError(f"[{op}] {message}; received {received}")


@raises_tf_errors
def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The window of target_height x target_width whose top-left corner is at
    (offset_height, offset_width) (tf.image.crop_to_bounding_box).

    Raises:
        ValueError: for a bad rank, a negative offset, an empty target or a window
            reaching outside the image.
    """
    image = check_image(to_tensor(image), "crop_to_bounding_box")
    height, width = image.shape[-3], image.shape[-2]
    op = "crop_to_bounding_box"
    _require(offset_width >= 0, op, "offset_width must be >= 0", offset_width)
    _require(offset_height >= 0, op, "offset_height must be >= 0", offset_height)
    _require(target_width > 0, op, "target_width must be > 0", target_width)
    _require(target_height > 0, op, "target_height must be > 0", target_height)
    _require(width >= target_width + offset_width, op, "width must be >= target + offset",
             f"width {width}, target_width {target_width}, offset_width {offset_width}")
    _require(height >= target_height + offset_height, op, "height must be >= target + offset",
             f"height {height}, target_height {target_height}, offset_height {offset_height}")
    return _crop(image, offset_height, offset_width, target_height, target_width)


@raises_tf_errors
def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Zero-pads `image` to target_height x target_width, its top-left corner at
    (offset_height, offset_width) (tf.image.pad_to_bounding_box)."""
    image = check_image(to_tensor(image), "pad_to_bounding_box")
    height, width = image.shape[-3], image.shape[-2]
    bottom, right = target_height - offset_height - height, target_width - offset_width - width
    op = "pad_to_bounding_box"
    _require(offset_height >= 0, op, "offset_height must be >= 0", offset_height)
    _require(offset_width >= 0, op, "offset_width must be >= 0", offset_width)
    _require(right >= 0, op, "width must be <= target - offset",
             f"width {width}, target_width {target_width}, offset_width {offset_width}")
    _require(bottom >= 0, op, "height must be <= target - offset",
             f"height {height}, target_height {target_height}, offset_height {offset_height}")
    widths = [[0, 0]] * (image.ndim - 3) + [[offset_height, bottom], [offset_width, right], [0, 0]]
    return pad(image, widths)


@raises_tf_errors
def central_crop(image, central_fraction):
    """The central `central_fraction` (0, 1] of each side (tf.image.central_crop)."""
    image = check_image(to_tensor(image), "central_crop")
    if not 0.0 < central_fraction <= 1.0:
        raise ValueError(f"[central_crop] central_fraction must be within (0, 1]; received {central_fraction}")
    if central_fraction == 1.0:
        return image
    height, width = float(image.shape[-3]), float(image.shape[-2])
    top = int((height - height * central_fraction) / 2)
    left = int((width - width * central_fraction) / 2)
    return _crop(image, top, left, int(height) - 2 * top, int(width) - 2 * left)


@raises_tf_errors
def resize_with_crop_or_pad(image, target_height, target_width):
    """Centrally crops and/or zero-pads to target_height x target_width
    (tf.image.resize_with_crop_or_pad)."""
    image = check_image(to_tensor(image), "resize_with_crop_or_pad")
    op = "resize_with_crop_or_pad"
    _require(target_width > 0, op, "target_width must be > 0", target_width)
    _require(target_height > 0, op, "target_height must be > 0", target_height)
    height, width = image.shape[-3], image.shape[-2]
    cropped = _crop(image, max((height - target_height) // 2, 0), max((width - target_width) // 2, 0),
                    min(target_height, height), min(target_width, width))
    return pad_to_bounding_box(cropped, max((target_height - height) // 2, 0), max((target_width - width) // 2, 0),
                               target_height, target_width)


def _flip(image, axis, op):
    image = check_image(to_tensor(image), op)
    return flip(image, axis=axis)


@raises_tf_errors
def flip_left_right(image):
    """Reverses the width axis (tf.image.flip_left_right)."""
    return _flip(image, -2, "flip_left_right")


@raises_tf_errors
def flip_up_down(image):
    """Reverses the height axis (tf.image.flip_up_down)."""
    return _flip(image, -3, "flip_up_down")


@raises_tf_errors
def transpose(image, name=None):
    """Swaps the height and width axes (tf.image.transpose)."""
    image = check_image(to_tensor(image), "transpose")
    return _shape.swapaxes(image, -3, -2)


@raises_tf_errors
def rot90(image, k=1, name=None):
    """Rotates by k quarter turns counter-clockwise (tf.image.rot90)."""
    image = check_image(to_tensor(image), "rot90")
    k = operator.index(k) % 4
    if k == 1:
        return _shape.swapaxes(flip(image, axis=-2), -3, -2)
    if k == 2:
        return flip(image, axis=(-3, -2))
    if k == 3:
        return flip(_shape.swapaxes(image, -3, -2), axis=-2)
    return image


@raises_tf_errors
def extract_patches(images, sizes, strides, rates, padding, name=None):
    """Patches of sizes=[1, ph, pw, 1] every strides=[1, sh, sw, 1], dilated by
    rates=[1, rh, rw, 1], each flattened (row, column, channel) into the last axis:
    (batch, out_h, out_w, ph·pw·channels) (tf.image.extract_patches)."""
    images = check_image(to_tensor(images), "extract_patches", ranks=(4,), name="images")
    lists = {}
    for argument, value in (("sizes", sizes), ("strides", strides), ("rates", rates)):
        value = [operator.index(v) for v in value]
        if len(value) != 4 or value[0] != 1 or value[3] != 1 or min(value) < 1:
            raise InvalidArgumentError(None, None, f"[extract_patches] {argument} must be [1, rows, cols, 1] with "
                                       f"positive entries; received {value}")
        lists[argument] = value
    if str(padding).upper() not in ("VALID", "SAME"):
        raise ValueError(f"[extract_patches] padding must be 'VALID' or 'SAME'; received {padding!r}")
    from ..keras.ops.image_geometry import extract_patches as keras_extract_patches
    return keras_extract_patches(images, lists["sizes"][1:3], lists["strides"][1:3], lists["rates"][1:3],
                                 str(padding).lower(), data_format="channels_last")
