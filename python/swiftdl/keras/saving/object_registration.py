"""Keras's registry of custom objects: `register_keras_serializable`, `custom_object_scope`,
`get_custom_objects`, `get_registered_name` and `get_registered_object`.

Registered classes and the objects of every open scope are found by `load_model` and
`deserialize_keras_object` without being passed in `custom_objects`.
"""
from __future__ import annotations

import inspect
import threading
from typing import Any, Callable

# "package>name" (or a plain name added through get_custom_objects()) -> object.
GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
# object -> "package>name".
GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_SCOPES = threading.local()  # each thread's stack of custom_object_scope dicts


class CustomObjectScope:
    """Makes objects findable by name inside a `with` block, as in Keras:

        with custom_object_scope({"MyLayer": MyLayer}):
            model = keras.models.load_model("model.keras")

    Args:
        custom_objects: dicts {name: class or function} (several may be given); None is
            accepted and ignored.

    Raises:
        TypeError: when an argument is not a dict or None.
    """

    def __init__(self, custom_objects: Any) -> None:
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(f"`custom_objects` must be a dict. Received: custom_objects={custom_objects!r}")
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self) -> "CustomObjectScope":
        if not hasattr(_SCOPES, "stack"):
            _SCOPES.stack = []
        _SCOPES.stack.append(self.custom_objects)
        return self

    def __exit__(self, *args: Any) -> None:
        _SCOPES.stack.pop()


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict[str, Any]:
    """The global dict of custom objects (registered ones included); adding to it makes
    names resolvable everywhere, as in Keras."""
    return GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """Decorator registering a class or function under `"package>name"` (name defaults to
    the object's `__name__`), so saved models that use it load without `custom_objects`.

    Raises:
        ValueError: when a class without `get_config` is registered.
    """

    def decorator(arg: Any) -> Any:
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj: Any) -> str:
    """The name `obj` is registered under, or its `__name__` when it is not registered."""
    if obj in GLOBAL_CUSTOM_NAMES:
        return GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name: str, custom_objects: dict[str, Any] | None = None,
                          module_objects: dict[str, Any] | None = None) -> Any:
    """The object registered (globally, in an open scope, in `custom_objects` or in
    `module_objects`) under `name`, or None."""
    for scope in reversed(getattr(_SCOPES, "stack", [])):
        if name in scope:
            return scope[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def merged_custom_objects(custom_objects: dict[str, Any] | None) -> dict[str, Any]:
    """Everything resolvable by name for a load: registered objects (under their registered
    name and, as the saved entry's class_name, their `__name__`), open scopes, then the
    explicit `custom_objects`, later ones winning."""
    merged: dict[str, Any] = {}
    for registered_name, obj in GLOBAL_CUSTOM_OBJECTS.items():
        merged.setdefault(getattr(obj, "__name__", registered_name), obj)
        merged[registered_name] = obj
    for scope in getattr(_SCOPES, "stack", []):
        merged.update(scope)
    merged.update(custom_objects or {})
    return merged


__all__ = ["CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
           "get_registered_object", "register_keras_serializable"]
