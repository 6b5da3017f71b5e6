"""tf.TypeSpec and the specs of values without one elsewhere: NoneTensorSpec, OptionalSpec,
TensorArraySpec; tf.type_spec_from_value.

TypeSpec is an abstract base: TensorSpec, SparseTensorSpec, RaggedTensorSpec,
IndexedSlicesSpec and tf.data's DatasetSpec/IteratorSpec are registered as its subclasses,
so `isinstance(spec, tf.TypeSpec)` holds for each, as in TensorFlow.
"""
import abc

import numpy as np


class TypeSpec(abc.ABC):
    """The type of a TensorFlow value: subclasses give `value_type` and compatibility."""

    @property
    @abc.abstractmethod
    def value_type(self):
        """The Python type of values this spec describes."""

    def is_compatible_with(self, spec_or_value):
        return self == spec_or_value or isinstance(spec_or_value, self.value_type)

    def most_specific_common_supertype(self, others):
        return self if all(self == other for other in others) else None


class NoneTensorSpec(TypeSpec):
    """The type of None where a tensor could be (TensorFlow's NoneTensor)."""

    @property
    def value_type(self):
        return type(None)

    def is_compatible_with(self, spec_or_value):
        return spec_or_value is None or isinstance(spec_or_value, NoneTensorSpec)

    def __eq__(self, other):
        return isinstance(other, NoneTensorSpec)

    def __hash__(self):
        return hash(NoneTensorSpec)

    def __repr__(self):
        return "NoneTensorSpec()"


class OptionalSpec(TypeSpec):
    """The type of a tf.experimental.Optional holding values of `element_spec`."""

    def __init__(self, element_spec):
        self._element_spec = element_spec

    @property
    def element_spec(self):
        return self._element_spec

    @property
    def value_type(self):
        from .data.iterator import Optional
        return Optional

    @staticmethod
    def from_value(value):
        return OptionalSpec(type_spec_from_value(value.get_value()) if value._has_value else NoneTensorSpec())

    def __eq__(self, other):
        return isinstance(other, OptionalSpec) and self._element_spec == other._element_spec

    def __hash__(self):
        return hash((OptionalSpec, repr(self._element_spec)))

    def __repr__(self):
        return f"OptionalSpec({self._element_spec!r})"


class TensorArraySpec(TypeSpec):
    """The type of a tf.TensorArray: element shape and dtype, dynamic size, shape inference."""

    def __init__(self, element_shape=None, dtype="float32", dynamic_size=False, infer_shape=True):
        from ._tf_dtypes import as_dtype
        from ._tf_shape import TensorShape
        self._element_shape = TensorShape(element_shape)
        self._dtype = as_dtype(dtype)
        self._dynamic_size = dynamic_size
        self._infer_shape = infer_shape

    @property
    def value_type(self):
        from ._tf_tensor_array import TensorArray
        return TensorArray

    @property
    def element_shape(self):
        return self._element_shape

    @property
    def dtype(self):
        return self._dtype

    def __eq__(self, other):
        return isinstance(other, TensorArraySpec) and (self._element_shape, self._dtype, self._dynamic_size) == \
            (other._element_shape, other._dtype, other._dynamic_size)

    def __hash__(self):
        return hash((TensorArraySpec, self._dtype.name))

    def __repr__(self):
        return (f"TensorArraySpec(element_shape={self._element_shape}, dtype={self._dtype!r}, "
                f"dynamic_size={self._dynamic_size}, infer_shape={self._infer_shape})")


def type_spec_from_value(value):
    """The TypeSpec of a value: a tensor (or array or Python number), SparseTensor,
    RaggedTensor, IndexedSlices, Dataset, None, or a (nested) tuple/list/dict of them
    (tf.type_spec_from_value).

    Raises:
        TypeError: for values without a spec.
    """
    from ._convert import TensorBase
    from ._tf_shape import TensorSpec
    from .ragged import RaggedTensor, RaggedTensorSpec
    from .sparse import SparseTensor, SparseTensorSpec
    if value is None:
        return NoneTensorSpec()
    if isinstance(value, SparseTensor):
        return SparseTensorSpec.from_value(value)
    if isinstance(value, RaggedTensor):
        return RaggedTensorSpec.from_value(value)
    from ._tf_indexed_slices import IndexedSlices, IndexedSlicesSpec
    if isinstance(value, IndexedSlices):
        return IndexedSlicesSpec(value.shape, value.dtype, value.indices.dtype)
    from .data import Dataset
    if isinstance(value, Dataset):
        from .data._specs import DatasetSpec
        return DatasetSpec.from_value(value)
    if isinstance(value, (tuple, list)):
        return type(value)(type_spec_from_value(v) for v in value)
    if isinstance(value, dict):
        return {k: type_spec_from_value(v) for k, v in value.items()}
    if isinstance(value, TensorBase) or isinstance(value, (np.ndarray, np.generic, int, float, bool)):
        from ._tf_cast import convert_to_tensor
        return TensorSpec.from_tensor(value if isinstance(value, TensorBase) else convert_to_tensor(value))
    raise TypeError(f"Could not build a TypeSpec for {value!r:.80} of type {type(value).__name__}")


def _register_known_specs():
    from ._tf_indexed_slices import IndexedSlicesSpec
    from ._tf_shape import TensorSpec
    from .ragged import RaggedTensorSpec
    from .sparse import SparseTensorSpec
    for spec_class in (TensorSpec, SparseTensorSpec, RaggedTensorSpec, IndexedSlicesSpec):
        TypeSpec.register(spec_class)


_register_known_specs()
