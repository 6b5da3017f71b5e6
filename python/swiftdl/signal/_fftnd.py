"""tf.signal.fftnd, ifftnd, rfftnd and irfftnd: the DFT over any set of axes, with
fft_length cutting or zero-padding each and TensorFlow's `norm` ("backward": the inverse
scales by 1/n; "forward": the forward transform does; "ortho": both by 1/√n).

Built from _fft's one-axis transforms (engine ops on ComplexTensor parts, so gradients
flow). TensorFlow 2.21 registers these ops for GPUs only; the semantics are its Python
wrappers' (and numpy.fft's fftn/rfftn, which they match).
"""
import math
import operator

import numpy as np

from .. import _shape
from ..errors import InvalidArgumentError, raises_tf_errors
from ._complex import ComplexTensor, as_complex, as_real
from ._fft import _dft, _fit, _irfft_last, _rfft_last

_NORMS = ("backward", "forward", "ortho")


def _axes_and_lengths(ndim, shape, fft_length, axes, op, last_default=None):
    axes = list(range(ndim)) if axes is None else [operator.index(a) for a in np.atleast_1d(np.asarray(axes))]
    if not axes or any(not -ndim <= a < ndim for a in axes) or len({a % ndim for a in axes}) != len(axes):
        raise InvalidArgumentError(None, None, f"[{op}] axes must be distinct axes of a rank-{ndim} input; received "
                                   f"{axes}")
    axes = [a % ndim for a in axes]
    if fft_length is None:
        lengths = [shape[a] for a in axes]
        if last_default is not None:
            lengths[-1] = last_default(shape[axes[-1]])
    else:
        lengths = [operator.index(v) for v in np.atleast_1d(np.asarray(fft_length))]
        if len(lengths) != len(axes) or min(lengths) < 0:
            raise InvalidArgumentError(None, None, f"[{op}] fft_length must hold {len(axes)} non-negative lengths; "
                                       f"received {fft_length!r}")
    return axes, lengths


def _scale(value, lengths, norm, forward, op):
    """The factor `norm` puts on a transform of these lengths."""
    if norm is None:
        norm = "backward"
    if norm not in _NORMS:
        raise ValueError(f"[{op}] norm must be one of {_NORMS}; received {norm!r}")
    n = float(math.prod(lengths))
    if norm == "backward" or n == 0:
        return value
    factor = (1.0 / n if forward else n) if norm == "forward" else (1.0 / math.sqrt(n) if forward else math.sqrt(n))
    return value * factor


def _complex_transform(input_tensor, fft_length, axes, norm, inverse, op):
    value = as_complex(input_tensor, op)
    axes, lengths = _axes_and_lengths(value.ndim, value.shape, fft_length, axes, op)
    for axis, n in zip(axes, lengths):
        value = _dft(ComplexTensor(_fit(value.real, axis, n), _fit(value.imag, axis, n)), axis, inverse)
    return _scale(value, lengths, norm, not inverse, op)


@raises_tf_errors
def fftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The DFT over `axes` (default: all), each cut or zero-padded to fft_length (tf.signal.fftnd).

    Returns:
        A ComplexTensor.

    Raises:
        InvalidArgumentError: for real input, bad axes or lengths; ValueError for a bad norm.
    """
    return _complex_transform(input_tensor, fft_length, axes, norm, False, "fftnd")


@raises_tf_errors
def ifftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The inverse DFT over `axes` (tf.signal.ifftnd)."""
    return _complex_transform(input_tensor, fft_length, axes, norm, True, "ifftnd")


@raises_tf_errors
def rfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The DFT of real input over `axes`: the last of them keeps fft_length // 2 + 1 bins
    (tf.signal.rfftnd)."""
    x = as_real(input_tensor, "rfftnd")
    axes, lengths = _axes_and_lengths(x.ndim, x.shape, fft_length, axes, "rfftnd")
    value = _rfft_last(_shape.moveaxis(x, axes[-1], -1), lengths[-1])
    value = ComplexTensor(_shape.moveaxis(value.real, -1, axes[-1]), _shape.moveaxis(value.imag, -1, axes[-1]))
    for axis, n in zip(axes[:-1], lengths[:-1]):
        value = _dft(ComplexTensor(_fit(value.real, axis, n), _fit(value.imag, axis, n)), axis, False)
    return _scale(value, lengths, norm, True, "rfftnd")


@raises_tf_errors
def irfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The real signal whose rfftnd over `axes` is the input; the last axis's length defaults
    to 2·(bins - 1) (tf.signal.irfftnd)."""
    value = as_complex(input_tensor, "irfftnd")
    axes, lengths = _axes_and_lengths(value.ndim, value.shape, fft_length, axes, "irfftnd",
                                      last_default=lambda bins: 2 * (bins - 1))
    for axis, n in zip(axes[:-1], lengths[:-1]):
        value = _dft(ComplexTensor(_fit(value.real, axis, n), _fit(value.imag, axis, n)), axis, True)
    last = axes[-1]
    moved = ComplexTensor(_shape.moveaxis(value.real, last, -1), _shape.moveaxis(value.imag, last, -1))
    result = _shape.moveaxis(_irfft_last(moved, lengths[-1]), -1, last)
    return _scale(result, lengths, norm, False, "irfftnd")
