"""tf.math's complex parts, cumulative_logsumexp, xlog1py, nextafter, invert_permutation,
monotonicity tests and approx_max_k/min_k against TensorFlow 2.21's outputs
(fixtures/tf_math_more/tf_math_more.npz, written by make_tf_math_more_fixture.py)."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_math_more" / "tf_math_more.npz")


def close(actual, name, rtol=1e-12):
    np.testing.assert_allclose(np.asarray(actual), F[name], rtol=rtol, atol=1e-14)
    assert np.asarray(actual).shape == F[name].shape, name


def test_complex_parts():
    z = F["z"]
    close(tf.math.real(z), "real"), close(tf.math.imag(z), "imag"), close(tf.math.conj(z), "conj")
    close(tf.math.angle(z), "angle")
    close(tf.math.angle(F["x"]), "angle_real"), close(tf.math.real(F["x"]), "real_real")
    close(tf.math.imag(F["x"]), "imag_real")
    value = tf.complex(F["x"][:2, :3], F["y"][:2, :3])
    close(value, "complex")
    assert value.dtype == tf.complex128
    assert tf.complex(np.float32([1.0]), np.float32([2.0])).dtype == tf.complex64
    with pytest.raises(tf.errors.InvalidArgumentError, match="float32 or both float64"):
        tf.complex(np.float32([1.0]), np.float64([2.0]))
    check_gradients(lambda a: tf.math.angle(tf.complex(a, a * a - 1.0)), np.array([0.3, -1.2, 2.0]))


def test_cumulative_logsumexp():
    x = F["x"]
    close(tf.math.cumulative_logsumexp(x, axis=1), "cumulative")
    close(tf.math.cumulative_logsumexp(x, axis=0, exclusive=True), "cumulative_axis0_exclusive")
    close(tf.math.cumulative_logsumexp(x, axis=1, reverse=True), "cumulative_reverse")
    close(tf.math.cumulative_logsumexp(x, axis=1, reverse=True, exclusive=True), "cumulative_reverse_exclusive")
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.math.cumulative_logsumexp(xt, axis=1)
    close(tape.gradient(y, xt), "grad_cumulative", rtol=1e-10)
    with pytest.raises(tf.errors.InvalidArgumentError, match="axis"):
        tf.math.cumulative_logsumexp(x, axis=2)


def test_xlog1py_and_nextafter():
    close(tf.math.xlog1py(F["x"], F["y"]), "xlog1py")
    close(tf.math.xlog1py(np.zeros(3), np.array([-1.0, 0.5, np.inf])), "xlog1py_zero")
    check_gradients(tf.math.xlog1py, F["x"][:1], F["y"][:1])
    np.testing.assert_array_equal(np.asarray(tf.math.nextafter(F["start"], F["towards"])), F["nextafter"])
    np.testing.assert_array_equal(np.asarray(tf.math.nextafter(F["start"].astype(np.float32),
                                                                F["towards"].astype(np.float32))), F["nextafter32"])


def test_permutations_and_monotonicity():
    np.testing.assert_array_equal(np.asarray(tf.math.invert_permutation(F["perm"])), F["invert_permutation"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="permutation"):
        tf.math.invert_permutation([0, 0, 2])
    assert [bool(tf.math.is_non_decreasing(v)) for v in ([1, 1, 2], [1, 3, 2], [], [[1, 2], [2, 5]])] == \
        F["non_decreasing"].tolist()
    assert [bool(tf.math.is_strictly_increasing(v)) for v in ([1, 1, 2], [1, 2, 3], [7])] == \
        F["strictly_increasing"].tolist()


def test_approx_top_k_is_exact():
    values, indices = tf.math.approx_max_k(F["scores"], 3)
    close(values, "max_values"), np.testing.assert_array_equal(np.asarray(indices), F["max_indices"])
    values, indices = tf.math.approx_min_k(F["scores"], 2, reduction_dimension=0)
    close(values, "min_values"), np.testing.assert_array_equal(np.asarray(indices), F["min_indices"])
    values, _ = tf.nn.approx_max_k(F["scores"], 3)
    close(values, "max_values")
    values, _ = tf.approx_top_k(F["scores"], 3)
    close(values, "max_values")
    with pytest.raises(tf.errors.InvalidArgumentError, match="k must be"):
        tf.math.approx_max_k(F["scores"], 11)
