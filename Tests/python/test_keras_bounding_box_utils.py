"""keras.utils.bounding_boxes against real Keras 3.15 (fixtures/keras_bounding_box_utils/):
each public function — convert_format, clip_to_image_size, affine_transform, crop, pad,
encode_box_to_deltas, decode_deltas_to_boxes, compute_iou, compute_ciou — on Keras's cases
(batched and not, dicts of boxes and of pyramid levels, every rank mix of compute_iou,
masking, relative formats, variances) gives Keras's results; deltas round-trip; the
functions take swiftdl tensors; Keras's errors. (Format conversion between every pair of
formats is checked in test_keras_bounding_boxes.py.)"""
import json
import os

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import keras
from swiftdl.keras.utils import bounding_boxes

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_bounding_box_utils")
KERAS = np.load(os.path.join(HERE, "bounding_box_utils.npz"))
with open(os.path.join(HERE, "bounding_box_utils.json")) as _file:
    META = json.load(_file)["cases"]


def _rebuild(described):
    if "dict" in described:
        return {key: _rebuild(value) for key, value in described["dict"].items()}
    if "array" in described:
        return KERAS[described["array"]]
    return described["value"]


def _assert_close(got, expected, name):
    if isinstance(expected, dict):
        assert sorted(got) == sorted(expected), name
        for key in expected:
            _assert_close(got[key], expected[key], f"{name}/{key}")
        return
    got = np.asarray(got)
    assert got.shape == expected.shape, name
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-5, err_msg=name)


@pytest.mark.parametrize("name", sorted(META))
def test_matches_keras(name):
    case = META[name]
    arguments = {key: _rebuild(value) for key, value in case["arguments"].items()}
    got = getattr(bounding_boxes, case["function"])(**arguments)
    _assert_close(got, _rebuild(case["result"]), name)


def test_takes_engine_tensors_and_is_keras_utils_path():
    assert keras.utils.bounding_boxes.compute_iou is bounding_boxes.compute_iou
    boxes = sd.asarray(KERAS["iou/boxes1"])
    anchors = sd.asarray(KERAS["iou/boxes2"])
    table = bounding_boxes.compute_iou(boxes, anchors, "xyxy")
    assert isinstance(table, sd.Tensor)
    np.testing.assert_allclose(np.asarray(table), KERAS["iou/result"], rtol=2e-5, atol=2e-5)


def test_deltas_round_trip():
    anchors, boxes = KERAS["encode/anchors"], KERAS["encode/boxes"]
    for encoding in ("center_yxhw", "center_xywh"):
        deltas = bounding_boxes.encode_box_to_deltas(anchors, boxes, "xyxy", "xyxy", encoding_format=encoding,
                                                     variance=[0.1, 0.1, 0.2, 0.2])
        back = bounding_boxes.decode_deltas_to_boxes(anchors, deltas, "xyxy", "xyxy", encoded_format=encoding,
                                                     variance=[0.1, 0.1, 0.2, 0.2])
        np.testing.assert_allclose(np.asarray(back), boxes, rtol=1e-4, atol=1e-3)


def test_unbatched_affine_is_a_batch_of_one():
    boxes = KERAS["affine/boxes"]
    arguments = {key: KERAS[f"affine/{key}"][:1] for key in ("angle", "translate_x", "translate_y", "scale",
                                                              "shear_x", "shear_y")}
    single = bounding_boxes.affine_transform(boxes[0], height=100, width=80, **arguments)
    np.testing.assert_allclose(np.asarray(single), KERAS["affine/result"][0], rtol=2e-5, atol=2e-5)


def test_errors():
    boxes = KERAS["crop/boxes"]
    for function, arguments in ((bounding_boxes.crop, (boxes, 0, 0, 10, 10)), (bounding_boxes.pad, (boxes, 1, 1)),
                                (bounding_boxes.affine_transform, (boxes[None], [0.0], [0.0], [0.0], [1.0], [0.0],
                                                                   [0.0], 10, 10))):
        with pytest.raises(NotImplementedError):
            function(*arguments, bounding_box_format="yxyx")
    with pytest.raises(NotImplementedError):
        bounding_boxes.clip_to_image_size({"boxes": boxes}, 10, 10, bounding_box_format="xywh")
    with pytest.raises(ValueError, match="`variance` must be length 4"):
        bounding_boxes.encode_box_to_deltas(boxes, boxes, "xyxy", "xyxy", variance=[0.1, 0.2])
    with pytest.raises(ValueError, match="`encoding_format` should be one of"):
        bounding_boxes.encode_box_to_deltas(boxes, boxes, "xyxy", "xyxy", encoding_format="xyxy")
    with pytest.raises(ValueError, match="`encoded_format` should be 'center_xywh' or 'center_yxhw'"):
        bounding_boxes.decode_deltas_to_boxes(boxes, boxes, "xyxy", "xyxy", encoded_format="yxyx")
    with pytest.raises(ValueError, match="expects boxes1 to be batched, or to be unbatched"):
        bounding_boxes.compute_iou(boxes[0], boxes, "xyxy")
    with pytest.raises(ValueError, match="expects boxes2 to be batched, or to be unbatched"):
        bounding_boxes.compute_iou(boxes, boxes[None, None], "xyxy")
    with pytest.raises(ValueError, match="the `image_shape` argument must be provided"):
        bounding_boxes.compute_iou(boxes, boxes, "rel_xyxy")
    with pytest.raises(ValueError, match="the `image_shape` argument must be provided"):
        bounding_boxes.compute_ciou(boxes, boxes, "rel_xyxy", image_shape=(10, 10, 3))
    with pytest.raises(ValueError, match="Invalid source or target format"):
        bounding_boxes.convert_format(boxes, "xyxy", "corners")
