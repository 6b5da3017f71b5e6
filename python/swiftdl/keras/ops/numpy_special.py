"""keras.ops inverse trigonometric and error functions: arctan, arctan2, arcsin, arccos,
erf, erfc. The engine has no kernels for them, so each is a short series in engine ops
after a range reduction (differentiable through the tape, accurate to float64 rounding):

- arctan: |x| > 1 uses π/2 - arctan(1/|x|); |x| > tan(π/8) uses π/4 + arctan((x-1)/(x+1));
  what is left (|t| ≤ 0.4143) goes through 24 terms of the alternating Taylor series.
- erf: the Taylor series (24 terms) for |x| < 0.5; beyond, 2Φ(x√2) - 1 with Φ(y) =
  gelu(y) / y from the engine's exact gelu (no cancellation there, since Φ ≥ 0.69).
"""
import math

import swiftdl as sd

from ._convert import float_tensor, promote

_ARCTAN_TERMS = 24
_ERF_TERMS = 24


def _odd_series(t, coefficients):
    """Σ c_k t^(2k+1) by Horner's rule in t²."""
    square = sd.square(t)
    total = sd.zeros((), t.dtype) + coefficients[-1]
    for c in reversed(coefficients[:-1]):
        total = total * square + c
    return total * t


_ARCTAN_COEFFICIENTS = [(-1.0) ** k / (2 * k + 1) for k in range(_ARCTAN_TERMS)]
_ERF_COEFFICIENTS = [2.0 / math.sqrt(math.pi) * (-1.0) ** k / (math.factorial(k) * (2 * k + 1))
                     for k in range(_ERF_TERMS)]


def arctan(x):
    """Elementwise arctangent, in (-π/2, π/2)."""
    x = float_tensor(x)
    magnitude = sd.absolute(x)
    large = sd.greater(magnitude, 1.0)
    one = sd.ones((), x.dtype)
    reduced = sd.where(large, one / sd.where(large, magnitude, one), magnitude)  # in [0, 1]
    middle = sd.greater(reduced, math.tan(math.pi / 8))
    shifted = sd.where(middle, (reduced - 1.0) / (reduced + 1.0), reduced)       # |t| <= tan(π/8)
    angle = _odd_series(shifted, _ARCTAN_COEFFICIENTS) + sd.where(middle, sd.full((), math.pi / 4, x.dtype),
                                                                    sd.zeros((), x.dtype))
    angle = sd.where(large, math.pi / 2 - angle, angle)
    angle = sd.where(sd.equal(magnitude, float("inf")), sd.full((), math.pi / 2, x.dtype), angle)
    return sd.sign(x) * angle


def arctan2(x1, x2):
    """The angle of the point (x2, x1) from the positive x axis, in [-π, π]."""
    y, x = promote(x1, x2, extra=(float,))
    zero, one = sd.zeros((), y.dtype), sd.ones((), y.dtype)
    x_zero = sd.equal(x, 0.0)
    base = arctan(y / sd.where(x_zero, one, x))
    pi = sd.full((), math.pi, y.dtype)
    negative_y = sd.logical_or(sd.less(y, 0.0), sd.logical_and(sd.equal(y, 0.0), sd.less(sd.reciprocal(y), 0.0)))
    shift = sd.where(negative_y, -pi, pi)
    angle = sd.where(sd.less(x, 0.0), base + shift, base)
    vertical = sd.where(sd.equal(y, 0.0), sd.where(sd.less(sd.reciprocal(x), 0.0), shift, zero * y),
                        sd.sign(y) * (math.pi / 2))
    return sd.where(x_zero, vertical, angle)


def arcsin(x):
    """Elementwise arcsine, in [-π/2, π/2]; NaN outside [-1, 1]."""
    x = float_tensor(x)
    return arctan2(x, sd.sqrt((1.0 - x) * (1.0 + x)))


def arccos(x):
    """Elementwise arccosine, in [0, π]; NaN outside [-1, 1]."""
    x = float_tensor(x)
    return arctan2(sd.sqrt((1.0 - x) * (1.0 + x)), x)


def erf(x):
    """The error function."""
    x = float_tensor(x)
    small = sd.less(sd.absolute(x), 0.5)
    series = _odd_series(sd.where(small, x, sd.zeros((), x.dtype)), _ERF_COEFFICIENTS)
    y = sd.where(small, sd.ones((), x.dtype), x) * math.sqrt(2.0)
    cdf = sd.nn.gelu(y, approximate=False) / y
    return sd.where(small, series, 2.0 * cdf - 1.0)


def erfc(x):
    """1 - erf(x)."""
    return 1.0 - erf(x)
