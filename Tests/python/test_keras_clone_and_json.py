"""keras.models.clone_model, Model.to_json and keras.models.model_from_json, including real
Keras 3.15.1 JSON (fixtures/keras_models_json, with its generator)."""
import json
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_models_json")


def _sequential():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)])


def _functional():
    inputs = keras.Input((3,), name="x")
    return keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(4)(inputs)))


@pytest.mark.parametrize("make", [_sequential, _functional])
def test_clone_model_same_architecture_new_weights(make):
    model = make()
    clone = keras.models.clone_model(model)
    assert type(clone) is type(model)
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])  # re-initialized, as Keras
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    np.testing.assert_array_equal(np.asarray(clone.predict(x, verbose=0)), np.asarray(model.predict(x, verbose=0)))
    assert not set(map(id, clone.layers)) & set(map(id, model.layers))


def test_clone_model_with_clone_function_and_bad_arguments():
    model = _sequential()
    seen = []

    def clone_function(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    clone = keras.models.clone_model(model, clone_function=clone_function)
    assert seen == [layer.name for layer in model.layers] and clone.count_params() == model.count_params()
    with pytest.raises(ValueError, match="Model"):
        keras.models.clone_model(keras.layers.Dense(2))
    with pytest.raises(ValueError, match="Sequential models only"):
        keras.models.clone_model(_functional(), clone_function=clone_function)


@pytest.mark.parametrize("make", [_sequential, _functional])
def test_to_json_round_trip(make):
    model = make()
    text = model.to_json()
    assert json.loads(text)["class_name"] in ("Sequential", "Functional")
    rebuilt = keras.models.model_from_json(text)
    assert type(rebuilt) is type(model)
    assert rebuilt.get_config() == model.get_config()
    assert model.to_json(indent=2).count("\n") > 10  # kwargs go to json.dumps


@pytest.mark.parametrize("name, params", [("keras_sequential.json", 23), ("keras_functional.json", 29)])
def test_model_from_real_keras_json(name, params):
    with open(os.path.join(FIXTURES, name)) as handle:
        model = keras.models.model_from_json(handle.read())
    assert model.count_params() == params


def test_model_from_json_rejects_garbage():
    with pytest.raises(ValueError, match="JSON"):
        keras.models.model_from_json("{not json")
    with pytest.raises(ValueError, match="JSON object"):
        keras.models.model_from_json("[1, 2]")
