"""tf.random's gamma, poisson, binomial and parameterized truncated normal draws and its
stateless seed tools. TensorFlow 2.21's shape, dtype and invalid-parameter rules come from
fixtures/tf_random/tf_random_rules.json (make_tf_random_rules_fixture.py); the draws, which
cannot equal TensorFlow's bits, are checked by their moments, ranges and seeding."""
import json
import math
import pathlib

import numpy as np
import pytest

import swiftdl as tf

RULES = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_random" / "tf_random_rules.json").read_text())


@pytest.mark.parametrize("case", sorted(RULES["shapes"]))
def test_shapes_and_dtypes_match_tensorflow(case):
    value = np.asarray(eval(case))
    assert {"shape": list(value.shape), "dtype": value.dtype.name} == RULES["shapes"][case]


@pytest.mark.parametrize("case", sorted(RULES["values"]))
def test_invalid_parameters_and_states_match_tensorflow(case):
    expected = RULES["values"][case]
    value = np.asarray(eval(case))
    assert value.dtype.name == expected["dtype"] and list(value.shape) == expected["shape"]
    np.testing.assert_array_equal(value, np.asarray(expected["values"], dtype=np.float64))


@pytest.mark.parametrize("case", sorted(RULES["errors"]))
def test_errors_match_tensorflow(case):
    with pytest.raises(tf.errors.InvalidArgumentError):
        eval(case)


def test_algorithm_enum():
    assert {m.name: m.value for m in tf.random.Algorithm} == RULES["algorithm"]
    assert tf.random.experimental.stateless_fold_in is tf.random.fold_in
    assert tf.random.experimental.Algorithm is tf.random.Algorithm


def moments(x):
    x = np.asarray(x, np.float64)
    return x.mean(axis=0), x.var(axis=0)


def test_gamma_moments_and_beta_gradient():
    alpha, beta = np.array([0.5, 2.0, 9.0]), np.array([1.0, 0.5, 3.0])
    mean, var = moments(tf.random.gamma([40000], alpha, beta=beta, dtype=tf.float64, seed=1))
    np.testing.assert_allclose(mean, alpha / beta, rtol=0.03)
    np.testing.assert_allclose(var, alpha / beta ** 2, rtol=0.06)
    b = tf.constant([2.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(b)
        draws = tf.random.gamma([5], [1.0, 3.0], beta=b, seed=2)
    # d(g / beta)/d beta = -g / beta**2 = -draw / beta.
    expected = -np.sum(np.asarray(draws), axis=0) / np.array([2.0, 4.0])
    np.testing.assert_allclose(np.asarray(tape.gradient(draws, b)), expected, rtol=1e-5)


def test_poisson_and_binomial_moments():
    lam = np.array([0.3, 4.0, 50.0])
    mean, var = moments(tf.random.poisson([40000], lam, seed=3))
    np.testing.assert_allclose(mean, lam, rtol=0.03)
    np.testing.assert_allclose(var, lam, rtol=0.06)
    stateless = np.asarray(tf.random.stateless_poisson([40000, 3], [4, 5], lam))
    np.testing.assert_allclose(stateless.mean(axis=0), lam, rtol=0.03)
    counts, probs = np.array([10.0, 200.0, 3.0]), np.array([0.5, 0.05, 0.9])
    draws = np.asarray(tf.random.stateless_binomial([40000, 3], [6, 7], counts, probs))
    assert draws.min() >= 0 and np.all(draws.max(axis=0) <= counts)
    np.testing.assert_allclose(draws.mean(axis=0), counts * probs, rtol=0.03)
    np.testing.assert_allclose(draws.var(axis=0), counts * probs * (1 - probs), rtol=0.06)


def _truncated_mean(mu, sigma, a, b):
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: 0.5 * math.erfc(-z / math.sqrt(2))  # noqa: E731
    alpha, beta = (a - mu) / sigma, (b - mu) / sigma
    return mu + sigma * (phi(alpha) - phi(beta)) / (cdf(beta) - cdf(alpha))


@pytest.mark.parametrize("mu, sigma, a, b", [(0.0, 1.0, -2.0, 2.0), (0.0, 1.0, -0.1, 0.05), (0.0, 1.0, 3.0, 9.0),
                                             (1.0, 2.0, -8.0, -5.0), (0.0, 1.0, 6.0, 6.1), (0.0, 1.0, -1.0, 5.0)])
def test_parameterized_truncated_normal_stays_inside_with_the_right_mean(mu, sigma, a, b):
    draws = np.asarray(tf.random.stateless_parameterized_truncated_normal([20000], [8, 9], mu, sigma, a, b),
                       np.float64)
    assert draws.min() >= a and draws.max() <= b
    assert abs(draws.mean() - _truncated_mean(mu, sigma, a, b)) < 0.02 * sigma


def test_seeding_rules():
    same = [np.asarray(tf.random.stateless_gamma([6], [1, 2], 2.0)) for _ in range(2)]
    np.testing.assert_array_equal(*same)
    other = np.asarray(tf.random.stateless_gamma([6], [1, 3], 2.0))
    assert not np.array_equal(same[0], other)
    tf.random.set_seed(5)
    first = [np.asarray(tf.random.poisson([4], 3.0, seed=1)) for _ in range(2)]
    tf.random.set_seed(5)
    second = [np.asarray(tf.random.poisson([4], 3.0, seed=1)) for _ in range(2)]
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first[0], first[1])


def test_seed_tools_are_deterministic_and_distinct():
    folded = [np.asarray(tf.random.fold_in([1, 2], d)) for d in (7, 7, 8)]
    np.testing.assert_array_equal(folded[0], folded[1])
    assert folded[0][1] == 7 and folded[2][1] == 8
    seeds = np.asarray(tf.random.split(np.array([3, 4], np.int64), 4))
    assert seeds.shape == (4, 2) and len({tuple(s) for s in seeds}) == 4
    draws = [np.asarray(tf.random.stateless_normal([3], seed)) for seed in seeds]
    assert not np.array_equal(draws[0], draws[1])


@pytest.mark.parametrize("call, error", [
    (lambda: tf.random.fold_in([1, 2, 3], 1), tf.errors.InvalidArgumentError),
    (lambda: tf.random.split([1, 2], -1), tf.errors.InvalidArgumentError),
    (lambda: tf.random.create_rng_state(1, "mersenne"), tf.errors.InvalidArgumentError),
    (lambda: tf.random.gamma([2], 1.0, dtype=tf.int32), TypeError),
    (lambda: tf.random.poisson([-2], 1.0), tf.errors.InvalidArgumentError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()
