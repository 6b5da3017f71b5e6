"""Numpy kernels (float64 in, float64 out) for the Bessel functions of orders 0 and 1 that
tf.math and tf.math.special expose: I (and e^-|x| I), J, Y, K (and e^x K).

Each range uses a method that is accurate to a few float64 ulps there:

- small |x| (≤ 2): the power series (for K, A&S 9.6.11 with I's series), no cancellation;
- I up to 50: the trapezoid rule on I_n(x) = (1/2π)∮ e^{x cos τ} cos(nτ) dτ, exponentially
  accurate for a periodic integrand (128 points leave aliased terms below 1e-40);
- J up to 25: the same idea for the generating function e^{ix sin τ} = Σ J_n(x) e^{inτ}: one
  FFT of 256 samples gives every J_n at once; Y from J by the Neumann series
  Y0 = (2/π)(ln(x/2) + γ)J0 - (4/π)Σ(-1)^k J_2k/k and its derivative (Y1 = -Y0');
- K from 2 to 50: the trapezoid rule on e^x K_ν(x) = ∫₀^∞ e^{-x(cosh t - 1)} cosh(νt) dt,
  whose error falls like e^{-2πd/h} for a double-exponentially decaying integrand;
- beyond: Hankel's asymptotic expansions, whose smallest term is below e^{-2x}.
"""
import math

import numpy as np

_EULER = 0.57721566490153286061
_SERIES_TERMS = 30
_ASYMPTOTIC_TERMS = 30


def _asymptotic_coefficients(order, count):
    """a_k(ν) = Π_{j≤k} (4ν² - (2j-1)²) / (k! 8^k)."""
    out, value = [1.0], 1.0
    for k in range(1, count):
        value *= (4.0 * order * order - (2 * k - 1) ** 2) / (k * 8.0)
        out.append(value)
    return np.array(out)


def _series(z, coefficients):
    """Σ c_k z^k by Horner's rule."""
    total = np.zeros_like(z)
    for c in coefficients[::-1]:
        total = total * z + c
    return total


def _power_series_i(x, order):
    """I_order(x) = Σ (x/2)^{2k+order} / (k!(k+order)!) (all terms of one sign)."""
    quarter = x * x / 4.0
    coefficients = [1.0 / (math.factorial(k) * math.factorial(k + order)) for k in range(_SERIES_TERMS)]
    return _series(quarter, coefficients) * (x / 2.0) ** order


def _power_series_j(x, order):
    quarter = -x * x / 4.0
    coefficients = [1.0 / (math.factorial(k) * math.factorial(k + order)) for k in range(_SERIES_TERMS)]
    return _series(quarter, coefficients) * (x / 2.0) ** order


def scaled_i(x, order):
    """e^{-|x|} I_order(x) for order 0 or 1."""
    x = np.asarray(x, np.float64)
    a = np.abs(x)
    out = np.empty_like(a)
    small, middle, large = a <= 2.0, (a > 2.0) & (a <= 50.0), a > 50.0
    out[small] = _power_series_i(a[small], order) * np.exp(-a[small])
    tau = 2.0 * np.pi * np.arange(128) / 128
    samples = np.exp(np.multiply.outer(a[middle], np.cos(tau) - 1.0)) * np.cos(order * tau)
    out[middle] = samples.mean(axis=-1)
    coefficients = _asymptotic_coefficients(order, _ASYMPTOTIC_TERMS) * (-1.0) ** np.arange(_ASYMPTOTIC_TERMS)
    out[large] = _series(1.0 / a[large], coefficients) / np.sqrt(2.0 * np.pi * a[large])
    out[np.isinf(a)] = 0.0
    return out * np.sign(x) if order == 1 else out


def _hankel(x, order):
    """(P, Q) of J_ν = √(2/πx)(P cos χ - Q sin χ), Y_ν = √(2/πx)(P sin χ + Q cos χ)."""
    a = _asymptotic_coefficients(order, _ASYMPTOTIC_TERMS)
    inverse = 1.0 / x
    signs = (-1.0) ** np.arange(_ASYMPTOTIC_TERMS // 2)
    p = _series(inverse * inverse, a[0::2] * signs)
    q = _series(inverse * inverse, a[1::2] * signs) * inverse
    return p, q


def _bessel_j_table(x, count):
    """J_0..J_{count-1} at each x (|x| ≤ 25), shape (len(x), count), from one FFT of the
    generating function."""
    m = 256
    tau = 2.0 * np.pi * np.arange(m) / m
    coefficients = np.fft.fft(np.exp(1j * np.multiply.outer(x, np.sin(tau))), axis=-1) / m
    return coefficients[:, :count].real


def bessel_jy(x):
    """(J0, J1, Y0, Y1) at x (Y is nan for x < 0, -inf at 0)."""
    x = np.asarray(x, np.float64)
    a = np.abs(x)
    j0, j1, y0, y1 = (np.full_like(a, np.nan) for _ in range(4))
    middle, large = a <= 25.0, a > 25.0
    table = _bessel_j_table(a[middle], 64)
    j0[middle], j1[middle] = table[:, 0], table[:, 1]
    small = a <= 2.0
    j0[small], j1[small] = _power_series_j(a[small], 0), _power_series_j(a[small], 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = a[middle]
        log_term = (np.log(z / 2.0) + _EULER) * 2.0 / np.pi
        k = np.arange(1, 31)
        signs = (-1.0) ** k
        y0[middle] = log_term * j0[middle] - 4.0 / np.pi * (table[:, 2 * k] * signs / k).sum(axis=-1)
        y1[middle] = (-2.0 / np.pi * j0[middle] / z + log_term * j1[middle]
                      + 2.0 / np.pi * ((table[:, 2 * k - 1] - table[:, 2 * k + 1]) * signs / k).sum(axis=-1))
    for order, (j, y) in enumerate(((j0, y0), (j1, y1))):
        z = a[large]
        p, q = _hankel(z, order)
        chi = z - (0.5 * order + 0.25) * np.pi
        scale = np.sqrt(2.0 / (np.pi * z))
        j[large] = scale * (p * np.cos(chi) - q * np.sin(chi))
        y[large] = scale * (p * np.sin(chi) + q * np.cos(chi))
    j0[np.isinf(a)] = j1[np.isinf(a)] = 0.0
    y0[np.isposinf(x)] = y1[np.isposinf(x)] = 0.0
    j1 = j1 * np.sign(x)
    y0[x == 0], y1[x == 0] = -np.inf, -np.inf
    y0[x < 0], y1[x < 0] = np.nan, np.nan
    return j0, j1, y0, y1


def scaled_k(x, order):
    """e^x K_order(x) for order 0 or 1 (nan for x < 0, inf at 0)."""
    x = np.asarray(x, np.float64)
    out = np.full_like(x, np.nan)
    small, middle, large = (x > 0) & (x <= 2.0), (x > 2.0) & (x <= 50.0), x > 50.0
    z = x[small]
    quarter = z * z / 4.0
    harmonic = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, _SERIES_TERMS))])
    log_half = np.log(z / 2.0)
    if order == 0:
        sums = _series(quarter, [harmonic[k] / math.factorial(k) ** 2 for k in range(_SERIES_TERMS)])
        value = -(log_half + _EULER) * _power_series_i(z, 0) + sums
    else:
        digamma_pairs = [(2.0 * harmonic[k] + 1.0 / (k + 1) - 2.0 * _EULER) / (math.factorial(k) * math.factorial(k + 1))
                         for k in range(_SERIES_TERMS)]
        value = 1.0 / z + log_half * _power_series_i(z, 1) - z / 4.0 * _series(quarter, digamma_pairs)
    out[small] = value * np.exp(z)
    step = 0.05
    t = np.arange(101) * step
    weights = np.full(t.shape, step)
    weights[0] = step / 2.0
    integrand = np.exp(-np.multiply.outer(x[middle], np.cosh(t) - 1.0)) * np.cosh(order * t)
    out[middle] = integrand @ weights
    coefficients = _asymptotic_coefficients(order, _ASYMPTOTIC_TERMS)
    out[large] = _series(1.0 / x[large], coefficients) * np.sqrt(np.pi / (2.0 * x[large]))
    out[x == 0] = np.inf
    out[np.isposinf(x)] = 0.0
    return out
