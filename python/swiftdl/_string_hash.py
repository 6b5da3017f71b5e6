"""TensorFlow's string hashes over whole numpy arrays, in the engine: one call hashes a batch.

`swiftdl._farmhash` computes the same hashes one Python string at a time and stays the
reference the tests compare against; this module is what the layers and `tf.strings` ops
call. The strings' UTF-8 bytes are packed into one buffer by the C extension
(`_C.strings_fingerprint64` / `_C.strings_siphash64`) without a Python object per element
for str ("U") and bytes ("S") arrays.
"""
from __future__ import annotations

import numpy as np

from . import _C

__all__ = ["as_hash_strings", "fingerprint64_array", "siphash64_array", "hash_bucket_array"]

_MASK = (1 << 64) - 1


def as_hash_strings(values: np.ndarray) -> np.ndarray:
    """`values` as an array the hash kernels read, holding the text TensorFlow hashes for each
    element: strings and bytes as they are, integers as their decimal digits (`tf.as_string`),
    booleans as "true"/"false".

    Raises:
        TypeError: for floats, or an object array holding anything but str and bytes.
    """
    kind = values.dtype.kind
    if kind == "U" and not values.dtype.isnative:
        return values.astype(values.dtype.newbyteorder("="))  # the extension reads native UCS-4
    if kind in "SO":
        return values
    if kind == "U":
        return values
    if kind == "b":
        return np.where(values, "true", "false")
    if kind in "iu":
        return values.astype(str)
    raise TypeError(f"cannot hash an array of dtype {values.dtype}; expected strings, bytes or integers")


def fingerprint64_array(values: np.ndarray) -> np.ndarray:
    """FarmHash Fingerprint64 (`tf.fingerprint`'s and `to_hash_bucket_fast`'s hash) of every
    element of `values` (see `as_hash_strings`), as uint64 in the shape of `values`."""
    strings = as_hash_strings(np.asarray(values))
    out = np.empty(strings.shape, dtype=np.uint64)  # not ascontiguousarray's: it makes a 0-d array 1-d
    _C.strings_fingerprint64(np.ascontiguousarray(strings), out)
    return out


def siphash64_array(values: np.ndarray, key) -> np.ndarray:
    """SipHash-2-4 under `key` (two ints; `to_hash_bucket_strong`'s hash) of every element
    of `values`, as uint64 in the shape of `values`."""
    key0, key1 = (int(k) & _MASK for k in key)
    strings = as_hash_strings(np.asarray(values))
    out = np.empty(strings.shape, dtype=np.uint64)
    _C.strings_siphash64(np.ascontiguousarray(strings), out, key0, key1)
    return out


def hash_bucket_array(values: np.ndarray, num_buckets: int, key=None) -> np.ndarray:
    """TensorFlow's hash bucket of every element (int64, the shape of `values`):
    Fingerprint64, or SipHash-2-4 under `key`, modulo `num_buckets` (unsigned, as the C++)."""
    hashes = fingerprint64_array(values) if key is None else siphash64_array(values, key)
    return (hashes % np.uint64(num_buckets)).astype(np.int64)
