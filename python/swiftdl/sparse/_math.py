"""tf.sparse's arithmetic: add, maximum, minimum, reduce_sum, reduce_max, softmax,
sparse_dense_matmul and map_values."""
import numpy as np

from .._convert import TensorBase
from ..errors import InvalidArgumentError
from ..ragged._values import to_numpy, to_public
from ._sparse_tensor import SparseTensor, linear


def _same_shape(a, b, op):
    if not np.array_equal(a._dense_shape, b._dense_shape):
        raise InvalidArgumentError(f"[{op}] operands' shapes do not match: {a._dense_shape.tolist()} and "
                                   f"{b._dense_shape.tolist()}")


def _union(a, b):
    """(positions, indices, a's values, b's values) over the union of the entries, 0 where
    an operand has none, in row-major order."""
    pa, pb = linear(a), linear(b)
    positions = np.union1d(pa, pb)
    dtype = np.result_type(a._values, b._values)
    va, vb = np.zeros(len(positions), dtype), np.zeros(len(positions), dtype)
    np.add.at(va, np.searchsorted(positions, pa), a._values)
    np.add.at(vb, np.searchsorted(positions, pb), b._values)
    indices = np.stack(np.unravel_index(positions, tuple(a._dense_shape)), 1).astype(np.int64) if len(positions) \
        else np.zeros((0, len(a._dense_shape)), np.int64)
    return positions, indices, va, vb


def add(a, b, threshold=0):
    """a + b. Two SparseTensors give a SparseTensor (where both have an entry, a sum whose
    magnitude is below `threshold` is dropped); a SparseTensor and a dense tensor give a
    dense tensor."""
    sparse_a, sparse_b = isinstance(a, SparseTensor), isinstance(b, SparseTensor)
    if sparse_a and sparse_b:
        _same_shape(a, b, "add")
        positions, indices, va, vb = _union(a, b)
        total = va + vb
        # NOTE: as TensorFlow's kernel, the threshold applies to sums of two entries only; an
        # entry of one operand alone is copied whatever its magnitude.
        both = np.isin(positions, linear(a)) & np.isin(positions, linear(b))
        keep = ~both | (np.abs(total) >= threshold)
        return SparseTensor._make(indices[keep], total[keep], a._dense_shape)
    if not (sparse_a or sparse_b):
        raise TypeError("[sparse.add] at least one operand must be a SparseTensor")
    st, dense = (a, b) if sparse_a else (b, a)
    array = np.array(np.asarray(dense) if isinstance(dense, TensorBase) else to_numpy(dense))
    if tuple(array.shape) != tuple(st._dense_shape):
        raise InvalidArgumentError(f"[sparse.add] the dense operand's shape {array.shape} must equal the sparse "
                                   f"one's {st._dense_shape.tolist()}")
    linear(st)  # bounds check
    np.add.at(array, tuple(st._indices.T), st._values.astype(array.dtype))
    return to_public(array)


def maximum(sp_a, sp_b, name=None):
    """Element-wise maximum over the union of the entries (a missing entry counts as 0)."""
    _same_shape(sp_a, sp_b, "maximum")
    _, indices, va, vb = _union(sp_a, sp_b)
    return SparseTensor._make(indices, np.maximum(va, vb), sp_a._dense_shape)


def minimum(sp_a, sp_b, name=None):
    """Element-wise minimum over the union of the entries (a missing entry counts as 0)."""
    _same_shape(sp_a, sp_b, "minimum")
    _, indices, va, vb = _union(sp_a, sp_b)
    return SparseTensor._make(indices, np.minimum(va, vb), sp_a._dense_shape)


def _reduce(st, axis, keepdims, output_is_sparse, ufunc, op):
    rank = len(st._dense_shape)
    axes = list(range(rank)) if axis is None else [int(a) for a in np.asarray(axis).reshape(-1)]
    if any(not -rank <= a < rank for a in axes):
        raise InvalidArgumentError(f"[sparse.reduce_{op}] axis {axis} is out of range for rank {rank}")
    axes = sorted({a + rank if a < 0 else a for a in axes})
    kept = [d for d in range(rank) if d not in axes]
    out_shape = tuple(st._dense_shape[kept])
    linear(st)
    groups = np.ravel_multi_index(tuple(st._indices[:, kept].T), out_shape) if kept else \
        np.zeros(len(st._values), np.int64)
    size = int(np.prod(out_shape))
    dtype = st._values.dtype
    start = dtype.type(0) if ufunc is np.add else (np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min)
    out = np.full(size, start, dtype)
    ufunc.at(out, groups, st._values)
    present = np.zeros(size, bool)
    present[groups] = True
    out[~present] = 0
    full_shape = tuple(1 if d in axes else int(st._dense_shape[d]) for d in range(rank))
    shape = full_shape if keepdims else out_shape
    if output_is_sparse:
        where = np.flatnonzero(present)
        indices = np.stack(np.unravel_index(where, shape), 1) if shape else np.zeros((len(where), 0), np.int64)
        return SparseTensor._make(indices, out[where], shape)
    return to_public(out.reshape(shape))


def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """The sum over `axis` (all by default): a dense tensor, or a SparseTensor of the
    reduced positions that had entries when output_is_sparse."""
    return _reduce(sp_input, axis, keepdims, output_is_sparse, np.add, "sum")


def reduce_max(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """The maximum over `axis` of the given entries only (missing ones do not count as 0);
    0 where a reduced slice has no entry."""
    return _reduce(sp_input, axis, keepdims, output_is_sparse, np.maximum, "max")


def softmax(sp_input, name=None):
    """Softmax over the last dimension, among each row's given entries only."""
    st = sp_input
    linear(st)
    rows = np.ravel_multi_index(tuple(st._indices[:, :-1].T), tuple(st._dense_shape[:-1])) if \
        len(st._dense_shape) > 1 else np.zeros(len(st._values), np.int64)
    values = st._values.astype(st._values.dtype if st._values.dtype.kind == "f" else np.float32)
    peak = np.full(int(np.prod(st._dense_shape[:-1])), -np.inf, values.dtype)
    np.maximum.at(peak, rows, values)
    exp = np.exp(values - peak[rows])
    total = np.zeros_like(peak)
    np.add.at(total, rows, exp)
    return SparseTensor._make(st._indices, exp / total[rows], st._dense_shape)


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """sp_a @ b for a 2-D SparseTensor and a dense matrix (either side may be the sparse
    one); adjoint_* transpose (and conjugate) an operand first. A dense result."""
    if not isinstance(sp_a, SparseTensor):
        if not isinstance(b, SparseTensor):
            raise TypeError("[sparse_dense_matmul] one operand must be a SparseTensor")
        # a @ B = (B^T @ a^T)^T
        product = sparse_dense_matmul(b, sp_a, adjoint_a=not adjoint_b, adjoint_b=not adjoint_a)
        result = np.asarray(product).T
        return to_public(np.ascontiguousarray(result.conj() if adjoint_a and adjoint_b else result))
    if len(sp_a._dense_shape) != 2:
        raise InvalidArgumentError(f"[sparse_dense_matmul] the SparseTensor must be 2-D; received dense_shape "
                                   f"{sp_a._dense_shape.tolist()}")
    dense = np.asarray(b) if isinstance(b, TensorBase) else to_numpy(b)
    if dense.ndim != 2:
        raise InvalidArgumentError(f"[sparse_dense_matmul] b must be 2-D; received shape {dense.shape}")
    if adjoint_b:
        dense = dense.conj().T
    linear(sp_a)
    rows, cols = sp_a._indices[:, 0], sp_a._indices[:, 1]
    values = sp_a._values.conj() if adjoint_a else sp_a._values
    m, k = (int(sp_a._dense_shape[1]), int(sp_a._dense_shape[0])) if adjoint_a else tuple(int(d) for d in
                                                                                         sp_a._dense_shape)
    if adjoint_a:
        rows, cols = cols, rows
    if dense.shape[0] != k:
        raise InvalidArgumentError(f"Cannot multiply A and B because inner dimension does not match: {k} vs. "
                                   f"{dense.shape[0]}.  Did you forget a transpose?  Dimensions of A: [{m}, {k}).  "
                                   f"Dimensions of B: {list(dense.shape)}")
    out = np.zeros((m, dense.shape[1]), np.result_type(values, dense))
    np.add.at(out, rows, values[:, None] * dense[cols])
    return to_public(out)


def map_values(op, *args, **kwargs):
    """op applied to the values of the SparseTensors among the arguments (all with the
    same indices); a SparseTensor with those indices."""
    found = []

    def replace(value):
        if isinstance(value, SparseTensor):
            found.append(value)
            return value.values
        return value

    new_args = [replace(a) for a in args]
    new_kwargs = {k: replace(v) for k, v in kwargs.items()}
    if not found:
        raise ValueError("No SparseTensor in argument list of map_values")
    for other in found[1:]:
        if not (np.array_equal(found[0]._indices, other._indices) and
                np.array_equal(found[0]._dense_shape, other._dense_shape)):
            raise InvalidArgumentError("[map_values] the SparseTensors' indices and dense shapes must match")
    result = np.asarray(op(*new_args, **new_kwargs))
    return SparseTensor._make(found[0]._indices, result, found[0]._dense_shape)
