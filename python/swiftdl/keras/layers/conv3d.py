"""Conv3D: a 3-D convolution as one 2-D convolution over the depth taps' slices stacked
along the channels (keras/ops/nn_conv3d.py), with the multiply-adds of a direct one, on
the engine's 2-D kernels and their gradients."""
from ..ops.nn_conv3d import conv3d_last
from .convolutional import BaseConv


class Conv3D(BaseConv):
    """3-D convolution over (batch, depth, rows, cols, channels); kernel (kd, kh, kw, in, filters)."""

    rank = 3

    def convolve(self, inputs, bias=None, activation=None, kernel=None):
        kernel = self._lora_weight() if kernel is None else kernel
        return conv3d_last(inputs, kernel, self.strides, self.padding, self.dilation_rate, bias, activation)


Convolution3D = Conv3D  # Keras's alias
