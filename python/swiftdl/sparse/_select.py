"""tf.sparse's entry selection: retain, fill_empty_rows and cross."""
import numpy as np

from ..errors import InvalidArgumentError
from ..ragged._values import to_numpy, to_public
from ._sparse_tensor import SparseTensor, as_sparse


def retain(sp_input, to_retain):
    """The entries where the bool vector `to_retain` is True."""
    st = as_sparse(sp_input, "retain")
    keep = to_numpy(to_retain)
    if keep.dtype != bool or keep.shape != st._values.shape:
        raise InvalidArgumentError(f"[retain] to_retain must be a bool vector of length {len(st._values)}; "
                                   f"received {keep.dtype} shape {keep.shape}")
    return SparseTensor._make(st._indices[keep], st._values[keep], st._dense_shape)


def fill_empty_rows(sp_input, default_value, name=None):
    """(sp_output, empty_row_indicator): each row (first index) without an entry gets one
    at [row, 0, ..., 0] holding `default_value`; entries stay grouped by row."""
    st = as_sparse(sp_input, "fill_empty_rows")
    nrows = int(st._dense_shape[0])
    rows = st._indices[:, 0]
    if len(rows) and (rows.min() < 0 or rows.max() >= nrows):
        raise InvalidArgumentError(f"[fill_empty_rows] a row index is out of range [0, {nrows})")
    empty = np.ones(nrows, bool)
    empty[rows] = False
    new_rows = np.flatnonzero(empty)
    filler = np.zeros((len(new_rows), len(st._dense_shape)), np.int64)
    filler[:, 0] = new_rows
    fill = to_numpy(default_value).astype(st._values.dtype) if st._values.dtype != object else default_value
    indices = np.concatenate([st._indices, filler])
    values = np.concatenate([st._values, np.full(len(new_rows), fill, st._values.dtype)])
    order = np.argsort(indices[:, 0], kind="stable")
    return SparseTensor._make(indices[order], values[order], st._dense_shape), to_public(empty)


def _rows_of(value, batch):
    """A 2-D feature (SparseTensor or dense) as a list of per-row lists of strings."""
    if isinstance(value, SparseTensor):
        rows = [[] for _ in range(batch)]
        order = np.lexsort(value._indices.T[::-1]) if len(value._indices) else []
        for i in order:
            rows[int(value._indices[i, 0])].append(_text(value._values[i]))
        return rows
    array = np.asarray(value) if not isinstance(value, (list, tuple)) else to_numpy(value)
    return [[_text(v) for v in row] for row in array]


def _text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8")
    return str(value.item() if isinstance(value, np.generic) else value)


def cross(inputs, name=None, separator=None):
    """The feature cross of 2-D inputs (SparseTensors or dense): for each row, every
    combination of one value from each input, joined by `separator` ("_X_"); as in
    TensorFlow, the SparseTensor inputs come first in each combination, then the dense ones."""
    if not inputs:
        raise ValueError("[sparse.cross] inputs must not be empty")
    separator = "_X_" if separator is None else separator
    batches = {int(v._dense_shape[0]) if isinstance(v, SparseTensor) else len(np.asarray(v)) for v in inputs}
    if len(batches) != 1:
        raise InvalidArgumentError(f"[sparse.cross] the inputs' batch sizes differ: {sorted(batches)}")
    batch = batches.pop()
    # TensorFlow's op takes the sparse inputs first, then the dense ones, and crosses them in that order
    ordered = [v for v in inputs if isinstance(v, SparseTensor)] + [v for v in inputs if not isinstance(v, SparseTensor)]
    features = [_rows_of(v, batch) for v in ordered]
    indices, values, width = [], [], 0
    for row in range(batch):
        combos = [""]
        for position, feature in enumerate(features):
            combos = [c + (separator if position else "") + item for c in combos for item in feature[row]]
        width = max(width, len(combos))
        indices.extend([row, k] for k in range(len(combos)))
        values.extend(combos)
    out = np.empty(len(values), object)
    out[:] = values
    return SparseTensor._make(np.asarray(indices, np.int64).reshape(-1, 2), out, [batch, width])
