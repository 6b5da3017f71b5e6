"""One-pass y = clip((x - shift) * scale + offset) (or / scale) for the preprocessing layers
(Rescaling, Normalization, RandomContrast) on the engine's channel_affine kernel, which reads
x as (outer, middle, channels) with (outer, channels) parameters."""
import math

import numpy as np

import swiftdl as _sd
from swiftdl import _C

# A row of parameters this wide keeps the kernel's inner loop vectorised when the channels
# are few (an RGB image's 3): the parameters are tiled over pixels to at least this width.
_MIN_ROW = 48


def channel_affine(x, shift, scale, offset, divide=False, low=-math.inf, high=math.inf):
    """clip((x - shift) ∘ scale + offset, low, high), ∘ = * or (divide) /, in x's dtype.

    Args:
        x: a float engine tensor.
        shift, scale, offset: numbers, numpy arrays or engine tensors broadcasting to x.
        divide: divide by `scale` instead of multiplying.
        low, high: the clip range (infinite: no clip).

    Returns:
        The result, or None when x is empty or the parameters would broadcast x to a larger
        shape (callers compose the ops then).
    """
    if x.size == 0:
        return None
    parameters = [p if isinstance(p, (_sd.Tensor, _sd.Variable)) else _sd.asarray(np.asarray(p, dtype=x.dtype.name))
                  for p in (shift, scale, offset)]
    rank = x.ndim
    if any(p.ndim > rank for p in parameters):
        return None
    shape = tuple(x.shape)
    varying = set()
    for p in parameters:
        padded = (1,) * (rank - p.ndim) + tuple(p.shape)
        if any(size not in (1, shape[axis]) for axis, size in enumerate(padded)):
            return None  # the parameters broadcast x to a larger shape: not one pass over x
        varying.update(axis for axis, size in enumerate(padded) if size != 1)
    # outer = the axes before `start`, channels = the axes from `stop`: every axis along which
    # a parameter varies is in one of them, so the middle shares one row of parameters.
    stop = rank - 1 if rank - 1 in varying else rank
    start = max((axis for axis in varying if axis < stop), default=-1) + 1
    outer, middle, channels = math.prod(shape[:start]), math.prod(shape[start:stop]), math.prod(shape[stop:])
    target = shape[:start] + (1,) * (stop - start) + shape[stop:]
    rows = [_sd.reshape(_sd.broadcast_to(_sd.reshape(p, (1,) * (rank - p.ndim) + tuple(p.shape)), target),
                        (outer, channels)) for p in parameters]
    repeat = _row_repeat(channels, middle)
    if repeat > 1:
        rows = [_sd.reshape(_sd.broadcast_to(_sd.reshape(r, (outer, 1, channels)), (outer, repeat, channels)),
                            (outer, repeat * channels)) for r in rows]
        middle, channels = middle // repeat, channels * repeat
    return _C.channel_affine(x, (outer, middle, channels), rows[0], rows[1], rows[2], bool(divide), float(low),
                             float(high))


def _row_repeat(channels, middle):
    """How many pixels' parameters one kernel row holds: the largest divisor of `middle` up to
    _MIN_ROW / channels (1 when the channels already fill a row)."""
    for repeat in range(max(_MIN_ROW // channels, 1), 1, -1):
        if middle % repeat == 0:
            return repeat
    return 1
