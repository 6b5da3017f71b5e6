"""tf.signal.frame, overlap_and_add, stft, inverse_stft and inverse_stft_window_fn: framing
is one gather, overlap-add a few shifted sums, the spectra rfft/irfft (see _fft), so the
whole short-time transform is differentiable."""
import math
import operator

import numpy as np

from .. import _shape
from .._creation import array, zeros
from .._ops import sum as reduce_sum
from ..errors import InvalidArgumentError, raises_tf_errors
from ._complex import as_complex, as_real
from ._fft import _fit, _irfft_last, _rfft_last
from ._windows import hann_window


def _positive(value, name, op):
    value = operator.index(value.numpy() if hasattr(value, "numpy") else value)
    if value <= 0:
        raise ValueError(f"[{op}] {name} must be positive; received {value}")
    return value


@raises_tf_errors
def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Frames of frame_length samples every frame_step along `axis` (tf.signal.frame): the
    axis becomes (num_frames, frame_length).

    Args:
        signal: a tensor of rank >= 1.
        frame_length, frame_step: positive integers.
        pad_end: pad the end with pad_value so that every sample lies in a frame
            (num_frames = ceil(length / frame_step)).
        pad_value: the padding's value.
        axis: the axis to frame.

    Raises:
        ValueError: for a non-positive frame_length or frame_step, or a rank-0 signal.
    """
    from .._tf_cast import convert_to_tensor
    signal = convert_to_tensor(signal)
    frame_length = _positive(frame_length, "frame_length", "frame")
    frame_step = _positive(frame_step, "frame_step", "frame")
    if signal.ndim < 1:
        raise ValueError(f"[frame] signal must have rank >= 1; received shape {tuple(signal.shape)}")
    axis = operator.index(axis)
    if not -signal.ndim <= axis < signal.ndim:
        raise InvalidArgumentError(None, None, f"[frame] axis {axis} is out of range for rank {signal.ndim}")
    axis %= signal.ndim
    length = signal.shape[axis]
    if pad_end:
        frames = -(-length // frame_step)
        extra = max(0, frame_length + frame_step * (frames - 1) - length)
        if extra:
            shape = list(signal.shape)
            shape[axis] = extra
            padding = zeros(tuple(shape), signal.dtype) + array(pad_value, dtype=signal.dtype.name)
            signal = _shape.concatenate([signal, padding], axis=axis)
    else:
        frames = max(0, 1 + (length - frame_length) // frame_step)
    if frames == 0:   # no frame fits (the sample indices are never built)
        shape = tuple(signal.shape[:axis]) + (0, frame_length) + tuple(signal.shape[axis + 1:])
        return zeros(shape, signal.dtype)
    index = np.arange(frames)[:, None] * frame_step + np.arange(frame_length)[None, :]
    gathered = _shape.take(signal, array(index.reshape(-1).astype(np.int64)), axis=axis)
    shape = tuple(signal.shape[:axis]) + (frames, frame_length) + tuple(signal.shape[axis + 1:])
    return _shape.reshape(gathered, shape)


@raises_tf_errors
def overlap_and_add(signal, frame_step, name=None):
    """Σ_t frames[..., t, :] placed at t·frame_step: (..., frames, frame_length) to
    (..., (frames - 1)·frame_step + frame_length) (tf.signal.overlap_and_add)."""
    from .._tf_cast import convert_to_tensor
    signal = convert_to_tensor(signal)
    step = _positive(frame_step, "frame_step", "overlap_and_add")
    if signal.ndim < 2:
        raise ValueError(f"[overlap_and_add] signal must have rank >= 2; received shape {tuple(signal.shape)}")
    count, length = signal.shape[-2], signal.shape[-1]
    lead = tuple(signal.shape[:-2])
    output_length = (count - 1) * step + length if count else 0
    # Cut each frame into `pieces` blocks of `step` samples: block c of frame t lands on
    # output block t + c, so the output is `pieces` shifted sums of whole-tensor slices.
    pieces = -(-length // step)
    blocks = _shape.reshape(_fit(signal, -1, pieces * step), lead + (count, pieces, step))
    total = None
    for c in range(pieces):
        part = blocks[..., c, :]
        placed = _shape.concatenate([zeros(lead + (c, step), signal.dtype), part,
                                     zeros(lead + (pieces - 1 - c, step), signal.dtype)], axis=-2)
        total = placed if total is None else total + placed
    flat = _shape.reshape(total, lead + ((count + pieces - 1) * step,))
    return flat[..., :output_length]


def _default_fft_length(frame_length):
    return 1 << max(0, math.ceil(math.log2(frame_length)))


@raises_tf_errors
def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window, pad_end=False, name=None):
    """The short-time Fourier transform (tf.signal.stft): frames of frame_length every
    frame_step, multiplied by window_fn(frame_length, dtype=...), each zero-padded to
    fft_length (default: the next power of two) and given fft_length // 2 + 1 bins.

    Args:
        signals: float32 or float64, (..., samples).
        frame_length, frame_step: positive integers.
        fft_length: the transform length, at least frame_length.
        window_fn: a function (length, dtype=...) -> window, or None for no window.
        pad_end: pad the signal's end so that every sample lies in a frame.

    Returns:
        A ComplexTensor (..., frames, fft_length // 2 + 1).
    """
    signals = as_real(signals, "stft")
    frame_length = _positive(frame_length, "frame_length", "stft")
    fft_length = _default_fft_length(frame_length) if fft_length is None else _positive(fft_length, "fft_length",
                                                                                         "stft")
    frames = frame(signals, frame_length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        frames = frames * window_fn(frame_length, dtype=signals.dtype.name)
    return _rfft_last(frames, fft_length)


@raises_tf_errors
def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window, name=None):
    """Overlap-adds the windowed inverse transforms of `stfts` (tf.signal.inverse_stft).
    With window_fn=inverse_stft_window_fn(frame_step) it inverts stft.

    Returns:
        A real tensor (..., (frames - 1)·frame_step + frame_length).
    """
    stfts = as_complex(stfts, "inverse_stft")
    if stfts.ndim < 2:
        raise ValueError(f"[inverse_stft] stfts must have rank >= 2; received shape {tuple(stfts.shape)}")
    frame_length = _positive(frame_length, "frame_length", "inverse_stft")
    fft_length = _default_fft_length(frame_length) if fft_length is None else _positive(fft_length, "fft_length",
                                                                                         "inverse_stft")
    frames = _fit(_irfft_last(stfts, fft_length), -1, frame_length)
    if window_fn is not None:
        frames = frames * window_fn(frame_length, dtype=frames.dtype.name)
    return overlap_and_add(frames, frame_step)


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """A window_fn for inverse_stft that undoes stft with forward_window_fn: the forward
    window divided by the sum of its overlapping squares (tf.signal.inverse_stft_window_fn)."""
    frame_step = _positive(frame_step, "frame_step", "inverse_stft_window_fn")

    def window_fn(frame_length, dtype="float32"):
        forward = forward_window_fn(frame_length, dtype=dtype)
        overlaps = -(-frame_length // frame_step)
        squares = _fit(forward * forward, -1, overlaps * frame_step)
        denominator = reduce_sum(_shape.reshape(squares, (overlaps, frame_step)), axis=0)
        tiled = _shape.reshape(_shape.concatenate([denominator] * overlaps), (-1,))
        return forward / tiled[:frame_length]

    return window_fn

