"""Keras's weight regularizers: penalties added to the training loss."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import swiftdl as _sd
from swiftdl._tensor import Tensor


class Regularizer:
    def __call__(self, x: Tensor) -> Any:
        return 0.0

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        return cls(**config)


class L1L2(Regularizer):
    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x: Tensor) -> Any:
        penalty = None
        if self.l1:
            penalty = self.l1 * _sd.abs(x).sum()
        if self.l2:
            term = self.l2 * (x * x).sum()
            penalty = term if penalty is None else penalty + term
        return penalty if penalty is not None else _sd.zeros((), x.dtype)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    return L1L2(l1, l2)


l1 = L1
l2 = L2


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a rank-2 weight towards mutual orthogonality.

    The penalty is factor · ½ · Σ|⟨uᵢ, uⱼ⟩| / (n(n-1)/2) over pairs i ≠ j of the L2-normalized
    rows (mode="rows") or columns (mode="columns"), as Keras computes it.

    Args:
        factor: the non-negative penalty factor (0.01).
        mode: "rows" or "columns" (default "rows").

    Raises:
        ValueError: for a negative or non-finite factor, an unknown mode, or (when called) a
            weight that is not rank 2.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        if (not isinstance(factor, (float, int)) or isinstance(factor, bool) or math.isinf(factor)
                or math.isnan(factor) or factor < 0):
            raise ValueError(f"Invalid value for argument factor: expected a non-negative float.Received: factor={factor}")
        if mode not in ("rows", "columns"):
            raise ValueError(f'Invalid value for argument `mode`. Expected one of {{"rows", "columns"}}. Received: mode={mode}')
        # Keras keeps the factor as a float32 tensor: the config shows it rounded to float32.
        self.factor = float(np.float32(factor))
        self.mode = mode

    def __call__(self, x: Tensor) -> Any:
        from .ops.nn_normalization import normalize
        if len(x.shape) != 2:
            raise ValueError(f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={tuple(x.shape)}")
        if self.mode == "rows":
            units = normalize(x, axis=1)
            product = _sd.matmul(units, _sd.transpose(units))
            size = x.shape[0]
        else:
            units = normalize(x, axis=0)
            product = _sd.matmul(_sd.transpose(units), units)
            size = x.shape[1]
        off_diagonal = product * (1.0 - _sd.eye(size, dtype=product.dtype))
        pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * _sd.abs(off_diagonal).sum() / pairs

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


orthogonal_regularizer = OrthogonalRegularizer

# Keras's lookup table: class names and their snake_case forms.
_BY_NAME: dict[str, Any] = {"Regularizer": Regularizer, "regularizer": Regularizer, "L1": L1, "l1": L1, "L2": L2, "l2": L2,
                            "L1L2": L1L2, "l1_l2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer,
                            "orthogonal_regularizer": OrthogonalRegularizer}


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A regularizer from `serialize`'s dict ({"class_name": ..., "config": {...}}) or a name.

    Raises:
        ValueError: for an unknown class name or anything else.
    """
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(f"Could not interpret regularizer identifier: {config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name)
    if cls is None:
        raise ValueError(f"Could not interpret regularizer identifier: {config!r}")
    arguments = config.get("config") or {}
    return cls.from_config(arguments) if hasattr(cls, "from_config") else cls(**arguments)


def get(identifier: Any) -> Any:
    """A regularizer from None, an instance or callable, a name ('l2', 'OrthogonalRegularizer',
    ...) or a config dict.

    Raises:
        ValueError: for anything else.
    """
    if identifier is None or isinstance(identifier, Regularizer) or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
        return _BY_NAME[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")


def serialize(regularizer: Any) -> Any:
    if regularizer is None:
        return None
    return {"module": "keras.regularizers", "class_name": type(regularizer).__name__,
            "config": regularizer.get_config(), "registered_name": None}

# Keras's public names in this module (`from swiftdl.keras.regularizers import *`).
__all__ = ["L1", "L1L2", "L2", "Regularizer", "get", "l1", "l1_l2", "l2", "serialize",
           "OrthogonalRegularizer", "deserialize", "orthogonal_regularizer"]
