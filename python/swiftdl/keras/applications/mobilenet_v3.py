"""keras.applications.mobilenet_v3: MobileNetV3Small and MobileNetV3Large (Howard et al.,
2019): inverted residual blocks with squeeze-and-excite and hard-swish, width `alpha`, a
"minimalistic" variant without either, and the [-1, 1] rescaling inside the model. Keras's
layer names and order, so Keras's published weights load layer by layer."""
import warnings

from . import _builder
from .imagenet_utils import correct_pad, decode_predictions
from .mobilenet_v2 import _make_divisible

_WEIGHTS_ROOT = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
_HASHES = {"large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
           "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
           "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                                "ec5221f64a2f6d1ef965a614bdae7973"),
           "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
           "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
           "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                                "cde8136e733e811080d9fcd8a252f7e4")}

# (expansion, filters, kernel, stride, squeeze-excite, activation) of each block. "k" is the
# family's kernel (5, or 3 when minimalistic); "se" squeezes unless minimalistic; "act" is
# hard-swish (relu when minimalistic); "relu" is always relu.
_SMALL = [(1, 16, 3, 2, "se", "relu"), (72.0 / 16, 24, 3, 2, None, "relu"), (88.0 / 24, 24, 3, 1, None, "relu"),
          (4, 40, "k", 2, "se", "act"), (6, 40, "k", 1, "se", "act"), (6, 40, "k", 1, "se", "act"),
          (3, 48, "k", 1, "se", "act"), (3, 48, "k", 1, "se", "act"), (6, 96, "k", 2, "se", "act"),
          (6, 96, "k", 1, "se", "act"), (6, 96, "k", 1, "se", "act")]
_LARGE = [(1, 16, 3, 1, None, "relu"), (4, 24, 3, 2, None, "relu"), (3, 24, 3, 1, None, "relu"),
          (3, 40, "k", 2, "se", "relu"), (3, 40, "k", 1, "se", "relu"), (3, 40, "k", 1, "se", "relu"),
          (6, 80, 3, 2, None, "act"), (2.5, 80, 3, 1, None, "act"), (2.3, 80, 3, 1, None, "act"),
          (2.3, 80, 3, 1, None, "act"), (6, 112, 3, 1, "se", "act"), (6, 112, 3, 1, "se", "act"),
          (6, 160, "k", 2, "se", "act"), (6, 160, "k", 1, "se", "act"), (6, 160, "k", 1, "se", "act")]


def _bn(name):
    from .. import layers
    return layers.BatchNormalization(axis=_channel_axis(), epsilon=1e-3, momentum=0.999, name=name)


def _channel_axis():
    return -1 if _builder.bn_axis() == 3 else 1


def _relu(x):
    from .. import layers
    return layers.ReLU()(x)


def _hard_sigmoid(x):
    # As Keras writes it (two keras.ops nodes around a ReLU6), so automatic layer names agree.
    from .. import layers
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _hard_swish(x):
    from .. import layers
    return layers.Activation("hard_swish")(x)


def _squeeze_excite(inputs, filters, se_ratio, prefix):
    from .. import layers
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(_make_divisible(filters * se_ratio, 8), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, _hard_sigmoid(x)])


def _inverted_residual(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    from .. import layers
    shortcut, prefix = x, "expanded_conv_"
    in_filters = x.shape[_channel_axis()]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(_make_divisible(in_filters * expansion, 8), kernel_size=1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = activation(_bn(f"{prefix}expand_bn")(x))
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False,
                               name=f"{prefix}depthwise")(x)
    x = activation(_bn(f"{prefix}depthwise_bn")(x))
    if se_ratio:
        x = _squeeze_excite(x, _make_divisible(in_filters * expansion, 8), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_bn")(x)
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _input_shape(input_shape, input_tensor):
    """Keras's MobileNetV3 rules: the shape from `input_tensor` when not given, else any size."""
    from ..config import image_data_format
    from ..layers.keras_tensor import is_keras_tensor
    first = image_data_format() == "channels_first"
    if input_tensor is not None and not is_keras_tensor(input_tensor):
        raise ValueError(f"input_tensor specified: a {type(input_tensor).__name__} is not a keras tensor (the output "
                         f"of keras.Input or of a layer)")
    if input_shape is not None and input_tensor is not None:
        if input_tensor.shape[1 if first else 2] != input_shape[1]:
            raise ValueError(f"input_shape[1] must equal input_tensor.shape[{1 if first else 2}].  Received "
                             f"input_shape={input_shape}, input_tensor.shape={input_tensor.shape}")
    if input_shape is None and input_tensor is not None:
        rows, cols = input_tensor.shape[2:4] if first else input_tensor.shape[1:3]
        input_shape = (3, cols, rows) if first else (cols, rows, 3)
    if input_shape is None:
        input_shape = (3, None, None) if first else (None, None, 3)
    input_shape = tuple(input_shape)
    if len(input_shape) != 3:
        raise ValueError(f"`input_shape` must be a tuple of three integers; Received `input_shape={input_shape}`")
    return input_shape, (input_shape[1:] if first else input_shape[:2])


def _mobilenet_v3(blocks, last_point_channels, model_type, input_shape, alpha, minimalistic, include_top, weights,
                  input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name):
    from .. import layers
    _builder.check_weights(weights, include_top, classes)
    input_shape, (rows, cols) = _input_shape(input_shape, input_tensor)
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non "
                             "minimalistic or `1.0` for minimalistic only.")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input shape "
                          "(224, 224) will be loaded as the default.", stacklevel=3)
    if input_tensor is None:
        x = inputs = layers.Input(shape=input_shape)
    else:
        x, inputs = _builder.given_input(input_tensor)
    kernel, activation, se_ratio = (3, _relu, None) if minimalistic else (5, _hard_swish, 0.25)
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = activation(_bn("conv_bn")(x))
    for block_id, (expansion, filters, size, stride, squeeze, act) in enumerate(blocks):
        x = _inverted_residual(x, expansion, _make_divisible(filters * alpha, 8), kernel if size == "k" else size,
                               stride, se_ratio if squeeze else None, activation if act == "act" else _relu, block_id)
    last_conv_channels = _make_divisible(x.shape[_channel_axis()] * 6, 8)
    if alpha > 1.0:
        last_point_channels = _make_divisible(last_point_channels * alpha, 8)
    x = layers.Conv2D(last_conv_channels, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = activation(_bn("conv_1_bn")(x))
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_channels, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Flatten()(layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x))
        _builder.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    weights_key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    file = f"weights_mobilenet_v3_{weights_key}{'' if include_top else '_no_top_v2'}.h5"
    file_hash = _HASHES.get(weights_key, (None, None))[0 if include_top else 1]
    return _builder.finish(inputs, x, name, weights, file, file_hash, "mobilenet_v3/")


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    """MobileNetV3Small; `alpha` scales every layer's width, `minimalistic` drops the
    squeeze-and-excite blocks, hard-swish and 5x5 kernels; the model rescales [0, 255] inputs
    itself unless `include_preprocessing=False`."""
    return _mobilenet_v3(_SMALL, 1024, "small", input_shape, alpha, minimalistic, include_top, weights, input_tensor,
                         classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    """MobileNetV3Large; arguments as MobileNetV3Small's."""
    return _mobilenet_v3(_LARGE, 1280, "large", input_shape, alpha, minimalistic, include_top, weights, input_tensor,
                         classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name)


def preprocess_input(x, data_format=None):
    """The identity: MobileNetV3 rescales its inputs inside the model (kept for API parity)."""
    return x


__all__ = ["MobileNetV3Large", "MobileNetV3Small", "decode_predictions", "preprocess_input"]
