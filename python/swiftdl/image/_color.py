"""tf.image's colour functions: conversions between RGB, grayscale, HSV, YUV and YIQ, the
adjust_* photometric changes and per_image_standardization.

Integer images are converted to float32 in [0, 1] (convert_image_dtype), changed and
converted back with saturation, as TensorFlow does; float images are changed in their own
dtype (TensorFlow rounds float64 through float32 in the adjust_* kernels; here float64
stays float64). Everything is elementwise engine ops or a matmul over the channel axis, so
gradients reach the pixels and the factors."""
import numpy as np

from .. import _ops, _shape
from .._creation import array
from .._ops import matmul
from ..errors import raises_tf_errors
from ._common import check_at_least_3d, restore_dtype, to_float, to_tensor


def _channels(images, op, count=3):
    if images.ndim < 1 or images.shape[-1] != count:
        raise ValueError(f"[{op}] the last axis must hold {count} channels; received shape {tuple(images.shape)}")
    return images


def _mix(images, matrix):
    """images (..., 3) times a 3 x k matrix over the channel axis."""
    return matmul(images, array(np.asarray(matrix), dtype=images.dtype.name))


@raises_tf_errors
def rgb_to_grayscale(images, name=None):
    """0.2989 R + 0.5870 G + 0.1140 B, keeping a channel axis of size 1 and the dtype
    (tf.image.rgb_to_grayscale)."""
    images = _channels(to_tensor(images), "rgb_to_grayscale")
    gray = _mix(to_float(images), [[0.2989], [0.5870], [0.1140]])
    return restore_dtype(gray, images.dtype)


@raises_tf_errors
def grayscale_to_rgb(images, name=None):
    """Repeats the single channel three times (tf.image.grayscale_to_rgb)."""
    images = to_tensor(images)
    if images.ndim < 2 or images.shape[-1] != 1:
        raise ValueError(f"[grayscale_to_rgb] Last dimension of a grayscale image should be size 1 (rank >= 2); "
                         f"received shape {tuple(images.shape)}")
    return _shape.concatenate([images, images, images], axis=-1)


def _as_batch(images):
    """(..., 3) as (N, 1, 1, 3) for keras.ops's rank-4 colour functions."""
    return _shape.reshape(images, (-1, 1, 1, 3))


def _float_image(images, op):
    images = _channels(to_tensor(images), op)
    if images.dtype.kind != "f":
        raise TypeError(f"[{op}] images must be float16, float32 or float64; received {images.dtype.name}")
    return images


@raises_tf_errors
def rgb_to_hsv(images, name=None):
    """RGB in [0, 1] to hue, saturation, value in [0, 1] over the last axis (tf.image.rgb_to_hsv)."""
    from ..keras.ops.image_color import rgb_to_hsv as keras_rgb_to_hsv
    images = _float_image(images, "rgb_to_hsv")
    return _shape.reshape(keras_rgb_to_hsv(_as_batch(images), "channels_last"), tuple(images.shape))


def _fraction(x):
    """x mod 1 as x - floor(x): the engine's remainder records no gradient."""
    return x - _ops.floor(x)


@raises_tf_errors
def hsv_to_rgb(images, name=None):
    """Hue, saturation, value in [0, 1] to RGB over the last axis (tf.image.hsv_to_rgb)."""
    images = _float_image(images, "hsv_to_rgb")
    hue, saturation, value = images[..., 0], images[..., 1], images[..., 2]
    sector = _fraction(hue) * 6.0

    def ramp(t):
        return _ops.minimum(_ops.maximum(t, 0.0), 1.0)

    red = ramp(_ops.absolute(sector - 3.0) - 1.0)
    green = ramp(2.0 - _ops.absolute(sector - 2.0))
    blue = ramp(2.0 - _ops.absolute(sector - 4.0))
    return _shape.stack([value * (1.0 - saturation + saturation * c) for c in (red, green, blue)], axis=-1)


_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512], [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1.0, 1.0, 1.0], [0.0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0.0]]


@raises_tf_errors
def rgb_to_yuv(images):
    """RGB to YUV over the last axis (tf.image.rgb_to_yuv)."""
    return _mix(_float_image(images, "rgb_to_yuv"), _RGB_TO_YUV)


@raises_tf_errors
def yuv_to_rgb(images):
    """YUV to RGB over the last axis (tf.image.yuv_to_rgb)."""
    return _mix(_float_image(images, "yuv_to_rgb"), _YUV_TO_RGB)


_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617], [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1.0, 1.0, 1.0], [0.95598634, -0.27201283, -1.10674021], [0.6208248, -0.64720424, 1.70423049]]


@raises_tf_errors
def rgb_to_yiq(images):
    """RGB to YIQ over the last axis (tf.image.rgb_to_yiq)."""
    return _mix(_float_image(images, "rgb_to_yiq"), _RGB_TO_YIQ)


@raises_tf_errors
def yiq_to_rgb(images):
    """YIQ to RGB over the last axis (tf.image.yiq_to_rgb)."""
    return _mix(_float_image(images, "yiq_to_rgb"), _YIQ_TO_RGB)


def _factor(value, like):
    """A Python number as is; a tensor factor in the image's dtype (its gradient flows)."""
    return float(value) if isinstance(value, (int, float, np.number)) else to_tensor(value).astype(like.dtype.name)


@raises_tf_errors
def adjust_brightness(image, delta):
    """image + delta (tf.image.adjust_brightness); integer images in [0, 1] units."""
    image = to_tensor(image)
    flt = to_float(image)
    return restore_dtype(flt + _factor(delta, flt), image.dtype)


@raises_tf_errors
def adjust_contrast(images, contrast_factor):
    """(x - mean) · contrast_factor + mean, the mean of each channel over height and width
    (tf.image.adjust_contrast)."""
    images = check_at_least_3d(to_tensor(images), "adjust_contrast", name="images")
    flt = to_float(images)
    mean = _ops.mean(flt, axis=(-3, -2), keepdims=True)
    return restore_dtype((flt - mean) * _factor(contrast_factor, flt) + mean, images.dtype)


def _through_hsv(image, op, change):
    image = _channels(to_tensor(image), op)
    flt = to_float(image)
    hsv = rgb_to_hsv(flt)
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    hue, saturation = change(hue, saturation)
    return restore_dtype(hsv_to_rgb(_shape.stack([hue, saturation, value], axis=-1)), image.dtype)


@raises_tf_errors
def adjust_saturation(image, saturation_factor, name=None):
    """Scales the HSV saturation by saturation_factor, clipped to [0, 1]
    (tf.image.adjust_saturation)."""
    def change(hue, saturation):
        scaled = saturation * _factor(saturation_factor, saturation)
        return hue, _ops.minimum(_ops.maximum(scaled, 0.0), 1.0)
    return _through_hsv(image, "adjust_saturation", change)


@raises_tf_errors
def adjust_hue(image, delta, name=None):
    """Rotates the HSV hue by `delta` turns, delta in [-1, 1] (tf.image.adjust_hue)."""
    def change(hue, saturation):
        return _fraction(hue + _factor(delta, hue)), saturation
    return _through_hsv(image, "adjust_hue", change)


@raises_tf_errors
def adjust_gamma(image, gamma=1, gain=1):
    """gain · image ** gamma (tf.image.adjust_gamma); integer images in [0, 1] units.

    Raises:
        ValueError: when gamma is negative.
    """
    image = to_tensor(image)
    if isinstance(gamma, (int, float, np.number)) and gamma < 0:
        raise ValueError(f"[adjust_gamma] Gamma should be a non-negative real number; received {gamma}")
    flt = to_float(image)
    return restore_dtype(_ops.power(flt, _factor(gamma, flt)) * _factor(gain, flt), image.dtype)


@raises_tf_errors
def per_image_standardization(image):
    """(x - mean) / max(std, 1/sqrt(pixels)) per image, in float32
    (tf.image.per_image_standardization; integers are cast, not rescaled)."""
    image = check_at_least_3d(to_tensor(image), "per_image_standardization").astype("float32")
    pixels = int(np.prod(image.shape[-3:]))
    mean = _ops.mean(image, axis=(-3, -2, -1), keepdims=True)
    std = _ops.std(image, axis=(-3, -2, -1), keepdims=True)
    return (image - mean) / _ops.maximum(std, float(1.0 / np.sqrt(np.float32(pixels))))
