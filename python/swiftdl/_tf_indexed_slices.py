"""tf.IndexedSlices and tf.IndexedSlicesSpec: a tensor given by some of its rows (values at
`indices` of the first axis, zero elsewhere), as TensorFlow represents embedding
gradients. swiftdl's tape hands back dense gradients; IndexedSlices is here for code that
builds or checks for them, and converts to the dense tensor wherever a tensor is expected."""
import numpy as np

from . import _shape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_conversion_registry import register_tensor_conversion_function
from ._tf_dtypes import as_dtype


class IndexedSlices:
    """Rows `values` placed at `indices` of a tensor of `dense_shape` (repeated indices add).

    Args:
        values: (N, ...) the rows.
        indices: (N,) integer row indices.
        dense_shape: the dense tensor's shape, or None (then its first dimension is unknown
            and converting it needs one: max(indices) + 1 is used).
    """

    def __init__(self, values, indices, dense_shape=None):
        self._values = values if isinstance(values, TensorBase) else convert_to_tensor(values)
        self._indices = indices if isinstance(indices, TensorBase) else convert_to_tensor(indices)
        if self._indices.ndim != 1 or self._indices.dtype.kind not in "iu":
            raise TypeError(f"IndexedSlices indices must be a 1-D integer tensor; received {self._indices.dtype} of "
                            f"shape {tuple(self._indices.shape)}")
        if self._values.ndim < 1 or self._values.shape[0] != self._indices.shape[0]:
            raise ValueError(f"IndexedSlices values must have one row per index; received values of shape "
                             f"{tuple(self._values.shape)} for {self._indices.shape[0]} indices")
        self._dense_shape = None if dense_shape is None else convert_to_tensor(np.asarray(dense_shape, np.int64))

    @property
    def values(self):
        return self._values

    @property
    def indices(self):
        return self._indices

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def dtype(self):
        return as_dtype(self._values.dtype)

    @property
    def shape(self):
        from ._tf_shape import TensorShape
        if self._dense_shape is not None:
            return TensorShape([int(d) for d in np.asarray(self._dense_shape)])
        return TensorShape([None] + list(self._values.shape[1:]))

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def to_dense(self):
        """The dense tensor (an engine segment sum, so gradients reach `values`)."""
        from ._tf_reduce import unsorted_segment_sum
        if self._dense_shape is not None:
            rows = int(np.asarray(self._dense_shape)[0])
        else:
            rows = int(np.asarray(self._indices).max()) + 1 if self._indices.shape[0] else 0
        dense = unsorted_segment_sum(self._values, self._indices, rows)
        if self._dense_shape is not None:
            dense = _shape.reshape(dense, tuple(int(d) for d in np.asarray(self._dense_shape)))
        return dense

    def __array__(self, dtype=None, copy=None):
        dense = np.asarray(self.to_dense())
        return dense if dtype is None else dense.astype(dtype)

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __repr__(self):
        return (f"IndexedSlices(indices={np.asarray(self._indices)!r}, values={np.asarray(self._values)!r}, "
                f"dense_shape={None if self._dense_shape is None else np.asarray(self._dense_shape)!r})")


class IndexedSlicesSpec:
    """The type of an IndexedSlices: shape, dtype, indices dtype, dense_shape dtype."""

    def __init__(self, shape=None, dtype="float32", indices_dtype="int64", dense_shape_dtype=None, indices_shape=None):
        from ._tf_shape import TensorShape
        self.shape = TensorShape(shape)
        self.dtype = as_dtype(dtype)
        self.indices_dtype = as_dtype(indices_dtype)
        self.dense_shape_dtype = None if dense_shape_dtype is None else as_dtype(dense_shape_dtype)
        self.indices_shape = TensorShape(indices_shape if indices_shape is not None else [None])

    @property
    def value_type(self):
        return IndexedSlices

    def is_compatible_with(self, spec_or_value):
        other = spec_or_value
        if isinstance(other, IndexedSlices):
            return other.dtype == self.dtype and self.shape.is_compatible_with(other.shape)
        return isinstance(other, IndexedSlicesSpec) and other.dtype == self.dtype and \
            self.shape.is_compatible_with(other.shape)

    def __eq__(self, other):
        return isinstance(other, IndexedSlicesSpec) and (self.shape, self.dtype, self.indices_dtype) == \
            (other.shape, other.dtype, other.indices_dtype)

    def __hash__(self):
        return hash((IndexedSlicesSpec, self.dtype.name))

    def __repr__(self):
        return f"IndexedSlicesSpec(shape={self.shape}, dtype={self.dtype!r}, indices_dtype={self.indices_dtype!r})"


register_tensor_conversion_function(IndexedSlices, lambda value, dtype=None, name=None, as_ref=False: value.to_dense(),
                                    priority=10)
