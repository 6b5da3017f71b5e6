"""tf.sparse's shape functions: reorder, reshape, expand_dims, transpose, concat, slice,
split and reset_shape."""
import numpy as np

from ..errors import InvalidArgumentError
from ._sparse_tensor import SparseTensor, as_sparse, linear


def _sorted(indices, values, shape):
    order = np.lexsort(indices.T[::-1]) if len(indices) and indices.shape[1] else np.arange(len(indices))
    return SparseTensor._make(indices[order], values[order], shape)


def reorder(sp_input, name=None):
    """The same entries in row-major (canonical) order."""
    st = as_sparse(sp_input, "reorder")
    return _sorted(st._indices, st._values, st._dense_shape)


def reshape(sp_input, shape, name=None):
    """The entries at their places in a dense tensor of `shape` (one -1 is inferred)."""
    st = as_sparse(sp_input, "reshape")
    wanted = np.asarray(shape.as_list() if hasattr(shape, "as_list") else np.asarray(shape), np.int64).reshape(-1)
    total = int(np.prod(st._dense_shape))
    unknown = np.flatnonzero(wanted == -1)
    if len(unknown) > 1:
        raise InvalidArgumentError(f"only one output dimension may be -1, not both {unknown[0]} and {unknown[1]}")
    if len(unknown):
        known = int(np.prod(np.delete(wanted, unknown[0])))
        if known == 0 or total % known:
            raise InvalidArgumentError(f"Input to reshape is a SparseTensor with {total} dense values, but the "
                                       f"requested shape {wanted.tolist()} cannot hold them")
        wanted[unknown[0]] = total // known
    if int(np.prod(wanted)) != total:
        raise InvalidArgumentError(f"Input to reshape is a SparseTensor with {total} dense values, but the requested "
                                   f"shape has {int(np.prod(wanted))}")
    positions = linear(st)
    indices = np.stack(np.unravel_index(positions, tuple(wanted)), 1) if len(wanted) else \
        np.zeros((len(positions), 0), np.int64)
    return SparseTensor._make(indices, st._values, wanted)


def expand_dims(sp_input, axis=None, name=None):
    """A size-1 dimension inserted at `axis` (-1 appends)."""
    st = as_sparse(sp_input, "expand_dims")
    rank = len(st._dense_shape)
    axis = -1 if axis is None else int(np.asarray(axis))
    if not -rank - 1 <= axis <= rank:
        raise InvalidArgumentError(f"[expand_dims] axis {axis} is out of range for rank {rank}")
    axis = axis + rank + 1 if axis < 0 else axis
    indices = np.insert(st._indices, axis, 0, axis=1)
    return SparseTensor._make(indices, st._values, np.insert(st._dense_shape, axis, 1))


def transpose(sp_input, perm=None, name=None):
    """The dimensions permuted by `perm` (reversed by default), entries in row-major order."""
    st = as_sparse(sp_input, "transpose")
    rank = len(st._dense_shape)
    perm = list(range(rank))[::-1] if perm is None else [int(p) for p in np.asarray(perm).reshape(-1)]
    if sorted(perm) != list(range(rank)):
        raise InvalidArgumentError(f"[transpose] perm must be a permutation of 0..{rank - 1}; received {perm}")
    return _sorted(st._indices[:, perm], st._values, st._dense_shape[perm])


def concat(axis, sp_inputs, expand_nonconcat_dims=False, name=None, concat_dim=None, expand_nonconcat_dim=None):
    """The inputs joined along `axis`; with expand_nonconcat_dims the other dimensions grow
    to the largest input's, else they must agree."""
    axis = concat_dim if concat_dim is not None else axis
    expand = expand_nonconcat_dim if expand_nonconcat_dim is not None else expand_nonconcat_dims
    inputs = [as_sparse(s, "concat") for s in sp_inputs]
    if not inputs:
        raise ValueError("[concat] sp_inputs must not be empty")
    rank = len(inputs[0]._dense_shape)
    if any(len(s._dense_shape) != rank for s in inputs):
        raise InvalidArgumentError(f"[concat] all inputs must have rank {rank}")
    axis = int(axis) + rank if int(axis) < 0 else int(axis)
    shapes = np.stack([s._dense_shape for s in inputs])
    others = np.delete(shapes, axis, axis=1)
    if not expand and np.any(others != others[0]):
        raise InvalidArgumentError(f"[concat] the inputs' dimensions other than {axis} must match; received dense "
                                   f"shapes {shapes.tolist()}")
    offsets = np.concatenate([[0], np.cumsum(shapes[:, axis])])
    pieces = []
    for st, offset in zip(inputs, offsets):
        indices = st._indices.copy()
        indices[:, axis] += offset
        pieces.append(indices)
    out_shape = shapes.max(axis=0)
    out_shape[axis] = offsets[-1]
    indices = np.concatenate(pieces)
    values = np.concatenate([s._values for s in inputs])
    return _sorted(indices, values, out_shape) if axis else SparseTensor._make(indices, values, out_shape)


def slice(sp_input, start, size, name=None):  # noqa: A001  (TensorFlow's name)
    """The entries inside the box [start, start + size), re-based at 0."""
    st = as_sparse(sp_input, "slice")
    start = np.asarray(start, np.int64).reshape(-1)
    size = np.asarray(size, np.int64).reshape(-1)
    if len(start) != len(st._dense_shape) or len(size) != len(st._dense_shape):
        raise InvalidArgumentError(f"[slice] start and size need {len(st._dense_shape)} entries; received "
                                   f"{start.tolist()} and {size.tolist()}")
    end = np.minimum(start + size, st._dense_shape)
    keep = np.all((st._indices >= start) & (st._indices < end), axis=1)
    return SparseTensor._make(st._indices[keep] - start, st._values[keep], np.maximum(end - start, 0))


def split(sp_input=None, num_split=None, axis=None, name=None):
    """`num_split` SparseTensors along `axis`; the first (size % num_split) are one longer."""
    st = as_sparse(sp_input, "split")
    if num_split is None or axis is None:
        raise ValueError("[split] num_split and axis are required")
    rank = len(st._dense_shape)
    axis = int(np.asarray(axis))
    axis = axis + rank if axis < 0 else axis
    count = int(num_split)
    length = int(st._dense_shape[axis])
    if count < 1 or count > max(length, 1):
        raise InvalidArgumentError(f"[split] num_split must be in [1, {length}]; received {count}")
    sizes = [length // count + (1 if i < length % count else 0) for i in range(count)]
    pieces, begin = [], 0
    for piece in sizes:
        start = np.zeros(rank, np.int64)
        start[axis] = begin
        box = st._dense_shape.copy()
        box[axis] = piece
        pieces.append(slice(st, start, box))
        begin += piece
    return pieces


def reset_shape(sp_input, new_shape=None):
    """The same entries with `new_shape` (default: the tightest shape holding them)."""
    st = as_sparse(sp_input, "reset_shape")
    if new_shape is None:
        shape = st._indices.max(axis=0) + 1 if len(st._indices) else np.zeros(len(st._dense_shape), np.int64)
    else:
        shape = np.asarray(new_shape, np.int64).reshape(-1)
        if len(shape) != len(st._dense_shape) or np.any(shape < st._dense_shape):
            raise InvalidArgumentError(f"[reset_shape] new_shape {shape.tolist()} must have rank "
                                       f"{len(st._dense_shape)} and hold {st._dense_shape.tolist()}")
    return SparseTensor._make(st._indices, st._values, shape)
