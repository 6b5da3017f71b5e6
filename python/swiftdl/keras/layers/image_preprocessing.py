"""Keras's image preprocessing layers: Resizing and CenterCrop, and the augmentations
RandomFlip, RandomBrightness, RandomContrast and RandomCrop, over batched (rank 4) or single
(rank 3) images in either data format.

The random layers act only in training (`model.fit`, or `layer(x, training=True)`) and
draw from their own `keras.random.SeedGenerator`, one draw per image as Keras does; at
inference they return their input. Everything runs on engine ops (the images' gradient
flows through them). Keras's dict inputs (image_data_dict.py): RandomBrightness and
RandomContrast keep boxes, labels and masks; RandomFlip and Resizing move masks and boxes with
their images; CenterCrop and RandomCrop do not take them yet.
"""
import numpy as np

import swiftdl as _sd

from .channel_affine import channel_affine
from .data_format import standardize_data_format
from .image_box_formats import clip_to_image_size, convert_format
from .image_data_dict import call_moving_geometry, call_on_data_dict
from .layer import Layer


class BaseImagePreprocessingLayer(Layer):
    """Shared argument handling: data_format, Keras's `factor` ranges and the rank check."""

    _casts_inputs_to_float = False
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, data_format=None, seed=None, bounding_box_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.seed = seed
        # Keras's layers all take it; those that accept {"bounding_boxes": ...} inputs need it.
        self.bounding_box_format = bounding_box_format

    def _seed_generator(self):
        if not hasattr(self, "_generator"):
            from ..random import SeedGenerator
            self._generator = SeedGenerator(self.seed)
        return self._generator

    def _set_factor(self, factor):
        low, high = self._FACTOR_BOUNDS
        message = (f"The `factor` argument should be a number (or a list of two numbers) in the range [{low}, {high}]. "
                   f"Received: factor={factor}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high or factor[1] < low:
                raise ValueError(message)
            self.factor = tuple(sorted(factor))
        elif isinstance(factor, (int, float, np.integer, np.floating)) and not isinstance(factor, bool):
            if not low <= factor <= high:
                raise ValueError(message)
            factor = abs(factor)
            self.factor = (max(-factor, low), factor)
        else:
            raise ValueError(message)

    def _images(self, inputs):
        if isinstance(inputs, dict):  # layers that take Keras's dict form handle it before this
            raise ValueError(f"{type(self).__name__} does not take dict inputs ({{'images': ..., 'bounding_boxes': "
                             f"...}}) yet; pass the images alone. Received keys {sorted(inputs)}")
        # A tensor is used as it is (the layers never write into their input): copying a
        # batch of images took a third of Resizing's time.
        images = inputs if isinstance(inputs, _sd.Tensor) else _sd.asarray(inputs)
        if images.ndim not in (3, 4):
            raise ValueError(f"Expected the input image to be rank 3 or 4. Received: inputs.shape={tuple(images.shape)}")
        return images

    def _spatial_axes(self, rank):
        """(height axis, width axis) of rank-3 or rank-4 images."""
        return (rank - 2, rank - 1) if self.data_format == "channels_first" else (rank - 3, rank - 2)

    def _per_image_shape(self, images):
        """One value per image: (batch, 1, 1, 1) batched, (1, 1, 1) single."""
        return (images.shape[0], 1, 1, 1) if images.ndim == 4 else (1, 1, 1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config


class Resizing(BaseImagePreprocessingLayer):
    """Resizes images to (height, width) with keras.ops.image.resize's interpolations,
    optionally cropping or padding to keep the aspect ratio. Integer images are rounded and
    saturated back to their dtype."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = _positive(height, "height"), _positive(width, "width")
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):  # resized in training and inference alike
            return call_moving_geometry(self, inputs, training=True)
        return self.transform_images(inputs, None)

    def get_random_transformation(self, images):
        h_axis, w_axis = self._spatial_axes(len(images.shape))
        return images.shape[h_axis], images.shape[w_axis]

    def transform_images(self, images, transformation, interpolation=None):
        from .. import ops
        images = self._images(images)
        resized = ops.image.resize(images, (self.height, self.width), interpolation=interpolation or self.interpolation,
                                   antialias=self.antialias, crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                                   pad_to_aspect_ratio=self.pad_to_aspect_ratio, fill_mode=self.fill_mode,
                                   fill_value=self.fill_value, data_format=self.data_format)
        if resized.dtype == images.dtype:
            return resized
        if images.dtype.kind in "iu":
            return ops.saturate_cast(ops.round(resized), images.dtype.name)
        return resized.astype(images.dtype.name)

    def transform_segmentation_masks(self, masks, transformation):
        return self.transform_images(masks, transformation, interpolation="nearest")

    def transform_bounding_boxes(self, bounding_boxes, transformation):
        """Batched boxes scaled (and shifted, when cropping or padding to the aspect ratio)
        as the pixels are, clipped to the new size; padding boxes (all 0 or all -1) stay 0."""
        from .image_resize_boxes import resize_boxes
        return resize_boxes(self, bounding_boxes, *transformation)

    def compute_output_shape(self, input_shape):
        return _with_size(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                       "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "antialias": self.antialias})
        return config


class CenterCrop(BaseImagePreprocessingLayer):
    """The central (height, width) window of each image; an image smaller than that on
    either side is first cropped to the target's aspect ratio and resized (Keras's
    smart_resize)."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = _positive(height, "height"), _positive(width, "width")

    def call(self, inputs):
        from .. import ops
        images = self._images(inputs).astype(self.dtype)
        h_axis, w_axis = self._spatial_axes(images.ndim)
        rows, columns = images.shape[h_axis], images.shape[w_axis]
        if rows >= self.height and columns >= self.width:
            top, left = (rows - self.height) // 2, (columns - self.width) // 2
            index = [slice(None)] * images.ndim
            index[h_axis], index[w_axis] = slice(top, top + self.height), slice(left, left + self.width)
            return images[tuple(index)]
        return ops.image.resize(images, (self.height, self.width), crop_to_aspect_ratio=True,
                                data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        return _with_size(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config


class RandomFlip(BaseImagePreprocessingLayer):
    """In training, flips each image with probability 1/2: left-right ("horizontal"),
    upside-down ("vertical") or both at once ("horizontal_and_vertical")."""

    _MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        if mode not in self._MODES:
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode argument {mode!r}; expected one "
                             f"of {self._MODES}")
        self.mode = mode

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return call_moving_geometry(self, inputs, training)
        images = self._images(inputs).astype(self.dtype)
        if not training:
            return images
        return self.transform_images(images, self.get_random_transformation(images))

    def get_random_transformation(self, images):
        from .. import random
        flips = _sd.less_equal(random.uniform(self._per_image_shape(images), seed=self._seed_generator()), 0.5)
        return {"flips": flips, "input_shape": tuple(images.shape)}

    def transform_images(self, images, transformation):
        images = _sd.asarray(images).astype(self.dtype)
        flips = _sd.reshape(_sd.asarray(transformation["flips"]), self._per_image_shape(images))
        h_axis, w_axis = self._spatial_axes(images.ndim)
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            images = _sd.where(flips, _sd.flip(images, axis=w_axis), images)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            images = _sd.where(flips, _sd.flip(images, axis=h_axis), images)
        return images

    def transform_segmentation_masks(self, masks, transformation):
        return self.transform_images(masks, transformation)

    def transform_bounding_boxes(self, bounding_boxes, transformation):
        """Batched boxes in `bounding_box_format`, mirrored in relative coordinates where
        their image is; boxes left without area get label -1."""
        h_axis, w_axis = self._spatial_axes(len(transformation["input_shape"]))
        height, width = transformation["input_shape"][h_axis], transformation["input_shape"][w_axis]
        boxes = convert_format(bounding_boxes, self.bounding_box_format, "rel_xyxy", height=height, width=width)
        flips = _sd.reshape(_sd.asarray(transformation["flips"]), (-1, 1, 1))
        x1, y1, x2, y2 = (boxes["boxes"][..., i:i + 1] for i in range(4))
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            x1, x2 = _sd.where(flips, 1.0 - x2, x1), _sd.where(flips, 1.0 - x1, x2)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            y1, y2 = _sd.where(flips, 1.0 - y2, y1), _sd.where(flips, 1.0 - y1, y2)
        boxes["boxes"] = _sd.concatenate([x1, y1, x2, y2], axis=-1)
        # NOTE: Keras clips these relative boxes to [0, width] × [0, height], which leaves
        # boxes reaching past the image unclipped; the unit square is what it means.
        boxes = clip_to_image_size(boxes, bounding_box_format="rel_xyxy")
        return convert_format(boxes, "rel_xyxy", self.bounding_box_format, height=height, width=width)

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode})
        return config


class RandomBrightness(BaseImagePreprocessingLayer):
    """In training, adds to each image a delta drawn from `factor` times the width of
    `value_range`, then clips to `value_range`."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = _value_range(value_range)

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return call_on_data_dict(self, inputs, training)
        images = self._images(inputs).astype(self.dtype)
        if not training:
            return images
        from .. import random
        delta = random.uniform(self._per_image_shape(images), minval=self.factor[0], maxval=self.factor[1],
                               seed=self._seed_generator(), dtype=self.dtype)
        delta = delta * float(self.value_range[1] - self.value_range[0])
        return _sd.clip(images + delta, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


class RandomContrast(BaseImagePreprocessingLayer):
    """In training, scales each image's deviations from its per-channel mean by a factor
    drawn from [1 - lower, 1 + upper], then clips to `value_range`."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return call_on_data_dict(self, inputs, training)
        images = self._images(inputs).astype(self.dtype)
        if not training:
            return images
        from .. import random
        factor = random.uniform(self._per_image_shape(images), minval=1.0 - self.factor[0],
                                maxval=1.0 + self.factor[1], seed=self._seed_generator(), dtype=self.dtype)
        h_axis, w_axis = self._spatial_axes(images.ndim)
        mean = _sd.mean(images, axis=(h_axis, w_axis), keepdims=True)
        # One pass after the mean: clip((x - mean)·factor + mean), the same arithmetic fused.
        fused = channel_affine(images, mean, factor, mean, low=self.value_range[0], high=self.value_range[1])
        if fused is not None:
            return fused
        return _sd.clip((images - mean) * factor + mean, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


def _positive(value, name):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer; received {name}={value!r}")
    return int(value)


def _value_range(value_range):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"The `value_range` argument should be a list of two numbers. Received: "
                         f"value_range={value_range}")
    return sorted(value_range)


def _with_size(input_shape, height, width, data_format):
    shape = list(input_shape)
    if len(shape) not in (3, 4):
        raise ValueError(f"`input_shape` must be rank 3 (unbatched) or 4 (batched); received {tuple(input_shape)}")
    h_axis = len(shape) - (2 if data_format == "channels_first" else 3)
    shape[h_axis], shape[h_axis + 1] = height, width
    return tuple(shape)


class RandomCrop(BaseImagePreprocessingLayer):
    """In training, crops every image of the batch at one random offset to (height, width);
    an image not larger than that on both sides is centre-cropped to the target's aspect
    ratio and resized. At inference the images pass unchanged (as in Keras)."""

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        if seed is None:  # Keras draws a default seed and keeps it in the config
            seed = int(np.random.randint(1, 10**9))
        super().__init__(data_format=data_format, seed=seed, name=name, **kwargs)
        self.height, self.width = _positive(height, "height"), _positive(width, "width")

    def call(self, inputs, training=True):
        images = self._images(inputs)
        if not training:
            return images
        from .. import ops, random
        images = images.astype(self.dtype)
        h_axis, w_axis = self._spatial_axes(images.ndim)
        rows, columns = images.shape[h_axis], images.shape[w_axis]
        if rows > self.height and columns > self.width:
            top = int(random.uniform((), 0, float(rows - self.height + 1), seed=self._seed_generator()))
            left = int(random.uniform((), 0, float(columns - self.width + 1), seed=self._seed_generator()))
            height, width = self.height, self.width
        else:
            height = max(min(rows, int(float(columns * self.height) / self.width)), 1)
            width = max(min(columns, int(float(rows * self.width) / self.height)), 1)
            top, left = int(float(rows - height) / 2), int(float(columns - width) / 2)
        index = [slice(None)] * images.ndim
        index[h_axis], index[w_axis] = slice(top, top + height), slice(left, left + width)
        cropped = images[tuple(index)]
        if (height, width) != (self.height, self.width):
            cropped = ops.image.resize(cropped, (self.height, self.width), data_format=self.data_format)
        return cropped

    def compute_output_shape(self, input_shape):
        return _with_size(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config
