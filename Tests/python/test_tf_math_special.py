"""tf.math's special functions and tf.math.special against TensorFlow 2.21's outputs
(fixtures/tf_math_special/tf_math_special.npz, written by make_tf_math_special_fixture.py
on grids that cross each algorithm's range boundaries), with TensorFlow's gradients and
finite differences."""
import math
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_math_special" / "tf_math_special.npz")
UNARY = {
    "bessel_i0": tf.math.bessel_i0, "bessel_i0e": tf.math.bessel_i0e, "bessel_i1": tf.math.bessel_i1,
    "bessel_i1e": tf.math.bessel_i1e, "bessel_j0": tf.math.special.bessel_j0, "bessel_j1": tf.math.special.bessel_j1,
    "bessel_y0": tf.math.special.bessel_y0, "bessel_y1": tf.math.special.bessel_y1,
    "bessel_k0": tf.math.special.bessel_k0, "bessel_k0e": tf.math.special.bessel_k0e,
    "bessel_k1": tf.math.special.bessel_k1, "bessel_k1e": tf.math.special.bessel_k1e,
    "dawsn": tf.math.special.dawsn, "expint": tf.math.special.expint, "fresnel_cos": tf.math.special.fresnel_cos,
    "fresnel_sin": tf.math.special.fresnel_sin, "spence": tf.math.special.spence, "erfinv": tf.math.erfinv,
    "erfcinv": tf.math.erfcinv, "ndtri": tf.math.ndtri,
}
# Oscillating functions are accurate to float64 rounding in absolute terms (relative
# accuracy near a zero means nothing, for TensorFlow's Cephes kernels as for these).
ABSOLUTE = {"bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1"}


def agree(actual, expected, rtol, atol=0.0):
    actual = np.asarray(actual)
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(actual[~finite], expected[~finite])
    np.testing.assert_allclose(actual[finite], expected[finite], rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_special_functions_match_tensorflow(name):
    function, x = UNARY[name], F[name + "_x"]
    expected = F[name]
    keep = _well_conditioned_in_tensorflow(name, x)
    agree(np.asarray(function(x))[keep], expected[keep], rtol=1e-12, atol=1e-15 if name in ABSOLUTE else 0.0)
    if name in ("erfinv", "erfcinv"):
        inside = np.abs(x - (name == "erfcinv")) < 1
        residual = [math.erf(v) if name == "erfinv" else math.erfc(v) for v in np.asarray(function(x[inside]))]
        np.testing.assert_allclose(residual, x[inside], rtol=1e-14, atol=1e-300)
    # TensorFlow's float32 kernels run in float32 (x² and the phase of fresnel, J and Y at
    # large x) and flush subnormal inputs to zero; these round the float64 value instead.
    x32 = x.astype(np.float32)
    normal = ((x32 == 0) | (np.abs(x32) >= np.finfo(np.float32).tiny)) & _well_conditioned_in_tensorflow(name, x32)
    atol = 1e-6 if name in ABSOLUTE else 2e-5 if name.startswith("fresnel") else 1e-37
    agree(np.asarray(function(x32))[normal], F[name + "_f32"][normal], rtol=5e-6, atol=atol)


def _well_conditioned_in_tensorflow(name, x):
    """TensorFlow computes erfinv(p) as ndtri((p + 1)/2)/√2 and erfcinv(q) as -ndtri(q/2)/√2,
    rounding away digits of 1 ∓ p near ±1 (and of p near 0) that the erfc-based inverses
    here keep (checked above through erf/erfc themselves instead)."""
    if name == "erfinv":
        return (np.abs(x) > 1e-8) & (np.abs(x) < 0.9)
    if name == "erfcinv":
        return (np.abs(x - 1) > 1e-8) & (np.abs(x - 1) < 0.9)
    return np.ones(x.shape, bool)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_derivatives_match_tensorflow(name):
    x = tf.constant(F[name + "_x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = UNARY[name](x)
    grad, expected = np.asarray(tape.gradient(y, x)), F[name + "_grad"]
    finite = np.isfinite(expected) & np.isfinite(np.asarray(y)) & (np.abs(expected) < 1e300)
    finite &= _well_conditioned_in_tensorflow(name, F[name + "_x"])
    if name in ("bessel_i1", "bessel_j1"):
        # TensorFlow's gradient at 0 is 1.0; the derivative there is 1/2 (checked below).
        finite &= F[name + "_x"] != 0
    # cos/sin(πx²/2) at |x| up to 400 differ by rounding of x² in either implementation.
    atol = 1e-12 if name.startswith("fresnel") else 1e-14
    np.testing.assert_allclose(grad[finite], expected[finite], rtol=1e-9, atol=atol)


def test_unary_derivatives_match_finite_differences():
    points = {"bessel_i1": [-0.0, 0.8, 4.0], "bessel_i1e": [-3.0, 0.0, 0.7, 2.5, 70.0], "bessel_j1": [0.0, 1.5],
              "bessel_j0": [0.3, 5.0, 30.0], "bessel_y1": [0.6, 4.0, 40.0],
              "bessel_k1e": [0.5, 3.0, 60.0], "dawsn": [0.2, 2.0, 9.0], "spence": [0.3, 1.0, 3.0],
              "ndtri": [0.01, 0.3, 0.8], "expint": [0.5, 3.0], "bessel_k0": [0.2, 45.0]}
    for name, x in points.items():
        check_gradients(UNARY[name], np.array(x), rtol=1e-6, atol=1e-9)


def test_incomplete_gamma_and_beta():
    a, x = F["a_grid"], F["x_grid"]
    agree(tf.math.igamma(a, x), F["igamma"], rtol=1e-12, atol=1e-300)
    agree(tf.math.igammac(a, x), F["igammac"], rtol=1e-11, atol=1e-300)
    # TensorFlow's float32 kernel loses digits in e^{a ln x - x} for a in the thousands
    # (a ln x ≈ 24000 carries float32's 6e-8 relative error into the exponent).
    moderate = a < 1000
    agree(np.asarray(tf.math.igamma(a.astype(np.float32), x.astype(np.float32)))[moderate],
          F["igamma_f32"][moderate], rtol=2e-5, atol=1e-37)
    a_t, x_t = tf.constant(a), tf.constant(x)
    for name, function in (("igamma", tf.math.igamma), ("igammac", tf.math.igammac)):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([a_t, x_t])
            y = function(a_t, x_t)
        grad_a, grad_x = (np.asarray(g) for g in tape.gradient(y, [a_t, x_t]))
        np.testing.assert_allclose(grad_x, F[name + "_grad_x"], rtol=1e-9, atol=1e-300)
        np.testing.assert_allclose(grad_a, F[name + "_grad_a"], rtol=1e-6, atol=1e-12)
    agree(tf.math.betainc(F["beta_a"], F["beta_b"], F["beta_x"]), F["betainc"], rtol=1e-11, atol=1e-300)
    moderate = (F["beta_a"] < 100) & (F["beta_b"] < 100)   # the same float32 exponent loss as igamma's
    betainc32 = tf.math.betainc(*(F[k].astype(np.float32) for k in ("beta_a", "beta_b", "beta_x")))
    agree(np.asarray(betainc32)[moderate], F["betainc_f32"][moderate], rtol=5e-5, atol=1e-37)
    bx = tf.constant(F["beta_x"])
    with tf.GradientTape() as tape:
        tape.watch(bx)
        y = tf.math.betainc(F["beta_a"], F["beta_b"], bx)
    grad = np.asarray(tape.gradient(y, bx))
    finite = np.isfinite(F["betainc_grad_x"])
    np.testing.assert_allclose(grad[finite], F["betainc_grad_x"][finite], rtol=1e-9, atol=1e-300)
    assert np.isnan(np.asarray(tf.math.igamma(-1.0, 2.0)))


def test_zeta_polygamma_lbeta():
    agree(tf.math.zeta(F["zeta_x"], F["zeta_q"]), F["zeta"], rtol=1e-13)
    agree(tf.math.zeta(np.array([0.5, 1.0, 2.0, 2.0, 3.0]), np.array([1.0, 1.0, 0.0, -2.0, -1.5])), F["zeta_edges"],
          rtol=1e-13)
    agree(tf.math.polygamma(F["poly_n"], F["poly_x"]), F["polygamma"], rtol=1e-12)
    agree(tf.math.lbeta(F["lbeta_x"]), F["lbeta"], rtol=1e-13)
    q, x = tf.constant(F["zeta_q"]), tf.constant(F["poly_x"])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([q, x])
        z = tf.math.zeta(F["zeta_x"], q)
        p = tf.math.polygamma(F["poly_n"], x)
    np.testing.assert_allclose(np.asarray(tape.gradient(z, q)), F["zeta_grad_q"], rtol=1e-11)
    np.testing.assert_allclose(np.asarray(tape.gradient(p, x)), F["polygamma_grad_x"], rtol=1e-11)
    check_gradients(tf.math.lbeta, F["lbeta_x"], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(tf.math.lbeta(np.zeros((2, 0)))), [0.0, 0.0])
