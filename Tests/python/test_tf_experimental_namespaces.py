"""tf.linalg.experimental.conjugate_gradient, tf.nn.experimental's dropouts,
tf.autodiff.ForwardAccumulator and tf.autograph against TensorFlow 2.21
(fixtures/tf_experimental, written by make_tf_experimental_fixture.py)."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_experimental" / "tf_experimental.npz")


@pytest.mark.parametrize("label", ["plain", "preconditioned", "warm", "short"])
def test_conjugate_gradient_matches_tensorflow(label):
    kwargs = {"preconditioned": {"preconditioner": F["jacobi"]}, "warm": {"x": F["start"]},
              "short": {"max_iter": 2}}.get(label, {})
    state = tf.linalg.experimental.conjugate_gradient(F["spd"], F["rhs"], **kwargs)
    assert state.i == int(F[f"cg_{label}_i"])
    for field in ("x", "r", "p", "gamma"):
        np.testing.assert_allclose(np.asarray(getattr(state, field)), F[f"cg_{label}_{field}"], rtol=1e-7,
                                   atol=1e-9, err_msg=field)


def test_conjugate_gradient_takes_matvec_objects():
    class Operator:
        def matvec(self, v):
            return tf.linalg.matvec(F["spd"], v)
    state = tf.linalg.experimental.conjugate_gradient(Operator(), F["rhs"])
    np.testing.assert_allclose(np.asarray(state.x), F["cg_plain_x"], rtol=1e-7, atol=1e-9)


def test_dropouts():
    noise = F["noise"]
    out = tf.nn.experimental.general_dropout(F["x"], 0.4, lambda shape, dtype: noise)
    np.testing.assert_allclose(np.asarray(out), F["general_dropout"], rtol=1e-6)
    out = tf.nn.experimental.general_dropout(F["x"], 0.4, lambda shape, dtype: noise[:1], noise_shape=[1, 4])
    np.testing.assert_allclose(np.asarray(out), F["general_dropout_noise_shape"], rtol=1e-6)
    a = tf.nn.experimental.stateless_dropout(F["x"], 0.5, seed=[1, 2])
    b = tf.nn.experimental.stateless_dropout(F["x"], 0.5, seed=[1, 2])
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    kept = np.asarray(a) != 0
    np.testing.assert_allclose(np.asarray(a)[kept], F["x"][kept] * 2, rtol=1e-6)
    with pytest.raises(ValueError, match="rate"):
        tf.nn.experimental.stateless_dropout(F["x"], 1.0, seed=[1, 2])


def test_forward_accumulator_matches_tensorflow():
    primal = tf.constant(F["primal"])
    with tf.autodiff.ForwardAccumulator(primal, F["tangent"]) as acc:
        y = tf.reduce_sum(tf.sin(primal) * primal, axis=1)
        z = tf.matmul(primal, primal)
        unrelated = tf.constant([1.0, 2.0]) * 3.0
    np.testing.assert_allclose(np.asarray(acc.jvp(y)), F["jvp_y"], rtol=1e-6)
    jvp_y, jvp_z = acc.jvp([y, z])
    np.testing.assert_allclose(np.asarray(jvp_z), F["jvp_z"], rtol=1e-6)
    assert acc.jvp(unrelated) is None
    np.testing.assert_array_equal(np.asarray(acc.jvp(unrelated, unconnected_gradients=tf.UnconnectedGradients.ZERO)),
                                  [0.0, 0.0])
    with pytest.raises(ValueError, match="tangent"):
        tf.autodiff.ForwardAccumulator(primal, np.ones(3))
    assert tf.autodiff.GradientTape is tf.GradientTape


def test_autograph_entry_points():
    def square(v):
        return v * v

    assert tf.autograph.to_graph(square) is square
    assert tf.autograph.experimental.do_not_convert(square) is square
    assert tf.autograph.experimental.do_not_convert()(square) is square
    assert "def square" in tf.autograph.to_code(square)
    tf.autograph.set_verbosity(3)
    tf.autograph.experimental.set_loop_options(maximum_iterations=3)
    assert tf.autograph.experimental.Feature.LISTS.value == "LISTS"
