"""keras.layers MelSpectrogram and STFTSpectrogram and keras.initializers.STFT against real
Keras 3 (fixtures/keras_audio/): every STFTSpectrogram mode and layout, mel spectrograms in
decibels and in power with other windows and edges, unbatched, float64; configs and output
shapes; the spectrogram's kernels train; bad arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_audio")
KERAS = np.load(os.path.join(FIXTURES, "audio.npz"))
with open(os.path.join(FIXTURES, "audio.json")) as _file:
    META = json.load(_file)


def _of(kind):
    return sorted(name.split("/", 1)[1] for name in META if name.startswith(kind + "/"))


def _comparable(config):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if k not in ("name", "dtype")}


@pytest.mark.parametrize("name", _of("mel"))
def test_mel_spectrograms_match_keras(name):
    case = META[f"mel/{name}"]
    layer = keras.layers.MelSpectrogram(**case["arguments"])
    got = np.asarray(layer(KERAS["signals"]))
    tolerance = 2e-3 if case["arguments"].get("power_to_db", True) else 1e-4
    np.testing.assert_allclose(got, KERAS[f"mel/{name}"], rtol=1e-4, atol=tolerance)
    assert _comparable(layer.get_config()) == _comparable(case["config"])
    assert layer.compute_output_shape((None, 1000)) == (None,) + got.shape[1:]


def test_mel_spectrogram_unbatched_and_float64():
    arguments = META["mel/db"]["arguments"]
    np.testing.assert_allclose(np.asarray(keras.layers.MelSpectrogram(**arguments)(KERAS["signals"][0])),
                               KERAS["mel/unbatched"], rtol=1e-4, atol=2e-3)
    double = np.asarray(keras.layers.MelSpectrogram(dtype="float64", **arguments)(KERAS["signals"].astype(np.float64)))
    assert double.dtype == np.float64
    np.testing.assert_allclose(double, KERAS["mel/float64"], rtol=1e-4, atol=2e-3)  # Keras's JAX ran it in float32


@pytest.mark.parametrize("name", _of("stft"))
def test_stft_spectrograms_match_keras(name):
    case = META[f"stft/{name}"]
    layer = keras.layers.STFTSpectrogram(**case["arguments"])
    x = KERAS["channels"]
    if case["arguments"].get("data_format") == "channels_first":
        x = np.transpose(x, (0, 2, 1))
    got = np.asarray(layer(x))
    expected = KERAS[f"stft/{name}"]
    if case["arguments"]["mode"] == "angle":  # angles of tiny bins are ill-conditioned: compare where defined
        keep = np.abs(np.sin(expected)) + np.abs(np.cos(expected)) > 0
        np.testing.assert_allclose(np.cos(got[keep]), np.cos(expected[keep]), atol=2e-3)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == case["output_shape"]
    assert _comparable(layer.get_config()) == _comparable(case["config"])


@pytest.mark.parametrize("name", _of("init"))
def test_stft_initializer_matches_keras(name):
    case = META[f"init/{name}"]
    initializer = keras.initializers.STFT(**case["arguments"])
    np.testing.assert_allclose(np.asarray(initializer((20, 1, 9))), KERAS[f"init/{name}"], rtol=1e-5, atol=1e-6)
    assert initializer.get_config() == case["config"]
    assert keras.initializers.STFTInitializer is keras.initializers.STFT is keras.initializers.stft
    assert isinstance(keras.initializers.get("stft"), keras.initializers.STFT)


def test_spectrogram_kernels_train_in_a_model():
    inputs = keras.Input((200, 1))
    x = keras.layers.STFTSpectrogram(mode="log", frame_length=32, trainable=True)(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(x)))
    model.compile("adam", "mse")
    before = [w.copy() for w in model.layers[1].get_weights()]
    model.fit(KERAS["channels"][..., :1], np.ones((2, 1), np.float32), epochs=1, verbose=0)
    assert all(not np.allclose(a, b) for a, b in zip(before, model.layers[1].get_weights()))


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        keras.layers.STFTSpectrogram(mode="loud")
    with pytest.raises(ValueError, match="frame_step"):
        keras.layers.STFTSpectrogram(frame_length=16, frame_step=32)
    with pytest.raises(ValueError, match="fft_length"):
        keras.layers.STFTSpectrogram(frame_length=16, fft_length=8)
    with pytest.raises(ValueError, match="Unknown window"):
        keras.layers.STFTSpectrogram(window="kaiserish")
    with pytest.raises(ValueError, match="sequence_length"):
        keras.layers.MelSpectrogram(fft_length=128, sequence_length=256)
    with pytest.raises(TypeError, match="float"):
        keras.layers.STFTSpectrogram(frame_length=16)(sd.asarray(np.zeros((1, 32, 1), np.int32)))
