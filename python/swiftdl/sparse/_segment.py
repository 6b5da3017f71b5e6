"""tf.sparse.segment_sum / mean / sqrt_n (a gather of rows, then a segment reduction)
and tf.sparse.bincount."""
import numpy as np

from .._convert import TensorBase
from ..errors import InvalidArgumentError
from ..ragged._values import int64_vector, to_numpy, to_public
from ._sparse_tensor import SparseTensor


def _array(value):
    return np.asarray(value) if isinstance(value, TensorBase) else to_numpy(value)


def _segments(data, indices, segment_ids, num_segments, op):
    array = _array(data)
    rows = int64_vector(indices, f"[sparse.segment_{op}] indices")
    ids = int64_vector(segment_ids, f"[sparse.segment_{op}] segment_ids")
    if len(rows) != len(ids):
        raise InvalidArgumentError(f"[sparse.segment_{op}] indices and segment_ids must have the same length; "
                                   f"received {len(rows)} and {len(ids)}")
    if rows.size and (rows.min() < 0 or rows.max() >= len(array)):
        bad = rows[(rows < 0) | (rows >= len(array))][0]
        raise InvalidArgumentError(f"[sparse.segment_{op}] index {bad} is out of range [0, {len(array)})")
    if ids.size and (ids.min() < 0 or np.any(np.diff(ids) < 0)) and num_segments is None:
        raise InvalidArgumentError(f"[sparse.segment_{op}] segment ids must be sorted and >= 0")
    count = int(np.asarray(num_segments)) if num_segments is not None else (int(ids[-1]) + 1 if ids.size else 0)
    if ids.size and ids.max() >= count:
        raise InvalidArgumentError(f"[sparse.segment_{op}] segment id {ids.max()} is out of range [0, {count})")
    out = np.zeros((count,) + array.shape[1:], array.dtype)
    np.add.at(out, ids, array[rows])
    if op == "sum":
        return to_public(out)
    sizes = np.bincount(ids, minlength=count).astype(array.dtype).reshape((count,) + (1,) * (array.ndim - 1))
    scale = sizes if op == "mean" else np.sqrt(sizes)
    return to_public((out / np.maximum(scale, 1)).astype(array.dtype))


def segment_sum(data, indices, segment_ids, num_segments=None, name=None, sparse_gradient=False):
    """output[s] = sum of data[indices[k]] over k with segment_ids[k] == s."""
    return _segments(data, indices, segment_ids, num_segments, "sum")


def segment_mean(data, indices, segment_ids, num_segments=None, name=None, sparse_gradient=False):
    """As segment_sum, divided by each segment's size (0 for an empty segment)."""
    return _segments(data, indices, segment_ids, num_segments, "mean")


def segment_sqrt_n(data, indices, segment_ids, num_segments=None, name=None, sparse_gradient=False):
    """As segment_sum, divided by the square root of each segment's size."""
    return _segments(data, indices, segment_ids, num_segments, "sqrt_n")


def bincount(values, weights=None, axis=0, minlength=None, maxlength=None, binary_output=False, name=None):
    """Counts of each non-negative int value, as a SparseTensor: over all values (axis=0,
    shape [size]) or per row of a 2-D input (axis=-1, shape [rows, size]); `weights` (same
    layout as values) sums weights instead, binary_output gives 1 for present values."""
    if isinstance(values, SparseTensor):
        ids, rows, nrows = values._values, values._indices[:, 0] if values._indices.shape[1] > 1 else None, \
            int(values._dense_shape[0])
        weight = weights._values if isinstance(weights, SparseTensor) else (None if weights is None
                                                                           else _array(weights).reshape(-1))
    else:
        array = _array(values)
        if axis in (-1, 1) and array.ndim == 2:
            rows, nrows = np.repeat(np.arange(len(array)), array.shape[1]), len(array)
        else:
            rows, nrows = None, None
        ids = array.reshape(-1)
        weight = None if weights is None else _array(weights).reshape(-1)
    if axis not in (0, -1, 1):
        raise InvalidArgumentError(f"[sparse.bincount] axis must be 0 or -1; received {axis}")
    if axis == 0:
        rows = None
    if ids.dtype.kind not in "iu":
        raise TypeError(f"[sparse.bincount] values must be integers; received {ids.dtype}")
    if ids.size and ids.min() < 0:
        raise InvalidArgumentError(f"[sparse.bincount] values must be >= 0; received {ids.min()}")
    size = int(ids.max()) + 1 if ids.size else 0
    if minlength is not None:
        size = max(size, int(minlength))
    if maxlength is not None:
        size = min(size, int(maxlength))
    ids_dtype = ids.dtype
    keep = ids < size
    ids = ids[keep].astype(np.int64)
    weight = weight[keep] if weight is not None else None
    rows = rows[keep] if rows is not None else None
    shape = [size] if rows is None else [nrows, size]
    keys = ids if rows is None else rows * size + ids
    unique, inverse = np.unique(keys, return_inverse=True)
    dtype = weight.dtype if weight is not None else ids_dtype
    totals = np.zeros(len(unique), dtype)
    if binary_output:
        totals[:] = 1
    else:
        np.add.at(totals, inverse, weight if weight is not None else 1)
    indices = unique[:, None] if rows is None else np.stack([unique // max(size, 1), unique % max(size, 1)], 1)
    return SparseTensor._make(indices.astype(np.int64), totals, shape)
