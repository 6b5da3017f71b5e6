"""keras.ops activations. The common ones are single engine ops (relu, relu6, elu, selu,
gelu, leaky_relu, softplus, softsign, silu, sigmoid, tanh, softmax, log_softmax), each with
its gradient in Swift; the rest are short compositions of differentiable engine ops.
Keras's defaults: gelu(approximate=True), leaky_relu(negative_slope=0.2)."""
import numpy as np

import swiftdl as sd
from swiftdl.nn import _activations as engine

from ._convert import canonical_axes, canonical_axis, tensor


def _float(x, op):
    x = tensor(x)
    if x.dtype.kind != "f":
        from ._dtypes import floatx
        x = x.astype(floatx())
    return x


def relu(x):
    return engine.relu(_float(x, "relu"))


def relu6(x):
    return engine.relu6(_float(x, "relu6"))


def sigmoid(x):
    return engine.sigmoid(_float(x, "sigmoid"))


def tanh(x):
    return engine.tanh(_float(x, "tanh"))


def softplus(x):
    return engine.softplus(_float(x, "softplus"))


def softsign(x):
    return engine.softsign(_float(x, "softsign"))


def silu(x):
    """x · sigmoid(x)."""
    return engine.silu(_float(x, "silu"))


swish = silu


def elu(x, alpha=1.0):
    """x if x > 0 else alpha · (exp(x) - 1)."""
    return engine._activate("elu", _float(x, "elu"), alpha)


def selu(x):
    return engine.selu(_float(x, "selu"))


def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation by default, as in Keras."""
    return engine.gelu(_float(x, "gelu"), approximate=bool(approximate))


def leaky_relu(x, negative_slope=0.2):
    return engine.leaky_relu(_float(x, "leaky_relu"), alpha=negative_slope)


def celu(x, alpha=1.0):
    """max(x, 0) + alpha · (exp(min(x, 0) / alpha) - 1)."""
    x = _float(x, "celu")
    return sd.maximum(x, 0.0) + alpha * sd.expm1(sd.minimum(x, 0.0) / alpha)


def hard_sigmoid(x):
    """relu6(x + 3) / 6."""
    return engine.relu6(_float(x, "hard_sigmoid") + 3.0) * (1.0 / 6.0)


def hard_silu(x):
    """x · hard_sigmoid(x)."""
    x = _float(x, "hard_silu")
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def hard_tanh(x):
    """x clipped to [-1, 1]."""
    x = _float(x, "hard_tanh")
    return sd.minimum(sd.maximum(x, -1.0), 1.0)


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), without overflow."""
    return -engine.softplus(-_float(x, "log_sigmoid"))


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, (x + 1) / 2 between."""
    x = _float(x, "sparse_sigmoid")
    return sd.minimum(sd.maximum((x + 1.0) * 0.5, 0.0), 1.0)


def sparse_plus(x):
    """0 for x <= -1, (x + 1)² / 4 for -1 < x < 1, x for x >= 1."""
    x = _float(x, "sparse_plus")
    middle = sd.square(x + 1.0) * 0.25
    return sd.where(sd.less_equal(x, -1.0), sd.zeros((), x.dtype), sd.where(sd.less(x, 1.0), middle, x))


def squareplus(x, b=4):
    """(x + sqrt(x² + b)) / 2."""
    x = _float(x, "squareplus")
    return (x + sd.sqrt(sd.square(x) + b)) * 0.5


def soft_shrink(x, threshold=0.5):
    """x - threshold above it, x + threshold below -threshold, 0 between."""
    x = _float(x, "soft_shrink")
    zero = sd.zeros((), x.dtype)
    return sd.where(sd.greater(x, threshold), x - threshold, sd.where(sd.less(x, -threshold), x + threshold, zero))


def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    x = _float(x, "hard_shrink")
    return sd.where(sd.greater(sd.absolute(x), threshold), x, sd.zeros((), x.dtype))


def tanh_shrink(x):
    """x - tanh(x)."""
    x = _float(x, "tanh_shrink")
    return x - sd.tanh(x)


def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    x = _float(x, "threshold")
    return sd.where(sd.greater(x, threshold), x, sd.full((), default_value, x.dtype))


def glu(x, axis=-1):
    """a · sigmoid(b) for the two halves a, b of x along `axis`."""
    x = _float(x, "glu")
    axis = canonical_axis(axis, x.ndim, "glu")
    if x.shape[axis] % 2:
        raise ValueError(f"[glu] axis size must be divisible by 2. Received: x.shape={tuple(x.shape)} with axis={axis}")
    half = x.shape[axis] // 2
    first = tuple(slice(0, half) if a == axis else slice(None) for a in range(x.ndim))
    second = tuple(slice(half, None) if a == axis else slice(None) for a in range(x.ndim))
    return x[first] * engine.sigmoid(x[second])


def _over_axes(function, x, axis, op):
    """Applies a one-axis engine op over several axes by flattening them into one."""
    if isinstance(axis, (tuple, list)):
        axes = canonical_axes(tuple(axis), x.ndim, op)
        kept = [a for a in range(x.ndim) if a not in axes]
        moved = sd.transpose(x, kept + list(axes))
        shape = tuple(moved.shape)
        flat = sd.reshape(moved, tuple(x.shape[a] for a in kept) + (-1,))
        result = sd.reshape(function(flat, -1), shape)
        inverse = np.argsort(kept + list(axes)).tolist()
        return sd.transpose(result, inverse)
    return function(x, canonical_axis(axis, x.ndim, op) if x.ndim else axis)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (an int or a tuple of axes), numerically stable."""
    x = _float(x, "softmax")
    if x.ndim == 0:
        return sd.ones((), x.dtype)
    return _over_axes(lambda t, a: engine.softmax(t, axis=a), x, axis, "softmax")


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along `axis`, numerically stable."""
    x = _float(x, "log_softmax")
    if x.ndim == 0:
        return sd.zeros((), x.dtype)
    return _over_axes(lambda t, a: engine.log_softmax(t, axis=a), x, axis, "log_softmax")


def sparsemax(x, axis=-1):
    """Euclidean projection of x onto the probability simplex along `axis`."""
    from .scans import cumsum
    from .sorting import sort
    x = _float(x, "sparsemax")
    axis = canonical_axis(axis, x.ndim, "sparsemax")
    ordered = sd.negative(sort(sd.negative(x), axis))
    running = cumsum(ordered, axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    k = sd.reshape(sd.arange(1, x.shape[axis] + 1, dtype=x.dtype.name), shape)
    support = sd.greater(ordered - (running - 1.0) / k, 0.0)
    count = sd.sum(support, axis=axis, keepdims=True)
    # NOTE: tau = (sum of the k largest - 1) / k, the running sum at the support's end. (Keras
    # 3.15 sums every supported running sum instead, which leaves outputs that do not sum to 1.)
    from .indexing import take_along_axis
    tau = (take_along_axis(running, sd.maximum(count - 1, 0), axis) - 1.0) / count.astype(x.dtype)
    return sd.maximum(x - tau, 0.0)

