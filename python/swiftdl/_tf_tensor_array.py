"""tf.TensorArray as TensorFlow's eager execution has it: a list of same-dtype,
same-shape tensors, filled by index (in loops), then stacked or concatenated.

Unwritten slots read and stack as zeros once the element shape is known; values keep
their autograd history, so gradients flow from `stack()` back to what was written.
"""
from . import errors
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from ._tf_dtypes import as_dtype


class TensorArray:
    """A list of tensors of one dtype, read and written by index (tf.TensorArray).

    Args:
        dtype: the elements' dtype; values of another dtype are refused, Python numbers converted.
        size: the number of slots (required, as in TensorFlow's eager mode).
        dynamic_size: whether writes past the end grow the array.
        clear_after_read: whether a slot can be read only once (TensorFlow's default: True).
        element_shape: the elements' shape, when known before the first write.
        infer_shape: whether the first write fixes the element shape (and later writes must match).
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None, colocate_with_first_write_call=True,
                 name=None):
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is enabled.")
        self._dtype = as_dtype(dtype)
        size = int(size.numpy()) if isinstance(size, TensorBase) else int(size)
        if size < 0:
            raise ValueError(f"TensorArray size must be non-negative; received {size}")
        self._values = [None] * size
        self._cleared = set()
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        self._element_shape = None if element_shape is None else tuple(element_shape)

    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def element_shape(self):
        from ._tf_shape import TensorShape
        return TensorShape(self._element_shape)

    @property
    def flow(self):
        return None

    @property
    def handle(self):
        return None

    def size(self, name=None):
        from ._tf_cast import constant
        return constant(len(self._values), dtype="int32")

    def identity(self):
        return self

    def close(self, name=None):
        return None

    def _index(self, index, for_write):
        index = int(index.numpy()) if isinstance(index, TensorBase) else int(index)
        if index < 0:
            verb = "Writing to" if for_write else "Reading from"
            raise errors.OutOfRangeError(None, None, f"{verb} negative indices (index {index}) is not allowed.")
        if index >= len(self._values):
            if for_write and self._dynamic_size:
                self._values.extend([None] * (index + 1 - len(self._values)))
            elif for_write:
                raise errors.OutOfRangeError(None, None, f"Tried to write to index {index} but array is not "
                                                         f"resizeable and size is: {len(self._values)}")
            else:
                raise errors.OutOfRangeError(None, None, f"Tried to read from index {index} but array size is: "
                                                         f"{len(self._values)}")
        return index

    def _checked(self, value):
        if isinstance(value, TensorBase):
            if as_dtype(value.dtype) != self._dtype:
                raise errors.InvalidArgumentError(None, None, f"TensorArray dtype is {self._dtype.name} but Op is "
                                                              f"trying to write dtype {as_dtype(value.dtype).name}")
        else:
            value = convert_to_tensor(value, dtype=self._dtype)
        shape = tuple(value.shape)
        if self._element_shape is not None and self._infer_shape and shape != self._element_shape:
            raise ValueError(f"Incompatible shape for value ({shape}), expected ({self._element_shape})")
        if self._element_shape is None and self._infer_shape:
            self._element_shape = shape
        return value

    def write(self, index, value, name=None):
        """Stores `value` at `index` (growing a dynamic array); returns the array."""
        value = self._checked(value)
        index = self._index(index, True)
        self._values[index] = value
        self._cleared.discard(index)
        return self

    def read(self, index, name=None):
        """The tensor at `index`; zeros of the element shape for an unwritten slot."""
        index = self._index(index, False)
        if index in self._cleared:
            raise errors.InvalidArgumentError(None, None, f"Could not read index {index} twice because it was "
                                                          "cleared after a previous read (perhaps try setting "
                                                          "clear_after_read = false?)")
        value = self._slot(index)
        if self._clear_after_read:
            self._cleared.add(index)
            self._values[index] = None
        return value

    def _slot(self, index):
        value = self._values[index]
        if value is not None:
            return value
        if self._element_shape is None:
            raise ValueError("Cannot convert a partially known TensorShape <unknown> to a Tensor.")
        from ._tf_array import zeros
        return zeros(self._element_shape, dtype=self._dtype)

    def stack(self, name=None):
        """All slots stacked along a new axis 0 (unwritten ones as zeros)."""
        from ._tf_array import stack, zeros
        if not self._values:
            return zeros((0, *(self._element_shape or ())), dtype=self._dtype)
        return stack([self._slot(i) for i in range(len(self._values))])

    def gather(self, indices, name=None):
        """The slots at `indices`, stacked."""
        from ._tf_array import stack
        positions = [self._index(i, False) for i in _ints(indices)]
        if not positions:
            from ._tf_array import zeros
            return zeros((0, *(self._element_shape or ())), dtype=self._dtype)
        return stack([self._slot(i) for i in positions])

    def concat(self, name=None):
        """All slots joined along their axis 0."""
        from ._tf_array import concat
        return concat([self._slot(i) for i in range(len(self._values))], axis=0)

    def unstack(self, value, name=None):
        """Writes value[i] to slot i for every i; returns the array."""
        value = self._checked_rows(value)
        count = int(value.shape[0])
        if count > len(self._values) and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {count} tensors into a TensorArray of static size {len(self._values)}")
        for i in range(count):
            self.write(i, value[i])
        return self

    def scatter(self, indices, value, name=None):
        """Writes value[k] to slot indices[k]; returns the array."""
        value = self._checked_rows(value)
        indices = _ints(indices)
        if len(indices) != int(value.shape[0]):
            raise ValueError(f"scatter: {len(indices)} indices for {int(value.shape[0])} values")
        for k, i in enumerate(indices):
            self.write(i, value[k])
        return self

    def split(self, value, lengths, name=None):
        """Writes consecutive pieces of `value` (axis 0) of the given lengths to slots 0, 1, ...; returns the array."""
        value = self._checked_rows(value)
        lengths = _ints(lengths)
        if sum(lengths) != int(value.shape[0]):
            raise errors.InvalidArgumentError(None, None, f"Expected sum of lengths to be equal to values.shape[0], "
                                                          f"but sum of lengths is {sum(lengths)} and value's shape "
                                                          f"is: {list(value.shape)}")
        infer, self._infer_shape = self._infer_shape, False  # pieces may differ in length
        try:
            start = 0
            for i, length in enumerate(lengths):
                self.write(i, value[start:start + length])
                start += length
        finally:
            self._infer_shape = infer
        return self

    def _checked_rows(self, value):
        value = value if isinstance(value, TensorBase) else convert_to_tensor(value, dtype=self._dtype)
        if value.ndim == 0:
            raise ValueError("TensorArray: the value must have a leading axis to split into elements")
        return value


def _ints(values):
    import numpy as np
    array = values.numpy() if isinstance(values, TensorBase) else np.asarray(values)
    return [int(v) for v in array.reshape(-1)]
