"""DepthwiseConv2D and SeparableConv2D on the engine's depthwise kernels, and
Conv2DTranspose composed from conv2d and shape ops (so its gradients come from those ops'
VJPs). Weight shapes and order are Keras's."""
import numpy as np

import swiftdl as _sd

from .. import activations, constraints, initializers, regularizers
from .convolutional import _tuple, conv_output_length
from .data_format import standardize_data_format
from .layer import Layer


class _ConvBase(Layer):
    _casts_inputs_to_float = True

    def __init__(self, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1, activation=None,
                 use_bias=True, bias_initializer="zeros", bias_regularizer=None, activity_regularizer=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.kernel_size = _tuple(kernel_size, 2, "kernel_size")
        self.strides = _tuple(strides, 2, "strides")
        self.dilation_rate = _tuple(dilation_rate, 2, "dilation_rate")
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
        if self.data_format != "channels_last":
            raise ValueError(f"{type(self).__name__} supports data_format='channels_last' only")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)

    def _check_input_shape(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected ndim=4, "
                             f"found ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}")
        if input_shape[-1] is None:
            raise ValueError(f"The channel dimension of the inputs to {self.name} should be defined; received "
                             f"{tuple(input_shape)}")

    def _check_call_input(self, inputs, channels):
        if inputs.ndim != 4 or inputs.shape[-1] != channels:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected shape "
                             f"(batch, rows, cols, {channels}), received {tuple(inputs.shape)}")

    def _conv(self, inputs, kernel):
        from swiftdl import nn
        return nn.conv2d(inputs, kernel, strides=self.strides, padding=self.padding.upper(), dilations=self.dilation_rate)

    def _depthwise(self, inputs, kernel):
        from swiftdl import nn
        return nn.depthwise_conv2d(inputs, kernel, strides=self.strides, padding=self.padding.upper(),
                                   dilations=self.dilation_rate)

    def _finish(self, outputs):
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def _spatial(self, input_shape):
        spatial = tuple(conv_output_length(input_shape[1 + i], self.kernel_size[i], self.padding, self.strides[i],
                                           self.dilation_rate[i]) for i in range(2))
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
        channels = input_shape[-1]
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, self.depth_multiplier),
                                      initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
                                      constraint=self.depthwise_constraint,
                                      name="kernel")
        self.bias = (self.add_weight(shape=(channels * self.depth_multiplier,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        self._check_call_input(inputs, self.kernel.shape[2])
        return self._finish(self._depthwise(inputs, self.kernel))

    def compute_output_shape(self, input_shape):
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
        channels = input_shape[-1]
        self.depthwise_kernel = self.add_weight(shape=self.kernel_size + (channels, self.depth_multiplier),
                                                initializer=self.depthwise_initializer,
                                                regularizer=self.depthwise_regularizer,
                                                constraint=self.depthwise_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(shape=(1, 1, channels * self.depth_multiplier, self.filters),
                                                initializer=self.pointwise_initializer,
                                                regularizer=self.pointwise_regularizer,
                                                constraint=self.pointwise_constraint, name="pointwise_kernel")
        self.bias = (self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        from swiftdl import nn
        self._check_call_input(inputs, self.depthwise_kernel.shape[2])
        depthwise = self._depthwise(inputs, self.depthwise_kernel)
        return self._finish(nn.conv2d(depthwise, self.pointwise_kernel, strides=1, padding="VALID"))

    def compute_output_shape(self, input_shape):
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


def _transpose_length(length, kernel, stride, padding):
    if length is None:
        return None
    if padding == "valid":
        return length * stride + max(kernel - stride, 0)
    return length * stride


class Conv2DTranspose(_ConvBase):
    """The transpose (gradient) of Conv2D, for upsampling; kernel (kh, kw, filters, in).

    Computed as: insert strides-1 zeros between input pixels, pad by kernel-1, convolve
    with the spatially flipped kernel, crop as TensorFlow's conv2d_transpose does.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        if not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly positive value. Received "
                             f"filters={filters!r}.")
        if output_padding is not None:
            raise ValueError("Conv2DTranspose in swiftdl supports output_padding=None only")
        if max(self.dilation_rate) > 1:
            raise ValueError("Conv2DTranspose in swiftdl supports dilation_rate=1 only")
        self.filters = int(filters)
        self.output_padding = None
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=self.kernel_size + (self.filters, input_shape[-1]),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = (self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        from swiftdl import nn
        self._check_call_input(inputs, self.kernel.shape[3])
        x = inputs
        for axis, stride in ((1, self.strides[0]), (2, self.strides[1])):
            if stride > 1:
                x = _dilate(x, axis, stride)
        (kh, kw) = self.kernel_size
        x = _pad(x, 1, kh - 1, kh - 1)
        x = _pad(x, 2, kw - 1, kw - 1)
        kernel = _sd.transpose(self.kernel[::-1, ::-1], (0, 1, 3, 2))
        full = nn.conv2d(x, kernel, strides=1, padding="VALID")
        rows, cols = inputs.shape[1], inputs.shape[2]
        out_rows = _transpose_length(rows, kh, self.strides[0], self.padding)
        out_cols = _transpose_length(cols, kw, self.strides[1], self.padding)
        full = _crop_to(full, 1, out_rows, kh, self.strides[0], self.padding)
        full = _crop_to(full, 2, out_cols, kw, self.strides[1], self.padding)
        return self._finish(full)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], _transpose_length(input_shape[1], self.kernel_size[0], self.strides[0], self.padding),
                _transpose_length(input_shape[2], self.kernel_size[1], self.strides[1], self.padding), self.filters)

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, "output_padding": self.output_padding,
                       **self._weight_settings_config("kernel")})
        return config


def _dilate(x, axis, stride):
    """Inserts stride-1 zeros after each entry along `axis` (the last gap removed)."""
    shape = list(x.shape)
    expanded = _sd.expand_dims(x, axis + 1)
    zeros_shape = shape[:axis + 1] + [stride - 1] + shape[axis + 1:]
    joined = _sd.concatenate([expanded, _sd.zeros(tuple(zeros_shape), dtype=x.dtype)], axis=axis + 1)
    merged = _sd.reshape(joined, tuple(shape[:axis] + [shape[axis] * stride] + shape[axis + 1:]))
    index = [slice(None)] * x.ndim
    index[axis] = slice(0, (shape[axis] - 1) * stride + 1)
    return merged[tuple(index)]


def _pad(x, axis, before, after):
    if before <= 0 and after <= 0:
        return x
    shape = list(x.shape)
    parts = []
    if before > 0:
        parts.append(_sd.zeros(tuple(shape[:axis] + [before] + shape[axis + 1:]), dtype=x.dtype))
    parts.append(x)
    if after > 0:
        parts.append(_sd.zeros(tuple(shape[:axis] + [after] + shape[axis + 1:]), dtype=x.dtype))
    return _sd.concatenate(parts, axis=axis)


def _crop_to(x, axis, length, kernel, stride, padding):
    """TensorFlow's conv2d_transpose output window inside the full correlation."""
    start = max(kernel - stride, 0) // 2 if padding == "same" else 0
    available = x.shape[axis] - start
    if available < length:
        x = _pad(x, axis, 0, length - available)
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, start + length)
    return x[tuple(index)]


Convolution2DTranspose, SeparableConvolution2D = Conv2DTranspose, SeparableConv2D  # Keras's aliases
