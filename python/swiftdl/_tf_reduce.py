"""TensorFlow's reductions and orderings: the reduce_* family, argmax/argmin, cumsum and
cumprod, sort/argsort, top_k, unique, count_nonzero and the segment reductions."""
import builtins
import collections
import operator

import numpy as np

from . import _C, _creation, _ops, _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_dtypes import numpy_dtype
from .errors import InvalidArgumentError, raises_tf_errors


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


def _kops():
    from .keras import ops
    return ops


def _axes(axis):
    if axis is None:
        return None
    if isinstance(axis, TensorBase) or isinstance(axis, np.ndarray):
        values = np.asarray(axis).reshape(-1).tolist()
        return tuple(int(v) for v in values) if np.ndim(axis) else int(values[0])
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _ragged_reduce(rt, op, axis, keepdims):
    """A RaggedTensor's reduction (its ragged axes reduced as TensorFlow does); reached only
    for inputs that are not engine tensors, so the dense path pays one isinstance check."""
    from .ragged._reduce import reduce
    return reduce(rt, op, _axes(axis), _keep(keepdims))


def _keep(keepdims):
    return bool(keepdims) if keepdims is not None else False


@raises_tf_errors
def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over `axis` (all axes by default) (tf.math.reduce_sum); the dtype stays the
    input's (int32 sums stay int32, bools count as int64)."""
    if not isinstance(input_tensor, TensorBase) and hasattr(input_tensor, "_nested_splits"):
        return _ragged_reduce(input_tensor, "sum", axis, keepdims)
    x = _t(input_tensor)
    result = _ops.sum(x, axis=_axes(axis), keepdims=_keep(keepdims))
    return result.astype(x.dtype) if x.dtype.kind in "iu" and result.dtype != x.dtype else result


@raises_tf_errors
def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over `axis` (tf.math.reduce_mean). As in TensorFlow, the mean of an integer
    tensor is an integer of its dtype (the sum divided by the count, truncated)."""
    if not isinstance(input_tensor, TensorBase) and hasattr(input_tensor, "_nested_splits"):
        return _ragged_reduce(input_tensor, "mean", axis, keepdims)
    x = _t(input_tensor)
    if x.dtype.kind in "iu":
        total = _ops.sum(x.astype(np.int64), axis=_axes(axis), keepdims=_keep(keepdims))
        count = builtins.max(x.size // builtins.max(total.size, 1), 1) if x.size else 1
        quotient = _ops.floor_divide(_ops.absolute(total), count) * _ops.sign(total)
        return quotient.astype(x.dtype)
    if x.dtype.kind == "b":
        raise TypeError("[reduce_mean] bool tensors have no mean; cast them first")
    return _ops.mean(x, axis=_axes(axis), keepdims=_keep(keepdims))


@raises_tf_errors
def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum over `axis` (tf.math.reduce_max)."""
    if not isinstance(input_tensor, TensorBase) and hasattr(input_tensor, "_nested_splits"):
        return _ragged_reduce(input_tensor, "max", axis, keepdims)
    return _ops.max(_t(input_tensor), axis=_axes(axis), keepdims=_keep(keepdims))


@raises_tf_errors
def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum over `axis` (tf.math.reduce_min)."""
    if not isinstance(input_tensor, TensorBase) and hasattr(input_tensor, "_nested_splits"):
        return _ragged_reduce(input_tensor, "min", axis, keepdims)
    return _ops.min(_t(input_tensor), axis=_axes(axis), keepdims=_keep(keepdims))


@raises_tf_errors
def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product over `axis` (tf.math.reduce_prod); the dtype stays the input's."""
    if not isinstance(input_tensor, TensorBase) and hasattr(input_tensor, "_nested_splits"):
        return _ragged_reduce(input_tensor, "prod", axis, keepdims)
    x = _t(input_tensor)
    result = _ops.prod(x, axis=_axes(axis), keepdims=_keep(keepdims))
    return result.astype(x.dtype) if result.dtype != x.dtype and x.dtype.kind != "b" else result


@raises_tf_errors
def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    if not isinstance(input_tensor, TensorBase) and hasattr(input_tensor, "_nested_splits"):
        return _ragged_reduce(input_tensor, "any", axis, keepdims)
    return _ops.any(_t(input_tensor), axis=_axes(axis), keepdims=_keep(keepdims))


@raises_tf_errors
def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    if not isinstance(input_tensor, TensorBase) and hasattr(input_tensor, "_nested_splits"):
        return _ragged_reduce(input_tensor, "all", axis, keepdims)
    return _ops.all(_t(input_tensor), axis=_axes(axis), keepdims=_keep(keepdims))


@raises_tf_errors
def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over `axis`, computed stably (tf.math.reduce_logsumexp)."""
    x = _t(input_tensor)
    axes = _axes(axis)
    peak = _ops.max(x, axis=axes, keepdims=True)
    # NOTE: an all -inf (or inf) slice would give inf - inf = nan; shift by 0 there.
    peak = _ops.where(_ops.less(_ops.absolute(peak), np.inf), peak, _creation.zeros((), x.dtype))
    from . import _autograd
    peak = _autograd.stop_gradient(peak)
    result = _ops.log(_ops.sum(_ops.exp(x - peak), axis=axes, keepdims=True)) + peak
    if not _keep(keepdims):
        result = _shape.squeeze(result, axis=None if axes is None else axes) if axes is not None else \
            _shape.reshape(result, [])
    return result


@raises_tf_errors
def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.var(_t(input_tensor), axis=_axes(axis), keepdims=_keep(keepdims))


@raises_tf_errors
def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.std(_t(input_tensor), axis=_axes(axis), keepdims=_keep(keepdims))


@raises_tf_errors
def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    x = _t(input_tensor)
    return _ops.sqrt(_ops.sum(_ops.square(x), axis=_axes(axis), keepdims=_keep(keepdims)))


@raises_tf_errors
def count_nonzero(input, axis=None, keepdims=None, dtype=np.int64, name=None):  # noqa: A002
    """The number of non-zero entries over `axis` (tf.math.count_nonzero), int64 by default."""
    x = _t(input)
    counts = _ops.sum(_ops.not_equal(x, 0), axis=_axes(axis), keepdims=_keep(keepdims))
    return counts.astype(numpy_dtype(dtype))


@raises_tf_errors
def argmax(input, axis=None, output_type=np.int64, name=None):  # noqa: A002
    """Index of the largest value along `axis` (tf.math.argmax: axis 0 when None), int64."""
    x = _t(input)
    return _ops.argmax(x, axis=0 if axis is None else operator.index(_axes(axis))).astype(numpy_dtype(output_type))


@raises_tf_errors
def argmin(input, axis=None, output_type=np.int64, name=None):  # noqa: A002
    """Index of the smallest value along `axis` (tf.math.argmin: axis 0 when None), int64."""
    x = _t(input)
    return _ops.argmin(x, axis=0 if axis is None else operator.index(_axes(axis))).astype(numpy_dtype(output_type))


def _flip(x, axis):
    key = [builtins.slice(None)] * x.ndim
    key[axis] = builtins.slice(None, None, -1)
    return x[tuple(key)]


def _scan(kind, x, axis, exclusive, reverse):
    x = _t(x)
    if x.ndim == 0:
        raise InvalidArgumentError(None, None, f"[{kind}] input must be at least 1-D")
    axis = operator.index(axis)
    if not -x.ndim <= axis < x.ndim:
        raise InvalidArgumentError(None, None, f"[{kind}] axis {axis} is out of range for rank {x.ndim}")
    axis %= x.ndim
    if reverse:
        x = _flip(x, axis)
    if exclusive:
        first = [builtins.slice(None)] * x.ndim
        first[axis] = builtins.slice(0, 1)
        neutral = _creation.full_like(x[tuple(first)], 0 if kind == "cumsum" else 1)
        rest = [builtins.slice(None)] * x.ndim
        rest[axis] = builtins.slice(0, x.shape[axis] - 1)
        x = _C.concatenate([neutral, x[tuple(rest)]], axis)
    result = getattr(_kops(), kind)(x, axis=axis)
    if result.dtype != x.dtype and x.dtype.kind != "b":
        result = result.astype(x.dtype)
    return _flip(result, axis) if reverse else result


@raises_tf_errors
def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along `axis` (tf.math.cumsum); `exclusive` leaves each entry out of its
    own sum, `reverse` sums from the end."""
    return _scan("cumsum", x, axis, exclusive, reverse)


@raises_tf_errors
def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along `axis` (tf.math.cumprod)."""
    return _scan("cumprod", x, axis, exclusive, reverse)


_UNSET = object()


def numpy_or_tf_cumsum(x, axis=_UNSET, exclusive=False, reverse=False, name=None, dtype=None):
    """Cumulative sum. numpy's call `cumsum(a)` sums over the flattened array, as numpy
    does; TensorFlow's default (axis 0) applies when `exclusive`, `reverse` or `name` is
    given, and an explicit `axis` means the same in both."""
    x = _t(x)
    if axis is _UNSET:
        tf_call = exclusive or reverse or name is not None
        axis = 0 if tf_call else None
    if axis is None:
        x, axis = _shape.reshape(x, [-1]), 0
    result = cumsum(x, axis, exclusive, reverse)
    return result if dtype is None else result.astype(numpy_dtype(dtype))


def numpy_or_tf_cumprod(x, axis=_UNSET, exclusive=False, reverse=False, name=None, dtype=None):
    """Cumulative product, with numpy_or_tf_cumsum's rule for the default axis."""
    x = _t(x)
    if axis is _UNSET:
        axis = 0 if (exclusive or reverse or name is not None) else None
    if axis is None:
        x, axis = _shape.reshape(x, [-1]), 0
    result = cumprod(x, axis, exclusive, reverse)
    return result if dtype is None else result.astype(numpy_dtype(dtype))


_DIRECTIONS = ("ASCENDING", "DESCENDING")
_NUMPY_KINDS = ("quicksort", "mergesort", "heapsort", "stable", None)


def _direction(direction):
    if direction in _NUMPY_KINDS:  # numpy's `kind` in the same position: every kind sorts alike
        return "ASCENDING"
    if direction not in _DIRECTIONS:
        raise InvalidArgumentError(None, None, f"direction must be 'ASCENDING' or 'DESCENDING'; received {direction!r}")
    return direction


def _descending_key(x):
    """Values whose ascending order is x's descending order, keeping ties stable."""
    if x.dtype.kind == "f":
        return _ops.negative(x)
    return _ops.negative(x.astype(np.float64) if x.dtype.kind in "bu" or x.dtype == np.int64 else x.astype(np.int64))


@raises_tf_errors
def sort(values, axis=-1, direction="ASCENDING", name=None, *, kind=None, stable=None):
    """Sorts along `axis` (tf.sort, numpy.sort). numpy's `kind` may stand where TensorFlow
    puts `direction` ('ASCENDING' or 'DESCENDING'); axis=None sorts the flattened tensor."""
    x = _t(values)
    if _direction(direction) == "ASCENDING":
        return _kops().sort(x, axis=axis)
    if axis is None:
        x, axis = _shape.reshape(x, [-1]), -1
    order = _kops().argsort(_descending_key(x), axis=axis)
    return _kops().take_along_axis(x, order, axis=axis)


@raises_tf_errors
def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None, *, kind=None):
    """Indices that sort `values` along `axis` (tf.argsort, numpy.argsort); the sort is
    stable, so ties keep their order in both directions. int32, as TensorFlow gives."""
    x = _t(values)
    if _direction(direction) == "DESCENDING":
        x = _descending_key(x)
    return _kops().argsort(x, axis=axis)


TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


@raises_tf_errors
def top_k(input, k=1, sorted=True, index_type=np.int32, name=None):  # noqa: A002
    """The k largest entries along the last axis and their indices (tf.math.top_k), largest
    first, ties to the lower index; returns (values, indices)."""
    values, indices = _kops().top_k(_t(input), k, sorted=sorted)
    return TopKV2(values, indices.astype(numpy_dtype(index_type)))


@raises_tf_errors
def in_top_k(targets, predictions, k, name=None):
    """Whether each target is among the top k predictions of its row (tf.math.in_top_k)."""
    return _kops().in_top_k(_t(targets), _t(predictions), k)


Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _unique_parts(x, out_idx):
    """(values in order of first appearance, index of each entry's value, counts)."""
    x = _t(x)
    if x.ndim != 1:
        raise InvalidArgumentError(None, None, f"[unique] x must be 1-D; received shape {tuple(x.shape)}")
    n = x.shape[0]
    index_type = numpy_dtype(out_idx)
    if n == 0:
        return x, _creation.zeros([0], index_type), _creation.zeros([0], index_type)
    ops = _kops()
    order = ops.argsort(x).astype(np.int64)  # stable: equal values keep their positions' order
    ordered = _C.take(x, order, 0)
    starts = _C.concatenate([_creation.ones([1], np.bool_), _ops.not_equal(ordered[1:], ordered[:-1])], 0)
    group_of_sorted = ops.cumsum(starts.astype(np.int64)) - 1  # group number of each sorted entry
    first_positions = _C.take(order, _C.nonzero(starts)[0], 0)  # where each group first appears
    appearance = ops.argsort(first_positions).astype(np.int64)  # groups in order of first appearance
    rank_of_group = ops.argsort(appearance).astype(np.int64)
    values = _C.take(x, _C.take(first_positions, appearance, 0), 0)
    inverse = ops.argsort(order).astype(np.int64)  # sorted position of each original entry
    idx = _C.take(rank_of_group, _C.take(group_of_sorted, inverse, 0), 0)
    counts = ops.bincount(idx, minlength=values.shape[0])
    return values, idx.astype(index_type), counts.astype(index_type)


@raises_tf_errors
def unique(x, out_idx=np.int32, name=None, **numpy_kwargs):
    """Unique values of a 1-D tensor.

    TensorFlow's call (`out_idx=` or `name=` given) returns (y, idx): the values in order of
    first appearance and, for each entry, its value's position in y (tf.unique). numpy's
    call `unique(a)` returns the sorted unique values (of the flattened array), as
    numpy.unique does, with numpy's `return_index`, `return_inverse`, `return_counts`."""
    tf_call = name is not None or out_idx is not np.int32
    if tf_call and not numpy_kwargs:
        values, idx, _ = _unique_parts(x, out_idx)
        return Unique(values, idx)
    flat = _shape.reshape(_t(x), [-1])
    unknown = set(numpy_kwargs) - {"return_index", "return_inverse", "return_counts", "axis", "equal_nan"}
    if unknown or numpy_kwargs.get("axis") is not None:
        raise TypeError(f"[unique] unsupported numpy arguments {sorted(unknown) or ['axis']}")
    values, idx, counts = _unique_parts(flat, np.int64)
    order = _kops().argsort(values).astype(np.int64)
    result = [_C.take(values, order, 0)]
    if numpy_kwargs.get("return_index"):
        first = _ops.argmax(_ops.equal(_shape.reshape(idx, [1, -1]), _shape.reshape(order, [-1, 1])), axis=1)
        result.append(first)
    if numpy_kwargs.get("return_inverse"):
        result.append(_C.take(_kops().argsort(order).astype(np.int64), idx, 0))
    if numpy_kwargs.get("return_counts"):
        result.append(_C.take(counts, order, 0))
    return result[0] if len(result) == 1 else tuple(result)


@raises_tf_errors
def unique_with_counts(x, out_idx=np.int32, name=None):
    """(y, idx, count): tf.unique plus how often each value occurs."""
    return UniqueWithCounts(*_unique_parts(x, out_idx))


# ---- segments -------------------------------------------------------------------------------
def _check_sorted_ids(segment_ids, op):
    ids = _t(segment_ids)
    if ids.ndim != 1:
        raise InvalidArgumentError(None, None, f"[{op}] segment_ids must be 1-D; received shape {tuple(ids.shape)}")
    if ids.size:
        if int(_ops.min(ids)) < 0:
            raise InvalidArgumentError(None, None, f"[{op}] segment_ids must be non-negative")
        if ids.size > 1 and bool(_ops.any(_ops.less(ids[1:], ids[:-1]))):
            raise InvalidArgumentError(None, None, f"[{op}] segment_ids must be sorted (use unsorted_{op})")
    return ids


def _empty_to_zero(result, counts):
    """TensorFlow's sorted segment max/min/prod give 0 for segments no row reaches."""
    shape = [counts.shape[0]] + [1] * (result.ndim - 1)
    return _ops.where(_shape.reshape(_ops.greater(counts, 0), shape), result, _creation.zeros((), result.dtype))


def _counts(ids, num_segments):
    return _kops().segment_sum(_creation.ones([ids.shape[0]], np.int64), ids, num_segments=num_segments)


@raises_tf_errors
def segment_sum(data, segment_ids, name=None):
    """Sums of data's rows per (sorted) segment id (tf.math.segment_sum)."""
    return _kops().segment_sum(_t(data), _check_sorted_ids(segment_ids, "segment_sum"))


@raises_tf_errors
def segment_mean(data, segment_ids, name=None):
    ids = _check_sorted_ids(segment_ids, "segment_mean")
    return unsorted_segment_mean(data, ids, int(_ops.max(ids)) + 1 if ids.size else 0)


def _sorted_extreme(kind, data, segment_ids):
    ids = _check_sorted_ids(segment_ids, f"segment_{kind}")
    segments = int(_ops.max(ids)) + 1 if ids.size else 0
    result = getattr(_kops(), f"segment_{kind}")(_t(data), ids, num_segments=segments)
    return _empty_to_zero(result, _counts(ids, segments))


@raises_tf_errors
def segment_max(data, segment_ids, name=None):
    return _sorted_extreme("max", data, segment_ids)


@raises_tf_errors
def segment_min(data, segment_ids, name=None):
    return _sorted_extreme("min", data, segment_ids)


@raises_tf_errors
def segment_prod(data, segment_ids, name=None):
    ids = _check_sorted_ids(segment_ids, "segment_prod")
    segments = int(_ops.max(ids)) + 1 if ids.size else 0
    return _kops().segment_prod(_t(data), ids, num_segments=segments)


def _unsorted_ids(segment_ids, data, op):
    ids = _t(segment_ids)
    data = _t(data)
    if tuple(ids.shape) != tuple(data.shape[:ids.ndim]):
        raise InvalidArgumentError(None, None, f"[{op}] segment_ids of shape {tuple(ids.shape)} must match the "
                                   f"leading dimensions of data {tuple(data.shape)}")
    rows = _shape.reshape(data, [-1] + list(data.shape[ids.ndim:]))
    return _shape.reshape(ids, [-1]), rows


@raises_tf_errors
def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sums of data's rows per segment id in [0, num_segments); other ids are dropped
    (tf.math.unsorted_segment_sum)."""
    ids, rows = _unsorted_ids(segment_ids, data, "unsorted_segment_sum")
    return _kops().segment_sum(rows, ids, num_segments=operator.index(num_segments))


@raises_tf_errors
def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """Maxima per segment id; the dtype's lowest value for empty segments."""
    ids, rows = _unsorted_ids(segment_ids, data, "unsorted_segment_max")
    result = _kops().segment_max(rows, ids, num_segments=operator.index(num_segments))
    if result.dtype.kind == "f":
        counts = _counts(ids, operator.index(num_segments))
        shape = [counts.shape[0]] + [1] * (result.ndim - 1)
        result = _ops.where(_shape.reshape(_ops.greater(counts, 0), shape), result,
                            _creation.full((), np.finfo(result.dtype).min, result.dtype))
    return result


@raises_tf_errors
def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """Minima per segment id; the dtype's largest value for empty segments."""
    ids, rows = _unsorted_ids(segment_ids, data, "unsorted_segment_min")
    result = _kops().segment_min(rows, ids, num_segments=operator.index(num_segments))
    if result.dtype.kind == "f":
        counts = _counts(ids, operator.index(num_segments))
        shape = [counts.shape[0]] + [1] * (result.ndim - 1)
        result = _ops.where(_shape.reshape(_ops.greater(counts, 0), shape), result,
                            _creation.full((), np.finfo(result.dtype).max, result.dtype))
    return result


@raises_tf_errors
def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    ids, rows = _unsorted_ids(segment_ids, data, "unsorted_segment_prod")
    return _kops().segment_prod(rows, ids, num_segments=operator.index(num_segments))


@raises_tf_errors
def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """Means per segment id (0 for empty segments) (tf.math.unsorted_segment_mean)."""
    ids, rows = _unsorted_ids(segment_ids, data, "unsorted_segment_mean")
    total = _kops().segment_sum(rows, ids, num_segments=operator.index(num_segments))
    counts = _counts(ids, operator.index(num_segments)).astype(total.dtype)
    counts = _shape.reshape(_ops.maximum(counts, 1), [-1] + [1] * (total.ndim - 1))
    return total / counts


@raises_tf_errors
def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """Sums per segment id divided by the square root of the segment's size."""
    ids, rows = _unsorted_ids(segment_ids, data, "unsorted_segment_sqrt_n")
    total = _kops().segment_sum(rows, ids, num_segments=operator.index(num_segments))
    counts = _counts(ids, operator.index(num_segments)).astype(total.dtype)
    counts = _shape.reshape(_ops.sqrt(_ops.maximum(counts, 1)), [-1] + [1] * (total.ndim - 1))
    return total / counts


def numpy_or_tf_argmax(input, axis=None, output_type=None, name=None, *, keepdims=False, out=None):  # noqa: A002
    """Index of the largest value (numpy.argmax, tf.argmax): over the flattened tensor when
    `axis` is None, as numpy does (TensorFlow's own default, axis 0, is tf.math.argmax's);
    int64, or `output_type`."""
    result = _ops.argmax(_t(input), axis=_axes(axis), keepdims=keepdims)
    return result if output_type is None else result.astype(numpy_dtype(output_type))


def numpy_or_tf_argmin(input, axis=None, output_type=None, name=None, *, keepdims=False, out=None):  # noqa: A002
    """Index of the smallest value; the rules of numpy_or_tf_argmax."""
    result = _ops.argmin(_t(input), axis=_axes(axis), keepdims=keepdims)
    return result if output_type is None else result.astype(numpy_dtype(output_type))
