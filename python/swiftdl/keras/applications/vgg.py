"""VGG16 and VGG19 (Simonyan and Zisserman, 2014), Keras's layer names and weights."""
from . import _builder
from .imagenet_utils import decode_predictions, preprocess_input as _imagenet_preprocess

_HASHES = {16: ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
           19: ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")}


def vgg(depth, include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
        classifier_activation="softmax", name=None):
    from .. import layers
    _builder.check_weights(weights, include_top, classes)
    x, inputs = _builder.image_input(input_tensor, input_shape, 224, 32, include_top, weights)
    convs = {16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4)}[depth]
    for block, (count, filters) in enumerate(zip(convs, (64, 128, 256, 512, 512)), start=1):
        for i in range(1, count + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        _builder.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    file = f"vgg{depth}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return _builder.finish(inputs, x, name or f"vgg{depth}", weights, file, _HASHES[depth][0 if include_top else 1],
                           f"vgg{depth}/")


def preprocess_input(x, data_format=None):
    return _imagenet_preprocess(x, data_format=data_format, mode="caffe")


__all__ = ["decode_predictions", "preprocess_input", "vgg"]
