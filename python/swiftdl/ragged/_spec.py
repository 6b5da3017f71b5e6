"""tf.RaggedTensorSpec: the type of a RaggedTensor (shape with None dims, dtype, ragged rank)."""
from .._tf_dtypes import as_dtype, float32, int64
from .._tf_shape import TensorShape
from ._values import tf_dtype


class RaggedTensorSpec:
    """Describes a RaggedTensor (tf.RaggedTensorSpec).

    Args:
        shape: a TensorShape or anything it accepts (None for unknown or ragged dims).
        dtype: the values' dtype.
        ragged_rank: the number of ragged dimensions (default: rank - 1).
        row_splits_dtype: int64 (accepted for TensorFlow's signature).
        flat_values_spec: accepted for TensorFlow's signature.
    """

    def __init__(self, shape=None, dtype=float32, ragged_rank=None, row_splits_dtype=int64, flat_values_spec=None):
        self._shape = TensorShape(shape)
        self._dtype = as_dtype(dtype) if getattr(dtype, "name", None) != "string" else dtype
        rank = self._shape.rank
        if ragged_rank is None:
            if rank is None:
                raise ValueError("Must specify ragged_rank or a shape with a known rank.")
            ragged_rank = rank - 1
        if rank is not None and not 0 <= ragged_rank < max(rank, 1):
            raise ValueError(f"ragged_rank must be in [0, {rank}) for shape {self._shape}; received {ragged_rank}")
        self._ragged_rank = int(ragged_rank)
        self._row_splits_dtype = as_dtype(row_splits_dtype)
        self._flat_values_spec = flat_values_spec

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    ragged_rank = property(lambda self: self._ragged_rank)
    row_splits_dtype = property(lambda self: self._row_splits_dtype)
    flat_values_spec = property(lambda self: self._flat_values_spec)

    @property
    def value_type(self):
        from ._ragged_tensor import RaggedTensor
        return RaggedTensor

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype, value.ragged_rank)

    def is_compatible_with(self, spec_or_value):
        other = spec_or_value
        if not isinstance(other, RaggedTensorSpec):
            from ._ragged_tensor import RaggedTensor
            if not isinstance(other, RaggedTensor):
                return False
            other = RaggedTensorSpec.from_value(other)
        return (self._dtype == other.dtype and self._ragged_rank == other.ragged_rank
                and self._shape.is_compatible_with(other.shape))

    def __eq__(self, other):
        return (isinstance(other, RaggedTensorSpec) and self._shape == other.shape and self._dtype == other.dtype
                and self._ragged_rank == other.ragged_rank)

    def __hash__(self):
        return hash((self._shape, str(self._dtype), self._ragged_rank))

    def __repr__(self):
        return (f"RaggedTensorSpec(TensorShape({self._shape.as_list() if self._shape.rank is not None else None}), "
                f"{self._dtype!r}, {self._ragged_rank}, {self._row_splits_dtype!r})")


__all__ = ["RaggedTensorSpec", "tf_dtype"]
