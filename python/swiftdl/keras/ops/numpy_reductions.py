"""keras.ops reductions: sum, mean, max, min, prod, std, var, argmax, argmin, any, all,
logsumexp, count_nonzero, average, ptp. Each is one engine reduction (differentiable where
the engine's is); dtypes follow Keras: mean/std/var of integers in floatx(), sum/prod of
bools in int32, argmax/argmin as int32."""
import builtins

import numpy as np

import swiftdl as sd

from ._convert import canonical_axes, canonical_axis, tensor
from ._dtypes import floatx, result_type


def _axis(axis, x, op):
    """The engine's axis argument, validated against x's rank (None stays None)."""
    if axis is None:
        return None
    return canonical_axes(axis, x.ndim, op)


def _sum_dtype(x):
    return "int32" if x.dtype == np.bool_ else ("int32" if x.dtype == np.uint8 else x.dtype.name)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum over `axis` (None: all). Bool and uint8 inputs sum in int32, as in Keras."""
    x = tensor(x)
    return sd.sum(x, axis=_axis(axis, x, "sum"), keepdims=keepdims).astype(_sum_dtype(x))


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis`."""
    x = tensor(x)
    result = sd.prod(x, axis=_axis(axis, x, "prod"), keepdims=keepdims)
    return result.astype(dtype or _sum_dtype(x))


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis`; integers and bools give floatx()."""
    x = tensor(x)
    if x.dtype.kind != "f":
        x = x.astype(result_type(x.dtype, "float32"))
    return sd.mean(x, axis=_axis(axis, x, "mean"), keepdims=keepdims)


def _extremum(function, name):
    def op(x, axis=None, keepdims=False, initial=None):
        x = tensor(x)
        axes = _axis(axis, x, name)
        reduced = axes if axes is not None else tuple(range(x.ndim))
        if builtins.any(x.shape[a] == 0 for a in reduced) and initial is None:
            raise ValueError(f"[{name}] cannot reduce an empty axis without `initial`; received shape {tuple(x.shape)}")
        if x.size == 0:
            shape = [1 if a in reduced else s for a, s in enumerate(x.shape)]
            result = sd.full(shape, initial, x.dtype)
            return result if keepdims else sd.squeeze(result, axis=reduced) if reduced else result
        result = function(x, axis=axes, keepdims=keepdims)
        if initial is not None:
            result = (sd.maximum if name == "max" else sd.minimum)(result, sd.full((), initial, x.dtype))
        return result
    op.__name__ = name
    op.__doc__ = f"The {name}imum over `axis`, optionally with an `initial` bound (keras.ops.{name})."
    return op


max = _extremum(sd.max, "max")  # noqa: A001
min = _extremum(sd.min, "min")  # noqa: A001


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    x = tensor(x)
    return sd.any(x, axis=_axis(axis, x, "any"), keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    x = tensor(x)
    return sd.all(x, axis=_axis(axis, x, "all"), keepdims=keepdims)


def _arg(function, name):
    def op(x, axis=None, keepdims=False):
        x = tensor(x)
        if x.size == 0:
            raise ValueError(f"[{name}] attempt to get {name} of an empty sequence; received shape {tuple(x.shape)}")
        if axis is not None:
            axis = canonical_axis(axis, x.ndim, name)
        if x.ndim == 0:
            return sd.zeros((), "int32")
        return function(x, axis=axis, keepdims=keepdims).astype("int32")
    op.__name__ = name
    op.__doc__ = f"Indices (int32) of the first {name[3:]}imum along `axis` (None: of the flattened tensor)."
    return op


argmax = _arg(sd.argmax, "argmax")
argmin = _arg(sd.argmin, "argmin")


def _float(x):
    x = tensor(x)
    return x if x.dtype.kind == "f" else x.astype(floatx())


def var(x, axis=None, keepdims=False):
    """Population variance over `axis`; integers give floatx()."""
    x = _float(x)
    return sd.var(x, axis=_axis(axis, x, "var"), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation over `axis`; integers give floatx()."""
    return sd.sqrt(var(x, axis, keepdims))


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x), axis)) without overflow: the maximum is taken out first (and held
    constant for the gradient, which is then softmax(x))."""
    x = _float(x)
    axes = _axis(axis, x, "logsumexp")
    if x.size == 0:
        return sd.log(sd.sum(sd.exp(x), axis=axes, keepdims=keepdims))
    peak = sd.stop_gradient(sd.max(x, axis=axes, keepdims=True))
    peak = sd.where(sd.equal(sd.absolute(peak), np.inf), sd.zeros((), x.dtype), peak)
    total = sd.log(sd.sum(sd.exp(x - peak), axis=axes, keepdims=True)) + peak
    return total if keepdims else (sd.squeeze(total, axis=axes if axes is not None else None) if x.ndim else total)


def count_nonzero(x, axis=None):
    """The number of non-zero elements along `axis`, as int32."""
    x = tensor(x)
    return sd.sum(sd.not_equal(x, 0), axis=_axis(axis, x, "count_nonzero")).astype("int32")


def average(x, axis=None, weights=None):
    """Weighted mean over `axis`; `weights` has x's shape or, with an int axis, that axis's length."""
    x = tensor(x)
    dtype = result_type(x.dtype, float, *(() if weights is None else (tensor(weights).dtype,)))
    x = x.astype(dtype)
    if weights is None:
        return sd.mean(x, axis=_axis(axis, x, "average"))
    weights = tensor(weights, dtype)
    if weights.shape != x.shape:
        if axis is None or weights.ndim != 1 or isinstance(axis, (tuple, list)):
            raise ValueError(f"[average] weights of shape {tuple(weights.shape)} need an integer axis "
                             f"for x of shape {tuple(x.shape)}")
        axis = canonical_axis(axis, x.ndim, "average")
        if weights.shape[0] != x.shape[axis]:
            raise ValueError(f"[average] weights length {weights.shape[0]} differs from x.shape[{axis}] = {x.shape[axis]}")
        view = [1] * x.ndim
        view[axis] = -1
        weights = sd.reshape(weights, view)
    axes = _axis(axis, x, "average")
    return sd.sum(x * weights, axis=axes) / sd.sum(sd.broadcast_to(weights, x.shape), axis=axes)


def ptp(x, axis=None, keepdims=False):
    """max - min along `axis`."""
    return max(x, axis, keepdims) - min(x, axis, keepdims)
