"""Keras's colour augmentation layers against real Keras 3 (fixtures/keras_color_augmentation/):
each random layer's `transform_images` with Keras's own transformation dicts gives Keras's
pixels; AutoContrast and Equalization give Keras's outputs; configs match. The random draws
are swiftdl's (Keras's bit streams differ by backend): seeded, in range, acting in training
only, one draw per image; single images, channels_first, models and datasets."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_color_augmentation")
KERAS = np.load(os.path.join(FIXTURES, "color_augmentation.npz"))
with open(os.path.join(FIXTURES, "color_augmentation.json")) as _file:
    META = json.load(_file)
RANDOM = sorted(name for name in META if "class" in META[name])
IMAGES = KERAS["images"]


def _transformation(name):
    if f"{name}/t" in KERAS:
        return KERAS[f"{name}/t"]
    prefix = f"{name}/t/"
    return {key[len(prefix):]: KERAS[key] for key in KERAS.files if key.startswith(prefix)}


def _tuples(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def _comparable(config):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if k not in ("name", "dtype")}


@pytest.mark.parametrize("name", RANDOM)
def test_transformations_give_keras_pixels(name):
    case = META[name]
    layer = getattr(keras.layers, case["class"])(**_tuples(case["arguments"]))
    got = np.asarray(layer.transform_images(sd.asarray(IMAGES), _transformation(name)))
    np.testing.assert_allclose(got, KERAS[f"{name}/y"], rtol=1e-4, atol=2e-3)
    assert _comparable(layer.get_config()) == _comparable(case["config"])


def test_auto_contrast_and_equalization_match_keras():
    flat = KERAS["flat_images"]
    np.testing.assert_allclose(np.asarray(keras.layers.AutoContrast()(flat)), KERAS["autocontrast/y"], rtol=1e-5,
                               atol=1e-3)
    np.testing.assert_allclose(np.asarray(keras.layers.AutoContrast(value_range=(0, 1))(flat / 255.0)),
                               KERAS["autocontrast_range/y"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(keras.layers.Equalization()(IMAGES, training=True)), KERAS["equalization/y"],
                               atol=1e-4)
    np.testing.assert_allclose(np.asarray(keras.layers.Equalization(bins=64, value_range=(0, 1))(
        IMAGES / 255.0, training=True)), KERAS["equalization_bins/y"], atol=1e-5)
    for name, layer in {"autocontrast": keras.layers.AutoContrast(), "equalization": keras.layers.Equalization(bins=64),
                        "jitter": keras.layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=(0.1, 0.3),
                                                                 saturation_factor=0.5, hue_factor=0.1,
                                                                 seed=3)}.items():
        assert _comparable(layer.get_config()) == _comparable(META[f"{name}_config"]), name


LAYERS = {"RandomGrayscale": {"factor": 0.5}, "RandomInvert": {}, "Solarization": {"addition_factor": 0.2,
                                                                                   "threshold_factor": 0.5},
          "RandomPosterization": {"factor": (1, 6)}, "RandomColorDegeneration": {"factor": 0.7},
          "RandomSaturation": {"factor": (0.1, 0.9)}, "RandomHue": {"factor": 0.5},
          "RandomSharpness": {"factor": (0.0, 1.0)},
          "RandomColorJitter": {"brightness_factor": 0.2, "contrast_factor": 0.3, "saturation_factor": 0.4,
                                "hue_factor": 0.2}}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_random_layers_are_seeded_training_only_and_in_range(name):
    first = getattr(keras.layers, name)(seed=4, **LAYERS[name])
    second = getattr(keras.layers, name)(seed=4, **LAYERS[name])
    images = np.concatenate([IMAGES] * 3)
    a, b = np.asarray(first(images, training=True)), np.asarray(second(images, training=True))
    np.testing.assert_array_equal(a, b)
    assert a.shape == images.shape
    if name not in ("RandomSaturation", "RandomColorJitter"):  # Keras lets saturation leave the range
        assert a.min() >= -1e-3 and a.max() <= 255 + 1e-3
    np.testing.assert_array_equal(np.asarray(first(images, training=False)), images)
    single = np.asarray(first(images[0], training=True))
    assert single.shape == images[0].shape
    config = first.get_config()
    assert type(first).from_config(config).get_config() == config


def test_channels_first_equals_channels_last():
    last = keras.layers.RandomSharpness(0.2)
    first = keras.layers.RandomSharpness(0.2, data_format="channels_first")
    transformation = {"factor": np.array([0.1, 0.6, 0.9], np.float32)}
    np.testing.assert_allclose(
        np.moveaxis(np.asarray(first.transform_images(sd.asarray(np.moveaxis(IMAGES, -1, 1)), transformation)), 1, -1),
        np.asarray(last.transform_images(sd.asarray(IMAGES), transformation)), rtol=1e-5, atol=1e-4)
    hue_first = keras.layers.RandomHue(0.5, data_format="channels_first")
    hue_last = keras.layers.RandomHue(0.5)
    shifts = {"factor": np.array([0.1, -0.2, 0.3], np.float32)}
    np.testing.assert_allclose(
        np.moveaxis(np.asarray(hue_first.transform_images(sd.asarray(np.moveaxis(IMAGES, -1, 1)), shifts)), 1, -1),
        np.asarray(hue_last.transform_images(sd.asarray(IMAGES), shifts)), rtol=1e-5, atol=1e-3)


def test_in_a_model_and_a_dataset():
    augment = keras.Sequential([keras.layers.RandomHue(0.2, seed=1), keras.layers.RandomSaturation(0.5, seed=2),
                                keras.layers.RandomSharpness(0.3, seed=3)])
    inputs = keras.Input((7, 6, 3))
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling2D()(augment(inputs))))
    model.compile("adam", "mse")
    model.fit(IMAGES, np.zeros((3, 1), np.float32), epochs=1, verbose=0)
    mapped = sd.data.Dataset.from_tensor_slices(IMAGES).batch(3).map(
        lambda x: keras.layers.RandomGrayscale(1.0)(x, training=True))
    (batch,) = list(mapped)
    np.testing.assert_allclose(np.asarray(batch)[..., 0], np.asarray(batch)[..., 1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="factor"):
        keras.layers.RandomGrayscale(factor=1.5)
    with pytest.raises(ValueError, match="factor"):
        keras.layers.RandomPosterization(factor=9)
    with pytest.raises(ValueError, match="value_range"):
        keras.layers.RandomSharpness(0.5, value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="addition_factor"):
        keras.layers.Solarization(addition_factor=(0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="rank 3 or 4"):
        keras.layers.AutoContrast()(np.zeros((4, 4), np.float32))
