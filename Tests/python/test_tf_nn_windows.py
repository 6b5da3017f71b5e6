"""tf.nn's window and normalization ops against TensorFlow 2.21's outputs
(fixtures/tf_nn/tf_nn_more.npz, written by make_tf_nn_more_fixture.py): lrn,
max_pool_with_argmax, dilation2d/erosion2d, the depthwise backprops,
batch_norm_with_global_normalization, isotonic_regression; gradients by finite differences."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf
from _nn_gradcheck import check_gradients

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_nn" / "tf_nn_more.npz")
TOL = dict(rtol=1e-5, atol=1e-5)
ONES = [1, 1, 1, 1]


def close(actual, name):
    actual = np.asarray(actual)
    assert actual.shape == F[name].shape and actual.dtype == F[name].dtype, name
    np.testing.assert_allclose(actual, F[name], **TOL)


def test_local_response_normalization():
    close(tf.nn.local_response_normalization(F["img"], depth_radius=1, bias=0.5, alpha=0.3, beta=0.75), "lrn")
    close(tf.nn.lrn(F["img"]), "lrn_default")


def test_max_pool_with_argmax():
    values, argmax = tf.nn.max_pool_with_argmax(F["img"], 3, 2, "SAME")
    close(values, "pool_out"), close(argmax, "pool_argmax")
    _, with_batch = tf.nn.max_pool_with_argmax(F["img"], [1, 2, 2, 1], [1, 2, 2, 1], "VALID",
                                               include_batch_in_index=True)
    close(with_batch, "pool_argmax_b")
    _, narrow = tf.nn.max_pool_with_argmax(F["img"], 2, 2, "VALID", output_dtype=tf.int32)
    assert np.asarray(narrow).dtype == np.int32


def test_morphology():
    img, w = F["img"], F["morph_w"]
    close(tf.nn.dilation2d(img, w, ONES, "SAME", "NHWC", ONES), "dilation2d")
    close(tf.nn.dilation2d(img, w, [1, 2, 2, 1], "VALID", "NHWC", [1, 2, 2, 1]), "dilation2d_s2r2")
    close(tf.nn.erosion2d(img, w, ONES, "SAME", "NHWC", ONES), "erosion2d")
    close(tf.nn.erosion2d(img, w, [1, 2, 1, 1], "VALID", "NHWC", [1, 1, 2, 1]), "erosion2d_s2r2")


def test_depthwise_backprops():
    close(tf.nn.depthwise_conv2d_backprop_filter(F["img"], [3, 3, 3, 2], F["dw_grad"], [1, 2, 2, 1], "SAME"),
          "dw_backprop_filter")
    close(tf.nn.depthwise_conv2d_backprop_input([2, 7, 8, 3], F["dw_filter"], F["dw_grad"], [1, 2, 2, 1], "SAME"),
          "dw_backprop_input")


def test_batch_norm_with_global_normalization():
    stats = [F[k] for k in ("bn_mean", "bn_var", "bn_beta", "bn_gamma")]
    close(tf.nn.batch_norm_with_global_normalization(F["img"], *stats, 1e-3, True), "bngn")
    close(tf.nn.batch_norm_with_global_normalization(F["img"], *stats, 1e-3, False), "bngn_noscale")


def test_isotonic_regression():
    output, segments = tf.nn.isotonic_regression(F["iso"])
    close(output, "iso_out"), close(segments, "iso_segments")
    output, segments = tf.nn.isotonic_regression(F["iso"], decreasing=False, axis=0)
    close(output, "iso_inc"), close(segments, "iso_inc_segments")


def test_gradients():
    rng = np.random.default_rng(1)
    img = rng.normal(size=(1, 4, 5, 3))
    check_gradients(lambda x: tf.nn.lrn(x, depth_radius=1, alpha=0.5), img)
    check_gradients(lambda x: tf.nn.max_pool_with_argmax(x, 2, 2, "SAME")[0], img)
    check_gradients(lambda x, w: tf.nn.dilation2d(x, w, ONES, "SAME", "NHWC", ONES), img, rng.normal(size=(2, 2, 3)))
    check_gradients(lambda x: tf.nn.isotonic_regression(x)[0], rng.normal(size=(2, 6)))


@pytest.mark.parametrize("call, message", [
    (lambda: tf.nn.lrn(np.zeros((2, 3, 4), "f")), "rank 4"),
    (lambda: tf.nn.max_pool_with_argmax(np.zeros((1, 4, 4, 1), "f"), 2, 2, "SAME", output_dtype=tf.float32),
     "output_dtype"),
    (lambda: tf.nn.max_pool_with_argmax(np.zeros((1, 4, 4, 1), "f"), 5, 1, "VALID"), "does not fit"),
    (lambda: tf.nn.dilation2d(np.zeros((1, 4, 4, 2), "f"), np.zeros((2, 2, 3), "f"), ONES, "SAME", "NHWC", ONES),
     "filters"),
    (lambda: tf.nn.erosion2d(np.zeros((1, 4, 4, 2), "f"), np.zeros((2, 2, 2), "f"), ONES, "SAME", "NCHW", ONES),
     "data_format"),
    (lambda: tf.nn.depthwise_conv2d_backprop_input([1, 4, 4, 2], np.zeros((2, 2, 2, 1), "f"),
                                                   np.zeros((1, 3, 3, 2), "f"), 1, "SAME"), "out_backprop"),
    (lambda: tf.nn.isotonic_regression(np.zeros((2, 3), "f"), axis=2), "axis"),
])
def test_bad_input_raises_invalid_argument(call, message):
    with pytest.raises((tf.errors.InvalidArgumentError, TypeError), match=message):
        call()
