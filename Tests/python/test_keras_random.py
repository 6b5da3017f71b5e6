"""keras.random: Keras 3's seeding rules (an int repeats, a SeedGenerator advances, None
uses a global generator that set_random_seed restarts) and each distribution's law, checked
by its moments (within 6 standard errors) and, where it has one, its exact support."""
import math

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import random

N = 200_000


def _moments_close(samples, mean, variance, n=None):
    """The sample mean and variance within 6 standard errors of the law's (the variance's
    standard error taken from a normal-ish fourth moment, 2σ⁴/n, doubled for skewed laws)."""
    samples = np.asarray(samples, np.float64).ravel()
    n = samples.size
    assert abs(samples.mean() - mean) <= 6 * math.sqrt(variance / n) + 1e-12
    assert abs(samples.var() - variance) <= 6 * 2 * math.sqrt(2 * variance ** 2 / n) + 1e-12


def test_an_int_seed_repeats_and_different_seeds_differ():
    a = np.asarray(random.normal((3, 4), seed=42))
    b = np.asarray(random.normal((3, 4), seed=42))
    c = np.asarray(random.normal((3, 4), seed=43))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_a_seed_generator_advances_reproducibly_and_leaves_the_global_stream_alone():
    sd.random.seed(7)
    before = np.asarray(sd.random.uniform(size=5))
    sd.random.seed(7)
    first = random.SeedGenerator(1337)
    draws = [np.asarray(random.uniform((4,), seed=first)) for _ in range(3)]
    again = random.SeedGenerator(1337)
    np.testing.assert_array_equal(draws[0], np.asarray(random.uniform((4,), seed=again)))
    assert not np.array_equal(draws[0], draws[1]) and not np.array_equal(draws[1], draws[2])
    np.testing.assert_array_equal(np.asarray(sd.random.uniform(size=5)), before)
    assert np.asarray(first.state).tolist() == [1337, 3]
    assert random.SeedGenerator.from_config(first.get_config()).get_config() == {"seed": 1337}


def test_seed_none_follows_set_random_seed():
    keras.utils.set_random_seed(5)
    a = [np.asarray(random.normal((3,))) for _ in range(2)]
    keras.utils.set_random_seed(5)
    b = [np.asarray(random.normal((3,))) for _ in range(2)]
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], a[1])


def test_normal_and_uniform_follow_their_laws_and_dtypes():
    x = random.normal((N,), mean=2.0, stddev=3.0, seed=1)
    assert x.dtype == np.float32 and x.shape == (N,)
    _moments_close(x, 2.0, 9.0)
    u = random.uniform((N,), minval=-1.0, maxval=3.0, dtype="float64", seed=2)
    values = np.asarray(u)
    assert u.dtype == np.float64 and values.min() >= -1.0 and values.max() < 3.0
    _moments_close(values, 1.0, 16.0 / 12.0)
    # Tensor bounds broadcast against the shape.
    rows = np.asarray(random.uniform((2, 50_000), minval=np.array([[0.0], [10.0]]), maxval=np.array([[1.0], [20.0]]),
                                     seed=3))
    assert rows[0].min() >= 0 and rows[0].max() < 1 and rows[1].min() >= 10 and rows[1].max() < 20


def test_truncated_normal_stays_within_two_deviations_with_the_truncated_variance():
    x = np.asarray(random.truncated_normal((N,), mean=1.0, stddev=0.5, seed=4), np.float64)
    assert np.abs(x - 1.0).max() <= 1.0 + 1e-6
    # Variance of N(0, 1) truncated to [-2, 2]: 1 − 2·2·φ(2)/(Φ(2) − Φ(−2)).
    phi = math.exp(-2.0) / math.sqrt(2 * math.pi)
    mass = math.erf(2 / math.sqrt(2))
    _moments_close(x, 1.0, 0.25 * (1 - 4 * phi / mass))


def test_randint_covers_its_half_open_range_uniformly():
    x = np.asarray(random.randint((N,), 3, 9, seed=5))
    assert x.dtype == np.int32 and x.min() == 3 and x.max() == 8
    counts = np.bincount(x - 3, minlength=6)
    expected = N / 6
    assert np.all(np.abs(counts - expected) <= 6 * math.sqrt(expected))
    assert random.randint((2,), 0, 4, dtype="int64", seed=1).dtype == np.int64


def test_categorical_samples_each_class_with_its_softmax_probability():
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 1e-30]], np.float32))
    samples = np.asarray(random.categorical(logits, 40_000, seed=6))
    assert samples.shape == (2, 40_000) and samples.dtype == np.int32
    for row, probabilities in enumerate(np.exp(logits)):
        counts = np.bincount(samples[row], minlength=3)
        expected = probabilities / probabilities.sum() * samples.shape[1]
        assert np.all(np.abs(counts - expected) <= 6 * np.sqrt(expected) + 1)


def test_dropout_zeroes_at_its_rate_scales_the_rest_and_passes_gradients():
    x = sd.Variable(np.ones((400, 500), np.float32))
    with sd.GradientTape() as tape:
        y = random.dropout(x, 0.3, seed=7)
        loss = sd.sum(y)
    values = np.asarray(y)
    kept = values != 0
    assert abs(kept.mean() - 0.7) <= 6 * math.sqrt(0.21 / values.size)
    np.testing.assert_allclose(values[kept], 1 / 0.7, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, x)), kept / 0.7, rtol=1e-6)
    # noise_shape: one decision per row, shared along the columns.
    rows = np.asarray(random.dropout(np.ones((1000, 8), np.float32), 0.5, noise_shape=(None, 1), seed=8))
    assert all(len(set(row)) == 1 for row in rows)


def test_shuffle_permutes_along_the_axis():
    x = np.arange(60).reshape(3, 20)
    shuffled = np.asarray(random.shuffle(x, axis=1, seed=9))
    assert not np.array_equal(shuffled, x)
    np.testing.assert_array_equal(np.sort(shuffled, axis=1), x)
    offsets = shuffled - x[:, :1]
    assert (offsets == offsets[0]).all()  # the same order in every row


@pytest.mark.parametrize("alpha", [0.3, 1.0, 4.5])
def test_gamma_has_mean_and_variance_alpha(alpha):
    x = np.asarray(random.gamma((N,), alpha, dtype="float64", seed=10))
    assert x.min() >= 0
    _moments_close(x, alpha, alpha)


def test_beta_has_its_mean_and_variance():
    a, b = 2.0, 5.0
    x = np.asarray(random.beta((N,), a, b, dtype="float64", seed=11))
    assert 0 <= x.min() and x.max() <= 1
    _moments_close(x, a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1)))


def test_binomial_counts_successes_exactly():
    counts, p = 30, 0.2
    x = np.asarray(random.binomial((50_000,), counts, p, seed=12))
    assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= counts
    np.testing.assert_array_equal(x, np.round(x))
    _moments_close(x, counts * p, counts * p * (1 - p))
    # Per-element counts and probabilities broadcast; zero trials give zero successes.
    y = np.asarray(random.binomial((2, 20_000), np.array([[0], [10]]), np.array([[0.9], [1.0]]), seed=13))
    assert (y[0] == 0).all() and (y[1] == 10).all()


@pytest.mark.parametrize("call, error", [
    (lambda: random.uniform((2,), dtype="int32"), ValueError),
    (lambda: random.normal((2,), dtype="float16"), TypeError),
    (lambda: random.randint((2,), 0, 5, dtype="float32"), ValueError),
    (lambda: random.randint((2,), 5, 5), ValueError),
    (lambda: random.normal((2,), seed="42"), ValueError),
    (lambda: random.normal((-1, 2)), ValueError),
    (lambda: random.categorical(np.zeros(3), 2), ValueError),
    (lambda: random.dropout(np.ones(3), 1.5), ValueError),
    (lambda: random.gamma((2,), -1.0), ValueError),
    (lambda: random.binomial((2,), -3, 0.5), ValueError),
    (lambda: random.shuffle(np.ones(3), axis=2), ValueError),
    (lambda: random.SeedGenerator(seed=1.5), ValueError),
])
def test_bad_arguments_raise_clear_errors(call, error):
    with pytest.raises(error):
        call()
