"""Keras 3's weight constraints: projections applied to a weight after each optimizer update.

A layer's `kernel_constraint=...` (and the other `*_constraint` arguments) reaches its weight
through `add_weight(constraint=...)`, which sets `variable.constraint`; every optimizer step
then assigns `constraint(variable)` to each variable it updated, as Keras's does. The norms
are computed by engine ops, so no Python loop touches the weights' elements.

    layers.Dense(64, kernel_constraint=keras.constraints.MaxNorm(3.0))
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, Union

import swiftdl as _sd
from swiftdl._tensor import Tensor
from swiftdl._typing import ArrayLike

from . import backend

_Axis = Union[int, Sequence[int]]

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "max_norm",
           "min_max_norm", "non_neg", "serialize", "unit_norm"]


class Constraint:
    """Base class for weight constraints: a stateless function from a weight to its projection.

    Subclasses override `__call__(w)` and, when they take arguments, `get_config()`. The base
    class leaves the weight as it is.
    """

    def __call__(self, w: ArrayLike) -> Any:
        """Returns the projection of `w` (here `w` itself)."""
        return w

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        """A constraint from `get_config()`'s dict."""
        return cls(**config)


def _norms(w: Tensor, axis: _Axis) -> Tensor:
    """The L2 norms of `w` along `axis`, kept as size-1 axes so they broadcast against `w`."""
    axis = list(axis) if isinstance(axis, (list, tuple)) else axis
    return _sd.sqrt(_sd.sum(_sd.square(w), axis=axis, keepdims=True))


def _scaled(w: Tensor, norms: Tensor, desired: Tensor) -> Tensor:
    # NOTE: epsilon sits beside the norm, as in Keras, so an all-zero column stays zero
    # instead of dividing by zero.
    return w * (desired / (norms + backend.epsilon()))


class MaxNorm(Constraint):
    """Scales down the weights incident to each unit whose L2 norm exceeds `max_value`.

    Args:
        max_value: the largest norm allowed.
        axis: the axis (or list of axes) along which norms are taken: 0 for a Dense kernel
            `(input_dim, units)`, `[0, 1, 2]` for a Conv2D kernel `(kh, kw, in, out)`.
    """

    def __init__(self, max_value: float = 2, axis: _Axis = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: ArrayLike) -> Tensor:
        w = _sd.asarray(w, copy=None)
        norms = _norms(w, self.axis)
        return _scaled(w, norms, _sd.clip(norms, 0, self.max_value))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Replaces negative weights by zero."""

    def __call__(self, w: ArrayLike) -> Tensor:
        return _sd.maximum(_sd.asarray(w, copy=None), 0)


class UnitNorm(Constraint):
    """Scales the weights incident to each unit to L2 norm 1.

    Args:
        axis: the axis (or list of axes) along which norms are taken, as for `MaxNorm`.
    """

    def __init__(self, axis: _Axis = 0) -> None:
        self.axis = axis

    def __call__(self, w: ArrayLike) -> Tensor:
        w = _sd.asarray(w, copy=None)
        return w / (_norms(w, self.axis) + backend.epsilon())

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the L2 norm of the weights incident to each unit into `[min_value, max_value]`.

    Args:
        min_value: the smallest norm allowed.
        max_value: the largest norm allowed.
        rate: how far each step moves: the new norm is
            `rate * clip(norm, min_value, max_value) + (1 - rate) * norm`; 1.0 enforces the
            bounds at once.
        axis: the axis (or list of axes) along which norms are taken, as for `MaxNorm`.
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: _Axis = 0) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: ArrayLike) -> Tensor:
        w = _sd.asarray(w, copy=None)
        norms = _norms(w, self.axis)
        desired = self.rate * _sd.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return _scaled(w, norms, desired)

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


# Keras's lower-case aliases are the classes themselves.
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_CLASSES = {cls.__name__: cls for cls in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)}
_ALIASES = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm}


def serialize(constraint: Constraint | Callable[[Tensor], Tensor] | None) -> dict[str, Any] | None:
    """The constraint as Keras's `{"module", "class_name", "config", "registered_name"}` dict
    (None for None). A plain function is written by name, as Keras writes functions; loading
    it needs `custom_objects` (no code is ever read from a file)."""
    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        if not callable(constraint):
            raise ValueError(f"Cannot serialize {constraint!r}: not a constraint")
        name = getattr(constraint, "__name__", type(constraint).__name__)
        return {"module": getattr(constraint, "__module__", None), "class_name": "function", "config": name,
                "registered_name": name}
    module = "keras.constraints" if type(constraint).__name__ in _CLASSES else type(constraint).__module__
    registered = None if type(constraint).__name__ in _CLASSES else type(constraint).__name__
    return {"module": module, "class_name": type(constraint).__name__, "config": constraint.get_config(),
            "registered_name": registered}


def deserialize(config: dict[str, Any] | str, custom_objects: dict[str, Any] | None = None) -> Any:
    """A constraint from `serialize`'s dict or a name ("max_norm", "MaxNorm", ...).

    Raises:
        ValueError: for an unknown class name or a malformed entry.
    """
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(f"Could not interpret constraint identifier: {config!r}")
    name = config["class_name"]
    if name == "function":
        function_name: Any = config.get("config")
        function = (custom_objects or {}).get(function_name)
        if function is None:
            raise ValueError(f"Could not locate the constraint function {function_name!r}; pass it in "
                             "`custom_objects`")
        return function
    cls: Any = (custom_objects or {}).get(name) or _CLASSES.get(name) or _ALIASES.get(name)
    if cls is None:
        raise ValueError(f"Unknown constraint: {name!r}. Custom constraints are passed in `custom_objects`.")
    arguments = config.get("config") or {}
    if not isinstance(arguments, dict):
        raise ValueError(f"The config of constraint {name!r} must be a dict; received {arguments!r}")
    return cls.from_config(arguments)


def get(identifier: Any) -> Constraint | Callable[[Tensor], Tensor] | None:
    """A constraint from None, an instance, a callable, a name or a config dict.

    Raises:
        ValueError: when `identifier` is none of these.
    """
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")
