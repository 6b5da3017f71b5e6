"""EinsumDense and RMSNormalization against real Keras 3 (fixtures/keras_einsum_rms/):
outputs, output and weight shapes and configs; the layer contract (train, save); the
variance-scaling fans of an einsum kernel; hostile equations."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

from keras_testing import run_layer_test

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_einsum_rms", "einsum_rms.npz"))
META = json.loads(str(FIXTURE["meta"]))


@pytest.mark.parametrize("name", sorted(META))
def test_matches_keras(name):
    meta = META[name]
    layer = getattr(keras.layers, meta["class_name"])(**meta["arguments"])
    x = FIXTURE[f"{name}/x"]
    layer.build(x.shape)
    assert [list(w.shape) for w in layer.weights] == meta["weight_shapes"]
    layer.set_weights([FIXTURE[f"{name}/w{i}"] for i in range(len(layer.weights))])
    np.testing.assert_allclose(np.asarray(layer(x)), FIXTURE[f"{name}/y"], rtol=1e-5, atol=1e-5)
    assert [d for d in layer.compute_output_shape(x.shape)] == meta["output_shape"]
    config = layer.get_config()
    config.pop("dtype")
    expected = dict(meta["config"])
    assert config.pop("name").rstrip("_0123456789") == expected.pop("name").rstrip("_0123456789")
    assert json.loads(json.dumps(config)) == expected
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_gradients_match_finite_differences():
    from _nn_gradcheck import check_gradients
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", dtype="float64")
    x = np.random.default_rng(1).standard_normal((2, 3, 4))
    layer.build(x.shape)
    kernel, bias = (np.asarray(w, dtype=np.float64) for w in layer.weights)
    check_gradients(lambda a, k, b: sd.einsum("abc,cde->abde", a, k) + b, x, kernel, bias)


@pytest.mark.parametrize("cls,arguments,input_shape,output_shape,weights", [
    ("EinsumDense", {"equation": "abc,cd->abd", "output_shape": (3, 4), "bias_axes": "d"}, (2, 3, 5), (2, 3, 4), 2),
    ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 3}, (2, 5), (2, 3), 1),
    ("RMSNormalization", {}, (2, 3, 4), (2, 3, 4), 1),
])
def test_layer_contract(cls, arguments, input_shape, output_shape, weights):
    run_layer_test(getattr(keras.layers, cls), arguments, input_shape, expected_output_shape=output_shape,
                   expected_num_trainable_weights=weights)


def test_einsum_kernel_initializer_uses_the_einsum_fans():
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 8, 16),
                                     kernel_initializer=keras.initializers.VarianceScaling(2.0, "fan_in", "uniform"))
    layer.build((4, 10, 256))
    kernel = np.asarray(layer.kernel)
    limit = np.sqrt(3 * 2.0 / 256)  # fan_in = 256 (the input axis), not 8 (what a 3-D shape's fans would say)
    assert kernel.shape == (256, 8, 16) and np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit


@pytest.mark.parametrize("make,match", [
    (lambda: keras.layers.EinsumDense("abc->ab", 3)((np.ones((2, 3, 4), "float32"))), "Invalid einsum equation"),
    (lambda: keras.layers.EinsumDense("ab,bc->ad", 3)(np.ones((2, 4), "float32")), "no corresponding dim"),
    (lambda: keras.layers.EinsumDense("ab,bc->ac", 3, bias_axes="z")(np.ones((2, 4), "float32")), "Bias dimension"),
    (lambda: keras.layers.EinsumDense("abc,cd->abd", (5, 3))(np.ones((2, 4, 6), "float32")), "do not match"),
    (lambda: keras.layers.EinsumDense("ab,bcz->ac", 3)(np.ones((2, 4), "float32")), "Weight dimension"),
    (lambda: keras.layers.RMSNormalization(axis=3)(np.ones((2, 4), "float32")), "out of bounds"),
])
def test_hostile_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
