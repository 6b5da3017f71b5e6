"""keras.layers.serialize and keras.layers.deserialize: a layer as Keras's config dict
({"module", "class_name", "config", "registered_name"}) and back, as `.keras` files store it."""
from .layer import Layer

__all__ = ["deserialize", "serialize"]


def serialize(layer):
    """The layer's entry as Keras writes it in a model's config."""
    from ..saving.serialization import serialize_layer
    if not isinstance(layer, Layer):
        raise TypeError(f"keras.layers.serialize expects a Layer; received {type(layer).__name__}")
    return serialize_layer(layer)


def deserialize(config, custom_objects=None):
    """A new layer from `serialize`'s dict (custom classes from `custom_objects`).

    Raises:
        ValueError: when the config does not describe a layer.
    """
    from ..saving.serialization import deserialize_layer
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"`keras.layers.deserialize` was passed a `config` object that is not a `keras.layers.Layer`. "
                         f"Received: {config}")
    layer = deserialize_layer(config, custom_objects)
    if not isinstance(layer, Layer):
        raise ValueError(f"`keras.layers.deserialize` was passed a `config` object that is not a `keras.layers.Layer`. "
                         f"Received: {config}")
    return layer
