"""tf.fingerprint: FarmHash Fingerprint64 of each row of a tensor, as 8 little-endian bytes."""
import struct

import numpy as np

from . import _farmhash
from ._tf_cast import convert_to_tensor
from .errors import InvalidArgumentError, raises_tf_errors


def _row_fingerprint(row):
    if row.dtype == object:
        # Strings: each string's fingerprint, then the fingerprint of those 8-byte values
        # (a row of one string is that string's own fingerprint), as TensorFlow's kernel.
        prints = [_farmhash.fingerprint64(_farmhash.as_hash_bytes(v)) for v in row.reshape(-1)]
        if row.ndim == 0:
            return prints[0]
        return _farmhash.fingerprint64(b"".join(struct.pack("<Q", p) for p in prints))
    return _farmhash.fingerprint64(np.ascontiguousarray(row).astype(row.dtype.newbyteorder("<")).tobytes())


@raises_tf_errors
def fingerprint(data, method="farmhash64", name=None):
    """(rows, 8) uint8: the Fingerprint64 of each data[i] (its little-endian bytes; for
    strings, of the element fingerprints) (tf.fingerprint).

    Raises:
        InvalidArgumentError: for a scalar or an unknown method.
    """
    if method != "farmhash64":
        raise InvalidArgumentError(None, None, f"[fingerprint] method must be 'farmhash64'; received {method!r}")
    values = data.numpy() if hasattr(data, "numpy") else np.asarray(data, dtype=object if _is_text(data) else None)
    if values.dtype.kind in "US":
        values = values.astype(object)
    if values.ndim < 1:
        raise InvalidArgumentError(None, None, f"[fingerprint] data must have rank >= 1; received shape {values.shape}")
    prints = [_row_fingerprint(np.asarray(values[i], dtype=values.dtype)) for i in range(values.shape[0])]
    out = np.frombuffer(b"".join(struct.pack("<Q", p) for p in prints), np.uint8).reshape(len(prints), 8)
    return convert_to_tensor(out.copy())


def _is_text(data):
    flat = np.asarray(data, dtype=object).reshape(-1)
    return flat.size > 0 and isinstance(flat[0], (str, bytes))
