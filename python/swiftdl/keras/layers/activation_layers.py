"""The activation layers: ReLU, LeakyReLU, PReLU, ELU and Softmax (Keras 3's arguments)."""
import warnings

import swiftdl as _sd

from .. import activations, constraints, initializers, regularizers
from .layer import Layer


class _Elementwise(Layer):
    """An activation that keeps the input's shape and passes its mask on."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


class ReLU(_Elementwise):
    """max_value if x >= max_value; x if threshold < x < max_value; otherwise
    negative_slope · (x − threshold).

    Args:
        max_value: the largest output (None: no cap).
        negative_slope: the slope below the threshold.
        threshold: where the activation starts.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be a negative value. Received: "
                             f"negative_slope={negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError(f"threshold of a ReLU layer cannot be a negative value. Received: threshold={threshold}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope, "threshold": self.threshold})
        return config


class LeakyReLU(_Elementwise):
    """x for x >= 0, negative_slope · x below.

    Args:
        negative_slope: the slope below zero (0.3 by default, as in Keras).
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                             f"Expected a float. Received: negative_slope={negative_slope}")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


class PReLU(_Elementwise):
    """x for x >= 0, alpha · x below, with alpha learned (one per input unit, or shared
    along `shared_axes`).

    Args:
        alpha_initializer, alpha_regularizer, alpha_constraint: for the alpha weight.
        shared_axes: axes (counting the batch as 0) along which alpha is shared, e.g. [1, 2]
            for one alpha per channel of (batch, height, width, channels) maps.
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"shared_axes must name axes 1..{len(input_shape) - 1} of the input; received {axis}")
            shape[axis - 1] = 1
        if any(s is None for s in shape):
            raise ValueError(f"PReLU needs every non-shared axis defined; received input shape {tuple(input_shape)}")
        self.alpha = self.add_weight(shape=tuple(shape), name="alpha", initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs) - self.alpha * activations.relu(-inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"alpha_initializer": initializers.serialize(self.alpha_initializer),
                       "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                       "alpha_constraint": constraints.serialize(self.alpha_constraint),
                       "shared_axes": self.shared_axes})
        return config


class ELU(_Elementwise):
    """x for x > 0, alpha · (exp(x) − 1) below."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class Softmax(_Elementwise):
    """softmax over `axis`; positions where a given mask is False get (almost) zero weight.

    Args:
        axis: an axis or a tuple of axes to normalize over.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        inputs = _sd.asarray(inputs)
        if mask is not None:
            # Keras adds a large negative number where the mask is off (-1e9 in float32).
            large_negative = -1e9 if inputs.dtype.itemsize >= 4 else -3e4
            inputs = inputs + (1.0 - _sd.asarray(mask).astype(inputs.dtype)) * large_negative
        if isinstance(self.axis, (tuple, list)):
            axes = tuple(self.axis)
            shifted = inputs - _sd.amax(inputs, axis=axes, keepdims=True)
            exponent = _sd.exp(shifted)
            outputs = exponent / _sd.sum(exponent, axis=axes, keepdims=True)
        else:
            outputs = activations.softmax(inputs, axis=self.axis)
        if mask is not None:
            outputs = outputs * _sd.asarray(mask).astype(outputs.dtype)
        return outputs

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
