"""The transposed convolution: the engine op (swiftdl.nn.conv2d_transpose / conv1d_transpose)
against TensorFlow's outputs and against conv2d's own gradient, its VJP against finite
differences, keras.ops.conv_transpose and the Conv1DTranspose / Conv2DTranspose layers
against real Keras (fixtures/keras_conv_transpose/), and hostile arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

from keras_testing import run_layer_test

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_conv_transpose")
TF = np.load(os.path.join(FIXTURES, "tf_conv_transpose.npz"))
TF_CONFIGS = json.loads(str(TF["configs"]))
KERAS = np.load(os.path.join(FIXTURES, "keras_conv_transpose.npz"))
KERAS_CONFIGS = json.loads(str(KERAS["configs"]))


@pytest.mark.parametrize("name", sorted(TF_CONFIGS))
def test_nn_conv_transpose_matches_tensorflow(name):
    config = TF_CONFIGS[name]
    x, w = TF[f"{name}/x"], TF[f"{name}/w"]
    function = sd.nn.conv1d_transpose if x.ndim == 3 else sd.nn.conv2d_transpose
    y = function(x, w, config["output_shape"], config["strides"], padding=config["padding"],
                 dilations=config["dilations"])
    np.testing.assert_allclose(np.asarray(y), TF[f"{name}/y"], rtol=1e-5, atol=1e-5)
    # tf.nn.conv_transpose picks the same op by rank.
    same = sd.nn.conv_transpose(x, w, config["output_shape"], config["strides"], padding=config["padding"],
                                dilations=config["dilations"])
    np.testing.assert_array_equal(np.asarray(same), np.asarray(y))


def _conv2d_input_gradient(x, w, output_shape, strides, padding, dilations):
    """d<conv2d(z), x>/dz: what a transposed convolution is by definition."""
    z = sd.Variable(np.zeros(output_shape, x.dtype))
    with sd.GradientTape() as tape:
        total = sd.sum(sd.nn.conv2d(z, w, strides, padding, dilations=dilations) * x)
    return np.asarray(tape.gradient(total, z))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel,strides,padding,dilations,extra", [
    (3, 2, "SAME", 1, 0), (3, 2, "VALID", 1, 1), (1, 3, "VALID", 1, 2), (2, 1, "SAME", 2, 0),
    (3, 1, [[0, 0], [2, 0], [1, 1], [0, 0]], 1, 0), (5, 1, "SAME", 1, 0), (3, 1, "SAME", 1, 0)])
def test_conv2d_transpose_is_the_gradient_of_conv2d(dtype, kernel, strides, padding, dilations, extra):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 4, 8)).astype(dtype)         # 3×3 stride 1 with 8 channels takes Winograd
    w = rng.normal(size=(kernel, kernel, 8, 8)).astype(dtype)
    window = (kernel - 1) * dilations + 1
    if padding == "SAME":
        size = (5 * strides, 4 * strides)
    elif padding == "VALID":
        size = ((5 - 1) * strides + window + extra, (4 - 1) * strides + window + extra)
    else:
        size = (5 - 1 + window - 2, 4 - 1 + window - 2)
    output_shape = (2, *size, 8)
    expected = _conv2d_input_gradient(x, w, output_shape, strides, padding, dilations)
    y = sd.nn.conv2d_transpose(x, w, output_shape, strides, padding, dilations=dilations)
    assert y.dtype == np.dtype(dtype) and y.shape == output_shape
    tolerance = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.asarray(y), expected, rtol=tolerance, atol=tolerance)


def _numeric_gradient(f, value, eps=1e-6):
    flat = value.reshape(-1)
    grad = np.zeros_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        up = f()
        flat[i] = saved - eps
        down = f()
        flat[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad.reshape(value.shape)


@pytest.mark.parametrize("strides,padding,size", [(2, "SAME", (6, 7)), (2, "VALID", (8, 9)), (1, "SAME", (3, 4))])
def test_conv2d_transpose_gradients_match_finite_differences(strides, padding, size):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 4, 3))
    w = rng.normal(size=(3, 2, 2, 3))
    upstream = rng.normal(size=(2, *size, 2))
    output_shape = (2, *size, 2)

    def loss():
        return float(np.sum(np.asarray(sd.nn.conv2d_transpose(x, w, output_shape, strides, padding)) * upstream))

    xv, wv = sd.Variable(x), sd.Variable(w)
    with sd.GradientTape() as tape:
        total = sd.sum(sd.nn.conv2d_transpose(xv, wv, output_shape, strides, padding) * upstream)
    dx, dw = tape.gradient(total, [xv, wv])
    np.testing.assert_allclose(np.asarray(dx), _numeric_gradient(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(dw), _numeric_gradient(loss, w), rtol=1e-6, atol=1e-7)


def test_one_output_channel_and_single_channel_filter_gradient():
    """One output channel makes conv2d's filter gradient take its single-channel kernel."""
    rng = np.random.default_rng(9)
    x = rng.normal(size=(3, 4, 4, 2)).astype(np.float32)
    w = rng.normal(size=(3, 3, 1, 2)).astype(np.float32)
    wv = sd.Variable(w)
    with sd.GradientTape() as tape:
        total = sd.sum(sd.nn.conv2d_transpose(x, wv, (3, 8, 8, 1), 2, "SAME") ** 2)
    dw = np.asarray(tape.gradient(total, wv))
    w64 = sd.Variable(w.astype(np.float64))
    with sd.GradientTape() as tape:
        total = sd.sum(sd.nn.conv2d_transpose(x.astype(np.float64), w64, (3, 8, 8, 1), 2, "SAME") ** 2)
    np.testing.assert_allclose(dw, np.asarray(tape.gradient(total, w64)), rtol=1e-4, atol=1e-3)


def test_empty_inputs_give_zeros():
    y = sd.nn.conv2d_transpose(np.zeros((2, 3, 3, 0), np.float32), np.zeros((3, 3, 4, 0), np.float32),
                               (2, 6, 6, 4), 2, "SAME")
    assert y.shape == (2, 6, 6, 4) and not np.asarray(y).any()
    assert sd.nn.conv2d_transpose(np.zeros((0, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                  (0, 6, 6, 4), 2, "SAME").shape == (0, 6, 6, 4)


@pytest.mark.parametrize("call,match", [
    (lambda: sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                    (1, 9, 9, 4), 2, "SAME"), "gives (5, 5) positions"),
    (lambda: sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 5), np.float32),
                                    (1, 6, 6, 4), 2, "SAME"), "channels"),
    (lambda: sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                    (2, 6, 6, 4), 2, "SAME"), "batch"),
    (lambda: sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                    (1, 6, 6), 2, "SAME"), "output_shape"),
    (lambda: sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                    (1, -6, 6, 4), 2, "SAME"), "negative"),
    (lambda: sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                    (1, 6, 6, 4), 0, "SAME"), "stride"),
    (lambda: sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                    (1, 6, 6, 4), 2, "FULL"), "padding"),
    (lambda: sd.nn.conv2d_transpose(np.ones((3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                    (1, 6, 6, 4), 2, "SAME"), "rank 4"),
    (lambda: sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float32),
                                    (1, 2 ** 40, 2 ** 40, 4), 2, "SAME"), ""),
    (lambda: sd.nn.conv1d_transpose(np.ones((1, 3, 2), np.float32), np.ones((3, 4, 2), np.float32),
                                    (1, 9, 4), 2, "SAME"), "positions"),
    (lambda: sd.nn.conv_transpose(np.ones((1, 3, 3, 3, 2), np.float32), np.ones((3, 3, 3, 4, 2), np.float32),
                                  (1, 6, 6, 6, 4), 2, "SAME"), "rank 3 or 4"),
])
def test_hostile_arguments_raise_clear_errors(call, match):
    with pytest.raises((ValueError, MemoryError)) as info:
        call()
    assert match.lower() in str(info.value).lower()


def test_dtype_mismatch_is_a_type_error():
    with pytest.raises(TypeError):
        sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.float32), np.ones((3, 3, 4, 2), np.float64),
                               (1, 6, 6, 4), 2, "SAME")
    with pytest.raises(TypeError):
        sd.nn.conv2d_transpose(np.ones((1, 3, 3, 2), np.int32), np.ones((3, 3, 4, 2), np.int32),
                               (1, 6, 6, 4), 2, "SAME")


def _keras_layer(name):
    config = KERAS_CONFIGS[name]
    cls = keras.layers.Conv1DTranspose if config["rank"] == 1 else keras.layers.Conv2DTranspose
    x = KERAS[f"{name}/x"]
    layer = cls(**config["arguments"])
    layer.build(x.shape)
    weights = [KERAS[f"{name}/w{i}"] for i in range(len(layer.weights))]
    layer.set_weights(weights)
    return layer, x, config


@pytest.mark.parametrize("name", sorted(KERAS_CONFIGS))
def test_layers_match_keras(name):
    layer, x, config = _keras_layer(name)
    y = layer(x)
    np.testing.assert_allclose(np.asarray(y), KERAS[f"{name}/y"], rtol=1e-5, atol=1e-5)
    assert tuple(layer.compute_output_shape(x.shape)) == tuple(config["output_shape"])
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


@pytest.mark.parametrize("name", ["2d_output_padding_same", "1d_same_output_padding", "2d_channels_first"])
def test_keras_ops_conv_transpose_matches_the_layer(name):
    layer, x, config = _keras_layer(name)
    arguments = config["arguments"]
    y = keras.ops.conv_transpose(x, layer.kernel, strides=arguments.get("strides", 1),
                                 padding=arguments.get("padding", "valid"),
                                 output_padding=arguments.get("output_padding"),
                                 data_format=arguments.get("data_format"),
                                 dilation_rate=arguments.get("dilation_rate", 1))
    bias = np.asarray(layer.bias)
    bias = bias.reshape((-1,) + (1,) * (x.ndim - 2)) if arguments.get("data_format") == "channels_first" else bias
    np.testing.assert_allclose(np.asarray(y) + bias, KERAS[f"{name}/y"], rtol=1e-5, atol=1e-5)


def test_config_keys_are_keras_s():
    layer = keras.layers.Conv2DTranspose(4, 3, strides=2, output_padding=1)
    config = layer.get_config()
    assert "groups" not in config and config["output_padding"] == (1, 1)
    assert keras.layers.Convolution1DTranspose is keras.layers.Conv1DTranspose


@pytest.mark.parametrize("cls,arguments,input_shape,output_shape", [
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1}, (2, 3, 4, 3),
     (2, 8, 10, 2)),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (2, 3, 4, 3),
     (2, 3, 4, 2)),
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 4, "strides": 2, "padding": "same"}, (2, 5, 2), (2, 10, 3)),
])
def test_layers_train_and_save(cls, arguments, input_shape, output_shape):
    run_layer_test(getattr(keras.layers, cls), arguments, input_shape, expected_output_shape=output_shape,
                   expected_num_trainable_weights=2)


@pytest.mark.parametrize("arguments,match", [
    ({"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 2}, "output_padding"),
    ({"filters": 2, "kernel_size": 3, "output_padding": -1}, "output_padding"),
    ({"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "dilation_rate"),
    ({"filters": 0, "kernel_size": 3}, "filters"),
])
def test_bad_layer_arguments(arguments, match):
    with pytest.raises(ValueError, match=match):
        keras.layers.Conv2DTranspose(**arguments)


def test_layer_refuses_the_wrong_channels():
    layer = keras.layers.Conv2DTranspose(2, 3)
    layer(np.ones((1, 4, 4, 3), np.float32))
    with pytest.raises(ValueError, match="incompatible"):
        layer(np.ones((1, 4, 4, 5), np.float32))
