"""tf.data's iterators: `iter(dataset)` gives an Iterator with TensorFlow's get_next and
get_next_as_optional; as_numpy_iterator gives a NumpyIterator."""
import numpy as np

from .. import errors
from .structure import map_structure


class Optional:
    """A value that may be absent (tf.experimental.Optional)."""

    def __init__(self, value=None, has_value=False):
        self._value, self._has_value = value, has_value

    @staticmethod
    def from_value(value):
        return Optional(value, True)

    @staticmethod
    def empty(element_spec=None):
        return Optional()

    def has_value(self, name=None):
        from .._tf_cast import constant
        return constant(self._has_value)

    def get_value(self, name=None):
        if not self._has_value:
            raise errors.InvalidArgumentError(None, None, "The optional does not have a value")
        return self._value


class Iterator:
    """The elements of one pass over a dataset (tf.data.Iterator)."""

    def __init__(self, elements):
        self._elements = iter(elements)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._elements)

    def get_next(self):
        """The next element; OutOfRangeError at the end, as TensorFlow raises."""
        try:
            return next(self._elements)
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self):
        try:
            return Optional.from_value(next(self._elements))
        except StopIteration:
            return Optional()


class NumpyIterator(Iterator):
    """An Iterator whose elements hold numpy arrays (Dataset.as_numpy_iterator)."""

    def __next__(self):
        return map_structure(np.asarray, next(self._elements))
