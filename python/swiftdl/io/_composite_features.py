"""tf.io.SparseFeature and tf.io.RaggedFeature: features parsed into a tf.SparseTensor and
a tf.RaggedTensor (or a dense 1-D tensor for one example's unpartitioned RaggedFeature).

Per example, parse_composite gives numpy parts (SparseFeature: indices and values;
RaggedFeature: nested lists after its partitions); finish_single and batch_composite build
the tensors, batch_composite adding the batch dimension outermost as TensorFlow does.
"""
from collections import namedtuple

import numpy as np

from ..errors import InvalidArgumentError


class SparseFeature(namedtuple("SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])):
    """A sparse feature from an index feature (or one per dimension) and a value feature.

    Args:
        index_key: the int64 feature holding the indices, or a list, one per dimension.
        value_key: the feature holding the values.
        dtype: the values' dtype.
        size: the dense size (an int, or a list matching index_key).
        already_sorted: whether the indices come sorted (they are sorted here regardless).
    """

    def __new__(cls, index_key, value_key, dtype, size, already_sorted=False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


class _Partition(namedtuple("_Partition", ["key"])):
    """A row partition read from the int64 feature `key`."""


class RaggedFeature(namedtuple("RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype",
                                                 "validate"])):
    """A ragged feature: the values of `value_key` (default: the feature's own key),
    partitioned by `partitions` (outermost first), each read from its own feature.

    Partition kinds are this class's attributes: RowSplits, RowLengths, RowStarts,
    RowLimits, ValueRowIds (each naming an int64 feature) and UniformRowLength(length).
    """

    class RowSplits(_Partition):
        pass

    class RowLengths(_Partition):
        pass

    class RowStarts(_Partition):
        pass

    class RowLimits(_Partition):
        pass

    class ValueRowIds(_Partition):
        pass

    class UniformRowLength(namedtuple("UniformRowLength", ["length"])):
        pass

    def __new__(cls, dtype, value_key=None, partitions=(), row_splits_dtype="int32", validate=False):
        return super().__new__(cls, dtype, value_key, tuple(partitions), row_splits_dtype, validate)


def _feature_values(stored, key, kind):
    from ._parse_example import _values
    return _values(stored[key], kind, key) if key in stored else []


def _boundaries(partition, stored, count, key):
    """(starts, limits) of the rows a partition cuts `count` items into."""
    if isinstance(partition, RaggedFeature.UniformRowLength):
        length = int(partition.length)
        if length <= 0 or count % length:
            raise InvalidArgumentError(f"Feature {key}: {count} values do not split into rows of {length}")
        starts = np.arange(0, count, length)
        return starts, starts + length
    ids = np.asarray(_feature_values(stored, partition.key, "int64"), np.int64)
    if isinstance(partition, RaggedFeature.RowSplits):
        if len(ids) == 0:
            ids = np.zeros(1, np.int64)
        starts, limits = ids[:-1], ids[1:]
    elif isinstance(partition, RaggedFeature.RowLengths):
        limits = np.cumsum(ids)
        starts = limits - ids
    elif isinstance(partition, RaggedFeature.RowStarts):
        starts, limits = ids, np.append(ids[1:], count)
    elif isinstance(partition, RaggedFeature.RowLimits):
        limits = ids
        starts = np.concatenate([[0], ids[:-1]]).astype(np.int64)
    else:   # ValueRowIds
        rows = int(ids.max()) + 1 if len(ids) else 0
        limits = np.cumsum(np.bincount(ids, minlength=rows)) if rows else np.zeros(0, np.int64)
        starts = limits - np.bincount(ids, minlength=rows) if rows else limits
    if (len(limits) and (limits[-1] != count or np.any(starts > limits))) or (not len(limits) and count):
        raise InvalidArgumentError(f"Feature {key}: the partition {type(partition).__name__}({partition[0]!r}) does "
                                   f"not cover its {count} values")
    return starts, limits


def parse_composite(stored, key, spec):
    """One example's parts of a SparseFeature or RaggedFeature."""
    from ._parse_example import _array, _kind
    kind = _kind(spec.dtype)
    if isinstance(spec, SparseFeature):
        index_keys = [spec.index_key] if isinstance(spec.index_key, str) else list(spec.index_key)
        sizes = [int(spec.size)] if np.ndim(spec.size) == 0 else [int(s) for s in spec.size]
        values = _array(_feature_values(stored, spec.value_key, kind), kind)
        indices = np.stack([np.asarray(_feature_values(stored, k, "int64"), np.int64) for k in index_keys], axis=1) \
            if values.size else np.zeros((0, len(index_keys)), np.int64)
        if len(indices) != len(values):
            raise InvalidArgumentError(f"Feature {key}: {len(indices)} indices for {len(values)} values")
        if np.any(indices < 0) or np.any(indices >= np.asarray(sizes)):
            raise InvalidArgumentError(f"Feature {key}: an index is outside the size {sizes}")
        order = np.lexsort(indices.T[::-1]) if len(indices) else np.arange(0)
        return indices[order], values[order], sizes
    values = _array(_feature_values(stored, spec.value_key or key, kind), kind).tolist()
    nested = values
    for partition in reversed(spec.partitions):
        starts, limits = _boundaries(partition, stored, len(nested), key)
        nested = [nested[a:b] for a, b in zip(starts, limits)]
    return nested


def ragged_from_lists(nested, dtype, ragged_rank):
    """A RaggedTensor of `ragged_rank` from nested lists, an empty list included (which
    tf.ragged.constant cannot type)."""
    from .._tf_dtypes import as_dtype
    from ..ragged import RaggedTensor, constant
    if len(nested):
        return constant(nested, dtype=as_dtype(dtype), ragged_rank=ragged_rank)
    result = np.zeros(0, dtype=object if as_dtype(dtype).name == "string" else as_dtype(dtype).name)
    for _ in range(ragged_rank):
        result = RaggedTensor.from_row_splits(result, np.zeros(1, np.int64))
    return result


def _ragged(nested, spec, ragged_rank):
    return ragged_from_lists(nested, spec.dtype, ragged_rank)


def finish_single(value, spec):
    """The tensor of one example's feature value."""
    from ._parse_example import _array, _finish, _kind
    if isinstance(spec, SparseFeature):
        from ..sparse import SparseTensor
        indices, values, sizes = value
        return SparseTensor(indices, values, sizes)
    if isinstance(spec, RaggedFeature):
        if not spec.partitions:
            return _finish(_array(value, _kind(spec.dtype)))
        return _ragged(value, spec, len(spec.partitions))
    return _finish(value)


def batch_composite(values, spec):
    """The batch's tensor: a SparseTensor with a leading batch index, or a RaggedTensor
    with the batch as its outermost ragged dimension."""
    if isinstance(spec, SparseFeature):
        from ..sparse import SparseTensor
        sizes = values[0][2] if values else ([int(spec.size)] if np.ndim(spec.size) == 0 else list(spec.size))
        indices = [np.concatenate([np.full((len(v[0]), 1), b, np.int64), v[0]], axis=1) for b, v in enumerate(values)]
        parts = [v[1] for v in values]
        all_indices = np.concatenate(indices) if indices else np.zeros((0, len(sizes) + 1), np.int64)
        all_values = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        return SparseTensor(all_indices, all_values, [len(values)] + list(sizes))
    return _ragged(list(values), spec, len(spec.partitions) + 1)
