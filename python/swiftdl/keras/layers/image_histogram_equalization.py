"""Keras's layers that remap each image's values through its own statistics: AutoContrast
(min/max stretch), Equalization (whole-image histogram equalisation) and
ContrastLimitedAdaptiveHistogramEqualization (CLAHE: per-tile clipped histograms, blended
bilinearly between tiles).

They are deterministic and Keras applies AutoContrast and CLAHE in inference too. Histograms
count integer pixel values, so no gradient reaches the images through Equalization or CLAHE,
as in Keras.
"""
import numbers

import numpy as np

import swiftdl as _sd

from .image_color_augmentation import _back_to, _checked_value_range, _rescale
from .image_data_dict import call_on_data_dict
from .image_preprocessing import BaseImagePreprocessingLayer

_BINS = 256  # CLAHE's histograms: one bin per 8-bit value, as Keras's


class AutoContrast(BaseImagePreprocessingLayer):
    """Stretches each image's channels to the whole value range (min → low, max → high);
    applied always, as in Keras. A flat channel is left as it was."""

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = _checked_value_range(value_range)

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return call_on_data_dict(self, inputs, training)
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
        if isinstance(inputs, dict):
            return call_on_data_dict(self, inputs, training)
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


def _grid_size(tile_grid_size):
    message = ("The `tile_grid_size` argument should be a tuple of two positive integers (height, width). "
               f"Received: tile_grid_size={tile_grid_size}")
    if not isinstance(tile_grid_size, (tuple, list)) or len(tile_grid_size) != 2:
        raise ValueError(message)
    for size in tile_grid_size:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(message)
    return tuple(int(size) for size in tile_grid_size)


class ContrastLimitedAdaptiveHistogramEqualization(BaseImagePreprocessingLayer):
    """Contrast Limited Adaptive Histogram Equalization (CLAHE), applied always, as in Keras.

    The image (padded symmetrically to whole tiles) is cut into `tile_grid_size` tiles; each
    tile's 256-bin histogram per channel is clipped at `clip_limit` times the mean bin count
    (the excess spread evenly over all bins; `clip_limit <= 0` turns clipping off) and turned
    into a lookup table; each pixel blends the tables of the four nearest tile centres
    bilinearly (tiles past the edge repeat the edge ones).

    Args:
        value_range: the inputs' (low, high) range, mapped to 0-255 for the histograms.
            Defaults to `(0, 255)`.
        clip_limit: float, the contrast limit. Defaults to 4.0.
        tile_grid_size: (rows, columns) of tiles. Defaults to `(8, 8)`.
        data_format: `"channels_last"` or `"channels_first"`.

    Raises:
        ValueError: for a `value_range` or `tile_grid_size` that is not two numbers, or a
            `clip_limit` that is not a number.
    """

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        _checked_value_range(value_range)  # Keras keeps the range as given, unsorted
        self.value_range = value_range
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, numbers.Real):
            raise ValueError(f"The `clip_limit` argument should be a number. Received: clip_limit={clip_limit}")
        self.clip_limit = clip_limit
        self.tile_grid_size = _grid_size(tile_grid_size)

    def call(self, inputs, training=True):
        images = self._images(inputs)
        # Keras casts float inputs to the layer's dtype and returns integers as integers
        # (truncated, as a cast does).
        dtype = self.dtype if np.dtype(images.dtype).kind == "f" else images.dtype
        batched = images if images.ndim == 4 else _sd.expand_dims(images, 0)
        if self.data_format == "channels_first":
            batched = _sd.transpose(batched, (0, 2, 3, 1))
        results = _rescale(self._equalized(_rescale(batched.astype("float32"), self.value_range, (0, 255))),
                           (0, 255), self.value_range)
        if self.data_format == "channels_first":
            results = _sd.transpose(results, (0, 3, 1, 2))
        results = results.astype(dtype)
        return results if images.ndim == 4 else results[0]

    def _equalized(self, images):
        """CLAHE of float32 NHWC images in 0-255."""
        batch, height, width, channels = images.shape
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        padded_h, padded_w = tile_h * grid_h, tile_w * grid_w
        if (padded_h, padded_w) != (height, width):
            images = _sd.pad(images, [(0, 0), (0, padded_h - height), (0, padded_w - width), (0, 0)], mode="symmetric")
        pixels = _sd.clip(images.astype("int32"), 0, _BINS - 1)  # truncated, as Keras's cast
        tables = self._tile_tables(pixels, tile_h, tile_w)
        # Each pixel reads the tables of the tiles whose centres surround it; tables are
        # numbered from 1 (0 and grid + 1 are the repeated edges).
        rows = (np.arange(padded_h, dtype=np.float32) - np.float32(tile_h / 2.0)) / np.float32(tile_h) + np.float32(1)
        cols = (np.arange(padded_w, dtype=np.float32) - np.float32(tile_w / 2.0)) / np.float32(tile_w) + np.float32(1)
        row0, col0 = np.floor(rows), np.floor(cols)
        row_weight = (rows - row0).reshape(1, -1, 1, 1)
        col_weight = (cols - col0).reshape(1, 1, -1, 1)
        stride_x = _BINS * channels
        stride_y = stride_x * (grid_w + 2)
        stride_b = stride_y * (grid_h + 2)
        base = (np.arange(batch).reshape(-1, 1, 1, 1) * stride_b + np.arange(channels).reshape(1, 1, 1, -1) * _BINS)
        offsets = _sd.asarray(base.astype(np.int64)) + pixels.astype("int64")

        def read(row, col):
            row = np.clip(row, 0, grid_h + 1).astype(np.int64).reshape(1, -1, 1, 1)
            col = np.clip(col, 0, grid_w + 1).astype(np.int64).reshape(1, 1, -1, 1)
            return _sd.take(tables, offsets + _sd.asarray(row * stride_y + col * stride_x))

        top = read(row0, col0) * (1.0 - col_weight) + read(row0, col0 + 1) * col_weight
        bottom = read(row0 + 1, col0) * (1.0 - col_weight) + read(row0 + 1, col0 + 1) * col_weight
        results = top * (1.0 - row_weight) + bottom * row_weight
        return results[:, :height, :width, :]

    def _tile_tables(self, pixels, tile_h, tile_w):
        """The flattened lookup tables, (batch, grid_h + 2, grid_w + 2, channels, 256), edges repeated."""
        batch, padded_h, padded_w, channels = pixels.shape
        grid_h, grid_w = self.tile_grid_size
        # One bincount over (image, tile row, tile column, channel, value) counts every tile.
        tile_row = np.arange(padded_h) // tile_h
        tile_col = np.arange(padded_w) // tile_w
        bin_base = (((np.arange(batch).reshape(-1, 1, 1, 1) * grid_h + tile_row.reshape(1, -1, 1, 1)) * grid_w
                     + tile_col.reshape(1, 1, -1, 1)) * channels + np.arange(channels).reshape(1, 1, 1, -1)) * _BINS
        bins = _sd.reshape(_sd.asarray(bin_base.astype(np.int64)) + pixels.astype("int64"), (-1,))
        counts = _sd.bincount(bins, minlength=batch * grid_h * grid_w * channels * _BINS)
        histograms = _sd.reshape(counts.astype("float32"), (batch, grid_h, grid_w, channels, _BINS))
        area = tile_h * tile_w
        if self.clip_limit > 0:
            clipped = _sd.clip(histograms, 0, np.float32(self.clip_limit * area / 256.0))
            excess = _sd.sum(histograms - clipped, axis=-1, keepdims=True)
            histograms = clipped + excess / 256.0
        cdf = _sd.cumsum(histograms, axis=-1)
        cdf_min = _sd.min(cdf, axis=-1, keepdims=True)
        denominator = np.float32(area) - cdf_min
        denominator = _sd.where(denominator == 0, _sd.ones_like(denominator), denominator)
        tables = _sd.clip((cdf - cdf_min) * 255.0 / denominator, 0, 255)
        tables = _sd.concatenate([tables[:, :1], tables, tables[:, -1:]], axis=1)
        tables = _sd.concatenate([tables[:, :, :1], tables, tables[:, :, -1:]], axis=2)
        return _sd.reshape(tables, (-1,))

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "clip_limit": self.clip_limit,
                       "tile_grid_size": self.tile_grid_size})
        return config
