"""swiftdl.RaggedTensor (tf.RaggedTensor): rows of different lengths, held as flat values
plus one row_splits vector per ragged dimension, as TensorFlow holds them.

    rt = tf.RaggedTensor.from_row_splits([3, 1, 4, 1, 5, 9, 2], row_splits=[0, 4, 4, 7])
    rt.to_list()        # [[3, 1, 4, 1], [], [5, 9, 2]]
    rt.row_lengths()    # [4, 0, 3]

The parts live in numpy (row splits int64; values in their dtype, text as object arrays);
the properties hand them out as engine tensors (text as the object array). Eager only.
"""
import numpy as np

from .._tf_shape import TensorShape
from ..errors import InvalidArgumentError
from . import _row_partition as rp
from ._values import int64_vector, tf_dtype, to_numpy, to_public


def _parts(values):
    """A factory's `values` argument: a RaggedTensor stays one, anything else a numpy array."""
    if isinstance(values, RaggedTensor):
        return values
    array = to_numpy(values)
    if array.ndim == 0:
        raise InvalidArgumentError(f"A RaggedTensor's values must have rank >= 1; received the scalar {array!r}")
    return array


def _nrows(values):
    return values.nrows_int() if isinstance(values, RaggedTensor) else len(values)


def ranges(starts, lengths):
    """The concatenation of range(starts[i], starts[i] + lengths[i]) (one numpy pass)."""
    lengths = np.asarray(lengths, np.int64)
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(np.asarray(starts, np.int64) - offsets, lengths) + np.arange(total, dtype=np.int64)


class RaggedTensor:
    """A tensor with one or more ragged dimensions (tf.RaggedTensor).

    Build one with the factory classmethods (`from_row_splits`, `from_row_lengths`,
    `from_value_rowids`, `from_row_starts`, `from_row_limits`, `from_uniform_row_length`,
    `from_nested_row_splits`, `from_tensor`, `from_sparse`) or `tf.ragged.constant`.
    """

    __array_priority__ = 200  # numpy and engine tensors defer to our operators

    def __init__(self, values, row_partition=None, internal=False):
        if not internal:
            raise ValueError("RaggedTensor constructor is private; please use one of the factory methods instead "
                             "(e.g., RaggedTensor.from_row_lengths())")
        self._values = values
        self._row_splits = row_partition
        self._uniform_row_length = None

    @classmethod
    def _make(cls, values, splits, uniform_row_length=None):
        rt = cls(values, np.asarray(splits, np.int64), internal=True)
        rt._uniform_row_length = uniform_row_length
        return rt

    # ---- factories ---------------------------------------------------------------
    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Row i holds values[row_splits[i]:row_splits[i + 1]].

        Raises:
            InvalidArgumentError: when row_splits does not start at 0, decreases or does not
                end at the number of values.
        """
        values = _parts(values)
        return cls._make(values, rp.checked_splits(row_splits, _nrows(values)))

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Row i holds the next row_lengths[i] values."""
        values = _parts(values)
        splits = rp.splits_from_lengths(row_lengths)
        return cls._make(values, rp.checked_splits(splits, _nrows(values), "from_row_lengths"))

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """values[j] belongs to row value_rowids[j] (sorted); `nrows` adds empty rows at the end."""
        values = _parts(values)
        rowids = int64_vector(value_rowids, "[from_value_rowids] value_rowids")
        if len(rowids) != _nrows(values):
            raise InvalidArgumentError(f"Arguments to from_value_rowids do not form a valid RaggedTensor: "
                                       f"{len(rowids)} value_rowids for {_nrows(values)} values")
        return cls._make(values, rp.splits_from_rowids(rowids, nrows))

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        values = _parts(values)
        return cls._make(values, rp.splits_from_starts(row_starts, _nrows(values)))

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        values = _parts(values)
        return cls._make(values, rp.checked_splits(rp.splits_from_limits(row_limits), _nrows(values),
                                                    "from_row_limits"))

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, validate=True, name=None):
        """Rows of `uniform_row_length` values each (the dimension's size is then known)."""
        values = _parts(values)
        width, count = int(np.asarray(uniform_row_length)), _nrows(values)
        if width < 0 or (width and count % width) or (not width and nrows is None and count):
            raise InvalidArgumentError(f"Arguments to from_uniform_row_length do not form a valid RaggedTensor: "
                                       f"{count} values do not split into rows of {width}")
        rows = int(np.asarray(nrows)) if nrows is not None else (count // width if width else 0)
        if rows * width != count:
            raise InvalidArgumentError(f"Arguments to from_uniform_row_length do not form a valid RaggedTensor: "
                                       f"nrows={rows} rows of {width} do not hold {count} values")
        return cls._make(values, np.arange(rows + 1, dtype=np.int64) * width, width)

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        """Ragged dimensions from the innermost outwards: nested_row_splits[0] is the outermost."""
        if isinstance(nested_row_splits, (np.ndarray,)) or not isinstance(nested_row_splits, (list, tuple)):
            raise TypeError("nested_row_splits must be a list of Tensors")
        result = _parts(flat_values)
        for splits in reversed(nested_row_splits):
            result = cls.from_row_splits(result, splits)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None, validate=True):
        result = _parts(flat_values)
        for lengths in reversed(nested_row_lengths):
            result = cls.from_row_lengths(result, lengths)
        return result

    @classmethod
    def from_nested_value_rowids(cls, flat_values, nested_value_rowids, nested_nrows=None, name=None,
                                 validate=True):
        nrows = nested_nrows if nested_nrows is not None else [None] * len(nested_value_rowids)
        result = _parts(flat_values)
        for rowids, count in reversed(list(zip(nested_value_rowids, nrows))):
            result = cls.from_value_rowids(result, rowids, count)
        return result

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None, row_splits_dtype="int64"):
        """A dense tensor's rows; `lengths` keeps only the first lengths[i] of row i, `padding`
        strips trailing padding values (give one of the two)."""
        from ._dense import from_tensor
        return from_tensor(cls, tensor, lengths, padding, ragged_rank)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype="int64"):
        """The rows of a 2-D SparseTensor (its indices in row-major order, each row's
        columns from 0 without gaps)."""
        from ._dense import from_sparse
        return from_sparse(cls, st_input)

    # ---- parts -------------------------------------------------------------------
    @property
    def values(self):
        """The concatenated rows: a tensor, or a RaggedTensor when ragged_rank > 1."""
        return self._values if isinstance(self._values, RaggedTensor) else to_public(self._values)

    @property
    def flat_values(self):
        """The innermost values, with every ragged dimension flattened out."""
        return to_public(self._flat())

    def _flat(self):
        values = self._values
        while isinstance(values, RaggedTensor):
            values = values._values
        return values

    def _nested_splits(self):
        splits, values = [self._row_splits], self._values
        while isinstance(values, RaggedTensor):
            splits.append(values._row_splits)
            values = values._values
        return splits

    @property
    def row_splits(self):
        return to_public(self._row_splits)

    @property
    def nested_row_splits(self):
        return tuple(to_public(s) for s in self._nested_splits())

    @property
    def ragged_rank(self):
        return len(self._nested_splits())

    @property
    def uniform_row_length(self):
        width = self._uniform_row_length
        return None if width is None else to_public(np.asarray(width, np.int64))

    @property
    def dtype(self):
        return tf_dtype(self._flat())

    @property
    def shape(self):
        """TensorShape: nrows, None for each ragged dimension, then the flat values' inner dims."""
        dims, node = [self.nrows_int()], self
        while isinstance(node, RaggedTensor):
            dims.append(node._uniform_row_length)
            node = node._values
        return TensorShape(dims + list(node.shape[1:]))

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return self.shape.rank

    # ---- row partition views -----------------------------------------------------
    def nrows_int(self):
        return len(self._row_splits) - 1

    def nrows(self, out_type=None, name=None):
        return to_public(np.asarray(self.nrows_int(), _index_dtype(out_type)))

    def row_lengths(self, axis=1, name=None):
        """The length of each row (axis=1), or a RaggedTensor of the lengths one level in."""
        axis = _ragged_axis(self, axis, "row_lengths")
        if axis == 1:
            return to_public(np.diff(self._row_splits))
        return self.with_values(self._values.row_lengths(axis - 1))

    def value_rowids(self, name=None):
        return to_public(rp.rowids_from_splits(self._row_splits))

    def row_starts(self, name=None):
        return to_public(self._row_splits[:-1].copy())

    def row_limits(self, name=None):
        return to_public(self._row_splits[1:].copy())

    def nested_row_lengths(self, name=None):
        return tuple(to_public(np.diff(s)) for s in self._nested_splits())

    def nested_value_rowids(self, name=None):
        return tuple(to_public(rp.rowids_from_splits(s)) for s in self._nested_splits())

    def bounding_shape(self, axis=None, name=None, out_type=None):
        """The smallest dense shape holding every row: [nrows, longest row, ...] (int64)."""
        dims, node = [self.nrows_int()], self
        while isinstance(node, RaggedTensor):
            lengths = np.diff(node._row_splits)
            dims.append(int(lengths.max()) if lengths.size else 0)
            node = node._values
        shape = np.asarray(dims + list(node.shape[1:]), _index_dtype(out_type))
        return to_public(shape if axis is None else shape[axis])

    # ---- new tensors -------------------------------------------------------------
    def with_values(self, new_values):
        """The same outermost row partition over `new_values` (as many rows as self.values)."""
        new_values = _parts(new_values)
        if _nrows(new_values) != _nrows(self._values):
            raise InvalidArgumentError(f"[with_values] new_values must have {_nrows(self._values)} rows; "
                                       f"received {_nrows(new_values)}")
        return RaggedTensor._make(new_values, self._row_splits, self._uniform_row_length)

    def with_flat_values(self, new_values):
        """The same ragged partitions over new flat values (as many as self.flat_values)."""
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype):
        return self  # row splits are int64 throughout

    def merge_dims(self, outer_axis, inner_axis):
        """Merges dimensions outer_axis..inner_axis into one (merge_dims(0, 1) flattens rows)."""
        rank = self.shape.rank
        outer, inner = (outer_axis + rank if outer_axis < 0 else outer_axis,
                        inner_axis + rank if inner_axis < 0 else inner_axis)
        if not 0 <= outer <= inner < rank:
            raise ValueError(f"[merge_dims] expected 0 <= outer_axis <= inner_axis < rank ({rank}); received "
                             f"outer_axis={outer_axis}, inner_axis={inner_axis}")
        if outer == inner:
            return self
        if outer > 1:
            return self.with_values(_merge(self._values, outer - 1, inner - 1))
        if outer == 0:
            return _merge(self._values, 0, inner - 1)
        # dims 1..inner: each row now spans the merged values of its old rows
        splits, node = self._row_splits, self._values
        for _ in range(inner - 1):
            if isinstance(node, RaggedTensor):
                splits, node = node._row_splits[splits], node._values
            else:
                splits, node = splits * node.shape[1], node.reshape((-1,) + node.shape[2:])
        return RaggedTensor._make(node, splits)

    def to_tensor(self, default_value=None, name=None, shape=None):
        """The dense tensor of bounding_shape (or `shape`; None dims take the bounding size),
        padded with `default_value` (0, False or "" by default)."""
        from ._dense import to_tensor
        return to_public(to_tensor(self, default_value, shape))

    def to_sparse(self, name=None):
        from ._dense import to_sparse
        return to_sparse(self)

    def to_list(self):
        """Nested Python lists of Python scalars (text stays str, or bytes if given bytes)."""
        values = self._values.to_list() if isinstance(self._values, RaggedTensor) else self._values.tolist()
        splits = self._row_splits.tolist()
        return [values[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]

    def numpy(self):
        """TensorFlow's numpy view: a 2-D array when all rows have one length, else an object
        array of row arrays."""
        values = self._values.numpy() if isinstance(self._values, RaggedTensor) else self._values
        splits = self._row_splits
        rows = [values[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]
        if not rows:
            return np.zeros((0, 0) + tuple(np.shape(values)[1:]), dtype=getattr(values, "dtype", object))
        if any(len(row) != len(rows[0]) for row in rows) or getattr(values, "dtype", None) is None:
            result = np.empty((len(rows),), object)
            result[:] = rows
            return result
        return np.array(rows, dtype=values.dtype)

    # ---- Python protocol -----------------------------------------------------------
    def __getitem__(self, key):
        from ._getitem import getitem
        return getitem(self, key)

    def __iter__(self):
        for i in range(self.nrows_int()):
            yield self[i]

    def __repr__(self):
        return f"<tf.RaggedTensor {self.to_list()!r}>"

    def __str__(self):
        return self.__repr__()

    def __bool__(self):
        raise TypeError("The truth value of a RaggedTensor is ambiguous; compare with tf.reduce_all/any")

    def _row_gather(self, rows):
        """The RaggedTensor of rows `rows` (int indices in range), in that order."""
        rows = np.asarray(rows, np.int64)
        starts, limits = self._row_splits[:-1][rows], self._row_splits[1:][rows]
        positions = ranges(starts, limits - starts)
        splits = np.concatenate([[0], np.cumsum(limits - starts)]).astype(np.int64)
        values = self._values._row_gather(positions) if isinstance(self._values, RaggedTensor) \
            else self._values[positions]
        return RaggedTensor._make(values, splits, self._uniform_row_length)


def _merge(values, outer, inner):
    """merge_dims on `values` (a RaggedTensor or a numpy array)."""
    if isinstance(values, RaggedTensor):
        return values.merge_dims(outer, inner)
    if outer == inner:
        return values
    shape = values.shape
    merged = int(np.prod(shape[outer:inner + 1]))
    return values.reshape(shape[:outer] + (merged,) + shape[inner + 1:])


def _ragged_axis(rt, axis, op):
    if not 1 <= axis <= rt.ragged_rank:
        raise ValueError(f"[{op}] axis must be a ragged dimension (1..{rt.ragged_rank}); received {axis}")
    return axis


def _index_dtype(out_type):
    return np.int32 if getattr(out_type, "name", out_type) in ("int32", np.int32) else np.int64


def concat_rows(tensors):
    """The rows of several RaggedTensors of one ragged rank, one after another."""
    offsets = np.cumsum([0] + [int(t._row_splits[-1]) for t in tensors[:-1]])
    splits = np.concatenate([tensors[0]._row_splits[:1]] + [t._row_splits[1:] + off
                                                            for t, off in zip(tensors, offsets)])
    inner = [t._values for t in tensors]
    if isinstance(inner[0], RaggedTensor):
        values = concat_rows(inner)
    else:
        if len({v.shape[1:] for v in inner}) > 1:
            raise InvalidArgumentError(f"Cannot join ragged tensors whose inner dimensions differ: "
                                       f"{[v.shape[1:] for v in inner]}")
        values = np.concatenate(inner)
    widths = {t._uniform_row_length for t in tensors}
    return RaggedTensor._make(values, splits, widths.pop() if len(widths) == 1 else None)
