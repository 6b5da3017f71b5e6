"""keras.ops.image gaussian_blur, sobel_edges and ssim: small fixed-kernel filters as sums
of shifted slices (exact, differentiable; no convolution algorithm's rounding)."""

import swiftdl as sd

from ._convert import tensor
from .image_common import compute_dtype, data_format_of, to_nhwc
from .numpy_shape import pad


def _filter2d(x, kernel_rows, kernel_cols, weights):
    """Σ_ij weights[i][j] · x[:, i:i+H', j:j+W', :] (correlation, 'valid') with host-known
    kernel sizes and engine (possibly tensor) weights."""
    out_h = x.shape[1] - kernel_rows + 1
    out_w = x.shape[2] - kernel_cols + 1
    total = None
    for i in range(kernel_rows):
        for j in range(kernel_cols):
            term = x[:, i:i + out_h, j:j + out_w, :] * weights[i][j]
            total = term if total is None else total + term
    return total


def _gaussian_1d(size, sigma, dtype):
    positions = sd.arange(size, dtype=dtype) - (size - 1) / 2.0
    values = sd.exp(-0.5 * sd.square(positions / sigma))
    return values / sd.sum(values)


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blurs each channel with a normalised Gaussian kernel (zero padding, same size out).
    kernel_size and sigma are (x, y) pairs, as in Keras."""
    original = tensor(images)
    x, restore = to_nhwc(original, data_format, "gaussian_blur")
    dtype = compute_dtype(original.dtype)
    x = x.astype(dtype)
    size_x, size_y = (int(s) for s in kernel_size)
    sigma = tensor(sigma, dtype)
    kernel_x = _gaussian_1d(size_x, sigma[0], dtype)
    kernel_y = _gaussian_1d(size_y, sigma[1], dtype)
    padded = pad(x, [(0, 0), ((size_y - 1) // 2, size_y - 1 - (size_y - 1) // 2),
                     ((size_x - 1) // 2, size_x - 1 - (size_x - 1) // 2), (0, 0)])
    weights = [[kernel_y[i] * kernel_x[j] for j in range(size_x)] for i in range(size_y)]
    return restore(_filter2d(padded, size_y, size_x, weights).astype(original.dtype))


def sobel_edges(images, data_format=None):
    """Sobel derivatives (vertical, horizontal) of each channel with zero borders, as
    Keras's JAX backend computes them: output (..., channels, 2)."""
    original = tensor(images)
    x, restore = to_nhwc(original, data_format, "sobel_edges")
    x = x.astype(compute_dtype(original.dtype))
    padded = pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)])
    vertical = [[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]]
    horizontal = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]
    edges = sd.stack([_filter2d(padded, 3, 3, vertical), _filter2d(padded, 3, 3, horizontal)], axis=-1)
    edges = edges.astype(original.dtype)
    if data_format_of(data_format) == "channels_first":
        edges = sd.transpose(edges, (0, 3, 1, 2, 4))
    return edges[0] if original.ndim == 3 else edges


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """Mean structural similarity of two images (per image of a batch), with a Gaussian
    window of filter_size and filter_sigma ('valid' filtering)."""
    first, second = tensor(image1), tensor(image2)
    if tuple(first.shape) != tuple(second.shape):
        raise ValueError(f"[ssim] images must have the same shape; received {tuple(first.shape)} and {tuple(second.shape)}")
    a, _ = to_nhwc(first, data_format, "ssim")
    b, _ = to_nhwc(second, data_format, "ssim")
    dtype = compute_dtype(first.dtype)
    a, b = a.astype(dtype), b.astype(dtype)
    window = _gaussian_1d(filter_size, float(filter_sigma), dtype)
    weights = [[window[i] * window[j] for j in range(filter_size)] for i in range(filter_size)]

    def blur(t):
        return _filter2d(t, filter_size, filter_size, weights)

    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mu1, mu2 = blur(a), blur(b)
    sigma1 = blur(a * a) - mu1 * mu1
    sigma2 = blur(b * b) - mu2 * mu2
    sigma12 = blur(a * b) - mu1 * mu2
    ssim_map = (2.0 * mu1 * mu2 + c1) * (2.0 * sigma12 + c2) / ((mu1 * mu1 + mu2 * mu2 + c1) * (sigma1 + sigma2 + c2))
    result = sd.mean(ssim_map, axis=(1, 2, 3))
    result = result[0] if first.ndim == 3 else result
    return result.astype(first.dtype) if first.dtype.kind == "f" else result


