"""Turning Python and numpy values into engine tensors: asarray and operand coercion."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import _C
from . import _dtypes
from ._dtypes import as_dtype, code_of
from ._typing import ArrayLike, DTypeLike

if TYPE_CHECKING:
    from ._tensor import Tensor


# Every tensor the engine hands out is an instance of the Tensor class registered with
# _C.set_tensor_class (or of its subclass Variable), so isinstance(obj, TensorBase) is the
# same test as isinstance(obj, Tensor) without importing _tensor, which imports this module.
# (These helpers run for every operand of every op; an import per call showed in profiles.)
TensorBase = _C.TensorBase


def asarray(obj: ArrayLike, dtype: DTypeLike = None, copy: bool | None = True) -> Tensor:
    """Converts `obj` to a swiftdl Tensor.

    Args:
        obj: a Tensor, numpy array, buffer-protocol object, nested list or scalar.
        dtype: the wanted dtype; by default numpy arrays keep theirs, Python floats become
            float32, ints int64 and bools bool.
        copy: True (default) always copies; False shares the memory of a writable numpy
            array or buffer without copying (and keeps it alive), and raises ValueError when
            that is impossible; None shares when possible and copies otherwise.

    Returns:
        A Tensor.

    Raises:
        TypeError: for unsupported dtypes (float16, complex, object, strings, ...).
        ValueError: for ragged nested lists, or copy=False when a copy is needed.
    """
    wanted = as_dtype(dtype) if dtype is not None else None
    if isinstance(obj, TensorBase):
        if wanted is not None and wanted != obj.dtype:
            if copy is False:
                raise ValueError(f"Unable to avoid copy while converting from {obj.dtype} to {wanted}.")
            return _C.cast(obj, code_of(wanted))
        return _C.cast(obj, obj._dtype_code) if copy is True else obj

    if isinstance(obj, np.ndarray) or _has_buffer(obj):
        array = obj if isinstance(obj, np.ndarray) else np.asarray(obj)
        _check_array_dtype(array)
        needs_cast = wanted is not None and array.dtype != wanted
        if copy is not True and not needs_cast and array.flags.writeable:
            borrowed = _C.from_buffer(array, True)
            if borrowed is not None:
                return borrowed
        if copy is False:
            reason = f"converting from {array.dtype} to {wanted}" if needs_cast else "the array is read-only"
            raise ValueError(f"Unable to avoid copy while creating a tensor ({reason}); use copy=None or True.")
        tensor = _from_array_copy(array)
        return _C.cast(tensor, code_of(wanted)) if needs_cast else tensor

    if hasattr(obj, "__array__") or hasattr(obj, "__array_interface__") or hasattr(obj, "__dlpack__"):
        return asarray(np.asarray(obj), dtype=dtype, copy=copy)

    array = _nested_to_array(obj, wanted)
    # The temporary array is ours alone: borrow it instead of copying it a second time.
    # (Not np.ascontiguousarray: it turns a 0-d array into shape (1,).)
    return _contiguous(array if array.flags.c_contiguous else array.copy())


def _has_buffer(obj: Any) -> bool:
    if isinstance(obj, (bytes, bytearray, str)):
        return False
    try:
        memoryview(obj)
        return True
    except TypeError:
        return False


def _check_array_dtype(array: np.ndarray) -> None:
    if array.dtype == object:
        raise TypeError("swiftdl cannot hold object arrays; convert the data to a numeric dtype first")
    if not _dtypes.is_supported(array.dtype):
        raise TypeError(f"swiftdl does not support dtype {array.dtype}; supported: {_dtypes.SUPPORTED_NAMES}. "
                        "Convert with .astype() first.")


def _from_array_copy(array: np.ndarray) -> Tensor:
    tensor = _C.from_buffer(array, False)
    if tensor is None:  # an exotic layout the buffer protocol would not hand over
        tensor = _contiguous(np.ascontiguousarray(array), borrow=False)
    return tensor


def _contiguous(array: np.ndarray, borrow: bool = True) -> Tensor:
    """A tensor over a C-contiguous array, which the buffer protocol always hands over."""
    tensor = _C.from_buffer(array, borrow)
    if tensor is None:
        raise ValueError(f"could not read the buffer of an array of shape {array.shape}, strides {array.strides}")
    return tensor


def _nested_to_array(obj: Any, wanted: np.dtype | None) -> np.ndarray:
    """Nested lists and scalars to a numpy array with swiftdl's default dtypes."""
    if isinstance(obj, (str, bytes)) or obj is None:
        raise TypeError(f"cannot convert {type(obj).__name__} to a swiftdl tensor")
    try:
        array = np.asarray(obj)
    except ValueError as error:
        raise ValueError(f"cannot create a tensor from a ragged nested sequence: {error}") from None
    if array.dtype == object:
        # numpy 2 already refused ragged nesting above; object dtype here means non-numbers,
        # unless tf.register_tensor_conversion_function registered the object's type.
        from . import _tf_conversion_registry
        if _tf_conversion_registry.has_registrations():
            converted = _tf_conversion_registry.registered_conversion(obj, wanted, None)
            if converted is not None:
                return np.asarray(converted)
        raise TypeError(f"cannot convert {type(obj).__name__} holding non-numeric values to a swiftdl tensor")
    if wanted is not None:
        if array.dtype.kind not in "biuf":
            raise TypeError(f"cannot convert values of dtype {array.dtype} to {wanted}")
        return array.astype(wanted)
    if array.dtype.kind == "f" and not isinstance(obj, np.generic):
        return array.astype(_dtypes.DEFAULT_FLOAT)
    if array.dtype.kind in "iu" and not _dtypes.is_supported(array.dtype):
        return array.astype(_dtypes.DEFAULT_INT)
    _check_array_dtype(array)
    return array


_COMPARISONS = frozenset(("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"))


def to_operand(value: ArrayLike, other_dtype: np.dtype, op: str | None = None) -> Tensor:
    """Coerces the other operand of an arithmetic op: Python scalars are weak (NEP 50) and
    take the tensor's dtype where their kind allows; everything else goes through asarray.

    `op` (the binary op's name) covers numpy 2's two exceptions for Python ints next to
    integer tensors: true division converts the int to float64 directly, and comparisons
    compare exactly even when the int is out of the tensor dtype's range (no OverflowError).
    """
    if isinstance(value, TensorBase):
        return value
    if isinstance(value, (bool, int, float)) and not isinstance(value, np.generic):
        if isinstance(value, int) and not isinstance(value, bool) and other_dtype.kind in "biu":
            if op == "divide":
                return scalar_tensor(float(value), np.float64)
            if op in _COMPARISONS:
                info = np.iinfo(np.int64)
                if info.min <= value <= info.max:
                    if other_dtype.kind == "b" or not np.iinfo(other_dtype).min <= value <= np.iinfo(other_dtype).max:
                        return scalar_tensor(value, np.int64)  # promotes exactly to int64
                else:
                    # Beyond int64 every integer tensor value lies strictly between ±2**64
                    # even after rounding to float64, so ±2**64 orders correctly.
                    return scalar_tensor(2.0 ** 64 if value > 0 else -(2.0 ** 64), np.float64)
        return _contiguous(np.asarray(value, dtype=_dtypes.scalar_dtype(value, other_dtype)))
    if isinstance(value, (list, tuple)):
        # An operand list is an array of numpy's default dtypes (float64, int64), as in
        # numpy: float64_tensor + [0.1] must not round 0.1 to swiftdl's float32 default.
        try:
            value = np.asarray(value)
        except ValueError as error:
            raise ValueError(f"cannot create a tensor from a ragged nested sequence: {error}") from None
    return asarray(value, copy=None)


def scalar_tensor(value: bool | int | float, dtype: DTypeLike) -> Tensor:
    """A 0-d tensor holding `value` as `dtype`."""
    return _contiguous(np.asarray(value, dtype=dtype))
