"""MixUp, CutMix, RandomErasing and RandomGaussianBlur against real Keras 3
(fixtures/keras_mixing_augmentation/): Keras's drawn transformations give Keras's images and
labels through transform_images/transform_labels; configs match. The layers' own draws:
seeded, training-only, labels of a {"images", "labels"} batch mixed consistently."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_mixing_augmentation")
KERAS = np.load(os.path.join(FIXTURES, "mixing_augmentation.npz"))
with open(os.path.join(FIXTURES, "mixing_augmentation.json")) as _file:
    META = json.load(_file)


def _tuples(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def _comparable(config):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if k not in ("name", "dtype")}


@pytest.mark.parametrize("name", sorted(META))
def test_keras_transformations_give_keras_images_and_labels(name):
    case = META[name]
    layer = getattr(keras.layers, case["class"])(**_tuples(case["arguments"]))
    prefix = f"{name}/t/"
    transformation = {key[len(prefix):]: KERAS[key] for key in KERAS.files if key.startswith(prefix)}
    images = np.asarray(layer.transform_images(sd.asarray(KERAS["images"]), transformation))
    np.testing.assert_allclose(images, KERAS[f"{name}/images"], rtol=1e-5, atol=1e-3)
    labels = np.asarray(layer.transform_labels(sd.asarray(KERAS["labels"]), transformation))
    np.testing.assert_allclose(labels, KERAS[f"{name}/labels"], rtol=1e-5, atol=1e-6)
    assert _comparable(layer.get_config()) == _comparable(case["config"])


@pytest.mark.parametrize("cls", ["MixUp", "CutMix", "RandomErasing", "RandomGaussianBlur"])
def test_own_draws_are_seeded_and_training_only(cls):
    images, labels = KERAS["images"], KERAS["labels"]
    first = getattr(keras.layers, cls)(seed=7)({"images": images, "labels": labels}, training=True)
    second = getattr(keras.layers, cls)(seed=7)({"images": images, "labels": labels}, training=True)
    np.testing.assert_array_equal(np.asarray(first["images"]), np.asarray(second["images"]))
    np.testing.assert_allclose(np.asarray(first["labels"]).sum(axis=1), 1.0, rtol=1e-5)
    untouched = getattr(keras.layers, cls)(seed=7)({"images": images, "labels": labels}, training=False)
    np.testing.assert_array_equal(np.asarray(untouched["images"]), images)
    np.testing.assert_array_equal(np.asarray(getattr(keras.layers, cls)()(images, training=False)), images)


def test_mixup_mixes_labels_by_the_image_weights():
    images, labels = KERAS["images"], KERAS["labels"]
    out = keras.layers.MixUp(alpha=0.5, seed=2)({"images": images, "labels": labels}, training=True)
    mixed, weights = np.asarray(out["images"]), np.asarray(out["labels"])
    for i in range(len(images)):
        partner = int(np.argmax(weights[i] - labels[i] * weights[i])) if weights[i].max() < 1 else i
        w = weights[i, i] if partner != i else 1.0
        np.testing.assert_allclose(mixed[i], w * images[i] + (1 - w) * images[partner], rtol=1e-4, atol=1e-3)


def test_bad_arguments():
    with pytest.raises(ValueError, match="odd"):
        keras.layers.RandomGaussianBlur(kernel_size=4)
    with pytest.raises(ValueError, match="scale"):
        keras.layers.RandomErasing(scale=(0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="fill_value"):
        keras.layers.RandomErasing(fill_value=(1, 2))
    with pytest.raises(ValueError, match="'images'"):
        keras.layers.MixUp()({"pictures": KERAS["images"]}, training=True)
