"""Conv3D: a 3-D convolution as a sum over the kernel's depth taps of 2-D convolutions
(keras/ops/nn_conv3d.py), with the multiply-adds of a direct one, on the engine's 2-D
kernels and their gradients."""
import swiftdl as _sd

from ..ops.nn_conv3d import conv3d_last
from .convolutional import BaseConv


class Conv3D(BaseConv):
    """3-D convolution over (batch, depth, rows, cols, channels); kernel (kd, kh, kw, in, filters)."""

    rank = 3

    def convolve(self, inputs, bias=None, activation=None, kernel=None):
        kernel = self._lora_weight() if kernel is None else kernel
        outputs = conv3d_last(inputs, kernel, self.strides, self.padding, self.dilation_rate)
        if bias is not None:
            outputs = outputs + bias
        return _sd.maximum(outputs, 0.0) if activation == "relu" else outputs


Convolution3D = Conv3D  # Keras's alias
