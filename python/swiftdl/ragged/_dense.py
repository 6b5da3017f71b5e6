"""RaggedTensor ↔ dense and sparse tensors: to_tensor, from_tensor, to_sparse, from_sparse."""
import numpy as np

from ..errors import InvalidArgumentError
from . import _row_partition as rp
from ._values import to_numpy, zero_of


def coordinates(rt):
    """Each flat value's index in the dense tensor: [row, position in each ragged dim, ...]."""
    splits = rt._nested_splits()
    index = np.arange(int(splits[-1][-1]), dtype=np.int64)
    columns = []
    for s in reversed(splits):
        row = rp.rowids_from_splits(s)[index]
        columns.insert(0, index - s[row])
        index = row
    return [index] + columns


def to_tensor(rt, default_value, shape):
    flat = rt._flat()
    bounding = [int(d) for d in np.asarray(rt.bounding_shape())]
    rank = len(bounding)
    if shape is not None:
        wanted = list(shape.as_list() if hasattr(shape, "as_list") else np.asarray(shape).tolist()) \
            if not isinstance(shape, (list, tuple)) else list(shape)
        if len(wanted) != rank:
            raise InvalidArgumentError(f"[to_tensor] shape must have rank {rank}; received {shape!r}")
        bounding = [b if w is None or w == -1 else int(w) for b, w in zip(bounding, wanted)]
    fill = zero_of(flat) if default_value is None else to_numpy(default_value)
    if np.ndim(fill) > flat.ndim - 1:
        raise InvalidArgumentError(f"[to_tensor] default_value must be a scalar or broadcast to the inner shape "
                                   f"{flat.shape[1:]}; received shape {np.shape(fill)}")
    out = np.empty(bounding, dtype=flat.dtype)
    out[...] = np.asarray(fill).astype(flat.dtype) if flat.dtype != object else fill
    coords = coordinates(rt)
    ragged_dims = len(coords)
    keep = np.ones(len(flat), bool)
    for c, limit in zip(coords, bounding):
        keep &= c < limit
    inner = tuple(slice(0, min(a, b)) for a, b in zip(flat.shape[1:], bounding[ragged_dims:]))
    out[tuple(c[keep] for c in coords) + inner] = flat[keep][(slice(None),) + inner]
    return out


def _padding_lengths(array, padding):
    """For each row of `array` (rows, cols, ...), the length left after stripping trailing
    elements equal to `padding` (all of an inner element equal to it)."""
    pad = to_numpy(padding).astype(array.dtype) if array.dtype != object else padding
    equal = array == pad
    if equal.ndim > 2:
        equal = equal.reshape(equal.shape[:2] + (-1,)).all(axis=2)
    kept = ~equal
    if kept.shape[1] == 0:
        return np.zeros(kept.shape[0], np.int64)
    last = kept.shape[1] - np.argmax(kept[:, ::-1], axis=1)
    return np.where(kept.any(axis=1), last, 0).astype(np.int64)


def from_tensor(cls, tensor, lengths, padding, ragged_rank):
    array = to_numpy(tensor)
    if lengths is not None and padding is not None:
        raise ValueError("Specify lengths or padding, but not both")
    if not isinstance(ragged_rank, (int, np.integer)) or ragged_rank < 1:
        raise ValueError(f"ragged_rank must be an int >= 1; received {ragged_rank!r}")
    if array.ndim <= ragged_rank:
        raise ValueError(f"ragged_rank={ragged_rank} must be less than the rank of tensor (shape {array.shape})")
    if ragged_rank > 1:
        if lengths is not None:
            raise NotImplementedError("[from_tensor] lengths with ragged_rank > 1 is not supported; use padding or "
                                      "from_nested_row_lengths")
        nrows, ncols = array.shape[:2]
        inner = from_tensor(cls, array.reshape((nrows * ncols,) + array.shape[2:]), None, padding, ragged_rank - 1)
        return cls._make(inner, np.arange(nrows + 1, dtype=np.int64) * ncols, ncols)
    nrows, ncols = array.shape[:2]
    if lengths is not None:
        row_lengths = np.minimum(rp.splits_from_lengths(lengths, "from_tensor")[1:] -
                                 rp.splits_from_lengths(lengths, "from_tensor")[:-1], ncols)
        if len(row_lengths) != nrows:
            raise InvalidArgumentError(f"[from_tensor] lengths must have one entry per row ({nrows}); received "
                                       f"{len(row_lengths)}")
    elif padding is not None:
        row_lengths = _padding_lengths(array, padding)
    else:
        row_lengths = np.full(nrows, ncols, np.int64)
    mask = np.arange(ncols)[None, :] < row_lengths[:, None]
    uniform = ncols if lengths is None and padding is None else None  # the dimension's size stays known
    return cls._make(array[mask], np.concatenate([[0], np.cumsum(row_lengths)]).astype(np.int64), uniform)


def from_sparse(cls, st):
    indices, values = np.asarray(st.indices), st._values
    shape = np.asarray(st.dense_shape)
    if indices.shape[1:] != (2,):
        raise ValueError(f"[from_sparse] st_input must be 2-D; received dense_shape {shape.tolist()}")
    rows = indices[:, 0]
    splits = rp.splits_from_rowids(rows, int(shape[0]), "from_sparse") if len(rows) else \
        np.zeros(int(shape[0]) + 1, np.int64)
    ragged_right = (np.all(np.diff(rows) >= 0) and
                    np.array_equal(indices[:, 1], rp.positions_from_splits(splits)))
    if not ragged_right:
        raise InvalidArgumentError("[from_sparse] SparseTensor is not right-ragged: each row's columns must be "
                                   "0, 1, 2, ... in order")
    return cls._make(values, splits)


def to_sparse(rt):
    from ..sparse._sparse_tensor import SparseTensor
    flat = rt._flat()
    coords = coordinates(rt)
    inner = flat.shape[1:]
    if inner:
        grid = np.indices(inner).reshape(len(inner), -1).T
        count = grid.shape[0]
        coords = [np.repeat(c, count) for c in coords] + [np.tile(g, len(flat)) for g in grid.T]
        flat = flat.reshape(-1)
    indices = np.stack(coords, axis=1) if coords else np.zeros((0, 0), np.int64)
    return SparseTensor._make(indices.astype(np.int64), flat, np.asarray(rt.bounding_shape(), np.int64))
