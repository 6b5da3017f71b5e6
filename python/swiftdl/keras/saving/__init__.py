"""Keras 3 model files (`.keras`), weights files (`.weights.h5`), configs and the registry
of custom objects."""
from typing import Any

from .file_editor import KerasFileEditor
from .object_registration import (CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name,
                                  get_registered_object, merged_custom_objects, register_keras_serializable)
from .saving_lib import load_model, save_model
from .serialization import deserialize_layer as _deserialize_layer
from .weights import load_weights, save_weights


def deserialize_keras_object(config: Any, custom_objects: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """A layer or model from its serialized entry; registered classes and open
    custom_object_scopes are found as well as `custom_objects`."""
    return _deserialize_layer(config, custom_objects=merged_custom_objects(custom_objects))


def serialize_keras_object(obj: Any) -> Any:
    """Keras's serialized form of `obj`: None, plain Python values and lists as they are,
    objects with `get_config` as {"module", "class_name", "config", "registered_name"}.

    Raises:
        TypeError: for an object that has no `get_config`.
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    from ..layers.layer import Layer
    if isinstance(obj, Layer):
        from .serialization import serialize_layer
        return serialize_layer(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r}: it has no get_config() method")
    cls = type(obj)
    module = cls.__module__.replace("swiftdl.", "", 1) if cls.__module__.startswith("swiftdl.") else cls.__module__
    return {"module": module, "class_name": cls.__name__, "config": obj.get_config(),
            "registered_name": get_registered_name(cls) if cls in get_custom_objects().values() else None}


__all__ = ["CustomObjectScope", "KerasFileEditor", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
           "get_registered_name", "get_registered_object", "load_model", "load_weights", "register_keras_serializable",
           "save_model", "save_weights", "serialize_keras_object"]
