"""tf.lookup's table initializers: KeyValueTensorInitializer (keys and values given) and
TextFileInitializer (one entry per line of a text file), with TextFileIndex."""
import numpy as np

from .._tf_dtypes import as_dtype
from ..errors import InvalidArgumentError
from ._keys import as_array


class TextFileIndex:
    """The special column indices of TextFileInitializer."""
    WHOLE_LINE = -2
    LINE_NUMBER = -1


class KeyValueTensorInitializer:
    """Entries from a 1-D tensor of keys and one of values (tf.lookup.KeyValueTensorInitializer).

    Raises:
        ValueError: when keys and values are not 1-D tensors of one length.
    """

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        self._keys = as_array(keys, key_dtype)
        self._values = as_array(values, value_dtype)
        if self._keys.ndim != 1 or self._values.ndim != 1 or len(self._keys) != len(self._values):
            raise ValueError(f"keys and values must be 1-D of one length; received shapes {self._keys.shape} and "
                             f"{self._values.shape}")
        self.key_dtype = as_dtype(key_dtype) if key_dtype is not None else _dtype_of(self._keys)
        self.value_dtype = as_dtype(value_dtype) if value_dtype is not None else _dtype_of(self._values)

    def entries(self):
        """[(key, value)] in order."""
        return list(zip(self._keys.tolist(), self._values.tolist()))


def _dtype_of(array):
    if array.dtype == object:
        return as_dtype("string")
    return as_dtype("int64" if array.dtype.kind in "iu" and array.dtype.itemsize == 8 else array.dtype.name)


class TextFileInitializer:
    """Entries from the lines of a text file (tf.lookup.TextFileInitializer): the key and
    the value are columns split by `delimiter`, or TextFileIndex.WHOLE_LINE (the line) or
    TextFileIndex.LINE_NUMBER (its 0-based number, plus value_index_offset for values).

    Raises:
        NotFoundError: for a missing file (when the table reads it); InvalidArgumentError
            for a line without the column asked for, or a number that does not parse.
    """

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index, vocab_size=None, delimiter="\t",
                 name=None, value_index_offset=0):
        self._filename = filename.item() if isinstance(filename, np.ndarray) else filename
        self.key_dtype, self.value_dtype = as_dtype(key_dtype), as_dtype(value_dtype)
        self._key_index, self._value_index = int(key_index), int(value_index)
        self._vocab_size, self._delimiter = vocab_size, delimiter
        self._offset = int(value_index_offset)
        for index, dtype, what in ((self._key_index, self.key_dtype, "key"),
                                   (self._value_index, self.value_dtype, "value")):
            if index == TextFileIndex.LINE_NUMBER and dtype.name not in ("int32", "int64"):
                raise ValueError(f"The {what} dtype must be an integer for TextFileIndex.LINE_NUMBER; received "
                                 f"{dtype.name}")
            if index == TextFileIndex.WHOLE_LINE and dtype.name != "string" and what == "key":
                raise ValueError(f"The key dtype must be string for TextFileIndex.WHOLE_LINE; received {dtype.name}")

    def _column(self, line, number, index, dtype, offset):
        if index == TextFileIndex.LINE_NUMBER:
            return number + offset
        if index == TextFileIndex.WHOLE_LINE:
            text = line
        else:
            columns = line.split(self._delimiter) if self._delimiter else line.split()
            if index >= len(columns):
                raise InvalidArgumentError(None, None, f"Invalid number of columns in {self._filename} line {number} "
                                           f"({line!r}) for column {index}")
            text = columns[index]
        if dtype.name == "string":
            return text.encode("utf-8")
        try:
            return int(text) if dtype.name in ("int32", "int64") else float(text)
        except ValueError:
            raise InvalidArgumentError(None, None, f"Field {text!r} in line {number} of {self._filename} is not a "
                                       f"valid {dtype.name}") from None

    def entries(self):
        from ..io import gfile
        with gfile.GFile(self._filename, "rb") as handle:
            lines = handle.read().decode("utf-8").splitlines()
        if self._vocab_size is not None:
            if len(lines) < int(self._vocab_size):
                raise InvalidArgumentError(None, None, f"Invalid vocab_size in {self._filename}: expected "
                                           f"{self._vocab_size} lines, found {len(lines)}")
            lines = lines[:int(self._vocab_size)]
        return [(self._column(line, n, self._key_index, self.key_dtype, 0),
                 self._column(line, n, self._value_index, self.value_dtype, self._offset))
                for n, line in enumerate(lines)]
