"""keras.utils: get_source_inputs, normalize (checked against Keras 3.15.1's results, written
out below), the interactive-logging switches and the names re-exported from keras.saving."""
import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras import utils


def test_get_source_inputs_walks_back_to_the_inputs():
    a, b = keras.Input((3,)), keras.Input((3,))
    out = keras.layers.Add()([keras.layers.Dense(3)(a), keras.layers.Dense(3)(b)])
    sources = utils.get_source_inputs(keras.layers.Dense(1)(out))
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert utils.get_source_inputs(a) == [a]
    shared = keras.layers.Dense(2)(a)
    assert utils.get_source_inputs(keras.layers.Concatenate()([shared, a])) == [a]  # each source once


def test_normalize_numpy_matches_keras():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], "float32")
    np.testing.assert_allclose(utils.normalize(x), [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    # Keras 3.15.1 gives [[1, 4/3], [0, 0]] for axis=0 (it divides along the last axis).
    np.testing.assert_allclose(utils.normalize(x, axis=0), [[1.0, 4.0 / 3.0], [0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(utils.normalize(x, order=1), [[3 / 7, 4 / 7], [0.0, 0.0]], rtol=1e-6)


def test_normalize_engine_tensor():
    out = utils.normalize(sd.asarray(np.array([[3.0, 4.0]], "float32")))
    np.testing.assert_allclose(np.asarray(out), [[0.6, 0.8]], rtol=1e-6)


def test_interactive_logging_switches():
    assert utils.is_interactive_logging_enabled()
    utils.disable_interactive_logging()
    try:
        assert not utils.is_interactive_logging_enabled()
    finally:
        utils.enable_interactive_logging()
    assert utils.is_interactive_logging_enabled()


@pytest.mark.parametrize("name", ["register_keras_serializable", "custom_object_scope", "CustomObjectScope",
                                  "get_custom_objects", "get_registered_name", "get_registered_object",
                                  "serialize_keras_object", "deserialize_keras_object"])
def test_registry_names_are_keras_saving_ones(name):
    assert getattr(utils, name) is getattr(keras.saving, name)


def test_backend_names():
    assert utils.clear_session is keras.backend.clear_session
    assert utils.standardize_dtype(float) == "float32"
    with pytest.raises(AttributeError):
        utils.no_such_name  # noqa: B018


def test_config_attributes_items_and_freezing():
    config = utils.Config(learning_rate=0.1, batch=32)
    config.momentum = 0.9
    config["zeta"] = 1
    assert config.learning_rate == 0.1 and config["momentum"] == 0.9 and len(config) == 4
    assert list(config) == ["batch", "learning_rate", "momentum", "zeta"]
    assert config.as_dict() == {"learning_rate": 0.1, "batch": 32, "momentum": 0.9, "zeta": 1}
    assert "batch" in config and config.get("missing", 5) == 5
    assert config.to_json() == '{"learning_rate": 0.1, "batch": 32, "momentum": 0.9, "zeta": 1}'
    with pytest.raises(AttributeError, match="Did you mean 'learning_rate'"):
        config.learning_rat  # noqa: B018
    config.freeze()
    assert config.frozen
    for change in (lambda: setattr(config, "batch", 1), lambda: config.update(batch=1), lambda: config.pop("batch"),
                   lambda: config.__delitem__("batch")):
        with pytest.raises(ValueError, match="frozen"):
            change()
    config.unfreeze()
    del config["zeta"]
    assert "zeta" not in config
    with pytest.raises(AttributeError):
        config.freeze = 1
