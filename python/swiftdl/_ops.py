"""numpy-named math over the engine: elementwise ops, reductions, matmul, where, clip."""
from __future__ import annotations

import builtins
import operator
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from . import _C
from ._convert import TensorBase, asarray, to_operand
from ._typing import ArrayLike, Axis, DTypeLike

if TYPE_CHECKING:
    from ._tensor import Tensor

# Engine op codes; the order matches the SDL_BINARY_*, SDL_UNARY_* and SDL_REDUCE_*
# enums in swiftdl.h (Tests/python/test_abi_contract.py checks that they agree).
BINARY_OPS = ("add", "subtract", "multiply", "divide", "floor_divide", "remainder", "power",
              "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater",
              "greater_equal", "logical_and", "logical_or", "logical_xor", "bitwise_and",
              "bitwise_or", "bitwise_xor")
UNARY_OPS = ("negative", "absolute", "sign", "square", "exp", "log", "sqrt", "tanh", "sin", "cos",
             "log1p", "expm1", "sigmoid", "reciprocal", "floor", "ceil", "rint", "logical_not", "invert")
REDUCE_OPS = ("sum", "prod", "max", "min", "mean", "argmax", "argmin", "any", "all")

BINARY = {name: code for code, name in enumerate(BINARY_OPS)}
UNARY = {name: code for code, name in enumerate(UNARY_OPS)}
REDUCE = {name: code for code, name in enumerate(REDUCE_OPS)}


def _pair(x1: ArrayLike, x2: ArrayLike, op: str | None = None) -> tuple[Tensor, Tensor]:
    """Both operands as tensors, Python scalars adopting the other side's dtype (NEP 50)."""
    if isinstance(x1, TensorBase):
        return x1, to_operand(x2, x1.dtype, op)
    if isinstance(x2, TensorBase):
        return to_operand(x1, x2.dtype, op), x2
    a = asarray(x1, copy=None)
    return a, to_operand(x2, a.dtype, op)


def binary(name: str, x1: ArrayLike, x2: ArrayLike, out: Tensor | None = None) -> Tensor:
    a, b = _pair(x1, x2, name)
    result = _C.binary(BINARY[name], a, b, out)
    return result if out is None else out  # numpy returns the very `out` object


def unary(name: str, x: ArrayLike, out: Tensor | None = None) -> Tensor:
    result = _C.unary(UNARY[name], asarray(x, copy=None), out)
    return result if out is None else out


class _Binary(Protocol):
    def __call__(self, x1: ArrayLike, x2: ArrayLike, out: Tensor | None = None, name: str | None = None) -> Tensor: ...


class _Unary(Protocol):
    def __call__(self, x: ArrayLike, out: Tensor | None = None, name: str | None = None) -> Tensor: ...


def _make_binary(name_: str) -> _Binary:
    def function(x1: ArrayLike, x2: ArrayLike, out: Tensor | None = None, name: str | None = None) -> Tensor:
        return binary(name_, x1, x2, out)  # `name`: TensorFlow's op name, accepted and unused
    function.__name__ = name_
    function.__doc__ = f"numpy.{name_}, computed by the swiftdl engine (broadcasting, numpy 2 promotion)."
    return function


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray) and value.dtype.kind in "OSU")


def _as_text(value: Any, op: str) -> np.ndarray:
    array = np.asarray(value, dtype=object)
    flat = array.reshape(-1)
    out = np.empty(flat.shape, dtype=object)
    for i, item in enumerate(flat):
        if isinstance(item, (bytes, np.bytes_)):
            item = bytes(item).decode("utf-8", errors="surrogateescape")
        if not isinstance(item, str):
            raise TypeError(f"{op}: text can be compared with text only; received {type(item).__name__} {item!r:.40}")
        out[i] = str(item)
    return out.reshape(array.shape)


def _make_comparison(name_: str) -> _Binary:
    """equal/not_equal: the engine's op on numbers; on text (tf.string data held in numpy,
    str or bytes) an element-wise comparison of the strings, as TensorFlow's ops compare
    strings, giving an engine bool tensor."""
    def function(x1: ArrayLike, x2: ArrayLike, out: Tensor | None = None, name: str | None = None) -> Tensor:
        if not (isinstance(x1, TensorBase) and isinstance(x2, TensorBase)) and (_is_text(x1) or _is_text(x2)):
            same = np.equal(_as_text(x1, name_), _as_text(x2, name_)).astype(bool)
            return asarray(same if name_ == "equal" else ~same)
        return binary(name_, x1, x2, out)
    function.__name__ = name_
    function.__doc__ = (f"numpy.{name_}, computed by the swiftdl engine (broadcasting, numpy 2 promotion); "
                        "text compared as strings.")
    return function


def _make_unary(name_: str) -> _Unary:
    def function(x: ArrayLike, out: Tensor | None = None, name: str | None = None) -> Tensor:
        return unary(name_, x, out)  # `name`: TensorFlow's op name, accepted and unused
    function.__name__ = name_
    function.__doc__ = f"numpy.{name_}, computed elementwise by the swiftdl engine."
    return function


# One function per engine op code (Tests/python/test_abi_contract.py checks that the
# names match BINARY_OPS and UNARY_OPS).
add = _make_binary("add")
subtract = _make_binary("subtract")
multiply = _make_binary("multiply")
divide = _make_binary("divide")
floor_divide = _make_binary("floor_divide")
remainder = _make_binary("remainder")
power = _make_binary("power")
maximum = _make_binary("maximum")
minimum = _make_binary("minimum")
equal = _make_comparison("equal")
not_equal = _make_comparison("not_equal")
less = _make_binary("less")
less_equal = _make_binary("less_equal")
greater = _make_binary("greater")
greater_equal = _make_binary("greater_equal")
logical_and = _make_binary("logical_and")
logical_or = _make_binary("logical_or")
logical_xor = _make_binary("logical_xor")
bitwise_and = _make_binary("bitwise_and")
bitwise_or = _make_binary("bitwise_or")
bitwise_xor = _make_binary("bitwise_xor")
negative = _make_unary("negative")
absolute = _make_unary("absolute")
sign = _make_unary("sign")
square = _make_unary("square")
exp = _make_unary("exp")
log = _make_unary("log")
sqrt = _make_unary("sqrt")
tanh = _make_unary("tanh")
sin = _make_unary("sin")
cos = _make_unary("cos")
log1p = _make_unary("log1p")
expm1 = _make_unary("expm1")
sigmoid = _make_unary("sigmoid")
reciprocal = _make_unary("reciprocal")
floor = _make_unary("floor")
ceil = _make_unary("ceil")
rint = _make_unary("rint")
logical_not = _make_unary("logical_not")
invert = _make_unary("invert")
true_divide = divide
mod = remainder
abs = absolute  # noqa: A001
pow = power  # noqa: A001


def _axes(axis: Axis) -> list[int] | None:
    """numpy's axis argument (None, int or tuple of ints) as the engine's list or None."""
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        return [operator.index(a) for a in axis]
    try:
        return [operator.index(axis)]  # type: ignore[arg-type]  # anything else must be an integer
    except TypeError:
        raise TypeError(f"axis must be None, an integer or a tuple of integers; received {axis!r}") from None


def _reduce(name: str, a: ArrayLike, axis: Axis, keepdims: bool, dtype: DTypeLike = None) -> Tensor:
    result = _C.reduce(REDUCE[name], asarray(a, copy=None), _axes(axis), bool(keepdims))
    return result.astype(dtype) if dtype is not None else result


def sum(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum of elements over `axis` (numpy.sum). Integer and bool inputs sum to int64."""
    return _reduce("sum", a, axis, keepdims, dtype)


def prod(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, keepdims: bool = False) -> Tensor:
    """Product of elements over `axis` (numpy.prod)."""
    return _reduce("prod", a, axis, keepdims, dtype)


def mean(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over `axis` (numpy.mean). Integer inputs give float64."""
    return _reduce("mean", a, axis, keepdims, dtype)


def max(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over `axis` (numpy.max); NaN propagates."""
    return _reduce("max", a, axis, keepdims)


def min(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over `axis` (numpy.min); NaN propagates."""
    return _reduce("min", a, axis, keepdims)


amax, amin = max, min


def any(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return _reduce("any", a, axis, keepdims)


def all(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return _reduce("all", a, axis, keepdims)


def _arg_reduce(name: str, a: ArrayLike, axis: int | None, keepdims: bool) -> Tensor:
    if axis is not None and not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer for {name}; received {axis!r}")
    return _C.reduce(REDUCE[name], asarray(a, copy=None), _axes(axis), bool(keepdims))


def argmax(a: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Indices of the maxima along `axis` (numpy.argmax); the first occurrence wins."""
    return _arg_reduce("argmax", a, axis, keepdims)


def argmin(a: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Indices of the minima along `axis` (numpy.argmin); the first occurrence wins."""
    return _arg_reduce("argmin", a, axis, keepdims)


def var(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Variance over `axis` (numpy.var), with `ddof` delta degrees of freedom."""
    result = _C.var(asarray(a, copy=None), _axes(axis), int(ddof), bool(keepdims))
    return result.astype(dtype) if dtype is not None else result


def std(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Standard deviation over `axis` (numpy.std)."""
    return sqrt(var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def matmul(x1: ArrayLike, x2: ArrayLike) -> Tensor:
    """Matrix product (numpy.matmul): 2-D, batched with broadcasting, and 1-D operands."""
    a, b = asarray(x1, copy=None), asarray(x2, copy=None)
    return _C.matmul(a, b)


def dot(a: ArrayLike, b: ArrayLike) -> Tensor:
    """numpy.dot for 1-D and 2-D operands (the matmul cases); scalars multiply."""
    a, b = asarray(a, copy=None), asarray(b, copy=None)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if a.ndim > 2 or b.ndim > 2:
        raise ValueError("swiftdl.dot supports operands of up to 2 dimensions; use matmul or tensordot")
    return _C.matmul(a, b)


def where(condition: ArrayLike, x: ArrayLike | None = None, y: ArrayLike | None = None) -> Any:
    """numpy.where: elements of x where `condition` holds, else of y (all broadcast).
    With only `condition`, returns the tuple of indices of its non-zero elements."""
    if x is None and y is None:
        return nonzero(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    c = asarray(condition, copy=None)
    a, b = _pair(x, y)
    return _C.where(c, a, b)


def nonzero(a: ArrayLike) -> tuple[Tensor, ...]:
    """numpy.nonzero: a tuple of index tensors, one per dimension."""
    coordinates = _C.nonzero(asarray(a, copy=None))
    return tuple(coordinates[axis] for axis in range(coordinates.shape[0]))


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None) -> Tensor:
    """numpy.clip: limits values to [a_min, a_max]; either bound may be None."""
    if a_min is None and a_max is None:
        raise ValueError("One of max or min must be given")
    result = asarray(a, copy=None)
    # numpy 2 accepts Python-int bounds outside an integer dtype's range; clamping them
    # into the range changes nothing else (and avoids NEP 50's OverflowError).
    if result.dtype.kind in "iu":
        info = np.iinfo(result.dtype)
        a_min, a_max = (builtins.min(builtins.max(bound, info.min), info.max)
                        if isinstance(bound, int) and not isinstance(bound, bool) else bound
                        for bound in (a_min, a_max))
    if a_min is not None:
        result = maximum(result, a_min)
    if a_max is not None:
        result = minimum(result, a_max)
    return result
