"""keras.layers RandomShear and RandomPerspective against real Keras 3
(fixtures/keras_geometric_augmentation/): Keras's drawn transformations give Keras's images
(bilinear and nearest, reflect and constant fills); configs match; own draws seeded,
training-only, single images; bad arguments."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_geometric_augmentation")
KERAS = np.load(os.path.join(FIXTURES, "geometric_augmentation.npz"))
with open(os.path.join(FIXTURES, "geometric_augmentation.json")) as _file:
    META = json.load(_file)


def _tuples(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def _comparable(config):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if k not in ("name", "dtype")}


@pytest.mark.parametrize("name", sorted(META))
def test_keras_transformations_give_keras_images(name):
    case = META[name]
    layer = getattr(keras.layers, case["class"])(**_tuples(case["arguments"]))
    prefix = f"{name}/t/"
    transformation = {key[len(prefix):]: KERAS[key] for key in KERAS.files if key.startswith(prefix)}
    got = np.asarray(layer.transform_images(sd.asarray(KERAS["images"]), transformation))
    expected = KERAS[f"{name}/y"]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-3)
    assert _comparable(layer.get_config()) == _comparable(case["config"])


@pytest.mark.parametrize("cls,arguments", [("RandomShear", {"x_factor": 0.3, "y_factor": 0.3}),
                                           ("RandomPerspective", {"scale": 0.5})])
def test_own_draws(cls, arguments):
    images = KERAS["images"]
    a = np.asarray(getattr(keras.layers, cls)(seed=5, **arguments)(images, training=True))
    b = np.asarray(getattr(keras.layers, cls)(seed=5, **arguments)(images, training=True))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, images)
    np.testing.assert_array_equal(np.asarray(getattr(keras.layers, cls)(**arguments)(images, training=False)), images)
    assert np.asarray(getattr(keras.layers, cls)(**arguments)(images[0], training=True)).shape == images[0].shape


def test_bad_arguments():
    with pytest.raises(ValueError, match="input_number"):
        keras.layers.RandomShear(x_factor=1.5)
    with pytest.raises(NotImplementedError, match="fill_mode"):
        keras.layers.RandomShear(fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="interpolation"):
        keras.layers.RandomPerspective(interpolation="bicubic")
    with pytest.raises(ValueError, match="scale"):
        keras.layers.RandomPerspective(scale=2.0)
