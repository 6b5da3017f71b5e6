"""The dtypes swiftdl holds, their engine codes, and numpy 2's promotion rules for them."""
import numpy as np

float32 = np.float32
float64 = np.float64
int32 = np.int32
int64 = np.int64
uint8 = np.uint8
bool_ = np.bool_

# Engine dtype codes (SDL_FLOAT32 ... SDL_BOOL in swiftdl.h), in code order.
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int32),
           np.dtype(np.int64), np.dtype(np.uint8), np.dtype(np.bool_))
_CODES = {dtype: code for code, dtype in enumerate(_DTYPES)}

DEFAULT_FLOAT = np.dtype(np.float32)
DEFAULT_INT = np.dtype(np.int64)

SUPPORTED_NAMES = "float32, float64, int32, int64, uint8, bool"


def as_dtype(dtype):
    """Returns the numpy dtype for `dtype` (a name, type or dtype), refusing unsupported ones.

    Raises:
        TypeError: for a dtype the engine does not hold.
    """
    if dtype is float:
        return DEFAULT_FLOAT
    if dtype is int:
        return DEFAULT_INT
    if dtype is bool:
        return _DTYPES[5]
    try:
        resolved = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"data type {dtype!r} not understood; swiftdl supports {SUPPORTED_NAMES}") from error
    if resolved.byteorder == ">" or resolved not in _CODES:
        raise TypeError(f"swiftdl does not support dtype {resolved}; supported: {SUPPORTED_NAMES}")
    return resolved


def code_of(dtype):
    """The engine code of a supported numpy dtype."""
    return _CODES[as_dtype(dtype)]


def dtype_of_code(code):
    return _DTYPES[code]


def is_supported(dtype):
    return np.dtype(dtype) in _CODES and np.dtype(dtype).byteorder != ">"


def scalar_dtype(value, other):
    """The dtype a Python scalar takes next to a tensor of dtype `other` (NEP 50: Python
    scalars are "weak" and adopt the tensor's dtype when their kind allows it)."""
    kind = other.kind
    if isinstance(value, (bool, np.bool_)):
        return other if not isinstance(value, np.bool_) else _DTYPES[5]
    if isinstance(value, np.generic):
        return as_dtype(value.dtype)
    if isinstance(value, int):
        if kind == "b":
            return DEFAULT_INT
        if kind in "iu":
            info = np.iinfo(other)
            if not info.min <= value <= info.max:
                raise OverflowError(f"Python integer {value} out of bounds for {other}")
        return other
    if isinstance(value, float):
        return other if kind == "f" else np.dtype(np.float64)
    raise TypeError(f"unsupported scalar type {type(value).__name__}")
