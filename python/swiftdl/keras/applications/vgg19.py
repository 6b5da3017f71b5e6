"""keras.applications.vgg19: VGG19 (caffe preprocessing)."""
from .vgg import decode_predictions, preprocess_input, vgg


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg19"):
    return vgg(19, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
