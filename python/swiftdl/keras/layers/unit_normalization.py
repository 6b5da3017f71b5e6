"""UnitNormalization: each sample scaled to unit L2 norm along the given axes."""
import swiftdl as _sd

from .layer import Layer


class UnitNormalization(Layer):
    """x / sqrt(max(Σx², 1e-12)) over `axis` (an int or a list of ints), as Keras's
    normalize with order 2.

    Args:
        axis: the axis or axes to normalize over (-1 by default).
    """

    _casts_inputs_to_float = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                            f"Received: axis={axis}")
        self.supports_masking = True

    def call(self, inputs):
        axes = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        squared = _sd.sum(inputs * inputs, axis=axes, keepdims=True)
        return inputs / _sd.sqrt(_sd.maximum(squared, 1e-12))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
