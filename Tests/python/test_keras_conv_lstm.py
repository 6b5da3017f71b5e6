"""keras.layers.ConvLSTM1D/2D/3D against real Keras 3 (fixtures/keras_conv_lstm/): outputs
and states for given weights over padding, strides, dilation, return_sequences,
return_state, go_backwards, channels_first and other activations; configs; a Keras-written
`.keras` model of two stacked ConvLSTM2D that loads, predicts and trains; dropout acts only
in training; masks, stateful calls and bad input."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_conv_lstm")
KERAS = np.load(os.path.join(FIXTURES, "conv_lstm.npz"))
with open(os.path.join(FIXTURES, "conv_lstm.json")) as _file:
    CASES = json.load(_file)


def _tuples(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def _listify(shape):
    return [list(s) for s in shape] if isinstance(shape, list) else list(shape)


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_and_states_match_keras(name):
    case = CASES[name]
    layer = getattr(keras.layers, case["class"])(**_tuples(case["arguments"]))
    x = KERAS[f"{name}/x"]
    layer(x)
    layer.set_weights([KERAS[f"{name}/weight{i}"] for i in range(case["weights"])])
    outputs = layer(x)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    assert len(outputs) == case["outputs"]
    for i, output in enumerate(outputs):
        np.testing.assert_allclose(np.asarray(output), KERAS[f"{name}/out{i}"], rtol=1e-4, atol=1e-5)
    assert _listify(layer.compute_output_shape((None,) + x.shape[1:])) == case["output_shape"]
    config, expected = layer.get_config(), case["config"]
    assert list(config) == list(expected)
    for key in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
                "recurrent_activation", "use_bias", "unit_forget_bias", "return_sequences", "return_state",
                "go_backwards", "stateful", "dropout", "recurrent_dropout", "zero_output_for_mask"):
        value = list(config[key]) if isinstance(config[key], tuple) else config[key]
        assert value == expected[key], key


def test_a_keras_written_model_loads_predicts_and_trains(tmp_path):
    model = keras.saving.load_model(os.path.join(FIXTURES, "conv_lstm_model.keras"))
    np.testing.assert_allclose(model.predict(KERAS["model/x"], verbose=0), KERAS["model/y"], rtol=1e-4, atol=1e-5)
    model.save(str(tmp_path / "again.keras"))
    again = keras.saving.load_model(str(tmp_path / "again.keras"))
    np.testing.assert_allclose(again.predict(KERAS["model/x"], verbose=0), KERAS["model/y"], rtol=1e-4, atol=1e-5)
    again.compile("adam", "mse")
    before = [w.copy() for w in again.get_weights()]
    again.fit(KERAS["model/x"], np.ones((2, 1), np.float32), epochs=1, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, again.get_weights()))


def test_the_bias_starts_with_the_forget_block_at_one():
    layer = keras.layers.ConvLSTM2D(3, 2)
    layer(np.zeros((1, 2, 4, 4, 1), np.float32))
    np.testing.assert_array_equal(layer.get_weights()[2], np.repeat([0.0, 1.0, 0.0, 0.0], 3))


def test_dropout_only_in_training_and_seeded():
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 5, 2)).astype(np.float32)
    layer = keras.layers.ConvLSTM2D(2, 3, dropout=0.5, recurrent_dropout=0.5, seed=1, return_sequences=True)
    inference = np.asarray(layer(x))
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), inference)
    trained = np.asarray(layer(x, training=True))
    assert trained.shape == inference.shape and not np.allclose(trained, inference)


def test_masks_keep_the_previous_state_and_stateful_calls_continue():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 5, 3)).astype(np.float32)
    layer = keras.layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True)
    full = np.asarray(layer(x))
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    masked = np.asarray(layer(x, mask=mask))
    np.testing.assert_allclose(masked[0, 2], masked[0, 1])
    np.testing.assert_allclose(masked[1], full[1], rtol=1e-6)
    stateful = keras.layers.ConvLSTM1D(2, 3, padding="same", stateful=True)
    whole = keras.layers.ConvLSTM1D(2, 3, padding="same")
    stateful(x[:, :2])
    whole(x)
    whole.set_weights(stateful.get_weights())
    stateful.reset_states()
    stateful(x[:, :2])
    np.testing.assert_allclose(np.asarray(stateful(x[:, 2:])), np.asarray(whole(x)), rtol=1e-5, atol=1e-6)


def test_gradients_reach_every_weight_and_bad_input():
    layer = keras.layers.ConvLSTM2D(2, 3)
    x = sd.constant(np.random.default_rng(2).standard_normal((2, 3, 5, 5, 1)).astype(np.float32))
    with sd.GradientTape() as tape:
        loss = sd.reduce_sum(layer(x) ** 2)
    assert all(g is not None and np.abs(np.asarray(g)).sum() > 0
               for g in tape.gradient(loss, layer.trainable_weights))
    with pytest.raises(ValueError, match="ndim=5"):
        keras.layers.ConvLSTM2D(2, 3)(np.zeros((2, 5, 5, 1), np.float32))
    with pytest.raises(ValueError, match="filters"):
        keras.layers.ConvLSTM2D(0, 3)
    with pytest.raises(ValueError, match="padding"):
        keras.layers.ConvLSTM2D(2, 3, padding="causal")
