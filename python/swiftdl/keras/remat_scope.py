"""keras.remat and keras.RematScope: rematerialisation (gradient checkpointing) for layers.

`remat(f)` is swiftdl's engine-level rematerialisation (`swiftdl._remat`). A `RematScope`
active when a layer is *created* decides whether that layer's calls are rematerialised, as
in Keras 3: "full" (every layer), "activations" (only the activation function of layers that
have one), "larger_than" (layers whose output has more than `output_size_threshold`
elements), "list_of_layers" (layers named in `layer_names`), or None (none).
"""
from __future__ import annotations

import functools
import math
import threading
from collections import namedtuple
from typing import Any, Callable

from swiftdl._remat import remat

__all__ = ["RematScope", "get_current_remat_mode", "remat"]

RematMode = namedtuple("RematMode", ["mode", "output_size_threshold", "layer_names"])

_MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_SCOPES = threading.local()


class RematScope:
    """Rematerialises the calls of the layers created inside it (see the module's docstring).

    Args:
        mode: "full", "activations", "larger_than", "list_of_layers" or None.
        output_size_threshold: for "larger_than", the output size (elements per call) above
            which a layer is rematerialised. Default 1024.
        layer_names: for "list_of_layers", the names of the layers to rematerialise.

    Raises:
        ValueError: for an unknown mode.
    """

    def __init__(self, mode: str | None = "full", output_size_threshold: int = 1024,
                 layer_names: list[str] | None = None) -> None:
        if mode not in _MODES:
            raise ValueError(f"Invalid mode '{mode}'. Supported modes are: 'full', 'activations', 'larger_than', "
                             "'list_of_layers', or  None.")
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])

    def __enter__(self) -> RematScope:
        _SCOPES.__dict__.setdefault("stack", []).append(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _SCOPES.stack.pop()


def get_current_remat_mode() -> RematMode | None:
    """The innermost RematScope's settings on this thread, or None outside any."""
    stack = getattr(_SCOPES, "stack", None)
    if not stack:
        return None
    scope = stack[-1]
    return RematMode(scope.mode, scope.output_size_threshold, scope.layer_names)


def rematerialized_call(layer: Any, call: Callable[..., Any], inputs: Any) -> Callable[..., Any]:
    """`call` as the layer's remat mode (from its creation) wants it run for these inputs."""
    mode = getattr(layer, "_remat_mode", None)
    if mode is None or mode.mode is None:
        return call
    if mode.mode == "full":
        return remat(call)
    if mode.mode == "list_of_layers":
        return remat(call) if layer.name in mode.layer_names else call
    if mode.mode == "activations":
        return _with_rematerialized_activation(layer, call) if getattr(layer, "activation", None) else call
    if mode.mode == "larger_than":
        size = _output_size(layer, inputs)
        return remat(call) if size and size > mode.output_size_threshold else call
    return call


def _with_rematerialized_activation(layer: Any, call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        original = layer.activation
        layer.activation = remat(original)
        try:
            return call(*args, **kwargs)
        finally:
            layer.activation = original

    return wrapper


def _output_size(layer: Any, inputs: Any) -> int:
    """Elements of the layer's output for these inputs (0 when the layer cannot say)."""
    from .layers.keras_tensor import map_structure
    try:
        shapes = layer.compute_output_shape(map_structure(lambda t: tuple(t.shape), inputs))
    except Exception:  # a layer without compute_output_shape: Keras then rematerialises nothing
        return 0
    return _elements(shapes)


def _elements(shapes: Any) -> int:
    """Elements in a shape (unknown sizes as 1) or in every shape of a structure of them."""
    if isinstance(shapes, (tuple, list)) and all(isinstance(d, int) or d is None for d in shapes):
        return math.prod(d or 1 for d in shapes)
    if isinstance(shapes, dict):
        shapes = list(shapes.values())
    return sum(_elements(shape) for shape in shapes) if isinstance(shapes, (tuple, list)) else 0
