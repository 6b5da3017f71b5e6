"""tf.linalg's diagonal functions: diag, diag_part and set_diag with a band of diagonals
k = (k0, k1) and TensorFlow's alignments, and tensor_diag / tensor_diag_part.

A band is stored as TensorFlow stores it: shape (..., k1 - k0 + 1, max_len), diagonal k1
in the first row down to k0 in the last; a diagonal shorter than max_len is padded on the
left or the right as `align` ("SUPER_SUB": RIGHT_LEFT by default) says. Every function here
is one gather between the flattened matrix and the flattened band, whose indices numpy
works out from the static shapes, so the tape differentiates them.
"""
import operator

import numpy as np

from . import _creation, _ops, _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from .errors import InvalidArgumentError, raises_tf_errors

_ALIGNMENTS = ("RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT")


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


def _band(k, op):
    """(k0, k1, single) from an int k or a pair."""
    values = np.asarray(k.numpy() if isinstance(k, TensorBase) else k).reshape(-1)
    if values.size not in (1, 2):
        raise InvalidArgumentError(None, None, f"[{op}] k must be an integer or a pair (k0, k1); received {k!r}")
    k0, k1 = (operator.index(int(v)) for v in (values if values.size == 2 else [values[0]] * 2))
    if k0 > k1:
        raise InvalidArgumentError(None, None, f"[{op}] k[0] must not exceed k[1]; received k = {(k0, k1)}")
    return k0, k1, values.size == 1


def _length(d, rows, cols):
    return max(0, min(rows + min(0, d), cols - max(0, d)))


def _layout(rows, cols, k0, k1, align, op):
    """For each slot (band row, position) of the stored band: the flat matrix index it
    holds, or -1 for padding; and max_len."""
    if align not in _ALIGNMENTS:
        raise InvalidArgumentError(None, None, f"[{op}] align must be one of {_ALIGNMENTS}; received {align!r}")
    max_len = max(_length(d, rows, cols) for d in range(k0, k1 + 1))
    slots = np.full((k1 - k0 + 1, max_len), -1, np.int64)
    for row, d in enumerate(range(k1, k0 - 1, -1)):
        length = _length(d, rows, cols)
        right = (align.split("_")[0] if d >= 0 else align.split("_")[1]) == "RIGHT"
        start = max_len - length if right else 0
        i = np.arange(length)
        slots[row, start:start + length] = (i + max(0, -d)) * cols + i + max(0, d)
    return slots, max_len


def _check_rank(x, rank, op, what):
    if x.ndim < rank:
        raise InvalidArgumentError(None, None, f"[{op}] {what} must be at least {rank}-D; received shape "
                                   f"{tuple(x.shape)}")


@raises_tf_errors
def diag_part(input, name=None, k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The diagonals k (an int or a band (k0, k1)) of the last two axes (tf.linalg.diag_part).

    Returns:
        (..., max_len) for one diagonal, (..., k1 - k0 + 1, max_len) for a band, padded
        with `padding_value` as `align` says.
    """
    x = _t(input)
    _check_rank(x, 2, "diag_part", "input")
    k0, k1, single = _band(k, "diag_part")
    rows, cols = x.shape[-2:]
    if not (-rows < k0 <= k1 < cols) and rows * cols:
        raise InvalidArgumentError(None, None, f"[diag_part] k = {(k0, k1)} is outside a {rows}x{cols} matrix")
    slots, _ = _layout(rows, cols, k0, k1, align, "diag_part")
    flat = _shape.reshape(x, tuple(x.shape[:-2]) + (rows * cols,))
    taken = _shape.take(flat, _creation.array(np.maximum(slots, 0).reshape(-1)), axis=-1)
    taken = _shape.reshape(taken, tuple(x.shape[:-2]) + slots.shape)
    padding = _creation.full((), padding_value, x.dtype)
    result = _ops.where(_creation.array(slots >= 0), taken, padding)
    return result[..., 0, :] if single else result


def _matrix_from_band(diagonal, k0, k1, single, rows, cols, align, op):
    """(values, inside): the (..., rows, cols) matrix whose band holds `diagonal` and a
    boolean mask of the band's positions."""
    if single:
        diagonal = _shape.expand_dims(diagonal, -2)
    slots, max_len = _layout(rows, cols, k0, k1, align, op)
    if tuple(diagonal.shape[-2:]) != slots.shape:
        expected = slots.shape[1:] if single else slots.shape
        raise InvalidArgumentError(None, None, f"[{op}] diagonal must end in shape {expected} for k = {(k0, k1)} and a "
                                   f"{rows}x{cols} matrix; received {tuple(diagonal.shape)}")
    source = np.zeros(rows * cols, np.int64)
    inside = np.zeros(rows * cols, bool)
    band_rows, positions = np.nonzero(slots >= 0)
    source[slots[band_rows, positions]] = band_rows * max_len + positions
    inside[slots[band_rows, positions]] = True
    flat = _shape.reshape(diagonal, tuple(diagonal.shape[:-2]) + (slots.size,))
    values = _shape.take(flat, _creation.array(source), axis=-1)
    values = _shape.reshape(values, tuple(diagonal.shape[:-2]) + (rows, cols))
    return values, _creation.array(inside.reshape(rows, cols))


@raises_tf_errors
def diag(diagonal, name=None, k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """Matrices with `diagonal` on their k-th diagonal (or band k = (k0, k1)) and
    `padding_value` elsewhere (tf.linalg.diag); square unless num_rows/num_cols say."""
    d = _t(diagonal)
    k0, k1, single = _band(k, "diag")
    _check_rank(d, 1 if single else 2, "diag", "diagonal")
    max_len = d.shape[-1]
    min_rows, min_cols = max_len - min(k1, 0), max_len + max(k0, 0)
    num_rows, num_cols = operator.index(num_rows), operator.index(num_cols)
    if num_rows == -1 and num_cols == -1:
        num_rows = num_cols = max(min_rows, min_cols)
    num_rows = min_rows if num_rows == -1 else num_rows
    num_cols = min_cols if num_cols == -1 else num_cols
    values, inside = _matrix_from_band(d, k0, k1, single, num_rows, num_cols, align, "diag")
    return _ops.where(inside, values, _creation.full((), padding_value, d.dtype))


@raises_tf_errors
def set_diag(input, diagonal, name=None, k=0, align="RIGHT_LEFT"):  # noqa: A002
    """`input` with its k-th diagonal (or band k = (k0, k1)) replaced by `diagonal`
    (tf.linalg.set_diag)."""
    x = _t(input)
    _check_rank(x, 2, "set_diag", "input")
    k0, k1, single = _band(k, "set_diag")
    values, inside = _matrix_from_band(_t(diagonal).astype(x.dtype), k0, k1, single, x.shape[-2], x.shape[-1],
                                       align, "set_diag")
    return _ops.where(inside, values, x)


@raises_tf_errors
def tensor_diag(diagonal, name=None):
    """The rank-2k tensor with output[i1..ik, i1..ik] = diagonal[i1..ik] and zeros elsewhere
    (tf.linalg.tensor_diag)."""
    d = _t(diagonal)
    shape = tuple(d.shape)
    return _shape.reshape(diag(_shape.reshape(d, (-1,))), shape + shape)


@raises_tf_errors
def tensor_diag_part(input, name=None):  # noqa: A002
    """The inverse of tensor_diag: output[i1..ik] = input[i1..ik, i1..ik] for an input of
    shape (d1..dk, d1..dk) (tf.linalg.tensor_diag_part)."""
    x = _t(input)
    half = x.ndim // 2
    shape = tuple(x.shape)
    if x.ndim % 2 or shape[:half] != shape[half:]:
        raise InvalidArgumentError(None, None, f"[tensor_diag_part] input must have shape (d1..dk, d1..dk); received "
                                   f"{shape}")
    size = int(np.prod(shape[:half], dtype=np.int64))
    return _shape.reshape(diag_part(_shape.reshape(x, (size, size))), shape[:half])
