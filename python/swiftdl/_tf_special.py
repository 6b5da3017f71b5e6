"""tf.math's special functions (Bessel I, the inverse error functions, incomplete gamma
and beta, zeta, polygamma, lbeta) and tf.math.special's (Bessel J, Y, K, dawsn, expint,
Fresnel integrals, spence), differentiable where TensorFlow is.

NOTE: these evaluate series, continued fractions and quadratures whose length depends on
each value (_special_bessel, _special_integrals, _special_gamma, in numpy float64, then
rounded to the input's precision). Unrolled into engine ops they would record thousands of
nodes per call for nothing the tape needs, so each is one custom-gradient node whose
backward is the closed-form derivative, written with engine ops and these same functions
(so second derivatives work where TensorFlow has them too). The derivative of igamma in
`a`, which has no closed form, is a 6-point central difference of the float64 kernel.
"""
import math

import numpy as np

from . import _creation, _ops, _shape
from ._convert import TensorBase, asarray
from ._custom_gradient import custom_gradient
from ._special_bessel import bessel_jy, scaled_i, scaled_k
from ._special_gamma import betainc as _betainc, digamma as _digamma, igamma_pair, lgamma as _lgamma
from ._special_gamma import polygamma as _polygamma, zeta as _zeta
from ._special_integrals import dawsn as _dawsn, erfcinv as _erfcinv, erfinv as _erfinv, expint as _expint
from ._special_integrals import fresnel, ndtri as _ndtri, spence as _spence
from ._tf_cast import convert_to_tensor
from .errors import raises_tf_errors


def _float(x):
    x = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def _numpy_op(forward, derivatives, *inputs):
    """forward(*float64 arrays) as one tape node; derivatives[i](*tensors, result) is
    ∂result/∂input_i (None: no gradient, as TensorFlow gives none)."""
    tensors = [_float(x) for x in inputs]
    dtype = tensors[0].dtype
    tensors = [t.astype(dtype) for t in tensors]
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    tensors = [t if tuple(t.shape) == shape else _shape.broadcast_to(t, shape) for t in tensors]

    @custom_gradient
    def node(*xs):
        with np.errstate(all="ignore"):   # overflow to ±inf in float32 is the answer, as in TensorFlow
            values = forward(*(np.asarray(x.numpy(), np.float64) for x in xs))
            result = asarray(np.ascontiguousarray(np.asarray(values).astype(dtype.name)))

        def grad(upstream):
            grads = [None if d is None else upstream * d(*xs, result) for d in derivatives]
            return grads[0] if len(grads) == 1 else grads
        return result, grad

    return node(*tensors)


def _where_zero(x, value, otherwise):
    return _ops.where(_ops.equal(x, 0.0), _creation.full((), value, x.dtype), otherwise)


def _safe_reciprocal(x):
    return _ops.reciprocal(_ops.where(_ops.equal(x, 0.0), _creation.ones((), x.dtype), x))


# ---- Bessel functions -------------------------------------------------------------------

@raises_tf_errors
def bessel_i0e(x, name=None):
    """e^{-|x|} I0(x), the exponentially scaled modified Bessel function of order 0."""
    return _numpy_op(lambda v: scaled_i(v, 0), [lambda v, y: bessel_i1e(v) - _ops.sign(v) * y], x)


@raises_tf_errors
def bessel_i1e(x, name=None):
    """e^{-|x|} I1(x)."""
    def derivative(v, y):
        return _where_zero(v, 0.5, bessel_i0e(v) - y * (_ops.sign(v) + _safe_reciprocal(v)))
    return _numpy_op(lambda v: scaled_i(v, 1), [derivative], x)


@raises_tf_errors
def bessel_i0(x, name=None):
    """I0(x), the modified Bessel function of the first kind of order 0."""
    return _numpy_op(lambda v: scaled_i(v, 0) * np.exp(np.abs(v)), [lambda v, y: bessel_i1(v)], x)


@raises_tf_errors
def bessel_i1(x, name=None):
    """I1(x)."""
    return _numpy_op(lambda v: scaled_i(v, 1) * np.exp(np.abs(v)),
                     [lambda v, y: _where_zero(v, 0.5, bessel_i0(v) - y * _safe_reciprocal(v))], x)


@raises_tf_errors
def bessel_j0(x, name=None):
    """J0(x), the Bessel function of the first kind of order 0."""
    return _numpy_op(lambda v: bessel_jy(v)[0], [lambda v, y: -bessel_j1(v)], x)


@raises_tf_errors
def bessel_j1(x, name=None):
    """J1(x)."""
    return _numpy_op(lambda v: bessel_jy(v)[1],
                     [lambda v, y: _where_zero(v, 0.5, bessel_j0(v) - y * _safe_reciprocal(v))], x)


@raises_tf_errors
def bessel_y0(x, name=None):
    """Y0(x), the Bessel function of the second kind of order 0 (nan for x < 0)."""
    return _numpy_op(lambda v: bessel_jy(v)[2], [lambda v, y: -bessel_y1(v)], x)


@raises_tf_errors
def bessel_y1(x, name=None):
    """Y1(x) (nan for x < 0)."""
    return _numpy_op(lambda v: bessel_jy(v)[3], [lambda v, y: bessel_y0(v) - y * _safe_reciprocal(v)], x)


@raises_tf_errors
def bessel_k0e(x, name=None):
    """e^x K0(x), the exponentially scaled modified Bessel function of the second kind."""
    return _numpy_op(lambda v: scaled_k(v, 0), [lambda v, y: y - bessel_k1e(v)], x)


@raises_tf_errors
def bessel_k1e(x, name=None):
    """e^x K1(x)."""
    return _numpy_op(lambda v: scaled_k(v, 1), [lambda v, y: y - bessel_k0e(v) - y * _safe_reciprocal(v)], x)


@raises_tf_errors
def bessel_k0(x, name=None):
    """K0(x) (nan for x < 0)."""
    return _numpy_op(lambda v: scaled_k(v, 0) * np.exp(-v), [lambda v, y: -bessel_k1(v)], x)


@raises_tf_errors
def bessel_k1(x, name=None):
    """K1(x) (nan for x < 0)."""
    return _numpy_op(lambda v: scaled_k(v, 1) * np.exp(-v),
                     [lambda v, y: -bessel_k0(v) - y * _safe_reciprocal(v)], x)


# ---- integrals --------------------------------------------------------------------------

@raises_tf_errors
def dawsn(x, name=None):
    """Dawson's integral e^{-x²} ∫₀ˣ e^{t²} dt."""
    return _numpy_op(_dawsn, [lambda v, y: 1.0 - 2.0 * v * y], x)


@raises_tf_errors
def expint(x, name=None):
    """The exponential integral Ei(x) (nan for x < 0, as TensorFlow)."""
    return _numpy_op(_expint, [lambda v, y: _ops.exp(v) * _safe_reciprocal(v)], x)


@raises_tf_errors
def fresnel_cos(x, name=None):
    """C(x) = ∫₀ˣ cos(πt²/2) dt."""
    return _numpy_op(lambda v: fresnel(v)[0], [lambda v, y: _ops.cos(math.pi / 2 * v * v)], x)


@raises_tf_errors
def fresnel_sin(x, name=None):
    """S(x) = ∫₀ˣ sin(πt²/2) dt."""
    return _numpy_op(lambda v: fresnel(v)[1], [lambda v, y: _ops.sin(math.pi / 2 * v * v)], x)


@raises_tf_errors
def spence(x, name=None):
    """Spence's integral ∫₁ˣ ln t / (1 - t) dt = Li₂(1 - x), for x ≥ 0."""
    def derivative(v, y):
        one = _ops.equal(v, 1.0)
        safe = _ops.where(one, _creation.full((), 2.0, v.dtype), v)
        return _ops.where(one, _creation.full((), -1.0, v.dtype), _ops.log(safe) / (1.0 - safe))
    return _numpy_op(_spence, [derivative], x)


# ---- inverse error functions ------------------------------------------------------------

_HALF_SQRT_PI = math.sqrt(math.pi) / 2


@raises_tf_errors
def erfinv(x, name=None):
    """The inverse of erf on (-1, 1); ±inf at ±1."""
    return _numpy_op(_erfinv, [lambda v, y: _HALF_SQRT_PI * _ops.exp(y * y)], x)


@raises_tf_errors
def erfcinv(x, name=None):
    """The inverse of erfc on (0, 2)."""
    return _numpy_op(_erfcinv, [lambda v, y: -_HALF_SQRT_PI * _ops.exp(y * y)], x)


@raises_tf_errors
def ndtri(x, name=None):
    """The inverse of the standard normal CDF (the quantile function) on (0, 1)."""
    return _numpy_op(_ndtri, [lambda v, y: math.sqrt(2 * math.pi) * _ops.exp(0.5 * y * y)], x)


# ---- gamma, beta, zeta ------------------------------------------------------------------

def _lgamma_op(x):
    return _numpy_op(_lgamma, [lambda v, y: _digamma_op(v)], x)


def _digamma_op(x):
    return _numpy_op(_digamma, [lambda v, y: polygamma(_creation.ones((), v.dtype), v)], x)


def _igamma_slope_in_a(a, x, upper):
    """∂P/∂a (∂Q/∂a = -∂P/∂a) by a 6-point central difference of the float64 kernel, taken
    on whichever of P and Q is the smaller (the other, near 1, would drown it in rounding)."""
    av, xv = np.asarray(a.numpy(), np.float64), np.asarray(x.numpy(), np.float64)
    step = 1e-3 * np.minimum(av, np.maximum(1.0, np.sqrt(av)))
    weights = ((-3, -1.0), (-2, 9.0), (-1, -45.0), (1, 45.0), (2, -9.0), (3, 1.0))
    with np.errstate(all="ignore"):
        use_upper = igamma_pair(av, xv)[0] > 0.5
        differences = sum(w * np.where(use_upper, -igamma_pair(av + k * step, xv)[1], igamma_pair(av + k * step, xv)[0])
                          for k, w in weights)
        slope = differences / (60.0 * step)
    return asarray((-slope if upper else slope).astype(a.dtype.name))


def _igamma_slope_in_x(a, x):
    return _ops.exp(-x + (a - 1.0) * _ops.log(x) - _lgamma_op(a))


@raises_tf_errors
def igamma(a, x, name=None):
    """The regularized lower incomplete gamma function P(a, x) (nan outside a > 0, x ≥ 0)."""
    return _numpy_op(lambda av, xv: igamma_pair(av, xv)[0],
                     [lambda av, xv, y: _igamma_slope_in_a(av, xv, False), lambda av, xv, y: _igamma_slope_in_x(av, xv)],
                     a, x)


@raises_tf_errors
def igammac(a, x, name=None):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _numpy_op(lambda av, xv: igamma_pair(av, xv)[1],
                     [lambda av, xv, y: _igamma_slope_in_a(av, xv, True), lambda av, xv, y: -_igamma_slope_in_x(av, xv)],
                     a, x)


@raises_tf_errors
def betainc(a, b, x, name=None):
    """The regularized incomplete beta function I_x(a, b); differentiable in x only, as
    TensorFlow."""
    def slope(av, bv, xv, y):
        log_beta = _lgamma_op(av) + _lgamma_op(bv) - _lgamma_op(av + bv)
        return _ops.exp((av - 1.0) * _ops.log(xv) + (bv - 1.0) * _ops.log1p(-xv) - log_beta)
    return _numpy_op(_betainc, [None, None, slope], a, b, x)


@raises_tf_errors
def zeta(x, q, name=None):
    """The Hurwitz zeta function Σ_k (q + k)^{-x} (x > 1); differentiable in q, as TensorFlow."""
    return _numpy_op(_zeta, [None, lambda xv, qv, y: -xv * zeta(xv + 1.0, qv)], x, q)


@raises_tf_errors
def polygamma(a, x, name=None):
    """The a-th derivative of digamma at x (a a non-negative integer; nan otherwise);
    differentiable in x, as TensorFlow."""
    return _numpy_op(_polygamma, [None, lambda av, xv, y: polygamma(av + 1.0, xv)], a, x)


@raises_tf_errors
def lbeta(x, name=None):
    """log|B(x)| = Σ lnΓ(x_i) - lnΓ(Σ x_i) over the last axis (tf.math.lbeta); an empty last
    axis gives 0, as TensorFlow."""
    x = _float(x)
    if x.ndim == 0:
        x = _shape.reshape(x, (1,))
    if x.shape[-1] == 0:
        return _creation.zeros(tuple(x.shape[:-1]), x.dtype)
    return _ops.sum(_lgamma_op(x), axis=-1) - _lgamma_op(_ops.sum(x, axis=-1))

