"""keras.ops Fourier transforms on (real, imag) pairs, as Keras passes complex values:
fft, ifft2, fft2, rfft, irfft, stft, istft. The engine has no complex dtype and no FFT
kernel, so each transform is a product with cosine and sine matrices (O(n²) per axis,
BLAS-fast for the lengths custom layers use) and differentiable through the tape. Angles
are reduced as (k·n mod N) / N in integers first, so large N keeps float64-accurate twiddles."""
import math
import operator

import swiftdl as sd

from ._convert import float_tensor, tensor
from .numpy_signal import extract_sequences


def _pair(x, op):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"[{op}] expects a tuple (real, imag) of two tensors; received {type(x).__name__}")
    real, imag = float_tensor(x[0]), float_tensor(x[1])
    if tuple(real.shape) != tuple(imag.shape):
        raise ValueError(f"[{op}] real and imag must have the same shape; received {tuple(real.shape)} and "
                         f"{tuple(imag.shape)}")
    if real.ndim < 1:
        raise ValueError(f"[{op}] inputs must have rank >= 1")
    return real, imag.astype(real.dtype)


def _twiddles(n_in, bins, period, dtype):
    """cos and sin of 2π·k·j/period for j < n_in (rows) and k < bins (columns)."""
    rows = sd.reshape(sd.arange(n_in, dtype="int64"), (-1, 1))
    columns = sd.reshape(sd.arange(bins, dtype="int64"), (1, -1))
    angle = sd.remainder(rows * columns, max(period, 1)).astype("float64") * (2.0 * math.pi / max(period, 1))
    return sd.cos(angle).astype(dtype), sd.sin(angle).astype(dtype)


def _dft_last(real, imag, inverse):
    n = real.shape[-1]
    cos, sin = _twiddles(n, n, n, real.dtype)
    if inverse:
        out_real = (sd.matmul(real, cos) - sd.matmul(imag, sin)) / n
        out_imag = (sd.matmul(imag, cos) + sd.matmul(real, sin)) / n
    else:
        out_real = sd.matmul(real, cos) + sd.matmul(imag, sin)
        out_imag = sd.matmul(imag, cos) - sd.matmul(real, sin)
    return out_real, out_imag


def fft(x):
    """The discrete Fourier transform along the last axis of (real, imag)."""
    real, imag = _pair(x, "fft")
    return _dft_last(real, imag, False)


def _two_axes(x, op, inverse):
    real, imag = _pair(x, op)
    if real.ndim < 2:
        raise ValueError(f"[{op}] inputs must have rank >= 2")
    real, imag = _dft_last(real, imag, inverse)
    real, imag = _dft_last(sd.swapaxes(real, -1, -2), sd.swapaxes(imag, -1, -2), inverse)
    return sd.swapaxes(real, -1, -2), sd.swapaxes(imag, -1, -2)


def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes of (real, imag)."""
    return _two_axes(x, "fft2", False)


def ifft2(x):
    """The inverse of fft2."""
    return _two_axes(x, "ifft2", True)


def _fit_length(x, n):
    """x cut or zero-padded to n along the last axis."""
    length = x.shape[-1]
    if length >= n:
        return x[..., :n]
    return sd.concatenate([x, sd.zeros(tuple(x.shape[:-1]) + (n - length,), x.dtype)], axis=-1)


def rfft(x, fft_length=None):
    """The real-input DFT along the last axis: fft_length // 2 + 1 bins, as (real, imag)."""
    x = float_tensor(x)
    n = x.shape[-1] if fft_length is None else operator.index(fft_length)
    if n < 1:
        raise ValueError(f"[rfft] fft_length must be positive; received {fft_length!r}")
    x = _fit_length(x, n)
    cos, sin = _twiddles(n, n // 2 + 1, n, x.dtype)
    return sd.matmul(x, cos), -sd.matmul(x, sin)


def irfft(x, fft_length=None):
    """The inverse of rfft: a real signal of fft_length (default 2·(bins - 1)) samples."""
    real, imag = _pair(x, "irfft")
    n = 2 * (real.shape[-1] - 1) if fft_length is None else operator.index(fft_length)
    if n < 1:
        raise ValueError(f"[irfft] fft_length must be positive; received {fft_length!r}")
    bins = n // 2 + 1
    real, imag = _fit_length(real, bins), _fit_length(imag, bins)
    weights = [1.0] + [2.0] * (bins - 1)
    if n % 2 == 0:
        weights[-1] = 1.0
    weight = sd.asarray(weights, dtype=real.dtype.name)
    cos, sin = _twiddles(bins, n, n, real.dtype)                     # (bins, n)
    return (sd.matmul(real * weight, cos) - sd.matmul(imag * weight, sin)) / n


def _window(window, sequence_length, fft_length, dtype, op):
    left = (fft_length - sequence_length) // 2
    right = fft_length - sequence_length - left
    if window is None:
        return sd.ones((fft_length,), dtype), False
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f'[{op}] If a string is passed to `window`, it must be one of `"hann"`, `"hamming"`. '
                             f"Received: window={window}")
        n = sd.arange(sequence_length, dtype="float64")
        a = 0.5 if window == "hann" else 0.54
        values = (a - (1.0 - a) * sd.cos(n * (2.0 * math.pi / sequence_length))).astype(dtype)  # periodic
    else:
        values = tensor(window, dtype)
        if values.ndim != 1 or values.shape[0] != sequence_length:
            raise ValueError(f"[{op}] The shape of `window` must be equal to [sequence_length]. Received: window "
                             f"shape={tuple(values.shape)}")
    return sd.concatenate([sd.zeros((left,), dtype), values, sd.zeros((right,), dtype)]), True


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis: frames of sequence_length every
    sequence_stride (reflect-padded by fft_length // 2 when center), windowed, each given
    fft_length // 2 + 1 bins. Returns (real, imag) of shape (..., frames, bins)."""
    x = tensor(x)
    if x.dtype.name not in ("float32", "float64"):
        raise TypeError(f"[stft] Invalid input type. Expected `float32` or `float64`. Received: input type={x.dtype}")
    if fft_length < sequence_length:
        raise ValueError(f"[stft] `fft_length` must equal or larger than `sequence_length`. Received: "
                         f"sequence_length={sequence_length}, fft_length={fft_length}")
    if center:
        from .numpy_shape import pad
        x = pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)], mode="reflect")
    win, _ = _window(window, sequence_length, fft_length, x.dtype.name, "stft")
    frames = extract_sequences(x, fft_length, sequence_stride) * win
    return rfft(frames, fft_length)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """The inverse of stft by windowed overlap-add (scipy's normalisation, as Keras does)."""
    real, imag = _pair(x, "istft")
    dtype = real.dtype.name
    win, windowed = _window(window, sequence_length, fft_length, dtype, "istft")
    frames_count = real.shape[-2]
    frames = irfft((real, imag), fft_length) * sd.sum(win)              # (..., T, N)
    weighted = frames * win
    output_length = fft_length + sequence_stride * (frames_count - 1)
    signal = _overlap_add(weighted, sequence_stride, output_length)
    norm = _overlap_add(sd.broadcast_to(sd.square(win), (frames_count, fft_length)), sequence_stride, output_length)
    signal = sd.where(sd.greater(norm, 1e-10), signal / sd.where(sd.greater(norm, 1e-10), norm, sd.ones((), dtype)),
                      signal)
    signal = signal / (sd.sum(win) if windowed else float(sequence_stride))
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + operator.index(length)
    elif center:
        end = output_length - fft_length // 2
    else:
        end = output_length
    return signal[..., start:end]


def _overlap_add(frames, stride, output_length):
    """Σ_t frames[..., t, :] placed at t·stride, by chunks of gcd(frame, stride) samples:
    one shifted sum per chunk of a frame (a few whole-tensor ops each)."""
    count, size = frames.shape[-2:]
    chunk = math.gcd(size, stride)
    step = stride // chunk
    lead = tuple(frames.shape[:-2])
    total_chunks = output_length // chunk
    pieces = sd.reshape(frames, lead + (count, size // chunk, chunk))
    result = sd.zeros(lead + (total_chunks, chunk), frames.dtype)
    for c in range(size // chunk):
        part = pieces[..., :, c, :]                                        # (..., T, chunk)
        if step > 1:
            spaced = sd.concatenate([sd.expand_dims(part, -2), sd.zeros(lead + (count, step - 1, chunk), frames.dtype)],
                                    axis=-2)
            part = sd.reshape(spaced, lead + (count * step, chunk))[..., :(count - 1) * step + 1, :]
        before, after = c, total_chunks - c - part.shape[-2]
        placed = sd.concatenate([sd.zeros(lead + (before, chunk), frames.dtype), part,
                                 sd.zeros(lead + (after, chunk), frames.dtype)], axis=-2)
        result = result + placed
    return sd.reshape(result, lead + (output_length,))
