"""tf.conv2d_backprop_input_v2, tf.conv2d_backprop_filter_v2 and tf.conv: TensorFlow's
raw convolution ops under their top-level names. The backprops are conv2d's
vector-Jacobian products taken by the tape, so they agree with conv2d's gradients."""
from ._autograd import GradientTape
from ._convert import TensorBase
from ._tf_cast import convert_to_tensor
from .errors import InvalidArgumentError, raises_tf_errors


def _t(x):
    x = x if isinstance(x, TensorBase) else convert_to_tensor(x)
    return x if x.dtype.kind == "f" else x.astype("float32")


def _padding(padding, explicit_paddings, data_format):
    if padding != "EXPLICIT":
        return padding
    pairs = [list(explicit_paddings[i:i + 2]) for i in range(0, len(explicit_paddings), 2)]
    if len(pairs) != 4:
        raise InvalidArgumentError(None, None, f"explicit_paddings must hold 8 values for 2-D convolution; received "
                                   f"{list(explicit_paddings)}")
    return pairs


def _vjp(input, filter, out_backprop, strides, padding, explicit_paddings, data_format, dilations, wrt):  # noqa: A002
    from .nn import conv2d
    x, w, upstream = _t(input), _t(filter), _t(out_backprop)
    with GradientTape() as tape:
        tape.watch(x if wrt == "input" else w)
        y = conv2d(x, w, strides, _padding(padding, explicit_paddings, data_format), data_format=data_format,
                   dilations=dilations)
    if tuple(y.shape) != tuple(upstream.shape):
        raise InvalidArgumentError(None, None, f"out_backprop must have the convolution's output shape "
                                   f"{tuple(y.shape)}; received {tuple(upstream.shape)}")
    return tape.gradient(y, x if wrt == "input" else w, output_gradients=upstream)


@raises_tf_errors
def conv2d_backprop_input_v2(input, filter, out_backprop, strides, padding, use_cudnn_on_gpu=True,  # noqa: A002
                             explicit_paddings=(), data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    """The gradient of conv2d(input, filter) with respect to input, given out_backprop."""
    return _vjp(input, filter, out_backprop, strides, padding, explicit_paddings, data_format, dilations, "input")


@raises_tf_errors
def conv2d_backprop_filter_v2(input, filter, out_backprop, strides, padding, use_cudnn_on_gpu=True,  # noqa: A002
                              explicit_paddings=(), data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    """The gradient of conv2d(input, filter) with respect to filter, given out_backprop."""
    return _vjp(input, filter, out_backprop, strides, padding, explicit_paddings, data_format, dilations, "filter")


@raises_tf_errors
def conv(input, filter, strides, padding, explicit_paddings=(), data_format="CHANNELS_LAST",  # noqa: A002
         dilations=(), batch_dims=1, groups=1, name=None):
    """N-D convolution (tf.conv, N = 1, 2, 3) of channels-last input; strides and dilations
    have one entry per input axis, as TensorFlow's raw op.

    Raises:
        InvalidArgumentError: for channels-first data, several batch axes, groups or
            explicit padding, which this entry point does not take (use tf.nn's).
    """
    from .nn import convolution
    x = _t(input)
    if data_format != "CHANNELS_LAST" or batch_dims != 1 or groups != 1 or padding == "EXPLICIT":
        raise InvalidArgumentError(None, None, "[conv] swiftdl takes CHANNELS_LAST data with batch_dims=1, groups=1 "
                                   "and SAME/VALID padding here; tf.nn.convolution covers the rest")
    spatial = x.ndim - 2
    strides = list(strides)[1:-1] if len(list(strides)) == x.ndim else list(strides)
    dilations = (list(dilations)[1:-1] if len(list(dilations)) == x.ndim else list(dilations)) or [1] * spatial
    return convolution(x, _t(filter), strides=strides, padding=padding, dilations=dilations)
