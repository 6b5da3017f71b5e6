"""keras.layers.Conv3DTranspose and keras.ops.conv / conv_transpose on 3-D inputs against
real Keras 3 (fixtures/keras_conv3d_transpose/): valid and same padding, strides,
output_padding, dilation, channels_first; a Keras-written `.keras` model; the transpose is
the gradient of the 3-D convolution (so its VJP is checked through that identity);
symbolic shapes; bad arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_conv3d_transpose")
KERAS = np.load(os.path.join(FIXTURES, "conv3d_transpose.npz"))
with open(os.path.join(FIXTURES, "conv3d_transpose.json")) as _file:
    CASES = json.load(_file)
LAYER_CASES = sorted(name for name in CASES if "op" not in CASES[name])
OP_CASES = sorted(name for name in CASES if "op" in CASES[name])


def _tuples(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


@pytest.mark.parametrize("name", LAYER_CASES)
def test_layer_matches_keras(name):
    case = CASES[name]
    layer = keras.layers.Conv3DTranspose(**_tuples(case["arguments"]))
    x = KERAS[f"{name}/x"]
    layer(x)
    layer.set_weights([KERAS[f"{name}/kernel"], KERAS[f"{name}/bias"]])
    y = np.asarray(layer(x))
    np.testing.assert_allclose(y, KERAS[f"{name}/y"], rtol=1e-4, atol=1e-4)
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == case["output_shape"]
    config = layer.get_config()
    for key in ("filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate"):
        expected = case["config"][key]
        assert (list(config[key]) if isinstance(config[key], tuple) else config[key]) == expected, key


@pytest.mark.parametrize("name", OP_CASES)
def test_ops_match_keras(name):
    case = CASES[name]
    y = getattr(keras.ops, case["op"])(KERAS[f"{name}/x"], KERAS[f"{name}/kernel"], **case["arguments"])
    np.testing.assert_allclose(np.asarray(y), KERAS[f"{name}/y"], rtol=1e-4, atol=1e-4)


def test_a_keras_written_model_loads_predicts_and_trains(tmp_path):
    model = keras.saving.load_model(os.path.join(FIXTURES, "conv3d_transpose_model.keras"))
    np.testing.assert_allclose(model.predict(KERAS["model/x"], verbose=0), KERAS["model/y"], rtol=1e-4, atol=1e-5)
    model.compile("adam", "mse")
    before = [w.copy() for w in model.get_weights()]
    model.fit(KERAS["model/x"], np.zeros_like(KERAS["model/y"]), epochs=1, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


@pytest.mark.parametrize("strides,padding,shape", [(1, "valid", (2, 6, 5, 7, 2)), (2, "same", (2, 6, 4, 6, 2)),
                                                   ((2, 1, 3), "valid", (2, 7, 5, 6, 2))])
def test_the_transpose_is_the_gradient_of_the_convolution(strides, padding, shape):
    """<conv3d(z, w), y> = <z, conv3d_transpose(y, w)> for every z: the transpose is the
    convolution's input gradient, which the 2-D ops' gradients give. (Sizes chosen so the
    transpose's output size is z's.)"""
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((3, 2, 3, 2, 4))
    z = sd.Variable(rng.standard_normal(shape))
    with sd.GradientTape() as tape:
        y = keras.ops.conv(z, kernel, strides=strides, padding=padding)
        upstream = rng.standard_normal(tuple(y.shape))
        total = sd.reduce_sum(y * upstream)
    gradient = np.asarray(tape.gradient(total, z))
    transposed = np.asarray(keras.ops.conv_transpose(upstream, kernel, strides=strides, padding=padding))
    assert transposed.shape == gradient.shape
    np.testing.assert_allclose(transposed, gradient, rtol=1e-10, atol=1e-10)


def test_symbolic_shape_and_bad_arguments():
    out = keras.layers.Conv3DTranspose(4, 3, strides=2, padding="same")(keras.Input((2, 3, 5, 1)))
    assert out.shape == (None, 4, 6, 10, 4)
    assert keras.layers.Convolution3DTranspose is keras.layers.Conv3DTranspose
    with pytest.raises(ValueError, match="output_padding"):
        keras.layers.Conv3DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="rank 3 to 5"):
        keras.ops.conv_transpose(np.zeros((1, 2, 2, 2, 2, 1), np.float32), np.zeros((1, 1, 1, 1, 1, 1), np.float32))
