"""tf.ragged_fill_empty_rows and tf.ragged_fill_empty_rows_grad: TensorFlow's raw ops that
give every empty row of a value_rowids-partitioned ragged tensor one default value."""
import numpy as np

from ..errors import InvalidArgumentError


def _array(value, dtype=None):
    value = value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else value
    return np.asarray(value, dtype=dtype)


def ragged_fill_empty_rows(value_rowids, values, nrows, default_value, name=None):
    """(output_value_rowids, output_values, empty_row_indicator, reverse_index_map): rows
    holding no value get `default_value` at their place; reverse_index_map[i] is where
    values[i] went.

    Raises:
        InvalidArgumentError: for unsorted or out-of-range row ids, or ids and values of
            different lengths.
    """
    from .._tf_cast import convert_to_tensor
    rowids = _array(value_rowids, np.int64).reshape(-1)
    vals = _array(values)
    rows = int(_array(nrows))
    if len(rowids) != len(vals) or np.any(np.diff(rowids) < 0) or (len(rowids) and (rowids[0] < 0 or
                                                                                    rowids[-1] >= rows)):
        raise InvalidArgumentError(None, None, f"ragged_fill_empty_rows: value_rowids must be sorted ids in [0, "
                                   f"{rows}) with one per value; received {rowids.tolist()} for {len(vals)} values")
    counts = np.bincount(rowids, minlength=rows)
    empty = counts == 0
    out_rowids = np.sort(np.concatenate([rowids, np.nonzero(empty)[0]]), kind="stable")
    out_values = np.empty(len(out_rowids), dtype=vals.dtype)
    slots = np.concatenate([[0], np.cumsum(counts + empty)])[:-1]   # first output slot of each row
    reverse = slots[rowids] + (np.arange(len(rowids)) - np.concatenate([[0], np.cumsum(counts)])[:-1][rowids])
    out_values[:] = np.asarray(default_value, dtype=vals.dtype)
    out_values[reverse] = vals
    return (convert_to_tensor(out_rowids), convert_to_tensor(out_values), convert_to_tensor(empty),
            convert_to_tensor(reverse.astype(np.int64)))


def ragged_fill_empty_rows_grad(reverse_index_map, grad_values, name=None):
    """(d_values, d_default_value): the gradient of ragged_fill_empty_rows's output values
    split back onto the input values and the default (the sum over filled rows)."""
    from .._tf_cast import convert_to_tensor
    reverse = _array(reverse_index_map, np.int64).reshape(-1)
    grads = _array(grad_values)
    filled = np.ones(len(grads), bool)
    filled[reverse] = False
    return convert_to_tensor(grads[reverse]), convert_to_tensor(grads[filled].sum(dtype=grads.dtype))
