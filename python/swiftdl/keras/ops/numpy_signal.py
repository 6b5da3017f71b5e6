"""keras.ops signal and geometry helpers composed from engine ops: correlate, the window
functions (bartlett, blackman, hamming, hanning), trapezoid, vander, cdist, corrcoef,
extract_sequences."""
import math
import operator

import swiftdl as sd

from ._convert import canonical_axis, float_tensor, promote, tensor
from ._dtypes import floatx, result_type


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors (numpy.correlate), modes valid, same, full."""
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"[correlate] mode must be 'valid', 'same' or 'full'; received mode={mode!r}")
    a, v = promote(x1, x2)
    if a.dtype.kind != "f":
        a, v = a.astype(floatx()), v.astype(floatx())
    if a.ndim != 1 or v.ndim != 1 or not a.shape[0] or not v.shape[0]:
        raise ValueError(f"[correlate] needs two non-empty 1-D tensors; received {tuple(a.shape)} and {tuple(v.shape)}")
    swapped = v.shape[0] > a.shape[0]
    if swapped:
        a, v = v, a
    m = v.shape[0]
    pad = {"valid": (0, 0), "same": (m // 2, m - 1 - m // 2), "full": (m - 1, m - 1)}[mode]
    parts = [sd.zeros((pad[0],), a.dtype), a, sd.zeros((pad[1],), a.dtype)]
    signal = sd.reshape(sd.concatenate(parts), (1, -1, 1))
    out = sd.reshape(sd.nn.conv1d(signal, sd.reshape(v, (m, 1, 1)), 1, "VALID"), (-1,))
    return out[::-1] if swapped else out


def _window(length, function):
    length = operator.index(length)
    if length <= 0:
        return sd.zeros((0,), floatx())
    if length == 1:
        return sd.ones((1,), floatx())
    n = sd.arange(length, dtype="float64")
    return function(n, length - 1).astype(floatx())


def bartlett(x):
    """The Bartlett (triangular) window of `x` points."""
    return _window(x, lambda n, m: 1.0 - sd.absolute(2.0 * n / m - 1.0))


def hanning(x):
    return _window(x, lambda n, m: 0.5 - 0.5 * sd.cos(2.0 * math.pi * n / m))


def hamming(x):
    return _window(x, lambda n, m: 0.54 - 0.46 * sd.cos(2.0 * math.pi * n / m))


def blackman(x):
    return _window(x, lambda n, m: 0.42 - 0.5 * sd.cos(2.0 * math.pi * n / m) + 0.08 * sd.cos(4.0 * math.pi * n / m))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of y along `axis` by the trapezoid rule, with sample points x or spacing dx."""
    y = float_tensor(y)
    axis = canonical_axis(axis, y.ndim, "trapezoid")
    n = y.shape[axis]

    def part(t, start, stop):
        key = [slice(None)] * t.ndim
        key[axis if t.ndim == y.ndim else 0] = slice(start, stop)
        return t[tuple(key)]

    mids = (part(y, 1, n) + part(y, 0, n - 1)) * 0.5
    if x is None:
        return sd.sum(mids, axis=axis) * dx
    x = tensor(x, y.dtype.name)
    widths = part(x, 1, n) - part(x, 0, n - 1)
    if x.ndim == 1 and y.ndim > 1:
        shape = [1] * y.ndim
        shape[axis] = n - 1
        widths = sd.reshape(widths, shape)
    return sd.sum(mids * widths, axis=axis)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-D x: columns x**(N-1) ... x**0 (or increasing)."""
    x = tensor(x)
    if x.ndim != 1:
        raise ValueError(f"[vander] x must be 1-D; received shape {tuple(x.shape)}")
    N = x.shape[0] if N is None else operator.index(N)
    powers = sd.arange(N, dtype="int64") if increasing else sd.arange(N - 1, -1, -1, dtype="int64")
    base = x if x.dtype.kind == "f" else x.astype("int64")
    out = sd.power(sd.reshape(base, (-1, 1)), sd.reshape(powers, (1, -1)).astype(base.dtype))
    return out.astype(result_type(x.dtype))


def cdist(x, y):
    """Euclidean distances between the rows of x (..., m, d) and y (..., n, d)."""
    a, b = promote(x, y)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(f"[cdist] inputs must be rank >= 2 with equal last dimensions; received {tuple(a.shape)} "
                         f"and {tuple(b.shape)}")
    if a.dtype.kind != "f":
        a, b = a.astype(floatx()), b.astype(floatx())
    difference = sd.expand_dims(a, -2) - sd.expand_dims(b, -3)
    return sd.sqrt(sd.sum(sd.square(difference), axis=-1))


def corrcoef(x):
    """Pearson correlation coefficients between the rows of x."""
    x = float_tensor(x)
    if x.ndim == 1:
        x = sd.reshape(x, (1, -1))
    centered = x - sd.mean(x, axis=1, keepdims=True)
    covariance = sd.matmul(centered, sd.transpose(centered))
    scale = sd.sqrt(sd.reshape(sd.sum(sd.square(centered), axis=1), (-1, 1)))
    result = covariance / scale / sd.transpose(scale)
    result = sd.minimum(sd.maximum(result, -1.0), 1.0)
    return result[0, 0] if result.shape == (1, 1) else result


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of `sequence_length` samples every `sequence_stride` along the last axis:
    (..., num_frames, sequence_length)."""
    x = tensor(x)
    length, stride = operator.index(sequence_length), operator.index(sequence_stride)
    if length < 1 or stride < 1 or x.ndim < 1 or x.shape[-1] < length:
        raise ValueError(f"[extract_sequences] needs 1 <= sequence_length <= x.shape[-1] and a positive stride; "
                         f"received {length}, {stride} for shape {tuple(x.shape)}")
    frames = (x.shape[-1] - length) // stride + 1
    starts = sd.reshape(sd.arange(frames, dtype="int64") * stride, (-1, 1))
    index = starts + sd.reshape(sd.arange(length, dtype="int64"), (1, -1))
    return sd.reshape(sd.take(x, sd.reshape(index, (-1,)), axis=-1), tuple(x.shape[:-1]) + (frames, length))
