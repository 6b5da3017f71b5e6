"""tf.lookup.StaticHashTable and StaticVocabularyTable: immutable maps from keys to values
built by an initializer, looked up elementwise over tensors, SparseTensors (their values)
and RaggedTensors (their flat values)."""
import numpy as np

from .._tf_dtypes import as_dtype
from ._keys import as_array, is_text_dtype, key_of, output


def _map_keys(keys, function):
    """function(numpy keys) → numpy values, applied through sparse and ragged containers."""
    from ..ragged import RaggedTensor
    from ..sparse import SparseTensor
    if isinstance(keys, SparseTensor):
        return SparseTensor(keys.indices, function(as_array(keys.values)), keys.dense_shape)
    if isinstance(keys, RaggedTensor):
        return keys.with_flat_values(function(as_array(keys.flat_values)))
    return function(as_array(keys))


class StaticHashTable:
    """An immutable hash table (tf.lookup.StaticHashTable).

    Args:
        initializer: a KeyValueTensorInitializer or TextFileInitializer.
        default_value: the value of keys not in the table.

    Raises:
        TypeError: from lookup, for keys of another kind than the table's.
    """

    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        self._initializer = initializer
        self._table = {}
        for key, value in initializer.entries():
            self._table.setdefault(key_of(key), value)
        self.key_dtype, self.value_dtype = as_dtype(initializer.key_dtype), as_dtype(initializer.value_dtype)
        default = as_array(default_value)
        self._default = default.item() if default.ndim == 0 else default
        self._name = name or "hash_table"

    @property
    def name(self):
        return self._name

    @property
    def default_value(self):
        return output(self._default, self.value_dtype)

    @property
    def resource_handle(self):
        return self

    def size(self, name=None):
        from .._tf_cast import convert_to_tensor
        return convert_to_tensor(np.int64(len(self._table)))

    def _check(self, array):
        if (array.dtype == object) != is_text_dtype(self.key_dtype):
            raise TypeError(f"Dtype of argument `keys` must be {self.key_dtype.name}, received: "
                            f"{'string' if array.dtype == object else array.dtype.name}")

    def _lookup_array(self, array):
        self._check(array)
        flat = [self._table.get(key_of(k), self._default) for k in array.reshape(-1)]
        values = np.empty(len(flat), dtype=object)
        values[:] = flat
        result = output(values.reshape(array.shape), self.value_dtype)
        return result

    def lookup(self, keys, name=None):
        """The value of each key (default_value where absent), of keys's shape."""
        return _map_keys(keys, self._lookup_array)

    def __getitem__(self, keys):
        return self.lookup(keys)

    def export(self, name=None):
        """(keys, values) of every entry."""
        keys = [k.decode("utf-8") if isinstance(k, bytes) and not is_text_dtype(self.key_dtype) else k
                for k in self._table]
        return output(_objects(keys), self.key_dtype), output(_objects(list(self._table.values())), self.value_dtype)


def _objects(items):
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


class StaticVocabularyTable:
    """A vocabulary (keys → int64 ids) whose unknown keys go to num_oov_buckets extra ids:
    vocab_size + Fingerprint64(str(key)) mod num_oov_buckets, TensorFlow's buckets exactly
    (tf.lookup.StaticVocabularyTable)."""

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        if int(num_oov_buckets) < 0:
            raise ValueError(f"num_oov_buckets must be >= 0; received {num_oov_buckets}")
        self._num_oov_buckets = int(num_oov_buckets)
        self._table = StaticHashTable(initializer, -1) if initializer is not None else None
        self.key_dtype = as_dtype(lookup_key_dtype) if lookup_key_dtype is not None else (
            self._table.key_dtype if self._table is not None else as_dtype("string"))
        self.value_dtype = as_dtype("int64")
        self._name = name or "hash_table"

    @property
    def name(self):
        return self._name

    def size(self, name=None):
        from .._tf_cast import convert_to_tensor
        known = 0 if self._table is None else int(self._table.size())
        return convert_to_tensor(np.int64(known + self._num_oov_buckets))

    def _lookup_array(self, array):
        from .. import _string_hash
        if (array.dtype == object) != is_text_dtype(self.key_dtype):
            raise TypeError(f"Dtype of argument `keys` must be {self.key_dtype.name}, received: "
                            f"{'string' if array.dtype == object else array.dtype.name}")
        known = 0 if self._table is None else len(self._table._table)
        out = np.empty(array.shape, np.int64)
        for index in np.ndindex(array.shape):
            out[index] = -1 if self._table is None else self._table._table.get(key_of(array[index]), -1)
        missing = out == -1
        if self._num_oov_buckets and missing.any():
            # The out-of-vocabulary keys' buckets (to_hash_bucket_fast), hashed in one engine call.
            out[missing] = known + _string_hash.hash_bucket_array(array[missing], self._num_oov_buckets)
        return output(out, "int64")

    def lookup(self, keys, name=None):
        return _map_keys(keys, self._lookup_array)

    def __getitem__(self, keys):
        return self.lookup(keys)
