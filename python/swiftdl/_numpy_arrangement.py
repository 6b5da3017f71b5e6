"""numpy's functions that arrange elements: stacking and splitting (hstack, vstack, dstack,
column_stack, append, hsplit, dsplit, atleast_*d, broadcast_arrays), flipping and axis moves
(flip, fliplr, flipud, rollaxis), diagonals and triangles (diag, diagonal, trace, tril, triu),
index helpers (take_along_axis, indices, unravel_index, flatnonzero, select), and
ascontiguousarray / ndim. numpy's arguments, promotion and result dtypes; engine values."""
from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np

from ._numpy_rules import operand, promoted, result_dtype
from ._tensor import Tensor

__all__ = ["append", "ascontiguousarray", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays", "column_stack",
           "diag", "diagonal", "dsplit", "dstack", "flatnonzero", "flip", "fliplr", "flipud", "hsplit", "hstack",
           "indices", "ndim", "rollaxis", "select", "take_along_axis", "trace", "tril", "triu", "unravel_index", "vstack"]


def _ops() -> Any:
    from .keras import ops  # keras.ops imports swiftdl: import it when first called
    return ops


def _sequence(tup: Any, name: str) -> list[Tensor]:
    if isinstance(tup, Tensor) or not isinstance(tup, (list, tuple)):
        raise TypeError(f"swiftdl.{name} expects a sequence of arrays (a list or tuple); received {type(tup).__name__}")
    if not tup:
        raise ValueError("need at least one array to concatenate")
    return promoted(*tup)


def hstack(tup: Sequence[Any], dtype: Any = None) -> Tensor:
    """numpy.hstack: along the second axis (the first for 1-D arrays)."""
    arrays = _sequence(tup, "hstack")
    result = _ops().hstack(arrays)
    return result if dtype is None else result.astype(dtype)


def vstack(tup: Sequence[Any], dtype: Any = None) -> Tensor:
    """numpy.vstack: along the first axis, 1-D arrays as rows."""
    result = _ops().vstack(_sequence(tup, "vstack"))
    return result if dtype is None else result.astype(dtype)


def dstack(tup: Sequence[Any]) -> Tensor:
    """numpy.dstack: along the third axis (arrays made at least 3-D first)."""
    return _ops().dstack(_sequence(tup, "dstack"))


def column_stack(tup: Sequence[Any]) -> Tensor:
    """numpy.column_stack: 1-D arrays become columns; 2-D arrays are stacked as they are."""
    arrays = [a.reshape((-1, 1)) if a.ndim < 2 else a for a in _sequence(tup, "column_stack")]
    return _ops().concatenate(arrays, axis=1)


def append(arr: Any, values: Any, axis: int | None = None) -> Tensor:
    """numpy.append: `values` after `arr` (both flattened when `axis` is None)."""
    a, b = promoted(arr, values)
    if axis is None:
        return _ops().concatenate([a.reshape((-1,)), b.reshape((-1,))], axis=0)
    return _ops().concatenate([a, b], axis=axis)


def _split(a: Tensor, indices_or_sections: Any, axis: int) -> list[Tensor]:
    from ._tf_face import split
    return list(split(a, indices_or_sections, axis=axis))


def hsplit(ary: Any, indices_or_sections: Any) -> list[Tensor]:
    """numpy.hsplit: along the second axis (the first for 1-D arrays)."""
    x = operand(ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return _split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


def dsplit(ary: Any, indices_or_sections: Any) -> list[Tensor]:
    """numpy.dsplit: along the third axis."""
    x = operand(ary)
    if x.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return _split(x, indices_or_sections, 2)


def _at_least(arrays: tuple[Any, ...], rank: int) -> Any:
    results = []
    for array in arrays:
        x = operand(array)
        shape = tuple(x.shape)
        if x.ndim < rank:
            if rank == 3 and x.ndim == 2:
                shape = shape + (1,)
            elif rank == 3 and x.ndim == 1:
                shape = (1,) + shape + (1,)
            else:
                shape = (1,) * (rank - x.ndim) + shape
        results.append(x.reshape(shape))
    return results[0] if len(results) == 1 else tuple(results)


def atleast_1d(*arys: Any) -> Any:
    """numpy.atleast_1d: scalars become shape (1,)."""
    return _at_least(arys, 1)


def atleast_2d(*arys: Any) -> Any:
    """numpy.atleast_2d: (n,) becomes (1, n)."""
    return _at_least(arys, 2)


def atleast_3d(*arys: Any) -> Any:
    """numpy.atleast_3d: (n,) becomes (1, n, 1) and (m, n) becomes (m, n, 1)."""
    return _at_least(arys, 3)


def broadcast_arrays(*args: Any) -> tuple[Tensor, ...]:
    """numpy.broadcast_arrays: every array broadcast to their common shape."""
    from ._shape import broadcast_to
    tensors = [operand(a) for a in args]
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return tuple(broadcast_to(t, shape) for t in tensors)


def flip(m: Any, axis: Any = None) -> Tensor:
    """numpy.flip: the elements along `axis` (all axes when None) in reverse order."""
    return _ops().flip(operand(m), axis=axis)


def fliplr(m: Any) -> Tensor:
    """numpy.fliplr: columns in reverse order (2-D or more)."""
    x = operand(m)
    if x.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return _ops().flip(x, axis=1)


def flipud(m: Any) -> Tensor:
    """numpy.flipud: rows in reverse order (1-D or more)."""
    x = operand(m)
    if x.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return _ops().flip(x, axis=0)


def rollaxis(a: Any, axis: int, start: int = 0) -> Tensor:
    """numpy.rollaxis: moves `axis` to before position `start`."""
    from ._shape import moveaxis
    x = operand(a)
    n = x.ndim
    axis = operator.index(axis)
    start = operator.index(start)
    if not -n <= axis < n:
        raise np.exceptions.AxisError(axis, n)
    if not -n <= start <= n:
        raise np.exceptions.AxisError(f"'start' arg requires {-n} <= start < {n + 1}, but {start} was passed in")
    axis %= n
    if start < 0:
        start += n
    if axis < start:
        start -= 1
    return moveaxis(x, axis, start) if axis != start else x


def diag(v: Any, k: int = 0) -> Tensor:
    """numpy.diag: the k-th diagonal of a 2-D array, or a 2-D array with a 1-D `v` on it."""
    x = operand(v)
    if x.ndim not in (1, 2):
        raise ValueError("Input must be 1- or 2-d.")
    return _ops().diag(x, k=k)


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """numpy.diagonal: the diagonal of each matrix over (axis1, axis2), as the last axis."""
    return _ops().diagonal(operand(a), offset=offset, axis1=axis1, axis2=axis2)


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: None = None) -> Tensor:
    """numpy.trace: the sum along a diagonal, in numpy's sum dtype (int64 for smaller integers)."""
    from ._numpy_rules import no_out
    from ._ops import sum as summed
    no_out("trace", out)
    return summed(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def tril(m: Any, k: int = 0) -> Tensor:
    """numpy.tril: zeros above the k-th diagonal of the last two axes."""
    return _ops().tril(operand(m), k=k)


def triu(m: Any, k: int = 0) -> Tensor:
    """numpy.triu: zeros below the k-th diagonal of the last two axes."""
    return _ops().triu(operand(m), k=k)


def take_along_axis(arr: Any, indices: Any, axis: int | None = -1) -> Tensor:
    """numpy.take_along_axis: arr's elements at `indices` along `axis` (None: flattened arr).

    Raises:
        IndexError: for non-integer indices.
    """
    index = operand(indices)
    if index.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    return _ops().take_along_axis(operand(arr), index, axis=axis)


def indices(dimensions: Sequence[int], dtype: Any = int, sparse: bool = False) -> Any:
    """numpy.indices: a grid of the index along each dimension, shape (len(dimensions), *dimensions)."""
    from ._tf_face import meshgrid
    from ._creation import arange
    grids = [arange(size, dtype=np.dtype(dtype)) for size in dimensions]
    if sparse:
        return tuple(g.reshape(tuple(-1 if i == j else 1 for j in range(len(grids)))) for i, g in enumerate(grids))
    if not grids:
        return operand(np.zeros((0,), np.dtype(dtype)))
    from ._shape import stack
    return stack(list(meshgrid(*grids, indexing="ij")), axis=0)


def unravel_index(indices: Any, shape: Sequence[int], order: str = "C") -> tuple[Tensor, ...]:
    """numpy.unravel_index: flat indices into a tuple of coordinate arrays (int64).

    Raises:
        ValueError: for indices out of range or an order other than 'C'.
    """
    if order != "C":
        raise ValueError("swiftdl.unravel_index supports order='C' only")
    flat = operand(indices)
    if flat.dtype.kind not in "iu":
        raise TypeError("only int indices permitted")
    size = int(np.prod(shape))
    values = np.asarray(flat)
    if values.size and (values.min() < 0 or values.max() >= size):
        raise ValueError(f"index {int(values.max() if values.max() >= size else values.min())} is out of bounds "
                         f"for array with size {size}")
    return tuple(c.astype(np.int64) for c in _ops().unravel_index(flat.astype(np.int64), tuple(shape)))


def flatnonzero(a: Any) -> Tensor:
    """numpy.flatnonzero: the indices (int64) of the non-zero elements of the flattened array."""
    from ._ops import nonzero
    return nonzero(operand(a).reshape((-1,)))[0].astype(np.int64)


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Tensor:
    """numpy.select: from the first condition that holds, the matching choice; else `default`.

    Raises:
        ValueError: for lists of different lengths or conditions that are not boolean.
    """
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    conditions = [operand(c) for c in condlist]
    for index, condition in enumerate(conditions):
        if condition.dtype.kind != "b":
            raise TypeError(f"invalid entry {index} in condlist: should be boolean ndarray")
    dtype = result_dtype(*choicelist, default)
    choices = [operand(c).astype(dtype) for c in choicelist]
    return _ops().select(conditions, choices, operand(default).astype(dtype))


def ascontiguousarray(a: Any, dtype: Any = None) -> Tensor:
    """numpy.ascontiguousarray: `a` itself when already C-contiguous (and of `dtype`), else a copy."""
    x = operand(a)
    if dtype is not None and x.dtype != np.dtype(dtype):
        x = x.astype(dtype)
    if not np.asarray(x).flags.c_contiguous:
        x = x.copy()
    return x if x.ndim else x.reshape((1,))


def ndim(a: Any) -> int:
    """numpy.ndim: the number of dimensions."""
    return operand(a).ndim
