"""tf.lookup.experimental: MutableHashTable and DenseHashTable, tables whose entries
change after creation (insert, remove, lookup, export)."""
import numpy as np

from .._tf_dtypes import as_dtype
from ._keys import as_array, is_text_dtype, key_of, output


class MutableHashTable:
    """A hash table that can be updated (tf.lookup.experimental.MutableHashTable); values
    may be vectors (every value of default_value's shape).

    Raises:
        TypeError: for keys or values of another kind than the table's.
    """

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 experimental_is_anonymous=False):
        self.key_dtype, self.value_dtype = as_dtype(key_dtype), as_dtype(value_dtype)
        self._default = as_array(default_value, None if is_text_dtype(value_dtype) else value_dtype)
        self._table = {}
        self._originals = {}
        self._name = name

    @property
    def name(self):
        return self._name

    def size(self, name=None):
        from .._tf_cast import convert_to_tensor
        return convert_to_tensor(np.int64(len(self._table)))

    def _keys(self, keys):
        array = as_array(keys)
        if (array.dtype == object) != is_text_dtype(self.key_dtype):
            raise TypeError(f"Dtype of argument `keys` must be {self.key_dtype.name}, received: "
                            f"{'string' if array.dtype == object else array.dtype.name}")
        return array

    def insert(self, keys, values, name=None):
        """Sets the value of each key (keys (...,), values (..., *value_shape))."""
        keys = self._keys(keys)
        values = as_array(values, None if is_text_dtype(self.value_dtype) else self.value_dtype)
        width = self._default.ndim
        if values.shape != keys.shape + self._default.shape:
            raise ValueError(f"Expected shape {keys.shape + self._default.shape} for values, got {values.shape}")
        flat_values = values.reshape((-1,) + values.shape[values.ndim - width:] if width else (-1,))
        for key, value in zip(keys.reshape(-1), flat_values):
            self._table[key_of(key)] = value
            self._originals[key_of(key)] = key
        return None

    def insert_or_assign(self, keys, values, name=None):
        return self.insert(keys, values)

    def remove(self, keys, name=None):
        """Removes the keys present (others are ignored)."""
        for key in self._keys(keys).reshape(-1):
            self._table.pop(key_of(key), None)
            self._originals.pop(key_of(key), None)
        return None

    def erase(self, keys, name=None):
        return self.remove(keys)

    def lookup(self, keys, dynamic_default_values=None, name=None):
        """The value of each key; default_value (or dynamic_default_values at the same
        positions) where absent."""
        keys = self._keys(keys)
        defaults = None if dynamic_default_values is None else as_array(dynamic_default_values)
        flat = []
        for position, key in enumerate(keys.reshape(-1)):
            fallback = self._default if defaults is None else defaults.reshape((-1,) + self._default.shape)[position]
            flat.append(self._table.get(key_of(key), fallback))
        if self._default.ndim == 0:
            values = np.empty(len(flat), dtype=object)
            values[:] = [np.asarray(v).item() if isinstance(v, np.ndarray) else v for v in flat]
            return output(values.reshape(keys.shape), self.value_dtype)
        stacked = np.stack([np.asarray(v) for v in flat]) if flat else np.zeros((0,) + self._default.shape)
        return output(stacked.reshape(keys.shape + self._default.shape), self.value_dtype)

    def __getitem__(self, keys):
        return self.lookup(keys)

    def export(self, name=None):
        """(keys, values) of every entry, in insertion order."""
        keys = np.empty(len(self._originals), dtype=object)
        keys[:] = list(self._originals.values())
        values = [self._table[k] for k in self._originals]
        if self._default.ndim == 0:
            array = np.empty(len(values), dtype=object)
            array[:] = [np.asarray(v).item() for v in values]
        else:
            array = np.stack(values) if values else np.zeros((0,) + self._default.shape)
        return output(keys, self.key_dtype), output(array, self.value_dtype)


class DenseHashTable(MutableHashTable):
    """tf.lookup.experimental.DenseHashTable: a MutableHashTable that reserves two keys,
    empty_key and deleted_key, which may not be inserted (as TensorFlow's open addressing
    requires); the buckets themselves are Python's dict here.

    Raises:
        InvalidArgumentError: when empty_key equals deleted_key, or either is inserted.
    """

    def __init__(self, key_dtype, value_dtype, default_value, empty_key, deleted_key, initial_num_buckets=None,
                 name="MutableDenseHashTable", checkpoint=True, experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, default_value, name)
        self._reserved = {key_of(as_array(empty_key).reshape(-1)[0]), key_of(as_array(deleted_key).reshape(-1)[0])}
        if len(self._reserved) != 2:
            from ..errors import InvalidArgumentError
            raise InvalidArgumentError(None, None, "Empty and deleted keys must have different values")

    def insert(self, keys, values, name=None):
        if any(key_of(k) in self._reserved for k in self._keys(keys).reshape(-1)):
            from ..errors import InvalidArgumentError
            raise InvalidArgumentError(None, None, "Using the empty_key or deleted_key as a table key is not allowed")
        return super().insert(keys, values)
