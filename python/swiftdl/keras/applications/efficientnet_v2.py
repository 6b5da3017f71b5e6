"""keras.applications.efficientnet_v2: EfficientNetV2B0-B3, S, M and L (Tan & Le, 2021):
fused MBConv stages (one full convolution instead of expansion + depthwise) early, MBConv
with squeeze-and-excite later, preprocessing inside the model. Keras's layer names,
initializers and order."""
import copy
import math

from . import _builder
from .efficientnet import CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER, squeeze_excite
from .imagenet_utils import decode_predictions

_WEIGHTS_ROOT = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
_HASHES = {"b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
           "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
           "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
           "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
           "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
           "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
           "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615")}


def _stages(rows):
    """Block arguments from rows of (kernel, repeats, in, out, expansion, se ratio, strides, conv type):
    conv type 1 is fused MBConv, 0 MBConv."""
    return [{"kernel_size": k, "num_repeat": r, "input_filters": i, "output_filters": o, "expand_ratio": e,
             "se_ratio": se, "strides": s, "conv_type": c} for k, r, i, o, e, se, s, c in rows]


_B_SERIES = _stages([(3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
                     (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0), (3, 8, 112, 192, 6, 0.25, 2, 0)])
DEFAULT_BLOCKS_ARGS = {
    "efficientnetv2-s": _stages([(3, 2, 24, 24, 1, 0, 1, 1), (3, 4, 24, 48, 4, 0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
                                 (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0),
                                 (3, 15, 160, 256, 6, 0.25, 2, 0)]),
    "efficientnetv2-m": _stages([(3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
                                 (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0),
                                 (3, 18, 176, 304, 6, 0.25, 2, 0), (3, 5, 304, 512, 6, 0.25, 1, 0)]),
    "efficientnetv2-l": _stages([(3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
                                 (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0),
                                 (3, 25, 224, 384, 6, 0.25, 2, 0), (3, 7, 384, 640, 6, 0.25, 1, 0)]),
    "efficientnetv2-b0": _B_SERIES, "efficientnetv2-b1": _B_SERIES, "efficientnetv2-b2": _B_SERIES,
    "efficientnetv2-b3": _B_SERIES}


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    filters *= width_coefficient
    return int(max(min_depth or depth_divisor, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def _conv(filters, kernel_size, strides, name, **kwargs):
    from .. import layers
    from ..config import image_data_format
    return layers.Conv2D(filters, kernel_size=kernel_size, strides=strides, kernel_initializer=CONV_KERNEL_INITIALIZER,
                         padding="same", data_format=image_data_format(), use_bias=False, name=name, **kwargs)


def _bn(momentum, name):
    from .. import layers
    return layers.BatchNormalization(axis=_builder.bn_axis(), momentum=momentum, name=name)


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name):
    from .. import layers
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            # NOTE: Keras passes its "survival probability" as the drop rate; kept so that
            # the layers (and their configs) are Keras's.
            x = layers.Dropout(survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def mb_conv_block(inputs, input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                  bn_momentum=0.9, activation="swish", survival_probability=0.8, name=""):
    """MBConv: 1x1 expansion, depthwise convolution, squeeze-and-excite, 1x1 projection."""
    from .. import layers
    from ..config import image_data_format
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _bn(bn_momentum, f"{name}expand_bn")(_conv(filters, 1, 1, f"{name}expand_conv")(x))
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    x = layers.DepthwiseConv2D(kernel_size=kernel_size, strides=strides, depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               padding="same", data_format=image_data_format(), use_bias=False,
                               name=f"{name}dwconv2")(x)
    x = layers.Activation(activation, name=f"{name}activation")(_bn(bn_momentum, f"{name}bn")(x))
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name)
    x = _bn(bn_momentum, f"{name}project_bn")(_conv(output_filters, 1, 1, f"{name}project_conv")(x))
    return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)


def fused_mb_conv_block(inputs, input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                        bn_momentum=0.9, activation="swish", survival_probability=0.8, name=""):
    """Fused MBConv: one full convolution in place of the expansion and the depthwise one."""
    from .. import layers
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _bn(bn_momentum, f"{name}expand_bn")(_conv(filters, kernel_size, strides, f"{name}expand_conv")(x))
        x = layers.Activation(activation=activation, name=f"{name}expand_activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name)
    fused = expand_ratio == 1  # then this one convolution does the block's spatial work
    x = _conv(output_filters, kernel_size if fused else 1, strides if fused else 1, f"{name}project_conv")(x)
    x = _bn(bn_momentum, f"{name}project_bn")(x)
    if fused:
        x = layers.Activation(activation=activation, name=f"{name}project_activation")(x)
    return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
                   depth_divisor=8, min_depth=8, bn_momentum=0.9, activation="swish", blocks_args="default",
                   name="efficientnetv2", include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True,
                   weights_name=None, variant=None):
    """The EfficientNetV2 family's builder; `variant` ("efficientnetv2-b0" ...) picks the
    default stages (Keras picks them by `name`, so a renamed model keeps its architecture here)."""
    from .. import initializers, layers
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS[variant or name]
    blocks_args = copy.deepcopy(blocks_args)
    _builder.check_weights(weights, include_top, classes)
    x, inputs = _builder.image_input(input_tensor, input_shape, default_size, 32, include_top, weights)
    bn_axis = _builder.bn_axis()
    if include_preprocessing:
        channels = x.shape[bn_axis]
        if (variant or name).split("-")[-1].startswith("b") and channels == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229**2, 0.224**2, 0.225**2],
                                     axis=bn_axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def rounded(filters):
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)
    x = _conv(rounded(blocks_args[0]["input_filters"]), 3, 2, "stem_conv")(x)
    x = layers.Activation(activation, name="stem_activation")(_bn(bn_momentum, "stem_bn")(x))
    total = float(sum(args["num_repeat"] for args in blocks_args))
    done = 0
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError(f"The number of repeats in `EfficientNetV2` must be > 0. Received: "
                             f"num_repeat={args['num_repeat']}")
        args["input_filters"], args["output_filters"] = rounded(args["input_filters"]), rounded(args["output_filters"])
        block = fused_mb_conv_block if args.pop("conv_type") == 1 else mb_conv_block
        for j in range(int(math.ceil(depth_coefficient * args.pop("num_repeat")))):
            if j > 0:
                args["strides"], args["input_filters"] = 1, args["output_filters"]
            x = block(x, activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * done / total, name=f"block{i + 1}{chr(j + 97)}_", **args)
            done += 1
    x = _bn(bn_momentum, "top_bn")(_conv(rounded(1280), 1, 1, "top_conv")(x))
    x = layers.Activation(activation=activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        _builder.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    else:
        x = _builder.top(x, False, pooling, classes, classifier_activation, weights)
    file = f"{name}{'.h5' if include_top else '_notop.h5'}"
    file_hash = _HASHES[weights_name][0 if include_top else 1] if weights_name in _HASHES else None
    return _builder.finish(inputs, x, name, weights, file, file_hash, root=_WEIGHTS_ROOT)


def _variant(function_name, width, depth, size, weights_name):
    variant = f"efficientnetv2-{weights_name.lstrip('-')}"

    def model(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", include_preprocessing=True, name=variant):
        return EfficientNetV2(width, depth, size, name=name, include_top=include_top, weights=weights,
                              input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation, include_preprocessing=include_preprocessing,
                              weights_name=weights_name, variant=variant)
    model.__name__ = model.__qualname__ = function_name
    model.__doc__ = (f"{function_name}: EfficientNetV2 ({variant}), {size}x{size} inputs by default; takes [0, 255] "
                     f"images (preprocessing is inside the model unless include_preprocessing=False).")
    return model


EfficientNetV2B0 = _variant("EfficientNetV2B0", 1.0, 1.0, 224, "b0")
EfficientNetV2B1 = _variant("EfficientNetV2B1", 1.0, 1.1, 240, "b1")
EfficientNetV2B2 = _variant("EfficientNetV2B2", 1.1, 1.2, 260, "b2")
EfficientNetV2B3 = _variant("EfficientNetV2B3", 1.2, 1.4, 300, "b3")
EfficientNetV2S = _variant("EfficientNetV2S", 1.0, 1.0, 384, "-s")
EfficientNetV2M = _variant("EfficientNetV2M", 1.0, 1.0, 480, "-m")
EfficientNetV2L = _variant("EfficientNetV2L", 1.0, 1.0, 480, "-l")


def preprocess_input(x, data_format=None):
    """The identity: EfficientNetV2 preprocesses its inputs inside the model (kept for API parity)."""
    return x


__all__ = ["EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3", "EfficientNetV2L",
           "EfficientNetV2M", "EfficientNetV2S", "decode_predictions", "preprocess_input"]
