"""Masking: marks timesteps whose features all equal `mask_value` as padding."""
import swiftdl as _sd

from .layer import Layer


class Masking(Layer):
    """Masks each timestep (the last axis being the features) whose every feature equals
    `mask_value`: later layers that support masking skip it. The masked timesteps are
    also zeroed in the output, as Keras does.

    Args:
        mask_value: the padding value.
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return _sd.any(_sd.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = _sd.any(_sd.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * keep.astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
