"""Keras's RandomShear and RandomPerspective: per-image shears through
keras.ops.image.affine_transform and four-corner perspective warps through
perspective_transform, drawn with `get_random_transformation` and applied with
`transform_images` as Keras does; active only in training."""
from .image_color_augmentation import _ColorLayer

import swiftdl as _sd

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")
_SHEAR_ERROR = "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. "


def _shear_range(factor, name):
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(_SHEAR_ERROR + f"Received: {name}={factor}")
        values = sorted(factor)
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        values = [-abs(factor), abs(factor)]
    else:
        raise ValueError(_SHEAR_ERROR + f"Received: {name}={factor}")
    for value in (factor if isinstance(factor, (tuple, list)) else [factor]):
        if not 0.0 <= value <= 1.0:
            raise ValueError(_SHEAR_ERROR + f"Received: input_number={value}")
    return tuple(values)


def _check_interpolation(interpolation):
    if interpolation not in _INTERPOLATIONS:
        raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of one {_INTERPOLATIONS}.")


class RandomShear(_ColorLayer):
    """Shears each image by random amounts along x and y (fractions of the other axis)."""

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.x_factor = _shear_range(x_factor, "x_factor")
        self.y_factor = _shear_range(y_factor, "y_factor")
        if fill_mode not in _FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {_FILL_MODES}.")
        _check_interpolation(interpolation)
        self.fill_mode, self.fill_value, self.interpolation = fill_mode, fill_value, interpolation

    def get_random_transformation(self, images):
        batch = images.shape[0]
        sign = _sd.where(self._uniform((batch, 1), 0, 1) > 0.5, -1.0, 1.0)
        shear_y = self._uniform((batch, 1), self.y_factor[0], self.y_factor[1])
        shear_x = self._uniform((batch, 1), self.x_factor[0], self.x_factor[1])
        return {"shear_factor": _sd.concatenate([shear_x, shear_y], axis=1) * sign}

    def transform_images(self, images, transformation):
        from ..ops.image_sampling import transform_images
        shear = _sd.asarray(transformation["shear_factor"]).astype("float32")
        ones, zeros = _sd.ones((shear.shape[0],)), _sd.zeros((shear.shape[0],))
        matrix = _sd.stack([ones, shear[:, 0], zeros, shear[:, 1], ones, zeros, zeros, zeros], axis=1)
        return transform_images(images.astype(self.dtype), matrix, interpolation=self.interpolation,
                                fill_mode=self.fill_mode, fill_value=self.fill_value, data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"x_factor": self.x_factor, "y_factor": self.y_factor, "fill_mode": self.fill_mode,
                       "interpolation": self.interpolation, "seed": self.seed, "fill_value": self.fill_value,
                       "data_format": self.data_format})
        return config


class RandomPerspective(_ColorLayer):
    """With a probability drawn from `factor`, moves each image's four corners by random
    fractions (up to `scale` / 2) of their coordinates and warps the image to match."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        if not 0.0 <= scale <= 1.0:
            raise ValueError(f"The `scale` argument should be a number in the range [0,1]. Received: scale={scale}")
        _check_interpolation(interpolation)
        self.scale, self.fill_value, self.interpolation = scale, fill_value, interpolation

    def get_random_transformation(self, images):
        batch = images.shape[0]
        height, width = (images.shape[-3], images.shape[-2]) if self.data_format == "channels_last" else (
            images.shape[-2], images.shape[-1])
        probability = self._uniform((batch,), self.factor[0], self.factor[1])
        apply = self._uniform((batch,), 0.0, 1.0) < probability
        moves = self._uniform((batch, 4, 2), -0.5 * self.scale, 0.5 * self.scale)
        corners = _sd.asarray([[[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]]],
                              dtype="float32")
        start = _sd.repeat(corners, batch, axis=0)
        return {"apply_perspective": apply, "start_points": start, "end_points": start + start * moves}

    def transform_images(self, images, transformation):
        from .. import ops
        images = images.astype(self.dtype)
        warped = ops.image.perspective_transform(images, _sd.asarray(transformation["start_points"]),
                                                 _sd.asarray(transformation["end_points"]),
                                                 interpolation=self.interpolation, fill_value=self.fill_value,
                                                 data_format=self.data_format)
        apply = _sd.reshape(_sd.asarray(transformation["apply_perspective"]), (-1, 1, 1, 1))
        return _sd.where(apply, warped, images)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "interpolation": self.interpolation,
                       "fill_value": self.fill_value, "seed": self.seed})
        return config


_ELASTIC_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


class RandomElasticTransform(_ColorLayer):
    """With a probability drawn from `factor`, displaces pixels by a smoothed random field
    (keras.ops.image.elastic_transform) whose strength and smoothness scale with a factor
    drawn from `scale` and the image's size."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        from .image_mixing_augmentation import _factor_by_name
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.scale = _factor_by_name(scale, "scale")
        _check_interpolation(interpolation)
        if fill_mode not in _ELASTIC_FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {set(_ELASTIC_FILL_MODES)}.")
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, fill_value
        self.value_range = value_range

    def call(self, inputs, training=True):
        if training and (self.scale[1] == 0 or self.factor[1] == 0):
            return self._images(inputs) if not isinstance(inputs, dict) else inputs
        return super().call(inputs, training)

    def get_random_transformation(self, images):
        batch = images.shape[0]
        probability = self._uniform((batch,), self.factor[0], self.factor[1])
        return {"apply_transform": self._uniform((batch,), 0.0, 1.0) < probability,
                "distortion_factor": float(self._uniform((), self.scale[0], self.scale[1]))}

    def transform_images(self, images, transformation):
        from .. import ops
        images = images.astype(self.dtype)
        height, width = (images.shape[-3], images.shape[-2]) if self.data_format == "channels_last" else (
            images.shape[-2], images.shape[-1])
        factor = float(transformation["distortion_factor"])
        alpha, sigma = max(height, width) * 0.1 * factor, min(height, width) * 0.05 * factor
        warped = ops.image.elastic_transform(images, alpha=alpha, sigma=sigma, interpolation=self.interpolation,
                                             fill_mode=self.fill_mode, fill_value=self.fill_value,
                                             seed=self._seed_generator(), data_format=self.data_format)
        apply = _sd.reshape(_sd.asarray(transformation["apply_transform"]), (-1, 1, 1, 1))
        return _sd.clip(_sd.where(apply, warped, images), self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "interpolation": self.interpolation,
                       "fill_mode": self.fill_mode, "fill_value": self.fill_value, "value_range": self.value_range,
                       "seed": self.seed})
        return config
