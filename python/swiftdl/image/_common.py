"""Shared helpers of tf.image: operand conversion, rank checks and convert_image_dtype."""
import numpy as np

from .. import _ops
from .._convert import TensorBase
from .._tf_cast import convert_to_tensor, saturate_cast
from .._tf_dtypes import numpy_dtype
from ..errors import raises_tf_errors


def to_tensor(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


def check_image(image, op, ranks=(3, 4), name="image"):
    """Raises TensorFlow's ValueError when `image` has not one of `ranks` dimensions."""
    if image.ndim not in ranks:
        wanted = " or ".join(str(r) for r in ranks)
        raise ValueError(f"[{op}] '{name}' must have rank {wanted} ((batch,) height, width, channels); received "
                         f"shape {tuple(image.shape)}")
    return image


def check_at_least_3d(image, op, name="image"):
    if image.ndim < 3:
        raise ValueError(f"[{op}] '{name}' must be at least three-dimensional (..., height, width, channels); "
                         f"received shape {tuple(image.shape)}")
    return image


def dtype_max(dtype):
    return np.finfo(dtype).max if dtype.kind == "f" else np.iinfo(dtype).max


def to_float(image):
    """float32 pixels (integers scaled into [0, 1]); float16/32/64 images as they are."""
    return image if image.dtype.kind == "f" else convert_image_dtype(image, np.float32)


@raises_tf_errors
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts `image` to `dtype`, rescaling the values (tf.image.convert_image_dtype).

    Floats are taken to lie in [0, 1) and integers in [0, MAX]: an integer image becomes
    float as image / MAX, a float image becomes integer as image · (MAX + 0.5) truncated;
    integers of different widths are shifted; floats of different widths are only cast.

    Args:
        image: a tensor of pixels.
        dtype: the wanted dtype.
        saturate: clip before casting to an integer dtype, so that out-of-range values do
            not wrap around.
        name: accepted for TensorFlow's signature.

    Returns:
        The image in `dtype`.

    Raises:
        AttributeError: when `dtype` is neither a float nor an integer dtype (TensorFlow's error).
    """
    image = to_tensor(image)
    target = numpy_dtype(dtype)
    if target.kind not in "fiu":
        raise AttributeError(f"[convert_image_dtype] dtype must be a float or integer dtype; received {target.name}")
    source = image.dtype
    if source == target:
        return image
    if source.kind in "iu" and target.kind in "iu":
        scale_in, scale_out = int(dtype_max(source)), int(dtype_max(target))
        if scale_in > scale_out:
            scaled = _ops.floor_divide(image, (scale_in + 1) // (scale_out + 1))
            return saturate_cast(scaled, target) if saturate else scaled.astype(target)
        return image.astype(target) * ((scale_out + 1) // (scale_in + 1))
    if source.kind == "f" and target.kind == "f":
        return image.astype(target)
    if source.kind in "iu":   # integer to float: multiply by 1 / MAX, as TensorFlow does
        return image.astype(target) * float(1.0 / dtype_max(source))
    scaled = image * (float(dtype_max(target)) + 0.5)
    return saturate_cast(scaled, target) if saturate else scaled.astype(target)


def restore_dtype(image, dtype):
    """A float result converted back to the input's dtype, saturating (TensorFlow's rule)."""
    return image if image.dtype == dtype else convert_image_dtype(image, dtype, saturate=True)
