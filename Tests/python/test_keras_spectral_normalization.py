"""keras.layers.SpectralNormalization and keras.layers.Wrapper against real Keras 3
(fixtures/keras_spectral_normalization/): around a Dense, a Conv2D and an Embedding with
given weights, outputs in inference and in training, and the kernel and power-iteration
vector after two training calls; a Keras-written `.keras` model; the spectral norm of the
normalised kernel is about 1; bad arguments."""
import json
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_spectral_normalization")
KERAS = np.load(os.path.join(FIXTURES, "spectral_normalization.npz"))
with open(os.path.join(FIXTURES, "spectral_normalization.json")) as _file:
    CASES = json.load(_file)
LAYERS = {"dense": lambda: keras.layers.Dense(5), "conv": lambda: keras.layers.Conv2D(4, 3),
          "embedding": lambda: keras.layers.Embedding(9, 4)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_training_normalises_the_kernel_as_keras_does(name):
    case = CASES[name]
    layer = keras.layers.SpectralNormalization(LAYERS[name](),
                                               power_iterations=case["config"]["power_iterations"])
    x = KERAS[f"{name}/x"]
    layer(x)
    assert [w.name for w in layer.weights] == [n.rsplit("/", 1)[-1] for n in case["names"]]
    layer.set_weights([KERAS[f"{name}/weight{i}"] for i in range(case["weights"])])
    np.testing.assert_allclose(np.asarray(layer(x, training=False)), KERAS[f"{name}/inference"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(layer(x, training=True)), KERAS[f"{name}/training"], rtol=1e-4, atol=1e-5)
    layer(x, training=True)
    for i, weight in enumerate(layer.get_weights()):
        np.testing.assert_allclose(weight, KERAS[f"{name}/after{i}"], rtol=1e-4, atol=1e-6)
    config = layer.get_config()
    assert config["power_iterations"] == case["config"]["power_iterations"]
    assert config["layer"]["class_name"] == case["config"]["layer"]["class_name"]
    kernel = layer.get_weights()[0]
    assert np.linalg.norm(kernel.reshape(-1, kernel.shape[-1]), 2) == pytest.approx(1.0, rel=0.2)


def test_a_keras_written_model_loads_and_trains(tmp_path):
    model = keras.saving.load_model(os.path.join(FIXTURES, "spectral_model.keras"))
    assert isinstance(model.layers[0], keras.layers.Wrapper)
    np.testing.assert_allclose(model.predict(KERAS["model/x"], verbose=0), KERAS["model/y"], rtol=1e-5, atol=1e-6)
    model.save(str(tmp_path / "again.keras"))
    again = keras.saving.load_model(str(tmp_path / "again.keras"))
    np.testing.assert_allclose(again.predict(KERAS["model/x"], verbose=0), KERAS["model/y"], rtol=1e-5, atol=1e-6)
    again.compile("adam", "mse")
    again.fit(KERAS["model/x"], np.zeros((3, 2), np.float32), epochs=2, verbose=0)


def test_wrapper_base_and_bad_arguments():
    assert issubclass(keras.layers.TimeDistributed, keras.layers.Wrapper)
    with pytest.raises(ValueError, match="power_iterations"):
        keras.layers.SpectralNormalization(keras.layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="isn't a supported layer type"):
        keras.layers.SpectralNormalization("dense")
    with pytest.raises(ValueError, match="nor 'embeddings'"):
        keras.layers.SpectralNormalization(keras.layers.Flatten())(np.zeros((2, 3), np.float32))
    wrapper = keras.layers.Wrapper.from_config({"layer": keras.layers.serialize(keras.layers.Dense(2)), "name": "w"})
    assert isinstance(wrapper.layer, keras.layers.Dense) and wrapper.get_config()["layer"]["class_name"] == "Dense"
