"""TensorFlow's indexing-by-specification functions: strided_slice (its begin/end/stride
vectors and bit masks), reverse_sequence, dynamic_partition and dynamic_stitch.

Each builds ordinary indexing or gathers on swiftdl tensors, so gradients flow as they do
for those."""
import numpy as np

from . import errors
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor


def _t(x):
    return x if isinstance(x, TensorBase) else convert_to_tensor(x)


def _ints(values):
    array = values.numpy() if isinstance(values, TensorBase) else np.asarray(values)
    return [int(v) for v in array.reshape(-1)]


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                  shrink_axis_mask=0, var=None, name=None):
    """input_[begin:end:strides] in TensorFlow's encoding (tf.strided_slice): bit i of
    begin_mask/end_mask ignores begin[i]/end[i], of ellipsis_mask makes entry i an
    ellipsis, of new_axis_mask a new axis, of shrink_axis_mask takes index begin[i]."""
    x = _t(input_)
    begin, end = _ints(begin), _ints(end)
    strides = [1] * len(begin) if strides is None else _ints(strides)
    if not len(begin) == len(end) == len(strides):
        raise errors.InvalidArgumentError(None, None, "Expected begin, end, and strides to be 1D equal size tensors, "
                                                      f"but got shapes {[len(begin)]}, {[len(end)]}, and "
                                                      f"{[len(strides)]} instead.")
    if bin(int(ellipsis_mask)).count("1") > 1:
        raise errors.InvalidArgumentError(None, None, "Multiple ellipses in slice spec not allowed")
    index = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if s == 0:
            raise errors.InvalidArgumentError(None, None, f"strides[{i}] must be non-zero")
        if ellipsis_mask & bit:
            index.append(Ellipsis)
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_axis_mask & bit:
            index.append(b)
        else:
            index.append(slice(None if begin_mask & bit else b, None if end_mask & bit else e, s))
    return x[tuple(index)]


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None):  # noqa: A002
    """For each batch entry i, reverses its first seq_lengths[i] elements along `seq_axis`
    (tf.reverse_sequence); the rest stay in place."""
    x = _t(input)
    if seq_axis is None:
        raise ValueError("tf.reverse_sequence needs seq_axis")
    seq_axis = int(seq_axis) % x.ndim
    batch_axis = (0 if batch_axis is None else int(batch_axis)) % x.ndim
    lengths = _ints(seq_lengths)
    steps = x.shape[seq_axis]
    if len(lengths) != x.shape[batch_axis]:
        raise errors.InvalidArgumentError(None, None, f"Length of seq_lengths != input.dims({batch_axis}), "
                                                      f"({len(lengths)} vs. {x.shape[batch_axis]})")
    if any(not 0 <= n <= steps for n in lengths):
        raise errors.InvalidArgumentError(None, None, f"seq_lengths must be in [0, {steps}]; received {lengths}")
    # One gather of positions along seq_axis for each batch entry, as a take_along_axis.
    order = np.tile(np.arange(steps), (len(lengths), 1))
    for row, n in enumerate(lengths):
        order[row, :n] = order[row, :n][::-1]
    shape = [1] * x.ndim
    shape[batch_axis], shape[seq_axis] = len(lengths), steps
    if batch_axis > seq_axis:
        order = order.T
    from ._numpy_arrangement import take_along_axis
    index = np.broadcast_to(order.reshape(shape), x.shape)
    return take_along_axis(x, convert_to_tensor(np.ascontiguousarray(index).astype(np.int64)), axis=seq_axis)


def dynamic_partition(data, partitions, num_partitions, name=None):
    """The rows of `data` split into `num_partitions` tensors by `partitions` (an index per
    leading position, in 0..num_partitions-1), in their order (tf.dynamic_partition)."""
    x = _t(data)
    parts = partitions.numpy() if isinstance(partitions, TensorBase) else np.asarray(partitions)
    count = int(num_partitions)
    if tuple(x.shape[:parts.ndim]) != parts.shape:
        raise errors.InvalidArgumentError(None, None, f"data.shape must start with partitions.shape, got data.shape "
                                                      f"= {list(x.shape)}, partitions.shape = {list(parts.shape)}")
    if parts.size and (parts.min() < 0 or parts.max() >= count):
        raise errors.InvalidArgumentError(None, None, f"partitions must be in [0, {count}); received values "
                                                      f"{parts.min()}..{parts.max()}")
    rows = x.reshape((-1, *x.shape[parts.ndim:]))
    flat = parts.reshape(-1)
    return [rows[convert_to_tensor(np.flatnonzero(flat == p).astype(np.int64))] for p in range(count)]


def dynamic_stitch(indices, data, name=None):
    """merged[indices[m][i]] = data[m][i] for every m and i, later m winning on repeated
    indices; the result has max(index) + 1 rows (tf.dynamic_stitch)."""
    from ._tf_array import concat
    if len(indices) != len(data) or not indices:
        raise ValueError("tf.dynamic_stitch needs as many data tensors as index tensors, at least one")
    positions = [(i.numpy() if isinstance(i, TensorBase) else np.asarray(i)).astype(np.int64) for i in indices]
    values = [_t(d) for d in data]
    tails = set()
    for p, v in zip(positions, values):
        if tuple(v.shape[:p.ndim]) != p.shape:
            raise errors.InvalidArgumentError(None, None, f"data shape {list(v.shape)} must start with the indices' "
                                                          f"shape {list(p.shape)}")
        tails.add(tuple(v.shape[p.ndim:]))
    if len(tails) > 1:
        raise errors.InvalidArgumentError(None, None, f"the data's trailing shapes differ: {sorted(tails)}")
    flat_index = np.concatenate([p.reshape(-1) for p in positions])
    rows = concat([v.reshape((-1, *v.shape[p.ndim:])) for p, v in zip(positions, values)], axis=0)
    if flat_index.size and flat_index.min() < 0:
        raise errors.InvalidArgumentError(None, None, "dynamic_stitch: indices must be non-negative")
    size = int(flat_index.max()) + 1 if flat_index.size else 0
    # The last occurrence of each index wins: pick, for each output row, its last source row.
    last = {int(i): k for k, i in enumerate(flat_index)}
    source = np.array([last.get(i, -1) for i in range(size)], np.int64)
    if (source < 0).any():
        # TensorFlow leaves missing rows uninitialized; zeros are the defined choice here.
        from ._tf_array import zeros
        rows = concat([rows, zeros((1, *rows.shape[1:]), dtype=rows.dtype)], axis=0)
        source[source < 0] = rows.shape[0] - 1
    return rows[convert_to_tensor(source)]
