"""DepthwiseConv2D and SeparableConv2D on the engine's depthwise kernels. Weight shapes
and order are Keras's (the same in both data formats); channels_first inputs are moved
channels-last and back."""
import numpy as np


from .. import activations, constraints, initializers, regularizers
from .convolutional import _FUSABLE, _tuple, conv_output_length
from .data_format import channel_axis, from_channels_last, standardize_data_format, to_channels_last
from .layer import Layer


class _ConvBase(Layer):
    _casts_inputs_to_float = True
    rank = 2  # spatial axes; the 1-D layers run the 2-D ops over an image of height 1

    def __init__(self, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1, activation=None,
                 use_bias=True, bias_initializer="zeros", bias_regularizer=None, activity_regularizer=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.kernel_size = _tuple(kernel_size, self.rank, "kernel_size")
        self.strides = _tuple(strides, self.rank, "strides")
        self.dilation_rate = _tuple(dilation_rate, self.rank, "dilation_rate")
        padding = str(padding).lower()
        if padding not in ("valid", "same"):
            raise ValueError(f"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}")
        if min(self.kernel_size) <= 0 or min(self.strides) <= 0 or min(self.dilation_rate) <= 0:
            raise ValueError(f"{type(self).__name__}: kernel_size, strides and dilation_rate must be positive; received "
                             f"{self.kernel_size}, {self.strides}, {self.dilation_rate}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        self.padding = padding
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)

    def _check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim={self.rank + 2}, "
                             f"found ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}")
        if input_shape[channel_axis(self.data_format)] is None:
            raise ValueError(f"The channel dimension of the inputs to {self.name} should be defined; received "
                             f"{tuple(input_shape)}")

    def call(self, inputs):
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim="
                             f"{self.rank + 2}, received shape {tuple(inputs.shape)}")
        last = to_channels_last(inputs, self.data_format)
        return from_channels_last(self._call_channels_last(last), self.data_format)

    def compute_output_shape(self, input_shape):
        last = to_channels_last(tuple(input_shape), self.data_format)
        return from_channels_last(self._output_shape_channels_last(last), self.data_format)

    def _check_call_input(self, inputs, channels):
        if inputs.ndim != self.rank + 2 or inputs.shape[-1] != channels:
            axes = "steps" if self.rank == 1 else "rows, cols"
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected shape "
                             f"(batch, {axes}, {channels}), received {tuple(inputs.shape)}")

    def _pointwise(self, inputs, kernel):
        """activation(1×1 conv(inputs, kernel) + bias), the bias and a plain relu in the
        convolution's own native call."""
        from swiftdl import nn
        fused = _FUSABLE.get(self.activation)
        convolve = nn.conv1d_bias_activation if self.rank == 1 else nn.conv2d_bias_activation
        outputs = convolve(inputs, kernel, self.bias, 1, "VALID", activation=fused)
        return outputs if fused is not None else self.activation(outputs)

    def _depthwise(self, inputs, kernel, bias=None):
        """depthwise_conv2d(inputs, kernel) + bias in one native call."""
        from swiftdl import nn
        if self.rank == 1:  # an image of height 1
            outputs = nn.depthwise_conv2d_bias(inputs[:, None], kernel[None], bias, strides=(1, self.strides[0]),
                                               padding=self.padding.upper(), dilations=(1, self.dilation_rate[0]))
            return outputs[:, 0]
        return nn.depthwise_conv2d_bias(inputs, kernel, bias, strides=self.strides, padding=self.padding.upper(),
                                        dilations=self.dilation_rate)

    def _spatial(self, input_shape):
        spatial = tuple(conv_output_length(input_shape[1 + i], self.kernel_size[i], self.padding, self.strides[i],
                                           self.dilation_rate[i]) for i in range(self.rank))
        if any(s is not None and s <= 0 for s in spatial):
            raise ValueError(f"Computed output size would be negative or zero for layer {self.name}: input shape "
                             f"{tuple(input_shape)}, kernel_size {self.kernel_size}, padding '{self.padding}'")
        return spatial

    def get_config(self):
        config = super().get_config()
        config.update({"kernel_size": self.kernel_size, "strides": self.strides, "padding": self.padding,
                       "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                       "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                       "bias_initializer": initializers.serialize(self.bias_initializer),
                       "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                       "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                       "bias_constraint": constraints.serialize(self.bias_constraint)})
        return config


class DepthwiseConv2D(_ConvBase):
    """Convolves each input channel with its own `depth_multiplier` filters; kernel
    (kh, kw, channels, depth_multiplier), output channels channels·depth_multiplier."""

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        if not isinstance(depth_multiplier, (int, np.integer)) or depth_multiplier <= 0:
            raise ValueError(f"Invalid value for argument `depth_multiplier`. Expected a strictly positive value. "
                             f"Received depth_multiplier={depth_multiplier!r}.")
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape):
        channels = input_shape[channel_axis(self.data_format)]
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, self.depth_multiplier),
                                      initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
                                      constraint=self.depthwise_constraint,
                                      name="kernel")
        self.bias = (self.add_weight(shape=(channels * self.depth_multiplier,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.built = True

    def _call_channels_last(self, inputs):
        self._check_call_input(inputs, self.kernel.shape[-2])
        return self.activation(self._depthwise(inputs, self.kernel, self.bias))

    def _output_shape_channels_last(self, input_shape):
        channels = None if input_shape[-1] is None else input_shape[-1] * self.depth_multiplier
        return (input_shape[0],) + self._spatial(input_shape) + (channels,)

    def get_config(self):
        config = super().get_config()
        config.update({"depth_multiplier": self.depth_multiplier,
                       "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                       "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                       "depthwise_constraint": constraints.serialize(self.depthwise_constraint)})
        return config


class SeparableConv2D(_ConvBase):
    """A depthwise convolution followed by a 1×1 pointwise one; weights depthwise_kernel
    (kh, kw, C, M), pointwise_kernel (1, 1, C·M, filters), bias (filters)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        if not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly positive value. Received "
                             f"filters={filters!r}.")
        if not isinstance(depth_multiplier, (int, np.integer)) or depth_multiplier <= 0:
            raise ValueError(f"Invalid value for argument `depth_multiplier`. Expected a strictly positive value. "
                             f"Received depth_multiplier={depth_multiplier!r}.")
        self.filters = int(filters)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = input_shape[channel_axis(self.data_format)]
        self.depthwise_kernel = self.add_weight(shape=self.kernel_size + (channels, self.depth_multiplier),
                                                initializer=self.depthwise_initializer,
                                                regularizer=self.depthwise_regularizer,
                                                constraint=self.depthwise_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
                                                initializer=self.pointwise_initializer,
                                                regularizer=self.pointwise_regularizer,
                                                constraint=self.pointwise_constraint, name="pointwise_kernel")
        self.bias = (self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.built = True

    def _call_channels_last(self, inputs):
        self._check_call_input(inputs, self.depthwise_kernel.shape[-2])
        depthwise = self._depthwise(inputs, self.depthwise_kernel)
        return self._pointwise(depthwise, self.pointwise_kernel)

    def _output_shape_channels_last(self, input_shape):
        return (input_shape[0],) + self._spatial(input_shape) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, "depth_multiplier": self.depth_multiplier,
                       "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                       "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                       "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                       "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
                       "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                       "pointwise_constraint": constraints.serialize(self.pointwise_constraint)})
        return config


class DepthwiseConv1D(DepthwiseConv2D):
    """DepthwiseConv2D over (batch, steps, channels); kernel (k, channels, depth_multiplier)."""

    rank = 1

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)


class SeparableConv1D(SeparableConv2D):
    """SeparableConv2D over (batch, steps, channels); depthwise_kernel (k, C, M),
    pointwise_kernel (1, C·M, filters)."""

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, depth_multiplier=depth_multiplier, **kwargs)


SeparableConvolution2D, SeparableConvolution1D = SeparableConv2D, SeparableConv1D  # Keras's aliases
