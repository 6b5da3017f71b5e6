"""tf.image's measures and derivatives: ssim, ssim_multiscale, psnr, image_gradients, sobel_edges and
total_variation, as sums of shifted slices of the images (exact, differentiable)."""
import math

import numpy as np

from .. import _ops, _shape
from .._creation import zeros
from .._tf_array import pad
from ..errors import raises_tf_errors
from ._common import check_at_least_3d, check_image, convert_image_dtype, dtype_max, to_tensor


def _same_shapes(first, second, op):
    if tuple(first.shape) != tuple(second.shape):
        raise ValueError(f"[{op}] the two images must have the same shape; received {tuple(first.shape)} and "
                         f"{tuple(second.shape)}")


def _float32_pair(img1, img2, max_val, op):
    """Both images as float32 in [0, 1] units (integers rescaled) and max_val in those units."""
    first = check_at_least_3d(to_tensor(img1), op, name="img1")
    second = check_at_least_3d(to_tensor(img2), op, name="img2")
    _same_shapes(first, second, op)
    if first.dtype.kind in "iu":
        max_val = max_val / float(dtype_max(first.dtype))
    return convert_image_dtype(first, "float32"), convert_image_dtype(second, "float32"), max_val


@raises_tf_errors
def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio 20·log10(max_val) - 10·log10(mse) per image (tf.image.psnr).

    Args:
        a, b: images of the same shape (..., height, width, channels).
        max_val: the dynamic range (255 for uint8 images, 1.0 for float images in [0, 1]).
    """
    first, second, max_val = _float32_pair(a, b, max_val, "psnr")
    mse = _ops.mean(_ops.square(first - second), axis=(-3, -2, -1))
    return 20.0 * math.log(max_val) / math.log(10.0) - (10.0 / math.log(10.0)) * _ops.log(mse)


def _blur(x, window):
    """Valid separable filtering of (N, H, W, C) by the 1-D window along H, then W."""
    size = len(window)
    rows = x.shape[1] - size + 1
    total = sum(x[:, i:i + rows] * float(w) for i, w in enumerate(window))
    columns = x.shape[2] - size + 1
    return sum(total[:, :, j:j + columns] * float(w) for j, w in enumerate(window))


def _ssim_parts(x, y, max_val, filter_size, filter_sigma, k1, k2, op):
    """(luminance·contrast-structure map, contrast-structure map) of (N, H, W, C) images."""
    height, width = x.shape[1], x.shape[2]
    if height < filter_size or width < filter_size:
        raise ValueError(f"[{op}] height and width must be >= filter_size {filter_size} at every scale; received "
                         f"{height} x {width}")
    coords = np.arange(filter_size, dtype=np.float64) - (filter_size - 1) / 2.0
    window = np.exp(-0.5 * coords * coords / float(filter_sigma) ** 2)
    window = window / window.sum()
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mean_x, mean_y = _blur(x, window), _blur(y, window)
    both = mean_x * mean_y * 2.0
    squares = _ops.square(mean_x) + _ops.square(mean_y)
    luminance = (both + c1) / (squares + c1)
    cs = (_blur(x * y, window) * 2.0 - both + c2) / (_blur(x * x + y * y, window) - squares + c2)
    return luminance * cs, cs


def _batch(first, second):
    """Both images as (N, H, W, C) and the leading shape to restore."""
    lead = tuple(first.shape[:-3])
    return (_shape.reshape(first, (-1,) + tuple(first.shape[-3:])),
            _shape.reshape(second, (-1,) + tuple(second.shape[-3:])), lead)


@raises_tf_errors
def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, return_index_map=False):
    """Structural similarity with a Gaussian window, averaged over the image and its
    channels (tf.image.ssim).

    Args:
        img1, img2: images of the same shape (..., height, width, channels), height and
            width at least filter_size.
        max_val: the dynamic range of the pixels.
        filter_size, filter_sigma: the Gaussian window.
        k1, k2: the stabilising constants.
        return_index_map: return the per-pixel map (averaged over channels) instead.

    Returns:
        float32 of shape (...) (or (..., height', width') with return_index_map).
    """
    first, second, max_val = _float32_pair(img1, img2, max_val, "ssim")
    x, y, lead = _batch(first, second)
    index_map, _ = _ssim_parts(x, y, max_val, filter_size, filter_sigma, k1, k2, "ssim")
    if return_index_map:
        result = _ops.mean(index_map, axis=-1)
        return _shape.reshape(result, lead + tuple(result.shape[1:]))
    return _shape.reshape(_ops.mean(index_map, axis=(-3, -2, -1)), lead)


_MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _halve(x):
    """2 x 2 average pooling, an odd height or width first padded by repeating its edge."""
    if x.shape[1] % 2:
        x = _shape.concatenate([x, x[:, -1:]], axis=1)
    if x.shape[2] % 2:
        x = _shape.concatenate([x, x[:, :, -1:]], axis=2)
    return (x[:, 0::2, 0::2] + x[:, 1::2, 0::2] + x[:, 0::2, 1::2] + x[:, 1::2, 1::2]) * 0.25


@raises_tf_errors
def ssim_multiscale(img1, img2, max_val, power_factors=_MS_SSIM_WEIGHTS, filter_size=11, filter_sigma=1.5, k1=0.01,
                    k2=0.03):
    """Multi-scale SSIM: the contrast-structure terms of len(power_factors) - 1 successively
    halved scales and the SSIM of the last, each raised to its power factor, multiplied and
    averaged over the channels (tf.image.ssim_multiscale).

    Args:
        img1, img2: images of the same shape (..., height, width, channels), large enough
            for filter_size at the smallest scale.
        max_val: the dynamic range of the pixels.
        power_factors: the weight of each scale (the default: Wang et al.'s five).

    Returns:
        float32 of shape (...).
    """
    first, second, max_val = _float32_pair(img1, img2, max_val, "ssim_multiscale")
    x, y, lead = _batch(first, second)
    terms = []
    for scale, power in enumerate(power_factors):   # a handful of scales, each whole-tensor ops
        if scale:
            x, y = _halve(x), _halve(y)
        index_map, cs = _ssim_parts(x, y, max_val, filter_size, filter_sigma, k1, k2, "ssim_multiscale")
        last = scale == len(power_factors) - 1
        value = _ops.mean(index_map if last else cs, axis=(-3, -2))          # (N, C)
        terms.append(_ops.power(_ops.maximum(value, 0.0), float(power)))
    product = terms[0]
    for term in terms[1:]:
        product = product * term
    return _shape.reshape(_ops.mean(product, axis=-1), lead)


@raises_tf_errors
def image_gradients(image):
    """(dy, dx): forward differences along height and width, zero in the last row/column
    (tf.image.image_gradients).

    Raises:
        ValueError: when `image` is not 4-D (batch, height, width, depth).
    """
    image = to_tensor(image)
    if image.ndim != 4:
        raise ValueError(f"[image_gradients] image_gradients expects a 4D tensor [batch_size, h, w, d]; received "
                         f"shape {tuple(image.shape)}")
    n, height, width, depth = image.shape
    dy = image[:, 1:] - image[:, :-1]
    dx = image[:, :, 1:] - image[:, :, :-1]
    dy = _shape.concatenate([dy, zeros((n, 1, width, depth), image.dtype)], axis=1)
    dx = _shape.concatenate([dx, zeros((n, height, 1, depth), image.dtype)], axis=2)
    return dy, dx


_SOBEL = ([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]],
          [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


@raises_tf_errors
def sobel_edges(image):
    """Sobel derivatives (dy, dx) of each channel, reflect-padded: (batch, height, width,
    channels, 2) (tf.image.sobel_edges)."""
    image = check_image(to_tensor(image), "sobel_edges", ranks=(4,))
    if image.dtype.kind != "f":
        raise TypeError(f"[sobel_edges] image must be float; received {image.dtype.name}")
    padded = pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    height, width = image.shape[1], image.shape[2]
    edges = []
    for kernel in _SOBEL:
        edges.append(sum(padded[:, i:i + height, j:j + width] * kernel[i][j]
                         for i in range(3) for j in range(3) if kernel[i][j]))
    return _shape.stack(edges, axis=-1)


@raises_tf_errors
def total_variation(images, name=None):
    """Σ|differences of neighbouring pixels| over height and width: a scalar for one image,
    one value per image for a batch (tf.image.total_variation)."""
    images = check_image(to_tensor(images), "total_variation", name="images")
    vertical = images[..., 1:, :, :] - images[..., :-1, :, :]
    horizontal = images[..., :, 1:, :] - images[..., :, :-1, :]
    axes = (-3, -2, -1) if images.ndim == 4 else None
    return _ops.sum(_ops.absolute(vertical), axis=axes) + _ops.sum(_ops.absolute(horizontal), axis=axes)
