"""tf.ragged.constant: nested Python lists of uneven lengths → a RaggedTensor."""
import numpy as np

from ._ragged_tensor import RaggedTensor
from ._values import to_numpy


def _depth(value):
    """The nesting depth of the scalars in `value` (None for lists holding no scalar)."""
    if not isinstance(value, (list, tuple)):
        return 0
    depths = {_depth(item) for item in value} - {None}
    if len(depths) > 1:
        raise ValueError("all scalar values must have the same nesting depth")
    return depths.pop() + 1 if depths else None


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None, row_splits_dtype="int64"):
    """A RaggedTensor from nested lists (tf.ragged.constant). Scalars must all sit at one
    depth K; the ragged rank defaults to K - 1 - len(inner_shape) (inner_shape defaults to
    ()), and the lists below the ragged dimensions must be uniform.

    Raises:
        ValueError: for scalars at different depths, or non-uniform inner lists.
    """
    if isinstance(pylist, RaggedTensor):
        return pylist
    pylist = pylist.tolist() if isinstance(pylist, np.ndarray) else pylist
    depth = _depth(pylist)
    inner = tuple(inner_shape) if inner_shape is not None else None
    if depth is None:  # only empty lists: their nesting gives the depth
        depth, probe = 0, pylist
        while isinstance(probe, (list, tuple)):
            depth += 1
            probe = probe[0] if probe else None
        depth += len(inner or ())
    if ragged_rank is None:
        ragged_rank = max(0, depth - 1 - len(inner or ()))
    if ragged_rank == 0:
        return _flat_values(pylist, dtype, inner)
    if depth and depth <= ragged_rank:
        raise ValueError(f"ragged_rank={ragged_rank} must be less than the nesting depth of pylist ({depth})")
    levels, items = [], pylist
    for _ in range(ragged_rank):
        if not isinstance(items, (list, tuple)) or any(not isinstance(i, (list, tuple)) for i in items):
            raise ValueError(f"pylist must be nested {ragged_rank + 1} lists deep for ragged_rank={ragged_rank}")
        levels.append([len(i) for i in items])
        items = [x for row in items for x in row]
    flat = _flat_values(items, dtype, inner, count=len(items))
    result = flat
    for lengths in reversed(levels):
        result = RaggedTensor._make(result, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
    return result


def _flat_values(items, dtype, inner, count=None):
    if count == 0:
        shape = (0,) + tuple(inner or ())
        return np.zeros(shape, np.float32) if dtype is None else to_numpy(np.zeros(shape), dtype)
    try:
        array = to_numpy(items, dtype)
    except ValueError as error:
        raise ValueError(f"[ragged.constant] the lists inside the ragged dimensions must be uniform: {error}") \
            from None
    if array.dtype == object and any(isinstance(i, (list, tuple)) for i in array.reshape(-1)):
        raise ValueError("[ragged.constant] the lists inside the ragged dimensions must be uniform")
    if inner is not None and count is not None and array.shape[1:] != inner:
        array = array.reshape((count,) + inner)
    return array
