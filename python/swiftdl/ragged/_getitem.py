"""RaggedTensor indexing, TensorFlow's rules: an int or slice on the rows, slices (not
ints) on a ragged dimension, anything numpy takes on the dense dimensions inside."""
import numpy as np

from ._ragged_tensor import RaggedTensor, ranges
from ._values import to_public


def getitem(rt, key):
    key = key if isinstance(key, tuple) else (key,)
    key = tuple(int(k) if hasattr(k, "__index__") and not isinstance(k, slice) else k for k in key)
    if any(k is None for k in key):
        raise ValueError("[RaggedTensor.__getitem__] tf.newaxis is not supported; use tf.expand_dims")
    if any(k is Ellipsis for k in key):
        at = key.index(Ellipsis)
        rank = rt.shape.rank
        key = key[:at] + (slice(None),) * (rank - len(key) + 1) + key[at + 1:]
    result = _outer(rt, key)
    return result if isinstance(result, RaggedTensor) else to_public(np.asarray(result))


def _outer(x, key):
    """`key` applied from x's first dimension."""
    if not key:
        return x
    if not isinstance(x, RaggedTensor):
        return x[key]
    first, rest = key[0], key[1:]
    if isinstance(first, int):
        count = x.nrows_int()
        if not -count <= first < count:
            raise IndexError(f"Row key {first} out of bounds (nrows={count})")
        row = first + count if first < 0 else first
        start, limit = x._row_splits[row], x._row_splits[row + 1]
        values = x._values
        piece = values._row_gather(np.arange(start, limit)) if isinstance(values, RaggedTensor) \
            else values[start:limit]
        return _outer(piece, rest)
    if isinstance(first, slice):
        rows = np.arange(x.nrows_int())[first]
        return _inner(x._row_gather(rows), rest)
    raise TypeError(f"[RaggedTensor.__getitem__] keys must be ints, slices or Ellipsis; received {first!r}")


def _inner(x, key):
    """`key` applied from x's second dimension (the first stays whole)."""
    if not key:
        return x
    if not isinstance(x, RaggedTensor):
        return x[(slice(None),) + key]
    first, rest = key[0], key[1:]
    if not isinstance(first, slice):
        raise ValueError("Cannot index into an inner ragged dimension.")
    starts, limits = x._row_splits[:-1], x._row_splits[1:]
    lengths = limits - starts
    if first.step in (None, 1):
        begin, end = _bound(first.start, lengths, 0), _bound(first.stop, lengths, lengths)
        new_lengths = np.maximum(end - begin, 0)
        positions = ranges(starts + begin, new_lengths)
    else:  # a stepped slice: each row's positions from Python's own slice arithmetic
        pieces = [np.arange(s, l)[first] for s, l in zip(starts, limits)]
        new_lengths = np.asarray([len(p) for p in pieces], np.int64)
        positions = np.concatenate(pieces).astype(np.int64) if pieces else np.zeros(0, np.int64)
    values = x._values._row_gather(positions) if isinstance(x._values, RaggedTensor) else x._values[positions]
    splits = np.concatenate([[0], np.cumsum(new_lengths)]).astype(np.int64)
    return RaggedTensor._make(_inner(values, rest), splits)


def _bound(value, lengths, default):
    """A slice bound per row, clamped as Python clamps: negatives count from each row's end."""
    if value is None:
        return np.broadcast_to(np.asarray(default, np.int64), lengths.shape)
    value = int(value)
    return np.clip(value + lengths if value < 0 else np.full_like(lengths, value), 0, lengths)
