"""RMSNormalization (Zhang and Sennrich, 2019): x · rsqrt(mean(x²) + epsilon) · scale,
the normalisation of recent transformer language models (no centring, no offset)."""
from .layer import Layer


class RMSNormalization(Layer):
    """Root-mean-square normalisation over `axis` with a learned `scale` (initially ones).

    Args:
        axis: the axis (or list of axes) normalised over; the scale has their sizes.
        epsilon: added to the mean square before the square root.
    """

    _casts_inputs_to_float = True

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, (int, list, tuple)) or isinstance(axis, bool):
            raise TypeError(f"Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                            f"Received: axis={axis}")
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[dim] for dim in self.axis)
        else:
            if not -len(input_shape) <= self.axis < len(input_shape):
                raise ValueError(f"Axis {self.axis} is out of bounds for input shape {tuple(input_shape)}. "
                                 f"Received: axis={self.axis}")
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, inputs):
        from .. import ops
        return ops.rms_normalization(inputs, scale=self.scale, axis=self.axis, epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        for axis in axes:
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(f"Axis {axis} is out of bounds for input shape {tuple(input_shape)}. "
                                 f"Received: axis={self.axis}")
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
