"""keras.layers RandAugment, AugMix and RandomElasticTransform: Keras's configs (fixtures/keras_policy_augmentation/);
the policies run their operations only in training, seeded, keep the value range, and work
in a model and on single images. (Keras's draws come from Python's and the backend's
generators, so pixels are not compared.)"""
import json
import os

import numpy as np
import pytest

from swiftdl import keras

with open(os.path.join(os.path.dirname(__file__), "fixtures", "keras_policy_augmentation",
                       "policy_configs.json")) as _file:
    CASES = json.load(_file)
IMAGES = np.random.default_rng(0).uniform(0, 255, (4, 12, 10, 3)).astype(np.float32)


@pytest.mark.parametrize("name", sorted(CASES))
def test_configs_match_keras(name):
    arguments = {k: tuple(v) if isinstance(v, list) else v for k, v in CASES[name]["arguments"].items()}
    config = getattr(keras.layers, name)(**arguments).get_config()
    expected = {k: v for k, v in CASES[name]["config"].items() if k not in ("name", "dtype")}
    assert {k: list(v) if isinstance(v, tuple) else v for k, v in config.items() if k in expected} == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_policies_act_in_training_seeded_and_in_range(name):
    a = np.asarray(getattr(keras.layers, name)(seed=3)(IMAGES, training=True))
    b = np.asarray(getattr(keras.layers, name)(seed=3)(IMAGES, training=True))
    np.testing.assert_array_equal(a, b)
    assert a.shape == IMAGES.shape and a.min() >= -1e-3 and a.max() <= 255 + 1e-3
    assert not np.allclose(a, IMAGES)
    np.testing.assert_array_equal(np.asarray(getattr(keras.layers, name)()(IMAGES, training=False)), IMAGES)
    assert np.asarray(getattr(keras.layers, name)(seed=1)(IMAGES[0], training=True)).shape == IMAGES[0].shape


def test_in_a_model():
    inputs = keras.Input((12, 10, 3))
    x = keras.layers.AugMix(seed=1)(keras.layers.RandAugment(seed=2)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling2D()(x)))
    model.compile("adam", "mse")
    model.fit(IMAGES, np.zeros((4, 1), np.float32), epochs=1, verbose=0)
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0))
