"""keras.applications.mobilenet: MobileNet (Howard et al., 2017), depthwise-separable blocks
of width `alpha` and `depth_multiplier`; Keras's layer names and weights; tf preprocessing."""
from . import _builder
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_input as _imagenet_preprocess

_SIZES = (128, 160, 192, 224)
# (pointwise filters, stride) of blocks 1-13
_BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
           (512, 1), (1024, 2), (1024, 1)]
_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}


def _bn(name):
    from .. import layers
    return layers.BatchNormalization(axis=-1 if _builder.bn_axis() == 3 else 1, name=name)


def _depthwise_block(x, filters, alpha, depth_multiplier, stride, block_id):
    from .. import layers
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid", depth_multiplier=depth_multiplier,
                               strides=(stride, stride), use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(_bn(f"conv_dw_{block_id}_bn")(x))
    x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name=f"conv_pw_{block_id}")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(_bn(f"conv_pw_{block_id}_bn")(x))


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet",
              input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    from .. import layers
    from ..config import image_data_format
    _builder.check_weights(weights, include_top, classes)
    default = 224
    if input_shape is not None and len(input_shape) == 3:
        rows, cols = (input_shape[1], input_shape[2]) if image_data_format() == "channels_first" else input_shape[:2]
        default = rows if rows == cols and rows in _SIZES else 224
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(f"If imagenet weights are being loaded, depth multiplier must be 1.  Received "
                             f"depth_multiplier={depth_multiplier}")
        if alpha not in _ALPHA_TEXT:
            raise ValueError(f"If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, `0.75` or "
                             f"`1.0` only.  Received alpha={alpha}")
    x, inputs = _builder.image_input(input_tensor, input_shape, default, 32, include_top, weights)
    rows = x.shape[2] if image_data_format() == "channels_first" else x.shape[1]
    cols = x.shape[3] if image_data_format() == "channels_first" else x.shape[2]
    if weights == "imagenet" and (rows != cols or rows not in _SIZES):
        rows = 224
    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(_bn("conv1_bn")(x))
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        _builder.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    text = _ALPHA_TEXT.get(alpha, "2_5")
    file = f"mobilenet_{text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return _builder.finish(inputs, x, name or f"mobilenet_{alpha:0.2f}_{rows}", weights, file, None, "mobilenet/")


def preprocess_input(x, data_format=None):
    return _imagenet_preprocess(x, data_format=data_format, mode="tf")


__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]
