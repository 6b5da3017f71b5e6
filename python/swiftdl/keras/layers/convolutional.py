"""Convolutions: a shared BaseConv with thin subclasses, as in Keras. The engine computes
channels-last; channels_first inputs are moved there and back."""
import numpy as np

import swiftdl as _sd

from .. import activations, constraints, initializers, regularizers
from .data_format import channel_axis, standardize_data_format
from .layer import Layer
from .lora import LoRA, lora_arguments


def _tuple(value, rank, name):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * rank
    value = tuple(int(v) for v in value)
    if len(value) != rank:
        raise ValueError(f"The `{name}` argument must be a tuple of {rank} integers. Received {name}={value}")
    return value


def conv_output_length(length, kernel, padding, stride, dilation=1):
    """Keras's output length of a convolution or pooling along one axis."""
    if length is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if padding in ("same", "causal"):  # causal: left padding of (kernel - 1)·dilation, then valid
        return (length + stride - 1) // stride
    return max((length - effective + stride) // stride, 0)


# Activations the convolution op applies itself: Keras's relu with its default arguments.
_FUSABLE = {activations.relu: "relu"}


class BaseConv(LoRA, Layer):
    """Shared convolution logic; subclasses fix the spatial rank. `lora_rank`/`lora_alpha`
    train a low-rank update of the frozen kernel (lora.py)."""

    _casts_inputs_to_float = True

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        lora_arguments(self, lora_rank, lora_alpha)
        if not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly positive value. Received "
                             f"filters={filters}.")
        self.filters = int(filters)
        self.kernel_size = _tuple(kernel_size, self.rank, "kernel_size")
        self.strides = _tuple(strides, self.rank, "strides")
        self.dilation_rate = _tuple(dilation_rate, self.rank, "dilation_rate")
        padding = str(padding).lower()
        if padding not in ("valid", "same"):
            raise ValueError(f"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}")
        if min(self.strides) <= 0 or min(self.kernel_size) <= 0 or min(self.dilation_rate) <= 0:
            raise ValueError(f"kernel_size, strides and dilation_rate must be positive; received {self.kernel_size}, "
                             f"{self.strides}, {self.dilation_rate}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        self.padding = padding
        self.data_format = standardize_data_format(data_format)
        if not isinstance(groups, (int, np.integer)) or groups <= 0:
            raise ValueError(f"The number of groups must be a positive integer. Received: groups={groups}.")
        if self.filters % groups != 0:
            raise ValueError(f"The number of filters must be evenly divisible by the number of groups. Received: "
                             f"groups={groups}, filters={self.filters}.")
        self.groups = int(groups)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)

    def _check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim={self.rank + 2}, "
                             f"found ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}")
        if input_shape[channel_axis(self.data_format)] is None:
            raise ValueError(f"The channel dimension of the inputs to {self.name} should be defined; received "
                             f"{tuple(input_shape)}")

    def build(self, input_shape):
        channels = input_shape[channel_axis(self.data_format)]
        if channels % self.groups != 0:
            raise ValueError(f"The number of input channels must be evenly divisible by the number of groups. Received "
                             f"groups={self.groups}, but the input has {channels} channels (full input shape is "
                             f"{tuple(input_shape)}).")
        self.kernel = self.add_weight(shape=self.kernel_size + (channels // self.groups, self.filters),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = (self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    def convolve(self, inputs, bias=None, activation=None, kernel=None):
        """activation(conv(inputs, kernel) + bias) in one native call; activation None or
        "relu"; kernel defaults to the layer's own (with its LoRA update)."""
        raise NotImplementedError

    def _grouped_convolution(self, inputs):
        """Keras's `groups`: each block of in/groups input channels convolved with its own
        block of filters/groups filters, the outputs concatenated in group order."""
        kernel = self._lora_weight()
        group_channels, filters = kernel.shape[-2:]
        per_group = filters // self.groups
        outputs = _sd.concatenate([
            self.convolve(inputs[..., g * group_channels:(g + 1) * group_channels],
                          kernel=kernel[..., g * per_group:(g + 1) * per_group])
            for g in range(self.groups)], axis=-1)
        return outputs if self.bias is None else outputs + self.bias

    def call(self, inputs):
        if self.data_format == "channels_first":
            # The engine's kernels are channels-last: move the channels there and back
            # (the kernel's layout, (*window, in, filters), is the same in both formats).
            if inputs.ndim != self.rank + 2:
                raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim="
                                 f"{self.rank + 2}, received shape {tuple(inputs.shape)}")
            return _sd.moveaxis(self._call_channels_last(_sd.moveaxis(inputs, 1, -1)), -1, 1)
        return self._call_channels_last(inputs)

    def _call_channels_last(self, inputs):
        channels = self.kernel.shape[-2] * self.groups
        if inputs.ndim != self.rank + 2 or inputs.shape[-1] != channels:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected shape "
                             f"(batch, {'..., ' * self.rank}{channels}), received {tuple(inputs.shape)}")
        if self.groups != 1:
            return self.activation(self._grouped_convolution(inputs))
        # The bias and a plain relu ride along in the convolution's own pass (one output
        # buffer, one backward rule) instead of two more full passes over the output.
        fused = _FUSABLE.get(self.activation)
        if fused is not None or self.activation is activations.linear:
            return self.convolve(inputs, self.bias, fused)
        return self.activation(self.convolve(inputs, self.bias))

    def compute_output_shape(self, input_shape):
        first = 2 if self.data_format == "channels_first" else 1
        spatial = [conv_output_length(input_shape[first + i], self.kernel_size[i], self.padding, self.strides[i],
                                      self.dilation_rate[i])
                   for i in range(self.rank)]
        if any(s is not None and s <= 0 for s in spatial):
            raise ValueError(f"Computed output size would be negative or zero for layer {self.name}: input shape "
                             f"{tuple(input_shape)}, kernel_size {self.kernel_size}, strides {self.strides}, padding "
                             f"'{self.padding}'")
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters) + tuple(spatial)
        return (input_shape[0],) + tuple(spatial) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "groups": self.groups, "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            **self._weight_settings_config("kernel", "bias"),
        })
        # Keras's order: the activity regularizer between the weights' regularizers and constraints.
        constraints_part = {k: config.pop(k) for k in ("kernel_constraint", "bias_constraint")}
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config.update(constraints_part)
        return self._lora_config(config)


class Conv2D(BaseConv):
    """2-D convolution over (batch, height, width, channels); kernel (kh, kw, in, filters)."""

    rank = 2

    def convolve(self, inputs, bias=None, activation=None, kernel=None):
        from swiftdl import nn
        kernel = self._lora_weight() if kernel is None else kernel
        return nn.conv2d_bias_activation(inputs, kernel, bias, strides=self.strides, padding=self.padding.upper(),
                                         dilations=self.dilation_rate, activation=activation)

    def _grouped_convolution(self, inputs):
        """One depthwise op when every group is a single channel (ConvNeXt's case), else
        one convolution per group (BaseConv's)."""
        from swiftdl import nn
        kh, kw, group_channels, filters = self.kernel.shape
        if group_channels != 1:
            return super()._grouped_convolution(inputs)
        # Output channel g·m + k comes from input channel g: depthwise filter [.., g, k].
        depthwise = _sd.reshape(self._lora_weight(), (kh, kw, self.groups, filters // self.groups))
        return nn.depthwise_conv2d_bias(inputs, depthwise, self.bias, strides=self.strides,
                                        padding=self.padding.upper(), dilations=self.dilation_rate)

    def convolve_and_pool(self, inputs, pool):
        """pool(self(inputs)) in one native call, or None when this pair cannot be fused.

        Sequential models use it for a Conv2D followed by a 2-D pooling layer: each image's
        convolution output is pooled while it is still in cache (nn.conv2d_pool), where
        the two layers in turn would write the whole output to memory and read it back.
        """
        fused = _FUSABLE.get(self.activation)
        if fused is None and self.activation is not activations.linear:
            return None
        if self.data_format != "channels_last" or pool.data_format != "channels_last":
            return None
        if not self.built or not pool.built or self.activity_regularizer is not None or pool.activity_regularizer is not None:
            return None
        if self.groups != 1 or self.lora_enabled or inputs.ndim != 4 or inputs.shape[-1] != self.kernel.shape[-2] \
                or inputs.dtype != self.kernel.dtype:
            return None  # the layer's own call gives the error or the conversion
        from swiftdl import nn
        return nn.conv2d_pool(inputs, self.kernel, self.bias, self.strides, self.padding.upper(), self.dilation_rate, fused,
                              pool.mode, pool.pool_size, pool.strides, pool.padding.upper())


class Conv1D(BaseConv):
    """1-D convolution over (batch, steps, channels); kernel (k, in, filters)."""

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", **kwargs):
        causal = str(padding).lower() == "causal"
        super().__init__(filters, kernel_size, strides=strides, padding="valid" if causal else padding, **kwargs)
        if causal:  # channels_first inputs reach convolve() channels-last, so the left pad is the same
            self.padding = "causal"

    def convolve(self, inputs, bias=None, activation=None, kernel=None):
        from swiftdl import nn
        kernel = self._lora_weight() if kernel is None else kernel
        if self.padding == "causal":
            # Each output sees only its own step and earlier ones: pad (k - 1)·dilation on the left.
            padding = [[0, 0], [(self.kernel_size[0] - 1) * self.dilation_rate[0], 0], [0, 0]]
        else:
            padding = self.padding.upper()
        return nn.conv1d_bias_activation(inputs, kernel, bias, stride=self.strides[0], padding=padding,
                                         dilations=self.dilation_rate[0], activation=activation)


Convolution1D, Convolution2D = Conv1D, Conv2D  # Keras's aliases
