"""numpy-named constructors: zeros, ones, full, *_like, arange, linspace, eye, copy."""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _C
from ._convert import asarray, scalar_tensor
from ._dtypes import DEFAULT_FLOAT, DEFAULT_INT, as_dtype, code_of
from ._typing import ArrayLike, DTypeLike, ShapeLike

if TYPE_CHECKING:
    from ._tensor import Tensor


def _shape(shape: ShapeLike) -> list[int]:
    if isinstance(shape, (int, np.integer)):
        return [operator.index(shape)]
    try:
        return [operator.index(size) for size in shape]
    except TypeError:
        raise TypeError(f"shape must be an integer or a sequence of integers; received {shape!r}") from None


def empty(shape: ShapeLike, dtype: DTypeLike = None) -> Tensor:
    """A new tensor of `shape` with unspecified contents (numpy.empty); float32 by default."""
    return _C.empty(_shape(shape), code_of(dtype or DEFAULT_FLOAT), False)


def zeros(shape: ShapeLike, dtype: DTypeLike = None) -> Tensor:
    """A new tensor of zeros (numpy.zeros); float32 by default."""
    return _C.empty(_shape(shape), code_of(dtype or DEFAULT_FLOAT), True)


def ones(shape: ShapeLike, dtype: DTypeLike = None) -> Tensor:
    """A new tensor of ones (numpy.ones); float32 by default."""
    return full(shape, 1, dtype or DEFAULT_FLOAT)


def full(shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeLike = None) -> Tensor:
    """A new tensor filled with `fill_value` (numpy.full). The dtype defaults to the
    value's: float32 for Python floats, int64 for ints, bool for bools."""
    if dtype is None:
        if isinstance(fill_value, np.generic):  # before float: np.float64 subclasses float
            dtype = as_dtype(fill_value.dtype)
        elif isinstance(fill_value, bool):
            dtype = np.bool_
        elif isinstance(fill_value, int):
            dtype = DEFAULT_INT
        elif isinstance(fill_value, float):
            dtype = DEFAULT_FLOAT
        else:
            dtype = asarray(fill_value, copy=None).dtype
    dtype = as_dtype(dtype)
    if isinstance(fill_value, (bool, int, float)):
        holder = (np.float64 if isinstance(fill_value, float) else
                  np.bool_ if isinstance(fill_value, bool) else _int_holder(fill_value))
        value = scalar_tensor(fill_value, holder)
    else:
        value = asarray(fill_value, copy=None)
    return _C.full(_shape(shape), value, code_of(dtype))


def _int_holder(value: int) -> type:
    """A numpy dtype that holds a Python int exactly before the engine converts it."""
    return np.int64 if -(2 ** 63) <= value < 2 ** 63 else np.float64


def _like(prototype: ArrayLike, dtype: DTypeLike, shape: ShapeLike | None) -> tuple[Any, Any]:
    tensor = asarray(prototype, copy=None)
    return (tensor.shape if shape is None else shape), (dtype or tensor.dtype)


def zeros_like(a: ArrayLike, dtype: DTypeLike = None, shape: ShapeLike | None = None) -> Tensor:
    shape, dtype = _like(a, dtype, shape)
    return zeros(shape, dtype)


def ones_like(a: ArrayLike, dtype: DTypeLike = None, shape: ShapeLike | None = None) -> Tensor:
    shape, dtype = _like(a, dtype, shape)
    return ones(shape, dtype)


def full_like(a: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None,
              shape: ShapeLike | None = None) -> Tensor:
    shape, dtype = _like(a, dtype, shape)
    return full(shape, fill_value, dtype)


def empty_like(a: ArrayLike, dtype: DTypeLike = None, shape: ShapeLike | None = None) -> Tensor:
    shape, dtype = _like(a, dtype, shape)
    return empty(shape, dtype)


def arange(start: float, stop: float | None = None, step: float = 1, dtype: DTypeLike = None) -> Tensor:
    """Evenly spaced values in [start, stop) (numpy.arange). Integer arguments give int64,
    float arguments float32 (swiftdl's default float)."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        integral = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (start, stop, step))
        dtype = DEFAULT_INT if integral else DEFAULT_FLOAT
    for name, value in (("start", start), ("stop", stop), ("step", step)):
        if not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"arange {name} must be a number; received {value!r}")
    return _C.arange(float(start), float(stop), float(step), code_of(dtype))


def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True, dtype: DTypeLike = None) -> Tensor:
    """`num` evenly spaced values from start to stop (numpy.linspace); float32 by default."""
    num = operator.index(num)
    return _C.linspace(float(start), float(stop), num, bool(endpoint), code_of(dtype or DEFAULT_FLOAT))


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeLike = None) -> Tensor:
    """A 2-D tensor with ones on the k-th diagonal (numpy.eye); float32 by default."""
    return _C.eye(operator.index(N), operator.index(N if M is None else M), operator.index(k), code_of(dtype or DEFAULT_FLOAT))


def identity(n: int, dtype: DTypeLike = None) -> Tensor:
    return eye(n, dtype=dtype)


def copy(a: ArrayLike) -> Tensor:
    """A new tensor with a copy of the data (numpy.copy)."""
    return asarray(a, copy=True)


def array(obj: ArrayLike, dtype: DTypeLike = None, copy: bool | None = True) -> Tensor:
    """Like numpy.array: asarray with copy=True by default."""
    return asarray(obj, dtype=dtype, copy=copy)


