"""tf.sets: set operations over the last axis of dense tensors or tf.SparseTensors (each
row of the last axis one set; duplicates count once). Results are SparseTensors whose rows
hold the sorted elements, with the last dimension the largest result set, as TensorFlow."""
import numpy as np

from .errors import InvalidArgumentError


def _rows(value, what):
    """({row index tuple: set}, outer shape, whether text)."""
    from .sparse import SparseTensor
    if isinstance(value, SparseTensor):
        indices, values = np.asarray(value.indices), np.asarray(value.values, dtype=object)
        shape = tuple(int(d) for d in np.asarray(value.dense_shape))
        rows = {}
        for index, item in zip(map(tuple, indices[:, :-1]), values):
            rows.setdefault(index, set()).add(_element(item))
        text = len(values) and isinstance(values[0], (str, bytes))
        return rows, shape[:-1], bool(text) or value.dtype.name == "string"
    array = np.asarray(value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else value)
    if array.ndim < 2:
        raise InvalidArgumentError(None, None, f"[sets] {what} must have rank >= 2; received shape {array.shape}")
    text = array.dtype.kind in "OUS"
    rows = {index: {_element(v) for v in array[index]} for index in np.ndindex(array.shape[:-1])}
    return rows, array.shape[:-1], text


def _element(value):
    if isinstance(value, (str, np.str_)):
        return str(value).encode("utf-8")
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value)
    if isinstance(value, (float, np.floating)):
        raise TypeError("tf.sets take integers or strings; received floating-point values")
    return int(value)


def _result(rows, outer, text):
    from .sparse import SparseTensor
    width = max((len(s) for s in rows.values()), default=0)
    indices, values = [], []
    for index in np.ndindex(outer):
        for position, item in enumerate(sorted(rows.get(index, ()))):
            indices.append(list(index) + [position])
            values.append(item)
    value_array = np.empty(len(values), dtype=object) if text else np.asarray(values, np.int64)
    if text:
        value_array[:] = values
    return SparseTensor(np.asarray(indices, np.int64).reshape(-1, len(outer) + 1), value_array,
                        list(outer) + [width])


def _binary(a, b, combine, op):
    rows_a, outer_a, text_a = _rows(a, "a")
    rows_b, outer_b, text_b = _rows(b, "b")
    if tuple(outer_a) != tuple(outer_b) or text_a != text_b:
        raise InvalidArgumentError(None, None, f"[{op}] a and b must have one type and the same shape but the last "
                                   f"axis; received {list(outer_a)} and {list(outer_b)}")
    rows = {index: combine(rows_a.get(index, set()), rows_b.get(index, set())) for index in np.ndindex(outer_a)}
    return _result(rows, outer_a, text_a)


def size(a, validate_indices=True):
    """The number of distinct elements of each set, int32 of a's shape but the last axis."""
    from ._tf_cast import convert_to_tensor
    rows, outer, _ = _rows(a, "a")
    out = np.zeros(outer, np.int32)
    for index, items in rows.items():
        out[index] = len(items)
    return convert_to_tensor(out)


def intersection(a, b, validate_indices=True):
    """The elements in both sets, row by row."""
    return _binary(a, b, lambda x, y: x & y, "intersection")


def union(a, b, validate_indices=True):
    """The elements in either set, row by row."""
    return _binary(a, b, lambda x, y: x | y, "union")


def difference(a, b, aminusb=True, validate_indices=True):
    """a's elements not in b (or b's not in a with aminusb=False), row by row."""
    return _binary(a, b, (lambda x, y: x - y) if aminusb else (lambda x, y: y - x), "difference")


__all__ = ["difference", "intersection", "size", "union"]
