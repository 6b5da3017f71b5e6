"""Conv3D: a 3-D convolution as a sum over the kernel's depth taps of 2-D convolutions.

For depth tap t, output depth d reads input depth d·stride + t·dilation (after the front
padding): those slices, gathered for every output depth and folded into the batch, go
through one conv2d with the tap's (kh, kw, in, filters) kernel. The sum over taps is the
3-D convolution, with the multiply-adds of a direct one, on the engine's 2-D kernels, and
its gradient comes from theirs.
"""
import numpy as np

import swiftdl as _sd

from .convolutional import BaseConv


class Conv3D(BaseConv):
    """3-D convolution over (batch, depth, rows, cols, channels); kernel (kd, kh, kw, in, filters)."""

    rank = 3

    def convolve(self, inputs, bias=None, activation=None):
        from swiftdl import nn
        n, depth, rows, columns, channels = inputs.shape
        taps, stride, dilation = self.kernel_size[0], self.strides[0], self.dilation_rate[0]
        window = (taps - 1) * dilation + 1
        if self.padding == "same":
            out_depth = -(-depth // stride)
            total = max((out_depth - 1) * stride + window - depth, 0)
            front, back = total // 2, total - total // 2
        else:
            out_depth, front, back = max((depth - window) // stride + 1, 0), 0, 0
        padded = inputs
        if front or back:
            zeros = lambda size: _sd.zeros((n, size, rows, columns, channels), inputs.dtype)  # noqa: E731
            padded = _sd.concatenate([part for part in (zeros(front) if front else None, inputs,
                                                        zeros(back) if back else None) if part is not None], axis=1)
        total = None
        for tap in range(taps):
            depths = _sd.asarray(np.arange(out_depth, dtype=np.int64) * stride + tap * dilation)
            slices = _sd.reshape(_sd.take(padded, depths, axis=1), (n * out_depth, rows, columns, channels))
            planes = nn.conv2d(slices, self.kernel[tap], strides=self.strides[1:], padding=self.padding.upper(),
                               dilations=self.dilation_rate[1:])
            total = planes if total is None else total + planes
        outputs = _sd.reshape(total, (n, out_depth) + tuple(total.shape[1:]))
        if bias is not None:
            outputs = outputs + bias
        return _sd.maximum(outputs, 0.0) if activation == "relu" else outputs


Convolution3D = Conv3D  # Keras's alias
