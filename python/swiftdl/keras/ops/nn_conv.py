"""keras.ops convolutions and pools over swiftdl.nn's engine kernels: conv (1-D and 2-D),
depthwise_conv, separable_conv, max_pool, average_pool. Keras's argument conventions:
kernels (spatial..., in, out), padding 'valid'/'same', data_format 'channels_last' or
'channels_first' (transposed around the channels-last kernels)."""
import numpy as np

import swiftdl as sd

from ._convert import float_tensor, tensor


def _format(data_format):
    if data_format is None:
        from .. import backend
        data_format = backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first'; received {data_format!r}")
    return data_format


def _padding(padding, op):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"[{op}] padding must be 'valid' or 'same'; received padding={padding!r}")
    return padding.upper()


def _to_last(x, data_format):
    return sd.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def _from_last(x, data_format):
    return sd.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def _spatial(value, rank, name, op):
    values = (value,) * rank if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != rank or any(int(v) < 1 for v in values):
        raise ValueError(f"[{op}] {name} must be a positive int or {rank} positive ints; received {value!r}")
    return [int(v) for v in values]


def _rank(x, op, most=2):
    if not 3 <= x.ndim <= most + 2:
        spatial = "1-D or 2-D" if most == 2 else "1-D, 2-D or 3-D"
        raise ValueError(f"[{op}] inputs must be {spatial} with batch and channels (rank 3 to {most + 2}); "
                         f"received shape {tuple(x.shape)}")
    return x.ndim - 2


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation) for N = 1, 2, 3; kernel (spatial..., in, out)."""
    data_format = _format(data_format)
    x = _to_last(float_tensor(inputs), data_format)
    rank = _rank(x, "conv", most=3)
    kernel = tensor(kernel, x.dtype.name)
    if kernel.ndim != rank + 2 or kernel.shape[-2] != x.shape[-1]:
        raise ValueError(f"[conv] kernel must be (spatial..., {x.shape[-1]}, out) for inputs with {x.shape[-1]} "
                         f"channels; received kernel shape {tuple(kernel.shape)} (grouped convolution is not supported)")
    strides = _spatial(strides, rank, "strides", "conv")
    dilations = _spatial(dilation_rate, rank, "dilation_rate", "conv")
    padding = _padding(padding, "conv")
    if rank == 1:
        out = sd.nn.conv1d(x, kernel, strides[0], padding, dilations=dilations[0])
    elif rank == 2:
        out = sd.nn.conv2d(x, kernel, strides, padding, dilations=dilations)
    else:
        from .nn_conv3d import conv3d_last
        out = conv3d_last(x, kernel, strides, padding.lower(), dilations)
    return _from_last(out, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Each input channel convolved with its own `M` filters; kernel (spatial..., C, M).
    Output channel c·M + k is channel c under filter k (the engine's depthwise kernel; the
    1-D form runs as 2-D with height 1)."""
    data_format = _format(data_format)
    x = _to_last(float_tensor(inputs), data_format)
    rank = _rank(x, "depthwise_conv")
    kernel = tensor(kernel, x.dtype.name)
    if kernel.ndim != rank + 2 or kernel.shape[-2] != x.shape[-1]:
        raise ValueError(f"[depthwise_conv] kernel must be (spatial..., {x.shape[-1]}, multiplier); received "
                         f"kernel shape {tuple(kernel.shape)}")
    strides = _spatial(strides, rank, "strides", "depthwise_conv")
    dilations = _spatial(dilation_rate, rank, "dilation_rate", "depthwise_conv")
    padding = _padding(padding, "depthwise_conv")
    if rank == 1:
        out = sd.nn.depthwise_conv2d(sd.expand_dims(x, 1), sd.expand_dims(kernel, 0), [1] + strides, padding,
                                     dilations=[1] + dilations)
        out = sd.squeeze(out, 1)
    else:
        out = sd.nn.depthwise_conv2d(x, kernel, strides, padding, dilations=dilations)
    return _from_last(out, data_format)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """depthwise_conv followed by a 1×1 convolution with pointwise_kernel (1..., C·M, out)."""
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _pool(kind, inputs, pool_size, strides, padding, data_format):
    op = f"{kind}_pool"
    data_format = _format(data_format)
    x = _to_last(float_tensor(inputs), data_format)
    rank = _rank(x, op)
    size = _spatial(pool_size, rank, "pool_size", op)
    strides = size if strides is None else _spatial(strides, rank, "strides", op)
    padding = _padding(padding, op)
    function = sd.nn.max_pool if kind == "max" else sd.nn.avg_pool  # noqa: E501
    return _from_last(function(x, size, strides, padding), data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1 or 2 spatial axes (strides default to pool_size)."""
    return _pool("max", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over 1 or 2 spatial axes; 'same' windows average their inside positions."""
    return _pool("average", inputs, pool_size, strides, padding, data_format)


def _transpose_padding(kernel, stride, dilation, padding, output_padding):
    """(left, right) zero padding of the stride-dilated input (Keras's rule for JAX)."""
    kernel = (kernel - 1) * dilation + 1
    if padding == "VALID":
        extra = max(kernel, stride) - kernel if output_padding is None else output_padding
        return kernel - 1, kernel - 1 + extra
    total = stride + kernel - 2 if output_padding is None else kernel + kernel % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, kernel - 1)
    return left, total - left


def _depth_geometry(length, kernel, stride, dilation, padding, output_padding):
    """(output size, padding before) of a transposed convolution along one axis: the size
    Keras's rule gives and the front padding of the convolution it transposes."""
    window = (kernel - 1) * dilation + 1
    left, right = _transpose_padding(kernel, stride, dilation, padding, output_padding)
    return max((length - 1) * stride + left + right - window + 2, 0), window - 1 - left


def _spread(x, axis, stride):
    """stride - 1 zeros between neighbouring entries along `axis`."""
    if stride == 1 or x.shape[axis] == 0:
        return x
    moved = sd.moveaxis(x, axis, -1)
    zeros = sd.zeros(tuple(moved.shape) + (stride - 1,), x.dtype)
    joined = sd.reshape(sd.concatenate([sd.expand_dims(moved, -1), zeros], axis=-1),
                        tuple(moved.shape[:-1]) + (moved.shape[-1] * stride,))
    return sd.moveaxis(joined[..., :(moved.shape[-1] - 1) * stride + 1], -1, axis)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """The transpose of conv (its gradient with respect to the input), for 1, 2 or 3
    spatial axes; kernel (spatial..., out_channels, in_channels), as Keras lays it out. One
    engine op (swiftdl.nn.conv2d_transpose) with the explicit padding Keras's rule gives
    (3-D: one per depth tap, placed along depth, nn_conv3d.py)."""
    data_format = _format(data_format)
    x = _to_last(float_tensor(inputs), data_format)
    rank = _rank(x, "conv_transpose", most=3)
    kernel = tensor(kernel, x.dtype.name)
    if kernel.ndim != rank + 2 or kernel.shape[-1] != x.shape[-1]:
        raise ValueError(f"[conv_transpose] kernel must be (spatial..., out, {x.shape[-1]}) for inputs with "
                         f"{x.shape[-1]} channels; received kernel shape {tuple(kernel.shape)}")
    strides = _spatial(strides, rank, "strides", "conv_transpose")
    dilations = _spatial(dilation_rate, rank, "dilation_rate", "conv_transpose")
    padding = _padding(padding, "conv_transpose")
    extras = [None] * rank if output_padding is None else (
        [int(output_padding)] * rank if isinstance(output_padding, (int, np.integer)) else [int(p) for p in output_padding])
    if len(extras) != rank or any(e is not None and not 0 <= e < s for e, s in zip(extras, strides)):
        raise ValueError(f"[conv_transpose] output_padding must be {rank} ints each at least 0 and below its stride "
                         f"{tuple(strides)}; received output_padding={output_padding!r}")
    if rank == 3:
        from .nn_conv3d import conv3d_transpose_last

        def transpose_2d(slices, tap_kernel):
            return conv_transpose(slices, tap_kernel, strides[1:], padding.lower(), None if extras[1] is None
                                  else extras[1:], "channels_last", dilations[1:])
        out = conv3d_transpose_last(x, kernel, strides, padding, extras, dilations, transpose_2d, _depth_geometry)
        return _from_last(out, data_format)
    out_shape, explicit = _transpose_geometry(x, kernel, strides, dilations, padding, extras)
    if rank == 1:
        out = sd.nn.conv1d_transpose(x, kernel, out_shape, strides, explicit, dilations=dilations)
    else:
        out = sd.nn.conv2d_transpose(x, kernel, out_shape, strides, explicit, dilations=dilations)
    return _from_last(out, data_format)


def _transpose_geometry(x, kernel, strides, dilations, padding, extras):
    """(output shape, explicit padding) of the convolution a channels-last transposed
    convolution transposes, by Keras's rule."""
    rank = x.ndim - 2
    sizes, pads = [], []
    for axis in range(rank):
        length, window = x.shape[axis + 1], (kernel.shape[axis] - 1) * dilations[axis] + 1
        left, right = _transpose_padding(kernel.shape[axis], strides[axis], dilations[axis], padding, extras[axis])
        size = max((length - 1) * strides[axis] + left + right - window + 2, 0)
        # The convolution being transposed: its padding before is what the spread input's
        # padding leaves of the window; after, just enough for `length` positions.
        before = window - 1 - left
        after = max((length - 1) * strides[axis] + window - size - before, 0)
        sizes.append(size)
        pads.append((before, after))
    explicit = [[0, 0]] + [list(pair) for pair in pads] + [[0, 0]]
    return (x.shape[0], *sizes, kernel.shape[-2]), explicit
