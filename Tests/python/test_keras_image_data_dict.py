"""Keras's {"images", "bounding_boxes", "labels", "segmentation_masks"} input form on the layers
that change only pixel values, against real Keras 3 (fixtures/keras_image_data_dict/): images
as Keras computes them, boxes densified to float32, labels and masks unchanged, batched and
single images, in training and inference; `bounding_box_format` is taken by every image layer
and kept in configs; the random colour layers give the same pixels as on bare images; layers
that would move boxes refuse them clearly."""
import json
import os

import numpy as np
import pytest

from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_image_data_dict")
KERAS = np.load(os.path.join(FIXTURES, "image_data_dict.npz"))
with open(os.path.join(FIXTURES, "image_data_dict.json")) as _file:
    META = json.load(_file)


def _data(batched=True):
    pick = (lambda a: a) if batched else (lambda a: a[0])
    return {"images": pick(KERAS["images"]),
            "bounding_boxes": {"boxes": pick(KERAS["boxes"]), "labels": pick(KERAS["box_labels"])},
            "labels": pick(KERAS["labels"]), "segmentation_masks": pick(KERAS["masks"])}


def _tuples(arguments):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items()}


def _comparable(config):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if k not in ("name", "dtype")}


CASES = [(name, mode, batched) for name in sorted(META) for mode in ("train", "infer") for batched in (True, False)]


@pytest.mark.parametrize("name, mode, batched", CASES)
def test_matches_keras(name, mode, batched):
    case = META[name]
    layer = getattr(keras.layers, case["class"])(bounding_box_format="xyxy", **_tuples(case["arguments"]))
    result = layer(_data(batched), training=mode == "train")
    key = f"{name}/{mode}/{'batch' if batched else 'single'}"
    np.testing.assert_allclose(np.asarray(result["images"]), KERAS[f"{key}/images"], rtol=1e-5, atol=1e-3)
    for ours, theirs in (("boxes", "boxes"), ("labels", "box_labels")):
        got = np.asarray(result["bounding_boxes"][ours])
        assert got.dtype == KERAS[f"{key}/{theirs}"].dtype
        np.testing.assert_array_equal(got, KERAS[f"{key}/{theirs}"])
    np.testing.assert_array_equal(np.asarray(result["labels"]), KERAS[f"{key}/labels"])
    np.testing.assert_array_equal(np.asarray(result["segmentation_masks"]), KERAS[f"{key}/masks"])
    assert _comparable(layer.get_config()) == _comparable(case["config"])


KEEPING = {"RandomGrayscale": {"factor": 0.5}, "RandomInvert": {"factor": (0.9, 1.0)},
           "Solarization": {"addition_factor": 0.2, "threshold_factor": 0.5}, "RandomPosterization": {"factor": 4},
           "RandomColorDegeneration": {"factor": 0.5}, "RandomSaturation": {"factor": 0.7},
           "RandomHue": {"factor": 0.3}, "RandomSharpness": {"factor": 0.6},
           "RandomColorJitter": {"brightness_factor": 0.2, "hue_factor": 0.2}, "RandomErasing": {"factor": 1.0},
           "RandomGaussianBlur": {"factor": 1.0}, "RandomBrightness": {"factor": 0.3},
           "RandomContrast": {"factor": 0.3}}


@pytest.mark.parametrize("name", sorted(KEEPING))
def test_random_colour_layers_keep_geometry_and_draw_as_on_bare_images(name):
    on_dict = getattr(keras.layers, name)(seed=7, bounding_box_format="xyxy", **KEEPING[name])
    on_images = getattr(keras.layers, name)(seed=7, **KEEPING[name])
    images = np.concatenate([KERAS["images"]] * 2)
    data = {"images": images, "bounding_boxes": {"boxes": [[[1, 1, 2, 2]], [], [[0, 0, 3, 3], [1, 2, 3, 4]], []],
                                                 "labels": [[1], [], [2, 3], []]},
            "segmentation_masks": np.concatenate([KERAS["masks"]] * 2)}
    result = on_dict(data, training=True)
    np.testing.assert_allclose(np.asarray(result["images"]), np.asarray(on_images(images, training=True)), rtol=1e-6)
    assert not np.allclose(np.asarray(result["images"]), images)
    np.testing.assert_array_equal(np.asarray(result["bounding_boxes"]["labels"]), [[1, -1], [-1, -1], [2, 3],
                                                                                   [-1, -1]])
    np.testing.assert_array_equal(np.asarray(result["segmentation_masks"]), data["segmentation_masks"])
    config = on_dict.get_config()
    assert config["bounding_box_format"] == "xyxy" and "bounding_box_format" not in on_images.get_config()
    assert type(on_dict).from_config(config).bounding_box_format == "xyxy"


def test_in_a_dataset_map():
    import swiftdl as sd
    dataset = sd.data.Dataset.from_tensor_slices(_data()).batch(2).map(
        keras.layers.AutoContrast(bounding_box_format="xyxy"))
    (element,) = list(dataset)
    np.testing.assert_allclose(np.asarray(element["images"]), KERAS["auto_contrast/train/batch/images"], rtol=1e-5,
                               atol=1e-3)
    np.testing.assert_array_equal(np.asarray(element["bounding_boxes"]["boxes"]), KERAS["boxes"])


def test_clear_errors():
    with pytest.raises(ValueError, match="bounding box format"):
        keras.layers.RandomHue(0.2)(_data())
    with pytest.raises(ValueError, match="received keys"):
        keras.layers.AutoContrast(bounding_box_format="xyxy")({"images": KERAS["images"], "masks": KERAS["masks"]})
    with pytest.raises(ValueError, match="'boxes' and 'labels'"):
        keras.layers.RandomBrightness(0.1, bounding_box_format="xyxy")(
            {"images": KERAS["images"], "bounding_boxes": {"boxes": KERAS["boxes"]}})
    with pytest.raises(ValueError, match="not supported"):  # would have to move the boxes
        keras.layers.MixUp(bounding_box_format="xyxy")(_data())
    with pytest.raises(ValueError, match="does not take dict inputs"):
        keras.layers.CenterCrop(3, 3, bounding_box_format="xyxy")(_data(), training=True)
    with pytest.raises(ValueError, match="does not take dict inputs"):
        keras.layers.ContrastLimitedAdaptiveHistogramEqualization()({"images": KERAS["images"]})
