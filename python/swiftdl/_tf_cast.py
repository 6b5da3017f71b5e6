"""tf.constant, tf.convert_to_tensor, tf.cast, tf.saturate_cast: values into tensors with
TensorFlow's dtype rules (Python floats float32, Python ints int32, numpy keeps its dtype).
Text (tf.string) stays a numpy object array of its str or bytes, as tf.strings holds it."""
import numpy as np

from . import _tf_conversion_registry as _conversion_registry
from ._convert import TensorBase, asarray
from ._tf_dtypes import numpy_dtype
from .errors import raises_tf_errors


def _python_values(value):
    """`value` (a Python scalar or nested list, possibly holding tensors) as a numpy array
    with TensorFlow's defaults: floats float32, ints int32 (int64 when they do not fit)."""
    array = np.asarray(value)
    if array.dtype == object:
        raise TypeError(f"Cannot convert {value!r} to a tensor: ragged or non-numeric values")
    if array.dtype.kind == "f" and not isinstance(value, np.generic):
        return array.astype(np.float32)
    if array.dtype.kind in "iu" and not isinstance(value, np.generic):
        if array.size == 0 or (array.min() >= -(2 ** 31) and array.max() < 2 ** 31):
            return array.astype(np.int32)
    if array.dtype.kind in "US":
        raise TypeError(f"swiftdl tensors hold numbers and bools; received strings {value!r}")
    return array


def _wants_text(dtype):
    return dtype is not None and getattr(dtype, "name", dtype) in ("string", object, np.object_, "object")


def _text(value, dtype):
    """`value` as tf.string data, a numpy object array of its str or bytes elements (how
    swiftdl's tf.strings and tf.data hold text), or None when `value` is not text."""
    wanted = _wants_text(dtype)
    if dtype is not None and not wanted:
        return None
    from ._text_array import as_text_array
    if isinstance(value, np.ndarray):
        return as_text_array(value.astype(object)) if value.dtype.kind in "OSU" else None
    probe = value
    while isinstance(probe, (list, tuple)) and probe:
        probe = probe[0]
    if not isinstance(probe, (str, bytes)) and not wanted:
        return None
    array = np.empty(np.shape(np.asarray(value, dtype=object)), dtype=object)
    array[...] = np.asarray(value, dtype=object)
    if any(not isinstance(item, (str, bytes)) for item in array.reshape(-1)):
        raise TypeError(f"Cannot convert {value!r} to a tf.string tensor: every element must be str or bytes")
    return as_text_array(array)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """`value` as a Tensor (tf.convert_to_tensor). Tensors and Variables pass through;
    numpy arrays keep their dtype; Python floats become float32 and ints int32.

    Args:
        value: a tensor, numpy array, Python scalar or nested list.
        dtype: the dtype the result must have; a tensor of another dtype is an error, as in
            TensorFlow (use `cast` to convert), a Python value is converted to it.
        dtype_hint: a dtype used for Python values when `dtype` is None.
        name: accepted for TensorFlow's signature.

    Raises:
        TypeError: when `value` is a tensor of another dtype than `dtype`, or not numeric.
    """
    if _conversion_registry.has_registrations() and not isinstance(value, TensorBase):
        converted = _conversion_registry.registered_conversion(value, dtype, name)
        if converted is not None:
            return convert_to_tensor(converted, dtype=dtype)
    text = None if isinstance(value, TensorBase) else _text(value, dtype)
    if text is not None:
        return text
    wanted = numpy_dtype(dtype)
    if isinstance(value, TensorBase):
        if wanted is not None and value.dtype != wanted:
            raise TypeError(f"Tensor conversion requested dtype {wanted.name} for Tensor with dtype "
                            f"{value.dtype.name}")
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        if wanted is not None and value.dtype != wanted and not (value.dtype.kind in "iu" and wanted.kind in "iuf"):
            raise TypeError(f"Cannot convert an array of dtype {value.dtype} to {wanted.name}")
        return asarray(value, dtype=wanted, copy=None)
    array = _python_values(value)
    target = wanted if wanted is not None else numpy_dtype(dtype_hint)
    if target is not None:
        if array.dtype.kind == "f" and target.kind in "iub" and not np.all(np.equal(np.mod(array, 1), 0)):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {target.name}")
        array = array.astype(target)
    return asarray(array, copy=None)


@raises_tf_errors
def constant(value, dtype=None, shape=None, name="Const"):
    """A new tensor holding `value` (tf.constant).

    Args:
        value: a Python or numpy value (or a tensor).
        dtype: the result's dtype (values are converted to it).
        shape: optional result shape: a scalar `value` fills it, otherwise `value` is
            reshaped to it (its number of elements must match).
        name: accepted for TensorFlow's signature.
    """
    text = None if isinstance(value, TensorBase) else _text(value, dtype)
    if text is not None:
        return text if shape is None else np.broadcast_to(text, tuple(shape)).copy() if text.ndim == 0 \
            else text.reshape(tuple(shape))
    wanted = numpy_dtype(dtype)
    if isinstance(value, TensorBase):
        tensor = asarray(value, dtype=wanted, copy=True)
    elif isinstance(value, (np.ndarray, np.generic)):
        tensor = asarray(value, dtype=wanted, copy=True)
    else:
        array = _python_values(value)
        tensor = asarray(array if wanted is None else array.astype(wanted), copy=True)
    if shape is None:
        return tensor
    from ._creation import _shape, full
    dims = _shape(list(shape) if not isinstance(shape, int) else shape)
    if tensor.ndim == 0 or tensor.size == 1 and int(np.prod(dims)) != 1:
        return full(dims, tensor.reshape(()), tensor.dtype)
    if tensor.size != int(np.prod(dims, dtype=np.int64)):
        raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tried to convert a value of "
                        f"{tensor.size} elements to shape {tuple(dims)}")
    return tensor.reshape(dims)


def cast(x, dtype, name=None):
    """`x` converted to `dtype` (tf.cast): floats to integers truncate towards zero, numbers
    to bool are `x != 0`. Differentiable between float dtypes. A RaggedTensor or
    SparseTensor keeps its structure, its values cast."""
    if not isinstance(x, TensorBase) and hasattr(x, "with_values"):  # ragged and sparse tensors
        return x.with_flat_values(cast(x.flat_values, dtype)) if hasattr(x, "with_flat_values") else \
            x.with_values(cast(x.values, dtype))
    wanted = numpy_dtype(dtype)
    tensor = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    if tensor.dtype == wanted:
        return tensor
    if wanted.kind == "b":
        from ._ops import not_equal
        return not_equal(tensor, 0)
    return tensor.astype(wanted)


def saturate_cast(value, dtype, name=None):
    """cast, with values first clipped to `dtype`'s range (tf.dtypes.saturate_cast)."""
    wanted = numpy_dtype(dtype)
    tensor = value if isinstance(value, TensorBase) else convert_to_tensor(value)
    if wanted.kind in "iu" and tensor.dtype.kind in "fiu":
        from ._ops import clip
        info = np.iinfo(wanted)
        if tensor.dtype.kind == "f":
            low, high = float(info.min), float(info.max)
            if float(np.asarray(high, tensor.dtype)) > info.max:
                high = float(np.nextafter(np.asarray(high, tensor.dtype), np.asarray(0, tensor.dtype)))
            tensor = clip(tensor, low, high)
        else:
            source = np.iinfo(tensor.dtype)
            tensor = clip(tensor, max(info.min, source.min), min(info.max, source.max))
    return cast(tensor, wanted)
