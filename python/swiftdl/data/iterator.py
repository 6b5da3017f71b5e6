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
    """The elements of one pass over a dataset (tf.data.Iterator).

    It can be saved in a tf.train.Checkpoint (`Checkpoint(iterator=it)`): its one variable
    is the number of elements it has given, and after a restore it continues from there by
    starting the dataset again and skipping that many. That equals TensorFlow's saved
    iterator state for deterministic pipelines (a shuffle must be seeded to replay).
    """

    def __init__(self, elements, dataset=None):
        self._dataset = dataset
        self._elements = iter(elements)
        self._given = 0
        self._position = None  # a Variable, made when a Checkpoint first asks for it

    def __iter__(self):
        return self

    def __next__(self):
        if self._position is not None and int(self._position.numpy()) != self._given:
            self._seek(int(self._position.numpy()))
        element = next(self._elements)
        self._given += 1
        if self._position is not None:  # kept equal, so a restore is seen as a difference
            self._position.assign(np.int64(self._given))
        return element

    def get_next(self):
        """The next element; OutOfRangeError at the end, as TensorFlow raises."""
        try:
            return self.__next__()
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self):
        try:
            return Optional.from_value(self.__next__())
        except StopIteration:
            return Optional()

    @property
    def variables(self):
        """[the number of elements given so far], for tf.train.Checkpoint."""
        from .._autograd import Variable
        if self._position is None:
            self._position = Variable(np.int64(self._given), trainable=False, name="iterator_position")
        return [self._position]

    def _seek(self, position):
        if self._dataset is None:
            raise ValueError("This iterator cannot be restored: it was not made by iterating a dataset")
        elements = iter(self._dataset._elements())
        for _ in range(position):
            next(elements)
        self._elements, self._given = elements, position


class NumpyIterator(Iterator):
    """An Iterator whose elements hold numpy arrays (Dataset.as_numpy_iterator)."""

    def __next__(self):
        return map_structure(np.asarray, super().__next__())
