"""keras.applications.mobilenet_v2: MobileNetV2 (Sandler et al., 2018), inverted residual
blocks with linear bottlenecks; width `alpha`; Keras's layer names and weights."""
from . import _builder
from .imagenet_utils import correct_pad, decode_predictions
from .imagenet_utils import preprocess_input as _imagenet_preprocess

_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of blocks 0-16
_BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6),
           (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]


def _make_divisible(value, divisor, min_value=None):
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _bn(name):
    from .. import layers
    return layers.BatchNormalization(axis=-1 if _builder.bn_axis() == 3 else 1, epsilon=1e-3, momentum=0.999,
                                     name=name)


def _inverted_residual(inputs, expansion, stride, alpha, filters, block_id):
    from .. import layers
    channel_axis = -1 if _builder.bn_axis() == 3 else 1
    in_channels = inputs.shape[channel_axis]
    pointwise = _make_divisible(int(filters * alpha), 8)
    x, prefix = inputs, f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None,
                          name=f"{prefix}expand")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(_bn(f"{prefix}expand_BN")(x))
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(_bn(f"{prefix}depthwise_BN")(x))
    x = layers.Conv2D(pointwise, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_BN")(x)
    if in_channels == pointwise and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor):
    from ..config import image_data_format
    shape = input_shape if input_shape is not None else (None if input_tensor is None else tuple(input_tensor.shape[1:]))
    if shape is None or len(shape) != 3:
        return 224
    rows, cols = (shape[1], shape[2]) if image_data_format() == "channels_first" else (shape[0], shape[1])
    return rows if rows == cols and rows in _SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name=None):
    from .. import layers
    from ..config import image_data_format
    _builder.check_weights(weights, include_top, classes)
    if weights == "imagenet" and alpha not in (0.35, 0.5, 0.75, 1.0, 1.3, 1.4):
        raise ValueError(f"If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, "
                         f"`1.3` or `1.4` only;  Received `alpha={alpha}`")
    x, inputs = _builder.image_input(input_tensor, input_shape, _default_size(input_shape, input_tensor), 32,
                                     include_top, weights)
    rows = x.shape[2] if image_data_format() == "channels_first" else x.shape[1]
    cols = x.shape[3] if image_data_format() == "channels_first" else x.shape[2]
    if weights == "imagenet" and (rows != cols or rows not in _SIZES):
        rows = 224
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(_bn("bn_Conv1")(x))
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_residual(x, filters=filters, alpha=alpha, stride=stride, expansion=expansion, block_id=block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.ReLU(6.0, name="out_relu")(_bn("Conv_1_bn")(x))
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        _builder.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    file = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{'' if include_top else '_no_top'}.h5"
    return _builder.finish(inputs, x, name or f"mobilenetv2_{alpha:0.2f}_{rows}", weights, file, None, "mobilenet_v2/")


def preprocess_input(x, data_format=None):
    return _imagenet_preprocess(x, data_format=data_format, mode="tf")


__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]
