"""keras.ops elementwise math: arithmetic, comparisons, logic, powers, logs, trigonometry,
rounding and the float predicates. Binary ops promote with Keras's rules (weak Python
scalars, int + float → float); transcendental functions compute integers in floatx().
Everything runs on the engine's elementwise ops and is differentiable through them."""
import math

import numpy as np

import swiftdl as sd

from . import complex_values
from ._convert import float_tensor, promote, tensor
from .complex_values import complex_value
from ._dtypes import floatx


def _binary(function, name, *, extra=(), bool_to_int=False):
    def op(x1, x2):
        a, b = promote(x1, x2, extra=extra)
        if bool_to_int and a.dtype == np.bool_:
            a, b = a.astype("int32"), b.astype("int32")
        return function(a, b)
    op.__name__ = name
    op.__doc__ = f"Elementwise `{name}` of two broadcastable tensors (keras.ops.{name})."
    return op


add = _binary(sd.add, "add")
subtract = _binary(sd.subtract, "subtract")
multiply = _binary(sd.multiply, "multiply")
divide = _binary(sd.divide, "divide", extra=(float,))
true_divide = divide
floor_divide = _binary(sd.floor_divide, "floor_divide", bool_to_int=True)
mod = _binary(sd.remainder, "mod", bool_to_int=True)
power = _binary(sd.power, "power", bool_to_int=True)
maximum = _binary(sd.maximum, "maximum")
minimum = _binary(sd.minimum, "minimum")
equal = _binary(sd.equal, "equal")
not_equal = _binary(sd.not_equal, "not_equal")
less = _binary(sd.less, "less")
less_equal = _binary(sd.less_equal, "less_equal")
greater = _binary(sd.greater, "greater")
greater_equal = _binary(sd.greater_equal, "greater_equal")
logical_and = _binary(sd.logical_and, "logical_and")
logical_or = _binary(sd.logical_or, "logical_or")
logical_xor = _binary(sd.logical_xor, "logical_xor")


def _bitwise(function, name):
    def op(x, y):
        a, b = promote(x, y)
        if a.dtype.kind not in "biu":
            raise TypeError(f"[{name}] needs integer or bool tensors; received dtype {a.dtype}")
        return function(a, b)
    op.__name__ = name
    return op


bitwise_and = _bitwise(sd.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(sd.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(sd.bitwise_xor, "bitwise_xor")


def bitwise_invert(x):
    """Bitwise NOT of an integer or bool tensor."""
    x = tensor(x)
    if x.dtype.kind not in "biu":
        raise TypeError(f"[bitwise_invert] needs integer or bool tensors; received dtype {x.dtype}")
    return sd.invert(x)


bitwise_not = bitwise_invert


def logical_not(x):
    return sd.logical_not(tensor(x))


def negative(x):
    x = tensor(x)
    if x.dtype == np.bool_:
        raise TypeError("[negative] is not defined for bool tensors; use logical_not")
    return sd.negative(x)


def absolute(x):
    value = complex_value(x)
    if value is not None:
        return value.abs()  # the magnitude, a real tensor
    x = tensor(x)
    return x if x.dtype == np.bool_ else sd.absolute(x)


abs = absolute  # noqa: A001


def fabs(x):
    return sd.absolute(float_tensor(x))


def sign(x):
    x = tensor(x)
    return x if x.dtype == np.bool_ else sd.sign(x)


def square(x):
    x = tensor(x)
    return sd.square(x.astype("int32") if x.dtype == np.bool_ else x)


def _unary_float(function, name):
    def op(x):
        return function(float_tensor(x))
    op.__name__ = name
    op.__doc__ = f"Elementwise `{name}` (keras.ops.{name}); integers compute in floatx()."
    return op


sqrt = _unary_float(sd.sqrt, "sqrt")
exp = _unary_float(sd.exp, "exp")
expm1 = _unary_float(sd.expm1, "expm1")
log = _unary_float(sd.log, "log")
log1p = _unary_float(sd.log1p, "log1p")
sin = _unary_float(sd.sin, "sin")
cos = _unary_float(sd.cos, "cos")
tanh = _unary_float(sd.tanh, "tanh")
reciprocal = _unary_float(sd.reciprocal, "reciprocal")


def rsqrt(x):
    """1 / sqrt(x)."""
    return sd.reciprocal(sd.sqrt(float_tensor(x)))


def exp2(x):
    x = float_tensor(x)
    return sd.exp(x * math.log(2.0))


def log2(x):
    return sd.log(float_tensor(x)) * (1.0 / math.log(2.0))


def log10(x):
    return sd.log(float_tensor(x)) * (1.0 / math.log(10.0))


def tan(x):
    x = float_tensor(x)
    return sd.sin(x) / sd.cos(x)


def sinh(x):
    x = float_tensor(x)
    return (sd.exp(x) - sd.exp(-x)) * 0.5


def cosh(x):
    x = float_tensor(x)
    return (sd.exp(x) + sd.exp(-x)) * 0.5


def arcsinh(x):
    """log(x + sqrt(x² + 1)), computed on |x| and given x's sign (accurate for x < 0)."""
    x = float_tensor(x)
    magnitude = sd.absolute(x)
    return sd.sign(x) * sd.log1p(magnitude + sd.square(magnitude) / (1.0 + sd.sqrt(sd.square(magnitude) + 1.0)))


def arccosh(x):
    x = float_tensor(x)
    return sd.log(x + sd.sqrt(x - 1.0) * sd.sqrt(x + 1.0))


def arctanh(x):
    x = float_tensor(x)
    return 0.5 * (sd.log1p(x) - sd.log1p(-x))


def cbrt(x):
    """The real cube root, also of negative numbers."""
    x = float_tensor(x)
    return sd.sign(x) * sd.power(sd.absolute(x), 1.0 / 3.0)


def deg2rad(x):
    return float_tensor(x) * (math.pi / 180.0)


def rad2deg(x):
    return float_tensor(x) * (180.0 / math.pi)


def sinc(x):
    """sin(πx) / (πx), and 1 at x = 0."""
    x = float_tensor(x)
    zero = sd.equal(x, 0.0)
    safe = sd.where(zero, sd.ones((), x.dtype), x) * math.pi
    return sd.where(zero, sd.ones((), x.dtype), sd.sin(safe) / safe)


def _keep_ints(function, name):
    def op(x):
        x = tensor(x)
        return x if x.dtype.kind in "biu" else function(x)
    op.__name__ = name
    return op


floor = _unary_float(sd.floor, "floor")
ceil = _unary_float(sd.ceil, "ceil")
trunc = _keep_ints(lambda x: sd.where(sd.less(x, 0.0), sd.ceil(x), sd.floor(x)), "trunc")


def round(x, decimals=0):  # noqa: A001
    """Rounds half to even, to `decimals` decimal places (negative: to tens, hundreds...)."""
    x = tensor(x)
    if decimals == 0:
        return x if x.dtype.kind in "biu" else sd.rint(x)
    factor = 10.0 ** decimals
    if x.dtype.kind in "biu":
        if decimals > 0:
            return x
        return (sd.rint(x.astype("float64") * factor) / factor).astype(x.dtype)
    return sd.rint(x * factor) / factor


def clip(x, x_min, x_max):
    """Limits values to [x_min, x_max]; bool inputs clip as int32, as in Keras."""
    x = tensor(x)
    if x.dtype == np.bool_:
        x = x.astype("int32")
    return sd.minimum(sd.maximum(x, tensor(x_min, x.dtype) if not isinstance(x_min, (int, float)) else x_min),
                      tensor(x_max, x.dtype) if not isinstance(x_max, (int, float)) else x_max).astype(x.dtype)


def isnan(x):
    x = tensor(x)
    return sd.not_equal(x, x) if x.dtype.kind == "f" else sd.zeros(x.shape, "bool")


def isinf(x):
    x = tensor(x)
    return sd.equal(sd.absolute(x), np.inf) if x.dtype.kind == "f" else sd.zeros(x.shape, "bool")


def isposinf(x):
    x = tensor(x)
    return sd.equal(x, np.inf) if x.dtype.kind == "f" else sd.zeros(x.shape, "bool")


def isneginf(x):
    x = tensor(x)
    return sd.equal(x, -np.inf) if x.dtype.kind == "f" else sd.zeros(x.shape, "bool")


def isfinite(x):
    x = tensor(x)
    if x.dtype.kind != "f":
        return sd.ones(x.shape, "bool")
    return sd.less(sd.absolute(x), np.inf)  # False for NaN too


def signbit(x):
    """True where the sign bit is set (negative numbers and -0.0)."""
    x = tensor(x)
    if x.dtype.kind != "f":
        return sd.less(x, 0) if x.dtype.kind == "i" else sd.zeros(x.shape, "bool")
    negative_zero = sd.logical_and(sd.equal(x, 0.0), sd.less(sd.reciprocal(x), 0.0))
    return sd.logical_or(sd.less(x, 0.0), negative_zero)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        return sd.equal(a, b)
    close = sd.less_equal(sd.absolute(a - b), atol + rtol * sd.absolute(b))
    close = sd.logical_or(close, sd.equal(a, b))  # equal infinities
    if equal_nan:
        close = sd.logical_or(close, sd.logical_and(isnan(a), isnan(b)))
    return close


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return sd.all(isclose(x1, x2, rtol, atol, equal_nan))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN → `nan`, +inf → `posinf` (default: the dtype's max), -inf → `neginf` (its min)."""
    x = tensor(x)
    if x.dtype.kind != "f":
        return x
    info = np.finfo(x.dtype)
    x = sd.where(isnan(x), sd.full((), nan, x.dtype), x)
    x = sd.where(isposinf(x), sd.full((), info.max if posinf is None else posinf, x.dtype), x)
    return sd.where(isneginf(x), sd.full((), info.min if neginf is None else neginf, x.dtype), x)


def divide_no_nan(x1, x2):
    """x1 / x2, and 0 where x2 is 0."""
    a, b = promote(x1, x2, extra=(float,))
    zero = sd.equal(b, 0)
    return sd.where(zero, sd.zeros((), a.dtype), a / sd.where(zero, sd.ones((), b.dtype), b))


def fmod(x1, x2):
    """Remainder with the sign of x1 (C's fmod), unlike mod's sign of x2."""
    a, b = promote(x1, x2)
    if a.dtype == np.bool_:
        a, b = a.astype("int32"), b.astype("int32")
    remainder = sd.remainder(a, b)
    fix = sd.logical_and(sd.not_equal(remainder, 0), sd.not_equal(sd.less(remainder, 0), sd.less(a, 0)))
    return sd.where(fix, remainder - b, remainder)


def fmax(x1, x2):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN)."""
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        return sd.maximum(a, b)
    return sd.where(isnan(a), b, sd.where(isnan(b), a, sd.maximum(a, b)))


def fmin(x1, x2):
    """Elementwise minimum ignoring NaN."""
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        return sd.minimum(a, b)
    return sd.where(isnan(a), b, sd.where(isnan(b), a, sd.minimum(a, b)))


def hypot(x1, x2):
    a, b = promote(x1, x2, extra=(float,))
    return sd.sqrt(sd.square(a) + sd.square(b))


def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)) without overflow."""
    a, b = promote(x1, x2, extra=(float,))
    larger = sd.maximum(a, b)
    finite = sd.where(sd.equal(sd.absolute(larger), np.inf), sd.zeros((), a.dtype), larger)
    return finite + sd.log(sd.exp(a - finite) + sd.exp(b - finite))


def logaddexp2(x1, x2):
    """log2(2**x1 + 2**x2) without overflow."""
    a, b = promote(x1, x2, extra=(float,))
    ln2 = math.log(2.0)
    return logaddexp(a * ln2, b * ln2) * (1.0 / ln2)


def heaviside(x1, x2):
    """0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0."""
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        a, b = a.astype(floatx()), b.astype(floatx())
    one, zero = sd.ones((), a.dtype), sd.zeros((), a.dtype)
    at_zero = sd.broadcast_to(b, np.broadcast_shapes(a.shape, b.shape)) + zero
    return sd.where(sd.greater(a, 0), one, sd.where(sd.less(a, 0), zero, at_zero))


def ldexp(x1, x2):
    """x1 * 2**x2 for an integer exponent tensor x2."""
    x2 = tensor(x2)
    if x2.dtype.kind not in "iu":
        raise TypeError(f"[ldexp] x2 must be an integer tensor; received dtype {x2.dtype}")
    x1 = float_tensor(x1)
    return x1 * sd.power(sd.full((), 2.0, x1.dtype), x2.astype(x1.dtype))


# Real tensors only: the complex parts are trivial.
real, imag, conjugate = complex_values.real, complex_values.imag, complex_values.conjugate
conj = conjugate


def isreal(x):
    value = complex_value(x)
    if value is not None:
        return sd.equal(value.imag, 0.0)
    return sd.ones(tensor(x).shape, "bool")


def angle(x):
    """The complex argument: atan2(imag, real); for a real tensor π for negatives, 0 otherwise."""
    value = complex_value(x)
    if value is not None:
        return complex_values.complex_angle(value)
    x = float_tensor(x)
    return sd.where(sd.less(x, 0.0), sd.full((), math.pi, x.dtype), sd.zeros((), x.dtype))
