"""Conv2D's `groups` against real Keras 3 (fixtures/keras_grouped_conv/): one channel per
group (ConvNeXt's depthwise 7x7) and several; its errors; gradients against finite
differences. The layers Keras defines inside its application modules (LayerScale,
StochasticDepth, CustomScaleLayer): numbers, the layer contract, `.keras` round trips."""
import os

import numpy as np
import pytest
from keras_testing import run_layer_test

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras.applications._layers import CustomScaleLayer, LayerScale, StochasticDepth

GROUPED = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_grouped_conv", "grouped_conv.npz"))
CASES = {"depthwise": {"filters": 6, "kernel_size": 3, "groups": 6, "padding": "same"},
         "depthwise_multiplier": {"filters": 8, "kernel_size": 3, "groups": 4, "strides": 2},
         "two_groups": {"filters": 6, "kernel_size": (3, 2), "groups": 2, "padding": "same", "activation": "relu"},
         "three_groups_dilated": {"filters": 3, "kernel_size": 2, "groups": 3, "dilation_rate": 2, "use_bias": False}}


@pytest.mark.parametrize("name", sorted(CASES))
def test_grouped_conv2d_matches_keras(name):
    layer = keras.layers.Conv2D(**CASES[name])
    x = GROUPED[f"{name}/x"]
    layer.build(x.shape)
    assert layer.kernel.shape == GROUPED[f"{name}/w0"].shape
    layer.set_weights([GROUPED[f"{name}/w{i}"] for i in range(len(layer.weights))])
    np.testing.assert_allclose(np.asarray(layer(x)), GROUPED[f"{name}/y"], rtol=1e-5, atol=1e-5)
    assert layer.get_config()["groups"] == CASES[name]["groups"]
    assert layer.compute_output_shape(x.shape) == GROUPED[f"{name}/y"].shape


@pytest.mark.parametrize("name", ["depthwise", "two_groups"])
def test_grouped_conv2d_gradients_match_finite_differences(name):
    layer = keras.layers.Conv2D(**{**CASES[name], "activation": None})
    x = GROUPED[f"{name}/x"][:1, :4, :4].astype(np.float64)
    layer.build(x.shape)
    kernel = np.random.default_rng(1).normal(size=layer.kernel.shape)

    def loss(values):
        layer.kernel.assign(values.astype(np.float32))
        return float(np.sum(np.asarray(layer(x.astype(np.float32)), dtype=np.float64) ** 2))
    layer.kernel.assign(kernel.astype(np.float32))
    with sd.GradientTape() as tape:
        total = sd.sum(layer(x.astype(np.float32)) ** 2)
    analytic = np.asarray(tape.gradient(total, layer.kernel))
    step, numeric = 1e-2, np.zeros_like(kernel)
    for index in np.ndindex(kernel.shape):
        up, down = kernel.copy(), kernel.copy()
        up[index] += step
        down[index] -= step
        numeric[index] = (loss(up) - loss(down)) / (2 * step)
    np.testing.assert_allclose(analytic, numeric, rtol=2e-2, atol=2e-2)


def test_grouped_conv2d_errors_and_training():
    with pytest.raises(ValueError, match="evenly divisible by the number of groups. Received: groups=4, filters=6"):
        keras.layers.Conv2D(6, 3, groups=4)
    with pytest.raises(ValueError, match="positive integer"):
        keras.layers.Conv2D(6, 3, groups=0)
    with pytest.raises(ValueError, match="input has 5 channels"):
        keras.layers.Conv2D(6, 3, groups=2)(np.zeros((1, 4, 4, 5), np.float32))
    layer = keras.layers.Conv2D(4, 3, groups=2)
    layer.build((1, 5, 5, 4))
    with pytest.raises(ValueError, match="incompatible"):
        layer(np.zeros((1, 5, 5, 2), np.float32))
    run_layer_test(keras.layers.Conv2D, {"filters": 4, "kernel_size": 3, "groups": 2}, (2, 5, 5, 4),
                   expected_output_shape=(2, 3, 3, 4), expected_num_trainable_weights=2)


def test_layer_scale_and_custom_scale_layer():
    x = np.random.default_rng(2).normal(size=(2, 3, 3, 4)).astype(np.float32)
    output = run_layer_test(LayerScale, {"init_values": 0.5, "projection_dim": 4}, (2, 3, 3, 4), input_data=x,
                            expected_num_trainable_weights=1)
    np.testing.assert_allclose(output, x * 0.5, rtol=1e-6)
    scaled = CustomScaleLayer(0.17)([x, 2 * x])
    np.testing.assert_allclose(np.asarray(scaled), x + 2 * x * 0.17, rtol=1e-6)
    assert CustomScaleLayer(0.2).get_config()["scale"] == 0.2


def test_stochastic_depth_drops_whole_samples_while_training():
    x = np.ones((4000, 2, 2, 3), np.float32)
    layer = StochasticDepth(0.25)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)  # inference: the identity
    dropped = np.asarray(layer(x, training=True))
    per_sample = dropped.reshape(len(x), -1)
    assert np.all(np.isclose(per_sample, 0.0) | np.isclose(per_sample, 1 / 0.75)), "kept samples are scaled by 1/0.75"
    assert np.all(per_sample.min(axis=1) == per_sample.max(axis=1)), "a sample was dropped only in part"
    kept = np.mean(per_sample[:, 0] > 0)
    assert abs(kept - 0.75) < 4 * np.sqrt(0.75 * 0.25 / len(x))
    assert StochasticDepth.from_config(layer.get_config()).drop_path_rate == 0.25
    with pytest.raises(ValueError, match="drop_path_rate"):
        StochasticDepth(1.0)


def test_application_models_round_trip_through_keras_files(tmp_path):
    model = keras.applications.convnext.ConvNeXt([1, 1, 1, 1], [8, 8, 16, 16], drop_path_rate=0.1, name="tiny_cnx",
                                                 include_top=True, classes=3, input_shape=(32, 32, 3))
    inputs = keras.Input((4, 4, 6))
    custom = keras.Model(inputs, CustomScaleLayer(0.1)([inputs, keras.layers.Conv2D(6, 3, padding="same",
                                                                                     groups=3)(inputs)]))
    for built, x in [(model, np.random.default_rng(3).uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)),
                     (custom, np.random.default_rng(4).normal(size=(2, 4, 4, 6)).astype(np.float32))]:
        path = str(tmp_path / f"{built.name}.keras")
        built.save(path)
        loaded = keras.models.load_model(path)
        assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in built.layers]
        np.testing.assert_allclose(loaded.predict(x, verbose=0), built.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
