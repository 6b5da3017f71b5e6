"""register_keras_serializable, custom_object_scope and friends (keras.saving / keras.utils):
registered classes round-trip through .keras files without custom_objects."""
import numpy as np
import pytest

from swiftdl import keras
from swiftdl.keras import saving, utils


@saving.register_keras_serializable(package="swiftdl_tests")
class ScaleBy(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(ScaleBy):
    pass


def _model(layer):
    return keras.Sequential([keras.Input((3,)), layer])


def test_registered_names():
    assert saving.get_registered_name(ScaleBy) == "swiftdl_tests>ScaleBy"
    assert saving.get_registered_name(Unregistered) == "Unregistered"
    assert saving.get_registered_object("swiftdl_tests>ScaleBy") is ScaleBy
    assert saving.get_registered_object("nothing>Here") is None
    assert saving.get_registered_object("X", custom_objects={"X": int}) is int
    assert saving.get_custom_objects()["swiftdl_tests>ScaleBy"] is ScaleBy
    assert utils.register_keras_serializable is saving.register_keras_serializable
    assert utils.get_registered_name(ScaleBy) == "swiftdl_tests>ScaleBy"


def test_register_with_explicit_name_and_refuses_configless_classes():
    @saving.register_keras_serializable("swiftdl_tests", name="renamed")
    def my_activation(x):
        return x

    assert saving.get_registered_name(my_activation) == "swiftdl_tests>renamed"
    with pytest.raises(ValueError, match="get_config"):
        saving.register_keras_serializable("swiftdl_tests")(type("NoConfig", (), {}))


def test_registered_layer_round_trips_through_keras_file(tmp_path):
    model = _model(ScaleBy(3.0))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    model.save(tmp_path / "m.keras")
    assert saving.serialize_keras_object(model.layers[0])["registered_name"] == "swiftdl_tests>ScaleBy"
    loaded = keras.models.load_model(tmp_path / "m.keras")  # no custom_objects
    assert type(loaded.layers[0]) is ScaleBy and loaded.layers[0].factor == 3.0
    np.testing.assert_array_equal(np.asarray(loaded.predict(x, verbose=0)), 3.0 * x)


def test_custom_object_scope_resolves_unregistered_classes(tmp_path):
    _model(Unregistered(5.0)).save(tmp_path / "u.keras")
    with pytest.raises(ValueError, match="Unregistered"):
        keras.models.load_model(tmp_path / "u.keras")
    with utils.custom_object_scope({"Unregistered": Unregistered}):
        loaded = keras.models.load_model(tmp_path / "u.keras")
    assert type(loaded.layers[0]) is Unregistered
    with pytest.raises(ValueError, match="Unregistered"):  # the scope is closed again
        keras.models.load_model(tmp_path / "u.keras")
    assert saving.CustomObjectScope is saving.custom_object_scope
    with pytest.raises(TypeError, match="must be a dict"):
        saving.custom_object_scope(["Unregistered"])


def test_serialize_deserialize_keras_object():
    entry = saving.serialize_keras_object(ScaleBy(4.0, name="s"))
    layer = saving.deserialize_keras_object(entry)
    assert type(layer) is ScaleBy and layer.factor == 4.0 and layer.name == "s"
    assert saving.serialize_keras_object([1, "a", None]) == [1, "a", None]
    assert saving.serialize_keras_object(keras.initializers.Constant(2.0))["config"] == {"value": 2.0}
    with pytest.raises(TypeError, match="get_config"):
        saving.serialize_keras_object(object())


def test_save_and_load_weights_functions(tmp_path):
    model = _model(keras.layers.Dense(2))
    other = _model(keras.layers.Dense(2))
    saving.save_weights(model, tmp_path / "w.weights.h5")
    saving.load_weights(other, tmp_path / "w.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
