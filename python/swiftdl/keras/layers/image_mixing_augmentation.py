"""Keras's augmentations that mix or cut images: MixUp and CutMix (which also mix the labels
of a {"images", "labels"} batch), RandomErasing and RandomGaussianBlur. Like the colour
layers they draw with `get_random_transformation` and apply with `transform_images`, so
Keras's own transformation dicts give Keras's pixels, and act only in training. RandomErasing
and RandomGaussianBlur keep the boxes and masks of Keras's dict inputs (image_data_dict.py);
MixUp and CutMix do not take boxes or masks yet."""
import numpy as np

import swiftdl as _sd

from .image_color_augmentation import _ColorLayer


def _box_masks(layer, shape, x0, x1, y0, y1):
    """(batch, H, W, C) (or channels first) booleans: inside each image's [x0, x1) × [y0, y1) box."""
    height, width = (shape[-3], shape[-2]) if layer.data_format == "channels_last" else (shape[-2], shape[-1])
    rows, columns = np.meshgrid(np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32), indexing="ij")
    x0, x1, y0, y1 = (np.asarray(v, dtype=np.float32)[:, None, None] for v in (x0, x1, y0, y1))
    inside = (columns >= x0) & (columns < x1) & (rows >= y0) & (rows < y1)
    channels = shape[-1] if layer.data_format == "channels_last" else shape[-3]
    axis = -1 if layer.data_format == "channels_last" else 1
    return np.repeat(np.expand_dims(inside, axis), channels, axis=axis)


def _crop_bounds(layer, batch, length, ratio):
    crop = np.asarray(ratio, dtype=np.float32) * length
    start = np.asarray(layer._uniform((batch,), 0, 1)) * (length - crop)
    return start, start + crop


def _height_width(layer, images):
    return (images.shape[-3], images.shape[-2]) if layer.data_format == "channels_last" else (images.shape[-2],
                                                                                              images.shape[-1])


class MixUp(_ColorLayer):
    """Blends each image (and its label) with another of the batch, by a Beta(alpha, alpha) weight."""

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.alpha = alpha

    def get_random_transformation(self, images):
        from .. import random
        batch = images.shape[0]
        order = random.shuffle(_sd.arange(batch, dtype="int64"), seed=self._seed_generator())
        weight = random.beta((batch,), self.alpha, self.alpha, seed=self._seed_generator())
        return {"mix_weight": weight, "permutation_order": order}

    def transform_images(self, images, transformation):
        images = images.astype(self.dtype)
        weight = _sd.reshape(_sd.asarray(transformation["mix_weight"]).astype(self.dtype), (-1, 1, 1, 1))
        partners = _sd.take(images, _sd.asarray(transformation["permutation_order"]), axis=0)
        return weight * images + (1.0 - weight) * partners

    def transform_labels(self, labels, transformation):
        weight = _sd.reshape(_sd.asarray(transformation["mix_weight"]).astype(self.dtype), (-1, 1))
        partners = _sd.take(labels, _sd.asarray(transformation["permutation_order"]), axis=0)
        return weight * labels + (1.0 - weight) * partners

    def get_config(self):
        config = super().get_config()
        config.update({"alpha": self.alpha, "seed": self.seed})
        return config


class CutMix(_ColorLayer):
    """Pastes a random box of another image of the batch into each image; labels mix by the
    box's share of the area. Single images pass unchanged, as in Keras."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)

    def call(self, inputs, training=True):
        images = inputs["images"] if isinstance(inputs, dict) else inputs
        if np.ndim(images) == 3:
            return inputs
        return super().call(inputs, training)

    def get_random_transformation(self, images):
        from .. import random
        batch = images.shape[0]
        height, width = _height_width(self, images)
        alpha = float(np.asarray(self._uniform((), self.factor[0], self.factor[1]))) + 1e-6
        weight = np.asarray(random.beta((batch,), alpha, alpha, seed=self._seed_generator()))
        ratio = np.sqrt(1.0 - weight)
        x0, x1 = _crop_bounds(self, batch, width, ratio)
        y0, y1 = _crop_bounds(self, batch, height, ratio)
        order = random.shuffle(_sd.arange(batch, dtype="int32"), seed=self._seed_generator())
        return {"permutation_order": order, "batch_masks": _box_masks(self, images.shape, x0, x1, y0, y1),
                "mix_weight": 1.0 - (x1 - x0) * (y1 - y0) / (width * height)}

    def transform_images(self, images, transformation):
        images = images.astype(self.dtype)
        partners = _sd.take(images, _sd.asarray(transformation["permutation_order"]), axis=0)
        return _sd.where(_sd.asarray(transformation["batch_masks"]), partners, images)

    def transform_labels(self, labels, transformation):
        weight = _sd.reshape(_sd.asarray(np.asarray(transformation["mix_weight"], dtype=np.float32)), (-1, 1))
        partners = _sd.take(labels, _sd.asarray(transformation["permutation_order"]), axis=0)
        return weight * labels + (1.0 - weight) * partners

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "seed": self.seed})
        return config


def _factor_by_name(value, name, bounds=(0, 1)):
    message = (f"The `{name}` argument should be a number (or a list of two numbers) in the range [{bounds[0]}, "
               f"{bounds[1]}]. Received: factor={value}")
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or value[0] > bounds[1] or value[1] < bounds[0]:
            raise ValueError(message)
        return tuple(sorted(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not bounds[0] <= value <= bounds[1]:
            raise ValueError(message)
        return (max(-abs(value), bounds[0]), abs(value))
    raise ValueError(message)


class RandomErasing(_ColorLayer):
    """With a probability drawn from `factor`, fills a random box (its sides a random
    fraction of the image's, area share in `scale`) with `fill_value` (default: Gaussian
    noise scaled to the value range)."""

    _KEEPS_GEOMETRY = True
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.scale = _factor_by_name(scale, "scale")
        if fill_value is not None and not (isinstance(fill_value, (int, float)) or (
                isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)):
            raise ValueError("The `fill_value` argument should be a number (or a list of three numbers) ")
        self.fill_value, self.value_range = fill_value, value_range

    def get_random_transformation(self, images):
        from .. import random
        batch = images.shape[0]
        height, width = _height_width(self, images)
        shares = np.sqrt(np.asarray(self._uniform((batch, 2), self.scale[0], self.scale[1])))
        x0, x1 = _crop_bounds(self, batch, width, shares[:, 0])
        y0, y1 = _crop_bounds(self, batch, height, shares[:, 1])
        probability = self._uniform((batch,), self.factor[0], self.factor[1])
        apply = self._uniform((batch,), 0.0, 1.0) < probability
        if self.fill_value is None:
            fill = random.normal(tuple(images.shape), seed=self._seed_generator()) * self.value_range[1]
        else:
            fill = _sd.asarray(np.broadcast_to(np.asarray(self.fill_value, np.float32), tuple(images.shape)).copy())
        fill = _sd.clip(fill, self.value_range[0], self.value_range[1])
        return {"apply_erasing": apply, "batch_masks": _box_masks(self, images.shape, x0, x1, y0, y1),
                "fill_value": fill}

    def transform_images(self, images, transformation):
        images = images.astype(self.dtype)
        erased = _sd.where(_sd.asarray(transformation["batch_masks"]), _sd.asarray(transformation["fill_value"]),
                           images)
        apply = _sd.reshape(_sd.asarray(transformation["apply_erasing"]), (-1, 1, 1, 1))
        return _sd.where(apply, erased, images)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "fill_value": self.fill_value,
                       "value_range": self.value_range, "seed": self.seed})
        return config


class RandomGaussianBlur(_ColorLayer):
    """With a probability drawn from `factor`, blurs each image with a Gaussian of odd
    `kernel_size` and a sigma drawn from `sigma` (one per axis, shared by the batch)."""

    _KEEPS_GEOMETRY = True
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.kernel_size = self._odd_sizes(kernel_size)
        self.sigma = _factor_by_name(sigma, "sigma")
        self.value_range = value_range

    @staticmethod
    def _odd_sizes(size):
        if isinstance(size, (tuple, list)):
            if len(size) != 2:
                raise ValueError(f"The `kernel_size` argument should be a number (or a list of two numbers) Received: "
                                 f"kernel_size={size}")
            if size[0] % 2 == 0 or size[1] % 2 == 0:
                raise ValueError(f"kernel_size must be an odd number. Received: kernel_size={size}")
            return tuple(size)
        if isinstance(size, (int, float)) and not isinstance(size, bool) and size % 2 == 1:
            return (size, size)
        raise ValueError(f"kernel_size must be an odd number. Received: kernel_size={size}")

    def get_random_transformation(self, images):
        batch = images.shape[0]
        probability = self._uniform((batch,), self.factor[0], self.factor[1])
        return {"should_apply_blur": self._uniform((batch,), 0.0, 1.0) < probability,
                "blur_factor": self._uniform((2,), self.sigma[0], self.sigma[1]) + 1e-6}

    def transform_images(self, images, transformation):
        from .. import ops
        images = images.astype(self.dtype)
        blurred = ops.image.gaussian_blur(images, kernel_size=self.kernel_size,
                                          sigma=_sd.asarray(transformation["blur_factor"]),
                                          data_format=self.data_format)
        apply = _sd.reshape(_sd.asarray(transformation["should_apply_blur"]), (-1, 1, 1, 1))
        return _sd.clip(_sd.where(apply, blurred, images), self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "kernel_size": self.kernel_size, "sigma": self.sigma,
                       "value_range": self.value_range, "seed": self.seed})
        return config
