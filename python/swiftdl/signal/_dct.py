"""tf.signal.dct and idct (types I-IV, norm None or 'ortho'), mfccs_from_log_mel_spectrograms
and linear_to_mel_weight_matrix.

A DCT of up to 1024 points is a product with a host-computed cosine matrix (scipy's
definitions, which TensorFlow follows), a longer one a complex transform of a rotated or
mirrored copy; both are engine ops, so differentiable; the mel matrix depends
only on its arguments and is computed on the host."""
import math
import operator

import numpy as np

from .. import _shape
from .._creation import array, zeros
from .._ops import matmul
from .._tf_dtypes import numpy_dtype
from ..errors import raises_tf_errors
from ._complex import as_real
from ._fft import _DIRECT, _dft_last, _fit, _rotate


def _dct_matrix(n, kind, ortho):
    """(n, n) matrix M with dct(x) = x @ M."""
    j = np.arange(n)[:, None].astype(np.float64)   # input index
    k = np.arange(n)[None, :].astype(np.float64)   # output index
    if kind == 1:
        matrix = 2.0 * np.cos(math.pi * j * k / (n - 1))
        matrix[0, :] = 1.0
        matrix[-1, :] = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
        return matrix
    if kind == 2:
        matrix = 2.0 * np.cos(math.pi * k * (2.0 * j + 1.0) / (2.0 * n))
        if ortho:
            matrix *= np.where(np.arange(n) == 0, math.sqrt(1.0 / (4.0 * n)), math.sqrt(1.0 / (2.0 * n)))[None, :]
        return matrix
    if kind == 3:
        matrix = 2.0 * np.cos(math.pi * j * (2.0 * k + 1.0) / (2.0 * n))
        matrix[0, :] = 1.0
        if ortho:   # the transpose of the orthonormal type II
            return _dct_matrix(n, 2, True).T
        return matrix
    matrix = 2.0 * np.cos(math.pi * (2.0 * j + 1.0) * (2.0 * k + 1.0) / (4.0 * n))
    return matrix * math.sqrt(1.0 / (2.0 * n)) if ortho else matrix


def _check(type, n, axis, norm, op):  # noqa: A002
    if type not in (1, 2, 3, 4):
        raise ValueError(f"[{op}] Types I, II, III and IV (I)DCT are supported; received type={type!r}")
    if operator.index(axis) != -1:
        raise NotImplementedError(f"[{op}] axis must be -1; received {axis}")
    if n is not None and n < 1:
        raise ValueError(f"[{op}] n should be a positive integer or None; received {n}")
    if norm not in (None, "ortho"):
        raise ValueError(f"[{op}] Unknown normalization. Expected None or 'ortho'; received {norm!r}")
    if type == 1 and norm == "ortho":
        raise ValueError(f"[{op}] Normalization is not supported for the Type-I DCT")


@raises_tf_errors
def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The discrete cosine transform of the last axis (tf.signal.dct, scipy's definitions).

    Args:
        input: float32 or float64 values.
        type: 1, 2, 3 or 4.
        n: the length the input is cut or zero-padded to (default: its own).
        axis: must be -1, as in TensorFlow.
        norm: None or 'ortho' (not for type 1).

    Raises:
        ValueError: for a bad type, n or norm, or a type-I DCT of fewer than 2 samples.
        NotImplementedError: for another axis than -1.
    """
    _check(type, n, axis, norm, "dct")
    x = as_real(input, "dct")
    if n is not None:
        x = _fit(x, -1, operator.index(n))
    length = x.shape[-1]
    if type == 1 and length < 2:
        raise ValueError(f"[dct] the type-I DCT needs at least 2 samples; received shape {tuple(x.shape)}")
    if length <= _DIRECT:
        return matmul(x, array(_dct_matrix(length, type, norm == "ortho").astype(x.dtype.name)))
    return _dct_by_fft(x, type, norm == "ortho")


def _dct_by_fft(x, kind, ortho):
    """A long DCT through one complex transform of length 2N (2(N - 1) for type I) of a
    rotated or mirrored copy of x: O(N log N) engine ops instead of an N x N matrix."""
    n, dtype = x.shape[-1], x.dtype.name
    lead = tuple(x.shape[:-1])
    half_turn = math.pi * np.arange(n) / (2.0 * n)                  # πj / 2N

    def padded(t):
        return _shape.concatenate([t, zeros(lead + (n,), t.dtype)], axis=-1)

    if kind == 1:   # the even extension x0 .. x(N-1) .. x1; its DFT is real
        mirror = _shape.concatenate([x, x[..., n - 2:0:-1]], axis=-1)
        return _dft_last(mirror, mirror * 0.0, -1)[0][..., :n]
    if kind == 2:   # Re(e^(-πik/2N) · DFT(x, reversed x)_k)
        mirror = _shape.concatenate([x, x[..., ::-1]], axis=-1)
        real, imag = _dft_last(mirror, mirror * 0.0, -1)
        real, _ = _rotate(real[..., :n], imag[..., :n], half_turn, -1)
        if ortho:
            real = real * array(np.where(np.arange(n) == 0, math.sqrt(1.0 / (4 * n)),
                                         math.sqrt(1.0 / (2 * n))).astype(dtype))
        return real
    if kind == 3:   # Re Σ c_j x_j e^(πij/2N) e^(2πijk/2N), c_0 = 1 (1/sqrt(N) ortho), else 2
        scale = np.where(np.arange(n) == 0, math.sqrt(1.0 / n), math.sqrt(2.0 / n)) if ortho else \
            np.where(np.arange(n) == 0, 1.0, 2.0)
        scaled = x * array(scale.astype(dtype))
        real, imag = _rotate(scaled, scaled * 0.0, half_turn, 1)
        return _dft_last(padded(real), padded(imag), 1)[0][..., :n]
    # type IV: 2·Re(e^(-πi(2k+1)/4N) · DFT(x_j e^(-πij/2N)) over 2N points)
    real, imag = _rotate(x, x * 0.0, half_turn, -1)
    real, imag = _dft_last(padded(real), padded(imag), -1)
    real, _ = _rotate(real[..., :n], imag[..., :n], math.pi * (2.0 * np.arange(n) + 1.0) / (4.0 * n), -1)
    return real * (2.0 * math.sqrt(1.0 / (2.0 * n)) if ortho else 2.0)


@raises_tf_errors
def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The inverse DCT (tf.signal.idct): the DCT of type 1, 3, 2, 4 for type 1, 2, 3, 4;
    unnormalised, idct(dct(x)) = 2N·x (2(N - 1)·x for type 1)."""
    _check(type, n, axis, norm, "idct")
    return dct(input, type={1: 1, 2: 3, 3: 2, 4: 4}[type], n=n, axis=axis, norm=norm)


@raises_tf_errors
def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """Mel-frequency cepstral coefficients: the type-II DCT of the last axis scaled by
    1/sqrt(2·mel_bins) (tf.signal.mfccs_from_log_mel_spectrograms)."""
    x = as_real(log_mel_spectrograms, "mfccs_from_log_mel_spectrograms")
    if x.ndim < 1 or x.shape[-1] < 1:
        raise ValueError(f"[mfccs_from_log_mel_spectrograms] needs a non-empty last axis; received shape "
                         f"{tuple(x.shape)}")
    return dct(x, type=2) * float(1.0 / math.sqrt(2.0 * x.shape[-1]))


def _hertz_to_mel(frequencies):
    return 1127.0 * np.log1p(frequencies / 700.0)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype="float32", name=None):
    """(num_spectrogram_bins, num_mel_bins) triangular filters mapping a linear spectrum to
    the mel scale (tf.signal.linear_to_mel_weight_matrix, HTK's mel formula; the DC bin gets
    no weight).

    Raises:
        ValueError: for non-positive bin counts or sample rate, or edges out of order or
            above the Nyquist frequency.
    """
    op = "linear_to_mel_weight_matrix"
    if num_mel_bins <= 0:
        raise ValueError(f"[{op}] num_mel_bins must be positive; received {num_mel_bins}")
    if num_spectrogram_bins <= 0:
        raise ValueError(f"[{op}] num_spectrogram_bins must be positive; received {num_spectrogram_bins}")
    if sample_rate <= 0.0:
        raise ValueError(f"[{op}] sample_rate must be positive; received {sample_rate}")
    if lower_edge_hertz < 0.0:
        raise ValueError(f"[{op}] lower_edge_hertz must be non-negative; received {lower_edge_hertz}")
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(f"[{op}] lower_edge_hertz {lower_edge_hertz:.1f} >= upper_edge_hertz {upper_edge_hertz:.1f}")
    if upper_edge_hertz > sample_rate / 2:
        raise ValueError(f"[{op}] upper_edge_hertz must not be larger than the Nyquist frequency; received "
                         f"{upper_edge_hertz} for sample_rate {sample_rate}")
    wanted = numpy_dtype(dtype)
    if wanted.kind != "f":
        raise ValueError(f"[{op}] dtype must be a floating point type; received {wanted.name}")
    # TensorFlow computes in `dtype`; float32 steps keep its values to the last bit or two.
    work = wanted.type
    linear = np.linspace(0.0, sample_rate / 2.0, num_spectrogram_bins).astype(work)[1:]
    mel = _hertz_to_mel(linear.astype(work))[:, None]
    edges = np.linspace(_hertz_to_mel(work(lower_edge_hertz)), _hertz_to_mel(work(upper_edge_hertz)),
                        num_mel_bins + 2).astype(work)
    lower, center, upper = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    lower_slopes = (mel - lower) / (center - lower)
    upper_slopes = (upper - mel) / (upper - center)
    weights = np.maximum(work(0.0), np.minimum(lower_slopes, upper_slopes))
    return array(np.concatenate([np.zeros((1, num_mel_bins), wanted), weights.astype(wanted)]))
