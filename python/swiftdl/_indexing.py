"""numpy indexing for swiftdl tensors.

Basic indexing (ints, slices, None, Ellipsis) makes a view: the new offset, shape and
strides are computed here and the engine checks that the view stays inside its storage.
Advanced indexing (integer arrays, boolean masks) makes a copy, as numpy does: a single
index array is a `take`; anything more general computes each result element's storage
offset with engine arithmetic and gathers (or scatters, for assignment) by offset.
"""
import operator

import numpy as np

from . import _C
from ._convert import TensorBase, asarray, to_operand

_VALID = ("only integers, slices (`:`), ellipsis (`...`), None and integer or boolean arrays are valid indices")


def _is_array_index(item):
    return isinstance(item, (TensorBase, np.ndarray, list))


def _parse(key, shape):
    """Expands the key into entries ('int', i) / ('slice', s) / ('none',) / ('array', tensor),
    one per consumed axis (a boolean mask becomes one integer array per masked axis)."""
    ndim = len(shape)
    items = key if isinstance(key, tuple) else (key,)
    consumed = 0
    ellipses = 0
    for item in items:
        if item is Ellipsis:
            ellipses += 1
        elif item is None:
            pass
        elif _is_array_index(item):
            tensor = asarray(item, copy=None)
            consumed += tensor.ndim if tensor.dtype == np.bool_ else 1
        else:
            consumed += 1
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed")

    entries: list[tuple] = []
    axis = 0
    for item in items:
        if item is Ellipsis:
            for _ in range(ndim - consumed):
                entries.append(("slice", slice(None)))
                axis += 1
        elif item is None:
            entries.append(("none",))
        elif isinstance(item, slice):
            entries.append(("slice", item))
            axis += 1
        elif _is_array_index(item):
            tensor = asarray(item, copy=None)
            if tensor.dtype == np.bool_:
                _check_mask(tensor, shape, axis)
                entries.extend(("array", index) for index in _mask_to_indices(tensor, axis))
                axis += tensor.ndim
            elif tensor.dtype.kind in "iu":
                entries.append(("array", tensor))
                axis += 1
            else:
                raise IndexError(f"arrays used as indices must be of integer (or boolean) type; received {tensor.dtype}")
        elif isinstance(item, (bool, np.bool_)):
            raise IndexError("boolean scalar indices are not supported; use a boolean array")
        else:
            try:
                entries.append(("int", operator.index(item)))
            except TypeError:
                raise IndexError(f"{_VALID}; received {item!r}") from None
            axis += 1
    while axis < ndim:
        entries.append(("slice", slice(None)))
        axis += 1
    return entries


def _check_mask(mask, shape, first_axis):
    """A boolean mask must match the shape of the axes it indexes, as in numpy."""
    for offset, size in enumerate(mask.shape):
        axis = first_axis + offset
        if shape[axis] != size:
            raise IndexError(f"boolean index did not match indexed array along axis {axis}; "
                             f"size of axis is {shape[axis]} but size of corresponding boolean axis is {size}")


def _mask_to_indices(mask, first_axis):
    coordinates = _C.nonzero(mask)
    return [coordinates[axis] for axis in range(max(mask.ndim, 1))]


def _geometry(tensor):
    itemsize = tensor.itemsize
    return tensor._offset, list(tensor.shape), [s // itemsize for s in tensor.strides]


def _basic_view(tensor, entries):
    """Applies the int/slice/None entries; array entries keep their whole axis and are
    reported with their position in the view."""
    offset, shape, strides = _geometry(tensor)
    out_shape, out_strides, array_positions = [], [], []
    axis = 0
    for entry in entries:
        kind = entry[0]
        if kind == "none":
            out_shape.append(1)
            out_strides.append(0)
            continue
        size, stride = shape[axis], strides[axis]
        if kind == "int":
            index = entry[1]
            if not -size <= index < size:
                raise IndexError(f"index {index} is out of bounds for axis {axis} with size {size}")
            offset += (index % size) * stride
        elif kind == "slice":
            start, stop, step = entry[1].indices(size)
            length = len(range(start, stop, step))
            if length > 0:
                offset += start * stride
            out_shape.append(length)
            out_strides.append(stride * step)
        else:
            array_positions.append((len(out_shape), entry[1], size, axis))
            out_shape.append(size)
            out_strides.append(stride)
        axis += 1
    return _C.view(tensor, offset, out_shape, out_strides), array_positions


def _has_arrays(entries):
    return any(entry[0] == "array" for entry in entries)


def _promote_ints(entries):
    """With array indices present, integer indices are 0-d index arrays (numpy's rule)."""
    from ._creation import full
    return [("array", full((), entry[1], np.int64)) if entry[0] == "int" else entry for entry in entries]


def _checked_indices(index, size, axis):
    """Index array with negatives wrapped, refusing out-of-range values."""
    from . import _ops
    if index.size and (bool(_ops.any(_ops.less(index, -size))) or bool(_ops.any(_ops.greater_equal(index, size)))):
        bad_low = _ops.less(index, -size)
        bad = _ops.where(bad_low, index, _ops.where(_ops.greater_equal(index, size), index, 0))
        culprit = int(_ops.min(bad)) if bool(_ops.any(bad_low)) else int(_ops.max(bad))
        raise IndexError(f"index {culprit} is out of bounds for axis {axis} with size {size}")
    index = index.astype(np.int64)
    return _ops.where(_ops.less(index, 0), _ops.add(index, size), index)


def _offsets(view, array_positions):
    """Storage offsets of every element of the advanced-indexing result, and its shape."""
    from . import _ops, _shape
    from ._creation import arange, full
    indices = [_checked_indices(index, size, axis) for _, index, size, axis in array_positions]
    try:
        broadcast = np.broadcast_shapes(*(tuple(i.shape) for i in indices))
    except ValueError:
        shapes = " ".join(str(tuple(i.shape)) for i in indices)
        raise IndexError(f"shape mismatch: indexing arrays could not be broadcast together with shapes {shapes}") from None
    positions = [p for p, _, _, _ in array_positions]
    rest = [axis for axis in range(view.ndim) if axis not in positions]
    adjacent = positions == list(range(positions[0], positions[0] + len(positions)))
    insert_at = sum(1 for axis in rest if axis < positions[0]) if adjacent else 0
    result_rank = len(rest) + len(broadcast)

    _, _, strides = _geometry(view)
    total = full((), view._offset, np.int64)
    for position, index in zip(positions, indices):
        term = _ops.multiply(_shape.broadcast_to(index, broadcast), strides[position])
        shape = [1] * insert_at + list(broadcast) + [1] * (result_rank - insert_at - len(broadcast))
        total = _ops.add(total, _shape.reshape(term, shape))
    for slot, axis in enumerate(rest):
        where = slot if slot < insert_at else slot + len(broadcast)
        shape = [1] * result_rank
        shape[where] = view.shape[axis]
        term = _ops.multiply(arange(view.shape[axis]), strides[axis])
        total = _ops.add(total, _shape.reshape(term, shape))
    result_shape = [view.shape[a] for a in rest[:insert_at]] + list(broadcast) + [view.shape[a] for a in rest[insert_at:]]
    return _shape.broadcast_to(total, result_shape)


def getitem(tensor, key):
    entries = _parse(key, tensor.shape)
    if not _has_arrays(entries):
        view, _ = _basic_view(tensor, entries)
        return view
    entries = _promote_ints(entries)
    view, array_positions = _basic_view(tensor, entries)
    if len(array_positions) == 1:
        position, index, size, _ = array_positions[0]
        return _C.take(view, index, position)
    return _C.gather_offsets(view, _offsets(view, array_positions))


def setitem(tensor, key, value):
    entries = _parse(key, tensor.shape)
    operand = to_operand(value, tensor.dtype)
    if not _has_arrays(entries):
        view, _ = _basic_view(tensor, entries)
        _C.assign(view, operand)
        return
    entries = _promote_ints(entries)
    view, array_positions = _basic_view(tensor, entries)
    _C.scatter_offsets(view, _offsets(view, array_positions), operand)
