"""Keys and values of lookup tables as Python objects: text as bytes (str and bytes name
the same key, as TensorFlow's string tensors hold bytes), numbers as ints or floats."""
import numpy as np

from .._tf_dtypes import as_dtype


def as_array(values, dtype=None):
    """values (a tensor, array, list or scalar) as a numpy array; text as an object array."""
    if hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    array = np.asarray(values, dtype=object if _is_text(values) else None)
    if array.dtype.kind in "US":
        array = array.astype(object)
    if dtype is not None and array.dtype != object and as_dtype(dtype).name != "string":
        array = array.astype(as_dtype(dtype).name)
    return array


def _is_text(values):
    probe = np.asarray(values, dtype=object).reshape(-1) if not isinstance(values, (str, bytes)) else [values]
    return len(probe) > 0 and isinstance(probe[0], (str, bytes, np.str_, np.bytes_))


def key_of(value):
    """The dictionary key of one table key."""
    if isinstance(value, (str, np.str_)):
        return str(value).encode("utf-8")
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value)
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    raise TypeError(f"lookup table keys must be strings or numbers; received {type(value).__name__}")


def is_text_dtype(dtype):
    return as_dtype(dtype).name == "string"


def kind_matches(array, dtype):
    """Whether the keys in `array` fit a table whose key dtype is `dtype`."""
    return (array.dtype == object) == is_text_dtype(dtype) and (array.dtype == object or
                                                                 (array.dtype.kind in "iu") == (as_dtype(dtype).name
                                                                                                 in ("int32", "int64")))


def output(values, dtype):
    """Looked-up values as a tensor of the table's value dtype (text: an object array)."""
    from .._tf_cast import convert_to_tensor
    if is_text_dtype(dtype):
        out = np.empty(np.shape(values), dtype=object)
        out[...] = values
        return out
    return convert_to_tensor(np.asarray(values, dtype=as_dtype(dtype).name))
