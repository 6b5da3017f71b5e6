"""tf.math.sobol_sample against TensorFlow 2.21 (fixtures/tf_math_sobol, written by
make_tf_math_sobol_fixture.py): the same points, bit for bit."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_math_sobol" / "tf_math_sobol.npz")


def test_sobol_points_are_tensorflows():
    np.testing.assert_array_equal(np.asarray(tf.math.sobol_sample(3, 40, dtype=tf.float64)), F["small"])
    np.testing.assert_array_equal(np.asarray(tf.math.sobol_sample(50, 300, skip=17, dtype=tf.float64)), F["skipped"])
    result = tf.math.sobol_sample(7, 64, skip=1000)
    assert np.asarray(result).dtype == np.float32
    np.testing.assert_array_equal(np.asarray(result), F["float32"])
    np.testing.assert_array_equal(np.asarray(tf.math.sobol_sample(1111, 20, skip=123456, dtype=tf.float64)),
                                  F["widest"])
    np.testing.assert_array_equal(np.asarray(tf.math.sobol_sample(2, 5, skip=2 ** 24 - 3, dtype=tf.float64)), F["deep"])


def test_sobol_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="1111"):
        tf.math.sobol_sample(1112, 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        tf.math.sobol_sample(2, -1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="dtype"):
        tf.math.sobol_sample(2, 3, dtype=tf.int32)
