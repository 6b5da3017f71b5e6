"""keras.ops constructors: zeros, ones, full, *_like, arange, linspace, logspace, geomspace,
eye, identity, tri, tril, triu, meshgrid, array, copy. Defaults follow Keras: floatx() for
shape-only constructors, the promoted argument dtype for arange and linspace."""
import operator

import numpy as np

import swiftdl as sd

from ._convert import dtype_of, shape_tuple, tensor
from ._dtypes import floatx, result_type, standardize_dtype


def _dtype(dtype):
    return standardize_dtype(dtype or floatx())


def zeros(shape, dtype=None):
    """A tensor of zeros of `shape`; floatx() by default."""
    return sd.zeros(shape_tuple(shape, "zeros"), _dtype(dtype))


def ones(shape, dtype=None):
    """A tensor of ones of `shape`; floatx() by default."""
    return sd.ones(shape_tuple(shape, "ones"), _dtype(dtype))


def empty(shape, dtype=None):
    """A tensor of `shape` (filled with zeros here: contents are unspecified in Keras)."""
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    """A tensor of `shape` filled with `fill_value` (a scalar or a broadcastable tensor);
    floatx() by default, as in Keras."""
    shape = shape_tuple(shape, "full")
    dtype = _dtype(dtype)
    if isinstance(fill_value, (bool, int, float, np.generic)):
        return sd.full(shape, fill_value, dtype)
    return sd.broadcast_to(tensor(fill_value, dtype), shape) * sd.ones(shape, dtype)


def _like(x, dtype):
    x = tensor(x)
    return tuple(x.shape), standardize_dtype(dtype) if dtype is not None else x.dtype.name


def zeros_like(x, dtype=None):
    shape, dtype = _like(x, dtype)
    return sd.zeros(shape, dtype)


def ones_like(x, dtype=None):
    shape, dtype = _like(x, dtype)
    return sd.ones(shape, dtype)


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    shape, dtype = _like(x, dtype)
    return full(shape, fill_value, dtype)


def _number(value, name, op):
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return value
    if hasattr(value, "ndim") and value.ndim == 0:
        return np.asarray(value).item()
    raise TypeError(f"[{op}] {name} must be a number; received {value!r}")


def _dtype_for(value, name, op):
    """The dtype (or weak Python type) an argument joins the promotion with."""
    if isinstance(value, (bool, int, float)) and not isinstance(value, np.generic):
        return dtype_of(value)
    if isinstance(value, (np.generic, np.ndarray)) or hasattr(value, "dtype"):
        return value.dtype
    if isinstance(value, (list, tuple)):
        return tensor(value).dtype
    raise TypeError(f"[{op}] {name} must be a number or a tensor; received {value!r}")


def arange(start, stop=None, step=None, dtype=None):
    """Values from `start` to `stop` (exclusive) by `step`. Integer arguments give int32,
    float arguments floatx() (Keras's promotion of the arguments)."""
    if dtype is None:
        dtype = result_type(*(_dtype_for(v, n, "arange") for n, v in (("start", start), ("stop", stop), ("step", step))
                              if v is not None))
    start = _number(start, "start", "arange")
    if stop is None:
        start, stop = 0, start
    stop = _number(stop, "stop", "arange")
    step = 1 if step is None else _number(step, "step", "arange")
    if step == 0:
        raise ValueError("[arange] step must not be zero")
    return sd.arange(start, stop, step, standardize_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from `start` to `stop`; tensor endpoints give one
    sequence per element, laid along `axis`."""
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"[linspace] num must be non-negative; received num={num}")
    if dtype is None:
        dtype = result_type(_dtype_for(start, "start", "linspace"), _dtype_for(stop, "stop", "linspace"), float)
    dtype = standardize_dtype(dtype)
    compute = "float64" if dtype == "float64" else floatx() if floatx() == "float64" else "float32"
    start_t, stop_t = tensor(start, compute), tensor(stop, compute)
    divisor = (num - 1) if endpoint else num
    steps = sd.arange(num, dtype=compute)
    delta = stop_t - start_t
    step = delta / divisor if divisor > 0 else delta * np.nan
    shape = list(np.broadcast_shapes(tuple(start_t.shape), tuple(stop_t.shape)))
    steps = sd.reshape(steps, [num] + [1] * len(shape))
    values = start_t + steps * step if divisor > 0 else start_t + steps * delta
    if endpoint and num > 1:
        last = sd.broadcast_to(stop_t, shape)
        values = sd.concatenate([values[:-1], sd.expand_dims(last, 0)], axis=0)
    if axis != 0:
        values = sd.moveaxis(values, 0, axis)
    values = sd.floor(values).astype(dtype) if dtype[0] in "iu" else values.astype(dtype)
    if retstep:
        return values, step
    return values


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """base ** linspace(start, stop, num)."""
    exponents = linspace(start, stop, num, endpoint, dtype="float64" if dtype == "float64" else None, axis=axis)
    values = sd.power(tensor(base, exponents.dtype), exponents)
    return values if dtype is None else values.astype(standardize_dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Numbers spaced evenly on a log scale from `start` to `stop` (same-sign endpoints)."""
    start_t, stop_t = tensor(start, "float64"), tensor(stop, "float64")
    sign = sd.sign(start_t)
    exponents = linspace(sd.log(sd.abs(start_t)), sd.log(sd.abs(stop_t)), num, endpoint,
                         dtype="float64", axis=axis)
    values = sign * sd.exp(exponents)
    return values.astype(standardize_dtype(dtype) if dtype else result_type(
        getattr(start, "dtype", type(start)), getattr(stop, "dtype", type(stop)), float))


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the k-th diagonal; floatx() by default."""
    return sd.eye(operator.index(N), None if M is None else operator.index(M), operator.index(k), _dtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the k-th diagonal of an N×M matrix; floatx() by default."""
    M = N if M is None else operator.index(M)
    rows = sd.reshape(sd.arange(operator.index(N), dtype="int64"), (-1, 1))
    cols = sd.reshape(sd.arange(M, dtype="int64"), (1, -1))
    return sd.less_equal(cols - rows, operator.index(k)).astype(_dtype(dtype))


def _triangle(x, k, lower):
    x = tensor(x)
    if x.ndim < 2:
        raise ValueError(f"[{'tril' if lower else 'triu'}] x must have rank >= 2; received shape {tuple(x.shape)}")
    n, m = x.shape[-2:]
    mask = tri(n, m, k if lower else k - 1, dtype="bool")
    if not lower:
        mask = sd.logical_not(mask)
    return sd.where(mask, x, sd.zeros((), x.dtype))


def tril(x, k=0):
    """The lower triangle of the last two axes (others zeroed)."""
    return _triangle(x, k, True)


def triu(x, k=0):
    """The upper triangle of the last two axes (others zeroed)."""
    return _triangle(x, k, False)


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D tensors (numpy.meshgrid, indexing 'xy' or 'ij')."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"[meshgrid] indexing must be 'xy' or 'ij'; received indexing={indexing!r}")
    vectors = [sd.reshape(tensor(v), (-1,)) for v in x]
    shape = [v.shape[0] for v in vectors]
    if indexing == "xy" and len(vectors) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    grids = []
    for i, v in enumerate(vectors):
        position = i
        if indexing == "xy" and len(vectors) >= 2 and i < 2:
            position = 1 - i
        view = [1] * len(vectors)
        view[position] = v.shape[0]
        grids.append(sd.broadcast_to(sd.reshape(v, view), shape) + sd.zeros((), v.dtype))
    return grids


def array(x, dtype=None):
    """A new tensor with a copy of `x`."""
    return sd.asarray(tensor(x, dtype), copy=True)


def copy(x):
    return sd.asarray(tensor(x), copy=True)
