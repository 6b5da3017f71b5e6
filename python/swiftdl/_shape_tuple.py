"""The type of `Tensor.shape`: a plain tuple for numpy code, with tf.TensorShape's methods
(`as_list()`, `rank`, `ndims`, ...) for TensorFlow code.

numpy semantics win where the two disagree: it is a `tuple` (equality, hashing, `len`,
indexing, `json`/`pickle` all behave as for a tuple, and `repr` prints a tuple), so numpy-style
code that compares or unpacks shapes is unaffected.
"""
from typing import List

__all__ = ["Shape"]


class Shape(tuple):
    """A tensor's static, fully known shape: a tuple of ints with tf.TensorShape's methods.

    Examples:
    >>> import swiftdl as tf
    >>> x = tf.zeros((2, 3))
    >>> x.shape == (2, 3), x.shape.as_list(), x.shape.rank, x.shape[1:].as_list()
    (True, [2, 3], 2, [3])
    """

    __slots__ = ()

    def __getitem__(self, key):
        # TF code slices a shape and keeps calling TensorShape methods on the slice
        # (`x.shape[1:].as_list()`), so slices stay Shapes; single dimensions are ints.
        item = tuple.__getitem__(self, key)
        return Shape(item) if isinstance(key, slice) else item

    @property
    def rank(self) -> int:
        """The number of dimensions (tf.TensorShape.rank)."""
        return len(self)

    ndims = rank

    @property
    def dims(self) -> List[int]:
        """The dimensions as a list (TF 2 returns ints here, not Dimension objects)."""
        return list(self)

    def as_list(self) -> List[int]:
        """The dimensions as a list of ints (tf.TensorShape.as_list)."""
        return list(self)

    def num_elements(self) -> int:
        """The product of the dimensions (1 for a scalar)."""
        total = 1
        for size in self:
            total *= size
        return total

    def is_fully_defined(self) -> bool:
        """Always True: a tensor that exists has every dimension known."""
        return True

    def assert_is_fully_defined(self) -> None:
        """Never raises, for the same reason as `is_fully_defined`."""

    def _tensor_shape(self):
        from ._tf_shape import TensorShape
        return TensorShape(tuple(self))

    def is_compatible_with(self, other) -> bool:
        """Whether `other` (a shape, list or TensorShape, None for unknown sizes) could be this shape."""
        return self._tensor_shape().is_compatible_with(other)

    def assert_is_compatible_with(self, other) -> None:
        """Raises ValueError when `is_compatible_with(other)` is False."""
        self._tensor_shape().assert_is_compatible_with(other)

    def merge_with(self, other):
        """This shape, after checking `other` is compatible with it (a TensorShape, as in TF)."""
        return self._tensor_shape().merge_with(other)

    def concatenate(self, other):
        """The dimensions of this shape followed by those of `other` (a TensorShape, as in TF)."""
        return self._tensor_shape().concatenate(other)

    def with_rank(self, rank: int) -> "Shape":
        """This shape if it has `rank` dimensions, else ValueError."""
        if len(self) != rank:
            raise ValueError(f"Shape {tuple(self)} must have rank {rank}")
        return self

    def with_rank_at_least(self, rank: int) -> "Shape":
        """This shape if it has at least `rank` dimensions, else ValueError."""
        if len(self) < rank:
            raise ValueError(f"Shape {tuple(self)} must have rank at least {rank}")
        return self

    def with_rank_at_most(self, rank: int) -> "Shape":
        """This shape if it has at most `rank` dimensions, else ValueError."""
        if len(self) > rank:
            raise ValueError(f"Shape {tuple(self)} must have rank at most {rank}")
        return self
