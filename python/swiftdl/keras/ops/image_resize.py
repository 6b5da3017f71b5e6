"""keras.ops.image resize and scale_and_translate: separable resampling, one weight matrix
per spatial axis (jax.image.scale_and_translate's kernels and half-pixel sampling, as
Keras's backends use). resize's weights depend only on the sizes: they are computed once
in numpy and applied by the engine's banded per-axis resampler (reads only each output
pixel's few taps; differentiable in the images). scale_and_translate, whose scale and
translation may be tensors, builds its weights from engine ops and applies them by matmul."""
import functools
import math

import numpy as np

import swiftdl as sd
from swiftdl import _C

from ._convert import tensor
from .image_common import check_rank, data_format_of

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")
_METHODS = {"linear": "linear", "bilinear": "linear", "trilinear": "linear", "triangle": "linear",
            "cubic": "cubic", "bicubic": "cubic", "tricubic": "cubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


def _kernel(method, x):
    """The resampling kernel at distances x >= 0."""
    if method == "linear":
        return sd.maximum(1.0 - x, 0.0)
    if method == "cubic":
        near = ((1.5 * x - 2.5) * x) * x + 1.0
        far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
        return sd.where(sd.greater_equal(x, 2.0), sd.zeros((), x.dtype), sd.where(sd.greater_equal(x, 1.0), far, near))
    radius = 3.0 if method == "lanczos3" else 5.0
    safe = sd.where(sd.greater(x, 1e-3), x, sd.ones((), x.dtype))
    y = radius * sd.sin(math.pi * safe) * sd.sin(math.pi * safe / radius) / (math.pi ** 2 * sd.square(safe))
    y = sd.where(sd.greater(x, 1e-3), y, sd.ones((), x.dtype))
    return sd.where(sd.greater(x, radius), sd.zeros((), x.dtype), y)


def _weights(input_size, output_size, scale, translation, method, antialias, dtype):
    """(input_size, output_size) weights: column j resamples output pixel j."""
    scale = tensor(scale, "float64")
    translation = tensor(translation, "float64")
    inverse = 1.0 / scale
    kernel_scale = sd.maximum(inverse, 1.0) if antialias else sd.ones((), "float64")
    sample = (sd.arange(output_size, dtype="float64") + 0.5) * inverse - translation * inverse - 0.5
    distance = sd.absolute(sd.reshape(sample, (1, -1)) - sd.reshape(sd.arange(input_size, dtype="float64"), (-1, 1)))
    weights = _kernel(method, distance / kernel_scale)
    total = sd.sum(weights, axis=0, keepdims=True)
    weights = sd.where(sd.greater(sd.absolute(total), 1000.0 * 1.1920929e-07),
                       weights / sd.where(sd.equal(total, 0.0), sd.ones((), "float64"), total), sd.zeros((), "float64"))
    inside = sd.logical_and(sd.greater_equal(sample, -0.5), sd.less_equal(sample, input_size - 0.5))
    return sd.where(sd.reshape(inside, (1, -1)), weights, sd.zeros((), "float64")).astype(dtype)


def _numpy_kernel(method, x):
    """_kernel in numpy (the same formulas), for weights computed on the host."""
    if method == "linear":
        return np.maximum(1.0 - x, 0.0)
    if method == "cubic":
        near = ((1.5 * x - 2.5) * x) * x + 1.0
        far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
        return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))
    radius = 3.0 if method == "lanczos3" else 5.0
    safe = np.where(x > 1e-3, x, 1.0)
    y = radius * np.sin(math.pi * safe) * np.sin(math.pi * safe / radius) / (math.pi ** 2 * np.square(safe))
    return np.where(x > radius, 0.0, np.where(x > 1e-3, y, 1.0))


@functools.lru_cache(maxsize=64)
def _resize_weights(input_size, output_size, method, antialias, dtype):
    """_weights for resize (scale output / input, no translation), as a cached engine tensor."""
    inverse = 1.0 / (output_size / input_size)
    kernel_scale = max(inverse, 1.0) if antialias else 1.0
    sample = (np.arange(output_size, dtype=np.float64) + 0.5) * inverse - 0.0 * inverse - 0.5
    distance = np.abs(sample[None, :] - np.arange(input_size, dtype=np.float64)[:, None])
    weights = _numpy_kernel(method, distance / kernel_scale)
    total = weights.sum(axis=0, keepdims=True)
    weights = np.where(np.abs(total) > 1000.0 * 1.1920929e-07, weights / np.where(total == 0.0, 1.0, total), 0.0)
    inside = (sample >= -0.5) & (sample <= input_size - 0.5)
    return sd.asarray(np.where(inside[None, :], weights, 0.0).astype(dtype))


def _resample(x, output_shape, spatial_dims, scales, translations, method, antialias):
    integer = x.dtype.kind in "iub"
    out = x.astype("float32") if integer else x
    for d, scale, translation in zip(spatial_dims, scales, translations):
        d = d % x.ndim
        weights = _weights(x.shape[d], output_shape[d], scale, translation, method, antialias, out.dtype.name)
        out = sd.moveaxis(sd.matmul(sd.moveaxis(out, d, -1), weights), -1, d)
    return _round_like(out, x) if integer else out


def _round_like(out, x):
    """Resampled integer images rounded and kept within the input's own value range."""
    return sd.minimum(sd.maximum(sd.rint(out), float(sd.min(x))), float(sd.max(x))).astype(x.dtype)


def _resize_axes(x, output_shape, dims, method, antialias):
    """resize's separable pass: each axis in `dims` through its cached weights."""
    integer = x.dtype.kind in "iub"
    out = x.astype("float32") if integer else x
    weights = [_resize_weights(x.shape[d], output_shape[d], method, bool(antialias), out.dtype.name) for d in dims]
    if len(dims) == 2:  # height and width in one pass, without the intermediate image
        out = _C.image_resample_2d(out, dims[0], weights[0], weights[1])
    elif dims:
        out = _C.image_resample_axis(out, dims[0], weights[0])
    return _round_like(out, x) if integer else out


@functools.lru_cache(maxsize=64)
def _nearest_offsets(input_size, output_size):
    """The input pixel each output pixel copies: floor((j + 0.5) · in / out), in float32 as
    Keras's backends compute it."""
    sample = (np.arange(output_size, dtype=np.float32) + np.float32(0.5)) * np.float32(input_size / output_size)
    return np.minimum(np.floor(sample).astype(np.int64), input_size - 1)


@functools.lru_cache(maxsize=64)
def _nearest_weights(input_size, output_size, dtype):
    """_nearest_offsets as one-hot resampling weights, a cached engine tensor."""
    weights = np.zeros((input_size, output_size), dtype)
    weights[_nearest_offsets(input_size, output_size), np.arange(output_size)] = 1.0
    return sd.asarray(weights)


def _nearest(x, output_shape, dims):
    """Nearest-neighbour resize of the axes in `dims`. Float images take the banded resampler
    with one-hot weights, both axes in one pass: each output is its pixel times 1.0, so the
    values are exactly the copies a gather makes (NaN, infinities and -0.0 included), and the
    gradient sums the same upstream values. Integer images are gathered."""
    if x.dtype.kind == "f" and len(dims) == 2:
        weights = [_nearest_weights(x.shape[d], output_shape[d], x.dtype.name) for d in dims]
        return _C.image_resample_2d(x, dims[0], weights[0], weights[1])
    if x.dtype.kind == "f" and dims:
        return _C.image_resample_axis(x, dims[0], _nearest_weights(x.shape[dims[0]], output_shape[dims[0]],
                                                                   x.dtype.name))
    for d in dims:
        x = sd.take(x, sd.asarray(_nearest_offsets(x.shape[d], output_shape[d])), axis=d)
    return x


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resizes images (3-D or 4-D) to size=(height, width)."""
    data_format = data_format_of(data_format)
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(f"[resize] Invalid value for argument `interpolation`. Expected of one "
                         f"{RESIZE_INTERPOLATIONS}. Received: interpolation={interpolation}")
    if fill_mode != "constant":
        raise ValueError(f"[resize] Invalid value for argument `fill_mode`. Only `'constant'` is supported. "
                         f"Received: fill_mode={fill_mode}")
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("[resize] Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.")
    if len(size) != 2:
        raise ValueError(f"[resize] Argument `size` must be a tuple of two elements (height, width). Received: size={size}")
    images = tensor(images)
    check_rank(images, "resize")
    target_height, target_width = (int(s) for s in size)
    if target_height <= 0 or target_width <= 0:
        raise ValueError(f"[resize] Argument `size` must be two positive integers (height, width). Received: "
                         f"size={size}")
    h_axis = images.ndim - 3 if data_format == "channels_last" else images.ndim - 2
    height, width = images.shape[h_axis], images.shape[h_axis + 1]
    if crop_to_aspect_ratio:
        crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
        crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
        top, left = int(float(height - crop_height) / 2), int(float(width - crop_width) / 2)
        key = [slice(None)] * images.ndim
        key[h_axis], key[h_axis + 1] = slice(top, top + crop_height), slice(left, left + crop_width)
        images = images[tuple(key)]
    elif pad_to_aspect_ratio:
        pad_height = max(height, int(float(width * target_height) / target_width))
        pad_width = max(width, int(float(height * target_width) / target_height))
        top, left = int(float(pad_height - height) / 2), int(float(pad_width - width) / 2)
        axis, amount = (h_axis, top) if top > 0 else (h_axis + 1, left)
        if amount > 0:
            shape = list(images.shape)
            shape[axis] = amount
            block = sd.full(shape, fill_value, images.dtype.name)
            images = sd.concatenate([block, images, block], axis=axis)
    output_shape = list(images.shape)
    output_shape[h_axis], output_shape[h_axis + 1] = target_height, target_width
    dims = [d for d in (h_axis, h_axis + 1) if images.shape[d] != output_shape[d]]
    if 0 in images.shape[h_axis:h_axis + 2]:
        raise ValueError(f"[resize] Input images must have a non-zero height and width. Received input with shape: "
                         f"images.shape={tuple(images.shape)}")
    if interpolation == "nearest":
        return _nearest(images, output_shape, dims)
    return _resize_axes(images, output_shape, dims, _METHODS[interpolation], antialias)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    """jax.image.scale_and_translate: resamples `spatial_dims` to output_shape, mapping output
    pixel centres through (x + 0.5) / scale - translation / scale - 0.5."""
    if method not in _METHODS or method == "triangle":
        raise ValueError(f"[scale_and_translate] Invalid value for argument `method`. Expected of one "
                         f"{set(m for m in _METHODS if m != 'triangle')}. Received: method={method}")
    images = tensor(images)
    scale, translation = tensor(scale, "float64"), tensor(translation, "float64")
    dims = list(spatial_dims)
    return _resample(images, list(output_shape), dims, [scale[i] for i in range(len(dims))],
                     [translation[i] for i in range(len(dims))], _METHODS[method], antialias)
