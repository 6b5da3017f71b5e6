"""MaxNumBoundingBoxes and the {"images", "bounding_boxes", ...} input form against real Keras 3
(fixtures/keras_clahe_and_max_boxes/): padding, truncating and keeping boxes and labels give
Keras's arrays; configs match Keras's (plus fill_value, which Keras forgets); single images,
per-image lists of different lengths, symbolic calls, datasets, .keras files; bad inputs."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_clahe_and_max_boxes")
KERAS = np.load(os.path.join(FIXTURES, "clahe_and_max_boxes.npz"))
with open(os.path.join(FIXTURES, "clahe_and_max_boxes.json")) as _file:
    _META = json.load(_file)
META = _META["max_boxes"]
MaxNum = keras.layers.MaxNumBoundingBoxes
IMAGES, BOXES, LABELS = KERAS["boxes/images"], KERAS["boxes/boxes"], KERAS["boxes/labels"]


def _comparable(config):
    return {k: v for k, v in config.items() if k not in ("name", "dtype")}


@pytest.mark.parametrize("name", sorted(META))
def test_matches_keras(name):
    case = META[name]
    layer = MaxNum(bounding_box_format="xyxy", **case["arguments"])
    count = case["count"]
    result = layer({"images": IMAGES, "bounding_boxes": {"boxes": BOXES[:, :count], "labels": LABELS[:, :count]}})
    for key in ("boxes", "labels"):
        got, want = np.asarray(result["bounding_boxes"][key]), KERAS[f"boxes/{name}/{key}"]
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.asarray(result["images"]), IMAGES)
    config = _comparable(layer.get_config())
    assert config.pop("fill_value") == case["arguments"].get("fill_value", -1)
    assert config == _comparable(case["config"])


def test_plain_config_and_images_pass_through():
    layer = MaxNum(max_number=2)
    config = _comparable(layer.get_config())
    assert config.pop("fill_value") == -1
    assert config == _comparable(_META["max_boxes_plain_config"])
    np.testing.assert_array_equal(np.asarray(layer(IMAGES)), IMAGES)
    np.testing.assert_array_equal(np.asarray(layer(IMAGES[0], training=False)), IMAGES[0])


def test_single_image_labels_masks_and_inference():
    layer = MaxNum(4, fill_value=-7, bounding_box_format="yxyx")
    masks = np.arange(64).reshape(8, 8, 1)
    result = layer({"images": IMAGES[0], "bounding_boxes": {"boxes": BOXES[0, :2], "labels": LABELS[0, :2]},
                    "labels": np.array([1.0, 0.0]), "segmentation_masks": masks}, training=False)
    np.testing.assert_array_equal(np.asarray(result["bounding_boxes"]["boxes"]),
                                  np.concatenate([BOXES[0, :2], np.full((2, 4), -7.0, np.float32)]))
    np.testing.assert_array_equal(np.asarray(result["bounding_boxes"]["labels"]), [*LABELS[0, :2], -7, -7])
    np.testing.assert_array_equal(np.asarray(result["labels"]), [1.0, 0.0])
    np.testing.assert_array_equal(np.asarray(result["segmentation_masks"]), masks)


def test_lists_of_different_lengths_are_padded_then_fixed():
    layer = MaxNum(2, bounding_box_format="xyxy")
    result = layer({"images": IMAGES, "bounding_boxes": {"boxes": [[[1, 2, 3, 4], [2, 3, 4, 5], [0, 0, 1, 1]],
                                                                   [[5, 5, 6, 6]]],
                                                         "labels": [[1, 2, 3], [4]]}})
    np.testing.assert_array_equal(np.asarray(result["bounding_boxes"]["boxes"]),
                                  [[[1, 2, 3, 4], [2, 3, 4, 5]], [[5, 5, 6, 6], [0, 0, 0, 0]]])
    np.testing.assert_array_equal(np.asarray(result["bounding_boxes"]["labels"]), [[1, 2], [4, -1]])
    assert result["bounding_boxes"]["labels"].dtype == np.int32


def test_symbolic_call_model_dataset_and_keras_file(tmp_path):
    layer = MaxNum(3, bounding_box_format="xyxy")
    images, boxes, labels = keras.Input((8, 8, 3)), keras.Input((5, 4)), keras.Input((5,), dtype="int32")
    out = layer({"images": images, "bounding_boxes": {"boxes": boxes, "labels": labels}})
    assert out["bounding_boxes"]["boxes"].shape == (None, 3, 4) and out["bounding_boxes"]["labels"].shape == (None, 3)
    model = keras.Model([images, boxes, labels], [out["bounding_boxes"]["boxes"], out["bounding_boxes"]["labels"]])
    got_boxes, got_labels = model.predict([IMAGES, BOXES, LABELS], verbose=0)
    np.testing.assert_array_equal(got_boxes, KERAS["boxes/truncate/boxes"])
    np.testing.assert_array_equal(np.asarray(got_labels), KERAS["boxes/truncate/labels"])
    dataset = sd.data.Dataset.from_tensor_slices(
        {"images": IMAGES, "bounding_boxes": {"boxes": BOXES[:, :2], "labels": LABELS[:, :2]}})
    (element,) = list(dataset.batch(2).map(MaxNum(4, bounding_box_format="xyxy")))
    np.testing.assert_array_equal(np.asarray(element["bounding_boxes"]["labels"])[:, 2:], -1)
    plain = keras.Sequential([keras.Input((8, 8, 3)), MaxNum(6, fill_value=-2, bounding_box_format="xyxy"),
                              keras.layers.Flatten(), keras.layers.Dense(1)])
    plain.save(tmp_path / "boxes.keras")
    loaded = keras.models.load_model(tmp_path / "boxes.keras")
    assert loaded.layers[0].get_config() == plain.layers[0].get_config()
    np.testing.assert_allclose(loaded.predict(IMAGES, verbose=0), plain.predict(IMAGES, verbose=0), rtol=1e-6)
    clone = keras.layers.deserialize(keras.layers.serialize(MaxNum(5, fill_value=0)))
    assert (clone.max_number, clone.fill_value) == (5, 0)


def test_compute_output_shape():
    layer = MaxNum(3)
    shapes = layer.compute_output_shape({"images": (2, 8, 8, 3), "bounding_boxes": {"boxes": (2, 5, 4),
                                                                                     "labels": (2, 5)}})
    assert shapes["bounding_boxes"] == {"boxes": (2, 3, 4), "labels": (2, 3)}
    assert layer.compute_output_shape((2, 8, 8, 3)) == (2, 8, 8, 3)
    with pytest.raises(KeyError, match="unsupported keys"):
        layer.compute_output_shape({"images": (8, 8, 3), "bounding_boxes": {"boxes": (5, 4), "labels": (5,),
                                                                           "scores": (5,)}})


@pytest.mark.parametrize("arguments", [dict(max_number=-1), dict(max_number="3"), dict(max_number=None),
                                       dict(max_number=2, fill_value="x")])
def test_bad_arguments(arguments):
    with pytest.raises(ValueError, match="max_number|fill_value"):
        MaxNum(**arguments)


def test_bad_inputs():
    with pytest.raises(ValueError, match="bounding box format"):
        MaxNum(2)({"images": IMAGES, "bounding_boxes": {"boxes": BOXES, "labels": LABELS}})
    layer = MaxNum(2, bounding_box_format="xyxy")
    with pytest.raises(ValueError, match="'boxes' and 'labels'"):
        layer({"images": IMAGES, "bounding_boxes": {"boxes": BOXES}})
    with pytest.raises(ValueError, match="rank 2 or 3"):
        layer({"images": IMAGES, "bounding_boxes": {"boxes": BOXES[..., :3], "labels": LABELS}})
    with pytest.raises(ValueError, match="labels"):
        layer({"images": IMAGES, "bounding_boxes": {"boxes": BOXES, "labels": LABELS[:, :2]}})
    with pytest.raises(ValueError, match="same length"):
        layer({"images": IMAGES, "bounding_boxes": {"boxes": [[[0, 0, 1, 1]]], "labels": [[1], [2]]}})
    with pytest.raises(ValueError, match="4 numbers per box"):
        layer({"images": IMAGES, "bounding_boxes": {"boxes": [[[0, 0, 1]], [[0, 1, 2, 3]]], "labels": [[1], [2]]}})
    with pytest.raises(ValueError, match="4 numbers per box"):
        layer({"images": IMAGES[0], "bounding_boxes": {"boxes": [[0, 0, 1, 1]], "labels": ["cat"]}})
    with pytest.raises(ValueError, match="rank 2 for single"):
        layer({"images": IMAGES[0], "bounding_boxes": {"boxes": BOXES, "labels": LABELS}})
    with pytest.raises(ValueError, match="'images'"):
        layer({"bounding_boxes": {"boxes": BOXES, "labels": LABELS}})
    with pytest.raises(ValueError, match="received keys"):
        layer({"images": IMAGES, "boxes": BOXES})
    with pytest.raises(ValueError, match="rank 3 or 4"):
        layer(np.zeros((4, 4), np.float32))
