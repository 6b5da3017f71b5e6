"""keras.applications.densenet: DenseNet121/169/201 (Huang et al., 2016), Keras's layer
names and weights; torch preprocessing."""
from . import _builder
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_input as _imagenet_preprocess

_HASHES = {(6, 12, 24, 16): ("densenet121", "9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
           (6, 12, 32, 32): ("densenet169", "d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
           (6, 12, 48, 32): ("densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1")}


def _bn(name):
    from .. import layers
    return layers.BatchNormalization(axis=_builder.bn_axis(), epsilon=1.001e-5, name=name)


def _conv_block(x, growth_rate, name):
    from .. import layers
    y = layers.Activation("relu", name=f"{name}_0_relu")(_bn(f"{name}_0_bn")(x))
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(_bn(f"{name}_1_bn")(y))
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=_builder.bn_axis(), name=f"{name}_concat")([x, y])


def _transition(x, reduction, name):
    from .. import layers
    x = layers.Activation("relu", name=f"{name}_relu")(_bn(f"{name}_bn")(x))
    x = layers.Conv2D(int(x.shape[_builder.bn_axis()] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="densenet"):
    from .. import layers
    _builder.check_weights(weights, include_top, classes)
    x, inputs = _builder.image_input(input_tensor, input_shape, 224, 32, include_top, weights)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(x)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.Activation("relu", name="conv1_relu")(_bn("conv1_bn")(x))
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x))
    for stage, count in enumerate(blocks):
        for i in range(count):
            x = _conv_block(x, 32, name=f"conv{stage + 2}_block{i + 1}")
        if stage < 3:
            x = _transition(x, 0.5, name=f"pool{stage + 2}")
    x = layers.Activation("relu", name="relu")(_bn("bn")(x))
    x = _builder.top(x, include_top, pooling, classes, classifier_activation, weights)
    known = _HASHES.get(tuple(blocks))
    file = f"{known[0]}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5" if known else None
    return _builder.finish(inputs, x, name, weights, file, known and known[1 if include_top else 2], "densenet/")


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax", name="densenet121"):
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax", name="densenet169"):
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax", name="densenet201"):
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    return _imagenet_preprocess(x, data_format=data_format, mode="torch")


__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "decode_predictions", "preprocess_input"]
