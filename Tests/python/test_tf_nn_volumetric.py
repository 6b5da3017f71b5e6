"""tf.nn's 3-D ops, convolution/pool, the atrous forms and space_to_batch against TensorFlow
2.21's outputs (fixtures/tf_nn/tf_nn_more.npz, written by make_tf_nn_more_fixture.py on the
same inputs), with finite-difference gradients for the new compositions."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_nn" / "tf_nn_more.npz")
TOL = dict(rtol=2e-5, atol=2e-5)


def close(actual, name, **tol):
    assert np.asarray(actual).shape == F[name].shape, name
    np.testing.assert_allclose(np.asarray(actual), F[name], **(tol or TOL))


def test_conv3d_and_its_transpose():
    vol, w = F["vol"], F["vol_w"]
    close(tf.nn.conv3d(vol, w, [1, 1, 1, 1, 1], "SAME"), "conv3d_same")
    close(tf.nn.conv3d(vol, w, [1, 2, 1, 2, 1], "VALID"), "conv3d_valid_s2")
    close(tf.nn.conv3d(vol, w, 1, "SAME", dilations=[1, 2, 1, 2, 1]), "conv3d_dilated")
    small = vol[:, :3, :3, :4]
    close(tf.nn.conv3d_transpose(small, F["vol_wt"], [2, 6, 6, 8, 4], [1, 2, 2, 2, 1], "SAME"), "conv3d_t_same")
    close(tf.nn.conv3d_transpose(small, F["vol_wt"], [2, 7, 7, 9, 4], 2, "VALID"), "conv3d_t_valid")


def test_conv3d_channels_first_matches_channels_last():
    vol, w = F["vol"], F["vol_w"]
    first = tf.nn.conv3d(np.moveaxis(vol, -1, 1), w, [1, 1, 1, 1, 1], "SAME", data_format="NCDHW")
    np.testing.assert_allclose(np.moveaxis(np.asarray(first), 1, -1), F["conv3d_same"], **TOL)


def test_pool3d():
    vol = F["vol"]
    close(tf.nn.max_pool3d(vol, 2, 2, "VALID"), "max_pool3d")
    close(tf.nn.max_pool3d(vol, [1, 3, 2, 3, 1], [1, 2, 1, 2, 1], "SAME"), "max_pool3d_same")
    close(tf.nn.avg_pool3d(vol, [1, 3, 2, 3, 1], [1, 2, 1, 2, 1], "SAME"), "avg_pool3d_same")


def test_convolution_and_pool_dispatch_on_rank():
    close(tf.nn.convolution(F["seq"], F["seq_w"], strides=2, padding="SAME"), "convolution_1d")
    close(tf.nn.convolution(F["img"], F["img_w"], padding="VALID", dilations=2), "convolution_2d")
    close(tf.nn.convolution(F["vol"], F["vol_w"], padding="SAME"), "convolution_3d")
    close(tf.nn.pool(F["img"], [2, 3], "MAX", padding="VALID", dilations=[2, 2]), "pool_max_dilated")
    close(tf.nn.pool(F["img"], [3, 2], "AVG", padding="VALID", dilations=[2, 1]), "pool_avg_dilated")
    close(tf.nn.pool(F["seq"], [3], "AVG", strides=[2], padding="SAME"), "pool_avg_1d")
    close(tf.nn.pool(F["vol"], [2, 2, 2], "MAX", strides=[2, 2, 2]), "pool_max_3d")


def test_atrous_forms():
    close(tf.nn.atrous_conv2d(F["img"], F["img_w"], 2, "SAME"), "atrous")
    close(tf.nn.atrous_conv2d(F["img"], F["img_w"], 3, "VALID"), "atrous_valid")
    close(tf.nn.atrous_conv2d_transpose(F["img"], F["img_wt"], [2, 7, 8, 4], 2, "SAME"), "atrous_t")
    close(tf.nn.atrous_conv2d_transpose(F["img"], F["img_wt"], [2, 11, 12, 4], 2, "VALID"), "atrous_t_valid")


def test_space_to_batch_and_with_space_to_batch():
    close(tf.nn.space_to_batch(F["s2b_in"], [2, 3], [[1, 0], [2, 1]]), "space_to_batch")
    x = tf.constant(F["s2b_in"])
    out = tf.nn.with_space_to_batch(x, [1, 1], "VALID", lambda t, n, p: t * 2.0)
    np.testing.assert_allclose(np.asarray(out), F["s2b_in"] * 2)
    # A dilated identity op through the round trip gives the input back.
    back = tf.nn.with_space_to_batch(x, [2, 3], "VALID", lambda t, n, p: t)
    np.testing.assert_array_equal(np.asarray(back), F["s2b_in"])


def test_gradients_of_the_compositions():
    rng = np.random.default_rng(0)
    vol = rng.normal(size=(1, 3, 3, 4, 2))
    w = rng.normal(size=(2, 2, 2, 2, 2))
    check_gradients(lambda x, k: tf.nn.conv3d(x, k, 1, "SAME"), vol, w)
    check_gradients(lambda x: tf.nn.avg_pool3d(x, 2, 1, "SAME"), vol)
    check_gradients(lambda x, k: tf.nn.conv3d_transpose(x, k, [1, 5, 6, 8, 2], 2, "SAME"), vol, w)
    check_gradients(lambda x: tf.nn.space_to_batch(x, [1, 2], [[0, 1], [0, 0]]), vol[:, 0])


@pytest.mark.parametrize("call, message", [
    (lambda: tf.nn.conv3d(np.zeros((2, 3, 3, 3), "f"), np.zeros((1, 1, 1, 3, 2), "f"), 1, "SAME"), "rank 5"),
    (lambda: tf.nn.conv3d(np.zeros((1, 3, 3, 3, 2), "f"), np.zeros((1, 1, 1, 3, 2), "f"), 1, "SAME"), "channels"),
    (lambda: tf.nn.conv3d(np.zeros((1, 3, 3, 3, 2), "f"), np.zeros((1, 1, 1, 2, 2), "f"), 1, "FULL"), "padding"),
    (lambda: tf.nn.max_pool3d(np.zeros((1, 3, 3, 3, 2), "f"), 2, 1, "SAME", data_format="NHWC"), "data_format"),
    (lambda: tf.nn.conv3d_transpose(np.zeros((1, 2, 2, 2, 3), "f"), np.zeros((2, 2, 2, 4, 3), "f"),
                                    [1, 9, 9, 9, 4], 2, "SAME"), "output_shape"),
    (lambda: tf.nn.pool(np.zeros((1, 5, 5, 2), "f"), [2, 2], "MAX", padding="SAME", dilations=[2, 2]), "SAME"),
    (lambda: tf.nn.pool(np.zeros((1, 5, 5, 2), "f"), [2, 2], "MAX", strides=[2, 2], dilations=[2, 2]), "strides"),
    (lambda: tf.nn.pool(np.zeros((1, 5, 5, 2), "f"), [2, 2], "MIN"), "pooling_type"),
    (lambda: tf.nn.space_to_batch(np.zeros((1, 5, 4, 1), "f"), [2, 2], [[0, 0], [0, 0]]), "divide"),
    (lambda: tf.nn.atrous_conv2d(np.zeros((1, 5, 5, 1), "f"), np.zeros((2, 2, 1, 1), "f"), 0, "SAME"), "rate"),
])
def test_bad_input_raises_invalid_argument(call, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        call()
