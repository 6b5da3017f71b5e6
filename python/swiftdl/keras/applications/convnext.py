"""keras.applications.convnext: ConvNeXtTiny, Small, Base, Large and XLarge (Liu et al.,
2022): a ResNet modernised with 7x7 depthwise convolutions, layer normalisation, inverted
bottlenecks of Dense layers, GELU and layer scale. Keras's layer names and order (stems and
downsampling blocks as nested Sequentials), preprocessing inside the model; channels_last
only, as in Keras."""
import numpy as np

from . import _builder
from ._layers import LayerScale, StochasticDepth
from .imagenet_utils import decode_predictions

_WEIGHTS_ROOT = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05")}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048], "default_size": 224}}


def convnext_block(x, projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=""):
    """7x7 depthwise convolution, layer norm, Dense 4x up, GELU, Dense down, layer scale,
    stochastic depth (the identity when the rate is 0), added to the input."""
    from .. import layers
    inputs = x
    x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                      name=f"{name}_depthwise_conv")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
    x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=f"{name}_gelu")(x)
    x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
    if layer_scale_init_value is not None:
        x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
    if drop_path_rate:
        branch = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
    else:
        branch = layers.Activation("linear", name=f"{name}_identity")
    return inputs + branch(x)  # a keras.ops node, as in Keras


def _downsampling(name, projection_dims):
    """The stem (4x4 patches) and the three 2x2 downsampling blocks, as Sequentials."""
    from .. import layers
    from ..models import Sequential
    stages = [Sequential([layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
                          layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")],
                         name=f"{name}_stem")]
    for i in range(3):
        stages.append(Sequential([layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
                                  layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                                                name=f"{name}_downsampling_conv_{i}")],
                                 name=f"{name}_downsampling_block_{i}"))
    return stages


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
             name="convnext", include_preprocessing=True, include_top=True, weights=None, input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", weights_name=None):
    """The ConvNeXt family's builder: four stages of `depths` blocks `projection_dims` wide."""
    from .. import layers
    from ..config import image_data_format
    if image_data_format() == "channels_first":
        raise ValueError("ConvNeXt does not support the `channels_first` image data format. Switch to "
                         "`channels_last` by editing your local config file at ~/.keras/keras.json")
    _builder.check_weights(weights, include_top, classes)
    x, inputs = _builder.image_input(input_tensor, input_shape, default_size, 32, include_top, weights)
    if input_tensor is not None and isinstance(inputs, list):
        inputs = inputs[0]
    if include_preprocessing and x.shape[-1] == 3:
        x = layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                                 variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                                 name=f"{name}_prestem_normalization")(x)
    stages = _downsampling(name, projection_dims)
    rates = [float(rate) for rate in np.linspace(0.0, drop_path_rate, sum(depths))]
    first = 0
    for i in range(4):
        x = stages[i](x)
        for j in range(depths[i]):
            x = convnext_block(x, projection_dims[i], rates[first + j], layer_scale_init_value,
                               name=f"{name}_stage_{i}_block_{j}")
        first += depths[i]
    if include_top:
        _builder.validate_activation(classifier_activation, weights)
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    else:
        x = _builder.top(x, False, pooling, classes, classifier_activation, weights, pool_names=(None, None))
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    if weights == "imagenet":
        _check_imagenet_variant(weights_name, depths, projection_dims, name)
    file = f"{name}{'.h5' if include_top else '_notop.h5'}"
    file_hash = _HASHES[weights_name][0 if include_top else 1] if weights_name in _HASHES else None
    return _builder.finish(inputs, x, name, weights, file, file_hash, root=_WEIGHTS_ROOT)


def _check_imagenet_variant(weights_name, depths, projection_dims, name):
    expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
    if list(depths) != expected["depths"] or list(projection_dims) != expected["projection_dims"]:
        raise ValueError(f"Architecture configuration does not match {weights_name} variant. When using pre-trained "
                         f"weights, the model architecture must match the pre-trained configuration exactly. Expected "
                         f"depths: {expected['depths']}, got: {depths}. Expected projection_dims: "
                         f"{expected['projection_dims']}, got: {projection_dims}.")
    if weights_name not in name:
        raise ValueError(f'Model name "{name}" does not match weights variant "{weights_name}". When using imagenet '
                         f'weights, model name must contain the weights variant (e.g., "convnext_'
                         f'{weights_name.split("convnext_")[-1]}").')


def _variant(function_name, size):
    config, weights_name = MODEL_CONFIGS[size], f"convnext_{size}"

    def model(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name=weights_name):
        return ConvNeXt(config["depths"], config["projection_dims"], 0.0, 1e-6, config["default_size"], name=name,
                        include_preprocessing=include_preprocessing, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, weights_name=weights_name)
    model.__name__ = model.__qualname__ = function_name
    model.__doc__ = (f"{function_name}: ConvNeXt with stages of {config['depths']} blocks, {config['projection_dims']} "
                     f"channels; takes [0, 255] images (normalised inside the model unless include_preprocessing=False).")
    return model


ConvNeXtTiny = _variant("ConvNeXtTiny", "tiny")
ConvNeXtSmall = _variant("ConvNeXtSmall", "small")
ConvNeXtBase = _variant("ConvNeXtBase", "base")
ConvNeXtLarge = _variant("ConvNeXtLarge", "large")
ConvNeXtXLarge = _variant("ConvNeXtXLarge", "xlarge")


def preprocess_input(x, data_format=None):
    """The identity: ConvNeXt normalises its inputs inside the model (kept for API parity)."""
    return x


__all__ = ["ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge", "decode_predictions",
           "preprocess_input"]
