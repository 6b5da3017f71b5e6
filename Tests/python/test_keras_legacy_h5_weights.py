"""model.load_weights on Keras 2's HDF5 layout (the layout of Keras's published application
weights), written by real Keras 3's legacy writer (fixtures/keras_legacy_h5/): a weights
file and a whole-model file load by layer order and by name and predict as Keras did;
mismatches are refused before anything changes."""
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_legacy_h5")
PREDICTIONS = np.load(os.path.join(FIXTURES, "predictions.npz"))


def _model(head_units=3):
    layers = keras.layers
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, padding="same", name="conv")(inputs)
    x = layers.Activation("relu")(layers.BatchNormalization(name="bn")(x))
    outputs = layers.Dense(head_units, activation="softmax", name="head")(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("filename", ["weights.h5", "model.h5"])
@pytest.mark.parametrize("by_name", [False, True])
def test_keras2_weights_load_and_predict_as_keras(filename, by_name):
    model = _model()
    model.load_weights(os.path.join(FIXTURES, filename), by_name=by_name)
    np.testing.assert_allclose(model.predict(PREDICTIONS["x"], verbose=0), PREDICTIONS["y"], rtol=1e-5, atol=1e-6)


def test_mismatches_are_refused_and_nothing_changes():
    model = _model(head_units=5)
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match="Shape mismatch in layer 'head'"):
        model.load_weights(os.path.join(FIXTURES, "weights.h5"))
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    model.load_weights(os.path.join(FIXTURES, "weights.h5"), skip_mismatch=True)
    assert not np.array_equal(before[0], model.get_weights()[0])  # the layers that fit were loaded
    small = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Layer count mismatch"):
        small.load_weights(os.path.join(FIXTURES, "weights.h5"))
    with pytest.raises(ValueError, match="must end in"):
        small.load_weights(os.path.join(FIXTURES, "predictions.npz"))
