"""keras.applications.inception_resnet_v2: InceptionResNetV2 (Szegedy et al., 2016):
Inception branches summed into a scaled residual. Keras's layers in Keras's order (its
unnamed convolutions get the same automatic names), so Keras's published weights load; tf
preprocessing; 299x299 input by default."""
from . import _builder
from ._layers import CustomScaleLayer
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_input as _imagenet_preprocess

_WEIGHTS_ROOT = "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
_FILES = {True: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", "e693bd0210a403b3192acc6073ad2e96"),
          False: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                  "d19885ff4a710c122648d3b5c3b684e4")}


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None):
    """Convolution, then (without a bias) batch normalisation without scale, then `activation`."""
    from .. import layers
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_builder.bn_axis(), scale=False,
                                      name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def _branches(x, block_type):
    if block_type == "block35":
        return [conv2d_bn(x, 32, 1), conv2d_bn(conv2d_bn(x, 32, 1), 32, 3),
                conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3)]
    if block_type == "block17":
        return [conv2d_bn(x, 192, 1), conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7]), 192, [7, 1])]
    if block_type == "block8":
        return [conv2d_bn(x, 192, 1), conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3]), 256, [3, 1])]
    raise ValueError(f'Unknown Inception-ResNet block type. Expects "block35", "block17" or "block8", but got: '
                     f"{block_type}")


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """x + scale * (a 1x1 convolution of the concatenated branches), then `activation`."""
    from .. import layers
    block_name = f"{block_type}_{block_idx}"
    axis = _builder.bn_axis()
    mixed = layers.Concatenate(axis=axis, name=f"{block_name}_mixed")(_branches(x, block_type))
    up = conv2d_bn(mixed, x.shape[axis], 1, activation=None, use_bias=True, name=f"{block_name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def _stem(x):
    from .. import layers
    x = conv2d_bn(x, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    branches = [conv2d_bn(x, 96, 1), conv2d_bn(conv2d_bn(x, 48, 1), 64, 5),
                conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)]
    branches.append(conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1))
    return layers.Concatenate(axis=_builder.bn_axis(), name="mixed_5b")(branches)


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                      classes=1000, classifier_activation="softmax", name="inception_resnet_v2"):
    """InceptionResNetV2, 299x299 inputs by default (at least 75x75)."""
    from .. import layers
    _builder.check_weights(weights, include_top, classes)
    x, inputs = _builder.image_input(input_tensor, input_shape, 299, 75, include_top, weights)
    axis = _builder.bn_axis()
    x = _stem(x)
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)
    branches = [conv2d_bn(x, 384, 3, strides=2, padding="valid"),
                conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid"),
                layers.MaxPooling2D(3, strides=2, padding="valid")(x)]
    x = layers.Concatenate(axis=axis, name="mixed_6a")(branches)
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)
    branches = [conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid"),
                conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid"),
                conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid"),
                layers.MaxPooling2D(3, strides=2, padding="valid")(x)]
    x = layers.Concatenate(axis=axis, name="mixed_7a")(branches)
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    # Keras names the pooling layers only under the classifier.
    x = _builder.top(x, include_top, pooling, classes, classifier_activation, weights,
                     pool_names=("avg_pool", "max_pool") if include_top else (None, None))
    file, file_hash = _FILES[bool(include_top)]
    return _builder.finish(inputs, x, name, weights, file, file_hash, root=_WEIGHTS_ROOT)


def preprocess_input(x, data_format=None):
    """Scales pixels from [0, 255] to [-1, 1] ("tf" mode)."""
    return _imagenet_preprocess(x, data_format=data_format, mode="tf")


__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]
