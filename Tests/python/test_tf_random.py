"""tf.random beside numpy.random in swiftdl.random: TensorFlow's seeding rules, the
distributions' moments, the stateless forms, Generator, and the numpy-vs-TF call rule."""
import numpy as np
import pytest

import swiftdl as tf


def test_numpy_and_tensorflow_calls_of_normal_and_uniform():
    tf.random.seed(0)
    numpy_style = tf.random.normal(1.0, 2.0, size=(4,))
    assert numpy_style.shape == (4,) and numpy_style.dtype == np.float32
    assert tf.random.normal().shape == () and tf.random.uniform(0.0, 1.0, 3).shape == (3,)
    assert tf.random.normal([2, 3]).shape == (2, 3)  # a list first: TensorFlow's shape
    assert tf.random.normal(shape=(2,), stddev=0.5, dtype=tf.float64).dtype == np.float64
    assert tf.random.normal((), seed=3).shape == ()
    u = tf.random.uniform([1000], minval=2, maxval=5, dtype=tf.int32)
    assert u.dtype == np.int32 and int(tf.reduce_min(u)) >= 2 and int(tf.reduce_max(u)) <= 4
    assert tf.random.uniform(tf.constant([3, 2])).shape == (3, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="maxval"):
        tf.random.uniform([2], dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.random.normal([2], dtype=tf.int32)


def test_moments():
    tf.random.set_seed(1)
    n = tf.random.normal([20000], mean=3.0, stddev=2.0).numpy()
    assert abs(n.mean() - 3.0) < 0.06 and abs(n.std() - 2.0) < 0.06
    u = tf.random.uniform([20000], minval=-1.0, maxval=3.0).numpy()
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = tf.random.truncated_normal([20000], stddev=2.0).numpy()
    assert np.abs(t).max() <= 4.0 and abs(t.std() - 2.0 * 0.8796) < 0.05
    logits = np.log(np.array([[0.2, 0.8], [0.9, 0.1]]))
    draws = tf.random.categorical(logits, 4000).numpy()
    assert draws.shape == (2, 4000) and draws.dtype == np.int64
    assert abs(draws[0].mean() - 0.8) < 0.03 and abs(draws[1].mean() - 0.1) < 0.03


def test_seeding_follows_tensorflow():
    tf.random.set_seed(42)
    first = [tf.random.normal([3]).numpy(), tf.random.normal([3], seed=7).numpy(), tf.random.normal([3], seed=7).numpy()]
    tf.random.set_seed(42)
    second = [tf.random.normal([3]).numpy(), tf.random.normal([3], seed=7).numpy(), tf.random.normal([3], seed=7).numpy()]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], first[2])  # an op seed gives a sequence, not one value
    tf.random.set_seed(43)
    assert not np.array_equal(tf.random.normal([3], seed=7).numpy(), first[1])


def test_stateless_forms():
    a = tf.random.stateless_normal([4], seed=[1, 2])
    np.testing.assert_array_equal(a, tf.random.stateless_normal([4], seed=[1, 2]))
    assert not np.array_equal(a, tf.random.stateless_normal([4], seed=[1, 3]))
    u = tf.random.stateless_uniform([100], seed=(5, 6), minval=0, maxval=10, dtype=tf.int64)
    assert u.dtype == np.int64 and 0 <= int(tf.reduce_min(u)) and int(tf.reduce_max(u)) < 10
    t = tf.random.stateless_truncated_normal([100], seed=[0, 0])
    assert float(tf.reduce_max(tf.abs(t))) <= 2.0
    c = tf.random.stateless_categorical(np.zeros((2, 3)), 5, seed=[1, 1])
    np.testing.assert_array_equal(c, tf.random.stateless_categorical(np.zeros((2, 3)), 5, seed=[1, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="pair"):
        tf.random.stateless_normal([2], seed=3)


def test_shuffle_and_generator():
    x = tf.constant(np.arange(10))
    shuffled = tf.random.shuffle(x, seed=1)
    assert sorted(shuffled.tolist()) == list(range(10)) and x.tolist() == list(range(10))
    rows = tf.random.shuffle(np.arange(12).reshape(6, 2))
    assert sorted(rows[:, 0].tolist()) == [0, 2, 4, 6, 8, 10] and (rows[:, 1] - rows[:, 0]).tolist() == [1] * 6
    g1, g2 = tf.random.Generator.from_seed(5), tf.random.Generator.from_seed(5)
    np.testing.assert_array_equal(g1.normal([3]), g2.normal([3]))
    assert not np.array_equal(g1.normal([3]), g1.normal([3]))
    assert g1.uniform([2], maxval=4, dtype=tf.int32).dtype == np.int32
    assert g1.make_seeds(3).shape == (2, 3)
    children = g1.split(2)
    assert len(children) == 2 and not np.array_equal(children[0].normal([3]), children[1].normal([3]))
    assert tf.random.Generator.from_non_deterministic_state().truncated_normal([2]).shape == (2,)
