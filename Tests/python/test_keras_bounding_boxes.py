"""Bounding boxes against real Keras 3 (fixtures/keras_bounding_boxes/): format conversion
between every pair of Keras's nine formats, clipping to the image (labels of emptied boxes
-1), and RandomFlip moving images, segmentation masks and boxes together with Keras's own
drawn flips, in each mode and several formats; seeded dict calls flip boxes where they flip
the pixels; inference keeps everything in place; bad formats."""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras.layers.image_box_formats import clip_to_image_size, convert_format

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_bounding_boxes")
KERAS = np.load(os.path.join(FIXTURES, "bounding_boxes.npz"))
with open(os.path.join(FIXTURES, "bounding_boxes.json")) as _file:
    META = json.load(_file)
FORMATS, HEIGHT, WIDTH = META["formats"], META["height"], META["width"]


@pytest.mark.parametrize("source", FORMATS)
def test_convert_format_matches_keras(source):
    boxes = KERAS[f"format/{source}"]
    np.testing.assert_allclose(np.asarray(convert_format(KERAS["xyxy"], "xyxy", source, height=HEIGHT, width=WIDTH)),
                               boxes, rtol=1e-6, atol=1e-6)
    for target in FORMATS:
        got = np.asarray(convert_format(boxes, source.upper(), target, height=HEIGHT, width=WIDTH))
        np.testing.assert_allclose(got, KERAS[f"convert/{source}/{target}"], rtol=1e-5, atol=1e-5, err_msg=target)


def test_clip_to_image_size_matches_keras():
    clipped = clip_to_image_size({"boxes": KERAS["clip/boxes_in"], "labels": KERAS["clip/labels_in"]},
                                 height=HEIGHT, width=WIDTH)
    np.testing.assert_allclose(np.asarray(clipped["boxes"]), KERAS["clip/boxes"], rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(clipped["labels"]), KERAS["clip/labels"])


def test_convert_format_errors():
    with pytest.raises(ValueError, match="Invalid source or target format"):
        convert_format(KERAS["xyxy"], "xyxy", "corners")
    with pytest.raises(ValueError, match="height` and `width"):
        convert_format(KERAS["xyxy"], "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match="last dimension of 4"):
        convert_format(np.zeros((2, 3)), "xyxy", "yxyx")
    with pytest.raises(ValueError, match="height` and `width"):
        clip_to_image_size({"boxes": KERAS["xyxy"]})


FLIPS = sorted(META["flip"])


@pytest.mark.parametrize("key", FLIPS)
def test_random_flip_with_keras_flips_matches_keras(key):
    _, mode, fmt = key.split("/")
    layer = keras.layers.RandomFlip(mode, bounding_box_format=fmt, seed=3)
    transformation = {"flips": KERAS[f"{key}/flips"], "input_shape": KERAS["flip/images"].shape}
    np.testing.assert_array_equal(np.asarray(layer.transform_images(KERAS["flip/images"], transformation)),
                                  KERAS[f"{key}/images"])
    masks = np.asarray(layer.transform_segmentation_masks(KERAS["flip/masks"], transformation))
    assert masks.dtype == KERAS[f"{key}/masks"].dtype
    np.testing.assert_array_equal(masks, KERAS[f"{key}/masks"])
    out = layer.transform_bounding_boxes({"boxes": sd.asarray(KERAS[f"{key}/boxes_in"]),
                                          "labels": sd.asarray(KERAS["flip/labels"])}, transformation)
    np.testing.assert_allclose(np.asarray(out["boxes"]), KERAS[f"{key}/boxes"], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(np.asarray(out["labels"]), KERAS[f"{key}/box_labels"])
    config = {k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")}
    assert config == {k: v for k, v in META["flip"][key].items() if k not in ("name", "dtype")}


def _flipped_box(box, width):
    x1, y1, x2, y2 = box
    return [width - x2, y1, width - x1, y2]


@pytest.mark.parametrize("batched", [True, False])
def test_seeded_dict_call_flips_boxes_with_their_pixels(batched):
    images = np.concatenate([KERAS["flip/images"]] * 3)  # 9 images: some flip, some do not
    boxes = np.concatenate([KERAS["xyxy"], KERAS["xyxy"][:1]] * 3)
    labels = np.concatenate([KERAS["flip/labels"]] * 3)
    masks = np.concatenate([KERAS["flip/masks"]] * 3)
    if not batched:
        images, boxes, labels, masks = images[0], boxes[0], labels[0], masks[0]
    layer = keras.layers.RandomFlip("horizontal", bounding_box_format="xyxy", seed=11)
    result = layer({"images": images, "bounding_boxes": {"boxes": boxes, "labels": labels},
                    "segmentation_masks": masks, "labels": np.ones(len(images))}, training=True)
    plain = keras.layers.RandomFlip("horizontal", seed=11)(images, training=True)
    np.testing.assert_array_equal(np.asarray(result["images"]), np.asarray(plain))
    out_images, out_boxes = np.asarray(result["images"]), np.asarray(result["bounding_boxes"]["boxes"])
    out_masks = np.asarray(result["segmentation_masks"])
    if not batched:
        images, boxes, masks, out_images, out_boxes, out_masks = (
            a[None] for a in (images, boxes, masks, out_images, out_boxes, out_masks))
    flipped = [bool(np.array_equal(out_images[i], images[i, :, ::-1])) and not np.array_equal(images[i],
                                                                                           images[i, :, ::-1])
               for i in range(len(images))]
    if batched:
        assert 0 < sum(flipped) < len(images)
    for i, was_flipped in enumerate(flipped):
        want = [_flipped_box(b, WIDTH) for b in boxes[i]] if was_flipped else boxes[i]
        np.testing.assert_allclose(out_boxes[i], want, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(out_masks[i], masks[i, :, ::-1] if was_flipped else masks[i])
    np.testing.assert_array_equal(np.asarray(result["labels"]), np.ones(len(result["labels"])))


def test_inference_keeps_boxes_and_masks():
    layer = keras.layers.RandomFlip(bounding_box_format="center_xywh")
    data = {"images": KERAS["flip/images"], "segmentation_masks": KERAS["flip/masks"],
            "bounding_boxes": {"boxes": KERAS["format/center_xywh"], "labels": KERAS["flip/labels"][:2]}}
    result = layer({**data, "images": data["images"][:2], "segmentation_masks": data["segmentation_masks"][:2]},
                   training=False)
    np.testing.assert_array_equal(np.asarray(result["images"]), KERAS["flip/images"][:2])
    np.testing.assert_array_equal(np.asarray(result["segmentation_masks"]), KERAS["flip/masks"][:2])
    assert result["segmentation_masks"].dtype == np.float32  # cast to the layer's dtype, as Keras does
    np.testing.assert_array_equal(np.asarray(result["bounding_boxes"]["boxes"]), KERAS["format/center_xywh"])


def test_flip_box_errors():
    data = {"images": KERAS["flip/images"][:2], "bounding_boxes": {"boxes": KERAS["xyxy"],
                                                                   "labels": KERAS["flip/labels"][:2]}}
    with pytest.raises(ValueError, match="bounding box format"):
        keras.layers.RandomFlip()(data, training=True)
    with pytest.raises(ValueError, match="Invalid source or target format"):
        keras.layers.RandomFlip(bounding_box_format="corners")(data, training=True)
    with pytest.raises(ValueError, match="received keys"):
        keras.layers.RandomFlip(bounding_box_format="xyxy")({"images": KERAS["flip/images"], "boxes": 1})


RESIZES = sorted(META["resize"])


@pytest.mark.parametrize("key", RESIZES)
def test_resizing_dict_call_matches_keras(key):
    case = META["resize"][key]
    layer = keras.layers.Resizing(bounding_box_format=key.split("/")[-1], **case["arguments"])
    for training in (True, False):  # resized either way
        result = layer({"images": KERAS["flip/images"], "segmentation_masks": KERAS["flip/masks"],
                        "bounding_boxes": {"boxes": KERAS[f"{key}/boxes_in"], "labels": KERAS["flip/labels"]}},
                       training=training)
        np.testing.assert_allclose(np.asarray(result["images"]), KERAS[f"{key}/images"], rtol=1e-5, atol=1e-3)
        masks = np.asarray(result["segmentation_masks"])
        assert masks.dtype == KERAS[f"{key}/masks"].dtype
        np.testing.assert_array_equal(masks, KERAS[f"{key}/masks"])
        np.testing.assert_allclose(np.asarray(result["bounding_boxes"]["boxes"]), KERAS[f"{key}/boxes"], rtol=1e-5,
                                   atol=1e-5)
        np.testing.assert_array_equal(np.asarray(result["bounding_boxes"]["labels"]), KERAS[f"{key}/box_labels"])
    config = {k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")}
    assert config == {k: v for k, v in case["config"].items() if k not in ("name", "dtype")}


def test_resizing_single_image_dict():
    layer = keras.layers.Resizing(8, 10, bounding_box_format="xyxy")
    result = layer({"images": KERAS["flip/images"][0], "bounding_boxes": {"boxes": KERAS["xyxy"][0],
                                                                          "labels": KERAS["flip/labels"][0]}})
    assert tuple(result["images"].shape) == (8, 10, 3)
    np.testing.assert_allclose(np.asarray(result["bounding_boxes"]["boxes"]),
                               KERAS["xyxy"][0] * np.array([10 / WIDTH, 8 / HEIGHT] * 2, np.float32), rtol=1e-5)
