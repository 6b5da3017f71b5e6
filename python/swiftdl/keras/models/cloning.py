"""keras.models.clone_model, model_from_json and Model.to_json, through the same configs
`.keras` files use (saving/serialization.py)."""
from __future__ import annotations

import json
from typing import Any, Callable

from ..saving.object_registration import merged_custom_objects
from ..saving.serialization import from_keras_config, serialize_model


def model_to_json(model: Any, **kwargs: Any) -> str:
    """`Model.to_json`: the model's config.json entry (without its compile config) as JSON."""
    entry = serialize_model(model)
    entry.pop("compile_config", None)
    return json.dumps(entry, **kwargs)


def model_from_json(json_string: str, custom_objects: dict[str, Any] | None = None) -> Any:
    """A model (fresh weights, not compiled) from `Model.to_json`'s string or a Keras model's
    JSON; custom classes come from `custom_objects`, the registry or an open scope.

    Raises:
        ValueError: when the string is not JSON describing a model.
    """
    try:
        entry = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"model_from_json expects a JSON string; received {str(json_string)[:100]!r} ({error})") from None
    if not isinstance(entry, dict):
        raise ValueError(f"model_from_json expects a JSON object describing a model; received {str(entry)[:100]}")
    return from_keras_config(entry, custom_objects=merged_custom_objects(custom_objects))


def _default_clone(layer: Any) -> Any:
    return type(layer).from_config(layer.get_config())


def clone_model(model: Any, input_tensors: Any = None, clone_function: Callable[[Any], Any] | None = None,
                call_function: Any = None, recursive: bool = False, **kwargs: Any) -> Any:
    """A new model with the same architecture and newly initialized weights (Keras's
    clone_model; weights are not copied: use `set_weights(model.get_weights())`). A compiled
    model's clone is compiled alike, with a new optimizer made from the original's config.

    Args:
        model: a Sequential, functional or subclassed (with get_config) model.
        clone_function: for a Sequential model, called on each layer to make its copy
            (default: `layer.__class__.from_config(layer.get_config())`).

    Raises:
        ValueError: for arguments swiftdl does not support (input_tensors, call_function,
            recursive, or clone_function on a non-Sequential model) and for non-models.
    """
    from .model import Model
    from .sequential import Sequential
    if not isinstance(model, Model):
        raise ValueError(f"Expected `model` argument to be a `Model` instance. Received: model={model!r}")
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {sorted(kwargs)}")
    if input_tensors is not None or call_function is not None or recursive:
        raise ValueError("swiftdl's clone_model does not support `input_tensors`, `call_function` or `recursive` yet; "
                         f"received input_tensors={input_tensors!r}, call_function={call_function!r}, recursive={recursive}")
    if clone_function is not None:
        if not isinstance(model, Sequential):
            raise ValueError("swiftdl's clone_model supports `clone_function` for Sequential models only; received a "
                             f"{type(model).__name__}")
        shape = model._input_batch_shape()
        layers = [clone_function(layer) for layer in model.layers]
        from ..layers import Input
        head = [Input(batch_shape=tuple(shape))] if shape is not None else []
        return _compiled_like(model, Sequential(head + layers, name=model.name))
    entry = serialize_model(model)
    entry.pop("compile_config", None)
    return _compiled_like(model, from_keras_config(entry))


def _compiled_like(model: Any, clone: Any) -> Any:
    config = model.get_compile_config() if getattr(model, "compiled", False) else None
    if config is not None:
        clone.compile_from_config(config)
    return clone


__all__ = ["clone_model", "model_from_json", "model_to_json"]
