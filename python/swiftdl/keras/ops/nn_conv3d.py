"""3-D convolution and its transpose, channels last, as sums over the kernel's depth taps of
the engine's 2-D ops (it has no 3-D kernel).

Convolution: for depth tap t, output depth d reads input depth d·stride + t·dilation (after
the front padding). Those slices, gathered for every output depth and folded into the
batch, are stacked along the channels, tap by tap, and go through one conv2d whose kernel
is the 3-D one with its depth taps moved beside the input channels ((kh, kw, kd·in, out)):
one GEMM with kd times the depth per pixel, the bias and relu in its epilogue. The
multiply-adds are a direct convolution's, and the gradients are the 2-D op's. (One conv2d
per tap, summed, ran kd GEMMs, kd − 1 additions of whole outputs and as many more
convolution gradients, and left the bias to a separate pass.)

Transpose: input depth i under tap t lands on output depth i·stride + t·dilation − before
(`before` being the padding of the convolution it transposes). Each tap runs one
conv2d_transpose over every input depth folded into the batch; a 0/1 (in depth → out depth)
matrix per tap places its planes, and the taps add up.
"""
import numpy as np

import swiftdl as sd


def same_or_valid_depth(depth, taps, stride, dilation, padding):
    """(output depth, front padding, back padding) of a convolution along depth."""
    window = (taps - 1) * dilation + 1
    if padding == "same":
        out_depth = -(-depth // stride)
        total = max((out_depth - 1) * stride + window - depth, 0)
        return out_depth, total // 2, total - total // 2
    return max((depth - window) // stride + 1, 0), 0, 0


def conv3d_last(x, kernel, strides, padding, dilations, bias=None, activation=None):
    """activation(conv3d(x, kernel) + bias) of (n, depth, rows, cols, in) by (kd, kh, kw, in, out);
    padding "same" or "valid", bias None or (out,), activation None or "relu"."""
    n, depth, rows, columns, channels = x.shape
    taps, stride, dilation = kernel.shape[0], strides[0], dilations[0]
    out_depth, front, back = same_or_valid_depth(depth, taps, stride, dilation, padding)
    padded = x
    if front or back:
        zeros = lambda size: sd.zeros((n, size, rows, columns, channels), x.dtype)  # noqa: E731
        padded = sd.concatenate([part for part in (zeros(front) if front else None, x,
                                                   zeros(back) if back else None) if part is not None], axis=1)
    slices = [sd.take(padded, sd.asarray(np.arange(out_depth, dtype=np.int64) * stride + tap * dilation), axis=1)
              for tap in range(taps)]
    stacked = slices[0] if taps == 1 else sd.concatenate(slices, axis=-1)
    stacked = sd.reshape(stacked, (n * out_depth, rows, columns, taps * channels))
    # (kd, kh, kw, in, out) → (kh, kw, kd, in, out) → (kh, kw, kd·in, out), matching the stacking.
    planar = kernel if taps == 1 else sd.transpose(kernel, (1, 2, 0, 3, 4))
    planar = sd.reshape(planar, tuple(kernel.shape[1:3]) + (taps * channels, kernel.shape[-1]))
    planes = sd.nn.conv2d_bias_activation(stacked, planar, bias, strides=list(strides[1:]), padding=padding.upper(),
                                          dilations=list(dilations[1:]), activation=activation)
    return sd.reshape(planes, (n, out_depth) + tuple(planes.shape[1:]))


def conv3d_transpose_last(x, kernel, strides, padding, extras, dilations, transpose_2d, depth_padding):
    """The transpose of conv3d for (n, depth, rows, cols, in) by (kd, kh, kw, out, in).

    `transpose_2d(slices, tap_kernel)` is the 2-D transposed convolution of the last two
    spatial axes (keras.ops.conv_transpose's own rules); `depth_padding` gives the depth
    axis's (output size, before) by the same rules.
    """
    n, depth = x.shape[0], x.shape[1]
    taps, stride, dilation = kernel.shape[0], strides[0], dilations[0]
    out_depth, before = depth_padding(depth, taps, stride, dilation, padding, extras[0])
    folded = sd.reshape(x, (n * depth,) + tuple(x.shape[2:]))
    total = None
    for tap in range(taps):
        planes = transpose_2d(folded, kernel[tap])
        spatial = tuple(planes.shape[1:])
        placement = np.zeros((depth, out_depth), dtype=x.dtype.name)
        for i in range(depth):
            target = i * stride + tap * dilation - before
            if 0 <= target < out_depth:
                placement[i, target] = 1
        # (n, depth, rest) → (n, rest, depth) · placement → (n, out_depth, rest)
        flat = sd.reshape(planes, (n, depth, -1))
        placed = sd.swapaxes(sd.matmul(sd.swapaxes(flat, 1, 2), sd.asarray(placement)), 1, 2)
        total = placed if total is None else total + placed
    return sd.reshape(total, (n, out_depth) + spatial)
