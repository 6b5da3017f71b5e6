"""numpy's elementwise functions that swiftdl's ufuncs did not cover: inverse trigonometry,
log10/log2, angle conversions, rounding to decimals, and the floating-point tests
(isnan, isinf, isfinite, isclose, allclose, array_equal, nan_to_num). Each has numpy's
arguments and result dtype; the values come from the engine (keras.ops's compositions)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._numpy_rules import floating, no_out, operand, promoted
from ._tensor import Tensor

__all__ = ["allclose", "arccos", "arcsin", "arctan", "arctan2", "around", "array_equal", "deg2rad", "isclose",
           "isfinite", "isinf", "isnan", "log10", "log2", "nan_to_num", "rad2deg"]


def _ops() -> Any:
    from .keras import ops  # keras.ops imports swiftdl: import it when first called
    return ops


def _unary_float(name: str) -> Any:
    def function(x: Any, out: None = None) -> Tensor:
        no_out(name, out)
        return getattr(_ops(), name)(floating(x))
    function.__name__ = name
    function.__doc__ = f"numpy.{name}: float32 stays float32; integers and bools compute in float64."
    return function


arccos = _unary_float("arccos")
arcsin = _unary_float("arcsin")
arctan = _unary_float("arctan")
deg2rad = _unary_float("deg2rad")
rad2deg = _unary_float("rad2deg")
log10 = _unary_float("log10")
log2 = _unary_float("log2")


def arctan2(x1: Any, x2: Any, out: None = None) -> Tensor:
    """numpy.arctan2: the angle of (x2, x1), in the operands' promoted float dtype."""
    no_out("arctan2", out)
    a, b = promoted(x1, x2)
    return _ops().arctan2(floating(a), floating(b))


def around(a: Any, decimals: int = 0, out: None = None) -> Tensor:
    """numpy.around: rounds half to even at `decimals` (negative: tens, hundreds...); the dtype is kept."""
    no_out("around", out)
    x = operand(a)
    if x.dtype.kind == "b":
        return x.copy()
    if x.dtype.kind in "iu" and decimals >= 0:
        return x.copy()
    return _ops().round(x, decimals=decimals).astype(x.dtype)


def isnan(x: Any, out: None = None) -> Tensor:
    """numpy.isnan: a bool tensor (all False for integers and bools)."""
    no_out("isnan", out)
    return _ops().isnan(operand(x))


def isinf(x: Any, out: None = None) -> Tensor:
    """numpy.isinf: True at +inf and -inf."""
    no_out("isinf", out)
    return _ops().isinf(operand(x))


def isfinite(x: Any, out: None = None) -> Tensor:
    """numpy.isfinite: neither NaN nor infinite (all True for integers and bools)."""
    no_out("isfinite", out)
    return _ops().isfinite(operand(x))


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """numpy.isclose: |a - b| <= atol + rtol * |b|, computed in float (float64 for integers)."""
    x, y = promoted(a, b)
    return _ops().isclose(floating(x), floating(y), rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """numpy.allclose: whether every pair is close (a Python bool)."""
    return bool(np.asarray(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)).all())


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> bool:
    """numpy.array_equal: the same shape and the same elements (NaNs equal with `equal_nan`)."""
    x, y = operand(a1), operand(a2)
    if tuple(x.shape) != tuple(y.shape):
        return False
    x, y = promoted(x, y)
    equal = np.asarray(x == y)
    if equal_nan and x.dtype.kind == "f":
        equal = equal | (np.asarray(isnan(x)) & np.asarray(isnan(y)))
    return bool(equal.all())


def nan_to_num(x: Any, copy: bool = True, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """numpy.nan_to_num: NaN → `nan`, ±inf → `posinf` / `neginf` (default the dtype's extremes).

    Raises:
        ValueError: for copy=False (swiftdl returns a new tensor; numpy would write in place).
    """
    if not copy:
        raise ValueError("swiftdl.nan_to_num(copy=False) is not supported: it returns a new tensor; assign it back")
    tensor = operand(x)
    if tensor.dtype.kind != "f":
        return tensor.copy()
    return _ops().nan_to_num(tensor, nan=nan, posinf=posinf, neginf=neginf)
