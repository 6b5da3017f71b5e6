"""How ragged and sparse tensors hold their parts: numpy arrays inside (numbers in their
dtype, text as object arrays of str or bytes, as swiftdl.strings keeps it), engine tensors
outside (text stays a numpy object array: the engine holds numbers only)."""
import numpy as np

from .._convert import TensorBase
from .._tf_dtypes import as_dtype, string
from ..errors import InvalidArgumentError


def to_numpy(value, dtype=None):
    """`value` (a tensor, array, Python scalar or nested list) as a numpy array with
    TensorFlow's defaults for Python values: floats float32, ints int32, text object."""
    if isinstance(value, TensorBase):
        array = np.asarray(value)
    elif isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind in "US":
            array = array.astype(object)
    else:
        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(np.float32)
        elif array.dtype.kind in "iu" and (array.size == 0 or (array.min() >= -2 ** 31 and array.max() < 2 ** 31)):
            array = array.astype(np.int32)
        elif array.dtype.kind in "US":
            array = array.astype(object)
    if dtype is not None:
        wanted = numpy_dtype_of(dtype)
        if array.dtype != wanted:
            array = array.astype(wanted)
    return array


def numpy_dtype_of(dtype):
    """The numpy dtype for a dtype argument (tf.string is object)."""
    if dtype is string or getattr(dtype, "name", None) == "string" or dtype in (str, bytes, "string"):
        return np.dtype(object)
    return np.dtype(as_dtype(dtype).dtype)


def tf_dtype(array):
    """The DType of a numpy array (object arrays hold strings)."""
    return string if array.dtype == object else as_dtype(array.dtype)


def to_public(array):
    """A numpy array as users see it: an engine tensor, or the object array for text."""
    if array.dtype == object:
        return array
    from .._convert import asarray
    array = np.asarray(array)
    return asarray(array if array.flags.c_contiguous else array.copy(), copy=None)


def int64_vector(value, what):
    """A 1-D int64 numpy array from `value`; InvalidArgumentError for anything else."""
    array = np.asarray(value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else value)
    if array.dtype.kind == "f" and array.size and np.any(np.mod(array, 1)):
        raise InvalidArgumentError(f"{what} must hold integers; received {array.tolist()!r:.80}")
    if array.size == 0:
        array = array.astype(np.int64)
    if array.dtype.kind not in "iuf":
        raise InvalidArgumentError(f"{what} must hold integers; received dtype {array.dtype}")
    if array.ndim != 1:
        raise InvalidArgumentError(f"{what} must be 1-D; received shape {array.shape}")
    return array.astype(np.int64)


def zero_of(array):
    """The padding value TensorFlow uses for a dtype: 0, False or the empty string."""
    return "" if array.dtype == object else array.dtype.type(0)
