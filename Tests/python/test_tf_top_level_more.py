"""Top-level TensorFlow names swiftdl added: bitcast, fingerprint, the space-to-batch
family, edit_distance, the conv2d backprops and tf.conv, IndexedSlices, the TypeSpec
family, register_tensor_conversion_function, grad_pass_through, against TensorFlow 2.21
(fixtures/tf_top_level, written by make_tf_top_level_fixture.py)."""
import pathlib

import numpy as np
import pytest

import swiftdl as tf

F = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_top_level" / "tf_top_level.npz")


def same(actual, name, rtol=1e-5, atol=1e-5):
    np.testing.assert_allclose(np.asarray(actual), F[name], rtol=rtol, atol=atol)
    assert np.asarray(actual).shape == F[name].shape, name


def test_bitcast_and_fingerprint():
    np.testing.assert_array_equal(np.asarray(tf.bitcast(np.array([1.0, -2.5], np.float32), tf.uint8)),
                                  F["bitcast_narrow"])
    np.testing.assert_array_equal(np.asarray(tf.bitcast(np.arange(8, dtype=np.uint8).reshape(2, 4), tf.int32)),
                                  F["bitcast_wide"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="last dimension"):
        tf.bitcast(np.arange(6, dtype=np.uint8), tf.int32)
    np.testing.assert_array_equal(np.asarray(tf.fingerprint(np.arange(12, dtype=np.int64).reshape(3, 4))),
                                  F["fingerprint_numbers"])
    np.testing.assert_array_equal(np.asarray(tf.fingerprint(np.array([[1.5, 2.0], [0.0, -1.0]], np.float32))),
                                  F["fingerprint_floats"])
    np.testing.assert_array_equal(np.asarray(tf.fingerprint(np.array(["ab", "c", "日本"]))), F["fingerprint_strings"])
    np.testing.assert_array_equal(np.asarray(tf.fingerprint(np.array([["ab", "c"], ["d", ""]]))),
                                  F["fingerprint_string_rows"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank"):
        tf.fingerprint(np.int32(3))


def test_space_to_batch_family():
    paddings, crops = tf.required_space_to_batch_paddings([5, 7], [2, 3], base_paddings=[[1, 0], [0, 2]])
    np.testing.assert_array_equal(np.asarray(paddings), F["paddings"])
    np.testing.assert_array_equal(np.asarray(crops), F["crops"])
    same(tf.space_to_batch(F["image"], [2, 2], [[0, 0], [1, 0]]), "space_to_batch")
    same(tf.space_to_batch_nd(F["image"], [2, 2], [[0, 0], [1, 0]]), "space_to_batch")
    same(tf.batch_to_space(F["space_to_batch"], [2, 2], [[0, 0], [1, 0]]), "batch_to_space")
    same(tf.parallel_stack([F["image"][0], F["image"][1]]), "image")
    same(tf.guarantee_const(F["image"]), "image")


def test_edit_distance():
    hyp = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0]], np.array([b"a", b"b", b"c", b"d"], object),
                          [2, 2, 2])
    truth = tf.SparseTensor([[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 0, 2]],
                            np.array([b"a", b"x", b"c", b"y", b"z"], object), [2, 2, 3])
    same(tf.edit_distance(hyp, truth), "edit_distance")
    same(tf.edit_distance(hyp, truth, normalize=False), "edit_distance_raw")
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.edit_distance(np.ones((2, 2)), truth)


def test_convolution_entry_points():
    same(tf.conv2d_backprop_input_v2(F["image"], F["kernel"], F["upstream"], [1, 2, 2, 1], "SAME"), "backprop_input",
         rtol=1e-4, atol=1e-4)
    same(tf.conv2d_backprop_filter_v2(F["image"], F["kernel"], F["upstream"], [1, 2, 2, 1], "SAME"),
         "backprop_filter", rtol=1e-4, atol=1e-4)
    same(tf.conv(F["image"], F["kernel"], [1, 2, 2, 1], "SAME"), "conv", rtol=1e-4, atol=1e-4)
    with pytest.raises(tf.errors.InvalidArgumentError, match="out_backprop"):
        tf.conv2d_backprop_input_v2(F["image"], F["kernel"], F["upstream"][:, :2], [1, 2, 2, 1], "SAME")


def test_indexed_slices_and_specs():
    slices = tf.IndexedSlices(F["values"], np.array([4, 0, 4]), dense_shape=[5, 2])
    same(tf.convert_to_tensor(slices), "indexed_slices")
    np.testing.assert_allclose(np.asarray(tf.reduce_sum(slices)), F["indexed_slices"].sum(), rtol=1e-6)
    assert slices.dtype == tf.float32 and slices.shape == tf.TensorShape([5, 2])
    spec = tf.type_spec_from_value(slices)
    assert isinstance(spec, tf.IndexedSlicesSpec) and isinstance(spec, tf.TypeSpec)
    assert isinstance(tf.type_spec_from_value(np.ones((2, 3), np.float32)), tf.TypeSpec)
    assert tf.type_spec_from_value(np.ones((2, 3), np.float32)) == tf.TensorSpec([2, 3], tf.float32)
    assert isinstance(tf.type_spec_from_value(tf.SparseTensor([[0]], [1.0], [3])), tf.SparseTensorSpec)
    assert tf.type_spec_from_value(None) == tf.NoneTensorSpec()
    dataset = tf.data.Dataset.from_tensor_slices(np.ones((4, 2), np.float32))
    spec = tf.type_spec_from_value(dataset)
    assert isinstance(spec, tf.data.DatasetSpec) and spec.element_spec == tf.TensorSpec([2], tf.float32)
    assert spec.is_compatible_with(dataset) and spec.value_type is tf.data.Dataset
    assert tf.data.IteratorSpec(spec.element_spec).is_compatible_with(tf.data.IteratorSpec(tf.TensorSpec([2])))
    assert tf.TensorArraySpec([2], tf.int32).dtype == tf.int32
    assert tf.OptionalSpec(tf.TensorSpec([])).element_spec == tf.TensorSpec([])
    with pytest.raises(TypeError, match="Indexed"):
        tf.IndexedSlices(F["values"], np.array([0.5, 1.0, 2.0]))


def test_conversion_registry_and_grad_pass_through():
    class Celsius:
        def __init__(self, degrees):
            self.degrees = degrees

    tf.register_tensor_conversion_function(Celsius, lambda value, dtype=None, name=None, as_ref=False:
                                           tf.constant(value.degrees, dtype=dtype or tf.float32))
    assert float(tf.add(Celsius(20.0), 1.0)) == 21.0
    assert tf.convert_to_tensor(Celsius(3.0), dtype=tf.float64).dtype == tf.float64
    with pytest.raises(TypeError, match="Python"):
        tf.register_tensor_conversion_function(float, lambda *a, **k: None)
    x = tf.constant([0.3, 1.7])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.grad_pass_through(tf.round)(x) * 3.0
    np.testing.assert_array_equal(np.asarray(y), [0.0, 6.0])
    np.testing.assert_array_equal(np.asarray(tape.gradient(y, x)), [3.0, 3.0])
    assert not tf.is_symbolic_tensor(x)
    from swiftdl import keras
    assert tf.is_symbolic_tensor(keras.Input((2,)))


def test_extract_volume_patches_matches_tensorflow():
    from _nn_gradcheck import check_gradients
    V = np.load(pathlib.Path(__file__).parent / "fixtures" / "tf_top_level" / "tf_volume_patches.npz")
    np.testing.assert_array_equal(np.asarray(tf.extract_volume_patches(V["volume"], [1, 2, 3, 2, 1], [1, 1, 2, 3, 1],
                                                                      "VALID")), V["valid"])
    np.testing.assert_array_equal(np.asarray(tf.extract_volume_patches(V["volume"], [1, 3, 2, 3, 1], [1, 2, 2, 2, 1],
                                                                      "SAME")), V["same"])
    check_gradients(lambda v: tf.extract_volume_patches(v, [1, 2, 2, 2, 1], [1, 1, 2, 1, 1], "SAME"),
                    V["volume"][:1, :3, :3, :3, :1].astype(np.float64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="5-D"):
        tf.extract_volume_patches(V["volume"][0], [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID")
