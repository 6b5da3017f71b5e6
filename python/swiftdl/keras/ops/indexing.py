"""keras.ops gathers and scatters: take, take_along_axis, slice, slice_update, scatter,
scatter_update, segment reductions, get_item, where, select, nonzero, searchsorted,
digitize, isin, bincount, unravel_index.

Gathers run on the engine's take / gather (differentiable). The engine's in-place scatter is
not recorded by the tape, so scatters here are composed from differentiable ops: an
update's target position is compared with every output position (a one-hot mask, N × P
booleans) and the values move through a matmul, a masked reduction or a take."""
import builtins
import operator

import numpy as np

import swiftdl as sd

from ._convert import canonical_axis, is_tensor, promote, shape_tuple, tensor


def _wrap(indices, size, op):
    """Integer indices with negatives counted from the end; out-of-range ones refused."""
    indices = tensor(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"[{op}] indices must be integers; received dtype {indices.dtype}")
    indices = indices.astype("int64")
    if indices.size:
        low, high = int(sd.min(indices)), int(sd.max(indices))
        if low < -size or high >= size:
            bad = low if low < -size else high
            raise IndexError(f"[{op}] index {bad} is out of bounds for an axis of size {size}")
    return sd.where(sd.less(indices, 0), indices + size, indices)


def take(x, indices, axis=None):
    """Elements of x at `indices` along `axis` (None: of the flattened x)."""
    x = tensor(x)
    if axis is None:
        x, axis = sd.reshape(x, (-1,)), 0
    axis = canonical_axis(axis, x.ndim, "take")
    return sd.take(x, _wrap(indices, x.shape[axis], "take"), axis=axis)


def take_along_axis(x, indices, axis=None):
    """Gathers x[..., indices[...], ...] along `axis`, pairing every other axis
    (numpy.take_along_axis; the other axes broadcast)."""
    x = tensor(x)
    if axis is None:
        x, axis = sd.reshape(x, (-1,)), 0
        indices = sd.reshape(tensor(indices), (-1,))
    axis = canonical_axis(axis, x.ndim, "take_along_axis")
    indices = tensor(indices)
    if indices.ndim != x.ndim:
        raise ValueError(f"[take_along_axis] indices must have x's rank {x.ndim}; received shape {tuple(indices.shape)}")
    indices = _wrap(indices, x.shape[axis], "take_along_axis")
    x_shape = list(x.shape)
    x_shape[axis] = 1
    try:
        shape = np.broadcast_shapes(tuple(x_shape), tuple(indices.shape))
    except ValueError:
        raise ValueError(f"[take_along_axis] indices of shape {tuple(indices.shape)} do not broadcast "
                         f"with x of shape {tuple(x.shape)}") from None
    key = []
    for a in range(x.ndim):
        if a == axis:
            key.append(sd.broadcast_to(indices, shape))
        else:
            view = [1] * x.ndim
            view[a] = x.shape[a]
            key.append(sd.broadcast_to(sd.reshape(sd.arange(x.shape[a], dtype="int64"), view), shape))
    if 0 in shape:
        return sd.zeros(shape, x.dtype)
    return x[tuple(key)]


def _starts(start_indices, op):
    if is_tensor(start_indices):
        start_indices = start_indices.tolist()
    return [operator.index(s) if not is_tensor(s) else int(s) for s in start_indices]


def slice(inputs, start_indices, shape):  # noqa: A001
    """The block of `shape` starting at `start_indices` (a view)."""
    x = tensor(inputs)
    starts = _starts(start_indices, "slice")
    shape = shape_tuple(shape, "slice")
    if len(starts) != x.ndim or len(shape) != x.ndim:
        raise ValueError(f"[slice] start_indices and shape need {x.ndim} entries; received {starts} and {shape}")
    for a, (s, n) in enumerate(zip(starts, shape)):
        if s < 0 or n < 0 or s + n > x.shape[a]:
            raise ValueError(f"[slice] the block {starts}+{shape} does not fit in shape {tuple(x.shape)}")
    return x[tuple(builtins.slice(s, s + n) for s, n in zip(starts, shape))]


def slice_update(inputs, start_indices, updates):
    """inputs with the block at `start_indices` replaced by `updates` (differentiable in
    both: composed from a zero padding and a where)."""
    x = tensor(inputs)
    updates = tensor(updates, x.dtype)
    starts = _starts(start_indices, "slice_update")
    if len(starts) != x.ndim or updates.ndim != x.ndim:
        raise ValueError(f"[slice_update] start_indices and updates need rank {x.ndim}; received {starts} "
                         f"and updates of shape {tuple(updates.shape)}")
    widths = []
    for a, (s, n) in enumerate(zip(starts, updates.shape)):
        if s < 0 or s + n > x.shape[a]:
            raise ValueError(f"[slice_update] updates of shape {tuple(updates.shape)} at {starts} do not fit "
                             f"in shape {tuple(x.shape)}")
        widths.append((s, x.shape[a] - s - n))
    from .numpy_shape import pad
    placed = pad(updates, widths)
    mask = pad(sd.ones(updates.shape, "bool"), widths)
    return sd.where(mask, placed, x)


def _targets(indices, shape, op):
    """The flat target positions (N,) of index rows over the first k axes of `shape`,
    the number P of such positions and the trailing shape each update fills."""
    indices = tensor(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"[{op}] indices must be integers; received dtype {indices.dtype}")
    if indices.ndim == 1:
        indices = sd.reshape(indices, (-1, 1))
    if indices.ndim != 2 or not 1 <= indices.shape[1] <= len(shape):
        raise ValueError(f"[{op}] indices must have shape (N, k) with 1 <= k <= {len(shape)}; "
                         f"received shape {tuple(indices.shape)}")
    k = indices.shape[1]
    lead = shape[:k]
    columns = [_wrap(indices[:, j], lead[j], op) for j in range(k)]
    strides = np.cumprod((1,) + tuple(reversed(lead[1:])))[::-1]
    flat = sd.zeros((indices.shape[0],), "int64")
    for column, stride in zip(columns, strides.tolist()):
        flat = flat + column * int(stride)
    return flat, int(np.prod(lead, dtype=np.int64)), tuple(shape[k:])


def _one_hot_rows(flat, positions):
    """(N, P) bool: update n targets position p."""
    return sd.equal(sd.reshape(flat, (-1, 1)), sd.reshape(sd.arange(positions, dtype="int64"), (1, -1)))


def scatter(indices, values, shape):
    """A zero tensor of `shape` with `values` added at `indices` (duplicates sum)."""
    shape = shape_tuple(shape, "scatter")
    values = tensor(values)
    flat, positions, rest = _targets(indices, shape, "scatter")
    values = sd.reshape(values, (flat.shape[0], int(np.prod(rest, dtype=np.int64))))
    dtype = values.dtype
    compute = dtype if dtype.kind in "fiu" and dtype != np.uint8 else np.dtype("int64")
    hits = sd.transpose(_one_hot_rows(flat, positions)).astype(compute)
    summed = sd.matmul(hits, values.astype(compute))
    return sd.reshape(summed, shape).astype(dtype)


_REDUCTIONS = (None, "add", "max", "min", "mul")


def scatter_update(inputs, indices, updates, reduction=None):
    """inputs with `updates` written at `indices` (the last of duplicate indices wins), or
    combined there by reduction 'add', 'max', 'min' or 'mul'."""
    if isinstance(reduction, str):
        reduction = reduction.lower()
    if reduction not in _REDUCTIONS:
        raise ValueError(f"[scatter_update] Invalid reduction: {reduction}. Supported values are: None, 'add', 'max', 'min', "
                         "'mul'.")
    x = tensor(inputs)
    updates = tensor(updates, x.dtype)
    flat, positions, rest = _targets(indices, tuple(x.shape), "scatter_update")
    count = flat.shape[0]
    width = int(np.prod(rest, dtype=np.int64))
    rows = sd.reshape(updates, (count, width))
    base = sd.reshape(x, (positions, width))
    hits = _one_hot_rows(flat, positions)  # (N, P)
    touched = sd.reshape(sd.any(hits, axis=0), (positions, 1))
    if reduction == "add":
        return x + scatter(indices, updates, tuple(x.shape))
    if reduction is None:
        order = sd.reshape(sd.arange(count, dtype="int64"), (-1, 1))
        last = sd.max(sd.where(hits, order, sd.full((), -1, "int64")), axis=0) if count else sd.full((positions,), -1, "int64")
        picked = sd.take(rows, sd.maximum(last, 0), axis=0) if count else sd.zeros((positions, width), x.dtype)
        return sd.reshape(sd.where(touched, picked, base), x.shape)
    neutral = {"max": -np.inf, "min": np.inf, "mul": 1}[reduction]
    if x.dtype.kind in "iu" and reduction != "mul":
        info = np.iinfo(x.dtype)
        neutral = info.min if reduction == "max" else info.max
    mask = sd.reshape(hits, (count, positions, 1))
    spread = sd.where(mask, sd.reshape(rows, (count, 1, width)), sd.full((), neutral, x.dtype))
    if reduction == "mul":
        combined = base * sd.prod(spread, axis=0)
    else:
        reduced = (sd.max if reduction == "max" else sd.min)(spread, axis=0)
        combined = (sd.maximum if reduction == "max" else sd.minimum)(base, reduced)
    return sd.reshape(sd.where(touched, combined, base), x.shape)


def _segment(data, segment_ids, num_segments, op, kind):
    data = tensor(data)
    ids = tensor(segment_ids)
    if ids.ndim != 1 or ids.shape[0] != data.shape[0]:
        raise ValueError(f"[{op}] segment_ids must be 1-D with data.shape[0] = {data.shape[0]} entries; "
                         f"received shape {tuple(ids.shape)}")
    if ids.dtype.kind not in "iu":
        raise TypeError(f"[{op}] segment_ids must be integers; received dtype {ids.dtype}")
    if num_segments is None:
        num_segments = int(sd.max(ids)) + 1 if ids.size else 0
    num_segments = operator.index(num_segments)
    hits = _one_hot_rows(ids.astype("int64"), num_segments)  # ids of -1 or >= num_segments match nothing
    rest = tuple(data.shape[1:])
    width = int(np.prod(rest, dtype=np.int64))
    rows = sd.reshape(data, (data.shape[0], width))
    if kind == "sum":
        compute = data.dtype if data.dtype.kind in "fi" else np.dtype("int64")
        out = sd.matmul(sd.transpose(hits).astype(compute), rows.astype(compute)).astype(data.dtype)
    else:
        if data.dtype.kind == "f":
            neutral = {"max": -np.inf, "min": np.inf, "prod": 1}[kind]
        else:
            info = np.iinfo(data.dtype) if data.dtype != np.bool_ else None
            neutral = {"max": info.min if info else False, "min": info.max if info else True, "prod": 1}[kind]
        spread = sd.where(sd.reshape(hits, hits.shape + (1,)), sd.reshape(rows, (rows.shape[0], 1, width)),
                          sd.full((), neutral, data.dtype))
        if data.shape[0] == 0:
            out = sd.full((num_segments, width), neutral, data.dtype)
        else:
            out = {"max": sd.max, "min": sd.min, "prod": sd.prod}[kind](spread, axis=0).astype(data.dtype)
    return sd.reshape(out, (num_segments,) + rest)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Sums of data's rows per segment id (ids outside [0, num_segments) are dropped)."""
    return _segment(data, segment_ids, num_segments, "segment_sum", "sum")


def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Maxima of data's rows per segment id (-inf, or the dtype's minimum, for empty segments)."""
    return _segment(data, segment_ids, num_segments, "segment_max", "max")


def segment_min(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    return _segment(data, segment_ids, num_segments, "segment_min", "min")


def segment_prod(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    return _segment(data, segment_ids, num_segments, "segment_prod", "prod")


def get_item(x, key):
    return tensor(x)[key]


def where(condition, x1=None, x2=None):
    """Elements of x1 where `condition` holds, else of x2 (promoted with Keras's rules).
    With only `condition`, the tuple of indices of its non-zero elements."""
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("[where] x1 and x2 must both be given, or neither")
    a, b = promote(x1, x2)
    return sd.where(tensor(condition).astype("bool"), a, b)


def select(condlist, choicelist, default=0):
    """The choice of the first true condition per element, else `default`."""
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError(f"[select] condlist and choicelist must be non-empty and of equal length; received "
                         f"{len(condlist)} and {len(choicelist)}")
    choices = promote(*choicelist, default)
    result = choices[-1]
    for condition, choice in zip(reversed(condlist), reversed(choices[:-1])):
        result = sd.where(tensor(condition).astype("bool"), choice, result)
    return result


def nonzero(x):
    """A tuple of int32 index tensors, one per axis, of x's non-zero elements."""
    return tuple(i.astype("int32") for i in sd.nonzero(tensor(x)))


def searchsorted(sorted_sequence, values, side="left"):
    """Insertion points (int32) of `values` into the sorted 1-D `sorted_sequence`."""
    if side not in ("left", "right"):
        raise ValueError(f"[searchsorted] side must be 'left' or 'right'; received side={side!r}")
    sequence, values = promote(sorted_sequence, values)
    if sequence.ndim != 1:
        raise ValueError(f"[searchsorted] sorted_sequence must be 1-D; received shape {tuple(sequence.shape)}")
    compare = sd.less if side == "left" else sd.less_equal
    before = compare(sequence, sd.expand_dims(values, -1))
    return sd.sum(before, axis=-1).astype("int32")


def digitize(x, bins):
    """Indices (int32) of the bins (increasing edges) each value falls in: bins[i-1] <= x < bins[i]."""
    return searchsorted(bins, x, side="right")


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of x1 occurs in x2."""
    a, b = promote(x1, x2)
    found = sd.any(sd.equal(sd.expand_dims(a, -1), sd.reshape(b, (-1,))), axis=-1) if b.size else sd.zeros(a.shape, "bool")
    return sd.logical_not(found) if invert else found


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts of each non-negative integer in a 1-D (or per row of a 2-D) x, optionally weighted."""
    if sparse:
        raise ValueError("[bincount] sparse=True is not supported by swiftdl")
    x = tensor(x)
    if x.dtype.kind not in "iu" or x.ndim not in (1, 2):
        raise ValueError(f"[bincount] x must be a 1-D or 2-D integer tensor; received {x.dtype} of shape {tuple(x.shape)}")
    if x.size and int(sd.min(x)) < 0:
        raise ValueError("[bincount] x must be non-negative")
    length = max(int(sd.max(x)) + 1 if x.size else 0, operator.index(minlength))
    hits = sd.equal(sd.expand_dims(x.astype("int64"), -1), sd.arange(length, dtype="int64"))
    if weights is None:
        return sd.sum(hits, axis=-2).astype("int32")
    weights = tensor(weights)
    compute = weights.dtype if weights.dtype.kind == "f" else np.dtype("int64")
    return sd.sum(sd.where(hits, sd.expand_dims(weights.astype(compute), -1), sd.zeros((), compute)),
                  axis=-2).astype(weights.dtype if weights.dtype.kind == "f" else "int32")


def unravel_index(indices, shape):
    """The coordinates in `shape` of flat `indices`, as a tuple of tensors."""
    indices = tensor(indices)
    shape = shape_tuple(shape, "unravel_index")
    coordinates = []
    for size in reversed(shape):
        coordinates.append(sd.remainder(indices, size))
        indices = sd.floor_divide(indices, size)
    return tuple(reversed(coordinates))
