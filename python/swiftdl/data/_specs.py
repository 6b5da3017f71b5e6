"""tf.data.DatasetSpec and tf.data.IteratorSpec: the types of a dataset and of an iterator
over one, by the spec of their elements."""
from .._tf_type_spec import TypeSpec


class DatasetSpec(TypeSpec):
    """The type of a tf.data.Dataset whose elements have `element_spec` (a TypeSpec or a
    nested tuple/dict of them)."""

    def __init__(self, element_spec, dataset_shape=()):
        self._element_spec = element_spec
        self._dataset_shape = tuple(dataset_shape)

    @property
    def element_spec(self):
        return self._element_spec

    @property
    def value_type(self):
        from .dataset import Dataset
        return Dataset

    @staticmethod
    def from_value(value):
        """The spec of a dataset, from its first element's (the dataset is read that far)."""
        from .._tf_type_spec import type_spec_from_value
        for element in value.take(1):
            return DatasetSpec(type_spec_from_value(element))
        return DatasetSpec(None)

    def is_compatible_with(self, spec_or_value):
        from .dataset import Dataset
        other = DatasetSpec.from_value(spec_or_value) if isinstance(spec_or_value, Dataset) else spec_or_value
        return isinstance(other, DatasetSpec) and _compatible(self._element_spec, other._element_spec)

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and self._element_spec == other._element_spec and \
            self._dataset_shape == other._dataset_shape

    def __hash__(self):
        return hash((DatasetSpec, repr(self._element_spec)))

    def __repr__(self):
        return f"DatasetSpec({self._element_spec!r}, TensorShape({list(self._dataset_shape)}))"


class IteratorSpec(TypeSpec):
    """The type of an iterator over elements of `element_spec`."""

    def __init__(self, element_spec):
        self._element_spec = element_spec

    @property
    def element_spec(self):
        return self._element_spec

    @property
    def value_type(self):
        from .iterator import Iterator
        return Iterator

    def is_compatible_with(self, spec_or_value):
        return isinstance(spec_or_value, IteratorSpec) and _compatible(self._element_spec, spec_or_value._element_spec)

    def __eq__(self, other):
        return isinstance(other, IteratorSpec) and self._element_spec == other._element_spec

    def __hash__(self):
        return hash((IteratorSpec, repr(self._element_spec)))

    def __repr__(self):
        return f"IteratorSpec({self._element_spec!r})"


def _compatible(a, b):
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_compatible(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_compatible(a[k], b[k]) for k in a)
    if a is None or b is None:
        return a is b
    return a.is_compatible_with(b)
