"""keras.ops histogram, unique, i0, kaiser, erfinv, view, nextafter and vectorize, composed
from engine ops (view reinterprets the tensor's bytes without touching them)."""
import math
import operator

import numpy as np

import swiftdl as sd

from ._convert import float_tensor, promote, tensor
from ._dtypes import floatx, result_type, standardize_dtype
from .numpy_special import erf
from .sorting import argsort


def histogram(x, bins=10, range=None):  # noqa: A002
    """(counts, bin_edges) of x in `bins` equal bins over `range` (default: x's min and max);
    the last bin includes its right edge, values outside are not counted."""
    x = tensor(x)
    if x.ndim != 1:
        raise ValueError(f"[histogram] Input tensor must be 1-dimensional. Received: input.shape={tuple(x.shape)}")
    bins = operator.index(bins)
    if bins < 1:
        raise ValueError(f"[histogram] Argument `bins` should be a non-negative integer. Received: bins={bins}")
    dtype = result_type(x.dtype, float)
    x = x.astype(dtype)
    if range is None:
        low, high = (float(sd.min(x)), float(sd.max(x))) if x.size else (0.0, 1.0)
    else:
        low, high = float(range[0]), float(range[1])
    if low == high:
        low, high = low - 0.5, high + 0.5
    edges = sd.linspace(low, high, bins + 1, dtype=dtype)
    position = sd.floor((x - low) / (high - low) * bins).astype("int64")
    position = sd.where(sd.equal(x, high), sd.full((), bins - 1, "int64"), position)
    inside = sd.logical_and(sd.greater_equal(x, low), sd.less_equal(x, high))
    hits = sd.logical_and(sd.equal(sd.expand_dims(position, -1), sd.arange(bins, dtype="int64")),
                          sd.expand_dims(inside, -1))
    return sd.sum(hits, axis=0).astype(dtype), edges  # counts in the float dtype, as Keras returns them


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None,  # noqa: A002
           size=None, fill_value=None):
    """The sorted distinct values of the flattened x, optionally with the first index of
    each, the inverse mapping (shaped like x) and the counts; `size` pads (with fill_value, default the
    smallest value) or truncates to a fixed length."""
    if axis is not None:
        raise ValueError("[unique] axis is not supported by swiftdl; unique works on the flattened tensor")
    original_shape = tuple(tensor(x).shape)
    x = sd.reshape(tensor(x), (-1,))
    n = x.shape[0]
    order = argsort(x).astype("int64") if n else sd.zeros((0,), "int64")
    ordered = sd.take(x, order)
    first = sd.concatenate([sd.ones((min(n, 1),), "bool"), sd.not_equal(ordered[1:], ordered[:-1])]) if n \
        else sd.zeros((0,), "bool")
    starts = sd.nonzero(first)[0]
    values = sd.take(ordered, starts)
    outputs = [("values", values)]
    if return_index:
        outputs.append(("index", sd.take(order, starts).astype("int32")))
    if return_inverse:
        from .scans import cumsum
        group = cumsum(first.astype("int64")) - 1                        # group of each sorted element
        inverse = sd.take(group, argsort(order).astype("int64")) if n else sd.zeros((0,), "int64")
        outputs.append(("inverse", sd.reshape(inverse.astype("int32"), original_shape)))  # x's shape, as numpy 2
    if return_counts:
        ends = sd.concatenate([starts[1:], sd.full((1,), n, "int64")]) if starts.shape[0] else starts
        outputs.append(("counts", (ends - starts).astype("int32")))
    if size is not None:
        size = operator.index(size)
        count = values.shape[0]
        fill = fill_value if fill_value is not None else (values[0] if count else 0)
        resized = []
        for kind, out in outputs:
            if kind != "inverse":  # the inverse indexes x, whose length does not change
                if count >= size:
                    out = out[:size]
                else:
                    padding = sd.full((size - count,), fill, out.dtype) if kind == "values" \
                        else sd.zeros((size - count,), out.dtype)
                    out = sd.concatenate([out, padding])
            resized.append((kind, out))
        outputs = resized
    outputs = [out for _, out in outputs]
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def i0(x):
    """The modified Bessel function of the first kind, order 0: its power series below
    |x| = 30 (all terms positive, so no cancellation) and its asymptotic series above."""
    x = tensor(x)
    dtype = "float64" if x.dtype.name in ("int64", "float64") else result_type(x.dtype, float)
    x = sd.absolute(x.astype(dtype))
    small = sd.less_equal(x, 30.0)
    s = sd.where(small, x, sd.zeros((), dtype))
    quarter_square = sd.square(s) * 0.25
    term = sd.ones((), dtype) + sd.zeros_like(s)
    total = term
    for k in range(1, 90):
        term = term * quarter_square / float(k * k)
        total = total + term
    big = sd.where(small, sd.full((), 31.0, dtype), x)
    coefficient, series, inverse = 1.0, sd.ones((), dtype) + sd.zeros_like(big), 1.0 / (8.0 * big)
    power = sd.ones((), dtype) + sd.zeros_like(big)
    for k in range(1, 12):
        coefficient *= (2 * k - 1) ** 2 / k
        power = power * inverse
        series = series + coefficient * power
    asymptotic = sd.exp(big) / sd.sqrt(2.0 * math.pi * big) * series
    return sd.where(small, total, asymptotic)


def kaiser(x, beta):
    """The Kaiser window of x points with shape parameter beta."""
    length = operator.index(x)
    if length <= 0:
        return sd.zeros((0,), floatx())
    if length == 1:
        return sd.ones((1,), floatx())
    n = sd.arange(length, dtype="float64")
    ratio = 2.0 * n / (length - 1) - 1.0
    argument = float(beta) * sd.sqrt(sd.maximum(1.0 - sd.square(ratio), 0.0))
    return (i0(argument) / i0(sd.full((), float(beta), "float64"))).astype(floatx())


def erfinv(x):
    """The inverse error function: Giles's approximation refined by two Newton steps on the
    engine's erf."""
    y = float_tensor(x)
    w = -sd.log((1.0 - y) * (1.0 + y))
    central = w - 2.5
    p = sd.full((), 2.81022636e-08, y.dtype) + sd.zeros_like(y)
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
              0.246640727, 1.50140941):
        p = c + p * central
    tail = sd.sqrt(sd.where(sd.less(w, 5.0), sd.full((), 5.0, y.dtype), w)) - 3.0
    q = sd.full((), -0.000200214257, y.dtype) + sd.zeros_like(y)
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
              1.00167406, 2.83297682):
        q = c + q * tail
    guess = sd.where(sd.less(w, 5.0), p, q) * y
    finite = sd.less(sd.absolute(y), 1.0)
    value = sd.where(finite, guess, sd.zeros((), y.dtype))
    for _ in range(2):
        step = (erf(value) - y) / (2.0 / math.sqrt(math.pi) * sd.exp(-sd.square(value)))
        value = value - sd.where(finite, step, sd.zeros((), y.dtype))
    infinite = sd.where(sd.greater(y, 0.0), sd.full((), np.inf, y.dtype), sd.full((), -np.inf, y.dtype))
    edge = sd.where(sd.equal(sd.absolute(y), 1.0), infinite, sd.full((), np.nan, y.dtype))
    return sd.where(finite, value, edge)


def view(x, dtype=None):
    """The same bytes read as `dtype` (the last axis rescaled when the item sizes differ)."""
    x = tensor(x)
    if dtype is None:
        return x
    target = np.dtype(standardize_dtype(dtype))
    if x.ndim == 0 and target.itemsize != x.dtype.itemsize:
        raise ValueError(f"[view] cannot view a scalar of {x.dtype} as {target}")
    contiguous = sd.asarray(x, copy=True) if not x.numpy().flags.c_contiguous else x
    try:
        reinterpreted = contiguous.numpy().view(target)
    except ValueError as error:
        raise ValueError(f"[view] cannot view shape {tuple(x.shape)} of {x.dtype} as {target}: {error}") from None
    return sd.asarray(reinterpreted, copy=None)


def nextafter(x1, x2):
    """The next representable float after x1 towards x2."""
    a, b = promote(x1, x2, extra=(float,))
    integer = "int32" if a.dtype == np.float32 else "int64"
    bits = view(a, integer)
    towards_larger_magnitude = sd.equal(sd.greater(b, a), sd.greater(a, 0.0))
    stepped = view(bits + sd.where(towards_larger_magnitude, sd.ones((), integer), sd.full((), -1, integer)),
                   a.dtype.name)
    tiny = float(np.nextafter(np.zeros((), a.dtype), np.ones((), a.dtype)))
    from_zero = sd.where(sd.greater(b, 0.0), sd.full((), tiny, a.dtype.name), sd.full((), -tiny, a.dtype.name))
    result = sd.where(sd.equal(a, 0.0), from_zero, stepped)
    result = sd.where(sd.equal(a, b), b, result)
    nan = sd.logical_or(sd.not_equal(a, a), sd.not_equal(b, b))
    return sd.where(nan, sd.full((), np.nan, a.dtype.name), result)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """A function applying pyfunc over broadcast inputs (numpy.vectorize's contract).

    Without a signature, pyfunc is first called on the whole broadcast tensors (right for
    functions written with keras.ops, as jax.numpy.vectorize assumes); if that fails, it
    runs once per element. With a signature such as "(n),(n)->()", it runs once per loop
    index over the leading dimensions and the results are stacked."""
    excluded = set(excluded or ())

    def wrapped(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = {i: tensor(args[i]) for i in positions}
        if signature is None:
            shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors.values())) if tensors else ()
            full = {i: sd.broadcast_to(t, shape) for i, t in tensors.items()}
            call = [full.get(i, a) for i, a in enumerate(args)]
            try:
                return tensor(pyfunc(*call, **kwargs))
            except (TypeError, ValueError):
                flat = {i: sd.reshape(t, (-1,)) for i, t in full.items()}
                count = int(np.prod(shape, dtype=np.int64))
                results = [pyfunc(*[flat[i][k] if i in flat else a for i, a in enumerate(args)], **kwargs)
                           for k in range(count)]
                return sd.reshape(sd.stack([tensor(r) for r in results]) if results else sd.zeros((0,)), shape)
        inputs_spec = signature.split("->")[0]
        core = [len([d for d in group.split(",") if d.strip()]) for group in inputs_spec.replace(" ", "")[1:-1].split("),(")]
        loops = [tuple(tensors[i].shape[:tensors[i].ndim - c]) for i, c in zip(positions, core)]
        shape = np.broadcast_shapes(*loops) if loops else ()
        expanded = {i: sd.reshape(sd.broadcast_to(tensors[i], tuple(shape) + tuple(tensors[i].shape[tensors[i].ndim - c:])),
                                  (-1,) + tuple(tensors[i].shape[tensors[i].ndim - c:]))
                    for i, c in zip(positions, core)}
        count = int(np.prod(shape, dtype=np.int64))
        results = [tensor(pyfunc(*[expanded[i][k] if i in expanded else a for i, a in enumerate(args)], **kwargs))
                   for k in range(count)]
        stacked = sd.stack(results)
        return sd.reshape(stacked, tuple(shape) + tuple(stacked.shape[1:]))

    return wrapped
