"""keras.applications.xception: Xception (Chollet, 2017), depthwise-separable convolutions
with residual connections; Keras's layer names and weights; tf preprocessing; 299×299 input."""
from . import _builder
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_input as _imagenet_preprocess


def _bn(name=None):
    from .. import layers
    return layers.BatchNormalization(axis=-1 if _builder.bn_axis() == 3 else 1, name=name)


def _separable(x, filters, name):
    from .. import layers
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return _bn(f"{name}_bn")(x)


def _downsampling_block(x, filters, block, first_activation=True):
    """Blocks 2-4 and 13: two separable convolutions and a strided max pool, beside a strided
    1×1 convolution of the input."""
    from .. import layers
    first, second = filters if isinstance(filters, tuple) else (filters, filters)
    residual = _bn()(layers.Conv2D(second, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x))
    if first_activation:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _separable(x, first, f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _separable(x, second, f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", name="xception"):
    from .. import layers
    _builder.check_weights(weights, include_top, classes)
    x, inputs = _builder.image_input(input_tensor, input_shape, 299, 71, include_top, weights)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(_bn("block1_conv1_bn")(x))
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(_bn("block1_conv2_bn")(x))
    x = _downsampling_block(x, 128, 2, first_activation=False)
    x = _downsampling_block(x, 256, 3)
    x = _downsampling_block(x, 728, 4)
    for block in range(5, 13):
        residual = x
        for i in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = _separable(x, 728, f"block{block}_sepconv{i}")
        x = layers.add([x, residual])
    x = _downsampling_block(x, (728, 1024), 13)
    x = layers.Activation("relu", name="block14_sepconv1_act")(_separable(x, 1536, "block14_sepconv1"))
    x = layers.Activation("relu", name="block14_sepconv2_act")(_separable(x, 2048, "block14_sepconv2"))
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        _builder.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    file, file_hash = (("xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6")
                       if include_top else
                       ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97"))
    return _builder.finish(inputs, x, name, weights, file, file_hash, "xception/")


def preprocess_input(x, data_format=None):
    return _imagenet_preprocess(x, data_format=data_format, mode="tf")


__all__ = ["Xception", "decode_predictions", "preprocess_input"]
