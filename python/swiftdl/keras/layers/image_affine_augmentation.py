"""RandomRotation, RandomZoom and RandomTranslation: in training, one random affine map per
image (Keras's matrices, about the image centre), sampled by keras.ops.image.affine_transform
with Keras's fill modes; the identity at inference."""
import math

import numpy as np

import swiftdl as _sd

from .image_preprocessing import BaseImagePreprocessingLayer

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")


class _AffineAugmentation(BaseImagePreprocessingLayer):
    """Shared: fill and interpolation arguments, and the sampling of per-image transforms."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        if fill_mode not in _FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {_FILL_MODES}.")
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of one {_INTERPOLATIONS}.")
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value

    def call(self, inputs, training=True):
        images = self._images(inputs).astype(self.dtype)
        if not training:
            return images
        from ..ops.image_sampling import transform_images
        batched = images.ndim == 4
        batch = images if batched else _sd.expand_dims(images, 0)
        h_axis, w_axis = self._spatial_axes(4)
        transforms = self._transforms(batch.shape[0], batch.shape[h_axis], batch.shape[w_axis])
        zeros = _sd.zeros((batch.shape[0], 2), "float32")
        outputs = transform_images(batch, _sd.concatenate([transforms, zeros], axis=1),
                                   interpolation=self.interpolation, fill_mode=self.fill_mode,
                                   fill_value=self.fill_value, data_format=self.data_format)
        return outputs if batched else outputs[0]

    def _transforms(self, batch, height, width):
        """(batch, 6) rows [a0, a1, a2, b0, b1, b2]: output pixel (x, y) samples the input at
        (a0·x + a1·y + a2, b0·x + b1·y + b2)."""
        raise NotImplementedError

    def _uniform(self, batch, low, high):
        from .. import random
        return random.uniform((batch,), minval=low, maxval=high, seed=self._seed_generator(), dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update({"fill_mode": self.fill_mode, "fill_value": self.fill_value, "interpolation": self.interpolation,
                       "seed": self.seed})
        return config


class RandomRotation(_AffineAugmentation):
    """Rotates each image by an angle drawn from `factor` (fractions of a full turn; a
    number f means [-f, f], counter-clockwise positive) about its centre."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self._set_factor(factor)

    def _transforms(self, batch, height, width):
        angle = self._uniform(batch, self.factor[0] * 360.0, self.factor[1] * 360.0) * (math.pi / 180.0)
        cos, sin = _sd.cos(angle), _sd.sin(angle)
        cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
        return _sd.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos], axis=1)

    def get_config(self):
        config = super().get_config()
        config["factor"] = self.factor
        return config


class RandomZoom(_AffineAugmentation):
    """Zooms each image by 1 + a factor drawn from `height_factor` (and `width_factor`, or
    the same factor for both axes): positive factors zoom out, negative ones zoom in."""

    _ERROR = ("The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the "
              "range (-1.0, 1.0]. ")

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_lower, self.height_upper = _factor_range(height_factor, "height_factor", self._ERROR,
                                                             lambda v: -1.0 < v <= 1.0)
        if width_factor is not None:
            self.width_lower, self.width_upper = _factor_range(width_factor, "width_factor", self._ERROR,
                                                               lambda v: -1.0 < v <= 1.0)

    def _transforms(self, batch, height, width):
        height_zoom = self._uniform(batch, 1.0 + self.height_lower, 1.0 + self.height_upper)
        width_zoom = height_zoom if self.width_factor is None else self._uniform(
            batch, 1.0 + self.width_lower, 1.0 + self.width_upper)
        zeros = _sd.zeros((batch,), "float32")
        return _sd.stack([width_zoom, zeros, (width - 1) / 2.0 * (1.0 - width_zoom), zeros, height_zoom,
                          (height - 1) / 2.0 * (1.0 - height_zoom)], axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config


class RandomTranslation(_AffineAugmentation):
    """Shifts each image by fractions of its height and width drawn from `height_factor`
    and `width_factor` (positive: down and right)."""

    _ERROR = "The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_lower, self.height_upper = _factor_range(height_factor, "height_factor", self._ERROR,
                                                             lambda v: -1.0 <= v <= 1.0)
        self.width_lower, self.width_upper = _factor_range(width_factor, "width_factor", self._ERROR,
                                                           lambda v: -1.0 <= v <= 1.0)

    def _transforms(self, batch, height, width):
        down = self._uniform(batch, self.height_lower, self.height_upper) * float(height)
        right = self._uniform(batch, self.width_lower, self.width_upper) * float(width)
        ones, zeros = _sd.ones((batch,), "float32"), _sd.zeros((batch,), "float32")
        return _sd.stack([ones, zeros, -right, zeros, ones, -down], axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config


def _factor_range(factor, name, error, allowed):
    """Keras's (lower, upper) of a zoom or translation factor: a number f means [-f, f]."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(_is_number(v) and allowed(v) for v in factor):
            raise ValueError(error + f"Received: {name}={factor}")
        return tuple(sorted(float(v) for v in factor))
    if _is_number(factor) and allowed(factor):
        return -abs(float(factor)), abs(float(factor))
    raise ValueError(error + f"Received: {name}={factor}")


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
