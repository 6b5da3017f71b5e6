"""Keras's layers that remap each image's values through its own statistics: AutoContrast
(min/max stretch) and Equalization (whole-image histogram equalisation).

They are deterministic and Keras applies AutoContrast in inference too. Histograms count
integer pixel values, so no gradient reaches the images through Equalization, as in Keras.
"""
import numpy as np

import swiftdl as _sd

from .image_color_augmentation import _back_to, _checked_value_range, _rescale
from .image_preprocessing import BaseImagePreprocessingLayer


class AutoContrast(BaseImagePreprocessingLayer):
    """Stretches each image's channels to the whole value range (min → low, max → high);
    applied always, as in Keras. A flat channel is left as it was."""

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = _checked_value_range(value_range)

    def call(self, inputs, training=True):
        images = self._images(inputs)
        original = images
        scaled = _rescale(images.astype(self.dtype), self.value_range, (0, 255))
        h_axis, w_axis = self._spatial_axes(images.ndim)
        low = _sd.min(scaled, axis=(h_axis, w_axis), keepdims=True)
        high = _sd.max(scaled, axis=(h_axis, w_axis), keepdims=True)
        scale = 255.0 / (high - low)
        results = _rescale(_sd.clip(scaled * scale - low * scale, 0.0, 255.0), (0, 255), self.value_range)
        results = _sd.where(_sd.isnan(results), original.astype(results.dtype), results)
        return _back_to(results, original.dtype)

    def get_config(self):
        config = super().get_config()
        config["value_range"] = self.value_range
        return config

class Equalization(BaseImagePreprocessingLayer):
    """Histogram equalisation of each channel (over the whole batch, as Keras computes it)
    in `bins` bins; applied in training."""

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = _checked_value_range(value_range)

    def _equalize(self, channel):
        low, high = self.value_range
        if (low, high) != (0, 255):
            channel = (channel - low) * (255.0 / (high - low))
        indices = np.clip((channel * (self.bins - 1) / 255.0).astype(np.int32), 0, self.bins - 1)
        histogram = np.bincount(indices.reshape(-1), minlength=self.bins)
        if np.count_nonzero(histogram) > 1:
            cdf = np.cumsum(histogram)
            smallest = cdf[np.nonzero(cdf)[0][0]]
            denominator = (cdf[-1] - smallest) or 1
            table = np.clip(np.round((cdf - smallest) * 255 / denominator), 0, 255)
            positions = np.clip(channel / 255.0 * (self.bins - 1), 0, self.bins - 1).astype(np.int32)
            channel = table[positions]
        if (low, high) != (0, 255):
            channel = channel * ((high - low) / 255.0) + low
        return channel

    def call(self, inputs, training=True):
        images = self._images(inputs)
        if not training:
            return images
        pixels = np.asarray(images, dtype=self.dtype)
        axis = -3 if self.data_format == "channels_first" else -1
        channels = [self._equalize(np.take(pixels, i, axis=axis)) for i in range(pixels.shape[axis])]
        return _sd.asarray(np.stack(channels, axis=axis).astype(self.dtype))

    def get_config(self):
        config = super().get_config()
        config.update({"bins": self.bins, "value_range": self.value_range})
        return config

