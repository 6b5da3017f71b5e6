"""keras.ops.image map_coordinates, affine_transform and perspective_transform: sampling at
computed coordinates (nearest or linear) with scipy.ndimage's fill modes. affine_transform
runs the engine's one-pass kernel (differentiable in the images); map_coordinates,
elastic_transform and a transform that needs its own gradient compose gathers and weighted
sums on the engine (differentiable in the image values and the coordinates)."""
import itertools

import numpy as np

import swiftdl as sd
from swiftdl import _C

from ._convert import tensor
from .image_common import check_rank, compute_dtype, data_format_of, to_nhwc

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _round_half_away(c):
    """Nearest integer, ties away from zero (jax.scipy.ndimage's rule for order 0)."""
    return (sd.sign(c) * sd.floor(sd.absolute(c) + 0.5)).astype("int64")


def _fold(index, size, fill_mode):
    """Integer positions mapped into [0, size) by the fill mode, and a validity mask
    (False only for 'constant' outside)."""
    if fill_mode == "constant":
        valid = sd.logical_and(sd.greater_equal(index, 0), sd.less(index, size))
        return sd.minimum(sd.maximum(index, 0), size - 1), valid
    if fill_mode == "nearest":
        return sd.minimum(sd.maximum(index, 0), size - 1), None
    if fill_mode == "wrap":
        return sd.remainder(index, size), None
    if fill_mode == "mirror":  # ... c b | a b c d | c b ...
        if size == 1:
            return sd.zeros_like(index), None
        period = 2 * (size - 1)
        folded = sd.remainder(index, period)
        return sd.where(sd.greater_equal(folded, size), period - folded, folded), None
    period = 2 * size  # reflect: ... b a | a b c d | d c ...
    folded = sd.remainder(index, period)
    return sd.where(sd.greater_equal(folded, size), period - 1 - folded, folded), None


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0.0):
    """inputs sampled at `coordinates` (one leading row per input axis), with nearest
    (order 0) or linear (order 1) interpolation."""
    inputs = tensor(inputs)
    coordinates = tensor(coordinates)
    if coordinates.ndim < 2:
        raise ValueError(f"[map_coordinates] Invalid coordinates rank: expected at least rank 2. Received input with "
                         f"shape: {tuple(coordinates.shape)}")
    if coordinates.shape[0] != inputs.ndim:
        raise ValueError(f"[map_coordinates] First dim of `coordinates` must be the same as the rank of `inputs`. "
                         f"Received inputs with shape: {tuple(inputs.shape)} and coordinate leading dim of "
                         f"{coordinates.shape[0]}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"[map_coordinates] Invalid value for argument `fill_mode`. Expected one of {set(FILL_MODES)}. "
                         f"Received: fill_mode={fill_mode}")
    if order not in (0, 1):
        raise ValueError(f"[map_coordinates] Invalid value for argument `order`. Expected one of [0, 1]. Received: "
                         f"order={order}")
    dtype = compute_dtype(inputs.dtype)
    values = sd.reshape(inputs.astype(dtype), (-1,))
    coordinates = coordinates.astype(dtype)
    strides = np.cumprod((1,) + tuple(reversed(inputs.shape[1:])))[::-1].tolist()
    corners = []
    for axis in range(inputs.ndim):
        c = coordinates[axis]
        if order == 0:
            corners.append([(_round_half_away(c), None)])
        else:
            low = sd.floor(c)
            fraction = c - low
            low = low.astype("int64")
            corners.append([(low, 1.0 - fraction), (low + 1, fraction)])
    result = None
    for choice in itertools.product(*corners):
        offset = sd.zeros((), "int64")
        weight = None
        valid = None
        for axis, (index, w) in enumerate(choice):
            folded, inside = _fold(index, inputs.shape[axis], fill_mode)
            offset = offset + folded * int(strides[axis])
            if w is not None:
                weight = w if weight is None else weight * w
            if inside is not None:
                valid = inside if valid is None else sd.logical_and(valid, inside)
        sample = sd.reshape(sd.take(values, sd.reshape(offset, (-1,))), offset.shape)
        if valid is not None:
            sample = sd.where(valid, sample, sd.full((), fill_value, dtype))
        term = sample if weight is None else sample * weight
        result = term if result is None else result + term
    return result.astype(inputs.dtype) if inputs.dtype.kind == "f" else sd.rint(result).astype(inputs.dtype)


def _sample_nhwc(x, rows, cols, interpolation, fill_mode, fill_value):
    """x (N, H, W, C) sampled at per-image rows and cols (N, H', W')."""
    n, height, width, channels = x.shape
    batch = sd.reshape(sd.arange(n, dtype="int64"), (n, 1, 1))
    flat = sd.reshape(x, (-1, channels))
    taps = [(_round_half_away(rows), _round_half_away(cols), None)]
    if interpolation == "bilinear":
        r0, c0 = sd.floor(rows), sd.floor(cols)
        fr, fc = rows - r0, cols - c0
        r0, c0 = r0.astype("int64"), c0.astype("int64")
        taps = [(r0, c0, (1.0 - fr) * (1.0 - fc)), (r0, c0 + 1, (1.0 - fr) * fc),
                (r0 + 1, c0, fr * (1.0 - fc)), (r0 + 1, c0 + 1, fr * fc)]
    result = None
    for r, c, weight in taps:
        fr_, valid_r = _fold(r, height, fill_mode)
        fc_, valid_c = _fold(c, width, fill_mode)
        index = (batch * height + fr_) * width + fc_
        sample = sd.reshape(sd.take(flat, sd.reshape(index, (-1,)), axis=0), tuple(index.shape) + (channels,))
        if valid_r is not None:
            sample = sd.where(sd.expand_dims(sd.logical_and(valid_r, valid_c), -1), sample,
                              sd.full((), fill_value, sample.dtype))
        term = sample if weight is None else sample * sd.expand_dims(weight, -1)
        result = term if result is None else result + term
    return result


def _check(interpolation, fill_mode, op):
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"[{op}] Invalid value for argument `interpolation`. Expected of one {{'nearest', 'bilinear'}}. "
                         f"Received: interpolation={interpolation}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"[{op}] Invalid value for argument `fill_mode`. Expected of one {set(FILL_MODES)}. Received: "
                         f"fill_mode={fill_mode}")


def _grid(height, width, dtype):
    ys = sd.reshape(sd.arange(height, dtype=dtype), (1, height, 1))
    xs = sd.reshape(sd.arange(width, dtype=dtype), (1, 1, width))
    return ys, xs


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Samples each output pixel (x, y) at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k),
    k = c0 x + c1 y + 1, for transform [a0, a1, a2, b0, b1, b2, c0, c1] (one per image or
    one for all)."""
    # Under a recording tape a tensor transform may need its own gradient: the composed
    # sampling gives it; the engine's one-pass kernel is differentiable in the images only.
    differentiable_transform = isinstance(transform, (sd.Tensor, sd.Variable)) and _C.is_recording()
    return transform_images(images, transform, interpolation, fill_mode, fill_value, data_format,
                            differentiable_transform)


def transform_images(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None, differentiable_transform=False):
    """affine_transform's work; the image layers call it with transforms drawn at random
    (constants), so it runs the engine's one-pass kernel even under a tape."""
    _check(interpolation, fill_mode, "affine_transform")
    original = tensor(images)
    check_rank(original, "affine_transform")
    dtype = compute_dtype(original.dtype)
    transform = tensor(transform, dtype)
    if transform.ndim not in (1, 2) or transform.shape[-1] != 8:
        raise ValueError(f"[affine_transform] Invalid transform: expected shape (8,) or (batch, 8). Received input "
                         f"with shape: transform.shape={tuple(transform.shape)}")
    if transform.ndim == 1:
        transform = sd.reshape(transform, (1, 8))
    if differentiable_transform:
        return _composed_affine_transform(original, transform, interpolation, fill_mode, fill_value, data_format)
    batch = original if original.ndim == 4 else sd.expand_dims(original, 0)
    if transform.shape[0] not in (1, batch.shape[0]):
        raise ValueError(f"[affine_transform] Invalid transform: expected one row or one per image "
                         f"({batch.shape[0]}). Received input with shape: transform.shape={tuple(transform.shape)}")
    out = _C.image_affine_transform(batch.astype(dtype), transform, interpolation == "bilinear",
                                    FILL_MODES.index(fill_mode), float(fill_value),
                                    data_format_of(data_format) == "channels_first")
    out = out if original.ndim == 4 else out[0]
    return out.astype(original.dtype) if original.dtype.kind == "f" else sd.rint(out).astype(original.dtype)


def _composed_affine_transform(original, transform, interpolation, fill_mode, fill_value, data_format):
    """affine_transform from engine primitives: differentiable in the transform too."""
    x, restore = to_nhwc(original, data_format, "affine_transform")
    dtype = compute_dtype(original.dtype)
    x = x.astype(dtype)
    t = [sd.reshape(transform[:, i], (-1, 1, 1)) for i in range(8)]
    ys, xs = _grid(x.shape[1], x.shape[2], dtype)
    k = t[6] * xs + t[7] * ys + 1.0
    cols = (t[0] * xs + t[1] * ys + t[2]) / k
    rows = (t[3] * xs + t[4] * ys + t[5]) / k
    rows = sd.broadcast_to(rows, (x.shape[0],) + tuple(rows.shape[1:]))
    cols = sd.broadcast_to(cols, rows.shape)
    out = _sample_nhwc(x, rows, cols, interpolation, fill_mode, fill_value)
    return restore(out.astype(original.dtype) if original.dtype.kind == "f" else sd.rint(out).astype(original.dtype))


def _homography(start_points, end_points, dtype):
    """The 8 coefficients mapping end points to start points (solve of an 8×8 system)."""
    from .linalg_elimination import solve
    start = tensor(start_points, dtype)
    end = tensor(end_points, dtype)
    if start.ndim == 2:
        start, end = sd.expand_dims(start, 0), sd.expand_dims(end, 0)
    rows = []
    targets = []
    one, zero = sd.ones(start.shape[:1], dtype), sd.zeros(start.shape[:1], dtype)
    for i in range(4):
        xs, ys = end[:, i, 0], end[:, i, 1]
        xt, yt = start[:, i, 0], start[:, i, 1]
        rows.append(sd.stack([xs, ys, one, zero, zero, zero, -xs * xt, -ys * xt], axis=-1))
        rows.append(sd.stack([zero, zero, zero, xs, ys, one, -xs * yt, -ys * yt], axis=-1))
        targets.extend([xt, yt])
    return solve(sd.stack(rows, axis=-2), sd.stack(targets, axis=-1))


def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Warps images so that start_points (4 corners, (x, y)) land on end_points."""
    _check(interpolation, "constant", "perspective_transform")
    original = tensor(images)
    dtype = compute_dtype(original.dtype)
    coefficients = _homography(start_points, end_points, dtype)
    return transform_images(original, coefficients, interpolation, "constant", fill_value, data_format,
                            differentiable_transform=_C.is_recording())


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                      seed=None, data_format=None):
    """Elastic deformation: each pixel samples the image at its position plus alpha times a
    Gaussian-smoothed (sigma) field of normal noise scaled by sigma, per image.

    NOTE: as Keras 3.15 does, one noise field serves both directions (its two draws share
    one seed), so pixels move along the diagonal; distributions match Keras, bits do not.
    """
    _check(interpolation, fill_mode, "elastic_transform")
    from ..random import normal
    from .image_filters import gaussian_blur
    original = tensor(images)
    x, restore = to_nhwc(original, data_format, "elastic_transform")
    dtype = compute_dtype(original.dtype)
    x = x.astype(dtype)
    n, height, width, _ = x.shape
    sigma_value, alpha_value = float(sigma), float(alpha)
    size = int(6 * sigma_value) | 1
    noise = normal((n, height, width, 1), dtype=dtype, seed=seed) * sigma_value
    field = gaussian_blur(noise, kernel_size=(size, size), sigma=(sigma_value, sigma_value),
                          data_format="channels_last")[..., 0] * alpha_value
    ys, xs = _grid(height, width, dtype)
    out = _sample_nhwc(x, ys + field, xs + field, interpolation, fill_mode, fill_value)
    return restore(out.astype(original.dtype) if original.dtype.kind == "f" else sd.rint(out).astype(original.dtype))
