"""Numpy kernels (float64) for tf.math's gamma-family functions: lgamma and digamma (to
float64 rounding, for the special functions' gradients), igamma/igammac (regularized
incomplete gamma P and Q), betainc (regularized incomplete beta), zeta (Hurwitz) and
polygamma.

- P(a, x): its power series when x < a + 1, else Q by Legendre's continued fraction
  (modified Lentz), each times e^{a ln x - x - lnΓ(a)} (the classic split of Numerical
  Recipes §6.2; the series and fraction converge fastest on their sides of x = a + 1).
- I_x(a, b): the continued fraction of Numerical Recipes §6.4 on the side of
  x = (a + 1)/(a + b + 2) where it converges fast, by symmetry on the other.
- ζ(s, q): Euler-Maclaurin summation with N terms summed directly (N ≥ s so the Bernoulli
  tail's 14 terms fall like (s/2πN)^{2j}); negative q and integer s sum the poles' side
  directly, as Cephes (and so TensorFlow) does.
- polygamma(n, x) = (-1)^{n+1} n! ζ(n + 1, x) for n ≥ 1; digamma for n = 0.
"""
import math
from fractions import Fraction

import numpy as np

_lgamma = np.frompyfunc(math.lgamma, 1, 1)
_MAX_ITERATIONS = 20000
_TINY = 1e-300


def lgamma(x):
    x = np.asarray(x, np.float64)
    out = np.full_like(x, np.inf)
    poles = (x <= 0) & (x == np.floor(x))
    out[~poles] = _lgamma(x[~poles]).astype(np.float64) if np.any(~poles) else out[~poles]
    out[np.isnan(x)] = np.nan
    return out


def digamma(x):
    """ψ(x): the recurrence up to x ≥ 10, then the asymptotic series; reflection below 0.5."""
    x = np.asarray(x, np.float64)
    reflect = x < 0.5
    y = np.where(reflect, 1.0 - x, x)
    shift = np.zeros_like(y)
    for _ in range(10):
        small = y < 10.0
        shift = shift - np.where(small, 1.0 / np.where(small, y, 1.0), 0.0)
        y = np.where(small, y + 1.0, y)
    inverse2 = 1.0 / (y * y)
    series = inverse2 * (1 / 12 - inverse2 * (1 / 120 - inverse2 * (1 / 252 - inverse2 * (
        1 / 240 - inverse2 * (1 / 132 - inverse2 * (691 / 32760 - inverse2 / 12))))))
    value = np.log(y) - 0.5 / y - series + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        reflected = value - np.pi / np.tan(np.pi * x)
    out = np.where(reflect, reflected, value)
    out[(x <= 0) & (x == np.floor(x))] = np.nan
    return out


def _lower_series(a, x):
    total = 1.0 / a
    term = total.copy()
    ap = a.copy()
    active = np.ones(a.shape, bool)
    for _ in range(_MAX_ITERATIONS):
        ap = ap + 1.0
        term = np.where(active, term * x / ap, 0.0)
        total = total + term
        active = np.abs(term) > np.abs(total) * 1e-17
        if not active.any():
            break
    return total


def _upper_fraction(a, x):
    b = x + 1.0 - a
    c = np.full_like(x, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    active = np.ones(a.shape, bool)
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        delta = np.where(active, d * c, 1.0)
        h = h * delta
        active = np.abs(delta - 1.0) > 1e-16
        if not active.any():
            break
    return h


def igamma_pair(a, x):
    """(P(a, x), Q(a, x)), nan outside a > 0, x ≥ 0."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    p, q = np.full(a.shape, np.nan), np.full(a.shape, np.nan)
    valid = (a > 0) & (x >= 0) & np.isfinite(a)
    series = valid & (x < a + 1.0) & (x > 0)
    fraction = valid & (x >= a + 1.0) & np.isfinite(x)
    for mask, kernel in ((series, _lower_series), (fraction, _upper_fraction)):
        aa, xx = a[mask], x[mask]
        with np.errstate(over="ignore", under="ignore"):
            value = kernel(aa, xx) * np.exp(aa * np.log(xx) - xx - lgamma(aa))
        if kernel is _lower_series:
            p[mask], q[mask] = value, 1.0 - value
        else:
            p[mask], q[mask] = 1.0 - value, value
    zero, infinite = valid & (x == 0), valid & np.isposinf(x)
    p[zero], q[zero] = 0.0, 1.0
    p[infinite], q[infinite] = 1.0, 0.0
    return p, q


def lbeta_pair(a, b):
    return lgamma(a) + lgamma(b) - lgamma(a + b)


def _beta_fraction(a, b, x):
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
    h = d.copy()
    active = np.ones(x.shape, bool)
    for m in range(1, _MAX_ITERATIONS):
        m2 = 2 * m
        for numerator in (m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + numerator * d
            d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
            c = 1.0 + numerator / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            delta = d * c
            h = np.where(active, h * delta, h)
        active = active & (np.abs(delta - 1.0) > 1e-16)
        if not active.any():
            break
    return h


def betainc(a, b, x):
    a, b, x = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, x)))
    out = np.full(a.shape, np.nan)
    valid = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
    inside = valid & (x > 0) & (x < 1)
    aa, bb, xx = a[inside], b[inside], x[inside]
    log_front = aa * np.log(xx) + bb * np.log1p(-xx) - lbeta_pair(aa, bb)
    direct = xx < (aa + 1.0) / (aa + bb + 2.0)
    value = np.empty_like(xx)
    value[direct] = np.exp(log_front[direct]) * _beta_fraction(aa[direct], bb[direct], xx[direct]) / aa[direct]
    flip = ~direct
    value[flip] = 1.0 - np.exp(log_front[flip]) * _beta_fraction(bb[flip], aa[flip], 1.0 - xx[flip]) / bb[flip]
    out[inside] = value
    out[valid & (x == 0)] = 0.0
    out[valid & (x == 1)] = 1.0
    return out


def _bernoulli_even(count):
    numbers = [Fraction(1)]
    for m in range(1, 2 * count + 1):
        numbers.append(-sum(math.comb(m + 1, k) * numbers[k] for k in range(m)) / (m + 1))
    return [float(numbers[2 * j] / math.factorial(2 * j)) for j in range(1, count + 1)]


_TAIL_COEFFICIENTS = _bernoulli_even(14)   # B_2j / (2j)!


def zeta(s, q):
    """The Hurwitz zeta function Σ_{k≥0} (q + k)^{-s} (Cephes's domain: s > 1)."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    out = np.full(s.shape, np.nan)
    integer_q = q == np.floor(q)
    valid = (s > 1) & np.isfinite(q) & ~((q <= 0) & integer_q) & ~((q < 0) & (s != np.floor(s)))
    ss, qq = s[valid], q[valid]
    finite_s = ss[np.isfinite(ss)]
    count = int(min(max(10.0, float(finite_s.max(initial=0.0)), 10.0 - float(qq.min(initial=0.0))), 400.0))
    total = np.zeros_like(ss)
    for k in range(count):
        total = total + np.power(qq + k, -ss)
    w = qq + count
    with np.errstate(over="ignore", under="ignore"):
        power = np.power(w, -ss)
        tail = w * power / (ss - 1.0) + 0.5 * power
        rising, factor = ss.copy(), power / w
        for j, coefficient in enumerate(_TAIL_COEFFICIENTS):
            tail = tail + coefficient * rising * factor
            rising = rising * (ss + 2 * j + 1) * (ss + 2 * j + 2)
            factor = factor / (w * w)
    out[valid] = total + tail
    out[(s == 1) & ~np.isnan(q)] = np.inf
    out[(s > 1) & (q <= 0) & integer_q] = np.inf
    return out


def polygamma(n, x):
    n, x = np.broadcast_arrays(np.asarray(n, np.float64), np.asarray(x, np.float64))
    out = np.full(n.shape, np.nan)
    first = n == 0
    out[first] = digamma(x[first])
    higher = (n >= 1) & (n == np.floor(n))
    nn = n[higher]
    sign = np.where(np.fmod(nn, 2.0) == 1.0, 1.0, -1.0)
    out[higher] = sign * np.exp(lgamma(nn + 1.0)) * zeta(nn + 1.0, x[higher])
    return out
