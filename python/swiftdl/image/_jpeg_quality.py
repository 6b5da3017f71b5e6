"""tf.image.adjust_jpeg_quality and its random forms: an image passed through JPEG
encoding at a quality and decoded again (a compression-artifact augmentation)."""
import numpy as np

from ..errors import InvalidArgumentError
from ._common import convert_image_dtype, to_tensor


def adjust_jpeg_quality(image, jpeg_quality, dct_method="", name=None):
    """The 3-D image (1 or 3 channels) re-encoded as a JPEG of quality 0-100 and decoded,
    in its own dtype (floats go through uint8 as TensorFlow converts them).

    Raises:
        InvalidArgumentError: for an image that is not 3-D with 1 or 3 channels, or a
            quality outside 0-100.
    """
    from ..io._image_codecs import decode_jpeg, encode_jpeg
    x = to_tensor(image)
    if x.ndim != 3 or x.shape[-1] not in (1, 3):
        raise InvalidArgumentError(None, None, f"adjust_jpeg_quality: image must be 3-dimensional with 1 or 3 "
                                   f"channels; received shape {tuple(x.shape)}")
    quality = int(np.asarray(jpeg_quality))
    if not 0 <= quality <= 100:
        raise InvalidArgumentError(None, None, f"adjust_jpeg_quality: jpeg_quality must be in [0, 100]; received "
                                   f"{quality}")
    original = x.dtype
    pixels = np.asarray(convert_image_dtype(x, "uint8", saturate=True))
    decoded = decode_jpeg(encode_jpeg(pixels, quality=quality), channels=pixels.shape[-1])
    return convert_image_dtype(decoded, original.name, saturate=True)


def _quality_range(min_jpeg_quality, max_jpeg_quality, op):
    low, high = int(min_jpeg_quality), int(max_jpeg_quality)
    if not 0 <= low < high <= 100:
        raise ValueError(f"[{op}] jpeg quality must satisfy 0 <= min < max <= 100; received {low}, {high}")
    return low, high


def random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed=None):
    """adjust_jpeg_quality at a quality drawn uniformly from [min, max)."""
    from .._tf_random import uniform
    low, high = _quality_range(min_jpeg_quality, max_jpeg_quality, "random_jpeg_quality")
    quality = int(np.asarray(uniform([], low, high, dtype="int32", seed=seed)))
    return adjust_jpeg_quality(image, quality)


def stateless_random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed):
    """random_jpeg_quality with the quality fixed by the integer pair `seed`."""
    from .._tf_random import stateless_uniform
    low, high = _quality_range(min_jpeg_quality, max_jpeg_quality, "stateless_random_jpeg_quality")
    quality = int(np.asarray(stateless_uniform([], seed, low, high, dtype="int32")))
    return adjust_jpeg_quality(image, quality)
