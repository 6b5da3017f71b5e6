"""tf.reduce_sum / mean / max / min / prod / any / all over RaggedTensors (swiftdl's
reductions hand a RaggedTensor here). A ragged axis is reduced as TensorFlow does it: an
unsorted segment reduction over the values, empty rows giving the op's identity (0 for
sum, the dtype's lowest value for max, nan for a mean)."""
import numpy as np

from ..errors import InvalidArgumentError
from . import _row_partition as rp
from ._ragged_tensor import RaggedTensor
from ._values import to_public


def _identity(op, dtype):
    if op in ("sum", "any"):
        return dtype.type(0)
    if op in ("prod", "all"):
        return dtype.type(1)
    limits = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype) if dtype.kind in "iu" else None
    if limits is None:
        raise TypeError(f"[reduce_{op}] cannot reduce values of dtype {dtype}")
    return limits.min if op == "max" else limits.max


_UFUNCS = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum, "any": np.logical_or,
           "all": np.logical_and}


def _segment(data, segment_ids, count, op):
    """Rows of `data` (dense or ragged) with one segment id each, combined per segment;
    ragged rows combine position by position, the result row as long as the longest."""
    if isinstance(data, RaggedTensor):
        lengths = np.diff(data._row_splits)
        longest = np.zeros(count, np.int64)
        np.maximum.at(longest, segment_ids, lengths)
        splits = np.concatenate([[0], np.cumsum(longest)]).astype(np.int64)
        rows = rp.rowids_from_splits(data._row_splits)
        inner_ids = splits[:-1][segment_ids[rows]] + rp.positions_from_splits(data._row_splits)
        return RaggedTensor._make(_segment(data._values, inner_ids, int(splits[-1]), op), splits)
    dtype = np.dtype(bool) if op in ("any", "all") else data.dtype
    out = np.full((count,) + data.shape[1:], _identity(op, dtype), dtype)
    _UFUNCS[op].at(out, segment_ids, data.astype(dtype, copy=False))
    return out


def _reduce_axis(x, op, axis):
    """One axis of x (a RaggedTensor or a numpy array) reduced."""
    if not isinstance(x, RaggedTensor):
        if op in ("any", "all"):
            return _UFUNCS[op].reduce(x.astype(bool), axis=axis)
        return _UFUNCS[op].reduce(x, axis=axis, dtype=x.dtype if op in ("sum", "prod") else None)
    if axis == 0:
        return _row(_segment(x, np.zeros(x.nrows_int(), np.int64), 1, op))
    if axis == 1:
        return _segment(x._values, rp.rowids_from_splits(x._row_splits), x.nrows_int(), op)
    return x.with_values(_reduce_axis(x._values, op, axis - 1))


def _row(single):
    """Row 0 of a one-row result."""
    return single[0] if not isinstance(single, RaggedTensor) else single._values


def _axes(rt, axis):
    rank = rt.shape.rank
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(np.asarray(axis).reshape(-1).tolist())
    normal = sorted({int(a) + rank if a < 0 else int(a) for a in axes}, reverse=True)
    if any(not 0 <= a < rank for a in normal):
        raise InvalidArgumentError(f"axis {axis} is out of range for a RaggedTensor of rank {rank}")
    return normal


def _ones(rt):
    return rt.with_flat_values(np.ones(rt._flat().shape, np.int64))


def reduce(rt, op, axis=None, keepdims=False):
    """reduce_<op>(rt, axis, keepdims) for op in sum, mean, max, min, prod, any, all."""
    if axis is None:
        from .. import _tf_reduce
        total = getattr(_tf_reduce, f"reduce_{op}")(to_public(rt._flat()))
        if keepdims:
            from .._shape import reshape
            return reshape(total, (1,) * rt.shape.rank)
        return total
    if op == "mean":
        total, count = _reduce_all(rt, "sum", axis), _reduce_all(_ones(rt), "sum", axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            result = _divide(total, count)
    else:
        result = _reduce_all(rt, op, axis)
    if keepdims:
        result = _keep(result, _axes(rt, axis))
    return result if isinstance(result, RaggedTensor) else to_public(np.asarray(result))


def _reduce_all(rt, op, axis):
    result = rt
    for a in _axes(rt, axis):
        result = _reduce_axis(result, op, a)
    return result


def _divide(total, count):
    if isinstance(total, RaggedTensor):
        return total.with_flat_values(np.true_divide(total._flat(), count._flat()).astype(_mean_dtype(total)))
    return np.true_divide(total, count).astype(_mean_dtype(total))


def _mean_dtype(total):
    dtype = total._flat().dtype if isinstance(total, RaggedTensor) else total.dtype
    return dtype if dtype.kind == "f" else np.float64  # TensorFlow divides int sums into float64


def _keep(result, axes):
    for a in sorted(axes):
        if not isinstance(result, RaggedTensor):
            result = np.expand_dims(result, a)
        elif a > result.ragged_rank:
            result = result.with_flat_values(np.expand_dims(result._flat(), a - result.ragged_rank))
        else:
            raise NotImplementedError("[reduce] keepdims=True on a ragged result is supported for the axes after its "
                                      "ragged dimensions only")
    return result
