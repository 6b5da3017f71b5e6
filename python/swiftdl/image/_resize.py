"""tf.image.resize and resize_with_pad: every ResizeMethod as one weight matrix per spatial
axis applied by the engine's banded per-axis resampler (nearest as a gather), which reads
only each output pixel's few taps and is differentiable in the images.

The weights follow TensorFlow's kernels: bilinear without antialiasing is ResizeBilinear
with half-pixel centres, which equals ScaleAndTranslate's triangle kernel renormalised at
the borders; bicubic without antialiasing is ResizeBicubic's tabulated Keys kernel (with
it, ScaleAndTranslate's Keys cubic); lanczos3/5, gaussian and mitchellcubic are
ScaleAndTranslate's kernels (widened by 1/scale when antialias and downsampling); area is
ResizeArea's box average. The weights depend only on the sizes, so
they are computed once on the host; the pixels go through engine ops only."""
import functools
import math
import operator

import numpy as np

from .. import _C, _creation, _shape
from ..errors import InvalidArgumentError, raises_tf_errors
from ._common import check_image, to_tensor
from ._geometry import pad_to_bounding_box


class ResizeMethod:
    """The names of tf.image.resize's methods (tf.image.ResizeMethod)."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _keys_cubic(x):
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


def _lanczos(radius):
    def kernel(x):
        safe = np.where(x < 1e-3, 1.0, x)
        value = radius * np.sin(math.pi * safe) * np.sin(math.pi * safe / radius) / (math.pi ** 2 * safe * safe)
        return np.where(x > radius, 0.0, np.where(x < 1e-3, 1.0, value))
    return kernel


def _mitchell(x):
    far = (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    near = (((7.0 / 6.0) * x - 2.0) * x) * x + 8.0 / 9.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


# ScaleAndTranslate's kernels of the distance |x| (gaussian: sigma 0.5, radius 3 sigma).
_KERNELS = {
    "triangle": lambda x: np.maximum(1.0 - x, 0.0),
    "keyscubic": _keys_cubic,
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
    "gaussian": lambda x: np.where(x >= 1.5, 0.0, np.exp(-2.0 * x * x)),
    "mitchellcubic": _mitchell,
}


def _kernel_weights(in_size, out_size, kernel, antialias):
    """(in_size, out_size) weights of ScaleAndTranslate: column j resamples output pixel j."""
    # float32 as TensorFlow computes them: a sample landing 1e-7 inside a kernel's radius
    # (6 -> 9 pixels: 1.5 · 0.6666667) takes a tap that exact arithmetic would not.
    inverse = np.float32(1.0) / (np.float32(out_size) / np.float32(in_size))
    kernel_scale = max(inverse, np.float32(1.0)) if antialias else np.float32(1.0)
    sample = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * inverse
    distance = np.abs(np.arange(in_size, dtype=np.float32)[:, None] + np.float32(0.5) - sample[None, :])
    weights = _KERNELS[kernel]((distance * (np.float32(1.0) / kernel_scale)).astype(np.float64))
    total = weights.sum(axis=0, keepdims=True)
    usable = np.abs(total) >= 1000.0 * np.finfo(np.float32).tiny
    return np.where(usable, weights / np.where(usable, total, 1.0), 0.0)


def _bicubic_weights(in_size, out_size):
    """ResizeBicubic's weights (half-pixel centres): four taps around each sample, the Keys
    kernel read from TensorFlow's 1024-entry table (the fraction rounded to 1/1024), taps
    outside the image dropped and the rest renormalised."""
    scale = np.float32(in_size) / np.float32(out_size)
    sample = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    base = np.floor(sample)
    fraction = np.rint((sample - base).astype(np.float64) * 1024.0) / 1024.0
    weights = np.zeros((in_size, out_size))
    columns = np.arange(out_size)
    for offset in (-1, 0, 1, 2):   # the four taps, each a vectorised scatter over the outputs
        index = base.astype(np.int64) + offset
        inside = (index >= 0) & (index < in_size)
        value = _keys_cubic(np.abs(fraction - offset))
        weights[index[inside], columns[inside]] += value[inside]
    return weights / weights.sum(axis=0, keepdims=True)


def _area_weights(in_size, out_size):
    """ResizeArea's box average: output pixel j covers [j·s, (j+1)·s) of the input, s = in / out;
    a sliver past the last pixel (float32 rounding) counts for the last pixel, as in TensorFlow."""
    scale = np.float32(in_size) / np.float32(out_size)
    start = (np.arange(out_size, dtype=np.float32) * scale).astype(np.float64)
    stop = (np.arange(1, out_size + 1, dtype=np.float32) * scale).astype(np.float64)
    pixel = np.arange(max(in_size, int(math.ceil(stop.max()))))[:, None].astype(np.float64)
    overlap = np.maximum(np.minimum(pixel + 1.0, stop) - np.maximum(pixel, start), 0.0)
    weights = overlap[:in_size].copy()
    weights[-1] += overlap[in_size:].sum(axis=0)
    return weights / float(scale)


def _nearest_index(in_size, out_size):
    scale = np.float32(in_size) / np.float32(out_size)
    index = np.floor((np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale).astype(np.int64)
    return np.minimum(index, in_size - 1)


def _one_hot(index, in_size, dtype):
    """(in_size, len(index)) weights that copy input pixel index[j] to output j."""
    weights = np.zeros((in_size, len(index)), dtype)
    weights[index, np.arange(len(index))] = 1.0
    return weights


_METHODS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _size(size, op):
    values = np.asarray(size.numpy() if hasattr(size, "numpy") else size)
    if values.shape != (2,) or values.dtype.kind not in "iu":
        raise ValueError(f"[{op}] 'size' must be a 1-D int32 Tensor of 2 elements: new_height, new_width; "
                         f"received {size!r}")
    height, width = (operator.index(v) for v in values)
    if height <= 0 or width <= 0:
        raise InvalidArgumentError(None, None, f"[{op}] the output size must be positive; received "
                                   f"({height}, {width})")
    return height, width


def _resize_nhwc(x, height, width, method, antialias):
    """x (N, H, W, C) resized to (N, height, width, C)."""
    if x.shape[1] == 0 or x.shape[2] == 0:
        raise InvalidArgumentError(None, None, f"[resize] input image must be of non-zero size; received shape "
                                   f"{tuple(x.shape)}")
    if method == "nearest":
        indices = (_nearest_index(x.shape[1], height), _nearest_index(x.shape[2], width))
        if x.dtype.kind == "f":
            # One-hot weights: each output is its pixel times 1.0, exactly the gather's copy
            # (NaN, infinities and -0.0 included), both axes in one pass.
            return _C.image_resample_2d(x, 1, *(_creation.array(_one_hot(index, size, x.dtype.name))
                                                for index, size in zip(indices, x.shape[1:3])))
        x = _shape.take(x, _creation.array(indices[0]), axis=1)
        return _shape.take(x, _creation.array(indices[1]), axis=2)
    if x.dtype != np.float32:  # astype copies even to its own dtype: a third of the call
        x = x.astype("float32")
    # Height then width in one pass (the same sums as two per-axis passes).
    antialias = bool(antialias)
    return _C.image_resample_2d(x, 1, _axis_weights(x.shape[1], height, method, antialias),
                                _axis_weights(x.shape[2], width, method, antialias))


@functools.lru_cache(maxsize=64)
def _axis_weights(in_size, out_size, method, antialias):
    """One axis's float32 weights as an engine tensor, cached: they depend only on the sizes,
    and building them in numpy took a fifth of a call on 32 RGB images of 128²."""
    if method == "area":
        weights = _area_weights(in_size, out_size)
    elif method == "bicubic" and not antialias:
        weights = _bicubic_weights(in_size, out_size)
    else:
        kernel = {"bilinear": "triangle", "bicubic": "keyscubic"}.get(method, method)
        weights = _kernel_weights(in_size, out_size, kernel, antialias)
    return _creation.array(weights.astype("float32"))


@raises_tf_errors
def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False, antialias=False, name=None):
    """Resizes images to `size` (tf.image.resize).

    Args:
        images: (height, width, channels) or (batch, height, width, channels).
        size: (new_height, new_width).
        method: a `ResizeMethod` name: bilinear, nearest, bicubic, area, lanczos3,
            lanczos5, gaussian or mitchellcubic.
        preserve_aspect_ratio: scale both sides by the same factor so the result fits in
            `size`.
        antialias: widen the kernel when downsampling (not for nearest and area).
        name: accepted for TensorFlow's signature.

    Returns:
        float32 images, or images of the input's dtype for `nearest`.

    Raises:
        ValueError: for a bad rank, size or method.
    """
    images = check_image(to_tensor(images), "resize", name="images")
    method = getattr(method, "value", method)
    if method not in _METHODS:
        raise ValueError(f"[resize] Resize method is not implemented: {method!r}; expected one of {_METHODS}")
    height, width = _size(size, "resize")
    batched = images.ndim == 4
    x = images if batched else _shape.expand_dims(images, 0)
    if preserve_aspect_ratio:
        factor = min(np.float32(height) / np.float32(x.shape[1]), np.float32(width) / np.float32(x.shape[2]))
        height = int(np.rint(np.float32(factor) * np.float32(x.shape[1])))
        width = int(np.rint(np.float32(factor) * np.float32(x.shape[2])))
    out = _resize_nhwc(x, height, width, method, antialias)
    return out if batched else out[0]


@raises_tf_errors
def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR, antialias=False, name=None):
    """Resizes keeping the aspect ratio, then pads with zeros to the target size
    (tf.image.resize_with_pad). The result is float32 (nearest: the input's dtype)."""
    image = check_image(to_tensor(image), "resize_with_pad")
    if target_height <= 0 or target_width <= 0:
        raise ValueError(f"[resize_with_pad] target_height and target_width must be > 0; received "
                         f"{target_height}, {target_width}")
    height, width = np.float32(image.shape[-3]), np.float32(image.shape[-2])
    ratio = max(width / np.float32(target_width), height / np.float32(target_height))
    resized_height, resized_width = np.float32(height / ratio), np.float32(width / ratio)
    pad_top = max(0, int((np.float32(target_height) - resized_height) / np.float32(2)))
    pad_left = max(0, int((np.float32(target_width) - resized_width) / np.float32(2)))
    resized = resize(image, [int(np.floor(resized_height)), int(np.floor(resized_width))], method, antialias=antialias)
    return pad_to_bounding_box(resized, pad_top, pad_left, target_height, target_width)
