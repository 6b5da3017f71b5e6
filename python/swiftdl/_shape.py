"""numpy-named shape functions: views where numpy gives views, copies where it copies."""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, NoReturn, Sequence

from . import _C
from ._convert import asarray
from ._typing import ArrayLike, ShapeLike

if TYPE_CHECKING:
    from ._tensor import Tensor


def _shape_arg(shape: Any) -> list[int]:
    if isinstance(shape, (int,)) or hasattr(shape, "__index__"):
        return [operator.index(shape)]
    return [operator.index(s) for s in shape]


def reshape(a: ArrayLike, shape: ShapeLike | None = None, *, newshape: ShapeLike | None = None) -> Tensor:
    """numpy.reshape: a view of contiguous data, else a copy. One dimension may be -1.
    `newshape` is numpy's older name for `shape`."""
    if shape is None:
        if newshape is None:
            raise TypeError("reshape() missing the shape argument")
        shape = newshape
    return _C.reshape(asarray(a, copy=None), _shape_arg(shape))


def ravel(a: ArrayLike) -> Tensor:
    return reshape(a, [-1])


def transpose(a: ArrayLike, axes: Sequence[int] | None = None) -> Tensor:
    """numpy.transpose: reverses (or reorders) the axes, as a view."""
    tensor = asarray(a, copy=None)
    order = list(reversed(range(tensor.ndim))) if axes is None else _shape_arg(axes)
    return _C.transpose(tensor, order)


def swapaxes(a: ArrayLike, axis1: int, axis2: int) -> Tensor:
    tensor = asarray(a, copy=None)
    order = list(range(tensor.ndim))
    ndim = tensor.ndim
    for axis in (axis1, axis2):
        if not -ndim <= axis < ndim:
            raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    i, j = axis1 % ndim, axis2 % ndim
    order[i], order[j] = order[j], order[i]
    return _C.transpose(tensor, order)


def moveaxis(a: ArrayLike, source: ShapeLike, destination: ShapeLike) -> Tensor:
    tensor = asarray(a, copy=None)
    ndim = tensor.ndim
    sources = [s % ndim if -ndim <= s < ndim else _bad_axis(s, ndim) for s in _shape_arg(source)]
    destinations = [d % ndim if -ndim <= d < ndim else _bad_axis(d, ndim) for d in _shape_arg(destination)]
    if len(sources) != len(destinations):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in range(ndim) if n not in sources]
    for dest, src in sorted(zip(destinations, sources)):
        order.insert(dest, src)
    return _C.transpose(tensor, order)


def _bad_axis(axis: int, ndim: int) -> NoReturn:
    raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")


def expand_dims(a: ArrayLike, axis: ShapeLike) -> Tensor:
    """numpy.expand_dims: inserts size-1 axes (int or tuple) as a view."""
    tensor = asarray(a, copy=None)
    axes = _shape_arg(axis)
    ndim = tensor.ndim + len(axes)
    normalized = sorted(a % ndim if -ndim <= a < ndim else _bad_axis(a, ndim) for a in axes)
    if len(set(normalized)) != len(normalized):
        raise ValueError("repeated axis")
    for position in normalized:
        tensor = _C.expand_dims(tensor, position)
    return tensor


def squeeze(a: ArrayLike, axis: ShapeLike | None = None) -> Tensor:
    """numpy.squeeze: drops size-1 axes (all, or the given ones) as a view."""
    return _C.squeeze(asarray(a, copy=None), None if axis is None else _shape_arg(axis))


def broadcast_to(array: ArrayLike, shape: ShapeLike) -> Tensor:
    """numpy.broadcast_to: a view with stride-0 broadcast axes."""
    return _C.broadcast_to(asarray(array, copy=None), _shape_arg(shape))


def concatenate(arrays: Sequence[ArrayLike], axis: int | None = 0) -> Tensor:
    """numpy.concatenate along an existing axis (axis=None flattens first)."""
    tensors = [asarray(a, copy=None) for a in arrays]
    if axis is None:
        tensors = [ravel(t) for t in tensors]
        axis = 0
    return _C.concatenate(tensors, operator.index(axis))


def stack(arrays: Sequence[ArrayLike], axis: int = 0) -> Tensor:
    """numpy.stack along a new axis."""
    return _C.stack([asarray(a, copy=None) for a in arrays], operator.index(axis))


def take(a: ArrayLike, indices: ArrayLike, axis: int | None = None) -> Tensor:
    """numpy.take: entries at `indices` along `axis` (None: of the flattened array)."""
    return _C.take(asarray(a, copy=None), asarray(indices, copy=None), None if axis is None else operator.index(axis))
