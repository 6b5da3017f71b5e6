"""Vocabulary tables for the lookup layers: keys (int64 or strings) -> their index, a whole
batch per engine call (Sources/SwiftDLKernels/Kernels/LookupTable.swift: open addressing,
exact comparison with the keys).

A table is built once when a vocabulary is set; each lookup packs the batch (strings as
UTF-8, without a Python object per element for numpy str and bytes arrays) and probes it
in Swift, instead of a binary search (`np.searchsorted`) or a dict lookup per element.
"""
from __future__ import annotations

import numpy as np

from . import _C
from ._string_hash import as_hash_strings


def _slot_count(key_count: int) -> int:
    """A power of two at least twice the key count (probes stay short at half load)."""
    return 1 << max(3, (2 * key_count).bit_length())


class Int64Table:
    """The indices of int64 keys (distinct).

    Raises:
        ValueError: when a key repeats.
    """

    def __init__(self, keys):
        self._keys = np.ascontiguousarray(keys, dtype=np.int64).reshape(-1)
        self._slots = np.empty(_slot_count(len(self._keys)), dtype=np.int64)
        _C.int64_table_build(self._keys, self._slots)

    def lookup(self, values: np.ndarray) -> np.ndarray:
        """The index of each element of `values` (int64, its shape) among the keys, or -1."""
        queries = np.asarray(values, dtype=np.int64)
        out = np.empty(queries.shape, dtype=np.int64)  # not ascontiguousarray's: it makes a 0-d array 1-d
        _C.int64_table_lookup(self._keys, self._slots, np.ascontiguousarray(queries), out)
        return out


class StringTable:
    """The indices of string keys (distinct after UTF-8 encoding), for numpy str, bytes or
    object arrays of str and bytes (a str matches the bytes of its UTF-8 encoding).

    Raises:
        ValueError: when a key repeats.
    """

    def __init__(self, keys):
        keys = np.ascontiguousarray(as_hash_strings(np.asarray(keys))).reshape(-1)
        self._slots = np.empty(_slot_count(len(keys)), dtype=np.int64)
        self._key_bytes, self._key_offsets = _C.strings_table_build(keys, self._slots)

    def lookup(self, values: np.ndarray) -> np.ndarray:
        """The index of each string of `values` (int64, its shape) among the keys, or -1.

        Raises:
            TypeError: for items that are not str or bytes, or arrays of other dtypes.
        """
        values = np.asarray(values)
        if values.dtype.kind == "U" and not values.dtype.isnative:
            values = values.astype(values.dtype.newbyteorder("="))  # the extension reads native UCS-4
        out = np.empty(values.shape, dtype=np.int64)
        _C.strings_table_lookup(self._key_bytes, self._key_offsets, self._slots, np.ascontiguousarray(values), out)
        return out
