"""tf.sparse.to_dense, from_dense, to_indicator and eye: sparse ↔ dense."""
import numpy as np

from .._tf_dtypes import float32
from ..errors import InvalidArgumentError
from ..ragged._values import numpy_dtype_of, to_numpy, to_public, zero_of
from ._sparse_tensor import SparseTensor, as_sparse, check_bounds, linear


def _dense_array(value):
    return np.asarray(value) if not isinstance(value, (list, tuple)) else to_numpy(value)


def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor, `default_value` (0 or "") where no entry is given.

    Raises:
        InvalidArgumentError: for an index outside dense_shape, or (validate_indices) for
            indices out of row-major order or repeated.
    """
    st = as_sparse(sp_input, "to_dense")
    positions = linear(st)
    if validate_indices and len(positions) > 1:
        steps = np.diff(positions)
        if np.any(steps <= 0):
            at = int(np.flatnonzero(steps <= 0)[0]) + 1
            what = "repeated" if steps[at - 1] == 0 else "out of order. Many sparse ops require sorted indices.\n" \
                "    Use `tf.sparse.reorder` to create a correctly ordered copy.\n\n"
            raise InvalidArgumentError(f"indices[{at}] = [{','.join(str(i) for i in st._indices[at])}] is {what}")
    fill = zero_of(st._values) if default_value is None else to_numpy(default_value)
    out = np.empty(tuple(st._dense_shape), st._values.dtype)
    out[...] = fill
    if len(st._dense_shape):
        out[tuple(st._indices.T)] = st._values
    elif len(st._values):
        out[...] = st._values[-1]
    return to_public(out)


def from_dense(tensor, name=None):
    """The SparseTensor of `tensor`'s non-zero (non-empty for text) entries, in row-major order."""
    array = _dense_array(tensor) if not hasattr(tensor, "__array__") else np.asarray(tensor)
    if array.dtype.kind in "US":
        array = array.astype(object)
    present = array != zero_of(array)
    indices = np.argwhere(present).astype(np.int64)
    return SparseTensor._make(indices, array[present], np.asarray(array.shape, np.int64))


def to_indicator(sp_input, vocab_size, name=None):
    """bool [..., vocab_size]: True at each entry's value along a new last dimension that
    replaces the sparse tensor's last one (id features → multi-hot)."""
    st = as_sparse(sp_input, "to_indicator")
    ids = st._values
    if ids.dtype.kind not in "iu":
        raise TypeError(f"[to_indicator] values must be integer ids; received {ids.dtype}")
    vocab = int(np.asarray(vocab_size))
    if ids.size and (ids.min() < 0 or ids.max() >= vocab):
        bad = ids[(ids < 0) | (ids >= vocab)][0]
        raise InvalidArgumentError(f"[to_indicator] id {bad} is out of range [0, {vocab})")
    out = np.zeros(tuple(st._dense_shape[:-1]) + (vocab,), bool)
    check_bounds(st)
    out[tuple(st._indices[:, :-1].T) + (ids,)] = True
    return to_public(out)


def eye(num_rows, num_columns=None, dtype=float32, name=None):
    """The identity matrix as a SparseTensor."""
    rows = int(np.asarray(num_rows))
    cols = rows if num_columns is None else int(np.asarray(num_columns))
    diagonal = np.arange(min(rows, cols), dtype=np.int64)
    return SparseTensor._make(np.stack([diagonal, diagonal], 1), np.ones(len(diagonal), numpy_dtype_of(dtype)),
                              [rows, cols])
