"""tf.py_function and tf.numpy_function: Python code inside TensorFlow-style programs.

swiftdl runs eagerly, so the function is simply called: py_function hands it tensors
(gradients flow through what it computes with swiftdl ops), numpy_function hands it numpy
arrays (no gradient, as in TensorFlow). The results are converted to `Tout`.
"""
import numpy as np

from ._convert import TensorBase
from ._tf_cast import cast, convert_to_tensor
from ._tf_dtypes import as_dtype
from ._tf_shape import TensorSpec


def _outputs(result, Tout, where):
    """`result` converted to `Tout`: a dtype (one tensor), a list or tuple of dtypes (a list), or None."""
    if Tout is None:
        return None
    if isinstance(Tout, (list, tuple)):
        values = list(result) if isinstance(result, (list, tuple)) else [result]
        if len(values) != len(Tout):
            raise ValueError(f"{where}: the function returned {len(values)} values for {len(Tout)} Tout dtypes")
        return [_convert(v, d, where) for v, d in zip(values, Tout)]
    return _convert(result, Tout, where)


def _convert(value, dtype, where):
    if isinstance(dtype, TensorSpec):
        dtype = dtype.dtype
    dtype = as_dtype(dtype)
    if dtype.name == "string":  # text stays a numpy array of bytes, as swiftdl's tf.strings gives it
        array = np.asarray(value, dtype=object)
        encoded = np.empty(array.shape, dtype=object)
        for index in np.ndindex(array.shape):
            item = array[index]
            encoded[index] = item if isinstance(item, bytes) else str(item).encode()
        return encoded
    if isinstance(value, TensorBase):
        return value if as_dtype(value.dtype) == dtype else cast(value, dtype)
    try:
        return convert_to_tensor(np.asarray(value).astype(dtype.as_numpy_dtype))
    except (TypeError, ValueError) as error:
        raise TypeError(f"{where}: could not convert the result {value!r} to {dtype.name}: {error}") from None


def py_function(func=None, inp=None, Tout=None, name=None):
    """func(*inp) with `inp` as tensors; results converted to `Tout` (tf.py_function).
    Used as a decorator when `func` is omitted."""
    if func is None:
        return lambda f: (lambda *args: py_function(f, list(args), Tout, name))
    if not callable(func):
        raise TypeError("tf.py_function needs a callable func")
    tensors = [v if isinstance(v, TensorBase) else convert_to_tensor(v) for v in (inp or [])]
    return _outputs(func(*tensors), Tout, "tf.py_function")


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):
    """func(*inp) with `inp` as numpy arrays; results converted to `Tout`, without gradient
    (tf.numpy_function). Used as a decorator when `func` is omitted."""
    if func is None:
        return lambda f: (lambda *args: numpy_function(f, list(args), Tout, stateful, name))
    if not callable(func):
        raise TypeError("tf.numpy_function needs a callable func")
    arrays = [v.numpy() if isinstance(v, TensorBase) else np.asarray(v) for v in (inp or [])]
    return _outputs(func(*arrays), Tout, "tf.numpy_function")
