"""keras.utils image files against real Keras 3 (fixtures/keras_image_dataset/):
image_dataset_from_directory's batches, labels, class names and seeded split; load_img,
img_to_array, array_to_img and save_img round trips; use in fit; bad arguments."""
import json
import os

import numpy as np
import pytest

from swiftdl import keras

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_image_dataset")
IMAGES = os.path.join(HERE, "images")
FIXTURE = np.load(os.path.join(HERE, "image_dataset.npz"))
META = json.loads(str(FIXTURE["meta"]))


def _batches(dataset):
    xs, ys = [], []
    for x, y in dataset.as_numpy_iterator():
        xs.append(x)
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


@pytest.mark.parametrize("name", ["int_8x8", "categorical_5x6", "binary_gray", "crop_aspect"])
def test_batches_match_keras(name):
    arguments = {k: tuple(v) if isinstance(v, list) else v for k, v in META[name]["arguments"].items()}
    dataset = keras.utils.image_dataset_from_directory(IMAGES, shuffle=False, batch_size=3, verbose=False,
                                                       **arguments)
    assert dataset.class_names == META[name]["class_names"]
    x, y = _batches(dataset)
    assert x.dtype == np.float32 and x.shape == FIXTURE[f"{name}/x"].shape
    # Gray levels: TensorFlow's libpng conversion and ours can differ by one level at a pixel.
    np.testing.assert_allclose(x, FIXTURE[f"{name}/x"], atol=1.0 if "gray" in name else 2e-3)
    np.testing.assert_array_equal(y, FIXTURE[f"{name}/y"])
    assert y.dtype == FIXTURE[f"{name}/y"].dtype


def test_seeded_split_is_keras_s(capsys):
    training, validation = keras.utils.image_dataset_from_directory(IMAGES, image_size=(4, 4), validation_split=0.3,
                                                                    subset="both", seed=7, batch_size=2)
    assert sorted(os.path.basename(p) for p in training.file_paths) == META["split"]["training_files"]
    assert sorted(os.path.basename(p) for p in validation.file_paths) == META["split"]["validation_files"]
    assert "Found 7 files belonging to 2 classes." in capsys.readouterr().out
    assert sum(len(x) for x, _ in training.as_numpy_iterator()) == 5


def test_fit_on_an_image_directory():
    dataset = keras.utils.image_dataset_from_directory(IMAGES, image_size=(8, 8), batch_size=4, seed=1, verbose=False)
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert np.isfinite(model.fit(dataset, epochs=2, verbose=0).history["loss"][-1])


def test_image_file_round_trips(tmp_path):
    image = keras.utils.load_img(os.path.join(IMAGES, "cats", "cats_0.png"))
    array = keras.utils.img_to_array(image)
    assert array.shape == (10, 12, 3) and array.dtype == np.float32
    keras.utils.save_img(tmp_path / "copy.png", array, scale=False)
    np.testing.assert_array_equal(keras.utils.img_to_array(keras.utils.load_img(tmp_path / "copy.png")), array)
    gray = keras.utils.img_to_array(keras.utils.load_img(os.path.join(IMAGES, "cats", "cats_0.png"),
                                                         color_mode="grayscale", target_size=(5, 6)))
    assert gray.shape == (5, 6, 1)
    first = keras.utils.img_to_array(image, data_format="channels_first")
    assert first.shape == (3, 10, 12)
    scaled = np.asarray(keras.utils.array_to_img(array / 255.0 * 0.5))  # scale=True stretches to 0-255
    assert scaled.min() == 0 and scaled.max() == 255


@pytest.mark.parametrize("arguments,match", [
    ({"label_mode": "sparse"}, "label_mode"),
    ({"color_mode": "cmyk"}, "color_mode"),
    ({"validation_split": 0.2}, "subset"),
    ({"validation_split": 0.2, "subset": "training"}, "seed"),
    ({"validation_split": 1.5, "subset": "training", "seed": 1}, "validation_split"),
    ({"labels": [0, 1]}, "lengths of `labels`"),
    ({"class_names": ["cats", "birds"]}, "class_names"),
])
def test_bad_arguments(arguments, match):
    with pytest.raises(ValueError, match=match):
        keras.utils.image_dataset_from_directory(IMAGES, verbose=False, **arguments)


def test_missing_directory():
    with pytest.raises(ValueError, match="Could not find directory"):
        keras.utils.image_dataset_from_directory(os.path.join(HERE, "nowhere"))
