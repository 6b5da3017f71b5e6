"""The adaptive pooling layers (1-3 D), the 3-D pooling, padding, cropping, upsampling,
global pooling and spatial dropout layers, Conv3D, the 1-D depthwise and separable layers and
AdditiveAttention against real Keras 3 (fixtures/keras_layers_3d/), with
the layer contract and hostile arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

from keras_testing import run_layer_test

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_layers_3d", "layers_3d.npz"))
META = json.loads(str(FIXTURE["meta"]))


@pytest.mark.parametrize("name", sorted(META))
def test_matches_keras(name):
    meta = META[name]
    layer = getattr(keras.layers, meta["class_name"])(**meta["arguments"])
    if meta.get("inputs"):
        x = [FIXTURE[f"{name}/x{i}"] for i in range(meta["inputs"])]
        shape = [part.shape for part in x]
    else:
        x = FIXTURE[f"{name}/x"]
        shape = x.shape
    layer.build(shape)
    if layer.weights:
        layer.set_weights([FIXTURE[f"{name}/w{i}"] for i in range(len(layer.weights))])
    np.testing.assert_allclose(np.asarray(layer(x)), FIXTURE[f"{name}/y"], rtol=1e-5, atol=1e-6)
    assert list(layer.compute_output_shape(shape)) == meta["output_shape"]
    config = layer.get_config()
    config.pop("dtype", None)
    config.pop("name", None)
    assert json.loads(json.dumps(config)) == meta["config"]


@pytest.mark.parametrize("cls,arguments,input_shape,output_shape", [
    ("AdaptiveAveragePooling2D", {"output_size": 2}, (2, 5, 4, 3), (2, 2, 2, 3)),
    ("AdaptiveMaxPooling3D", {"output_size": (1, 2, 2)}, (2, 3, 4, 4, 2), (2, 1, 2, 2, 2)),
    ("ZeroPadding3D", {"padding": 1}, (2, 2, 2, 2, 1), (2, 4, 4, 4, 1)),
    ("Cropping3D", {"cropping": 1}, (2, 3, 3, 3, 1), (2, 1, 1, 1, 1)),
    ("UpSampling3D", {"size": 2}, (2, 2, 2, 2, 1), (2, 4, 4, 4, 1)),
    ("GlobalMaxPooling3D", {}, (2, 2, 2, 2, 3), (2, 3)),
    ("MaxPooling3D", {"pool_size": 2}, (2, 4, 4, 4, 2), (2, 2, 2, 2, 2)),
    ("Conv3D", {"filters": 2, "kernel_size": 2, "padding": "same"}, (2, 3, 3, 3, 2), (2, 3, 3, 3, 2)),
    ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 3), (2, 4, 6)),
    ("SeparableConv1D", {"filters": 4, "kernel_size": 3, "padding": "same"}, (2, 6, 3), (2, 6, 4)),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same"}, (2, 3, 3, 3, 2), (2, 2, 2, 2, 2)),
    ("SpatialDropout3D", {"rate": 0.5}, (2, 2, 2, 2, 3), (2, 2, 2, 2, 3)),
])
def test_layer_contract(cls, arguments, input_shape, output_shape):
    run_layer_test(getattr(keras.layers, cls), arguments, input_shape, expected_output_shape=output_shape,
                   expected_num_trainable_weights={"Conv3D": 2, "DepthwiseConv1D": 2, "SeparableConv1D": 3}.get(cls, 0))


def test_conv3d_gradients_match_finite_differences():
    from _nn_gradcheck import check_gradients
    layer = keras.layers.Conv3D(2, (2, 2, 3), strides=(2, 1, 1), padding="same", dtype="float64")
    x = np.random.default_rng(4).standard_normal((2, 3, 3, 4, 2))
    layer.build(x.shape)
    check_gradients(lambda a: layer(a), x)
    check_gradients(lambda k: _conv3d_with(layer, x, k), np.asarray(layer.kernel))


def _conv3d_with(layer, x, kernel):
    """The layer's convolution with `kernel` in place of its own (a tensor the tape watches)."""
    saved = layer.kernel
    layer.kernel = kernel
    try:
        return layer.convolve(x, layer.bias)
    finally:
        layer.kernel = saved


def test_spatial_dropout_3d_drops_whole_volumes():
    x = np.ones((4, 3, 3, 3, 8), "float32")
    y = np.asarray(keras.layers.SpatialDropout3D(0.5, seed=1)(x, training=True))
    per_volume = y.reshape(4, 27, 8)
    assert np.all(per_volume.min(axis=1) == per_volume.max(axis=1))  # one decision per (sample, channel)
    assert set(np.unique(y)) <= {0.0, 2.0}


@pytest.mark.parametrize("make,match", [
    (lambda: keras.layers.AdaptiveAveragePooling2D(0), "output_size"),
    (lambda: keras.layers.AdaptiveMaxPooling3D((2, 2)), "output_size"),
    (lambda: keras.layers.AdaptiveAveragePooling1D(2)(np.ones((2, 3, 4, 5), "float32")), "expected ndim=3"),
    (lambda: keras.layers.Cropping3D(2)(np.ones((1, 3, 3, 3, 1), "float32")), "leaves nothing"),
    (lambda: keras.layers.ZeroPadding3D(((1, 1), (1, 1))), "3 elements"),
    (lambda: keras.layers.UpSampling3D(0), "size"),
])
def test_hostile_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


CAUSAL = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_layers_3d", "conv1d_causal.npz"))


@pytest.mark.parametrize("name,arguments", [
    ("causal", {"filters": 4, "kernel_size": 3, "padding": "causal"}),
    ("causal_dilated", {"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 3}),
    ("causal_stride", {"filters": 2, "kernel_size": 3, "padding": "causal", "strides": 2}),
])
def test_conv1d_causal_padding_matches_keras(name, arguments):
    layer = keras.layers.Conv1D(**arguments)
    layer.build(CAUSAL["x"].shape)
    layer.set_weights([CAUSAL[f"{name}/w0"], CAUSAL[f"{name}/w1"]])
    y = layer(CAUSAL["x"])
    np.testing.assert_allclose(np.asarray(y), CAUSAL[f"{name}/y"], rtol=1e-5, atol=1e-5)
    assert tuple(layer.compute_output_shape(CAUSAL["x"].shape)) == CAUSAL[f"{name}/y"].shape
    assert layer.get_config()["padding"] == "causal"
    # An output never depends on later steps.
    later = CAUSAL["x"].copy()
    later[:, -1] += 10.0
    np.testing.assert_allclose(np.asarray(layer(later))[:, :-1], np.asarray(y)[:, :-1], rtol=1e-6)


@pytest.mark.parametrize("arguments", [
    {"kernel_size": (3, 2, 3), "dilation_rate": (2, 1, 1), "padding": "same", "activation": "relu"},
    {"kernel_size": 3, "strides": (2, 1, 2), "padding": "valid"},
    {"kernel_size": (1, 3, 3), "padding": "same", "activation": "relu"},
])
def test_conv3d_with_bias_and_relu_matches_a_direct_numpy_convolution(arguments):
    """The depth taps stacked along the channels into one conv2d (with the bias and relu
    in its epilogue) against a direct loop over the kernel's taps."""
    rng = np.random.default_rng(8)
    layer = keras.layers.Conv3D(3, dtype="float64", **arguments)
    x = rng.standard_normal((2, 5, 4, 6, 2))
    layer.build(x.shape)
    kernel, bias = rng.standard_normal(layer.kernel.shape), rng.standard_normal(3)
    layer.set_weights([kernel, bias])
    strides, dilations = layer.strides, layer.dilation_rate
    pads, sizes = [], []
    for axis in range(3):
        size, window = x.shape[1 + axis], (kernel.shape[axis] - 1) * dilations[axis] + 1
        out = -(-size // strides[axis]) if layer.padding == "same" else (size - window) // strides[axis] + 1
        total = max((out - 1) * strides[axis] + window - size, 0) if layer.padding == "same" else 0
        pads.append((total // 2, total - total // 2))
        sizes.append(out)
    padded = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    expected = np.zeros((2, *sizes, 3)) + bias
    for index in np.ndindex(*kernel.shape[:3]):
        starts = [index[a] * dilations[a] for a in range(3)]
        window = padded[:, starts[0]::strides[0], starts[1]::strides[1], starts[2]::strides[2]]
        window = window[:, :sizes[0], :sizes[1], :sizes[2]]
        expected += window @ kernel[index]
    if arguments.get("activation") == "relu":
        expected = np.maximum(expected, 0)
    # A float64 tensor: a numpy array would be cast to float32 on the way in.
    np.testing.assert_allclose(np.asarray(layer(sd.asarray(x))), expected, rtol=1e-10, atol=1e-10)
