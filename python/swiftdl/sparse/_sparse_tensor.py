"""swiftdl.SparseTensor (tf.SparseTensor): a tensor stored as the indices of its non-zero
entries, their values and the dense shape, as TensorFlow stores it (COO).

    st = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1.0, 2.0], dense_shape=[3, 4])
    tf.sparse.to_dense(st)

The parts live in numpy (indices and dense_shape int64; values in their dtype, text as an
object array); the properties hand them out as engine tensors. Eager only.
"""
import numpy as np

from .._convert import TensorBase
from .._tf_dtypes import as_dtype, float32
from .._tf_shape import TensorShape
from ..errors import InvalidArgumentError
from ..ragged._values import tf_dtype, to_numpy, to_public


def _int64_array(value, what, ndim):
    array = np.asarray(value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else value)
    if array.size == 0:
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(f"SparseTensor {what} must hold integers; received dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"SparseTensor {what} must have rank {ndim}; received shape {array.shape}")
    return array.astype(np.int64)


class SparseTensor:
    """A sparse tensor (tf.SparseTensor, also tf.sparse.SparseTensor).

    Args:
        indices: int64 [N, rank]: the coordinates of the N specified entries.
        values: [N]: their values.
        dense_shape: int64 [rank]: the shape of the dense tensor this represents.

    Raises:
        ValueError: when the three parts' shapes do not fit together.
    """

    __array_priority__ = 200
    __array_ufunc__ = None  # numpy arrays on the left defer to __rmul__

    def __init__(self, indices, values, dense_shape):
        indices = _int64_array(indices, "indices", 2) if np.size(indices) else \
            np.zeros((0, np.size(dense_shape)), np.int64)
        values = to_numpy(values)
        shape = _int64_array(dense_shape, "dense_shape", 1)
        if values.ndim != 1:
            raise ValueError(f"SparseTensor values must be 1-D; received shape {values.shape}")
        if len(values) != len(indices):
            raise ValueError(f"Dimensions {len(indices)} and {len(values)} are not compatible: indices hold "
                             f"{len(indices)} entries, values {len(values)}")
        if indices.shape[1] != len(shape):
            raise ValueError(f"Dimensions {indices.shape[1]} and {len(shape)} are not compatible: indices have rank "
                             f"{indices.shape[1]}, dense_shape {shape.tolist()}")
        self._indices, self._values, self._dense_shape = indices, values, shape

    @classmethod
    def _make(cls, indices, values, dense_shape):
        st = cls.__new__(cls)
        st._indices = np.asarray(indices, np.int64).reshape(-1, len(dense_shape))
        st._values = np.asarray(values)
        st._dense_shape = np.asarray(dense_shape, np.int64)
        return st

    @classmethod
    def from_value(cls, sparse_tensor_value):
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        return cls(sparse_tensor_value.indices, sparse_tensor_value.values, sparse_tensor_value.dense_shape)

    indices = property(lambda self: to_public(self._indices), doc="int64 [N, rank] coordinates.")
    values = property(lambda self: to_public(self._values), doc="[N] values.")
    dense_shape = property(lambda self: to_public(self._dense_shape), doc="int64 [rank] dense shape.")

    @property
    def dtype(self):
        return tf_dtype(self._values)

    @property
    def shape(self):
        return TensorShape(self._dense_shape.tolist())

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return len(self._dense_shape)

    def with_values(self, new_values):
        """The same indices and shape with new values (as many as before)."""
        values = to_numpy(new_values)
        if values.shape != self._values.shape:
            raise ValueError(f"[with_values] new_values must have shape {self._values.shape}; received {values.shape}")
        return SparseTensor._make(self._indices, values, self._dense_shape)

    def _dense_operand(self, other, op):
        array = np.asarray(other) if isinstance(other, TensorBase) else to_numpy(other)
        try:
            full = np.broadcast_to(array, tuple(self._dense_shape))
        except ValueError:
            raise InvalidArgumentError(f"[{op}] the dense operand's shape {array.shape} does not broadcast to the "
                                       f"SparseTensor's {self._dense_shape.tolist()}") from None
        return full[tuple(self._indices.T)] if len(self._dense_shape) else np.broadcast_to(full, self._values.shape)

    def _cwise(self, other, function, op):
        if isinstance(other, SparseTensor):
            return NotImplemented
        if not isinstance(other, (TensorBase, np.ndarray, np.generic, int, float, bool, list, tuple)):
            return NotImplemented
        left = to_public(self._values) if self._values.dtype != object else self._values
        right = self._dense_operand(other, op)
        right = to_public(np.ascontiguousarray(right)) if right.dtype != object else right
        return SparseTensor._make(self._indices, np.asarray(function(left, right)), self._dense_shape)

    def __mul__(self, other):
        """sparse * dense (the dense side broadcast to the dense shape): a SparseTensor."""
        return self._cwise(other, lambda a, b: a * b, "mul")

    __rmul__ = __mul__

    def __truediv__(self, other):
        """sparse / dense: a SparseTensor of the quotients at the specified entries."""
        return self._cwise(other, lambda a, b: a / b, "truediv")

    __div__ = __truediv__

    def __repr__(self):
        return (f"SparseTensor(indices={self._indices.tolist()}, values={self._values.tolist()}, "
                f"dense_shape={self._dense_shape.tolist()})")

    def __bool__(self):
        raise TypeError("The truth value of a SparseTensor is ambiguous")


class SparseTensorSpec:
    """Describes a SparseTensor (tf.SparseTensorSpec): dense shape and dtype."""

    def __init__(self, shape=None, dtype=float32):
        self._shape = TensorShape(shape)
        self._dtype = as_dtype(dtype) if getattr(dtype, "name", None) != "string" else dtype

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    value_type = property(lambda self: SparseTensor)

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype)

    def is_compatible_with(self, spec_or_value):
        other = spec_or_value
        if isinstance(other, SparseTensor):
            other = SparseTensorSpec.from_value(other)
        return isinstance(other, SparseTensorSpec) and self._dtype == other.dtype and \
            self._shape.is_compatible_with(other.shape)

    def __eq__(self, other):
        return isinstance(other, SparseTensorSpec) and self._shape == other.shape and self._dtype == other.dtype

    def __hash__(self):
        return hash((self._shape, str(self._dtype)))

    def __repr__(self):
        dims = self._shape.as_list() if self._shape.rank is not None else None
        return f"SparseTensorSpec(TensorShape({dims}), {self._dtype!r})"


def as_sparse(value, op):
    if not isinstance(value, SparseTensor):
        raise TypeError(f"[{op}] expects a SparseTensor; received {type(value).__name__}")
    return value


def linear(st, shape=None):
    """Each entry's row-major position in the dense tensor; InvalidArgumentError for an
    index outside the dense shape."""
    shape = tuple(st._dense_shape if shape is None else shape)
    check_bounds(st)
    if not shape:
        return np.zeros(len(st._values), np.int64)
    return np.ravel_multi_index(tuple(st._indices.T), shape).astype(np.int64) if len(st._indices) else \
        np.zeros(0, np.int64)


def check_bounds(st):
    bad = np.flatnonzero(np.any((st._indices < 0) | (st._indices >= st._dense_shape), axis=1)) \
        if len(st._indices) else []
    if len(bad):
        index = ",".join(str(i) for i in st._indices[bad[0]])
        raise InvalidArgumentError(f"indices[{bad[0]}] = [{index}] is out of bounds: need 0 <= index < "
                                   f"[{','.join(str(d) for d in st._dense_shape)}]")
