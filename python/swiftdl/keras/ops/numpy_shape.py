"""keras.ops shape manipulation: reshape, transpose, expand_dims, squeeze, moveaxis,
swapaxes, ravel, broadcast_to, concatenate and stacks, splits, tile, repeat, flips, rot90,
roll, pad, append, diagonals, ndim and size. Views where the engine makes views, copies
through differentiable engine ops (slices, concatenate, take) otherwise; index arithmetic
on integer positions (never on tensor data) may use numpy."""
import operator

import numpy as np

import swiftdl as sd

from ._convert import canonical_axes, canonical_axis, promote, shape_tuple, tensor


def reshape(x, newshape):
    """A tensor of `newshape` with x's elements (one dimension may be -1)."""
    x = tensor(x)
    shape = shape_tuple(newshape, "reshape")
    known = [s for s in shape if s != -1]
    if shape.count(-1) > 1 or any(s is None or s < -1 for s in shape) or (
            -1 not in shape and int(np.prod(known)) != x.size) or (
            -1 in shape and (int(np.prod(known)) == 0 or x.size % int(np.prod(known)))):
        if not (-1 in shape and x.size == 0 and shape.count(-1) == 1):
            raise ValueError(f"[reshape] cannot reshape a tensor of shape {tuple(x.shape)} into shape {shape}")
    return sd.reshape(x, shape)


def transpose(x, axes=None):
    x = tensor(x)
    if axes is not None:
        axes = canonical_axes(tuple(axes), x.ndim, "transpose")
        if len(axes) != x.ndim:
            raise ValueError(f"[transpose] axes {axes} do not match a tensor of rank {x.ndim}")
    return sd.transpose(x, axes)


def expand_dims(x, axis):
    return sd.expand_dims(tensor(x), axis)


def squeeze(x, axis=None):
    x = tensor(x)
    if axis is not None:
        axes = canonical_axes(axis, x.ndim, "squeeze")
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(f"[squeeze] cannot squeeze axis {a} of size {x.shape[a]}; received shape {tuple(x.shape)}")
        axis = axes
    return sd.squeeze(x, axis)


def moveaxis(x, source, destination):
    return sd.moveaxis(tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    return sd.swapaxes(tensor(x), axis1, axis2)


def ravel(x):
    return sd.reshape(tensor(x), (-1,))


def broadcast_to(x, shape):
    x = tensor(x)
    shape = shape_tuple(shape, "broadcast_to")
    try:
        np.broadcast_shapes(tuple(x.shape), shape)
        if len(shape) < x.ndim:
            raise ValueError
    except ValueError:
        raise ValueError(f"[broadcast_to] cannot broadcast shape {tuple(x.shape)} to {shape}") from None
    return sd.broadcast_to(x, shape)


def _same_dtype(xs, op):
    xs = list(xs)
    if not xs:
        raise ValueError(f"[{op}] needs at least one tensor; received an empty sequence")
    return promote(*xs) if len(xs) > 1 else [tensor(xs[0])]


def concatenate(xs, axis=0):
    """Joins tensors along an existing axis (None: flattened first); dtypes promote."""
    xs = _same_dtype(xs, "concatenate")
    if axis is None:
        return sd.concatenate([ravel(x) for x in xs], axis=0)
    axis = canonical_axis(axis, xs[0].ndim, "concatenate")
    for x in xs[1:]:
        if x.ndim != xs[0].ndim or any(a != b for i, (a, b) in enumerate(zip(x.shape, xs[0].shape)) if i != axis):
            raise ValueError(f"[concatenate] shapes {[tuple(t.shape) for t in xs]} differ outside axis {axis}")
    return sd.concatenate(xs, axis=axis)


def stack(x, axis=0):
    """Joins equally shaped tensors along a new axis."""
    xs = _same_dtype(x, "stack")
    if len({tuple(t.shape) for t in xs}) != 1:
        raise ValueError(f"[stack] all tensors must have the same shape; received {[tuple(t.shape) for t in xs]}")
    return sd.stack(xs, axis=canonical_axis(axis, xs[0].ndim + 1, "stack"))


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def _at_least(x, rank):
    x = tensor(x)
    if x.ndim >= rank:
        return x
    if rank == 2:
        return sd.reshape(x, (1, -1))
    if x.ndim == 0:
        return sd.reshape(x, (1, 1, 1))
    if x.ndim == 1:
        return sd.reshape(x, (1, -1, 1))
    return sd.expand_dims(x, -1)


def hstack(xs):
    xs = _same_dtype(xs, "hstack")
    return concatenate([sd.reshape(x, (-1,)) if x.ndim == 0 else x for x in xs], axis=0 if xs[0].ndim <= 1 else 1)


def vstack(xs):
    return concatenate([_at_least(x, 2) for x in _same_dtype(xs, "vstack")], axis=0)


def dstack(xs):
    return concatenate([_at_least(x, 3) for x in _same_dtype(xs, "dstack")], axis=2)


def _slice_along(x, axis, start, stop):
    key = [slice(None)] * x.ndim
    key[axis] = slice(start, stop)
    return x[tuple(key)]


def _split_points(size, indices_or_sections, op, even):
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"[{op}] number of sections must be positive; received {sections}")
        if even and size % sections:
            raise ValueError(f"[{op}] array split does not result in an equal division: {size} into {sections}")
        base, extra = divmod(size, sections)
        sizes = [base + 1] * extra + [base] * (sections - extra)
        return list(np.cumsum([0] + sizes))
    points = [operator.index(i) for i in indices_or_sections]
    return [0] + points + [size]


def split(x, indices_or_sections, axis=0):
    """Splits x into equal sections (int) or at the given indices along `axis`."""
    x = tensor(x)
    axis = canonical_axis(axis, x.ndim, "split")
    points = _split_points(x.shape[axis], indices_or_sections, "split", True)
    return [_slice_along(x, axis, int(a), int(b)) for a, b in zip(points[:-1], points[1:])]


def array_split(x, indices_or_sections, axis=0):
    """Like split, but sections may differ in size by one (the first ones larger)."""
    x = tensor(x)
    axis = canonical_axis(axis, x.ndim, "array_split")
    points = _split_points(x.shape[axis], indices_or_sections, "array_split", False)
    return [_slice_along(x, axis, int(a), int(b)) for a, b in zip(points[:-1], points[1:])]


def hsplit(x, indices_or_sections):
    x = tensor(x)
    return split(x, indices_or_sections, axis=0 if x.ndim == 1 else 1)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=2)


def tile(x, repeats):
    """Repeats the whole tensor `repeats` times along each axis (numpy.tile)."""
    x = tensor(x)
    repeats = shape_tuple(repeats, "tile")
    if any(r < 0 for r in repeats):
        raise ValueError(f"[tile] repeats must be non-negative; received {repeats}")
    rank = builtin_max(x.ndim, len(repeats))
    repeats = (1,) * (rank - len(repeats)) + tuple(repeats)
    shape = (1,) * (rank - x.ndim) + tuple(x.shape)
    x = sd.reshape(x, shape)
    interleaved = [d for r, s in zip(repeats, shape) for d in (r, s)]
    expanded = sd.reshape(x, [d for s in shape for d in (1, s)])
    tiled = sd.broadcast_to(expanded, interleaved)
    return sd.reshape(tiled + sd.zeros((), x.dtype), [r * s for r, s in zip(repeats, shape)])


builtin_max = max


def repeat(x, repeats, axis=None):
    """Repeats each element `repeats` times (an int, or one count per element) along `axis`
    (None: of the flattened tensor)."""
    x = tensor(x)
    if axis is None:
        x, axis = ravel(x), 0
    axis = canonical_axis(axis, x.ndim, "repeat")
    size = x.shape[axis]
    counts = np.asarray(repeats.numpy() if hasattr(repeats, "numpy") else repeats)
    if counts.dtype.kind not in "iu" or (counts < 0).any():
        raise ValueError(f"[repeat] repeats must be non-negative integers; received {repeats!r}")
    if counts.ndim == 0 or counts.size == 1:
        count = int(counts.reshape(()))
        expanded = sd.expand_dims(x, axis + 1)
        shape = list(expanded.shape)
        shape[axis + 1] = count
        result_shape = list(x.shape)
        result_shape[axis] = size * count
        return sd.reshape(sd.broadcast_to(expanded, shape) + sd.zeros((), x.dtype), result_shape)
    if counts.shape != (size,):
        raise ValueError(f"[repeat] repeats must be an int or have {size} entries; received shape {counts.shape}")
    return sd.take(x, sd.asarray(np.repeat(np.arange(size), counts)), axis=axis)


def flip(x, axis=None):
    """Reverses the order of elements along `axis` (None: all axes)."""
    x = tensor(x)
    axes = canonical_axes(axis, x.ndim, "flip")
    key = tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(x.ndim))
    return x[key]


def fliplr(x):
    return flip(x, 1)


def flipud(x):
    return flip(x, 0)


def rot90(array, k=1, axes=(0, 1)):
    """Rotates by 90° k times in the plane of `axes`, from the first axis towards the second."""
    x = tensor(array)
    if x.ndim < 2:
        raise ValueError(f"[rot90] needs a tensor of rank >= 2; received shape {tuple(x.shape)}")
    a, b = canonical_axes(tuple(axes), x.ndim, "rot90")
    k = operator.index(k) % 4
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, a), b)
    if k == 1:
        return sd.swapaxes(flip(x, b), a, b)
    return flip(sd.swapaxes(x, a, b), b)


def roll(x, shift, axis=None):
    """Shifts elements along `axis` cyclically (None: over the flattened tensor)."""
    x = tensor(x)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), x.shape)
    shifts = shift if isinstance(shift, (tuple, list)) else (shift,)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    if len(shifts) != len(axes):
        raise ValueError(f"[roll] shift and axis must have the same length; received {shift!r} and {axis!r}")
    for s, a in zip(shifts, axes):
        a = canonical_axis(a, x.ndim, "roll")
        size = x.shape[a]
        if size == 0:
            continue
        s = operator.index(s) % size
        if s:
            x = sd.concatenate([_slice_along(x, a, size - s, size), _slice_along(x, a, 0, size - s)], axis=a)
    return x


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "maximum", "minimum", "mean")


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pads each axis by (before, after) (numpy.pad). Modes: constant, edge, reflect,
    symmetric, wrap, maximum, minimum, mean."""
    x = tensor(x)
    if mode not in _PAD_MODES:
        raise ValueError(f"[pad] mode must be one of {_PAD_MODES}; received mode={mode!r}")
    if constant_values is not None and mode != "constant":
        raise ValueError(f"[pad] constant_values can only be used with mode='constant'; received mode={mode!r}")
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2)) if np.ndim(pad_width) < 2 \
        else np.asarray(pad_width, dtype=np.int64)
    if widths.shape != (x.ndim, 2) or (widths < 0).any():
        raise ValueError(f"[pad] pad_width must be non-negative (before, after) pairs for rank {x.ndim}; "
                         f"received {pad_width!r}")
    for axis, (before, after) in enumerate(widths.tolist()):
        if before == after == 0:
            continue
        size = x.shape[axis]
        if mode == "constant":
            value = 0 if constant_values is None else constant_values
            parts = []
            for width in (before, after):
                shape = list(x.shape)
                shape[axis] = width
                parts.append(sd.full(shape, value, x.dtype) if isinstance(value, (int, float))
                             else sd.broadcast_to(tensor(value, x.dtype), shape) + sd.zeros(shape, x.dtype))
            x = sd.concatenate([parts[0], x, parts[1]], axis=axis)
        elif mode in ("maximum", "minimum", "mean"):
            reduce = {"maximum": sd.max, "minimum": sd.min, "mean": sd.mean}[mode]
            stat = reduce(x, axis=axis, keepdims=True).astype(x.dtype)
            parts = [sd.broadcast_to(stat, [w if a == axis else s for a, s in enumerate(x.shape)]) + sd.zeros((), x.dtype)
                     for w in (before, after)]
            x = sd.concatenate([parts[0], x, parts[1]], axis=axis)
        else:
            if size == 0:
                raise ValueError(f"[pad] cannot pad an empty axis with mode={mode!r}")
            if mode == "reflect" and size == 1:
                index = np.zeros(before + size + after, np.int64)
            else:
                index = np.pad(np.arange(size), (before, after), mode=mode)
            x = sd.take(x, sd.asarray(index), axis=axis)
    return x


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The `offset` diagonal of the planes of axis1 and axis2, appended as the last axis."""
    x = tensor(x)
    if x.ndim < 2:
        raise ValueError(f"[diagonal] needs a tensor of rank >= 2; received shape {tuple(x.shape)}")
    a, b = canonical_axis(axis1, x.ndim, "diagonal"), canonical_axis(axis2, x.ndim, "diagonal")
    if a == b:
        raise ValueError("[diagonal] axis1 and axis2 cannot be the same")
    x = sd.moveaxis(x, (a, b), (-2, -1))
    rows, cols = x.shape[-2:]
    offset = operator.index(offset)
    length = builtin_max(0, min(rows - builtin_max(-offset, 0), cols - builtin_max(offset, 0)))
    if length == 0:
        return sd.zeros(tuple(x.shape[:-2]) + (0,), x.dtype)
    r = sd.arange(length, dtype="int64") + builtin_max(-offset, 0)
    c = sd.arange(length, dtype="int64") + builtin_max(offset, 0)
    return x[..., r, c]


def diag(x, k=0):
    """The k-th diagonal of a 2-D tensor, or a 2-D tensor with a 1-D x on its k-th diagonal."""
    x = tensor(x)
    k = operator.index(k)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"[diag] needs a 1-D or 2-D tensor; received shape {tuple(x.shape)}")
    n = x.shape[0] + abs(k)
    padded = sd.concatenate([x, sd.zeros((abs(k),), x.dtype)]) if k else x
    mask = sd.eye(n, n, k, "bool")
    values = sd.reshape(padded, (-1, 1)) if k >= 0 else sd.reshape(padded, (1, -1))
    return sd.where(mask, values, sd.zeros((), x.dtype))


def diagflat(x, k=0):
    return diag(ravel(x), k)


def trace(x, offset=0, axis1=0, axis2=1):
    """The sum along the `offset` diagonal; bools and uint8 sum in int32."""
    d = diagonal(x, offset, axis1, axis2)
    dtype = "int32" if d.dtype in (np.bool_, np.uint8) else d.dtype.name
    return sd.sum(d, axis=-1).astype(dtype)


def diff(a, n=1, axis=-1):
    """The n-th discrete difference along `axis`."""
    x = tensor(a)
    axis = canonical_axis(axis, x.ndim, "diff")
    for _ in range(operator.index(n)):
        size = x.shape[axis]
        x = _slice_along(x, axis, 1, size) - _slice_along(x, axis, 0, builtin_max(size - 1, 0))
    return x


def ndim(x):
    return tensor(x).ndim


def size(x):
    return tensor(x).size


