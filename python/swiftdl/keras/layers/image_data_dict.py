"""Keras's {"images", "bounding_boxes", "labels", "segmentation_masks"} input form of the
image preprocessing layers (detection and segmentation pipelines).

`bounding_boxes` is a dict {"boxes": (batch, num_boxes, 4) or (num_boxes, 4), "labels":
(batch, num_boxes) or (num_boxes,)}; python lists of per-image boxes of different lengths
are padded to the longest (boxes with 0, labels with -1), which is what Keras's densifying
step means to do. Layers that change only pixel values (the colour layers) return boxes,
labels and masks unchanged, as Keras's do; a layer must be given `bounding_box_format` to
take boxes, as in Keras.
"""
import numpy as np

import swiftdl as _sd

_DATA_KEYS = ("images", "bounding_boxes", "labels", "segmentation_masks")


def validate_bounding_boxes(bounding_boxes):
    """Raises ValueError unless `bounding_boxes` is {"boxes", "labels"} of matching ranks."""
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError("Expected `bounding_boxes` argument to be a dict with keys 'boxes' and 'labels'. "
                         f"Received: bounding_boxes={bounding_boxes}")
    boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
    if isinstance(boxes, list):
        if not isinstance(labels, list):
            raise ValueError("If `bounding_boxes['boxes']` is a list, then `bounding_boxes['labels']` must also be a "
                             f"list. Received: bounding_boxes['labels']={labels}")
        if len(boxes) != len(labels):
            raise ValueError("If `bounding_boxes['boxes']` and `bounding_boxes['labels']` are both lists, they must "
                             f"have the same length. Received: len(bounding_boxes['boxes'])={len(boxes)} and "
                             f"len(bounding_boxes['labels'])={len(labels)}")
        return
    boxes_shape, labels_shape = tuple(np.shape(boxes)), tuple(np.shape(labels))
    if len(boxes_shape) not in (2, 3) or boxes_shape[-1] != 4:
        raise ValueError("Expected `bounding_boxes['boxes']` to have rank 2 or 3, with shape (num_boxes, 4) or "
                         f"(batch_size, num_boxes, 4). Received: bounding_boxes['boxes'].shape={boxes_shape}")
    allowed = {1, 2} if len(boxes_shape) == 2 else {2, 3}
    if len(labels_shape) not in allowed or labels_shape[:len(boxes_shape) - 1] != boxes_shape[:-1]:
        raise ValueError(f"Found bounding_boxes['boxes'].shape={boxes_shape} and expected bounding_boxes['labels'] "
                         f"to have rank {' or '.join(map(str, sorted(allowed)))} with one label per box, but "
                         f"received: bounding_boxes['labels'].shape={labels_shape}")


def densify_bounding_boxes(bounding_boxes, is_batched):
    """{"boxes": float32 tensor, "labels": tensor, other keys kept}; per-image python lists of
    different lengths are padded to the longest."""
    validate_bounding_boxes(bounding_boxes)
    boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
    result = dict(bounding_boxes)
    if isinstance(boxes, list):
        try:
            if is_batched:
                longest = max((len(b) for b in boxes), default=0)
                boxes = [list(b) + [[0, 0, 0, 0]] * (longest - len(b)) for b in boxes]
                labels = [list(k) + [-1] * (longest - len(k)) for k in labels]
                boxes = np.asarray(boxes, dtype=np.float32).reshape(len(boxes), longest, 4)
                labels = np.asarray(labels, dtype=np.int32).reshape(len(labels), longest)
            else:
                boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
                labels = np.asarray(labels, dtype=np.int32)
        except (TypeError, ValueError):
            raise ValueError("Lists of `bounding_boxes` should hold 4 numbers per box and one integer label per box. "
                             f"Received: bounding_boxes={bounding_boxes}") from None
        result["boxes"], result["labels"] = _sd.asarray(boxes), _sd.asarray(labels)
    else:
        result["boxes"] = _sd.asarray(boxes).astype("float32")
        result["labels"] = _sd.asarray(labels)
    validate_bounding_boxes(result)
    if result["boxes"].ndim != (3 if is_batched else 2):
        raise ValueError(f"Expected bounding_boxes['boxes'] of rank {3 if is_batched else 2} for "
                         f"{'batched' if is_batched else 'single'} images. Received: "
                         f"bounding_boxes['boxes'].shape={tuple(result['boxes'].shape)}")
    return result


def _check_keys(layer, data):
    unknown = set(data) - set(_DATA_KEYS)
    if "images" not in data or unknown:
        raise ValueError(f"{type(layer).__name__} takes a dict with 'images' and optionally 'bounding_boxes', "
                         f"'labels' and 'segmentation_masks'; received keys {sorted(data)}")


def _check_box_format(layer):
    if not getattr(layer, "bounding_box_format", None):
        raise ValueError("You passed an input with a 'bounding_boxes' key, but you didn't specify a bounding box "
                         f"format. Pass a `bounding_box_format` argument to your {type(layer).__name__} layer, e.g. "
                         "`bounding_box_format='xyxy'`.")


def call_on_data_dict(layer, data, training, transform_boxes=None):
    """Keras's dict call: images through `layer.call`, boxes densified (then, batched, through
    `transform_boxes` when given), labels and segmentation masks unchanged."""
    _check_keys(layer, data)
    result = {key: value for key, value in data.items() if key != "bounding_boxes"}
    result["images"] = layer.call(_sd.asarray(data["images"]), training=training)
    for key in ("labels", "segmentation_masks"):
        if key in data:
            result[key] = _sd.asarray(data[key])
    if "bounding_boxes" in data:
        _check_box_format(layer)
        batched = result["images"].ndim == 4
        boxes = densify_bounding_boxes(data["bounding_boxes"], is_batched=batched)
        if transform_boxes is not None:
            if not batched:
                boxes.update(boxes=_sd.expand_dims(boxes["boxes"], 0), labels=_sd.expand_dims(boxes["labels"], 0))
            boxes = transform_boxes(boxes)
            if not batched:
                boxes.update(boxes=boxes["boxes"][0], labels=boxes["labels"][0])
        result["bounding_boxes"] = boxes
    return result


def call_moving_geometry(layer, data, training):
    """Keras's dict call for layers that move pixels: one drawn transformation
    (`layer.get_random_transformation`) for the images (`transform_images`), the
    segmentation masks (`transform_segmentation_masks`) and the boxes
    (`transform_bounding_boxes`, given batched, densified boxes in the layer's format);
    labels unchanged. In inference only the dtypes change, as in Keras."""
    _check_keys(layer, data)
    if "bounding_boxes" in data:
        _check_box_format(layer)
    images = layer._images(data["images"])
    batched = images.ndim == 4

    def batch(values):
        return values if batched else _sd.expand_dims(values, 0)

    def unbatch(values):
        return values if batched else values[0]

    result = {key: _sd.asarray(value) for key, value in data.items() if key != "bounding_boxes"}
    if not training:
        result["images"] = layer.call(images, training=False)
        if "segmentation_masks" in data:
            result["segmentation_masks"] = result["segmentation_masks"].astype(layer.dtype)
        if "bounding_boxes" in data:
            result["bounding_boxes"] = densify_bounding_boxes(data["bounding_boxes"], is_batched=batched)
        return result
    transformation = layer.get_random_transformation(batch(images))
    result["images"] = unbatch(layer.transform_images(batch(images), transformation))
    if "segmentation_masks" in data:
        masks = batch(result["segmentation_masks"])
        result["segmentation_masks"] = unbatch(layer.transform_segmentation_masks(masks, transformation))
    if "bounding_boxes" in data:
        boxes = densify_bounding_boxes(data["bounding_boxes"], is_batched=batched)
        boxes.update(boxes=batch(boxes["boxes"]), labels=batch(boxes["labels"]))
        boxes = layer.transform_bounding_boxes(boxes, transformation)
        boxes.update(boxes=unbatch(boxes["boxes"]), labels=unbatch(boxes["labels"]))
        result["bounding_boxes"] = boxes
    return result
