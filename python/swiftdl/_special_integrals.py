"""Numpy kernels (float64) for tf.math.special's integrals: dawsn, expint, fresnel_cos,
fresnel_sin, spence; and the inverse error functions erfinv, erfcinv, ndtri.

- dawsn: its Taylor series below |x| = 1; Rybicki's exponentially convergent sum
  (1/√π) Σ_{n odd} e^{-(x-nh)²}/n with h = 0.1 (aliasing error e^{-(π/2h)²}) up to 1e4; the
  asymptotic series 1/(2x) Σ (2k-1)!!/(2x²)^k beyond.
- expint (Ei, x > 0): γ + ln x + Σ x^k/(k·k!) (terms of one sign) up to 40, the asymptotic
  e^x/x Σ k!/x^k beyond.
- fresnel: 100-point Gauss-Legendre quadrature of sin/cos(πt²/2) on [0, |x|] up to 6 (the
  integrand is entire, so the error is far below rounding); beyond, the auxiliary
  functions f and g by their asymptotic series (A&S 7.3.27-28).
- spence(x) = Li₂(1 - x): the Bernoulli series Li₂(z) = Σ B_n u^{n+1}/(n+1)!, u = -ln(1-z),
  after the reflection and inversion formulas bring z into [-1, 1/2].
- erfcinv: Newton's method on ln erfc(y) = ln q (Python's math.erfc, correctly rounded to
  an ulp or two) from Giles's single-precision guess or the tail's asymptote; erfinv and
  ndtri through it, so tails keep their relative accuracy.
"""
import math
from fractions import Fraction

import numpy as np

_EULER = 0.57721566490153286061
_erfc = np.frompyfunc(math.erfc, 1, 1)
_erf = np.frompyfunc(math.erf, 1, 1)


def dawsn(x):
    x = np.asarray(x, np.float64)
    a = np.abs(x)
    out = np.empty_like(a)
    small, middle, large = a < 1.0, (a >= 1.0) & (a <= 1e4), a > 1e4
    z = a[small]
    term, total = z.copy(), z.copy()
    for k in range(1, 40):
        term = term * (-2.0 * z * z) / (2 * k + 1)
        total = total + term
    out[small] = total
    h = 0.1
    n0 = 2.0 * np.round(0.5 * a[middle] / h)
    shifted = a[middle] - n0 * h
    odd = 2.0 * np.arange(1, 66) - 1.0
    weights = np.exp(-(odd * h) ** 2)
    growth = np.exp(2.0 * np.multiply.outer(shifted, odd) * h)
    pairs = growth / (n0[:, None] + odd) + 1.0 / ((n0[:, None] - odd) * growth)
    out[middle] = np.exp(-shifted ** 2) * (pairs @ weights) / math.sqrt(math.pi)
    z = a[large]
    inverse = 1.0 / (2.0 * z * z)
    out[large] = (1.0 + inverse * (1.0 + inverse * (3.0 + inverse * 15.0))) / (2.0 * z)
    return out * np.sign(x)


def expint(x):
    """Ei(x) for x > 0; -inf at 0 and nan below, as TensorFlow."""
    x = np.asarray(x, np.float64)
    out = np.full_like(x, np.nan)
    small, large = (x > 0) & (x <= 40.0), x > 40.0
    z = x[small]
    term, total = np.ones_like(z), np.zeros_like(z)
    for k in range(1, 160):
        term = term * z / k
        total = total + term / k
    out[small] = _EULER + np.log(z) + total
    z = x[large]
    term, total = np.ones_like(z), np.ones_like(z)
    for k in range(1, 41):
        term = term * k / z
        total = total + term
    with np.errstate(over="ignore"):
        out[large] = np.exp(z) / z * total
    out[x == 0] = -np.inf
    return out


_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(100)


def fresnel(x):
    """(C(x), S(x)) = ∫₀ˣ (cos, sin)(πt²/2) dt."""
    x = np.asarray(x, np.float64)
    a = np.abs(x)
    c, s = np.empty_like(a), np.empty_like(a)
    near = a <= 6.0
    t = np.multiply.outer(a[near], (_GAUSS_NODES + 1.0) / 2.0)
    phase = np.pi / 2.0 * t * t
    c[near] = (np.cos(phase) @ _GAUSS_WEIGHTS) * a[near] / 2.0
    s[near] = (np.sin(phase) @ _GAUSS_WEIGHTS) * a[near] / 2.0
    far = ~near & np.isfinite(a)
    z = a[far]
    u = 1.0 / (np.pi * z * z) ** 2
    f_terms = [float(math.prod(range(1, 4 * m, 2))) for m in range(30)]       # 1·3···(4m-1)
    g_terms = [float(math.prod(range(1, 4 * m + 2, 2))) for m in range(30)]   # 1·3···(4m+1)
    f = np.zeros_like(z)
    g = np.zeros_like(z)
    for m in reversed(range(30)):
        f = f * (-u) + f_terms[m]
        g = g * (-u) + g_terms[m]
    f = f / (np.pi * z)
    g = g / (np.pi ** 2 * z ** 3)
    reduced = np.fmod(z * z, 4.0)
    phase = np.pi / 2.0 * reduced
    c[far] = 0.5 + f * np.sin(phase) - g * np.cos(phase)
    s[far] = 0.5 - f * np.cos(phase) - g * np.sin(phase)
    c[np.isinf(a)] = s[np.isinf(a)] = 0.5
    return c * np.sign(x), s * np.sign(x)


def _bernoulli(count):
    numbers = [Fraction(1)]
    for m in range(1, count):
        numbers.append(-sum(math.comb(m + 1, k) * numbers[k] for k in range(m)) / (m + 1))
    return numbers


_LI2_COEFFICIENTS = [float(b / math.factorial(n + 1)) for n, b in enumerate(_bernoulli(40))]


def _dilog_central(z):
    """Li₂(z) for z in [-1, 1/2]."""
    u = -np.log1p(-z)
    total = np.zeros_like(u)
    for c in _LI2_COEFFICIENTS[::-1]:
        total = total * u + c
    return total * u


def spence(x):
    """∫₁ˣ ln t / (1 - t) dt = Li₂(1 - x) for x ≥ 0; nan below."""
    x = np.asarray(x, np.float64)
    out = np.full_like(x, np.nan)
    pi2_6 = math.pi ** 2 / 6.0
    low, middle, high = (x >= 0) & (x <= 0.5), (x > 0.5) & (x <= 2.0), x > 2.0
    z = x[low]
    with np.errstate(divide="ignore", invalid="ignore"):
        product = np.where(z > 0, np.log(z) * np.log1p(-z), 0.0)
    out[low] = pi2_6 - product - _dilog_central(z)
    out[middle] = _dilog_central(1.0 - x[middle])
    z = x[high]
    log = np.log(z - 1.0)
    out[high] = -pi2_6 - 0.5 * log * log - _dilog_central(1.0 / (1.0 - z))
    out[np.isposinf(x)] = -np.inf
    return out


# Giles (2010), "Approximating the erfinv function": single precision, refined below.
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
               0.00943887047, 1.00167406, 2.83297682)


def _erfcinv_upper(q):
    """y ≥ 0 with erfc(y) = q, for q in (0, 1]."""
    w = -np.log(q * (2.0 - q))
    central = np.zeros_like(w)
    for c in _GILES_CENTRAL:
        central = central * (w - 2.5) + c
    tail = np.zeros_like(w)
    root = np.sqrt(np.maximum(w, 5.0)) - 3.0
    for c in _GILES_TAIL:
        tail = tail * root + c
    y = np.where(w < 5.0, central, tail) * (1.0 - q)
    far = w > 30.0
    guess = np.sqrt(w[far])
    y[far] = np.sqrt(np.maximum(w[far] - np.log(guess * math.sqrt(math.pi)) + math.log(2.0), 1.0))
    log_q = np.log(q)
    for _ in range(6):
        value = _erfc(y).astype(np.float64)
        slope = -2.0 / math.sqrt(math.pi) * np.exp(-y * y) / value
        y = y - (np.log(value) - log_q) / slope
        y = np.maximum(y, 0.0)
    return y


def erfcinv(q):
    q = np.asarray(q, np.float64)
    out = np.full_like(q, np.nan)
    upper, lower = (q > 0) & (q <= 1.0), (q > 1.0) & (q < 2.0)
    out[upper] = _erfcinv_upper(q[upper])
    out[lower] = -_erfcinv_upper(2.0 - q[lower])
    out[q == 0] = np.inf
    out[q == 2] = -np.inf
    return out


def erfinv(p):
    p = np.asarray(p, np.float64)
    a = np.abs(p)
    out = np.full_like(p, np.nan)
    central, tail = a <= 0.5, (a > 0.5) & (a < 1.0)
    z = a[central]
    y = _erfcinv_upper(1.0 - z)
    for _ in range(3):   # Newton on erf itself keeps the relative accuracy near 0
        y = y - (_erf(y).astype(np.float64) - z) / (2.0 / math.sqrt(math.pi) * np.exp(-y * y))
    out[central] = y
    out[tail] = _erfcinv_upper(1.0 - a[tail])
    out[a == 1.0] = np.inf
    return out * np.sign(p)


def ndtri(p):
    p = np.asarray(p, np.float64)
    out = np.full_like(p, np.nan)
    low, high = (p >= 0) & (p <= 0.5), (p > 0.5) & (p <= 1.0)
    out[low] = -math.sqrt(2.0) * erfcinv(2.0 * p[low])
    out[high] = math.sqrt(2.0) * erfcinv(2.0 * (1.0 - p[high]))
    return out
