"""tf.nn names added beside the first 36, against TensorFlow 2.21's outputs
(fixtures/tf_nn/tf_nn_extras.npz, written by make_tf_nn_fixture.py on the same inputs)."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_nn" / "tf_nn_extras.npz")
# float32 sums of a dozen terms: a few ulps of their magnitude.
TOL = dict(rtol=1e-5, atol=1e-5)


def close(actual, name):
    np.testing.assert_allclose(np.asarray(actual), F[name], **TOL)
    assert np.asarray(actual).shape == F[name].shape, name


def test_bias_add_and_crelu():
    close(tf.nn.bias_add(F["x"], F["bias4"]), "bias_add")
    close(tf.nn.bias_add(F["nchw"], F["bias3"], data_format="NCHW"), "bias_add_nchw")
    close(tf.nn.crelu(F["x"]), "crelu")
    close(tf.nn.crelu(F["x"], axis=0), "crelu_axis0")


def test_depth_space_rearrangements():
    close(tf.nn.depth_to_space(F["image"], 2), "depth_to_space")
    close(tf.nn.space_to_depth(F["image"], 2), "space_to_depth")
    round_trip = tf.nn.space_to_depth(tf.nn.depth_to_space(F["image"], 2), 2)
    np.testing.assert_array_equal(np.asarray(round_trip), F["image"])


def test_moment_helpers():
    count, mean_ss, var_ss, shift = tf.nn.sufficient_statistics(F["x"], [0], shift=0.3)
    assert shift == 0.3
    close(count, "ss_count"), close(mean_ss, "ss_mean"), close(var_ss, "ss_var")
    count_k, mean_ss_k, var_ss_k, shift_k = tf.nn.sufficient_statistics(F["x"], [1], keepdims=True)
    assert shift_k is None
    close(count_k, "ss_count_k"), close(mean_ss_k, "ss_mean_k"), close(var_ss_k, "ss_var_k")
    mean, variance = tf.nn.normalize_moments(count, mean_ss, var_ss, 0.3)
    close(mean, "nm_mean"), close(variance, "nm_variance")
    w_mean, w_var = tf.nn.weighted_moments(F["x"], [1], F["weights"])
    close(w_mean, "wm_mean"), close(w_var, "wm_var")
    w_mean_k, w_var_k = tf.nn.weighted_moments(F["x"], [0, 1], F["weights"], keepdims=True)
    close(w_mean_k, "wm_mean_k"), close(w_var_k, "wm_var_k")
    close(tf.nn.zero_fraction(F["x"]), "zero_fraction")


def test_elementwise_losses():
    close(tf.nn.l2_loss(F["x"]), "l2_loss")
    close(tf.nn.log_poisson_loss(F["counts"], F["x"]), "log_poisson")
    close(tf.nn.log_poisson_loss(F["counts"], F["x"], compute_full_loss=True), "log_poisson_full")
    close(tf.nn.weighted_cross_entropy_with_logits(F["labels"], F["x"] * 20, 2.5), "weighted_ce")
    close(tf.nn.compute_average_loss(F["x"][:, 0], sample_weight=F["weights"][:3]), "average_loss")
    close(tf.nn.compute_average_loss(F["x"][:, 0], global_batch_size=8), "average_loss_global")
    close(tf.nn.scale_regularization_loss(F["x"][0]), "regularization")


def test_losses_are_differentiable():
    logits = tf.Variable(F["x"])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.weighted_cross_entropy_with_logits(F["labels"], logits, 2.5))
    grad = np.asarray(tape.gradient(loss, logits))
    # d/dx of (1 - z)x + (1 + (q - 1)z)·softplus(-x) = (1 - z) - (1 + (q - 1)z)·sigmoid(-x)
    z, x = F["labels"], F["x"]
    expected = (1 - z) - (1 + 1.5 * z) / (1 + np.exp(x))
    smooth = x != 0  # |x| and max(-x, 0) have kinks at 0 where any subgradient is right
    np.testing.assert_allclose(grad[smooth], expected[smooth], rtol=1e-5, atol=1e-6)


def test_top_k_aliases_tf_math():
    assert tf.nn.top_k is tf.math.top_k and tf.nn.in_top_k is tf.math.in_top_k


@pytest.mark.parametrize("call, message", [
    (lambda: tf.nn.bias_add(F["x"], F["bias3"]), "3 entries but value has 4 channels"),
    (lambda: tf.nn.bias_add(F["x"], F["x"]), "bias must be 1-D"),
    (lambda: tf.nn.bias_add(F["bias4"], F["bias4"]), "rank >= 2"),
    (lambda: tf.nn.bias_add(F["x"], F["bias4"], data_format="HWC"), "data_format"),
    (lambda: tf.nn.depth_to_space(F["image"], 2, data_format="HWCN"), "data_format"),
    (lambda: tf.nn.sufficient_statistics(F["x"], [2]), "out of range"),
    (lambda: tf.nn.sufficient_statistics(F["x"], None), "axes"),
    (lambda: tf.nn.log_poisson_loss(F["counts"][0], F["x"]), "same shape"),
    (lambda: tf.nn.weighted_cross_entropy_with_logits(F["labels"][0], F["x"], 2.0), "same shape"),
    (lambda: tf.nn.compute_average_loss(F["x"], global_batch_size=-1), "non-negative"),
])
def test_bad_inputs_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
