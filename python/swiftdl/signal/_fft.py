"""tf.signal's Fourier transforms: fft/ifft over the last 1, 2 or 3 axes of complex input,
rfft/irfft over the last 1, 2 or 3 axes of real input, fftshift and ifftshift.

The engine has no FFT kernel: an axis of up to 1024 points is one product with
host-computed cosine and sine matrices (BLAS-fast at frame and image sizes), a longer one
is split into such products (four-step FFT) or, for a prime length, done by Bluestein's
chirp convolution; all of it is engine ops, so differentiable through the tape. Angles are
reduced as (k·j mod n) / n in integers, so long axes keep accurate twiddles. Complex
values are ComplexTensor pairs (see _complex)."""
import functools
import math
import operator

import numpy as np

from .. import _shape
from .._convert import TensorBase
from .._creation import array, zeros
from .._ops import matmul
from .._tf_array import roll
from .._tf_cast import convert_to_tensor
from ..errors import InvalidArgumentError, raises_tf_errors
from ._complex import ComplexTensor, as_complex, as_real


# An axis up to this long is one product with its DFT matrices; a longer one is split
# n = n1·n2 (the "four-step" FFT: n2 transforms of n1, twiddles, n1 transforms of n2), and a
# long prime one goes through Bluestein's chirp convolution at a power-of-two length.
_DIRECT = 1024


@functools.lru_cache(maxsize=8)   # a spectrogram pipeline reuses a few sizes; each entry <= 16 MB
def _twiddles(rows, columns, period, dtype):
    """cos and sin of 2π·j·k / period for j < rows, k < columns, as engine constants."""
    angle = (np.arange(rows)[:, None] * np.arange(columns)[None, :]) % max(period, 1) * (2.0 * math.pi / max(period, 1))
    return array(np.cos(angle).astype(dtype)), array(np.sin(angle).astype(dtype))


def _rotate(real, imag, angle, sign):
    """(real + i·imag) · e^(sign·i·angle), angle a host array broadcasting against the parts."""
    cos, sin = array(np.cos(angle).astype(real.dtype.name)), array((sign * np.sin(angle)).astype(real.dtype.name))
    return real * cos - imag * sin, imag * cos + real * sin


def _factor(n):
    """The divisor of n nearest below sqrt(n) (1 for a prime)."""
    for factor in range(math.isqrt(n), 1, -1):
        if n % factor == 0:
            return factor
    return 1


def _dft_last(real, imag, sign):
    """Σ_j x_j·e^(sign·2πi·jk/n) along the last axis (unscaled), as (real, imag)."""
    n = real.shape[-1]
    first = _factor(n) if n > _DIRECT else 1
    if n <= _DIRECT:
        cos, sin = _twiddles(n, n, n, real.dtype.name)
        if sign < 0:
            return matmul(real, cos) + matmul(imag, sin), matmul(imag, cos) - matmul(real, sin)
        return matmul(real, cos) - matmul(imag, sin), matmul(imag, cos) + matmul(real, sin)
    if first == 1:
        return _bluestein(real, imag, sign)
    second, lead = n // first, tuple(real.shape[:-1])
    # j = second·j1 + j2 and k = k1 + first·k2: transform j1, twiddle by e^(±2πi·j2·k1/n),
    # transform j2, and read the result out in k2-major order.
    real = _shape.swapaxes(_shape.reshape(real, lead + (first, second)), -1, -2)     # (..., j2, j1)
    imag = _shape.swapaxes(_shape.reshape(imag, lead + (first, second)), -1, -2)
    real, imag = _dft_last(real, imag, sign)                                           # (..., j2, k1)
    angle = (np.arange(second)[:, None] * np.arange(first)[None, :]) % n * (2.0 * math.pi / n)
    real, imag = _rotate(real, imag, angle, sign)
    real, imag = _dft_last(_shape.swapaxes(real, -1, -2), _shape.swapaxes(imag, -1, -2), sign)   # (..., k1, k2)
    return (_shape.reshape(_shape.swapaxes(real, -1, -2), lead + (n,)),
            _shape.reshape(_shape.swapaxes(imag, -1, -2), lead + (n,)))


def _bluestein(real, imag, sign):
    """A DFT of any length n as a convolution with the chirp e^(-sign·πi·m²/n), done by
    transforms of a power-of-two length >= 2n - 1 (jk = (j² + k² - (k - j)²) / 2)."""
    n, lead = real.shape[-1], tuple(real.shape[:-1])
    size = 1 << (2 * n - 2).bit_length()
    chirp = (np.arange(n) ** 2 % (2 * n)) * (math.pi / n)          # π·j²/n, reduced exactly
    real, imag = _rotate(real, imag, chirp, sign)
    pad = zeros(lead + (size - n,), real.dtype)
    a_real, a_imag = _dft_last(_shape.concatenate([real, pad], axis=-1), _shape.concatenate([imag, pad], axis=-1), -1)
    kernel = np.zeros(size)
    kernel[:n] = chirp
    kernel[size - n + 1:] = chirp[1:][::-1]                         # b_m for m = -(n-1) .. -1
    b_real, b_imag = _dft_last(array(np.cos(kernel).astype(real.dtype.name)),
                               array((-sign * np.sin(kernel)).astype(real.dtype.name)), -1)
    product_real, product_imag = a_real * b_real - a_imag * b_imag, a_real * b_imag + a_imag * b_real
    out_real, out_imag = _dft_last(product_real, product_imag, 1)
    out_real, out_imag = out_real[..., :n] / float(size), out_imag[..., :n] / float(size)
    return _rotate(out_real, out_imag, chirp, sign)


def _dft(value, axis, inverse):
    """The (inverse) DFT of a ComplexTensor along `axis`."""
    real, imag = _shape.moveaxis(value.real, axis, -1), _shape.moveaxis(value.imag, axis, -1)
    n = real.shape[-1]
    out_real, out_imag = _dft_last(real, imag, 1 if inverse else -1)
    if inverse:
        out_real, out_imag = out_real / float(max(n, 1)), out_imag / float(max(n, 1))
    return ComplexTensor(_shape.moveaxis(out_real, -1, axis), _shape.moveaxis(out_imag, -1, axis))


def _transform(input, rank, inverse, op):  # noqa: A002
    value = as_complex(input, op)
    if value.ndim < rank:
        raise InvalidArgumentError(None, None, f"[{op}] input must have rank >= {rank}; received shape "
                                   f"{tuple(value.shape)}")
    for axis in range(-rank, 0):
        value = _dft(value, axis, inverse)
    return value


@raises_tf_errors
def fft(input, name=None):  # noqa: A002
    """The discrete Fourier transform over the last axis (tf.signal.fft).

    Args:
        input: complex values: a ComplexTensor or a numpy complex array.
        name: accepted for TensorFlow's signature.

    Returns:
        A ComplexTensor of the same shape.

    Raises:
        InvalidArgumentError: for real input or a rank below the transform's.
    """
    return _transform(input, 1, False, "fft")


@raises_tf_errors
def ifft(input, name=None):  # noqa: A002
    """The inverse DFT over the last axis, scaled by 1/n (tf.signal.ifft)."""
    return _transform(input, 1, True, "ifft")


@raises_tf_errors
def fft2d(input, name=None):  # noqa: A002
    """The DFT over the last two axes (tf.signal.fft2d)."""
    return _transform(input, 2, False, "fft2d")


@raises_tf_errors
def ifft2d(input, name=None):  # noqa: A002
    """The inverse DFT over the last two axes (tf.signal.ifft2d)."""
    return _transform(input, 2, True, "ifft2d")


@raises_tf_errors
def fft3d(input, name=None):  # noqa: A002
    """The DFT over the last three axes (tf.signal.fft3d)."""
    return _transform(input, 3, False, "fft3d")


@raises_tf_errors
def ifft3d(input, name=None):  # noqa: A002
    """The inverse DFT over the last three axes (tf.signal.ifft3d)."""
    return _transform(input, 3, True, "ifft3d")


def _lengths(fft_length, rank, default, op):
    if fft_length is None:
        return list(default)
    values = np.asarray(fft_length.numpy() if hasattr(fft_length, "numpy") else fft_length).reshape(-1)
    if values.shape != (rank,) or values.dtype.kind not in "iu":
        raise ValueError(f"[{op}] fft_length must hold {rank} integers; received {fft_length!r}")
    lengths = [operator.index(v) for v in values]
    if min(lengths) < 0:
        raise InvalidArgumentError(None, None, f"[{op}] fft_length must be non-negative; received {lengths}")
    return lengths


def _fit(x, axis, n):
    """x cut or zero-padded to n along `axis`."""
    length = x.shape[axis]
    if length == n:
        return x
    if length > n:
        key = [slice(None)] * x.ndim
        key[axis] = slice(0, n)
        return x[tuple(key)]
    shape = list(x.shape)
    shape[axis] = n - length
    return _shape.concatenate([x, zeros(tuple(shape), x.dtype)], axis=axis)


def _rfft_last(x, n):
    x = _fit(x, -1, n)
    if n > _DIRECT:   # the complex transform of the real signal, first half of the bins
        real, imag = _dft_last(x, x * 0.0, -1)
        return ComplexTensor(real[..., :n // 2 + 1], imag[..., :n // 2 + 1])
    cos, sin = _twiddles(n, n // 2 + 1, n, x.dtype.name)
    return ComplexTensor(matmul(x, cos), -matmul(x, sin))


def _irfft_last(value, n):
    bins = n // 2 + 1
    real, imag = _fit(value.real, -1, bins), _fit(value.imag, -1, bins)
    # The imaginary parts of the DC bin (and the Nyquist bin for even n) are ignored, as a
    # C2R transform does.
    keep = np.ones(bins)
    keep[0] = 0.0
    if n % 2 == 0:
        keep[-1] = 0.0
    if n > _DIRECT:   # rebuild the Hermitian spectrum X[n - k] = conj(X[k]) and invert it
        imag = imag * array(keep.astype(imag.dtype.name))
        mirror = slice(n - bins, 0, -1)
        full_real = _shape.concatenate([real, real[..., mirror]], axis=-1)
        full_imag = _shape.concatenate([imag, -imag[..., mirror]], axis=-1)
        return _dft_last(full_real, full_imag, 1)[0] / float(n)
    # Each bin but DC (and Nyquist for even n) stands for itself and its mirror image.
    weights = np.where(np.arange(bins) == 0, 1.0, 2.0)
    if n % 2 == 0:
        weights[-1] = 1.0
    weight = array(weights.astype(real.dtype.name))
    cos, sin = _twiddles(bins, n, n, real.dtype.name)
    return (matmul(real * weight, cos) - matmul(imag * weight, sin)) / float(max(n, 1))


def _real_transform(input_tensor, fft_length, rank, op):
    x = as_real(input_tensor, op)
    if x.ndim < rank:
        raise InvalidArgumentError(None, None, f"[{op}] input must have rank >= {rank}; received shape {tuple(x.shape)}")
    lengths = _lengths(fft_length, rank, x.shape[-rank:], op)
    value = _rfft_last(x, lengths[-1])
    for axis, n in zip(range(-rank, -1), lengths[:-1]):
        value = _dft(ComplexTensor(_fit(value.real, axis, n), _fit(value.imag, axis, n)), axis, False)
    return value


def _inverse_real_transform(input_tensor, fft_length, rank, op):
    value = as_complex(input_tensor, op)
    if value.ndim < rank:
        raise InvalidArgumentError(None, None, f"[{op}] input must have rank >= {rank}; received shape "
                                   f"{tuple(value.shape)}")
    default = list(value.shape[-rank:-1]) + [2 * (value.shape[-1] - 1)]
    lengths = _lengths(fft_length, rank, default, op)
    for axis, n in zip(range(-rank, -1), lengths[:-1]):
        value = _dft(ComplexTensor(_fit(value.real, axis, n), _fit(value.imag, axis, n)), axis, True)
    return _irfft_last(value, lengths[-1])


@raises_tf_errors
def rfft(input_tensor, fft_length=None, name=None):
    """The DFT of real input over the last axis: fft_length // 2 + 1 bins (tf.signal.rfft).

    Args:
        input_tensor: float32 or float64 values.
        fft_length: [n]; the input is cut or zero-padded to n samples (default: its length).
        name: accepted for TensorFlow's signature.

    Returns:
        A ComplexTensor (complex64 for float32 input, complex128 for float64).

    Raises:
        ValueError: for complex or integer input.
    """
    return _real_transform(input_tensor, fft_length, 1, "rfft")


@raises_tf_errors
def irfft(input_tensor, fft_length=None, name=None):
    """The real signal of n = fft_length (default 2·(bins - 1)) samples whose rfft is the
    input (tf.signal.irfft); a real tensor."""
    return _inverse_real_transform(input_tensor, fft_length, 1, "irfft")


@raises_tf_errors
def rfft2d(input_tensor, fft_length=None, name=None):
    """rfft over the last axis, then the DFT over the one before (tf.signal.rfft2d)."""
    return _real_transform(input_tensor, fft_length, 2, "rfft2d")


@raises_tf_errors
def irfft2d(input_tensor, fft_length=None, name=None):
    """The inverse of rfft2d (tf.signal.irfft2d)."""
    return _inverse_real_transform(input_tensor, fft_length, 2, "irfft2d")


@raises_tf_errors
def rfft3d(input_tensor, fft_length=None, name=None):
    """rfft over the last axis, then the DFT over the two before (tf.signal.rfft3d)."""
    return _real_transform(input_tensor, fft_length, 3, "rfft3d")


@raises_tf_errors
def irfft3d(input_tensor, fft_length=None, name=None):
    """The inverse of rfft3d (tf.signal.irfft3d)."""
    return _inverse_real_transform(input_tensor, fft_length, 3, "irfft3d")


def _shift(x, axes, sign):
    if isinstance(x, ComplexTensor):
        return ComplexTensor(_shift(x.real, axes, sign), _shift(x.imag, axes, sign))
    x = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    axes = list(range(x.ndim)) if axes is None else ([axes] if isinstance(axes, int) else list(axes))
    shifts = [sign * (x.shape[a] // 2) for a in axes]
    return roll(x, shifts, axes)


@raises_tf_errors
def fftshift(x, axes=None, name=None):
    """Moves the zero-frequency bin to the centre of `axes` (all by default) (tf.signal.fftshift)."""
    return _shift(x, axes, 1)


@raises_tf_errors
def ifftshift(x, axes=None, name=None):
    """The inverse of fftshift (tf.signal.ifftshift)."""
    return _shift(x, axes, -1)
