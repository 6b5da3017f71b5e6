"""Layers that return their inputs: Identity, and ActivityRegularization (which adds an
L1/L2 penalty of its inputs to the losses)."""
from .. import regularizers
from .layer import Layer


class Identity(Layer):
    """Returns its inputs unchanged (a placeholder in a list of layers)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class ActivityRegularization(Layer):
    """Returns its inputs and adds l1 · Σ|x| + l2 · Σx² of them to the losses.

    Args:
        l1, l2: the penalty factors.
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
