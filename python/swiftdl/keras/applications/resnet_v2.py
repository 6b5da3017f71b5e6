"""keras.applications.resnet_v2: ResNet50V2, ResNet101V2, ResNet152V2 (tf preprocessing)."""
from ._resnet import resnet
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_input as _imagenet_preprocess


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
               classifier_activation="softmax", name="resnet50v2"):
    return resnet((3, 4, 6, 3), True, "resnet50v2", include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax", name="resnet101v2"):
    return resnet((3, 4, 23, 3), True, "resnet101v2", include_top, weights, input_tensor, input_shape, pooling,
                  classes, classifier_activation, name)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax", name="resnet152v2"):
    return resnet((3, 8, 36, 3), True, "resnet152v2", include_top, weights, input_tensor, input_shape, pooling,
                  classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    return _imagenet_preprocess(x, data_format=data_format, mode="tf")


__all__ = ["ResNet101V2", "ResNet152V2", "ResNet50V2", "decode_predictions", "preprocess_input"]
