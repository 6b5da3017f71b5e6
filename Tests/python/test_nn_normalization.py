"""swiftdl.nn moments, batch_normalization, l2_normalize and dropout: values against numpy,
finite-difference gradients in float64, and clear errors."""
import numpy as np
import pytest

import swiftdl as sd
from _nn_gradcheck import check_gradients


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("axes,keepdims", [([0], False), ([0, 2], False), ([1], True), ([0, 1, 2], False)])
def test_moments_match_numpy(axes, keepdims):
    x = _x((4, 3, 2))
    mean, variance = sd.nn.moments(sd.asarray(x), axes=axes, keepdims=keepdims)
    np.testing.assert_allclose(np.asarray(mean), x.mean(axis=tuple(axes), keepdims=keepdims), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.asarray(variance), x.var(axis=tuple(axes), keepdims=keepdims), rtol=1e-12)


def test_moments_gradients_match_finite_differences():
    check_gradients(lambda x: sd.nn.moments(x, axes=[0])[0], _x((3, 4)))
    check_gradients(lambda x: sd.nn.moments(x, axes=[0, 2])[1], _x((3, 2, 2), seed=1))


def test_batch_normalization_matches_numpy_and_its_gradients():
    x, mean, var = _x((4, 3)), _x((3,), 1), np.abs(_x((3,), 2)) + 0.5
    offset, scale = _x((3,), 3), _x((3,), 4)
    result = sd.nn.batch_normalization(sd.asarray(x), sd.asarray(mean), sd.asarray(var), sd.asarray(offset),
                                       sd.asarray(scale), 1e-3)
    np.testing.assert_allclose(np.asarray(result), (x - mean) * scale / np.sqrt(var + 1e-3) + offset, rtol=1e-12)
    plain = sd.nn.batch_normalization(sd.asarray(x), sd.asarray(mean), sd.asarray(var), None, None, 1e-3)
    np.testing.assert_allclose(np.asarray(plain), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-12)
    check_gradients(lambda *a: sd.nn.batch_normalization(*a, variance_epsilon=1e-3), x, mean, var, offset, scale)


def test_batch_normalization_keeps_float32_with_python_scalars():
    x = _x((2, 3)).astype(np.float32)
    result = sd.nn.batch_normalization(sd.asarray(x), 0.5, 2.0, 1.0, 3.0, 1e-3)
    assert result.dtype == np.float32
    np.testing.assert_allclose(np.asarray(result), (x - 0.5) * 3 / np.sqrt(2.001) + 1, rtol=1e-6)


@pytest.mark.parametrize("axis", [None, 0, 1, [0, 1]])
def test_l2_normalize_matches_numpy_and_its_gradients(axis):
    x = _x((3, 4), 5)
    numpy_axis = tuple(axis) if isinstance(axis, list) else axis
    expected = x / np.sqrt(np.maximum((x * x).sum(axis=numpy_axis, keepdims=True), 1e-12))
    np.testing.assert_allclose(np.asarray(sd.nn.l2_normalize(sd.asarray(x), axis=axis)), expected, rtol=1e-12)
    check_gradients(lambda t: sd.nn.l2_normalize(t, axis=axis), x)


def test_l2_normalize_of_zeros_is_zero():
    np.testing.assert_array_equal(np.asarray(sd.nn.l2_normalize(sd.asarray(np.zeros((2, 2))), axis=1)), np.zeros((2, 2)))


def test_normalization_rejects_integers_and_bad_axes():
    with pytest.raises(TypeError, match=r"\[moments\].*int64"):
        sd.nn.moments(sd.asarray(np.ones((2, 2), dtype=np.int64)), axes=[0])
    with pytest.raises(ValueError, match=r"\[l2_normalize\] axis 3 is out of bounds"):
        sd.nn.l2_normalize(sd.asarray(np.ones((2, 2))), axis=3)
    with pytest.raises(ValueError, match=r"\[batch_normalization\].*\(2, 3\) \(4,\)"):
        sd.nn.batch_normalization(sd.asarray(np.ones((2, 3))), sd.asarray(np.zeros(4)), sd.asarray(np.ones(3)),
                                  None, None, 1e-3)


# ---- dropout -----------------------------------------------------------------------------


def test_dropout_keeps_about_one_minus_rate_and_scales_the_kept():
    x = np.ones((200, 100), dtype=np.float32)
    result = np.asarray(sd.nn.dropout(sd.asarray(x), rate=0.3))
    kept = result != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(result[kept], 1 / 0.7, rtol=1e-6)


def _philox_words(seed, count):
    """Philox4x32-10 (Salmon et al. 2011) in numpy: the stream's first `count` 32-bit words
    for key (low, high 32 bits of seed), counter block i = (i low, i high, 0, 0)."""
    blocks = (count + 3) // 4
    index = np.arange(blocks, dtype=np.uint64)
    c0, c1 = index & 0xFFFFFFFF, index >> np.uint64(32)
    c2, c3 = np.zeros_like(index), np.zeros_like(index)
    k0, k1 = np.uint64(seed & 0xFFFFFFFF), np.uint64(seed >> 32)
    low = np.uint64(0xFFFFFFFF)
    for _ in range(10):
        p0, p1 = np.uint64(0xD2511F53) * c0, np.uint64(0xCD9E8D57) * c2
        c0, c1, c2, c3 = (p1 >> np.uint64(32)) ^ c1 ^ k0, p1 & low, (p0 >> np.uint64(32)) ^ c3 ^ k1, p0 & low
        k0, k1 = (k0 + np.uint64(0x9E3779B9)) & low, (k1 + np.uint64(0xBB67AE85)) & low
    return np.stack([c0, c1, c2, c3], axis=1).reshape(-1)[:count]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("count, rate", [(70001, 0.5), (13, 0.25), (65536 * 3 + 2, 0.9)])
def test_dropout_mask_is_the_philox_stream_compared_with_the_rate(threads, dtype, count, rate):
    """Element i is kept exactly when the stream's word i is at least rate·2³² (one word per
    element, as TensorFlow draws one uniform), whatever the dtype and the thread count; kept
    elements are scaled by 1/(1 − rate) in the input's dtype."""
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        result = np.asarray(sd.nn.dropout(sd.asarray(np.ones(count, dtype)), rate, seed=0x1234_5678_9ABC))
    finally:
        sd.config.set_num_threads(previous)
    kept = _philox_words(0x1234_5678_9ABC, count) >= np.uint64(int(rate * 2 ** 32))
    np.testing.assert_array_equal(result != 0, kept)
    np.testing.assert_array_equal(result[kept], np.asarray(1 / (1 - rate), dtype))
    assert result.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("count", [5, 37, 70001])
def test_dropout_multiplies_each_value_by_its_factor_and_its_gradient_by_the_same(dtype, count):
    """The kept/dropped choice is applied as the words are drawn (no mask tensor): each
    output is exactly x · factor in x's dtype, NaN and infinities included (inf · 0 is NaN,
    as the multiply by a mask gave), and the VJP draws the same factors again."""
    x = np.random.default_rng(3).standard_normal(count).astype(dtype)
    x[:4] = [np.nan, np.inf, -np.inf, -0.5][:min(4, count)]
    factor = np.where(_philox_words(99, count) >= np.uint64(int(0.3 * 2 ** 32)), dtype(1 / (1 - 0.3)), dtype(0))
    variable = sd.Variable(x)
    weights = np.random.default_rng(4).standard_normal(count).astype(dtype)
    with sd.GradientTape() as tape:
        y = sd.nn.dropout(variable, 0.3, seed=99)
        loss = (y * sd.asarray(weights)).sum()
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(np.asarray(y), x * factor)
    np.testing.assert_array_equal(np.asarray(tape.gradient(loss, variable)), weights * factor)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("count, rate", [(13, 0.25), (70001, 0.5), (65536 * 3 + 2, 0.9)])
def test_dropout_gradient_from_its_kept_marks_is_the_upstream_times_each_factor(threads, dtype, count, rate):
    """Under a tape dropout marks the elements it kept (one bit each) and its VJP multiplies
    by the factors those bits give, over the same thread split as the forward's or another:
    exactly upstream · factor, non-finite upstream values included (inf · 0 is NaN, as
    drawing the words again gave), and the forward's output is the one without a tape."""
    rng = np.random.default_rng(count)
    x = rng.standard_normal(count).astype(dtype)
    upstream = rng.standard_normal(count).astype(dtype)
    upstream[:3] = [np.nan, np.inf, -np.inf][:min(3, count)]
    factor = np.where(_philox_words(21, count) >= np.uint64(int(rate * 2 ** 32)), dtype(1 / (1 - rate)), dtype(0))
    previous = sd.config.get_num_threads()
    sd.config.set_num_threads(threads)
    try:
        variable = sd.Variable(x)
        with sd.GradientTape() as tape:
            y = sd.nn.dropout(variable, rate, seed=21)
        gradient = np.asarray(tape.gradient(y, variable, output_gradients=sd.asarray(upstream)))
        untaped = np.asarray(sd.nn.dropout(sd.asarray(x), rate, seed=21))
    finally:
        sd.config.set_num_threads(previous)
    np.testing.assert_array_equal(np.asarray(y), x * factor)
    np.testing.assert_array_equal(untaped, x * factor)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(gradient, upstream * factor)


def test_dropout_with_a_seed_repeats_and_without_one_follows_the_global_stream():
    x = sd.asarray(np.ones((50,)))
    a, b = sd.nn.dropout(x, 0.5, seed=7), sd.nn.dropout(x, 0.5, seed=7)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    sd.random.seed(3)
    c = np.asarray(sd.nn.dropout(x, 0.5))
    sd.random.seed(3)
    np.testing.assert_array_equal(np.asarray(sd.nn.dropout(x, 0.5)), c)


def test_dropout_noise_shape_drops_whole_columns():
    x = np.ones((6, 40))
    result = np.asarray(sd.nn.dropout(sd.asarray(x), 0.5, noise_shape=(1, 40), seed=1))
    assert np.all(result == result[:1])
    result = np.asarray(sd.nn.dropout(sd.asarray(x), 0.5, noise_shape=[None, 1], seed=2))
    assert np.all(result == result[:, :1])


def test_dropout_gradient_reuses_the_mask():
    x = sd.Variable(np.random.default_rng(0).standard_normal((8, 8)) + 3)
    with sd.GradientTape() as tape:
        y = sd.nn.dropout(x, 0.4, seed=5)
        loss = (y * y).sum()
    mask = np.asarray(y) / np.asarray(x)
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, x)), 2 * np.asarray(y) * mask, rtol=1e-12)


def test_dropout_rejects_bad_rates_and_noise_shapes():
    x = sd.asarray(np.ones((2, 3)))
    for rate in (1.0, -0.1, float("nan")):
        with pytest.raises(ValueError, match=r"\[dropout\] rate must be a float in the range \[0, 1\)"):
            sd.nn.dropout(x, rate)
    with pytest.raises(ValueError, match=r"\[dropout\] noise_shape.*\(2, 2\).*\(2, 3\)"):
        sd.nn.dropout(x, 0.5, noise_shape=(2, 2))
    with pytest.raises(TypeError, match=r"\[dropout\].*int64"):
        sd.nn.dropout(sd.asarray(np.ones(3, dtype=np.int64)), 0.5)
    assert sd.nn.dropout(x, 0.0) is x or np.array_equal(np.asarray(sd.nn.dropout(x, 0.0)), np.ones((2, 3)))
