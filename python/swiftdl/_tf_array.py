"""TensorFlow's array functions (tf.shape, tf.concat, tf.gather, tf.one_hot, ...) over the
engine, with TensorFlow's argument names; `name=` is accepted everywhere.

Where numpy has the same name (reshape, stack, eye, identity, where, split, ...), the
function here keeps numpy's behaviour for numpy's calls and takes TensorFlow's calls where
they can be told apart; each docstring states its rule.
"""
import builtins
import operator

import numpy as np

from . import _C, _creation, _ops, _shape
from ._convert import TensorBase, asarray
from ._tf_cast import convert_to_tensor
from ._tf_dtypes import numpy_dtype
from .errors import InvalidArgumentError, raises_tf_errors


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


def _ints(value, what="shape"):
    """A shape-like value (list, tuple, TensorShape, 1-D tensor) as a list of ints."""
    if isinstance(value, TensorBase) or isinstance(value, np.ndarray):
        return [int(v) for v in np.asarray(value).reshape(-1).tolist()]
    if isinstance(value, (int, np.integer)):
        return [operator.index(value)]
    try:
        return [operator.index(v) for v in value]
    except TypeError:
        raise TypeError(f"{what} must be a list of integers; received {value!r}") from None


def _axis(axis, ndim, op):
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise InvalidArgumentError(None, None, f"[{op}] axis {axis} is out of range for a tensor of rank {ndim}")
    return axis % ndim


def _kops():
    from .keras import ops
    return ops


# ---- shape information -----------------------------------------------------------------
def shape(input, out_type=None, name=None):  # noqa: A002
    """The shape of `input` as a 1-D int32 tensor (tf.shape; `out_type` int64 on request).
    numpy's `np.shape` returns a tuple: the tensor indexes, unpacks and passes as a shape
    the same way."""
    dims = tuple(input.shape) if hasattr(input, "shape") else np.shape(input)
    return asarray(np.array(dims, dtype=numpy_dtype(out_type) or np.int32))


def shape_n(input, out_type=None, name=None):  # noqa: A002
    return [shape(x, out_type) for x in input]


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of `input` as a 0-d int32 tensor (tf.rank)."""
    return asarray(np.int32(np.ndim(input) if not hasattr(input, "ndim") else input.ndim))


def size(input, out_type=None, name=None, axis=None):  # noqa: A002
    """The number of elements. numpy's call (`size(a)`, `size(a, axis)`) gives a Python int
    as numpy.size does; TensorFlow's (`out_type=` or `name=` given) a 0-d tensor."""
    dims = tuple(input.shape) if hasattr(input, "shape") else np.shape(input)
    if axis is not None:
        return dims[operator.index(axis)]
    count = int(np.prod(dims, dtype=np.int64))
    if out_type is None and name is None:
        return count
    return asarray(np.array(count, dtype=numpy_dtype(out_type) or np.int32))


# ---- shape manipulation -------------------------------------------------------------------
def reshape(tensor=None, shape=None, name=None, *, newshape=None, a=None):
    """tf.reshape / numpy.reshape: `shape` may be a list, a TensorShape or a 1-D tensor;
    one dimension may be -1. numpy's keywords `a` and `newshape` are accepted."""
    tensor = a if tensor is None else tensor
    if shape is None:
        shape = newshape
    if shape is None:
        raise TypeError("reshape() missing the shape argument")
    try:  # NOTE: inline rather than @raises_tf_errors: a hot path of numpy-style code
        return _C.reshape(tensor if isinstance(tensor, TensorBase) else _t(tensor),
                          list(shape) if type(shape) is tuple else _ints(shape))
    except ValueError as error:
        raise InvalidArgumentError(None, None, str(error)) from error


@raises_tf_errors
def concat(values, axis, name="concat"):
    """Joins tensors along an existing `axis` (tf.concat)."""
    tensors = [_t(v) for v in values]
    if not tensors:
        raise InvalidArgumentError(None, None, "[concat] needs at least one tensor")
    if len(tensors) == 1:
        return tensors[0]
    return _C.concatenate(tensors, operator.index(axis))


def stack(values=None, axis=0, name="stack", *, arrays=None):
    """Stacks tensors along a new `axis` (tf.stack, numpy.stack; numpy's keyword `arrays`)."""
    values = arrays if values is None else values
    try:
        return _C.stack([v if isinstance(v, TensorBase) else _t(v) for v in values], operator.index(axis))
    except ValueError as error:
        raise InvalidArgumentError(None, None, str(error)) from error


@raises_tf_errors
def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of `value` along `axis`, as a list (tf.unstack)."""
    tensor = _t(value)
    if tensor.ndim == 0:
        raise InvalidArgumentError(None, None, "[unstack] input must be at least 1-D; received a scalar")
    axis = _axis(axis, tensor.ndim, "unstack")
    count = tensor.shape[axis]
    if num is not None and num != count:
        raise InvalidArgumentError(None, None, f"[unstack] num={num} does not match dimension {count} of axis {axis}")
    prefix = (builtins.slice(None),) * axis
    return [tensor[prefix + (i,)] for i in builtins.range(count)]


@raises_tf_errors
def split(value, indices_or_sections=None, axis=0, num=None, name="split", *, num_or_size_splits=None):
    """Splits a tensor into a list of sub-tensors along `axis`.

    An integer cuts that many equal parts (TensorFlow and numpy agree). A list passed
    positionally (numpy.split's call) or as `indices_or_sections=` holds split *indices*,
    as numpy reads it; a list passed as `num_or_size_splits=` (TensorFlow's keyword) holds
    part *sizes*, one of which may be -1: `split(x, num_or_size_splits=[2, 3, 5], axis=1)`.
    """
    tensor = _t(value)
    axis = _axis(axis, tensor.ndim, "split")
    length = tensor.shape[axis]
    tf_sizes = num_or_size_splits is not None
    sections = num_or_size_splits if tf_sizes else indices_or_sections
    if sections is None:
        raise TypeError("split() needs num_or_size_splits (TensorFlow) or indices_or_sections (numpy)")
    if isinstance(sections, (int, np.integer)) or (isinstance(sections, TensorBase) and sections.ndim == 0):
        parts = operator.index(sections)
        if parts <= 0 or length % parts:
            raise InvalidArgumentError(None, None, f"[split] dimension {length} of axis {axis} does not split "
                                       f"into {parts} equal parts")
        sizes = [length // parts] * parts
    elif not tf_sizes:
        bounds = [builtins.min(builtins.max(i + length if i < 0 else i, 0), length)
                  for i in _ints(sections, "indices_or_sections")]
        edges = [0] + bounds + [length]
        prefix = (builtins.slice(None),) * axis
        return [tensor[prefix + (builtins.slice(a, builtins.max(a, b)),)] for a, b in zip(edges[:-1], edges[1:])]
    else:
        given = _ints(sections, "num_or_size_splits")
        sizes = list(given)
        if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
            raise InvalidArgumentError(None, None, f"[split] at most one size may be -1; received {given}")
        if -1 in sizes:
            sizes[sizes.index(-1)] = length - (builtins.sum(sizes) + 1)
        if builtins.sum(sizes) != length or any(s < 0 for s in sizes):
            raise InvalidArgumentError(None, None, f"[split] sizes {given} must add up to dimension {length} "
                                       f"of axis {axis}")
    if num is not None and num != len(sizes):
        raise InvalidArgumentError(None, None, f"[split] num={num} does not match {len(sizes)} parts")
    prefix = (builtins.slice(None),) * axis
    result, start = [], 0
    for n in sizes:
        result.append(tensor[prefix + (builtins.slice(start, start + n),)])
        start += n
    return result


@raises_tf_errors
def tile(input, multiples, name=None):  # noqa: A002
    """Repeats `input` `multiples[i]` times along axis i (tf.tile; numpy.tile's shorter
    `reps` are padded with ones, as numpy does)."""
    tensor = _t(input)
    reps = _ints(multiples, "multiples")
    if any(r < 0 for r in reps):
        raise InvalidArgumentError(None, None, f"[tile] multiples must be non-negative; received {reps}")
    ndim = builtins.max(tensor.ndim, len(reps))
    reps = [1] * (ndim - len(reps)) + reps
    dims = [1] * (ndim - tensor.ndim) + list(tensor.shape)
    tensor = _shape.reshape(tensor, [v for d in dims for v in (1, d)])
    tensor = _shape.broadcast_to(tensor, [v for r, d in zip(reps, dims) for v in (r, d)])
    return _shape.reshape(tensor, [r * d for r, d in zip(reps, dims)])


@raises_tf_errors
def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None, **numpy_kwargs):
    """Pads `tensor` by `paddings[i] = [before, after]` on axis i (tf.pad, numpy.pad).
    Modes: TensorFlow's 'CONSTANT', 'REFLECT', 'SYMMETRIC' (any case) and numpy's others."""
    tensor = _t(tensor)
    widths = np.asarray(paddings.numpy() if isinstance(paddings, TensorBase) else paddings, dtype=np.int64)
    if np.ndim(widths) == 2 and widths.shape != (tensor.ndim, 2):
        raise InvalidArgumentError(None, None, f"[pad] paddings must have shape ({tensor.ndim}, 2) for a tensor of "
                                   f"rank {tensor.ndim}; received shape {widths.shape}")
    mode = str(mode).lower()
    if "constant_values" in numpy_kwargs:
        constant_values = numpy_kwargs.pop("constant_values")
    if numpy_kwargs:
        raise TypeError(f"[pad] unsupported arguments {sorted(numpy_kwargs)}")
    if mode == "constant":
        return _kops().pad(tensor, widths.tolist(), mode="constant", constant_values=constant_values)
    return _kops().pad(tensor, widths.tolist(), mode=mode)


def transpose(a, perm=None, conjugate=False, name="transpose", *, axes=None):
    """Permutes the axes (tf.transpose's `perm`, numpy.transpose's `axes`; reversed by
    default)."""
    order = perm if perm is not None else axes
    try:
        return _shape.transpose(a if isinstance(a, TensorBase) else _t(a), None if order is None else _ints(order, "perm"))
    except ValueError as error:
        raise InvalidArgumentError(None, None, str(error)) from error


def expand_dims(input=None, axis=None, name=None, *, a=None):  # noqa: A002
    """tf.expand_dims / numpy.expand_dims (numpy's keyword `a`)."""
    if axis is None:
        raise TypeError("expand_dims() needs axis")
    tensor = a if input is None else input
    try:
        if type(axis) is int and isinstance(tensor, TensorBase):
            ndim = tensor.ndim + 1
            if -ndim <= axis < ndim:
                return _C.expand_dims(tensor, axis % ndim)
        return _shape.expand_dims(_t(tensor), axis)
    except ValueError as error:
        raise InvalidArgumentError(None, None, str(error)) from error


def squeeze(input=None, axis=None, name=None, *, a=None):  # noqa: A002
    """tf.squeeze / numpy.squeeze (numpy's keyword `a`)."""
    tensor = a if input is None else input
    try:
        return _shape.squeeze(tensor if isinstance(tensor, TensorBase) else _t(tensor), axis)
    except ValueError as error:
        raise InvalidArgumentError(None, None, str(error)) from error


@raises_tf_errors
def broadcast_to(input=None, shape=None, name=None, *, array=None):  # noqa: A002
    """tf.broadcast_to / numpy.broadcast_to (numpy's keyword `array`)."""
    return _shape.broadcast_to(_t(array if input is None else input), _ints(shape))


@raises_tf_errors
def reverse(tensor, axis, name=None):
    """Reverses `tensor` along each axis in `axis` (tf.reverse)."""
    tensor = _t(tensor)
    key = [builtins.slice(None)] * tensor.ndim
    for a in _ints(axis, "axis"):
        key[_axis(a, tensor.ndim, "reverse")] = builtins.slice(None, None, -1)
    return tensor[tuple(key)]


# ---- gather and scatter -------------------------------------------------------------------
@raises_tf_errors
def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` at `indices` along `axis` (tf.gather; `axis` defaults to
    `batch_dims`). Indices must lie in [0, params.shape[axis])."""
    params, indices = _t(params), _t(indices)
    axis = batch_dims if axis is None else axis
    axis = _axis(axis, params.ndim, "gather")
    if batch_dims:
        return _batched_gather(params, indices, axis, batch_dims)
    _check_range(indices, params.shape[axis], "gather")
    return _C.take(params, indices, axis)


def _batched_gather(params, indices, axis, batch_dims):
    batch_dims = batch_dims % indices.ndim if batch_dims < 0 else batch_dims
    if tuple(params.shape[:batch_dims]) != tuple(indices.shape[:batch_dims]) or axis < batch_dims:
        raise InvalidArgumentError(None, None, f"[gather] the first batch_dims={batch_dims} dimensions of params "
                                   f"{tuple(params.shape)} and indices {tuple(indices.shape)} must match")
    results = [gather(p, i, axis=axis - 1) if batch_dims == 1 else
               _batched_gather(p, i, axis - 1, batch_dims - 1) for p, i in zip(unstack(params), unstack(indices))]
    return stack(results)


def _check_range(indices, size, op):
    if indices.size and indices.dtype.kind in "iu":
        low, high = int(_ops.min(indices)), int(_ops.max(indices))
        if low < 0 or high >= size:
            bad = low if low < 0 else high
            raise InvalidArgumentError(None, None, f"[{op}] indices must lie in [0, {size}); received {bad}")
    elif indices.dtype.kind not in "iu":
        raise TypeError(f"[{op}] indices must be integers; received dtype {indices.dtype}")


def _index_rows(indices):
    """gather_nd's `indices` (an int tensor [..., M], or numpy.where's tuple of index
    arrays) as an int tensor [..., M]."""
    if isinstance(indices, tuple):
        return _C.stack([_t(i).astype(np.int64) for i in indices], -1)
    return _t(indices)


@raises_tf_errors
def gather_nd(params, indices, batch_dims=0, name=None):
    """Slices of `params` at the index rows `indices[..., :]` (tf.gather_nd). `indices`
    may also be numpy.where's tuple of index arrays."""
    params, indices = _t(params), _index_rows(indices)
    if batch_dims:
        if batch_dims != 1:
            raise NotImplementedError("[gather_nd] swiftdl supports batch_dims 0 and 1")
        return stack([gather_nd(p, i) for p, i in zip(unstack(params), unstack(indices))])
    if indices.ndim == 0:
        raise InvalidArgumentError(None, None, "[gather_nd] indices must be at least 1-D")
    depth = indices.shape[-1]
    if depth > params.ndim:
        raise InvalidArgumentError(None, None, f"[gather_nd] index depth {depth} exceeds the rank {params.ndim} of "
                                   f"params {tuple(params.shape)}")
    lead, rest = tuple(params.shape[:depth]), tuple(params.shape[depth:])
    flat = _linear(indices, lead, "gather_nd")
    rows = _shape.reshape(params, [int(np.prod(lead, dtype=np.int64))] + list(rest))
    return _shape.reshape(_C.take(rows, flat, 0), list(indices.shape[:-1]) + list(rest))


def _linear(indices, lead, op):
    """Row-major positions of the index rows `indices[..., k]` within `lead`."""
    if indices.dtype.kind not in "iu":
        raise TypeError(f"[{op}] indices must be integers; received dtype {indices.dtype}")
    indices = indices.astype(np.int64)
    flat = None
    for k, size in enumerate(lead):
        column = indices[..., k]
        _check_range(column, size, op)
        flat = column if flat is None else flat * size + column
    if flat is None:
        return _creation.zeros(indices.shape[:-1], np.int64)
    return flat


@raises_tf_errors
def scatter_nd(indices, updates, shape, name=None):
    """A zero tensor of `shape` with `updates` added at the index rows `indices` (tf.scatter_nd;
    duplicate indices sum)."""
    dims = _ints(shape)
    updates = _t(updates)
    return tensor_scatter_nd_add(_creation.zeros(dims, updates.dtype), indices, updates)


def _scatter_rows(tensor, indices, updates, op):
    tensor, indices, updates = _t(tensor), _index_rows(indices), _t(updates)
    depth = indices.shape[-1]
    lead, rest = tuple(tensor.shape[:depth]), tuple(tensor.shape[depth:])
    expected = tuple(indices.shape[:-1]) + rest
    if tuple(updates.shape) != expected:
        raise InvalidArgumentError(None, None, f"[{op}] updates must have shape {expected} for indices of shape "
                                   f"{tuple(indices.shape)} into {tuple(tensor.shape)}; received {tuple(updates.shape)}")
    flat = _shape.reshape(_linear(indices, lead, op), [-1])
    width = int(np.prod(rest, dtype=np.int64))
    return tensor, flat, _shape.reshape(updates.astype(tensor.dtype), [-1, width]), int(np.prod(lead)), width


def _hits(flat, positions, dtype):
    """(P, N) one-hot: update n lands on position p."""
    return _ops.equal(_shape.reshape(_creation.arange(positions), [-1, 1]),
                      _shape.reshape(flat, [1, -1])).astype(dtype)


@raises_tf_errors
def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """`tensor` with `updates` added at the index rows `indices` (tf.tensor_scatter_nd_add)."""
    tensor, flat, rows, positions, width = _scatter_rows(tensor, indices, updates, "tensor_scatter_nd_add")
    compute = tensor.dtype if tensor.dtype.kind == "f" else np.dtype(np.float64)
    added = _ops.matmul(_hits(flat, positions, compute), rows.astype(compute)).astype(tensor.dtype)
    return tensor + _shape.reshape(added, tensor.shape)


@raises_tf_errors
def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    return tensor_scatter_nd_add(tensor, indices, _ops.negative(_t(updates)))


@raises_tf_errors
def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """`tensor` with the index rows `indices` replaced by `updates`
    (tf.tensor_scatter_nd_update; of duplicate indices the last wins)."""
    tensor, flat, rows, positions, width = _scatter_rows(tensor, indices, updates, "tensor_scatter_nd_update")
    count = flat.shape[0]
    if count == 0:
        return tensor
    hits = _hits(flat, positions, np.int64)  # (P, N)
    order = _shape.reshape(_creation.arange(1, count + 1), [1, -1])
    last = _ops.max(hits * order, axis=1)  # 1 + the last update landing on each position, 0 for none
    picked = _C.take(rows, _ops.maximum(last - 1, 0), 0)
    base = _shape.reshape(tensor, [positions, width])
    touched = _shape.reshape(_ops.greater(last, 0), [-1, 1])
    return _shape.reshape(_ops.where(touched, picked, base), tensor.shape)


def _scatter_extreme(tensor, indices, updates, op, pick):
    tensor, flat, rows, positions, width = _scatter_rows(tensor, indices, updates, op)
    neutral = -np.inf if pick is _ops.max else np.inf
    if tensor.dtype.kind in "iu":
        info = np.iinfo(tensor.dtype)
        neutral = info.min if pick is _ops.max else info.max
    hits = _shape.reshape(_ops.equal(_shape.reshape(_creation.arange(positions), [-1, 1]),
                                     _shape.reshape(flat, [1, -1])), [positions, -1, 1])
    spread = _ops.where(hits, _shape.reshape(rows, [1, -1, width]), _creation.full((), neutral, tensor.dtype))
    best = pick(spread, axis=1)
    base = _shape.reshape(tensor, [positions, width])
    combined = (_ops.maximum if pick is _ops.max else _ops.minimum)(base, best)
    return _shape.reshape(combined, tensor.shape)


@raises_tf_errors
def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    return _scatter_extreme(tensor, indices, updates, "tensor_scatter_nd_max", _ops.max)


@raises_tf_errors
def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    return _scatter_extreme(tensor, indices, updates, "tensor_scatter_nd_min", _ops.min)


# ---- selection ---------------------------------------------------------------------------
def where(condition, x=None, y=None, name=None):
    """Elements of x where `condition` holds, else of y, all broadcast (tf.where, numpy.where).

    With only `condition`: numpy's call (`where(c)`) returns numpy's tuple of index arrays
    (`gather_nd` accepts that tuple); TensorFlow's (`where(c, name=...)`) the int64 tensor
    of coordinates, one row per true element.
    """
    if x is None and y is None:
        coordinates = _C.nonzero(asarray(condition, copy=None))  # (rank, N)
        if name is None:
            return tuple(coordinates[axis] for axis in builtins.range(coordinates.shape[0]))
        return _shape.transpose(coordinates).astype(np.int64)
    try:
        return _ops.where(condition, x, y)
    except ValueError as error:
        raise InvalidArgumentError(None, None, str(error)) from error


@raises_tf_errors
def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The entries of `tensor` where `mask` is true (tf.boolean_mask): mask's k dimensions
    match tensor's from `axis` (0) on and fold into one dimension of the result."""
    tensor, mask = _t(tensor), _t(mask)
    if mask.ndim == 0:
        raise InvalidArgumentError(None, None, "[boolean_mask] mask cannot be a scalar")
    axis = 0 if axis is None else _axis(axis, tensor.ndim, "boolean_mask")
    k = mask.ndim
    if tuple(tensor.shape[axis:axis + k]) != tuple(mask.shape):
        raise InvalidArgumentError(None, None, f"[boolean_mask] mask of shape {tuple(mask.shape)} does not match "
                                   f"dimensions {axis}..{axis + k - 1} of tensor {tuple(tensor.shape)}")
    folded = _shape.reshape(tensor, list(tensor.shape[:axis]) + [-1] + list(tensor.shape[axis + k:]))
    positions = _C.nonzero(_shape.reshape(mask, [-1]).astype(np.bool_))[0]
    return _C.take(folded, positions, axis)


@raises_tf_errors
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encodings of integer `indices` along a new axis of size `depth` (tf.one_hot):
    `on_value` (1) where the index matches, `off_value` (0) elsewhere, also for indices
    outside [0, depth). The dtype is `dtype`, else on/off values', else float32."""
    indices = _t(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"[one_hot] indices must be integers; received dtype {indices.dtype}")
    if dtype is not None:
        wanted = numpy_dtype(dtype)
    elif on_value is not None or off_value is not None:
        wanted = _t(on_value if on_value is not None else off_value).dtype
    else:
        wanted = np.dtype(np.float32)
    hot = _ops.equal(_shape.expand_dims(indices.astype(np.int64), -1), _creation.arange(operator.index(depth)))
    on = asarray(1 if on_value is None else on_value, dtype=wanted)
    off = asarray(0 if off_value is None else off_value, dtype=wanted)
    result = _ops.where(hot, on, off)
    if axis is not None and axis != -1:
        result = _shape.moveaxis(result, -1, axis)
    return result


@raises_tf_errors
def sequence_mask(lengths, maxlen=None, dtype=None, name=None):
    """mask[..., j] = j < lengths[...] (tf.sequence_mask); bool unless `dtype` is given."""
    lengths = _t(lengths)
    maxlen = int(_ops.max(lengths)) if maxlen is None else operator.index(maxlen)
    mask = _ops.less(_creation.arange(maxlen), _shape.expand_dims(lengths.astype(np.int64), -1))
    return mask if dtype is None else mask.astype(numpy_dtype(dtype))


# ---- creation ----------------------------------------------------------------------------
def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """[start, limit) by `delta` (tf.range). Integer arguments give int32, float ones
    float32, unless `dtype` says otherwise."""
    if limit is None:
        start, limit = 0, start
    values = [v.item() if isinstance(v, TensorBase) else v for v in (start, limit, delta)]
    if dtype is None:
        kinds = {np.asarray(v).dtype.kind for v in values}
        dtype = np.float32 if "f" in kinds else np.int32
        if any(isinstance(v, (np.ndarray, np.generic)) and v.dtype == np.float64 for v in (start, limit, delta)):
            dtype = np.float64
    if values[2] == 0:
        raise InvalidArgumentError(None, None, "[range] delta must not be 0")
    return _creation.arange(values[0], values[1], values[2], dtype=numpy_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, dtype=None, name=None, axis=0):
    """`num` evenly spaced values from start to stop (tf.linspace, numpy.linspace)."""
    if num is None:
        raise TypeError("linspace needs num")
    return _creation.linspace(start, stop, num, endpoint=endpoint, dtype=None if dtype is None else numpy_dtype(dtype))


def fill(dims, value, name=None, layout=None):
    """A tensor of shape `dims` filled with `value` (tf.fill; Python ints give int32,
    floats float32)."""
    value = _t(value)
    return _creation.full(_ints(dims, "dims"), value, value.dtype)


def zeros(shape, dtype=None, name=None):
    """tf.zeros / numpy.zeros: float32 by default."""
    return _creation.zeros(shape if type(shape) is tuple or type(shape) is int else _ints(shape), numpy_dtype(dtype))


def ones(shape, dtype=None, name=None):
    """tf.ones / numpy.ones: float32 by default."""
    return _creation.ones(shape if type(shape) is tuple or type(shape) is int else _ints(shape), numpy_dtype(dtype))


def zeros_like(input=None, dtype=None, name=None, shape=None, *, a=None):  # noqa: A002
    """tf.zeros_like / numpy.zeros_like (numpy's keyword `a`)."""
    return _creation.zeros_like(_t(a if input is None else input), numpy_dtype(dtype), shape)


def ones_like(input=None, dtype=None, name=None, shape=None, *, a=None):  # noqa: A002
    """tf.ones_like / numpy.ones_like (numpy's keyword `a`)."""
    return _creation.ones_like(_t(a if input is None else input), numpy_dtype(dtype), shape)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=None, name=None, *, k=0, M=None, N=None):
    """Identity matrices (tf.eye, numpy.eye).

    numpy's call `eye(N, M, k)` takes an integer third argument as the diagonal offset; a
    list or tuple there (or `batch_shape=`) is TensorFlow's batch shape, giving a stack of
    identity matrices. float32 by default."""
    if N is not None:
        num_rows = N
    if M is not None:
        num_columns = M
    if isinstance(batch_shape, (int, np.integer)):
        k, batch_shape = operator.index(batch_shape), None
    matrix = _creation.eye(num_rows, num_columns, k=k, dtype=numpy_dtype(dtype))
    if batch_shape is None:
        return matrix
    batch = _ints(batch_shape, "batch_shape")
    return _shape.broadcast_to(matrix, batch + list(matrix.shape)) + _creation.zeros([1] * (len(batch) + 2),
                                                                                     matrix.dtype)


def identity(input, dtype=None, name=None):  # noqa: A002
    """tf.identity(input): a tensor with the same values (a Variable's current value).
    numpy's call `identity(n)` with a Python integer n gives the n x n identity matrix."""
    if isinstance(input, (int, np.integer)) and not isinstance(input, bool) and name is None:
        return _creation.identity(input, dtype=None if dtype is None else numpy_dtype(dtype))
    tensor = _t(input)
    if tensor.dtype.kind == "f":
        return tensor * asarray(1, dtype=tensor.dtype)  # a new tensor, recorded on the tape
    return asarray(tensor, copy=True)


@raises_tf_errors
def slice(input_, begin, size, name=None):  # noqa: A001
    """The block of `input_` starting at `begin` with extent `size` per axis (-1: to the
    end) (tf.slice)."""
    tensor = _t(input_)
    starts, sizes = _ints(begin, "begin"), _ints(size, "size")
    if len(starts) != tensor.ndim or len(sizes) != tensor.ndim:
        raise InvalidArgumentError(None, None, f"[slice] begin and size need {tensor.ndim} entries; received "
                                   f"{starts} and {sizes}")
    key = []
    for axis, (start, extent) in enumerate(zip(starts, sizes)):
        stop = tensor.shape[axis] if extent == -1 else start + extent
        if start < 0 or extent < -1 or stop > tensor.shape[axis]:
            raise InvalidArgumentError(None, None, f"[slice] begin {starts} and size {sizes} do not fit in shape "
                                       f"{tuple(tensor.shape)}")
        key.append(builtins.slice(start, stop))
    return tensor[tuple(key)]


@raises_tf_errors
def roll(input, shift, axis=None, name=None):  # noqa: A002
    """Shifts elements cyclically along `axis` (tf.roll, numpy.roll: None rolls the
    flattened tensor); `shift` and `axis` may be lists of the same length."""
    tensor = _t(input)
    if isinstance(shift, (list, tuple)):
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis] * len(shift)
        if len(axes) != len(shift):
            raise InvalidArgumentError(None, None, f"[roll] shift {shift} and axis {axis} differ in length")
        for s, a in zip(shift, axes):
            tensor = _kops().roll(tensor, operator.index(s), axis=a)
        return tensor
    return _kops().roll(tensor, operator.index(shift), axis=axis)


@raises_tf_errors
def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """Repeats each element `repeats` times along `axis` (tf.repeat, numpy.repeat; None:
    of the flattened tensor)."""
    return _kops().repeat(_t(input), repeats.tolist() if isinstance(repeats, TensorBase) else repeats, axis=axis)


def meshgrid(*args, indexing="xy", name=None, **kwargs):
    """Coordinate grids from 1-D tensors (tf.meshgrid, numpy.meshgrid)."""
    return list(_kops().meshgrid(*[_t(a) for a in args], indexing=indexing))


@raises_tf_errors
def searchsorted(sorted_sequence, values, side="left", out_type=np.int32, name=None, sorter=None):
    """Insertion points of `values` into `sorted_sequence` (tf.searchsorted: along the last
    axis, row by row for N-D inputs; numpy.searchsorted for 1-D ones)."""
    if sorter is not None:
        raise NotImplementedError("[searchsorted] swiftdl does not take numpy's sorter; sort first")
    sequence, values = _t(sorted_sequence), _t(values)
    if sequence.ndim <= 1:
        result = _kops().searchsorted(sequence, values, side=side)
    else:
        if tuple(sequence.shape[:-1]) != tuple(values.shape[:-1]):
            raise InvalidArgumentError(None, None, f"[searchsorted] leading dimensions of sorted_sequence "
                                       f"{tuple(sequence.shape)} and values {tuple(values.shape)} must match")
        rows = [_kops().searchsorted(s, v, side=side) for s, v in zip(
            unstack(_shape.reshape(sequence, [-1, sequence.shape[-1]])),
            unstack(_shape.reshape(values, [-1, values.shape[-1]])))]
        result = _shape.reshape(stack(rows), list(values.shape))
    return result.astype(numpy_dtype(out_type))


@raises_tf_errors
def ensure_shape(x, shape, name=None):
    """`x` unchanged if its shape fits `shape` (None for any size), else
    InvalidArgumentError (tf.ensure_shape)."""
    from ._tf_shape import TensorShape
    tensor = _t(x)
    if not TensorShape(shape).is_compatible_with(tuple(tensor.shape)):
        raise InvalidArgumentError(None, None, f"Shape of tensor x {tuple(tensor.shape)} is not compatible with "
                                   f"expected shape {TensorShape(shape)}.")
    return tensor
