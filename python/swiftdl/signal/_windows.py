"""tf.signal's window functions: hann, hamming, kaiser, kaiser-Bessel-derived and vorbis.

A window depends only on its length and parameters, so it is computed on the host in
float64 (with TensorFlow's formulas, including the quirk that `periodic` changes only
even lengths) and returned as an engine tensor of `dtype`."""
import math
import operator

import numpy as np

from .._creation import array
from .._tf_dtypes import numpy_dtype


def _length(window_length, op):
    length = operator.index(window_length.numpy() if hasattr(window_length, "numpy") else window_length)
    if length < 0:
        raise ValueError(f"[{op}] window_length must be non-negative; received {length}")
    return length


def _float_dtype(dtype, op):
    wanted = numpy_dtype(dtype)
    if wanted.kind != "f":
        raise ValueError(f"[{op}] dtype must be a floating point type; received {wanted.name}")
    return wanted


def _raised_cosine(window_length, periodic, dtype, a, b, op):
    length, dtype = _length(window_length, op), _float_dtype(dtype, op)
    if length == 1:
        return array(np.ones(1, dtype))
    even = 1 - length % 2
    n = length + int(bool(periodic)) * even - 1
    return array((a - b * np.cos(2.0 * math.pi * np.arange(length) / max(n, 1))).astype(dtype))


def hann_window(window_length, periodic=True, dtype="float32", name=None):
    """0.5 - 0.5·cos(2πk / N) (tf.signal.hann_window); N = length for a periodic window of
    even length, length - 1 otherwise.

    Raises:
        ValueError: for a negative length or a non-float dtype.
    """
    return _raised_cosine(window_length, periodic, dtype, 0.5, 0.5, "hann_window")


def hamming_window(window_length, periodic=True, dtype="float32", name=None):
    """0.54 - 0.46·cos(2πk / N) (tf.signal.hamming_window), N as in hann_window."""
    return _raised_cosine(window_length, periodic, dtype, 0.54, 0.46, "hamming_window")


def _kaiser(length, beta):
    if length == 1:
        return np.ones(1)
    half = (length - 1) / 2.0
    position = np.arange(-half, half + 0.1)[:length]
    return np.i0(beta * np.sqrt(np.maximum(1.0 - (position / half) ** 2, 0.0))) / np.i0(beta)


def kaiser_window(window_length, beta=12.0, dtype="float32", name=None):
    """I0(β·sqrt(1 - (2k / (N - 1) - 1)²)) / I0(β) (tf.signal.kaiser_window)."""
    length, dtype = _length(window_length, "kaiser_window"), _float_dtype(dtype, "kaiser_window")
    return array(_kaiser(length, float(beta)).astype(dtype) if length else np.zeros(0, dtype))


def kaiser_bessel_derived_window(window_length, beta=12.0, dtype="float32", name=None):
    """The Kaiser-Bessel-derived window of an even length (tf.signal.kaiser_bessel_derived_window):
    the square root of the normalised running sum of a Kaiser window, mirrored."""
    length = _length(window_length, "kaiser_bessel_derived_window")
    dtype = _float_dtype(dtype, "kaiser_bessel_derived_window")
    running = np.cumsum(_kaiser(length // 2 + 1, float(beta)))
    half = np.sqrt(running[:-1] / running[-1])
    return array(np.concatenate([half, half[::-1]]).astype(dtype))


def vorbis_window(window_length, dtype="float32", name=None):
    """sin(π/2 · sin²(π (k + 0.5) / N)) (tf.signal.vorbis_window)."""
    length, dtype = _length(window_length, "vorbis_window"), _float_dtype(dtype, "vorbis_window")
    return array(np.sin(math.pi / 2.0 * np.sin(math.pi / max(length, 1) * (np.arange(length) + 0.5)) ** 2).astype(dtype))
