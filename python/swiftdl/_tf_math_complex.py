"""tf.math's complex-number parts: real, imag, conj, angle, and tf.complex.

Complex values are `swiftdl.signal.ComplexTensor`s (a real and an imaginary engine tensor;
the engine has no complex dtype) or numpy complex arrays; real input is handled as
TensorFlow does (real and conj return it, imag gives zeros, angle gives π where negative).
"""
import math

import numpy as np

from . import _creation, _ops
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from .errors import InvalidArgumentError, raises_tf_errors


def _complex_value(x):
    from .keras.ops.complex_values import complex_value
    return complex_value(x)


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


@raises_tf_errors
def real(input, name=None):  # noqa: A002
    """The real part of complex values; real input unchanged (tf.math.real)."""
    value = _complex_value(input)
    return _t(input) if value is None else value.real


@raises_tf_errors
def imag(input, name=None):  # noqa: A002
    """The imaginary part of complex values; zeros for real input (tf.math.imag)."""
    value = _complex_value(input)
    if value is None:
        x = _t(input)
        return _ops.multiply(x, _creation.zeros((), x.dtype)) if x.dtype.kind == "f" else _creation.zeros(
            tuple(x.shape), x.dtype)
    return value.imag


@raises_tf_errors
def conj(x, name=None):
    """The complex conjugate; real input unchanged (tf.math.conj)."""
    value = _complex_value(x)
    return _t(x) if value is None else value.conj()


@raises_tf_errors
def angle(input, name=None):  # noqa: A002
    """The argument atan2(imag, real) of complex values; for real input π where negative and
    0 elsewhere (tf.math.angle)."""
    value = _complex_value(input)
    if value is None:
        x = _t(input)
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        return _ops.where(_ops.less(x, 0), _creation.full((), math.pi, dtype), _creation.zeros((), dtype))
    from .keras.ops import arctan2
    return arctan2(value.imag, value.real)


@raises_tf_errors
def complex(real, imag, name=None):  # noqa: A001
    """The complex tensor real + i·imag (tf.complex): complex64 from float32 parts,
    complex128 from float64, as a ComplexTensor.

    Raises:
        InvalidArgumentError: when the parts are not both float32 or both float64.
    """
    from .signal import ComplexTensor
    real_part, imag_part = _t(real), _t(imag)
    if real_part.dtype != imag_part.dtype or real_part.dtype.kind != "f" or real_part.dtype.itemsize < 4:
        raise InvalidArgumentError(None, None, f"[complex] real and imag must both be float32 or both float64; "
                                   f"received {real_part.dtype} and {imag_part.dtype}")
    return ComplexTensor(real_part, imag_part)
