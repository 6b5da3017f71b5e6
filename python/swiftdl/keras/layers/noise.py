"""Regularization layers active only in training: SpatialDropout1D/2D, GaussianNoise,
GaussianDropout, AlphaDropout."""
import swiftdl as _sd

from .data_format import standardize_data_format
from .layer import Layer


def _rate(rate, layer):
    if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(f"{layer}: invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                         f"Received: rate={rate!r}")
    return float(rate)


class _SpatialDropout(Layer):
    rank = 2

    def __init__(self, rate, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _rate(rate, type(self).__name__)
        self.seed = seed
        self.data_format = standardize_data_format(data_format)
        self.supports_masking = True

    def _check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"{type(self).__name__} {self.name} expects inputs of rank {self.rank + 2}; received "
                             f"shape {tuple(input_shape)}")

    def call(self, inputs, training=False):
        self._check_input_shape(tuple(inputs.shape))
        if not training or self.rate == 0:
            return inputs
        from swiftdl import nn
        # Whole feature maps are dropped together: one draw per (sample, channel).
        if self.data_format == "channels_first":
            noise_shape = tuple(inputs.shape[:2]) + (1,) * self.rank
        else:
            noise_shape = (inputs.shape[0],) + (1,) * self.rank + (inputs.shape[-1],)
        return nn.dropout(inputs, self.rate, noise_shape=noise_shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "data_format": self.data_format})
        del config["trainable"]  # Keras's spatial dropouts write only rate, seed, name and dtype
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of (batch, steps, channels) in training."""
    rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        data_format = kwargs.pop("data_format", "channels_last")  # not Keras's argument here; old configs
        if data_format != "channels_last":
            raise TypeError("SpatialDropout1D.__init__() got an unexpected keyword argument 'data_format'")
        super().__init__(rate, seed=seed, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        return config


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of (batch, rows, cols, channels) in training."""
    rank = 2


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of standard deviation `stddev` in training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(stddev, (int, float)) or stddev < 0:
            raise ValueError(f"GaussianNoise: `stddev` must be a non-negative float; received stddev={stddev!r}")
        self.stddev = float(stddev)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = _sd.random.normal(0.0, self.stddev, size=tuple(inputs.shape), dtype=inputs.dtype)
        return inputs + noise

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


class GaussianDropout(Layer):
    """In training, multiplies the inputs by noise of mean 1 and standard deviation
    sqrt(rate / (1 - rate)); the identity at inference."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _rate(rate, "GaussianDropout")
        self.seed = seed
        self.supports_masking = True
        from ..random import SeedGenerator
        self._seed_generator = SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training or not 0 < self.rate < 1:
            return inputs
        from .. import random
        stddev = (self.rate / (1.0 - self.rate)) ** 0.5
        noise = random.normal(tuple(inputs.shape), mean=1.0, stddev=stddev, dtype=inputs.dtype.name,
                              seed=self._seed_generator)
        return inputs * noise

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


class AlphaDropout(Layer):
    """Dropout for SELU networks: in training, drops inputs to SELU's negative saturation
    value and applies the affine map that keeps their mean and variance (Klambauer et al.,
    2017), as Keras does; the identity at inference."""

    _ALPHA = 1.6732632423543772848170429916717
    _SCALE = 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _rate(rate, "AlphaDropout")
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True
        from ..random import SeedGenerator
        self._seed_generator = SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        from .. import random
        shape = tuple(inputs.shape) if self.noise_shape is None else tuple(
            inputs.shape[i] if s is None else s for i, s in enumerate(self.noise_shape))
        kept = _sd.greater_equal(random.uniform(shape, seed=self._seed_generator), self.rate).astype(inputs.dtype)
        alpha_p = -self._ALPHA * self._SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (inputs * kept + alpha_p * (1 - kept)) + b

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of (batch, d1, d2, d3, channels) in training."""
    rank = 3
