"""What every application builder shares: argument checks, the input, the top
(classifier or pooling) and the weights (none, Keras's published ImageNet weights through
get_file, or a local file)."""
import os

from .imagenet_utils import obtain_input_shape, validate_activation  # noqa: F401  (builders use it)

WEIGHTS_ROOT = "https://storage.googleapis.com/tensorflow/keras-applications/"


def check_weights(weights, include_top, classes):
    if not (weights in ("imagenet", None) or os.path.exists(str(weights))):
        raise ValueError(f"The `weights` argument should be either `None` (random initialization), 'imagenet' "
                         f"(pre-training on ImageNet), or the path to the weights file to be loaded.  Received: "
                         f"weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received "
                         f"classes={classes}")


def image_input(input_tensor, input_shape, default_size, min_size, include_top, weights):
    """(the input KerasTensor, the model's inputs)."""
    from .. import layers
    from ..config import image_data_format
    shape = obtain_input_shape(input_shape, default_size, min_size, image_data_format(), include_top, weights)
    if input_tensor is None:
        tensor = layers.Input(shape=shape)
        return tensor, tensor
    return given_input(input_tensor)


def given_input(input_tensor):
    """(`input_tensor`, the model's inputs: the keras.Input(s) it was computed from)."""
    from ..layers.keras_tensor import is_keras_tensor
    if not is_keras_tensor(input_tensor):
        raise ValueError(f"`input_tensor` must be a Keras tensor (the output of keras.Input or of a layer); received "
                         f"{type(input_tensor).__name__}")
    from ..utils import get_source_inputs
    sources = get_source_inputs(input_tensor)
    return input_tensor, sources[0] if len(sources) == 1 else sources


def top(x, include_top, pooling, classes, classifier_activation, weights, pool_names=("avg_pool", "max_pool")):
    """The classifier (global average pooling and a Dense "predictions") or the pooling."""
    from .. import layers
    if include_top:
        x = layers.GlobalAveragePooling2D(name=pool_names[0])(x)
        validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=pool_names[0])(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=pool_names[1])(x)
    return x


def finish(inputs, outputs, name, weights, imagenet_file=None, file_hash=None, subfolder="", root=WEIGHTS_ROOT):
    """The model, with its weights loaded: `imagenet_file` under Keras's published weights
    (`subfolder` of `root`, keras-applications/ unless given), or the weights file given."""
    from ..models.model import Model
    model = Model(inputs, outputs, name=name)
    if weights == "imagenet":
        if imagenet_file is None:
            raise ValueError(f"{name}: no ImageNet weights are published for this configuration")
        from ..utils.file_utils import get_file
        path = get_file(imagenet_file, f"{root}{subfolder}{imagenet_file}", cache_subdir="models",
                        file_hash=file_hash)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model


def bn_axis():
    from ..config import image_data_format
    return 3 if image_data_format() == "channels_last" else 1
