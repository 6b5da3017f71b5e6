"""Keras's colour augmentation layers: RandomGrayscale, RandomInvert, Solarization,
RandomPosterization, RandomColorDegeneration, RandomSaturation, RandomHue, RandomSharpness,
and RandomColorJitter (AutoContrast and Equalization live in image_histogram_equalization.py).

Each random layer splits its work as Keras does: `get_random_transformation(images)` draws
one set of parameters per image from the layer's SeedGenerator, and
`transform_images(images, transformation)` applies them, so a given transformation gives
Keras's pixels exactly (the tests pass Keras's own dicts). The random layers act only in
training; single (rank 3) images are treated as a batch of one. Pixels go through engine ops.
Keras's dict inputs keep their boxes, labels and masks (image_data_dict.py).
"""
import numpy as np

import swiftdl as _sd

from .image_data_dict import call_on_data_dict
from .image_preprocessing import BaseImagePreprocessingLayer, RandomBrightness, RandomContrast

_RANGE_ERROR = "The `value_range` argument should be a list of two numbers. "


def _checked_value_range(value_range):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(_RANGE_ERROR + f"Received: value_range={value_range}")
    return sorted(value_range)


def _rescale(images, source, target):
    """Keras's _transform_value_range: a linear map of `source` onto `target`."""
    if tuple(source) == tuple(target):
        return images
    return (images - source[0]) / (source[1] - source[0]) * (target[1] - target[0]) + target[0]


def _back_to(results, dtype):
    """Float results in the input's dtype (integers rounded and saturated), as Keras returns them."""
    if results.dtype == dtype:
        return results
    if np.dtype(dtype).kind in "iu":
        from .. import ops
        return ops.saturate_cast(_sd.round(results), np.dtype(dtype).name)
    return results.astype(dtype)


class _ColorLayer(BaseImagePreprocessingLayer):
    """Training-only random layers: draw, then transform; a single image is a batch of one."""

    # True for layers that change only pixel values: Keras's dict inputs then keep their
    # boxes, labels and segmentation masks (image_data_dict.py).
    _KEEPS_GEOMETRY = False

    def call(self, inputs, training=True):
        if isinstance(inputs, dict) and self._KEEPS_GEOMETRY:
            return call_on_data_dict(self, inputs, training)
        if isinstance(inputs, dict):  # Keras's {"images": ..., "labels": ...} form
            return self._call_on_dict(inputs, training)
        images = self._images(inputs)
        if not training:
            return images
        batched = images if images.ndim == 4 else _sd.expand_dims(images, 0)
        result = self.transform_images(batched, self.get_random_transformation(batched))
        return result if images.ndim == 4 else result[0]

    def _call_on_dict(self, data, training):
        unknown = set(data) - {"images", "labels"}
        if "images" not in data or unknown:
            raise ValueError(f"{type(self).__name__} takes a dict with 'images' and optionally 'labels' (bounding boxes "
                             f"and segmentation masks are not supported); received keys {sorted(data)}")
        images = self._images(data["images"])
        result = dict(data)
        if not training:
            result["images"] = images
            return result
        batched = images if images.ndim == 4 else _sd.expand_dims(images, 0)
        transformation = self.get_random_transformation(batched)
        transformed = self.transform_images(batched, transformation)
        result["images"] = transformed if images.ndim == 4 else transformed[0]
        if "labels" in data:
            labels = _sd.asarray(data["labels"])
            batched_labels = labels if images.ndim == 4 else _sd.expand_dims(labels, 0)
            mixed = self.transform_labels(batched_labels, transformation)
            result["labels"] = mixed if images.ndim == 4 else mixed[0]
        return result

    def transform_labels(self, labels, transformation):
        return labels

    def _uniform(self, shape, low, high):
        from .. import random
        return random.uniform(shape, minval=low, maxval=high, seed=self._seed_generator(), dtype="float32")

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1


class RandomGrayscale(_ColorLayer):
    """Turns each image grey with probability `factor` (its grey value in every channel)."""

    _KEEPS_GEOMETRY = True

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        if not 0 <= factor <= 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor

    def get_random_transformation(self, images):
        return _sd.reshape(self._uniform((images.shape[0],), 0, 1) < self.factor, (-1, 1, 1, 1))

    def transform_images(self, images, transformation):
        from .. import ops
        grey = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return _sd.where(_sd.asarray(transformation), grey, images.astype(grey.dtype))

    def get_config(self):
        config = super().get_config()
        config["factor"] = self.factor
        return config


class RandomInvert(_ColorLayer):
    """Replaces each image by value_range[1] - image, with a probability drawn from `factor`."""

    _KEEPS_GEOMETRY = True
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range

    def get_random_transformation(self, images):
        probability = self._uniform((images.shape[0],), self.factor[0], self.factor[1])
        return {"apply_inversion": self._uniform((images.shape[0],), 0, 1) < probability}

    def transform_images(self, images, transformation):
        images = images.astype(self.dtype)
        apply = _sd.reshape(_sd.asarray(transformation["apply_inversion"]), (-1, 1, 1, 1))
        return _sd.where(apply, self.value_range[1] - images, images)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


class Solarization(_ColorLayer):
    """Adds a random amount to every pixel (clipped to 0-255), then inverts the pixels at or
    above a random threshold."""

    _KEEPS_GEOMETRY = True
    _FACTOR_ERROR = ("The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two "
                     "numbers) in the range [0, 1]. ")

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = self._factor(addition_factor, "addition_factor")
        self.threshold_factor = self._factor(threshold_factor, "threshold_factor")
        self.value_range = _checked_value_range(value_range)

    def _factor(self, factor, name):
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(self._FACTOR_ERROR + f"Received: {name}={factor}")
            values = sorted(factor)
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            values = [0, factor]
        else:
            raise ValueError(self._FACTOR_ERROR + f"Received: {name}={factor}")
        for value in values:
            if not 0 <= value <= 1:
                raise ValueError(self._FACTOR_ERROR + f"Received: input_number={value}")
        return tuple(values)

    def get_random_transformation(self, images):
        shape = (images.shape[0], 1, 1, 1)
        # Keras draws from [lower, upper·255] for both (the lower end is not scaled).
        return {"additions": self._uniform(shape, self.addition_factor[0], self.addition_factor[1] * 255),
                "thresholds": self._uniform(shape, self.threshold_factor[0], self.threshold_factor[1] * 255)}

    def transform_images(self, images, transformation):
        original = images.dtype
        images = _rescale(images.astype(self.dtype), self.value_range, (0, 255))
        results = _sd.clip(images + _sd.asarray(transformation["additions"]), 0, 255)
        results = _sd.where(results < _sd.asarray(transformation["thresholds"]), results, 255 - results)
        return _back_to(_rescale(results, (0, 255), self.value_range), original)

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return call_on_data_dict(self, inputs, training)
        images = self._images(inputs)
        return super().call(images, training) if training else _back_to(images.astype(self.dtype), self.dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "addition_factor": self.addition_factor,
                       "threshold_factor": self.threshold_factor, "seed": self.seed})
        return config


class RandomPosterization(_ColorLayer):
    """Keeps a random number of bits (`factor`, 1-8) of each 8-bit pixel value."""

    _KEEPS_GEOMETRY = True
    _FACTOR_BOUNDS = (1, 8)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = _checked_value_range(value_range)

    def get_random_transformation(self, images):
        batch = images.shape[0]
        if self.factor[0] != self.factor[1]:
            from .. import random
            bits = random.randint((batch,), self.factor[0], self.factor[1], seed=self._seed_generator(), dtype="int32")
        else:
            bits = _sd.full((batch,), int(self.factor[0]), dtype="int32")
        return {"shift_factor": 8 - _sd.asarray(bits)}

    def transform_images(self, images, transformation):
        step = _sd.reshape(2.0 ** _sd.asarray(transformation["shift_factor"]).astype("float32"), (-1, 1, 1, 1))
        images = _sd.floor(_sd.clip(_rescale(images.astype(self.dtype), self.value_range, (0, 255)), 0, 255))
        return _rescale(_sd.floor(images / step) * step, (0, 255), self.value_range)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


class RandomColorDegeneration(_ColorLayer):
    """Blends each image towards its grey version by a random `factor` (0: unchanged, 1:
    grey; Keras accepts factors down to -1, which push colours away from grey)."""

    _KEEPS_GEOMETRY = True

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = _checked_value_range(value_range)

    def get_random_transformation(self, images):
        return {"factor": self._uniform((images.shape[0], 1, 1, 1), self.factor[0], self.factor[1])}

    def transform_images(self, images, transformation):
        from .. import ops
        images = images.astype(self.dtype)
        grey = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        blended = images + _sd.asarray(transformation["factor"]).astype(self.dtype) * (grey - images)
        return _sd.clip(blended, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


def _with_hsv_channel(layer, images, channel, change):
    """hsv_to_rgb(rgb_to_hsv(images) with channel `channel` replaced by change(channel))."""
    from .. import ops
    hsv = ops.image.rgb_to_hsv(images, data_format=layer.data_format)
    axis = layer._channel_axis()
    parts = [hsv[:, i] if axis == 1 else hsv[..., i] for i in range(3)]
    parts[channel] = change(parts[channel])
    return ops.image.hsv_to_rgb(_sd.stack(parts, axis=axis), data_format=layer.data_format)


class RandomSaturation(_ColorLayer):
    """Scales each image's saturation by f / (1 - f) for a random f in `factor` (0.5:
    unchanged, 0: grey, 1: fully saturated)."""

    _KEEPS_GEOMETRY = True
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = _checked_value_range(value_range)

    def get_random_transformation(self, images):
        from ..config import epsilon
        factor = self._uniform((images.shape[0],), self.factor[0], self.factor[1])
        return {"factor": factor / (1 - factor + epsilon())}

    def transform_images(self, images, transformation):
        factors = _sd.reshape(_sd.asarray(transformation["factor"]).astype(self.dtype), (-1, 1, 1))
        # Keras clips the scaled saturation to value_range, not to [0, 1]: with (0, 255) a
        # saturation above 1 survives and hsv_to_rgb gives values outside the range, as in Keras.
        return _with_hsv_channel(self, images.astype(self.dtype), 1, lambda saturation: _sd.clip(
            saturation * factors, self.value_range[0], self.value_range[1]))

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


class RandomHue(_ColorLayer):
    """Rotates each image's hue by ±f/2 of a turn, f random in `factor`, the sign a coin toss."""

    _KEEPS_GEOMETRY = True
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range

    def get_random_transformation(self, images):
        batch = images.shape[0]
        sign = _sd.where(self._uniform((batch,), 0, 1) > 0.5, -1.0, 1.0)
        return {"factor": sign * self._uniform((batch,), self.factor[0], self.factor[1]) * 0.5}

    def transform_images(self, images, transformation):
        shift = _sd.reshape(_sd.asarray(transformation["factor"]).astype(self.dtype), (-1, 1, 1))
        unit = _rescale(images.astype(self.dtype), self.value_range, (0, 1))

        def rotate(hue):
            hue = hue + shift
            hue = _sd.where(hue > 1.0, hue - 1.0, hue)
            return _sd.where(hue < 0.0, hue + 1.0, hue)
        return _rescale(_sd.clip(_with_hsv_channel(self, unit, 0, rotate), 0, 1), (0, 1), self.value_range)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


class RandomSharpness(_ColorLayer):
    """Blends each image with a 3×3 smoothing of itself by 1 - 2f, f random in `factor`
    (f > 0.5 sharpens, below it blurs)."""

    _KEEPS_GEOMETRY = True
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = _checked_value_range(value_range)

    def get_random_transformation(self, images):
        return {"factor": self._uniform((images.shape[0],), self.factor[0], self.factor[1])}

    def transform_images(self, images, transformation):
        from .. import ops
        images = images.astype(self.dtype)
        if self.data_format == "channels_first":
            images = _sd.swapaxes(images, -3, -1)
        channels = images.shape[-1]
        a, b = 1.0 / 13.0, 5.0 / 13.0
        kernel = np.tile(np.array([[a, a, a], [a, b, a], [a, a, a]], dtype=self.dtype).reshape(3, 3, 1, 1),
                         (1, 1, channels, 1))
        smoothed = ops.depthwise_conv(images, kernel, strides=1, padding="same", data_format="channels_last")
        factor = _sd.reshape(_sd.asarray(transformation["factor"]).astype(self.dtype) * 2, (-1, 1, 1, 1))
        images = _sd.clip(images + (1.0 - factor) * (smoothed - images), self.value_range[0], self.value_range[1])
        return _sd.swapaxes(images, -3, -1) if self.data_format == "channels_first" else images

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


class RandomColorJitter(_ColorLayer):
    """RandomBrightness, RandomContrast, RandomSaturation and RandomHue in turn, each where
    its factor is given."""

    _KEEPS_GEOMETRY = True

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.value_range = value_range
        self.brightness_factor, self.contrast_factor = brightness_factor, contrast_factor
        self.saturation_factor, self.hue_factor = saturation_factor, hue_factor
        self.random_brightness = (RandomBrightness(brightness_factor, value_range=value_range, seed=seed)
                                  if brightness_factor is not None else None)
        self.random_contrast = (RandomContrast(contrast_factor, value_range=value_range, seed=seed)
                                if contrast_factor is not None else None)
        self.random_saturation = (RandomSaturation(saturation_factor, value_range=value_range, seed=seed,
                                                   data_format=data_format)
                                  if saturation_factor is not None else None)
        self.random_hue = (RandomHue(hue_factor, value_range=value_range, seed=seed, data_format=data_format)
                           if hue_factor is not None else None)

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return call_on_data_dict(self, inputs, training)
        images = self._images(inputs)
        if not training:
            return images
        images = images.astype(self.dtype)
        for layer in (self.random_brightness, self.random_contrast, self.random_saturation, self.random_hue):
            if layer is not None:
                images = layer(images, training=True)
        return images

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "brightness_factor": self.brightness_factor,
                       "contrast_factor": self.contrast_factor, "saturation_factor": self.saturation_factor,
                       "hue_factor": self.hue_factor, "seed": self.seed})
        return config
