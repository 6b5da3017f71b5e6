"""Dense, Activation, Dropout, Flatten, Reshape."""
import math

import numpy as np

import swiftdl as _sd
from swiftdl import _C

from .. import activations, constraints, initializers, regularizers
from .data_format import standardize_data_format
from .layer import Layer
from .lora import LoRA, lora_arguments


# Activations the engine's dense op applies in its own output pass (sdl_dense's codes).
_DENSE_ACTIVATION_CODES = {activations.linear: 0, activations.relu: 1}


class Dense(LoRA, Layer):
    """A densely connected layer: `activation(inputs @ kernel + bias)`, kernel (in, units).

    Args:
        units: output size.
        activation: name or callable (default linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: default glorot_uniform and zeros.
        kernel_regularizer, bias_regularizer: optional penalties.
        lora_rank, lora_alpha: train a rank-`lora_rank` update of the frozen kernel (lora.py).
    """

    _casts_inputs_to_float = True

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if quantization_config is not None:
            raise ValueError(f"Dense: quantized kernels are not supported by swiftdl yet; received "
                             f"quantization_config={quantization_config!r}")
        lora_arguments(self, lora_rank, lora_alpha)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. Received: units={units}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True

    def _check_input_shape(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(f"Input of layer {self.name} (Dense) must have a known last dimension and rank >= 2; "
                             f"received shape {input_shape}")

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = (self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.built = True
        if self.lora_rank:
            # NOTE: Keras 3.15's Dense enables LoRA here without its lora_alpha, so the scale
            # is 1 (alpha = rank) whatever lora_alpha said; kept for Keras's numbers.
            self.enable_lora(self.lora_rank)

    def call(self, inputs):
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected axis -1 of "
                             f"input shape to have value {self.kernel.shape[0]}, but received input with shape "
                             f"{tuple(inputs.shape)}")
        kernel = self._lora_weight()
        code = _DENSE_ACTIVATION_CODES.get(self.activation)
        if isinstance(inputs, _sd.Tensor) and inputs.dtype == kernel.dtype and inputs.dtype.kind == "f":
            # The product, the bias and a relu in one engine op with one backward rule.
            if code is not None:
                return _C.dense(inputs, kernel, self.bias, code)
            return self.activation(_C.dense(inputs, kernel, self.bias, 0))
        outputs = _sd.matmul(inputs, kernel)
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            **self._weight_settings_config("kernel", "bias"), "quantization_config": None,
        })
        return self._lora_config(config)


class Activation(Layer):
    """Applies an activation function: `Activation('relu')`."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


class Dropout(Layer):
    """Sets a fraction `rate` of inputs to zero in training and scales the rest by 1/(1-rate)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError("Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: "
                             f"rate={rate}")
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            from swiftdl import nn
            return nn.dropout(inputs, self.rate, noise_shape=self.noise_shape)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config


class Flatten(Layer):
    """Flattens each sample to one axis: (batch, ...) → (batch, prod(...))."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = _sd.moveaxis(inputs, 1, -1)
        return _sd.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(s is None for s in rest) else int(math.prod(rest))
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return _sd.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        target = list(self.target_shape)
        if -1 in target:
            known = math.prod(s for s in target if s != -1)
            total = None if any(s is None for s in input_shape[1:]) else math.prod(input_shape[1:])
            if total is not None and (known == 0 or total % known):
                raise ValueError(f"total size of new array must be unchanged, input_shape = {list(input_shape[1:])}, "
                                 f"output_shape = {target}")
            target[target.index(-1)] = None if total is None else total // known
        elif None not in input_shape[1:] and math.prod(input_shape[1:]) != math.prod(target):
            raise ValueError(f"total size of new array must be unchanged, input_shape = {list(input_shape[1:])}, output_shape "
                             f"= {target}")
        return (input_shape[0],) + tuple(target)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
