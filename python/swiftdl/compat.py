"""tf.compat: TensorFlow's text, path and shape helpers for code that runs on several
versions (as_bytes, as_text, dimension_value, ...), forward-compatibility dates, the
Python type tuples, and v2 (this package: swiftdl's API is TensorFlow 2's)."""
import contextlib
import datetime
import numbers
import os

import numpy as np

bytes_or_text_types = (bytes, str)
integral_types = (numbers.Integral, np.integer)
real_types = (numbers.Real, np.integer, np.floating)
complex_types = (numbers.Complex, np.number)

# TensorFlow 2.21's forward-compatibility horizon (tensorflow/python/compat/compat.py).
_HORIZON = [datetime.date(2026, 1, 16)]


def as_bytes(bytes_or_text, encoding="utf-8"):
    """bytes as they are, str encoded (tf.compat.as_bytes).

    Raises:
        TypeError: for anything else.
    """
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8"):
    """str as it is, bytes decoded (tf.compat.as_text, also as_str).

    Raises:
        TypeError: for anything else.
    """
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value, encoding="utf-8"):
    """as_text for bytes, str() for anything else."""
    return as_text(value, encoding) if isinstance(value, bytes) else str(value)


def path_to_str(path):
    """A path-like object's string (os.fspath), other values unchanged."""
    return os.fspath(path) if hasattr(path, "__fspath__") else path


def dimension_value(dimension):
    """A dimension as an int or None (TensorShape dimensions and plain ints alike)."""
    if dimension is None:
        return None
    value = getattr(dimension, "value", dimension)
    return None if value is None else int(value)


def dimension_at_index(shape, index):
    """The dimension `index` of a shape (None when the rank is unknown)."""
    from ._tf_shape import TensorShape
    shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if shape.rank is None:
        return None
    return dimension_value(shape[index])


def forward_compatible(year, month, day):
    """Whether the given date is before the forward-compatibility horizon."""
    return _HORIZON[0] > datetime.date(year, month, day)


@contextlib.contextmanager
def forward_compatibility_horizon(year, month, day):
    """Moves the horizon to the given date inside the context (for tests)."""
    previous = _HORIZON[0]
    _HORIZON[0] = datetime.date(year, month, day)
    try:
        yield
    finally:
        _HORIZON[0] = previous


def __getattr__(name):
    if name == "v2":
        import swiftdl
        return swiftdl
    raise AttributeError(f"module 'swiftdl.compat' has no attribute {name!r} (tf.compat.v1's graph-era API is not "
                         f"part of swiftdl)")


__all__ = ["as_bytes", "as_str", "as_str_any", "as_text", "bytes_or_text_types", "complex_types", "dimension_at_index",
           "dimension_value", "forward_compatibility_horizon", "forward_compatible", "integral_types", "path_to_str",
           "real_types"]   # and v2, resolved on first use (module __getattr__)
