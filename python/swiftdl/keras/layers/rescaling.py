"""Rescaling: inputs · scale + offset, e.g. pixels from [0, 255] to [0, 1]."""
import numpy as np

import swiftdl as _sd

from .channel_affine import channel_affine
from .layer import Layer


class Rescaling(Layer):
    """Multiplies the inputs by `scale` and adds `offset` (numbers, or lists broadcasting
    over the last axis for per-channel values), in the layer's float dtype.

    Args:
        scale: the factor, e.g. 1 / 255.
        offset: the shift added after scaling.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        inputs = _sd.asarray(inputs, copy=None)  # read only: the result is always a new tensor
        if inputs.dtype.name != self.dtype:
            inputs = inputs.astype(self.dtype)
        scale = np.asarray(self.scale, dtype=self.dtype)
        offset = np.asarray(self.offset, dtype=self.dtype)
        # One pass (x - 0)·scale + offset: the same numbers as x·scale + offset.
        fused = channel_affine(inputs, np.zeros((), self.dtype), scale, offset)
        if fused is not None:
            return fused
        return inputs * _sd.asarray(scale) + _sd.asarray(offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_dtype(self, inputs):
        return self.dtype

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config
