"""swiftdl.nn.fused_batch_norm (the engine's one-op batch normalisation that Keras's
BatchNormalization runs on): values against numpy's formula, float64 finite-difference
gradients in training and inference, layouts (channels last, first, middle), and hostile
input."""
import numpy as np
import pytest

import swiftdl as sd
from _nn_gradcheck import check_gradients

RNG = np.random.default_rng(5)


def reference(x, axis, gamma, beta, epsilon, mean=None, variance=None):
    axes = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    if mean is None:
        mean, variance = x.mean(axis=axes), x.var(axis=axes)
    y = (x - mean.reshape(shape)) / np.sqrt(variance.reshape(shape) + epsilon)
    if gamma is not None:
        y = y * gamma.reshape(shape)
    if beta is not None:
        y = y + beta.reshape(shape)
    return y, mean, variance


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, axis", [((6, 5, 5, 8), -1), ((4, 3, 5, 6), 1), ((5, 7), 1), ((9, 4, 3), 1),
                                         ((300, 3), -1)])
@pytest.mark.parametrize("affine", [True, False])
def test_training_matches_the_formula(dtype, shape, axis, affine):
    x = (RNG.standard_normal(shape) * 3 + 2).astype(dtype)
    c = shape[axis]
    gamma = RNG.standard_normal(c).astype(dtype) if affine else None
    beta = RNG.standard_normal(c).astype(dtype) if affine else None
    y, mean, variance = sd.nn.fused_batch_norm(x, gamma, beta, epsilon=1e-3, axis=axis)
    expected, expected_mean, expected_variance = reference(x.astype(np.float64), axis, gamma, beta, 1e-3)
    tolerance = 2e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y.numpy(), expected, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(mean.numpy(), expected_mean, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(variance.numpy(), expected_variance, rtol=tolerance, atol=tolerance)
    assert y.dtype == dtype


def test_inference_uses_the_given_statistics():
    x = RNG.standard_normal((3, 4, 4, 5))
    mean, variance = RNG.standard_normal(5), RNG.random(5) + 0.5
    gamma, beta = RNG.standard_normal(5), RNG.standard_normal(5)
    y, used_mean, used_variance = sd.nn.fused_batch_norm(x, gamma, beta, mean, variance, epsilon=1e-2)
    np.testing.assert_allclose(y.numpy(), reference(x, -1, gamma, beta, 1e-2, mean, variance)[0], rtol=1e-12)
    np.testing.assert_array_equal(used_mean.numpy(), mean)


def test_a_large_mean_keeps_its_precision_in_float32():
    x = (RNG.standard_normal((64, 32)) + 1000).astype(np.float32)
    y, _, _ = sd.nn.fused_batch_norm(x)
    expected = reference(x.astype(np.float64), -1, None, None, 1e-3)[0]
    np.testing.assert_allclose(y.numpy(), expected, atol=2e-3)


@pytest.mark.parametrize("shape, axis", [((4, 3, 3, 2), -1), ((3, 2, 4), 1), ((6, 3), 0)])
def test_training_gradients_match_finite_differences(shape, axis):
    c = shape[axis]
    x, gamma, beta = RNG.standard_normal(shape), RNG.standard_normal(c), RNG.standard_normal(c)
    check_gradients(lambda a, g, b: sd.nn.fused_batch_norm(a, g, b, epsilon=1e-3, axis=axis)[0], x, gamma, beta,
                    rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("rows, channels", [(203, 160), (37, 72), (1030, 16)])
def test_wide_and_long_channels_last_sums(threads, rows, channels):
    """The statistics and gradient sums take row-unrolled loops when their accumulators do
    not fit on the stack (many channels, or several threads): values and gradients against
    the formula, with row counts that leave unrolling tails."""
    x = RNG.standard_normal((rows, channels)) * 2 + 1
    gamma, beta, upstream = RNG.standard_normal(channels), RNG.standard_normal(channels), RNG.standard_normal(x.shape)
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        xt, gt, bt = sd.Variable(x), sd.Variable(gamma), sd.Variable(beta)
        with sd.GradientTape() as tape:
            y, mean, variance = sd.nn.fused_batch_norm(xt, gt, bt, epsilon=1e-3)
            total = sd.sum(y * upstream)
        dx, dgamma, dbeta = tape.gradient(total, [xt, gt, bt])
    finally:
        sd.config.set_num_threads(previous)
    expected, expected_mean, expected_variance = reference(x, -1, gamma, beta, 1e-3)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(mean.numpy(), expected_mean, rtol=1e-12)
    np.testing.assert_allclose(variance.numpy(), expected_variance, rtol=1e-12)
    normalized = (x - expected_mean) / np.sqrt(expected_variance + 1e-3)
    np.testing.assert_allclose(dbeta.numpy(), upstream.sum(0), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dgamma.numpy(), (upstream * normalized).sum(0), rtol=1e-10, atol=1e-10)
    scaled = upstream * gamma
    expected_dx = (scaled - scaled.mean(0) - normalized * (scaled * normalized).mean(0)) / np.sqrt(
        expected_variance + 1e-3)
    np.testing.assert_allclose(dx.numpy(), expected_dx, rtol=1e-9, atol=1e-10)


def test_inference_gradients_match_finite_differences():
    x, gamma, beta = RNG.standard_normal((3, 4, 2)), RNG.standard_normal(2), RNG.standard_normal(2)
    mean, variance = RNG.standard_normal(2), RNG.random(2) + 0.5
    check_gradients(lambda a, g, b: sd.nn.fused_batch_norm(a, g, b, mean, variance)[0], x, gamma, beta)


def test_gradients_without_gamma_and_beta():
    x = RNG.standard_normal((5, 3))
    check_gradients(lambda a: sd.nn.fused_batch_norm(a)[0], x, rtol=1e-5, atol=1e-6)


def test_the_batch_statistics_sum_the_same_in_any_share_split():
    # Enough rows that several shares sum their part; compared with numpy in float64.
    x = RNG.standard_normal((4096, 16))
    _, mean, variance = sd.nn.fused_batch_norm(x)
    np.testing.assert_allclose(mean.numpy(), x.mean(0), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(variance.numpy(), x.var(0), rtol=1e-10)


def test_an_empty_batch_gives_nan_statistics_and_an_empty_output():
    y, mean, variance = sd.nn.fused_batch_norm(np.zeros((0, 3), np.float32))
    assert y.shape == (0, 3)
    assert np.isnan(mean.numpy()).all() and np.isnan(variance.numpy()).all()


@pytest.mark.parametrize("error, message, call", [
    (TypeError, r"float", lambda: sd.nn.fused_batch_norm(np.zeros((2, 3), np.int32))),
    (ValueError, r"axis 2 is out of bounds", lambda: sd.nn.fused_batch_norm(np.zeros((2, 3)), axis=2)),
    (ValueError, r"gamma must have shape \(3,\)", lambda: sd.nn.fused_batch_norm(np.zeros((2, 3)), np.ones(4))),
    (ValueError, r"given together", lambda: sd.nn.fused_batch_norm(np.zeros((2, 3)), mean=np.zeros(3))),
    (TypeError, r"beta must have x's dtype float32", lambda: sd.nn.fused_batch_norm(
        np.zeros((2, 3), np.float32), None, np.zeros(3))),
    (ValueError, r"epsilon", lambda: sd.nn.fused_batch_norm(np.zeros((2, 3)), epsilon=-1.0)),
    (ValueError, r"epsilon", lambda: sd.nn.fused_batch_norm(np.zeros((2, 3)), epsilon=float("nan"))),
    (ValueError, r"scalar", lambda: sd.nn.fused_batch_norm(np.float64(1.0))),
])
def test_hostile_input_raises(error, message, call):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("rows, channels", [(203, 160), (37, 13), (1030, 16), (4099, 96), (5, 3)])
@pytest.mark.parametrize("offset", [0.0, 300.0])
def test_float32_statistics_in_one_pass_keep_their_precision(threads, rows, channels, offset):
    """Float32 channels-last statistics take one pass (block means, squares about them, the
    between-block part in Double; ChannelSumKind.moments on AVX2 CPUs): the mean and the
    variance against float64 numpy on the same float32 values, with a mean far from zero,
    blocks that do not divide the rows and channels that are not a multiple of eight."""
    x = (RNG.standard_normal((rows, channels)) * (1 + np.arange(channels) % 5) + offset).astype(np.float32)
    x[:, 0] = offset  # a constant channel: variance exactly 0
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        y, mean, variance = sd.nn.fused_batch_norm(x, epsilon=1e-3)
    finally:
        sd.config.set_num_threads(previous)
    exact = x.astype(np.float64)
    np.testing.assert_allclose(mean.numpy(), exact.mean(0), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(variance.numpy(), exact.var(0), rtol=2e-6, atol=1e-9 * (1 + offset ** 2))
    assert variance.numpy()[0] == 0
    np.testing.assert_allclose(y.numpy(), reference(exact, -1, None, None, 1e-3)[0], rtol=1e-4, atol=1e-4)
