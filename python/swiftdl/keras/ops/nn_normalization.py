"""keras.ops statistics and normalizations: moments, batch_normalization, normalize,
layer_normalization, rms_normalization, psnr. moments and batch_normalization are the
engine's own ops; the others compose differentiable engine ops as Keras does."""
import math


import swiftdl as sd

from ._convert import canonical_axes, canonical_axis, float_tensor, tensor
from ._dtypes import result_type


def _epsilon(epsilon):
    if epsilon is not None:
        return epsilon
    from .. import backend
    return backend.epsilon()


def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of x over `axes`."""
    if synchronized:
        raise NotImplementedError("[moments] synchronized=True is not supported by swiftdl (one process)")
    x = float_tensor(x)
    axes = canonical_axes(axes, x.ndim, "moments")
    return sd.nn.moments(x, list(axes), keepdims=keepdims)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) · scale + offset, the 1-D statistics laid
    along `axis`."""
    x = float_tensor(x)
    axis = canonical_axis(axis, x.ndim, "batch_normalization")
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]

    def laid(value, name):
        if value is None:
            return None
        value = tensor(value, x.dtype.name)
        if value.size != x.shape[axis]:
            raise ValueError(f"[batch_normalization] {name} must have {x.shape[axis]} entries (x.shape[{axis}]); "
                             f"received shape {tuple(value.shape)}")
        return sd.reshape(value, shape)

    return sd.nn.batch_normalization(x, laid(mean, "mean"), laid(variance, "variance"), laid(offset, "offset"),
                                     laid(scale, "scale"), epsilon)


def normalize(x, axis=-1, order=2, epsilon=None):
    """x / max(norm(x, order), epsilon) along `axis` (order 2: x · min(rsqrt(Σx²), 1/epsilon))."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"[normalize] Argument `order` must be an int >= 1. Received: order={order}")
    x = float_tensor(x)
    if x.ndim == 0:
        x = sd.expand_dims(x, 0)
    epsilon = _epsilon(epsilon)
    axes = canonical_axes(axis, x.ndim, "normalize")
    if order == 2:
        inverse = sd.reciprocal(sd.sqrt(sd.sum(sd.square(x), axis=axes, keepdims=True)))
        return x * sd.minimum(inverse, 1.0 / epsilon)
    if order == 1:
        norm = sd.sum(sd.absolute(x), axis=axes, keepdims=True)
    else:
        norm = sd.power(sd.sum(sd.power(sd.absolute(x), float(order)), axis=axes, keepdims=True), 1.0 / order)
    return x / sd.maximum(norm, epsilon)


def _compute(x):
    x = tensor(x)
    return x, x.astype(result_type(x.dtype, "float32"))


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x · rsqrt(mean(x²) + epsilon) · scale over `axis`."""
    original, x = _compute(x)
    epsilon = _epsilon(epsilon)
    if x.ndim == 0:
        x = sd.expand_dims(x, 0)
    axes = canonical_axes(axis, x.ndim, "rms_normalization")
    outputs = x * sd.reciprocal(sd.sqrt(sd.mean(sd.square(x), axis=axes, keepdims=True) + epsilon))
    if scale is not None:
        outputs = outputs * tensor(scale, x.dtype.name)
    return outputs.astype(original.dtype)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """(x - mean) / sqrt(variance + epsilon) · gamma + beta over `axis` (an int or axes);
    rms_scaling=True divides by sqrt(variance + epsilon) only."""
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"[layer_normalization] unexpected arguments {sorted(kwargs)}")
    original, x = _compute(x)
    epsilon = _epsilon(epsilon)
    axes = sorted(canonical_axes(axis, x.ndim, "layer_normalization"))
    shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]

    def laid(value):
        if value is None:
            return None
        value = tensor(value, x.dtype.name)
        return value if value.ndim == x.ndim or axes == [x.ndim - 1] else sd.reshape(value, shape)

    gamma, beta = laid(gamma), laid(beta)
    if rms_scaling:
        outputs = x * sd.reciprocal(sd.sqrt(sd.var(x, axis=axes, keepdims=True) + epsilon))
        if gamma is not None:
            outputs = outputs * gamma
        return outputs.astype(original.dtype)
    mean, variance = sd.nn.moments(x, axes, keepdims=True)
    inverse = sd.reciprocal(sd.sqrt(variance + epsilon))
    if gamma is not None:
        inverse = inverse * gamma
    shift = -mean * inverse
    if beta is not None:
        shift = shift + beta
    return (x * inverse + shift).astype(original.dtype)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio: 20·log10(max_val) - 10·log10(mean((x1 - x2)²))."""
    x1, x2 = float_tensor(x1), float_tensor(x2)
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(f"[psnr] Input shapes {tuple(x1.shape)} and {tuple(x2.shape)} must match for PSNR calculation.")
    mse = sd.mean(sd.square(x1 - x2.astype(x1.dtype)))
    ln10 = math.log(10.0)
    return 20.0 * sd.log(tensor(max_val, x1.dtype.name)) / ln10 - 10.0 * sd.log(mse) / ln10


