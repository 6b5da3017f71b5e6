"""Conv1DTranspose, Conv2DTranspose and Conv3DTranspose: keras.ops.conv_transpose (one engine
op, the convolution's input gradient; 3-D as one per depth tap) plus a bias and an activation. Kernels are laid out as Keras
lays them out, (spatial..., filters, in_channels). Conv2DTranspose with a linear or relu
activation is one engine op with its bias and relu (one output, one backward rule)."""
from ... import _C
from ...nn._convolution import ACTIVATION_CODES, PADDING_CODES
from .. import activations
from ..ops import nn_conv
from ..ops._convert import float_tensor, tensor
from .convolutional import _FUSABLE, BaseConv, _tuple
from .data_format import channel_axis


def conv_transpose_output_length(length, kernel, padding, output_padding, stride, dilation=1):
    """Keras's output length of a transposed convolution along one axis."""
    if length is None:
        return None
    window = (kernel - 1) * dilation + 1
    if output_padding is None:
        return length * stride + max(window - stride, 0) if padding == "valid" else length * stride
    pad = window // 2 if padding == "same" else 0
    return (length - 1) * stride + window - 2 * pad + output_padding


class BaseConvTranspose(BaseConv):
    """Shared transposed-convolution logic; subclasses fix the spatial rank."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        refused = {k: kwargs[k] for k in ("groups", "lora_rank", "lora_alpha") if k in kwargs}
        if refused:  # BaseConv's arguments, which Keras's transposed convolutions do not take
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {refused}")
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = _tuple(output_padding, self.rank, "output_padding")
            for i, (extra, stride) in enumerate(zip(self.output_padding, self.strides)):
                if not 0 <= extra < stride:
                    raise ValueError("Invalid `output_padding` argument. Each value in `output_padding` must be at "
                                     f"least 0 and strictly less than the corresponding `strides` value.\nAt index "
                                     f"{i}, `output_padding` is {extra} and `strides` is {stride}.\nReceived: "
                                     f"output_padding={self.output_padding}, strides={self.strides}.")

    def build(self, input_shape):
        channels = input_shape[channel_axis(self.data_format)]
        self.kernel = self.add_weight(shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = (self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint, name="bias")
                     if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        from .. import ops
        channels = self.kernel.shape[-1]
        if inputs.ndim != self.rank + 2 or inputs.shape[channel_axis(self.data_format)] != channels:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected rank "
                             f"{self.rank + 2} with {channels} channels, received {tuple(inputs.shape)}")
        fused = _FUSABLE.get(self.activation)
        if self.rank == 2 and (fused is not None or self.activation is activations.linear):
            return self._conv2d_transpose_bias_activation(inputs, fused)
        outputs = ops.conv_transpose(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                     output_padding=self.output_padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        if self.bias is not None:
            shape = (self.filters,) if self.data_format == "channels_last" else (self.filters,) + (1,) * self.rank
            outputs = outputs + ops.reshape(self.bias, shape)
        return self.activation(outputs)

    def _conv2d_transpose_bias_activation(self, inputs, activation):
        """activation(conv_transpose(inputs) + bias) as one engine op: the geometry
        keras.ops.conv_transpose computes, the bias and relu applied in the op's own pass."""
        x = nn_conv._to_last(float_tensor(inputs), self.data_format)
        kernel = tensor(self.kernel, x.dtype.name)
        extras = self.output_padding or (None,) * self.rank
        out_shape, explicit = nn_conv._transpose_geometry(x, kernel, list(self.strides), list(self.dilation_rate),
                                                          self.padding.upper(), list(extras))
        pads = tuple(value for pair in explicit[1:-1] for value in pair)
        bias = None if self.bias is None else tensor(self.bias, x.dtype.name)
        out = _C.conv2d_transpose_bias_activation(
            x, kernel, bias, ACTIVATION_CODES[activation or "linear"], tuple(out_shape[1:3]), self.strides,
            self.dilation_rate, PADDING_CODES["EXPLICIT"], pads)
        return nn_conv._from_last(out, self.data_format)

    def compute_output_shape(self, input_shape):
        first = 2 if self.data_format == "channels_first" else 1
        extras = self.output_padding or (None,) * self.rank
        spatial = tuple(conv_transpose_output_length(input_shape[first + i], self.kernel_size[i], self.padding,
                                                     extras[i], self.strides[i], self.dilation_rate[i])
                        for i in range(self.rank))
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters) + spatial
        return (input_shape[0],) + spatial + (self.filters,)

    def get_config(self):
        config = super().get_config()
        del config["groups"]  # a plain convolution's argument, not a transposed one's
        config["output_padding"] = self.output_padding
        return config


class Conv1DTranspose(BaseConvTranspose):
    """The transpose of Conv1D, for upsampling sequences; kernel (kw, filters, in)."""

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """The transpose of Conv2D, for upsampling images; kernel (kh, kw, filters, in)."""

    rank = 2


class Conv3DTranspose(BaseConvTranspose):
    """The transpose of Conv3D, for upsampling volumes; kernel (kd, kh, kw, filters, in)."""

    rank = 3


# Keras's aliases
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = (Conv1DTranspose, Conv2DTranspose,
                                                                          Conv3DTranspose)
