"""Session-wide state that Keras keeps in its backend: unique names, the fuzz factor, and
the dtype names (keras.backend)."""
import re

import numpy as np

from swiftdl import _C

_NAME_COUNTS: dict[str, int] = {}
_EPSILON = 1e-7
_FLOATX = "float32"
_IMAGE_DATA_FORMAT = "channels_last"

# Every dtype name Keras 3 knows (keras.src.backend.common.variables.ALLOWED_DTYPES); the
# engine computes in the float32, float64, int32, int64, uint8 and bool among them.
ALLOWED_DTYPES = frozenset({"float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
                            "int32", "int64", "bfloat16", "bool", "string"})
# Python types as Keras names them (its non-TensorFlow backends take int as int32).
_PYTHON_DTYPES = {bool: "bool", int: "int32", float: "float32", str: "string", "int": "int32"}


def to_snake_case(name):
    """Conv2D → conv2d, MaxPooling2D → max_pooling2d, BatchNormalization → batch_normalization."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def unique_name(prefix):
    """`prefix` the first time, then `prefix_1`, `prefix_2`, ... (Keras's auto-naming)."""
    count = _NAME_COUNTS.get(prefix, 0)
    _NAME_COUNTS[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def get_uid(prefix=""):
    """1 for the first call with `prefix`, then 2, 3, ... (keras.backend.get_uid)."""
    count = _NAME_COUNTS.get(prefix, 0) + 1
    _NAME_COUNTS[prefix] = count
    return count


def clear_session():
    """Resets the automatic layer names and gives the engine's cached free buffers back to
    the system (Keras's keras.backend.clear_session, which frees the backend's memory)."""
    _NAME_COUNTS.clear()
    _C.release_cached_memory()


def floatx():
    """The default float type of weights, inputs and random draws: 'float32' unless
    set_floatx changed it."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float type: 'float32' or 'float64' (the engine's float types; Keras's
    'float16' and 'bfloat16' raise NotImplementedError here)."""
    global _FLOATX
    accepted = {"bfloat16", "float16", "float32", "float64"}
    if value not in accepted:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {accepted}")
    if value not in ("float32", "float64"):
        raise NotImplementedError(f"swiftdl computes in float32 and float64; received floatx {value!r}")
    _FLOATX = str(value)


def epsilon():
    """The fuzz factor that losses clip with (1e-7 unless set_epsilon changed it)."""
    return _EPSILON


def set_epsilon(value):
    """Sets the fuzz factor epsilon() returns."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """The default data_format of image layers: 'channels_last' unless changed."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Sets the default data_format of image layers ('channels_last' or 'channels_first')."""
    global _IMAGE_DATA_FORMAT
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"The `data_format` argument must be one of {{'channels_first', 'channels_last'}}. "
                         f"Received: data_format={data_format}")
    _IMAGE_DATA_FORMAT = str(data_format)


def standardize_dtype(dtype):
    """A dtype's Keras name ('float32', 'int64', ...): None is floatx(), Python's float
    'float32', int 'int32', bool 'bool'; numpy dtypes, swiftdl dtypes and names pass through.
    Raises ValueError for anything Keras does not name."""
    if dtype is None:
        return floatx()
    if isinstance(dtype, (type, str)) and dtype in _PYTHON_DTYPES:
        dtype = _PYTHON_DTYPES[dtype]
    if hasattr(dtype, "name") and not isinstance(dtype, str):
        dtype = dtype.name
    elif isinstance(dtype, type) and issubclass(dtype, np.generic):
        dtype = np.dtype(dtype).name
    elif hasattr(dtype, "__name__"):
        dtype = dtype.__name__
    if dtype not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return dtype


def is_float_dtype(dtype):
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int_dtype(dtype):
    return standardize_dtype(dtype).startswith(("int", "uint"))

# Keras's public names in this module (`from swiftdl.keras.backend import *`).
__all__ = ["clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_float_dtype", "is_int_dtype",
           "set_epsilon", "standardize_dtype"]


def backend():
    """The name of the backend: 'swiftdl'."""
    return "swiftdl"


def is_keras_tensor(x):
    """Whether `x` is a symbolic KerasTensor (a functional model's placeholder)."""
    from .layers.keras_tensor import KerasTensor
    return isinstance(x, KerasTensor)


def result_type(*dtypes):
    """The dtype Keras gives an op on values of these dtypes (Keras's promotion lattice:
    int64 with float32 is float32, a Python float with int32 is float32, ...)."""
    from .ops._dtypes import result_type as keras_result_type
    return keras_result_type(*dtypes)
