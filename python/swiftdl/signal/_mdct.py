"""tf.signal.mdct and inverse_mdct: the modified DCT of half-overlapping windowed frames,
as frame + a fold of each frame's quarters + a type-IV DCT (TensorFlow's construction);
differentiable like its parts."""
import math
import operator

from .. import _shape
from ..errors import raises_tf_errors
from ._complex import as_real
from ._dct import dct
from ._spectral import frame, overlap_and_add
from ._windows import vorbis_window


def _reverse(x):
    return x[..., ::-1]


@raises_tf_errors
def mdct(signals, frame_length, window_fn=vorbis_window, pad_end=False, norm=None, name=None):
    """The MDCT of frames of frame_length (a multiple of 4) every frame_length / 2 samples
    (tf.signal.mdct): (..., frames, frame_length / 2).

    Args:
        signals: float32 or float64, (..., samples).
        frame_length: a positive multiple of 4.
        window_fn: a function (length, dtype=...) -> window (a Princen-Bradley window for
            perfect reconstruction), or None for a constant 1/sqrt(2).
        pad_end: pad the signal's end so that every sample lies in a frame.
        norm: None or 'ortho', passed to the type-IV DCT.

    Raises:
        ValueError: when frame_length is not a multiple of 4.
    """
    signals = as_real(signals, "mdct")
    frame_length = operator.index(frame_length)
    if frame_length <= 0 or frame_length % 4:
        raise ValueError(f"[mdct] The frame length must be a multiple of 4; received {frame_length}")
    frames = frame(signals, frame_length, frame_length // 2, pad_end=pad_end)
    frames = frames * (window_fn(frame_length, dtype=frames.dtype.name) if window_fn is not None else 1.0 / math.sqrt(2))
    quarter = frame_length // 4
    a, b, c, d = (frames[..., i * quarter:(i + 1) * quarter] for i in range(4))
    folded = _shape.concatenate([-_reverse(c) - d, a - _reverse(b)], axis=-1)
    return dct(folded, type=4, norm=norm)


@raises_tf_errors
def inverse_mdct(mdcts, window_fn=vorbis_window, norm=None, name=None):
    """Overlap-adds the unfolded, windowed type-IV DCTs of `mdcts` (tf.signal.inverse_mdct):
    with the same Princen-Bradley window it inverts mdct.

    Returns:
        A real tensor (..., (frames + 1)·half_length).
    """
    mdcts = as_real(mdcts, "inverse_mdct")
    if mdcts.ndim < 2:
        raise ValueError(f"[inverse_mdct] mdcts must have rank >= 2; received shape {tuple(mdcts.shape)}")
    if norm not in (None, "ortho"):
        raise ValueError(f"[inverse_mdct] norm must be None or 'ortho'; received {norm!r}")
    half = mdcts.shape[-1]
    inverse = dct(mdcts, type=4, norm="ortho") if norm == "ortho" else dct(mdcts, type=4) * (0.5 / half)
    first, second = inverse[..., :half // 2], inverse[..., half // 2:]
    frames = _shape.concatenate([second, -_reverse(second), -_reverse(first), -first], axis=-1)
    frames = frames * (window_fn(2 * half, dtype=frames.dtype.name) if window_fn is not None else 1.0 / math.sqrt(2))
    return overlap_and_add(frames, half)
